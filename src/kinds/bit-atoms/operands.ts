/**
 * A MAC layer's operands as atom counts, from their values (src/workload/values.ts:
 * seeded synthetic weights with per-channel magnitudes, masked by the trace's
 * pruning, and post-ReLU activations, linearly quantized to the operands'
 * compute bits), at full precision and requantized to a lower precision.
 */
import type { Layer } from '../../workload/layer.js';
import { activationMask, weightMask, type WorkloadKey } from '../../workload/sparsity.js';
import { activationCodes, signedActivations, weightCodes } from '../../workload/values.js';
import { atomCounts, atomSlots, requantize } from './atoms.js';

/** One operand at one precision. */
export interface AtomOperand {
  bits: number;
  signed: boolean;
  /** Atom slots of a code: the most nonzero atoms one can have. */
  slots: number;
  /** Nonzero atoms of each element, in the operand's layout (weights K×(C/g)×R×S, inputs N×C×H×W). */
  counts: Uint8Array;
  /** 1 where the element is a structural zero (the trace's mask: pruned weights, zero activations). */
  masked: Uint8Array;
}

const cache = new WeakMap<Layer, Map<string, AtomOperand>>();

function cached(layer: Layer, key: string, make: () => AtomOperand): AtomOperand {
  let m = cache.get(layer);
  if (!m) cache.set(layer, (m = new Map()));
  let v = m.get(key);
  if (!v) m.set(key, (v = make()));
  return v;
}

function operand(codes: Int32Array, keep: Uint8Array, fullBits: number, bits: number, signed: boolean, atomBits: number): AtomOperand {
  const masked = new Uint8Array(keep.length);
  for (let i = 0; i < keep.length; i++) masked[i] = keep[i] === 0 ? 1 : 0;
  return { bits, signed, slots: atomSlots(bits, signed, atomBits), counts: atomCounts(requantize(codes, fullBits, bits, signed), atomBits), masked };
}

/**
 * Weights of a MAC layer as atoms at `bits` (≤ the weights' compute bits; lower
 * precisions requantize the codes). Cached per layer object; do not mutate.
 */
export function weightAtoms(layer: Layer, workload: WorkloadKey, seed: number, atomBits: number, bits: number): AtomOperand {
  const full = layer.weights!.computeBits;
  const b = Math.min(bits, full);
  return cached(layer, `${workload.name}\u0000${seed}\u0000w\u0000${atomBits}\u0000${b}`, () =>
    operand(weightCodes(layer, workload, seed), weightMask(layer, workload, seed), Math.max(2, full), Math.max(2, b), true, atomBits),
  );
}

/** Input activations of a layer as atoms at `bits` (≤ the inputs' compute bits). Cached per layer object; do not mutate. */
export function inputAtoms(layer: Layer, workload: WorkloadKey, seed: number, atomBits: number, bits: number): AtomOperand {
  const signed = signedActivations(layer);
  const full = Math.max(signed ? 2 : 1, layer.inputs.computeBits);
  const b = Math.max(signed ? 2 : 1, Math.min(bits, full));
  return cached(layer, `${workload.name}\u0000${seed}\u0000a\u0000${atomBits}\u0000${b}`, () =>
    operand(activationCodes(layer, workload, seed), activationMask(layer, workload, seed), full, b, signed, atomBits),
  );
}
