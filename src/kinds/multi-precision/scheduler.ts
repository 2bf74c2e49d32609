/**
 * The region scheduler of a variable-speed PE array, on the event engine.
 *
 * Work items are output pixels (each a row's worth of MACs for the current
 * filters); an item's cost is the cycles a PE row needs for it, which depends
 * on how many of its inputs fall in sensitive regions. Rows do not share a
 * clock-by-clock schedule, so the array's time is set by how the items land on
 * rows: the load imbalance is simulated, not averaged.
 *
 * An optional side unit (OLAccel's dedicated outlier-activation MACs) takes a
 * job of `unit[i]` cycles when item i is dispatched to a row, and serves jobs
 * one at a time in dispatch order; its products merge into the partial sums
 * through a pipeline (Park et al., ISCA 2018, abstract), so rows never wait
 * for it, but the schedule ends only when it has drained.
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
  /** Events the engine ran (one per item, plus one per side-unit job). */
  events: number;
  /** Cycles the side unit was busy (0 without one). */
  unitBusyCycles: number;
}

/**
 * Schedules items `costs[lo..hi)` (cycles each, in order) on `rows` PE rows under
 * `policy`, with side-unit jobs `unit[lo..hi)` when given. Makespan never
 * shrinks when an item's cost grows: dynamic dispatch to the earliest-free row
 * keeps the sorted finish times monotone in every cost, and a FIFO server's
 * finish times are monotone in its arrival times and job sizes.
 */
export function scheduleRows(costs: ArrayLike<number>, rows: number, policy: SchedulerPolicy, lo = 0, hi = costs.length, unit?: ArrayLike<number>): ScheduleResult {
  if (!(rows >= 1)) throw new RangeError(`scheduleRows: rows must be ≥ 1 (got ${rows})`);
  const engine = new EventEngine();
  let busy = 0;
  for (let i = lo; i < hi; i++) busy += costs[i]!;
  let unitFree = 0;
  let unitBusy = 0;
  const idle = () => undefined;
  // Dispatch times never decrease (the engine runs events in cycle order), so serving jobs as they are handed out is FIFO.
  const toUnit = (now: Cycles, i: number) => {
    const u = unit ? unit[i]! : 0;
    if (u <= 0) return;
    unitFree = Math.max(now, unitFree) + u;
    unitBusy += u;
    engine.at(unitFree, idle);
  };
  if (policy === 'dynamic') {
    let next = lo;
    const dispatch = (now: Cycles) => {
      if (next >= hi) return;
      const i = next++;
      toUnit(now, i);
      engine.at(now + costs[i]!, dispatch);
    };
    for (let r = 0; r < rows && next < hi; r++) dispatch(0);
  } else {
    const fold = (now: Cycles, first: number) => {
      if (first >= hi) return;
      const last = Math.min(hi, first + rows);
      let left = last - first;
      for (let i = first; i < last; i++) {
        toUnit(now, i);
        engine.at(now + costs[i]!, (t) => {
          if (--left === 0) fold(t, last);
        });
      }
    };
    fold(0, lo);
  }
  const makespan = engine.run();
  return { makespan, busyRowCycles: busy, idleRowCycles: rows * makespan - busy, events: engine.eventsProcessed, unitBusyCycles: unitBusy };
}
