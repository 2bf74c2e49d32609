/** The PE farm's timing and accounting, and the lowering of layers to sparse products. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion, farmTasks, runFarm, type FarmConfig } from '../../../../src/kinds/sparse-common/farm.js';
import { lowerLayer } from '../../../../src/kinds/sparse-common/lower.js';
import { resolveNetwork, type Layer } from '../../../../src/workload/layer.js';
import { activationMask, weightMask } from '../../../../src/workload/sparsity.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { nonzeroProducts } from './helpers.js';

const calc = (units: number): FarmConfig => ({ units, wordsPerCycle: Infinity, latency: 0, prefetch: units, start: 0 });

function tasks(durations: number[], reads: number[] = [], writes: number[] = []) {
  const t = farmTasks(durations.length);
  durations.forEach((d, i) => {
    t.mac[i] = d;
    t.readWords[i] = reads[i] ?? 0;
    t.writeWords[i] = writes[i] ?? 0;
  });
  return t;
}

describe('runFarm', () => {
  it('one unit with unlimited bandwidth: the sum of the tasks, no stall', () => {
    const r = runFarm(tasks([3, 4, 5]), calc(1));
    expect(r.end).toBe(12);
    expect(r.account).toEqual({ mac: 12, merge: 0, intersect: 0, dramRead: 0, loadImbalance: 0, dramWrite: 0 });
  });

  it('dispatches in order to the unit free longest; the idle tail is load imbalance', () => {
    // u0: task0 0–5; u1: task1 0–3, task2 3–7.
    const r = runFarm(tasks([5, 3, 4]), calc(2));
    expect(r.end).toBe(7);
    expect(r.account.loadImbalance).toBe(2);
    expect(apportion(r.end, 2, r.account)).toEqual({ compute: 6, stalls: { merge: 0, intersection: 0, dram_read: 0, load_imbalance: 1, dram_write: 0 } });
  });

  it('operands stream ahead by `prefetch` tasks; late ones are read stalls; writes drain in order', () => {
    // 100 words at 10/cycle: fetch 0 in 0–10, task 0 runs 10–15; fetch 1 starts when task 0 starts: 10–20, task 1 runs 20–25.
    const cfg: FarmConfig = { units: 1, wordsPerCycle: 10, latency: 0, prefetch: 1, start: 0 };
    const r = runFarm(tasks([5, 5], [100, 100], [0, 30]), cfg);
    expect(r.computeEnd).toBe(25);
    expect(r.end).toBe(28);
    expect(r.account.dramRead).toBe(15);
    expect(r.account.dramWrite).toBe(3);
    // Latency delays arrival but does not hold the port.
    const lat = runFarm(tasks([5, 5], [100, 100]), { ...cfg, latency: 7, prefetch: 2 });
    expect(lat.end).toBe(Math.max(17 + 5, 27 + 5));
  });

  it('more bandwidth never makes a phase later; every unit-cycle is accounted (fast-check)', () => {
    const task = fc.record({ d: fc.integer({ min: 0, max: 50 }), r: fc.integer({ min: 0, max: 400 }), w: fc.integer({ min: 0, max: 200 }) });
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20 }), (ts, units, prefetch, latency) => {
        const t = tasks(ts.map((x) => x.d), ts.map((x) => x.r), ts.map((x) => x.w));
        let last = Infinity;
        for (const bw of [1, 3, 8, 32, Infinity]) {
          const r = runFarm(t, { units, wordsPerCycle: bw, latency, prefetch, start: 5 });
          expect(r.end).toBeLessThanOrEqual(last);
          last = r.end;
          const a = r.account;
          expect(a.mac + a.dramRead + a.loadImbalance + a.dramWrite).toBe(units * (r.end - 5));
          if (bw === Infinity) expect(a.dramRead + a.dramWrite).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

function oneLayer(layer: object, wd: number, ad: number): { layer: Layer; key: { name: string; seed: number } } {
  const net = networkSchema.parse({
    name: 'lower-test',
    source: 'hand-made',
    batch: 2,
    seed: 3,
    defaults: { weights: { format: 'int8', density: wd }, inputs: { format: 'int8', density: ad } },
    layers: [layer],
  });
  const w = resolveNetwork(net, 'builtin:lower-test');
  return { layer: w.layers[0]!, key: { name: w.name, seed: w.seed } };
}

describe('lowerLayer', () => {
  it('im2col follows the activation mask element by element; a sparse tensor’s halo is not stored (strided, padded, grouped)', () => {
    const { layer, key } = oneLayer({ name: 'c', op: 'conv2d', input: [4, 7, 6], filters: 6, kernel: [3, 2], stride: [2, 1], padding: [1, 1], groups: 2 }, 0.6, 0.5);
    const cv = layer.conv!;
    const am = activationMask(layer, key);
    const wm = weightMask(layer, key);
    const gemms = lowerLayer(layer, key, key.seed);
    expect(gemms).toHaveLength(2);
    const cg = cv.c / cv.groups;
    gemms.forEach(({ a, b }, g) => {
      expect([a.rows, a.cols, b.rows, b.cols]).toEqual([cv.k / 2, cg * cv.r * cv.s, cg * cv.r * cv.s, cv.n * cv.oh * cv.ow]);
      for (let row = 0; row < b.rows; row++) {
        const ci = Math.floor(row / (cv.r * cv.s));
        const r = Math.floor(row / cv.s) % cv.r;
        const s = row % cv.s;
        const want: number[] = [];
        for (let n = 0; n < cv.n; n++)
          for (let p = 0; p < cv.oh; p++)
            for (let q = 0; q < cv.ow; q++) {
              const y = p * cv.strideH - cv.padH + r;
              const x = q * cv.strideW - cv.padW + s;
              const inside = y >= 0 && y < cv.h && x >= 0 && x < cv.w;
              if (inside && am[((n * cv.c + g * cg + ci) * cv.h + y) * cv.w + x] === 1) want.push((n * cv.oh + p) * cv.ow + q);
            }
        expect(Array.from(b.idx.subarray(b.ptr[row]!, b.ptr[row + 1]!))).toEqual(want);
      }
      for (let k = 0; k < a.rows; k++) {
        const base = (g * a.rows + k) * a.cols;
        const want = [];
        for (let c = 0; c < a.cols; c++) if (wm[base + c] === 1) want.push(c);
        expect(Array.from(a.idx.subarray(a.ptr[k]!, a.ptr[k + 1]!))).toEqual(want);
      }
    });
  });

  it('at density 1 (halo streamed with the dense tensor) the products are the dense MAC count for conv, depthwise, fc and matmul', () => {
    const layers = [
      { name: 'c', op: 'conv2d', input: [3, 9, 8], filters: 5, kernel: 3, stride: 2, padding: 1 },
      { name: 'dw', op: 'depthwise', input: [4, 6, 6], kernel: 3, padding: 1, multiplier: 2 },
      { name: 'fc', op: 'fc', inFeatures: 13, outFeatures: 7 },
      { name: 'mm', op: 'matmul', m: 5, n: 6, k: 4 },
      { name: 'c1', op: 'conv1d', input: [3, 11], filters: 4, kernel: 3, stride: 2 },
    ];
    for (const l of layers) {
      const { layer, key } = oneLayer(l, 1, 1);
      const total = lowerLayer(layer, key, key.seed).reduce((s, { a, b }) => s + nonzeroProducts(a, b), 0);
      expect(total, l.name).toBe(layer.macs);
    }
  });

  it('fc and matmul take the operands directly (inputs transposed for fc; stacked batch for matmul)', () => {
    const fcL = oneLayer({ name: 'fc', op: 'fc', inFeatures: 10, outFeatures: 4 }, 0.5, 0.5);
    const [g] = lowerLayer(fcL.layer, fcL.key, fcL.key.seed);
    const am = activationMask(fcL.layer, fcL.key);
    for (let c = 0; c < 10; c++) {
      const want = [0, 1].filter((n) => am[n * 10 + c] === 1);
      expect(Array.from(g!.b.idx.subarray(g!.b.ptr[c]!, g!.b.ptr[c + 1]!))).toEqual(want);
    }
    const mm = oneLayer({ name: 'mm', op: 'matmul', m: 3, n: 5, k: 4 }, 0.5, 0.5);
    const [h] = lowerLayer(mm.layer, mm.key, mm.key.seed);
    const amm = activationMask(mm.layer, mm.key);
    const wmm = weightMask(mm.layer, mm.key);
    expect([h!.a.rows, h!.a.cols, h!.b.rows, h!.b.cols]).toEqual([6, 4, 4, 5]);
    for (let row = 0; row < 6; row++) {
      const [bi, m] = [Math.floor(row / 3), row % 3];
      const want = [0, 1, 2, 3].filter((k) => amm[(bi * 4 + k) * 3 + m] === 1);
      expect(Array.from(h!.a.idx.subarray(h!.a.ptr[row]!, h!.a.ptr[row + 1]!))).toEqual(want);
    }
    for (let k = 0; k < 4; k++) {
      const want = [0, 1, 2, 3, 4].filter((n) => wmm[n * 4 + k] === 1);
      expect(Array.from(h!.b.idx.subarray(h!.b.ptr[k]!, h!.b.ptr[k + 1]!))).toEqual(want);
    }
  });
});
