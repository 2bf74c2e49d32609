/**
 * The `gpu-sm` kind: a GPU of streaming multiprocessors with registers,
 * SMEM/L1, L2 and DRAM, running cuDNN/cuBLAS-like dense kernels (implicit GEMM,
 * im2col+GEMM, Winograd, FFT tiling, direct), the seed paper's direct sparse convolution,
 * cuSPARSE CSR SpMM and 2:4 sparse tensor-core GEMM, thread blocks in waves on
 * the event engine, under a board power limit.
 */
import type { KindDefinition } from '../kind.js';
import { gpuComponents } from './energy.js';
import { gpuSchema, type GpuParams } from './params.js';
import { simulateGpuLayer } from './simulate.js';

export const gpuSm: KindDefinition<GpuParams> = {
  kind: 'gpu-sm',
  summary: 'GPU SMs (tensor cores, FP32 lanes, SMEM/L1, L2, DRAM, power limit) running cuDNN-like dense, Winograd, FFT, direct-sparse, CSR SpMM and 2:4 kernels',
  schema: gpuSchema,
  components: gpuComponents,
  simulateLayer: simulateGpuLayer,
};
