/**
 * The zero-atom ablation on BitFusion: the operand variants of the
 * multi-precision ablation (src/kinds/multi-precision/atoms-study.ts) on the
 * Eyeriss-matched BitFusion with atoms.skip = off, values, atoms, DRAM in calc
 * mode so the Fusion Units' work is what is compared.
 * results/reproduced/zero-atoms.md is written from it (test/validation/zero-atoms-report.ts).
 */
import { loadArch } from '../../config/arch.js';
import { simulate, type RunResult } from '../../sim/run.js';
import type { Workload } from '../../workload/layer.js';
import { withOperands, type OperandVariant } from '../multi-precision/atoms-study.js';
import { BITFUSION_PRESET } from './study.js';

/** Skip modes of the ablation, in order. */
const MODES = ['off', 'values', 'atoms'] as const;
type PerMode = Record<(typeof MODES)[number], number>;

/** One row of the BitFusion ablation. */
export interface BitfusionAblationRow {
  variant: OperandVariant;
  /** Compute cycles of the MAC layers with each skip mode (lockstep array). */
  cycles: PerMode;
  /** The same with per-unit queues (each tile as long as its busiest unit or row bus; off: the dense cycles). */
  queueCycles: PerMode;
  /** Fusion-unit energy in pJ with each skip mode. */
  fusionUnitPj: PerMode;
  /** Share of (column fold, pixel) items timed exactly under `atoms` (1: no sampling). */
  sampledFraction: number;
  /** Wall-clock seconds of the three runs. */
  seconds: number;
}

const macLayers = (r: RunResult) => r.layers.filter((l) => l.macs > 0);
const sum = (r: RunResult, f: (l: RunResult['layers'][number]) => number) => macLayers(r).reduce((a, l) => a + f(l), 0);

/** Runs the ablation row of variant `v` on `w` (`sets`: extra parameter settings of the BitFusion preset). */
export function bitfusionAblationRow(w: Workload, v: OperandVariant, sets: readonly string[] = []): BitfusionAblationRow {
  const wl = withOperands(w, v);
  const t0 = performance.now();
  const runs = MODES.map((skip) => simulate(loadArch(BITFUSION_PRESET, ['dram.mode=calc', `atoms.skip=${skip}`, ...sets]), wl));
  const seconds = (performance.now() - t0) / 1e3;
  const per = (f: (r: RunResult) => number): PerMode => ({ off: f(runs[0]!), values: f(runs[1]!), atoms: f(runs[2]!) });
  const atoms = runs[2]!;
  const items = sum(atoms, (l) => l.computeCycles);
  return {
    variant: v,
    cycles: per((r) => sum(r, (l) => l.computeCycles)),
    queueCycles: per((r) => sum(r, (l) => (l.details['atom_unit_queue_cycles'] === undefined ? l.computeCycles : l.computeCycles - Number(l.details['atom_lockstep_cycles']) + Number(l.details['atom_unit_queue_cycles'])))),
    fusionUnitPj: per((r) => r.total.dynamicEnergyPj['fusion_units'] ?? 0),
    // Weighted by the layers' cycles, so the big layers count most.
    sampledFraction: items > 0 ? sum(atoms, (l) => l.computeCycles * Number(l.details['atom_sampled_fraction'])) / items : 1,
    seconds,
  };
}
