/** Fusion of BitBricks: products per Fusion Unit per cycle and temporal passes, by operand widths. */
import { describe, expect, it } from 'vitest';
import { fusionMode } from '../../../../src/kinds/bitfusion/precision.js';

describe('fusionMode on an 8-bit Fusion Unit of 2-bit BitBricks (Sharma et al., ISCA 2018)', () => {
  it.each([
    // a, w, products per cycle, passes, fused widths
    [8, 8, 1, 1, [8, 8]],
    [8, 4, 2, 1, [8, 4]],
    [4, 8, 2, 1, [4, 8]],
    [4, 4, 4, 1, [4, 4]],
    [8, 2, 4, 1, [8, 2]],
    [2, 8, 4, 1, [2, 8]],
    [2, 2, 16, 1, [2, 2]],
    [4, 2, 8, 1, [4, 2]],
    // 1-bit (binary) operands run as 2-bit; 3-bit as 4-bit; 5..7-bit as 8-bit.
    [1, 1, 16, 1, [2, 2]],
    [8, 1, 4, 1, [8, 2]],
    [3, 3, 4, 1, [4, 4]],
    [6, 5, 1, 1, [8, 8]],
    // 16-bit operands run temporally: two 8-bit slices each.
    [16, 16, 1, 4, [16, 16]],
    [16, 8, 1, 2, [16, 8]],
    [16, 2, 4, 2, [16, 2]],
    [32, 8, 1, 4, [32, 8]],
  ] as const)('%i×%i bits: %i products per cycle in %i pass(es)', (a, w, lanes, passes, fused) => {
    const m = fusionMode(a, w, 8, 2);
    expect(m.lanes).toBe(lanes);
    expect(m.passes).toBe(passes);
    expect(m.fusedBits).toEqual(fused);
    // Up to 8 bits, the fused PEs use exactly the 16 BitBricks of the unit.
    if (a <= 8 && w <= 8) expect(m.lanes * (m.fusedBits[0] / 2) * (m.fusedBits[1] / 2)).toBe(16);
  });

  it('a fixed 16-bit PE (16/16) does one product per cycle whatever the operand widths up to 16 bits', () => {
    for (const a of [1, 2, 4, 8, 16]) for (const w of [1, 2, 4, 8, 16]) expect(fusionMode(a, w, 16, 16)).toEqual({ lanes: 1, passes: 1, fusedBits: [16, 16] });
  });

  it('bricks fuse in powers of two on a 16-bit unit (5 bits take an 8-bit slot)', () => {
    expect(fusionMode(5, 16, 16, 2).lanes).toBe(2);
    expect(fusionMode(2, 2, 16, 2).lanes).toBe(64);
  });

  it('fewer bits never mean fewer products per cycle or more passes', () => {
    for (let a = 1; a <= 32; a++)
      for (let w = 1; w <= 32; w++) {
        const m = fusionMode(a, w, 8, 2);
        if (a > 1) {
          const n = fusionMode(a - 1, w, 8, 2);
          expect(n.lanes / n.passes).toBeGreaterThanOrEqual(m.lanes / m.passes);
        }
        if (w > 1) {
          const n = fusionMode(a, w - 1, 8, 2);
          expect(n.lanes / n.passes).toBeGreaterThanOrEqual(m.lanes / m.passes);
        }
      }
  });
});
