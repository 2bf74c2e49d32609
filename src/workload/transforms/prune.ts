/**
 * Pruning transforms on a valued network (src/workload/transforms/network.ts).
 *
 * Element-wise methods keep every shape and zero weights, ranking them by
 * their values; each pruned layer loses `amount` of its remaining weights
 * (kept = max(1, round((1 − amount) · units kept so far)), units being elements,
 * SIMD groups or blocks):
 * - `magnitude`: the largest |w| of the layer survive (Han et al., NIPS 2015).
 * - `per-channel-uniform`: magnitude pruning, then every output channel's row
 *   is padded with stored zeros up to the row with the most nonzeros, so all
 *   CSR rows have one length (seed 001, Sec. 7: zeros "marked as non-zero",
 *   taken side by side — here the row's next pruned positions after its first
 *   kept one). The padding overhead is reported.
 * - `nm` {n, m}: in every m consecutive weights along a filter's reduction
 *   dimension the n largest survive (a short last group keeps round(n·L/m), as
 *   src/workload/sparsity.ts draws n:m masks); `amount` is not used.
 * - `block` [br, bc] and `simd-group` {width} (Scalpel's SIMD-aware pruning, Yu
 *   et al., ISCA 2017): whole br×bc blocks of the K × (C/g·R·S) matrix, or whole
 *   runs of `width` consecutive weights of a row, survive by importance — the
 *   root mean square of their weights (Scalpel's best measure; mean |w| and max
 *   |w| selectable). A kept unit is stored whole, zeros included.
 *
 * Structured methods remove channels and shrink shapes:
 * - `l1-filter` / `l2-filter` (Li et al., ICLR 2017; the seed 000 code): each
 *   target layer — every matched conv layer, in network order — removes
 *   floor(amount · C) of the C channels of its output group now, those whose
 *   filters in the target have the smallest L1 / L2 norm (ties: lower index
 *   first), keeping at least one. The channels go from every layer of the group
 *   (src/workload/transforms/graph.ts): the filters of each producer, the
 *   channels of the batch-norm, ReLU, pooling and add layers, and the input
 *   channels of every consumer (for an fc after a flatten, the channel's H·W
 *   features). Tied groups (a ResNet stage joined by its adds) are pruned by
 *   each of their matched producers, as Torch-Pruning's per-layer loop does.
 * - `node` (Scalpel's node pruning for fc layers): the same on fc layers,
 *   neurons ranked by the L2 norm of their incoming weights — a stand-in for
 *   Scalpel's trained mask layers, which need training data.
 * Groups that hold the network input or output, or touch a matmul or grouped
 * convolution, are not pruned; the report says why.
 */
import { InputError } from '../../core/errors.js';
import { keepCount } from '../sparsity.js';
import type { LayerSpec, SparsityPattern } from '../trace.js';
import { totalParams, resolveNetwork, type Layer } from '../layer.js';
import { channelGroups, networkGraph, type ChannelGroup } from './graph.js';
import { cloneValued, hasWeightTensor, ruleFor, type LayerRule, type LayerTensor, type ValuedNetwork } from './network.js';

/** Pruning methods. */
export const PRUNE_METHODS = ['magnitude', 'per-channel-uniform', 'nm', 'block', 'simd-group', 'l1-filter', 'l2-filter', 'node'] as const;
export type PruneMethod = (typeof PRUNE_METHODS)[number];

/** Importance of a SIMD group or block. */
export type UnitImportance = 'rms' | 'mean' | 'max';

/** What to prune and how. */
export interface PruneOptions {
  method: PruneMethod;
  /** Per-layer fraction in [0, 1) to remove (of remaining weights, or of the output group's channels); layers without a value are left alone. For `nm`, any value selects the layer. */
  amounts: readonly LayerRule[];
  /** n:m. */
  n?: number;
  m?: number;
  /** Block rows × columns. */
  block?: [number, number];
  /** SIMD group width. */
  width?: number;
  /** Unit importance for block and simd-group (default rms). */
  importance?: UnitImportance;
}

/** What pruning did to one layer. */
export interface LayerPruneReport {
  layer: string;
  op: string;
  /** Why the layer was left alone, if it was. */
  skipped?: string;
  /** Structured methods: channels removed from this layer's output group. */
  channelsRemoved?: number;
  /** Element-wise methods: how many units the amount asks to keep ((1 − amount) × units kept before), and the unit. */
  requested?: { count: number; unit: 'elements' | 'SIMD groups' | 'blocks' };
}

/** Totals before and after, and the per-layer record. */
export interface PruneResult {
  net: ValuedNetwork;
  layers: LayerPruneReport[];
  params: { before: number; after: number };
  macs: { before: number; after: number };
  /** Nonzero weights (values ≠ 0). */
  nonzeros: { before: number; after: number };
  /** Stored elements (mask = 1). */
  stored: { before: number; after: number };
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

function nonzeroCount(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

/** Rows × cols of a tensor of `rows` output channels. */
function colsOf(t: LayerTensor, rows: number): number {
  return t.values.length / rows;
}

function masked(values: Float32Array, mask: Uint8Array): LayerTensor {
  const v = new Float32Array(values.length);
  for (let i = 0; i < v.length; i++) v[i] = mask[i] === 1 ? (values[i] as number) : 0;
  return { values: v, mask };
}

// ---------------------------------------------------------------------------
// Element-wise methods

/**
 * Keeps `keep` of the stored elements with the largest |w| (ties: lower index
 * first). Elements outside the mask stay out.
 */
function magnitudeMask(t: LayerTensor, keep: number): Uint8Array {
  const stored = count(t.mask);
  const mags = new Float32Array(stored);
  for (let i = 0, j = 0; i < t.mask.length; i++) if (t.mask[i] === 1) mags[j++] = Math.abs(t.values[i] as number);
  mags.sort();
  const threshold = mags[stored - keep] as number;
  let above = 0;
  for (let j = stored - keep; j < stored; j++) if ((mags[j] as number) > threshold) above++;
  let ties = keep - above; // elements equal to the threshold that still fit, lowest index first
  const out = new Uint8Array(t.mask.length);
  for (let i = 0; i < out.length; i++) {
    if (t.mask[i] !== 1) continue;
    const a = Math.abs(t.values[i] as number);
    if (a > threshold) out[i] = 1;
    else if (a === threshold && ties > 0) {
      out[i] = 1;
      ties--;
    }
  }
  return out;
}

/** Pads every row with stored zeros to the longest row; returns the number of padded elements. */
function padRows(mask: Uint8Array, rows: number, cols: number): number {
  let longest = 0;
  const nnz = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let i = r * cols; i < (r + 1) * cols; i++) n += mask[i] as number;
    nnz[r] = n;
    longest = Math.max(longest, n);
  }
  let padded = 0;
  for (let r = 0; r < rows; r++) {
    let need = longest - (nnz[r] as number);
    if (need === 0) continue;
    const base = r * cols;
    let start = 0;
    while (start < cols && mask[base + start] === 0) start++;
    if (start === cols) start = 0;
    for (let j = 0; j < cols && need > 0; j++) {
      const i = base + ((start + j) % cols);
      if (mask[i] === 0) {
        mask[i] = 1;
        need--;
        padded++;
      }
    }
  }
  return padded;
}

/** n largest |w| in each group of m along every row (ties: lower index); a short last group of L keeps round(n·L/m). */
function nmMask(t: LayerTensor, rows: number, cols: number, n: number, m: number): Uint8Array {
  const out = new Uint8Array(t.values.length);
  const mag = (i: number) => (t.mask[i] === 1 ? Math.abs(t.values[i] as number) : -1);
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < cols; c0 += m) {
      const a = r * cols + c0;
      const b = a + Math.min(m, cols - c0);
      const keep = b - a === m ? n : Math.round((n * (b - a)) / m);
      for (let k = 0; k < keep; k++) {
        let best = -1;
        for (let i = a; i < b; i++) if (out[i] === 0 && (best < 0 || mag(i) > mag(best))) best = i;
        out[best] = 1;
      }
    }
  }
  return out;
}

/** SIMD groups (runs of `width` along rows) or br×bc blocks of a rows × cols matrix, as a unit index per element. */
type UnitShape = { width: number } | { block: [number, number] };

function unitCount(rows: number, cols: number, shape: UnitShape): number {
  if ('width' in shape) return rows * Math.ceil(cols / shape.width);
  return Math.ceil(rows / shape.block[0]) * Math.ceil(cols / shape.block[1]);
}

function unitOf(r: number, c: number, cols: number, shape: UnitShape): number {
  if ('width' in shape) return r * Math.ceil(cols / shape.width) + Math.floor(c / shape.width);
  return Math.floor(r / shape.block[0]) * Math.ceil(cols / shape.block[1]) + Math.floor(c / shape.block[1]);
}

/**
 * Keeps keepCount(1 − amount, live units) whole units by importance (ties:
 * lower unit index); a unit is live while any of its elements is stored.
 */
function unitMask(t: LayerTensor, rows: number, cols: number, shape: UnitShape, amount: number, how: UnitImportance): { mask: Uint8Array; requested: number } {
  const units = unitCount(rows, cols, shape);
  const acc = new Float64Array(units);
  const size = new Uint32Array(units);
  const live = new Uint8Array(units);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) {
      const u = unitOf(r, c, cols, shape);
      const a = Math.abs(t.values[i] as number);
      acc[u] = how === 'max' ? Math.max(acc[u] as number, a) : (acc[u] as number) + (how === 'rms' ? a * a : a);
      size[u] = (size[u] as number) + 1;
      if (t.mask[i] === 1) live[u] = 1;
    }
  }
  const liveUnits: number[] = [];
  for (let u = 0; u < units; u++) {
    if (live[u] === 0) continue;
    liveUnits.push(u);
    if (how !== 'max') acc[u] = how === 'rms' ? Math.sqrt((acc[u] as number) / (size[u] as number)) : (acc[u] as number) / (size[u] as number);
  }
  const keep = keepCount(1 - amount, liveUnits.length);
  const scores = Float64Array.from(liveUnits, (u) => acc[u] as number).sort();
  const threshold = scores[scores.length - keep] as number;
  let ties = 0;
  for (let j = scores.length - keep; j < scores.length; j++) if (scores[j] === threshold) ties++;
  const kept = new Uint8Array(units);
  for (const u of liveUnits) {
    const score = acc[u] as number;
    if (score > threshold) kept[u] = 1;
    else if (score === threshold && ties > 0) {
      kept[u] = 1;
      ties--;
    }
  }
  const mask = new Uint8Array(t.mask.length);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) mask[i] = kept[unitOf(r, c, cols, shape)] as number;
  return { mask, requested: (1 - amount) * liveUnits.length };
}

// ---------------------------------------------------------------------------
// Structured methods

/** Lp norms of the rows of a tensor. */
function rowNorms(t: LayerTensor, rows: number, p: 1 | 2): Float64Array {
  const cols = colsOf(t, rows);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let i = r * cols; i < (r + 1) * cols; i++) {
      const a = Math.abs(t.values[i] as number);
      acc += p === 1 ? a : a * a;
    }
    out[r] = p === 1 ? acc : Math.sqrt(acc);
  }
  return out;
}

/** Copies the kept row-blocks: each of `units` rows is `unit` elements of every one of `outer` outer slices. */
function keepUnits(a: Float32Array | Uint8Array, outer: number, units: number, unit: number, removed: ReadonlySet<number>): typeof a {
  const keptUnits = units - removed.size;
  const out = a instanceof Float32Array ? new Float32Array(outer * keptUnits * unit) : new Uint8Array(outer * keptUnits * unit);
  let o = 0;
  for (let x = 0; x < outer; x++) {
    for (let u = 0; u < units; u++) {
      if (removed.has(u)) continue;
      const src = (x * units + u) * unit;
      out.set(a.subarray(src, src + unit), o);
      o += unit;
    }
  }
  return out;
}

function sliceTensor(t: LayerTensor, outer: number, units: number, removed: ReadonlySet<number>): LayerTensor {
  const unit = t.values.length / (outer * units);
  if (!Number.isInteger(unit)) throw new Error('channel removal: tensor does not split into channels evenly');
  return { values: keepUnits(t.values, outer, units, unit, removed) as Float32Array, mask: keepUnits(t.mask, outer, units, unit, removed) as Uint8Array };
}

/** Removes channels `removed` of `group` from every layer of it (tensors and spec shapes). */
function removeChannels(vn: ValuedNetwork, group: ChannelGroup, removed: ReadonlySet<number>): void {
  const k = removed.size;
  const n = group.channels;
  const setIn0 = (s: LayerSpec, c: number) => {
    if ('input' in s) (s.input as number[])[0] = c;
  };
  for (const i of group.producers) {
    const s = vn.spec.layers[i] as LayerSpec;
    const t = vn.tensors.get(s.name);
    if (t) vn.tensors.set(s.name, sliceTensor(t, 1, n, removed));
    if (s.op === 'fc') s.outFeatures -= k;
    else if (s.op === 'conv2d' || s.op === 'conv1d') s.filters -= k;
  }
  for (const i of group.passThrough) {
    const s = vn.spec.layers[i] as LayerSpec;
    const t = vn.tensors.get(s.name);
    if (t) vn.tensors.set(s.name, sliceTensor(t, 1, n, removed)); // depthwise: one filter per channel
    setIn0(s, n - k);
  }
  for (const i of new Set(group.consumers)) {
    const s = vn.spec.layers[i] as LayerSpec;
    const t = vn.tensors.get(s.name);
    // Output channels now (an earlier removal in this pass may have cut them).
    const rows = s.op === 'fc' ? s.outFeatures : s.op === 'conv2d' || s.op === 'conv1d' ? s.filters : 0;
    if (t) vn.tensors.set(s.name, sliceTensor(t, rows, n, removed));
    if (s.op === 'fc') s.inFeatures -= (k * s.inFeatures) / n;
    else setIn0(s, n - k);
  }
  group.channels = n - k;
}

/** The channels a target layer removes: the floor(amount·C) rows with the smallest norms (ties: lower index), at most C − 1. */
function weakestRows(norms: Float64Array, amount: number): Set<number> {
  const c = norms.length;
  const k = Math.min(c - 1, Math.floor(amount * c));
  const order = Array.from({ length: c }, (_, i) => i).sort((a, b) => (norms[a] as number) - (norms[b] as number) || a - b);
  return new Set(order.slice(0, Math.max(0, k)));
}

function structured(vn: ValuedNetwork, opts: PruneOptions, reports: LayerPruneReport[]): boolean {
  const w = resolveNetwork(vn.spec, vn.origin);
  const graph = networkGraph(vn.spec, w);
  const groups = channelGroups(w, graph, vn.origin);
  const groupOf = new Map<number, ChannelGroup>();
  for (const g of groups) for (const p of g.producers) groupOf.set(p, g);
  const p: 1 | 2 = opts.method === 'l1-filter' ? 1 : 2;
  let changed = false;
  w.layers.forEach((l, i) => {
    const eligible = opts.method === 'node' ? l.op === 'fc' : l.op === 'conv2d' || l.op === 'conv1d';
    const amount = ruleFor(opts.amounts, l.name);
    if (!eligible || amount === undefined) return;
    const g = groupOf.get(i);
    if (!g || g.fixed) {
      reports.push({ layer: l.name, op: l.op, skipped: `its output channels are fixed: ${g?.fixed ?? 'not a producer'}` });
      return;
    }
    const t = vn.tensors.get(l.name) as LayerTensor;
    const removed = weakestRows(rowNorms(t, g.channels, p), amount);
    if (removed.size > 0) {
      removeChannels(vn, g, removed);
      changed = true;
    }
    reports.push({ layer: l.name, op: l.op, channelsRemoved: removed.size });
  });
  return changed;
}

// ---------------------------------------------------------------------------

function patternOf(opts: PruneOptions): SparsityPattern {
  switch (opts.method) {
    case 'nm':
      return { type: 'nm', n: opts.n as number, m: opts.m as number };
    case 'block':
      return { type: 'block', block: opts.block as [number, number] };
    case 'simd-group':
      return { type: 'simd-group', width: opts.width as number };
    case 'per-channel-uniform':
      return { type: 'per-channel-uniform' };
    default:
      return { type: 'unstructured' };
  }
}

function checkOptions(opts: PruneOptions): void {
  const bad = (path: string, message: string): never => {
    throw InputError.one('--' + path, '', message);
  };
  for (const r of opts.amounts) if (!(r.value >= 0 && r.value < 1)) bad('amount', `${r.pattern}=${r.value}: an amount is a fraction in [0, 1)`);
  if (opts.method === 'nm' && !(Number.isInteger(opts.n) && Number.isInteger(opts.m) && (opts.n as number) >= 1 && (opts.n as number) <= (opts.m as number))) bad('nm', 'n:m pruning needs integers 1 ≤ n ≤ m (e.g. --nm 2:4)');
  if (opts.method === 'block' && !(opts.block && opts.block.every((b) => Number.isInteger(b) && b >= 1))) bad('block', 'block pruning needs a block size such as --block 4x4');
  if (opts.method === 'simd-group' && !(Number.isInteger(opts.width) && (opts.width as number) >= 1)) bad('width', 'SIMD-group pruning needs --width ≥ 1');
}

/** Totals of a valued network. */
function totals(vn: ValuedNetwork): { params: number; macs: number; nonzeros: number; stored: number } {
  const w = resolveNetwork(vn.spec, vn.origin);
  let nonzeros = 0;
  let stored = 0;
  for (const t of vn.tensors.values()) {
    nonzeros += nonzeroCount(t.values);
    stored += count(t.mask);
  }
  return { params: totalParams(w), macs: w.layers.reduce((a, l) => a + l.macs, 0), nonzeros, stored };
}

/** Writes each weight layer's achieved density (stored elements / size) into the spec; `pattern` where given. */
function syncOperands(vn: ValuedNetwork, patterns: ReadonlyMap<string, SparsityPattern>): void {
  for (const s of vn.spec.layers) {
    const t = vn.tensors.get(s.name);
    if (!t) continue;
    const density = count(t.mask) / t.mask.length;
    const prior = s.weights ?? {};
    if (density === 1 && !patterns.has(s.name) && prior.density === undefined && prior.pattern === undefined) continue; // dense stays implicit
    const pattern = patterns.get(s.name) ?? (density < 1 ? (prior.pattern && prior.pattern.type !== 'dense' ? prior.pattern : { type: 'unstructured' as const }) : undefined);
    s.weights = { ...prior, density, ...(pattern ? { pattern } : {}) };
    if (density === 1 && !patterns.has(s.name)) s.weights.pattern = { type: 'dense' };
  }
}

/** Prunes a valued network once; see the module comment for each method. */
export function prune(input: ValuedNetwork, opts: PruneOptions): PruneResult {
  checkOptions(opts);
  const before = totals(input);
  const vn = cloneValued(input);
  const reports: LayerPruneReport[] = [];
  const patterns = new Map<string, SparsityPattern>();
  if (opts.method === 'l1-filter' || opts.method === 'l2-filter' || opts.method === 'node') {
    if (structured(vn, opts, reports)) delete vn.spec.published; // published totals describe the unpruned network
  } else {
    const w = resolveNetwork(vn.spec, vn.origin);
    for (const l of w.layers) {
      const amount = ruleFor(opts.amounts, l.name);
      if (!hasWeightTensor(l) || amount === undefined) continue;
      const t = vn.tensors.get(l.name) as LayerTensor;
      const rows = (l.conv as NonNullable<Layer['conv']>).k;
      const cols = colsOf(t, rows);
      let mask: Uint8Array;
      let requested: number | undefined;
      if (opts.method === 'nm') mask = nmMask(t, rows, cols, opts.n as number, opts.m as number);
      else if (opts.method === 'block' || opts.method === 'simd-group') {
        const shape = opts.method === 'block' ? { block: opts.block as [number, number] } : { width: opts.width as number };
        const r = unitMask(t, rows, cols, shape, amount, opts.importance ?? 'rms');
        mask = r.mask;
        requested = r.requested;
      } else {
        const stored = count(t.mask);
        requested = (1 - amount) * stored;
        mask = magnitudeMask(t, keepCount(1 - amount, stored));
      }
      const pruned = masked(t.values, mask);
      // Padding adds stored zeros: the mask grows, the values do not.
      if (opts.method === 'per-channel-uniform') padRows(pruned.mask, rows, cols);
      vn.tensors.set(l.name, pruned);
      patterns.set(l.name, patternOf(opts));
      const unit = opts.method === 'block' ? 'blocks' : opts.method === 'simd-group' ? 'SIMD groups' : 'elements';
      reports.push({ layer: l.name, op: l.op, ...(requested !== undefined ? { requested: { count: requested, unit } } : {}) });
    }
  }
  syncOperands(vn, patterns);
  const after = totals(vn);
  return {
    net: vn,
    layers: reports,
    params: { before: before.params, after: after.params },
    macs: { before: before.macs, after: after.macs },
    nonzeros: { before: before.nonzeros, after: after.nonzeros },
    stored: { before: before.stored, after: after.stored },
  };
}
