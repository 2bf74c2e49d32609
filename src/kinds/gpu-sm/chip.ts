/**
 * Chip-level facts of a GPU design: which unit runs a number format and at what
 * rate, how many thread blocks fit on an SM (occupancy: threads, registers,
 * shared memory, block slots), and the per-SM shares of L2 and DRAM bandwidth
 * when a number of SMs stream at once.
 */
import type { NumberFormat } from '../../workload/trace.js';
import type { GpuParams, TensorFormat } from './params.js';

/** A math unit running one format: tensor cores or the CUDA-core FMA lanes. */
export interface MathUnit {
  kind: 'tensor' | 'fma';
  /** Format the unit computes in (what its energy is priced as). */
  format: NumberFormat;
  /** Energy component of one MAC (see index.ts components). */
  component: string;
  /** Dense MACs per SM per cycle. */
  macsPerCycle: number;
  /** Elements of the reduction dimension one main-loop step consumes (128 bytes of operand for tensor cores). */
  kStep: number;
}

const RANK: Record<string, number> = { fp32: 6, tf32: 5, bf16: 4, fp16: 4, fp8: 3 };

/** Rank of a format's precision: the wider operand decides the math of a MAC layer. */
function precisionRank(f: NumberFormat): number {
  if (f in RANK) return RANK[f]!;
  const bits = Number(f.slice(3));
  return bits > 8 ? 5.5 : bits > 4 ? 2 : 1;
}

/** The wider of two operand formats. */
export function mathFormat(a: NumberFormat, b: NumberFormat): NumberFormat {
  return precisionRank(a) >= precisionRank(b) ? a : b;
}

/** The tensor-core format that runs `f`, if the chip has one. */
function tensorFormatOf(f: NumberFormat): TensorFormat | undefined {
  if (f === 'tf32' || f === 'fp16' || f === 'bf16' || f === 'fp8') return f;
  if (f.startsWith('int')) return Number(f.slice(3)) <= 4 ? 'int4' : Number(f.slice(3)) <= 8 ? 'int8' : undefined;
  return undefined;
}

/**
 * The units that can run format `f` on this chip, best first: tensor cores when the
 * chip has them for the format (an int4 layer falls back to int8 tensor cores), then
 * CUDA cores (FP32 FMA; HFMA2 for fp16/bf16; DP4A for int8 and narrower).
 */
export function mathUnits(p: GpuParams, f: NumberFormat): MathUnit[] {
  const out: MathUnit[] = [];
  const t = p.sm.tensor;
  let tf = tensorFormatOf(f);
  if (tf === 'int4' && t.int4 === 0) tf = 'int8';
  if (tf === 'fp8' && t.fp8 === 0) tf = t.fp16 > 0 ? 'fp16' : undefined;
  if (tf && t[tf] > 0) {
    const bytes = tf === 'tf32' ? 4 : tf === 'fp16' || tf === 'bf16' ? 2 : tf === 'int4' ? 0.5 : 1;
    out.push({ kind: 'tensor', format: tf, component: `tensor_${tf}`, macsPerCycle: t[tf], kStep: 128 / bytes });
  }
  if ((f === 'fp16' || f === 'bf16' || f === 'fp8') && p.sm.fp16Lanes > 0) {
    out.push({ kind: 'fma', format: 'fp16', component: 'fma_fp16', macsPerCycle: p.sm.fp16Lanes, kStep: 16 });
  } else if (f.startsWith('int') && Number(f.slice(3)) <= 8 && p.sm.int8DotLanes > 0) {
    out.push({ kind: 'fma', format: 'int8', component: 'dot_int8', macsPerCycle: p.sm.int8DotLanes, kStep: 32 });
  }
  out.push({ kind: 'fma', format: 'fp32', component: 'fma_fp32', macsPerCycle: p.sm.fp32Lanes, kStep: 8 });
  return out;
}

/** Resources one thread block asks for. */
export interface BlockShape {
  threads: number;
  registersPerThread: number;
  smemBytes: number;
}

/**
 * Thread blocks resident per SM (CUDA occupancy rules): registers allocated per
 * warp in units of 256, shared memory with 1 KiB reserved per block, the thread
 * and block-slot limits. 0 when one block does not fit.
 */
export function blocksPerSm(p: GpuParams, b: BlockShape): number {
  const warps = Math.ceil(b.threads / 32);
  if (b.registersPerThread > p.sm.maxRegistersPerThread) return 0;
  const regsPerWarp = Math.ceil((Math.ceil(b.registersPerThread / 8) * 8 * 32) / 256) * 256;
  const byRegs = Math.floor((p.sm.registersKiB * 1024) / 4 / (regsPerWarp * warps));
  const byThreads = Math.floor(p.sm.maxThreads / (warps * 32));
  const bySmem = b.smemBytes > 0 ? Math.floor((p.sm.smemKiB * 1024) / (b.smemBytes + 1024)) : p.sm.maxBlocks;
  return Math.max(0, Math.min(p.sm.maxBlocks, byRegs, byThreads, bySmem));
}

/** Per-SM bandwidths and latencies, in cycles of the clock the kernel runs at. */
export interface MemoryShare {
  /** L2 bytes per cycle this SM gets while `activeSms` stream at once. */
  l2BytesPerCycle: number;
  dramBytesPerCycle: number;
  l2LatencyCycles: number;
  dramLatencyCycles: number;
}

/**
 * An SM's share of L2 and DRAM bandwidth when `activeSms` stream at once (equal
 * shares: the contention of symmetric SMs), capped by what one SM's L1 can take
 * in per cycle. DRAM bandwidth and latency are in time, so they scale with the clock.
 */
export function memoryShare(p: GpuParams, activeSms: number, clockMHz: number): MemoryShare {
  const active = Math.max(1, Math.min(p.sms, activeSms));
  const dramPerCycle = (p.dram.bandwidthGBs * p.dram.efficiency * 1e9) / (clockMHz * 1e6);
  const cap = p.sm.l1BytesPerCycle;
  return {
    l2BytesPerCycle: Math.min(cap, p.l2.bytesPerCycle / active),
    dramBytesPerCycle: Math.min(cap, dramPerCycle / active),
    l2LatencyCycles: p.l2.hitLatencyCycles,
    dramLatencyCycles: p.dram.latencyNs * clockMHz * 1e-3,
  };
}

/** Bytes of L2 that hold reusable data. */
export function l2UsableBytes(p: GpuParams): number {
  return p.l2.capacityMiB * 1024 * 1024 * p.l2.usableFraction;
}
