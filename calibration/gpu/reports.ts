/**
 * The numbers behind test/validation/gpu-*.test.ts and results/reproduced/*.md,
 * computed in one place: the h100 preset against the H100 measurements (time and
 * power, fit and held-out sets), measured and simulated dense/sparse crossover
 * densities on the H100, the seed paper's VGG-16 table on the V100 preset, and the
 * seed CNN benchmark (ResNet-18/CIFAR-10 on RTX 2080 vs Jetson AGX Xavier).
 */
import { loadArch } from '../../src/config/arch.js';
import type { QualifiedArch } from '../../src/kinds/kind.js';
import { crossover, layerSeconds } from '../../src/kinds/gpu-sm/crossover.js';
import type { GpuParams } from '../../src/kinds/gpu-sm/params.js';
import { findKind } from '../../src/kinds/registry.js';
import { simulate } from '../../src/sim/run.js';
import { resolveNetwork, type Workload } from '../../src/workload/layer.js';
import { readNetworkSpec } from '../../src/workload/load.js';
import type { NumberFormat } from '../../src/workload/trace.js';
import { measuredConvSpec, measurementSets, oneLayer, readData, sustainedSamples, type Sample } from './dataset.js';

const gpu = (preset: string, sets: string[] = []) => loadArch(preset, sets) as unknown as QualifiedArch<GpuParams>;

// ------------------------------------------------------------------ H100 errors

/** One measured kernel beside the h100 preset's prediction (power limit and DVFS included). */
export interface Comparison {
  sample: Sample;
  seconds: number;
  watts: number;
  clockMHz: number;
  algorithm: string;
  timeError: number;
  powerError: number;
}

/** The h100 preset on every sustained measurement, in its measured conditions. */
export function h100Comparisons(): Comparison[] {
  const kind = findKind('gpu-sm')!;
  return sustainedSamples().map((s) => {
    const arch = loadArch('gpu/h100-sxm5', measurementSets(s));
    const t = kind.simulateLayer(s.workload.layers[0]!, arch, { workload: s.workload, seed: s.workload.seed });
    const seconds = t.cycles / (arch.params.clockMHz * 1e6);
    const watts = Number(t.details.power_w);
    return {
      sample: s,
      seconds,
      watts,
      clockMHz: Number(t.details.sm_clock_mhz),
      algorithm: String(t.details.algorithm),
      timeError: seconds / s.measuredSeconds - 1,
      powerError: watts / s.powerW - 1,
    };
  });
}

/** Median and worst absolute relative error. */
export interface ErrorStats {
  n: number;
  median: number;
  worst: number;
}

export function errorStats(errors: readonly number[]): ErrorStats {
  const a = errors.map(Math.abs).sort((x, y) => x - y);
  return { n: a.length, median: a[Math.floor(a.length / 2)] ?? Number.NaN, worst: a[a.length - 1] ?? Number.NaN };
}

/** Groups of comparisons the validation reports: dense layers (convolutions and GEMMs), memory-bound layers, CSR SpMM. */
export const GROUPS = {
  dense: (c: Comparison) => c.sample.group === 'conv' || c.sample.group === 'gemm',
  'memory-bound': (c: Comparison) => c.sample.group === 'eltwise',
  'csr-spmm': (c: Comparison) => c.sample.group === 'spmm',
} as const;

// ------------------------------------------------------------------ crossovers

/** Density at which `sparse(d)` meets `dense`, by log-linear interpolation of the measured sweep; null if sparse never wins, 1 if it always does. */
export function interpolateCrossover(points: ReadonlyArray<{ density: number; seconds: number }>, dense: number): number | null {
  const p = [...points].sort((a, b) => a.density - b.density);
  if (p.length === 0 || p[0]!.seconds > dense) return null;
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1]!;
    const b = p[i]!;
    if (b.seconds > dense) {
      const t = Math.log(dense / a.seconds) / Math.log(b.seconds / a.seconds);
      return Math.exp(Math.log(a.density) + t * (Math.log(b.density) - Math.log(a.density)));
    }
  }
  return 1;
}

/** A measured and a simulated crossover density of one layer. */
export interface CrossoverCheck {
  layer: string;
  kernel: 'csr-spmm' | 'direct-sparse';
  format: NumberFormat;
  measured: number | null;
  simulated: number | null;
}

/**
 * cuSPARSE CSR SpMM against dense cuBLAS (fp32, TF32 off) on the measured shapes
 * (sparse.csv, short bursts at the highest clock: the power limit is off in the model).
 */
export function spmmCrossovers(): CrossoverCheck[] {
  const rows = readData('sparse.csv');
  const out: CrossoverCheck[] = [];
  for (const r of rows.filter((x) => x.kernel === 'dense_gemm' && x.format === 'fp32' && x.ms)) {
    const sweep = rows.filter((x) => x.kernel === 'csr_spmm' && x.layer === r.layer && x.format === 'fp32' && x.ms);
    if (sweep.length === 0) continue;
    const measured = interpolateCrossover(sweep.map((x) => ({ density: Number(x.density), seconds: Number(x.ms) })), Number(r.ms));
    const [rowsA, cols, n] = [Number(r.rows), Number(r.cols), Number(r.n)];
    const w = oneLayer(r.layer!, n, 'fp32', { op: 'fc', inFeatures: cols, outFeatures: rowsA });
    const arch = gpu('gpu/h100-sxm5', ['l2Residency=repeat', 'power.limitW=0']);
    const sim = crossover(arch, w, ['fp32'])[0]!;
    out.push({ layer: r.layer!, kernel: 'csr-spmm', format: 'fp32', measured, simulated: sim.crossover['csr-spmm'] });
  }
  return out;
}

/**
 * The seed paper's direct sparse convolution (best sub-batch per density, measured
 * with measure.py's CuPy kernel, batch 32, NCHW) against cuDNN in fp32 without TF32.
 */
export function directSparseCrossovers(): CrossoverCheck[] {
  const sparse = readData('sparse.csv').filter((x) => x.kernel === 'direct_sparse' && x.ms && x.format === 'fp32');
  const conv = readData('conv.csv').filter((x) => x.format === 'fp32');
  const out: CrossoverCheck[] = [];
  for (const layer of [...new Set(sparse.map((x) => x.layer!))]) {
    const dense = conv.find((x) => x.layer === layer && Number(x.batch) === 32);
    if (!dense) continue;
    const byDensity = new Map<string, number>();
    for (const x of sparse.filter((y) => y.layer === layer)) byDensity.set(x.density!, Math.min(byDensity.get(x.density!) ?? Infinity, Number(x.ms)));
    const measured = interpolateCrossover([...byDensity].map(([d, ms]) => ({ density: Number(d), seconds: ms })), Number(dense.ms));
    const w = oneLayer(layer, 32, 'fp32', measuredConvSpec(layer));
    const arch = gpu('gpu/h100-sxm5', ['l2Residency=repeat', 'power.limitW=0', 'activationLayout=nchw']);
    const sim = crossover(arch, w, ['fp32'])[0]!;
    out.push({ layer, kernel: 'direct-sparse', format: 'fp32', measured, simulated: sim.crossover['direct-sparse'] });
  }
  return out;
}

// ------------------------------------------------------------------ the seed's VGG-16 table on V100

/**
 * Table 9 of Pietroń & Żurek (seed 001), V100-SXM2-32GB, batch 128, weights 90 %
 * sparse: layer C×H×W×K, Escoin (direct sparse) time and cuDNN time\algorithm in
 * float, then in half (ms).
 */
export const SEED_TABLE9 = [
  { shape: [3, 224, 224, 64], escoinFloat: 2.48, cudnnFloat: 2.82, algoFloat: 'GEMM', escoinHalf: 2.21, cudnnHalf: 2.71, algoHalf: 'GEMM' },
  { shape: [64, 224, 224, 64], escoinFloat: 60.73, cudnnFloat: 19.07, algoFloat: 'WINOGRAD', escoinHalf: 27.08, cudnnHalf: 31.82, algoHalf: 'GEMM' },
  { shape: [64, 112, 112, 128], escoinFloat: 16.45, cudnnFloat: 10.56, algoFloat: 'WINOGRAD', escoinHalf: 8.87, cudnnHalf: 9.48, algoHalf: 'GEMM' },
  { shape: [128, 112, 112, 128], escoinFloat: 28.11, cudnnFloat: 17.28, algoFloat: 'WINOGRAD', escoinHalf: 17.31, cudnnHalf: 15.88, algoHalf: 'GEMM' },
  { shape: [128, 56, 56, 256], escoinFloat: 13.61, cudnnFloat: 9.21, algoFloat: 'FFT-TILING', escoinHalf: 8.74, cudnnHalf: 7.81, algoHalf: 'GEMM' },
  { shape: [256, 56, 56, 256], escoinFloat: 23.72, cudnnFloat: 14.27, algoFloat: 'FFT-TILING', escoinHalf: 15.83, cudnnHalf: 16.09, algoHalf: 'GEMM' },
  { shape: [256, 28, 28, 512], escoinFloat: 9.34, cudnnFloat: 6.72, algoFloat: 'FFT-TILING', escoinHalf: 6.07, cudnnHalf: 7.86, algoHalf: 'GEMM' },
  { shape: [512, 28, 28, 512], escoinFloat: 16.06, cudnnFloat: 15.02, algoFloat: 'FFT-TILING', escoinHalf: 14.01, cudnnHalf: 16.82, algoHalf: 'GEMM' },
  { shape: [512, 14, 14, 512], escoinFloat: 4.31, cudnnFloat: 4.84, algoFloat: 'FFT-TILING', escoinHalf: 4.18, cudnnHalf: 4.66, algoHalf: 'GEMM' },
] as const;

/**
 * The seed's conditions on the V100 preset: layers run back to back (L2 warm), NCHW,
 * and cuDNN 7's default math mode — no tensor cores: its half-precision GEMM times are
 * barely below float's, so half ran on CUDA cores (HFMA2).
 */
export const SEED_V100_SETS = ['l2Residency=repeat', 'activationLayout=nchw', 'sm.tensor.fp16=0'];
/** The seed's dense algorithms: cuDNN's fastest in float; in half "cuDNN always performs convolution by the GEMM algorithm" (explicit im2col + GEMM). */
export const SEED_DENSE = { fp32: 'auto', fp16: 'im2col-gemm' } as const;

/** One VGG-16 layer of Table 9 simulated on the V100 preset, beside the seed's numbers. */
export interface SeedRow {
  shape: readonly number[];
  format: 'fp32' | 'fp16';
  seedSparse: number;
  seedDense: number;
  seedAlgorithm: string;
  sparseMs: number;
  denseMs: number;
  denseAlgorithm: string;
  crossover: number | null;
}

export function seedVgg16OnV100(): SeedRow[] {
  const arch = gpu('gpu/v100-sxm2', SEED_V100_SETS);
  const out: SeedRow[] = [];
  for (const row of SEED_TABLE9) {
    const [c, h, w, k] = row.shape;
    for (const format of ['fp32', 'fp16'] as const) {
      const layer = { op: 'conv2d', input: [c, h, w], filters: k, kernel: 3, padding: 1 };
      const dense = oneLayer(`vgg16-${c}x${h}x${w}x${k}`, 128, format, layer);
      const sparse = oneLayer(`vgg16-${c}x${h}x${w}x${k}`, 128, format, { ...layer, weights: { format, density: 0.1, pattern: 'per-channel-uniform' } });
      const d = layerSeconds(arch, dense, SEED_DENSE[format]);
      const s = layerSeconds(arch, sparse, 'direct-sparse');
      out.push({
        shape: row.shape,
        format,
        seedSparse: format === 'fp32' ? row.escoinFloat : row.escoinHalf,
        seedDense: format === 'fp32' ? row.cudnnFloat : row.cudnnHalf,
        seedAlgorithm: format === 'fp32' ? row.algoFloat : row.algoHalf,
        sparseMs: s.seconds * 1e3,
        denseMs: d.seconds * 1e3,
        denseAlgorithm: d.algorithm,
        crossover: crossover(arch, dense, [format], SEED_DENSE)[0]!.crossover['direct-sparse'],
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ the seed CNN benchmark

/** ResNet-18/CIFAR-10 at `batch` with FP32 operands. */
export function resnet18Cifar(batch: number): Workload {
  const { spec, file } = readNetworkSpec('resnet18-cifar10');
  return resolveNetwork({ ...spec, batch, defaults: { ...spec.defaults, weights: { format: 'fp32' }, inputs: { format: 'fp32' } } }, file);
}

/** One platform of the CNN benchmark. */
export interface BenchmarkRow {
  preset: string;
  algorithm: string;
  batch: number;
  gflops: number;
  millisecondsPerImage: number;
  joulesPerImage: number;
  watts: number;
  gflopsPerWatt: number;
}

/**
 * The seed CNN benchmark: ResNet-18 on CIFAR-10 with hand-written CUDA kernels
 * (direct convolution on CUDA cores, FP32) on an RTX 2080 and a Jetson AGX Xavier;
 * cuDNN-like `auto` beside it.
 */
export function cnnBenchmark(): BenchmarkRow[] {
  const out: BenchmarkRow[] = [];
  for (const preset of ['gpu/rtx-2080', 'gpu/jetson-agx-xavier']) {
    for (const algorithm of ['direct', 'auto']) {
      for (const batch of [1, 128]) {
        const r = simulate(loadArch(preset, [`algorithm=${algorithm}`]), resnet18Cifar(batch)).total;
        out.push({
          preset: preset.split('/')[1]!,
          algorithm,
          batch,
          gflops: r.gflops,
          millisecondsPerImage: (r.seconds * 1e3) / batch,
          joulesPerImage: (r.energyPj * 1e-12) / batch,
          watts: (r.energyPj * 1e-12) / r.seconds,
          gflopsPerWatt: r.gflopsPerW,
        });
      }
    }
  }
  return out;
}
