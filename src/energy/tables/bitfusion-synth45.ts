/**
 * Synthesized systolic arrays of the public BitFusion simulator
 * (hsharma35/bitfusion results/systolic_array_synth.csv, 45 nm, 500 MHz; numbers.md §A.3).
 * The simulator prices an N×M array by scaling its 4×4 block by N·M/16 (simulator.py);
 * the per-unit figures here are that block divided by 16, so an N×M array costs
 * N·M times them — 512 Fusion Units of 8/2 bits give 235.104 pJ per cycle, the
 * figure the BitFusion notebook prints.
 */
import type { Sourced } from './provenance.js';

/** Frequency of every synthesis run in the table (Hz). */
const SYNTH_HZ = 500e6;

/** 4×4-array rows of systolic_array_synth.csv: max/min precision → dynamic and leakage power in nW. */
const BLOCK_4X4: ReadonlyArray<{ maxBits: number; minBits: number; dynamicNw: number; leakageNw: number }> = [
  { maxBits: 2, minBits: 2, dynamicNw: 325_616, leakageNw: 27_768 },
  { maxBits: 4, minBits: 2, dynamicNw: 942_252, leakageNw: 175_220 },
  { maxBits: 4, minBits: 4, dynamicNw: 659_402, leakageNw: 84_995 },
  { maxBits: 8, minBits: 2, dynamicNw: 3_673_500, leakageNw: 949_240 },
  { maxBits: 8, minBits: 8, dynamicNw: 1_627_500, leakageNw: 257_700 },
  { maxBits: 16, minBits: 2, dynamicNw: 16_907_600, leakageNw: 4_726_700 },
  { maxBits: 16, minBits: 16, dynamicNw: 4_821_500, leakageNw: 912_260 },
];

/** Per-unit figures of a synthesized array whose units multiply up to `maxBits` with `minBits` bricks. */
export interface SynthesizedUnit {
  /** Dynamic energy of one unit (Fusion Unit or fixed-width PE) per active cycle, pJ. */
  pjPerCycle: Sourced;
  /** Leakage power of one unit, mW. */
  leakageMw: Sourced;
}

/** The synthesized unit for `maxBits`/`minBits`, or undefined when the table has no such array. */
export function synthesizedArray(maxBits: number, minBits: number): SynthesizedUnit | undefined {
  const row = BLOCK_4X4.find((r) => r.maxBits === maxBits && r.minBits === minBits);
  if (!row) return undefined;
  const where = `hsharma35/bitfusion results/systolic_array_synth.csv, 4×4 array ${maxBits}/${minBits} bits at 500 MHz`;
  return {
    pjPerCycle: {
      value: (row.dynamicNw * 1e-9) / 16 / SYNTH_HZ / 1e-12,
      unit: 'pJ/cycle per unit',
      nodeNm: 45,
      // The synthesis voltage is not given; the project's 45 nm reference voltage is assumed, so presets at 0.9 V use the figure unscaled.
      vdd: 0.9,
      source: `${where}: ${row.dynamicNw} nW dynamic / 16 units / 500 MHz (D)`,
      status: 'D',
    },
    leakageMw: {
      value: (row.leakageNw * 1e-6) / 16,
      unit: 'mW per unit',
      nodeNm: 45,
      vdd: 0.9,
      source: `${where}: ${row.leakageNw} nW leakage / 16 units (D)`,
      status: 'D',
    },
  };
}
