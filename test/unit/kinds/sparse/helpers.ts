/** Shared helpers of the sparse-engine tests: random operands with values and the reference product. */
import fc from 'fast-check';
import type { Csr } from '../../../../src/kinds/sparse-common/csr.js';

/** A rows × cols matrix with values, from a dense array (0 = absent). */
export function csrOf(rows: number, cols: number, dense: readonly number[]): Csr {
  const ptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c]!;
      if (v !== 0) {
        idx.push(c);
        val.push(v);
      }
    }
    ptr[r + 1] = idx.length;
  }
  return { rows, cols, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val) };
}

/** Arbitrary A (m × k) and B (k × n) with small integer values and independent densities. */
export const operands = (max = 9) =>
  fc
    .record({ m: fc.integer({ min: 1, max }), k: fc.integer({ min: 1, max: 3 * max }), n: fc.integer({ min: 1, max: 4 * max }), da: fc.double({ min: 0, max: 1, noNaN: true }), db: fc.double({ min: 0, max: 1, noNaN: true }), seed: fc.integer() })
    .map(({ m, k, n, da, db, seed }) => {
      let s = seed >>> 0;
      const rnd = () => {
        s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
        return s / 4294967296;
      };
      const val = () => 1 + Math.floor(rnd() * 5) * (rnd() < 0.5 ? -1 : 1);
      const a = Array.from({ length: m * k }, () => (rnd() < da ? val() : 0));
      const b = Array.from({ length: k * n }, () => (rnd() < db ? val() : 0));
      return { a: csrOf(m, k, a), b: csrOf(k, n, b), m, k, n };
    });

/** Nonzero × nonzero products of A·B: Σ_k nnz(A[:,k]) · nnz(B[k,:]). */
export function nonzeroProducts(a: Csr, b: Csr): number {
  const colA = new Float64Array(a.cols);
  for (let p = 0; p < a.ptr[a.rows]!; p++) colA[a.idx[p]!]!++;
  let s = 0;
  for (let k = 0; k < b.rows; k++) s += colA[k]! * (b.ptr[k + 1]! - b.ptr[k]!);
  return s;
}

/** The reference product as a map "i,j" → value over every (i, j) some nonzero product reaches. */
export function referenceProduct(a: Csr, b: Csr): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.ptr[i]!; p < a.ptr[i + 1]!; p++) {
      const k = a.idx[p]!;
      for (let q = b.ptr[k]!; q < b.ptr[k + 1]!; q++) {
        const key = `${i},${b.idx[q]!}`;
        out.set(key, (out.get(key) ?? 0) + a.val![p]! * b.val![q]!);
      }
    }
  }
  return out;
}

/** A CSR result as the same kind of map. */
export function asMap(c: Csr): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < c.rows; i++) for (let p = c.ptr[i]!; p < c.ptr[i + 1]!; p++) out.set(`${i},${c.idx[p]!}`, c.val![p]!);
  return out;
}
