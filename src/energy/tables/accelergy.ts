/**
 * Reference energies from Accelergy's example designs
 * (Accelergy-Project/timeloop-accelergy-exercises, eyeriss_like and simba_like
 * ref_outputs ERT_summary; numbers.md §D.2, Q).
 */
import type { Sourced } from './provenance.js';

const ert = (value: number, unit: string, nodeNm: number, what: string, status: Sourced['status'] = 'Q'): Sourced => ({
  value,
  unit,
  nodeNm,
  vdd: nodeNm === 65 ? 1.0 : 0.9,
  source: `Accelergy reference ERT, ${what} (numbers.md §D.2)`,
  status,
});

export const accelergy = {
  /** LPDDR4 DRAM: 512 pJ per 64-bit access = 8 pJ/bit (D). */
  dramPerBit: ert(8, 'pJ/bit', 45, 'DRAM LPDDR4 512 pJ per 64-bit access, /64', 'D'),
  /** eyeriss_like ifmap scratchpad, 12×16 b: 0.202 pJ per 16-bit read → per bit (D). */
  registerReadPerBit: ert(0.202 / 16, 'pJ/bit', 65, 'eyeriss_like ifmap spad 12×16 b read 0.202 pJ, /16', 'D'),
  /** eyeriss_like ifmap scratchpad write 0.177 pJ per 16 bits → per bit (D). */
  registerWritePerBit: ert(0.177 / 16, 'pJ/bit', 65, 'eyeriss_like ifmap spad 12×16 b write 0.177 pJ, /16', 'D'),
} as const;
