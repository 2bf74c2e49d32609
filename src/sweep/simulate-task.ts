/**
 * Runs one sweep task: the same simulate() and row flattening as `cyclops run`,
 * with errors caught and returned, so a failing point becomes a recorded row and
 * the sweep goes on. Shared by worker threads (worker.ts) and queue workers.
 */
import { layerRow, runRows } from '../report/rows.js';
import { simulate } from '../sim/run.js';
import { resolveNetwork, type Workload } from '../workload/layer.js';
import type { SimOutcome, SimTask, WorkloadPayload } from './protocol.js';

/** Resolves each workload once per thread and keeps it (queue workers see several sweeps: a few dozen are kept). */
export class WorkloadCache {
  private readonly resolved = new Map<string, Workload>();
  constructor(private readonly payloads: readonly WorkloadPayload[] = []) {}

  /** The workload of `task`: its own payload if it carries one, else the sweep's list given up front. */
  get(task: SimTask): Workload {
    const key = task.workloadKey ?? `#${task.workload}`;
    let w = this.resolved.get(key);
    if (!w) {
      const p = task.workloadPayload ?? this.payloads[task.workload];
      if (!p) throw new Error(`sweep task names workload #${task.workload}, but the sweep has ${this.payloads.length}`);
      w = resolveNetwork(p.spec, p.file);
      if (this.resolved.size >= 64) this.resolved.delete(this.resolved.keys().next().value!);
      this.resolved.set(key, w);
    }
    return w;
  }
}

/** Simulates `task` and flattens the result into metric rows; any error becomes the outcome's `error`. */
export function runTask(task: SimTask, workloads: WorkloadCache): SimOutcome {
  try {
    const r = simulate(task.arch, workloads.get(task));
    if (task.perLayer) return { seq: task.seq, rows: runRows(r) };
    // One row per (point, workload): the total, without the layer and op columns.
    const { layer: _layer, op: _op, ...total } = layerRow(r.total);
    return { seq: task.seq, rows: [total] };
  } catch (e) {
    return { seq: task.seq, error: e instanceof Error ? e.message : String(e) };
  }
}
