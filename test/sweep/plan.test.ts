/** Sweep specs, axes, point enumeration, sampling, derived quantities, constraints and Pareto fronts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { paretoFront } from '../../src/sweep/pareto.js';
import { SweepPlan } from '../../src/sweep/plan.js';
import { axisValues, parseAxisFlag, parseObjective } from '../../src/sweep/spec.js';
import { smallSpec } from './helpers.js';

describe('axes', () => {
  it('lists, linear and logarithmic ranges, steps and factors', () => {
    expect(axisValues([1, 'ws', true])).toEqual([1, 'ws', true]);
    expect(axisValues({ from: 0, to: 1, steps: 5, scale: 'lin', int: false })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axisValues({ from: 8, to: 128, steps: 5, scale: 'log', int: false })).toEqual([8, 16, 32, 64, 128]);
    expect(axisValues({ from: 8, to: 256, step: 2, scale: 'log', int: false })).toEqual([8, 16, 32, 64, 128, 256]);
    expect(axisValues({ from: 0.1, to: 0.5, step: 0.1, scale: 'lin', int: false })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(axisValues({ from: 10, to: 100, steps: 4, scale: 'log', int: true })).toEqual([10, 22, 46, 100]);
    expect(axisValues({ from: 1, to: 2, steps: 5, scale: 'lin', int: true })).toEqual([1, 2]); // rounded duplicates go
    expect(axisValues({ from: 1, to: 2, scale: 'lin', int: false })).toBeUndefined();
  });

  it('parses axes given as flags', () => {
    expect(parseAxisFlag('array.rows=16,32,64')).toEqual(['array.rows', [16, 32, 64]]);
    expect(parseAxisFlag('dataflow=os,ws')).toEqual(['dataflow', ['os', 'ws']]);
    expect(parseAxisFlag('array.cols=8..256:6:log:int')).toEqual(['array.cols', { from: 8, to: 256, steps: 6, scale: 'log', int: true }]);
    expect(parseAxisFlag('clockMHz=200..1000')).toEqual(['clockMHz', { from: 200, to: 1000 }]);
    expect(() => parseAxisFlag('rows')).toThrow(InputError);
    expect(() => parseAxisFlag('a.b=1..2:sideways')).toThrow(/unknown range option/);
  });

  it('knows which objectives to maximize', () => {
    expect(parseObjective('gflops_per_w')).toEqual({ metric: 'gflops_per_w', goal: 'max' });
    expect(parseObjective('energy_pj')).toEqual({ metric: 'energy_pj', goal: 'min' });
    expect(parseObjective('gflops:min')).toEqual({ metric: 'gflops', goal: 'min' });
  });

  it('rejects a continuous range without sampling, and a path also fixed by set', async () => {
    expect(() => smallSpec({ axes: { clockMHz: { from: 100, to: 200 } } })).toThrow(/needs sample/);
    await expect(SweepPlan.create(smallSpec({ set: ['array.rows=4'] }), 's.yaml')).rejects.toThrow(/s.yaml: axes.array.rows: also fixed by set/);
  });
});

describe('points', () => {
  it('enumerates the grid in order, the last axis fastest, with sweep columns first', async () => {
    const plan = await SweepPlan.create(smallSpec(), 's.yaml');
    const pts = [...plan.points()];
    expect(plan.candidates).toBe(12);
    expect(pts.map((p) => p.point)).toEqual([...Array(12).keys()]);
    expect(pts.slice(0, 3).map((p) => p.values)).toEqual([
      { 'array.rows': 8, 'array.cols': 8, dataflow: 'os' },
      { 'array.rows': 8, 'array.cols': 8, dataflow: 'ws' },
      { 'array.rows': 8, 'array.cols': 16, dataflow: 'os' },
    ]);
    const p = pts[11]!;
    expect(p.arch!.params).toMatchObject({ array: { rows: 32, cols: 16 }, dataflow: 'ws', dram: { mode: 'fixed' } });
    expect(plan.leadColumns).toEqual(['point', 'array.rows', 'array.cols', 'dataflow', 'workload', 'arch_hash', 'status']);
  });

  it('drops points failing a constraint before simulation, and computes derived columns', async () => {
    const plan = await SweepPlan.create(
      smallSpec({ derive: { pes: 'array.rows * array.cols', sram: 'sram_kib' }, constraints: ['pes <= 256', 'dataflow == "ws"'] }),
      's.yaml',
    );
    const pts = [...plan.points()];
    // pes ≤ 256: (8,8), (8,16), (16,8), (16,16), (32,8); ws only.
    expect(pts.map((p) => [p.values['array.rows'], p.values['array.cols'], p.values.dataflow])).toEqual([
      [8, 8, 'ws'],
      [8, 16, 'ws'],
      [16, 8, 'ws'],
      [16, 16, 'ws'],
      [32, 8, 'ws'],
    ]);
    expect(plan.dropped).toBe(7);
    expect(pts[1]!.derived).toEqual({ pes: 128, sram: 192 }); // 3 × 64 KiB buffers of the preset
    expect(plan.leadColumns).toContain('pes');
  });

  it('rejects an axis over a path that is not a parameter, naming it', async () => {
    await expect(SweepPlan.create(smallSpec({ axes: { 'array.rowz': [8] } }), 's.yaml')).rejects.toThrow(/s.yaml: axes.array.rowz: not a parameter of the design \(cyclops describe systolic/);
  });

  it('reports an unknown name in a constraint as an input error naming the spec', async () => {
    const plan = await SweepPlan.create(smallSpec({ constraints: ['array.rowz < 4'] }), 's.yaml');
    expect(() => [...plan.points()]).toThrow(/s.yaml: constraints\[0\]: .*rowz/);
  });

  it('records an impossible combination as a failing point instead of stopping', async () => {
    const plan = await SweepPlan.create(smallSpec({ axes: { 'array.rows': [0, 8] } }), 's.yaml');
    const pts = [...plan.points()];
    expect(pts[0]!.error).toMatch(/array.rows: /);
    expect(pts[0]!.arch).toBeUndefined();
    expect(pts[1]!.arch).toBeDefined();
  });

  it('samples distinct points reproducibly from the seed, continuous ranges included', async () => {
    const spec = smallSpec({ axes: { 'array.rows': [8, 16, 32, 64], clockMHz: { from: 200, to: 1000, scale: 'log' } }, sample: { count: 7, seed: 3 } });
    const a = [...(await SweepPlan.create(spec, 's')).points()];
    const b = [...(await SweepPlan.create(spec, 's')).points()];
    const c = [...(await SweepPlan.create({ ...spec, sample: { count: 7, seed: 4 } }, 's')).points()];
    expect(a.map((p) => p.values)).toEqual(b.map((p) => p.values));
    expect(a.map((p) => p.values)).not.toEqual(c.map((p) => p.values));
    expect(a).toHaveLength(7);
    expect(new Set(a.map((p) => JSON.stringify(p.values))).size).toBe(7);
    for (const p of a) expect(p.values.clockMHz).toBeGreaterThanOrEqual(200);
    for (const p of a) expect(p.values.clockMHz).toBeLessThanOrEqual(1000);
  });

  it('samples only points satisfying the constraints, and says when too few do', async () => {
    const spec = smallSpec({ sample: { count: 20, seed: 1 }, constraints: ['array.rows == 8'] });
    const plan = await SweepPlan.create(spec, 's');
    const pts = [...plan.points()];
    expect(pts.every((p) => p.values['array.rows'] === 8)).toBe(true);
    expect(pts).toHaveLength(4); // only 4 distinct grid points have 8 rows
    expect(plan.exhausted).toBe(true);
  });
});

describe('Pareto front', () => {
  const dominated = (p: number[], q: number[]) => q[0]! <= p[0]! && q[1]! <= p[1]! && (q[0]! < p[0]! || q[1]! < p[1]!);

  it('is exactly the set of non-dominated points (against brute force)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }), (pts) => {
        const front = paretoFront(pts, (p) => p[0], (p) => p[1], ['min', 'min']);
        const brute = pts.filter((p) => !pts.some((q) => dominated(p, q)));
        expect(new Set(front)).toEqual(new Set(brute));
        expect(front).toHaveLength(brute.length);
      }),
    );
  });

  it('maximizes where asked and leaves out non-finite values', () => {
    const pts = [
      { a: 1, b: 10 },
      { a: 2, b: 30 },
      { a: 3, b: 20 },
      { a: 0, b: NaN },
    ];
    expect(paretoFront(pts, (p) => p.a, (p) => p.b, ['min', 'max'])).toEqual([pts[0], pts[1]]);
  });
});
