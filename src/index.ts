/**
 * cyclops as a library, for programs and notebooks:
 *
 * ```ts
 * import { loadArch, loadWorkload, simulate, compare, sweep } from 'cyclops';
 * const run = simulate(loadArch('eyeriss-12x14', ['dram.wordsPerCycle=8']), loadWorkload('resnet18'));
 * run.total.cycles; run.total.energyPj; run.layers[0].stalls;
 * const rows = compare([run, simulate(loadArch('scalesim-32x32-os'), loadWorkload('resnet18'))]);
 * const s = await sweep({ arch: 'systolic/scalesim-32x32-os', axes: { 'array.rows': [16, 32, 64] }, workloads: ['resnet18'] });
 * ```
 *
 * The functions are the ones the CLI uses, re-exported; sweeps load their
 * worker pool and plotting libraries only when first called.
 */
import { checkSweepSpec, readSweepSpec, type SweepInput } from './sweep/spec.js';
import type { RunSweepOptions, SweepOutcome } from './sweep/runner.js';

export { builtinPresets, loadArch } from './config/arch.js';
export { InputError, type Problem } from './core/errors.js';
export type { CommonParams, KindDefinition, LayerTiming, QualifiedArch } from './kinds/kind.js';
export { allKinds, findKind } from './kinds/registry.js';
export { checkArchResults, expectArchResults, formatRegressReport, readRegressFile, recordArchResults, writeRegressFile } from './regress/regress.js';
export type { RegressDiff, RegressFile, RegressReport, Tolerance } from './regress/regress.js';
export { layerRow, runRows, type Row } from './report/rows.js';
export { toCsv } from './report/files.js';
export { compareRuns as compare, runLabels } from './sim/compare.js';
export { simulate, type LayerResult, type RunResult } from './sim/run.js';
export { checkSweepSpec, parseObjective, readSweepSpec, type Objective, type RangeInput, type SweepInput, type SweepSpec } from './sweep/spec.js';
export type { RunSweepOptions, Shard, SweepOutcome, SweepProgress } from './sweep/runner.js';
export type { Manifest } from './sweep/sink.js';
export { builtinWorkloads, loadWorkload } from './workload/load.js';
export type { Layer, Workload } from './workload/layer.js';

/**
 * Runs a design-space sweep on worker threads (all cores unless `threads` says otherwise):
 * `spec` is a spec file path or a spec object (the YAML's fields). Results go to
 * `<outDir>/<name>/` (sweep.csv, pareto__*.csv, report.html), as with `cyclops sweep`.
 */
export async function sweep(spec: string | SweepInput, opts: RunSweepOptions = {}): Promise<SweepOutcome> {
  const s = typeof spec === 'string' ? readSweepSpec(spec) : checkSweepSpec(spec);
  const { runSweep } = await import('./sweep/runner.js');
  return runSweep(s.name ? s : { ...s, name: 'sweep' }, { ...(typeof spec === 'string' ? { specFile: spec } : {}), ...opts });
}

/** A sweep's rows (sweep.csv of `dir`), numbers as numbers. */
export async function sweepRows(dir: string): Promise<Array<Record<string, string | number>>> {
  const [{ readFileSync }, { join }, { csvParse }] = await Promise.all([import('node:fs'), import('node:path'), import('d3-dsv')]);
  const text = new Set(['arch_hash', 'error', 'extra', 'workload', 'status', 'layer', 'op']);
  return csvParse(readFileSync(join(dir, 'sweep.csv'), 'utf8'), (r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, !text.has(k) && v !== '' && v !== undefined && Number.isFinite(Number(v)) ? Number(v) : (v ?? '')])),
  );
}

/** Renders a Vega-Lite specification to SVG (for notebooks: `tslab.display.html(await vegaLiteSvg(spec))`). */
export async function vegaLiteSvg(spec: import('vega-lite').TopLevelSpec): Promise<string> {
  return (await import('./report/html.js')).vegaLiteSvg(spec);
}
