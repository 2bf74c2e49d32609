/**
 * Quantization (src/workload/transforms/quantize.ts and quantizers.ts): k-means
 * with 2^b centroids leaves at most 2^b distinct nonzero values per codebook,
 * linear leaves at most 2^b levels per slice, zeros stay zero, bits and
 * codebooks land in the trace, and storage is counted.
 */
import { describe, expect, it } from 'vitest';
import { resolveNetwork } from '../../../../src/workload/layer.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { parseLayerRules, resolveValued, valuedNetwork, type ValuedNetwork } from '../../../../src/workload/transforms/network.js';
import { weightCodes } from '../../../../src/workload/values.js';
import { prune } from '../../../../src/workload/transforms/prune.js';
import { quantize } from '../../../../src/workload/transforms/quantize.js';
import { kmeansQuantize, linearQuantize, sliceBounds } from '../../../../src/workload/transforms/quantizers.js';

function small(): ValuedNetwork {
  const spec = networkSchema.parse({
    name: 'quant-small',
    source: 'unit test',
    defaults: { weights: { format: 'int16' }, inputs: { format: 'int16' } },
    layers: [
      { name: 'c1', op: 'conv2d', input: [3, 8, 8], filters: 16, kernel: 3, padding: 1 },
      { name: 'c2', op: 'conv2d', input: [16, 8, 8], filters: 32, kernel: 3, padding: 1 },
      { name: 'fc', op: 'fc', inFeatures: 2048, outFeatures: 10 },
    ],
  });
  return valuedNetwork(spec, resolveNetwork(spec, 'small'));
}

const rules = (t: string | number) => parseLayerRules(t, '--bits');
const distinct = (a: Float32Array) => new Set(Array.from(a).filter((x) => x !== 0)).size;

describe('k-means', () => {
  it.each([1, 2, 3, 4, 5])('with 2^%i centroids gives at most that many distinct values per layer', (bits) => {
    const r = quantize(small(), { scheme: 'kmeans', bits: rules(bits), granularity: 'layer' });
    for (const [name, t] of r.net.tensors) expect(distinct(t.values), name).toBeLessThanOrEqual(2 ** bits);
    const c2 = r.net.spec.layers.find((l) => l.name === 'c2')!.weights!;
    expect(c2).toMatchObject({ storageBits: bits, computeBits: 16, quantization: { scheme: 'kmeans', entries: 2 ** bits, slices: 1 } });
    const rep = r.layers.find((l) => l.layer === 'c2')!;
    expect(rep.overheadBits).toBe(2 ** bits * 16);
    expect(r.weightStorageBits.after).toBeLessThan(r.weightStorageBits.before);
  });

  it('per channel: at most 2^b distinct values in each output channel; zeros stay zero', () => {
    const pruned = prune(small(), { method: 'magnitude', amounts: parseLayerRules(0.7, '--amount') }).net;
    const r = quantize(pruned, { scheme: 'kmeans', bits: rules(2), granularity: 'channel', centroidBits: 8 });
    const t = r.net.tensors.get('c2')!;
    const before = pruned.tensors.get('c2')!;
    for (let k = 0; k < 32; k++) expect(distinct(t.values.subarray(k * 144, (k + 1) * 144))).toBeLessThanOrEqual(4);
    for (let i = 0; i < t.values.length; i++) if (before.values[i] === 0) expect(t.values[i]).toBe(0);
    expect(t.mask).toBe(before.mask);
    expect(r.layers.find((l) => l.layer === 'c2')!.slices).toBe(32);
  });

  it('a k-means trace gives integer codes on its own centroid grid (at most 2^b levels)', () => {
    const r = quantize(small(), { scheme: 'kmeans', bits: rules(3), granularity: 'layer', centroidBits: 8 });
    const w = resolveValued(r.net);
    const c2 = w.layers.find((l) => l.name === 'c2')!;
    const codes = weightCodes(c2, w);
    expect(new Set(codes).size).toBeLessThanOrEqual(8);
    const vals = r.net.tensors.get('c2')!.values;
    const scale = Math.max(...vals.map(Math.abs)) / 127;
    codes.forEach((c, i) => expect(c * scale).toBeCloseTo(vals[i]!, 6));
  });

  it('converges to the 1-D optimum on separable data', () => {
    const v = Float32Array.of(1, 1.1, 0.9, 5, 5.2, 4.8, -3, -3.1, -2.9, 10, 10.2, 9.8);
    const r = kmeansQuantize(v, 2);
    expect(new Set(Array.from(r.dequantized).map((x) => x.toFixed(3)))).toEqual(new Set(['1.000', '5.000', '-3.000', '10.000']));
  });
});

describe('linear', () => {
  it('symmetric: at most 2^b − 1 levels per slice, zero kept, int formats in the trace', () => {
    const r = quantize(small(), { scheme: 'linear', bits: rules('c1=8,*=4'), granularity: 'channel', activationBits: rules(8) });
    const c2 = r.net.tensors.get('c2')!;
    for (let k = 0; k < 32; k++) expect(new Set(c2.values.subarray(k * 144, (k + 1) * 144)).size).toBeLessThanOrEqual(15);
    const spec = (n: string) => r.net.spec.layers.find((l) => l.name === n)!;
    expect(spec('c1').weights).toMatchObject({ format: 'int8', storageBits: 8, computeBits: 8 });
    expect(spec('c2').weights).toMatchObject({ format: 'int4', quantization: { scheme: 'linear', granularity: 'channel', symmetric: true, slices: 32 } });
    expect(spec('fc').inputs).toMatchObject({ format: 'int8', computeBits: 8 });
  });

  it('asymmetric follows Q = round(r/S) − Z and keeps zero exact', () => {
    const v = Float32Array.of(-1, 0, 0.5, 3);
    const q = linearQuantize(v, 2, false);
    // S = (3 − (−1)) / 3, Z = round(−1/S) = −1
    expect(q.scales[0]).toBeCloseTo(4 / 3);
    expect(q.zeroPoints[0]).toBe(-1);
    expect(Array.from(q.codes)).toEqual([0, 1, 1, 3]);
    expect(q.dequantized[1]).toBe(0);
  });

  it('group granularity cuts each row into groups', () => {
    expect(Array.from(sliceBounds(2, 5, 'group', 2))).toEqual([0, 2, 4, 5, 7, 9, 10]);
    expect(() => quantize(small(), { scheme: 'linear', bits: rules(4), granularity: 'group' })).toThrow(/group-size/);
  });
});
