/**
 * `cyclops sweep [SPEC.yaml]`: a design-space sweep on worker threads, a Redis
 * queue (`--queue`) or one shard of it (`--shard i/n`). The spec is a YAML file
 * or flags (flags add to a file's spec).
 */
import Table from 'cli-table3';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../core/errors.js';
import { compactStyle } from '../../report/table.js';
import type { Shard, SweepOutcome } from '../../sweep/runner.js';
import { checkSweepSpec, parseAxisFlag, readSweepSpec, type SweepSpec } from '../../sweep/spec.js';

interface SweepArgs {
  spec?: string;
  arch?: string[];
  axis?: string[];
  workload?: string[];
  set?: string[];
  sample?: number;
  seed?: number;
  constraint?: string[];
  derive?: string[];
  pareto?: string[];
  perLayer?: boolean;
  name?: string;
  workers?: number;
  out: string;
  resume: boolean;
  force: boolean;
  shard?: string;
  queue?: string;
  queueName: string;
}

/** Parses `--shard i/n` (0 ≤ i < n). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw InputError.one('--shard', s, 'expected i/n with 0 ≤ i < n, e.g. 0/4');
  return { index, count };
}

/** The spec from the file (if any) with the flags applied. */
export function specFromArgs(a: SweepArgs): { spec: SweepSpec; label: string } {
  const base: Record<string, unknown> = a.spec ? { ...readSweepSpec(a.spec) } : {};
  const flags: Record<string, unknown> = {};
  if (a.arch?.length) flags.arch = a.arch.length === 1 ? a.arch[0] : a.arch;
  if (a.workload?.length) flags.workloads = a.workload;
  if (a.name) flags.name = a.name;
  if (a.set?.length) flags.set = [...((base.set as string[] | undefined) ?? []), ...a.set];
  if (a.axis?.length) flags.axes = { ...((base.axes as object | undefined) ?? {}), ...Object.fromEntries(a.axis.map(parseAxisFlag)) };
  if (a.sample !== undefined) flags.sample = { count: a.sample, seed: a.seed ?? 1 };
  if (a.constraint?.length) flags.constraints = [...((base.constraints as string[] | undefined) ?? []), ...a.constraint];
  if (a.derive?.length) {
    const pairs = a.derive.map((d) => {
      const eq = d.indexOf('=');
      if (eq <= 0) throw InputError.one('--derive', d, 'expected name=expression');
      return [d.slice(0, eq).trim(), d.slice(eq + 1).trim()];
    });
    flags.derive = { ...((base.derive as object | undefined) ?? {}), ...Object.fromEntries(pairs) };
  }
  if (a.pareto?.length) {
    flags.pareto = a.pareto.map((p) => {
      const [x, y, more] = p.split(',');
      if (!x || !y || more !== undefined) throw InputError.one('--pareto', p, 'expected two columns: x,y (each optionally :min or :max)');
      return { x: x.trim(), y: y.trim() };
    });
  }
  if (a.perLayer !== undefined) flags.perLayer = a.perLayer;
  const label = a.spec ?? 'command line';
  const spec = checkSweepSpec({ ...base, ...flags }, label);
  return { spec: spec.name ? spec : { ...spec, name: 'sweep' }, label };
}

function summary(o: SweepOutcome): string {
  const m = o.manifest;
  const lines = [
    `sweep ${m.name}: ${m.jobs} jobs (${m.failed} failed), ${m.dropped} points dropped by constraints, ${o.seconds.toFixed(1)} s${m.exhausted ? ' (sampling stopped early: too few distinct points satisfied the constraints)' : ''}`,
  ];
  for (const f of o.analysis?.fronts ?? []) {
    if (f.note) {
      lines.push(`pareto ${f.x.metric} vs ${f.y.metric}: ${f.note}`);
      continue;
    }
    const axes = m.leadColumns.filter((c) => !['point', 'workload', 'arch_hash', 'status', f.x.metric, f.y.metric].includes(c));
    const t = new Table({ head: ['workload', 'point', ...axes, f.x.metric, f.y.metric], ...compactStyle });
    for (const r of f.rows.slice(0, 12)) t.push([r.workload ?? '', r.point ?? '', ...axes.map((c) => r[c] ?? ''), Number(r[f.x.metric]).toPrecision(4), Number(r[f.y.metric]).toPrecision(4)]);
    lines.push(`pareto front, ${f.x.metric} (${f.x.goal}) vs ${f.y.metric} (${f.y.goal}): ${f.rows.length} designs${f.rows.length > 12 ? ', first 12' : ''}\n${t.toString()}`);
  }
  lines.push(`wrote ${o.dir}/sweep.csv${o.analysis ? `, ${o.analysis.fronts.map((f) => f.file).join(', ')}, ${o.analysis.report}` : ''}`);
  return lines.join('\n');
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep [spec]',
  describe: 'Design-space sweep: axes over any parameter, workloads, sampling, constraints; CSV, Pareto fronts, report.html',
  builder: (y: Argv) =>
    y
      .positional('spec', { type: 'string', describe: 'Sweep spec YAML (flags below add to it or replace it)' })
      .option('arch', { type: 'string', array: true, describe: 'Base design(s): file or preset; several make an axis' })
      .option('axis', { type: 'string', array: true, describe: 'path=v1,v2,… or path=FROM..TO:STEPS[:log][:int] (repeatable)' })
      .option('workload', { type: 'string', array: true, describe: 'Workload(s): trace, SCALE-Sim CSV or built-in name' })
      .option('set', { type: 'string', array: true, describe: 'Override for every point: path=value (repeatable)' })
      .option('sample', { type: 'number', describe: 'Draw this many random points instead of the full grid' })
      .option('seed', { type: 'number', describe: 'Seed of --sample (default 1)' })
      .option('constraint', { type: 'string', array: true, describe: 'Expression a point must satisfy, e.g. "array.rows * array.cols <= 4096"' })
      .option('derive', { type: 'string', array: true, describe: 'name=expression: a derived column usable in constraints and --pareto' })
      .option('pareto', { type: 'string', array: true, describe: 'x,y columns of a Pareto front (each optionally :min/:max); default seconds,energy_pj' })
      .option('per-layer', { type: 'boolean', describe: 'One row per layer (and total) instead of one per point and workload' })
      .option('name', { type: 'string', describe: 'Run name: results go to OUT/NAME/' })
      .option('workers', { type: 'number', describe: 'Worker threads (default: all cores)' })
      .option('out', { type: 'string', default: 'results', describe: 'Results root directory' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue an interrupted run: no finished job is redone or duplicated' })
      .option('force', { type: 'boolean', default: false, describe: 'Start over even if an unfinished run is there' })
      .option('shard', { type: 'string', describe: 'Run only points p with p mod n = i (i/n), for batch schedulers; join with cyclops merge' })
      .option('queue', { type: 'string', describe: 'Redis URL: enqueue jobs for `cyclops worker` processes and gather their results' })
      .option('queue-name', { type: 'string', default: 'cyclops', describe: 'BullMQ queue name (workers must use the same)' }) as unknown as Argv<SweepArgs>,
  handler: async (a) => {
    // Loaded here, not at start-up: worker pools, BullMQ and Vega take about a second to import.
    const [{ runSweep, SweepInterrupted }, { progressDisplay }] = await Promise.all([import('../../sweep/runner.js'), import('../../sweep/progress.js')]);
    const { spec, label } = specFromArgs(a);
    const shard = a.shard ? parseShard(a.shard) : undefined;
    if (shard && a.queue) throw InputError.one('--shard', a.shard!, 'use --shard or --queue, not both');
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write('\nstopping: finished jobs are kept; continue with --resume (Ctrl-C again to quit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const display = progressDisplay(`sweep ${spec.name}`);
    const executor = a.queue ? await (await import('../../sweep/queue.js')).QueueExecutor.connect(a.queue, a.queueName, spec) : undefined;
    try {
      const outcome = await runSweep(spec, {
        outDir: a.out,
        ...(a.workers ? { threads: a.workers } : {}),
        resume: a.resume,
        force: a.force,
        ...(shard ? { shard } : {}),
        ...(executor ? { executor } : {}),
        signal: controller.signal,
        onProgress: (p) => display.update(p),
        specFile: label,
      });
      display.stop();
      console.log(summary(outcome));
    } catch (e) {
      display.stop();
      if (e instanceof SweepInterrupted) {
        console.error(e.message);
        process.exitCode = 130;
        return;
      }
      throw e;
    } finally {
      await executor?.close();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
};
