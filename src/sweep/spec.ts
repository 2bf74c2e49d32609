/**
 * The sweep specification: a base design (or several), axes over any parameter
 * path (lists, linear and logarithmic ranges), workloads, optional random
 * sampling, derived quantities and constraints, and the Pareto fronts wanted.
 * One schema serves the YAML file and the command-line flags.
 */
import { basename } from 'node:path';
import { parse as parseYamlScalar } from 'yaml';
import { z } from 'zod';
import { InputError, type Problem } from '../core/errors.js';
import { readYamlFile, validate } from '../config/parse.js';
import type { Scalar } from './protocol.js';

const scalar = z.union([z.number(), z.string(), z.boolean()]);

/** A numeric range: `steps` values, or values `step` apart (a factor when `scale: log`), or continuous (sampling only). */
const rangeSchema = z.strictObject({
  from: z.number(),
  to: z.number(),
  steps: z.number().int().min(1).optional(),
  step: z.number().positive().optional(),
  scale: z.enum(['lin', 'log']).default('lin'),
  /** Round values to integers (array sizes, bank counts). */
  int: z.boolean().default(false),
});

/** One axis: a list of values, or a range. */
export const axisSchema = z.union([z.array(scalar).min(1), rangeSchema]);

/** `metric`, `metric:min` or `metric:max`. */
const objective = z.string().regex(/^[^:\s]+(:(min|max))?$/, 'expected a column name, optionally with :min or :max');

const PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
const NAME = /^[A-Za-z_]\w*$/;

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[\w.-]+$/, 'letters, digits, _ . - only').optional(),
    description: z.string().optional(),
    /** Base design(s): a file or preset; several make `arch` an axis. */
    arch: z.union([z.string(), z.array(z.string()).min(1)]),
    /** Overrides applied to every point, as `--set` takes them. */
    set: z.array(z.string()).default([]),
    /** Parameter path → values. Axes vary in the order written; the last varies fastest. */
    axes: z.record(z.string().regex(PATH, 'expected a parameter path such as array.rows'), axisSchema).default({}),
    workloads: z.array(z.string()).min(1),
    /** Draw `count` points at random instead of the full grid. */
    sample: z.strictObject({ count: z.number().int().positive(), seed: z.number().int().nonnegative().default(1) }).optional(),
    /** Name → expression over parameters and earlier names; evaluated before simulation, written as columns. */
    derive: z.record(z.string().regex(NAME, 'expected an identifier'), z.string()).default({}),
    /** Expressions that must hold; a point failing any is dropped before it is simulated. */
    constraints: z.array(z.string()).default([]),
    /** One row per layer (and `total`) instead of one per (point, workload). */
    perLayer: z.boolean().default(false),
    pareto: z.array(z.strictObject({ x: objective, y: objective })).default([{ x: 'seconds', y: 'energy_pj' }]),
  })
  .superRefine((s, ctx) => {
    for (const [path, axis] of Object.entries(s.axes)) {
      if (Array.isArray(axis)) continue;
      if (axis.steps !== undefined && axis.step !== undefined) ctx.addIssue({ code: 'custom', path: ['axes', path], message: 'give steps or step, not both' });
      if (axis.scale === 'log' && (axis.from <= 0 || axis.to <= 0)) ctx.addIssue({ code: 'custom', path: ['axes', path], message: 'a log range needs from > 0 and to > 0' });
      if (axis.scale === 'log' && axis.step !== undefined && axis.step <= 1) ctx.addIssue({ code: 'custom', path: ['axes', path, 'step'], message: 'a log step is a factor > 1' });
      if (axis.steps === undefined && axis.step === undefined && !s.sample) {
        ctx.addIssue({ code: 'custom', path: ['axes', path], message: 'a continuous range (no steps or step) needs sample:' });
      }
    }
  });

/** A validated sweep specification. */
export type SweepSpec = z.output<typeof sweepSpecSchema>;

/** A numeric range of an axis (see the schema): `steps` values, or `step` apart (a factor on a log scale), or continuous when sampling. */
export interface RangeInput {
  from: number;
  to: number;
  steps?: number;
  step?: number;
  scale?: 'lin' | 'log';
  int?: boolean;
}

/**
 * A sweep specification as a program writes it (the YAML's fields; defaults filled in by
 * checkSweepSpec). Spelled out rather than derived from the schema so that editors and
 * notebook kernels with older TypeScript show it plainly; `_sameAsSchema` keeps the two in step.
 */
export interface SweepInput {
  name?: string;
  description?: string;
  arch: string | string[];
  set?: string[];
  axes?: Record<string, Array<number | string | boolean> | RangeInput>;
  workloads: string[];
  sample?: { count: number; seed?: number };
  derive?: Record<string, string>;
  constraints?: string[];
  perLayer?: boolean;
  pareto?: Array<{ x: string; y: string }>;
}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameAsSchema: Same<Required<SweepInput>, Required<z.input<typeof sweepSpecSchema>>> = true;
void _sameAsSchema;
export type AxisSpec = z.output<typeof axisSchema>;
type Range = z.output<typeof rangeSchema>;

/** Parsed objective: a column and whether smaller or larger is better. */
export interface Objective {
  metric: string;
  goal: 'min' | 'max';
}

/** Metrics where larger is better unless the spec says `:min`. */
const MAXIMIZED = new Set(['gflops', 'gflops_per_w', 'utilization', 'mapping_efficiency']);

/** Parses `metric[:min|:max]`; without a goal, throughput and efficiency metrics are maximized and the rest minimized. */
export function parseObjective(s: string): Objective {
  const [metric, goal] = s.split(':') as [string, string | undefined];
  return { metric, goal: goal === 'min' || goal === 'max' ? goal : MAXIMIZED.has(metric) ? 'max' : 'min' };
}

/** Reads and validates a sweep spec file; its name defaults to the file's base name. */
export function readSweepSpec(file: string): SweepSpec {
  const spec = validate(sweepSpecSchema, readYamlFile(file), file);
  return spec.name ? spec : { ...spec, name: basename(file).replace(/\.\w+$/, '') };
}

/** Validates a spec given as an object (library API, flags); `label` names it in errors. */
export function checkSweepSpec(data: unknown, label = '<sweep>'): SweepSpec {
  return validate(sweepSpecSchema, data, label);
}

/**
 * Parses an axis given on the command line: `path=v1,v2,…` (YAML scalars), or
 * `path=FROM..TO:STEPS[:log][:int]`, or `path=FROM..TO[:log][:int]` (continuous, for --sample).
 */
export function parseAxisFlag(s: string): [string, AxisSpec] {
  const eq = s.indexOf('=');
  const path = eq > 0 ? s.slice(0, eq).trim() : '';
  const body = s.slice(eq + 1).trim();
  const bad = (message: string): never => {
    throw InputError.one('--axis', s, message);
  };
  if (!PATH.test(path)) bad('expected path=values, e.g. array.rows=16,32,64 or array.rows=8..256:6:log:int');
  const range = /^(-?[\d.eE+-]+)\.\.(-?[\d.eE+-]+)((?::[a-z0-9]+)*)$/.exec(body);
  if (range) {
    const r: Record<string, unknown> = { from: Number(range[1]), to: Number(range[2]) };
    for (const part of (range[3] ?? '').split(':').filter(Boolean)) {
      if (part === 'log' || part === 'lin') r.scale = part;
      else if (part === 'int') r.int = true;
      else if (/^\d+$/.test(part)) r.steps = Number(part);
      else bad(`unknown range option "${part}" (expected a step count, log, lin or int)`);
    }
    if (!Number.isFinite(r.from) || !Number.isFinite(r.to)) bad('range bounds must be numbers');
    return [path, r as AxisSpec];
  }
  const values = body.split(',').map((v) => parseYamlScalar(v.trim()) as unknown);
  if (values.some((v) => !['number', 'string', 'boolean'].includes(typeof v))) bad('values must be numbers, words or booleans');
  return [path, values as Scalar[]];
}

/** Rounds away binary noise (0.1 + 0.2) so values print as written. */
const tidy = (x: number) => Number(x.toPrecision(12));

/** The discrete values of an axis, or undefined for a continuous range. */
export function axisValues(axis: AxisSpec): Scalar[] | undefined {
  if (Array.isArray(axis)) return axis;
  const { from, to, steps, step, scale, int } = axis;
  let xs: number[];
  if (steps !== undefined) {
    xs = Array.from({ length: steps }, (_, i) => {
      const t = steps === 1 ? 0 : i / (steps - 1);
      return scale === 'log' ? from * (to / from) ** t : from + (to - from) * t;
    });
  } else if (step !== undefined) {
    xs = [];
    const up = to >= from;
    const n = scale === 'log' ? Math.floor(Math.log(to / from) / Math.log(up ? step : 1 / step) + 1e-9) : Math.floor(Math.abs(to - from) / step + 1e-9);
    for (let i = 0; i <= n; i++) xs.push(scale === 'log' ? from * (up ? step : 1 / step) ** i : from + (up ? step : -step) * i);
  } else return undefined;
  const out = xs.map((x) => (int ? Math.round(x) : tidy(x)));
  return [...new Set(out)];
}

/** A value drawn from a continuous range, `u` uniform in [0, 1). */
export function drawFromRange(r: Range, u: number): number {
  const x = r.scale === 'log' ? r.from * (r.to / r.from) ** u : r.from + (r.to - r.from) * u;
  return r.int ? Math.round(x) : tidy(x);
}

/** Spec-level problems only visible together (an axis that `set` also fixes). */
export function specProblems(spec: SweepSpec, file: string): Problem[] {
  const out: Problem[] = [];
  const setPaths = spec.set.map((s) => s.slice(0, s.indexOf('=')).trim());
  for (const path of Object.keys(spec.axes)) {
    if (setPaths.includes(path)) out.push({ file, path: `axes.${path}`, message: 'also fixed by set: (the axis would override it)' });
  }
  for (const name of Object.keys(spec.derive)) {
    if (name in spec.axes) out.push({ file, path: `derive.${name}`, message: 'a derived name must differ from the axes' });
  }
  return out;
}
