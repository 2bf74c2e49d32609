/**
 * Fits the memory-bound library kernels of the `gpu-sm` kind to the H100 kernel
 * times of calibration/gpu/data/layout.csv (measure_layout.py: each call alone at
 * 1980 MHz, inputs reused, profiler kernel durations — so the simulated launch
 * time is left out of the comparison):
 *
 * - `efficiency.layerInstructions.maxpool.{nchw,nhwc}`, on max_pool2d 3×3/2 with and
 *   without returned indices (the same kernel: int64 indices are always written);
 * - `efficiency.layerInstructions.batchnorm.{nchw,nhwc}`, on inference batch-norm;
 *
 * each by a grid search minimising the mean |log(simulated/measured)|, the other
 * parameters at the h100 preset. None of these shapes is a held-out layer of
 * dataset.ts, and nothing else is fitted here (fit.ts owns the rest). The file's
 * NCHW↔NHWC transposes (PyTorch's untiled copy) are not fitted: the simulator times
 * cuDNN's own transposes, which are much faster.
 *
 *   npm run build && node dist/calibration/gpu/fit-layout.js
 *
 * The printed values go into arch/gpu/h100-sxm5.yaml (and the schema defaults) by hand.
 */
import { loadArch } from '../../src/config/arch.js';
import type { QualifiedArch } from '../../src/kinds/kind.js';
import type { GpuParams } from '../../src/kinds/gpu-sm/params.js';
import { simulateGpuLayer } from '../../src/kinds/gpu-sm/simulate.js';
import type { NumberFormat } from '../../src/workload/trace.js';
import { oneLayer, readData } from './dataset.js';

/** One row of layout.csv. */
export interface LayoutRow {
  op: string;
  format: NumberFormat;
  n: number;
  c: number;
  h: number;
  w: number;
  layout: 'nchw' | 'nhwc';
  bytesIn: number;
  bytesOut: number;
  measuredUs: number;
}

/** The rows of layout.csv. */
export function layoutRows(): LayoutRow[] {
  return readData('layout.csv').filter((r) => !r.op!.includes('_to_')).map((r) => ({
    op: r.op!,
    format: r.format as NumberFormat,
    n: Number(r.n),
    c: Number(r.c),
    h: Number(r.h),
    w: Number(r.w),
    layout: r.layout as 'nchw' | 'nhwc',
    bytesIn: Number(r.bytes_in),
    bytesOut: Number(r.bytes_out),
    measuredUs: Number(r.kernel_us),
  }));
}

const CLOCK = 1980;
const preset = (sets: string[]) => loadArch('gpu/h100-sxm5', ['l2Residency=repeat', 'power.limitW=0', `clockMHz=${CLOCK}`, ...sets]) as QualifiedArch<GpuParams>;

/** Simulated kernel time (µs, launch left out) of a row, with extra `--set`s on the h100 preset. */
export function simulatedUs(row: LayoutRow, sets: string[] = []): number {
  const arch = preset([`activationLayout=${row.layout}`, ...sets]);
  const launchUs = arch.params.efficiency.launchUs;
  const op = row.op.startsWith('maxpool') ? { op: 'maxpool', kernel: 3, stride: 2, padding: 1 } : { op: 'batchnorm' };
  const wl = oneLayer(`${row.op}.${row.n}x${row.c}x${row.h}`, row.n, row.format, { ...op, input: [row.c, row.h, row.w] });
  return simulateGpuLayer(wl.layers[0]!, arch, { workload: wl, seed: wl.seed }).cycles / CLOCK - launchUs;
}

/** Mean |log ratio|, median and worst |ratio − 1| of simulated over measured times. */
export function stats(rows: LayoutRow[], sets: string[] = []): { meanLog: number; median: number; worst: number; ratios: number[] } {
  const ratios = rows.map((r) => simulatedUs(r, sets) / r.measuredUs);
  const e = ratios.map((x) => Math.abs(x - 1)).sort((a, b) => a - b);
  return { meanLog: ratios.reduce((a, x) => a + Math.abs(Math.log(x)), 0) / ratios.length, median: e[Math.floor(e.length / 2)] ?? 0, worst: e[e.length - 1] ?? 0, ratios };
}

/** The value of `param` on `grid` with the least mean |log ratio| over `rows`. */
export function gridFit(rows: LayoutRow[], param: string, grid: number[], sets: string[] = []): { value: number; meanLog: number } {
  let best = { value: grid[0]!, meanLog: Infinity };
  for (const v of grid) {
    const m = stats(rows, [...sets, `${param}=${v}`]).meanLog;
    if (m < best.meanLog) best = { value: v, meanLog: m };
  }
  return best;
}

const range = (lo: number, hi: number, step: number) => Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

/** Fits every parameter (coarse grid, then a fine one around the best); returns the `--set`s. */
export function fitLayout(rows = layoutRows()): Array<{ param: string; value: number; rows: LayoutRow[] }> {
  const out: Array<{ param: string; value: number; rows: LayoutRow[] }> = [];
  const fit = (param: string, subset: LayoutRow[], lo: number, hi: number, step: number, fine: number) => {
    const coarse = gridFit(subset, param, range(lo, hi, step)).value;
    const best = gridFit(subset, param, range(Math.max(lo, coarse - step), coarse + step, fine));
    out.push({ param, value: best.value, rows: subset });
  };
  for (const layout of ['nchw', 'nhwc'] as const) {
    fit(`efficiency.layerInstructions.maxpool.${layout}`, rows.filter((r) => r.op.startsWith('maxpool') && r.layout === layout), 0, 2000, 100, 5);
    fit(`efficiency.layerInstructions.batchnorm.${layout}`, rows.filter((r) => r.op === 'batchnorm' && r.layout === layout), 0, 400, 20, 1);
  }
  return out;
}

if (process.argv[1]?.endsWith('fit-layout.js')) {
  const rows = layoutRows();
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const fitted = fitLayout(rows);
  const sets = fitted.map((f) => `${f.param}=${f.value}`);
  for (const f of fitted) {
    const s = stats(f.rows, sets);
    console.log(`fitted: ${f.param}=${f.value}  (${f.rows.length} rows: mean |log| ${s.meanLog.toFixed(3)}, median ${pct(s.median)}, worst ${pct(s.worst)})`);
  }
  // Residuals by kernel, format and layout.
  console.log('\nop            format layout  rows  median ratio  min   max');
  const groups = new Map<string, LayoutRow[]>();
  for (const r of rows) {
    const key = `${r.op} ${r.format} ${r.layout}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, g] of groups) {
    const ratios = stats(g, sets).ratios.sort((a, b) => a - b);
    console.log(`${key.padEnd(36)} ${String(g.length).padStart(2)}  ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)}  ${ratios[0]!.toFixed(2)}  ${ratios[ratios.length - 1]!.toFixed(2)}`);
  }
}
