/**
 * A GPU kernel as the SM simulation sees it — a grid of identical thread blocks,
 * each running a CtaProgram — plus the totals its energy is priced from, and the
 * function that times it: blocks spread over the SMs, the busiest SM simulated
 * on the event engine with its share of L2/DRAM bandwidth, plus the launch time.
 */
import type { ActionCount, LevelTraffic } from '../../kind.js';
import type { NumberFormat } from '../../../workload/trace.js';
import { blocksPerSm, memoryShare, type BlockShape } from '../chip.js';
import type { GpuParams } from '../params.js';
import { runSm, type CtaProgram } from '../sm.js';

/** Arithmetic a kernel performs on one unit (priced per operation). */
export interface MathWork {
  component: string;
  format: NumberFormat;
  /** Operations (MACs, or element-wise ops on FP32 lanes). */
  count: number;
}

/** One kernel launch. */
export interface KernelSpec {
  /** What it is, with its configuration (tile, stages, split-K…), for the report. */
  name: string;
  ctas: number;
  block: BlockShape;
  program: CtaProgram;
  math: MathWork[];
  /** 32-bit register-file accesses. */
  registerAccesses: number;
  /** Bytes read/written per level over the whole kernel. */
  traffic: { smem: LevelTraffic; l1: LevelTraffic; l2: LevelTraffic; dram: LevelTraffic };
}

/** A kernel timed at one clock. */
export interface KernelRun {
  spec: KernelSpec;
  /** Cycles of the clock it ran at, launch included. */
  cycles: number;
  /** Cycles the busiest SM's math or SMEM/L1 pipe was busy. */
  computeCycles: number;
  /** The rest, by cause: launch, dram_bandwidth, l2_bandwidth, memory_latency. */
  stalls: Record<string, number>;
  blocksPerSm: number;
  waves: number;
  events: number;
}

/** Times `spec` at `clockMHz`; undefined when one block does not fit on an SM. */
export function runKernel(p: GpuParams, spec: KernelSpec, clockMHz: number): KernelRun | undefined {
  const resident = blocksPerSm(p, spec.block);
  if (resident === 0 || spec.ctas <= 0) return undefined;
  const perSm = Math.ceil(spec.ctas / p.sms);
  // The busiest SM is simulated; L2/DRAM bandwidth goes to SMs as they demand it, so over the kernel the
  // busiest one holds its work's share of it (ctas / perSm SMs' worth), not 1 / sms: SMs with fewer blocks
  // finish early and leave it theirs (a static 1 / sms share made more SMs slower on one-wave kernels).
  const share = memoryShare(p, spec.ctas / perSm, clockMHz);
  const sm = runSm(spec.program, resident, perSm, share);
  const compute = Math.min(sm.cycles, Math.max(sm.mathBusy, sm.lsuBusy));
  const memory = sm.cycles - compute;
  const bandwidth = Math.min(memory, Math.max(0, Math.max(sm.l2Service, sm.dramService) - compute));
  const launch = p.efficiency.launchUs * clockMHz;
  return {
    spec,
    cycles: sm.cycles + launch,
    computeCycles: compute,
    stalls: {
      launch,
      dram_bandwidth: sm.dramService >= sm.l2Service ? bandwidth : 0,
      l2_bandwidth: sm.dramService >= sm.l2Service ? 0 : bandwidth,
      memory_latency: memory - bandwidth,
    },
    blocksPerSm: resident,
    waves: Math.ceil(spec.ctas / (resident * p.sms)),
    events: sm.events,
  };
}

/** The action counts of a kernel for the energy model (at clockMHz's voltage: `scale` = (V/V₀)² applies to on-chip actions). */
export function kernelActions(spec: KernelSpec, scale: number): ActionCount[] {
  const t = spec.traffic;
  const out: ActionCount[] = spec.math.map((m) => ({ component: m.component, action: 'mac', bits: 32, count: m.count, format: m.format, energyScale: scale }));
  out.push(
    { component: 'registers', action: 'access', bits: 32, count: spec.registerAccesses, energyScale: scale },
    { component: 'smem', action: 'read', bits: 8, count: t.smem.readBytes, energyScale: scale },
    { component: 'smem', action: 'write', bits: 8, count: t.smem.writeBytes, energyScale: scale },
    { component: 'l1', action: 'read', bits: 8, count: t.l1.readBytes, energyScale: scale },
    { component: 'l2', action: 'read', bits: 8, count: t.l2.readBytes, energyScale: scale },
    { component: 'l2', action: 'write', bits: 8, count: t.l2.writeBytes, energyScale: scale },
    { component: 'dram', action: 'read', bits: 8, count: t.dram.readBytes },
    { component: 'dram', action: 'write', bits: 8, count: t.dram.writeBytes },
  );
  return out.filter((a) => a.count > 0);
}
