/**
 * 2:4 structured-sparse GEMMs on the H100 (calibration/gpu/measure_sparse24.py,
 * data/sparse24.csv) beside the h100 preset: the dense baseline and the 2:4
 * kernel of each measured shape and format, and the speedup of one over the
 * other. Measured times are kernel times (profiler), each call in isolation at
 * the highest clock, so the model runs with the power limit off and the layer
 * repeated (warm L2). The measured 2:4 time is the better of cuSPARSELt's
 * default algorithm and the one its search picks: the library at its best, as
 * the simulated kernel is.
 */
import { loadArch } from '../../src/config/arch.js';
import type { QualifiedArch } from '../../src/kinds/kind.js';
import { layerSeconds } from '../../src/kinds/gpu-sm/crossover.js';
import type { GpuParams } from '../../src/kinds/gpu-sm/params.js';
import type { NumberFormat } from '../../src/workload/trace.js';
import { oneLayer, readData } from './dataset.js';

/** One measured shape and format: times in seconds. */
export interface Sparse24Row {
  name: string;
  format: NumberFormat;
  /** Sparse operand m × k (2:4 along k), dense operand k × n. */
  m: number;
  k: number;
  n: number;
  measuredDense: number;
  measuredSparse: number;
  simulatedDense: number;
  simulatedSparse: number;
  /** Dense algorithm the model picked. */
  denseAlgorithm: string;
}

/** Every shape of data/sparse24.csv with both a dense and a 2:4 time. */
export function sparse24Rows(): Sparse24Row[] {
  const rows = readData('sparse24.csv').filter((r) => r.backend !== 'error' && r.kernel_us);
  const arch = loadArch('gpu/h100-sxm5', ['l2Residency=repeat', 'power.limitW=0']) as unknown as QualifiedArch<GpuParams>;
  const out: Sparse24Row[] = [];
  for (const d of rows.filter((r) => r.backend === 'dense')) {
    const same = rows.filter((r) => r.name === d.name && r.format === d.format && r.backend!.startsWith('cusparselt'));
    if (same.length === 0) continue;
    const format = d.format as NumberFormat;
    const [m, k, n] = [Number(d.m), Number(d.k), Number(d.n)];
    // The sparse operand is the weight matrix (outFeatures × inFeatures); the dense one holds n columns of activations.
    const layer = (weights: Record<string, unknown>) => oneLayer(d.name!, n, format, { op: 'fc', inFeatures: k, outFeatures: m, weights: { format, ...weights } });
    const dense = layerSeconds(arch, layer({}), 'auto');
    const sparse = layerSeconds(arch, layer({ density: 0.5, pattern: { type: 'nm', n: 2, m: 4 } }), 'sparse-2:4');
    out.push({
      name: d.name!,
      format,
      m,
      k,
      n,
      measuredDense: Number(d.kernel_us) / 1e6,
      measuredSparse: Math.min(...same.map((r) => Number(r.kernel_us))) / 1e6,
      simulatedDense: dense.seconds,
      simulatedSparse: sparse.seconds,
      denseAlgorithm: dense.algorithm,
    });
  }
  return out;
}

/** Median and worst absolute relative error of `sim / measured − 1`. */
function errors(pairs: ReadonlyArray<[number, number]>): { median: number; worst: number } {
  const a = pairs.map(([sim, measured]) => Math.abs(sim / measured - 1)).sort((x, y) => x - y);
  return { median: a[Math.floor(a.length / 2)] ?? Number.NaN, worst: a[a.length - 1] ?? Number.NaN };
}

/** Error statistics per format: 2:4 time, dense time, and the speedup 2:4 gives over dense. */
export function sparse24Stats(rows: readonly Sparse24Row[], format: NumberFormat) {
  const r = rows.filter((x) => x.format === format);
  return {
    n: r.length,
    sparse: errors(r.map((x) => [x.simulatedSparse, x.measuredSparse])),
    dense: errors(r.map((x) => [x.simulatedDense, x.measuredDense])),
    speedup: errors(r.map((x) => [x.simulatedDense / x.simulatedSparse, x.measuredDense / x.measuredSparse])),
  };
}

const us = (s: number) => (s * 1e6).toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const signed = (sim: number, measured: number) => `${sim >= measured ? '+' : ''}${((sim / measured - 1) * 100).toFixed(0)} %`;

/** results/reproduced/gpu-h100-sparse24.md from the rows. */
export function sparse24Markdown(rows: readonly Sparse24Row[]): string {
  const formats = [...new Set(rows.map((r) => r.format))];
  const lines = [
    '# 2:4 structured-sparse GEMMs on the H100 beside the h100 preset',
    '',
    'Regenerate: `npm run build && node dist/calibration/gpu/reproduce.js`; checked by test/validation/gpu-sparse24.test.ts.',
    'Measured by calibration/gpu/measure_sparse24.py on an H100 SXM5 80 GB (PyTorch 2.11 + CUDA 13.0, cuSPARSELt 0.8,',
    'driver 580.159): kernel time per call from the profiler, each call in isolation at the highest clock (1980 MHz), inputs',
    'reused (warm L2). 2:4 = the better of cuSPARSELt\'s default algorithm (`to_sparse_semi_structured`) and the one its',
    'search picks (`torch._cslt_sparse_mm_search`); products checked against the dense product of the same pruned matrix',
    '(relative error 2·10⁻⁴ fp16, 2·10⁻³ bf16). Dense = `torch.mm` (cuBLAS, Hopper `nvjet` kernels) and for int8',
    '`torch._int_mm`, which runs an Ampere CUTLASS kernel (`cutlass_80_tensorop_i16832gemm_s8`) on this GPU: the int8',
    'dense times and speedups compare the 2:4 kernel with a weaker dense kernel than the model\'s.',
    'Simulated: `gpu/h100-sxm5` with `l2Residency=repeat power.limitW=0`, dense `algorithm: auto`, 2:4 `algorithm: sparse-2:4`.',
    'No parameter was fitted to these measurements: they validate the 2:4 kernel model as it was (datasheet: 2:4 doubles',
    'the tensor-core rate).',
    '',
    '| format | n | 2:4 time median | 2:4 time worst | dense time median | dense time worst | speedup median | speedup worst |',
    '|---|---|---|---|---|---|---|---|',
    ...formats.map((f) => {
      const s = sparse24Stats(rows, f);
      return `| ${f} | ${s.n} | ${pct(s.sparse.median)} | ${pct(s.sparse.worst)} | ${pct(s.dense.median)} | ${pct(s.dense.worst)} | ${pct(s.speedup.median)} | ${pct(s.speedup.worst)} |`;
    }),
    '',
    '| format | shape | m × k × n | dense µs measured | simulated | error | 2:4 µs measured | simulated | error | speedup measured | simulated |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.format} | ${r.name} | ${r.m} × ${r.k} × ${r.n} | ${us(r.measuredDense)} | ${us(r.simulatedDense)} | ${signed(r.simulatedDense, r.measuredDense)} | ${us(r.measuredSparse)} | ${us(r.simulatedSparse)} | ${signed(r.simulatedSparse, r.measuredSparse)} | ${(r.measuredDense / r.measuredSparse).toFixed(2)}× | ${(r.simulatedDense / r.simulatedSparse).toFixed(2)}× |`,
    ),
    '',
    'Reading: where the GEMM streams a wide activation operand past few filters (VGG-16 conv1_2/conv2_2, ResNet-50 layer1 at',
    'batch 8–32: m ≤ 128 rows of weights against 10⁵–4·10⁵ columns), both dense and 2:4 are bound by DRAM/L2 traffic and',
    '2:4 gains nothing, measured and simulated. On large compute-bound GEMMs 2:4 gains 1.3–1.45× in fp16/bf16, not 2×: the',
    'sparse kernels reach a lower fraction of their doubled peak. bf16 2:4 kernels are measurably weaker than fp16 ones on',
    'the same hardware at several shapes (library maturity, not modelled: the model treats the two formats alike).',
    'Where the model is off: on mid-size GEMMs (ResNet-50 layers 2–4, VGG-16 conv4/conv5, BERT FFN) it promises 2:4 gains',
    'that cuSPARSELt does not deliver (compare the two speedup columns): its 2:4 kernel reaches the doubled rate with the',
    'dense kernel\'s efficiency, while the measured sparse kernels lose more to their metadata and smaller effective tiles.',
    '',
  ];
  return lines.join('\n');
}
