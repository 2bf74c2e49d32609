/** The `multi-precision` kind: a DRQ-style variable-speed PE array with region-based precision (Song et al., ISCA 2020). */
import type { KindDefinition } from '../kind.js';
import { multiPrecisionSchema, type MultiPrecisionParams } from './params.js';
import { simulateMultiPrecisionLayer } from './simulate.js';

const KiB = 1024;

export const multiPrecision: KindDefinition<MultiPrecisionParams> = {
  kind: 'multi-precision',
  summary: 'DRQ-style variable-speed PE array: sensitive input regions at full precision, the rest at low precision, region scheduler',
  schema: multiPrecisionSchema,
  components: (p) => [
    { name: 'pe_array', class: 'mac' },
    { name: 'pe_registers', class: 'register' },
    { name: 'weight_spad', class: 'register' },
    { name: 'ifmap_sram', class: 'sram', capacityBytes: p.buffers.ifmap.capacityKiB * KiB, bankBytes: Math.min(p.buffers.ifmap.bankKiB, p.buffers.ifmap.capacityKiB) * KiB },
    { name: 'filter_sram', class: 'sram', capacityBytes: p.buffers.filter.capacityKiB * KiB, bankBytes: Math.min(p.buffers.filter.bankKiB, p.buffers.filter.capacityKiB) * KiB },
    { name: 'ofmap_sram', class: 'sram', capacityBytes: p.buffers.ofmap.capacityKiB * KiB, bankBytes: Math.min(p.buffers.ofmap.bankKiB, p.buffers.ofmap.capacityKiB) * KiB },
    { name: 'vector_unit', class: 'alu' },
    { name: 'predictor', class: 'alu' },
    { name: 'dram', class: 'dram', pjPerBit: p.dram.pjPerBit },
  ],
  simulateLayer: simulateMultiPrecisionLayer,
};
