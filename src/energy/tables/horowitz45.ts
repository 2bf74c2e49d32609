/**
 * Arithmetic energies at 45 nm, 0.9 V: M. Horowitz, "Computing's energy problem
 * (and what we can do about it)", ISSCC 2014, as reproduced in
 * shared/reference/numbers.md §D.1 (Q where quoted, U where recollected).
 */
import type { Sourced } from './provenance.js';

const at45 = (value: number, status: Sourced['status'], what: string): Sourced => ({
  value,
  unit: 'pJ',
  nodeNm: 45,
  vdd: 0.9,
  source: `Horowitz ISSCC 2014, ${what} (numbers.md §D.1)`,
  status,
});

/** Integer and floating-point add and multiply energies per operation. */
export const horowitz45 = {
  int8Add: at45(0.03, 'U', '8-bit int add'),
  int8Mult: at45(0.2, 'U', '8-bit int mult'),
  int32Add: at45(0.1, 'Q', '32-bit int add'),
  int32Mult: at45(3.1, 'Q', '32-bit int mult'),
  fp16Add: at45(0.4, 'U', '16-bit FP add'),
  fp16Mult: at45(1.1, 'U', '16-bit FP mult'),
  fp32Add: at45(0.9, 'Q', '32-bit FP add'),
  fp32Mult: at45(3.7, 'Q', '32-bit FP mult'),
} as const;
