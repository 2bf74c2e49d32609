/**
 * The region scheduler of a variable-speed PE array, on the event engine.
 *
 * Work items are output pixels (each a row's worth of MACs for the current
 * filters); an item's cost is the cycles a PE row needs for it, which depends
 * on how many of its inputs fall in sensitive regions. Rows do not share a
 * clock-by-clock schedule, so the array's time is set by how the items land on
 * rows: the load imbalance is simulated, not averaged.
 */
import { EventEngine } from '../../core/engine.js';
import type { Cycles } from '../../core/units.js';

/**
 * `static`: items are dealt to rows in folds of `rows` consecutive items; a fold
 * starts when the previous one has ended, i.e. when its slowest row has.
 * `dynamic`: every row that finishes takes the next item in order.
 */
export type SchedulerPolicy = 'static' | 'dynamic';

/** What one schedule of items on PE rows took. */
export interface ScheduleResult {
  /** Cycles from the first dispatch until the last row finishes. */
  makespan: Cycles;
  /** Σ item costs: row-cycles of work. */
  busyRowCycles: number;
  /** rows × makespan − busy: row-cycles rows spent waiting for slower rows or for work. */
  idleRowCycles: number;
  /** Events the engine ran (one per item). */
  events: number;
}

/**
 * Schedules items `costs[lo..hi)` (cycles each, in order) on `rows` PE rows under
 * `policy`. Makespan never shrinks when an item's cost grows: dynamic dispatch
 * to the earliest-free row keeps the sorted finish times monotone in every cost.
 */
export function scheduleRows(costs: ArrayLike<number>, rows: number, policy: SchedulerPolicy, lo = 0, hi = costs.length): ScheduleResult {
  if (!(rows >= 1)) throw new RangeError(`scheduleRows: rows must be ≥ 1 (got ${rows})`);
  const engine = new EventEngine();
  let busy = 0;
  for (let i = lo; i < hi; i++) busy += costs[i]!;
  if (policy === 'dynamic') {
    let next = lo;
    const dispatch = (now: Cycles) => {
      if (next >= hi) return;
      engine.at(now + costs[next++]!, dispatch);
    };
    for (let r = 0; r < rows && next < hi; r++) dispatch(0);
  } else {
    const fold = (now: Cycles, first: number) => {
      if (first >= hi) return;
      const last = Math.min(hi, first + rows);
      let left = last - first;
      for (let i = first; i < last; i++) {
        engine.at(now + costs[i]!, (t) => {
          if (--left === 0) fold(t, last);
        });
      }
    };
    fold(0, lo);
  }
  const makespan = engine.run();
  return { makespan, busyRowCycles: busy, idleRowCycles: rows * makespan - busy, events: engine.eventsProcessed };
}
