/**
 * The zero-atom ablation: how much of the work a bit-level PE can skip comes
 * from sparsity (zero operands) and how much from low precision (zero atoms of
 * nonzero operands, fewer bits), on one network with its operands pruned and
 * quantized in turn. Run on the baseline design (every MAC at the trace's bits)
 * so DRQ's regions do not mix in; compute cycles are taken in calc mode (no
 * DRAM stalls) so the PE array's work is what is compared.
 * results/reproduced/zero-atoms.md is written from it (test/validation/zero-atoms-report.ts).
 */
import { loadArch } from '../../config/arch.js';
import { simulate, type RunResult } from '../../sim/run.js';
import type { Layer, Operand, Workload } from '../../workload/layer.js';
import { baselinePreset } from './study.js';

/** How the trace's operands are changed for one row of the ablation. */
export interface OperandVariant {
  label: string;
  /** Compute and storage bits of weights and inputs (intN). */
  bits: number;
  /** Density of the weights (unstructured pruning) and of the inputs (zero activations). */
  weightDensity: number;
  inputDensity: number;
}

/** The operands of the ablation's rows. Densities: guesses (half the weights pruned; about half of post-ReLU activations zero). */
export const ablationVariants: readonly OperandVariant[] = [
  { label: 'int8, dense', bits: 8, weightDensity: 1, inputDensity: 1 },
  { label: 'int8, pruned', bits: 8, weightDensity: 0.5, inputDensity: 0.5 },
  { label: 'int4, dense', bits: 4, weightDensity: 1, inputDensity: 1 },
  { label: 'int4, pruned', bits: 4, weightDensity: 0.5, inputDensity: 0.5 },
];

function withOperand(op: Operand, bits: number, density: number): Operand {
  return { ...op, format: `int${bits}`, storageBits: bits, computeBits: bits, density, pattern: density < 1 ? { type: 'unstructured' } : { type: 'dense' } };
}

/** `w` with every MAC layer's weights and inputs at `v`'s bits and densities (a copy). */
export function withOperands(w: Workload, v: OperandVariant): Workload {
  return {
    ...w,
    layers: w.layers.map((l): Layer => (l.weights ? { ...l, weights: withOperand(l.weights, v.bits, v.weightDensity), inputs: withOperand(l.inputs, v.bits, v.inputDensity) } : l)),
  };
}

/** One row of the ablation: the PE array's cycles with each skip mode, and why pairs were skipped. */
export interface AblationRow {
  variant: OperandVariant;
  /** Compute cycles of the MAC layers with atoms.skip = off, values, atoms. */
  cycles: { off: number; values: number; atoms: number };
  /** PE-array (MAC) energy in pJ with each skip mode. */
  macEnergyPj: { off: number; values: number; atoms: number };
  /** Shares of the dense atom pairs: multiplied, or skipped for padding, sparsity (the trace's masks), rounding to 0, zero atoms. */
  pairs: { executed: number; padding: number; sparsity: number; rounding: number; atoms: number };
}

const macCompute = (r: RunResult) => r.layers.filter((l) => l.macs > 0).reduce((a, l) => a + l.computeCycles, 0);
const detail = (r: RunResult, key: string) => r.layers.reduce((a, l) => a + Number(l.details[key] ?? 0), 0);

/** Runs the ablation row of variant `v` on `w`. */
export function ablationRow(w: Workload, v: OperandVariant): AblationRow {
  const wl = withOperands(w, v);
  const run = (skip: string) => simulate(loadArch(baselinePreset, ['dram.mode=calc', `atoms.skip=${skip}`]), wl);
  const [off, values, atoms] = [run('off'), run('values'), run('atoms')];
  const dense = detail(atoms, 'atom_pairs_dense');
  const share = (key: string) => detail(atoms, key) / dense;
  const mac = (r: RunResult) => r.total.dynamicEnergyPj['pe_array'] ?? 0;
  return {
    variant: v,
    cycles: { off: macCompute(off), values: macCompute(values), atoms: macCompute(atoms) },
    macEnergyPj: { off: mac(off), values: mac(values), atoms: mac(atoms) },
    pairs: {
      executed: share('atom_pairs_nonzero'),
      padding: share('atom_pairs_skipped_padding'),
      sparsity: share('atom_pairs_skipped_sparsity'),
      rounding: share('atom_pairs_skipped_rounding'),
      atoms: share('atom_pairs_skipped_atoms'),
    },
  };
}
