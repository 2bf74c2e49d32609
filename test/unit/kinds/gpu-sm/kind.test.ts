/**
 * The gpu-sm kind on single layers: occupancy, the bandwidth bound of
 * memory-bound layers, which algorithms apply where, `auto`, the direct sparse
 * convolution's unified CSR rows and sub-batch, 2:4 only where the chip and the
 * weights allow it, and the power limit.
 */
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import type { LayerTiming, QualifiedArch } from '../../../../src/kinds/kind.js';
import { blocksPerSm, memoryShare } from '../../../../src/kinds/gpu-sm/chip.js';
import { gpuSm } from '../../../../src/kinds/gpu-sm/index.js';
import { panelTraffic } from '../../../../src/kinds/gpu-sm/memory.js';
import type { GpuParams } from '../../../../src/kinds/gpu-sm/params.js';
import { resolveNetwork, type Workload } from '../../../../src/workload/layer.js';
import { networkSchema } from '../../../../src/workload/trace.js';

const arch = (preset: string, sets: string[] = []) => loadArch(preset, sets) as unknown as QualifiedArch<GpuParams>;
const h100 = arch('gpu/h100-sxm5');

function net(layers: Record<string, unknown>[], format = 'fp16', batch = 32): Workload {
  return resolveNetwork(networkSchema.parse({ name: 'gpu-test', source: 'test', batch, defaults: { weights: { format }, inputs: { format }, bias: false }, layers }), 'test');
}

function run(a: QualifiedArch<GpuParams>, w: Workload, i = 0): LayerTiming {
  return gpuSm.simulateLayer(w.layers[i]!, a, { workload: w, seed: w.seed });
}

const conv3 = { name: 'c', op: 'conv2d', input: [128, 56, 56], filters: 128, kernel: 3, padding: 1 };

describe('occupancy (CUDA occupancy rules)', () => {
  it('256 threads × 64 registers: 4 blocks by registers', () => {
    expect(blocksPerSm(h100.params, { threads: 256, registersPerThread: 64, smemBytes: 0 })).toBe(4);
  });
  it('128 threads with 48 KiB of SMEM: 4 blocks by the 228 KiB of shared memory', () => {
    expect(blocksPerSm(h100.params, { threads: 128, registersPerThread: 32, smemBytes: 48 * 1024 })).toBe(4);
  });
  it('a block needing more than the SM has does not fit', () => {
    expect(blocksPerSm(h100.params, { threads: 1024, registersPerThread: 128, smemBytes: 0 })).toBe(0);
  });
});

describe('memory', () => {
  it('an SM streaming alone gets at most what its L1 can take; 132 SMs share DRAM equally', () => {
    const one = memoryShare(h100.params, 1, 1980);
    const all = memoryShare(h100.params, 132, 1980);
    expect(one.l2BytesPerCycle).toBe(h100.params.sm.l1BytesPerCycle);
    expect(all.dramBytesPerCycle * 132 * 1980e6).toBeCloseTo(h100.params.dram.bandwidthGBs * h100.params.dram.efficiency * 1e9, -6);
  });
  it('panels that fit in L2 are read from DRAM once; a stream larger than L2 is re-read for every column of tiles', () => {
    const grid = { mTiles: 64, nTiles: 8, groups: 1, aPanelBytes: 1e6, bPanelBytes: 1e5, concurrent: 32, swizzle: 1 };
    const fits = panelTraffic(grid, 1e9, false, false);
    expect(fits.aBytes).toBe(64e6);
    expect(fits.bBytes).toBe(8e5);
    const thrash = panelTraffic(grid, 10e6, false, false);
    expect(thrash.aBytes).toBe(64e6 * 8);
    expect(panelTraffic(grid, 10e6, true, true)).toEqual({ aBytes: 0, bBytes: 0 });
  });
});

describe('a bandwidth-bound element-wise layer', () => {
  it('a 1 GiB ReLU takes bytes / effective DRAM bandwidth within 5 %', () => {
    const w = net([{ name: 'r', op: 'relu', input: [1 << 28] }], 'fp32', 1);
    const t = run(h100, w);
    const bytes = (t.traffic.dram!.readBytes + t.traffic.dram!.writeBytes);
    expect(bytes).toBe(2 * 4 * 2 ** 28);
    const seconds = t.cycles / (h100.params.clockMHz * 1e6);
    const ideal = bytes / (h100.params.dram.bandwidthGBs * h100.params.dram.efficiency * 1e9);
    expect(Math.abs(seconds / ideal - 1)).toBeLessThan(0.05);
  });
});

describe('algorithms', () => {
  it('every layer names its algorithm and kernels; auto keeps the fastest alternative', () => {
    const w = net([conv3, { name: 'r', op: 'relu', input: [128, 56, 56] }, { name: 'f', op: 'fc', inFeatures: 512, outFeatures: 256 }]);
    for (let i = 0; i < w.layers.length; i++) {
      const t = run(h100, w, i);
      expect(typeof t.details.algorithm).toBe('string');
      expect(String(t.details.kernels).length).toBeGreaterThan(0);
    }
    // (The V100 preset's library offers every dense algorithm; the H100's only those cuDNN 9.19 ran there.)
    const t = run(arch('gpu/v100-sxm2'), net([conv3], 'fp32'), 0);
    const alternatives = String(t.details.alternatives_us).split(' ').map((a) => a.split('='));
    expect(alternatives[0]![0]).toBe(t.details.algorithm);
    const times = alternatives.map((a) => Number(a[1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('Winograd applies to 3×3 stride-1 convolutions only; FFT tiling to FP32 stride-1 ones', () => {
    const v100 = (alg: string) => arch('gpu/v100-sxm2', [`algorithm=${alg}`]);
    const strided = net([{ ...conv3, stride: 2 }], 'fp32');
    expect(run(v100('winograd-2x2'), net([conv3], 'fp32')).details.algorithm).toBe('winograd-2x2');
    expect(run(v100('winograd-4x4'), strided).details.algorithm).toBe('implicit-gemm');
    expect(run(v100('winograd-4x4'), strided).details.note).toMatch(/does not apply/);
    expect(run(v100('fft-tiling'), net([conv3], 'fp32')).details.algorithm).toBe('fft-tiling');
    expect(run(v100('fft-tiling'), net([conv3], 'fp16')).details.algorithm).toBe('implicit-gemm');
  });

  it('Winograd F(4×4) does 4× fewer multiplies than direct convolution: the effective peak says so', () => {
    const w = net([conv3], 'fp32');
    const wino = run(arch('gpu/v100-sxm2', ['algorithm=winograd-4x4']), w);
    const gemm = run(arch('gpu/v100-sxm2', ['algorithm=implicit-gemm']), w);
    expect(wino.peakMacsPerCycle / gemm.peakMacsPerCycle).toBeCloseTo(4, 6);
  });

  it('auto tries sparse kernels only for sparse weights', () => {
    const dense = run(h100, net([conv3], 'fp32'));
    expect(String(dense.details.alternatives_us)).not.toMatch(/sparse|spmm/);
    const sparse = run(h100, net([{ ...conv3, weights: { format: 'fp32', density: 0.05, pattern: 'per-channel-uniform' } }], 'fp32'));
    expect(String(sparse.details.alternatives_us)).toMatch(/direct-sparse/);
    expect(String(sparse.details.alternatives_us)).toMatch(/csr-spmm/);
  });
});

describe('the seed paper’s direct sparse convolution', () => {
  const a = arch('gpu/h100-sxm5', ['algorithm=direct-sparse', 'power.limitW=0']);
  it('pads every CSR row to the longest (unified per-channel sparsity) and counts those MACs', () => {
    const w = net([{ ...conv3, weights: { format: 'fp32', density: 0.1, pattern: 'unstructured' } }], 'fp32');
    const t = run(a, w);
    const perChannel = Number(t.details.csr_nonzeros_per_channel);
    expect(perChannel).toBeGreaterThan(0.1 * 128 * 9);
    expect(Number(t.details.csr_padding)).toBeGreaterThan(0);
    expect(t.macsExecuted).toBe(128 * perChannel * 32 * 56 * 56);
  });
  it('with equal rows nothing is padded; auto picks its sub-batch from 1, 2, 4, 8', () => {
    const w = net([{ ...conv3, weights: { format: 'fp32', density: 0.1, pattern: 'per-channel-uniform' } }], 'fp32');
    const t = run(a, w);
    expect(Number(t.details.csr_padding)).toBe(0);
    expect([1, 2, 4, 8]).toContain(Number(t.details.sub_batch));
    const fixed = [1, 2, 4, 8].map((sb) => run(arch('gpu/h100-sxm5', ['algorithm=direct-sparse', 'power.limitW=0', `subBatch=${sb}`]), w).cycles);
    expect(t.cycles).toBe(Math.min(...fixed));
  });
  it('fewer nonzeros, less time', () => {
    const at = (d: number) => run(a, net([{ ...conv3, weights: { format: 'fp32', density: d, pattern: 'per-channel-uniform' } }], 'fp32')).cycles;
    expect(at(0.05)).toBeLessThan(at(0.2));
  });
});

describe('2:4 structured sparsity', () => {
  const w24 = net([{ ...conv3, weights: { format: 'fp16', pattern: { type: 'nm', n: 2, m: 4 } } }]);
  it('runs on H100 tensor cores at up to twice the dense rate', () => {
    const sparse = run(arch('gpu/h100-sxm5', ['algorithm=sparse-2:4']), w24);
    const dense = run(arch('gpu/h100-sxm5', ['algorithm=implicit-gemm']), net([conv3]));
    expect(sparse.details.algorithm).toBe('sparse-2:4');
    expect(sparse.macsExecuted).toBe(w24.layers[0]!.macs / 2);
    expect(sparse.cycles).toBeLessThan(dense.cycles);
    expect(sparse.cycles).toBeGreaterThan(dense.cycles / 2.2);
  });
  it('does not apply on a V100 (no sparse tensor cores) nor to unstructured weights', () => {
    expect(run(arch('gpu/v100-sxm2', ['algorithm=sparse-2:4']), w24).details.algorithm).toBe('implicit-gemm');
    const unstructured = net([{ ...conv3, weights: { format: 'fp16', density: 0.5 } }]);
    expect(run(arch('gpu/h100-sxm5', ['algorithm=sparse-2:4']), unstructured).details.algorithm).toBe('implicit-gemm');
  });
});

describe('the power limit', () => {
  const gemm = net([{ name: 'g', op: 'matmul', m: 8192, n: 8192, k: 8192 }], 'fp16', 1);
  it('throttles a long FP16 GEMM on an H100 to 700 W, and the lost time is the power_limit stall', () => {
    const t = run(h100, gemm);
    expect(Number(t.details.sm_clock_mhz)).toBeLessThan(1980);
    expect(Number(t.details.power_w)).toBeLessThan(700 * 1.03);
    expect(Number(t.details.power_w)).toBeGreaterThan(700 * 0.9);
    expect(t.stallCycles.power_limit).toBeGreaterThan(0);
  });
  it('without a limit the clock stays at the highest and the layer is faster', () => {
    const free = run(arch('gpu/h100-sxm5', ['power.limitW=0']), gemm);
    expect(Number(free.details.sm_clock_mhz)).toBe(1980);
    expect(free.stallCycles.power_limit ?? 0).toBe(0);
    expect(free.cycles).toBeLessThan(run(h100, gemm).cycles);
  });
});
