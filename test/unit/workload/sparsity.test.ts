/**
 * Mask materialization (src/workload/sparsity.ts): masks are deterministic and
 * independent of materialization order, every pattern hits its density to
 * within one unit of its granularity, and structured patterns keep or drop whole
 * units (n:m groups, blocks, filters, channels, SIMD runs, uniform rows).
 * Checks re-derive each pattern's units here rather than reuse the module's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, hash32, hashParts, rngFor } from '../../../src/core/random.js';
import { resolveNetwork, type Layer, type Workload } from '../../../src/workload/layer.js';
import {
  activationMask,
  activationShape,
  isSensitive,
  keepCount,
  maskStats,
  nominalDensity,
  rowNonzeros,
  sensitivePixels,
  sensitiveRegions,
  weightMask,
  weightShape,
} from '../../../src/workload/sparsity.js';
import { networkSchema, type SparsityPattern } from '../../../src/workload/trace.js';

// ---------------------------------------------------------------------------
// Building workloads

function workload(layers: unknown[], extra: Record<string, unknown> = {}): Workload {
  return resolveNetwork(networkSchema.parse({ name: 'sparsity-test', source: 'unit test', layers, ...extra }), 'test');
}

function only(w: Workload): Layer {
  const l = w.layers[0];
  if (!l) throw new Error('no layer');
  return l;
}

interface ConvShape {
  groups: number;
  cg: number;
  kg: number;
  r: number;
  s: number;
  h: number;
  w: number;
  batch: number;
}

const convShapeArb: fc.Arbitrary<ConvShape> = fc
  .record({
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 6 }),
    kg: fc.integer({ min: 1, max: 6 }),
    r: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 0, max: 9 }),
    dw: fc.integer({ min: 0, max: 9 }),
    batch: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ dh, dw, ...rest }) => ({ ...rest, h: rest.r + dh, w: rest.s + dw }));

const densityArb = fc.oneof(
  fc.double({ min: 0.001, max: 1, noNaN: true }),
  fc.integer({ min: 1, max: 20 }).map((i) => i / 20),
);

const patternArb: fc.Arbitrary<SparsityPattern> = fc.oneof(
  fc.constantFrom<SparsityPattern>(
    { type: 'dense' },
    { type: 'unstructured' },
    { type: 'filter' },
    { type: 'channel' },
    { type: 'per-channel-uniform' },
  ),
  fc
    .integer({ min: 1, max: 8 })
    .chain((m) => fc.integer({ min: 1, max: m }).map((n): SparsityPattern => ({ type: 'nm', n, m }))),
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .map(([br, bc]): SparsityPattern => ({ type: 'block', block: [br, bc] })),
  fc.integer({ min: 1, max: 9 }).map((width): SparsityPattern => ({ type: 'simd-group', width })),
);

function convLayer(name: string, sh: ConvShape, operands: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    op: 'conv2d',
    batch: sh.batch,
    input: [sh.cg * sh.groups, sh.h, sh.w],
    filters: sh.kg * sh.groups,
    kernel: [sh.r, sh.s],
    groups: sh.groups,
    ...operands,
  };
}

// ---------------------------------------------------------------------------
// Independent checks

/** Half-open index ranges making up one unit (a block, a filter, a channel's slices, a run). */
type Unit = Array<[number, number]>;

/** Every unit is all ones or all zeros, every element belongs to some unit, and the kept count is keepCount and within one unit of density·units. */
function expectWholeUnits(mask: Uint8Array, units: Unit[], density: number): void {
  let kept = 0;
  let covered = 0;
  for (const unit of units) {
    let ones = 0;
    let size = 0;
    for (const [a, b] of unit) {
      for (let i = a; i < b; i++) ones += mask[i] as number;
      size += b - a;
    }
    covered += size;
    if (ones !== 0 && ones !== size) expect.fail(`unit of ${size} elements has ${ones} nonzeros`);
    if (ones === size) kept++;
  }
  expect(covered).toBe(mask.length);
  expect(kept).toBe(keepCount(density, units.length));
  expect(Math.abs(kept - density * units.length)).toBeLessThanOrEqual(1);
}

/** br×bc blocks of `planes` h×w planes laid out one after another. */
function blockUnits(planes: number, h: number, w: number, br: number, bc: number): Unit[] {
  const units: Unit[] = [];
  for (let p = 0; p < planes; p++) {
    for (let r0 = 0; r0 < h; r0 += br) {
      for (let c0 = 0; c0 < w; c0 += bc) {
        const unit: Unit = [];
        for (let r = r0; r < Math.min(h, r0 + br); r++) unit.push([p * h * w + r * w + c0, p * h * w + r * w + Math.min(w, c0 + bc)]);
        units.push(unit);
      }
    }
  }
  return units;
}

/** Runs of `width` along each row of a rows×cols view. */
function runUnits(rows: number, cols: number, width: number): Unit[] {
  const units: Unit[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < cols; c0 += width) units.push([[r * cols + c0, r * cols + Math.min(cols, c0 + width)]]);
  }
  return units;
}

/** Each row of a rows×cols view: full groups of m hold exactly n nonzeros, a short last group of L holds round(n·L/m) ≤ n. */
function expectNm(mask: Uint8Array, rows: number, cols: number, n: number, m: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c0 = 0; c0 < cols; c0 += m) {
      const len = Math.min(m, cols - c0);
      let ones = 0;
      for (let i = 0; i < len; i++) ones += mask[r * cols + c0 + i] as number;
      const want = len === m ? n : Math.min(n, Math.round((n * len) / m));
      if (ones !== want) expect.fail(`row ${r}, group at ${c0} (${len} long): ${ones} nonzeros, want ${want} (${n}:${m})`);
    }
  }
}

function expectUniformRows(mask: Uint8Array, rows: number, cols: number, density: number): void {
  const want = keepCount(density, cols);
  expect(Math.abs(want - density * cols)).toBeLessThanOrEqual(1);
  for (const nz of rowNonzeros(mask, rows, cols)) expect(nz).toBe(want);
}

function expectBinary(mask: Uint8Array): void {
  expect(mask.every((v) => v === 0 || v === 1)).toBe(true);
}

/** Checks a weight mask against its pattern's rule. */
function checkWeights(layer: Layer, mask: Uint8Array, pattern: SparsityPattern, density: number): void {
  const sh = weightShape(layer);
  const { rows, cols } = sh;
  expect(mask.length).toBe(rows * cols);
  expectBinary(mask);
  const nz = maskStats(mask).nonzeros;
  switch (pattern.type) {
    case 'dense':
      expect(nz).toBe(mask.length);
      break;
    case 'unstructured':
      expect(nz).toBe(keepCount(density, mask.length));
      expect(Math.abs(nz - density * mask.length)).toBeLessThanOrEqual(1);
      break;
    case 'nm':
      expectNm(mask, rows, cols, pattern.n, pattern.m);
      break;
    case 'block':
      expectWholeUnits(mask, blockUnits(1, rows, cols, pattern.block[0], pattern.block[1]), density);
      break;
    case 'filter':
      expectWholeUnits(mask, runUnits(rows, cols, cols), density);
      break;
    case 'channel': {
      // Channel c of group g: slice c − g·cg of each of the group's filters.
      const kg = sh.k / sh.groups;
      const rs = sh.r * sh.s;
      const units: Unit[] = [];
      for (let g = 0; g < sh.groups; g++) {
        for (let ci = 0; ci < sh.cg; ci++) {
          const unit: Unit = [];
          for (let k = g * kg; k < (g + 1) * kg; k++) unit.push([k * cols + ci * rs, k * cols + (ci + 1) * rs]);
          units.push(unit);
        }
      }
      expectWholeUnits(mask, units, density);
      break;
    }
    case 'simd-group':
      expectWholeUnits(mask, runUnits(rows, cols, pattern.width), density);
      break;
    case 'per-channel-uniform':
      expectUniformRows(mask, rows, cols, density);
      break;
  }
}

/** Checks an input activation mask against its pattern's rule. */
function checkActivations(layer: Layer, mask: Uint8Array, pattern: SparsityPattern, density: number): void {
  const { n, c, h, w } = activationShape(layer);
  const plane = h * w;
  const sample = c * plane;
  expect(mask.length).toBe(n * sample);
  expect(mask.length).toBe(layer.inputElements);
  expectBinary(mask);
  const nz = maskStats(mask).nonzeros;
  switch (pattern.type) {
    case 'dense':
      expect(nz).toBe(mask.length);
      break;
    case 'unstructured':
      expect(nz).toBe(keepCount(density, mask.length));
      expect(Math.abs(nz - density * mask.length)).toBeLessThanOrEqual(1);
      break;
    case 'nm':
      expectNm(mask, n, sample, pattern.n, pattern.m);
      break;
    case 'block':
      expectWholeUnits(mask, blockUnits(n * c, h, w, pattern.block[0], pattern.block[1]), density);
      break;
    case 'filter':
    case 'channel': {
      // One unit per channel: its plane in every sample.
      const units: Unit[] = [];
      for (let ch = 0; ch < c; ch++) {
        const unit: Unit = [];
        for (let s = 0; s < n; s++) unit.push([s * sample + ch * plane, s * sample + (ch + 1) * plane]);
        units.push(unit);
      }
      expectWholeUnits(mask, units, density);
      break;
    }
    case 'simd-group':
      expectWholeUnits(mask, runUnits(n, sample, pattern.width), density);
      break;
    case 'per-channel-uniform':
      if (plane > 1) expectUniformRows(mask, n * c, plane, density);
      else expectUniformRows(mask, n, sample, density);
      break;
  }
}

// ---------------------------------------------------------------------------

describe('core/random', () => {
  it('hashes are stable, order-sensitive and part-boundary-sensitive', () => {
    expect(hash32('resnet50')).toBe(hash32('resnet50'));
    expect(hash32('ab')).not.toBe(hash32('ba'));
    expect(hashParts('ab', 'c')).not.toBe(hashParts('a', 'bc'));
    expect(hashParts(0, 'net', 'conv1', 'weights')).not.toBe(hashParts(1, 'net', 'conv1', 'weights'));
  });

  it('int(n) stays in [0, n) and fillU32 gives the nextU32 sequence', () => {
    fc.assert(
      fc.property(fc.nat(), fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 2 ** 32 })), (seed, n) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const x = rng.int(n);
          expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
        }
        const a = new Rng(seed);
        const b = new Rng(seed);
        const bulk = new Uint32Array(17);
        b.fillU32(bulk, 2, 15);
        for (let i = 2; i < 15; i++) expect(bulk[i]).toBe(a.nextU32());
        expect(b.nextU32()).toBe(a.nextU32());
      }),
    );
  });

  it('int(n) is roughly uniform', () => {
    const rng = rngFor('uniformity');
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('weight masks', () => {
  it('follow their pattern and hit the density to within one unit', () => {
    fc.assert(
      fc.property(convShapeArb, patternArb, densityArb, fc.nat(1000), (sh, pattern, density, seed) => {
        const w = workload([convLayer('conv', sh, { weights: { density, pattern } })], { seed });
        const layer = only(w);
        checkWeights(layer, weightMask(layer, w), pattern, density);
      }),
      { numRuns: 300 },
    );
  });

  it('n:m density is n/m whatever the trace says', () => {
    const w = workload([convLayer('conv', { groups: 1, cg: 8, kg: 4, r: 1, s: 1, h: 2, w: 2, batch: 1 }, { weights: { density: 0.9, pattern: { type: 'nm', n: 1, m: 4 } } })]);
    const layer = only(w);
    expect(maskStats(weightMask(layer, w)).density).toBe(0.25);
    expect(nominalDensity(layer.weights!)).toBe(0.25);
  });

  it('work for fc, depthwise, conv1d and matmul layers', () => {
    fc.assert(
      fc.property(patternArb, densityArb, (pattern, density) => {
        const weights = { density, pattern };
        const w = workload([
          { name: 'fc', op: 'fc', inFeatures: 37, outFeatures: 11, weights },
          { name: 'dw', op: 'depthwise', input: [6, 5, 5], kernel: 3, multiplier: 2, weights },
          { name: 'c1', op: 'conv1d', input: [5, 20], filters: 7, kernel: 3, weights },
          { name: 'mm', op: 'matmul', m: 4, n: 9, k: 13, weights },
        ]);
        for (const layer of w.layers) checkWeights(layer, weightMask(layer, w), pattern, density);
      }),
      { numRuns: 100 },
    );
  });

  it('per-channel-uniform gives every filter the same number of nonzeros', () => {
    fc.assert(
      fc.property(convShapeArb, densityArb, (sh, density) => {
        const w = workload([convLayer('conv', sh, { weights: { density, pattern: 'per-channel-uniform' } })]);
        const layer = only(w);
        const { rows, cols } = weightShape(layer);
        const nz = rowNonzeros(weightMask(layer, w), rows, cols);
        expect(new Set(nz).size).toBe(1);
      }),
    );
  });

  it('throw for layers without weights', () => {
    const w = workload([{ name: 'relu', op: 'relu', input: [4, 3, 3] }]);
    expect(() => weightMask(only(w), w)).toThrow(/no weights/);
  });
});

describe('activation masks', () => {
  it('follow their pattern and hit the density to within one unit', () => {
    fc.assert(
      fc.property(convShapeArb, patternArb, densityArb, fc.nat(1000), (sh, pattern, density, seed) => {
        const w = workload([convLayer('conv', sh, { inputs: { density, pattern } })], { seed });
        const layer = only(w);
        checkActivations(layer, activationMask(layer, w), pattern, density);
      }),
      { numRuns: 300 },
    );
  });

  it('work for fc and element-wise layers', () => {
    fc.assert(
      fc.property(patternArb, densityArb, fc.integer({ min: 1, max: 3 }), (pattern, density, batch) => {
        const inputs = { density, pattern };
        const w = workload(
          [
            { name: 'fc', op: 'fc', inFeatures: 37, outFeatures: 11, inputs },
            { name: 'relu', op: 'relu', input: [3, 4, 5], inputs },
            { name: 'add', op: 'add', input: [3, 4, 5], inputs },
          ],
          { batch },
        );
        for (const layer of w.layers) checkActivations(layer, activationMask(layer, w), pattern, density);
      }),
      { numRuns: 100 },
    );
  });
});

describe('unstructured selection', () => {
  it('chooses every position equally often (Floyd and sequential paths)', () => {
    // 300 weights; density 0.1 takes Floyd's path, 0.5 the sequential pass.
    for (const density of [0.1, 0.5]) {
      const w = workload([{ name: 'fc', op: 'fc', inFeatures: 30, outFeatures: 10, weights: { density, pattern: 'unstructured' } }]);
      const layer = only(w);
      const seeds = 2000;
      const hits = new Array<number>(300).fill(0);
      for (let seed = 0; seed < seeds; seed++) {
        const m = weightMask(layer, w, seed);
        for (let i = 0; i < m.length; i++) hits[i]! += m[i] as number;
      }
      const mean = seeds * density;
      const sd = Math.sqrt(seeds * density * (1 - density));
      for (const h of hits) expect(Math.abs(h - mean)).toBeLessThan(5.5 * sd);
    }
  });
});

describe('determinism and caching', () => {
  const specArb = fc.record({ sh: convShapeArb, pattern: patternArb, density: densityArb, seed: fc.nat(1000) });

  it('same inputs give identical bytes, whatever the materialization order', () => {
    fc.assert(
      fc.property(specArb, ({ sh, pattern, density, seed }) => {
        const layers = [
          convLayer('a', sh, { weights: { density, pattern }, inputs: { density, pattern } }),
          convLayer('b', sh, { weights: { density, pattern }, inputs: { density, pattern } }),
        ];
        const w1 = workload(layers, { seed });
        const w2 = workload(layers, { seed });
        const [a1, b1] = w1.layers as [Layer, Layer];
        const [a2, b2] = w2.layers as [Layer, Layer];
        // w1 in order a, b (activations before weights); w2 in order b, a (weights first).
        const fromW1 = [activationMask(a1, w1), weightMask(a1, w1), activationMask(b1, w1), weightMask(b1, w1)];
        const bW2w = weightMask(b2, w2);
        const bW2a = activationMask(b2, w2);
        const aW2w = weightMask(a2, w2);
        const aW2a = activationMask(a2, w2);
        expect([aW2a, aW2w, bW2a, bW2w]).toEqual(fromW1);
      }),
    );
  });

  it('a different layer name, network name or seed gives a different unstructured mask', () => {
    const shArb = convShapeArb.filter((s) => s.cg * s.groups * s.kg * s.groups * s.r * s.s >= 64 && s.batch * s.cg * s.groups * s.h * s.w >= 64);
    fc.assert(
      fc.property(shArb, fc.double({ min: 0.2, max: 0.8, noNaN: true }), (sh, density) => {
        const spec = { weights: { density, pattern: 'unstructured' }, inputs: { density, pattern: 'unstructured' } };
        const w = workload([convLayer('x', sh, spec), convLayer('y', sh, spec)]);
        const other = workload([convLayer('x', sh, spec)], { name: 'another-net' });
        const [x, y] = w.layers as [Layer, Layer];
        const wx = weightMask(x, w);
        expect(weightMask(y, w)).not.toEqual(wx);
        expect(activationMask(y, w)).not.toEqual(activationMask(x, w));
        expect(weightMask(only(other), other)).not.toEqual(wx);
        expect(weightMask(x, w, w.seed + 1)).not.toEqual(wx);
      }),
    );
  });

  it('masks are computed once per layer and seed', () => {
    const w = workload([convLayer('c', { groups: 1, cg: 4, kg: 4, r: 3, s: 3, h: 5, w: 5, batch: 1 }, { weights: { density: 0.5 } })]);
    const layer = only(w);
    const m = weightMask(layer, w);
    expect(weightMask(layer, w)).toBe(m);
    expect(weightMask(layer, w, 7)).not.toBe(m);
    expect(weightMask(layer, w, 7)).toBe(weightMask(layer, w, 7));
    expect(activationMask(layer, w)).toBe(activationMask(layer, w));
  });
});

describe('sensitive regions', () => {
  it('mark exactly round(fraction·regions) regions per sample', () => {
    fc.assert(
      fc.property(
        convShapeArb.chain((sh) =>
          fc.record({ batch: fc.integer({ min: 1, max: 4 }), dh: fc.nat(20), dw: fc.nat(20) }).map(({ batch, dh, dw }) => ({ ...sh, batch, h: sh.h + dh, w: sh.w + dw })),
        ),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 10 }).map((i) => i / 10)),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        (sh, fraction, rh, rw) => {
          const w = workload([convLayer('conv', sh, { inputs: { sensitivity: { fraction, region: [rh, rw] } } })]);
          const layer = only(w);
          const map = sensitiveRegions(layer, w);
          expect(map.rows).toBe(Math.ceil(sh.h / rh));
          expect(map.cols).toBe(Math.ceil(sh.w / rw));
          expect(map.n).toBe(sh.batch);
          expect(map.mask.length).toBe(map.n * map.rows * map.cols);
          const per = map.rows * map.cols;
          const want = Math.round(fraction * per);
          expect(map.perSample).toBe(want);
          expect(rowNonzeros(map.mask, map.n, per).every((c) => c === want)).toBe(true);
          // Pixel lookups agree with the region grid.
          let pixels = 0;
          for (let s = 0; s < map.n; s++) for (let y = 0; y < sh.h; y++) for (let x = 0; x < sh.w; x++) if (isSensitive(map, s, y, x)) pixels++;
          expect(sensitivePixels(map)).toBe(pixels);
          expect(sensitiveRegions(layer, w)).toBe(map);
        },
      ),
    );
  });

  it('are none without a sensitivity map', () => {
    const w = workload([convLayer('conv', { groups: 1, cg: 2, kg: 2, r: 1, s: 1, h: 4, w: 4, batch: 2 })]);
    const map = sensitiveRegions(only(w), w);
    expect(map.perSample).toBe(0);
    expect(maskStats(map.mask).nonzeros).toBe(0);
    expect(sensitivePixels(map)).toBe(0);
  });
});

describe('helpers', () => {
  it('maskStats and rowNonzeros count ones', () => {
    const m = Uint8Array.from([1, 0, 1, 1, 0, 0]);
    expect(maskStats(m)).toEqual({ nonzeros: 3, density: 0.5 });
    expect(Array.from(rowNonzeros(m, 2, 3))).toEqual([2, 1]);
    expect(Array.from(rowNonzeros(m, 3, 2))).toEqual([1, 2, 0]);
    expect(() => rowNonzeros(m, 4, 2)).toThrow(RangeError);
    expect(maskStats(new Uint8Array(0))).toEqual({ nonzeros: 0, density: 0 });
  });

  it('keepCount rounds, keeps at least one unit and at most all', () => {
    expect(keepCount(0.5, 7)).toBe(4);
    expect(keepCount(0.01, 10)).toBe(1);
    expect(keepCount(1, 10)).toBe(10);
    expect(keepCount(0.5, 0)).toBe(0);
  });
});

describe('performance', () => {
  it('materializes ResNet-50-sized tensors quickly', () => {
    // The largest ResNet-50 weight tensor (512×512×3×3) and a 64×112×112 activation.
    for (const pattern of ['unstructured', 'per-channel-uniform', { type: 'nm', n: 2, m: 4 }]) {
      const w = workload([
        { name: 'big', op: 'conv2d', input: [512, 7, 7], filters: 512, kernel: 3, padding: 1, weights: { density: 0.5, pattern }, inputs: { density: 0.5, pattern } },
        { name: 'act', op: 'conv2d', input: [64, 112, 112], filters: 64, kernel: 3, padding: 1, inputs: { density: 0.5, pattern } },
      ]);
      const [big, act] = w.layers as [Layer, Layer];
      let t = performance.now();
      expect(weightMask(big, w).length).toBe(2_359_296);
      // Generous bound for loaded CI machines; typically ~15 ms.
      expect(performance.now() - t).toBeLessThan(250);
      t = performance.now();
      expect(activationMask(act, w).length).toBe(802_816);
      expect(performance.now() - t).toBeLessThan(250);
    }
  });
});
