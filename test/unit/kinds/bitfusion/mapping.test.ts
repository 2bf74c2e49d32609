/**
 * The BitFusion mapping model: the closed-form estimate the optimizer ranks by
 * must equal the sums of the tile-by-tile expansion the pipeline runs, for any
 * tiling and any of the 120 tile orders; the three named orders dominate the rest;
 * the search only returns tilings that fit, ranked as documented.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TILE_LOOPS,
  TILE_ORDERS,
  estimate,
  expandTiles,
  rankByCost,
  searchMappings,
  tileSizes,
  untiledMapping,
  type Mapping,
  type MappingProblem,
  type TileLoop,
} from '../../../../src/kinds/bitfusion/mapping.js';
import { fusionMode } from '../../../../src/kinds/bitfusion/precision.js';

const problemArb: fc.Arbitrary<MappingProblem> = fc
  .record({
    b: fc.integer({ min: 1, max: 4 }),
    inH: fc.integer({ min: 1, max: 12 }),
    inW: fc.integer({ min: 1, max: 12 }),
    ic: fc.integer({ min: 1, max: 40 }),
    oc: fc.integer({ min: 1, max: 40 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    groups: fc.integer({ min: 1, max: 2 }),
    rows: fc.integer({ min: 1, max: 8 }),
    cols: fc.integer({ min: 1, max: 8 }),
    aBits: fc.constantFrom(1, 2, 4, 8, 16),
    wBits: fc.constantFrom(1, 2, 4, 8, 16),
    outBits: fc.constantFrom(2, 4, 8),
    preload: fc.boolean(),
    im2col: fc.boolean(),
    loadOutputs: fc.boolean(),
    // Half-buffer capacities from tiny (nothing resident) to large (everything resident).
    halves: fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 200_000 })),
  })
  .filter((r) => r.inH + 2 * r.pad >= r.k && r.inW + 2 * r.pad >= r.k)
  .map((r) => ({
    extent: {
      b: r.b,
      oh: Math.floor((r.inH + 2 * r.pad - r.k) / r.stride) + 1,
      ow: Math.floor((r.inW + 2 * r.pad - r.k) / r.stride) + 1,
      ic: r.ic,
      oc: r.oc,
    },
    kh: r.k,
    kw: r.k,
    strideH: r.stride,
    strideW: r.stride,
    padH: r.pad,
    padW: r.pad,
    inH: r.inH,
    inW: r.inW,
    groups: r.groups,
    im2col: r.im2col,
    rows: r.rows,
    cols: r.cols,
    mode: fusionMode(r.aBits, r.wBits, 8, 2),
    preload: r.preload,
    loadOutputs: r.loadOutputs,
    actBits: r.aBits,
    wgtBits: r.wBits,
    outBits: r.outBits,
    accBits: 32,
    halfBits: { act: r.halves[0], wgt: r.halves[1], out: r.halves[2] },
  }));

/** A random tiling of `p` and a random order of the five loops. */
const mappingArb = (p: MappingProblem): fc.Arbitrary<Mapping> =>
  fc
    .record({
      b: fc.integer({ min: 1, max: p.extent.b }),
      oh: fc.integer({ min: 1, max: p.extent.oh }),
      ow: fc.integer({ min: 1, max: p.extent.ow }),
      ic: fc.integer({ min: 1, max: p.extent.ic }),
      oc: fc.integer({ min: 1, max: p.extent.oc }),
      order: fc.shuffledSubarray([...TILE_LOOPS], { minLength: 5, maxLength: 5 }),
    })
    .map(({ order, ...tile }) => ({ tile, order, orderName: order.join('-') }));

/** Sums of the expansion in the estimate's terms. */
function expandedSums(p: MappingProblem, m: Mapping) {
  const tiles = expandTiles(p, m);
  const s = { compute: 0, act: 0, wgt: 0, reload: 0, spill: 0, out: 0 };
  for (const t of tiles) {
    s.compute += t.computeCycles;
    s.act += t.fetchBits[0];
    s.wgt += t.fetchBits[1];
    s.reload += t.fetchBits[2];
    s.spill += t.spillBits;
    s.out += t.drainBits - t.spillBits;
  }
  return { ...s, tiles: tiles.length };
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('bitfusion mapping model', () => {
  it('tileSizes cuts a loop into full tiles and one remainder', () => {
    expect(tileSizes(10, 4)).toEqual([4, 4, 2]);
    expect(tileSizes(8, 8)).toEqual([8]);
    expect(tileSizes(3, 5)).toEqual([3]);
  });

  it('the closed-form estimate equals the sums of the tile expansion, for any tiling and tile order', () => {
    fc.assert(
      fc.property(
        problemArb.chain((p) => fc.tuple(fc.constant(p), mappingArb(p))),
        ([p, m]) => {
          const est = estimate(p, m);
          const sums = expandedSums(p, m);
          expect(sums.compute).toBe(est.computeCycles);
          expect(sums.act).toBe(est.readBits.act);
          expect(sums.wgt).toBe(est.readBits.wgt);
          expect(sums.reload).toBe(est.readBits.psum);
          expect(sums.spill).toBe(est.writeBits.psum);
          expect(sums.out).toBe(est.writeBits.out);
          expect(sums.tiles).toBe(est.tiles);
          // Every finished output leaves exactly once, at its output width.
          expect(est.writeBits.out).toBe(p.groups * p.extent.b * p.extent.oh * p.extent.ow * p.extent.oc * p.outBits);
          // Spills come back: every spilled partial sum is reloaded once; loading every block adds one pass over the outputs.
          const outPsum = p.groups * p.extent.b * p.extent.oh * p.extent.ow * p.extent.oc * p.accBits;
          expect(est.readBits.psum).toBe(est.writeBits.psum + (p.loadOutputs ? outPsum : 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every one of the 120 tile orders moves at least as much of each operand as one of the three named orders', () => {
    const all = permutations(TILE_LOOPS);
    expect(all).toHaveLength(120);
    fc.assert(
      fc.property(
        problemArb.chain((p) => fc.tuple(fc.constant(p), mappingArb(p))),
        ([p, m]) => {
          const named = Object.values(TILE_ORDERS).map((order) => estimate(p, { ...m, order }));
          for (const order of all) {
            const e = estimate(p, { ...m, order });
            const dominated = named.some(
              (n) => n.readBits.act <= e.readBits.act && n.readBits.wgt <= e.readBits.wgt && n.readBits.psum <= e.readBits.psum && n.writeBits.psum <= e.writeBits.psum,
            );
            expect(dominated, `order ${order.join(',')}`).toBe(true);
            expect(e.computeCycles).toBe(named[0]!.computeCycles);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an operand that fits half its buffer is fetched exactly once, whatever the tiling', () => {
    fc.assert(
      fc.property(
        problemArb.chain((p) => fc.tuple(fc.constant({ ...p, halfBits: { act: 1e12, wgt: 1e12, out: 1e12 } }), mappingArb(p))),
        ([p, m]) => {
          const e = estimate(p, m);
          const u = estimate(p, untiledMapping(p));
          // Strides longer than the kernel leave input rows no tile reads; tiles then skip them.
          if (p.strideH <= p.kh && p.strideW <= p.kw) expect(e.readBits).toEqual(u.readBits);
          else expect(e.readBits.act).toBeLessThanOrEqual(u.readBits.act);
          expect(e.readBits.wgt).toBe(u.readBits.wgt);
          expect(e.writeBits.psum).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the search returns tilings whose blocks fit half of each buffer, best first', () => {
    fc.assert(
      fc.property(problemArb, (p) => {
        const { ranked, evaluated } = searchMappings(p, 0.005);
        expect(ranked.length).toBeGreaterThan(0);
        expect(evaluated).toBe(ranked.length);
        const fitting = ranked.filter((r) => r.estimate.fits);
        // Either everything fits, or nothing did and the one fallback streams in chunks.
        expect(fitting.length === ranked.length || ranked.length === 3).toBe(true);
        const best = ranked[0]!.estimate.computeCycles;
        for (const r of ranked) expect(r.estimate.computeCycles).toBeGreaterThanOrEqual(best / 1.005 - 1e-9);
        for (const l of TILE_LOOPS) expect(ranked[0]!.mapping.tile[l as TileLoop]).toBeLessThanOrEqual(p.extent[l as TileLoop]);
        // What every tile of the best mapping brings in fits the half of its buffer.
        if (ranked[0]!.estimate.fits)
          for (const t of expandTiles(p, ranked[0]!.mapping)) {
            expect(t.fetchBits[0]).toBeLessThanOrEqual(p.halfBits.act);
            expect(t.fetchBits[1]).toBeLessThanOrEqual(p.halfBits.wgt);
            expect(t.fetchBits[2]).toBeLessThanOrEqual(p.halfBits.out);
          }
      }),
      { numRuns: 100 },
    );
  });

  it('rankByCost: within the tolerance, less traffic then fewer tiles wins; beyond it, fewer cycles', () => {
    const items = [
      { cycles: 1000, dram: 500, tiles: 4 },
      { cycles: 1004, dram: 100, tiles: 9 },
      { cycles: 1004, dram: 100, tiles: 2 },
      { cycles: 1100, dram: 1, tiles: 1 },
      { cycles: 1050, dram: 1, tiles: 1 },
    ];
    expect(rankByCost(items, (x) => x, 0.005)).toEqual([items[2], items[1], items[0], items[4], items[3]]);
    expect(rankByCost(items, (x) => x, 0)[0]).toBe(items[0]);
  });
});
