/**
 * Properties of the bitfusion kind and of the shared-interface pipeline it runs on:
 * fewer bits never add compute cycles, traffic, or cycles for the same mapping (up
 * to the arbitration anomaly documented below); one shared interface is never
 * faster than its bandwidth allows, and never faster than one port per buffer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import type { BitfusionParams } from '../../../../src/kinds/bitfusion/params.js';
import { searchMappings } from '../../../../src/kinds/bitfusion/mapping.js';
import { layerProblem, simulateMapping } from '../../../../src/kinds/bitfusion/simulate.js';
import { runPipeline, type PortConfig, type Tile } from '../../../../src/memory/pipeline.js';
import { resolveNetwork, type Layer } from '../../../../src/workload/layer.js';
import { networkSchema } from '../../../../src/workload/trace.js';

const BITS = [1, 2, 3, 4, 6, 8, 12, 16];

function convLayer(c: { c: number; hw: number; k: number; r: number; stride: number }, a: number, w: number): Layer {
  const spec = networkSchema.parse({
    name: 'prop',
    source: 'fast-check',
    batch: 2,
    layers: [
      {
        name: 'conv',
        op: 'conv2d',
        input: [c.c, c.hw, c.hw],
        filters: c.k,
        kernel: c.r,
        stride: c.stride,
        padding: Math.floor(c.r / 2),
        inputs: { format: `int${a}` },
        weights: { format: `int${w}` },
      },
    ],
  });
  return resolveNetwork(spec, 'prop').layers[0]!;
}

const caseArb = fc.record({
  conv: fc.record({
    c: fc.integer({ min: 1, max: 64 }),
    hw: fc.integer({ min: 3, max: 14 }),
    k: fc.integer({ min: 1, max: 64 }),
    r: fc.constantFrom(1, 3, 5),
    stride: fc.integer({ min: 1, max: 2 }),
  }),
  // Index into BITS of the wider widths, and how many steps narrower the other run is.
  a: fc.integer({ min: 0, max: BITS.length - 1 }),
  w: fc.integer({ min: 0, max: BITS.length - 1 }),
  da: fc.integer({ min: 0, max: BITS.length - 1 }),
  dw: fc.integer({ min: 0, max: BITS.length - 1 }),
  calc: fc.boolean(),
  wordsPerCycle: fc.integer({ min: 1, max: 12 }),
  // Small buffers force tiling and spills.
  kib: fc.tuple(fc.constantFrom(0.25, 1, 4, 32), fc.constantFrom(0.25, 1, 4, 64), fc.constantFrom(0.25, 1, 4, 16)),
  preload: fc.boolean(),
});

describe('bitfusion properties', () => {
  it('fewer bits never add compute cycles, DRAM traffic or (with the interface keeping up) cycles for the same mapping', () => {
    fc.assert(
      fc.property(caseArb, (x) => {
        const arch = loadArch('bitfusion/isca18-eyeriss', [
          `dram.mode=${x.calc ? 'calc' : 'fixed'}`,
          `dram.wordsPerCycle=${x.wordsPerCycle}`,
          `buffers.ifmap.capacityKiB=${x.kib[0]}`,
          `buffers.filter.capacityKiB=${x.kib[1]}`,
          `buffers.ofmap.capacityKiB=${x.kib[2]}`,
          `array.weightLoading=${x.preload ? 'preload' : 'fu-banks'}`,
        ]);
        const p = arch.params as BitfusionParams;
        const wide = convLayer(x.conv, BITS[x.a]!, BITS[x.w]!);
        const narrow = convLayer(x.conv, BITS[Math.max(0, x.a - x.da)]!, BITS[Math.max(0, x.w - x.dw)]!);
        const mapping = searchMappings(layerProblem(wide, p), p.mapping.cycleTolerance).ranked[0]!.mapping;
        const slow = simulateMapping(layerProblem(wide, p), mapping, p).result;
        const fast = simulateMapping(layerProblem(narrow, p), mapping, p).result;
        const words = (r: typeof slow) => r.fetchedWords.reduce((a, w) => a + w, 0) + r.drainedWords;
        expect(fast.computeCycles).toBeLessThanOrEqual(slow.computeCycles);
        expect(words(fast)).toBeLessThanOrEqual(words(slow));
        if (x.calc) expect(fast.endCycle).toBeLessThanOrEqual(slow.endCycle);
        // Through a finite shared interface, transfers are served first come, first served: a
        // greedy schedule, so shorter transfers can reorder requests and, rarely, end a few
        // cycles later (a Graham-type anomaly; worst seen 0.49 % in 4000 random cases).
        else expect(fast.endCycle).toBeLessThanOrEqual(slow.endCycle * 1.01);
      }),
      { numRuns: 150 },
    );
  });
});

describe('pipeline with one shared off-chip interface', () => {
  const port = (wordsPerCycle: number, halfWords: number): PortConfig => ({ wordsPerCycle, halfWords, latency: 0 });

  it('serializes transfers: a hand-timed tile', () => {
    // Fetch 60 + 40 words at 10 words/cycle, compute 10 cycles, drain 30 words.
    const tiles: Tile[] = [{ computeCycles: 10, fetchWords: [60, 40], drainWords: 30 }];
    const separate = runPipeline(tiles, [port(10, 100), port(10, 100)], port(10, 100));
    // Separate ports: both fetches end by cycle 6, compute 6..16, drain 16..19.
    expect([separate.endCycle, separate.inputStall, separate.outputStall]).toEqual([19, 6, 3]);
    const shared = runPipeline(tiles, [port(10, 100), port(10, 100)], port(10, 100), { sharedInterface: true });
    // Shared: fetches 0..6 and 6..10, compute 10..20, drain 20..23.
    expect([shared.endCycle, shared.inputStall, shared.outputStall, shared.computeCycles]).toEqual([23, 10, 3, 10]);
  });

  const tileArb = fc.record({
    computeCycles: fc.integer({ min: 0, max: 200 }),
    fetchWords: fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 50 })),
    drainWords: fc.integer({ min: 0, max: 200 }),
  });

  it('takes at least all words over the bandwidth, at least Σ compute, and never beats separate ports', () => {
    fc.assert(
      fc.property(fc.array(tileArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 8, max: 256 }), (tiles, wpc, half) => {
        const ports = [port(wpc, half), port(wpc, half), port(wpc, half)];
        const shared = runPipeline(tiles, ports, port(wpc, half), { sharedInterface: true });
        const separate = runPipeline(tiles, ports, port(wpc, half));
        const words = tiles.reduce((a, t) => a + t.fetchWords.reduce((x, y) => x + y, 0) + t.drainWords, 0);
        const compute = tiles.reduce((a, t) => a + t.computeCycles, 0);
        expect(shared.endCycle).toBeGreaterThanOrEqual(Math.ceil(words / wpc) - tiles.length * 3);
        expect(shared.endCycle).toBeGreaterThanOrEqual(compute);
        expect(shared.endCycle).toBe(shared.computeCycles + shared.inputStall + shared.outputStall);
        expect(shared.endCycle).toBeGreaterThanOrEqual(separate.endCycle);
      }),
      { numRuns: 400 },
    );
  });

  it('with unlimited bandwidth it is Σ compute, as separate ports are', () => {
    fc.assert(
      fc.property(fc.array(tileArb, { minLength: 1, maxLength: 25 }), (tiles) => {
        const inf = port(Infinity, 64);
        const shared = runPipeline(tiles, [inf, inf, inf], inf, { sharedInterface: true });
        expect(shared.endCycle).toBe(tiles.reduce((a, t) => a + t.computeCycles, 0));
        expect(shared.inputStall + shared.outputStall).toBe(0);
      }),
    );
  });
});
