/**
 * The region scheduler of the multi-precision kind (src/kinds/multi-precision/scheduler.ts):
 * hand-checked schedules, and properties against reference schedules computed
 * here without the event engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleRows } from '../../../../src/kinds/multi-precision/scheduler.js';

/** Greedy list scheduling: each item, in order, goes to the row that frees first. */
function listSchedule(costs: number[], rows: number): number {
  const free = new Array<number>(rows).fill(0);
  for (const c of costs) {
    let best = 0;
    for (let r = 1; r < rows; r++) if (free[r]! < free[best]!) best = r;
    free[best]! += c;
  }
  return Math.max(0, ...free);
}

/** Folds of `rows` items, each as long as its longest item. */
function foldSchedule(costs: number[], rows: number): number {
  let t = 0;
  for (let i = 0; i < costs.length; i += rows) t += Math.max(...costs.slice(i, i + rows));
  return t;
}

const costsArb = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 60 });
const rowsArb = fc.integer({ min: 1, max: 9 });

describe('scheduleRows by hand', () => {
  // One slow pixel (a window in a sensitive region) among fast ones on 2 rows.
  const costs = [4, 1, 1, 1, 1];
  it('dynamic: the other row takes the fast pixels while the slow one runs', () => {
    const r = scheduleRows(costs, 2, 'dynamic');
    expect(r.makespan).toBe(4);
    expect(r.busyRowCycles).toBe(8);
    expect(r.idleRowCycles).toBe(0);
    expect(r.events).toBe(5);
  });
  it('static: every fold waits for its slowest row', () => {
    const r = scheduleRows(costs, 2, 'static');
    expect(r.makespan).toBe(4 + 1 + 1);
    expect(r.idleRowCycles).toBe(2 * 6 - 8);
  });
  it('schedules a sub-range of the items only', () => {
    expect(scheduleRows(costs, 2, 'dynamic', 1, 5).makespan).toBe(2);
    expect(scheduleRows(costs, 2, 'static', 1, 3).makespan).toBe(1);
  });
  it('no items take no time', () => {
    expect(scheduleRows([], 4, 'dynamic').makespan).toBe(0);
    expect(scheduleRows([3, 3], 4, 'static', 1, 1).makespan).toBe(0);
  });
  it('rejects an array without rows', () => {
    expect(() => scheduleRows([1], 0, 'dynamic')).toThrow(RangeError);
  });
});

describe('scheduleRows properties', () => {
  it('dynamic is greedy list scheduling; static is Σ of fold maxima', () => {
    fc.assert(
      fc.property(costsArb, rowsArb, (costs, rows) => {
        expect(scheduleRows(costs, rows, 'dynamic').makespan).toBe(listSchedule(costs, rows));
        expect(scheduleRows(costs, rows, 'static').makespan).toBe(foldSchedule(costs, rows));
      }),
    );
  });

  it('bounds: ≥ the longest item and ≥ ⌈work / rows⌉; dynamic never slower than static', () => {
    fc.assert(
      fc.property(costsArb, rowsArb, (costs, rows) => {
        const work = costs.reduce((a, b) => a + b, 0);
        for (const policy of ['dynamic', 'static'] as const) {
          const r = scheduleRows(costs, rows, policy);
          expect(r.makespan).toBeGreaterThanOrEqual(Math.max(0, ...costs));
          expect(r.makespan).toBeGreaterThanOrEqual(Math.ceil(work / rows));
          expect(r.busyRowCycles).toBe(work);
          expect(r.idleRowCycles).toBe(rows * r.makespan - work);
        }
        expect(scheduleRows(costs, rows, 'dynamic').makespan).toBeLessThanOrEqual(scheduleRows(costs, rows, 'static').makespan);
      }),
    );
  });

  it('a costlier item (a window with more sensitive inputs) never shortens the schedule', () => {
    fc.assert(
      fc.property(costsArb.filter((c) => c.length > 0), rowsArb, fc.nat(), fc.integer({ min: 1, max: 30 }), (costs, rows, at, extra) => {
        const more = [...costs];
        more[at % costs.length]! += extra;
        for (const policy of ['dynamic', 'static'] as const) {
          expect(scheduleRows(more, rows, policy).makespan).toBeGreaterThanOrEqual(scheduleRows(costs, rows, policy).makespan);
        }
      }),
    );
  });
});
