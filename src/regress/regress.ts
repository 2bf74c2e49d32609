/**
 * Regression checks on architecture configs: pin the results (cycles, stalls,
 * energy, traffic — per layer and in total) of designs on workloads in a JSON
 * file, then re-simulate and report every relative change, failing past a
 * tolerance. The same check runs from the CLI (`cyclops regress`), from a
 * user's test suite (`expectArchResults`) and for the project's own goldens.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadArch } from '../config/arch.js';
import { validate } from '../config/parse.js';
import { InputError } from '../core/errors.js';
import { toolVersion } from '../core/version.js';
import { writeFileAtomic } from '../report/files.js';
import { runRows } from '../report/rows.js';
import { simulate } from '../sim/run.js';
import { loadWorkload } from '../workload/load.js';

/** Metrics pinned unless others are asked for: layerRow column names. */
export const DEFAULT_METRICS = ['cycles', 'stall_cycles', 'energy_pj', 'dram_read_bytes', 'dram_write_bytes'];

/** Relative change allowed by default: simulations are deterministic; this only absorbs floating-point noise across platforms. */
export const DEFAULT_TOLERANCE = 1e-9;

const layerSchema = z.record(z.string(), z.union([z.string(), z.number()]));

const caseSchema = z.strictObject({
  /** Design as given to --arch (file or preset), and the overrides. */
  arch: z.string(),
  set: z.array(z.string()).default([]),
  workload: z.string(),
  /** Hash of the design when pinned: a changed hash means the description itself changed. */
  archHash: z.string(),
  /** Per layer, then `total`: `layer` and each metric. */
  layers: z.array(layerSchema).min(1),
});

export const regressFileSchema = z.strictObject({
  tool: z.string(),
  metrics: z.array(z.string()).min(1),
  cases: z.array(caseSchema),
});

/** A file of pinned results. */
export type RegressFile = z.output<typeof regressFileSchema>;
export type RegressCase = z.output<typeof caseSchema>;

/** Which designs and workloads to pin. */
export interface RecordRequest {
  archs: readonly string[];
  workloads: readonly string[];
  set?: readonly string[];
  metrics?: readonly string[];
}

/** Simulates one case and keeps the pinned metrics. Unknown metrics are input errors. */
export function pinCase(arch: string, set: readonly string[], workload: string, metrics: readonly string[]): RegressCase {
  const a = loadArch(arch, set);
  const r = simulate(a, loadWorkload(workload));
  const rows = runRows(r);
  const missing = metrics.filter((m) => !rows.some((row) => m in row));
  if (missing.length) throw InputError.one('--metric', missing.join(', '), `not a result column of ${a.name} (columns: ${Object.keys(rows.at(-1)!).join(', ')})`);
  return {
    arch,
    set: [...set],
    workload,
    archHash: a.hash,
    layers: rows.map((row) => Object.fromEntries([['layer', row.layer!], ...metrics.filter((m) => m in row).map((m) => [m, row[m]!])])),
  };
}

/** Simulates every (arch, workload) pair of the request and pins its results. */
export function recordArchResults(req: RecordRequest): RegressFile {
  const metrics = [...(req.metrics?.length ? req.metrics : DEFAULT_METRICS)];
  return {
    tool: toolVersion,
    metrics,
    cases: req.archs.flatMap((arch) => req.workloads.map((w) => pinCase(arch, req.set ?? [], w, metrics))),
  };
}

/** Writes a pinned-results file (stable formatting, one layer per line). */
export function writeRegressFile(file: string, data: RegressFile): void {
  const cases = data.cases.map((c) => {
    const head = JSON.stringify({ arch: c.arch, set: c.set, workload: c.workload, archHash: c.archHash }).slice(0, -1);
    return `    ${head},\n      "layers": [\n${c.layers.map((l) => `        ${JSON.stringify(l)}`).join(',\n')}\n      ]\n    }`;
  });
  writeFileAtomic(file, `{\n  "tool": ${JSON.stringify(data.tool)},\n  "metrics": ${JSON.stringify(data.metrics)},\n  "cases": [\n${cases.join(',\n')}\n  ]\n}\n`);
}

/** Reads and validates a pinned-results file. */
export function readRegressFile(file: string): RegressFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw InputError.one(file, '', `cannot read pinned results (${(e as Error).message})`);
  }
  return validate(regressFileSchema, data, file);
}

/** Tolerances: one relative tolerance for all metrics, with per-metric exceptions. */
export interface Tolerance {
  default: number;
  perMetric?: Record<string, number>;
}

/** One difference between pinned and current results. */
export interface RegressDiff {
  /** `arch [set…] on workload`. */
  case: string;
  layer: string;
  metric: string;
  pinned: number | string | undefined;
  now: number | string | undefined;
  /** (now − pinned) / |pinned|; ±Infinity from zero; NaN for non-numbers. */
  relative: number;
  /** Past the tolerance (or a structural change: a layer or metric gone or added). */
  fails: boolean;
}

/** Outcome of a check. */
export interface RegressReport {
  cases: number;
  /** Every difference, failing ones first, largest first. */
  diffs: RegressDiff[];
  failures: number;
  /** Cases whose design description changed since pinning (its hash differs). */
  changedDesigns: string[];
}

const caseLabel = (c: RegressCase) => `${c.arch}${c.set.length ? ` [${c.set.join(' ')}]` : ''} on ${c.workload}`;

/** Re-simulates every case of `data` and compares with the pinned metrics. */
export function checkArchResults(data: RegressFile, tol: Tolerance = { default: DEFAULT_TOLERANCE }): RegressReport {
  const diffs: RegressDiff[] = [];
  const changedDesigns: string[] = [];
  for (const c of data.cases) {
    const label = caseLabel(c);
    const arch = loadArch(c.arch, c.set);
    if (arch.hash !== c.archHash) changedDesigns.push(label);
    const current = new Map(runRows(simulate(arch, loadWorkload(c.workload))).map((r) => [String(r.layer), r]));
    const pinnedNames = new Set(c.layers.map((l) => String(l.layer)));
    for (const l of c.layers) {
      const row = current.get(String(l.layer));
      for (const m of data.metrics) {
        if (!(m in l)) continue;
        const p = l[m];
        const n = row?.[m];
        const limit = tol.perMetric?.[m] ?? tol.default;
        let relative: number;
        if (typeof p === 'number' && typeof n === 'number') relative = p === n ? 0 : p === 0 ? Math.sign(n) * Infinity : (n - p) / Math.abs(p);
        else relative = p === n ? 0 : NaN;
        if (relative !== 0) diffs.push({ case: label, layer: String(l.layer), metric: m, pinned: p, now: n, relative, fails: !(Math.abs(relative) <= limit) });
      }
    }
    for (const name of current.keys()) {
      if (!pinnedNames.has(name)) diffs.push({ case: label, layer: name, metric: '(layer)', pinned: undefined, now: 'added', relative: NaN, fails: true });
    }
  }
  diffs.sort((a, b) => Number(b.fails) - Number(a.fails) || Math.abs(b.relative || Infinity) - Math.abs(a.relative || Infinity));
  return { cases: data.cases.length, diffs, failures: diffs.filter((d) => d.fails).length, changedDesigns };
}

const pct = (r: number) => (Number.isNaN(r) ? 'changed' : !Number.isFinite(r) ? `${r > 0 ? '+' : '-'}∞` : `${r >= 0 ? '+' : ''}${(100 * r).toPrecision(3)}%`);

/** A readable diff: one line per change (failing first), at most `limit`. */
export function formatRegressReport(rep: RegressReport, tol: Tolerance = { default: DEFAULT_TOLERANCE }, limit = 40): string {
  const lines = [
    rep.failures === 0
      ? `regress: ${rep.cases} case(s) match within tolerance ${tol.default}${rep.diffs.length ? ` (${rep.diffs.length} change(s) within it)` : ''}`
      : `regress: ${rep.failures} change(s) past tolerance ${tol.default} in ${rep.cases} case(s)`,
  ];
  for (const d of rep.changedDesigns) lines.push(`  note: the description of ${d} changed since it was pinned (its hash differs)`);
  const shown = rep.diffs.slice(0, limit);
  if (shown.length) {
    const w = (k: (d: RegressDiff) => string) => Math.max(...shown.map((d) => k(d).length));
    const cw = w((d) => d.case);
    const lw = w((d) => d.layer);
    const mw = w((d) => d.metric);
    for (const d of shown) {
      lines.push(`  ${d.fails ? 'FAIL' : 'ok  '} ${d.case.padEnd(cw)}  ${d.layer.padEnd(lw)}  ${d.metric.padEnd(mw)}  ${String(d.pinned ?? '-')} → ${String(d.now ?? 'missing')}  (${pct(d.relative)})`);
    }
    if (rep.diffs.length > limit) lines.push(`  … and ${rep.diffs.length - limit} more`);
  }
  return lines.join('\n');
}

/**
 * For test suites (vitest, jest, node:test): re-simulates the pinned results in
 * `file` and throws an Error with the readable diff if anything moved past the
 * tolerance. `expectArchResults('test/pinned/my-designs.json', { tolerance: 0.01 })`.
 */
export function expectArchResults(file: string, opts: { tolerance?: number; perMetric?: Record<string, number> } = {}): RegressReport {
  const tol: Tolerance = { default: opts.tolerance ?? DEFAULT_TOLERANCE, ...(opts.perMetric ? { perMetric: opts.perMetric } : {}) };
  const rep = checkArchResults(readRegressFile(file), tol);
  if (rep.failures > 0) throw new Error(`${file}: results moved\n${formatRegressReport(rep, tol)}`);
  return rep;
}
