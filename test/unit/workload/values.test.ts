/**
 * Operand values (src/workload/values.ts): deterministic per (seed, network,
 * layer, operand), zero exactly where the mask is zero, per-channel magnitudes
 * that vary, integer codes within the compute width, and real values fixing the mask.
 */
import { describe, expect, it } from 'vitest';
import { resolveNetwork, type Layer, type Workload } from '../../../src/workload/layer.js';
import { weightMask, activationMask } from '../../../src/workload/sparsity.js';
import { networkSchema } from '../../../src/workload/trace.js';
import { activationCodes, activationValues, provideWeightValues, weightCodes, weightValues } from '../../../src/workload/values.js';

function net(layers: unknown[], name = 'values-test'): Workload {
  return resolveNetwork(networkSchema.parse({ name, source: 'unit test', defaults: { weights: { format: 'int8' }, inputs: { format: 'int8' } }, layers }), 'test');
}

const convLayers = [
  { name: 'c1', op: 'conv2d', input: [3, 8, 8], filters: 16, kernel: 3, padding: 1 },
  { name: 'c2', op: 'conv2d', input: [16, 8, 8], filters: 32, kernel: 3, padding: 1, weights: { density: 0.3, pattern: 'unstructured' }, inputs: { density: 0.5 } },
];

const layer = (w: Workload, i: number): Layer => w.layers[i]!;

describe('weightValues', () => {
  it('is deterministic across fresh workload objects and differs by seed and layer', () => {
    const a = weightValues(layer(net(convLayers), 1), { name: 'values-test', seed: 0 });
    const b = weightValues(layer(net(convLayers), 1), { name: 'values-test', seed: 0 });
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = weightValues(layer(net(convLayers), 1), { name: 'values-test', seed: 1 });
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('is zero exactly where the weight mask is zero', () => {
    const w = net(convLayers);
    const l = layer(w, 1);
    const v = weightValues(l, w);
    const m = weightMask(l, w);
    for (let i = 0; i < v.length; i++) expect(v[i] !== 0).toBe(m[i] === 1);
  });

  it('keeps the unpruned values at the positions that survive pruning', () => {
    const dense = net([{ ...convLayers[1], weights: undefined }]);
    const sparse = net([convLayers[1]]);
    const d = weightValues(layer(dense, 0), dense);
    const s = weightValues(layer(sparse, 0), sparse);
    for (let i = 0; i < s.length; i++) if (s[i] !== 0) expect(s[i]).toBe(d[i]);
  });

  it('spreads per-channel magnitudes and has He-scale variance', () => {
    const w = net([{ name: 'big', op: 'conv2d', input: [64, 8, 8], filters: 64, kernel: 3, padding: 1 }]);
    const v = weightValues(layer(w, 0), w);
    const cols = 64 * 9;
    const norms = Array.from({ length: 64 }, (_, k) => v.subarray(k * cols, (k + 1) * cols).reduce((a, x) => a + Math.abs(x), 0));
    const sorted = [...norms].sort((a, b) => a - b);
    expect(sorted[63]! / sorted[0]!).toBeGreaterThan(2);
    const variance = v.reduce((a, x) => a + x * x, 0) / v.length;
    // E[g²] = exp(2σ²) = e^0.5 for σ = 0.5; He variance 2/fan-in.
    expect(variance / ((2 / cols) * Math.exp(0.5))).toBeGreaterThan(0.7);
    expect(variance / ((2 / cols) * Math.exp(0.5))).toBeLessThan(1.4);
  });
});

describe('activationValues', () => {
  it('is non-negative after the first layer, signed in the first, zero where the mask is zero', () => {
    const w = net(convLayers);
    const first = activationValues(layer(w, 0), w);
    expect(first.some((x) => x < 0)).toBe(true);
    const l = layer(w, 1);
    const v = activationValues(l, w);
    const m = activationMask(l, w);
    for (let i = 0; i < v.length; i++) {
      expect(v[i]! >= 0).toBe(true);
      expect(v[i] !== 0).toBe(m[i] === 1);
    }
  });
});

describe('codes', () => {
  it('lie within the compute width', () => {
    const w = net([convLayers[0], { ...convLayers[1], weights: { format: 'int4' }, inputs: { format: 'int4', density: 0.5 } }]);
    const l = layer(w, 1);
    const wc = weightCodes(l, w);
    expect(Math.max(...wc)).toBeLessThanOrEqual(7);
    expect(Math.min(...wc)).toBeGreaterThanOrEqual(-7);
    expect(Math.max(...wc)).toBe(7); // each channel's largest magnitude maps to the top code
    const ac = activationCodes(l, w);
    expect(Math.min(...ac)).toBe(0);
    expect(Math.max(...ac)).toBe(15);
    const m = activationMask(l, w);
    for (let i = 0; i < ac.length; i++) if (m[i] === 0) expect(ac[i]).toBe(0);
  });
});

describe('provideWeightValues', () => {
  it('replaces synthetic values and fixes the mask', () => {
    const w = net([{ name: 'fc', op: 'fc', inFeatures: 4, outFeatures: 2 }]);
    const l = layer(w, 0);
    const real = Float32Array.of(0, 1, 0, -2, 3, 0, 0, 0.5);
    provideWeightValues(l, real);
    expect(weightValues(l, w)).toBe(real);
    expect(Array.from(weightMask(l, w, 7))).toEqual([0, 1, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(weightCodes(l, w))).toEqual([0, 64, 0, -127, 127, 0, 0, 21]);
  });

  it('accepts a mask with stored zeros and rejects values outside the mask', () => {
    const w = net([{ name: 'fc', op: 'fc', inFeatures: 2, outFeatures: 2 }]);
    const l = layer(w, 0);
    expect(() => provideWeightValues(l, Float32Array.of(1, 0, 0, 1), Uint8Array.of(1, 0, 0, 0))).toThrow(/outside its mask/);
    provideWeightValues(l, Float32Array.of(1, 0, 0, 1), Uint8Array.of(1, 1, 0, 1));
    expect(Array.from(weightMask(l, w))).toEqual([1, 1, 0, 1]);
  });
});
