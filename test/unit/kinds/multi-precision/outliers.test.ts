/**
 * The outlier path of the multi-precision kind (OLAccel, Park et al., ISCA 2018)
 * and 4-bit storage: outlier choice, the side unit of the scheduler, hand-checked
 * limits, and properties on random convolutions — more outliers (or more
 * sensitive regions under 4-bit storage) never remove cycles, fewer bits never
 * add cycles, and every MAC is counted once on the lane, outlier-weight or
 * outlier-activation MACs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyArch } from '../../../../src/config/arch.js';
import { kthSmallest, largestMask, outlierMasks } from '../../../../src/kinds/multi-precision/outliers.js';
import type { MultiPrecisionParams } from '../../../../src/kinds/multi-precision/params.js';
import { scheduleRows } from '../../../../src/kinds/multi-precision/scheduler.js';
import { simulateMacLayer } from '../../../../src/kinds/multi-precision/simulate.js';
import { resolveNetwork, type Layer, type Workload } from '../../../../src/workload/layer.js';
import type { SensitivityMap } from '../../../../src/workload/sparsity.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { convShapeArb, mapOf } from './fixtures.js';

function design(extra: Record<string, unknown> = {}): MultiPrecisionParams {
  return qualifyArch({ kind: 'multi-precision', name: 'test', dram: { mode: 'calc' }, ...extra }, '<test>').params as MultiPrecisionParams;
}

const owner = new WeakMap<Layer, Workload>();
function conv(spec: { c: number; h: number; w: number; k: number; r: number; stride?: number; pad?: number; n?: number; bits?: [number, number] }): Layer {
  const [a, w] = spec.bits ?? [8, 8];
  const net = networkSchema.parse({
    name: 'ol-test',
    source: 'unit test',
    batch: spec.n ?? 1,
    defaults: { inputs: { format: `int${a}` }, weights: { format: `int${w}` } },
    layers: [{ name: 'conv', op: 'conv2d', input: [spec.c, spec.h, spec.w], filters: spec.k, kernel: spec.r, stride: spec.stride ?? 1, padding: spec.pad ?? 0 }],
  });
  const wl = resolveNetwork(net, 'test');
  const l = wl.layers[0]!;
  owner.set(l, wl);
  return l;
}
const ctxOf = (l: Layer) => ({ workload: owner.get(l)!, seed: owner.get(l)!.seed });
const mac = (l: Layer, p: MultiPrecisionParams, map?: SensitivityMap) => simulateMacLayer(l, p, map, ctxOf(l));
const outlier = (extra: Record<string, unknown> = {}, outliers: Record<string, unknown> = {}) =>
  design({ precision: { mode: 'outlier' }, outliers: { activationFraction: 0.03, weightFraction: 0.03, ...outliers }, ...extra });


describe('outlier choice', () => {
  it('takes the largest magnitudes, ties by position, never a zero', () => {
    const v = Float32Array.from([0.5, -3, 2, 0, -2, 1]);
    expect([...largestMask(v, 2 / 6)]).toEqual([0, 1, 1, 0, 0, 0]);
    expect([...largestMask(v, 3 / 6)]).toEqual([0, 1, 1, 0, 1, 0]);
    expect([...largestMask(v, 1)]).toEqual([1, 1, 1, 0, 1, 1]);
    expect([...largestMask(v, 0)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('quickselect agrees with a sort, and outlier sets grow with the fraction', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 60 }), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, k0, f0, f1) => {
        const a = Float32Array.from(xs);
        const k = k0 % a.length;
        expect(kthSmallest(a.slice(), k)).toBe(a.slice().sort()[k]);
        const [lo, hi] = f0 < f1 ? [f0, f1] : [f1, f0];
        const small = largestMask(a, lo);
        const large = largestMask(a, hi);
        for (let i = 0; i < a.length; i++) expect(large[i]!).toBeGreaterThanOrEqual(small[i]!);
      }),
      { numRuns: 200 },
    );
  });

  it('3 % of a layer’s inputs and weights, from their values', () => {
    const l = conv({ c: 16, h: 20, w: 20, k: 32, r: 3 });
    const m = outlierMasks(l, outlier(), ctxOf(l));
    expect(m.inputs.reduce((a, b) => a + b, 0)).toBe(Math.round(0.03 * 16 * 400));
    expect(m.weights.reduce((a, b) => a + b, 0)).toBe(Math.round(0.03 * 32 * 16 * 9));
  });
});

describe('scheduler side unit', () => {
  it('serves jobs one at a time in dispatch order; the schedule ends when it drains', () => {
    // Rows finish at 2 and 2; unit jobs of 3 arrive at 0 and 0 → busy until 6.
    const r = scheduleRows([2, 2], 2, 'dynamic', 0, 2, [3, 3]);
    expect(r.makespan).toBe(6);
    expect(r.unitBusyCycles).toBe(6);
    expect(r.idleRowCycles).toBe(2 * 6 - 4);
    // Jobs arriving late wait only for the unit, not for earlier rows: item 2 is dispatched at 1.
    expect(scheduleRows([1, 5, 1], 2, 'dynamic', 0, 3, [0, 0, 4]).makespan).toBe(5);
    expect(scheduleRows([1, 5, 1], 2, 'static', 0, 3, [0, 0, 4]).makespan).toBe(5 + 4);
  });
});

describe('outlier mode by hand', () => {
  const l = conv({ c: 6, h: 7, w: 5, k: 20, r: 3, pad: 1 });

  it('no outliers = every MAC on the 4-bit lanes, as a region design with no sensitive region', () => {
    const p0 = outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0, weightFraction: 0 });
    const r = design({ array: { rows: 4, cols: 8 } });
    const none = mapOf(l, [2, 2], () => false);
    expect(mac(l, p0, undefined).cycles).toBe(mac(l, r, none).cycles);
    expect(mac(l, p0, undefined).details['outlier_activation_macs']).toBe(0);
  });

  it('outlier activations only: the lanes keep their pace and the unit adds its backlog', () => {
    const base = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0, weightFraction: 0 }), undefined);
    const wide = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0.1, weightFraction: 0, activationMacs: 64 }), undefined);
    const narrow = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0.1, weightFraction: 0, activationMacs: 1 }), undefined);
    expect(wide.details['row_busy_cycles']).toBe(base.details['row_busy_cycles']);
    expect(wide.cycles).toBeGreaterThanOrEqual(base.cycles);
    expect(narrow.cycles).toBeGreaterThan(wide.cycles);
    // Each outlier input use costs ⌈8 columns / 1 MAC⌉ = 8 unit cycles per column fold (3 folds: 8, 8, 4 filters).
    const uses = Number(narrow.details['outlier_activation_macs']) / 20;
    expect(narrow.details['outlier_unit_busy_cycles']).toBe(uses * (8 + 8 + 4));
  });

  it('outlier weights: one extra MAC per lane group absorbs one outlier per input, more cost a cycle each', () => {
    const one = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0, weightFraction: 0.3, laneGroup: 1 }), undefined);
    const base = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0, weightFraction: 0 }), undefined);
    expect(one.cycles).toBe(base.cycles); // every lane has its own outlier MAC
    const shared = mac(l, outlier({ array: { rows: 4, cols: 8 } }, { activationFraction: 0, weightFraction: 0.3, laneGroup: 8 }), undefined);
    expect(shared.cycles).toBeGreaterThan(base.cycles);
  });

  it('zero-atom skipping is refused with outliers', () => {
    expect(() => mac(l, outlier({ atoms: { skip: 'values' } }), undefined)).toThrow(/atoms.skip/);
  });
});

// ---------------------------------------------------------------- properties

const shapeArb = convShapeArb({ c: 24, hw: 12, k: 30 });

const designArb = fc.record({
  rows: fc.integer({ min: 1, max: 10 }),
  cols: fc.integer({ min: 1, max: 12 }),
  spad: fc.integer({ min: 8, max: 200 }),
  scheduler: fc.constantFrom('static', 'dynamic'),
  dram: fc.constantFrom<Record<string, unknown>>({ mode: 'calc' }, { mode: 'fixed', wordsPerCycle: 2 }, { mode: 'fixed', wordsPerCycle: 16 }),
  storage: fc.constantFrom('trace', 'low'),
  laneGroup: fc.integer({ min: 1, max: 8 }),
  activationMacs: fc.integer({ min: 1, max: 16 }),
});
type DesignArb = typeof designArb extends fc.Arbitrary<infer T> ? T : never;
const params = (d: DesignArb, mode: string, fa: number, fw: number, lowBits = 4) =>
  design({
    array: { rows: d.rows, cols: d.cols },
    pe: { weightSpadEntries: d.spad },
    scheduler: d.scheduler,
    dram: d.dram,
    precision: { mode, storage: d.storage, lowBits },
    outliers: { activationFraction: fa, weightFraction: fw, laneGroup: d.laneGroup, activationMacs: d.activationMacs },
  });
const frac = fc.double({ min: 0, max: 0.5, noNaN: true });

describe('outlier and storage properties', () => {
  it('more outlier weights never remove cycles; more outlier activations never do when no weight is an outlier', () => {
    fc.assert(
      fc.property(shapeArb, designArb, frac, frac, frac, (s, d, fa, w0, w1) => {
        const l = conv(s);
        const [lo, hi] = w0 < w1 ? [w0, w1] : [w1, w0];
        expect(mac(l, params(d, 'outlier', fa, hi), undefined).cycles).toBeGreaterThanOrEqual(mac(l, params(d, 'outlier', fa, lo), undefined).cycles);
        expect(mac(l, params(d, 'outlier', hi, 0), undefined).cycles).toBeGreaterThanOrEqual(mac(l, params(d, 'outlier', lo, 0), undefined).cycles);
      }),
      { numRuns: 60 },
    );
  });

  it('fewer bits never add cycles: the trace’s bits or lowBits, outlier and region modes, either storage', () => {
    fc.assert(
      fc.property(shapeArb, designArb, fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4 }), fc.constantFrom('outlier', 'region'), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (s, d, b, db, low, dlow, mode, sens) => {
        const fewer = conv({ ...s, bits: [b, b] });
        const more = conv({ ...s, bits: [b + db, b + db] });
        const map = mode === 'region' ? mapOf(fewer, [2, 2], (i) => sens[i % sens.length]!) : undefined;
        const p = params(d, mode, 0.05, 0.05, low);
        expect(mac(fewer, p, map).cycles).toBeLessThanOrEqual(mac(more, p, map).cycles);
        expect(mac(fewer, p, map).cycles).toBeLessThanOrEqual(mac(fewer, params(d, mode, 0.05, 0.05, low + dlow), map).cycles);
      }),
      { numRuns: 60 },
    );
  });

  it('under 4-bit storage, more sensitive regions never remove cycles', () => {
    fc.assert(
      fc.property(shapeArb, designArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (s, d, a, more) => {
        const l = conv(s);
        const p = params({ ...d, storage: 'low' }, 'region', 0, 0);
        const small = mapOf(l, [2, 2], (i) => a[i % a.length]!);
        const large = mapOf(l, [2, 2], (i) => a[i % a.length]! || more[i % more.length]!);
        expect(mac(l, p, large).cycles).toBeGreaterThanOrEqual(mac(l, p, small).cycles);
      }),
      { numRuns: 60 },
    );
  });

  it('every MAC is counted once: on the lanes, the outlier-weight MACs or the outlier-activation unit', () => {
    fc.assert(
      fc.property(shapeArb, designArb, frac, frac, (s, d, fa, fw) => {
        const l = conv(s);
        const t = mac(l, params(d, 'outlier', fa, fw), undefined);
        const macs = t.actions.filter((x) => x.component === 'pe_array').reduce((acc, x) => acc + x.count, 0);
        expect(macs).toBe(l.macs);
        expect(t.cycles).toBe(t.computeCycles + Object.values(t.stallCycles).reduce((x, y) => x + y, 0));
        expect(Number(t.details['outlier_weight_macs']) + Number(t.details['outlier_activation_macs'])).toBeLessThanOrEqual(l.macs);
      }),
      { numRuns: 60 },
    );
  });
});
