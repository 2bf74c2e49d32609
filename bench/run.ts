/**
 * Simulator speed: `npm run bench`. Times whole-network simulations of the
 * systolic kind (median of repeated runs after a warm-up, in one process) and
 * prints a Markdown table for bench/RESULTS.md. Targets (issue 2): ResNet-18 on
 * SCALE-Sim's 32×32 configuration < 0.2 s (SCALE-Sim v2 needs ~180 CPU-s here),
 * ResNet-50 < 0.5 s.
 */
import { cpus } from 'node:os';
import { loadArch } from '../src/config/arch.js';
import { simulate } from '../src/sim/run.js';
import { loadWorkload, readNetworkSpec } from '../src/workload/load.js';
import { layerAtDensity } from '../src/kinds/sparse-common/study.js';
import { balancedFraction, studyRegion, withSensitivity } from '../src/kinds/multi-precision/study.js';
import { resolveNetwork, type Workload } from '../src/workload/layer.js';

interface Case {
  arch: string;
  sets: string[];
  workload: string;
  /** Builds the workload when it is not a file or built-in name. */
  load?: () => Workload;
  targetS?: number;
}

// Issue 4: one VGG-16 conv layer at 10 % weight and 50 % activation density on each sparse kind in < 2 s.
const vggSparse = { workload: 'vgg16 conv3_2 w10% a50%', load: () => layerAtDensity('vgg16', 'conv3_2', 0.1, 0.5), targetS: 2 };

// Issue 5: DRQ-like on ResNet-18 with 36 % of its 4×4 input regions sensitive; zero-atom skipping visits every MAC, so one layer.
const drqResnet = { workload: 'resnet18 sensitive 36%', load: () => withSensitivity(loadWorkload('resnet18'), { fraction: balancedFraction, region: studyRegion }) };
const resnetLayer = { workload: 'resnet18 layer3.0.conv1', load: () => ({ ...loadWorkload('resnet18'), layers: loadWorkload('resnet18').layers.filter((l) => l.name === 'layer3.0.conv1') }) };

// Issue 5: the eight BitFusion benchmarks (batch 16) simulated back to back on BitFusion in < 2 s in total.
const bitfusionBenchmarks = {
  workload: 'the 8 bitfusion-* benchmarks',
  load: (): Workload => {
    const nets = ['alexnet', 'svhn', 'cifar10', 'lenet5', 'vgg7', 'resnet18', 'rnn', 'lstm'].map((n) => loadWorkload(`bitfusion-${n}`));
    return { ...nets[0]!, name: 'bitfusion-benchmarks', layers: nets.flatMap((n) => n.layers) };
  },
};

// Issue 3: ResNet-50 at batch 64 in FP16 on the H100 preset, every layer's algorithm chosen by auto, in < 2 s.
const resnet50Batch64 = {
  workload: 'resnet50 batch 64 fp16',
  load: (): Workload => {
    const { spec, file } = readNetworkSpec('resnet50');
    return resolveNetwork({ ...spec, batch: 64, defaults: { ...spec.defaults, weights: { format: 'fp16' }, inputs: { format: 'fp16' } } }, file);
  },
  targetS: 2,
};

const cases: Case[] = [
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=os'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws', 'dram.mode=fixed'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws'], workload: 'resnet50', targetS: 0.5 },
  { arch: 'systolic/eyeriss-12x14', sets: [], workload: 'vgg16' },
  { arch: 'systolic/tpu-v1-256x256-ws', sets: [], workload: 'resnet50' },
  { arch: 'multi-precision/drq-like', sets: [], ...drqResnet },
  { arch: 'multi-precision/drq-like', sets: ['scheduler=static'], ...drqResnet },
  { arch: 'multi-precision/drq-eyeriss-baseline', sets: ['atoms.skip=atoms'], ...resnetLayer },
  { arch: 'bitfusion/isca18-eyeriss', sets: [], ...bitfusionBenchmarks, targetS: 2 },
  { arch: 'bitfusion/eyeriss-16bit', sets: [], ...bitfusionBenchmarks },
  { arch: 'bitfusion/isca18-eyeriss', sets: ['atoms.skip=atoms'], ...resnetLayer },
  { arch: 'multi-precision/olaccel-like', sets: [], workload: 'resnet18' },
  { arch: 'gpu/h100-sxm5', sets: ['algorithm=auto'], ...resnet50Batch64 },
  ...['sparse-inner/extensor', 'sparse-inner/sparten', 'sparse-outer/outerspace', 'sparse-outer/sparch', 'sparse-row/gamma', 'sparse-row/matraptor'].map((arch) => ({ arch, sets: [], ...vggSparse })),
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| design | overrides | workload | layers | median s | target s | cycles |');
console.log('|---|---|---|---|---|---|---|');
for (const c of cases) {
  const arch = loadArch(c.arch, c.sets);
  const w = c.load ? c.load() : loadWorkload(c.workload);
  simulate(arch, w); // warm-up: JIT
  const times: number[] = [];
  let cycles = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    cycles = simulate(arch, w).total.cycles;
    times.push((performance.now() - t0) / 1e3);
  }
  const m = median(times);
  const ok = c.targetS === undefined ? '' : m < c.targetS ? ` (< ${c.targetS}: ok)` : ` (> ${c.targetS}: MISSED)`;
  console.log(`| ${arch.name} | ${c.sets.join(' ') || '-'} | ${c.workload} | ${w.layers.length} | ${m.toFixed(4)} | ${c.targetS ?? '-'}${ok} | ${cycles} |`);
}
