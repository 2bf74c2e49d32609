/**
 * arch × workload → RunResult: times every layer with the arch's kind, prices
 * its actions, and derives seconds, FLOPS and FLOPS/W in one place.
 */
import { cyclesToSeconds, gflopsPerSecond, gflopsPerWatt, type Cycles, type Picojoules, type Seconds } from '../core/units.js';
import { toolVersion } from '../core/version.js';
import { price } from '../energy/price.js';
import type { CommonParams, LayerTiming, LevelTraffic, QualifiedArch } from '../kinds/kind.js';
import { findKind } from '../kinds/registry.js';
import type { Layer, Workload } from '../workload/layer.js';

/** Results of one layer (or of the whole run, as the `total` row). */
export interface LayerResult {
  /** Layer name, or `total`. */
  layer: string;
  op: string;
  /** Dense multiply-accumulates. */
  macs: number;
  /** Multiply-accumulates performed. */
  macsExecuted: number;
  cycles: Cycles;
  computeCycles: Cycles;
  /** Sum of `stalls`. */
  stallCycles: Cycles;
  /** Stall cycles by cause. */
  stalls: Record<string, Cycles>;
  /** Dense MACs over (cycles × peak MACs/cycle), in [0, 1]. */
  utilization: number;
  seconds: Seconds;
  /** Dynamic energy by component plus static energy (pJ). */
  energyPj: Picojoules;
  dynamicEnergyPj: Record<string, Picojoules>;
  staticEnergyPj: Picojoules;
  /** Useful FLOPs: 2 × dense MACs. */
  flops: number;
  /** GFLOP/s of useful FLOPs. */
  gflops: number;
  /** Useful GFLOPs per joule (= GFLOPS/W). */
  gflopsPerW: number;
  /** Bytes read and written per memory level. */
  traffic: Record<string, LevelTraffic>;
  details: Record<string, number | string>;
}

/** Everything needed to reproduce and read a run. */
export interface RunResult {
  tool: string;
  arch: { name: string; kind: string; file: string; hash: string; params: CommonParams };
  workload: { name: string; source: string; origin: string; batch: number };
  seed: number;
  layers: LayerResult[];
  total: LayerResult;
}

function layerResult(layer: Layer, t: LayerTiming, arch: QualifiedArch<CommonParams>, energy: ReturnType<typeof price>): LayerResult {
  const p = arch.params;
  const seconds = cyclesToSeconds(t.cycles, p.clockMHz);
  const stallCycles = Object.values(t.stallCycles).reduce((a, b) => a + b, 0);
  const flops = 2 * layer.macs;
  return {
    layer: layer.name,
    op: layer.op,
    macs: layer.macs,
    macsExecuted: t.macsExecuted,
    cycles: t.cycles,
    computeCycles: t.computeCycles,
    stallCycles,
    stalls: t.stallCycles,
    utilization: t.cycles > 0 && t.peakMacsPerCycle > 0 ? layer.macs / (t.cycles * t.peakMacsPerCycle) : 0,
    seconds,
    energyPj: energy.totalPj,
    dynamicEnergyPj: energy.dynamicPj,
    staticEnergyPj: energy.staticPj,
    flops,
    gflops: gflopsPerSecond(flops, seconds),
    gflopsPerW: gflopsPerWatt(flops, energy.totalPj),
    traffic: t.traffic,
    details: t.details,
  };
}

function addInto(acc: Record<string, number>, add: Record<string, number>): void {
  for (const [k, v] of Object.entries(add)) acc[k] = (acc[k] ?? 0) + v;
}

/** Sums layer results into the `total` row. Utilization is weighted by each layer's peak. */
export function totalOf(layers: readonly LayerResult[], peakCycleProducts: readonly number[]): LayerResult {
  const stalls: Record<string, number> = {};
  const dyn: Record<string, number> = {};
  const traffic: Record<string, LevelTraffic> = {};
  let macs = 0, macsExecuted = 0, cycles = 0, computeCycles = 0, seconds = 0, energyPj = 0, staticPj = 0, flops = 0;
  for (const l of layers) {
    macs += l.macs;
    macsExecuted += l.macsExecuted;
    cycles += l.cycles;
    computeCycles += l.computeCycles;
    seconds += l.seconds;
    energyPj += l.energyPj;
    staticPj += l.staticEnergyPj;
    flops += l.flops;
    addInto(stalls, l.stalls);
    addInto(dyn, l.dynamicEnergyPj);
    for (const [lvl, t] of Object.entries(l.traffic)) {
      const acc = (traffic[lvl] ??= { readBytes: 0, writeBytes: 0 });
      acc.readBytes += t.readBytes;
      acc.writeBytes += t.writeBytes;
    }
  }
  const capacity = peakCycleProducts.reduce((a, b) => a + b, 0);
  return {
    layer: 'total',
    op: '',
    macs,
    macsExecuted,
    cycles,
    computeCycles,
    stallCycles: Object.values(stalls).reduce((a, b) => a + b, 0),
    stalls,
    utilization: capacity > 0 ? macs / capacity : 0,
    seconds,
    energyPj,
    dynamicEnergyPj: dyn,
    staticEnergyPj: staticPj,
    flops,
    gflops: gflopsPerSecond(flops, seconds),
    gflopsPerW: gflopsPerWatt(flops, energyPj),
    traffic,
    details: {},
  };
}

/** Simulates `workload` on `arch`; layers run back to back. */
export function simulate(arch: QualifiedArch<CommonParams>, workload: Workload): RunResult {
  const kind = findKind(arch.kind);
  if (!kind) throw new Error(`unknown kind ${arch.kind}`);
  const p = arch.params;
  const components = kind.components(p);
  const ctx = { workload, seed: workload.seed };
  const layers: LayerResult[] = [];
  const capacity: number[] = [];
  for (const layer of workload.layers) {
    const t = kind.simulateLayer(layer, arch, ctx);
    const seconds = cyclesToSeconds(t.cycles, p.clockMHz);
    const energy = price(t.actions, components, p.technology, p.staticPowerMw, seconds);
    layers.push(layerResult(layer, t, arch, energy));
    capacity.push(t.cycles * t.peakMacsPerCycle);
  }
  return {
    tool: toolVersion,
    arch: { name: arch.name, kind: arch.kind, file: arch.file, hash: arch.hash, params: p },
    workload: { name: workload.name, source: workload.source, origin: workload.origin, batch: workload.batch },
    seed: workload.seed,
    layers,
    total: totalOf(layers, capacity),
  };
}
