/**
 * Row costs under atom skipping (`atoms.skip` = values | atoms): a PE row's
 * time for an output pixel is the slowest of its PEs (they share the row's
 * input broadcast), and a PE's time is Σ over its MACs of the cycles the MAC's
 * atom pairs take on its (multiplierBits/atomBits)² atom multipliers
 * (src/kinds/bit-atoms/atoms.ts), read from the operands' values. Inputs in
 * sensitive regions and their weights run at the layer's bits, the others at
 * the low precision, requantized.
 */
import type { SimContext } from '../kind.js';
import type { Layer } from '../../workload/layer.js';
import { macCycleTable, type SkipMode } from '../bit-atoms/atoms.js';
import { gatherWindow, tallyConv, type PairTally } from '../bit-atoms/conv.js';
import { inputAtoms, weightAtoms, type AtomOperand } from '../bit-atoms/operands.js';
import type { MultiPrecisionParams } from './params.js';
import type { PrecisionPlan, Tiling } from './simulate.js';

/** One precision's operands, cycle table and pair totals. */
interface Part {
  a: AtomOperand;
  w: AtomOperand;
  table: Uint8Array;
  /** Input pixels this part takes (`want` in `sens`), or all when `sens` is undefined. */
  want: number;
  tally: PairTally;
}

/** Row costs and pair totals of a MAC layer under atom skipping. */
export interface AtomCosts {
  /** Row cycles of every pixel, per pass, for column fold `fc` of group `grp`. */
  costsFor(grp: number, fc: number): Int32Array[];
  /** Pair totals at the layer's bits (sensitive inputs) and at the low precision; either may be absent. */
  high?: PairTally;
  low?: PairTally;
  /** Atom slots per operand at each precision (pairs of a dense MAC = product). */
  highSlots: number;
  lowSlots: number;
}

/**
 * Atom-skipping costs of `layer`. `region`: DRQ precision (else every MAC at
 * the layer's bits); `sens`: sensitive input pixels (N×H×W), undefined when none is.
 */
export function atomCosts(layer: Layer, p: MultiPrecisionParams, t: Tiling, plan: PrecisionPlan, region: boolean, sens: Uint8Array | undefined, ctx: SimContext): AtomCosts {
  const g = layer.conv!;
  const C = p.array.cols;
  const ab = p.atoms.bits;
  const mode = p.atoms.skip as SkipMode;
  const multipliers = Math.max(1, Math.floor(p.pe.multiplierBits / ab) ** 2);
  const make = (bitsA: number, bitsW: number, want: number, select: Uint8Array | undefined): Part => {
    const a = inputAtoms(layer, ctx.workload, ctx.seed, ab, bitsA);
    const w = weightAtoms(layer, ctx.workload, ctx.seed, ab, bitsW);
    return { a, w, table: macCycleTable(mode, a.slots, w.slots, multipliers), want, tally: tallyConv(g, a, w, select, want) };
  };
  const select = region ? sens : undefined;
  // Uniform precision: everything high. Region: sensitive pixels high, the rest low (all low when none is sensitive).
  const high = !region || sens ? make(plan.high.a, plan.high.w, 1, select) : undefined;
  const low = region ? make(plan.low.a, plan.low.w, 0, select) : undefined;
  const parts = [high, low].filter((x): x is Part => x !== undefined);

  const red = t.reduction;
  const kg = t.filters;
  const buf = new Uint8Array(t.passLength);
  // A pixel's nonzero inputs in the slice: their element offsets and their rows of the cycle table.
  const idx = parts.map(() => new Int32Array(t.passLength));
  const row = parts.map(() => new Int32Array(t.passLength));
  const live = parts.map(() => 0);
  const costsFor = (grp: number, fc: number): Int32Array[] => {
    const cols = Math.min(C, kg - fc * C);
    const out: Int32Array[] = [];
    for (let k = 0; k < t.passes; k++) {
      const e0 = k * t.passLength;
      const len = Math.min(t.passLength, red - e0);
      const costs = new Int32Array(t.pixels);
      for (let px = 0; px < t.pixels; px++) {
        parts.forEach((part, i) => {
          gatherWindow(g, part.a.counts, select, part.want, px, grp, e0, e0 + len, buf);
          const stride = part.w.slots + 1;
          let n = 0;
          // Zero inputs (and padding) cost no cycle in any column: only the others are visited.
          for (let j = 0; j < len; j++) {
            if (buf[j] === 0) continue;
            idx[i]![n] = j;
            row[i]![n++] = buf[j]! * stride;
          }
          live[i] = n;
        });
        let slowest = 0;
        for (let c = 0; c < cols; c++) {
          const base = (grp * kg + fc * C + c) * red + e0;
          let cyc = 0;
          for (let i = 0; i < parts.length; i++) {
            const table = parts[i]!.table;
            const wc = parts[i]!.w.counts;
            const ix = idx[i]!;
            const rw = row[i]!;
            const n = live[i]!;
            for (let q = 0; q < n; q++) cyc += table[rw[q]! + wc[base + ix[q]!]!]!;
          }
          if (cyc > slowest) slowest = cyc;
        }
        costs[px] = slowest;
      }
      out.push(costs);
    }
    return out;
  };
  return {
    costsFor,
    ...(high ? { high: high.tally } : {}),
    ...(low ? { low: low.tally } : {}),
    highSlots: high ? high.a.slots * high.w.slots : 0,
    lowSlots: low ? low.a.slots * low.w.slots : 0,
  };
}
