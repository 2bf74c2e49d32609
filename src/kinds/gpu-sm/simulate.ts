/**
 * One layer on a GPU: plan it at the highest clock (the requested algorithm, or
 * the fastest under `auto`), price it, lower the clock if it would exceed the
 * power limit and run it again there, and report cycles at the highest clock
 * (the slowdown the power limit causes is the `power_limit` stall).
 */
import { price } from '../../energy/price.js';
import type { LayerTiming, LevelTraffic, QualifiedArch, SimContext } from '../kind.js';
import type { Layer } from '../../workload/layer.js';
import { planLayer, runAlgorithm, type LayerPlan } from './algorithms.js';
import { algorithmActions, gpuComponents } from './energy.js';
import { layerCtx, type AlgorithmRun } from './kernels/plan.js';
import type { GpuParams } from './params.js';
import { throttledClock, voltageRatio, type PowerProfile } from './power.js';

/** Splits `total` integer cycles over `parts` in proportion (largest remainder), so they sum exactly. */
function apportion(parts: Record<string, number>, total: number): Record<string, number> {
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  const k = sum > 0 ? total / sum : 0;
  const floors = Object.entries(parts).map(([name, v]) => ({ name, v: v * k, f: Math.floor(v * k) }));
  let left = total - floors.reduce((a, x) => a + x.f, 0);
  floors.sort((a, b) => b.v - b.f - (a.v - a.f));
  const out: Record<string, number> = {};
  for (const x of floors) {
    out[x.name] = x.f + (left > 0 ? 1 : 0);
    if (left > 0) left--;
  }
  return out;
}

/** The same algorithm at another clock (element-wise layers and plain GEMMs re-plan). */
function rerun(p: GpuParams, layer: Layer, sim: SimContext, clockMHz: number, chosen: AlgorithmRun): AlgorithmRun {
  const c = layerCtx(p, layer, sim, clockMHz);
  if (chosen.algorithm === 'elementwise') return planLayer(c, 'auto').chosen;
  return runAlgorithm(c, chosen.algorithm === 'gemm' ? 'implicit-gemm' : chosen.algorithm) ?? chosen;
}

function sumTraffic(run: AlgorithmRun): Record<string, LevelTraffic> {
  const out: Record<string, LevelTraffic> = {};
  for (const r of run.runs) {
    for (const [lvl, t] of Object.entries(r.spec.traffic)) {
      const acc = (out[lvl] ??= { readBytes: 0, writeBytes: 0 });
      acc.readBytes += t.readBytes;
      acc.writeBytes += t.writeBytes;
    }
  }
  return out;
}

const us = (cycles: number, mhz: number) => (cycles / mhz).toFixed(2);

function describe(plan: LayerPlan, final: AlgorithmRun, clockMHz: number, f0: number): Record<string, number | string> {
  const main = final.runs.reduce((a, r) => (r.cycles > a.cycles ? r : a));
  const d: Record<string, number | string> = {
    algorithm: final.algorithm,
    kernels: final.runs.map((r) => r.spec.name).join(' + '),
    blocks_per_sm: main.blocksPerSm,
    waves: main.waves,
    sm_clock_mhz: clockMHz,
  };
  if (plan.alternatives.length > 1) {
    d.alternatives_us = [...plan.alternatives].sort((a, b) => a.cycles - b.cycles).map((a) => `${a.algorithm}=${us(a.cycles, f0)}`).join(' ');
  }
  if (plan.note) d.note = plan.note;
  return { ...d, ...final.details };
}

/** Per simulation run (its SimContext), the layers already timed: a network's repeated blocks are simulated once. */
const runs = new WeakMap<SimContext, Map<string, LayerTiming>>();

/** Identity of a layer's simulation: the design, the layer's shapes and operands, and (masks, residency) its neighbourhood. */
function cacheKey(arch: QualifiedArch<GpuParams>, layer: Layer, sim: SimContext): string {
  const prev = layer.index > 0 ? sim.workload.layers[layer.index - 1] : undefined;
  const sparse = layer.weights !== undefined && (layer.weights.density < 1 || layer.weights.pattern.type !== 'dense');
  return JSON.stringify([arch.hash, layer.op, layer.conv ?? layer.elementwise, layer.weights, layer.inputs, layer.outputs, prev?.outputElements, prev?.outputs.storageBits, sparse ? [sim.workload.name, layer.name, sim.seed] : 0]);
}

/** Times one layer (see the file comment). */
export function simulateGpuLayer(layer: Layer, arch: QualifiedArch<GpuParams>, sim: SimContext): LayerTiming {
  const key = cacheKey(arch, layer, sim);
  let cache = runs.get(sim);
  if (!cache) runs.set(sim, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const p = arch.params;
  const f0 = p.clockMHz;
  const plan = planLayer(layerCtx(p, layer, sim, f0), p.algorithm);
  const first = plan.chosen;
  const components = gpuComponents(p);
  const e0 = price(algorithmActions(p, first, 1), components, p.technology, 0, first.cycles / (f0 * 1e6));
  const dramStall = first.runs.reduce((a, r) => a + (r.stalls.dram_bandwidth ?? 0), 0);
  const clockPj = e0.dynamicPj['sm_clock'] ?? 0;
  const dramPj = e0.dynamicPj['dram'] ?? 0;
  const profile: PowerProfile = {
    clockCycles: first.cycles - dramStall,
    dramCycles: dramStall,
    onChipPj: e0.totalPj - clockPj - dramPj,
    clockPj,
    dramPj,
    staticW: p.staticPowerMw / 1000,
  };
  const clock = throttledClock(p, profile);
  const final = clock < f0 ? rerun(p, layer, sim, clock, first) : first;
  const v2 = voltageRatio(p, clock) ** 2;
  const actions = algorithmActions(p, final, v2);
  const seconds = final.cycles / (clock * 1e6);
  const watts = (price(actions, components, p.technology, p.staticPowerMw, seconds).totalPj * 1e-12) / seconds;

  // Cycles at the highest clock; causes from the unthrottled run, the rest is the power limit.
  const cycles = Math.round(seconds * f0 * 1e6);
  const parts: Record<string, number> = { compute: first.runs.reduce((a, r) => a + r.computeCycles, 0) };
  for (const r of first.runs) for (const [cause, v] of Object.entries(r.stalls)) parts[cause] = (parts[cause] ?? 0) + v;
  parts.power_limit = Math.max(0, seconds * f0 * 1e6 - first.cycles);
  const split = apportion(parts, cycles);
  const { compute = 0, ...stalls } = split;
  const timing: LayerTiming = {
    cycles,
    computeCycles: compute,
    stallCycles: stalls,
    macsExecuted: final.macsExecuted,
    peakMacsPerCycle: p.sms * final.peakPerSm,
    traffic: sumTraffic(final),
    actions,
    details: { ...describe(plan, final, clock, f0), power_w: watts },
  };
  cache.set(key, timing);
  return timing;
}
