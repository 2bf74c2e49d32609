/**
 * Workload errors (trace YAML and SCALE-Sim topology CSV), with the exact
 * `file: path: message` line cyclops prints for each.
 */
import { describe, expect, it } from 'vitest';
import { parseScaleSimTopology } from '../../src/workload/importers/scalesim-csv.js';
import { builtinWorkloads, loadWorkload } from '../../src/workload/load.js';
import { linesOf, tempDir } from './helpers.js';

const { write } = tempDir('cyclops-workload-errors-');
const HEAD = 'name: t\nsource: test\nlayers:\n';
const CSV_HEAD = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';

describe('trace YAML errors', () => {
  it('a valid trace loads (control case)', () => {
    const f = write('ok.yaml', `${HEAD}  - { name: a, op: conv2d, input: [3, 8, 8], filters: 4, kernel: 3 }\n  - { name: b, op: relu, input: [4, 6, 6] }\n`);
    const w = loadWorkload(f);
    expect(w.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(w.layers[0]!.macs).toBe(6 * 6 * 4 * 3 * 3 * 3);
  });

  it('unknown op', () => {
    const f = write('op.yaml', `${HEAD}  - { name: a, op: conv3d, input: [1, 8, 8] }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].op: unknown value for "op"`]);
  });

  it('duplicate layer name points at the second one and names the first', () => {
    const f = write('dup.yaml', `${HEAD}  - { name: a, op: relu, input: [4] }\n  - { name: b, op: relu, input: [4] }\n  - { name: a, op: relu, input: [4] }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[2].name: duplicate layer name "a" (also layers[0])`]);
  });

  it('density above 1', () => {
    const f = write('density.yaml', `${HEAD}  - { name: a, op: fc, inFeatures: 4, outFeatures: 2, weights: { density: 1.5 } }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].weights.density: density must be ≤ 1`]);
  });

  it('density 0', () => {
    const f = write('density0.yaml', `${HEAD}  - { name: a, op: fc, inFeatures: 4, outFeatures: 2, inputs: { density: 0 } }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].inputs.density: density must be > 0`]);
  });

  it('kernel larger than the input', () => {
    const f = write('kernel.yaml', `${HEAD}  - { name: a, op: relu, input: [4] }\n  - { name: big, op: conv2d, input: [3, 4, 4], filters: 2, kernel: 5 }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[1]: kernel 5×5 does not fit the 4×4 input with padding 0×0`]);
  });

  it('pooling window larger than the input', () => {
    const f = write('pool.yaml', `${HEAD}  - { name: p, op: maxpool, input: [3, 2, 2], kernel: 3 }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0]: pooling window 3×3 does not fit the 2×2 input`]);
  });

  it('groups that do not divide the channels', () => {
    const f = write('groups.yaml', `${HEAD}  - { name: g, op: conv2d, input: [6, 4, 4], filters: 4, kernel: 1, groups: 3 }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].groups: groups (3) must divide input channels (6) and filters (4)`]);
  });

  it('unknown number format', () => {
    const f = write('format.yaml', `${HEAD}  - { name: a, op: fc, inFeatures: 4, outFeatures: 2, inputs: { format: int40 } }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].inputs.format: expected fp32, tf32, fp16, bf16, fp8 or intN (N = 1..32)`]);
  });

  it('missing source', () => {
    const f = write('nosource.yaml', 'name: t\nlayers:\n  - { name: a, op: relu, input: [4] }\n');
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: source: required (string)`]);
  });

  it('unknown key in a layer', () => {
    const f = write('layerkey.yaml', `${HEAD}  - { name: a, op: relu, input: [4], colour: red }\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: layers[0].colour: unknown key`]);
  });

  it('no such workload lists the built-ins', () => {
    expect(linesOf(() => loadWorkload('no-such-net'))).toEqual([`no-such-net: no such file or built-in workload (built-ins: ${builtinWorkloads().join(', ')})`]);
  });
});

describe('SCALE-Sim topology CSV errors', () => {
  it('a valid topology parses (control case); GEMM form too', () => {
    const spec = parseScaleSimTopology(`${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1,\n`, 'topo.csv');
    expect(spec.name).toBe('topo');
    expect(spec.layers).toHaveLength(1);
    const gemm = parseScaleSimTopology('Layer, M, N, K,\nG1, 64, 32, 16,\n', 'g.csv');
    expect(gemm.layers[0]).toMatchObject({ op: 'conv2d', input: [1, 64, 16], kernel: [1, 16], filters: 32 });
  });

  it('non-numeric cell names the line and the column', () => {
    const text = `${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1,\nConv2, 6, six, 3, 3, 16, 8, 1,\n`;
    expect(linesOf(() => parseScaleSimTopology(text, 'topo.csv'))).toEqual(['topo.csv: line 3: malformed row: expected a positive integer for IFMAP Width = "six"']);
  });

  it('zero is not a positive integer', () => {
    const text = `${CSV_HEAD}Conv1, 8, 8, 3, 3, 0, 16, 1,\n`;
    expect(linesOf(() => parseScaleSimTopology(text, 'topo.csv'))).toEqual(['topo.csv: line 2: malformed row: expected a positive integer for Channels = "0"']);
  });

  it('non-integer GEMM cell', () => {
    const text = 'Layer, M, N, K,\nG1, 64, 3.5, 16,\n';
    expect(linesOf(() => parseScaleSimTopology(text, 'g.csv'))).toEqual(['g.csv: line 2: malformed row: expected a positive integer for N = "3.5"']);
  });

  it('too few and too many values', () => {
    expect(linesOf(() => parseScaleSimTopology(`${CSV_HEAD}Conv1, 8, 8, 3, 3, 4,\n`, 't.csv'))).toEqual(['t.csv: line 2: expected 8 values (name and 7 positive integers), got 6']);
    expect(linesOf(() => parseScaleSimTopology(`${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1, 7,\n`, 't.csv'))).toEqual(['t.csv: line 2: expected 8 values (name and 7 positive integers), got 9']);
  });

  it('empty layer name', () => {
    expect(linesOf(() => parseScaleSimTopology(`${CSV_HEAD}, 8, 8, 3, 3, 4, 16, 1,\n`, 't.csv'))).toEqual(['t.csv: line 2: malformed row: layer name is empty']);
  });

  it('filter larger than the IFMAP', () => {
    expect(linesOf(() => parseScaleSimTopology(`${CSV_HEAD}Conv1, 4, 4, 5, 3, 4, 16, 1,\n`, 't.csv'))).toEqual(['t.csv: line 2: filter 5×3 is larger than the 4×4 IFMAP']);
  });

  it('blank rows are skipped, not errors, and do not shift line numbers', () => {
    const ok = `${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1,\n,,,,,,,,\n\nConv2, 6, 6, 3, 3, 16, 8, 1,\n`;
    expect(parseScaleSimTopology(ok, 't.csv').layers.map((l) => l.name)).toEqual(['Conv1', 'Conv2']);
    const bad = `${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1,\n,,,,,,,,\n\nConv2, 6, x, 3, 3, 16, 8, 1,\n`;
    expect(linesOf(() => parseScaleSimTopology(bad, 't.csv'))).toEqual(['t.csv: line 5: malformed row: expected a positive integer for IFMAP Width = "x"']);
  });

  it('every malformed row is reported in one throw', () => {
    const text = `${CSV_HEAD}A, 8, 8, 3, 3, 4, 16, 1,\nB, 8, -8, 3, 3, 4, 16, 1,\nC, 8, 8, 3,\nD, 2, 2, 3, 3, 4, 16, 1,\n`;
    expect(linesOf(() => parseScaleSimTopology(text, 't.csv'))).toEqual([
      't.csv: line 3: malformed row: expected a positive integer for IFMAP Width = "-8"',
      't.csv: line 4: expected 8 values (name and 7 positive integers), got 4',
      't.csv: line 5: filter 3×3 is larger than the 2×2 IFMAP',
    ]);
  });

  it('wrong header', () => {
    const text = 'Name, H, W, R, S, C, K, Stride,\nConv1, 8, 8, 3, 3, 4, 16, 1,\n';
    expect(linesOf(() => parseScaleSimTopology(text, 't.csv'))).toEqual(['t.csv: line 1: not a SCALE-Sim topology header: expected "Layer name, IFMAP Height, …" or "Layer, M, N, K,"']);
  });

  it('empty file and header-only file', () => {
    expect(linesOf(() => parseScaleSimTopology('', 't.csv'))).toEqual(['t.csv: line 1: empty topology file']);
    expect(linesOf(() => parseScaleSimTopology(CSV_HEAD, 't.csv'))).toEqual(['t.csv: topology has no layers']);
  });

  it('loadWorkload reads .csv files through the importer and names the file', () => {
    const f = write('bad.csv', `${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 1,\nConv2, 6, six, 3, 3, 16, 8, 1,\n`);
    expect(linesOf(() => loadWorkload(f))).toEqual([`${f}: line 3: malformed row: expected a positive integer for IFMAP Width = "six"`]);
    const g = write('good.csv', `${CSV_HEAD}Conv1, 8, 8, 3, 3, 4, 16, 2,\n`);
    const w = loadWorkload(g);
    // SCALE-Sim output size: ceil((8 − 3 + 2) / 2) = 4 (not floor: 3).
    expect(w.layers[0]!.conv).toMatchObject({ oh: 4, ow: 4 });
  });
});
