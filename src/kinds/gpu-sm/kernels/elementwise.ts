/**
 * Memory-bound kernels: a grid of 256-thread blocks streaming a tensor with
 * 16-byte vector loads, four loads in flight per thread (the unrolled
 * element-wise kernels of PyTorch/cuDNN), for batch-norm, ReLU, add, pooling,
 * and the glue kernels of other algorithms (im2col, Winograd transforms,
 * split-K reductions).
 */
import type { Layer } from '../../../workload/layer.js';
import type { GpuParams } from '../params.js';
import { NO_PHASE } from '../sm.js';
import type { Residency } from '../memory.js';
import type { KernelSpec } from './kernel.js';

const THREADS = 256;
/** Vector loads in flight per thread, and main-loop steps per block. */
const STAGES = 4;
const STEPS = 4;
const VECTOR_BYTES = 16;

/** A streaming pass over memory. */
export interface StreamWork {
  name: string;
  readBytes: number;
  writeBytes: number;
  /** Of those, bytes that come from / go to DRAM (the rest hits or stays in L2). */
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Arithmetic operations on FP32 lanes. */
  ops: number;
  /** Thread instructions beyond one per op and the vector loads and stores (index arithmetic, window bounds); default none. */
  extraInstructions?: number;
  /** L1 reads beyond the streamed bytes (pooling windows re-reading neighbours). */
  extraL1Bytes?: number;
}

/** The kernel of a streaming pass: each thread moves 16 B per step in and out. */
export function streamKernel(p: GpuParams, w: StreamWork): KernelSpec {
  const moved = w.readBytes + w.writeBytes;
  const perStep = THREADS * VECTOR_BYTES;
  const ctas = Math.max(1, Math.ceil(Math.max(w.readBytes, w.writeBytes) / (perStep * STEPS)));
  const steps = ctas * STEPS;
  const warps = THREADS / 32;
  const l1 = w.readBytes + (w.extraL1Bytes ?? 0);
  const instructions = w.ops + (w.extraInstructions ?? 0);
  // Per warp and step: a vector load, a vector store, loop/address work, then the ops and extra instructions of its threads.
  const opsPerStep = w.ops / steps;
  const issue = (warps * 4 + instructions / steps / 32) / p.sm.subPartitions;
  return {
    name: w.name,
    ctas,
    block: { threads: THREADS, registersPerThread: 32, smemBytes: 0 },
    program: {
      steps: STEPS,
      mathCycles: Math.max(issue, opsPerStep / p.sm.fp32Lanes) / p.efficiency.ffmaIssue,
      lsuCycles: (l1 + w.writeBytes) / steps / p.sm.l1BytesPerCycle,
      l2Bytes: (w.readBytes + w.writeBytes) / steps,
      dramBytes: (w.dramReadBytes + w.dramWriteBytes) / steps,
      stages: STAGES,
      prologue: NO_PHASE,
      epilogue: NO_PHASE,
    },
    // Index and bounds arithmetic is priced as FP32-lane instructions (guess: an integer or compare
    // instruction costs about an FMA's issue and operand collection, which the fitted FMA energy includes).
    math: instructions > 0 ? [{ component: 'fma_fp32', format: 'fp32', count: instructions }] : [],
    registerAccesses: instructions * 3 + moved / 4,
    traffic: {
      smem: { readBytes: 0, writeBytes: 0 },
      l1: { readBytes: l1, writeBytes: 0 },
      l2: { readBytes: w.readBytes, writeBytes: w.writeBytes },
      dram: { readBytes: w.dramReadBytes, writeBytes: w.dramWriteBytes },
    },
  };
}

/**
 * The streaming work of an element-wise or pooling layer, as PyTorch/cuDNN run it in
 * `activationLayout`: max-pooling also writes an int64 index per output (PyTorch's CUDA
 * max_pool2d computes them whether or not they are returned).
 */
export function elementwiseWork(p: GpuParams, layer: Layer, res: Residency): StreamWork {
  const e = layer.elementwise!;
  const read = (e.inputElements * layer.inputs.storageBits) / 8;
  const maxpool = layer.op === 'maxpool';
  const write = (e.outputElements * layer.outputs.storageBits) / 8 + (maxpool ? e.outputElements * 8 : 0);
  const pooling = maxpool || layer.op === 'avgpool';
  const fitted = p.efficiency.layerInstructions;
  // Thread instructions per output element beyond the arithmetic: max-pooling and batch-norm
  // as fitted on the H100 per layout (64-bit index arithmetic of max_pool2d; per-element
  // channel lookup of batch-norm); average pooling bounds-checks and loads every window
  // tap (a guess from the kernels' structure).
  const layout = p.activationLayout;
  const extra = layer.op === 'batchnorm'
    ? fitted.batchnorm[layout]
    : maxpool
      ? fitted.maxpool[layout]
      : pooling ? 3 * e.opsPerOutput + 10 : layer.op === 'globalavgpool' ? e.opsPerOutput : 0;
  return {
    name: `${layer.op} (streaming, ${layout})`,
    readBytes: read,
    writeBytes: write,
    dramReadBytes: res.inputs ? 0 : read,
    dramWriteBytes: res.outputs ? 0 : write,
    ops: e.outputElements * e.opsPerOutput,
    extraInstructions: e.outputElements * extra,
    // A pooling window reads its neighbours' inputs again, from L1.
    extraL1Bytes: pooling ? Math.max(0, e.outputElements * e.opsPerOutput - e.inputElements) * (layer.inputs.storageBits / 8) : 0,
  };
}
