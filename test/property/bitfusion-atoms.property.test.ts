/**
 * Properties of zero-atom skipping on the bitfusion kind (src/kinds/bitfusion/atoms.ts),
 * on random layers, operand densities, arrays and buffers, for the same mapping:
 * skipping never adds compute cycles (atoms ≤ values ≤ off), and fewer activation
 * bits never add cycles under `values`. Fewer WEIGHT bits can (a row then holds more
 * elements per fold, so its nonzero inputs can bunch on one input broadcast:
 * test/unit/kinds/bitfusion/atoms.test.ts shows a case), and so can fewer bits under
 * `atoms` (rounding can give the narrower code more nonzero atoms); both stay below
 * `off` at the wider bits, which the first property and the kind's dense property give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../src/config/arch.js';
import type { SimContext } from '../../src/kinds/kind.js';
import { retimeWithAtoms } from '../../src/kinds/bitfusion/atoms.js';
import { searchMappings, type Mapping } from '../../src/kinds/bitfusion/mapping.js';
import type { BitfusionParams } from '../../src/kinds/bitfusion/params.js';
import { layerProblem, simulateMapping } from '../../src/kinds/bitfusion/simulate.js';
import { resolveNetwork, type Workload } from '../../src/workload/layer.js';
import { networkSchema } from '../../src/workload/trace.js';

const BITS = [1, 2, 3, 4, 6, 8, 12, 16];

interface Case {
  conv: { c: number; hw: number; k: number; r: number; stride: number; groups: number };
  wDensity: number;
  aDensity: number;
}

/** A two-layer network (a ReLU first, so the conv's inputs are post-ReLU and unsigned) at `a`×`w` bits. */
function network(x: Case, a: number, w: number): Workload {
  const { c, hw, k, r, stride, groups } = x.conv;
  return resolveNetwork(
    networkSchema.parse({
      name: 'bf-atoms-prop',
      source: 'fast-check',
      batch: 2,
      layers: [
        { name: 'relu', op: 'relu', input: [c * groups, hw, hw] },
        {
          name: 'conv',
          op: 'conv2d',
          input: [c * groups, hw, hw],
          filters: k * groups,
          kernel: r,
          stride,
          padding: Math.floor(r / 2),
          groups,
          inputs: { format: `int${a}`, density: x.aDensity },
          weights: { format: `int${w}`, density: x.wDensity },
        },
      ],
    }),
    'prop',
  );
}

const caseArb = fc.record({
  conv: fc.record({
    c: fc.integer({ min: 1, max: 24 }),
    hw: fc.integer({ min: 2, max: 8 }),
    k: fc.integer({ min: 1, max: 12 }),
    r: fc.constantFrom(1, 3),
    stride: fc.integer({ min: 1, max: 2 }),
    groups: fc.constantFrom(1, 1, 2),
  }),
  wDensity: fc.constantFrom(1, 0.5, 0.2),
  aDensity: fc.constantFrom(1, 0.5),
});

const designArb = fc.record({
  rows: fc.integer({ min: 1, max: 5 }),
  cols: fc.integer({ min: 1, max: 5 }),
  // Small buffers force tiling of channels and pixels; a small budget forces sampling.
  kib: fc.constantFrom(0.25, 1, 64),
  preload: fc.boolean(),
  sample: fc.constantFrom(2 ** 24, 500),
});

function design(d: { rows: number; cols: number; kib: number; preload: boolean; sample: number }, skip: string): BitfusionParams {
  return loadArch('bitfusion/isca18-eyeriss', [
    'dram.mode=calc',
    `array.rows=${d.rows}`,
    `array.cols=${d.cols}`,
    `buffers.ifmap.capacityKiB=${d.kib}`,
    `buffers.filter.capacityKiB=${d.kib}`,
    `array.weightLoading=${d.preload ? 'preload' : 'fu-banks'}`,
    `atoms.skip=${skip}`,
    `atoms.maxMacsPerLayer=${d.sample}`,
  ]).params as BitfusionParams;
}

/** Compute cycles of the conv of `wl` under `skip` with `mapping`. */
function compute(wl: Workload, d: Parameters<typeof design>[0], skip: string, mapping: Mapping): number {
  const p = design(d, skip);
  const layer = wl.layers[1]!;
  const ctx: SimContext = { workload: wl, seed: wl.seed };
  const problem = layerProblem(layer, p);
  const retime = skip === 'off' ? undefined : (plans: Parameters<typeof retimeWithAtoms>[3]) => void retimeWithAtoms(layer, problem, mapping, plans, p, ctx);
  return simulateMapping(problem, mapping, p, retime).result.computeCycles;
}

const mappingFor = (wl: Workload, d: Parameters<typeof design>[0]) => {
  const p = design(d, 'off');
  return searchMappings(layerProblem(wl.layers[1]!, p), p.mapping.cycleTolerance).ranked[0]!.mapping;
};

describe('bitfusion zero-atom skipping properties', () => {
  it('skipping never adds compute cycles: atoms ≤ values ≤ off, for the same mapping', () => {
    fc.assert(
      fc.property(caseArb, designArb, fc.constantFrom(...BITS), fc.constantFrom(...BITS), (x, d, a, w) => {
        const wl = network(x, a, w);
        const m = mappingFor(wl, d);
        const [off, values, atoms] = ['off', 'values', 'atoms'].map((s) => compute(wl, d, s, m));
        expect(values).toBeLessThanOrEqual(off!);
        expect(atoms).toBeLessThanOrEqual(values!);
      }),
      { numRuns: 60 },
    );
  });

  it('fewer activation bits never add compute cycles under values skipping, for the same mapping', () => {
    fc.assert(
      fc.property(caseArb, designArb, fc.integer({ min: 0, max: BITS.length - 1 }), fc.integer({ min: 1, max: BITS.length - 1 }), fc.constantFrom(...BITS), (x, d, ai, da, w) => {
        const wide = network(x, BITS[ai]!, w);
        const narrow = network(x, BITS[Math.max(0, ai - da)]!, w);
        const m = mappingFor(wide, d);
        expect(compute(narrow, d, 'values', m)).toBeLessThanOrEqual(compute(wide, d, 'values', m));
      }),
      { numRuns: 60 },
    );
  });
});
