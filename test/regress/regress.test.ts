/** Pinned results of designs: record, check with relative changes and tolerances, the test-suite helper and the CLI. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArchResults, expectArchResults, formatRegressReport, readRegressFile, recordArchResults, writeRegressFile } from '../../src/regress/regress.js';
import { cyclops, tmp } from '../sweep/helpers.js';

function pinned() {
  const file = join(tmp('cyclops-regress-'), 'pinned.json');
  writeRegressFile(file, recordArchResults({ archs: ['eyeriss-12x14', 'scalesim-32x32-os'], workloads: ['lenet5'], set: ['dram.wordsPerCycle=8'] }));
  return file;
}

/** Scales one pinned number in the file. */
function nudge(file: string, caseIndex: number, layer: string, metric: string, factor: number) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const l = data.cases[caseIndex].layers.find((x: { layer: string }) => x.layer === layer);
  l[metric] = l[metric] * factor;
  writeFileSync(file, JSON.stringify(data));
}

describe('regress', () => {
  it('records every layer and the total of each design × workload, and checks clean', () => {
    const file = pinned();
    const data = readRegressFile(file);
    expect(data.cases.map((c) => c.arch)).toEqual(['eyeriss-12x14', 'scalesim-32x32-os']);
    expect(data.cases[0]!.layers.at(-1)).toMatchObject({ layer: 'total' });
    expect(Object.keys(data.cases[0]!.layers[0]!)).toEqual(['layer', 'cycles', 'stall_cycles', 'energy_pj', 'dram_read_bytes', 'dram_write_bytes']);
    const rep = checkArchResults(data);
    expect(rep).toMatchObject({ cases: 2, failures: 0, diffs: [] });
  });

  it('reports relative changes, failing only past the tolerance (overall or per metric)', () => {
    const file = pinned();
    nudge(file, 0, 'c1', 'cycles', 1 / 1.1); // now is 10 % above pinned
    nudge(file, 1, 'total', 'energy_pj', 1 / 1.005);
    const data = readRegressFile(file);
    const strict = checkArchResults(data, { default: 0.001 });
    expect(strict.failures).toBe(2);
    expect(strict.diffs[0]).toMatchObject({ case: 'eyeriss-12x14 [dram.wordsPerCycle=8] on lenet5', layer: 'c1', metric: 'cycles', fails: true });
    expect(strict.diffs[0]!.relative).toBeCloseTo(0.1, 6);
    expect(formatRegressReport(strict, { default: 0.001 })).toMatch(/FAIL eyeriss-12x14 \[dram.wordsPerCycle=8\] on lenet5 +c1 +cycles +\d+(\.\d+)? → \d+ +\(\+10\.0%\)/);
    expect(checkArchResults(data, { default: 0.01, perMetric: { cycles: 0.2 } }).failures).toBe(0);
    expect(checkArchResults(data, { default: 0.01 }).failures).toBe(1);
  });

  it('throws a readable error from the test-suite helper', () => {
    const file = pinned();
    expect(expectArchResults(file).failures).toBe(0);
    nudge(file, 1, 'c3', 'dram_read_bytes', 2);
    expect(() => expectArchResults(file, { tolerance: 0.05 })).toThrow(/results moved\n.*\n {2}FAIL scalesim-32x32-os .* c3 +dram_read_bytes .*\(-50\.0%\)/);
  });

  it('cyclops regress record/check: exit 0 when unchanged, 1 past the tolerance', () => {
    const dir = tmp('cyclops-regress-');
    const file = join(dir, 'p.json');
    expect(cyclops(['regress', 'record', '--arch', 'eyeriss-12x14', '--workload', 'lenet5', '--metric', 'cycles', '--metric', 'gflops_per_w', '--out', file]).code).toBe(0);
    expect(readRegressFile(file).metrics).toEqual(['cycles', 'gflops_per_w']);
    const ok = cyclops(['regress', 'check', file]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/1 case\(s\) match/);
    nudge(file, 0, 'total', 'gflops_per_w', 1.03);
    const bad = cyclops(['regress', 'check', file, '--tolerance', '0.02']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/FAIL eyeriss-12x14 on lenet5 +total +gflops_per_w/);
    expect(cyclops(['regress', 'check', file, '--tolerance', 'gflops_per_w=0.05', '--tolerance', '0.01']).code).toBe(0);
    const unknown = cyclops(['regress', 'record', '--arch', 'eyeriss-12x14', '--workload', 'lenet5', '--metric', 'speed', '--out', file]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/--metric: speed: not a result column/);
  });
});
