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
import { loadWorkload } from '../src/workload/load.js';

interface Case {
  arch: string;
  sets: string[];
  workload: string;
  targetS?: number;
}

const cases: Case[] = [
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=os'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws', 'dram.mode=fixed'], workload: 'resnet18', targetS: 0.2 },
  { arch: 'systolic/scalesim-32x32-os', sets: ['dataflow=ws'], workload: 'resnet50', targetS: 0.5 },
  { arch: 'systolic/eyeriss-12x14', sets: [], workload: 'vgg16' },
  { arch: 'systolic/tpu-v1-256x256-ws', sets: [], workload: 'resnet50' },
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
  const w = loadWorkload(c.workload);
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
