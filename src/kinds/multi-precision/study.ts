/**
 * The DRQ study: the DRQ-like design against its Eyeriss baseline on networks
 * whose activations carry a sensitivity map, swept over the sensitive fraction.
 * Every figure it reports comes from simulations run here; the paper's headline
 * is quoted beside them. results/reproduced/drq.md is written from it
 * (test/validation/drq-report.ts) and test/validation/drq.test.ts checks it.
 */
import { loadArch } from '../../config/arch.js';
import { simulate, type LayerResult, type RunResult } from '../../sim/run.js';
import type { Workload } from '../../workload/layer.js';
import type { Sensitivity } from '../../workload/trace.js';

/** DRQ's published headline (Song et al., ISCA 2020, abstract; numbers.md §B, Q). */
export const drqHeadline = {
  source: 'Song et al., “DRQ: Dynamic Region-based Quantization for Deep Neural Network Acceleration”, ISCA 2020, abstract (numbers.md §B, Q)',
  vsEyeriss: { speedup: 1.92, energyReduction: 0.72 },
  vsOLAccel: { speedup: 1.21, energyReduction: 0.33 },
} as const;

/** Cycles of an 8-bit MAC over a 4-bit one on DRQ's PE (seed 004: 4 cycles vs 1). */
const HIGH_OVER_LOW = 4;

/**
 * The sensitive fraction at which a perfectly balanced array with no other cost
 * would give DRQ's +92 %: 4 / (1 + 3f) = 1.92 ⇒ f = (4/1.92 − 1)/3 ≈ 0.361 (D).
 */
export const balancedFraction = (HIGH_OVER_LOW / drqHeadline.vsEyeriss.speedup - 1) / (HIGH_OVER_LOW - 1);

/** Speedup of a perfectly balanced array with no other cost when a share `high` of the MACs runs at 8 bits: 4 / (1 + 3·high). */
export function balancedSpeedup(high: number): number {
  return HIGH_OVER_LOW / (1 + (HIGH_OVER_LOW - 1) * high);
}

/** Region size the study assumes, in input pixels (guess: DRQ's region size is NOT FOUND; 4×4 leaves ≥ 4 regions on ResNet's 7×7 maps). */
export const studyRegion: [number, number] = [4, 4];

/** The DRQ-like preset and its baseline. */
export const drqPreset = 'multi-precision/drq-like';
export const baselinePreset = 'multi-precision/drq-eyeriss-baseline';
/** DRQ's second baseline (OLAccel, Park et al., ISCA 2018), and Eyeriss as a 16-bit chip (run on the 16-bit network). */
export const olaccelPreset = 'multi-precision/olaccel-like';
export const eyeriss16Preset = 'multi-precision/eyeriss16-baseline';

/** `w` with every MAC layer's weights and inputs, and its outputs, stored and computed at `bits` (intN; a copy). */
export function withOperandBits(w: Workload, bits: number): Workload {
  const at = <T extends { format: string; storageBits: number; computeBits: number }>(op: T): T => ({ ...op, format: `int${bits}`, storageBits: bits, computeBits: bits });
  return {
    ...w,
    layers: w.layers.map((l) => (l.weights ? { ...l, weights: at(l.weights), inputs: at(l.inputs), outputs: at(l.outputs) } : l)),
  };
}

/** `w` with every MAC layer's input sensitivity set to `s` (a copy; `w` is untouched). */
export function withSensitivity(w: Workload, s: Sensitivity): Workload {
  return {
    ...w,
    layers: w.layers.map((l) => (l.gemm ? { ...l, inputs: { ...l.inputs, sensitivity: s } } : l)),
  };
}

/** Components whose energy counts as the PE array's (MACs, PE registers, weight scratchpads). */
const CORE = ['pe_array', 'pe_registers', 'weight_spad'];

/** Energy of a run's layers (pJ): total, without DRAM and static, and of the PE array alone. */
function energyTiers(layers: readonly LayerResult[]): { total: number; onChip: number; core: number } {
  let total = 0, onChip = 0, core = 0;
  for (const l of layers) {
    total += l.energyPj;
    for (const [c, pj] of Object.entries(l.dynamicEnergyPj)) {
      if (c !== 'dram') onChip += pj;
      if (CORE.includes(c)) core += pj;
    }
  }
  return { total, onChip, core };
}

const sum = (ls: readonly LayerResult[], f: (l: LayerResult) => number) => ls.reduce((a, l) => a + f(l), 0);
const isConv = (l: LayerResult) => l.op === 'conv2d' || l.op === 'depthwise';

/** DRQ-like against the baseline at one sensitive fraction. Ratios are baseline / DRQ for time, 1 − DRQ / baseline for energy. */
export interface Comparison {
  fraction: number;
  /** Achieved share of the convolution layers' MACs run at high precision. */
  highMacFraction: number;
  cycles: number;
  baselineCycles: number;
  /** Whole network. */
  speedup: number;
  /** Convolution layers only. */
  convSpeedup: number;
  /** Convolution layers, compute cycles only (no DRAM stalls). */
  convComputeSpeedup: number;
  energyReduction: number;
  onChipEnergyReduction: number;
  coreEnergyReduction: number;
  /** Row-cycles the convolution layers' rows waited for slower rows (or for work), over all their row-cycles. */
  convRowIdle: number;
}

/** Compares run `drq` with the baseline run `base` (same workload) at `fraction`. */
export function compareWithBaseline(drq: RunResult, base: RunResult, fraction: number): Comparison {
  const dc = drq.layers.filter(isConv);
  const bc = base.layers.filter(isConv);
  const de = energyTiers(drq.layers);
  const be = energyTiers(base.layers);
  const macs = sum(dc, (l) => l.macs);
  const high = sum(dc, (l) => l.macs * Number(l.details['sensitive_mac_fraction'] ?? 0));
  const idle = sum(dc, (l) => Number(l.details['row_idle_cycles'] ?? 0));
  const busy = sum(dc, (l) => Number(l.details['row_busy_cycles'] ?? 0));
  return {
    fraction,
    highMacFraction: macs > 0 ? high / macs : 0,
    cycles: drq.total.cycles,
    baselineCycles: base.total.cycles,
    speedup: base.total.cycles / drq.total.cycles,
    convSpeedup: sum(bc, (l) => l.cycles) / sum(dc, (l) => l.cycles),
    convComputeSpeedup: sum(bc, (l) => l.computeCycles) / sum(dc, (l) => l.computeCycles),
    energyReduction: 1 - de.total / be.total,
    onChipEnergyReduction: 1 - de.onChip / be.onChip,
    coreEnergyReduction: 1 - de.core / be.core,
    convRowIdle: idle + busy > 0 ? idle / (idle + busy) : 0,
  };
}

/** One network's DRQ study: the baseline run once, DRQ-like at any fraction and design overrides. */
export class DrqStudy {
  readonly baseline: RunResult;
  private olaccelRun?: RunResult;
  private eyeriss16Run?: RunResult;
  constructor(
    readonly workload: Workload,
    readonly region: [number, number] = studyRegion,
    readonly baselineSets: readonly string[] = [],
  ) {
    this.baseline = simulate(loadArch(baselinePreset, [...baselineSets]), workload);
  }

  /** DRQ-like (with `--set` overrides `sets`) at sensitive `fraction`, against the baseline. */
  at(fraction: number, sets: readonly string[] = []): Comparison {
    return compareWithBaseline(this.drq(fraction, sets), this.baseline, fraction);
  }

  /** The DRQ-like run at `fraction` with overrides `sets`. */
  drq(fraction: number, sets: readonly string[] = []): RunResult {
    return simulate(loadArch(drqPreset, [...sets]), withSensitivity(this.workload, { fraction, region: this.region }));
  }

  /** The OLAccel-like run (with overrides `sets`; the preset's own run is kept). */
  olaccel(sets: readonly string[] = []): RunResult {
    if (sets.length > 0) return simulate(loadArch(olaccelPreset, [...sets]), this.workload);
    return (this.olaccelRun ??= simulate(loadArch(olaccelPreset), this.workload));
  }

  /** The 16-bit Eyeriss baseline on the 16-bit version of the network. */
  get eyeriss16(): RunResult {
    return (this.eyeriss16Run ??= simulate(loadArch(eyeriss16Preset), withOperandBits(this.workload, 16)));
  }

  /** DRQ-like at `fraction` (overrides `sets`) against the OLAccel-like run (overrides `olSets`): ratios are OLAccel / DRQ. */
  vsOlaccel(fraction: number, sets: readonly string[] = [], olSets: readonly string[] = []): Comparison {
    return compareWithBaseline(this.drq(fraction, sets), this.olaccel(olSets), fraction);
  }

  /**
   * The smallest fraction on a grid of `steps` at which the convolution layers'
   * speedup falls to `target` or below, or undefined if it never does (or is
   * already below at fraction 0). Refined by bisection between grid points.
   */
  fractionFor(target: number, sets: readonly string[] = [], steps = 10, refine = 8): number | undefined {
    let lo = 0;
    if (this.at(0, sets).convSpeedup <= target) return undefined;
    let hi = -1;
    for (let i = 1; i <= steps; i++) {
      const f = i / steps;
      if (this.at(f, sets).convSpeedup <= target) {
        hi = f;
        break;
      }
      lo = f;
    }
    if (hi < 0) return undefined;
    for (let i = 0; i < refine; i++) {
      const mid = (lo + hi) / 2;
      if (this.at(mid, sets).convSpeedup <= target) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}
