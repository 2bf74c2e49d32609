/**
 * Per-action energies of an NVIDIA GPU streaming multiprocessor and its memory
 * hierarchy, fitted to board-power measurements of an H100 SXM5 (TSMC 4N) by
 * calibration/gpu/fit.ts on calibration/gpu/data/*.csv (power read with
 * nvidia-smi while one kernel ran back to back; the fit set excludes the
 * held-out layers). Other GPUs scale these with the first-order node·V² rule of
 * src/energy/scale.ts — a guess-level transfer, marked D.
 *
 * Energies are at the H100's highest SM clock and its voltage; the kind scales
 * on-chip energies by (V/V₀)² when the power limit lowers the clock. The fit
 * (non-negative least squares on relative residuals of 165 kernels: rms 13 %)
 * folds instruction issue and operand delivery into the per-MAC energies, and the
 * load/store work of the SMs into the L2 energy; the register file, SMEM and L1
 * keep their table energies (the data cannot separate them from what they feed).
 */
import type { Sourced } from './provenance.js';

const FIT = 'fitted to H100 SXM5 board power, calibration/gpu/fit.ts on calibration/gpu/data (nvidia-smi, 2026)';
const h100 = (value: number, unit: string, what: string, status: Sourced['status'] = 'D', source = FIT): Sourced => ({
  value,
  unit,
  nodeNm: 4,
  vdd: 0.9,
  source: `${source}: ${what}`,
  status,
});

/** H100 SXM5 per-action energies. */
export const gpuH100 = {
  /** Clock tree and idle pipelines of one SM for one cycle: the clock-dependent part of idle power. */
  clockPjPerSmCycle: h100(265.0, 'pJ/(SM·cycle)', 'idle power at 1980 vs 345 MHz'),
  fp32FmaPj: h100(15.32, 'pJ/FMA', 'FP32 FMA on CUDA cores, instruction issue and operand collection included'),
  fp16FmaPj: h100(7.66, 'pJ/FMA', 'FP16 FMA (half an HFMA2)', 'U', 'guess: half the fitted FP32 FMA'),
  int8DotPj: h100(3.83, 'pJ/MAC', 'int8 MAC of a DP4A', 'U', 'guess: a quarter of the fitted FP32 FMA'),
  tensorTf32Pj: h100(2.280, 'pJ/MAC', 'TF32 tensor-core MAC'),
  tensorFp16Pj: h100(1.122, 'pJ/MAC', 'FP16 tensor-core MAC (FP32 accumulation)'),
  tensorBf16Pj: h100(1.122, 'pJ/MAC', 'BF16 tensor-core MAC (fitted together with FP16)'),
  tensorFp8Pj: h100(0.866, 'pJ/MAC', 'FP8 tensor-core MAC'),
  tensorInt8Pj: h100(1.075, 'pJ/MAC', 'INT8 tensor-core MAC'),
  tensorInt4Pj: h100(0.58, 'pJ/MAC', 'INT4 tensor-core MAC (Hopper has none: for chips that do)', 'U', 'guess: half of INT8'),
  l2PjPerByte: h100(73.8, 'pJ/B', 'L2 byte read or written, crossbar and the SM load/store work that moves it included'),
} as const satisfies Record<string, Sourced>;
