/**
 * Tensor files: the real weights a transformed or imported trace references
 * with `tensors:` — an ONNX model (src/workload/importers/onnx-proto.ts) whose
 * graph holds only initializers, in trace layout K×(C/g)×R×S:
 *   `<layer>.weights`       FLOAT, the values (0 = pruned);
 *   `<layer>.weights.mask`  UINT8, 1 = stored element — written only where the
 *                           stored structure has zeros in it (CSR padding, whole
 *                           SIMD groups or blocks, weights quantized to 0).
 * Loading attaches them to the resolved layers (src/workload/values.ts), so
 * masks and values are the file's for every seed.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { toolVersion } from '../../core/version.js';
import { writeFileAtomic } from '../../report/files.js';
import type { Workload } from '../layer.js';
import { weightShape } from '../sparsity.js';
import type { NetworkSpec } from '../trace.js';
import { provideWeightValues } from '../values.js';
import { decodeModel, encodeModel, floatTensor, tensorDims, tensorValues, uint8Tensor, type TensorProto } from '../importers/onnx-proto.js';
import { hasWeightTensor, type LayerTensor } from './network.js';

/** Suffixes of the initializer names. */
const VALUES = '.weights';
const MASK = '.weights.mask';

/** Serializes weight tensors (by layer name, with their K×(C/g)×R×S dims) as a tensor file. */
export function encodeTensorFile(tensors: ReadonlyMap<string, { tensor: LayerTensor; dims: readonly number[] }>, name: string): Uint8Array {
  const initializer: TensorProto[] = [];
  for (const [layer, { tensor, dims }] of tensors) {
    initializer.push(floatTensor(layer + VALUES, dims, tensor.values));
    let extra = false;
    for (let i = 0; i < tensor.mask.length && !extra; i++) extra = tensor.mask[i] === 1 && tensor.values[i] === 0;
    if (extra) initializer.push(uint8Tensor(layer + MASK, dims, tensor.mask));
  }
  return encodeModel({
    irVersion: 8,
    producerName: 'cyclops',
    producerVersion: toolVersion,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name, initializer, docString: 'cyclops tensor file: weights in trace layout (K x C/g x R x S); <layer>.weights values, <layer>.weights.mask stored elements' },
  });
}

/** Writes a tensor file atomically. */
export function writeTensorFile(file: string, tensors: ReadonlyMap<string, { tensor: LayerTensor; dims: readonly number[] }>, name: string): void {
  writeFileAtomic(file, encodeTensorFile(tensors, name));
}

/** Reads a tensor file: per layer name, its values and (when stored) mask. */
export function readTensorFile(file: string): Map<string, { values: Float32Array; mask?: Uint8Array; dims: number[] }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw InputError.one(file, '', `cannot read tensor file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let inits;
  try {
    inits = decodeModel(bytes).graph?.initializer ?? [];
  } catch (e) {
    throw InputError.one(file, '', `not an ONNX tensor file (${(e as Error).message})`);
  }
  const out = new Map<string, { values: Float32Array; mask?: Uint8Array; dims: number[] }>();
  for (const t of inits) {
    const name = t.name ?? '';
    if (name.endsWith(MASK) || !name.endsWith(VALUES)) continue;
    out.set(name.slice(0, -VALUES.length), { values: Float32Array.from(tensorValues(t)), dims: tensorDims(t) });
  }
  for (const t of inits) {
    const name = t.name ?? '';
    if (!name.endsWith(MASK)) continue;
    const entry = out.get(name.slice(0, -MASK.length));
    if (!entry) throw InputError.one(file, name, 'mask without values');
    entry.mask = Uint8Array.from(tensorValues(t));
  }
  return out;
}

/** The tensor file a trace references, resolved against the trace's directory. */
export function tensorFilePath(spec: Pick<NetworkSpec, 'tensors'>, traceFile: string): string | undefined {
  return spec.tensors === undefined ? undefined : resolve(dirname(traceFile), spec.tensors);
}

/**
 * Attaches a trace's tensor file to its resolved layers: each layer the file
 * holds gets its values and mask. A layer whose shape or density disagrees with
 * the file is an error naming the trace and the layer.
 */
export function attachTensors(workload: Workload, spec: NetworkSpec, traceFile: string): void {
  const path = tensorFilePath(spec, traceFile);
  if (!path) return;
  const tensors = readTensorFile(path);
  workload.layers.forEach((l, i) => {
    const t = tensors.get(l.name);
    if (!t) return;
    const where = `layers[${i}]`;
    if (!hasWeightTensor(l)) throw InputError.one(traceFile, where, `${basename(path)} holds weights for "${l.name}", which has none`);
    const sh = weightShape(l);
    if (t.values.length !== sh.rows * sh.cols) {
      throw InputError.one(traceFile, where, `${basename(path)} holds ${t.dims.join('×')} weights for "${l.name}", whose shape needs ${sh.k}×${sh.cg}×${sh.r}×${sh.s}`);
    }
    const mask = t.mask ?? Uint8Array.from(t.values, (v) => (v !== 0 ? 1 : 0));
    let stored = 0;
    for (let j = 0; j < mask.length; j++) stored += mask[j] as number;
    const density = stored / mask.length;
    const declared = l.weights?.density ?? 1;
    if (Math.abs(density - declared) * mask.length > 0.5) {
      throw InputError.one(traceFile, `${where}.weights.density`, `is ${declared}, but ${basename(path)} stores ${stored} of ${mask.length} weights of "${l.name}" (density ${density})`);
    }
    try {
      provideWeightValues(l, t.values, mask);
    } catch (e) {
      throw InputError.one(path, `${l.name}${VALUES}`, (e as Error).message);
    }
  });
}
