/**
 * Studies of the sparse engines, shared by the benchmark, the validation tests
 * and the report script (test/validation/sparse-report.ts): one layer of a
 * built-in network at chosen densities, designs at equal resources, and the
 * papers' headline ratios the presets are compared with.
 */
import { loadArch } from '../../config/arch.js';
import { simulate } from '../../sim/run.js';
import { resolveNetwork, type Workload } from '../../workload/layer.js';
import { readNetworkSpec } from '../../workload/load.js';
import { networkSchema } from '../../workload/trace.js';

/** Layer `layer` of network `network` alone, with weight density `wd` and activation density `ad` (1 = dense). */
export function layerAtDensity(network: string, layer: string, wd: number, ad: number, seed = 0): Workload {
  const { spec, file } = readNetworkSpec(network);
  const l = spec.layers.find((x) => x.name === layer);
  if (!l) throw new Error(`${network} has no layer "${layer}"`);
  const operand = (d: number) => ({ density: d, pattern: d < 1 ? ('unstructured' as const) : ('dense' as const) });
  const one = networkSchema.parse({
    ...spec,
    name: `${spec.name}-${layer}-w${wd}-a${ad}`,
    seed,
    published: undefined,
    layers: [{ ...l, weights: { ...l.weights, ...operand(wd) }, inputs: { ...l.inputs, ...operand(ad) } }],
  });
  return resolveNetwork(one, file);
}

/** A design of a comparison: a preset with overrides, under a label. */
export interface StudyDesign {
  label: string;
  arch: string;
  sets: string[];
}

/**
 * The dataflow study's designs at equal resources: `pes` multipliers, 1 GHz,
 * 64 bytes/cycle per DRAM port, 2 MiB of global buffer, 16-bit coordinates;
 * everything else from the ExTensor-, OuterSPACE- and Gamma-like presets; and
 * a dense weight-stationary systolic array of the same multiplier count as the
 * baseline.
 */
export function isoDesigns(pes: number): StudyDesign[] {
  const common = ['clockMHz=1000', `pes.count=${pes}`, 'dram.mode=fixed', 'dram.wordsPerCycle=64', 'dram.latencyCycles=80', 'globalBuffer.capacityKiB=2048', 'metadata.indexBits=16', 'technology.nodeNm=45'];
  const side = Math.round(Math.sqrt(pes));
  return [
    { label: 'inner (ExTensor-like)', arch: 'sparse-inner/extensor', sets: common },
    { label: 'outer (OuterSPACE-like)', arch: 'sparse-outer/outerspace', sets: common },
    { label: 'row (Gamma-like)', arch: 'sparse-row/gamma', sets: common },
    {
      label: `dense systolic ${side}×${pes / side} (WS)`,
      arch: 'systolic/scalesim-32x32-os',
      sets: ['clockMHz=1000', `array.rows=${side}`, `array.cols=${pes / side}`, 'dataflow=ws', 'dram.mode=fixed', 'dram.wordsPerCycle=64', 'technology.nodeNm=45'],
    },
  ];
}

/** One published speed ratio between two designs, with its source and status (numbers.md: Q quoted, U unverified). */
export interface PublishedRatio {
  faster: string;
  slower: string;
  ratio: number;
  status: 'Q' | 'U';
  source: string;
  /** What the paper measured it on. */
  workloads: string;
}

/** The papers' headline ratios the presets are compared with (numbers.md §C). */
export const publishedRatios: readonly PublishedRatio[] = [
  { faster: 'sparse-outer/sparch', slower: 'sparse-outer/outerspace', ratio: 4, status: 'Q', source: 'SpArch (Zhang et al., HPCA 2020), abstract', workloads: '20 SuiteSparse/SNAP matrices, A·A' },
  { faster: 'sparse-row/matraptor', slower: 'sparse-outer/outerspace', ratio: 1.8, status: 'Q', source: 'MatRaptor (Srivastava et al., MICRO 2020), abstract', workloads: 'SuiteSparse matrices, A·A (gem5)' },
  { faster: 'sparse-row/gamma', slower: 'sparse-outer/sparch', ratio: 2.1, status: 'U', source: 'Gamma (Zhang et al., ASPLOS 2021): gmean 2.1× over prior accelerators (Q); that this is against SpArch is U (numbers.md §C)', workloads: 'SuiteSparse matrices, A·A' },
  { faster: 'sparse-row/gamma', slower: 'sparse-outer/outerspace', ratio: 6.6, status: 'U', source: 'Gamma (Zhang et al., ASPLOS 2021), U (numbers.md §C)', workloads: 'SuiteSparse matrices, A·A' },
];

/** Seconds (speed) of each preset on a workload. */
export function presetSeconds(presets: readonly string[], workload: Workload): Map<string, { seconds: number; cycles: number; energyPj: number; dramBytes: number }> {
  const out = new Map<string, { seconds: number; cycles: number; energyPj: number; dramBytes: number }>();
  for (const p of presets) {
    const r = simulate(loadArch(p), workload);
    const dram = r.total.traffic['dram'];
    out.set(p, { seconds: r.total.seconds, cycles: r.total.cycles, energyPj: r.total.energyPj, dramBytes: (dram?.readBytes ?? 0) + (dram?.writeBytes ?? 0) });
  }
  return out;
}
