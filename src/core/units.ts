/**
 * Unit-carrying number aliases. They document the unit of every quantity the
 * simulator passes around; conversions between them live here and nowhere else.
 */

/** Clock cycles of the simulated design's clock. */
export type Cycles = number;
/** Bytes of data. */
export type Bytes = number;
/** Bits of data. */
export type Bits = number;
/** Energy in picojoules. */
export type Picojoules = number;
/** Power in milliwatts. */
export type Milliwatts = number;
/** Seconds of wall-clock time of the simulated design. */
export type Seconds = number;
/** Clock frequency in megahertz. */
export type Megahertz = number;

/** Seconds taken by `cycles` at `clockMHz`. */
export function cyclesToSeconds(cycles: Cycles, clockMHz: Megahertz): Seconds {
  return cycles / (clockMHz * 1e6);
}

/** Energy in pJ dissipated by `powerMw` over `seconds`. */
export function staticEnergyPj(powerMw: Milliwatts, seconds: Seconds): Picojoules {
  return powerMw * 1e-3 * seconds * 1e12;
}

/** GFLOP/s for `flops` operations done in `seconds`. */
export function gflopsPerSecond(flops: number, seconds: Seconds): number {
  return seconds > 0 ? flops / seconds / 1e9 : 0;
}

/** GFLOPS/W = FLOPs per nanojoule: `flops` over `energyPj`. */
export function gflopsPerWatt(flops: number, energyPj: Picojoules): number {
  return energyPj > 0 ? flops / (energyPj * 1e-12) / 1e9 : 0;
}
