/** `cyclops worker --queue redis://HOST`: take sweep jobs from a BullMQ queue and simulate them on worker threads. */
import type { Argv, CommandModule } from 'yargs';

interface WorkerArgs {
  queue: string;
  queueName: string;
  threads?: number;
  lockMs: number;
  idleExit?: number;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'Serve sweep jobs from a Redis queue (run any number, on any machines)',
  builder: (y: Argv) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'Redis URL, e.g. redis://10.0.0.5:6379' })
      .option('queue-name', { type: 'string', default: 'cyclops', describe: 'BullMQ queue name (as given to cyclops sweep)' })
      .option('threads', { type: 'number', describe: 'Worker threads and jobs at once (default: all cores)' })
      .option('lock-ms', { type: 'number', default: 30_000, describe: 'Job lock: a worker silent this long is presumed dead and its job requeued' })
      .option('idle-exit', { type: 'number', describe: 'Exit after this many seconds without a job (batch pods)' }) as unknown as Argv<WorkerArgs>,
  handler: async (a) => {
    const { runQueueWorker } = await import('../../sweep/queue.js'); // BullMQ only when serving
    const controller = new AbortController();
    const stop = () => {
      if (controller.signal.aborted) process.exit(130);
      console.error('worker: finishing the jobs in hand, then stopping');
      controller.abort();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    console.error(`worker: serving queue ${a.queueName} at ${a.queue}`);
    let lastLog = 0;
    const done = await runQueueWorker({
      url: a.queue,
      queueName: a.queueName,
      ...(a.threads ? { threads: a.threads } : {}),
      lockMs: a.lockMs,
      ...(a.idleExit !== undefined ? { idleExitS: a.idleExit } : {}),
      signal: controller.signal,
      onJob: (n) => {
        if (Date.now() - lastLog > 10_000) {
          console.error(`worker: ${n} jobs done`);
          lastLog = Date.now();
        }
      },
    });
    console.error(`worker: stopped after ${done} jobs`);
    // Done: BullMQ's reconnect timers would keep a worker whose Redis went away alive.
    process.exit(0);
  },
};
