/**
 * The worker-thread side of a local sweep (loaded by piscina from dist/, see
 * pool.ts). `workerData` carries the sweep's workloads; each call simulates one
 * (design point, workload) task.
 */
import { workerData } from 'node:worker_threads';
import type { SimOutcome, SimTask, WorkloadPayload } from './protocol.js';
import { runTask, WorkloadCache } from './simulate-task.js';

const cache = new WorkloadCache((workerData as { workloads?: WorkloadPayload[] } | undefined)?.workloads ?? []);

/** Piscina's entry point: one task in, its outcome out. */
export default function run(task: SimTask): SimOutcome {
  return runTask(task, cache);
}
