/**
 * Pruning (src/workload/transforms/prune.ts): structured pruning leaves a
 * network whose shapes agree layer to layer (residual channels cut together),
 * element-wise methods hit the requested density to within one element per
 * output channel (and their patterns' invariants), and a written trace loads
 * back with the same masks and values.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNetworkSpec, loadWorkload } from '../../../../src/workload/load.js';
import { resolveNetwork, totalMacs, type Layer } from '../../../../src/workload/layer.js';
import { keepCount, weightMask } from '../../../../src/workload/sparsity.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { weightValues } from '../../../../src/workload/values.js';
import { networkGraph, unresolvedLayers } from '../../../../src/workload/transforms/graph.js';
import { parseLayerRules, resolveValued, valuedNetwork, type ValuedNetwork } from '../../../../src/workload/transforms/network.js';
import { prune, type PruneOptions } from '../../../../src/workload/transforms/prune.js';
import { writeValuedNetwork } from '../../../../src/workload/transforms/io.js';

function valued(name: string): ValuedNetwork {
  const { spec, file } = readNetworkSpec(name);
  return valuedNetwork(spec, resolveNetwork(spec, file));
}

/** A small network with rows not divisible by the unit sizes and an fc after a 4×4 flatten. */
function small(): ValuedNetwork {
  const spec = networkSchema.parse({
    name: 'prune-small',
    source: 'unit test',
    layers: [
      { name: 'c1', op: 'conv2d', input: [3, 8, 8], filters: 16, kernel: 3, padding: 1 },
      { name: 'r1', op: 'relu', input: [16, 8, 8] },
      { name: 'c2', op: 'conv2d', input: [16, 8, 8], filters: 24, kernel: 3, padding: 1 },
      { name: 'c3', op: 'conv2d', input: [24, 8, 8], filters: 20, kernel: 1 },
      { name: 'pool', op: 'maxpool', input: [20, 8, 8], kernel: 2 },
      { name: 'fc1', op: 'fc', inFeatures: 320, outFeatures: 30 },
      { name: 'fc2', op: 'fc', inFeatures: 30, outFeatures: 10 },
    ],
  });
  return valuedNetwork(spec, resolveNetwork(spec, 'small'));
}

function nnz(a: Uint8Array | Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

const rules = (t: string | number) => parseLayerRules(t, '--amount');

/** Every layer reads tensors of exactly its input dims, and every weight tensor fits its layer. */
function expectConsistent(vn: ValuedNetwork): void {
  const spec = networkSchema.parse(vn.spec);
  const w = resolveNetwork(spec, 'pruned');
  const g = networkGraph(spec, w);
  expect(unresolvedLayers(w, g)).toEqual([]);
  w.layers.forEach((l, i) => {
    for (const t of g.producers[i]!) {
      const out = t === -1 ? g.inDims[0]! : g.outDims[t]!;
      expect(out.elements, `${l.name} reads ${t}`).toBe(g.inDims[i]!.elements);
    }
    const tensor = vn.tensors.get(l.name);
    if (tensor) expect(tensor.values.length, l.name).toBe(l.weightElements);
  });
}

describe('structured pruning', () => {
  it('l1-filter on ResNet-18 cuts residual channels together and keeps shapes consistent', () => {
    const vn = valued('resnet18-cifar10');
    const r = prune(vn, { method: 'l1-filter', amounts: rules(0.3) });
    expectConsistent(r.net);
    const byName = new Map(r.net.spec.layers.map((l) => [l.name, l]));
    const filters = (n: string) => (byName.get(n) as { filters: number }).filters;
    // the stage-1 group (stem, layer1.x.conv2) is hit by each of its 3 producers: 64 → 45 → 32 → 23
    expect(filters('conv1')).toBe(23);
    expect(filters('layer1.0.conv2')).toBe(23);
    expect((byName.get('layer1.1.add') as { input: number[] }).input[0]).toBe(23);
    expect(filters('layer1.0.conv1')).toBe(64 - Math.floor(0.3 * 64));
    expect((byName.get('linear') as { inFeatures: number }).inFeatures).toBe(filters('layer4.1.conv2'));
    expect(filters('layer4.0.shortcut.0')).toBe(filters('layer4.1.conv2'));
    expect(r.params.after).toBeLessThan(r.params.before);
    expect(r.net.spec.published).toBeUndefined();
    expect(r.layers.find((l) => l.layer === 'linear')).toBeUndefined(); // fc is not a filter-pruning target
  });

  it('removes the filters with the smallest norms and carries the survivors over', () => {
    const vn = valued('lenet5');
    const c1 = vn.tensors.get('c1')!;
    const norms = Array.from({ length: 6 }, (_, k) => c1.values.subarray(k * 25, (k + 1) * 25).reduce((a, x) => a + Math.abs(x), 0));
    const weakest = norms.indexOf(Math.min(...norms));
    const r = prune(vn, { method: 'l1-filter', amounts: rules('c1=0.2') });
    expectConsistent(r.net);
    const after = r.net.tensors.get('c1')!;
    expect(after.values.length).toBe(5 * 25);
    const kept = [0, 1, 2, 3, 4, 5].filter((k) => k !== weakest);
    kept.forEach((k, j) => expect(Array.from(after.values.subarray(j * 25, (j + 1) * 25))).toEqual(Array.from(c1.values.subarray(k * 25, (k + 1) * 25))));
    // c3 lost the matching input channel: 16 × 5 × 25
    expect(r.net.tensors.get('c3')!.values.length).toBe(16 * 5 * 25);
  });

  it('l2 and l1 rank by different norms but give the same shapes; an fc after a flatten loses H·W features per channel', () => {
    const vn = small();
    const l1 = prune(vn, { method: 'l1-filter', amounts: rules('c3=0.25') });
    const l2 = prune(vn, { method: 'l2-filter', amounts: rules('c3=0.25') });
    expectConsistent(l1.net);
    expect(l1.params.after).toBe(l2.params.after);
    const fc1 = (v: ValuedNetwork) => v.spec.layers.find((l) => l.name === 'fc1')! as { inFeatures: number };
    expect(fc1(l1.net).inFeatures).toBe(15 * 16);
    expect(l1.net.tensors.get('fc1')!.values.length).toBe(30 * 15 * 16);
  });

  it('node pruning shrinks fc layers and the next layer, never the classifier', () => {
    const vn = valued('lenet-300-100');
    const r = prune(vn, { method: 'node', amounts: rules(0.5) });
    expectConsistent(r.net);
    const fcs = r.net.spec.layers.filter((l) => l.op === 'fc') as { name: string; inFeatures: number; outFeatures: number }[];
    expect(fcs.map((f) => f.outFeatures)).toEqual([150, 50, 10]);
    expect(fcs.map((f) => f.inFeatures)).toEqual([784, 150, 50]);
    expect(r.layers.find((l) => l.skipped)?.skipped).toMatch(/network output/);
  });

  it('refuses a network whose connectivity it cannot trace', () => {
    expect(() => prune(valued('textcnn'), { method: 'l1-filter', amounts: rules(0.5) })).toThrow(/layer "fc" reads/);
  });
});

describe('element-wise pruning', () => {
  const net = small();
  const conv = (vn: ValuedNetwork) => resolveNetwork(vn.spec, 'x').layers.filter((l) => l.weights && l.op !== 'matmul');

  it.each([0.5, 0.9, 0.97])('magnitude at amount %s keeps exactly round((1 − amount)·n) largest weights per layer', (amount) => {
    const r = prune(net, { method: 'magnitude', amounts: rules(amount) });
    for (const l of conv(r.net)) {
      const t = r.net.tensors.get(l.name)!;
      const size = t.values.length;
      expect(nnz(t.mask), l.name).toBe(keepCount(1 - amount, size));
      expect(Math.abs(nnz(t.mask) - (1 - amount) * size)).toBeLessThanOrEqual(l.conv!.k);
      // every kept |w| ≥ every pruned |w|
      const orig = net.tensors.get(l.name)!.values;
      let minKept = Infinity;
      let maxPruned = 0;
      orig.forEach((v, i) => (t.mask[i] ? (minKept = Math.min(minKept, Math.abs(v))) : (maxPruned = Math.max(maxPruned, Math.abs(v)))));
      expect(minKept).toBeGreaterThanOrEqual(maxPruned);
      expect(r.net.spec.layers.find((s) => s.name === l.name)!.weights!.density).toBe(nnz(t.mask) / size);
    }
  });

  it('rounds prune the remaining weights again', () => {
    const once = prune(net, { method: 'magnitude', amounts: rules(0.5) });
    const twice = prune(once.net, { method: 'magnitude', amounts: rules(0.5) });
    const t = twice.net.tensors.get('c2')!;
    expect(nnz(t.mask)).toBe(Math.round(0.25 * t.mask.length));
  });

  it('per-channel-uniform pads every output channel to the longest row and reports the stored zeros', () => {
    const r = prune(net, { method: 'per-channel-uniform', amounts: rules(0.8) });
    for (const l of conv(r.net)) {
      const t = r.net.tensors.get(l.name)!;
      const k = l.conv!.k;
      const cols = t.mask.length / k;
      const rows = Array.from({ length: k }, (_, i) => nnz(t.mask.subarray(i * cols, (i + 1) * cols)));
      expect(new Set(rows).size, l.name).toBe(1);
      expect(nnz(t.values)).toBe(keepCount(0.2, t.values.length)); // the real nonzeros hit the amount
    }
    expect(r.stored.after).toBeGreaterThan(r.nonzeros.after);
    expect(r.net.spec.layers.find((s) => s.name === 'c2')!.weights!.pattern).toEqual({ type: 'per-channel-uniform' });
  });

  it('n:m keeps exactly n of every m along each filter', () => {
    const r = prune(net, { method: 'nm', n: 2, m: 4, amounts: rules(0) });
    for (const l of conv(r.net)) {
      const t = r.net.tensors.get(l.name)!;
      const cols = t.mask.length / l.conv!.k;
      for (let row = 0; row < l.conv!.k; row++) {
        for (let c = 0; c + 4 <= cols; c += 4) expect(nnz(t.mask.subarray(row * cols + c, row * cols + c + 4))).toBe(2);
      }
    }
  });

  it.each([
    ['simd-group', { width: 8 }, (r: number, c: number, cols: number) => r * Math.ceil(cols / 8) + Math.floor(c / 8)],
    ['block', { block: [4, 4] as [number, number] }, (r: number, c: number, cols: number) => Math.floor(r / 4) * Math.ceil(cols / 4) + Math.floor(c / 4)],
  ])('%s keeps round((1 − amount)·units) whole units', (method, extra, unitOf) => {
    const r = prune(net, { method, amounts: rules(0.75), ...extra } as PruneOptions);
    for (const l of conv(r.net)) {
      const t = r.net.tensors.get(l.name)!;
      const k = l.conv!.k;
      const cols = t.mask.length / k;
      const state = new Map<number, Set<number>>();
      for (let row = 0; row < k; row++) for (let c = 0; c < cols; c++) {
        const u = unitOf(row, c, cols);
        if (!state.has(u)) state.set(u, new Set());
        state.get(u)!.add(t.mask[row * cols + c]!);
      }
      expect([...state.values()].every((v) => v.size === 1), l.name).toBe(true);
      const kept = [...state.values()].filter((v) => v.has(1)).length;
      expect(kept, l.name).toBe(keepCount(0.25, state.size));
    }
  });
});

describe('written traces', () => {
  it('load back with the same shapes, masks and values', () => {
    const vn = valued('lenet5');
    const p1 = prune(vn, { method: 'l2-filter', amounts: rules('c3=0.25') });
    const p2 = prune(p1.net, { method: 'per-channel-uniform', amounts: rules(0.6) });
    const dir = mkdtempSync(join(tmpdir(), 'cyclops-prune-'));
    const { trace } = writeValuedNetwork(p2.net, join(dir, 'lenet5-pruned.yaml'), 'lenet5-pruned', 'test: l2-filter then per-channel-uniform');
    const loaded = loadWorkload(trace);
    const direct = resolveValued(p2.net);
    expect(totalMacs(loaded)).toBe(totalMacs(direct));
    loaded.layers.forEach((l: Layer, i) => {
      if (!l.weights || l.op === 'matmul') return;
      expect(Array.from(weightMask(l, loaded, 123))).toEqual(Array.from(p2.net.tensors.get(l.name)!.mask));
      expect(Array.from(weightValues(l, loaded))).toEqual(Array.from(p2.net.tensors.get(l.name)!.values));
      expect(l.weights.density).toBe(direct.layers[i]!.weights!.density);
    });
  });
});
