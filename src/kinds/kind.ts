/**
 * The contract between the simulator and an architecture kind.
 *
 * A kind times one layer at cycle level and reports what happened — cycles,
 * stall cycles by cause, bytes moved per memory level and action counts per
 * component — but never energy: action counts are priced in src/energy/.
 */
import type { z } from 'zod';
import type { Cycles } from '../core/units.js';
import type { ComponentSpec } from '../energy/components.js';
import type { Layer, Workload } from '../workload/layer.js';
import type { NumberFormat } from '../workload/trace.js';

/** One kind of action of one component, counted: e.g. 32 768 reads of 8 bits from `ifmap_sram`. */
export interface ActionCount {
  /** Component name as declared by the kind's `components()`. */
  component: string;
  /** `read`, `write`, `mac`, `op`, `forward`… */
  action: string;
  /** Width of one action in bits (for a MAC: the wider operand's compute bits). */
  bits: number;
  count: number;
  /** Operand widths of a MAC (activation × weight bits), when the priced energy depends on both. */
  operandBits?: [number, number];
  /** Number format of the operands, when the priced energy depends on it. */
  format?: NumberFormat;
  /** Multiplies the priced energy of each action (e.g. (V/V₀)² when DVFS lowered the voltage); 1 when absent. */
  energyScale?: number;
}

/** Bytes moved at one memory level. */
export interface LevelTraffic {
  readBytes: number;
  writeBytes: number;
}

/** What a kind reports for one layer. */
export interface LayerTiming {
  /** Cycle at which the layer's last output is written. */
  cycles: Cycles;
  /** Cycles the compute array was busy. */
  computeCycles: Cycles;
  /** Cycles the layer waited, by cause (e.g. `dram_bandwidth`). The sum is the layer's stall cycles. */
  stallCycles: Record<string, Cycles>;
  /** Multiply-accumulates actually performed (dense kinds: all of them). */
  macsExecuted: number;
  /** Peak MACs per cycle of the design for this layer's operand widths. */
  peakMacsPerCycle: number;
  /** Traffic per memory level, e.g. `dram`, `ifmap_sram`. */
  traffic: Record<string, LevelTraffic>;
  actions: ActionCount[];
  /** Kind-specific figures worth reporting (folds, mapping efficiency), with units in their names. */
  details: Record<string, number | string>;
}

/** An architecture description after validation: everything a kind needs. */
export interface QualifiedArch<P = unknown> {
  kind: string;
  name: string;
  /** File the description came from (after `extends`), or `<inline>`. */
  file: string;
  /** Parameters with defaults filled in. */
  params: P;
  /** Short hash of kind + params: identical designs hash alike. */
  hash: string;
}

/** Per-run context a kind may use. */
export interface SimContext {
  workload: Workload;
  /** Seed for anything random (masks); same seed, same result. */
  seed: number;
}

/** Parameters every kind has (see commonArchShape). */
export interface CommonParams {
  name: string;
  clockMHz: number;
  technology: { nodeNm: number; vdd: number };
  staticPowerMw: number;
}

/** An architecture kind: its schema and its layer simulator. */
export interface KindDefinition<P extends CommonParams = CommonParams> {
  /** Name used in `kind:`. */
  kind: string;
  /** One line for `cyclops list`. */
  summary: string;
  /** Strict schema of the whole description (common parameters included), with defaults and docs. */
  schema: z.ZodType<P>;
  /** Energy-relevant components of a design: the priced side of the action counts. */
  components(params: P): ComponentSpec[];
  /** Times one layer at cycle level. */
  simulateLayer(layer: Layer, arch: QualifiedArch<P>, ctx: SimContext): LayerTiming;
}
