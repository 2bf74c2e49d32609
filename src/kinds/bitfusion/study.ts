/**
 * The BitFusion evaluation (Sharma et al., ISCA 2018) as cyclops runs it: the eight
 * benchmarks on the Eyeriss-matched BitFusion and on the Eyeriss baseline as the
 * evaluation modelled it, summed over conv and fc layers (what the public simulator
 * times), with the physical variants of both as sensitivity points.
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
 * The eight benchmarks: the BitFusion trace (the artifact's benchmarks.py) and the
 * trace the authors' Eyeriss simulator ran (results/eyeriss_results.csv: AlexNet and
 * ResNet-18 at their original widths, the others as BitFusion runs them).
 */
export const BITFUSION_BENCHMARKS = [
  { name: 'AlexNet', workload: 'bitfusion-alexnet', eyerissWorkload: 'bitfusion-alexnet-eyeriss' },
  { name: 'SVHN', workload: 'bitfusion-svhn', eyerissWorkload: 'bitfusion-svhn' },
  { name: 'CIFAR-10', workload: 'bitfusion-cifar10', eyerissWorkload: 'bitfusion-cifar10' },
  { name: 'LeNet-5', workload: 'bitfusion-lenet5', eyerissWorkload: 'bitfusion-lenet5' },
  { name: 'VGG-7', workload: 'bitfusion-vgg7', eyerissWorkload: 'bitfusion-vgg7' },
  { name: 'ResNet-18', workload: 'bitfusion-resnet18', eyerissWorkload: 'bitfusion-resnet18-eyeriss' },
  { name: 'RNN', workload: 'bitfusion-rnn', eyerissWorkload: 'bitfusion-rnn' },
  { name: 'LSTM', workload: 'bitfusion-lstm', eyerissWorkload: 'bitfusion-lstm' },
] as const;

/** The designs compared: BitFusion as evaluated, Eyeriss as the evaluation modelled it, and the physical 168-PE Eyeriss. */
export const BITFUSION_PRESET = 'bitfusion/isca18-eyeriss';
export const EYERISS_PRESET = 'bitfusion/eyeriss-isca18-baseline';
export const EYERISS_168_PRESET = 'bitfusion/eyeriss-16bit';

/** BitFusion with the kind's defaults for the two loop-template settings the preset takes from the public simulator. */
export const PHYSICAL_OUTPUTS = ['outputStorage=requantized', 'mapping.outputLoad=partial-sums'] as const;

/** One MAC layer of a run. */
export interface LayerTotals {
  name: string;
  cycles: number;
  energyPj: number;
  macs: number;
}

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
  layers: LayerTotals[];
}

/** Runs `preset` (with `sets`) on `workload` and sums its MAC layers. */
export function benchmarkTotals(preset: string, workload: string, sets: readonly string[] = []): BenchmarkTotals {
  const r = simulate(loadArch(preset, sets), loadWorkload(workload));
  const t: BenchmarkTotals = { cycles: 0, seconds: 0, computeCycles: 0, energyPj: 0, energyByComponent: {}, macs: 0, dramBytes: 0, layers: [] };
  for (const l of r.layers) {
    if (l.macs === 0) continue;
    t.cycles += l.cycles;
    t.seconds += l.seconds;
    t.computeCycles += l.computeCycles;
    t.energyPj += l.energyPj;
    t.macs += l.macs;
    t.dramBytes += (l.traffic['dram']?.readBytes ?? 0) + (l.traffic['dram']?.writeBytes ?? 0);
    for (const [c, pj] of Object.entries(l.dynamicEnergyPj)) t.energyByComponent[c] = (t.energyByComponent[c] ?? 0) + pj;
    t.layers.push({ name: l.layer, cycles: l.cycles, energyPj: l.energyPj, macs: l.macs });
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
  eyerissWorkload: string;
  /** BitFusion as evaluated (the preset). */
  bitfusion: BenchmarkTotals;
  /** BitFusion with requantized outputs and zero-started output blocks (PHYSICAL_OUTPUTS). */
  bitfusionPhysical: BenchmarkTotals;
  /** Eyeriss as BitFusion's evaluation modelled it. */
  eyeriss: BenchmarkTotals;
  /** The physical 168-PE, 16-bit Eyeriss (memory-stalled, priced like BitFusion). */
  eyeriss168: BenchmarkTotals;
  speedup: number;
  energyReduction: number;
}

/** The whole comparison: every benchmark on the four designs. */
export function bitfusionStudy(): BenchmarkComparison[] {
  return BITFUSION_BENCHMARKS.map((b) => {
    const bitfusion = benchmarkTotals(BITFUSION_PRESET, b.workload);
    const eyeriss = benchmarkTotals(EYERISS_PRESET, b.eyerissWorkload);
    return {
      name: b.name,
      workload: b.workload,
      eyerissWorkload: b.eyerissWorkload,
      bitfusion,
      bitfusionPhysical: benchmarkTotals(BITFUSION_PRESET, b.workload, PHYSICAL_OUTPUTS),
      eyeriss,
      eyeriss168: benchmarkTotals(EYERISS_168_PRESET, b.eyerissWorkload),
      speedup: eyeriss.seconds / bitfusion.seconds,
      energyReduction: eyeriss.energyPj / bitfusion.energyPj,
    };
  });
}
