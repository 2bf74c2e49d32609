/**
 * Eyeriss's normalized energy model (Chen, Emer, Sze, ISCA 2016), as BitFusion's
 * evaluation prices its "Eyeriss (16-bit)" baseline (hsharma35/bitfusion
 * bitfusion-generate-graphs.ipynb; docs/research/bitfusion-eyeriss-baseline.md §2.4):
 * every access of a 16-bit word costs a multiple of one 16-bit MAC — ALU 1, PE
 * register file 1, inter-PE array 2, global buffer 6, DRAM 200 — and one unit is
 * 16 bits × 0.2 pJ/bit = 3.2 pJ at 45 nm, the DRAM term further × 0.15.
 */
import type { Sourced } from './provenance.js';

const notebook = 'hsharma35/bitfusion bitfusion-generate-graphs.ipynb cell 5';
const eyeriss16 = 'Chen et al., ISCA 2016, normalized energy cost relative to a MAC (65 nm), numbers.md §D';

/** One normalized unit: a 16-bit MAC at 0.2 pJ/bit (Q: notebook `eyeriss_energy_per_mac = 16 * 0.2 * 1.e-3` nJ). */
export const EYERISS_UNIT_PJ = 16 * 0.2;

/** The notebook's technology factor on the DRAM term (Q: `0.15*DRAM`, "Scaling due to technology"). */
export const EYERISS_DRAM_FACTOR = 0.15;

function unit(multiple: number, what: string, status: Sourced['status'], factor = 1): Sourced {
  return {
    value: multiple * factor * EYERISS_UNIT_PJ,
    unit: 'pJ per 16-bit access',
    nodeNm: 45,
    vdd: 0.9,
    source: `${what}: ${multiple}× a 16-bit MAC (${eyeriss16}; U, widely reproduced, consistent with hsharma35/bitfusion results/eyeriss_results.csv: RF = 4 × ALU, pooling DRAM = 250 × ALU)${factor !== 1 ? ` × ${factor}` : ''} × ${EYERISS_UNIT_PJ} pJ (${notebook}, Q)`,
    status,
  };
}

/** Per-access energies of the Eyeriss normalized model at 45 nm as the BitFusion notebook applies it. */
export const eyerissNormalized = {
  alu: unit(1, 'ALU (one 16-bit MAC)', 'D'),
  rf: unit(1, 'PE register file (scratchpad) access', 'U'),
  array: unit(2, 'inter-PE array (NoC) transfer', 'U'),
  buffer: unit(6, 'global buffer access', 'U'),
  dram: unit(200, 'DRAM access', 'U', EYERISS_DRAM_FACTOR),
} as const satisfies Record<string, Sourced>;
