/**
 * Operands as atoms: a b-bit integer code is split into ⌈b_mag / atomBits⌉
 * atoms of its magnitude (sign-magnitude, as bit-level PEs that handle the sign
 * beside the product do; a signed code has b − 1 magnitude bits). An a×w product
 * is the sum of slotsA·slotsW atom-pair products, shifted; a pair whose atoms
 * are not both nonzero contributes nothing, so a PE can skip it (seed 004,
 * “Pruning + Quantization: atomize 2-bit computation”). A zero code has no
 * nonzero atom (sparsity); a small code has zero high atoms (low precision).
 */

/** Atom slots of a `bits`-bit code: ⌈magnitude bits / atomBits⌉, at least 1. */
export function atomSlots(bits: number, signed: boolean, atomBits: number): number {
  return Math.max(1, Math.ceil((signed ? bits - 1 : bits) / atomBits));
}

/** Nonzero atoms of |code|. */
export function nonzeroAtoms(code: number, atomBits: number): number {
  const mask = (1 << atomBits) - 1;
  let m = Math.abs(code);
  let n = 0;
  while (m > 0) {
    if ((m & mask) !== 0) n++;
    m >>>= atomBits;
  }
  return n;
}

/** Nonzero atoms of every code. */
export function atomCounts(codes: Int32Array, atomBits: number): Uint8Array {
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = nonzeroAtoms(codes[i]!, atomBits);
  return out;
}

/** Largest code magnitude of `bits` bits: 2^(b−1) − 1 signed, 2^b − 1 unsigned. */
export function codeMax(bits: number, signed: boolean): number {
  return signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
}

/**
 * Codes of `from` bits requantized to `to` bits over the same real range (the
 * scale grows by codeMax(from)/codeMax(to)): round(q · max_to / max_from),
 * clamped. Small codes become 0, as in a low-precision region of DRQ.
 */
export function requantize(codes: Int32Array, from: number, to: number, signed: boolean): Int32Array {
  if (to >= from) return codes;
  const hi = codeMax(to, signed);
  const k = hi / codeMax(from, signed);
  const lo = signed ? -hi : 0;
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = Math.min(hi, Math.max(lo, Math.round(codes[i]! * k)));
  return out;
}

/**
 * What a bit-level PE skips: `values` skips a MAC whose operand is zero (it still
 * runs every atom pair of the others); `atoms` skips every pair with a zero atom.
 */
export type SkipMode = 'values' | 'atoms';

/**
 * Cycles of one MAC on a PE with `multipliers` atom multipliers, by nonzero atom
 * counts: table[x·(slotsW+1) + y] for x nonzero atoms of the input and y of the
 * weight. A MAC with a zero operand takes no cycle; otherwise its pairs —
 * slotsA·slotsW (values) or x·y (atoms) — are issued `multipliers` per cycle,
 * one MAC at a time.
 */
export function macCycleTable(mode: SkipMode, slotsA: number, slotsW: number, multipliers: number): Uint8Array {
  const t = new Uint8Array((slotsA + 1) * (slotsW + 1));
  for (let x = 1; x <= slotsA; x++) {
    for (let y = 1; y <= slotsW; y++) t[x * (slotsW + 1) + y] = Math.ceil((mode === 'values' ? slotsA * slotsW : x * y) / multipliers);
  }
  return t;
}

/**
 * Brick work of one MAC, by nonzero atom counts: table[x·(slotsW+1) + y] for x
 * nonzero atoms of the input and y of the weight. A MAC with a zero operand
 * needs none; otherwise `values` charges it the `densePairs` atom-pair slots it
 * occupies without skipping, `atoms` only its x·y nonzero pairs. For units that
 * pack the pairs of several MACs of one output into one cycle (BitFusion's
 * Fusion Units), unlike {@link macCycleTable}, which rounds each MAC up to whole cycles.
 */
export function pairTable(mode: SkipMode, slotsA: number, slotsW: number, densePairs: number): Uint16Array {
  const t = new Uint16Array((slotsA + 1) * (slotsW + 1));
  for (let x = 1; x <= slotsA; x++) {
    for (let y = 1; y <= slotsW; y++) t[x * (slotsW + 1) + y] = mode === 'values' ? densePairs : x * y;
  }
  return t;
}
