/** Terminal tables (cli-table3) of runs and comparisons. */
import Table from 'cli-table3';
import type { LayerResult, RunResult } from '../sim/run.js';

/** Formats a number with SI-ish grouping for the terminal. */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return v.toLocaleString('en-US', { maximumSignificantDigits: Math.max(digits, Math.ceil(Math.log10(a + 1))) });
}

/** Box style without lines between body rows. */
export const compactStyle = {
  style: { head: [] as string[], border: [] as string[] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};

const head = ['layer', 'op', 'MACs', 'cycles', 'stall cycles', 'util %', 'energy µJ', 'GFLOPS', 'GFLOPS/W'];

function line(l: LayerResult): string[] {
  return [l.layer, l.op, fmt(l.macs), fmt(l.cycles), fmt(l.stallCycles), fmt(100 * l.utilization, 3), fmt(l.energyPj / 1e6, 4), fmt(l.gflops, 4), fmt(l.gflopsPerW, 4)];
}

/** Per-layer table with the total row. */
export function runTable(r: RunResult): string {
  const t = new Table({ head, ...compactStyle });
  for (const l of r.layers) t.push(line(l));
  t.push(line(r.total));
  return `${r.arch.name} (${r.arch.kind}, ${r.arch.hash}) on ${r.workload.name}, batch ${r.workload.batch}\n${t.toString()}`;
}

/** Summary of several runs: one line per design. */
export function summaryTable(runs: readonly RunResult[]): string {
  const t = new Table({
    head: ['design', 'kind', 'workload', 'cycles', 'ms', 'energy mJ', 'util %', 'GFLOPS', 'GFLOPS/W', 'speedup', 'energy ratio'],
    ...compactStyle,
  });
  const base = runs[0];
  for (const r of runs) {
    const s = r.total;
    t.push([
      r.arch.name,
      r.arch.kind,
      r.workload.name,
      fmt(s.cycles),
      fmt(s.seconds * 1e3, 4),
      fmt(s.energyPj / 1e9, 4),
      fmt(100 * s.utilization, 3),
      fmt(s.gflops, 4),
      fmt(s.gflopsPerW, 4),
      base ? fmt(base.total.seconds / s.seconds, 3) : '',
      base ? fmt(s.energyPj / base.total.energyPj, 3) : '',
    ]);
  }
  return t.toString();
}
