/**
 * Running a sweep: plan the points, hand each (point, workload) job to an
 * executor — local worker threads, or a Redis queue served by other machines —
 * and write every result through the sink, then the Pareto fronts and the report.
 */
import { join } from 'node:path';
import { SweepPlan, type PlannedPoint } from './plan.js';
import { SimPool } from './pool.js';
import type { SimOutcome, SimTask, WorkloadPayload } from './protocol.js';
import { ResultSink, type Manifest } from './sink.js';
import type { SweepSpec } from './spec.js';
import { analyzeRun, type RunAnalysis } from './analyze.js';

/** Something that simulates tasks: a thread pool or a job queue. */
export interface Executor {
  /** Tasks kept in flight at once. */
  readonly window: number;
  /** Called once the sweep's workloads are read, before the first task. */
  prepare?(workloads: readonly WorkloadPayload[]): Promise<void>;
  run(task: SimTask): Promise<SimOutcome>;
  /** Stops; may be called more than once. */
  close(): Promise<void>;
}

/** How far a sweep has come, in jobs (point × workload). */
export interface SweepProgress {
  /** Jobs finished (now or in a resumed run) plus jobs of dropped points. */
  done: number;
  total: number;
  failed: number;
  /** Points dropped by constraints. */
  dropped: number;
  /** Jobs taken from the journal of an earlier run. */
  recovered: number;
}

/** A share of the points for batch schedulers: points p with p mod count = index. */
export interface Shard {
  index: number;
  count: number;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Results root; the run goes to `<outDir>/<spec name>` (a shard to `…/shard-<i>-of-<n>`). Default `results`. */
  outDir?: string;
  /** Worker threads (default: every core). Ignored when `executor` is given. */
  threads?: number;
  /** Continue an interrupted run from its journal. */
  resume?: boolean;
  /** Start over even if an unfinished run is in the directory. */
  force?: boolean;
  shard?: Shard;
  /** Stop dispatching; finished jobs stay in the journal. */
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Run jobs elsewhere (the Redis queue); default a local pool of worker threads. */
  executor?: Executor;
  /** Worker module for the local pool (tests). */
  workerFile?: string;
  /** Label of the spec in error messages (its file). */
  specFile?: string;
}

/** What a finished sweep produced. */
export interface SweepOutcome {
  dir: string;
  manifest: Manifest;
  /** CSV, Pareto CSVs and report, when not a shard. */
  analysis?: RunAnalysis;
  seconds: number;
}

/** Thrown when a sweep stops on its signal; the journal holds every finished job. */
export class SweepInterrupted extends Error {
  constructor(
    readonly dir: string,
    readonly done: number,
  ) {
    super(`sweep interrupted after ${done} job(s); continue with --resume (results in ${dir})`);
    this.name = 'SweepInterrupted';
  }
}

/** Directory of a run (or of one shard of it). */
export function runDir(outDir: string, name: string, shard?: Shard): string {
  const base = join(outDir, name);
  return shard ? join(base, `shard-${shard.index}-of-${shard.count}`) : base;
}

/** Runs a sweep to completion (or to its signal), writing results under `outDir`. */
export async function runSweep(spec: SweepSpec, opts: RunSweepOptions = {}): Promise<SweepOutcome> {
  const t0 = performance.now();
  const plan = await SweepPlan.create(spec, opts.specFile ?? '<sweep>');
  const name = spec.name ?? 'sweep';
  const dir = runDir(opts.outDir ?? 'results', name, opts.shard);
  const sink = ResultSink.open(
    dir,
    { name, spec, leadColumns: plan.leadColumns, workloads: spec.workloads, ...(opts.shard ? { shard: opts.shard } : {}) },
    { resume: opts.resume ?? false, force: opts.force ?? false },
  );
  const executor: Executor = opts.executor ?? new SimPool(plan.workloads, { ...(opts.threads ? { threads: opts.threads } : {}), ...(opts.workerFile ? { workerFile: opts.workerFile } : {}) });
  await executor.prepare?.(plan.workloads);
  const nW = plan.workloads.length;
  const shard = opts.shard;
  const mine = (p: number) => !shard || p % shard.count === shard.index;
  const shardPoints = shard ? Math.ceil(Math.max(0, plan.candidates - shard.index) / shard.count) : plan.candidates;
  const progress: SweepProgress = { done: 0, total: shardPoints * nW, failed: 0, dropped: 0, recovered: sink.recovered };
  const report = () => opts.onProgress?.({ ...progress, dropped: plan.dropped });
  const finished = (failed: boolean) => {
    progress.done++;
    if (failed) progress.failed++;
    report();
  };
  const signal = opts.signal;
  const inflight = new Set<Promise<void>>();
  let droppedSeen = 0;

  const dispatch = async (p: PlannedPoint) => {
    for (let w = 0; w < nW; w++) {
      const seq = plan.seq(p.point, w);
      sink.expect(seq);
      const prev = sink.previousEntry(seq);
      if (prev) {
        sink.restore(prev);
        finished(prev.rows[0]?.status === 'error');
        continue;
      }
      if (!p.arch) {
        sink.complete(plan.entry(p, w, { error: p.error ?? 'design could not be built' }));
        finished(true);
        continue;
      }
      while (inflight.size >= executor.window) await Promise.race(inflight);
      const job: Promise<void> = executor
        .run({ seq, arch: p.arch, workload: w, perLayer: spec.perLayer })
        .then((out) => {
          // Tasks abandoned by an interrupt come back as errors: leave them for --resume.
          if (signal?.aborted && 'error' in out) return;
          sink.complete(plan.entry(p, w, out));
          finished('error' in out);
        })
        .finally(() => inflight.delete(job));
      // Rejections (a queue that lost Redis) surface through Promise.race/all below; this keeps them from being "unhandled" meanwhile.
      job.catch(() => undefined);
      inflight.add(job);
    }
  };

  const own = !opts.executor;
  try {
    for (const p of plan.points(mine)) {
      if (signal?.aborted) break;
      // Dropped grid points count as done, so the progress bar reaches its total (rejected random draws are not among the total).
      if (plan.gridMode && plan.dropped > droppedSeen) {
        progress.done += (plan.dropped - droppedSeen) * nW;
        droppedSeen = plan.dropped;
      }
      await dispatch(p);
    }
    // Wait for the jobs in flight, or for the signal (a queue's jobs may all be in flight at once).
    const aborted = new Promise<void>((r) => (signal?.aborted ? r() : signal?.addEventListener('abort', () => r(), { once: true })));
    if (!signal?.aborted) await Promise.race([Promise.all(inflight), aborted]);
  } catch (e) {
    await executor.close();
    sink.interrupt(plan.dropped);
    throw e;
  }
  if (signal?.aborted) {
    // Stop the executor (threads are terminated, a queue stops gathering); what comes after is left for --resume.
    await executor.close();
    sink.interrupt(plan.dropped);
    throw new SweepInterrupted(dir, sink.jobs);
  }
  if (own) await executor.close();
  progress.done = progress.total;
  report();
  const manifest = sink.finish({ dropped: plan.dropped, exhausted: plan.exhausted });
  const analysis = opts.shard ? undefined : await analyzeRun(dir);
  return { dir, manifest, ...(analysis ? { analysis } : {}), seconds: (performance.now() - t0) / 1e3 };
}
