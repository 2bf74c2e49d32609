/**
 * ONNX import (src/workload/importers/onnx.ts) on the project's fixtures
 * (test/fixtures/onnx, written by make-fixtures.ts): MACs and parameters equal
 * the built-in networks', ResNet edges equal the ones inferred for the built-in
 * trace, real weights and their sparsity reach the trace, and unsupported
 * graphs fail naming the node.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveNetwork, totalMacs, totalParams } from '../../../../src/workload/layer.js';
import { loadWorkload, readNetworkSpec } from '../../../../src/workload/load.js';
import { importOnnx } from '../../../../src/workload/importers/onnx.js';
import { decodeModel, encodeModel, floatTensor, onnx, tensorValues } from '../../../../src/workload/importers/onnx-proto.js';
import { networkGraph } from '../../../../src/workload/transforms/graph.js';
import { writeTrace } from '../../../../src/workload/transforms/io.js';
import { weightMask } from '../../../../src/workload/sparsity.js';
import { weightValues } from '../../../../src/workload/values.js';

const FIXTURES = 'test/fixtures/onnx';
const load = (f: string) => importOnnx(readFileSync(join(FIXTURES, f)), f, { name: f.replace('.onnx', '') });

function edges(name: string, spec = readNetworkSpec(name).spec): Record<string, string[]> {
  const w = resolveNetwork(spec, name);
  const g = networkGraph(spec, w);
  return Object.fromEntries(w.layers.map((l, i) => [l.name, g.producers[i]!.map((t) => (t === -1 ? 'input' : w.layers[t]!.name))]));
}

describe('fixtures', () => {
  it('lenet5.onnx has the built-in lenet5’s MACs, parameters and shapes; real weights and their density', () => {
    const r = load('lenet5.onnx');
    const w = resolveNetwork(r.spec, 'lenet5.onnx');
    const builtin = loadWorkload('lenet5');
    expect(totalMacs(w)).toBe(totalMacs(builtin));
    expect(totalParams(w)).toBe(totalParams(builtin));
    expect(w.layers.filter((l) => l.conv).map((l) => [l.op, l.conv!.k, l.conv!.c, l.conv!.oh])).toEqual(builtin.layers.filter((l) => l.conv).map((l) => [l.op, l.conv!.k, l.conv!.c, l.conv!.oh]));
    const c3 = r.spec.layers.find((l) => l.name === 'c3')!;
    expect(c3.weights).toEqual({ density: 0.6, pattern: { type: 'unstructured' } });
    // Gemm with transB = 1 keeps the [out, in] layout; values are the initializer's
    const init = decodeModel(readFileSync(join(FIXTURES, 'lenet5.onnx'))).graph!.initializer!.find((t) => t.name === 'f6.weight')!;
    expect(Array.from(r.tensors.get('f6')!.tensor.values)).toEqual(Array.from(Float32Array.from(tensorValues(init))));
  });

  it('resnet18-cifar10.onnx round-trips to the built-in network: MACs, parameters and residual edges', () => {
    const r = load('resnet18-cifar10.onnx');
    const w = resolveNetwork(r.spec, 'resnet18-cifar10.onnx');
    const builtin = loadWorkload('resnet18-cifar10');
    expect(totalMacs(w)).toBe(totalMacs(builtin));
    expect(totalParams(w)).toBe(totalParams(builtin));
    expect(w.layers.map((l) => [l.name, l.op, l.macs, l.params])).toEqual(builtin.layers.map((l) => [l.name, l.op, l.macs, l.params]));
    expect(r.tensors.size).toBe(0); // weights without data: synthetic values
    expect(edges('onnx', r.spec)).toEqual(edges('resnet18-cifar10'));
  });

  it('a written import loads back with the real masks and values', () => {
    const r = load('lenet5.onnx');
    const dir = mkdtempSync(join(tmpdir(), 'cyclops-onnx-'));
    const files = writeTrace(r.spec, join(dir, 'lenet5.yaml'), 'lenet5-imported', 'test', new Map([...r.tensors].map(([k, v]) => [k, v.tensor])));
    const w = loadWorkload(files.trace);
    const c3 = w.layers.find((l) => l.name === 'c3')!;
    expect(Array.from(weightValues(c3, w))).toEqual(Array.from(r.tensors.get('c3')!.tensor.values));
    expect(weightMask(c3, w).reduce((a, b) => a + b, 0)).toBe(0.6 * 2400);
  });
});

describe('errors', () => {
  const AT = onnx.AttributeProto.AttributeType;
  const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const bytes = (nodes: object[], init: object[] = [], outputs: object[] = []) =>
    encodeModel({ irVersion: 8, opsetImport: [{ version: 13 }], graph: { name: 'g', node: nodes, input: [vi('x', [1, 2, 4, 4])], initializer: init, output: outputs } });
  const w = floatTensor('w', [2, 2, 3, 3], new Float32Array(36).fill(1));
  const conv = (attrs: object[] = []) => ({ opType: 'Conv', name: 'my_conv', input: ['x', 'w'], output: ['y'], attribute: attrs });

  it('names the node of an unsupported operator', () => {
    const b = bytes([{ opType: 'Concat', name: 'cat0', input: ['x', 'x'], output: ['y'] }]);
    expect(() => importOnnx(b, 'm.onnx', { name: 'm' })).toThrow(/m\.onnx: node "cat0" \(Concat\): operator Concat is not supported/);
  });

  it('rejects dilations, asymmetric pads and a declared shape that disagrees', () => {
    expect(() => importOnnx(bytes([conv([{ name: 'dilations', type: AT.INTS, ints: [2, 2] }])], [w]), 'm.onnx', { name: 'm' })).toThrow(/node "my_conv" \(Conv\): dilated/);
    expect(() => importOnnx(bytes([conv([{ name: 'pads', type: AT.INTS, ints: [1, 1, 0, 0] }])], [w]), 'm.onnx', { name: 'm' })).toThrow(/asymmetric padding/);
    expect(() => importOnnx(bytes([conv()], [w], [vi('y', [1, 2, 4, 4])]), 'm.onnx', { name: 'm' })).toThrow(/declares output shape \[1, 2, 4, 4\], inferred \[batch, 2, 2, 2\]/);
  });

  it('rejects bytes that are not a model', () => {
    expect(() => importOnnx(Uint8Array.of(0xff, 0xff, 0xff), 'junk.onnx', { name: 'j' })).toThrow(/junk\.onnx: not an ONNX model/);
  });
});

describe('PyTorch exports', () => {
  it('lenet5-torch.onnx: the built-in MACs and parameters; l1_unstructured pruning arrives as density 0.5', () => {
    const r = load('lenet5-torch.onnx');
    const w = resolveNetwork(r.spec, 'lenet5-torch.onnx');
    expect(totalMacs(w)).toBe(totalMacs(loadWorkload('lenet5')));
    expect(totalParams(w)).toBe(totalParams(loadWorkload('lenet5')));
    expect(r.spec.layers.find((l) => l.name === 'c3')!.weights).toEqual({ density: 0.5, pattern: { type: 'unstructured' } });
  });

  it('resnet18-cifar10-torch.onnx: the built-in MACs; BN folded into conv biases; shape inference recovers every exported edge', () => {
    const r = load('resnet18-cifar10-torch.onnx');
    const w = resolveNetwork(r.spec, 'resnet18-cifar10-torch.onnx');
    const builtin = loadWorkload('resnet18-cifar10');
    expect(totalMacs(w)).toBe(totalMacs(builtin));
    const bnChannels = builtin.layers.filter((l) => l.op === 'batchnorm').reduce((a, l) => a + l.params / 2, 0);
    expect(totalParams(w)).toBe(totalParams(builtin) - bnChannels); // each BN's 2C parameters became C conv biases
    const stripped = { ...r.spec, layers: r.spec.layers.map(({ from: _from, ...l }) => l) } as typeof r.spec;
    const sorted = (e: Record<string, string[]>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, [...v].sort()]));
    expect(sorted(edges('inferred', stripped))).toEqual(sorted(edges('exported', r.spec)));
  });
});
