/** fast-check arbitraries shared by the multi-precision kind's property tests. */
import fc from 'fast-check';

/** A small convolution shape (batch n, c×h×w input, k filters of r×r, stride, padding) whose filter fits the padded input. */
export function convShapeArb(max: { c: number; hw: number; k: number }) {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: max.c }),
      h: fc.integer({ min: 1, max: max.hw }),
      w: fc.integer({ min: 1, max: max.hw }),
      k: fc.integer({ min: 1, max: max.k }),
      stride: fc.integer({ min: 1, max: 2 }),
      pad: fc.integer({ min: 0, max: 1 }),
    })
    .chain((b) => fc.integer({ min: 1, max: Math.min(b.h, b.w) + 2 * b.pad }).map((r) => ({ ...b, r })));
}
