/**
 * Per-bank SRAM access energies from CACTI at 45 nm (32-bit word, one bank,
 * itrs-hp, 360 K), as swept by the public BitFusion simulator
 * (hsharma35/bitfusion, bitfusion/sram/cacti_sweep.csv; numbers.md §D.2, Q).
 */

/** One CACTI point: bank size and pJ per 32-bit read/write. */
export interface CactiPoint {
  bytes: number;
  readPj: number;
  writePj: number;
}

/** Source line for every number in this table. */
export const cacti45Source = 'CACTI 45 nm itrs-hp via hsharma35/bitfusion bitfusion/sram/cacti_sweep.csv (numbers.md §D.2, Q)';

/** Sorted by size. */
export const cacti45: readonly CactiPoint[] = [
  { bytes: 128, readPj: 0.684, writePj: 0.925 },
  { bytes: 512, readPj: 1.061, writePj: 2.339 },
  { bytes: 1024, readPj: 1.133, writePj: 3.296 },
  { bytes: 2048, readPj: 1.903, writePj: 3.639 },
  { bytes: 4096, readPj: 3.43, writePj: 4.31 },
  { bytes: 8192, readPj: 6.392, writePj: 5.563 },
  { bytes: 16384, readPj: 9.982, writePj: 8.421 },
];
