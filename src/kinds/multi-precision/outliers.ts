/**
 * Outlier-aware precision (OLAccel, Park et al., ISCA 2018): per value, the
 * largest-magnitude activations and weights of a layer are outliers kept at
 * the layer's bits; the rest run at `precision.lowBits` on dense lanes.
 *
 * Outliers are chosen from the operands' values (src/workload/values.ts):
 * the ⌊fraction·n⌉ largest |value|s of the layer's inputs (N×C×H×W) and of its
 * weights (K×(C/g)×R×S), ties broken by position, so the choice is
 * deterministic. Zeros (padding, pruned weights) are never outliers.
 *
 * Timing on the output-stationary array (simulate.ts): a row takes one input
 * element at a time and broadcasts it to its columns, grouped in lane groups of
 * `outliers.laneGroup` with `outliers.weightMacs` full-width outlier-weight
 * MACs each, so an element costs max(L, ⌈n/weightMacs⌉) cycles, L the cycles of
 * a low-precision MAC on the lanes and n the largest count of outlier weights
 * in one lane group. An outlier activation is taken off the dense lanes (they
 * spend their L cycles on a zero) and sent to the shared full-width
 * outlier-activation unit, where it costs ⌈columns/activationMacs⌉ cycles.
 */
import type { SimContext } from '../kind.js';
import type { Layer } from '../../workload/layer.js';
import { layerCache } from '../../workload/layer-cache.js';
import { activationValues, weightValues } from '../../workload/values.js';
import type { MultiPrecisionParams } from './params.js';
import type { Tiling } from './simulate.js';

const cached = layerCache<Uint8Array>();

/** 1 at the ⌊fraction·n⌉ largest |values| (ties broken by position, zeros never), 0 elsewhere. */
export function largestMask(values: Float32Array, fraction: number): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n);
  let want = Math.round(fraction * n);
  if (want <= 0) return out;
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) mag[i] = Math.abs(values[i]!);
  const threshold = kthSmallest(mag.slice(), Math.max(0, n - want));
  if (threshold === 0) {
    // Fewer nonzeros than wanted: every nonzero is an outlier.
    for (let i = 0; i < n; i++) out[i] = mag[i]! > 0 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (mag[i]! > threshold) {
      out[i] = 1;
      want--;
    }
  }
  for (let i = 0; i < n && want > 0; i++) {
    if (mag[i] === threshold) {
      out[i] = 1;
      want--;
    }
  }
  return out;
}

/** The k-th smallest of `a` (0-based), by quickselect with median-of-three pivots; reorders `a`. */
export function kthSmallest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Outlier masks of a MAC layer's inputs (N×C×H×W) and weights (K×(C/g)×R×S). Cached per layer, seed and fraction. */
export function outlierMasks(layer: Layer, p: MultiPrecisionParams, ctx: SimContext): { inputs: Uint8Array; weights: Uint8Array } {
  const { activationFraction: fa, weightFraction: fw } = p.outliers;
  const key = `${ctx.workload.name}\u0000${ctx.seed}`;
  return {
    inputs: cached(layer, `${key}\u0000inputs\u0000${fa}`, () => largestMask(activationValues(layer, ctx.workload, ctx.seed), fa)),
    weights: cached(layer, `${key}\u0000weights\u0000${fw}`, () => largestMask(weightValues(layer, ctx.workload, ctx.seed), fw)),
  };
}

/** Row and outlier-unit costs of a MAC layer in outlier mode, and its MACs by kind. */
export interface OutlierCosts {
  /** Per pass, per pixel: row cycles and outlier-unit cycles for column fold `fc` of group `grp`. */
  costsFor(grp: number, fc: number): { rows: Int32Array[]; unit: Int32Array[] };
  /** MACs on the dense lanes (both operands low), on the outlier-weight MACs (low input × outlier weight), on the outlier-activation unit. */
  denseMacs: number;
  weightOutlierMacs: number;
  activationOutlierMacs: number;
  /** Outlier inputs and weights of the layer, and the operands' element counts. */
  outlierInputs: number;
  outlierWeights: number;
  inputElements: number;
  weightElements: number;
}

/** Outlier-mode costs of `layer` cut by tiling `t` on design `p`, whose dense lanes take `lowCycles` per MAC. */
export function outlierCosts(layer: Layer, p: MultiPrecisionParams, t: Tiling, lowCycles: number, ctx: SimContext): OutlierCosts {
  const g = layer.conv!;
  const C = p.array.cols;
  const { laneGroup, weightMacs, activationMacs } = p.outliers;
  const masks = outlierMasks(layer, p, ctx);
  const rs = g.r * g.s;
  const cg = g.c / g.groups;
  const red = t.reduction;
  const kg = t.filters;
  const plane = g.h * g.w;

  // (pixel, element) pairs whose input is an outlier, per group: found from each outlier input's
  // position by walking the window positions that read it.
  const pairPx: number[][] = [];
  const pairEl: number[][] = [];
  const perElement: Int32Array[] = []; // per group: pixels whose input at element e is an outlier
  for (let grp = 0; grp < g.groups; grp++) {
    const px: number[] = [];
    const el: number[] = [];
    const count = new Int32Array(red);
    for (let n = 0; n < g.n; n++) {
      for (let ci = 0; ci < cg; ci++) {
        const base = (n * g.c + grp * cg + ci) * plane;
        for (let y = 0; y < g.h; y++) {
          for (let x = 0; x < g.w; x++) {
            if (masks.inputs[base + y * g.w + x] !== 1) continue;
            for (let r = 0; r < g.r; r++) {
              const ty = y + g.padH - r;
              if (ty < 0 || ty % g.strideH !== 0 || ty / g.strideH >= g.oh) continue;
              for (let s = 0; s < g.s; s++) {
                const tx = x + g.padW - s;
                if (tx < 0 || tx % g.strideW !== 0 || tx / g.strideW >= g.ow) continue;
                const e = ci * rs + r * g.s + s;
                px.push((n * g.oh + ty / g.strideH) * g.ow + tx / g.strideW);
                el.push(e);
                count[e]!++;
              }
            }
          }
        }
      }
    }
    pairPx.push(px);
    pairEl.push(el);
    perElement.push(count);
  }

  let weightOutlierMacs = 0;
  let activationOutlierMacs = 0;
  for (let grp = 0; grp < g.groups; grp++) {
    activationOutlierMacs += pairPx[grp]!.length * kg;
    const count = perElement[grp]!;
    for (let f = 0; f < kg; f++) {
      const row = (grp * kg + f) * red;
      for (let e = 0; e < red; e++) if (masks.weights[row + e] === 1) weightOutlierMacs += t.pixels - count[e]!;
    }
  }

  const costsFor = (grp: number, fc: number) => {
    const cols = Math.min(C, kg - fc * C);
    // Cycles of element e on a row: the lanes' low-precision MAC, or the busiest lane group's outlier weights if longer.
    const extra = new Int32Array(red);
    const inGroup = new Int32Array(Math.ceil(cols / laneGroup));
    for (let e = 0; e < red; e++) {
      inGroup.fill(0);
      let most = 0;
      for (let c = 0; c < cols; c++) {
        if (masks.weights[(grp * kg + fc * C + c) * red + e] !== 1) continue;
        const n = ++inGroup[Math.floor(c / laneGroup)]!;
        if (n > most) most = n;
      }
      extra[e] = Math.max(lowCycles, Math.ceil(most / weightMacs));
    }
    const perActivation = Math.ceil(cols / activationMacs);
    const rows: Int32Array[] = [];
    const unit: Int32Array[] = [];
    for (let k = 0; k < t.passes; k++) {
      let base = 0;
      for (let e = k * t.passLength; e < Math.min(red, (k + 1) * t.passLength); e++) base += extra[e]!;
      rows.push(new Int32Array(t.pixels).fill(base));
      unit.push(new Int32Array(t.pixels));
    }
    const px = pairPx[grp]!;
    const el = pairEl[grp]!;
    for (let i = 0; i < px.length; i++) {
      const e = el[i]!;
      const k = Math.floor(e / t.passLength);
      // The outlier activation leaves the dense lanes their low-precision slot (a zero) and goes to the outlier unit.
      rows[k]![px[i]!]! += lowCycles - extra[e]!;
      unit[k]![px[i]!]! += perActivation;
    }
    return { rows, unit };
  };

  let outlierInputs = 0;
  for (const v of masks.inputs) outlierInputs += v;
  let outlierWeights = 0;
  for (const v of masks.weights) outlierWeights += v;
  return {
    costsFor,
    denseMacs: layer.macs - weightOutlierMacs - activationOutlierMacs,
    weightOutlierMacs,
    activationOutlierMacs,
    outlierInputs,
    outlierWeights,
    inputElements: masks.inputs.length,
    weightElements: masks.weights.length,
  };
}
