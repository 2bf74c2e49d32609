/**
 * The local worker pool of a sweep: piscina worker threads, each running
 * worker.ts. A thread that dies (a crash, an out-of-memory abort) fails only the
 * task it held; piscina replaces it and the sweep goes on.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { packageRoot } from '../core/paths.js';
import type { SimOutcome, SimTask, WorkloadPayload } from './protocol.js';

/**
 * The compiled worker module. Worker threads run plain JavaScript, so when this
 * file itself runs as TypeScript (vitest, tslab) the worker comes from dist/,
 * which `npm run build` (and `npm test`) produces.
 */
export function defaultWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(packageRoot, 'dist', 'src', 'sweep', 'worker.js') : join(dirname(here), 'worker.js');
}

/** Options of a local pool. */
export interface PoolOptions {
  /** Worker threads; default: every core (os.availableParallelism()). */
  threads?: number;
  /** The worker module; default {@link defaultWorkerFile} (tests substitute one that misbehaves). */
  workerFile?: string;
}

/** A pool of worker threads simulating sweep tasks. */
export class SimPool {
  readonly threads: number;
  /** Tasks kept in flight: two per thread, so no thread waits for the next while memory stays bounded. */
  readonly window: number;
  private readonly piscina: Piscina<SimTask, SimOutcome>;
  private closed = false;

  constructor(workloads: readonly WorkloadPayload[], opts: PoolOptions = {}) {
    this.threads = Math.max(1, opts.threads ?? availableParallelism());
    this.window = 2 * this.threads;
    this.piscina = new Piscina({
      filename: opts.workerFile ?? defaultWorkerFile(),
      minThreads: this.threads,
      maxThreads: this.threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      workerData: { workloads },
    });
  }

  /** Simulates one task. A dead thread yields an error outcome rather than a rejection. */
  async run(task: SimTask): Promise<SimOutcome> {
    try {
      return await this.piscina.run(task);
    } catch (e) {
      return { seq: task.seq, error: `worker thread failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** Stops every thread; tasks still running are abandoned. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
