/**
 * The multi-precision kind on hand-checked layers, and its properties on random
 * convolutions and sensitivity maps: more sensitive regions never remove cycles,
 * fewer bits never add cycles (same mapping), and the limits where every region
 * is sensitive or none is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyArch } from '../../../../src/config/arch.js';
import type { MultiPrecisionParams } from '../../../../src/kinds/multi-precision/params.js';
import { macCycles, precisionPlan, simulateMacLayer, tiling } from '../../../../src/kinds/multi-precision/simulate.js';
import { simulate } from '../../../../src/sim/run.js';
import { resolveNetwork, type Layer, type Workload } from '../../../../src/workload/layer.js';
import type { SensitivityMap } from '../../../../src/workload/sparsity.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { convShapeArb, mapOf } from './fixtures.js';

function design(extra: Record<string, unknown> = {}): MultiPrecisionParams {
  return qualifyArch({ kind: 'multi-precision', name: 'test', dram: { mode: 'calc' }, ...extra }, '<test>').params as MultiPrecisionParams;
}

function convWorkload(spec: { c: number; h: number; w: number; k: number; r: number; stride?: number; pad?: number; n?: number; bits?: [number, number]; sensitivity?: unknown }): Workload {
  const [a, w] = spec.bits ?? [8, 8];
  const net = networkSchema.parse({
    name: 'mp-test',
    source: 'unit test',
    batch: spec.n ?? 1,
    defaults: { inputs: { format: `int${a}`, ...(spec.sensitivity ? { sensitivity: spec.sensitivity } : {}) }, weights: { format: `int${w}` } },
    layers: [{ name: 'conv', op: 'conv2d', input: [spec.c, spec.h, spec.w], filters: spec.k, kernel: spec.r, stride: spec.stride ?? 1, padding: spec.pad ?? 0 }],
  });
  return resolveNetwork(net, 'test');
}

const only = (w: Workload): Layer => {
  const l = w.layers[0]!;
  owner.set(l, w);
  return l;
};
const owner = new WeakMap<Layer, Workload>();

/** Times a MAC layer (from {@link only}) under an explicit sensitivity map. */
function mac(layer: Layer, p: MultiPrecisionParams, map: SensitivityMap | undefined) {
  const workload = owner.get(layer)!;
  return simulateMacLayer(layer, p, map, { workload, seed: workload.seed });
}


describe('multi-precision by hand', () => {
  // A 1×1 convolution over a 2×2 input with 2 channels and one filter, on 2 PE rows × 1 column.
  const layer = only(convWorkload({ c: 2, h: 2, w: 2, k: 1, r: 1 }));
  const oneSensitive = mapOf(layer, [1, 1], (i) => i === 0);

  it('MAC cycles: one per 4×4 sub-product', () => {
    expect(macCycles(8, 8, 4)).toBe(4);
    expect(macCycles(4, 4, 4)).toBe(1);
    expect(macCycles(8, 4, 4)).toBe(2);
    expect(macCycles(16, 16, 4)).toBe(16);
    expect(macCycles(2, 2, 4)).toBe(1);
    const plan = precisionPlan(layer, design());
    expect(plan).toEqual({ high: { a: 8, w: 8, cycles: 4 }, low: { a: 4, w: 4, cycles: 1 } });
  });

  it('dynamic: the slow pixel (2 × 4 cycles) runs while the other row does three fast ones (2 × 1 each); plus 2 weight-load cycles', () => {
    const t = mac(layer, design({ array: { rows: 2, cols: 1 } }), oneSensitive);
    expect(t.cycles).toBe(2 + 8);
    expect(t.details['sensitive_mac_fraction']).toBe(0.25);
    expect(t.details['row_idle_fraction']).toBeCloseTo((2 * 8 - 14) / 16, 12);
  });

  it('static: folds of two pixels, each as slow as its slowest row', () => {
    const t = mac(layer, design({ array: { rows: 2, cols: 1 }, scheduler: 'static' }), oneSensitive);
    expect(t.cycles).toBe(2 + 8 + 2);
  });

  it('uniform precision (the Eyeriss baseline) runs every MAC at 8 bits whatever the map', () => {
    const p = design({ array: { rows: 2, cols: 1 }, precision: { mode: 'uniform' } });
    expect(mac(layer, p, oneSensitive).cycles).toBe(2 + 2 * 8);
    expect(mac(layer, p, undefined).cycles).toBe(2 + 2 * 8);
  });

  it('splits the reduction into passes of the weight scratchpad, and pixel blocks whose partial sums fit half the OFMAP buffer', () => {
    const big = only(convWorkload({ c: 64, h: 20, w: 20, k: 40, r: 3 }));
    const p = design({ pe: { weightSpadEntries: 100, psumBits: 32 }, buffers: { ofmap: { capacityKiB: 8 } } });
    const t = tiling(big, p);
    expect(t.passes).toBe(Math.ceil((64 * 9) / 100));
    // Half of 8 KiB = 32768 bits; 28 columns × 32 bits → 36 pixels, rounded down to 24 rows.
    expect(t.block).toBe(24);
    expect(t.blocks).toBe(Math.ceil(18 * 18 / 24));
    expect(t.colFolds).toBe(2);
    const timing = mac(big, p, undefined);
    expect(timing.details['tiles']).toBe(t.passes * t.blocks * t.colFolds);
  });
});

describe('multi-precision limits', () => {
  it('all regions sensitive = uniform 8-bit on a layer without padding; none sensitive = uniform on a 4-bit trace', () => {
    const l8 = only(convWorkload({ c: 5, h: 9, w: 7, k: 33, r: 3 }));
    const l4 = only(convWorkload({ c: 5, h: 9, w: 7, k: 33, r: 3, bits: [4, 4] }));
    const p = design({ array: { rows: 4, cols: 8 } });
    const u = design({ array: { rows: 4, cols: 8 }, precision: { mode: 'uniform' } });
    expect(mac(l8, p, mapOf(l8, [2, 2], () => true)).cycles).toBe(mac(l8, u, undefined).cycles);
    expect(mac(l8, p, mapOf(l8, [2, 2], () => false)).computeCycles).toBe(mac(l4, u, undefined).computeCycles);
  });

  it('low-precision MACs cost less MAC energy than the baseline’s', () => {
    const w = convWorkload({ c: 16, h: 12, w: 12, k: 32, r: 3, pad: 1, sensitivity: { fraction: 0.25, region: [4, 4] } });
    const drq = simulate(qualifyArch({ kind: 'multi-precision', name: 'drq', dram: { mode: 'calc' } }, '<t>'), w);
    const base = simulate(qualifyArch({ kind: 'multi-precision', name: 'base', dram: { mode: 'calc' }, precision: { mode: 'uniform' } }, '<t>'), w);
    expect(drq.total.dynamicEnergyPj['pe_array']!).toBeLessThan(base.total.dynamicEnergyPj['pe_array']!);
    expect(drq.total.cycles).toBeLessThan(base.total.cycles);
    const frac = drq.layers[0]!.details['sensitive_mac_fraction'] as number;
    expect(frac).toBeGreaterThan(0);
    expect(frac).toBeLessThan(1);
  });
});

// ---------------------------------------------------------------- properties

const shapeArb = convShapeArb({ c: 40, hw: 14, k: 40 });

const designArb = fc.record({
  rows: fc.integer({ min: 1, max: 12 }),
  cols: fc.integer({ min: 1, max: 12 }),
  spad: fc.integer({ min: 8, max: 300 }),
  scheduler: fc.constantFrom('static', 'dynamic'),
  dram: fc.constantFrom<Record<string, unknown>>({ mode: 'calc' }, { mode: 'fixed', wordsPerCycle: 2 }, { mode: 'fixed', wordsPerCycle: 16 }),
  ofmapKiB: fc.constantFrom(1, 4, 64),
});

type DesignArb = typeof designArb extends fc.Arbitrary<infer T> ? T : never;
const params = (d: DesignArb, extra: Record<string, unknown> = {}) =>
  design({ array: { rows: d.rows, cols: d.cols }, pe: { weightSpadEntries: d.spad }, scheduler: d.scheduler, dram: d.dram, buffers: { ofmap: { capacityKiB: d.ofmapKiB } }, ...extra });

describe('multi-precision properties', () => {
  it('more sensitive regions never remove cycles (a map and a superset of it)', () => {
    fc.assert(
      fc.property(shapeArb, designArb, fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (s, d, region, a, more) => {
        const layer = only(convWorkload(s));
        const p = params(d);
        const small = mapOf(layer, region, (i) => a[i % a.length]!);
        const large = mapOf(layer, region, (i) => a[i % a.length]! || more[i % more.length]!);
        const t0 = mac(layer, p, small);
        const t1 = mac(layer, p, large);
        expect(t1.computeCycles).toBeGreaterThanOrEqual(t0.computeCycles);
        expect(t1.cycles).toBeGreaterThanOrEqual(t0.cycles);
      }),
      { numRuns: 120 },
    );
  });

  it('fewer bits never add cycles (same layer, map and mapping)', () => {
    const bitsArb = fc.tuple(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }));
    fc.assert(
      fc.property(shapeArb, designArb, bitsArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), fc.constantFrom('region', 'uniform'), (s, d, [a, w, da, dw], sens, mode) => {
        const fewer = only(convWorkload({ ...s, bits: [a, w] }));
        const more = only(convWorkload({ ...s, bits: [a + da, w + dw] }));
        const p = params(d, { precision: { mode } });
        const map = mapOf(fewer, [2, 3], (i) => sens[i % sens.length]!);
        const t0 = mac(fewer, p, map);
        const t1 = mac(more, p, map);
        expect(t0.computeCycles).toBeLessThanOrEqual(t1.computeCycles);
        expect(t0.cycles).toBeLessThanOrEqual(t1.cycles);
      }),
      { numRuns: 120 },
    );
  });

  it('every MAC is counted once, at high or low precision; cycles bound MACs at peak', () => {
    fc.assert(
      fc.property(shapeArb, designArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (s, d, sens) => {
        const layer = only(convWorkload(s));
        const t = mac(layer, params(d), mapOf(layer, [3, 2], (i) => sens[i % sens.length]!));
        const macs = t.actions.filter((x) => x.component === 'pe_array').reduce((acc, x) => acc + x.count, 0);
        expect(macs).toBe(layer.macs);
        expect(t.cycles).toBe(t.computeCycles + Object.values(t.stallCycles).reduce((x, y) => x + y, 0));
        expect(t.computeCycles).toBeGreaterThanOrEqual(layer.macs / t.peakMacsPerCycle);
      }),
      { numRuns: 80 },
    );
  });
});
