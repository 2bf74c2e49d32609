/** The `systolic` kind: a dense R×C PE array (WS/OS/IS) that reproduces SCALE-Sim v2. */
import type { KindDefinition } from '../kind.js';
import { systolicSchema, type SystolicParams } from './params.js';
import { simulateSystolicLayer } from './simulate.js';

const KiB = 1024;

export const systolic: KindDefinition<SystolicParams> = {
  kind: 'systolic',
  summary: 'Dense R×C systolic array, WS/OS/IS dataflows, double-buffered SRAMs; reproduces SCALE-Sim v2',
  schema: systolicSchema,
  components: (p) => [
    { name: 'pe_array', class: 'mac' },
    { name: 'pe_registers', class: 'register' },
    { name: 'ifmap_sram', class: 'sram', capacityBytes: p.buffers.ifmap.capacityKiB * KiB, bankBytes: Math.min(p.buffers.ifmap.bankKiB, p.buffers.ifmap.capacityKiB) * KiB },
    { name: 'filter_sram', class: 'sram', capacityBytes: p.buffers.filter.capacityKiB * KiB, bankBytes: Math.min(p.buffers.filter.bankKiB, p.buffers.filter.capacityKiB) * KiB },
    { name: 'ofmap_sram', class: 'sram', capacityBytes: p.buffers.ofmap.capacityKiB * KiB, bankBytes: Math.min(p.buffers.ofmap.bankKiB, p.buffers.ofmap.capacityKiB) * KiB },
    { name: 'vector_unit', class: 'alu' },
    { name: 'dram', class: 'dram', pjPerBit: p.dram.pjPerBit },
  ],
  simulateLayer: simulateSystolicLayer,
};
