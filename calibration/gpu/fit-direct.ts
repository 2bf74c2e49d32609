/**
 * Fits `efficiency.smLoadsInFlight` — the warp-wide global loads one SM keeps in
 * flight, which bound the direct sparse convolution by Little's law — and
 * `efficiency.blockDriftTaps` — how far co-resident blocks run apart, which sets
 * what input they share in L1 — to the
 * H100 direct-sparse measurements (calibration/gpu/data/sparse.csv, every layer,
 * format, density and sub-batch of the fit set; the held-out layers of
 * dataset.ts are only reported), by a grid search minimising the weighted mean
 * |log(predicted/measured)| of the times, each sample at its measured clock with
 * the power limit off. Kept apart from fit.ts: the parameter touches only this
 * kernel, and the dense fit does not need re-running for it.
 *
 *   npm run build && node dist/calibration/gpu/fit-direct.js
 *
 * The printed values go into src/kinds/gpu-sm/params.ts (the h100 defaults) and arch/gpu/h100-sxm5.yaml by hand.
 */
import { loadArch } from '../../src/config/arch.js';
import type { QualifiedArch } from '../../src/kinds/kind.js';
import type { GpuParams } from '../../src/kinds/gpu-sm/params.js';
import { simulateGpuLayer } from '../../src/kinds/gpu-sm/simulate.js';
import { directSparseSamples, measurementSets, type Sample } from './dataset.js';

/** Predicted over measured time of a direct-sparse sample, with extra `--set`s. */
export function directSparseRatio(s: Sample, sets: string[] = []): number {
  const arch = loadArch('gpu/h100-sxm5', [...measurementSets(s), 'power.limitW=0', `clockMHz=${s.clockMHz}`, ...sets]) as QualifiedArch<GpuParams>;
  const t = simulateGpuLayer(s.workload.layers[0]!, arch, { workload: s.workload, seed: s.workload.seed });
  return t.cycles / (s.clockMHz * 1e6) / s.measuredSeconds;
}

/** Error statistics of predicted/measured ratios: weighted mean |log|, median and worst |ratio − 1|. */
export function ratioStats(samples: Sample[], ratios: number[]): { meanLog: number; median: number; worst: number } {
  const w = samples.reduce((a, s) => a + s.weight, 0);
  const meanLog = samples.reduce((a, s, i) => a + s.weight * Math.abs(Math.log(ratios[i]!)), 0) / w;
  const e = ratios.map((r) => Math.abs(r - 1)).sort((a, b) => a - b);
  return { meanLog, median: e[Math.floor(e.length / 2)] ?? 0, worst: e[e.length - 1] ?? 0 };
}

const setsOf = (loads: number, drift: number) => [`efficiency.smLoadsInFlight=${loads}`, `efficiency.blockDriftTaps=${drift}`];

/** The grid search over loads in flight × drift; returns the best pair and the errors on the fit and held-out sets. */
export function fitDirectSparse(grid: number[], driftGrid: number[]) {
  const all = directSparseSamples();
  const fit = all.filter((s) => !s.heldOut);
  const held = all.filter((s) => s.heldOut);
  let best: { value: number; drift: number; cost: number } | undefined;
  for (const d of driftGrid) {
    for (const v of grid) {
      const cost = ratioStats(fit, fit.map((s) => directSparseRatio(s, setsOf(v, d)))).meanLog;
      console.log(`  smLoadsInFlight ${v}, blockDriftTaps ${d}: fit-set mean |log ratio| ${cost.toFixed(4)}`);
      if (!best || cost < best.cost) best = { value: v, drift: d, cost };
    }
  }
  const sets = setsOf(best!.value, best!.drift);
  return {
    value: best!.value,
    drift: best!.drift,
    fit: ratioStats(fit, fit.map((s) => directSparseRatio(s, sets))),
    heldOut: ratioStats(held, held.map((s) => directSparseRatio(s, sets))),
    counts: { fit: fit.length, heldOut: held.length },
  };
}

if (process.argv[1]?.endsWith('fit-direct.js')) {
  const r = fitDirectSparse([64, 80, 96, 112, 128, 160], [0, 16, 32, 64, 128, 256]);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(`fitted: efficiency.smLoadsInFlight=${r.value} efficiency.blockDriftTaps=${r.drift}`);
  for (const [name, s, n] of [['fit', r.fit, r.counts.fit], ['held-out', r.heldOut, r.counts.heldOut]] as const) {
    console.log(`time, ${name} (${n}): mean |log ratio| ${s.meanLog.toFixed(3)}, median ${pct(s.median)}, worst ${pct(s.worst)}`);
  }
}
