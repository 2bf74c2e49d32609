/**
 * Operand lowering: a MAC layer becomes one sparse GEMM C = A·B per group, with
 * the actual nonzero structure of both operands.
 *
 * - conv2d, conv1d, depthwise, fc: A = weights, K/g × (C/g·R·S) (a filter per
 *   row, from the weight mask); B = the im2col lowering of the input activations,
 *   (C/g·R·S) × (N·P·Q), derived element by element from the activation mask.
 *   The zero halo of a padded convolution: a sparse activation tensor is
 *   compressed, so its halo (zeros) is not stored; a tensor without zeros is
 *   streamed whole, halo included — so at density 1 every engine executes the
 *   dense MAC count, as a dense array does.
 * - matmul: A = inputs, (N·M) × K (the batch's products stacked); B = weights, K × N.
 * - matmul layers imported from Matrix Market carry their operands explicitly
 *   (Layer.explicit) and are used as they are.
 */
import type { Layer } from '../../workload/layer.js';
import { activationMask, maskStats, weightMask, type WorkloadKey } from '../../workload/sparsity.js';
import { csrFromMask, type Csr } from './csr.js';

/** One independent sparse product of a layer. */
export interface GemmOperands {
  /** M × K. */
  a: Csr;
  /** K × N. */
  b: Csr;
}

/** Growable Int32 buffer for building CSR in one pass. */
class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  take(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * im2col of group `g`'s input channels: row (c, r, s), column (n, p, q);
 * (c, r, s, n, p, q) is present when input pixel (n, c, p·sh − ph + r, q·sw − pw + s)
 * is nonzero in the activation mask, or lies in the padding halo and `halo` is set.
 */
export function im2colCsr(layer: Layer, mask: Uint8Array, g: number, halo: boolean): Csr {
  const cv = layer.conv!;
  const cg = cv.c / cv.groups;
  const rows = cg * cv.r * cv.s;
  const cols = cv.n * cv.oh * cv.ow;
  const ptr = new Int32Array(rows + 1);
  const idx = new IntBuffer();
  const plane = cv.h * cv.w;
  let row = 0;
  for (let ci = 0; ci < cg; ci++) {
    const c = g * cg + ci;
    for (let r = 0; r < cv.r; r++) {
      for (let s = 0; s < cv.s; s++) {
        for (let n = 0; n < cv.n; n++) {
          const base = (n * cv.c + c) * plane;
          const colBase = n * cv.oh * cv.ow;
          for (let p = 0; p < cv.oh; p++) {
            const y = p * cv.strideH - cv.padH + r;
            const rowInside = y >= 0 && y < cv.h;
            const lineBase = base + y * cv.w;
            const col0 = colBase + p * cv.ow;
            for (let q = 0; q < cv.ow; q++) {
              const x = q * cv.strideW - cv.padW + s;
              if (rowInside && x >= 0 && x < cv.w ? mask[lineBase + x] === 1 : halo) idx.push(col0 + q);
            }
          }
        }
        ptr[++row] = idx.length;
      }
    }
  }
  return { rows, cols, ptr, idx: idx.take() };
}

/** Rows of `parts` stacked (same column count). */
function vstack(parts: readonly Csr[]): Csr {
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const total = parts.reduce((a, p) => a + p.ptr[p.rows]!, 0);
  const ptr = new Int32Array(rows + 1);
  const idx = new Int32Array(total);
  let r = 0;
  let off = 0;
  for (const p of parts) {
    idx.set(p.idx, off);
    for (let i = 0; i < p.rows; i++) ptr[++r] = off + p.ptr[i + 1]!;
    off += p.ptr[p.rows]!;
  }
  return { rows, cols: parts[0]?.cols ?? 0, ptr, idx };
}

/** The sparse products of a MAC layer, one per group, with the nonzero structure of both operands. */
export function lowerLayer(layer: Layer, workload: WorkloadKey, seed: number): GemmOperands[] {
  const cv = layer.conv;
  if (!cv || !layer.gemm) throw new Error(`layer "${layer.name}" (${layer.op}) is not a MAC layer`);
  if (layer.explicit) {
    const { a, b } = layer.explicit;
    return [{ a: { rows: a.rows, cols: a.cols, ptr: a.ptr, idx: a.idx }, b: { rows: b.rows, cols: b.cols, ptr: b.ptr, idx: b.idx } }];
  }
  const wm = weightMask(layer, workload, seed);
  const am = activationMask(layer, workload, seed);
  if (layer.op === 'matmul') {
    // inputs: batch × K × M (×1); weights: N × K.
    const { m: mTotal, n, k } = layer.gemm;
    const m = mTotal / cv.n;
    const parts: Csr[] = [];
    for (let bi = 0; bi < cv.n; bi++) parts.push(csrFromMask(am, m, k, 1, m, bi * k * m));
    return [{ a: cv.n === 1 ? parts[0]! : vstack(parts), b: csrFromMask(wm, k, n, 1, k) }];
  }
  const kg = cv.k / cv.groups;
  const cols = layer.gemm.k;
  const halo = maskStats(am).density === 1;
  const out: GemmOperands[] = [];
  for (let g = 0; g < cv.groups; g++) {
    const a = csrFromMask(wm, kg, cols, cols, 1, g * kg * cols);
    const b = layer.op === 'fc' ? csrFromMask(am, cv.c, cv.n, 1, cv.c) : im2colCsr(layer, am, g, halo);
    out.push({ a, b });
  }
  return out;
}

/** Storage bits of one value of A, B and C for a layer's lowering (matmul: A = inputs; otherwise A = weights). */
export interface OperandBits {
  a: number;
  b: number;
  c: number;
}

/** Value widths of the lowered operands of `layer`. */
export function operandBits(layer: Layer): OperandBits {
  const w = layer.weights!.storageBits;
  const i = layer.inputs.storageBits;
  const c = layer.outputs.storageBits;
  return layer.op === 'matmul' ? { a: i, b: w, c } : { a: w, b: i, c };
}
