/** Fixtures shared by the multi-precision kind's tests: a convolution-shape arbitrary and hand-made sensitivity maps. */
import fc from 'fast-check';
import type { Layer } from '../../../../src/workload/layer.js';
import type { SensitivityMap } from '../../../../src/workload/sparsity.js';

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

/** A sensitivity map over the layer's input in regions of region[0]×region[1] pixels, region i sensitive where `sensitive(i)`. */
export function mapOf(layer: Layer, region: [number, number], sensitive: (i: number) => boolean): SensitivityMap {
  const g = layer.conv!;
  const rows = Math.ceil(g.h / region[0]);
  const cols = Math.ceil(g.w / region[1]);
  const mask = new Uint8Array(g.n * rows * cols).map((_, i) => (sensitive(i) ? 1 : 0));
  return { mask, n: g.n, rows, cols, regionH: region[0], regionW: region[1], h: g.h, w: g.w, perSample: mask.subarray(0, rows * cols).reduce((a, b) => a + b, 0) };
}
