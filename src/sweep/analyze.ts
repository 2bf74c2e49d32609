/**
 * After a sweep: its Pareto fronts (one CSV per pair of objectives, a front per
 * workload) and results/<run>/report.html with the fronts plotted over every
 * point. Reads only the run's files, so a merged or resumed run is analysed
 * exactly like one that ran straight through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvFormat, csvParse, type DSVRowString } from 'd3-dsv';
import type { TopLevelSpec } from 'vega-lite';
import { esc, htmlPage, htmlTable, vegaLiteSvg, type ReportSection } from '../report/html.js';
import { slug, writeFileAtomic } from '../report/files.js';
import { paretoFront } from './pareto.js';
import { readManifest, RUN_FILES, type Manifest } from './sink.js';
import { parseObjective, type Objective } from './spec.js';

/** One Pareto front file. */
export interface FrontFile {
  x: Objective;
  y: Objective;
  file: string;
  /** Front rows, all workloads together, best x first within each workload. */
  rows: DSVRowString[];
  /** Why the front is empty, if it is (a column that is not in the results). */
  note?: string;
}

/** Files an analysis wrote. */
export interface RunAnalysis {
  csv: string;
  fronts: FrontFile[];
  report: string;
}

/** Points drawn behind a front in the report at most (every k-th beyond that: SVG size). */
const MAX_PLOTTED = 5000;

const num = (v: string | undefined) => (v === undefined || v === '' ? NaN : Number(v));

/** Reads `dir`'s sweep.csv and manifest; writes its Pareto CSVs and report.html. */
export async function analyzeRun(dir: string): Promise<RunAnalysis> {
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`${dir}: no ${RUN_FILES.manifest}`);
  const csv = join(dir, RUN_FILES.csv);
  const all = csvParse(readFileSync(csv, 'utf8'));
  const ok = all.filter((r) => r.status === 'ok' && (r.layer === undefined || r.layer === 'total'));
  const fronts: FrontFile[] = [];
  for (const pair of manifest.spec.pareto) {
    const x = parseObjective(pair.x);
    const y = parseObjective(pair.y);
    const missing = [x.metric, y.metric].filter((m) => !all.columns.includes(m));
    const rows = missing.length
      ? []
      : manifest.workloads.flatMap((w) => paretoFront(ok.filter((r) => r.workload === w), (r) => num(r[x.metric]), (r) => num(r[y.metric]), [x.goal, y.goal]));
    const file = join(dir, `pareto__${slug(x.metric)}__${slug(y.metric)}.csv`);
    writeFileAtomic(file, `${csvFormat(rows, all.columns)}\n`);
    fronts.push({ x, y, file, rows, ...(missing.length ? { note: `no column ${missing.join(', ')} in the results (columns: ${all.columns.join(', ')})` } : {}) });
  }
  const report = join(dir, 'report.html');
  writeFileAtomic(report, await reportHtml(manifest, all, ok, fronts));
  return { csv, fronts, report };
}

/** A Vega-Lite chart of every point (grey) and the front (coloured, joined), one panel per workload. */
export function frontChart(points: readonly DSVRowString[], front: readonly DSVRowString[], x: Objective, y: Objective, axes: readonly string[]): TopLevelSpec {
  const pick = (r: DSVRowString, onFront: boolean) => ({
    x: num(r[x.metric]),
    y: num(r[y.metric]),
    workload: r.workload,
    front: onFront,
    design: axes.map((a) => `${a}=${r[a]}`).join(' '),
  });
  const step = Math.max(1, Math.ceil(points.length / MAX_PLOTTED));
  const values = [...points.filter((_, i) => i % step === 0).map((r) => pick(r, false)), ...front.map((r) => pick(r, true))].filter(
    (v) => Number.isFinite(v.x) && Number.isFinite(v.y),
  );
  // Log axes when a workload's values span more than two decades (each panel has its own scales).
  const logScale = (k: 'x' | 'y') => {
    const workloads = [...new Set(values.map((v) => v.workload))];
    const spans = workloads.map((w) => values.filter((v) => v.workload === w).map((v) => v[k]));
    const log = spans.every((vs) => vs.every((v) => v > 0)) && spans.some((vs) => Math.max(...vs) / Math.min(...vs) > 100);
    return log ? { scale: { type: 'log' as const }, axis: { format: '~g' } } : { scale: { zero: false } };
  };
  const enc = {
    x: { field: 'x', type: 'quantitative' as const, title: `${x.metric} (${x.goal === 'min' ? 'lower' : 'higher'} is better)`, ...logScale('x') },
    y: { field: 'y', type: 'quantitative' as const, title: `${y.metric} (${y.goal === 'min' ? 'lower' : 'higher'} is better)`, ...logScale('y') },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { field: 'workload', type: 'nominal', title: null },
    columns: 2,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 420,
      height: 300,
      layer: [
        { transform: [{ filter: '!datum.front' }], mark: { type: 'point', color: '#9a9a9a', opacity: 0.45, size: 20 }, encoding: { ...enc, tooltip: [{ field: 'design' }] } },
        { transform: [{ filter: 'datum.front' }], mark: { type: 'line', color: '#d62728', point: { color: '#d62728', filled: true, size: 45 } }, encoding: { ...enc, order: { field: 'x' }, tooltip: [{ field: 'design' }] } },
      ],
    },
  } as TopLevelSpec;
}

async function reportHtml(m: Manifest, all: readonly DSVRowString[], ok: readonly DSVRowString[], fronts: readonly FrontFile[]): Promise<string> {
  const axes = m.leadColumns.filter((c) => !['point', 'workload', 'arch_hash', 'status'].includes(c));
  const failed = all.filter((r) => r.status === 'error');
  const sections: ReportSection[] = [
    {
      title: 'Summary',
      html: [
        `<p>${esc(m.spec.description ?? '')}</p>`,
        '<ul>',
        `<li>designs from: ${esc([m.spec.arch].flat().join(', '))}${m.spec.set.length ? ` with ${esc(m.spec.set.join(' '))}` : ''}</li>`,
        `<li>axes: ${esc(Object.keys(m.spec.axes).join(', ') || '(none)')}; workloads: ${esc(m.workloads.join(', '))}${m.spec.sample ? `; ${m.spec.sample.count} points sampled (seed ${m.spec.sample.seed})` : ''}</li>`,
        `<li>jobs (point × workload): ${m.jobs}; succeeded: <span id="ok-count">${m.jobs - m.failed}</span>; failed: <span id="failed-count">${m.failed}</span>; points dropped by constraints: ${m.dropped}${m.exhausted ? ' (sampling stopped early: too few distinct points satisfied the constraints)' : ''}</li>`,
        m.spec.constraints.length ? `<li>constraints: ${m.spec.constraints.map((c) => `<code>${esc(c)}</code>`).join(', ')}</li>` : '',
        `<li>tool: ${esc(m.tool)}; results: <code>${RUN_FILES.csv}</code></li>`,
        '</ul>',
      ].join('\n'),
    },
  ];
  for (const f of fronts) {
    const title = `Pareto front: ${f.x.metric} vs ${f.y.metric}`;
    if (f.note) {
      sections.push({ title, html: `<p class="note">${esc(f.note)}</p>` });
      continue;
    }
    const svg = await vegaLiteSvg(frontChart(ok, f.rows, f.x, f.y, axes));
    const cols = [...new Set(['workload', 'point', ...axes, f.x.metric, f.y.metric])];
    sections.push({
      title,
      html: `<figure class="pareto" data-x="${esc(f.x.metric)}" data-y="${esc(f.y.metric)}" data-front-points="${f.rows.length}">\n${svg}\n<figcaption class="note">${ok.length} designs in grey${ok.length > MAX_PLOTTED ? ` (every ${Math.ceil(ok.length / MAX_PLOTTED)}th drawn)` : ''}; the front in red (${f.rows.length} designs, listed below and in <code>${esc(f.file.split('/').pop())}</code>).</figcaption>\n</figure>\n${htmlTable(f.rows, cols)}`,
    });
  }
  if (failed.length) {
    sections.push({
      title: `Failed jobs (${failed.length})`,
      html: htmlTable(failed.slice(0, 50), ['point', ...axes, 'workload', 'error']) + (failed.length > 50 ? `<p class="note">first 50 of ${failed.length}; all are in ${RUN_FILES.csv}</p>` : ''),
    });
  }
  return htmlPage(`cyclops sweep: ${m.name}`, sections);
}
