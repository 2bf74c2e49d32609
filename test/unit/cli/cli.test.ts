/**
 * End-to-end tests of the built CLI (dist/, built by `npm test` before vitest runs):
 * exit codes, error lines naming file and path, and results written whole or not at all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvParse } from 'd3-dsv';
import { describe, expect, it } from 'vitest';

const cli = join('dist', 'src', 'cli', 'main.js');

function cyclops(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'cyclops-cli-'));

describe('cyclops CLI', () => {
  it('run writes a per-layer CSV ending in a total row, and JSON with provenance', () => {
    const out = tmp();
    const r = cyclops('run', '--arch', 'scalesim-32x32-os', '--workload', 'lenet5', '--out', out, '--set', 'array.rows=16');
    expect(r.code).toBe(0);
    const rows = csvParse(readFileSync(join(out, 'scalesim-32x32-os__lenet5.csv'), 'utf8'));
    expect(rows.at(-1)?.layer).toBe('total');
    for (const col of ['layer', 'cycles', 'stall_cycles', 'energy_pj', 'gflops_per_w', 'dram_read_bytes']) expect(rows.columns).toContain(col);
    const json = JSON.parse(readFileSync(join(out, 'scalesim-32x32-os__lenet5.json'), 'utf8'));
    expect(json.arch.params.array.rows).toBe(16);
    expect(json.arch.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(json.tool).toMatch(/^cyclops@/);
    expect(json.workload.source).toContain('LeCun');
  });

  it('run --format csv prints the CSV to stdout', () => {
    const r = cyclops('run', '--arch', 'eyeriss-12x14', '--workload', 'lenet-300-100', '--out', tmp(), '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^layer,op,macs,/);
  });

  it('an unknown key stops the run with file and path, exit 1, and writes nothing', () => {
    const dir = tmp();
    const arch = join(dir, 'bad.yaml');
    writeFileSync(arch, 'extends: systolic/scalesim-32x32-os\nname: bad\narray: { rowz: 64 }\n');
    const out = join(dir, 'out');
    const r = cyclops('run', '--arch', arch, '--workload', 'lenet5', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${arch}: array.rowz: unknown key`);
    expect(existsSync(out)).toBe(false);
  });

  it('a malformed SCALE-Sim row is reported with its line', () => {
    const dir = tmp();
    const topo = join(dir, 'topo.csv');
    writeFileSync(topo, 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1, 7, 7, 3, 3, 8, 8, 1,\n\nc2, 7, x, 3, 3, 8, 8, 1,\n');
    const r = cyclops('run', '--arch', 'scalesim-32x32-os', '--workload', topo, '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${topo}: line 4: malformed row`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('compare writes speedup and energy ratio per layer and in total', () => {
    const out = tmp();
    const r = cyclops('compare', '--arch', 'scalesim-32x32-os', '--arch', 'eyeriss-12x14', '--workload', 'lenet5', '--out', out);
    expect(r.code).toBe(0);
    const rows = csvParse(readFileSync(join(out, 'compare__lenet5.csv'), 'utf8'));
    const total = rows.at(-1)!;
    expect(total.layer).toBe('total');
    expect(Number(total['scalesim-32x32-os_speedup'])).toBe(1);
    expect(Number(total['eyeriss-12x14_speedup'])).toBeGreaterThan(0);
    expect(Number(total['eyeriss-12x14_energy_ratio'])).toBeGreaterThan(0);
  });

  it('validate reports every problem and exits 1; good files pass', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'kind: systolic\nname: x\narray: { rows: 0, depth: 3 }\n');
    const r = cyclops('validate', 'arch/systolic/eyeriss-12x14.yaml', 'workloads/resnet18.yaml', bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain('eyeriss-12x14.yaml: ok');
    expect(r.out).toContain('resnet18.yaml: ok');
    const lines = r.err.trim().split('\n');
    expect(lines).toContain(`${bad}: array.depth: unknown key`);
    expect(lines.some((l) => l.startsWith(`${bad}: array.rows:`))).toBe(true);
  });

  it('list and describe document kinds, presets, workloads and parameters', () => {
    const l = cyclops('list');
    expect(l.code).toBe(0);
    expect(l.out).toContain('systolic/tpu-v1-256x256-ws');
    expect(l.out).toContain('resnet18-cifar10');
    const d = cyclops('describe', 'systolic');
    expect(d.code).toBe(0);
    expect(d.out).toContain('dram.wordsPerCycle');
    expect(d.out).toContain('words/cycle');
    expect(cyclops('describe', 'tpu').code).toBe(1);
  });

  it('an unknown command is a usage error (exit 2)', () => {
    expect(cyclops('frobnicate').code).toBe(2);
  });

  it('the default job writes results for every built-in design', () => {
    const out = tmp();
    const r = cyclops('--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.csv'))).toHaveLength(4);
  });
});
