/**
 * Parameters of the `bitfusion` kind (Sharma et al., ISCA 2018): an N×M systolic
 * array of Fusion Units, each made of (maxBits/minBits)² BitBricks of minBits×minBits
 * that fuse at run time to the layer's operand widths, with IBUF/WBUF/OBUF
 * (the `ifmap`/`filter`/`ofmap` buffers), one off-chip interface shared by the
 * three buffers, and a tiling and loop-order optimizer.
 *
 * Defaults are the BitFusion-vs-Eyeriss configuration of the public simulator
 * (hsharma35/bitfusion bf_e_conf.ini, numbers.md §A.2).
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema, dramSchema } from '../../memory/level.js';
import { synthesizedArray } from '../../energy/tables/bitfusion-synth45.js';

const bfe = 'hsharma35/bitfusion bf_e_conf.ini (numbers.md §A.2, Q)';

/** Operand widths a Fusion Unit or BitBrick can be built for (the synthesized ones are a subset, see bitfusion-synth45.ts). */
const widths = z.literal([2, 4, 8, 16]);

export const bitfusionSchema = z
  .strictObject({
    ...commonArchShape,
    clockMHz: param(z.number().positive(), 500, { unit: 'MHz', description: 'Clock frequency', source: `${bfe}: frequency = 500 MHz` }),
    array: group(
      {
        rows: param(z.number().int().positive(), 16, {
          unit: 'Fusion Units',
          description: 'N: rows of Fusion Units; the reduction (input channels, or the im2col window) is laid along rows',
          source: `${bfe}: a = 16`,
        }),
        cols: param(z.number().int().positive(), 32, {
          unit: 'Fusion Units',
          description: 'M: columns of Fusion Units; each column produces one output channel',
          source: `${bfe}: c = 32`,
        }),
        weightLoading: param(z.enum(['fu-banks', 'preload']), 'fu-banks', {
          unit: '-',
          description:
            'fu-banks: each Fusion Unit reads its weights from its own WBUF bank, so folds stream back to back and the array fills and drains once per layer (N+M−2 cycles); preload: weights are shifted into the array before each fold (N cycles) and every fold fills and drains the skewed pipeline (SCALE-Sim WS: t + 2N + M − 2 per fold)',
          source: 'BitFusion: one WBUF bank per Fusion Unit (simulator.py banking, numbers.md §A.2); preload: SCALE-Sim v2 WS timing (scalesim.md)',
        }),
      },
      'The Fusion Unit array',
    ),
    fusionUnit: group(
      {
        maxBits: param(widths, 8, {
          unit: 'bits',
          description: 'Widest operand one fused unit multiplies in one cycle (pmax); wider operands take ⌈bits/maxBits⌉ passes each',
          source: `${bfe}: high_prec = 8`,
        }),
        minBits: param(widths, 2, {
          unit: 'bits',
          description: 'BitBrick width (pmin): narrower operands run at this width; a Fusion Unit has (maxBits/minBits)² BitBricks',
          source: `${bfe}: low_prec = 2`,
        }),
      },
      'Fusion Units: one maxBits×maxBits product per cycle, or ⌊maxBits/a⌋·⌊maxBits/w⌋ narrower ones',
    ),
    accumulatorBits: param(z.number().int().positive(), 32, {
      unit: 'bits',
      description: 'Width of partial sums in the OBUF and when spilled to DRAM',
      source: 'hsharma35/bitfusion optimizer.py: oprec = 32 (numbers.md §A.3)',
    }),
    outputStorage: param(z.enum(['requantized', 'accumulator']), 'requantized', {
      unit: '-',
      description:
        'requantized: finished outputs leave the OBUF at the trace’s output bits; accumulator: at accumulatorBits (requantization left to whoever reads them), as the public simulator counts output traffic',
      source: 'hsharma35/bitfusion optimizer.py: output tiles move at oprec = 32 bits (numbers.md §A.3)',
    }),
    storage: param(z.enum(['packed', 'datapath']), 'packed', {
      unit: '-',
      description: 'packed: operands are stored and moved at their own bits; datapath: every element occupies at least maxBits (a fixed-width design such as 16-bit Eyeriss)',
      source: 'BitFusion packs operands into 32-bit SRAM words (simulator.py: word = pmax²/pmin bits)',
    }),
    wordBits: param(z.number().int().positive(), 32, {
      unit: 'bits',
      description: 'Word of the buffers and of the off-chip interface: traffic is counted in whole words',
      source: 'hsharma35/bitfusion simulator.py: IBUF/WBUF word = pmax²/pmin = 32 bits (numbers.md §A.2)',
    }),
    energyModel: param(z.enum(['synthesis', 'eyeriss-normalized']), 'synthesis', {
      unit: '-',
      description:
        'synthesis: every Fusion Unit is charged its synthesized energy per compute cycle, the buffers their CACTI energy per bit and DRAM dram.pjPerBit; eyeriss-normalized: Eyeriss’s normalized access costs per 16-bit word (ALU 1 per MAC, PE register file 4 accesses per MAC, array 2 per word between buffers and PEs, global buffer 6 per buffer access, DRAM 200 × 0.15) × 3.2 pJ, as BitFusion’s evaluation prices its Eyeriss baseline',
      source: 'synthesis: hsharma35/bitfusion stats.py get_energy; eyeriss-normalized: bitfusion-generate-graphs.ipynb cell 5 and Chen et al., ISCA 2016 (src/energy/tables/eyeriss-normalized.ts)',
    }),
    buffers: group(
      {
        ifmap: bufferSchema(32, 'IBUF (input activations)', `${bfe}: Act_SRAM = 32 KiB`),
        filter: bufferSchema(64, 'WBUF (weights)', `${bfe}: Wgt_SRAM = 64 KiB`),
        ofmap: bufferSchema(16, 'OBUF (partial sums and outputs)', `${bfe}: Out_SRAM = 16 KiB`),
      },
      'On-chip buffers; tiles must fit half of each (double buffering)',
    ),
    dram: dramSchema.meta({
      description:
        'Off-chip interface, SHARED by the three buffers (BitFusion if_width = dram.wordsPerCycle × wordBits bits per cycle): transfers are served one at a time',
    }),
    mapping: group(
      {
        tiling: param(z.enum(['search', 'untiled']), 'search', {
          unit: '-',
          description:
            'search: power-of-two tile sizes over batch, output rows/columns, input and output channels (kernel never tiled) × input/output/weight-stationary tile order, fewest compute cycles then least DRAM traffic; untiled: the layer streams as one tile with output-channel folds outermost (SCALE-Sim’s fold order)',
          source: 'hsharma35/bitfusion optimizer.py search space (numbers.md §A.3)',
        }),
        im2colMaxChannels: param(z.number().int().nonnegative(), 4, {
          unit: 'channels',
          description:
            'Layers with at most this many input channels per group (image inputs) are lowered by im2col on the host: rows take the whole R·S·C window and the lowered input is read from DRAM; other layers run channel-wise, one kernel position at a time',
          source: 'hsharma35/bitfusion simulator.py: im2col for the network’s input layer only; every input layer of the eight benchmarks has 1 or 3 channels',
        }),
        outputLoad: param(z.enum(['partial-sums', 'every-tile']), 'partial-sums', {
          unit: '-',
          description:
            'partial-sums: an output block starts from zero in the OBUF and only partial sums spilled by a split reduction come back from DRAM; every-tile: every visit of an output block first loads it from DRAM at accumulatorBits, the first visit included (the loop template of the public simulator, whose instruction stream loads and stores the OBUF tile around every tile)',
          source: 'hsharma35/bitfusion optimizer.py get_stats_fast / get_loop_instructions: the output tile is read from DRAM as often as it is written, at oprec = 32 (every-tile)',
        }),
        cycleTolerance: param(z.number().nonnegative().max(0.5), 0.005, {
          unit: 'fraction',
          description:
            'Mappings within this fraction of the fewest compute cycles count as equally fast; among them less DRAM traffic, then fewer tiles, wins',
          source: 'guess: 0.5 %, so that a few cycles of rounding never buy much more traffic',
        }),
      },
      'Tiling and loop-order optimizer',
    ),
    vector: group(
      {
        lanes: param(z.number().int().positive(), 32, {
          unit: 'ops/cycle',
          description: 'Post-processing unit for pooling, batch-norm, ReLU and add layers (the public simulator does not time them)',
          source: 'guess: one lane per Fusion Unit column',
        }),
      },
      'Element-wise (post-processing) unit',
    ),
    atoms: group(
      {
        skip: param(z.enum(['off', 'values', 'atoms']), 'off', {
          unit: '-',
          description:
            'off: the dense schedule; values: a Fusion Unit skips MACs with a zero operand and runs the rest fused as usual; atoms: it issues only atom pairs (minBits×minBits) whose two atoms are both nonzero to its BitBricks (zero-atom skipping). Timed on the operands’ values (src/workload/values.ts) over the same tiles: see src/kinds/bitfusion/atoms.ts',
          source: 'seed 004, “Pruning + Quantization: atomize 2-bit computation” (BitBricks, Sharma et al., ISCA 2018)',
        }),
        maxMacsPerLayer: param(z.number().int().positive(), 2 ** 24, {
          unit: 'MACs',
          description:
            'Budget of MACs whose atoms are visited per layer; a larger layer is sampled: (output-channel fold, pixel) items of every tile, stratified, are timed exactly and the tile’s time is scaled (details.atom_sampled_fraction). Set it above the largest layer’s MACs for an exact run',
          source: 'guess: 2^24 keeps a layer near 0.1 s',
        }),
      },
      'Zero-atom skipping',
    ),
  })
  .superRefine((p, ctx) => {
    if (p.fusionUnit.minBits > p.fusionUnit.maxBits) {
      ctx.addIssue({ code: 'custom', path: ['fusionUnit', 'minBits'], message: `minBits (${p.fusionUnit.minBits}) must not exceed maxBits (${p.fusionUnit.maxBits})` });
    } else if (!synthesizedArray(p.fusionUnit.maxBits, p.fusionUnit.minBits)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fusionUnit'],
        message: `no synthesis figure for maxBits ${p.fusionUnit.maxBits} / minBits ${p.fusionUnit.minBits} (synthesized: 2/2, 4/2, 4/4, 8/2, 8/8, 16/2, 16/16)`,
      });
    }
  });

/** Validated parameters of a BitFusion design. */
export type BitfusionParams = z.output<typeof bitfusionSchema>;
