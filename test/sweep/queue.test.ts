/**
 * Sweeps across processes on BullMQ, against a real redis-server started here on
 * 127.0.0.1 (Debian's redis-server package; .ci/run installs it). A worker is
 * killed with SIGKILL mid-sweep: its job must come back to another worker, and
 * the CSV must be the same bytes as a local run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../src/sweep/sink.js';
import { cyclops, cyclopsBg, exited, read, tmp, until } from './helpers.js';

const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? (spawnSync('which', ['redis-server']).stdout?.toString().trim() || undefined);
if (!redisServer && !process.env.CYCLOPS_TEST_REDIS) console.warn('queue tests skipped: redis-server is not installed (apt-get install -y redis-server; CI installs it)');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!redisServer && !process.env.CYCLOPS_TEST_REDIS)('sweeps on a Redis queue (BullMQ)', () => {
  let server: ChildProcess;
  let url = '';

  beforeAll(async () => {
    // .ci/run starts one on loopback and names it; otherwise start our own.
    if (process.env.CYCLOPS_TEST_REDIS) url = process.env.CYCLOPS_TEST_REDIS;
    else {
      const port = await freePort();
      server = spawn(redisServer!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      url = `redis://127.0.0.1:${port}`;
    }
    // Wait until it answers (a fresh server takes a moment to listen).
    const t0 = Date.now();
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        await probe.quit();
        break;
      } catch (e) {
        probe.disconnect();
        if (Date.now() - t0 > 15_000) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  const args = (out: string, name: string) => [
    'sweep', '--arch', 'systolic/scalesim-32x32-os', '--set', 'dram.mode=fixed', '--workload', 'resnet18', '--workload', 'lenet5',
    '--axis', 'array.rows=8,16,32', '--axis', 'array.cols=8,16,32', '--axis', 'dataflow=os,ws,is', '--name', name, '--out', out,
  ];

  it('gathers the jobs of workers on other processes into the CSV of a local run, even when a worker is killed mid-sweep', async () => {
    const queueName = `test-${process.pid}`;
    const out = tmp();
    const coordinator = cyclopsBg([...args(out, 'queued'), '--queue', url, '--queue-name', queueName]);
    const worker = (n: number) => cyclopsBg(['worker', '--queue', url, '--queue-name', queueName, '--threads', String(n), '--lock-ms', '1000', '--idle-exit', '3']);
    const doomed = worker(1);
    const survivor = worker(1);
    let survivorLog = '';
    survivor.stderr!.on('data', (d) => (survivorLog += String(d)));
    const journal = join(out, 'queued', RUN_FILES.journal);
    await until(() => existsSync(journal) && read(journal).split('\n').length > 4, 60_000, 'first results');
    doomed.kill('SIGKILL');
    const code = await exited(coordinator);
    expect(code).toBe(0);
    await exited(survivor);
    expect(survivorLog).toMatch(/worker: stopped after \d+ jobs/);

    const local = tmp();
    expect(cyclops([...args(local, 'queued'), '--workers', '2']).code).toBe(0);
    expect(readFileSync(join(out, 'queued', RUN_FILES.csv), 'utf8')).toBe(readFileSync(join(local, 'queued', RUN_FILES.csv), 'utf8'));
    const manifest = JSON.parse(read(join(out, 'queued', RUN_FILES.manifest)));
    expect(manifest).toMatchObject({ status: 'complete', jobs: 54, failed: 0 });

    // Nothing of the sweep is left in Redis but BullMQ's own bookkeeping.
    const redis = new Redis(url);
    expect((await redis.keys(`${queueName}:sweep:*`)).length).toBe(0);
    await redis.quit();
  });

  it('resumes a coordinator killed with SIGKILL: results that arrived meanwhile are gathered, none twice', async () => {
    const queueName = `test-resume-${process.pid}`;
    const out = tmp();
    const a = [...args(out, 'resumed'), '--queue', url, '--queue-name', queueName];
    const worker = cyclopsBg(['worker', '--queue', url, '--queue-name', queueName, '--threads', '1', '--lock-ms', '1000', '--idle-exit', '4']);
    const coordinator = cyclopsBg(a);
    const journal = join(out, 'resumed', RUN_FILES.journal);
    await until(() => existsSync(journal) && read(journal).split('\n').length > 4, 60_000, 'first results');
    coordinator.kill('SIGKILL');
    await exited(coordinator);
    const r = cyclops([...a, '--resume']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\d+ recovered/);
    await exited(worker);
    const lines = read(journal).trim().split('\n');
    expect(lines).toHaveLength(54);
    const local = tmp();
    expect(cyclops([...args(local, 'resumed'), '--workers', '2']).code).toBe(0);
    expect(read(join(out, 'resumed', RUN_FILES.csv))).toBe(read(join(local, 'resumed', RUN_FILES.csv)));
  });

  it('fails with a readable error when Redis is not there', () => {
    const r = cyclops([...args(tmp(), 'nowhere'), '--queue', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--queue: redis:\/\/127\.0\.0\.1:1: cannot reach Redis/);
  });
});
