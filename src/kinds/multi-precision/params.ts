/**
 * Parameters of the `multi-precision` kind: a DRQ-style (Song et al., ISCA 2020)
 * array of variable-speed PEs whose multipliers are `pe.multiplierBits` wide.
 * An a×w-bit MAC is split into ⌈a/m⌉·⌈w/m⌉ sub-products, one per cycle, so with
 * 4-bit multipliers a 4-bit MAC takes 1 cycle and an 8-bit MAC 4 cycles. Input
 * regions the trace marks sensitive run at the layer's bit-widths, the others at
 * `precision.lowBits`; a region scheduler hands output pixels to PE rows.
 * In `outlier` mode (OLAccel, Park et al., ISCA 2018) precision is chosen per
 * value instead: the largest-magnitude activations and weights are outliers at
 * the layer's bits, the rest run at `lowBits` (see outliers.ts).
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema, dramSchema } from '../../memory/level.js';

const eyeriss = 'guess: Eyeriss-like sizes (Chen et al., ISCA 2016); DRQ’s own configuration is NOT FOUND (numbers.md §B)';

export const multiPrecisionSchema = z.strictObject({
  ...commonArchShape,
  array: group(
    {
      rows: param(z.number().int().positive(), 24, { unit: 'PEs', description: 'PE rows; each row works on one output pixel at a time', source: eyeriss }),
      cols: param(z.number().int().positive(), 28, { unit: 'PEs', description: 'PE columns; each column holds one filter of the current column fold', source: eyeriss }),
    },
    'The PE array (output stationary: rows ← output pixels, columns ← filters)',
  ),
  pe: group(
    {
      multiplierBits: param(z.number().int().positive(), 4, {
        unit: 'bits',
        description: 'Width of each PE’s multiplier; an a×w MAC takes ⌈a/m⌉·⌈w/m⌉ cycles',
        source: 'DRQ PE: 4-bit MAC in 1 cycle, 8-bit MAC in 4 cycles (seed 004, “Multi-precision PE”)',
      }),
      weightSpadEntries: param(z.number().int().positive(), 224, {
        unit: 'weights',
        description: 'PE-local weight scratchpad; the reduction is split into passes of at most this many weights',
        source: 'Eyeriss weight spad of 224 entries (Chen et al., ISCA 2016)',
      }),
      psumBits: param(z.number().int().positive(), 32, {
        unit: 'bits',
        description: 'Width of partial sums written to and read back from the OFMAP buffer between passes',
        source: 'guess: 32-bit accumulators',
      }),
    },
    'Processing elements',
  ),
  precision: group(
    {
      mode: param(z.enum(['region', 'uniform', 'outlier']), 'region', {
        unit: '-',
        description:
          'region: sensitive input regions at the layer’s bits, the rest at lowBits (DRQ); uniform: every MAC at the layer’s bits (coarse-grained quantization, the Eyeriss baseline); outlier: the largest-magnitude activations and weights (the `outliers` fractions) at the layer’s bits on outlier MACs, the rest at lowBits on the dense lanes (OLAccel)',
        source: 'Song et al., ISCA 2020 (abstract); Park et al., ISCA 2018 (abstract)',
      }),
      lowBits: param(z.number().int().positive(), 4, {
        unit: 'bits',
        description: 'Bits both operands are quantized to in insensitive regions',
        source: 'DRQ: insensitive regions run 4-bit (seed 004)',
      }),
      storage: param(z.enum(['trace', 'low']), 'trace', {
        unit: '-',
        description:
          'trace: buffers and DRAM hold every operand at the trace’s storage bits; low: low-precision values are stored and moved at lowBits — region mode: inputs and outputs at lowBits outside sensitive regions (weights stay at the trace’s bits), outlier mode: every operand at lowBits plus each outlier’s full value and index',
        source: 'OLAccel: “the energy gain mostly comes from the memory components … due to reduced precision” (Park et al., ISCA 2018, abstract); DRQ keeps 8-bit weights (seed 004); whether DRQ stores insensitive activations at 4 bits is NOT FOUND',
      }),
    },
    'Precision of each MAC',
  ),
  outliers: group(
    {
      activationFraction: param(z.number().min(0).max(1), 0.03, {
        unit: 'fraction',
        description: 'Share of each layer’s input activations, largest magnitude first, that are outliers',
        source: 'OLAccel: outliers “e.g., amounting to 3% of total data” (Park et al., ISCA 2018, abstract)',
      }),
      weightFraction: param(z.number().min(0).max(1), 0.03, {
        unit: 'fraction',
        description: 'Share of each layer’s weights, largest magnitude first, that are outliers',
        source: 'OLAccel: 3 % of total data (Park et al., ISCA 2018, abstract)',
      }),
      laneGroup: param(z.number().int().positive(), 16, {
        unit: 'PEs',
        description: 'PE columns of a row that share one input broadcast and one set of outlier-weight MACs (OLAccel’s SIMD lanes)',
        source: 'guess: OLAccel equips “SIMD lanes of MAC units with an additional MAC unit” (abstract); the lane count is NOT FOUND',
      }),
      weightMacs: param(z.number().int().positive(), 1, {
        unit: 'MACs',
        description: 'Full-width MACs per lane group for outlier weights; n outlier weights at one input take ⌈n/weightMacs⌉ cycles (at least one low-precision MAC’s)',
        source: 'Park et al., ISCA 2018, abstract: one additional MAC unit per SIMD lane group',
      }),
      activationMacs: param(z.number().int().positive(), 16, {
        unit: 'MACs/cycle',
        description: 'Dedicated high-precision MACs shared by the array for outlier activations; an outlier activation takes ⌈columns/activationMacs⌉ cycles there',
        source: 'guess: OLAccel computes outlier activations “on dedicated, high-precision MAC units” (abstract); their number is NOT FOUND',
      }),
      indexBits: param(z.number().int().nonnegative(), 8, {
        unit: 'bits',
        description: 'Position index stored with each outlier value under storage = low',
        source: 'guess: a position within a 256-value block',
      }),
    },
    'Outliers (precision.mode = outlier)',
  ),
  scheduler: param(z.enum(['static', 'dynamic']), 'dynamic', {
    unit: '-',
    description: 'static: output pixels are dealt to PE rows in folds of `rows`, and a fold ends when its slowest row does; dynamic: a row that finishes takes the next pixel, and only a column fold (weight reload) waits for the slowest row',
    source: 'guess: DRQ’s “variable-speed” array lets rows run at their own pace; its scheduler’s details are NOT FOUND',
  }),
  wordBits: param(z.number().int().positive(), 8, {
    unit: 'bits',
    description: 'Word width of buffers and DRAM ports',
    source: 'guess: 8-bit operands are the widest DRQ computes',
  }),
  buffers: group(
    {
      ifmap: bufferSchema(64, 'IFMAP', eyeriss),
      filter: bufferSchema(64, 'filter', eyeriss),
      ofmap: bufferSchema(64, 'OFMAP', eyeriss),
    },
    'On-chip SRAM buffers',
  ),
  dram: dramSchema,
  vector: group(
    {
      lanes: param(z.number().int().positive(), 28, {
        unit: 'ops/cycle',
        description: 'Element-wise unit for batch-norm, ReLU, pooling and add layers',
        source: 'guess: one lane per array column',
      }),
    },
    'Element-wise (post-processing) unit',
  ),
  atoms: group(
    {
      skip: param(z.enum(['off', 'values', 'atoms']), 'off', {
        unit: '-',
        description:
          'off: every MAC takes ⌈a/m⌉·⌈w/m⌉ cycles; values: operands are split into atoms, MACs with a zero operand are skipped and the rest run all their atom pairs; atoms: only atom pairs whose atoms are both nonzero run (zero-atom skipping). Values come from the operands (src/workload/values.ts)',
        source: 'seed 004, “Pruning + Quantization: atomize 2-bit computation”',
      }),
      bits: param(z.number().int().positive(), 2, {
        unit: 'bits',
        description: 'Atom width; a PE multiplies (multiplierBits/bits)² atom pairs per cycle, of one MAC at a time',
        source: 'seed 004: 2-bit atoms (BitBricks, Sharma et al., ISCA 2018)',
      }),
    },
    'Zero-atom skipping',
  ),
});

/** Validated parameters of a multi-precision design. */
export type MultiPrecisionParams = z.output<typeof multiPrecisionSchema>;
