/**
 * A sweep's points, in a fixed order: the full grid (mixed radix, the last axis
 * fastest) or a seeded random sample. Each point's design is built the way
 * `--set` builds one (applyOverrides on the base description, then the kind's
 * schema), so any parameter of any kind can be an axis. Derived quantities and
 * constraints are evaluated here, before anything is simulated.
 */
import { applyOverrides, qualifyArch, readArchData } from '../config/arch.js';
import { InputError } from '../core/errors.js';
import { rngFor } from '../core/random.js';
import type { CommonParams, QualifiedArch } from '../kinds/kind.js';
import { findKind } from '../kinds/registry.js';
import type { Row } from '../report/rows.js';
import { readNetworkSpec } from '../workload/load.js';
import { Expr, loadExpressions } from './expr.js';
import type { JournalEntry, Scalar, SimOutcome, WorkloadPayload } from './protocol.js';
import { axisValues, drawFromRange, specProblems, type AxisSpec, type SweepSpec } from './spec.js';

/** One design point of the sweep. */
export interface PlannedPoint {
  /** Index in the sweep's order (grid index, or draw order when sampling). */
  point: number;
  /** Axis column → value. */
  values: Record<string, Scalar>;
  /** Derived name → value. */
  derived: Record<string, number>;
  /** The design, unless it could not be built. */
  arch?: QualifiedArch<CommonParams>;
  /** Why the design could not be built (an impossible combination). */
  error?: string;
}

interface Axis {
  column: string;
  /** Parameter path it sets, or undefined for the `arch` axis. */
  path?: string;
  values?: Scalar[];
  range?: Exclude<AxisSpec, Scalar[]>;
}

/** Sweep columns before the metrics. */
const LEAD = ['point'];
const TRAIL = ['workload', 'arch_hash', 'status'];

/** Total on-chip SRAM of a design in KiB, from its kind's priced components (works for every kind). */
function sramKiB(arch: QualifiedArch<CommonParams>): number {
  const kind = findKind(arch.kind);
  if (!kind) return 0;
  return kind.components(arch.params).reduce((a, c) => a + (c.class === 'sram' ? c.capacityBytes / 1024 : 0), 0);
}

/** A sweep's points and everything needed to turn their results into rows. */
export class SweepPlan {
  /** Axes in column order (`arch` first when several base designs are swept). */
  private readonly axes: Axis[];
  private readonly derive: Array<[string, Expr]>;
  private readonly constraints: Expr[];
  private readonly bases: Map<string, { file: string; data: Record<string, unknown> }>;
  /** Points the planner will consider: the grid's size, or the sample count. */
  readonly candidates: number;
  /** Points dropped by constraints so far. */
  dropped = 0;
  /** Sampling stopped early: too few distinct points satisfied the constraints. */
  exhausted = false;

  private constructor(
    readonly spec: SweepSpec,
    readonly file: string,
    readonly workloads: WorkloadPayload[],
  ) {
    const archs = Array.isArray(spec.arch) ? spec.arch : [spec.arch];
    this.bases = new Map(archs.map((a) => [a, readArchData(a)]));
    this.axes = [
      ...(archs.length > 1 ? [{ column: 'arch', values: archs }] : []),
      ...Object.entries(spec.axes).map(([path, a]): Axis => {
        const values = axisValues(a);
        return values ? { column: path, path, values } : { column: path, path, range: a as Axis['range'] };
      }),
    ];
    this.checkPaths();
    this.derive = Object.entries(spec.derive).map(([name, text]) => [name, new Expr(text, file, `derive.${name}`)]);
    this.constraints = spec.constraints.map((text, i) => new Expr(text, file, `constraints[${i}]`));
    const grid = this.axes.reduce((n, a) => n * (a.values?.length ?? Infinity), 1);
    this.candidates = spec.sample ? Math.min(spec.sample.count, grid) : grid;
  }

  /** An axis over a path no base design has would fail every point: say so once, up front. */
  private checkPaths(): void {
    const has = (obj: unknown, path: string) =>
      path.split('.').every((k) => {
        if (typeof obj !== 'object' || obj === null || !(k in obj)) return false;
        obj = (obj as Record<string, unknown>)[k];
        return true;
      });
    const params: unknown[] = [];
    for (const b of this.bases.values()) {
      try {
        params.push(qualifyArch(applyOverrides(b.data, this.spec.set), b.file).params);
      } catch {
        // A base that does not validate on its own shows up as failing points.
      }
    }
    const problems = this.axes
      .filter((a) => a.path && params.length > 0 && !params.some((p) => has(p, a.path!)))
      .map((a) => ({ file: this.file, path: `axes.${a.path}`, message: `not a parameter of the design (cyclops describe ${[...new Set([...this.bases.values()].map((b) => String(b.data.kind)))].join(', ')} lists them)` }));
    if (problems.length) throw new InputError(problems);
  }

  /** Reads the spec's designs and workloads; checks its expressions parse. Spec errors are InputErrors naming `file`. */
  static async create(spec: SweepSpec, file: string): Promise<SweepPlan> {
    const problems = specProblems(spec, file);
    if (problems.length) throw new InputError(problems);
    if (spec.constraints.length || Object.keys(spec.derive).length) await loadExpressions();
    const workloads = spec.workloads.map((ref) => ({ ref, ...readNetworkSpec(ref) }));
    return new SweepPlan(spec, file, workloads);
  }

  /** Columns written before the metrics: point, axes, derived quantities, workload, design hash, status. */
  get leadColumns(): string[] {
    return [...LEAD, ...this.axes.map((a) => a.column), ...this.derive.map(([n]) => n), ...TRAIL];
  }

  /** Kinds of the base designs (a header waits for a result of each kind on each workload). */
  get kinds(): string[] {
    return [...new Set([...this.bases.values()].map((b) => String(b.data.kind)))];
  }

  /** Builds, derives and checks the point with axis values `values`; undefined if a constraint drops it. */
  private build(point: number, values: Record<string, Scalar>): PlannedPoint | undefined {
    const ref = String(values.arch ?? (Array.isArray(this.spec.arch) ? this.spec.arch[0] : this.spec.arch));
    const base = this.bases.get(ref)!;
    const sets = [
      ...this.spec.set,
      ...this.axes.filter((a) => a.path).map((a) => {
        const v = values[a.column]!;
        return `${a.path}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
      }),
    ];
    let arch: QualifiedArch<CommonParams>;
    try {
      arch = qualifyArch(applyOverrides(base.data, sets), base.file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { point, values, derived: {}, error: e.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
    }
    const scope: Record<string, unknown> = { ...(arch.params as unknown as Record<string, unknown>), kind: arch.kind, sram_kib: sramKiB(arch) };
    const derived: Record<string, number> = {};
    for (const [name, expr] of this.derive) scope[name] = derived[name] = expr.number(scope);
    if (!this.constraints.every((c) => c.holds(scope))) {
      this.dropped++;
      return undefined;
    }
    return { point, values, derived, arch };
  }

  /** Points are the grid's (no sampling, or a sample as large as the grid). */
  get gridMode(): boolean {
    return !this.spec.sample || this.candidates === this.axes.reduce((n, a) => n * (a.values?.length ?? Infinity), 1);
  }

  /**
   * The points in order, built lazily (a grid of millions is never held in memory).
   * `only` keeps a subset (a shard) without building the others' designs where it can.
   */
  *points(only: (point: number) => boolean = () => true): Generator<PlannedPoint> {
    if (this.gridMode) {
      // A sample as large as the grid is the grid.
      let n = 0;
      for (const p of this.grid(only)) {
        n++;
        yield p;
      }
      this.exhausted = this.spec.sample !== undefined && n < this.spec.sample.count;
      return;
    }
    const { count, seed } = this.spec.sample!;
    const seen = new Set<string>();
    const maxAttempts = Math.max(10_000, 100 * count);
    let accepted = 0;
    for (let attempt = 0; accepted < count && attempt < maxAttempts; attempt++) {
      // Each draw has its own generator: the n-th draw is the same whatever came before it.
      const rng = rngFor('cyclops-sweep-sample', seed, attempt);
      const values: Record<string, Scalar> = {};
      for (const a of this.axes) values[a.column] = a.values ? a.values[rng.int(a.values.length)]! : drawFromRange(a.range!, rng.next());
      const key = JSON.stringify(values);
      if (seen.has(key)) continue;
      seen.add(key);
      // Sampled points are numbered in acceptance order, so every shard builds every draw.
      const p = this.build(accepted, values);
      if (p) {
        accepted++;
        if (only(p.point)) yield p;
      }
    }
    this.exhausted = accepted < count;
  }

  private *grid(only: (point: number) => boolean): Generator<PlannedPoint> {
    const sizes = this.axes.map((a) => a.values!.length);
    for (let i = 0; i < this.candidates; i++) {
      if (!only(i)) continue;
      const values: Record<string, Scalar> = {};
      let rest = i;
      for (let k = this.axes.length - 1; k >= 0; k--) {
        const n = sizes[k]!;
        values[this.axes[k]!.column] = this.axes[k]!.values![rest % n]!;
        rest = Math.floor(rest / n);
      }
      const p = this.build(i, values);
      if (p) yield p;
    }
  }

  /** Output position of (point, workload): rows are written in this order. */
  seq(point: number, workload: number): number {
    return point * this.workloads.length + workload;
  }

  /** The journal entry of a finished job: sweep columns joined to its metric rows, or an error row. */
  entry(p: PlannedPoint, workload: number, outcome: SimOutcome | { error: string }): JournalEntry {
    const lead: Row = { point: p.point, ...p.values, ...p.derived, workload: this.workloads[workload]!.ref, arch_hash: p.arch?.hash ?? '' };
    const seq = this.seq(p.point, workload);
    if ('error' in outcome) return { seq, rows: [{ ...lead, status: 'error', error: outcome.error }] };
    return { seq, rows: outcome.rows.map((r) => ({ ...lead, status: 'ok', ...r })) };
  }
}
