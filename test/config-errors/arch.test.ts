/**
 * Every architecture-description error a user can make, with the exact
 * `file: path: message` line cyclops prints for it.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, builtinPresets, loadArch, qualifyArch } from '../../src/config/arch.js';
import { formatProblem } from '../../src/core/errors.js';
import { allKinds } from '../../src/kinds/registry.js';
import { linesOf, problemsOf, tempDir } from './helpers.js';

const { write } = tempDir('cyclops-arch-errors-');
const knownKinds = () => allKinds().map((k) => k.kind).join(', ');
const presetList = () => builtinPresets().join(', ');

describe('arch description errors', () => {
  it('a valid file loads (control case for the files below)', () => {
    const f = write('ok.yaml', 'kind: systolic\nname: ok\narray: { rows: 8, cols: 4 }\n');
    const a = loadArch(f);
    expect(a.kind).toBe('systolic');
    expect(a.name).toBe('ok');
    expect(a.file).toBe(f);
    expect(getRows(a.params)).toBe(8);
  });

  it('malformed YAML: names the file and the parser message', () => {
    const f = write('syntax.yaml', 'kind: systolic\nname: x\narray: { rows: 32, cols: 32\ndataflow: os\n');
    const ps = problemsOf(() => loadArch(f));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: f, message: 'Flow map in block collection must be sufficiently indented and end with a }' });
  });

  it('malformed YAML: reports line and column', () => {
    const f = write('syntax-pos.yaml', 'kind: systolic\nname: x\narray: { rows: 32, cols: 32\ndataflow: os\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: line 4, column 1: Flow map in block collection must be sufficiently indented and end with a }`]);
  });

  it('duplicate key', () => {
    const f = write('dup.yaml', 'kind: systolic\nname: x\nname: y\n');
    const ps = problemsOf(() => loadArch(f));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: f, message: 'duplicate key' });
  });

  it('duplicate key: reports its line and column', () => {
    const f = write('dup-pos.yaml', 'kind: systolic\nname: x\nname: y\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: line 3, column 1: duplicate key`]);
  });

  it('unknown top-level key', () => {
    const f = write('top.yaml', 'kind: systolic\nname: x\nfoo: 1\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: foo: unknown key`]);
  });

  it('unknown nested key names its full path', () => {
    const f = write('nested.yaml', 'kind: systolic\nname: x\narray: { rows: 4, depth: 3 }\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: array.depth: unknown key`]);
  });

  it('wrong type', () => {
    const f = write('type.yaml', 'kind: systolic\nname: x\narray:\n  rows: "big"\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: array.rows: expected number, got "big"`]);
  });

  it('out of range', () => {
    const f = write('range.yaml', 'kind: systolic\nname: x\narray:\n  rows: 0\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: array.rows: Too small: expected number to be >0`]);
  });

  it('not an integer', () => {
    const f = write('int.yaml', 'kind: systolic\nname: x\narray: { cols: 2.5 }\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: array.cols: expected int, got 2.5`]);
  });

  it('value outside an enumeration', () => {
    const f = write('enum.yaml', 'kind: systolic\nname: x\ndataflow: rs\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: dataflow: Invalid option: expected one of "os"|"ws"|"is"`]);
  });

  it('missing required parameter', () => {
    const f = write('noname.yaml', 'kind: systolic\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: name: required (string)`]);
  });

  it('unknown kind lists the known ones', () => {
    const f = write('kind.yaml', 'kind: nope\nname: x\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: kind: unknown kind "nope" (known: ${knownKinds()})`]);
  });

  it('missing kind', () => {
    const f = write('nokind.yaml', 'name: x\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: kind: required: one of ${knownKinds()}`]);
  });

  it('qualifyArch names the file it is given', () => {
    expect(linesOf(() => qualifyArch({ kind: 'systolic', name: 'x', bogus: true }, '<inline>'))).toEqual(['<inline>: bogus: unknown key']);
  });

  it('not a mapping', () => {
    const f = write('list.yaml', '- 1\n- 2\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: expected a mapping of parameters`]);
  });

  it('no such file or preset', () => {
    expect(linesOf(() => loadArch('no-such-design'))).toEqual([`no-such-design: no such file or preset (presets: ${presetList()})`]);
  });

  it('extends a nonexistent preset', () => {
    const f = write('ext.yaml', 'extends: no-such-preset\nname: x\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: extends: no-such-preset: no such file or preset (presets: ${presetList()})`]);
  });

  it('extends must be a string', () => {
    const f = write('extnum.yaml', 'extends: 3\nkind: systolic\nname: x\n');
    expect(linesOf(() => loadArch(f))).toEqual([`${f}: extends: expected a file path or preset name`]);
  });

  it('extends a preset: the child overrides key by key', () => {
    const f = write('child.yaml', 'extends: scalesim-32x32-os\nname: child\narray: { rows: 8 }\n');
    const a = loadArch(f);
    expect(a.name).toBe('child');
    expect(a.params).toMatchObject({ array: { rows: 8, cols: 32 }, dataflow: 'os' });
  });

  it('circular extends (two files extending each other)', () => {
    const a = write('circ-a.yaml', 'extends: circ-b.yaml\nkind: systolic\nname: a\n');
    const b = write('circ-b.yaml', 'extends: circ-a.yaml\nname: b\n');
    expect(linesOf(() => loadArch(a))).toEqual([`${a}: extends: circular extends: ${a} → ${b} → ${a}`]);
  });

  it('a file extending itself', () => {
    const s = write('self.yaml', 'extends: self.yaml\nkind: systolic\nname: s\n');
    expect(linesOf(() => loadArch(s))).toEqual([`${s}: extends: circular extends: ${s} → ${s}`]);
  });

  // Paths are resolved before the chain is compared, so a cycle entered through a
  // relative path names each file once.
  it('circular extends through a relative path names each file once', () => {
    const a = write('rel-a.yaml', 'extends: rel-b.yaml\nkind: systolic\nname: a\n');
    write('rel-b.yaml', 'extends: rel-a.yaml\nname: b\n');
    const ps = problemsOf(() => loadArch(relative(process.cwd(), a)));
    expect(ps).toHaveLength(1);
    const chain = ps[0]!.message.replace(/^circular extends: /, '').split(' → ');
    expect(chain).toHaveLength(3);
    expect(chain[2]).toBe(chain[0]);
  });

  it('bad --set syntax', () => {
    expect(linesOf(() => loadArch('scalesim-32x32-os', ['array.rows']))).toEqual(['--set: array.rows: expected path=value, e.g. array.rows=64']);
    expect(linesOf(() => loadArch('scalesim-32x32-os', ['=3']))).toEqual(['--set: =3: expected path=value, e.g. array.rows=64']);
    expect(linesOf(() => loadArch('scalesim-32x32-os', ['array..rows=3']))).toEqual(['--set: array..rows=3: expected path=value, e.g. array.rows=64']);
  });

  it('unparsable --set value', () => {
    expect(linesOf(() => applyOverrides({}, ['array.rows=[1']))).toEqual(['--set: array.rows: cannot parse value "[1"']);
  });

  it('every bad --set is reported in one throw', () => {
    expect(linesOf(() => applyOverrides({}, ['array.rows', 'dram.mode=fixed', 'x=[', 'a b=1']))).toEqual([
      '--set: array.rows: expected path=value, e.g. array.rows=64',
      '--set: x: cannot parse value "["',
      '--set: a b=1: expected path=value, e.g. array.rows=64',
    ]);
  });

  it('--set values are validated like file values', () => {
    const ps = problemsOf(() => loadArch('scalesim-32x32-os', ['array.rows=big', 'array.depth=3']));
    expect(ps.map((p) => `${p.path}: ${p.message}`).sort()).toEqual(['array.depth: unknown key', 'array.rows: expected number, got "big"']);
  });

  it('--set overrides merge into nested groups', () => {
    const a = loadArch('scalesim-32x32-os', ['array.rows=16', 'dram.mode=fixed']);
    expect(a.params).toMatchObject({ array: { rows: 16, cols: 32 }, dram: { mode: 'fixed', wordsPerCycle: 10 } });
    expect(a.hash).not.toBe(loadArch('scalesim-32x32-os').hash);
  });

  it('several errors are collected in one throw (two wrong keys → two problems)', () => {
    const f = write('two.yaml', 'kind: systolic\nname: x\nfoo: 1\narray: { rows: 4, depth: 3 }\n');
    const lines = linesOf(() => loadArch(f));
    expect([...lines].sort()).toEqual([`${f}: array.depth: unknown key`, `${f}: foo: unknown key`]);
  });

  it('errors of different sorts are collected together', () => {
    const f = write('three.yaml', 'kind: systolic\nname: x\narray: { rows: 0, cols: "wide" }\ndram: { mode: slow }\n');
    const ps = problemsOf(() => loadArch(f));
    expect(ps.every((p) => p.file === f)).toBe(true);
    expect(ps.map(formatProblem).sort()).toEqual(
      [
        `${f}: array.cols: expected number, got "wide"`,
        `${f}: array.rows: Too small: expected number to be >0`,
        `${f}: dram.mode: Invalid option: expected one of "calc"|"fixed"`,
      ].sort(),
    );
  });
});

function getRows(params: unknown): unknown {
  return (params as { array?: { rows?: unknown } }).array?.rows;
}
