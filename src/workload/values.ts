/**
 * Operand VALUES of a layer — what bit-level models (zero-atom skipping) and
 * value-driven transforms (magnitude pruning, quantization) read. Masks say
 * where the zeros are (src/workload/sparsity.ts); this module fills the rest.
 *
 * API (four readers and one writer; the other exports are helpers):
 * - {@link weightValues} / {@link activationValues}: float values, zero wherever
 *   the operand's mask is 0 (the mask may also hold a few stored zeros: padding
 *   or a real weight that is 0). Layouts as the masks: weights K×(C/g)×R×S,
 *   activations N×C×H×W.
 * - {@link weightCodes} / {@link activationCodes}: the integers a fixed-point
 *   datapath of the operand's `computeBits` multiplies — linear quantization
 *   (src/workload/transforms/quantizers.ts) with zero point 0: weights symmetric
 *   per output channel, activations per layer (unsigned when non-negative).
 *   Quantization can round a small nonzero value to code 0, as real hardware does.
 * - {@link provideWeightValues}: real values (an imported model, a pruned or
 *   quantized trace's tensor file) replace the synthetic ones and fix the mask.
 *
 * Synthetic values are deterministic: drawn from generators seeded by
 * hash(seed, network, layer, 'weights.values' | 'inputs.values'), independent of
 * the order layers are read in. Dense values are drawn for every position and
 * then masked, so the values that survive pruning equal the unpruned ones.
 *
 * Distributions (modelling choices, not measurements; the constants below):
 * - weights: w[k, j] = σ · g_k · z_kj with σ = √(2 / fan-in) (He et al., ICCV
 *   2015 initialisation scale), z Laplace with unit variance (trained weights are
 *   peaked around zero: Han et al., "Deep Compression", ICLR 2016, Fig. 5), and a
 *   per-output-channel gain g_k = exp(0.5·N(0, 1)) so filter norms spread over a
 *   few × within a layer as in trained CNNs (Li et al., "Pruning Filters for
 *   Efficient ConvNets", ICLR 2017, Fig. 2(a)) — the 0.5 is a guess;
 * - activations: a per-channel scale exp(0.5·N(0, 1)) times |N(0, 1)| (the
 *   positive half of a Gaussian: post-ReLU), except the network's first layer,
 *   whose input (normalised pixels, embeddings) is signed N(0, 1) × scale.
 */
import type { Layer } from './layer.js';
import { layerCache } from './layer-cache.js';
import { activationMask, activationShape, provideWeightMask, weightMask, weightShape, type WorkloadKey } from './sparsity.js';
import { rngFor, type Rng } from '../core/random.js';
import { linearQuantize, sliceBounds } from './transforms/quantizers.js';

/** σ of the log-normal per-channel gain of synthetic weights and activations (a guess; see the module comment). */
export const CHANNEL_GAIN_SIGMA = 0.5;

const LAPLACE_B = Math.SQRT1_2; // Laplace scale b with variance 2b² = 1

const provided = new WeakMap<Layer, Float32Array>();
const cached = layerCache<Float32Array | Int32Array>();

/** A standard normal draw (Box–Muller; one of the pair). */
function normal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Gives a MAC layer real weight values (K×(C/g)×R×S). Its mask becomes `mask`
 * when given (1 = stored element; it must cover every nonzero value), else the
 * nonzeros of `values`. Arrays are kept, not copied — do not mutate them.
 */
export function provideWeightValues(layer: Layer, values: Float32Array, mask?: Uint8Array): void {
  const sh = weightShape(layer);
  if (values.length !== sh.rows * sh.cols) throw new RangeError(`layer "${layer.name}": ${values.length} values for ${sh.rows}×${sh.cols} weights`);
  const m = mask ?? nonzeroMask(values);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && m[i] === 0) throw new RangeError(`layer "${layer.name}": value ${values[i]} at element ${i} lies outside its mask`);
  }
  provideWeightMask(layer, m);
  provided.set(layer, values);
}

/** 1 where `values` is nonzero. */
export function nonzeroMask(values: Float32Array): Uint8Array {
  const m = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) m[i] = values[i] !== 0 ? 1 : 0;
  return m;
}

/** True when the layer's weights are real (given with {@link provideWeightValues}), not synthetic. */
export function hasRealWeights(layer: Layer): boolean {
  return provided.has(layer);
}

/**
 * Weight values of a MAC layer, K×(C/g)×R×S: real ones when provided, else
 * synthetic ones drawn with `seed` (default: the workload's) and masked by
 * {@link weightMask}. Cached per layer object and seed; do not mutate.
 */
export function weightValues(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Float32Array {
  const real = provided.get(layer);
  if (real) return real;
  return cached(layer, `${workload.name}\u0000${seed}\u0000weights`, () => {
    const sh = weightShape(layer);
    const mask = weightMask(layer, workload, seed);
    const rng = rngFor(seed, workload.name, layer.name, 'weights.values');
    const sigma = Math.sqrt(2 / sh.cols);
    const gains = Float64Array.from({ length: sh.rows }, () => sigma * Math.exp(CHANNEL_GAIN_SIGMA * normal(rng)));
    const out = new Float32Array(sh.rows * sh.cols);
    for (let k = 0, i = 0; k < sh.rows; k++) {
      const g = gains[k] as number;
      for (let j = 0; j < sh.cols; j++, i++) {
        // Laplace by inverse CDF, u in (−0.5, 0.5) and never 0 (so z is finite and nonzero); drawn for every position, then masked.
        const u = rng.next() + 2 ** -33 - 0.5;
        const z = -LAPLACE_B * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
        out[i] = mask[i] === 1 ? g * z : 0;
      }
    }
    return out;
  });
}

/** True when a layer's input activations are signed in the synthetic model (the network's first layer). */
export function signedActivations(layer: Layer): boolean {
  return layer.index === 0;
}

/**
 * Input activation values, N×C×H×W (see {@link activationShape}), drawn with
 * `seed` (default: the workload's) and masked by {@link activationMask}:
 * non-negative except for the network's first layer. Cached; do not mutate.
 */
export function activationValues(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Float32Array {
  return cached(layer, `${workload.name}\u0000${seed}\u0000inputs`, () => {
    const sh = activationShape(layer);
    const mask = activationMask(layer, workload, seed);
    const rng = rngFor(seed, workload.name, layer.name, 'inputs.values');
    const scales = Float64Array.from({ length: sh.c }, () => Math.exp(CHANNEL_GAIN_SIGMA * normal(rng)));
    const signed = signedActivations(layer);
    const plane = sh.h * sh.w;
    const out = new Float32Array(sh.n * sh.c * plane);
    for (let i = 0; i < out.length; i++) {
      const z = normal(rng);
      if (mask[i] === 0) continue;
      const s = scales[Math.floor(i / plane) % sh.c] as number;
      // A kept element is never exactly 0 (the mask says it is nonzero).
      out[i] = s * (signed ? z || Number.MIN_VALUE : Math.abs(z) || Number.MIN_VALUE);
    }
    return out;
  });
}

/**
 * Integer weights at the operand's `computeBits`: symmetric linear quantization
 * (codes in ±(2^(b−1) − 1)) with one scale per slice of the operand's recorded
 * quantization granularity — so a linearly quantized or k-means trace gets back
 * its own integer levels — or per output channel when none is recorded.
 * Cached; do not mutate.
 */
export function weightCodes(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Int32Array {
  const bits = layer.weights?.computeBits ?? 0;
  const key = `${workload.name}\u0000${seed}\u0000weights.codes\u0000${hasRealWeights(layer) ? 'real' : 'synthetic'}`;
  return cached(layer, key, () => {
    const sh = weightShape(layer);
    const q = layer.weights?.quantization;
    const bounds = sliceBounds(sh.rows, sh.cols, q?.granularity ?? 'channel', q?.groupSize);
    return linearQuantize(weightValues(layer, workload, seed), Math.max(2, bits), true, bounds).codes;
  });
}

/**
 * Integer input activations at the inputs' `computeBits`, one scale per layer:
 * unsigned codes in [0, 2^b − 1] for non-negative activations, symmetric signed
 * codes for the first layer's. Cached; do not mutate.
 */
export function activationCodes(layer: Layer, workload: WorkloadKey, seed: number = workload.seed): Int32Array {
  return cached(layer, `${workload.name}\u0000${seed}\u0000inputs.codes`, () => {
    const signed = signedActivations(layer);
    const bits = Math.max(signed ? 2 : 1, layer.inputs.computeBits);
    return linearQuantize(activationValues(layer, workload, seed), bits, signed).codes;
  });
}
