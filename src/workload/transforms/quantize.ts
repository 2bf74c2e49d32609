/**
 * Quantization transforms on a valued network (src/workload/transforms/network.ts),
 * per layer (each layer may get its own bits), at layer, output-channel or
 * group granularity (quantizers in ./quantizers.ts).
 *
 * - linear: weights become `int<bits>` — storage and compute bits both `bits`;
 *   values are replaced by their dequantized levels; one scale (and zero point
 *   when asymmetric) per slice. Optionally the activations of matched layers get
 *   linear bits too (their values are drawn at run time; src/workload/values.ts
 *   quantizes them at the trace's compute bits).
 * - kmeans: storage bits are the codebook index width `bits`, compute bits the
 *   centroid width (default: the layer's current compute bits; seed 001 uses
 *   4-bit indices into 16-bit centroids); centroids are represented as
 *   symmetric fixed point at that width. One codebook of 2^bits entries per
 *   slice; the codebooks' bits are counted.
 * Masks are kept: a stored weight that rounds to 0 stays a stored element.
 */
import { InputError } from '../../core/errors.js';
import { resolveNetwork, type Layer } from '../layer.js';
import type { LayerSpec, NumberFormat } from '../trace.js';
import { weightShape } from '../sparsity.js';
import { cloneValued, hasWeightTensor, ruleFor, type LayerRule, type ValuedNetwork } from './network.js';
import { kmeansQuantize, linearQuantize, sliceBounds, type Granularity } from './quantizers.js';

/** Bits of a linear scale factor or zero point (fp32 / int32), as stored beside the weights. */
export const SCALE_BITS = 32;

/** What to quantize and how. */
export interface QuantizeOptions {
  scheme: 'linear' | 'kmeans';
  /** Per-layer weight bits (linear: storage = compute; kmeans: index bits); layers without a value are left alone. */
  bits: readonly LayerRule[];
  granularity: Granularity;
  /** Elements per group (granularity `group`). */
  groupSize?: number;
  /** Linear: zero point 0 (default true). */
  symmetric?: boolean;
  /** k-means: centroid (compute) bits; default the layer's current compute bits. */
  centroidBits?: number;
  /** Linear: per-layer activation bits (inputs and outputs). */
  activationBits?: readonly LayerRule[];
}

/** What quantization did to one layer's weights. */
export interface LayerQuantizeReport {
  layer: string;
  op: string;
  storageBits: { before: number; after: number };
  computeBits: { before: number; after: number };
  /** Scale factors or codebooks. */
  slices: number;
  /** Bits of the scale factors / zero points (linear) or codebooks (k-means). */
  overheadBits: number;
  /** Distinct nonzero values after quantization. */
  distinctNonzero: number;
  /** Signal-to-quantization-noise ratio of the stored weights, dB. */
  sqnrDb: number;
  /** Stored weights that became 0. */
  zeroed: number;
}

/** The quantized network, the per-layer record and the weight storage before and after (bits). */
export interface QuantizeResult {
  net: ValuedNetwork;
  layers: LayerQuantizeReport[];
  /** Σ stored weights × storage bits, plus scale / codebook bits after. */
  weightStorageBits: { before: number; after: number };
}

function intFormat(bits: number): NumberFormat {
  return `int${bits}` as NumberFormat;
}

function check(opts: QuantizeOptions): void {
  const bad = (option: string, message: string): never => {
    throw InputError.one(option, '', message);
  };
  const maxBits = opts.scheme === 'kmeans' ? 16 : 32;
  const minBits = opts.scheme === 'linear' && opts.symmetric !== false ? 2 : 1;
  for (const r of opts.bits) if (!(Number.isInteger(r.value) && r.value >= minBits && r.value <= maxBits)) bad('--bits', `${r.pattern}=${r.value}: ${opts.scheme} bits must be an integer in ${minBits}..${maxBits}`);
  for (const r of opts.activationBits ?? []) if (!(Number.isInteger(r.value) && r.value >= 1 && r.value <= 32)) bad('--activation-bits', `${r.pattern}=${r.value}: bits must be an integer in 1..32`);
  if (opts.granularity === 'group' && !(Number.isInteger(opts.groupSize) && (opts.groupSize as number) >= 1)) bad('--group-size', 'group granularity needs --group-size ≥ 1');
  if (opts.centroidBits !== undefined && !(Number.isInteger(opts.centroidBits) && opts.centroidBits >= 2 && opts.centroidBits <= 32)) bad('--centroid-bits', 'centroid bits must be an integer in 2..32');
}

function sqnr(orig: Float32Array, q: Float32Array, mask: Uint8Array): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < orig.length; i++) {
    if (mask[i] !== 1) continue;
    const o = orig[i] as number;
    s += o * o;
    e += (o - (q[i] as number)) ** 2;
  }
  return e === 0 ? Infinity : 10 * Math.log10(s / e);
}

/** Quantizes a valued network; see the module comment. */
export function quantize(input: ValuedNetwork, opts: QuantizeOptions): QuantizeResult {
  check(opts);
  const vn = cloneValued(input);
  const w = resolveNetwork(vn.spec, vn.origin);
  const reports: LayerQuantizeReport[] = [];
  let before = 0;
  let after = 0;
  w.layers.forEach((l: Layer, i) => {
    const s = vn.spec.layers[i] as LayerSpec;
    const actBits = opts.activationBits ? ruleFor(opts.activationBits, l.name) : undefined;
    if (actBits !== undefined) {
      const b = { format: intFormat(actBits), storageBits: actBits, computeBits: actBits };
      s.inputs = { ...s.inputs, ...b };
      s.outputs = { ...s.outputs, ...b };
    }
    const t = vn.tensors.get(l.name);
    if (!hasWeightTensor(l) || !t || !l.weights) return;
    let stored = 0;
    for (let j = 0; j < t.mask.length; j++) stored += t.mask[j] as number;
    const old = l.weights;
    before += stored * old.storageBits;
    const bits = ruleFor(opts.bits, l.name);
    if (bits === undefined) {
      after += stored * old.storageBits;
      return;
    }
    const sh = weightShape(l);
    const bounds = sliceBounds(sh.rows, sh.cols, opts.granularity, opts.groupSize);
    const slices = bounds.length - 1;
    let values: Float32Array;
    let storageBits: number;
    let computeBits: number;
    let overheadBits: number;
    const granularity = { granularity: opts.granularity, ...(opts.granularity === 'group' ? { groupSize: opts.groupSize as number } : {}) };
    if (opts.scheme === 'linear') {
      const symmetric = opts.symmetric !== false;
      values = linearQuantize(t.values, bits, symmetric, bounds).dequantized;
      storageBits = computeBits = bits;
      overheadBits = slices * SCALE_BITS * (symmetric ? 1 : 2);
      s.weights = { ...s.weights, format: intFormat(bits), storageBits, computeBits, quantization: { scheme: 'linear', ...granularity, symmetric, slices } };
    } else {
      computeBits = opts.centroidBits ?? old.computeBits;
      const cb = computeBits;
      const r = kmeansQuantize(t.values, bits, bounds, (c) => Float64Array.from(linearQuantize(Float32Array.from(c), cb, true).dequantized));
      values = r.dequantized;
      storageBits = bits;
      overheadBits = slices * r.entries * computeBits;
      s.weights = { ...s.weights, format: intFormat(computeBits), storageBits, computeBits, quantization: { scheme: 'kmeans', ...granularity, entries: r.entries, slices } };
    }
    let zeroed = 0;
    const distinct = new Set<number>();
    for (let j = 0; j < values.length; j++) {
      if (t.mask[j] === 1 && t.values[j] !== 0 && values[j] === 0) zeroed++;
      if (values[j] !== 0) distinct.add(values[j] as number);
    }
    after += stored * storageBits + overheadBits;
    vn.tensors.set(l.name, { values, mask: t.mask });
    reports.push({
      layer: l.name,
      op: l.op,
      storageBits: { before: old.storageBits, after: storageBits },
      computeBits: { before: old.computeBits, after: computeBits },
      slices,
      overheadBits,
      distinctNonzero: distinct.size,
      sqnrDb: sqnr(t.values, values, t.mask),
      zeroed,
    });
  });
  return { net: vn, layers: reports, weightStorageBits: { before, after } };
}
