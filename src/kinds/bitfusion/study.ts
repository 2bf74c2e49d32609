/**
 * The BitFusion evaluation (Sharma et al., ISCA 2018) as cyclops runs it: the eight
 * benchmarks on the Eyeriss-matched BitFusion and on the 16-bit Eyeriss baseline,
 * summed over conv and fc layers (what the public simulator times), beside the
 * published headline and the public simulator's own per-benchmark cycles.
 * Used by results/reproduced/bitfusion.md and test/validation/bitfusion.test.ts.
 */
import { loadArch } from '../../config/arch.js';
import { simulate } from '../../sim/run.js';
import { loadWorkload } from '../../workload/load.js';

/** The published headline (numbers.md §A.1, Q: abstract of arXiv 1712.01507). */
export const bitfusionHeadline = {
  vsEyeriss: { speedup: 3.9, energyReduction: 5.1 },
  source: 'Sharma et al., ISCA 2018, abstract: 3.9× speedup and 5.1× energy reduction over Eyeriss at the same area, frequency and 45 nm node',
} as const;

/**
 * The eight benchmarks, with the BitFusion frame rates the authors' notebook prints
 * for the Eyeriss-matched configuration (hsharma35/bitfusion bitfusion-generate-graphs.ipynb,
 * numbers.md §A.6, Q): fps = batch / seconds per batch of 16.
 */
export const BITFUSION_BENCHMARKS = [
  { name: 'AlexNet', workload: 'bitfusion-alexnet', publicFps: 212.4 },
  { name: 'SVHN', workload: 'bitfusion-svhn', publicFps: 6072 },
  { name: 'CIFAR-10', workload: 'bitfusion-cifar10', publicFps: 2429 },
  { name: 'LeNet-5', workload: 'bitfusion-lenet5', publicFps: 19_495 },
  { name: 'VGG-7', workload: 'bitfusion-vgg7', publicFps: 2834 },
  { name: 'ResNet-18', workload: 'bitfusion-resnet18', publicFps: 163.0 },
  { name: 'RNN', workload: 'bitfusion-rnn', publicFps: 20_275 },
  { name: 'LSTM', workload: 'bitfusion-lstm', publicFps: 23_727 },
] as const;

/** The public simulator's cycles per batch of 16 at 500 MHz, from its frame rate (D). */
export function publicCycles(fps: number): number {
  return (16 / fps) * 500e6;
}

/** The designs compared. */
export const BITFUSION_PRESET = 'bitfusion/isca18-eyeriss';
export const EYERISS_PRESET = 'bitfusion/eyeriss-16bit';

/** A design's totals on one benchmark, over its conv and fc layers. */
export interface BenchmarkTotals {
  cycles: number;
  seconds: number;
  computeCycles: number;
  energyPj: number;
  /** Dynamic energy by component (pJ). */
  energyByComponent: Record<string, number>;
  macs: number;
  dramBytes: number;
}

/** Runs `preset` (with `sets`) on `workload` and sums its MAC layers. */
export function benchmarkTotals(preset: string, workload: string, sets: readonly string[] = []): BenchmarkTotals {
  const r = simulate(loadArch(preset, sets), loadWorkload(workload));
  const t: BenchmarkTotals = { cycles: 0, seconds: 0, computeCycles: 0, energyPj: 0, energyByComponent: {}, macs: 0, dramBytes: 0 };
  for (const l of r.layers) {
    if (l.macs === 0) continue;
    t.cycles += l.cycles;
    t.seconds += l.seconds;
    t.computeCycles += l.computeCycles;
    t.energyPj += l.energyPj;
    t.macs += l.macs;
    t.dramBytes += (l.traffic['dram']?.readBytes ?? 0) + (l.traffic['dram']?.writeBytes ?? 0);
    for (const [c, pj] of Object.entries(l.dynamicEnergyPj)) t.energyByComponent[c] = (t.energyByComponent[c] ?? 0) + pj;
  }
  return t;
}

/** Geometric mean. */
export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** One benchmark of the comparison. */
export interface BenchmarkComparison {
  name: string;
  workload: string;
  bitfusion: BenchmarkTotals;
  /** BitFusion with outputs written at the accumulator width, as the public simulator counts them. */
  bitfusionWideOutputs: BenchmarkTotals;
  eyeriss: BenchmarkTotals;
  publicCycles: number;
  speedup: number;
  energyReduction: number;
}

/** The whole comparison: every benchmark on the three design variants. */
export function bitfusionStudy(): BenchmarkComparison[] {
  return BITFUSION_BENCHMARKS.map((b) => {
    const bitfusion = benchmarkTotals(BITFUSION_PRESET, b.workload);
    const eyeriss = benchmarkTotals(EYERISS_PRESET, b.workload);
    return {
      name: b.name,
      workload: b.workload,
      bitfusion,
      bitfusionWideOutputs: benchmarkTotals(BITFUSION_PRESET, b.workload, ['outputStorage=accumulator']),
      eyeriss,
      publicCycles: publicCycles(b.publicFps),
      speedup: eyeriss.seconds / bitfusion.seconds,
      energyReduction: eyeriss.energyPj / bitfusion.energyPj,
    };
  });
}
