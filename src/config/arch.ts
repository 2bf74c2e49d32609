/**
 * Loading architecture descriptions: YAML → `extends:` chain → `--set`
 * overrides → the kind's strict schema. Every problem is reported with its
 * file and path; the result is a QualifiedArch with defaults filled in and a hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYamlScalar } from 'yaml';
import { InputError, type Problem } from '../core/errors.js';
import { archDir } from '../core/paths.js';
import type { CommonParams, QualifiedArch } from '../kinds/kind.js';
import { allKinds, findKind } from '../kinds/registry.js';
import { readYamlFile, zodProblems } from './parse.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every preset file under arch/, as paths relative to arch/ without `.yaml` (e.g. `systolic/eyeriss-12x14`). */
export function builtinPresets(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.yaml')) out.push(relative(archDir, p).replace(/\.yaml$/, ''));
    }
  };
  walk(archDir);
  return out;
}

/** Resolves an arch reference: a file path, a preset path (`systolic/eyeriss-12x14`) or a unique preset name (`eyeriss-12x14`). */
export function archFile(ref: string, from?: string): string {
  const candidates = [from ? resolve(dirname(from), ref) : undefined, ref, join(archDir, ref), join(archDir, `${ref}.yaml`)];
  for (const c of candidates) if (c && existsSync(c) && statSync(c).isFile()) return c;
  const byName = builtinPresets().filter((p) => p.split('/').pop() === ref);
  if (byName.length === 1) return join(archDir, `${byName[0]}.yaml`);
  const why = byName.length > 1 ? `ambiguous preset name (${byName.join(', ')})` : `no such file or preset (presets: ${builtinPresets().join(', ')})`;
  throw InputError.one(from ?? ref, from ? 'extends' : '', from ? `${ref}: ${why}` : why);
}

/** Merges `over` onto `base`: mappings merge key by key, everything else is replaced. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function readRaw(file: string, chain: string[]): Obj {
  if (chain.includes(file)) throw InputError.one(file, 'extends', `circular extends: ${[...chain, file].join(' → ')}`);
  const data = readYamlFile(file);
  if (!isObj(data)) throw InputError.one(file, '', 'expected a mapping of parameters');
  const { extends: parent, ...own } = data;
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw InputError.one(file, 'extends', 'expected a file path or preset name');
  const base = readRaw(resolve(archFile(parent, file)), [...chain, file]);
  return deepMerge(base, own);
}

/** Parses `--set` overrides (`a.b.c=value`, value read as a YAML scalar) onto `data`. */
export function applyOverrides(data: Obj, sets: readonly string[]): Obj {
  const problems: Problem[] = [];
  let out = data;
  for (const s of sets) {
    const eq = s.indexOf('=');
    const path = eq > 0 ? s.slice(0, eq).trim() : '';
    if (!path || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(path)) {
      problems.push({ file: '--set', path: s, message: 'expected path=value, e.g. array.rows=64' });
      continue;
    }
    let value: unknown;
    try {
      value = parseYamlScalar(s.slice(eq + 1));
    } catch {
      problems.push({ file: '--set', path, message: `cannot parse value "${s.slice(eq + 1)}"` });
      continue;
    }
    const patch = path
      .split('.')
      .reverse()
      .reduce<unknown>((acc, key) => ({ [key]: acc }), value) as Obj;
    out = deepMerge(out, patch);
  }
  if (problems.length) throw new InputError(problems);
  return out;
}

/** Stable JSON (sorted keys) for hashing. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Validates raw description data (already merged) as the kind it names; `file` names it in errors. */
export function qualifyArch(data: Obj, file: string): QualifiedArch<CommonParams> {
  const { kind: kindName, ...rest } = data;
  if (typeof kindName !== 'string') {
    throw InputError.one(file, 'kind', `required: one of ${allKinds().map((k) => k.kind).join(', ')}`);
  }
  const kind = findKind(kindName);
  if (!kind) throw InputError.one(file, 'kind', `unknown kind "${kindName}" (known: ${allKinds().map((k) => k.kind).join(', ')})`);
  const r = kind.schema.safeParse(rest, { reportInput: true });
  if (!r.success) throw new InputError(zodProblems(file, r.error));
  const params = r.data;
  const hash = createHash('sha256').update(canonicalJson({ kind: kindName, params })).digest('hex').slice(0, 12);
  return { kind: kindName, name: params.name, file, params, hash };
}

/**
 * The raw description data of `ref` (file or preset) after its `extends:` chain, before
 * overrides and validation, and the file it came from: parse once, then apply many
 * override sets (design-space sweeps) with applyOverrides and qualifyArch.
 */
export function readArchData(ref: string): { file: string; data: Obj } {
  const file = archFile(ref);
  return { file, data: readRaw(resolve(file), []) };
}

/** Loads an architecture description (file or preset) with `--set` overrides applied. */
export function loadArch(ref: string, sets: readonly string[] = []): QualifiedArch<CommonParams> {
  const file = archFile(ref);
  const data = applyOverrides(readRaw(resolve(file), []), sets);
  try {
    return qualifyArch(data, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // A problem at a path given on the command line belongs to --set, not to the file.
    const setPaths = sets.map((s) => s.slice(0, s.indexOf('=')).trim());
    throw new InputError(
      e.problems.map((p) => (setPaths.some((sp) => p.path === sp || p.path.startsWith(`${sp}.`)) ? { ...p, file: '--set' } : p)),
    );
  }
}
