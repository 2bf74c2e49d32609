/**
 * The board power limit: when a layer at the highest clock would draw more than
 * `power.limitW`, the SM clock (and with it the core voltage, linear in clock
 * between minClockMHz and clockMHz) drops until it fits — the DVFS that keeps an
 * H100 at 700 W through a tensor-core GEMM. Dynamic on-chip energy scales with
 * V², the clock-tree energy with cycles × V², DRAM energy not at all; time
 * scales with the clock except where the layer waits on DRAM bandwidth.
 */
import type { GpuParams } from './params.js';

/** Core voltage at `clockMHz` over the voltage at the highest clock. */
export function voltageRatio(p: GpuParams, clockMHz: number): number {
  const fMax = p.clockMHz;
  const fMin = Math.min(p.power.minClockMHz, fMax);
  if (fMax <= fMin) return 1;
  const x = Math.min(1, Math.max(0, (clockMHz - fMin) / (fMax - fMin)));
  return p.power.minVoltageRatio + (1 - p.power.minVoltageRatio) * x;
}

/** A layer simulated at the highest clock, split the way its power scales with the clock. */
export interface PowerProfile {
  /** Cycles at the highest clock that scale with the clock, and those that wait on DRAM bandwidth (fixed in time). */
  clockCycles: number;
  dramCycles: number;
  /** Energies at the highest clock (pJ): on-chip actions but the clock tree, the clock tree, DRAM. */
  onChipPj: number;
  clockPj: number;
  dramPj: number;
  staticW: number;
}

/** Power (W) and seconds of a profiled layer if run at `clockMHz` (first-order: counts fixed, time and V scaled). */
export function powerAt(p: GpuParams, prof: PowerProfile, clockMHz: number): { watts: number; seconds: number } {
  const f0 = p.clockMHz * 1e6;
  const f = clockMHz * 1e6;
  const seconds = prof.clockCycles / f + prof.dramCycles / f0;
  const v2 = voltageRatio(p, clockMHz) ** 2;
  const t0 = (prof.clockCycles + prof.dramCycles) / f0;
  // The clock tree burns per cycle: cycles at f over the layer's time.
  const clockPj = prof.clockPj * ((seconds * f) / (t0 * f0)) * v2;
  const joules = (prof.onChipPj * v2 + clockPj + prof.dramPj) * 1e-12;
  return { watts: prof.staticW + joules / seconds, seconds };
}

/** The highest clock (MHz, within 1 MHz) at which the profiled layer stays within the power limit. */
export function throttledClock(p: GpuParams, prof: PowerProfile): number {
  const limit = p.power.limitW;
  if (limit <= 0 || powerAt(p, prof, p.clockMHz).watts <= limit) return p.clockMHz;
  let lo = Math.min(p.power.minClockMHz, p.clockMHz);
  if (powerAt(p, prof, lo).watts > limit) return lo;
  let hi = p.clockMHz;
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (powerAt(p, prof, mid).watts <= limit) lo = mid;
    else hi = mid;
  }
  return Math.floor(lo);
}
