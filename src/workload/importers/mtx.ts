/**
 * Matrix Market (.mtx) import, so SuiteSparse matrices run as workloads.
 *
 * A workload reference `A.mtx` is the product A·A (A·Aᵀ when A is not square),
 * `A.mtx,B.mtx` the product A·B: one `matmul` layer whose operands carry the
 * files' nonzero structure (Layer.explicit; A = inputs M×K, B = weights K×N).
 *
 * Supported: `%%MatrixMarket matrix coordinate|array real|integer|pattern
 * general|symmetric|skew-symmetric` (symmetric files list one triangle; the
 * mirror entries are added). Complex and hermitian files are rejected. No
 * maintained Matrix Market reader exists on npm, so this one checks every line
 * and names file and line in each error.
 */
import { readTextFile } from '../../config/parse.js';
import { basename } from 'node:path';
import { InputError } from '../../core/errors.js';
import { csrFromTriplets, transpose } from '../../kinds/sparse-common/csr.js';
import { resolveNetwork, type ExplicitMatrix, type Workload } from '../layer.js';
import { networkSchema } from '../trace.js';

/** A parsed Matrix Market matrix. */
export interface MtxMatrix extends ExplicitMatrix {
  /** Stored entries after symmetric expansion and summing duplicates. */
  nnz: number;
  field: 'real' | 'integer' | 'pattern';
  symmetry: 'general' | 'symmetric' | 'skew-symmetric';
}

const HEADER = /^%%MatrixMarket\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/i;

/** Parses Matrix Market text; `file` names it in errors. */
export function parseMtx(text: string, file: string): MtxMatrix {
  const lines = text.split(/\r?\n/);
  const bad = (line: number, msg: string) => InputError.one(file, `line ${line}`, msg);
  const h = HEADER.exec(lines[0] ?? '');
  if (!h) throw bad(1, 'not a Matrix Market file: expected "%%MatrixMarket matrix coordinate real general" (or similar)');
  const [object, format, field, symmetry] = [h[1]!, h[2]!, h[3]!, h[4]!].map((s) => s.toLowerCase()) as [string, string, string, string];
  if (object !== 'matrix') throw bad(1, `unsupported object "${object}" (only "matrix")`);
  if (format !== 'coordinate' && format !== 'array') throw bad(1, `unsupported format "${format}" (coordinate or array)`);
  if (field !== 'real' && field !== 'integer' && field !== 'pattern') throw bad(1, `unsupported field "${field}" (real, integer or pattern; complex is not supported)`);
  if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric') throw bad(1, `unsupported symmetry "${symmetry}" (general, symmetric or skew-symmetric)`);
  if (format === 'array' && field === 'pattern') throw bad(1, 'an array (dense) file cannot have the pattern field');
  let ln = 1;
  while (ln < lines.length && (/^\s*%/.test(lines[ln]!) || /^\s*$/.test(lines[ln]!))) ln++;
  if (ln >= lines.length) throw bad(ln, 'missing size line');
  const size = lines[ln]!.trim().split(/\s+/);
  const need = format === 'coordinate' ? 3 : 2;
  const dims = size.map(Number);
  if (size.length !== need || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw bad(ln + 1, `size line must be ${format === 'coordinate' ? '"rows cols entries"' : '"rows cols"'} (non-negative integers), got "${lines[ln]!.trim()}"`);
  }
  const [rows, cols] = dims as [number, number];
  if (rows === 0 || cols === 0) throw bad(ln + 1, 'matrix has no rows or no columns');
  if (symmetry !== 'general' && rows !== cols) throw bad(ln + 1, `a ${symmetry} matrix must be square, got ${rows}×${cols}`);
  const entries = format === 'coordinate' ? dims[2]! : symmetry === 'general' ? rows * cols : (rows * (rows + 1)) / 2 - (symmetry === 'skew-symmetric' ? rows : 0);
  const mirror = symmetry !== 'general';
  const cap = mirror ? 2 * entries : entries;
  const r = new Int32Array(cap);
  const c = new Int32Array(cap);
  const v = new Float64Array(cap);
  let n = 0;
  let seen = 0;
  // Array files list columns top to bottom; symmetric ones only the lower triangle.
  let ai = 0;
  let aj = 0;
  const nextArrayPos = () => {
    const pos = [ai, aj] as const;
    ai++;
    if (ai >= rows) {
      aj++;
      ai = symmetry === 'general' ? 0 : symmetry === 'symmetric' ? aj : aj + 1;
    }
    return pos;
  };
  if (format === 'array' && symmetry === 'skew-symmetric') ai = 1;
  for (ln++; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (line === '' || line.startsWith('%')) continue;
    const lineNo = ln + 1;
    if (seen >= entries) throw bad(lineNo, `more entries than the ${entries} the size line announces`);
    const parts = line.split(/\s+/);
    let i: number;
    let j: number;
    let value = 1;
    if (format === 'coordinate') {
      const want = field === 'pattern' ? 2 : 3;
      if (parts.length !== want) throw bad(lineNo, `expected ${want === 2 ? '"row col"' : '"row col value"'}, got "${line}"`);
      i = Number(parts[0]) - 1;
      j = Number(parts[1]) - 1;
      if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= rows || j >= cols) {
        throw bad(lineNo, `coordinates (${parts[0]}, ${parts[1]}) outside 1..${rows} × 1..${cols}`);
      }
      if (mirror && (symmetry === 'skew-symmetric' ? j >= i : j > i)) throw bad(lineNo, `a ${symmetry} file lists the lower triangle only, got (${parts[0]}, ${parts[1]})`);
      if (field !== 'pattern') value = Number(parts[2]);
    } else {
      if (parts.length !== 1) throw bad(lineNo, `expected one value per line in an array file, got "${line}"`);
      [i, j] = nextArrayPos();
      value = Number(parts[0]);
    }
    if (!Number.isFinite(value) || (field === 'integer' && !Number.isInteger(value))) throw bad(lineNo, `bad ${field} value "${field === 'pattern' ? line : parts[format === 'coordinate' ? 2 : 0]}"`);
    seen++;
    // Dense files list zeros too: they are not stored.
    if (format === 'array' && value === 0) continue;
    r[n] = i;
    c[n] = j;
    v[n++] = value;
    if (mirror && i !== j) {
      r[n] = j;
      c[n] = i;
      v[n++] = symmetry === 'skew-symmetric' ? -value : value;
    }
  }
  if (seen < entries) throw bad(lines.length, `file ends after ${seen} of the ${entries} entries the size line announces`);
  const m = csrFromTriplets(rows, cols, r.subarray(0, n), c.subarray(0, n), v.subarray(0, n));
  const nnz = m.ptr[rows]!;
  const out: MtxMatrix = { rows, cols, ptr: m.ptr, idx: m.idx, nnz, field, symmetry };
  if (field !== 'pattern' && m.val) out.val = m.val;
  return out;
}

/** Reads and parses a Matrix Market file. */
export function readMtx(file: string): MtxMatrix {
  return parseMtx(readTextFile(file), file);
}

/** True for workload references this importer reads: `A.mtx` or `A.mtx,B.mtx`. */
export function isMtxRef(ref: string): boolean {
  const parts = ref.split(',');
  return parts.length <= 2 && parts.every((p) => /\.mtx$/i.test(p.trim()));
}

/**
 * A one-layer workload computing A·B for explicit matrices: a `matmul` layer
 * (M = A.rows, K = A.cols, N = B.cols, fp32 operands) whose operand densities
 * are the matrices' and whose masks follow their structure.
 */
export function explicitMatmulWorkload(name: string, source: string, origin: string, a: ExplicitMatrix, b: ExplicitMatrix): Workload {
  const dens = (m: ExplicitMatrix) => m.ptr[m.rows]! / (m.rows * m.cols);
  const operand = (m: ExplicitMatrix) => {
    const d = dens(m);
    return { format: 'fp32' as const, density: d, pattern: d < 1 ? ('unstructured' as const) : ('dense' as const) };
  };
  const spec = networkSchema.parse({
    name,
    source,
    batch: 1,
    layers: [{ name: 'spgemm', op: 'matmul', m: a.rows, k: a.cols, n: b.cols, inputs: operand(a), weights: operand(b), outputs: { format: 'fp32' } }],
  });
  const w = resolveNetwork(spec, origin);
  w.layers[0]!.explicit = { a, b };
  return w;
}

/** The workload of a reference `A.mtx` (A·A, or A·Aᵀ for a non-square A) or `A.mtx,B.mtx` (A·B). */
export function loadMtxWorkload(ref: string): Workload {
  const [fa, fb] = ref.split(',').map((s) => s.trim()) as [string, string | undefined];
  const a = readMtx(fa);
  for (const [f, m] of [[fa, a]] as const) if (m.nnz === 0) throw InputError.one(f, '', 'matrix has no nonzeros');
  let b: ExplicitMatrix;
  let what: string;
  if (fb) {
    const mb = readMtx(fb);
    if (mb.nnz === 0) throw InputError.one(fb, '', 'matrix has no nonzeros');
    if (mb.rows !== a.cols) throw InputError.one(fb, '', `cannot multiply: ${basename(fa)} is ${a.rows}×${a.cols} but ${basename(fb)} has ${mb.rows} rows`);
    b = mb;
    what = `${basename(fa)} · ${basename(fb)}`;
  } else if (a.rows === a.cols) {
    b = a;
    what = `${basename(fa)} · ${basename(fa)}`;
  } else {
    const t = transpose({ rows: a.rows, cols: a.cols, ptr: a.ptr, idx: a.idx, ...(a.val ? { val: a.val } : {}) });
    b = t;
    what = `${basename(fa)} · ${basename(fa)}ᵀ`;
  }
  const name = [fa, fb].filter((x): x is string => x !== undefined).map((f) => basename(f).replace(/\.mtx$/i, '')).join('x');
  return explicitMatmulWorkload(name, `Matrix Market: ${what}`, ref, a, b);
}

/** Matrix Market text (coordinate real general, or pattern when there are no values) of a matrix; `comment` lines follow the header. */
export function formatMtx(m: ExplicitMatrix, comment: readonly string[] = []): string {
  const field = m.val ? 'real' : 'pattern';
  const lines = [`%%MatrixMarket matrix coordinate ${field} general`, ...comment.map((c) => `% ${c}`), `${m.rows} ${m.cols} ${m.ptr[m.rows]!}`];
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) lines.push(m.val ? `${r + 1} ${m.idx[p]! + 1} ${m.val[p]!}` : `${r + 1} ${m.idx[p]! + 1}`);
  }
  return `${lines.join('\n')}\n`;
}
