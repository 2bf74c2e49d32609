/**
 * Cycle-level timing of one layer on a DRQ-style variable-speed PE array.
 *
 * Mapping (output stationary): PE columns hold the filters of a column fold;
 * each PE row works on one output pixel at a time, broadcasting its window's
 * inputs to the row. Weights sit in PE-local scratchpads, so the reduction runs
 * in passes of at most `pe.weightSpadEntries` weights, and rows are not tied to
 * one another's pace. A pixel's cost on a row is Σ over its window slice of the
 * cycles of one MAC at that input's precision: ⌈a/m⌉·⌈w/m⌉ for the layer's bits
 * in sensitive regions, for `precision.lowBits` elsewhere.
 *
 * A tile is (group, column fold, pixel block, pass): the columns load the pass's
 * weights into their scratchpads (one weight per cycle per column), then the
 * region scheduler (scheduler.ts) runs the block's pixels on the rows on the
 * event engine; the tile ends when its slowest row does. Pixel blocks are sized
 * so the block's partial sums fit half the OFMAP buffer between passes. Tiles run
 * through the shared double-buffered pipeline (src/memory/pipeline.ts) for DRAM.
 *
 * In outlier mode (OLAccel) the costs come from outliers.ts: per value, not per
 * region, with the outlier-activation unit as the scheduler's side unit.
 * `precision.storage = low` stores low-precision values at lowBits, which
 * changes what buffers and DRAM move, not the schedule's MAC cycles.
 */
import type { ActionCount, LayerTiming, QualifiedArch, SimContext } from '../kind.js';
import { runPipeline, type Tile } from '../../memory/pipeline.js';
import { usableWords } from '../../memory/level.js';
import { isIntegerFormat, type NumberFormat } from '../../workload/trace.js';
import type { Layer } from '../../workload/layer.js';
import { sensitiveRegions, type SensitivityMap } from '../../workload/sparsity.js';
import { elementwiseLayer, port } from '../systolic/simulate.js';
import type { MultiPrecisionParams } from './params.js';
import { addTally, emptyTally, type PairTally } from '../bit-atoms/conv.js';
import { atomCosts } from './atom-costs.js';
import { pixelSensitivity, sensitiveInSlice, windowProfile, type WindowProfile } from './profile.js';
import { scheduleRows } from './scheduler.js';
import { outlierCosts, type OutlierCosts } from './outliers.js';
import { InputError } from '../../core/errors.js';

/** Cycles of one a×w-bit MAC on an m-bit multiplier: one cycle per m×m sub-product. */
export function macCycles(aBits: number, wBits: number, multiplierBits: number): number {
  return Math.ceil(aBits / multiplierBits) * Math.ceil(wBits / multiplierBits);
}

/** Operand widths and MAC cycles of a layer's sensitive (high) and insensitive (low) MACs. */
export interface PrecisionPlan {
  high: { a: number; w: number; cycles: number };
  low: { a: number; w: number; cycles: number };
}

/** The precisions a MAC layer runs at: the trace's compute bits when sensitive or an outlier (and everywhere in uniform mode), else lowBits. */
export function precisionPlan(layer: Layer, p: MultiPrecisionParams): PrecisionPlan {
  const a = layer.inputs.computeBits;
  const w = layer.weights!.computeBits;
  const m = p.pe.multiplierBits;
  const high = { a, w, cycles: macCycles(a, w, m) };
  if (p.precision.mode === 'uniform') return { high, low: high };
  const la = Math.min(a, p.precision.lowBits);
  const lw = Math.min(w, p.precision.lowBits);
  return { high, low: { a: la, w: lw, cycles: macCycles(la, lw, m) } };
}

/** Format a low-precision MAC is priced as: the integer format of its width (floating formats keep theirs). */
function lowFormat(format: NumberFormat, bits: number): NumberFormat {
  return isIntegerFormat(format) ? `int${bits}` : format;
}

/** Average bits per stored element of a MAC layer's inputs, weights and outputs in buffers and DRAM. */
export interface StorageBits {
  inputs: number;
  weights: number;
  outputs: number;
}

/**
 * Storage widths under `precision.storage`. trace: the trace's storage bits.
 * low, region mode: inputs at lowBits outside sensitive pixels (share
 * `sensitiveShare` of N×H×W) and at the trace's bits inside; outputs the same,
 * taking this layer's share for the next layer's (its map is predicted after
 * this layer and is not known here); weights at the trace's bits (DRQ keeps
 * 8-bit weights, seed 004). low, outlier mode: every operand at lowBits, plus
 * the full value and an index per outlier (outputs: `outliers.activationFraction`).
 */
export function storageBits(layer: Layer, p: MultiPrecisionParams, sensitiveShare: number, oc: OutlierCosts | undefined): StorageBits {
  const trace = { inputs: layer.inputs.storageBits, weights: layer.weights!.storageBits, outputs: layer.outputs.storageBits };
  if (p.precision.storage === 'trace' || p.precision.mode === 'uniform') return trace;
  const low = (bits: number) => Math.min(bits, p.precision.lowBits);
  if (p.precision.mode === 'region') {
    const mixed = (bits: number) => low(bits) + sensitiveShare * (bits - low(bits));
    return { inputs: mixed(trace.inputs), weights: trace.weights, outputs: mixed(trace.outputs) };
  }
  const idx = p.outliers.indexBits;
  const sparse = (bits: number, share: number) => low(bits) + share * (bits + idx);
  return {
    inputs: sparse(trace.inputs, oc && oc.inputElements > 0 ? oc.outlierInputs / oc.inputElements : 0),
    weights: sparse(trace.weights, oc && oc.weightElements > 0 ? oc.outlierWeights / oc.weightElements : 0),
    outputs: sparse(trace.outputs, p.outliers.activationFraction),
  };
}

/** How a MAC layer is cut into tiles. */
export interface Tiling {
  /** Reduction elements per group (C/g·R·S) and the pass length (spad entries). */
  reduction: number;
  passes: number;
  passLength: number;
  /** Filters per group and column folds. */
  filters: number;
  colFolds: number;
  /** Output pixels (N·OH·OW) and pixels per block. */
  pixels: number;
  block: number;
  blocks: number;
}

/** The tiling of a MAC layer on design `p`: passes of the spad, column folds, and pixel blocks whose partial sums fit half the OFMAP buffer. */
export function tiling(layer: Layer, p: MultiPrecisionParams): Tiling {
  const g = layer.gemm!;
  const { rows: R, cols: C } = p.array;
  const passLength = p.pe.weightSpadEntries;
  const passes = Math.ceil(g.k / passLength);
  let block = g.m;
  if (passes > 1) {
    const halfBits = usableWords(p.buffers.ofmap, p.wordBits) * p.wordBits;
    const fit = Math.floor(halfBits / (C * p.pe.psumBits) / R) * R;
    block = Math.min(g.m, Math.max(R, fit));
  }
  return { reduction: g.k, passes, passLength, filters: g.n, colFolds: Math.ceil(g.n / C), pixels: g.m, block, blocks: Math.ceil(g.m / block) };
}

/**
 * Times a MAC layer under sensitivity map `map` (undefined in uniform mode, where
 * every MAC runs at the layer's bits). The kind passes the trace's map
 * (sensitiveRegions); tests pass maps of their own.
 */
export function simulateMacLayer(layer: Layer, p: MultiPrecisionParams, map: SensitivityMap | undefined, ctx: SimContext): LayerTiming {
  const g = layer.gemm!;
  const conv = layer.conv!;
  const { rows: R, cols: C } = p.array;
  const inputs = layer.inputs;
  const weights = layer.weights!;
  const wb = p.wordBits;
  const inWords = (elems: number, bits: number) => (elems * bits) / wb;
  const plan = precisionPlan(layer, p);
  const t = tiling(layer, p);
  const region = map !== undefined && p.precision.mode === 'region';
  const prof: WindowProfile | undefined = region ? windowProfile(conv, map) : undefined;
  if (p.precision.mode === 'outlier' && p.atoms.skip !== 'off') {
    throw InputError.one('<arch>', 'atoms.skip', 'zero-atom skipping is not modelled with precision.mode = outlier; set atoms.skip = off');
  }
  const oc = p.precision.mode === 'outlier' ? outlierCosts(layer, p, t, plan.low.cycles, ctx) : undefined;

  // Cost (row cycles) of every pixel in every pass. Without atom skipping it depends only on where the window
  // meets sensitive regions, so groups and column folds share it; with it, on the operands' values too.
  const passLen = (k: number) => Math.min(t.passLength, t.reduction - k * t.passLength);
  const shared: Int32Array[] = [];
  let sensitiveElems = 0; // Σ over pixels of sensitive reduction elements (one filter)
  for (let k = 0; k < (oc ? 0 : t.passes); k++) {
    const len = passLen(k);
    const c = new Int32Array(t.pixels);
    for (let px = 0; px < t.pixels; px++) {
      const hi = region ? sensitiveInSlice(prof!, px, k * t.passLength, k * t.passLength + len) : len;
      sensitiveElems += hi;
      c[px] = hi * plan.high.cycles + (len - hi) * plan.low.cycles;
    }
    shared.push(c);
  }
  const sens = region ? pixelSensitivity(conv, map) : undefined;
  const atoms = p.atoms.skip === 'off' ? undefined : atomCosts(layer, p, t, plan, region, sens, ctx);
  let sensitivePixels = 0;
  if (sens) for (const v of sens) sensitivePixels += v;
  const bits = storageBits(layer, p, sens ? sensitivePixels / sens.length : 0, oc);

  const groupInputs = layer.inputElements / g.groups;
  const ifmapDup = Math.max(1, (g.m * g.k) / groupInputs);
  const ifmapHalf = usableWords(p.buffers.ifmap, wb);
  const filterHalf = usableWords(p.buffers.filter, wb);
  const ofmapHalf = usableWords(p.buffers.ofmap, wb);
  const ifmapFits = inWords(groupInputs, bits.inputs) <= ifmapHalf;

  const tiles: Tile[] = [];
  let ifmapReads = 0, filterReads = 0, spadWrites = 0, psumReads = 0, psumWrites = 0, outputWrites = 0;
  let makespanTotal = 0, idleRowCycles = 0, loadCycles = 0, events = 0, unitBusy = 0;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let fc = 0; fc < t.colFolds; fc++) {
      const cols = Math.min(C, t.filters - fc * C);
      const outl = oc?.costsFor(grp, fc);
      const costs = outl ? outl.rows : atoms ? atoms.costsFor(grp, fc) : shared;
      const foldFits = inWords(g.k * cols, bits.weights) <= filterHalf;
      for (let b = 0; b < t.blocks; b++) {
        const lo = b * t.block;
        const hi = Math.min(t.pixels, lo + t.block);
        const px = hi - lo;
        for (let k = 0; k < t.passes; k++) {
          const len = passLen(k);
          const s = scheduleRows(costs[k]!, R, p.scheduler, lo, hi, outl?.unit[k]);
          makespanTotal += s.makespan;
          unitBusy += s.unitBusyCycles;
          idleRowCycles += s.idleRowCycles;
          events += s.events;
          loadCycles += len;
          // Blocks arrive when first used; a column fold's filters stay for its later pixel blocks when they fit half
          // the filter buffer, and the group's inputs stay for later column folds when they fit half the IFMAP buffer.
          const filterFetch = foldFits && b > 0 ? 0 : cols * len;
          const ifmapFetch = ifmapFits && fc > 0 ? 0 : (px * len) / ifmapDup;
          const last = k === t.passes - 1;
          tiles.push({
            computeCycles: len + s.makespan,
            fetchWords: [Math.ceil(inWords(ifmapFetch, bits.inputs)), Math.ceil(inWords(filterFetch, bits.weights))],
            drainWords: last ? Math.ceil(inWords(px * cols, bits.outputs)) : 0,
          });
          ifmapReads += px * len;
          filterReads += cols * len;
          spadWrites += Math.min(R, px) * cols * len;
          if (k > 0) psumReads += px * cols;
          if (!last) psumWrites += px * cols;
          else outputWrites += px * cols;
        }
      }
    }
  }

  const res = runPipeline(tiles, [port(p, ifmapHalf), port(p, filterHalf)], port(p, ofmapHalf));
  const [ifmapFetched = 0, filterFetched = 0] = res.fetchedWords;
  const drained = res.drainedWords;
  const bytes = (words: number) => (words * wb) / 8;
  const macsHigh = sensitiveElems * g.n * g.groups;
  const macsLow = layer.macs - macsHigh;
  const ob = bits.outputs;
  const pb = p.pe.psumBits;
  // MACs a PE performs, and the MAC energy they cost: under atom skipping, MACs with a zero operand are not
  // performed, and a MAC costs the share of its atom pairs that are multiplied.
  const work = (tally: PairTally | undefined, slots: number, dense: number) =>
    !atoms ? { macs: dense, macEnergy: dense } : !tally ? { macs: 0, macEnergy: 0 } : { macs: tally.executedMacs, macEnergy: p.atoms.skip === 'atoms' ? tally.executedPairs / slots : tally.executedMacs };
  const hiWork = work(atoms?.high, atoms?.highSlots ?? 1, macsHigh);
  const loWork = work(atoms?.low, atoms?.lowSlots ?? 1, macsLow);
  const lowFmt = lowFormat(weights.format, Math.max(plan.low.a, plan.low.w));
  const dense = (macs: number) => ({ macs, macEnergy: macs });
  // Outlier mode: dense lanes (both low), outlier-weight MACs (low input × full weight), outlier-activation unit (full × full).
  const parts: ReadonlyArray<readonly [{ macs: number; macEnergy: number }, { a: number; w: number }, NumberFormat]> = oc
    ? [
        [dense(oc.denseMacs), plan.low, lowFmt],
        [dense(oc.weightOutlierMacs), { a: plan.low.a, w: plan.high.w }, weights.format],
        [dense(oc.activationOutlierMacs), plan.high, weights.format],
      ]
    : [
        [hiWork, plan.high, weights.format],
        [loWork, plan.low, lowFmt],
      ];
  const actions: ActionCount[] = [];
  for (const [w, pr, fmt] of parts) {
    if (w.macs === 0) continue;
    actions.push(
      { component: 'pe_array', action: 'mac', bits: Math.max(pr.a, pr.w), count: w.macEnergy, operandBits: [pr.a, pr.w], format: fmt },
      // Each MAC latches its input into the PE and reads its weight from the PE's scratchpad, at the MAC's width.
      { component: 'pe_registers', action: 'write', bits: pr.a, count: w.macs },
      { component: 'weight_spad', action: 'read', bits: pr.w, count: w.macs },
    );
  }
  actions.push(
    { component: 'weight_spad', action: 'write', bits: bits.weights, count: spadWrites },
    { component: 'ifmap_sram', action: 'read', bits: bits.inputs, count: ifmapReads },
    { component: 'ifmap_sram', action: 'write', bits: wb, count: ifmapFetched },
    { component: 'filter_sram', action: 'read', bits: bits.weights, count: filterReads },
    { component: 'filter_sram', action: 'write', bits: wb, count: filterFetched },
    { component: 'ofmap_sram', action: 'write', bits: ob, count: outputWrites },
    { component: 'ofmap_sram', action: 'write', bits: pb, count: psumWrites },
    { component: 'ofmap_sram', action: 'read', bits: pb, count: psumReads },
    { component: 'ofmap_sram', action: 'read', bits: wb, count: drained },
    { component: 'dram', action: 'read', bits: wb, count: ifmapFetched + filterFetched },
    { component: 'dram', action: 'write', bits: wb, count: drained },
  );
  if (region) {
    // DRQ's predictor: a mean over every input of a region, and one threshold compare per region.
    actions.push({ component: 'predictor', action: 'op', bits: inputs.storageBits, count: layer.inputElements + map.mask.length, format: inputs.format });
  }
  const rowCycles = R * makespanTotal;
  return {
    cycles: res.endCycle,
    computeCycles: res.computeCycles,
    stallCycles: { dram_read: res.inputStall, dram_write: res.outputStall },
    macsExecuted: oc ? layer.macs : hiWork.macs + loWork.macs,
    // Under atom skipping a PE finishes at most one MAC per cycle (MACs with a zero operand are skipped, not performed).
    peakMacsPerCycle: atoms ? R * C : (R * C) / plan.low.cycles,
    traffic: {
      dram: { readBytes: bytes(ifmapFetched + filterFetched), writeBytes: bytes(drained) },
      ifmap_sram: { readBytes: (ifmapReads * bits.inputs) / 8, writeBytes: bytes(ifmapFetched) },
      filter_sram: { readBytes: (filterReads * bits.weights) / 8, writeBytes: bytes(filterFetched) },
      ofmap_sram: { readBytes: (psumReads * pb) / 8 + bytes(drained), writeBytes: (outputWrites * ob + psumWrites * pb) / 8 },
    },
    actions,
    details: {
      scheduler: p.scheduler,
      precision: p.precision.mode,
      tiles: tiles.length,
      passes: t.passes,
      pixel_block: t.block,
      sensitive_mac_fraction: layer.macs > 0 ? macsHigh / layer.macs : 0,
      mac_cycles_high: plan.high.cycles,
      mac_cycles_low: plan.low.cycles,
      weight_load_cycles: loadCycles,
      // Row-cycles of the schedules: rows working on pixels, and rows waiting for a slower row (or out of pixels).
      row_busy_cycles: rowCycles - idleRowCycles,
      row_idle_cycles: idleRowCycles,
      row_idle_fraction: rowCycles > 0 ? idleRowCycles / rowCycles : 0,
      scheduler_events: events,
      ...(p.precision.storage === 'low' ? { storage_bits_inputs: bits.inputs, storage_bits_weights: bits.weights, storage_bits_outputs: bits.outputs } : {}),
      ...(oc
        ? {
            outlier_input_fraction: oc.inputElements > 0 ? oc.outlierInputs / oc.inputElements : 0,
            outlier_weight_fraction: oc.weightElements > 0 ? oc.outlierWeights / oc.weightElements : 0,
            outlier_weight_macs: oc.weightOutlierMacs,
            outlier_activation_macs: oc.activationOutlierMacs,
            outlier_unit_busy_cycles: unitBusy,
          }
        : {}),
      ...(atoms ? atomDetails(p.atoms.skip, [atoms.high, atoms.low]) : {}),
    },
  };
}

/** Atom-pair figures of a layer under atom skipping (pairs summed over both precisions). */
function atomDetails(skip: string, tallies: ReadonlyArray<PairTally | undefined>): Record<string, number | string> {
  const t = emptyTally();
  for (const x of tallies) if (x) addTally(t, x);
  return {
    atom_skip: skip,
    atom_pairs_dense: t.densePairs,
    atom_pairs_nonzero: t.executedPairs,
    atom_pairs_skipped_padding: t.skipped.padding,
    atom_pairs_skipped_sparsity: t.skipped.sparsity,
    atom_pairs_skipped_rounding: t.skipped.rounding,
    atom_pairs_skipped_atoms: t.skipped.atoms,
  };
}

/** Times one layer of any operator on the multi-precision design. */
export function simulateMultiPrecisionLayer(layer: Layer, arch: QualifiedArch<MultiPrecisionParams>, ctx: SimContext): LayerTiming {
  const p = arch.params;
  if (!layer.gemm) return elementwiseLayer(layer, p);
  return simulateMacLayer(layer, p, p.precision.mode === 'region' ? sensitiveRegions(layer, ctx.workload, ctx.seed) : undefined, ctx);
}
