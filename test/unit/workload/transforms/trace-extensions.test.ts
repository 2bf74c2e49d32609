/**
 * The trace schema's additions for transforms (src/workload/trace.ts): `from:`
 * must name earlier layers; a `tensors:` file must agree with the trace's
 * shapes and densities, or loading fails naming the trace and the layer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkload } from '../../../../src/workload/load.js';
import { resolveNetwork } from '../../../../src/workload/layer.js';
import { networkSchema } from '../../../../src/workload/trace.js';
import { writeTrace } from '../../../../src/workload/transforms/io.js';

const layers = [
  { name: 'a', op: 'fc', inFeatures: 4, outFeatures: 4 },
  { name: 'b', op: 'relu', input: [4] },
];

describe('from:', () => {
  it('must name an earlier layer or input', () => {
    const r = networkSchema.safeParse({ name: 'n', source: 's', layers: [{ ...layers[0], from: 'b' }, { ...layers[1], from: ['input', 'zz'] }] });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual([`layers.0.from: "b" is not an earlier layer (or 'input')`, `layers.1.from.1: "zz" is not an earlier layer (or 'input')`]);
    expect(networkSchema.safeParse({ name: 'n', source: 's', layers: [{ ...layers[0], from: 'input' }, { ...layers[1], from: 'a' }] }).success).toBe(true);
  });
});

describe('tensors:', () => {
  it('a density that disagrees with the file is an error naming the trace and layer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cyclops-ext-'));
    const spec = networkSchema.parse({ name: 'n', source: 's', layers });
    const values = Float32Array.of(1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4);
    const file = join(dir, 'n.yaml');
    writeTrace({ ...spec, layers: [{ ...spec.layers[0]!, weights: { density: 0.25 } } as never, spec.layers[1]!] }, file, 'n', 'test', new Map([['a', { values, mask: Uint8Array.from(values, (v) => (v ? 1 : 0)) }]]));
    expect(loadWorkload(file).layers[0]!.weights!.density).toBe(0.25);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `name: bad\nsource: s\ntensors: n.tensors.onnx\nlayers:\n  - { name: a, op: fc, inFeatures: 4, outFeatures: 4, weights: { density: 0.5 } }\n`);
    expect(() => loadWorkload(bad)).toThrow(/bad\.yaml: layers\[0\]\.weights\.density: is 0\.5, but n\.tensors\.onnx stores 4 of 16 weights of "a"/);
    const shape = join(dir, 'shape.yaml');
    writeFileSync(shape, `name: s\nsource: s\ntensors: n.tensors.onnx\nlayers:\n  - { name: a, op: fc, inFeatures: 8, outFeatures: 4 }\n`);
    expect(() => loadWorkload(shape)).toThrow(/shape\.yaml: layers\[0\]: n\.tensors\.onnx holds 4×4×1×1 weights for "a", whose shape needs 4×8×1×1/);
    expect(resolveNetwork(spec, 'x').layers[0]!.weights!.quantization).toBeUndefined();
  });
});
