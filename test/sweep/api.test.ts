/** The library API (src/index.ts): the functions the CLI uses, and sweeps from a program. */
import { describe, expect, it } from 'vitest';
import * as cyclops from '../../src/index.js';
import { compareRuns } from '../../src/sim/compare.js';
import { simulate as simulateRun } from '../../src/sim/run.js';
import { tmp } from './helpers.js';

describe('library API', () => {
  it('re-exports the foundation functions rather than copies', () => {
    expect(cyclops.simulate).toBe(simulateRun);
    expect(cyclops.compare).toBe(compareRuns);
    const w = cyclops.loadWorkload('lenet5');
    const runs = [cyclops.simulate(cyclops.loadArch('eyeriss-12x14'), w), cyclops.simulate(cyclops.loadArch('scalesim-32x32-os'), w)];
    const rows = cyclops.compare(runs);
    expect(rows.at(-1)!.layer).toBe('total');
    expect(rows.at(-1)!['scalesim-32x32-os_speedup']).toBeCloseTo(runs[0]!.total.seconds / runs[1]!.total.seconds, 12);
  });

  it('sweeps from a spec object or a spec file, and reads the rows back with numbers as numbers', async () => {
    const out = await cyclops.sweep(
      { name: 'api', arch: 'systolic/scalesim-32x32-os', axes: { 'array.rows': [8, 16], dataflow: ['os', 'ws'] }, workloads: ['lenet5'] },
      { outDir: tmp(), threads: 2 },
    );
    expect(out.manifest).toMatchObject({ status: 'complete', jobs: 4 });
    const rows = await cyclops.sweepRows(out.dir);
    expect(rows.map((r) => [r['array.rows'], r.dataflow])).toEqual([[8, 'os'], [8, 'ws'], [16, 'os'], [16, 'ws']]);
    expect(typeof rows[0]!.cycles).toBe('number');
    expect(typeof rows[0]!.arch_hash).toBe('string');
    const fromFile = await cyclops.sweep('examples/sweep-systolic.yaml', { outDir: tmp(), threads: 2, shard: { index: 0, count: 40 } });
    expect(fromFile.manifest.shard).toEqual({ index: 0, count: 40 });
    await expect(cyclops.sweep({ arch: 'nope', workloads: ['lenet5'] }, { outDir: tmp() })).rejects.toThrow(cyclops.InputError);
  });

  it('renders Vega-Lite to SVG', async () => {
    const svg = await cyclops.vegaLiteSvg({ data: { values: [{ a: 1, b: 2 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } });
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });
});
