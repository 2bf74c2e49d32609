/**
 * Seeded R-MAT power-law matrices (Chakrabarti, Zhan, Faloutsos, "R-MAT: A
 * Recursive Model for Graph Mining", SDM 2004): each edge picks one quadrant
 * of the adjacency matrix per level with probabilities a, b, c, d, giving the
 * skewed row lengths of real graphs. Defaults are Graph500's (a = 0.57,
 * b = c = 0.19). Duplicate edges are merged, so nnz ≤ edges.
 *
 * As a workload: `rmat:scale=12,edges=16,seed=1` is A·A for a 2^12 × 2^12
 * matrix with 16·2^12 edges drawn.
 */
import { InputError } from '../core/errors.js';
import { Rng, hashParts } from '../core/random.js';
import { csrFromTriplets } from '../kinds/sparse-common/csr.js';
import { explicitMatmulWorkload } from './importers/mtx.js';
import type { ExplicitMatrix, Workload } from './layer.js';

/** R-MAT parameters. */
export interface RmatOptions {
  /** The matrix is 2^scale × 2^scale. */
  scale: number;
  /** Edges drawn per row on average (before merging duplicates). */
  edgeFactor: number;
  a?: number;
  b?: number;
  c?: number;
  seed?: number;
}

/** An R-MAT matrix with values uniform in [0, 1); same options, same matrix. */
export function rmat(o: RmatOptions): ExplicitMatrix {
  const a = o.a ?? 0.57;
  const b = o.b ?? 0.19;
  const c = o.c ?? 0.19;
  if (!(o.scale >= 1 && o.scale <= 26 && Number.isInteger(o.scale))) throw new RangeError(`R-MAT scale must be an integer in 1..26, got ${o.scale}`);
  if (!(a > 0 && b >= 0 && c >= 0 && a + b + c < 1)) throw new RangeError(`R-MAT probabilities need a > 0, b, c ≥ 0, a + b + c < 1 (got ${a}, ${b}, ${c})`);
  const n = 2 ** o.scale;
  const edges = Math.round(o.edgeFactor * n);
  const rng = new Rng(hashParts('rmat', o.scale, o.edgeFactor, a, b, c, o.seed ?? 0));
  const r = new Int32Array(edges);
  const col = new Int32Array(edges);
  const v = new Float64Array(edges);
  const ab = a + b;
  const abc = a + b + c;
  for (let e = 0; e < edges; e++) {
    let i = 0;
    let j = 0;
    for (let level = 0; level < o.scale; level++) {
      const x = rng.next();
      i <<= 1;
      j <<= 1;
      if (x >= ab) i |= 1;
      if ((x >= a && x < ab) || x >= abc) j |= 1;
    }
    r[e] = i;
    col[e] = j;
    v[e] = rng.next();
  }
  const m = csrFromTriplets(n, n, r, col, v);
  return { rows: n, cols: n, ptr: m.ptr, idx: m.idx, ...(m.val ? { val: m.val } : {}) };
}

/** True for `rmat:` workload references. */
export function isRmatRef(ref: string): boolean {
  return ref.startsWith('rmat:');
}

/** The workload `rmat:scale=S,edges=E[,seed=N][,a=…,b=…,c=…]`: A·A for an R-MAT matrix A. */
export function loadRmatWorkload(ref: string): Workload {
  const fields: Record<string, number> = {};
  for (const part of ref.slice(5).split(',')) {
    const [k, val] = part.split('=');
    const x = Number(val);
    if (!k || val === undefined || !['scale', 'edges', 'seed', 'a', 'b', 'c'].includes(k) || !Number.isFinite(x)) {
      throw InputError.one(ref, '', `expected rmat:scale=S,edges=E[,seed=N][,a=A,b=B,c=C], got "${part}"`);
    }
    fields[k] = x;
  }
  if (fields.scale === undefined || fields.edges === undefined) throw InputError.one(ref, '', 'rmat: needs scale= and edges=');
  let m: ExplicitMatrix;
  try {
    m = rmat({ scale: fields.scale, edgeFactor: fields.edges, ...(fields.a !== undefined ? { a: fields.a } : {}), ...(fields.b !== undefined ? { b: fields.b } : {}), ...(fields.c !== undefined ? { c: fields.c } : {}), seed: fields.seed ?? 0 });
  } catch (e) {
    throw InputError.one(ref, '', (e as Error).message);
  }
  const name = `rmat-s${fields.scale}-e${fields.edges}-seed${fields.seed ?? 0}`;
  return explicitMatmulWorkload(name, `R-MAT (Chakrabarti et al., SDM 2004) A·A, ${ref}`, ref, m, m);
}
