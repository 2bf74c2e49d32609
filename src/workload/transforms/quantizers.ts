/**
 * Quantizers on plain arrays: linear (uniform) and k-means (non-uniform, a
 * codebook), each over *slices* of a weight matrix — the whole layer, one output
 * channel (row), or a group of consecutive elements of a row — so every
 * granularity of the seeds (004: layer-, channel- and group-wise) is one code path.
 *
 * Linear (seed 004, "Linear Quantization"): Q(r) = round(r/S) − Z, r̂ = S·(Q + Z).
 *   symmetric: Z = 0, S = max|r| / (2^(b−1) − 1), Q ∈ [−(2^(b−1) − 1), 2^(b−1) − 1];
 *   asymmetric: S = (max − min) / (2^b − 1) over a range widened to contain 0,
 *   Z = round(min/S), Q ∈ [0, 2^b − 1].
 * Zero is always exactly representable, so pruned weights stay zero.
 *
 * k-means (Han, Mao, Dally, "Deep Compression", ICLR 2016, Sec. 3; seed 001 eqs.
 * 8–9): the nonzero values of a slice are clustered into at most 2^b centroids by
 * Lloyd's algorithm in one dimension, initialised linearly between min and max
 * (Deep Compression Sec. 3.1 finds linear initialisation best); each value is
 * replaced by its centroid. Zeros stay zero: pruned weights are not stored in the
 * sparse format and take no codebook entry.
 */

/** How a weight matrix is cut into independently quantized slices. */
export type Granularity = 'layer' | 'channel' | 'group';

/** Slice boundaries of a rows × cols matrix: slice i is [bounds[i], bounds[i+1]). */
export function sliceBounds(rows: number, cols: number, granularity: Granularity, groupSize = 0): Uint32Array {
  if (granularity === 'layer') return Uint32Array.of(0, rows * cols);
  if (granularity === 'channel') return Uint32Array.from({ length: rows + 1 }, (_, r) => r * cols);
  if (!(groupSize >= 1)) throw new RangeError(`group granularity needs a group size ≥ 1, got ${groupSize}`);
  const perRow = Math.ceil(cols / groupSize);
  const out = new Uint32Array(rows * perRow + 1);
  let i = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c += groupSize) out[i++] = r * cols + c;
  out[i] = rows * cols;
  return out;
}

/** Result of a linear quantization. */
export interface LinearResult {
  /** Stored integers Q, one per element. */
  codes: Int32Array;
  /** r̂ = S·(Q + Z). */
  dequantized: Float32Array;
  /** S per slice. */
  scales: Float64Array;
  /** Z per slice (all 0 when symmetric). */
  zeroPoints: Int32Array;
}

/**
 * Linear quantization of `values` to `bits` per element, one scale (and zero
 * point) per slice of `bounds` (see {@link sliceBounds}). Symmetric needs bits ≥ 2.
 */
export function linearQuantize(values: Float32Array, bits: number, symmetric: boolean, bounds: Uint32Array = Uint32Array.of(0, values.length)): LinearResult {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`bits must be an integer in 1..32, got ${bits}`);
  if (symmetric && bits < 2) throw new RangeError('symmetric linear quantization needs at least 2 bits (one is the sign)');
  const n = values.length;
  const codes = new Int32Array(n);
  const dequantized = new Float32Array(n);
  const slices = bounds.length - 1;
  const scales = new Float64Array(slices);
  const zeroPoints = new Int32Array(slices);
  const qmax = symmetric ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const qmin = symmetric ? -qmax : 0;
  for (let s = 0; s < slices; s++) {
    const a = bounds[s] as number;
    const b = bounds[s + 1] as number;
    let lo = 0;
    let hi = 0;
    for (let i = a; i < b; i++) {
      const v = values[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = symmetric ? Math.max(-lo, hi) / qmax : (hi - lo) / qmax;
    if (span === 0) continue; // an all-zero slice: codes and values stay 0
    const z = symmetric ? 0 : Math.round(lo / span);
    scales[s] = span;
    zeroPoints[s] = z;
    for (let i = a; i < b; i++) {
      const q = Math.min(qmax, Math.max(qmin, Math.round((values[i] as number) / span) - z));
      codes[i] = q;
      dequantized[i] = span * (q + z);
    }
  }
  return { codes, dequantized, scales, zeroPoints };
}

/** Result of a k-means quantization. */
export interface KmeansResult {
  /** Codebook index per element; −1 for zeros (not stored). */
  indices: Int32Array;
  /** Every value replaced by its centroid (zeros stay 0). */
  dequantized: Float32Array;
  /** Centroids of slice s: centroids[s·entries, (s+1)·entries). Unused entries of a slice with fewer distinct values repeat its last centroid. */
  centroids: Float64Array;
  /** Codebook entries per slice (2^bits). */
  entries: number;
  /** Lloyd iterations run, largest over slices. */
  iterations: number;
}

const KMEANS_MAX_ITERATIONS = 100;

/**
 * k-means quantization with 2^`bits` centroids per slice of `bounds`, over the
 * slice's nonzero values; `centroidQuantize` (optional) rounds each slice's
 * centroids (e.g. to the compute width) before values are replaced.
 */
export function kmeansQuantize(
  values: Float32Array,
  bits: number,
  bounds: Uint32Array = Uint32Array.of(0, values.length),
  centroidQuantize?: (centroids: Float64Array) => Float64Array,
): KmeansResult {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new RangeError(`k-means index bits must be an integer in 1..16, got ${bits}`);
  const entries = 2 ** bits;
  const slices = bounds.length - 1;
  const indices = new Int32Array(values.length).fill(-1);
  const dequantized = new Float32Array(values.length);
  const centroids = new Float64Array(slices * entries);
  let iterations = 0;
  for (let s = 0; s < slices; s++) {
    const a = bounds[s] as number;
    const b = bounds[s + 1] as number;
    let nz = 0;
    for (let i = a; i < b; i++) if (values[i] !== 0) nz++;
    if (nz === 0) continue;
    const sorted = new Float64Array(nz);
    for (let i = a, j = 0; i < b; i++) if (values[i] !== 0) sorted[j++] = values[i] as number;
    sorted.sort();
    const fit = lloyd1d(sorted, entries);
    iterations = Math.max(iterations, fit.iterations);
    const c = centroidQuantize ? centroidQuantize(fit.centroids) : fit.centroids;
    centroids.set(c, s * entries);
    const mids = midpoints(c);
    for (let i = a; i < b; i++) {
      const v = values[i] as number;
      if (v === 0) continue;
      const k = upperBound(mids, v);
      indices[i] = k;
      dequantized[i] = c[k] as number;
    }
  }
  return { indices, dequantized, centroids, entries, iterations };
}

/** Boundaries between consecutive (sorted) centroids. */
function midpoints(c: Float64Array): Float64Array {
  const m = new Float64Array(c.length - 1);
  for (let j = 0; j + 1 < c.length; j++) m[j] = ((c[j] as number) + (c[j + 1] as number)) / 2;
  return m;
}

/** Number of entries of sorted `a` that are ≤ v (the nearest centroid's index for midpoints; ties go up). */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lloyd's algorithm on sorted 1-D data with `k` centroids, linearly
 * initialised; each step assigns by binary search on the midpoints and
 * recomputes means from prefix sums, so an iteration costs O(k log n).
 * Returns sorted centroids (an empty cluster keeps its centroid).
 */
function lloyd1d(sorted: Float64Array, k: number): { centroids: Float64Array; iterations: number } {
  const n = sorted.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (sorted[i] as number);
  const lo = sorted[0] as number;
  const hi = sorted[n - 1] as number;
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) c[j] = k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1);
  let it = 0;
  for (; it < KMEANS_MAX_ITERATIONS; it++) {
    const mids = midpoints(c);
    let start = 0;
    let changed = false;
    for (let j = 0; j < k; j++) {
      const end = j + 1 < k ? upperBound(sorted, mids[j] as number) : n;
      if (end > start) {
        const mean = ((prefix[end] as number) - (prefix[start] as number)) / (end - start);
        if (mean !== c[j]) changed = true;
        c[j] = mean;
      }
      start = end;
    }
    if (!changed) break;
  }
  return { centroids: c, iterations: it + 1 };
}
