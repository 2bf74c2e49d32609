/**
 * Golden results: per preset × workload, the per-layer cycles, stalls, energy and
 * DRAM bytes, pinned in test/golden/*.json. Regenerate with `npm run golden:update`
 * (never edit by hand); the test re-simulates and compares.
 */
import { builtinPresets, loadArch } from '../../src/config/arch.js';
import { simulate } from '../../src/sim/run.js';
import { loadWorkload } from '../../src/workload/load.js';

/** Workloads every preset is pinned on. */
export const goldenWorkloads = ['resnet18', 'lenet5', 'test/fixtures/scalesim/alexnet.csv'];

/** The pinned figures of one layer. */
export interface GoldenLayer {
  layer: string;
  cycles: number;
  stallCycles: number;
  energyPj: number;
  dramBytes: number;
}

/** Golden file name of a preset × workload. */
export function goldenName(preset: string, workload: string): string {
  const w = workload.split('/').pop()!.replace(/\.\w+$/, '');
  return `${preset.replace(/\//g, '_')}__${w}.json`;
}

/** Simulates and extracts the pinned figures. */
export function goldenOf(preset: string, workload: string): GoldenLayer[] {
  const r = simulate(loadArch(preset), loadWorkload(workload));
  return [...r.layers, r.total].map((l) => ({
    layer: l.layer,
    cycles: l.cycles,
    stallCycles: l.stallCycles,
    energyPj: l.energyPj,
    dramBytes: (l.traffic.dram?.readBytes ?? 0) + (l.traffic.dram?.writeBytes ?? 0),
  }));
}

/** Every (preset, workload) pair pinned. */
export function goldenCases(): Array<[string, string]> {
  return builtinPresets().flatMap((p) => goldenWorkloads.map((w): [string, string] => [p, w]));
}
