/** Functional outputs of the engines: rows assembled into a CSR matrix. */
import type { Csr } from './csr.js';

/** Collects output rows in order into a CSR matrix with values. */
export class CsrBuilder {
  private readonly ptr: Int32Array;
  private idx: number[] = [];
  private val: number[] = [];
  private row = 0;

  constructor(
    private readonly rows: number,
    private readonly cols: number,
  ) {
    this.ptr = new Int32Array(rows + 1);
  }

  /** Appends row `r` (rows must come in ascending order; skipped rows are empty). */
  setRow(r: number, idx: readonly number[], val: readonly number[]): void {
    while (this.row < r) this.ptr[++this.row] = this.idx.length;
    for (let k = 0; k < idx.length; k++) {
      this.idx.push(idx[k]!);
      this.val.push(val[k]!);
    }
    this.ptr[++this.row] = this.idx.length;
  }

  build(): Csr {
    while (this.row < this.rows) this.ptr[++this.row] = this.idx.length;
    return { rows: this.rows, cols: this.cols, ptr: this.ptr, idx: Int32Array.from(this.idx), val: Float64Array.from(this.val) };
  }
}
