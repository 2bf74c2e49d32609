/**
 * Running sweeps: byte-identical CSVs whatever the worker count, resume after an
 * interrupt or kill -9 without losing or duplicating a job, failing points and
 * crashed worker threads recorded while the sweep goes on, shards merged, and
 * every registered kind swept without kind-specific code.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvParse } from 'd3-dsv';
import { describe, expect, it } from 'vitest';
import { builtinPresets, loadArch } from '../../src/config/arch.js';
import { allKinds } from '../../src/kinds/registry.js';
import { layerRow } from '../../src/report/rows.js';
import { simulate } from '../../src/sim/run.js';
import { mergeShards } from '../../src/sweep/merge.js';
import { runSweep } from '../../src/sweep/runner.js';
import { readJournal, RUN_FILES } from '../../src/sweep/sink.js';
import { loadWorkload } from '../../src/workload/load.js';
import { cyclops, cyclopsBg, exited, read, smallSpec, tmp, until } from './helpers.js';

const csvOf = (dir: string) => read(join(dir, RUN_FILES.csv));

describe('local sweeps', () => {
  it('write the same CSV bytes on 1 and 2 worker threads, one row per (point, workload), in point order', async () => {
    const spec = smallSpec();
    const a = await runSweep(spec, { outDir: tmp(), threads: 1 });
    const b = await runSweep(spec, { outDir: tmp(), threads: 2 });
    expect(csvOf(b.dir)).toBe(csvOf(a.dir));
    const rows = csvParse(csvOf(a.dir));
    expect(rows).toHaveLength(24);
    expect(rows.map((r) => `${r.point}/${r.workload}`).slice(0, 4)).toEqual(['0/lenet5', '0/lenet-300-100', '1/lenet5', '1/lenet-300-100']);
    expect(rows.columns.slice(0, 8)).toEqual(['point', 'array.rows', 'array.cols', 'dataflow', 'workload', 'arch_hash', 'status', 'macs']);
    expect(rows.columns.slice(-2)).toEqual(['error', 'extra']);
    expect(rows.columns).not.toContain('layer');
    expect(a.manifest).toMatchObject({ status: 'complete', jobs: 24, failed: 0, dropped: 0 });
  });

  it('give each row the numbers `cyclops run` gives for that design', async () => {
    const out = await runSweep(smallSpec({ axes: { 'array.rows': [16], dataflow: ['is'] }, workloads: ['lenet5'] }), { outDir: tmp(), threads: 1 });
    const [row] = csvParse(csvOf(out.dir));
    const direct = layerRow(simulate(loadArch('systolic/scalesim-32x32-os', ['dram.mode=fixed', 'array.rows=16', 'dataflow=is']), loadWorkload('lenet5')).total);
    for (const k of ['cycles', 'stall_cycles', 'energy_pj', 'dram_read_bytes', 'gflops_per_w']) expect(Number(row![k])).toBe(direct[k]);
  });

  it('write per-layer rows ending in total when asked', async () => {
    const out = await runSweep(smallSpec({ perLayer: true, axes: { 'array.rows': [8, 16] }, workloads: ['lenet5'] }), { outDir: tmp(), threads: 2 });
    const rows = csvParse(csvOf(out.dir));
    const layers = loadWorkload('lenet5').layers.length;
    expect(rows).toHaveLength(2 * (layers + 1));
    expect(rows[layers]!.layer).toBe('total');
    expect(rows.columns).toContain('layer');
  });

  it('record a failing point with its error and go on', async () => {
    const out = await runSweep(smallSpec({ axes: { 'array.rows': [8, -1, 16] }, workloads: ['lenet5'] }), { outDir: tmp(), threads: 2 });
    const rows = csvParse(csvOf(out.dir));
    expect(rows.map((r) => r.status)).toEqual(['ok', 'error', 'ok']);
    expect(rows[1]!.error).toMatch(/array.rows/);
    expect(out.manifest.failed).toBe(1);
  });

  it('record a crashed worker thread as a failed job and go on', async () => {
    const spec = smallSpec({ workloads: ['lenet5'] });
    const out = await runSweep(spec, { outDir: tmp(), threads: 2, workerFile: resolve('test/sweep/fixtures/crash-worker.mjs') });
    const rows = csvParse(csvOf(out.dir));
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.status === 'error').map((r) => r.point)).toEqual(['3']);
    expect(rows[3]!.error).toMatch(/worker thread failed/);
  });

  it('refuse to clobber an unfinished run, and resume it from a journal with a torn last line', async () => {
    const spec = smallSpec();
    const fresh = await runSweep(spec, { outDir: tmp(), threads: 2 });
    const outDir = tmp();
    const first = await runSweep(spec, { outDir, threads: 2 });
    // Make it look killed: keep some journal lines in completion order (not seq order), tear the next one.
    const journal = join(first.dir, RUN_FILES.journal);
    const lines = read(journal).split('\n').filter(Boolean).reverse();
    writeFileSync(journal, `${lines.slice(0, 9).join('\n')}\n${lines[9]!.slice(0, 25)}`);
    const manifest = JSON.parse(read(join(first.dir, RUN_FILES.manifest)));
    writeFileSync(join(first.dir, RUN_FILES.manifest), JSON.stringify({ ...manifest, status: 'running' }));
    await expect(runSweep(spec, { outDir, threads: 2 })).rejects.toThrow(/--resume/);
    await expect(runSweep({ ...spec, constraints: ['array.rows > 8'] }, { outDir, threads: 1, resume: true })).rejects.toThrow(/spec changed/);
    let recovered = 0;
    const resumed = await runSweep(spec, { outDir, threads: 1, resume: true, onProgress: (p) => (recovered = p.recovered) });
    expect(recovered).toBe(9);
    expect(csvOf(resumed.dir)).toBe(csvOf(fresh.dir));
    const { entries } = readJournal(journal);
    expect([...entries.keys()].sort((x, y) => x - y)).toEqual([...Array(24).keys()]);
    expect(read(journal).trim().split('\n')).toHaveLength(24); // nothing twice
  });

  it('stop on the signal with finished jobs journaled, then resume to the same bytes', async () => {
    const spec = smallSpec();
    const outDir = tmp();
    const ctl = new AbortController();
    await expect(
      runSweep(spec, { outDir, threads: 1, signal: ctl.signal, onProgress: (p) => p.done >= 5 && ctl.abort() }),
    ).rejects.toThrow(/interrupted/);
    const dir = join(outDir, 'small');
    expect(JSON.parse(read(join(dir, RUN_FILES.manifest))).status).toBe('interrupted');
    const done = readJournal(join(dir, RUN_FILES.journal)).entries.size;
    expect(done).toBeGreaterThanOrEqual(5);
    expect(done).toBeLessThan(24);
    const resumed = await runSweep(spec, { outDir, threads: 2, resume: true });
    expect(csvOf(resumed.dir)).toBe(csvOf((await runSweep(spec, { outDir: tmp(), threads: 2 })).dir));
  });

  it('split into shards that merge into the unsharded CSV', async () => {
    const spec = smallSpec({ constraints: ['array.rows * array.cols < 512'] });
    const whole = await runSweep(spec, { outDir: tmp(), threads: 2 });
    const outDir = tmp();
    for (const index of [2, 0, 1]) await runSweep(spec, { outDir, threads: 1, shard: { index, count: 3 } });
    expect(readdirSync(join(outDir, 'small')).filter((d) => d.startsWith('shard-')).sort()).toEqual(['shard-0-of-3', 'shard-1-of-3', 'shard-2-of-3']);
    const merged = await mergeShards([join(outDir, 'small')]);
    expect(csvOf(merged.dir)).toBe(csvOf(whole.dir));
    expect(merged.manifest).toMatchObject({ jobs: whole.manifest.jobs, dropped: whole.manifest.dropped });
    expect(existsSync(merged.analysis.report)).toBe(true);
    await expect(mergeShards([join(outDir, 'small', 'shard-0-of-3'), join(outDir, 'small', 'shard-2-of-3')])).rejects.toThrow(/shard 1\/3 is missing/);
  });

  it('write Pareto fronts per workload and a report', async () => {
    const out = await runSweep(smallSpec({ pareto: [{ x: 'seconds', y: 'energy_pj' }, { x: 'cycles', y: 'nonsense' }] }), { outDir: tmp(), threads: 2 });
    const [front, missing] = out.analysis!.fronts;
    const all = csvParse(csvOf(out.dir));
    for (const w of ['lenet5', 'lenet-300-100']) {
      const pts = all.filter((r) => r.workload === w);
      const f = front!.rows.filter((r) => r.workload === w);
      expect(f.length).toBeGreaterThan(0);
      // No point of the sweep beats a front point on both objectives.
      for (const p of f) expect(pts.some((q) => +q.seconds! <= +p.seconds! && +q.energy_pj! <= +p.energy_pj! && (+q.seconds! < +p.seconds! || +q.energy_pj! < +p.energy_pj!))).toBe(false);
    }
    expect(csvParse(read(front!.file))).toHaveLength(front!.rows.length);
    expect(missing!.note).toMatch(/no column nonsense/);
    expect(read(out.analysis!.report)).toContain('<svg');
  });
});

describe('sweeps over every registered kind', () => {
  const kindOf = (preset: string) => /^kind:\s*(\S+)/m.exec(readFileSync(join('arch', `${preset}.yaml`), 'utf8'))?.[1];
  for (const kind of allKinds()) {
    const preset = builtinPresets().find((p) => kindOf(p) === kind.kind);
    it.skipIf(!preset)(`${kind.kind} (${preset}): a clock axis gives the results of cyclops run`, async () => {
      const spec = smallSpec({ name: `kind-${kind.kind}`, arch: preset, set: [], axes: { clockMHz: [250, 500] }, workloads: ['lenet5'] });
      const out = await runSweep(spec, { outDir: tmp(), threads: 2 });
      const rows = csvParse(csvOf(out.dir));
      expect(rows).toHaveLength(2);
      rows.forEach((row, i) => {
        let direct: Record<string, string | number>;
        try {
          direct = layerRow(simulate(loadArch(preset!, [`clockMHz=${[250, 500][i]}`]), loadWorkload('lenet5')).total);
        } catch (e) {
          expect(row.error).toBe((e as Error).message);
          return;
        }
        expect(row.status).toBe('ok');
        expect(Number(row.cycles)).toBe(direct.cycles);
        expect(Number(row.seconds)).toBe(direct.seconds);
      });
    });
  }
});

describe('cyclops sweep (CLI)', () => {
  it('takes the spec as flags, prints plain progress lines off a terminal, and survives kill -9 with --resume', async () => {
    const outDir = tmp();
    const args = [
      'sweep', '--arch', 'systolic/scalesim-32x32-os', '--set', 'dram.mode=fixed', '--workload', 'resnet18',
      '--axis', 'array.rows=8..64:4:log:int', '--axis', 'array.cols=4,8,16,32,64', '--axis', 'dataflow=os,ws',
      '--constraint', 'array.rows * array.cols <= 2048', '--name', 'killed', '--workers', '2', '--out', outDir,
    ];
    const journal = join(outDir, 'killed', RUN_FILES.journal);
    const child = cyclopsBg(args);
    await until(() => existsSync(journal) && read(journal).split('\n').length > 6, 60_000, 'journal lines');
    child.kill('SIGKILL');
    await exited(child);
    // A write cut short by the kill: a torn line at the end.
    appendFileSync(journal, '{"seq":99,"rows":[{"poi');
    const before = readJournal(journal).entries.size;
    expect(cyclops(args).code).toBe(1); // an unfinished run is not clobbered
    const r = cyclops([...args, '--resume']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/sweep killed: \d+\/\d+ jobs \(\d+%\), [\d.]+ jobs\/s, ETA/);
    expect(r.err).toContain(`${before} recovered`);
    const fresh = cyclops([...args.slice(0, -2), '--out', tmp()]);
    expect(fresh.code).toBe(0);
    const rows = csvParse(csvOf(join(outDir, 'killed')));
    expect(rows.map((x) => Number(x.point))).toEqual([...rows.map((x) => Number(x.point))].sort((a, b) => a - b));
    expect(new Set(rows.map((x) => x.point)).size).toBe(rows.length);
    expect(csvOf(join(outDir, 'killed'))).toBe(csvOf(join(fresh.out.match(/wrote (\S+)\/sweep\.csv/)![1]!)));
    expect(r.out).toMatch(/pareto front, seconds \(min\) vs energy_pj \(min\)/);
  });

  it('reports a bad spec with file and path, exit 1', () => {
    const dir = tmp();
    const spec = join(dir, 'bad.yaml');
    writeFileSync(spec, 'arch: systolic/scalesim-32x32-os\nworkloads: [lenet5]\naxes:\n  array.rows: { from: 8, to: 64 }\n');
    const r = cyclops(['sweep', spec, '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${spec}: axes.array.rows: a continuous range (no steps or step) needs sample:`);
  });
});
