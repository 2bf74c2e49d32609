/** The `bitfusion` kind: an N×M array of bit-level fusible Fusion Units (Sharma et al., ISCA 2018). */
import { synthesizedArray } from '../../energy/tables/bitfusion-synth45.js';
import type { KindDefinition } from '../kind.js';
import { bitfusionSchema, type BitfusionParams } from './params.js';
import { simulateBitfusionLayer } from './simulate.js';

const KiB = 1024;

export const bitfusion: KindDefinition<BitfusionParams> = {
  kind: 'bitfusion',
  summary: 'BitFusion: N×M Fusion Units of fusible 2-bit BitBricks, per-layer bit-widths, IBUF/WBUF/OBUF, tiling optimizer, shared DRAM interface',
  schema: bitfusionSchema,
  components: (p) => {
    const unit = synthesizedArray(p.fusionUnit.maxBits, p.fusionUnit.minBits);
    if (!unit) throw new Error(`bitfusion: no synthesis figure for ${p.fusionUnit.maxBits}/${p.fusionUnit.minBits} bits`);
    const sram = (name: string, b: BitfusionParams['buffers']['ifmap']) => ({
      name,
      class: 'sram' as const,
      capacityBytes: b.capacityKiB * KiB,
      bankBytes: Math.min(b.bankKiB, b.capacityKiB) * KiB,
    });
    return [
      { name: 'fusion_units', class: 'sourced', pj: unit.pjPerCycle },
      sram('ifmap_sram', p.buffers.ifmap),
      sram('filter_sram', p.buffers.filter),
      sram('ofmap_sram', p.buffers.ofmap),
      { name: 'vector_unit', class: 'alu' },
      { name: 'dram', class: 'dram', pjPerBit: p.dram.pjPerBit },
    ];
  },
  simulateLayer: simulateBitfusionLayer,
};
