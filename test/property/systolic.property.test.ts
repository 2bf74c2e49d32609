/**
 * Properties of the systolic kind and of the shared double-buffered pipeline,
 * on random convolutions and random (non-square included) arrays.
 *
 * In calc mode the systolic kind must reproduce SCALE-Sim's closed form:
 *   cycles = groups · ⌈rowsNeeded/rows⌉ · ⌈colsNeeded/cols⌉ · foldCycles(dataflow, rows, cols, T)
 * (elapsed cycles; SCALE-Sim's "Total Cycles" is that − 1, since it counts from cycle 0).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyArch } from '../../src/config/arch.js';
import { foldCycles, mapGemm, type Dataflow } from '../../src/kinds/systolic/mapping.js';
import { runPipeline, type PortConfig, type Tile } from '../../src/memory/pipeline.js';
import { simulate } from '../../src/sim/run.js';
import { resolveNetwork, type Layer, type Workload } from '../../src/workload/layer.js';
import { networkSchema } from '../../src/workload/trace.js';

const NUM_RUNS = 150;
/** Keeps one simulation small: at most this many folds. */
const MAX_FOLDS = 6000;

interface ConvShape {
  h: number;
  w: number;
  r: number;
  s: number;
  c: number;
  k: number;
  stride: number;
}

const convArb: fc.Arbitrary<ConvShape> = fc
  .record({ h: fc.integer({ min: 1, max: 40 }), w: fc.integer({ min: 1, max: 40 }), c: fc.integer({ min: 1, max: 300 }), k: fc.integer({ min: 1, max: 300 }), stride: fc.integer({ min: 1, max: 4 }) })
  .chain((b) => fc.record({ r: fc.integer({ min: 1, max: b.h }), s: fc.integer({ min: 1, max: b.w }) }).map((rs) => ({ ...b, ...rs })));

const arrayArb = fc.record({ rows: fc.integer({ min: 1, max: 64 }), cols: fc.integer({ min: 1, max: 64 }) });
const dataflowArb = fc.constantFrom<Dataflow>('os', 'ws', 'is');

function convWorkload(c: ConvShape): Workload {
  const spec = networkSchema.parse({
    name: 'prop',
    source: 'fast-check',
    layers: [{ name: 'conv', op: 'conv2d', input: [c.c, c.h, c.w], filters: c.k, kernel: [c.r, c.s], stride: c.stride }],
  });
  return resolveNetwork(spec, 'prop');
}

function design(rows: number, cols: number, dataflow: Dataflow, dram: Record<string, unknown> = { mode: 'calc' }) {
  return qualifyArch({ kind: 'systolic', name: `p${rows}x${cols}`, array: { rows, cols }, dataflow, dram }, '<property>');
}

function folds(layer: Layer, dataflow: Dataflow, rows: number, cols: number): number {
  const g = layer.gemm!;
  const m = mapGemm(g, dataflow);
  return g.groups * Math.ceil(m.rowsNeeded / rows) * Math.ceil(m.colsNeeded / cols);
}

function closedForm(layer: Layer, dataflow: Dataflow, rows: number, cols: number): number {
  const m = mapGemm(layer.gemm!, dataflow);
  // Elapsed cycles; SCALE-Sim's Total Cycles is one less (it counts from cycle 0).
  return folds(layer, dataflow, rows, cols) * foldCycles(dataflow, rows, cols, m.t);
}

const caseArb = fc.record({ conv: convArb, array: arrayArb, dataflow: dataflowArb });

describe('systolic kind, calc mode, random convolutions and arrays', () => {
  it('cycles equal the SCALE-Sim closed form; MACs executed = dense MACs; utilization ≤ 1; no stalls', () => {
    fc.assert(
      fc.property(caseArb, ({ conv, array, dataflow }) => {
        const wl = convWorkload(conv);
        const layer = wl.layers[0]!;
        fc.pre(folds(layer, dataflow, array.rows, array.cols) <= MAX_FOLDS);
        const r = simulate(design(array.rows, array.cols, dataflow), wl);
        const lr = r.layers[0]!;
        expect(lr.cycles).toBe(closedForm(layer, dataflow, array.rows, array.cols));
        expect(lr.details['scalesim_total_cycles']).toBe(lr.cycles - 1);
        expect(lr.computeCycles).toBe(lr.cycles);
        expect(lr.stallCycles).toBe(0);
        expect(lr.macsExecuted).toBe(layer.macs);
        expect(lr.macs).toBe(layer.gemm!.m * layer.gemm!.n * layer.gemm!.k);
        expect(lr.utilization).toBeGreaterThan(0);
        expect(lr.utilization).toBeLessThanOrEqual(1);
        expect(lr.cycles).toBeGreaterThanOrEqual(Math.ceil(layer.macs / (array.rows * array.cols)));
        expect(lr.details['folds']).toBe(folds(layer, dataflow, array.rows, array.cols));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // Bigger arrays are NOT faster in general: a fold's fill and drain grow with the
  // array. What does hold: once the array covers the operand along its rows
  // (one row fold), every extra row only adds fill latency to each fold.
  it('an extra row on an array that already covers the rows only adds cycles', () => {
    const smallConv = fc
      .record({ h: fc.integer({ min: 1, max: 8 }), w: fc.integer({ min: 1, max: 8 }), c: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 300 }), stride: fc.integer({ min: 1, max: 4 }) })
      .chain((b) => fc.record({ r: fc.integer({ min: 1, max: Math.min(4, b.h) }), s: fc.integer({ min: 1, max: Math.min(4, b.w) }) }).map((rs) => ({ ...b, ...rs })));
    fc.assert(
      fc.property(smallConv, fc.nat(), fc.integer({ min: 1, max: 64 }), dataflowArb, (conv, extra, cols, dataflow) => {
        const wl = convWorkload(conv);
        const layer = wl.layers[0]!;
        const need = mapGemm(layer.gemm!, dataflow).rowsNeeded;
        fc.pre(need < 64);
        const rows = need + (extra % (64 - need));
        const a = simulate(design(rows, cols, dataflow), wl).layers[0]!;
        const b = simulate(design(rows + 1, cols, dataflow), wl).layers[0]!;
        expect(b.cycles).toBeGreaterThan(a.cycles);
        expect(b.macsExecuted).toBe(a.macsExecuted);
      }),
      { numRuns: 100 },
    );
  });

  // A 1×1 output-stationary array has no fill or drain: the tightest case for
  // cycles being elapsed time (not SCALE-Sim's count from 0).
  it('utilization stays ≤ 1 and time > 0 on a 1×1 output-stationary array', () => {
    for (const k of [1, 2, 7]) {
      const lr = simulate(design(1, 1, 'os'), convWorkload({ h: 1, w: 1, r: 1, s: 1, c: 3, k, stride: 1 })).layers[0]!;
      expect(lr.macs).toBe(3 * k);
      expect(lr.utilization, `k=${k}`).toBeLessThanOrEqual(1);
      expect(lr.seconds, `k=${k}`).toBeGreaterThan(0);
    }
    const one = simulate(design(1, 1, 'os'), convWorkload({ h: 1, w: 1, r: 1, s: 1, c: 1, k: 1, stride: 1 })).layers[0]!;
    expect(one.utilization).toBeGreaterThan(0);
  });

  it('bigger arrays can be slower (a 1-pixel, 1-filter layer on 8×8 vs 64×64)', () => {
    const wl = convWorkload({ h: 1, w: 1, r: 1, s: 1, c: 16, k: 1, stride: 1 });
    for (const df of ['os', 'ws', 'is'] as const) {
      const small = simulate(design(8, 8, df), wl).layers[0]!.cycles;
      const big = simulate(design(64, 64, df), wl).layers[0]!.cycles;
      expect(big, df).toBeGreaterThan(small);
    }
  });

  it('fixed bandwidth: compute cycles unchanged, cycles ≥ calc cycles, cycles = compute + stalls', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 64 }), ({ conv, array, dataflow }, wpc) => {
        const wl = convWorkload(conv);
        const layer = wl.layers[0]!;
        fc.pre(folds(layer, dataflow, array.rows, array.cols) <= MAX_FOLDS / 4);
        const calc = simulate(design(array.rows, array.cols, dataflow), wl).layers[0]!;
        const fixed = simulate(design(array.rows, array.cols, dataflow, { mode: 'fixed', wordsPerCycle: wpc }), wl).layers[0]!;
        expect(fixed.computeCycles).toBe(calc.computeCycles);
        expect(fixed.cycles).toBeGreaterThanOrEqual(calc.cycles);
        expect(fixed.cycles).toBe(fixed.computeCycles + fixed.stallCycles);
        const dram = fixed.traffic['dram']!;
        // Three DRAM ports (ifmap, filter, ofmap) of `wpc` one-byte words each.
        expect(fixed.cycles).toBeGreaterThanOrEqual((dram.readBytes + dram.writeBytes) / (3 * wpc));
      }),
      { numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------- the pipeline

const tileArb = (ports: number): fc.Arbitrary<Tile> =>
  fc.record({
    computeCycles: fc.integer({ min: 0, max: 300 }),
    fetchWords: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: ports, maxLength: ports }),
    drainWords: fc.integer({ min: 0, max: 300 }),
  });

const portArb = (finite: boolean): fc.Arbitrary<PortConfig> =>
  fc.record({
    wordsPerCycle: finite ? fc.integer({ min: 1, max: 16 }) : fc.constant(Infinity),
    halfWords: fc.integer({ min: 4, max: 256 }),
    latency: fc.integer({ min: 0, max: 5 }),
  });

const pipelineArb = (finite: boolean) =>
  fc.integer({ min: 1, max: 3 }).chain((ports) =>
    fc.record({
      tiles: fc.array(tileArb(ports), { minLength: 1, maxLength: 8 }),
      inputs: fc.array(portArb(finite), { minLength: ports, maxLength: ports }),
      output: portArb(finite),
    }),
  );

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('runPipeline', () => {
  it('infinite bandwidth: end = Σ compute, no stalls, every word moved', () => {
    fc.assert(
      fc.property(pipelineArb(false), ({ tiles, inputs, output }) => {
        const r = runPipeline(tiles, inputs, output);
        const compute = sum(tiles.map((t) => t.computeCycles));
        expect(r.endCycle).toBe(compute);
        expect(r.computeCycles).toBe(compute);
        expect(r.inputStall).toBe(0);
        expect(r.outputStall).toBe(0);
        inputs.forEach((_, p) => expect(r.fetchedWords[p]).toBe(sum(tiles.map((t) => t.fetchWords[p]!))));
        expect(r.drainedWords).toBe(sum(tiles.map((t) => t.drainWords)));
      }),
      { numRuns: 200 },
    );
  });

  it('finite bandwidth: end ≥ max(Σ compute, words per port / words per cycle); end = compute + stalls', () => {
    fc.assert(
      fc.property(pipelineArb(true), ({ tiles, inputs, output }) => {
        const r = runPipeline(tiles, inputs, output);
        const compute = sum(tiles.map((t) => t.computeCycles));
        expect(r.computeCycles).toBe(compute);
        expect(r.inputStall).toBeGreaterThanOrEqual(0);
        expect(r.outputStall).toBeGreaterThanOrEqual(0);
        expect(r.endCycle).toBe(r.computeCycles + r.inputStall + r.outputStall);
        expect(r.endCycle).toBeGreaterThanOrEqual(compute);
        inputs.forEach((port, p) => {
          const words = sum(tiles.map((t) => t.fetchWords[p]!));
          expect(r.fetchedWords[p]).toBe(words);
          expect(r.endCycle).toBeGreaterThanOrEqual(words / port.wordsPerCycle);
        });
        const drained = sum(tiles.map((t) => t.drainWords));
        expect(r.drainedWords).toBe(drained);
        expect(r.endCycle).toBeGreaterThanOrEqual(drained / output.wordsPerCycle);
        // The last tile's outputs drain after its compute: the end waits for them.
        const last = tiles[tiles.length - 1]!;
        if (last.drainWords > 0) expect(r.endCycle).toBeGreaterThanOrEqual(compute + Math.ceil(last.drainWords / output.wordsPerCycle) + output.latency);
      }),
      { numRuns: 200 },
    );
  });

  // (Bigger buffer halves are NOT always faster: a tile streamed in smaller chunks
  // starts computing on the first chunk, so no property is asserted for them.)
  it('more bandwidth on any one port never adds cycles; more latency never saves any', () => {
    fc.assert(
      fc.property(pipelineArb(true), fc.nat(), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), ({ tiles, inputs, output }, which, extra, lat) => {
        const base = runPipeline(tiles, inputs, output).endCycle;
        const all = [...inputs, output];
        const k = which % all.length;
        const faster = all.map((p, i) => (i === k ? { ...p, wordsPerCycle: p.wordsPerCycle + extra } : p));
        expect(runPipeline(tiles, faster.slice(0, -1), faster[faster.length - 1]!).endCycle).toBeLessThanOrEqual(base);
        const slower = all.map((p) => ({ ...p, latency: p.latency + lat }));
        expect(runPipeline(tiles, slower.slice(0, -1), slower[slower.length - 1]!).endCycle).toBeGreaterThanOrEqual(base);
      }),
      { numRuns: 150 },
    );
  });

  it('a single tile waits for all its input before finishing: end ≥ fetch time of its largest port', () => {
    fc.assert(
      fc.property(tileArb(2), fc.array(portArb(true), { minLength: 2, maxLength: 2 }), portArb(true), (tile, inputs, output) => {
        const r = runPipeline([tile], inputs, output);
        inputs.forEach((port, p) => {
          const words = tile.fetchWords[p]!;
          if (words === 0) return;
          const chunks = Math.ceil(words / port.halfWords);
          // Chunks of a port are transferred one after another, each paying the latency.
          expect(r.endCycle).toBeGreaterThanOrEqual(Math.ceil(words / port.wordsPerCycle) + chunks * port.latency);
        });
      }),
      { numRuns: 200 },
    );
  });
});
