/**
 * Mapping a MAC layer onto the Fusion Unit array: tiles of the loop nest, the
 * order the tiles run in, and what each tile fetches, computes and drains.
 *
 * Array (per cycle): one output pixel enters; each of the N rows holds `lanes`
 * reduction elements (input channels of one kernel position, or of the im2col
 * window), each of the M columns one output channel. A fold is one block of M
 * output channels × one block of N·lanes reduction elements; it streams the
 * tile's pixels, `passes` cycles each. Inside a tile, output-channel folds are
 * outermost and reduction folds inner (SCALE-Sim's order), weights stay in the
 * Fusion Units while the pixels stream, and partial sums accumulate in the OBUF.
 *
 * Tiles: batch, output rows, output columns, input channels and output channels
 * are tiled (the kernel never is), and the tiles run in one of three orders:
 *   input-stationary  (b, oh, ow, ic, oc): inputs fetched once, weights per pixel block, partial sums spill when ic is tiled;
 *   output-stationary (b, oh, ow, oc, ic): outputs complete before they leave, inputs fetched once per output-channel tile;
 *   weight-stationary (oc, ic, b, oh, ow): weights fetched once, inputs per output-channel tile, partial sums spill.
 * A buffer holds one tile's block in each half; an operand whose whole tensor fits
 * half its buffer is fetched once and stays. A block is fetched when the tile's
 * block differs from the previous tile's. Traffic depends on the order only
 * through the loops that run inside each operand's innermost dependent loop, so
 * every permutation of the five loops moves at least as much of every operand as
 * one of the three orders (a unit test checks this against all 120 permutations),
 * and compute does not depend on the order.
 */
import type { Layer } from '../../workload/layer.js';
import type { FusionMode } from './precision.js';

/** The five tiled loops. */
export type TileLoop = 'b' | 'oh' | 'ow' | 'ic' | 'oc';
export const TILE_LOOPS: readonly TileLoop[] = ['b', 'oh', 'ow', 'ic', 'oc'];

/** Named tile orders (outer → inner). */
export const TILE_ORDERS = {
  'input-stationary': ['b', 'oh', 'ow', 'ic', 'oc'],
  'output-stationary': ['b', 'oh', 'ow', 'oc', 'ic'],
  'weight-stationary': ['oc', 'ic', 'b', 'oh', 'ow'],
} as const satisfies Record<string, readonly TileLoop[]>;
export type TileOrderName = keyof typeof TILE_ORDERS;

/** The loops each operand's block depends on. */
const DEPS: Record<'act' | 'wgt' | 'out', ReadonlySet<TileLoop>> = {
  act: new Set<TileLoop>(['b', 'oh', 'ow', 'ic']),
  wgt: new Set<TileLoop>(['ic', 'oc']),
  out: new Set<TileLoop>(['b', 'oh', 'ow', 'oc']),
};

/** Everything about the layer and the design that the mapping needs (per group). */
export interface MappingProblem {
  /** Loop extents of one group: batch, output rows/cols, input/output channels. */
  extent: Record<TileLoop, number>;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** Unpadded input rows and columns. */
  inH: number;
  inW: number;
  groups: number;
  /** Host-lowered im2col: rows take the whole kh·kw·ic window, and the lowered matrix is what the IBUF receives. */
  im2col: boolean;
  rows: number;
  cols: number;
  mode: FusionMode;
  preload: boolean;
  /**
   * Every visit of an output block starts by loading it from DRAM at the accumulator
   * width, the first one included (the public simulator's loop template); otherwise a
   * block starts from zero and only spilled partial sums come back.
   */
  loadOutputs: boolean;
  /** Bits per element as stored: activations, weights, outputs, partial sums. */
  actBits: number;
  wgtBits: number;
  outBits: number;
  accBits: number;
  /** Usable (half) buffer capacities in bits. */
  halfBits: { act: number; wgt: number; out: number };
}

/** A mapping: tile sizes and the order tiles run in (outer → inner). */
export interface Mapping {
  tile: Record<TileLoop, number>;
  order: readonly TileLoop[];
  /** Name of the order, or `untiled`. */
  orderName: string;
}

/** What the closed-form model predicts for a mapping (per layer, all groups). */
export interface MappingEstimate {
  computeCycles: number;
  /** DRAM bits read: inputs, weights, partial-sum reloads. */
  readBits: { act: number; wgt: number; psum: number };
  /** DRAM bits written: partial-sum spills, final outputs. */
  writeBits: { psum: number; out: number };
  tiles: number;
  /** Every operand's tile fits half its buffer. */
  fits: boolean;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Sizes of the tiles of a loop of `extent` cut into tiles of `size` (the last may be smaller). */
export function tileSizes(extent: number, size: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < extent; s += size) out.push(Math.min(size, extent - s));
  return out;
}

/** Rows [lo, hi) of the unpadded input that output rows [o0, o0 + n) read. */
function inputSpan(o0: number, n: number, stride: number, k: number, pad: number, inSize: number): [number, number] {
  const lo = Math.max(o0 * stride - pad, 0);
  const hi = Math.min((o0 + n - 1) * stride + k - pad, inSize);
  return [lo, Math.max(lo, hi)];
}

/** The problem of one layer on a design. */
export function mappingProblem(
  layer: Layer,
  design: {
    rows: number;
    cols: number;
    mode: FusionMode;
    preload: boolean;
    loadOutputs: boolean;
    im2colMaxChannels: number;
    halfBits: MappingProblem['halfBits'];
    accBits: number;
  },
  bits: { act: number; wgt: number; out: number },
): MappingProblem {
  const g = layer.conv!;
  const icPerGroup = g.c / g.groups;
  return {
    extent: { b: g.n, oh: g.oh, ow: g.ow, ic: icPerGroup, oc: g.k / g.groups },
    kh: g.r,
    kw: g.s,
    strideH: g.strideH,
    strideW: g.strideW,
    padH: g.padH,
    padW: g.padW,
    inH: g.h,
    inW: g.w,
    groups: g.groups,
    im2col: g.r * g.s > 1 && icPerGroup <= design.im2colMaxChannels,
    rows: design.rows,
    cols: design.cols,
    mode: design.mode,
    preload: design.preload,
    loadOutputs: design.loadOutputs,
    actBits: bits.act,
    wgtBits: bits.wgt,
    outBits: bits.out,
    accBits: design.accBits,
    halfBits: design.halfBits,
  };
}

/** Reduction elements one fold covers: N rows × lanes products per Fusion Unit. */
const reductionWidth = (p: MappingProblem) => p.rows * p.mode.lanes;

/** Reduction folds of a tile with `icc` input channels. */
export function reductionFolds(p: MappingProblem, icc: number): number {
  const r = reductionWidth(p);
  return p.im2col ? ceilDiv(p.kh * p.kw * icc, r) : p.kh * p.kw * ceilDiv(icc, r);
}

/** Cycles the array adds per fold (preload: weight shift-in and skew) and once per layer (fu-banks: fill and drain). */
export function foldOverhead(p: MappingProblem): { perFold: number; perLayer: number } {
  return p.preload ? { perFold: 2 * p.rows + p.cols - 2, perLayer: 0 } : { perFold: 0, perLayer: p.rows + p.cols - 2 };
}

/** Input activation bits of one tile (halo included; im2col: the lowered rows). */
function actTileBits(p: MappingProblem, bb: number, rowsIn: number, colsIn: number, ohh: number, oww: number, icc: number): number {
  return p.im2col ? bb * ohh * oww * p.kh * p.kw * icc * p.actBits : bb * rowsIn * colsIn * icc * p.actBits;
}

/** Whole-operand sizes of one group, in bits. */
function totals(p: MappingProblem) {
  const e = p.extent;
  const act = p.im2col ? e.b * e.oh * e.ow * p.kh * p.kw * e.ic * p.actBits : e.b * p.inH * p.inW * e.ic * p.actBits;
  const wgt = p.kh * p.kw * e.ic * e.oc * p.wgtBits;
  const outElems = e.b * e.oh * e.ow * e.oc;
  return { act, wgt, outFinal: outElems * p.outBits, outPsum: outElems * p.accBits };
}

/** Which operands stay resident for the whole layer (their tensor fits half the buffer). */
export function residency(p: MappingProblem): { act: boolean; wgt: boolean; out: boolean } {
  const t = totals(p);
  return { act: t.act <= p.halfBits.act, wgt: t.wgt <= p.halfBits.wgt, out: t.outPsum <= p.halfBits.out };
}

/** Input rows (or columns) each output-row (-column) tile reads, and how many of them no earlier tile read. */
interface Spans {
  len: number[];
  fresh: number[];
}

/** Tile sizes of each loop, and for output rows/columns the input rows/columns each tile reads. */
interface LoopTiles {
  sizes: Record<TileLoop, number[]>;
  inRows: Spans;
  inCols: Spans;
}

function loopTiles(p: MappingProblem, tile: Record<TileLoop, number>): LoopTiles {
  const sizes = {} as Record<TileLoop, number[]>;
  for (const l of TILE_LOOPS) sizes[l] = tileSizes(p.extent[l], tile[l]);
  return { sizes, inRows: spans(p, 'oh', tile.oh), inCols: spans(p, 'ow', tile.ow) };
}

/** Input rows (oh) or columns (ow) each output tile of `size` reads; tiles run in increasing order, so a tile's new rows are those past the previous tile's last. */
function spans(p: MappingProblem, loop: 'oh' | 'ow', size: number): Spans {
  const [stride, k, pad, inSize] = loop === 'oh' ? [p.strideH, p.kh, p.padH, p.inH] : [p.strideW, p.kw, p.padW, p.inW];
  const out: Spans = { len: [], fresh: [] };
  let seen = 0;
  tileSizes(p.extent[loop], size).forEach((n, i) => {
    const [lo, hi] = inputSpan(i * size, n, stride, k, pad, inSize);
    out.len.push(hi - lo);
    out.fresh.push(Math.max(0, hi - Math.max(lo, seen)));
    seen = Math.max(seen, hi);
  });
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Σ f(size) over the tiles of a loop of `extent` cut into tiles of `size`, in closed form. */
function sumOverTiles(extent: number, size: number, f: (n: number) => number): number {
  const full = Math.floor(extent / size);
  const rem = extent - full * size;
  return full * f(size) + (rem > 0 ? f(rem) : 0);
}

/** What the cost of a tiling needs, independent of the tile order. */
interface TilingSummary {
  tile: Record<TileLoop, number>;
  counts: Record<TileLoop, number>;
  /** Σ over input-channel tiles of reduction folds, Σ over output-channel tiles of column folds. */
  redFolds: number;
  ocFolds: number;
  /** Σ and most of the input rows / columns an output-row / output-column tile reads, and how many are read at all. */
  inRows: { sum: number; max: number; fresh: number };
  inCols: { sum: number; max: number; fresh: number };
}

function summarize(p: MappingProblem, tile: Record<TileLoop, number>, inRows = spans(p, 'oh', tile.oh), inCols = spans(p, 'ow', tile.ow)): TilingSummary {
  const counts = {} as Record<TileLoop, number>;
  for (const l of TILE_LOOPS) counts[l] = ceilDiv(p.extent[l], tile[l]);
  return {
    tile,
    counts,
    redFolds: sumOverTiles(p.extent.ic, tile.ic, (icc) => reductionFolds(p, icc)),
    ocFolds: sumOverTiles(p.extent.oc, tile.oc, (occ) => ceilDiv(occ, p.cols)),
    inRows: { sum: sum(inRows.len), max: Math.max(...inRows.len), fresh: sum(inRows.fresh) },
    inCols: { sum: sum(inCols.len), max: Math.max(...inCols.len), fresh: sum(inCols.fresh) },
  };
}

/**
 * How many times an operand's blocks are fetched over the whole tile sequence, as a
 * multiple of fetching each block once: the product of the extents of the loops it
 * does not depend on that run outside its innermost dependent loop.
 */
export function refetchFactor(order: readonly TileLoop[], counts: Record<TileLoop, number>, deps: ReadonlySet<TileLoop>): number {
  let last = -1;
  order.forEach((l, i) => {
    if (deps.has(l) && counts[l] > 1) last = i;
  });
  let f = 1;
  for (let i = 0; i < last; i++) {
    const l = order[i]!;
    if (!deps.has(l)) f *= counts[l];
  }
  return f;
}

/** True when partial sums leave a tile unfinished: input channels are tiled and some tile loop runs inside the ic loop. */
export function splitsReduction(order: readonly TileLoop[], counts: Record<TileLoop, number>): boolean {
  if (counts.ic <= 1) return false;
  const innermost = [...order].reverse().find((l) => counts[l] > 1);
  return innermost !== 'ic';
}

/** Closed-form compute cycles and DRAM traffic of a mapping (expandTiles gives the same sums; a test checks it). */
export function estimate(p: MappingProblem, m: Mapping): MappingEstimate {
  return estimateFrom(p, m.order, summarize(p, m.tile));
}

function estimateFrom(p: MappingProblem, order: readonly TileLoop[], s: TilingSummary): MappingEstimate {
  const { counts, tile } = s;
  const e = p.extent;
  const pixels = e.b * e.oh * e.ow;
  const spatialTiles = counts.b * counts.oh * counts.ow;
  const ovh = foldOverhead(p);
  const perGroupCompute = pixels * s.redFolds * s.ocFolds * p.mode.passes + ovh.perFold * spatialTiles * s.redFolds * s.ocFolds;

  const t = totals(p);
  const res = residency(p);
  // Every act tile once (halo overlaps included), then times the refetch factor; a
  // resident operand fetches each block's new data at its first use.
  const actTiles = p.im2col ? t.act : e.b * s.inRows.sum * s.inCols.sum * e.ic * p.actBits;
  const actOnce = p.im2col ? t.act : e.b * s.inRows.fresh * s.inCols.fresh * e.ic * p.actBits;
  const act = res.act ? actOnce : refetchFactor(order, counts, DEPS.act) * actTiles;
  const wgt = res.wgt ? t.wgt : refetchFactor(order, counts, DEPS.wgt) * t.wgt;
  const spills = !res.out && splitsReduction(order, counts) ? counts.ic - 1 : 0;
  // Loading every block at its first visit as well adds one pass over the outputs.
  const loads = spills + (p.loadOutputs ? 1 : 0);
  const g = p.groups;
  // The largest block of each operand: full tile sizes, and the widest input halo.
  const b0 = Math.min(tile.b, e.b), oh0 = Math.min(tile.oh, e.oh), ow0 = Math.min(tile.ow, e.ow);
  const ic0 = Math.min(tile.ic, e.ic), oc0 = Math.min(tile.oc, e.oc);
  const maxAct = actTileBits(p, b0, s.inRows.max, s.inCols.max, oh0, ow0, ic0);
  const maxWgt = p.kh * p.kw * ic0 * oc0 * p.wgtBits;
  const maxOut = b0 * oh0 * ow0 * oc0;
  return {
    computeCycles: g * perGroupCompute + ovh.perLayer,
    readBits: { act: g * act, wgt: g * wgt, psum: g * loads * t.outPsum },
    writeBits: { psum: g * spills * t.outPsum, out: g * t.outFinal },
    tiles: g * spatialTiles * counts.ic * counts.oc,
    fits: maxAct <= p.halfBits.act && maxWgt <= p.halfBits.wgt && maxOut * p.accBits <= p.halfBits.out,
  };
}

/** One tile as the pipeline and the energy model need it. */
export interface TilePlan {
  computeCycles: number;
  /** DRAM bits fetched before and while computing: inputs, weights, partial sums reloaded. */
  fetchBits: [number, number, number];
  /** DRAM bits drained after the tile: finished outputs or spilled partial sums. */
  drainBits: number;
  /** Elements read from the IBUF and the WBUF, partial-sum writes to and reads from the OBUF (accumulation). */
  ibufReads: number;
  wbufReads: number;
  obufWrites: number;
  obufReads: number;
  /** Bits of the drain that are spilled partial sums (the rest are final outputs). */
  spillBits: number;
}

/**
 * The tiles of a mapping in the order they run, groups outermost, with what each
 * fetches, computes and drains: the cycle-level input of the double-buffered pipeline.
 */
export function expandTiles(p: MappingProblem, m: Mapping): TilePlan[] {
  const lt = loopTiles(p, m.tile);
  const counts = {} as Record<TileLoop, number>;
  for (const l of TILE_LOOPS) counts[l] = lt.sizes[l].length;
  const res = residency(p);
  const ovh = foldOverhead(p);
  const order = m.order;
  const tiles: TilePlan[] = [];
  for (let grp = 0; grp < p.groups; grp++) {
    const idx: Record<TileLoop, number> = { b: 0, oh: 0, ow: 0, ic: 0, oc: 0 };
    let prevAct = -1, prevWgt = -1, prevOut = -1;
    // Blocks of resident operands already on chip.
    const actHeld = new Uint8Array(res.act ? counts.b * counts.oh * counts.ow * counts.ic : 0);
    const wgtHeld = new Uint8Array(res.wgt ? counts.ic * counts.oc : 0);
    // The tile that ends the current output-block visit, and whether that block is complete.
    let visitTile: TilePlan | undefined, visitOutBits = 0, visitPsumBits = 0, visitIc = 0;
    const closeVisit = () => {
      if (!visitTile) return;
      if (visitIc === counts.ic - 1) visitTile.drainBits += visitOutBits;
      else if (!res.out) {
        visitTile.drainBits += visitPsumBits;
        visitTile.spillBits += visitPsumBits;
      }
    };
    const total = counts.b * counts.oh * counts.ow * counts.ic * counts.oc;
    for (let n = 0; n < total; n++) {
      const bb = lt.sizes.b[idx.b]!, ohh = lt.sizes.oh[idx.oh]!, oww = lt.sizes.ow[idx.ow]!;
      const icc = lt.sizes.ic[idx.ic]!, occ = lt.sizes.oc[idx.oc]!;
      const pixels = bb * ohh * oww;
      const rf = reductionFolds(p, icc);
      const of = ceilDiv(occ, p.cols);
      const pixelKey = (idx.b * counts.oh + idx.oh) * counts.ow + idx.ow;
      const actKey = pixelKey * counts.ic + idx.ic;
      const wgtKey = idx.ic * counts.oc + idx.oc;
      const outKey = pixelKey * counts.oc + idx.oc;
      let act = 0;
      if (res.act) {
        // First use only, and only the input rows and columns no earlier block of this batch and channel tile brought.
        if (!actHeld[actKey]) act = actTileBits(p, bb, lt.inRows.fresh[idx.oh]!, lt.inCols.fresh[idx.ow]!, ohh, oww, icc);
        actHeld[actKey] = 1;
      } else if (actKey !== prevAct) act = actTileBits(p, bb, lt.inRows.len[idx.oh]!, lt.inCols.len[idx.ow]!, ohh, oww, icc);
      let wgt = 0;
      if (res.wgt) {
        if (!wgtHeld[wgtKey]) wgt = p.kh * p.kw * icc * occ * p.wgtBits;
        wgtHeld[wgtKey] = 1;
      } else if (wgtKey !== prevWgt) wgt = p.kh * p.kw * icc * occ * p.wgtBits;
      const newVisit = outKey !== prevOut;
      const outElems = pixels * occ;
      // A resident block is loaded only at its first visit (ic tile 0).
      const reload = newVisit && (idx.ic > 0 ? !res.out : p.loadOutputs) ? outElems * p.accBits : 0;
      const psumWrites = outElems * rf;
      const tile: TilePlan = {
        computeCycles: pixels * rf * of * p.mode.passes + ovh.perFold * rf * of,
        fetchBits: [act, wgt, reload],
        drainBits: 0,
        ibufReads: pixels * p.kh * p.kw * icc * of,
        wbufReads: p.kh * p.kw * icc * occ,
        obufWrites: psumWrites,
        // The first reduction fold of a block starts from zero, every other one reads the running sum.
        obufReads: psumWrites - (idx.ic === 0 ? outElems : 0),
        spillBits: 0,
      };
      if (newVisit) {
        closeVisit();
        visitOutBits = outElems * p.outBits;
        visitPsumBits = outElems * p.accBits;
      }
      visitTile = tile;
      visitIc = idx.ic;
      prevAct = actKey;
      prevWgt = wgtKey;
      prevOut = outKey;
      tiles.push(tile);
      // Odometer over the order, innermost fastest.
      for (let d = order.length - 1; d >= 0; d--) {
        const l = order[d]!;
        if (++idx[l] < counts[l]) break;
        idx[l] = 0;
      }
    }
    closeVisit();
  }
  const last = tiles[tiles.length - 1];
  if (last) last.computeCycles += ovh.perLayer;
  return tiles;
}

/** Power-of-two tile sizes below `extent`, and `extent` itself. */
function pow2Sizes(extent: number, base = 1): number[] {
  const out: number[] = [];
  for (let s = base; s < extent; s *= 2) out.push(s);
  out.push(extent);
  return out;
}

/** A candidate of the search with its modeled cost. */
export interface RankedMapping {
  mapping: Mapping;
  estimate: MappingEstimate;
  dramBits: number;
}

/** DRAM bits of an estimate. */
export function dramBitsOf(e: MappingEstimate): number {
  return e.readBits.act + e.readBits.wgt + e.readBits.psum + e.writeBits.psum + e.writeBits.out;
}

/** The single-tile mapping: the layer streams as one tile, output-channel folds outermost. */
export function untiledMapping(p: MappingProblem): Mapping {
  return { tile: { ...p.extent }, order: TILE_ORDERS['weight-stationary'], orderName: 'untiled' };
}

/** What candidate mappings are compared by: compute cycles, DRAM traffic, tiles. */
export interface MappingCost {
  cycles: number;
  dram: number;
  tiles: number;
}

/**
 * Ranks candidates: those within `tolerance` (a fraction) of the fewest cycles count
 * as equally fast, and among them less DRAM traffic, then fewer tiles, wins; the
 * others follow by cycles.
 */
export function rankByCost<T>(items: readonly T[], cost: (t: T) => MappingCost, tolerance: number): T[] {
  const costs = items.map(cost);
  const least = costs.reduce((m, c) => Math.min(m, c.cycles), Infinity);
  const tied = (i: number) => costs[i]!.cycles <= least * (1 + tolerance);
  const order = items.map((_, i) => i);
  order.sort((a, b) => {
    const ca = costs[a]!, cb = costs[b]!;
    const ta = tied(a), tb = tied(b);
    if (ta !== tb) return ta ? -1 : 1;
    if (!ta && ca.cycles !== cb.cycles) return ca.cycles - cb.cycles;
    return ca.dram - cb.dram || ca.tiles - cb.tiles || ca.cycles - cb.cycles;
  });
  return order.map((i) => items[i]!);
}

/**
 * The search: every power-of-two tiling (output rows and columns tiled alike,
 * output channels in multiples of the array's columns) whose blocks fit half their
 * buffers × the three tile orders, ranked by rankByCost on compute cycles and DRAM
 * traffic — not on the off-chip bandwidth, so that the mapping, and with it the
 * traffic and the compute cycles, is the same whatever the DRAM interface (the kind
 * contract). If no tiling fits, the smallest one streams in half-buffer chunks.
 */
export function searchMappings(p: MappingProblem, tolerance: number): { ranked: RankedMapping[]; evaluated: number } {
  const e = p.extent;
  const bs = pow2Sizes(e.b);
  const os = pow2Sizes(Math.max(e.oh, e.ow));
  const ics = pow2Sizes(e.ic);
  const ocs = e.oc <= p.cols ? [e.oc] : pow2Sizes(e.oc, p.cols);
  const all: RankedMapping[] = [];
  const consider = (tile: Record<TileLoop, number>, requireFit: boolean, rows?: Spans, cols?: Spans) => {
    const summary = summarize(p, tile, rows, cols);
    for (const [name, order] of Object.entries(TILE_ORDERS)) {
      const est = estimateFrom(p, order, summary);
      if (requireFit && !est.fits) return;
      all.push({ mapping: { tile, order, orderName: name }, estimate: est, dramBits: dramBitsOf(est) });
    }
  };
  for (const o of os) {
    const oh = Math.min(o, e.oh), ow = Math.min(o, e.ow);
    const rows = spans(p, 'oh', oh), cols = spans(p, 'ow', ow);
    for (const b of bs) for (const ic of ics) for (const oc of ocs) consider({ b, oh, ow, ic, oc }, true, rows, cols);
  }
  if (all.length === 0) consider({ b: 1, oh: 1, ow: 1, ic: 1, oc: Math.min(e.oc, p.cols) }, false);
  const ranked = rankByCost(all, (r) => ({ cycles: r.estimate.computeCycles, dram: r.dramBits, tiles: r.estimate.tiles }), tolerance);
  return { ranked, evaluated: all.length };
}
