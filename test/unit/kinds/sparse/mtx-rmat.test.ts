/** Matrix Market import (workloads from one or two .mtx files) and the seeded R-MAT generator. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import { InputError } from '../../../../src/core/errors.js';
import { simulate } from '../../../../src/sim/run.js';
import { formatMtx, parseMtx } from '../../../../src/workload/importers/mtx.js';
import { loadWorkload } from '../../../../src/workload/load.js';
import { rmat } from '../../../../src/workload/rmat.js';
import { activationMask, weightMask } from '../../../../src/workload/sparsity.js';

const fix = (f: string) => `test/fixtures/mtx/${f}`;

function problem(text: string): string {
  try {
    parseMtx(text, 'm.mtx');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

describe('parseMtx', () => {
  it('reads coordinate files, sums duplicates, sorts rows', () => {
    const m = parseMtx('%%MatrixMarket matrix coordinate real general\n% c\n\n2 3 4\n2 3 1.5\n1 2 -2\n2 1 4\n2 3 0.5\n', 'm.mtx');
    expect([m.rows, m.cols, m.nnz]).toEqual([2, 3, 3]);
    expect(Array.from(m.ptr)).toEqual([0, 1, 3]);
    expect(Array.from(m.idx)).toEqual([1, 0, 2]);
    expect(Array.from(m.val!)).toEqual([-2, 4, 2]);
  });

  it('expands symmetric and skew-symmetric files; reads dense array files without their zeros', () => {
    const s = parseMtx(readFileSync(fix('sym-pattern.mtx'), 'utf8'), 'sym-pattern.mtx');
    expect(s.nnz).toBe(7 + 4); // four off-diagonal entries mirrored
    expect(s.val).toBeUndefined();
    const k = parseMtx('%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n', 'k.mtx');
    expect(Array.from(k.val!)).toEqual([-3, 3]);
    const w = parseMtx(readFileSync(fix('lecture-w.mtx'), 'utf8'), 'lecture-w.mtx');
    expect([w.rows, w.cols, w.nnz]).toEqual([4, 1, 2]);
    expect(Array.from(w.val!)).toEqual([4, 8]);
  });

  it('names file and line in every error', () => {
    expect(problem('hello\n')).toBe('m.mtx: line 1: not a Matrix Market file: expected "%%MatrixMarket matrix coordinate real general" (or similar)');
    expect(problem('%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n')).toMatch(/^m.mtx: line 1: unsupported field "complex"/);
    expect(problem('%%MatrixMarket matrix coordinate real general\n2 2\n')).toMatch(/^m.mtx: line 2: size line must be "rows cols entries"/);
    expect(problem('%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n3 1 1\n')).toBe('m.mtx: line 4: coordinates (3, 1) outside 1..2 × 1..2');
    expect(problem('%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 x\n2 2 1\n')).toBe('m.mtx: line 3: bad real value "x"');
    expect(problem('%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n')).toBe('m.mtx: line 4: file ends after 1 of the 2 entries the size line announces');
    expect(problem('%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n')).toBe('m.mtx: line 4: more entries than the 1 the size line announces');
    expect(problem('%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n')).toMatch(/^m.mtx: line 3: a symmetric file lists the lower triangle only/);
    expect(problem('%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 1.5\n')).toBe('m.mtx: line 3: bad integer value "1.5"');
  });

  it('round-trips through formatMtx', () => {
    const m = rmat({ scale: 5, edgeFactor: 4, seed: 2 });
    const back = parseMtx(formatMtx(m), 'x.mtx');
    expect(Array.from(back.ptr)).toEqual(Array.from(m.ptr));
    expect(Array.from(back.idx)).toEqual(Array.from(m.idx));
    expect(Array.from(back.val!)).toEqual(Array.from(m.val!));
  });
});

describe('Matrix Market workloads', () => {
  it('A.mtx,B.mtx is one matmul layer A·B whose operand masks are the files’ structure', () => {
    const w = loadWorkload(`${fix('lecture-x.mtx')},${fix('lecture-w.mtx')}`);
    expect(w.layers).toHaveLength(1);
    const l = w.layers[0]!;
    expect([l.op, l.gemm!.m, l.gemm!.k, l.gemm!.n, l.macs]).toEqual(['matmul', 6, 4, 1, 24]);
    expect(l.inputs.density).toBeCloseTo(10 / 24, 12);
    expect(l.weights!.density).toBe(0.5);
    // inputs stored K × M (A transposed), weights N × K (B transposed).
    const am = activationMask(l, w);
    expect(am[2 * 6 + 0]).toBe(1); // A[0][2] = 3
    expect(am[0 * 6 + 0]).toBe(0);
    expect(Array.from(weightMask(l, w))).toEqual([0, 0, 1, 1]);
    // Every sparse kind executes exactly the nonzero products: X·W has 3 + 3 + 1 + 1 + 1 = 9 ... counted per k.
    for (const preset of ['sparse-row/gamma', 'sparse-outer/outerspace', 'sparse-inner/extensor']) {
      const r = simulate(loadArch(preset), w);
      expect(r.layers[0]!.macsExecuted, preset).toBe(3 /* k=2: rows 0,2,3 */ + 3 /* k=3: rows 2,4,5 */);
      expect(r.layers[0]!.details.output_nonzeros, preset).toBe(5);
    }
  });

  it('A.mtx alone is A·A (square) or A·Aᵀ; mismatched shapes and missing files are input errors', () => {
    expect(loadWorkload(fix('sym-pattern.mtx')).layers[0]!.gemm).toMatchObject({ m: 5, k: 5, n: 5 });
    const nonSquare = loadWorkload(fix('lecture-x.mtx'));
    expect(nonSquare.layers[0]!.gemm).toMatchObject({ m: 6, k: 4, n: 6 });
    expect(nonSquare.source).toMatch(/lecture-x.mtx · lecture-x.mtxᵀ/);
    expect(() => loadWorkload(`${fix('lecture-x.mtx')},${fix('sym-pattern.mtx')}`)).toThrow(/sym-pattern.mtx: cannot multiply: lecture-x.mtx is 6×4 but sym-pattern.mtx has 5 rows/);
    expect(() => loadWorkload('nope.mtx')).toThrow(InputError);
  });
});

describe('rmat', () => {
  it('is deterministic per seed, square 2^scale, and power-law skewed', () => {
    const a = rmat({ scale: 10, edgeFactor: 8, seed: 7 });
    const b = rmat({ scale: 10, edgeFactor: 8, seed: 7 });
    const c = rmat({ scale: 10, edgeFactor: 8, seed: 8 });
    expect(Array.from(a.idx)).toEqual(Array.from(b.idx));
    expect(Array.from(a.idx)).not.toEqual(Array.from(c.idx));
    expect([a.rows, a.cols]).toEqual([1024, 1024]);
    const nnz = a.ptr[a.rows]!;
    expect(nnz).toBeLessThanOrEqual(8 * 1024);
    expect(nnz).toBeGreaterThan(0.5 * 8 * 1024);
    const lengths = Array.from({ length: a.rows }, (_, r) => a.ptr[r + 1]! - a.ptr[r]!).sort((x, y) => y - x);
    // The longest rows hold far more than the mean: the top 1 % of rows carry over 10 % of the nonzeros.
    const top = lengths.slice(0, 10).reduce((s, x) => s + x, 0);
    expect(top / nnz).toBeGreaterThan(0.1);
    for (let r = 0; r < a.rows; r++) for (let p = a.ptr[r]! + 1; p < a.ptr[r + 1]!; p++) expect(a.idx[p]!).toBeGreaterThan(a.idx[p - 1]!);
  });

  it('the committed fixture rmat-s9-e8.mtx is rmat({ scale: 9, edgeFactor: 8, seed: 1 })', () => {
    const m = rmat({ scale: 9, edgeFactor: 8, seed: 1 });
    const f = parseMtx(readFileSync(fix('rmat-s9-e8.mtx'), 'utf8'), 'rmat-s9-e8.mtx');
    expect(Array.from(f.idx)).toEqual(Array.from(m.idx));
    expect(Array.from(f.ptr)).toEqual(Array.from(m.ptr));
  });

  it('rmat: workload references are A·A; bad ones are input errors', () => {
    const w = loadWorkload('rmat:scale=6,edges=4,seed=3');
    expect(w.layers[0]!.gemm).toMatchObject({ m: 64, k: 64, n: 64 });
    expect(() => loadWorkload('rmat:scale=6')).toThrow(/needs scale= and edges=/);
    expect(() => loadWorkload('rmat:scale=6,edges=4,foo=1')).toThrow(InputError);
    expect(() => loadWorkload('rmat:scale=40,edges=4')).toThrow(/scale must be an integer in 1..26/);
  });
});
