/**
 * Reading a trace with its weights, and writing a transformed network back as
 * a trace: the YAML (shapes, per-layer weight density, pattern, bits and
 * quantization) and, beside it, the tensor file its `tensors:` names
 * (src/workload/transforms/tensor-file.ts) holding the exact values and masks.
 * Loading the pair gives back the same workload.
 */
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isSeq } from 'yaml';
import { writeFileAtomic } from '../../report/files.js';
import { resolveNetwork } from '../layer.js';
import { readNetworkSpec } from '../load.js';
import { weightShape } from '../sparsity.js';
import { networkSchema, type NetworkSpec } from '../trace.js';
import { valuedNetwork, type LayerTensor, type ValuedNetwork } from './network.js';
import { attachTensors, writeTensorFile } from './tensor-file.js';

/** A workload (trace file, SCALE-Sim CSV or built-in name) with its weights: real ones from its tensor file, else synthetic. */
export function loadValued(ref: string): ValuedNetwork {
  const { spec, file } = readNetworkSpec(ref);
  const w = resolveNetwork(spec, file);
  attachTensors(w, spec, file);
  return valuedNetwork(spec, w);
}

/** Tensor file name for a trace file: `x.yaml` → `x.tensors.onnx`. */
export function tensorFileFor(traceFile: string): string {
  return join(dirname(traceFile), `${basename(traceFile).replace(/\.ya?ml$/i, '')}.tensors.onnx`);
}

/**
 * Writes trace `file` from `spec` (named `name`, its description prefixed with
 * `note`) and, when `tensors` holds any, the tensor file beside it; atomically.
 * Returns the paths written.
 */
export function writeTrace(spec: NetworkSpec, file: string, name: string, note: string, tensors: ReadonlyMap<string, LayerTensor>): { trace: string; tensors?: string } {
  const tensorsFile = tensorFileFor(file);
  const out = structuredClone(spec);
  out.name = name;
  out.description = out.description ? `${note}\n${out.description}` : note;
  if (tensors.size > 0) out.tensors = basename(tensorsFile);
  else delete out.tensors;
  networkSchema.parse(out); // a transform must leave a valid trace
  const w = resolveNetwork(out, file);
  const withDims = new Map<string, { tensor: LayerTensor; dims: number[] }>();
  for (const l of w.layers) {
    const t = tensors.get(l.name);
    if (!t) continue;
    const sh = weightShape(l);
    withDims.set(l.name, { tensor: t, dims: [sh.k, sh.cg, sh.r, sh.s] });
  }
  const doc = new Document(out);
  const layers = doc.get('layers', true);
  if (isSeq(layers)) for (const item of layers.items) if (isMap(item)) item.flow = true; // one line per layer
  if (withDims.size > 0) writeTensorFile(tensorsFile, withDims, name);
  const header = `# Written by cyclops (${note.split('\n')[0]})${withDims.size > 0 ? `; weights in ${basename(tensorsFile)}` : ''}.\n`;
  writeFileAtomic(file, header + doc.toString({ lineWidth: 0 }));
  return withDims.size > 0 ? { trace: file, tensors: tensorsFile } : { trace: file };
}

/** Writes a valued network as a trace plus its tensor file (every weight layer's values and mask). */
export function writeValuedNetwork(vn: ValuedNetwork, file: string, name: string, note: string): { trace: string; tensors?: string } {
  return writeTrace(vn.spec, file, name, note, vn.tensors);
}
