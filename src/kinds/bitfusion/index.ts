/** The `bitfusion` kind: an N×M array of bit-level fusible Fusion Units (Sharma et al., ISCA 2018). */
import { synthesizedArray } from '../../energy/tables/bitfusion-synth45.js';
import { eyerissNormalized } from '../../energy/tables/eyeriss-normalized.js';
import { scaled } from '../../energy/scale.js';
import type { KindDefinition } from '../kind.js';
import { bitfusionSchema, type BitfusionParams } from './params.js';
import { simulateBitfusionLayer } from './simulate.js';

const KiB = 1024;

export const bitfusion: KindDefinition<BitfusionParams> = {
  kind: 'bitfusion',
  summary: 'BitFusion: N×M Fusion Units of fusible 2-bit BitBricks, per-layer bit-widths, IBUF/WBUF/OBUF, tiling optimizer, shared DRAM interface',
  schema: bitfusionSchema,
  components: (p) => {
    const sram = (name: string, b: BitfusionParams['buffers']['ifmap'], pjOverride?: number) => ({
      name,
      class: 'sram' as const,
      capacityBytes: b.capacityKiB * KiB,
      bankBytes: Math.min(b.bankKiB, b.capacityKiB) * KiB,
      ...(pjOverride === undefined ? {} : { pjOverride }),
    });
    if (p.energyModel === 'eyeriss-normalized') {
      // The three buffers are Eyeriss's global buffer: 6 units per 16-bit access (actions are counted in 16-bit words).
      const e = eyerissNormalized;
      const glb = scaled(e.buffer, p.technology);
      return [
        { name: 'alu', class: 'sourced', pj: e.alu },
        { name: 'pe_rf', class: 'sourced', pj: e.rf },
        { name: 'array', class: 'sourced', pj: e.array },
        sram('ifmap_sram', p.buffers.ifmap, glb),
        sram('filter_sram', p.buffers.filter, glb),
        sram('ofmap_sram', p.buffers.ofmap, glb),
        { name: 'vector_unit', class: 'alu' },
        { name: 'dram', class: 'sourced', pj: e.dram },
      ];
    }
    const unit = synthesizedArray(p.fusionUnit.maxBits, p.fusionUnit.minBits);
    if (!unit) throw new Error(`bitfusion: no synthesis figure for ${p.fusionUnit.maxBits}/${p.fusionUnit.minBits} bits`);
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
