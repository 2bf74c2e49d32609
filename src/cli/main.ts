#!/usr/bin/env node
/** The `cyclops` command line: run, compare, validate, list, describe, and the default job. */
import { join } from 'node:path';
import Table from 'cli-table3';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { builtinPresets, loadArch } from '../config/arch.js';
import { describeSchema } from '../config/describe.js';
import { formatProblem, InputError } from '../core/errors.js';
import { allKinds, findKind } from '../kinds/registry.js';
import { toCsv, slug, writeFileAtomic } from '../report/files.js';
import { runRows } from '../report/rows.js';
import { compactStyle, runTable, summaryTable } from '../report/table.js';
import { compareRuns, runLabels } from '../sim/compare.js';
import { simulate, type RunResult } from '../sim/run.js';
import { builtinWorkloads, loadWorkload } from '../workload/load.js';
import { validateFile } from './validate.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';
import { mergeCommand } from './commands/merge.js';
import { regressCommand } from './commands/regress.js';
import { workloadCommand } from './commands/workload.js';
import { importCommand } from './commands/import.js';
import { crossoverCommand } from './commands/crossover.js';

/** The designs and network of the default job (`npm start`). */
const DEFAULT_ARCHS = ['systolic/scalesim-32x32-os', 'systolic/tpu-v1-256x256-ws', 'systolic/eyeriss-12x14'];
const DEFAULT_WORKLOAD = 'resnet18';

type Format = 'table' | 'csv' | 'json';

function writeRun(r: RunResult, outDir: string): string[] {
  const base = join(outDir, `${slug(r.arch.name)}__${slug(r.workload.name)}`);
  writeFileAtomic(`${base}.csv`, toCsv(runRows(r)));
  writeFileAtomic(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  return [`${base}.csv`, `${base}.json`];
}

function print(r: RunResult, format: Format): void {
  if (format === 'csv') process.stdout.write(toCsv(runRows(r)));
  else if (format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else console.log(runTable(r));
}

/** Runs each design on the workload; results are complete before any file is written. */
function runAll(archs: readonly string[], workload: string, sets: readonly string[]): RunResult[] {
  const w = loadWorkload(workload);
  const designs = archs.map((a) => loadArch(a, sets));
  return designs.map((a) => simulate(a, w));
}

const common = (y: Argv) =>
  y
    .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a parameter: path=value (repeatable)' })
    .option('out', { type: 'string', default: 'results', describe: 'Directory for CSV and JSON results' });

function kindTable(): string {
  const t = new Table({ head: ['kind', 'summary'], ...compactStyle });
  for (const k of allKinds()) t.push([k.kind, k.summary]);
  return t.toString();
}

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('cyclops')
    .strict()
    .command(
      ['defaults', '$0'],
      'The default job: the built-in systolic presets on ResNet-18',
      (y) => common(y),
      (a) => {
        const runs = runAll(DEFAULT_ARCHS, DEFAULT_WORKLOAD, a.set);
        console.log(`cyclops: ${DEFAULT_WORKLOAD} on ${runs.length} built-in designs (speedup and energy ratio against the first)\n`);
        console.log(summaryTable(runs));
        const files = runs.flatMap((r) => writeRun(r, a.out));
        writeFileAtomic(join(a.out, `compare__${DEFAULT_WORKLOAD}.csv`), toCsv(compareRuns(runs)));
        console.log(`\nper-layer results: ${files.filter((f) => f.endsWith('.csv')).join(', ')} (and .json)`);
        console.log(`comparison: ${join(a.out, `compare__${DEFAULT_WORKLOAD}.csv`)}`);
      },
    )
    .command(
      'run',
      'Simulate a workload on a design: per-layer and total results',
      (y) =>
        common(y)
          .option('arch', { type: 'string', demandOption: true, describe: 'Arch description file or preset name' })
          .option('workload', { type: 'string', demandOption: true, describe: 'Trace YAML, SCALE-Sim topology CSV, or built-in name' })
          .option('format', { choices: ['table', 'csv', 'json'] as const, default: 'table' as Format }),
      (a) => {
        const [r] = runAll([a.arch], a.workload, a.set);
        print(r!, a.format);
        const files = writeRun(r!, a.out);
        if (a.format === 'table') console.log(`wrote ${files.join(', ')}`);
      },
    )
    .command(
      'compare',
      'Speedup and energy ratio of designs against the first, per layer and in total',
      (y) =>
        common(y)
          .option('arch', { type: 'string', array: true, demandOption: true, describe: 'Two or more designs; the first is the baseline' })
          .option('workload', { type: 'string', demandOption: true })
          .option('format', { choices: ['table', 'csv'] as const, default: 'table' as 'table' | 'csv' }),
      (a) => {
        if (a.arch.length < 2) throw new InputError([{ file: '--arch', path: '', message: 'compare needs at least two designs' }]);
        const runs = runAll(a.arch, a.workload, a.set);
        const rows = compareRuns(runs);
        const file = join(a.out, `compare__${slug(runs[0]!.workload.name)}.csv`);
        runs.forEach((r) => writeRun(r, a.out));
        writeFileAtomic(file, toCsv(rows));
        if (a.format === 'csv') process.stdout.write(toCsv(rows));
        else {
          const t = new Table({ head: ['layer', ...runs.slice(1).map((r) => `${r.arch.name} speedup`), ...runs.slice(1).map((r) => `${r.arch.name} energy ratio`)], ...compactStyle });
          for (const row of rows) {
            t.push([String(row.layer), ...runs.slice(1).map((_, i) => (row[`${compareName(runs, i + 1)}_speedup`] as number).toFixed(3)), ...runs.slice(1).map((_, i) => (row[`${compareName(runs, i + 1)}_energy_ratio`] as number).toFixed(3))]);
          }
          console.log(`baseline: ${runs[0]!.arch.name}\n${t.toString()}\nwrote ${file}`);
        }
      },
    )
    .command(
      'validate <files..>',
      'Check arch descriptions, workload traces and SCALE-Sim topologies; report every problem',
      (y) => y.positional('files', { type: 'string', array: true, demandOption: true }),
      (a) => {
        let failed = 0;
        for (const f of a.files as string[]) {
          const problems = validateFile(f);
          if (problems.length === 0) console.log(`${f}: ok`);
          else {
            failed++;
            for (const p of problems) console.error(formatProblem(p));
          }
        }
        if (failed > 0) process.exitCode = 1;
      },
    )
    .command(
      'list',
      'Kinds, presets and built-in workloads',
      (y) => y,
      () => {
        console.log(`kinds:\n${kindTable()}\n\npresets (arch/):\n  ${builtinPresets().join('\n  ')}\n\nbuilt-in workloads (workloads/):\n  ${builtinWorkloads().join('\n  ')}`);
      },
    )
    .command(
      'describe <kind>',
      'Every parameter of a kind: type, unit, default, description, source',
      (y) => y.positional('kind', { type: 'string', demandOption: true }),
      (a) => {
        const kind = findKind(a.kind);
        if (!kind) throw InputError.one('describe', '', `unknown kind "${a.kind}" (known: ${allKinds().map((k) => k.kind).join(', ')})`);
        const t = new Table({ head: ['parameter', 'type', 'unit', 'default', 'description', 'source'], colWidths: [26, 18, 14, 12, 44, 40], wordWrap: true, ...compactStyle });
        for (const r of describeSchema(kind.schema)) t.push([r.path, r.type, r.unit, r.default, r.description, r.source]);
        console.log(`${kind.kind}: ${kind.summary}\n${t.toString()}`);
      },
    )
    .command([sweepCommand, workerCommand, mergeCommand, regressCommand] as CommandModule[])
    .command(workloadCommand)
    .command(importCommand as CommandModule)
    .command(crossoverCommand as unknown as CommandModule)
    .demandCommand(0)
    .help()
    .fail((msg, err, y) => {
      if (err) throw err;
      console.error(`${y.help()}\n\n${msg}`);
      process.exit(2);
    })
    .parseAsync();
}

/** The column prefix `compareRuns` uses for run `i`. */
function compareName(runs: readonly RunResult[], i: number): string {
  return runLabels(runs)[i]!;
}

main(hideBin(process.argv)).catch((e: unknown) => {
  if (e instanceof InputError) {
    console.error(e.message);
    process.exit(1);
  }
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
