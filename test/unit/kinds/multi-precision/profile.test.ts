/**
 * Window profiles (src/kinds/multi-precision/profile.ts): the sensitive
 * reduction elements of each output pixel, checked against a direct count over
 * the window with padding, strides and batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sensitiveInSlice, windowProfile } from '../../../../src/kinds/multi-precision/profile.js';
import type { ConvGeometry } from '../../../../src/workload/layer.js';
import { isSensitive, type SensitivityMap } from '../../../../src/workload/sparsity.js';

function geometry(n: number, c: number, h: number, w: number, r: number, s: number, stride: number, pad: number): ConvGeometry {
  const oh = Math.floor((h + 2 * pad - r) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - s) / stride) + 1;
  return { n, c, h, w, k: 1, r, s, strideH: stride, strideW: stride, padH: pad, padW: pad, groups: 1, oh, ow };
}

function map(g: ConvGeometry, regionH: number, regionW: number, bits: boolean[]): SensitivityMap {
  const rows = Math.ceil(g.h / regionH);
  const cols = Math.ceil(g.w / regionW);
  const mask = new Uint8Array(g.n * rows * cols);
  mask.forEach((_, i) => (mask[i] = bits[i % bits.length] ? 1 : 0));
  const perSample = mask.slice(0, rows * cols).reduce((a, b) => a + b, 0);
  return { mask, n: g.n, rows, cols, regionH, regionW, h: g.h, w: g.w, perSample };
}

/** Sensitive elements of pixel p in [e0, e1), counted element by element. */
function direct(g: ConvGeometry, m: SensitivityMap, p: number, e0: number, e1: number): number {
  const ox = p % g.ow;
  const oy = Math.floor(p / g.ow) % g.oh;
  const n = Math.floor(p / (g.ow * g.oh));
  let count = 0;
  for (let e = e0; e < e1; e++) {
    const q = e % (g.r * g.s);
    const y = oy * g.strideH - g.padH + Math.floor(q / g.s);
    const x = ox * g.strideW - g.padW + (q % g.s);
    if (y >= 0 && y < g.h && x >= 0 && x < g.w && isSensitive(m, n, y, x)) count++;
  }
  return count;
}

describe('windowProfile', () => {
  it('a 3×3 window over one sensitive 2×2 region in a 4×4 input, padding 1', () => {
    const g = geometry(1, 2, 4, 4, 3, 3, 1, 1);
    // Regions 2×2: a 2×2 grid; only the top-left region (pixels y,x < 2) is sensitive.
    const m = map(g, 2, 2, [true, false, false, false]);
    const prof = windowProfile(g, m);
    expect(prof.pixels).toBe(16);
    // Output (0,0): window rows −1..1, cols −1..1 → in-bounds sensitive (0,0),(0,1),(1,0),(1,1) = 4 per channel.
    expect(sensitiveInSlice(prof, 0, 0, 9)).toBe(4);
    expect(sensitiveInSlice(prof, 0, 0, 18)).toBe(8);
    // Output (3,3): window rows 2..4, cols 2..4: nothing sensitive.
    expect(sensitiveInSlice(prof, 15, 0, 18)).toBe(0);
    // Output (1,2): rows 0..2, cols 1..3 → sensitive (0,1),(1,1) = 2 per channel; second channel only.
    expect(sensitiveInSlice(prof, 6, 9, 18)).toBe(2);
  });

  it('without sensitive regions the profile is empty and every count 0', () => {
    const g = geometry(2, 3, 5, 5, 3, 3, 1, 0);
    const prof = windowProfile(g, map(g, 2, 2, [false]));
    expect(prof.any).toBe(false);
    expect(sensitiveInSlice(prof, 3, 0, 27)).toBe(0);
  });

  it('matches the direct count on random geometries, maps and slices', () => {
    const arb = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 4 }),
        h: fc.integer({ min: 1, max: 12 }),
        w: fc.integer({ min: 1, max: 12 }),
        stride: fc.integer({ min: 1, max: 3 }),
        pad: fc.integer({ min: 0, max: 2 }),
        rh: fc.integer({ min: 1, max: 5 }),
        rw: fc.integer({ min: 1, max: 5 }),
        bits: fc.array(fc.boolean(), { minLength: 1, maxLength: 13 }),
      })
      .chain((b) => fc.record({ r: fc.integer({ min: 1, max: b.h + 2 * b.pad }), s: fc.integer({ min: 1, max: b.w + 2 * b.pad }), e: fc.tuple(fc.nat(), fc.nat()), p: fc.nat() }).map((x) => ({ ...b, ...x })));
    fc.assert(
      fc.property(arb, (a) => {
        const g = geometry(a.n, a.c, a.h, a.w, a.r, a.s, a.stride, a.pad);
        const m = map(g, a.rh, a.rw, a.bits);
        const prof = windowProfile(g, m);
        const len = a.c * a.r * a.s;
        const e0 = a.e[0] % (len + 1);
        const e1 = e0 + (a.e[1] % (len - e0 + 1));
        const p = a.p % prof.pixels;
        expect(sensitiveInSlice(prof, p, e0, e1)).toBe(direct(g, m, p, e0, e1));
      }),
      { numRuns: 300 },
    );
  });
});
