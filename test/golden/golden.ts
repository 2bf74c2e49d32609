/**
 * Golden results: per preset × workload, the per-layer cycles, stalls, energy and
 * DRAM bytes, pinned in test/golden/data/*.json with the regress mechanism users
 * have (`cyclops regress`, expectArchResults). Regenerate with `npm run golden:update`
 * (never edit by hand); the test re-simulates and compares.
 */
import { builtinPresets } from '../../src/config/arch.js';
import { recordArchResults, type RegressFile } from '../../src/regress/regress.js';

/** Workloads every preset is pinned on. */
export const goldenWorkloads = ['resnet18', 'lenet5', 'test/fixtures/scalesim/alexnet.csv'];

/** Kinds pinned on other workloads (keyed by the preset's directory): the sparse engines take seconds on dense ResNet-18, and a sparse matrix exercises them better. */
const kindWorkloads: Record<string, string[]> = Object.fromEntries(
  ['sparse-inner', 'sparse-outer', 'sparse-row'].map((k) => [k, ['lenet5', 'test/fixtures/mtx/rmat-s9-e8.mtx']]),
);

/** Golden file name of a preset × workload. */
export function goldenName(preset: string, workload: string): string {
  const w = workload.split('/').pop()!.replace(/\.\w+$/, '');
  return `${preset.replace(/\//g, '_')}__${w}.json`;
}

/** Simulates and pins the figures, as `cyclops regress record` does (per layer and total: cycles, stalls, energy, DRAM bytes). */
export function goldenOf(preset: string, workload: string): RegressFile {
  return recordArchResults({ archs: [preset], workloads: [workload] });
}

/** Every (preset, workload) pair pinned. */
export function goldenCases(): Array<[string, string]> {
  return builtinPresets().flatMap((p) => (kindWorkloads[p.split('/')[0]!] ?? goldenWorkloads).map((w): [string, string] => [p, w]));
}
