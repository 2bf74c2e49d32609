/**
 * What travels between a sweep's planner, its workers (threads or machines) and
 * its result sink. Everything here is plain data: it is structured-cloned to
 * worker threads and JSON-encoded through Redis and the journal.
 */
import type { CommonParams, QualifiedArch } from '../kinds/kind.js';
import type { Row } from '../report/rows.js';
import type { NetworkSpec } from '../workload/trace.js';

/** A value an axis takes (what `--set path=value` accepts). */
export type Scalar = number | string | boolean;

/** A workload as workers receive it: the validated spec and the file it came from (resolved on the worker). */
export interface WorkloadPayload {
  /** The reference as the spec gave it (`resnet18`, `nets/my.yaml`). */
  ref: string;
  spec: NetworkSpec;
  /** File the spec was read from: the workload's `origin`. */
  file: string;
}

/** One simulation: one design point on one workload. */
export interface SimTask {
  /** Position in the sweep's output order: point × workloads + workload. */
  seq: number;
  arch: QualifiedArch<CommonParams>;
  /** Index into the sweep's workload list. */
  workload: number;
  /**
   * The workload itself, for workers that were not given the sweep's list up front
   * (queue workers serve many sweeps); cached by `workloadKey`.
   */
  workloadPayload?: WorkloadPayload;
  workloadKey?: string;
  /** One row per layer (then `total`) instead of the total alone. */
  perLayer: boolean;
}

/** What a worker sends back for a task: metric rows (layerRow columns), or the error that stopped it. */
export type SimOutcome = { seq: number; rows: Row[] } | { seq: number; error: string };

/**
 * One finished job as the journal holds it: complete CSV rows (sweep columns and
 * metrics), in the order they appear in the CSV. A failed job has one row, whose
 * `status` is `error` and whose `error` says why.
 */
export interface JournalEntry {
  seq: number;
  rows: Row[];
}
