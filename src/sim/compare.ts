/** Speedup and energy ratio of designs against the first, per layer and in total. */
import type { Row } from '../report/rows.js';
import type { RunResult } from './run.js';

/**
 * Comparison rows: for each layer (then `total`), each design's cycles, seconds and energy,
 * its speedup (baseline seconds / its seconds) and energy ratio (its energy / baseline energy).
 * All runs must be of the same workload.
 */
export function compareRuns(runs: readonly RunResult[]): Row[] {
  const base = runs[0];
  if (!base) return [];
  for (const r of runs) {
    if (r.layers.length !== base.layers.length) throw new Error('compare: runs are of different workloads');
  }
  const rows: Row[] = [];
  const names = runLabels(runs);
  const perLayer = [...base.layers.map((_, i) => runs.map((r) => r.layers[i]!)), runs.map((r) => r.total)];
  for (const ls of perLayer) {
    const b = ls[0]!;
    const row: Row = { layer: b.layer, op: b.op, macs: b.macs };
    ls.forEach((l, i) => {
      const n = names[i]!;
      row[`${n}_cycles`] = l.cycles;
      row[`${n}_seconds`] = l.seconds;
      row[`${n}_energy_pj`] = l.energyPj;
      row[`${n}_speedup`] = l.seconds > 0 ? b.seconds / l.seconds : 0;
      row[`${n}_energy_ratio`] = b.energyPj > 0 ? l.energyPj / b.energyPj : 0;
    });
    rows.push(row);
  }
  return rows;
}

/** Column labels of runs: the design name, with `#i` added where two runs share a name. */
export function runLabels(runs: readonly RunResult[]): string[] {
  const names = runs.map((r) => r.arch.name);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n}#${i}` : n));
}
