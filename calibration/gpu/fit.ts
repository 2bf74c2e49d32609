/**
 * Fits the h100 preset's non-datasheet parameters to the measurements of
 * calibration/gpu/data (fit set only; the held-out samples of dataset.ts are
 * never used) and prints them with the errors on both sets:
 *
 *   npm run build && node dist/calibration/gpu/fit.js
 *
 * 1. Time: kernel efficiencies, latencies, launch time and L2 bandwidth, by
 *    coordinate descent over grids, minimising the mean |log(predicted/measured)|
 *    of the steady-state times, each sample simulated at its measured SM clock
 *    with the power limit off (the clock is measured, so DVFS plays no part).
 * 2. Energy: with those, every sample's action counts at its measured clock;
 *    board energy per call = static power × time + Σ counts × energy per action
 *    × (V/V₀)² (DRAM unscaled) is linear in the energies: non-negative least
 *    squares on relative residuals, for each voltage ratio of a grid, the best kept.
 *
 * The printed values go into arch/gpu/h100-sxm5.yaml and src/energy/tables/gpu.ts
 * by hand, with this script named as their source; test/validation/gpu-h100.test.ts
 * then checks the preset against the data.
 */
import { applyOverrides, qualifyArch, readArchData } from '../../src/config/arch.js';
import { price } from '../../src/energy/price.js';
import type { QualifiedArch } from '../../src/kinds/kind.js';
import { planLayer } from '../../src/kinds/gpu-sm/algorithms.js';
import { algorithmActions, gpuComponents } from '../../src/kinds/gpu-sm/energy.js';
import { layerCtx } from '../../src/kinds/gpu-sm/kernels/plan.js';
import type { GpuParams } from '../../src/kinds/gpu-sm/params.js';
import { voltageRatio } from '../../src/kinds/gpu-sm/power.js';
import { directSparseSamples, idleSamples, measurementSets, powerGemmSamples, sustainedSamples, type Sample } from './dataset.js';

const base = readArchData('gpu/h100-sxm5');

/** The preset under `sets`, as the kind's parameters. */
function archWith(sets: string[]): QualifiedArch<GpuParams> {
  return qualifyArch(applyOverrides(base.data, sets), base.file) as unknown as QualifiedArch<GpuParams>;
}

/** Algorithms `auto` chose per sample at the starting parameters: pinned during the fit (they rarely change, and re-searching every algorithm costs 3×). */
const pinned = new Map<string, string>();

/** The plan of a sample at its measured clock, without a power limit. */
function planAt(s: Sample, sets: string[]) {
  const pin = pinned.get(s.id);
  const arch = archWith([...measurementSets(s), `clockMHz=${s.clockMHz}`, 'power.limitW=0', ...sets, ...(pin ? [`algorithm=${pin}`] : [])]);
  const layer = s.workload.layers[0]!;
  const c = layerCtx(arch.params, layer, { workload: s.workload, seed: 0 }, s.clockMHz);
  return { arch, plan: planLayer(c, arch.params.algorithm) };
}

const logErr = (s: Sample, seconds: number) => Math.abs(Math.log(seconds / s.measuredSeconds));

/** Weighted mean |log ratio| of predicted to measured time over `samples`. */
function timeCost(samples: Sample[], sets: string[]): number {
  let sum = 0;
  let weight = 0;
  for (const s of samples) {
    const { plan } = planAt(s, sets);
    sum += s.weight * logErr(s, plan.chosen.cycles / (s.clockMHz * 1e6));
    weight += s.weight;
  }
  return sum / weight;
}

interface Knob {
  path: string;
  grid: number[];
  value: number;
}

const range = (lo: number, hi: number, step: number) => Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => +(lo + i * step).toFixed(6));

function fitTime(samples: Sample[]): Knob[] {
  for (const s of samples) {
    const a = planAt(s, []).plan.chosen.algorithm;
    if (!s.algorithm && a !== 'elementwise') pinned.set(s.id, a === 'gemm' ? 'implicit-gemm' : a);
  }
  const knobs: Knob[] = [
    { path: 'efficiency.tensorIssue', grid: range(0.76, 1, 0.04), value: 0.92 },
    { path: 'efficiency.convTensorIssue', grid: range(0.6, 1, 0.04), value: 0.9 },
    { path: 'efficiency.ffmaIssue', grid: range(0.68, 1, 0.04), value: 0.92 },
    { path: 'efficiency.convFfmaIssue', grid: range(0.56, 0.96, 0.04), value: 0.76 },
    { path: 'l2.usableFraction', grid: range(0.3, 0.75, 0.05), value: 0.5 },
    { path: 'l2.bytesPerCycle', grid: range(3500, 9500, 1000), value: 4540 },
    { path: 'efficiency.launchUs', grid: range(1, 5, 1), value: 3 },
    { path: 'efficiency.loadsInFlight', grid: range(1, 4, 1), value: 2 },
    { path: 'l2.hitLatencyCycles', grid: range(200, 400, 100), value: 260 },
    { path: 'dram.latencyNs', grid: range(400, 800, 200), value: 480 },
  ];
  const sets = () => knobs.map((k) => `${k.path}=${k.value}`);
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const k of knobs) {
      let bestV = k.value;
      let best = Infinity;
      for (const v of k.grid) {
        k.value = v;
        const cost = timeCost(samples, sets());
        if (cost < best) [best, bestV] = [cost, v];
      }
      k.value = bestV;
      console.log(`  ${k.path} = ${k.value}  (mean |log ratio| ${best.toFixed(4)})`);
    }
  }
  return knobs;
}

/** Non-negative least squares by cyclic coordinate descent: min ‖Ax − b‖², x ≥ 0. */
function nnls(a: number[][], b: number[]): number[] {
  const n = a[0]!.length;
  const x = new Array<number>(n).fill(0);
  const r = b.map((v) => -v); // Ax − b
  const norms = Array.from({ length: n }, (_, j) => a.reduce((s, row) => s + row[j]! ** 2, 0));
  for (let it = 0; it < 20000; it++) {
    let moved = 0;
    for (let j = 0; j < n; j++) {
      if (norms[j] === 0) continue;
      const g = a.reduce((s, row, i) => s + row[j]! * r[i]!, 0);
      const next = Math.max(0, x[j]! - g / norms[j]!);
      const d = next - x[j]!;
      if (d !== 0) {
        for (let i = 0; i < a.length; i++) r[i]! += a[i]![j]! * d;
        x[j] = next;
        moved = Math.max(moved, Math.abs(d) / Math.max(1e-12, Math.abs(next)));
      }
    }
    if (moved < 1e-10) break;
  }
  return x;
}

/** Unknown energies: the static power, then one energy per component group. */
const UNKNOWNS = ['static_w', 'sm_clock', 'fma_fp32', 'tensor_tf32', 'tensor_fp16', 'tensor_fp8', 'tensor_int8', 'l2', 'dram'] as const;
/** Components fitted together with a group above (same unit, no separate data). Registers, SMEM and L1 are not fitted: they keep their CACTI/Accelergy-scaled energies (the data cannot tell them from the MACs they feed). */
const GROUP: Record<string, (typeof UNKNOWNS)[number]> = { tensor_bf16: 'tensor_fp16', fma_fp16: 'fma_fp32', dot_int8: 'fma_fp32' };

interface EnergyRow {
  coeffs: number[];
  /** Measured joules per call (per second for idle rows) minus the fixed (not fitted) register energy. */
  joules: number;
  weight: number;
}

/** Energy equations of the samples at voltage ratio `vMin`, and of the idle GPU (static power plus the clock tree) weighted ×5. */
function energyRows(samples: Sample[], sets: string[], vMin: number): EnergyRow[] {
  const rows: EnergyRow[] = [];
  for (const s of samples) {
    const { arch, plan } = planAt(s, [...sets, `power.minVoltageRatio=${vMin}`]);
    const p = { ...arch.params, clockMHz: 1980 } as GpuParams;
    const v2 = voltageRatio(p, s.clockMHz) ** 2;
    const coeffs = new Array<number>(UNKNOWNS.length).fill(0);
    coeffs[0] = s.measuredSeconds;
    let fixedJ = 0;
    for (const a of algorithmActions(arch.params, plan.chosen, 1)) {
      const name = a.component === 'sm_clock' ? 'sm_clock' : GROUP[a.component] ?? a.component;
      // The clock tree runs for the measured time, not the predicted one.
      const count = a.component === 'sm_clock' ? arch.params.sms * s.clockMHz * 1e6 * s.measuredSeconds : a.count;
      const j = UNKNOWNS.indexOf(name as (typeof UNKNOWNS)[number]);
      const scale = a.component === 'dram' ? a.bits : v2;
      if (j >= 0) coeffs[j]! += count * scale * 1e-12;
      else fixedJ += price([{ ...a, energyScale: v2 }], gpuComponents(arch.params), arch.params.technology, 0, 1).totalPj * 1e-12;
    }
    rows.push({ coeffs, joules: s.powerW * s.measuredSeconds - fixedJ, weight: 1 });
  }
  const params = archWith([...sets, `power.minVoltageRatio=${vMin}`]).params;
  for (const i of idleSamples()) {
    const coeffs = new Array<number>(UNKNOWNS.length).fill(0);
    coeffs[0] = 1;
    coeffs[1] = params.sms * i.clockMHz * 1e6 * voltageRatio(params, i.clockMHz) ** 2 * 1e-12;
    rows.push({ coeffs, joules: i.powerW, weight: 5 });
  }
  return rows;
}

function fitEnergy(samples: Sample[], sets: string[]) {
  let best: { vMin: number; x: number[]; cost: number } | undefined;
  for (const vMin of range(0.5, 0.95, 0.05)) {
    const rows = energyRows(samples, sets, vMin);
    // Relative residuals: every equation divided by its measured energy.
    const a = rows.map((r) => r.coeffs.map((c) => (c * r.weight) / r.joules));
    const x = nnls(a, rows.map((r) => r.weight));
    const cost = a.reduce((s, row, i) => s + (row.reduce((t, c, j) => t + c * x[j]!, 0) - rows[i]!.weight) ** 2, 0);
    console.log(`  minVoltageRatio ${vMin.toFixed(2)}: rms relative error ${Math.sqrt(cost / rows.length).toFixed(4)}`);
    if (!best || cost < best.cost) best = { vMin, x, cost };
  }
  return best!;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
function stats(errs: number[]) {
  const a = errs.map(Math.abs).sort((x, y) => x - y);
  return `median ${pct(a[Math.floor(a.length / 2)] ?? 0)}, worst ${pct(a[a.length - 1] ?? 0)} (${a.length})`;
}

function main(): void {
  const sustained = sustainedSamples();
  // The direct-sparse sweep: sub-batches 1 and 4 of every layer, format and density (the seed picks among 2, 4, 8).
  const all = [...sustained, ...directSparseSamples().filter((s) => /sb[14]$/.test(s.id))];
  const fit = all.filter((s) => !s.heldOut);
  const held = all.filter((s) => s.heldOut);
  console.log(`${all.length} samples: ${fit.length} fit, ${held.length} held out`);
  console.log('time fit (coordinate descent):');
  const knobs = fitTime(fit);
  const sets = knobs.map((k) => `${k.path}=${k.value}`);
  for (const [name, set] of [['fit', fit], ['held-out', held]] as const) {
    const errs = set.map((s) => planAt(s, sets).plan.chosen.cycles / (s.clockMHz * 1e6) / s.measuredSeconds - 1);
    console.log(`time at the measured clock, ${name}: ${stats(errs)}`);
  }
  console.log('energy fit (NNLS per voltage ratio):');
  const e = fitEnergy([...sustained.filter((s) => !s.heldOut), ...powerGemmSamples()], sets);
  console.log(`\nfitted: ${sets.join(' ')} power.minVoltageRatio=${e.vMin}`);
  UNKNOWNS.forEach((u, j) => console.log(`  ${u}: ${u === 'static_w' ? e.x[j]!.toFixed(1) + ' W' : u === 'dram' ? e.x[j]!.toFixed(3) + ' pJ/bit' : e.x[j]!.toFixed(4) + ' pJ/action'}`));
}

main();
