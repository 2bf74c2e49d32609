/**
 * The h100-sxm5 preset against measurements of an H100 SXM5 (calibration/gpu/data,
 * taken by calibration/gpu/measure.py; parameters fitted by calibration/gpu/fit.ts on
 * the fit set only). Every measured kernel ran back to back for ~1 s; its time,
 * board power and SM clock are compared with the preset's prediction in the same
 * conditions — power limit and DVFS included, so the clock is the model's too.
 *
 * Reported per group (dense layers, memory-bound layers, CSR SpMM), for the fit set
 * and separately for the held-out set: median and worst absolute percentage error of
 * time and of power. The tolerances below pin what the model reaches today (see the
 * printed table and results/reproduced/gpu-h100-calibration.md); the goal of the
 * calibration, a median of 10 % on dense layers, is met on both sets and asserted.
 */
import { describe, expect, it } from 'vitest';
import { errorStats, GROUPS, h100Comparisons, type Comparison } from '../../calibration/gpu/reports.js';

const comparisons = h100Comparisons();
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function stats(filter: (c: Comparison) => boolean) {
  const set = comparisons.filter(filter);
  return { time: errorStats(set.map((c) => c.timeError)), power: errorStats(set.map((c) => c.powerError)) };
}

describe('h100-sxm5 preset vs H100 measurements', () => {
  it('reports median and worst errors per group, fit and held-out', () => {
    const rows = Object.entries(GROUPS).flatMap(([group, f]) =>
      (['fit', 'held-out'] as const).map((set) => {
        const s = stats((c) => f(c) && c.sample.heldOut === (set === 'held-out'));
        return { group, set, n: s.time.n, 'time median': pct(s.time.median), 'time worst': pct(s.time.worst), 'power median': pct(s.power.median), 'power worst': pct(s.power.worst) };
      }),
    );
    console.table(rows);
    // Every group has fitted samples; CSR SpMM has no held-out ones (all its measurements are fitted).
    expect(rows.filter((r) => r.set === 'fit').every((r) => r.n > 0)).toBe(true);
    expect(rows.filter((r) => r.group !== 'csr-spmm' && r.set === 'held-out').every((r) => r.n > 0)).toBe(true);
  });

  it('dense layers: median time error within 10 % on the fit set and held out (the goal); power within 10 %', () => {
    const fit = stats((c) => GROUPS.dense(c) && !c.sample.heldOut);
    const held = stats((c) => GROUPS.dense(c) && c.sample.heldOut);
    expect(fit.time.median).toBeLessThan(0.1);
    expect(held.time.median).toBeLessThan(0.1);
    expect(fit.power.median).toBeLessThan(0.1);
    expect(held.power.median).toBeLessThan(0.1);
  });

  it('memory-bound layers: median time error within 10 % on the fit set (streaming ReLU and batch-norm)', () => {
    expect(stats((c) => GROUPS['memory-bound'](c) && !c.sample.heldOut).time.median).toBeLessThan(0.1);
  });

  it('memory-bound held out (add, max-pool with its int64 indices; fit-layout.ts never saw them): median within 10 %, worst within 15 %', () => {
    const held = stats((c) => GROUPS['memory-bound'](c) && c.sample.heldOut);
    expect(held.time.median).toBeLessThan(0.1);
    expect(held.time.worst).toBeLessThan(0.15);
  });

  it('the power limit: kernels measured at 700 W are predicted throttled, the clock within 15 % median', () => {
    const capped = comparisons.filter((c) => c.sample.powerW > 680);
    expect(capped.length).toBeGreaterThan(20);
    expect(errorStats(capped.map((c) => c.clockMHz / c.sample.clockMHz - 1)).median).toBeLessThan(0.15);
  });
});
