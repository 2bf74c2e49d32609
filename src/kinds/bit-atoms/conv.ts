/**
 * Atom counts through a convolution's windows: gathering one output pixel's
 * inputs for a slice of its reduction, and layer totals of atom pairs by why
 * they are (not) computed. Reduction element e = ci·R·S + r·S + s of group grp
 * reads input channel grp·C/g + ci at (oy·strideH − padH + r, ox·strideW − padW + s);
 * outside the input it reads padding (no atom).
 *
 * `sens` optionally selects input pixels: an N×H×W array of 0/1, and only
 * pixels whose value equals `want` are taken (the others count as absent), so
 * a layer's MACs can be split by the precision region their input lies in;
 * padding counts as 0 (never sensitive).
 */
import type { ConvGeometry } from '../../workload/layer.js';
import type { AtomOperand } from './operands.js';

/** Output pixel p = (n·OH + oy)·OW + ox of a geometry. */
function pixelAt(g: ConvGeometry, p: number): { n: number; oy: number; ox: number } {
  const ox = p % g.ow;
  const t = (p - ox) / g.ow;
  const oy = t % g.oh;
  return { n: (t - oy) / g.oh, oy, ox };
}

/**
 * Writes the nonzero-atom counts of output pixel `p`'s reduction elements
 * [e0, e1) in group `grp` to out[0 .. e1−e0): 0 for padding and for pixels `sens` does not select.
 */
export function gatherWindow(g: ConvGeometry, counts: Uint8Array, sens: Uint8Array | undefined, want: number, p: number, grp: number, e0: number, e1: number, out: Uint8Array): void {
  const { n, oy, ox } = pixelAt(g, p);
  const rs = g.r * g.s;
  const cg = g.c / g.groups;
  const plane = g.h * g.w;
  const y0 = oy * g.strideH - g.padH;
  const x0 = ox * g.strideW - g.padW;
  for (let e = e0; e < e1; e++) {
    const ci = Math.floor(e / rs);
    const q = e - ci * rs;
    const r = Math.floor(q / g.s);
    const y = y0 + r;
    const x = x0 + q - r * g.s;
    let v = 0;
    if (y >= 0 && y < g.h && x >= 0 && x < g.w) {
      const pix = y * g.w + x;
      if (sens === undefined || sens[n * plane + pix] === want) v = counts[(n * g.c + grp * cg + ci) * plane + pix]!;
    }
    out[e - e0] = v;
  }
}

/** Atom pairs of a layer's MACs, and why the skipped ones are skipped. */
export interface PairTally {
  /** MACs counted (all of the layer's, or those `sens` selects). */
  macs: number;
  /** MACs whose operands are both nonzero codes. */
  executedMacs: number;
  /** slotsA·slotsW per MAC: what a PE without skipping multiplies. */
  densePairs: number;
  /** Atom pairs with both atoms nonzero: what zero-atom skipping multiplies. */
  executedPairs: number;
  /** Skipped pairs by cause: padding, a structural zero (the trace's mask), a code rounded to 0 by quantization, a zero atom of a nonzero code. */
  skipped: { padding: number; sparsity: number; rounding: number; atoms: number };
}

/** An all-zero tally. */
export function emptyTally(): PairTally {
  return { macs: 0, executedMacs: 0, densePairs: 0, executedPairs: 0, skipped: { padding: 0, sparsity: 0, rounding: 0, atoms: 0 } };
}

/** Adds `b` into `a`. */
export function addTally(a: PairTally, b: PairTally): void {
  a.macs += b.macs;
  a.executedMacs += b.executedMacs;
  a.densePairs += b.densePairs;
  a.executedPairs += b.executedPairs;
  for (const k of Object.keys(a.skipped) as (keyof PairTally['skipped'])[]) a.skipped[k] += b.skipped[k];
}

/**
 * Pair totals of a convolution with inputs `a` and weights `w`. Exact and cheap:
 * for a fixed reduction element every selected pixel meets every filter of the
 * group, so each total is a sum over elements of (pixel-side sum) × (filter-side sum).
 */
export function tallyConv(g: ConvGeometry, a: AtomOperand, w: AtomOperand, sens?: Uint8Array, want = 1): PairTally {
  const rs = g.r * g.s;
  const red = (g.c / g.groups) * rs;
  const kg = g.k / g.groups;
  const pixels = g.n * g.oh * g.ow;
  const slots = a.slots * w.slots;
  const t = emptyTally();
  // Pixel-side statistics per reduction element: taken, padding, masked, rounded to 0, nonzero, Σ nonzero atoms.
  const taken = new Float64Array(red), pad = new Float64Array(red), masked = new Float64Array(red), nz = new Float64Array(red), atoms = new Float64Array(red);
  const plane = g.h * g.w;
  const cg = g.c / g.groups;
  for (let grp = 0; grp < g.groups; grp++) {
    taken.fill(0); pad.fill(0); masked.fill(0); nz.fill(0); atoms.fill(0);
    for (let p = 0; p < pixels; p++) {
      const { n, oy, ox } = pixelAt(g, p);
      for (let q = 0; q < rs; q++) {
        const r = Math.floor(q / g.s);
        const y = oy * g.strideH - g.padH + r;
        const x = ox * g.strideW - g.padW + q - r * g.s;
        const inside = y >= 0 && y < g.h && x >= 0 && x < g.w;
        // Padding is never in a selected (sensitive) region: it counts as 0.
        if (sens !== undefined && (inside ? sens[n * plane + y * g.w + x] : 0) !== want) continue;
        for (let ci = 0; ci < cg; ci++) {
          const e = ci * rs + q;
          taken[e]!++;
          if (!inside) {
            pad[e]!++;
            continue;
          }
          const i = (n * g.c + grp * cg + ci) * plane + y * g.w + x;
          if (a.masked[i] === 1) masked[e]!++;
          else if (a.counts[i]! > 0) {
            nz[e]!++;
            atoms[e]! += a.counts[i]!;
          }
        }
      }
    }
    for (let e = 0; e < red; e++) {
      let wMasked = 0, wNz = 0, wAtoms = 0;
      for (let k = grp * kg; k < (grp + 1) * kg; k++) {
        const i = k * red + e;
        if (w.masked[i] === 1) wMasked++;
        else if (w.counts[i]! > 0) {
          wNz++;
          wAtoms += w.counts[i]!;
        }
      }
      const macs = taken[e]! * kg;
      const live = (taken[e]! - pad[e]! - masked[e]!) * (kg - wMasked); // in bounds and kept by both masks
      const exec = nz[e]! * wNz;
      t.macs += macs;
      t.executedMacs += exec;
      t.densePairs += macs * slots;
      t.executedPairs += atoms[e]! * wAtoms;
      t.skipped.padding += pad[e]! * kg * slots;
      t.skipped.sparsity += (macs - pad[e]! * kg - live) * slots;
      t.skipped.rounding += (live - exec) * slots;
      t.skipped.atoms += exec * slots - atoms[e]! * wAtoms;
    }
  }
  return t;
}
