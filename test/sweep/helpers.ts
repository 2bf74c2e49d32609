/** Shared helpers of the sweep tests: temporary directories, small specs, the built CLI. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSweepSpec, type SweepSpec } from '../../src/sweep/spec.js';

export const cli = join('dist', 'src', 'cli', 'main.js');

export const tmp = (prefix = 'cyclops-sweep-') => mkdtempSync(join(tmpdir(), prefix));

/** A small grid on LeNet-5 and LeNet-300-100: 3 × 2 × 2 = 12 points, 24 jobs, ~1 s on one thread. */
export function smallSpec(over: Record<string, unknown> = {}): SweepSpec {
  return checkSweepSpec({
    name: 'small',
    arch: 'systolic/scalesim-32x32-os',
    set: ['dram.mode=fixed'],
    axes: { 'array.rows': [8, 16, 32], 'array.cols': { from: 8, to: 16, steps: 2 }, dataflow: ['os', 'ws'] },
    workloads: ['lenet5', 'lenet-300-100'],
    ...over,
  });
}

export const read = (f: string) => readFileSync(f, 'utf8');

/** Runs the built CLI to completion. */
export function cyclops(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [join(process.cwd(), cli), ...args], { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts the built CLI in the background. */
export function cyclopsBg(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(process.cwd(), cli), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits until `cond` holds (polling), or fails after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the exit code of a child. */
export const exited = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.on('exit', (c) => r(c))));
