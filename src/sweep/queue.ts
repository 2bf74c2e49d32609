/**
 * Sweeps across machines on a Redis-backed job queue (BullMQ).
 *
 * `cyclops sweep --queue redis://HOST` plans the sweep as usual but, instead of
 * simulating, enqueues one BullMQ job per (point, workload) — its job id is
 * `<sweep>:<seq>`, so enqueuing again on --resume adds nothing twice — and
 * gathers the outcomes into the same journal and CSV. `cyclops worker --queue
 * redis://HOST` (any number, on any machines) takes jobs and simulates them on
 * its own worker threads. BullMQ does the hard part: a worker that dies loses
 * its job lock, and the job goes back to the queue for another worker.
 *
 * Besides the queue, two Redis keys per sweep: `<queue>:sweep:<id>:workloads`
 * (the workloads, so workers need no files) and `…:results`, a list workers push
 * outcomes to. The coordinator trims an outcome off that list only after it is
 * journaled; a duplicate (a job run twice after a stall) is ignored.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../core/errors.js';
import { SimPool } from './pool.js';
import type { SimOutcome, SimTask, WorkloadPayload } from './protocol.js';
import type { Executor } from './runner.js';
import { specHash } from './sink.js';
import type { SweepSpec } from './spec.js';

/** Data of one queued job. */
interface JobData {
  sweep: string;
  task: SimTask;
}

/** How long per-sweep keys live in Redis after the last write (s). */
const KEY_TTL_S = 7 * 24 * 3600;

/** BullMQ job id of a task: ids may not contain ':'. */
const jobId = (sweep: string, seq: number) => `${sweep}@${seq}`;

const keys = (queueName: string, sweep: string) => ({
  workloads: `${queueName}:sweep:${sweep}:workloads`,
  results: `${queueName}:sweep:${sweep}:results`,
});

/** Waits for `p` at most `ms` (closing a BullMQ client never returns once Redis is gone); true if it settled. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  return (await Promise.race([p.then(() => 'done', () => 'done'), timeout])) === 'done';
}

/** Reports Redis connection errors once per kind of error, not on every retry. */
function quietErrors(what: string): (e: Error) => void {
  let last = '';
  return (e) => {
    const msg = (e as NodeJS.ErrnoException).code ?? e.message;
    if (msg !== last) console.error(`${what}: Redis: ${e.message} (retrying)`);
    last = msg;
  };
}

/** Checks a Redis URL early, with a readable error. */
function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw InputError.one('--queue', url, 'expected a Redis URL such as redis://127.0.0.1:6379');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw InputError.one('--queue', url, 'expected a redis:// or rediss:// URL');
}

/** Opens an ioredis client; fails within `timeoutMs` if Redis is not there. */
async function connectRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  checkUrl(url);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs });
  redis.on('error', () => undefined); // connect() reports the first failure; later ones are retried
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw InputError.one('--queue', url, `cannot reach Redis: ${(e as Error).message}`);
  }
  return redis;
}

/** The coordinator side: an Executor whose tasks are run by `cyclops worker` processes. */
export class QueueExecutor implements Executor {
  /** Deep: remote workers should never run dry while the coordinator plans. */
  readonly window = 100_000;
  private readonly waiting = new Map<number, { resolve: (o: SimOutcome) => void; reject: (e: unknown) => void }>();
  /** Outcomes that came before their task was asked for (left from an earlier coordinator). */
  private readonly early = new Map<number, SimOutcome>();
  private toAdd: SimTask[] = [];
  private flushing: Promise<void> | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;
  private failure: unknown;
  private readonly keys: ReturnType<typeof keys>;

  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue<JobData>,
    private readonly events: QueueEvents,
    readonly sweep: string,
  ) {
    this.keys = keys(queue.name, sweep);
    // Jobs BullMQ gave up on (a worker crashed on them again and again) become error rows.
    this.events.on('failed', ({ jobId: id, failedReason }) => {
      const at = id.lastIndexOf('@');
      if (id.slice(0, at) !== this.sweep) return;
      void this.finalFailure(id)
        .then((final) => final && this.deliver({ seq: Number(id.slice(at + 1)), error: `queue job failed: ${failedReason}` }))
        .catch(() => undefined);
    });
  }

  /** Connects to Redis at `url` and the queue `queueName`; the sweep's id is its name and spec hash. */
  static async connect(url: string, queueName: string, spec: SweepSpec): Promise<QueueExecutor> {
    const redis = await connectRedis(url);
    const connection = { url, maxRetriesPerRequest: null };
    const queue = new Queue<JobData>(queueName, {
      connection,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 3, backoff: { type: 'fixed', delay: 1000 } },
    });
    const events = new QueueEvents(queueName, { connection });
    queue.on('error', quietErrors('sweep'));
    events.on('error', quietErrors('sweep'));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueExecutor(redis, queue, events, `${spec.name ?? 'sweep'}-${specHash(spec)}`);
  }

  private async finalFailure(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    return !job || (await job.getState()) === 'failed';
  }

  /** Publishes the workloads for workers and starts gathering outcomes. */
  async prepare(workloads: readonly WorkloadPayload[]): Promise<void> {
    await this.redis.set(this.keys.workloads, JSON.stringify(workloads), 'EX', KEY_TTL_S);
    this.polling = this.poll().catch((e: unknown) => {
      // Redis went away: stop the sweep (its journal keeps what came in; --resume continues).
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  run(task: SimTask): Promise<SimOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const done = this.early.get(task.seq);
    if (done) {
      this.early.delete(task.seq);
      return Promise.resolve(done);
    }
    return new Promise((resolve, reject) => {
      this.waiting.set(task.seq, { resolve, reject });
      this.toAdd.push(task);
      this.flushing ??= nextTurn().then(() => this.flush());
    });
  }

  /** Adds the tasks asked for since the last flush, in one round trip. If Redis refuses, their runs reject (the sweep stops; --resume continues). */
  private async flush(): Promise<void> {
    const tasks = this.toAdd;
    this.toAdd = [];
    this.flushing = undefined;
    try {
      await this.queue.addBulk(tasks.map((task) => ({ name: 'sim', data: { sweep: this.sweep, task }, opts: { jobId: jobId(this.sweep, task.seq) } })));
    } catch (e) {
      for (const t of tasks) {
        this.waiting.get(t.seq)?.reject(e);
        this.waiting.delete(t.seq);
      }
    }
  }

  private deliver(o: SimOutcome): void {
    const w = this.waiting.get(o.seq);
    if (w) {
      this.waiting.delete(o.seq);
      w.resolve(o);
    } else if (!this.early.has(o.seq)) this.early.set(o.seq, o);
  }

  /** Moves outcomes from the results list into the sweep; trims them only after they are journaled. */
  private async poll(): Promise<void> {
    while (!this.closed) {
      const items = await this.redis.lrange(this.keys.results, 0, 499);
      if (items.length === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      for (const s of items) this.deliver(JSON.parse(s) as SimOutcome);
      // The sweep journals each outcome in a promise callback: let those run before trimming.
      await nextTurn();
      await this.redis.ltrim(this.keys.results, items.length, -1);
      await this.redis.expire(this.keys.results, KEY_TTL_S);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing?.catch(() => undefined);
    await this.polling?.catch(() => undefined);
    if (this.waiting.size === 0 && !this.failure) await within(this.redis.del(this.keys.workloads, this.keys.results), 5000);
    await within(Promise.all([this.queue.close(), this.events.close()]), 5000);
    this.redis.disconnect();
  }
}

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  url: string;
  queueName?: string;
  /** Worker threads, and jobs taken at once (default: every core). */
  threads?: number;
  /** Job lock (ms): a worker silent this long is presumed dead and its job is given to another. Default 30 s. */
  lockMs?: number;
  /** Exit after this many seconds without a job (batch pods); default: serve until stopped. */
  idleExitS?: number;
  signal?: AbortSignal;
  /** Called after each job, with the number done. */
  onJob?: (done: number) => void;
  workerFile?: string;
}

/** Serves the queue until stopped (or idle for `idleExitS`); returns the number of jobs done. */
export async function runQueueWorker(opts: QueueWorkerOptions): Promise<number> {
  const queueName = opts.queueName ?? 'cyclops';
  const redis = await connectRedis(opts.url);
  const pool = new SimPool([], { ...(opts.threads ? { threads: opts.threads } : {}), ...(opts.workerFile ? { workerFile: opts.workerFile } : {}) });
  const workloads = new Map<string, WorkloadPayload[]>();
  let done = 0;
  let last = Date.now();
  const lockMs = opts.lockMs ?? 30_000;

  let active = 0;
  const handle = async (job: Job<JobData>): Promise<void> => {
    active++;
    try {
      await serve(job);
    } finally {
      active--;
      last = Date.now();
    }
  };
  const serve = async (job: Job<JobData>): Promise<void> => {
    const { sweep, task } = job.data;
    const k = keys(queueName, sweep);
    let list = workloads.get(sweep);
    if (!list) {
      const text = await redis.get(k.workloads);
      if (text === null) throw new Error(`the workloads of sweep ${sweep} are not in Redis (${k.workloads})`);
      list = JSON.parse(text) as WorkloadPayload[];
      if (workloads.size >= 16) workloads.delete(workloads.keys().next().value!);
      workloads.set(sweep, list);
    }
    const out = await pool.run({ ...task, workloadPayload: list[task.workload]!, workloadKey: `${sweep}#${task.workload}` });
    await redis.rpush(k.results, JSON.stringify(out));
    done++;
    opts.onJob?.(done);
  };

  const worker = new Worker<JobData>(queueName, handle, {
    connection: { url: opts.url, maxRetriesPerRequest: null },
    concurrency: pool.threads,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
  });
  worker.on('error', quietErrors('worker'));
  await worker.waitUntilReady();
  await new Promise<void>((resolve) => {
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
    if (opts.signal?.aborted) resolve();
    if (opts.idleExitS !== undefined) {
      const limit = opts.idleExitS * 1000;
      const timer = setInterval(() => {
        if (active === 0 && Date.now() - last >= limit) {
          clearInterval(timer);
          resolve();
        }
      }, Math.min(1000, limit));
      opts.signal?.addEventListener('abort', () => clearInterval(timer), { once: true });
    }
  });
  // A graceful close finishes the jobs in hand; if Redis is gone it never returns, so it gets one lock period.
  if (!(await within(worker.close(), lockMs))) await within(worker.close(true), 1000);
  await pool.close();
  redis.disconnect();
  return done;
}
