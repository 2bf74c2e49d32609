/**
 * Where each output pixel's window meets sensitive input regions.
 *
 * A MAC layer's reduction element e = ci·R·S + r·S + s (the weight layout
 * K×(C/g)×R×S) of output pixel (n, oy, ox) reads input pixel
 * (n, oy·strideH − padH + r, ox·strideW − padW + s) of channel ci. Sensitivity
 * is spatial (every channel of a region shares it), so one count per window
 * position describes the whole reduction. Padding positions are never sensitive.
 */
import type { ConvGeometry } from '../../workload/layer.js';
import type { SensitivityMap } from '../../workload/sparsity.js';

/** Per output pixel, the running count of sensitive window positions. */
export interface WindowProfile {
  /** Window positions R·S. */
  rs: number;
  /** Output pixels N·OH·OW, in (n, oy, ox) order (the GEMM's M order). */
  pixels: number;
  /** prefix[p·(rs+1) + q]: sensitive positions among pixel p's first q window positions. Empty when no region is sensitive. */
  prefix: Int32Array;
  /** False when no input pixel is sensitive (every count is 0). */
  any: boolean;
}

/** Sensitivity of every input pixel (N×H×W, 1 = sensitive), expanded from the region grid; undefined when no region is sensitive. */
export function pixelSensitivity(g: ConvGeometry, map: SensitivityMap): Uint8Array | undefined {
  if (!map.mask.includes(1)) return undefined;
  const plane = g.h * g.w;
  const sens = new Uint8Array(g.n * plane);
  for (let n = 0; n < g.n; n++) {
    for (let y = 0; y < g.h; y++) {
      const rowBase = (n * map.rows + Math.floor(y / map.regionH)) * map.cols;
      for (let x = 0; x < g.w; x++) sens[n * plane + y * g.w + x] = map.mask[rowBase + Math.floor(x / map.regionW)]!;
    }
  }
  return sens;
}

/** The window profile of a convolution geometry under a sensitivity map. */
export function windowProfile(g: ConvGeometry, map: SensitivityMap): WindowProfile {
  const rs = g.r * g.s;
  const pixels = g.n * g.oh * g.ow;
  const sens = pixelSensitivity(g, map);
  if (!sens) return { rs, pixels, prefix: new Int32Array(0), any: false };
  const plane = g.h * g.w;
  const stride = rs + 1;
  const prefix = new Int32Array(pixels * stride);
  let p = 0;
  for (let n = 0; n < g.n; n++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++, p++) {
        const base = p * stride;
        let acc = 0;
        for (let r = 0; r < g.r; r++) {
          const y = oy * g.strideH - g.padH + r;
          for (let s = 0; s < g.s; s++) {
            const x = ox * g.strideW - g.padW + s;
            if (y >= 0 && y < g.h && x >= 0 && x < g.w) acc += sens[n * plane + y * g.w + x]!;
            prefix[base + r * g.s + s + 1] = acc;
          }
        }
      }
    }
  }
  return { rs, pixels, prefix, any: true };
}

/** Sensitive reduction elements of pixel `p` in the slice [e0, e1) of its C/g·R·S elements. */
export function sensitiveInSlice(prof: WindowProfile, p: number, e0: number, e1: number): number {
  if (!prof.any) return 0;
  const rs = prof.rs;
  const base = p * (rs + 1);
  const whole = prof.prefix[base + rs]!;
  const upTo = (e: number) => Math.floor(e / rs) * whole + prof.prefix[base + (e % rs)]!;
  return upTo(e1) - upTo(e0);
}
