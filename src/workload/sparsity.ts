/**
 * Lazy, deterministic materialization of operand masks and activation
 * precision maps.
 *
 * Every mask is drawn from a generator seeded by hash(seed, network name, layer
 * name, operand name) (src/core/random.ts), so a mask depends only on those and
 * on the layer's shape and operand spec — never on the order layers are
 * materialized in. Each mask is computed once, on first request, and cached per
 * layer object (and seed, so a sweep over seeds keeps every mask it drew until
 * the layer is dropped); the returned arrays are shared and must not be mutated.
 *
 * Layouts: weights K×(C/groups)×R×S (a filter's C/g·R·S elements — its
 * reduction dimension — are contiguous); inputs N×C×H×W. Mask bytes are 1 for a
 * nonzero element, 0 for a zero.
 *
 * Counting rule, for every pattern: a pattern keeps whole *units* (elements,
 * groups, blocks, filters, channels); of `u` units it keeps
 * `keepCount(density, u) = clamp(round(density·u), 1, u)` — the nearest whole
 * number of units, but never none (density > 0 by the trace schema), so the
 * achieved density is within one unit of the requested one. Units that run
 * past a tensor edge (a partial block, the last group of a row) are still one
 * unit each, so where units differ in size the element density is as close as
 * that granularity allows. The exception is n:m, whose density is fixed by the
 * pattern (below).
 *
 * Patterns (weights | activations):
 * - `dense`: all ones.
 * - `unstructured`: exactly keepCount(density, size) elements, uniformly chosen.
 * - `nm` {n, m}: in every group of m consecutive elements along the reduction
 *   dimension exactly n are nonzero. Weights: groups run along each filter's
 *   C/g·R·S elements; activations: along each sample's C·H·W elements in memory
 *   order (the innermost W dimension — groups stay inside one W row when m
 *   divides W; for fc inputs that is C, the reduction dimension). A row's last
 *   group, if shorter (L < m), keeps round(n·L/m). The density is n/m: if the
 *   trace's density disagrees, n/m wins (n = 0 gives an all-zero mask).
 * - `block` {block: [br, bc]}: weights as a K × (C/g·R·S) matrix, activations as
 *   N·C planes of H × W; tiled into br×bc blocks (edge blocks partial), of which
 *   keepCount(density, blocks) whole blocks are kept.
 * - `filter`: weights keep keepCount(density, K) whole output filters
 *   (structured pruning); activations: as `channel`.
 * - `channel`: keepCount(density, C) whole input channels — for weights every
 *   filter's slice of a kept channel (with groups, a channel reaches only its
 *   group's filters), for activations the whole channel plane in every sample
 *   (the same channels for the whole batch, as when the producing layer's
 *   filters were pruned).
 * - `simd-group` {width} (Scalpel's SIMD-aware pruning): each row (a filter;
 *   for activations a sample) is cut into runs of `width` consecutive elements
 *   (the last run may be shorter); keepCount(density, runs) whole runs are kept
 *   over the whole tensor.
 * - `per-channel-uniform`: every row gets exactly keepCount(density, cols)
 *   nonzeros at random positions — for weights every output filter (the seed
 *   paper's equal-length CSR rows), for activations every (n, c) channel plane of
 *   H·W elements (every sample of C elements where planes are single elements,
 *   as for fc).
 *
 * Layers without a convolution geometry (element-wise, pooling) keep no shape
 * beyond their element count; their inputs are viewed as N × (elements/N) × 1 × 1
 * (each element its own channel).
 */
import { rngFor, type Rng } from '../core/random.js';
import { layerCache } from './layer-cache.js';
import type { ExplicitMatrix, Layer, Operand, Workload } from './layer.js';
import type { SparsityPattern } from './trace.js';

/** What a mask depends on from the workload: its name and default seed. */
export type WorkloadKey = Pick<Workload, 'name' | 'seed'>;

/** An activation tensor's dimensions (N×C×H×W). */
export interface TensorShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** A weight tensor's dimensions, and its view as a rows × cols matrix (K × C/g·R·S). */
export interface WeightShape {
  k: number;
  /** Input channels per group (C/groups). */
  cg: number;
  r: number;
  s: number;
  groups: number;
  rows: number;
  cols: number;
}

/** Which activation elements are sensitive (run at high precision), per spatial region (DRQ). */
export interface SensitivityMap {
  /** 1 = sensitive, over N × rows × cols regions (row-major per sample). */
  mask: Uint8Array;
  n: number;
  /** Region grid: ceil(H / regionH) × ceil(W / regionW). */
  rows: number;
  cols: number;
  regionH: number;
  regionW: number;
  /** The input plane the grid covers. */
  h: number;
  w: number;
  /** Sensitive regions per sample (the same count in every sample). */
  perSample: number;
}

/** Count and fraction of nonzeros in a mask. */
export interface MaskStats {
  nonzeros: number;
  /** nonzeros / length (0 for an empty mask). */
  density: number;
}

/** Units kept of `units` at `density`: round(density·units), at least 1 and at most `units` (0 when there are no units). */
export function keepCount(density: number, units: number): number {
  if (units <= 0) return 0;
  return Math.min(units, Math.max(1, Math.round(density * units)));
}

/** The density a pattern implies for an operand without materializing it: n/m for n:m, 1 for dense, else the trace's density. */
export function nominalDensity(operand: Pick<Operand, 'density' | 'pattern'>): number {
  const p = operand.pattern;
  if (p.type === 'dense') return 1;
  if (p.type === 'nm') return p.n / p.m;
  return operand.density;
}

/** Weight dimensions of a MAC layer; throws for layers without weights. */
export function weightShape(layer: Layer): WeightShape {
  const g = layer.conv;
  if (!g || !layer.weights) throw new Error(`layer "${layer.name}" (${layer.op}) has no weights`);
  const cg = g.c / g.groups;
  return { k: g.k, cg, r: g.r, s: g.s, groups: g.groups, rows: g.k, cols: cg * g.r * g.s };
}

/** Input activation dimensions; layers without a convolution geometry are N × (elements/N) × 1 × 1. */
export function activationShape(layer: Layer): TensorShape {
  const g = layer.conv;
  if (g) return { n: g.n, c: g.c, h: g.h, w: g.w };
  const n = layer.batch;
  return { n, c: Math.max(1, Math.round(layer.inputElements / n)), h: 1, w: 1 };
}

// ---------------------------------------------------------------------------
// Selection primitives (all write into a zeroed range of `out`).

/** Ranges at least this long use one sequential pass when the smaller of kept/dropped exceeds len / SEQUENTIAL_RATIO (fewer random draws than Floyd, no cache misses). */
const SEQUENTIAL_MIN_LEN = 256;
const SEQUENTIAL_RATIO = 3;

/** Marks with `v` exactly `count` distinct random positions of out[off, off+len), all ≠ v beforehand (Floyd's algorithm). */
function floyd(out: Uint8Array, off: number, len: number, count: number, rng: Rng, v: number): void {
  for (let j = len - count; j < len; j++) {
    const t = rng.int(j + 1);
    if (out[off + t] === v) out[off + j] = v;
    else out[off + t] = v;
  }
}

/** Scratch buffer of random words for {@link sequential}. */
const words = new Uint32Array(4096);
const TWO32 = 4294967296;

/**
 * Marks exactly `count` of out[off, off+len) with 1 in one sequential pass,
 * keeping each position with probability still-needed / still-left (Knuth's
 * selection sampling): a uniform subset, and the count is exact.
 */
function sequential(out: Uint8Array, off: number, len: number, count: number, rng: Rng): void {
  let need = count;
  let i = 0;
  while (i < len && need > 0) {
    const end = Math.min(len, i + words.length);
    rng.fillU32(words, 0, end - i);
    for (let j = 0; i < end; i++, j++) {
      const keep = +((words[j] as number) * (len - i) < need * TWO32);
      out[off + i] = keep;
      need -= keep;
    }
  }
}

/**
 * Sets exactly `count` uniformly chosen positions of the zeroed range
 * out[off, off+len) to 1: Floyd's algorithm on the smaller of the kept and
 * dropped sets where that is small, one sequential pass otherwise.
 */
function selectRange(out: Uint8Array, off: number, len: number, count: number, rng: Rng): void {
  if (count <= 0 || len <= 0) return;
  if (count >= len) {
    out.fill(1, off, off + len);
    return;
  }
  const minority = Math.min(count, len - count);
  if (len >= SEQUENTIAL_MIN_LEN && minority * SEQUENTIAL_RATIO > len) {
    sequential(out, off, len, count, rng);
  } else if (2 * count > len) {
    out.fill(1, off, off + len);
    floyd(out, off, len, len - count, rng, 0);
  } else {
    floyd(out, off, len, count, rng, 1);
  }
}

/** A 0/1 array over `units` with exactly `count` ones, uniformly chosen. */
function pickUnits(units: number, count: number, rng: Rng): Uint8Array {
  const u = new Uint8Array(units);
  selectRange(u, 0, units, count, rng);
  return u;
}

/** n:m along each row of a rows × cols view; a short last group of L keeps round(n·L/m). */
function fillNm(out: Uint8Array, rows: number, cols: number, n: number, m: number, rng: Rng): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let start = 0; start < cols; start += m) {
      const len = Math.min(m, cols - start);
      const cnt = len === m ? n : Math.round((n * len) / m);
      selectRange(out, base + start, len, cnt, rng);
    }
  }
}

/** Whole br×bc blocks over `planes` planes of h × w; keepCount(density, blocks) kept. */
function fillBlocks(out: Uint8Array, planes: number, h: number, w: number, br: number, bc: number, density: number, rng: Rng): void {
  const gr = Math.ceil(h / br);
  const gc = Math.ceil(w / bc);
  const perPlane = gr * gc;
  const total = planes * perPlane;
  const keep = pickUnits(total, keepCount(density, total), rng);
  for (let b = 0; b < total; b++) {
    if (keep[b] === 0) continue;
    const p = Math.floor(b / perPlane);
    const rem = b - p * perPlane;
    const bi = Math.floor(rem / gc);
    const bj = rem - bi * gc;
    const r0 = bi * br;
    const r1 = Math.min(h, r0 + br);
    const c0 = bj * bc;
    const c1 = Math.min(w, c0 + bc);
    const planeBase = p * h * w;
    for (let r = r0; r < r1; r++) out.fill(1, planeBase + r * w + c0, planeBase + r * w + c1);
  }
}

/** Whole runs of `width` along each row of a rows × cols view; keepCount(density, runs) kept over the tensor. */
function fillRuns(out: Uint8Array, rows: number, cols: number, width: number, density: number, rng: Rng): void {
  const perRow = Math.ceil(cols / width);
  const total = rows * perRow;
  const keep = pickUnits(total, keepCount(density, total), rng);
  for (let u = 0; u < total; u++) {
    if (keep[u] === 0) continue;
    const r = Math.floor(u / perRow);
    const g = u - r * perRow;
    const c0 = g * width;
    out.fill(1, r * cols + c0, r * cols + Math.min(cols, c0 + width));
  }
}

/** Exactly keepCount(density, cols) nonzeros in each row. */
function fillUniformRows(out: Uint8Array, rows: number, cols: number, density: number, rng: Rng): void {
  const cnt = keepCount(density, cols);
  for (let r = 0; r < rows; r++) selectRange(out, r * cols, cols, cnt, rng);
}

function unreachable(p: never): never {
  throw new Error(`unknown sparsity pattern ${JSON.stringify(p)}`);
}

/** Materializes a weight mask (K×(C/g)×R×S) for `pattern` at `density`. */
function materializeWeights(sh: WeightShape, pattern: SparsityPattern, density: number, rng: Rng): Uint8Array {
  const { rows, cols } = sh;
  const size = rows * cols;
  const out = new Uint8Array(size);
  switch (pattern.type) {
    case 'dense':
      out.fill(1);
      break;
    case 'unstructured':
      selectRange(out, 0, size, keepCount(density, size), rng);
      break;
    case 'nm':
      fillNm(out, rows, cols, pattern.n, pattern.m, rng);
      break;
    case 'block':
      fillBlocks(out, 1, rows, cols, pattern.block[0], pattern.block[1], density, rng);
      break;
    case 'filter': {
      const keep = pickUnits(sh.k, keepCount(density, sh.k), rng);
      for (let k = 0; k < sh.k; k++) if (keep[k] === 1) out.fill(1, k * cols, (k + 1) * cols);
      break;
    }
    case 'channel': {
      const c = sh.cg * sh.groups;
      const keep = pickUnits(c, keepCount(density, c), rng);
      const kg = sh.k / sh.groups;
      const rs = sh.r * sh.s;
      for (let k = 0; k < sh.k; k++) {
        const chBase = Math.floor(k / kg) * sh.cg;
        const rowBase = k * cols;
        for (let ci = 0; ci < sh.cg; ci++) {
          if (keep[chBase + ci] === 1) out.fill(1, rowBase + ci * rs, rowBase + (ci + 1) * rs);
        }
      }
      break;
    }
    case 'simd-group':
      fillRuns(out, rows, cols, pattern.width, density, rng);
      break;
    case 'per-channel-uniform':
      fillUniformRows(out, rows, cols, density, rng);
      break;
    default:
      unreachable(pattern);
  }
  return out;
}

/** Materializes an activation mask (N×C×H×W) for `pattern` at `density`. */
function materializeActivations(sh: TensorShape, pattern: SparsityPattern, density: number, rng: Rng): Uint8Array {
  const plane = sh.h * sh.w;
  const sample = sh.c * plane;
  const size = sh.n * sample;
  const out = new Uint8Array(size);
  switch (pattern.type) {
    case 'dense':
      out.fill(1);
      break;
    case 'unstructured':
      selectRange(out, 0, size, keepCount(density, size), rng);
      break;
    case 'nm':
      fillNm(out, sh.n, sample, pattern.n, pattern.m, rng);
      break;
    case 'block':
      fillBlocks(out, sh.n * sh.c, sh.h, sh.w, pattern.block[0], pattern.block[1], density, rng);
      break;
    case 'filter':
    case 'channel': {
      const keep = pickUnits(sh.c, keepCount(density, sh.c), rng);
      for (let n = 0; n < sh.n; n++) {
        for (let c = 0; c < sh.c; c++) {
          if (keep[c] === 1) out.fill(1, n * sample + c * plane, n * sample + (c + 1) * plane);
        }
      }
      break;
    }
    case 'simd-group':
      fillRuns(out, sh.n, sample, pattern.width, density, rng);
      break;
    case 'per-channel-uniform':
      if (plane > 1) fillUniformRows(out, sh.n * sh.c, plane, density, rng);
      else fillUniformRows(out, sh.n, sample, density, rng);
      break;
    default:
      unreachable(pattern);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Cache: per layer object, keyed by (network, seed, operand).

const cached = layerCache<Uint8Array | SensitivityMap>();

const providedMasks = new WeakMap<Layer, Uint8Array>();

/** Dense 0/1 mask of an explicit matrix, element (r, c) at r·rowStride + c·colStride (a transposed layout when rowStride is 1). */
function explicitMask(m: ExplicitMatrix, rowStride: number, colStride: number): Uint8Array {
  const out = new Uint8Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) out[r * rowStride + m.idx[p]! * colStride] = 1;
  return out;
}

/**
 * Fixes the weight mask of a MAC layer to a real one (K×(C/g)×R×S, 1 = stored
 * element) — from a pruned trace's or an imported model's tensor file — so
 * {@link weightMask} returns it for every seed instead of drawing one. Used by
 * src/workload/values.ts; the array is kept, not copied — do not mutate it.
 */
export function provideWeightMask(layer: Layer, mask: Uint8Array): void {
  const sh = weightShape(layer);
  if (mask.length !== sh.rows * sh.cols) throw new RangeError(`layer "${layer.name}": mask of ${mask.length} elements for ${sh.rows}×${sh.cols} weights`);
  providedMasks.set(layer, mask);
}

/**
 * The weight mask of a MAC layer, K×(C/g)×R×S (1 = nonzero), drawn with
 * hash(seed, network, layer, 'weights'); `seed` defaults to the workload's.
 * Computed once per layer object and seed; the array is shared — do not mutate.
 * A mask given with {@link provideWeightMask} is returned instead, for any seed.
 * Throws for layers without weights.
 */
export function weightMask(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Uint8Array {
  const op = layer.weights;
  if (!op) throw new Error(`layer "${layer.name}" (${layer.op}) has no weights`);
  const fixed = providedMasks.get(layer);
  if (fixed) return fixed;
  const ex = layer.explicit;
  // A real matrix's structure: weights are stored N × K (B transposed).
  if (ex) return cached(layer, 'explicit\u0000weights', () => explicitMask(ex.b, 1, ex.b.rows));
  return cached(layer, `${workload.name}\u0000${seed}\u0000weights`, () =>
    materializeWeights(weightShape(layer), op.pattern, op.density, rngFor(seed, workload.name, layer.name, 'weights')),
  );
}

/**
 * The input activation mask, N×C×H×W (see {@link activationShape}), drawn with
 * hash(seed, network, layer, 'inputs'); `seed` defaults to the workload's.
 * Computed once per layer object and seed; the array is shared — do not mutate.
 */
export function activationMask(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Uint8Array {
  const op = layer.inputs;
  const ex = layer.explicit;
  // A real matrix's structure: inputs are stored K × M (A transposed), as a 1 × K × M × 1 tensor.
  if (ex) return cached(layer, 'explicit\u0000inputs', () => explicitMask(ex.a, 1, ex.a.rows));
  return cached(layer, `${workload.name}\u0000${seed}\u0000inputs`, () =>
    materializeActivations(activationShape(layer), op.pattern, op.density, rngFor(seed, workload.name, layer.name, 'inputs')),
  );
}

/**
 * DRQ-style precision map of the inputs: each sample's H×W plane is tiled into
 * regionH×regionW regions (partial regions at the right and bottom edges count
 * as regions), and exactly round(fraction·regions) of them — the same spatial
 * regions for every channel of the sample, chosen independently per sample —
 * are sensitive. Drawn with hash(seed, network, layer, 'inputs.sensitivity').
 * Without a sensitivity map the grid is one region per sample, not sensitive.
 * Cached like the masks; do not mutate.
 */
export function sensitiveRegions(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): SensitivityMap {
  return cached(layer, `${workload.name}\u0000${seed}\u0000inputs.sensitivity`, () => {
    const sh = activationShape(layer);
    const sens = layer.inputs.sensitivity;
    if (!sens) {
      return { mask: new Uint8Array(sh.n), n: sh.n, rows: 1, cols: 1, regionH: sh.h, regionW: sh.w, h: sh.h, w: sh.w, perSample: 0 };
    }
    const [regionH, regionW] = sens.region;
    const rows = Math.ceil(sh.h / regionH);
    const cols = Math.ceil(sh.w / regionW);
    const per = rows * cols;
    const perSample = Math.min(per, Math.round(sens.fraction * per));
    const mask = new Uint8Array(sh.n * per);
    const rng = rngFor(seed, workload.name, layer.name, 'inputs.sensitivity');
    for (let n = 0; n < sh.n; n++) selectRange(mask, n * per, per, perSample, rng);
    return { mask, n: sh.n, rows, cols, regionH, regionW, h: sh.h, w: sh.w, perSample };
  });
}

/** True when input pixel (y, x) of sample `n` lies in a sensitive region. */
export function isSensitive(map: SensitivityMap, n: number, y: number, x: number): boolean {
  return map.mask[(n * map.rows + Math.floor(y / map.regionH)) * map.cols + Math.floor(x / map.regionW)] === 1;
}

/** Input pixels (n, y, x) in sensitive regions, over the whole batch (multiply by C for elements). */
export function sensitivePixels(map: SensitivityMap): number {
  let total = 0;
  for (let n = 0; n < map.n; n++) {
    for (let i = 0; i < map.rows; i++) {
      const rh = Math.min(map.regionH, map.h - i * map.regionH);
      for (let j = 0; j < map.cols; j++) {
        if (map.mask[(n * map.rows + i) * map.cols + j] === 1) total += rh * Math.min(map.regionW, map.w - j * map.regionW);
      }
    }
  }
  return total;
}

/** Nonzeros of a mask and their fraction of its length. */
export function maskStats(mask: Uint8Array): MaskStats {
  let nz = 0;
  for (let i = 0; i < mask.length; i++) nz += mask[i] as number;
  return { nonzeros: nz, density: mask.length > 0 ? nz / mask.length : 0 };
}

/** Nonzeros per row of a rows × cols view of `mask` (e.g. CSR row lengths: rows = K filters of a weight mask). */
export function rowNonzeros(mask: Uint8Array, rows: number, cols: number): Uint32Array {
  if (rows * cols !== mask.length) throw new RangeError(`rowNonzeros: ${rows}×${cols} does not match a mask of ${mask.length}`);
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let nz = 0;
    const end = (r + 1) * cols;
    for (let i = r * cols; i < end; i++) nz += mask[i] as number;
    out[r] = nz;
  }
  return out;
}
