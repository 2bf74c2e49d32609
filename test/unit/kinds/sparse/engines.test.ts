/**
 * The three engines on small random operands: executed MACs are exactly the
 * nonzero products, the functional output is the reference product, elapsed
 * cycles split exactly into compute and stalls, and at density 1 every MAC runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import type { Csr } from '../../../../src/kinds/sparse-common/csr.js';
import { apportion } from '../../../../src/kinds/sparse-common/farm.js';
import type { EngineRun } from '../../../../src/kinds/sparse-common/layer.js';
import type { GemmOperands, OperandBits } from '../../../../src/kinds/sparse-common/lower.js';
import { runInnerEngine } from '../../../../src/kinds/sparse-inner/engine.js';
import type { SparseInnerParams } from '../../../../src/kinds/sparse-inner/params.js';
import { runOuterEngine } from '../../../../src/kinds/sparse-outer/engine.js';
import type { SparseOuterParams } from '../../../../src/kinds/sparse-outer/params.js';
import { runRowEngine } from '../../../../src/kinds/sparse-row/engine.js';
import type { SparseRowParams } from '../../../../src/kinds/sparse-row/params.js';
import { asMap, csrOf, nonzeroProducts, operands, referenceProduct } from './helpers.js';

const bits: OperandBits = { a: 8, b: 8, c: 32 };
type Engine = (g: readonly GemmOperands[], functional: boolean) => { run: EngineRun; outputs: Csr[] };

// Small radices, buffers and tiles so that multi-pass merges, Huffman rounds, cache misses and many tasks all happen.
const engines: Array<[string, Engine]> = [
  ['sparse-row (Gamma-like, radix 3, tiny FiberCache)', (g, f) => runRowEngine(g, loadArch('sparse-row/gamma', ['merger.radix=3', 'globalBuffer.capacityKiB=0.0625', 'pes.count=3']).params as SparseRowParams, bits, f)],
  ['sparse-row (MatRaptor-like)', (g, f) => runRowEngine(g, loadArch('sparse-row/matraptor').params as SparseRowParams, bits, f)],
  ['sparse-outer dram merge (OuterSPACE-like, radix 2)', (g, f) => runOuterEngine(g, loadArch('sparse-outer/outerspace', ['pes.count=4']).params as SparseOuterParams, bits, f)],
  ['sparse-outer merge tree (radix 3)', (g, f) => runOuterEngine(g, loadArch('sparse-outer/sparch', ['merge.radix=3', 'merge.condensedA=false', 'formats.a=csc']).params as SparseOuterParams, bits, f)],
  ['sparse-outer merge tree, condensed A (SpArch-like, radix 3)', (g, f) => runOuterEngine(g, loadArch('sparse-outer/sparch', ['merge.radix=3', 'globalBuffer.capacityKiB=0.0625']).params as SparseOuterParams, bits, f)],
  ['sparse-inner hierarchical (ExTensor-like)', (g, f) => runInnerEngine(g, loadArch('sparse-inner/extensor', ['tileCols=3', 'pes.count=5', 'globalBuffer.capacityKiB=0.125']).params as SparseInnerParams, bits, f)],
  ['sparse-inner bitmask (SparTen-like)', (g, f) => runInnerEngine(g, loadArch('sparse-inner/sparten', ['tileCols=2', 'intersection.chunkBits=64']).params as SparseInnerParams, bits, f)],
];

function checkSplit(run: EngineRun): void {
  const { compute, stalls } = apportion(run.cycles, run.units, run.account);
  const total = Object.values(stalls).reduce((a, b) => a + b, 0);
  expect(compute + total).toBe(run.cycles);
  for (const s of Object.values(stalls)) expect(s).toBeGreaterThanOrEqual(0);
  const acc = run.account;
  // Every unit-cycle is accounted for.
  expect(acc.mac + acc.merge + acc.intersect + acc.dramRead + acc.loadImbalance + acc.dramWrite).toBeCloseTo(run.units * run.cycles, 6);
}

describe.each(engines)('%s', (_name, engine) => {
  it('executes exactly the nonzero products and computes the reference product (fast-check)', () => {
    fc.assert(
      fc.property(operands(), ({ a, b }) => {
        const { run, outputs } = engine([{ a, b }], true);
        expect(run.macs).toBe(nonzeroProducts(a, b));
        const want = referenceProduct(a, b);
        const got = asMap(outputs[0]!);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [k, v] of want) expect(got.get(k)).toBeCloseTo(v, 9);
        expect(run.outputs).toBe(want.size);
        checkSplit(run);
      }),
      { numRuns: 60 },
    );
  });

  it('counts the same work without values as with them', () => {
    fc.assert(
      fc.property(operands(), ({ a, b }) => {
        const f = engine([{ a, b }], true).run;
        const strip = (m: Csr): Csr => ({ rows: m.rows, cols: m.cols, ptr: m.ptr, idx: m.idx });
        const c = engine([{ a: strip(a), b: strip(b) }], false).run;
        expect(c.cycles).toBe(f.cycles);
        expect(c.macs).toBe(f.macs);
        expect(c.mergeInputs).toBe(f.mergeInputs);
        expect(c.intersectSteps).toBe(f.intersectSteps);
        expect(c.dram).toEqual(f.dram);
      }),
      { numRuns: 30 },
    );
  });

  it('at density 1 executes every dense MAC', () => {
    for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [8, 70, 40]] as const) {
      const a = csrOf(m, k, Array.from({ length: m * k }, (_, i) => 1 + (i % 3)));
      const b = csrOf(k, n, Array.from({ length: k * n }, (_, i) => 2 - (i % 2)));
      const { run } = engine([{ a, b }], false);
      expect(run.macs).toBe(m * k * n);
      expect(run.outputs).toBe(m * n);
    }
  });

  it('treats independent products (groups) as the sum of their work', () => {
    const a = csrOf(3, 4, [1, 0, 2, 0, 0, 3, 0, 4, 5, 0, 0, 6]);
    const b = csrOf(4, 5, [1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 5, 0, 6, 0, 0, 0, 7, 0, 8, 9]);
    const one = engine([{ a, b }], true);
    const two = engine([{ a, b }, { a, b }], true);
    expect(two.run.macs).toBe(2 * one.run.macs);
    expect(two.outputs).toHaveLength(2);
    expect(asMap(two.outputs[1]!)).toEqual(asMap(one.outputs[0]!));
  });
});

describe('dataflow signatures (the lecture’s table) on one random product', () => {
  const dense = (m: number, n: number, d: number, seed: number) => {
    let s = seed;
    return csrOf(m, n, Array.from({ length: m * n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 < d ? 1 : 0)));
  };
  const a = dense(48, 96, 0.2, 1);
  const b = dense(96, 64, 0.3, 2);
  const runs = Object.fromEntries(engines.map(([name, e]) => [name, e([{ a, b }], false).run]));
  const inner = runs['sparse-inner hierarchical (ExTensor-like)']!;
  const outer = runs['sparse-outer dram merge (OuterSPACE-like, radix 2)']!;
  const row = runs['sparse-row (MatRaptor-like)']!;
  it('input reuse: the outer product fetches the fewest operand elements per MAC', () => {
    expect(outer.operandElements / outer.macs).toBeLessThan(row.operandElements / row.macs);
    expect(outer.operandElements / outer.macs).toBeLessThan(inner.operandElements / inner.macs);
  });
  it('output reuse: one write per output for inner, one per product for outer, in between for row-wise', () => {
    expect(inner.psumWrites / inner.outputs).toBe(1);
    expect(outer.psumWrites / outer.outputs).toBeGreaterThan(row.psumWrites / row.outputs);
    expect(row.psumWrites / row.outputs).toBeGreaterThanOrEqual(1);
  });
  it('intersection: inner-product steps exceed its MACs; the others have none', () => {
    expect(inner.intersectSteps).toBeGreaterThan(inner.macs);
    expect(outer.intersectSteps + row.intersectSteps).toBe(0);
  });
  it('partial-sum granularity: scalar, vector, matrix', () => {
    expect([inner.psum, row.psum, outer.psum]).toEqual(['scalar', 'vector', 'matrix']);
    expect(inner.psumUnitElements).toBeLessThan(row.psumUnitElements);
    expect(row.psumUnitElements).toBeLessThan(outer.psumUnitElements);
  });
});
