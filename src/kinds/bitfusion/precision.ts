/**
 * How a Fusion Unit fuses its BitBricks for a layer's operand widths.
 *
 * A Fusion Unit holds (maxBits/minBits)² BitBricks of minBits×minBits. Let a' and
 * w' be the operand widths raised to minBits and rounded up to a power of two: an
 * a×w-bit product fuses (a'/minBits)·(w'/minBits) bricks into one fused PE, so the
 * unit performs (maxBits/a')·(maxBits/w') products per cycle — with 8/2: one at
 * 8×8, two at 8×4, four at 4×4 or 8×2, sixteen at 2×2 (1-bit runs as 2-bit). The
 * products of one unit are summed into one output, so they extend the reduction.
 * An operand wider than maxBits is split into ⌈bits/maxBits⌉ slices that take one
 * pass each (16×16 on an 8-bit unit: 4 cycles per product).
 */

/** The fused configuration of a Fusion Unit for one layer. */
export interface FusionMode {
  /** Products one Fusion Unit computes per pass (the public simulator's perf factor). */
  lanes: number;
  /** Cycles one set of products takes: temporal passes over operand slices wider than maxBits. */
  passes: number;
  /** Activation and weight widths as the BitBricks see them (raised to minBits, rounded to the fused width). */
  fusedBits: [number, number];
}

/**
 * Products per pass along one operand of width `bits`: bricks fuse in powers of two,
 * so the width is rounded up to one (for maxBits = 8 this is the public simulator's
 * ⌊8/bits⌋; for 16 it differs, e.g. 5 bits take an 8-bit slot: 2, not ⌊16/5⌋ = 3).
 */
function lanesOf(bits: number, maxBits: number, minBits: number): number {
  return bits > maxBits ? 1 : maxBits / 2 ** Math.ceil(Math.log2(Math.max(bits, minBits)));
}

/** Passes along one operand of width `bits`. */
function passesOf(bits: number, maxBits: number): number {
  return Math.max(1, Math.ceil(bits / maxBits));
}

/** Fusion of a Fusion Unit (`maxBits`/`minBits`) for `aBits`-bit activations and `wBits`-bit weights. */
export function fusionMode(aBits: number, wBits: number, maxBits: number, minBits: number): FusionMode {
  const la = lanesOf(aBits, maxBits, minBits);
  const lw = lanesOf(wBits, maxBits, minBits);
  const pa = passesOf(aBits, maxBits);
  const pw = passesOf(wBits, maxBits);
  return { lanes: la * lw, passes: pa * pw, fusedBits: [(maxBits / la) * pa, (maxBits / lw) * pw] };
}
