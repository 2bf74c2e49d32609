/**
 * The bitfusion kind end to end: cross-checks against the public BitFusion
 * simulator's compute formula and against the systolic kind, energy per Fusion
 * Unit cycle and per SRAM/DRAM bit, BitBrick and temporal scaling, storage modes,
 * and the schema's checks.
 */
import { describe, expect, it } from 'vitest';
import { loadArch, qualifyArch } from '../../../../src/config/arch.js';
import { describeSchema } from '../../../../src/config/describe.js';
import { InputError } from '../../../../src/core/errors.js';
import { actionPj } from '../../../../src/energy/components.js';
import { bitfusion } from '../../../../src/kinds/bitfusion/index.js';
import type { BitfusionParams } from '../../../../src/kinds/bitfusion/params.js';
import { layerProblem } from '../../../../src/kinds/bitfusion/simulate.js';
import type { QualifiedArch } from '../../../../src/kinds/kind.js';
import { simulate } from '../../../../src/sim/run.js';
import { resolveNetwork, type Layer, type Workload } from '../../../../src/workload/layer.js';
import { loadWorkload } from '../../../../src/workload/load.js';
import { networkSchema } from '../../../../src/workload/trace.js';

const BENCHMARKS = ['alexnet', 'svhn', 'cifar10', 'lenet5', 'vgg7', 'resnet18', 'rnn', 'lstm'].map((n) => `bitfusion-${n}`);

const bf = (ref: string, sets: string[] = []) => loadArch(ref, sets) as QualifiedArch<BitfusionParams>;
const macLayers = (w: Workload) => w.layers.filter((l) => l.gemm);

/**
 * Compute cycles of a layer in the public BitFusion simulator
 * (hsharma35/bitfusion accelerator.py get_compute_cycles, numbers.md §A.3), pf the
 * products per Fusion Unit per cycle.
 */
function publicComputeCycles(l: Layer, n: number, m: number, pf: number, im2col: boolean): number {
  const g = l.conv!;
  const cdiv = (a: number, b: number) => Math.ceil(a / b);
  return im2col
    ? g.n * g.oh * g.ow * cdiv(g.k, m) * cdiv(g.r * g.s * g.c, n * pf)
    : g.n * cdiv(g.k, m) * g.ow * g.oh * g.r * g.s * cdiv(g.c, n * pf);
}

/** The public simulator's perf factor: ⌊8/a⌋·⌊8/w⌋ with widths raised to 2. */
const perfFactor = (l: Layer) => Math.floor(8 / Math.max(2, l.inputs.computeBits)) * Math.floor(8 / Math.max(2, l.weights!.computeBits));

describe('bitfusion: cross-check with the public simulator’s compute formula', () => {
  it.each(BENCHMARKS)('%s: untiled, calc mode — cycles = the formula + one array fill (N+M−2), every MAC layer', (name) => {
    const arch = bf('bitfusion/isca18-eyeriss', ['dram.mode=calc', 'mapping.tiling=untiled']);
    const w = loadWorkload(name);
    const r = simulate(arch, w);
    for (const l of macLayers(w)) {
      const lr = r.layers[l.index]!;
      const im2col = l.conv!.c <= 4 && l.conv!.r > 1;
      expect(lr.details['im2col'], l.name).toBe(im2col ? 1 : 0);
      expect(lr.cycles, l.name).toBe(publicComputeCycles(l, 16, 32, perfFactor(l), im2col) + 16 + 32 - 2);
      expect(lr.stallCycles, l.name).toBe(0);
    }
  });

  it('with the tiling search, compute never beats the untiled formula (tiles only add rounding)', () => {
    const arch = bf('bitfusion/isca18-eyeriss', ['dram.mode=calc']);
    for (const name of ['bitfusion-alexnet', 'bitfusion-cifar10', 'bitfusion-rnn']) {
      const w = loadWorkload(name);
      const r = simulate(arch, w);
      for (const l of macLayers(w)) {
        const im2col = l.conv!.c <= 4 && l.conv!.r > 1;
        const floor = publicComputeCycles(l, 16, 32, perfFactor(l), im2col) + 46;
        expect(r.layers[l.index]!.computeCycles, l.name).toBeGreaterThanOrEqual(floor);
        // The search keeps compute within its 0.5 % tie tolerance of the best it found; on these layers that is the formula.
        expect(r.layers[l.index]!.computeCycles, l.name).toBeLessThanOrEqual(Math.ceil(floor * 1.005));
      }
    }
  });
});

describe('bitfusion: with every operand at 8 bits it is the systolic kind’s weight-stationary array', () => {
  // Equal: per-layer cycles in calc mode (no DRAM stalls) of every layer, for the same R×C
  // array, SCALE-Sim WS fold timing (weightLoading=preload), SCALE-Sim's mapping (im2col
  // window on rows, filters on columns, pixels streamed; column folds outer; tiling=untiled),
  // equal element-wise lanes. Not equal in fixed mode: BitFusion's three buffers share one
  // off-chip interface and its traffic model differs from SCALE-Sim's per-buffer ports.
  const arrays: Array<[number, number]> = [
    [16, 32],
    [12, 14],
    [8, 8],
    [32, 32],
    [6, 20],
  ];
  const workloads = ['lenet5', 'resnet18', 'test/fixtures/scalesim/alexnet.csv', 'lenet-300-100'];
  it.each(arrays)('%i×%i array', (rows, cols) => {
    const sys = qualifyArch({ kind: 'systolic', name: 'ws', array: { rows, cols }, dataflow: 'ws', dram: { mode: 'calc' }, vector: { lanes: cols } }, '<test>');
    const fus = qualifyArch(
      {
        kind: 'bitfusion',
        name: 'bf-as-ws',
        array: { rows, cols, weightLoading: 'preload' },
        fusionUnit: { maxBits: 8, minBits: 2 },
        dram: { mode: 'calc' },
        mapping: { tiling: 'untiled', im2colMaxChannels: 1e9 },
        vector: { lanes: cols },
        wordBits: 8,
      },
      '<test>',
    );
    for (const wl of workloads) {
      const w = loadWorkload(wl);
      for (const l of macLayers(w)) expect([l.inputs.computeBits, l.weights!.computeBits], `${wl} ${l.name}`).toEqual([8, 8]);
      const a = simulate(sys, w);
      const b = simulate(fus, w);
      b.layers.forEach((lr, i) => {
        expect(lr.cycles, `${wl} ${lr.layer}`).toBe(a.layers[i]!.cycles);
        expect(lr.computeCycles, `${wl} ${lr.layer}`).toBe(a.layers[i]!.computeCycles);
      });
    }
  });

  it('and at 4 bits the same array is faster: four products per Fusion Unit', () => {
    const w4 = resolveNetwork(
      networkSchema.parse({
        name: 'c4',
        source: 'test',
        defaults: { inputs: { format: 'int4' }, weights: { format: 'int4' } },
        layers: [{ name: 'c', op: 'conv2d', input: [256, 14, 14], filters: 64, kernel: 3, padding: 1 }],
      }),
      'test',
    );
    const arch = bf('bitfusion/isca18-eyeriss', ['dram.mode=calc', 'mapping.tiling=untiled', 'mapping.im2colMaxChannels=0']);
    const r4 = simulate(arch, w4).layers[0]!;
    // 14·14 pixels × 2 column folds × 9 kernel positions × ⌈256 / (16·4)⌉ reduction folds, + fill.
    expect(r4.computeCycles).toBe(196 * 2 * 9 * 4 + 46);
  });
});

describe('bitfusion: BitBricks and temporal passes', () => {
  const conv = (a: string, w: string) =>
    resolveNetwork(
      networkSchema.parse({
        name: `c-${a}-${w}`,
        source: 'test',
        defaults: { inputs: { format: a }, weights: { format: w } },
        layers: [{ name: 'c', op: 'conv2d', input: [512, 8, 8], filters: 64, kernel: 3, padding: 1 }],
      }),
      'test',
    );
  const arch = bf('bitfusion/isca18-eyeriss', ['dram.mode=calc', 'mapping.tiling=untiled', 'mapping.im2colMaxChannels=0']);
  // Fill and drain of the 16×32 array, once per layer.
  const fill = 46;
  const compute = (a: string, w: string) => simulate(arch, conv(a, w)).layers[0]!.computeCycles - fill;

  it('8×8 → 8×4 → 4×4 / 8×2 → 2×2: 1, 2, 4, 16 products per Fusion Unit per cycle', () => {
    const c88 = compute('int8', 'int8');
    expect(compute('int8', 'int4')).toBe(c88 / 2);
    expect(compute('int4', 'int4')).toBe(c88 / 4);
    expect(compute('int8', 'int2')).toBe(c88 / 4);
    expect(compute('int2', 'int2')).toBe(c88 / 16);
    expect(compute('int1', 'int1')).toBe(c88 / 16);
  });

  it('16-bit operands take two passes each', () => {
    const c88 = compute('int8', 'int8');
    expect(compute('int16', 'int8')).toBe(2 * c88);
    expect(compute('int16', 'int16')).toBe(4 * c88);
  });
});

describe('bitfusion: energy', () => {
  const arch = bf('bitfusion/isca18-eyeriss');
  const comps = bitfusion.components(arch.params);
  const comp = (n: string) => comps.find((c) => c.name === n)!;
  const tech = arch.params.technology;

  it('the 512-FU core costs 235.104 pJ per cycle (the public simulator’s figure)', () => {
    expect(512 * actionPj(comp('fusion_units'), { action: 'cycle', bits: 8 }, tech)).toBeCloseTo(235.104, 3);
  });

  it('buffers cost the public simulator’s pJ/bit: WBUF 0.021/0.029, IBUF 0.059/0.114, OBUF 0.033/0.073; DRAM 15', () => {
    const perBit = (n: string, action: string) => actionPj(comp(n), { action, bits: 1 }, tech);
    expect(perBit('filter_sram', 'read')).toBeCloseTo(0.021, 3);
    expect(perBit('filter_sram', 'write')).toBeCloseTo(0.029, 3);
    expect(perBit('ifmap_sram', 'read')).toBeCloseTo(0.059, 3);
    expect(perBit('ifmap_sram', 'write')).toBeCloseTo(0.114, 3);
    expect(perBit('ofmap_sram', 'read')).toBeCloseTo(0.033, 3);
    expect(perBit('ofmap_sram', 'write')).toBeCloseTo(0.073, 3);
    expect(perBit('dram', 'read')).toBe(15);
  });

  it('a layer’s core energy is its compute cycles × 512 Fusion Units × 0.4592 pJ', () => {
    const r = simulate(arch, loadWorkload('bitfusion-lenet5'));
    for (const l of r.layers.filter((x) => x.macs > 0)) {
      expect(l.dynamicEnergyPj['fusion_units']! / (l.computeCycles * 235.104)).toBeCloseTo(1, 9);
    }
  });
});

describe('bitfusion: storage of operands', () => {
  const w = loadWorkload('bitfusion-rnn');
  const layer = w.layers[0]!;

  it('packed: operands move at their bits; datapath: at least maxBits (16-bit Eyeriss)', () => {
    const packed = layerProblem(layer, bf('bitfusion/isca18-eyeriss', ['outputStorage=requantized']).params);
    expect([packed.actBits, packed.wgtBits, packed.outBits]).toEqual([4, 4, 4]);
    const eyeriss = layerProblem(layer, bf('bitfusion/eyeriss-16bit').params);
    expect([eyeriss.actBits, eyeriss.wgtBits, eyeriss.outBits]).toEqual([16, 16, 16]);
  });

  it('outputStorage=accumulator writes finished outputs at the accumulator width', () => {
    const p = layerProblem(layer, bf('bitfusion/isca18-eyeriss', ['outputStorage=accumulator']).params);
    expect(p.outBits).toBe(32);
    // Untiled, so no partial sums spill: the writes are the finished outputs only.
    const a = simulate(bf('bitfusion/isca18-eyeriss', ['outputStorage=accumulator', 'mapping.tiling=untiled']), w).layers[0]!;
    const q = simulate(bf('bitfusion/isca18-eyeriss', ['outputStorage=requantized', 'mapping.tiling=untiled']), w).layers[0]!;
    expect(q.traffic['dram']!.writeBytes).toBe((16 * 4096 * 4) / 8);
    expect(a.traffic['dram']!.writeBytes).toBe(8 * q.traffic['dram']!.writeBytes);
  });

  it('the memory-bound RNN layer is bounded by its DRAM bits over 192 bit/cycle', () => {
    const r = simulate(bf('bitfusion/isca18-eyeriss'), w).layers[0]!;
    const bits = 8 * (r.traffic['dram']!.readBytes + r.traffic['dram']!.writeBytes);
    expect(r.cycles).toBeGreaterThanOrEqual(bits / 192);
    // 4096×4096 4-bit weights dominate: 67.1 Mbit, fetched once.
    expect(r.traffic['dram']!.readBytes).toBeGreaterThanOrEqual((4096 * 4096 * 4) / 8);
    expect(r.cycles).toBeLessThan(1.1 * (bits / 192));
  });
});

describe('bitfusion: parameters', () => {
  const base = { kind: 'bitfusion', name: 'x' };
  const problems = (data: Record<string, unknown>) => {
    try {
      qualifyArch(data, 'x.yaml');
    } catch (e) {
      if (e instanceof InputError) return e.problems.map((p) => `${p.path}: ${p.message}`);
      throw e;
    }
    return [];
  };

  it('rejects minBits above maxBits, and pairs without a synthesis figure', () => {
    expect(problems({ ...base, fusionUnit: { maxBits: 4, minBits: 8 } })).toEqual(['fusionUnit.minBits: minBits (8) must not exceed maxBits (4)']);
    expect(problems({ ...base, fusionUnit: { maxBits: 8, minBits: 4 } })[0]).toMatch(/^fusionUnit: no synthesis figure for maxBits 8 \/ minBits 4/);
    expect(problems({ ...base, fusionUnit: { maxBits: 6 } })[0]).toMatch(/^fusionUnit\.maxBits: /);
    expect(problems({ ...base })).toEqual([]);
  });

  it('documents every parameter with a unit and a source', () => {
    for (const row of describeSchema(bitfusion.schema)) {
      if (['name', 'description', 'source'].includes(row.path)) continue;
      expect(row.unit, row.path).not.toBe('');
      expect(row.source.length, row.path).toBeGreaterThan(0);
    }
  });
});
