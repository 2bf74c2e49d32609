/** The shared parts of the sparse engines: merge trees and mergers, intersection units, the fiber cache, formats. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FiberLru } from '../../../../src/kinds/sparse-common/cache.js';
import { transpose } from '../../../../src/kinds/sparse-common/csr.js';
import { fiberBits, orientationProblem } from '../../../../src/kinds/sparse-common/formats.js';
import { IntersectSweep, walkBitmask, walkHierarchical } from '../../../../src/kinds/sparse-common/intersect.js';
import { huffmanTree, mergeSchedule, nodeCount, radixTree, RowMerger, type MergeTree, type RowMergeStats } from '../../../../src/kinds/sparse-common/merge.js';
import { csrOf, operands } from './helpers.js';

/** Leaves under each node and the leaves of the whole tree, from the token stream. */
function leavesOf(tree: MergeTree): number[] {
  return Array.from(tree.tokens).filter((t) => t >= 0);
}

describe('merge trees', () => {
  it('radix trees keep the leaves in order, each once, and no node has more than R children', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 2, max: 70 }), (leaves, radix) => {
        const t = radixTree(leaves, radix);
        expect(leavesOf(t)).toEqual(Array.from({ length: leaves }, (_, i) => i));
        const { leaves: lv, parent } = mergeSchedule(t);
        const kids = new Map<number, number>();
        parent.forEach((p, node) => {
          kids.set(node, (kids.get(node) ?? 0) + lv[node]!.length);
          if (p >= 0) kids.set(p, (kids.get(p) ?? 0) + 1);
        });
        for (const k of kids.values()) expect(k).toBeLessThanOrEqual(radix);
        // A row of at most R fibers is merged in one pass.
        if (leaves <= radix) expect(nodeCount(t)).toBe(1);
        else expect(nodeCount(t)).toBeGreaterThan(1);
      }),
    );
  });

  it('Huffman trees merge the lightest first: the heaviest leaf sits at the root', () => {
    const w = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 100]);
    const t = huffmanTree(w, 3);
    const { order, parent, leaves } = mergeSchedule(t);
    const root = order[order.length - 1]!;
    expect(parent[root]).toBe(-1);
    expect(leaves[root]).toContain(7);
    expect(leavesOf(t).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Every merge after the first takes exactly R inputs.
    for (let n = 0; n < nodeCount(t); n++) {
      const children = leaves[n]!.length + Array.from(parent).filter((p) => p === n).length;
      expect(children).toBeLessThanOrEqual(3);
    }
  });
});

describe('RowMerger', () => {
  it('bitset, stamp and values strategies count the same work; values give Σ scale·B rows', () => {
    fc.assert(
      fc.property(operands(8), fc.integer({ min: 2, max: 5 }), fc.boolean(), ({ a, b }, radix, huffman) => {
        const strategies = [new RowMerger(b, 'bitset'), new RowMerger(b, 'stamp'), new RowMerger(b, 'values')];
        for (let i = 0; i < a.rows; i++) {
          const lo = a.ptr[i]!;
          const L = a.ptr[i + 1]! - lo;
          if (L === 0) continue;
          const fiber = Int32Array.from(a.idx.subarray(lo, lo + L));
          const scale = Float64Array.from(a.val!.subarray(lo, lo + L));
          const tree = huffman ? huffmanTree(Float64Array.from(fiber, (k) => b.ptr[k + 1]! - b.ptr[k]!), radix) : radixTree(L, radix);
          const stats = strategies.map((m) => {
            const st: RowMergeStats = { leafElements: 0, partialElements: 0, passes: 0, output: 0 };
            const res = { idx: [] as number[], val: [] as number[] };
            m.merge(tree, fiber, st, scale, res);
            return { st, res };
          });
          expect(stats[1]!.st).toEqual(stats[0]!.st);
          expect(stats[2]!.st).toEqual(stats[0]!.st);
          // Reference row.
          const ref = new Map<number, number>();
          let products = 0;
          fiber.forEach((k, q) => {
            for (let p = b.ptr[k]!; p < b.ptr[k + 1]!; p++) {
              ref.set(b.idx[p]!, (ref.get(b.idx[p]!) ?? 0) + scale[q]! * b.val![p]!);
              products++;
            }
          });
          expect(stats[0]!.st.leafElements).toBe(products);
          expect(stats[0]!.st.output).toBe(ref.size);
          expect(stats[2]!.res.idx).toEqual([...ref.keys()].sort((x, y) => x - y));
          stats[2]!.res.idx.forEach((c, t) => expect(stats[2]!.res.val[t]).toBeCloseTo(ref.get(c)!, 9));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('a row of more fibers than the radix pays merge passes over partial fibers', () => {
    const b = csrOf(4, 4, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const m = new RowMerger(b, 'stamp');
    const st: RowMergeStats = { leafElements: 0, partialElements: 0, passes: 0, output: 0 };
    m.merge(radixTree(4, 2), Int32Array.from([0, 1, 2, 3]), st);
    // Two passes of two fibers (2 + 2 elements), then one pass over the two partial fibers (2 + 2).
    expect(st).toEqual({ leafElements: 4, partialElements: 4, passes: 3, output: 4 });
  });
});

describe('intersection units', () => {
  it('the block-word sweep gives the cycles and matches of the units stepped one comparison at a time', () => {
    fc.assert(
      fc.property(operands(6), fc.constantFrom(32, 64, 128), ({ a, b }, chunkBits) => {
        const bt = transpose(b);
        for (const kind of ['hierarchical', 'bitmask'] as const) {
          const sweep = new IntersectSweep(a, b, kind, chunkBits);
          for (let i = 0; i < a.rows; i++) {
            sweep.sweep(i);
            for (const j of sweep.nonEmptyCols) {
              const ra = Array.from(a.idx.subarray(a.ptr[i]!, a.ptr[i + 1]!));
              const rb = Array.from(bt.idx.subarray(bt.ptr[j]!, bt.ptr[j + 1]!));
              const want = kind === 'hierarchical' ? walkHierarchical(ra, rb) : walkBitmask(ra, rb, a.cols, chunkBits);
              expect({ cycles: sweep.out.cycles[j], matches: sweep.out.matches[j] }).toEqual(want);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('hierarchical skipping: disjoint blocks cost coarse steps only', () => {
    // Row: coordinates 0..3; column: 64..67 — no shared 32-block.
    expect(walkHierarchical([0, 1, 2, 3], [64, 65, 66, 67])).toEqual({ cycles: 1, matches: 0 });
    // Same block, interleaved: the fine unit walks the merged coordinates up to the shorter end.
    expect(walkHierarchical([0, 2, 4], [1, 2, 5, 9])).toEqual({ cycles: 4, matches: 1 }); // 0|1, 2|1, 2=2, 4|5, then A ends
  });
});

describe('FiberLru', () => {
  it('hits what it holds, evicts the least recently used, streams fibers larger than itself', () => {
    const c = new FiberLru(100, Float64Array.from([40, 40, 40, 200]));
    expect(c.access(0)).toBe(40);
    expect(c.access(1)).toBe(40);
    expect(c.access(0)).toBe(0);
    expect(c.access(2)).toBe(40); // evicts 1 (least recent)
    expect(c.access(0)).toBe(0);
    expect(c.access(1)).toBe(40);
    expect(c.access(3)).toBe(200);
    expect(c.access(3)).toBe(200);
    expect([c.accesses, c.misses]).toEqual([8, 6]);
  });
});

describe('formats', () => {
  const meta = { indexBits: 16, pointerBits: 32 };
  it('counts values and metadata bits per fiber', () => {
    expect(fiberBits('csr', 10, 1000, 8, meta)).toBe(32 + 10 * 24);
    expect(fiberBits('csc', 10, 1000, 8, meta)).toBe(32 + 10 * 24);
    expect(fiberBits('coo', 10, 1000, 8, meta)).toBe(10 * 40);
    expect(fiberBits('bitmap', 10, 1000, 8, meta)).toBe(32 + 1000 + 80);
  });
  it('rejects a format that cannot give the fibers a dataflow walks', () => {
    expect(orientationProblem('csr', 'columns', 'B', 'inner-product')).toMatch(/columns of B/);
    expect(orientationProblem('csc', 'rows', 'A', 'row-wise')).toMatch(/rows of A/);
    expect(orientationProblem('bitmap', 'columns', 'B', 'inner-product')).toBeUndefined();
  });
});

describe('configuration errors of the sparse kinds', () => {
  it('a format that cannot give the walked fibers, and condensed A without the merge tree, name their paths', async () => {
    const { loadArch } = await import('../../../../src/config/arch.js');
    expect(() => loadArch('sparse-inner/extensor', ['formats.b=csr'])).toThrow('--set: formats.b: the inner-product dataflow walks columns of B: use csc, coo or bitmap');
    expect(() => loadArch('sparse-row/gamma', ['formats.a=csc'])).toThrow('--set: formats.a: the row-wise dataflow walks rows of A: use csr, coo or bitmap');
    expect(() => loadArch('sparse-outer/outerspace', ['merge.condensedA=true'])).toThrow('merge.condensedA: condensed A needs merge.mode: tree');
    expect(() => loadArch('sparse-row/gamma', ['merger.radix=1'])).toThrow(/merger.radix/);
  });
});
