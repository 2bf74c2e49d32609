/**
 * A network with its weight values — what pruning and quantization read and
 * rewrite — and per-layer option values selected by layer-name globs.
 *
 * Transforms never mutate their input: each returns a new ValuedNetwork whose
 * spec is a trace (shapes, per-layer operand density, pattern and bits) and
 * whose tensors hold every weight layer's values and mask in trace layout
 * (K×(C/g)×R×S). {@link resolveValued} turns it into a Workload whose masks and
 * values are exactly those tensors, so a transformed network simulates as it
 * would after being written and loaded again.
 */
import picomatch from 'picomatch';
import { InputError } from '../../core/errors.js';
import { isMacOp, resolveNetwork, type Layer, type Workload } from '../layer.js';
import type { NetworkSpec } from '../trace.js';
import { provideWeightValues, weightValues } from '../values.js';
import { weightMask } from '../sparsity.js';

/** Values and mask of one weight layer (K×(C/g)×R×S); values are zero wherever the mask is. */
export interface LayerTensor {
  values: Float32Array;
  mask: Uint8Array;
}

/** A trace with the weight values of every layer that has learned weights. */
export interface ValuedNetwork {
  spec: NetworkSpec;
  /** Where the spec came from (for error messages and provenance). */
  origin: string;
  /** By layer name. */
  tensors: Map<string, LayerTensor>;
}

/** True for layers whose weights are learned parameters (MAC layers other than matmul). */
export function hasWeightTensor(l: Pick<Layer, 'op'>): boolean {
  return isMacOp(l.op) && l.op !== 'matmul';
}

/** The network's weight tensors, read from a resolved workload (real values where provided, else synthetic). */
export function valuedNetwork(spec: NetworkSpec, workload: Workload): ValuedNetwork {
  const tensors = new Map<string, LayerTensor>();
  for (const l of workload.layers) {
    if (!hasWeightTensor(l)) continue;
    tensors.set(l.name, { values: weightValues(l, workload), mask: weightMask(l, workload) });
  }
  return { spec, origin: workload.origin, tensors };
}

/** Resolves a valued network into a workload whose weights are its tensors. */
export function resolveValued(vn: ValuedNetwork): Workload {
  const w = resolveNetwork(vn.spec, vn.origin);
  for (const l of w.layers) {
    const t = vn.tensors.get(l.name);
    if (t) provideWeightValues(l, t.values, t.mask);
  }
  return w;
}

/** One per-layer option value: layers whose name matches `pattern` (a glob) get `value`. */
export interface LayerRule {
  pattern: string;
  value: number;
  match: (name: string) => boolean;
}

/**
 * Parses a per-layer option: a number (every layer) or comma-separated
 * `GLOB=NUMBER` pairs, the first matching glob winning (e.g.
 * `conv1=0,layer4.*=0.3,*=0.2`). `option` names the option in errors.
 */
export function parseLayerRules(text: string | number, option: string): LayerRule[] {
  const parts = String(text).split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw InputError.one(option, '', 'expected a number or GLOB=NUMBER pairs');
  return parts.map((p) => {
    const eq = p.lastIndexOf('=');
    const pattern = eq >= 0 ? p.slice(0, eq).trim() : '*';
    const raw = eq >= 0 ? p.slice(eq + 1).trim() : p;
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw InputError.one(option, p, `"${raw}" is not a number`);
    return { pattern, value, match: picomatch(pattern, { dot: true }) };
  });
}

/** The value of the first rule matching `name`, or undefined. */
export function ruleFor(rules: readonly LayerRule[], name: string): number | undefined {
  return rules.find((r) => r.match(name))?.value;
}

/** A deep copy of a valued network's spec and tensor map (tensor arrays are shared until replaced). */
export function cloneValued(vn: ValuedNetwork): ValuedNetwork {
  return { spec: structuredClone(vn.spec), origin: vn.origin, tensors: new Map(vn.tensors) };
}
