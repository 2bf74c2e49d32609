/**
 * Regenerates the GPU result pages from simulation (and the H100 measurements):
 *
 *   npm run build && node dist/calibration/gpu/reproduce.js
 *
 * writes results/reproduced/gpu-sparse-crossover.md, cnn-benchmark.md,
 * gpu-h100-calibration.md and gpu-h100-sparse24.md. Every number in them comes
 * from calibration/gpu/reports.ts and sparse24.ts.
 */
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { writeFileAtomic } from '../../src/report/files.js';
import {
  cnnBenchmark,
  directSparseCrossovers,
  errorStats,
  GROUPS,
  h100Comparisons,
  seedVgg16OnV100,
  SEED_V100_SETS,
  spmmCrossovers,
  type CrossoverCheck,
} from './reports.js';
import { directSparseSamples } from './dataset.js';
import { directSparseRatio, ratioStats } from './fit-direct.js';
import { sparse24Markdown, sparse24Rows } from './sparse24.js';

const out = (name: string) => join(packageRoot, 'results', 'reproduced', name);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const n = (x: number, d = 2) => x.toFixed(d);
const dens = (d: number | null) => (d === null ? 'never' : d >= 1 ? 'always' : `${n(d, 3)} (${n(100 * (1 - d), 1)} % sparse)`);
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function ratio(c: CrossoverCheck): string {
  if (c.measured === null || c.simulated === null) return c.measured === c.simulated ? 'both never' : '-';
  return n(c.simulated / c.measured);
}

function crossoverPage(): string {
  const seed = seedVgg16OnV100();
  const spmm = spmmCrossovers();
  const ds = directSparseCrossovers();
  const wins = (f: string, sparse: boolean) => seed.filter((r) => r.format === f && (r.sparseMs < r.denseMs) === sparse).length;
  const agree = (f: string) => seed.filter((r) => r.format === f && r.sparseMs < r.denseMs === r.seedSparse < r.seedDense).length;
  const h100 = [...spmm, ...ds].filter((c) => c.measured !== null && c.simulated !== null);
  const within = h100.filter((c) => Math.max(c.simulated! / c.measured!, c.measured! / c.simulated!) <= 1.5).length;
  const range = (xs: number[]) => `${n(Math.min(...xs))}–${n(Math.max(...xs))}`;
  const samples = directSparseSamples();
  const dsFit = samples.filter((s) => !s.heldOut);
  const dsHeld = samples.filter((s) => s.heldOut);
  const stats = (name: string, set: typeof samples) => {
    const e = ratioStats(set, set.map((s) => directSparseRatio(s)));
    return `${name} (${set.length}) median error ${pct(e.median)}, worst ${pct(e.worst)}`;
  };
  return `# When does sparse beat dense on a GPU? (seed 001, Pietroń & Żurek)

Regenerate: \`npm run build && node dist/calibration/gpu/reproduce.js\` (numbers from
calibration/gpu/reports.ts; \`cyclops crossover --arch gpu/v100-sxm2 --workload vgg16\` gives the
same crossover densities for any network).

## The seed's VGG-16 table on the V100 preset

The seed's Table 9 survives in seed 001 without its header. Read as: layer **C×H×W×K** (input
channels × input height × width × filters, 3×3 convolutions), then in **float** the direct sparse
convolution's time (Escoin, ms) and cuDNN's time with its algorithm after the backslash, then the
same two in **half**; V100-SXM2-32GB, batch 128, weights **90 % sparse** ("the lowest sparsity level
for which the direct sparse convolution algorithm is more effective than the cuDNN library").

Simulated on \`arch/gpu/v100-sxm2.yaml\` with \`${SEED_V100_SETS.join(' ')}\`: layers repeated (L2
warm), NCHW, and no FP16 tensor cores — cuDNN 7's default math mode did not use them, and the
seed's half-precision cuDNN times (GEMM, barely below float) show it. Dense = in float the fastest
of the V100 library's algorithms (\`auto\`), in half cuDNN's GEMM (explicit im2col + GEMM), which
the seed says cuDNN always used for half; sparse = the seed's direct sparse convolution at 10 % density,
sub-batch chosen from 1, 2, 4, 8. Crossover = the density at and below which direct sparse is at
least as fast as the best dense algorithm (bisection).

${table(
    ['layer C×H×W×K', 'format', 'seed sparse ms', 'seed cuDNN ms (algo)', 'sim sparse ms', 'sim / seed sparse', 'sim dense ms (algo)', 'seed: sparse wins', 'sim: sparse wins', 'sim crossover density'],
    seed.map((r) => [r.shape.join('×'), r.format, n(r.seedSparse), `${n(r.seedDense)} (${r.seedAlgorithm})`, n(r.sparseMs), n(r.sparseMs / r.seedSparse), `${n(r.denseMs)} (${r.denseAlgorithm})`, r.seedSparse < r.seedDense ? 'yes' : 'no', r.sparseMs < r.denseMs ? 'yes' : 'no', dens(r.crossover)]),
  )}

At 90 % sparsity the seed finds sparse faster on ${seed.filter((r) => r.format === 'fp32' && r.seedSparse < r.seedDense).length} of 9 layers in
float and ${seed.filter((r) => r.format === 'fp16' && r.seedSparse < r.seedDense).length} of 9 in half; the simulation: ${wins('fp32', true)} of 9 in float and ${wins('fp16', true)} of 9 in half
(the winner agrees with the seed's on ${agree('fp32')} of 9 float and ${agree('fp16')} of 9 half layers). Median simulated
crossover: ${dens(median(seed.filter((r) => r.format === 'fp32').map((r) => r.crossover ?? 0)))} in float,
${dens(median(seed.filter((r) => r.format === 'fp16').map((r) => r.crossover ?? 0)))} in half against cuDNN's GEMM.

What holds: in float, direct sparse pays only beyond about 90 % sparsity and not on every layer —
the seed's finding. The simulated direct sparse kernel is the one measured on the H100
(calibration/gpu/measure.py, a plain CuPy version of the seed's design; the V100 run throttles under
its 300 W limit): its time over the seed's Escoin time spans ${range(seed.filter((r) => r.format === 'fp32').map((r) => r.sparseMs / r.seedSparse))} in
float and ${range(seed.filter((r) => r.format === 'fp16').map((r) => r.sparseMs / r.seedSparse))} in half. What does not: the half-precision GEMM baseline (cuDNN 7's,
modelled as im2col + HFMA2 GEMM) runs ${range(seed.filter((r) => r.format === 'fp16').map((r) => r.denseMs / r.seedDense))}× the seed's time, so in half the
simulation lets sparse win on ${wins('fp16', true)} of 9 layers at 90 %, where the seed saw ${seed.filter((r) => r.format === 'fp16' && r.seedSparse < r.seedDense).length} of 9.

Direct sparse times on the H100 (calibration/gpu/data/sparse.csv: every layer, format, density and
sub-batch, at the measured clock), simulated / measured: ${stats('fit set', dsFit)}; ${stats('held-out layers', dsHeld)}.

## Measured crossovers on an H100 SXM5, beside the h100 preset

Measured by calibration/gpu/measure.py (calibration/gpu/data/sparse.csv, conv.csv), FP32 with
TF32 off, short bursts at the highest clock (the model's power limit is off for these). Measured
crossover = log-linear interpolation of the measured density sweep; simulated = bisection on the
h100 preset in the same conditions.

${table(
    ['layer / shape', 'sparse kernel', 'measured crossover', 'simulated crossover', 'simulated / measured'],
    [...spmm, ...ds].map((c) => [c.layer, c.kernel, dens(c.measured), dens(c.simulated), ratio(c)]),
  )}

Within a factor of 1.5: ${within} of ${h100.length} layers where both cross (goal: the measured
crossover density reproduced within 1.5×).
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchmarkPage(): string {
  const rows = cnnBenchmark();
  return `# CNN benchmark: ResNet-18 on CIFAR-10, RTX 2080 vs Jetson AGX Xavier (seed 000)

Regenerate: \`npm run build && node dist/calibration/gpu/reproduce.js\`.

The seed (RADL GPU group slides) implemented FC, convolution, ReLU, batch-norm and pooling layers
in CUDA and compared throughput (FLOPS), energy per image and FLOPS/W of a GPGPU (RTX 2080) and an
embedded GPU (Jetson Xavier) on ResNet-18 / CIFAR-10. **Its figures did not survive** in the seed
text: there are no published numbers to set beside these. Simulated here with FP32 operands:
\`direct\` = hand-written direct convolutions on CUDA cores (the seed's own kernels), \`auto\` =
the fastest library algorithm (cuDNN-like), at batch 1 and 128. Energy includes static power.
Presets: arch/gpu/rtx-2080.yaml, arch/gpu/jetson-agx-xavier.yaml (Xavier figures are mostly
unverified, see the preset).

${table(
    ['platform', 'algorithm', 'batch', 'GFLOPS', 'ms / image', 'mJ / image', 'average W', 'GFLOPS/W'],
    rows.map((r) => [r.preset, r.algorithm, String(r.batch), n(r.gflops, 0), n(r.millisecondsPerImage, 3), n(r.joulesPerImage * 1e3, 2), n(r.watts, 1), n(r.gflopsPerWatt, 1)]),
  )}
`;
}

function calibrationPage(): string {
  const c = h100Comparisons();
  const rows = Object.entries(GROUPS).flatMap(([group, f]) =>
    (['fit', 'held-out'] as const).map((set) => {
      const sub = c.filter((x) => f(x) && x.sample.heldOut === (set === 'held-out'));
      const t = errorStats(sub.map((x) => x.timeError));
      const p = errorStats(sub.map((x) => x.powerError));
      return [group, set, String(t.n), pct(t.median), pct(t.worst), pct(p.median), pct(p.worst)];
    }),
  );
  const worst = [...c].sort((a, b) => Math.abs(b.timeError) - Math.abs(a.timeError)).slice(0, 12);
  return `# The h100-sxm5 preset against H100 SXM5 measurements

Regenerate: \`npm run build && node dist/calibration/gpu/reproduce.js\`; checked by
test/validation/gpu-h100.test.ts. Measurements: calibration/gpu/measure.py on an H100 SXM5 80 GB
(PyTorch 2.11, cuDNN 9.19, CUDA 13.0, driver 580.159; 700 W limit), each kernel back to back for
~1 s in CUDA-graph replays, time per call, board power (nvidia-smi) and SM clock over the same
steady window (calibration/gpu/data/sustained.csv). Fitted by calibration/gpu/fit.ts on the fit
set; held out: all ResNet-18/CIFAR-10 layers, every third ResNet-50 layer, two GEMMs, add and
max-pool. Predictions: the preset in the measured conditions, power limit and DVFS included.

${table(['group', 'set', 'n', 'time median', 'time worst', 'power median', 'power worst'], rows)}

Largest time errors:

${table(
    ['kernel', 'measured µs', 'simulated µs', 'error', 'algorithm', 'measured / simulated MHz'],
    worst.map((x) => [x.sample.id, n(x.sample.measuredSeconds * 1e6, 1), n(x.seconds * 1e6, 1), pct(x.timeError), x.algorithm, `${x.sample.clockMHz} / ${n(x.clockMHz, 0)}`]),
  )}
`;
}

writeFileAtomic(out('gpu-h100-calibration.md'), calibrationPage());
writeFileAtomic(out('cnn-benchmark.md'), benchmarkPage());
writeFileAtomic(out('gpu-sparse-crossover.md'), crossoverPage());
writeFileAtomic(out('gpu-h100-sparse24.md'), sparse24Markdown(sparse24Rows()));
console.log(`wrote ${['gpu-h100-calibration.md', 'cnn-benchmark.md', 'gpu-sparse-crossover.md', 'gpu-h100-sparse24.md'].map(out).join(', ')}`);
