/**
 * The priced components of a GPU design and the action counts of its kernels.
 * Energies a preset leaves out are the H100 table entries (src/energy/tables/gpu.ts)
 * scaled to the preset's technology (node · V², src/energy/scale.ts).
 */
import type { ComponentSpec } from '../../energy/components.js';
import { scaled } from '../../energy/scale.js';
import { gpuH100 } from '../../energy/tables/gpu.js';
import type { ActionCount } from '../kind.js';
import { kernelActions } from './kernels/kernel.js';
import type { AlgorithmRun } from './kernels/plan.js';
import type { GpuParams, TensorFormat } from './params.js';

const TENSOR: Record<TensorFormat, keyof typeof gpuH100> = {
  tf32: 'tensorTf32Pj',
  fp16: 'tensorFp16Pj',
  bf16: 'tensorBf16Pj',
  fp8: 'tensorFp8Pj',
  int8: 'tensorInt8Pj',
  int4: 'tensorInt4Pj',
};

/** Energy per action of the design: its own value, else the scaled H100 entry. */
export function energyOf(p: GpuParams) {
  const s = (v: number | undefined, entry: keyof typeof gpuH100) => v ?? scaled(gpuH100[entry], p.technology);
  const e = p.energy;
  const tensor = Object.fromEntries((Object.keys(TENSOR) as TensorFormat[]).map((f) => [f, s(e.tensorPj[f], TENSOR[f])])) as Record<TensorFormat, number>;
  return {
    clock: s(e.clockPjPerSmCycle, 'clockPjPerSmCycle'),
    fp32Fma: s(e.fp32FmaPj, 'fp32FmaPj'),
    fp16Fma: s(e.fp16FmaPj, 'fp16FmaPj'),
    int8Dot: s(e.int8DotPj, 'int8DotPj'),
    tensor,
    l2: s(e.l2PjPerByte, 'l2PjPerByte'),
  };
}

/**
 * Priced components: math units per format, register file, SMEM, L1, L2, DRAM and the
 * SM clock tree. The register file, SMEM and L1 are priced from the shared tables
 * (Accelergy register, CACTI banks) scaled to the technology unless a preset gives
 * its own figure: board power cannot tell them apart from the MACs they feed.
 */
export function gpuComponents(p: GpuParams): ComponentSpec[] {
  const e = energyOf(p);
  const tensors = (Object.keys(TENSOR) as TensorFormat[]).filter((f) => p.sm.tensor[f] > 0);
  return [
    { name: 'fma_fp32', class: 'mac', pjOverride: e.fp32Fma },
    { name: 'fma_fp16', class: 'mac', pjOverride: e.fp16Fma },
    { name: 'dot_int8', class: 'mac', pjOverride: e.int8Dot },
    ...tensors.map((f): ComponentSpec => ({ name: `tensor_${f}`, class: 'mac', pjOverride: e.tensor[f] })),
    { name: 'registers', class: 'register', ...override(p.energy.registerPjPer32b) },
    // Shared memory and L1: 32 banks of 4 bytes per SM; one bank's CACTI energy per access.
    { name: 'smem', class: 'sram', capacityBytes: p.sm.smemKiB * 1024 * p.sms, bankBytes: (p.sm.smemKiB * 1024) / 32, ...override(p.energy.smemPjPerByte) },
    { name: 'l1', class: 'sram', capacityBytes: p.sm.l1KiB * 1024 * p.sms, bankBytes: (p.sm.l1KiB * 1024) / 32, ...override(p.energy.l1PjPerByte) },
    { name: 'l2', class: 'sram', capacityBytes: p.l2.capacityMiB * 1024 * 1024, bankBytes: 16384, pjOverride: e.l2 },
    { name: 'dram', class: 'dram', pjPerBit: p.dram.pjPerBit },
    { name: 'sm_clock', class: 'alu', pjOverride: e.clock },
  ];
}

const override = (pj: number | undefined) => (pj === undefined ? {} : { pjOverride: pj });

/** Actions of an algorithm's kernels at voltage scale `v2` = (V/V₀)²: its kernels' counts and the clock tree of every SM for every cycle. */
export function algorithmActions(p: GpuParams, run: AlgorithmRun, v2: number): ActionCount[] {
  return [
    ...run.runs.flatMap((r) => kernelActions(r.spec, v2)),
    { component: 'sm_clock', action: 'cycle', bits: 1, count: p.sms * run.cycles, energyScale: v2 },
  ];
}
