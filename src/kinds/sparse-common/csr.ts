/**
 * Compressed sparse fibers in typed arrays: the one in-memory form every
 * sparse engine walks. A `Csr` is a list of fibers (rows of a matrix, or
 * columns when it holds a transpose), each a sorted run of coordinates with
 * optional values. No per-element objects: a layer's operands are two
 * Int32Arrays and, in functional mode, a Float64Array.
 */

/** rows × cols matrix in compressed-row form; fiber r is idx[ptr[r] .. ptr[r+1]), coordinates ascending. */
export interface Csr {
  rows: number;
  cols: number;
  /** rows + 1 offsets into idx. */
  ptr: Int32Array;
  /** Column coordinate of each nonzero, ascending within a row. */
  idx: Int32Array;
  /** Value of each nonzero (functional mode only). */
  val?: Float64Array;
}

/** Nonzeros of a matrix. */
export function nnz(m: Csr): number {
  return m.ptr[m.rows]!;
}

/** Length of fiber `r`. */
export function fiberLength(m: Csr, r: number): number {
  return m.ptr[r + 1]! - m.ptr[r]!;
}

/**
 * CSR of a rows × cols matrix whose element (r, c) is nonzero when
 * `mask[offset + r·rowStride + c·colStride]` is 1: one pass over the view,
 * so a transposed or strided view of a mask needs no copy.
 */
export function csrFromMask(mask: Uint8Array, rows: number, cols: number, rowStride: number, colStride: number, offset = 0): Csr {
  const ptr = new Int32Array(rows + 1);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    let p = offset + r * rowStride;
    for (let c = 0; c < cols; c++, p += colStride) count += mask[p]!;
    ptr[r + 1] = count;
  }
  const idx = new Int32Array(count);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    let p = offset + r * rowStride;
    for (let c = 0; c < cols; c++, p += colStride) if (mask[p] === 1) idx[k++] = c;
  }
  return { rows, cols, ptr, idx };
}

/** The transpose (CSR of Aᵀ, i.e. A in compressed-column form), by counting sort: O(rows + cols + nnz). */
export function transpose(m: Csr): Csr {
  const n = nnz(m);
  const ptr = new Int32Array(m.cols + 1);
  for (let i = 0; i < n; i++) ptr[m.idx[i]! + 1]!++;
  for (let c = 0; c < m.cols; c++) ptr[c + 1]! += ptr[c]!;
  const fill = ptr.slice(0, m.cols);
  const idx = new Int32Array(n);
  const val = m.val ? new Float64Array(n) : undefined;
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      const q = fill[c]!++;
      idx[q] = r;
      if (val) val[q] = m.val![p]!;
    }
  }
  const t: Csr = { rows: m.cols, cols: m.rows, ptr, idx };
  if (val) t.val = val;
  return t;
}

/**
 * CSR from coordinate triplets (any order; duplicates summed, as Matrix Market
 * files may repeat an entry). Coordinates are 0-based.
 */
export function csrFromTriplets(rows: number, cols: number, r: Int32Array, c: Int32Array, v?: Float64Array): Csr {
  const n = r.length;
  const ptr = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) ptr[r[i]! + 1]!++;
  for (let i = 0; i < rows; i++) ptr[i + 1]! += ptr[i]!;
  const fill = ptr.slice(0, rows);
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = fill[r[i]!]!++;
    idx[q] = c[i]!;
    val[q] = v ? v[i]! : 1;
  }
  // Sort each row by coordinate and fold duplicates.
  const outPtr = new Int32Array(rows + 1);
  let w = 0;
  const order: number[] = [];
  for (let i = 0; i < rows; i++) {
    const lo = ptr[i]!;
    const hi = ptr[i + 1]!;
    order.length = 0;
    for (let p = lo; p < hi; p++) order.push(p);
    order.sort((a, b) => idx[a]! - idx[b]!);
    const start = w;
    const colsBuf: number[] = [];
    const valsBuf: number[] = [];
    for (const p of order) {
      const col = idx[p]!;
      if (colsBuf.length > 0 && colsBuf[colsBuf.length - 1] === col) valsBuf[valsBuf.length - 1]! += val[p]!;
      else {
        colsBuf.push(col);
        valsBuf.push(val[p]!);
      }
    }
    for (let k = 0; k < colsBuf.length; k++) {
      idx[start + k] = colsBuf[k]!;
      val[start + k] = valsBuf[k]!;
    }
    w = start + colsBuf.length;
    outPtr[i + 1] = w;
  }
  const out: Csr = { rows, cols, ptr: outPtr, idx: idx.slice(0, w) };
  if (v) out.val = val.slice(0, w);
  return out;
}

/** Dense row-major copy (tests and small references only). */
export function toDense(m: Csr): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) out[r * m.cols + m.idx[p]!] = m.val ? m.val[p]! : 1;
  }
  return out;
}

/**
 * Fibers as bitsets: row r occupies words [r·words, (r+1)·words) of the result,
 * bit c of the row set when (r, c) is nonzero. `words` = ⌈cols / 32⌉.
 */
export function bitsetRows(m: Csr): { words: number; bits: Int32Array } {
  const words = Math.max(1, Math.ceil(m.cols / 32));
  const bits = new Int32Array(m.rows * words);
  for (let r = 0; r < m.rows; r++) {
    const base = r * words;
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      bits[base + (c >>> 5)]! |= 1 << (c & 31);
    }
  }
  return { words, bits };
}

/** Number of set bits of a 32-bit word. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
