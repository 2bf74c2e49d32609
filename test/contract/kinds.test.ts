/**
 * The kind contract, checked for EVERY registered kind and EVERY built-in
 * preset of that kind, on small built-in networks, a SCALE-Sim-style single
 * convolution, a hand-made mix of operators, and a slice of ResNet-18.
 *
 * Generic over kinds: a kind's parameters are only probed through `--set`
 * paths; the bandwidth properties run only for designs whose parameters have
 * `dram.mode` and `dram.wordsPerCycle` (the shared dramSchema of src/memory/level.ts).
 */
import { describe, expect, it } from 'vitest';
import { builtinPresets, loadArch } from '../../src/config/arch.js';
import type { CommonParams, KindDefinition, QualifiedArch } from '../../src/kinds/kind.js';
import { allKinds } from '../../src/kinds/registry.js';
import { simulate, type LayerResult, type RunResult } from '../../src/sim/run.js';
import { parseScaleSimTopology } from '../../src/workload/importers/scalesim-csv.js';
import { resolveNetwork, type Layer, type Workload } from '../../src/workload/layer.js';
import { loadWorkload } from '../../src/workload/load.js';
import { networkSchema } from '../../src/workload/trace.js';

// ---------------------------------------------------------------- workloads

const SINGLE_CONV_CSV = [
  'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,',
  'Conv_a, 19, 23, 3, 5, 37, 70, 2,',
  '',
].join('\n');

/** One layer of every operator the trace format has, at batch 2, with mixed formats. */
const MIXED = networkSchema.parse({
  name: 'contract-mix',
  source: 'hand-made for the kind contract test',
  batch: 2,
  defaults: { weights: { format: 'int8' }, inputs: { format: 'int8' } },
  layers: [
    { name: 'conv', op: 'conv2d', input: [6, 15, 13], filters: 10, kernel: 3, stride: 2, padding: 1 },
    { name: 'grouped', op: 'conv2d', input: [10, 8, 7], filters: 20, kernel: [3, 1], groups: 5, padding: [1, 0] },
    { name: 'dw', op: 'depthwise', input: [20, 8, 7], kernel: 3, padding: 1, multiplier: 2 },
    { name: 'bn', op: 'batchnorm', input: [40, 8, 7] },
    { name: 'relu', op: 'relu', input: [40, 8, 7] },
    { name: 'add', op: 'add', input: [40, 8, 7] },
    { name: 'avg', op: 'avgpool', input: [40, 8, 7], kernel: 2 },
    { name: 'max', op: 'maxpool', input: [40, 4, 3], kernel: 3, stride: 1, padding: 1 },
    { name: 'gap', op: 'globalavgpool', input: [40, 4, 3] },
    { name: 'c1d', op: 'conv1d', input: [40, 17], filters: 9, kernel: 4, stride: 3 },
    { name: 'mm', op: 'matmul', m: 33, n: 65, k: 31, weights: { format: 'int4' } },
    { name: 'fc16', op: 'fc', inFeatures: 130, outFeatures: 47, inputs: { format: 'fp16' }, weights: { format: 'fp16' } },
  ],
});

const RESNET18_LAYERS = ['conv1', 'maxpool', 'layer1.0.conv1', 'layer1.0.add', 'layer3.0.downsample.0', 'layer4.1.conv2', 'avgpool', 'fc'];

function resnetSlice(): Workload {
  const full = loadWorkload('resnet18');
  const layers = full.layers.filter((l) => RESNET18_LAYERS.includes(l.name));
  expect(layers.map((l) => l.name)).toEqual(RESNET18_LAYERS);
  return { ...full, name: 'resnet18-slice', layers };
}

const WORKLOADS: Array<{ name: string; load: () => Workload }> = [
  { name: 'lenet5', load: () => loadWorkload('lenet5') },
  { name: 'lenet-300-100', load: () => loadWorkload('lenet-300-100') },
  { name: 'scalesim-single-conv', load: () => resolveNetwork(parseScaleSimTopology(SINGLE_CONV_CSV, 'single-conv.csv'), 'single-conv.csv') },
  { name: 'mixed-operators', load: () => resolveNetwork(MIXED, 'builtin:contract-mix') },
  { name: 'resnet18-slice', load: resnetSlice },
];

// ---------------------------------------------------------------- designs

type Arch = QualifiedArch<CommonParams>;

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** True when the design exposes the shared DRAM interface knobs. */
function hasDramKnobs(arch: Arch): boolean {
  return typeof getPath(arch.params, 'dram.mode') === 'string' && typeof getPath(arch.params, 'dram.wordsPerCycle') === 'number';
}

/** Bits of one DRAM word: the design's `wordBits` if it has one, else a byte. */
function wordBitsOf(arch: Arch): number {
  const wb = getPath(arch.params, 'wordBits');
  return typeof wb === 'number' ? wb : 8;
}

/** DRAM ports of a design: one per on-chip buffer (the systolic kind: ifmap, filter, ofmap = 3). */
function dramPorts(kind: KindDefinition, arch: Arch): number {
  return Math.max(1, kind.components(arch.params).filter((c) => c.class === 'sram').length);
}

interface Loaded {
  preset: string;
  arch?: Arch;
  error?: string;
}

const loadedPresets: Loaded[] = builtinPresets().map((preset) => {
  try {
    return { preset, arch: loadArch(preset) };
  } catch (e) {
    return { preset, error: String(e) };
  }
});

const fixedSets = (wordsPerCycle: number) => ['dram.mode=fixed', `dram.wordsPerCycle=${wordsPerCycle}`];

// Cache runs: several properties look at the same (preset, sets, workload) run.
const runCache = new Map<string, RunResult>();
function run(preset: string, sets: string[], wl: { name: string; load: () => Workload }): RunResult {
  const key = `${preset}|${sets.join(',')}|${wl.name}`;
  let r = runCache.get(key);
  if (!r) {
    r = simulate(loadArch(preset, sets), wl.load());
    runCache.set(key, r);
  }
  return r;
}

const isDense = (l: Layer) => l.inputs.density === 1 && (l.weights === undefined || l.weights.density === 1);

/** Checks every per-layer invariant that holds whatever the DRAM mode. */
function checkLayer(r: LayerResult, layer: Layer, where: string): void {
  const msg = `${where} ${r.layer}`;
  expect(r.layer, msg).toBe(layer.name);
  expect(r.macs, msg).toBe(layer.macs);
  expect(Number.isInteger(r.cycles), `${msg}: integer cycles (${r.cycles})`).toBe(true);
  expect(r.cycles, msg).toBeGreaterThanOrEqual(0);
  expect(r.computeCycles, msg).toBeGreaterThanOrEqual(0);
  for (const [cause, s] of Object.entries(r.stalls)) {
    expect(s, `${msg}: stall ${cause}`).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(s), `${msg}: stall ${cause}`).toBe(true);
  }
  expect(r.stallCycles, msg).toBe(Object.values(r.stalls).reduce((a, b) => a + b, 0));
  expect(r.cycles, `${msg}: cycles = compute + stalls`).toBe(r.computeCycles + r.stallCycles);
  expect(r.macsExecuted, msg).toBeLessThanOrEqual(r.macs);
  expect(r.macsExecuted, msg).toBeGreaterThanOrEqual(0);
  if (isDense(layer)) expect(r.macsExecuted, `${msg}: dense layer executes every MAC`).toBe(r.macs);
  expect(r.utilization, msg).toBeGreaterThanOrEqual(0);
  expect(r.utilization, msg).toBeLessThanOrEqual(1);
  // Energy: every component, static and total non-negative and finite; the total is their sum.
  for (const [comp, pj] of Object.entries(r.dynamicEnergyPj)) {
    expect(pj, `${msg}: energy of ${comp}`).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(pj), `${msg}: energy of ${comp}`).toBe(true);
  }
  expect(r.staticEnergyPj, msg).toBeGreaterThanOrEqual(0);
  expect(r.energyPj, msg).toBeGreaterThanOrEqual(0);
  expect(Number.isFinite(r.energyPj), msg).toBe(true);
  const sum = Object.values(r.dynamicEnergyPj).reduce((a, b) => a + b, 0) + r.staticEnergyPj;
  expect(r.energyPj, `${msg}: total energy = Σ components + static`).toBeCloseTo(sum, 6);
  if (r.macs > 0) expect(r.energyPj, `${msg}: a MAC layer costs energy`).toBeGreaterThan(0);
  for (const [lvl, t] of Object.entries(r.traffic)) {
    expect(t.readBytes, `${msg}: ${lvl} read bytes`).toBeGreaterThanOrEqual(0);
    expect(t.writeBytes, `${msg}: ${lvl} write bytes`).toBeGreaterThanOrEqual(0);
  }
}

// ---------------------------------------------------------------- tests

describe('built-in presets', () => {
  it('there is at least one preset', () => {
    expect(loadedPresets.length).toBeGreaterThan(0);
  });
  it('every preset loads and validates', () => {
    expect(loadedPresets.filter((p) => p.error).map((p) => `${p.preset}: ${p.error}`)).toEqual([]);
  });
  it('every preset names a registered kind', () => {
    const known = new Set(allKinds().map((k) => k.kind));
    for (const p of loadedPresets) if (p.arch) expect(known.has(p.arch.kind), p.preset).toBe(true);
  });
});

describe.each(allKinds().map((k) => [k.kind, k] as const))('kind %s', (_name, kind) => {
  const presets = loadedPresets.filter((p) => p.arch?.kind === kind.kind).map((p) => p.preset);

  it('has at least one built-in preset', () => {
    expect(presets.length).toBeGreaterThan(0);
  });

  describe.each(presets)('preset %s', (preset) => {
    const arch = loadArch(preset);
    const knobs = hasDramKnobs(arch);

    describe.each(WORKLOADS.map((w) => [w.name, w] as const))('on %s', (_wname, wl) => {
      it('satisfies the per-layer invariants and the compute bound (as configured)', () => {
        const workload = wl.load();
        const r = run(preset, [], wl);
        expect(r.layers).toHaveLength(workload.layers.length);
        r.layers.forEach((lr, i) => {
          const layer = workload.layers[i]!;
          checkLayer(lr, layer, `${preset} ${wl.name}`);
          const t = kind.simulateLayer(layer, arch, { workload, seed: workload.seed });
          expect(t.peakMacsPerCycle, `${lr.layer}: peak`).toBeGreaterThan(0);
          // Compute bound.
          expect(lr.cycles, `${lr.layer}: cycles ≥ ⌈MACs / peak⌉`).toBeGreaterThanOrEqual(Math.ceil(layer.macs / t.peakMacsPerCycle));
        });
        // The total row sums the layers.
        expect(r.total.cycles).toBe(r.layers.reduce((a, l) => a + l.cycles, 0));
        expect(r.total.macs).toBe(r.layers.reduce((a, l) => a + l.macs, 0));
        expect(r.total.energyPj).toBeCloseTo(r.layers.reduce((a, l) => a + l.energyPj, 0), 3);
        expect(r.total.utilization).toBeLessThanOrEqual(1);
      });

      it('is deterministic (two runs deep-equal)', () => {
        const a = simulate(loadArch(preset), wl.load());
        const b = simulate(loadArch(preset), wl.load());
        expect(b).toEqual(a);
      });

      it.runIf(knobs)('calc mode never stalls on DRAM, and no fixed bandwidth beats it', () => {
        const workload = wl.load();
        const calc = run(preset, ['dram.mode=calc'], wl);
        calc.layers.forEach((lr, i) => {
          checkLayer(lr, workload.layers[i]!, `${preset} calc ${wl.name}`);
          // Causes named dram* are memory stalls; other causes (merging, intersection, load imbalance) are the design's own.
          const memory = Object.entries(lr.stalls).filter(([cause]) => cause.startsWith('dram'));
          for (const [cause, s] of memory) expect(s, `${lr.layer}: calc stall ${cause}`).toBe(0);
          expect(lr.cycles, `${lr.layer}: calc cycles = compute + non-memory stalls`).toBe(lr.computeCycles + lr.stallCycles - memory.reduce((a, [, s]) => a + s, 0));
        });
        for (const w of [2, 8, 32]) {
          const fixed = run(preset, fixedSets(w), wl);
          fixed.layers.forEach((lr, i) => {
            expect(lr.cycles, `${lr.layer} @${w} words/cycle ≥ calc`).toBeGreaterThanOrEqual(calc.layers[i]!.cycles);
            expect(lr.computeCycles, `${lr.layer} @${w}: compute cycles do not depend on bandwidth`).toBe(calc.layers[i]!.computeCycles);
          });
        }
      });

      it.runIf(knobs)('fixed mode: per-layer invariants and the DRAM bandwidth bound', () => {
        const workload = wl.load();
        for (const w of [2, 8, 32]) {
          const design = loadArch(preset, fixedSets(w));
          const bytesPerCycle = dramPorts(kind, design) * w * (wordBitsOf(design) / 8);
          const r = run(preset, fixedSets(w), wl);
          r.layers.forEach((lr, i) => {
            checkLayer(lr, workload.layers[i]!, `${preset} fixed@${w} ${wl.name}`);
            const dram = lr.traffic['dram'];
            expect(dram, `${lr.layer}: dram traffic reported`).toBeDefined();
            const bytes = dram!.readBytes + dram!.writeBytes;
            expect(lr.cycles, `${lr.layer} @${w}: cycles ≥ DRAM bytes / port bandwidth`).toBeGreaterThanOrEqual(bytes / bytesPerCycle);
          });
        }
      });

      it.runIf(knobs)('more bandwidth never adds cycles (2 → 8 → 32 words/cycle, per layer)', () => {
        const runs = [2, 8, 32].map((w) => run(preset, fixedSets(w), wl));
        for (let k = 1; k < runs.length; k++) {
          runs[k]!.layers.forEach((lr, i) => {
            const slower = runs[k - 1]!.layers[i]!;
            expect(lr.cycles, `${lr.layer}: more bandwidth`).toBeLessThanOrEqual(slower.cycles);
          });
        }
        // And it matters somewhere: at 2 words/cycle at least one layer stalls.
        expect(runs[0]!.total.stallCycles).toBeGreaterThan(0);
      });

      it.runIf(knobs)('DRAM traffic does not depend on the bandwidth mode', () => {
        const calc = run(preset, ['dram.mode=calc'], wl);
        const fixed = run(preset, fixedSets(8), wl);
        fixed.layers.forEach((lr, i) => expect(lr.traffic['dram'], lr.layer).toEqual(calc.layers[i]!.traffic['dram']));
      });
    });
  });
});
