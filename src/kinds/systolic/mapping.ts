/**
 * How a layer maps onto the array, following SCALE-Sim's operand matrices:
 * P = output pixels (batch included), W = R·S·C/groups window, F = filters.
 *   OS: array rows ← P, cols ← F, stream T = W
 *   WS: array rows ← W, cols ← F, stream T = P
 *   IS: array rows ← W, cols ← P, stream T = F
 * The array is folded over rows and columns; each fold streams T operand
 * vectors through a skewed pipeline.
 */
import type { GemmView } from '../../workload/layer.js';

export type Dataflow = 'os' | 'ws' | 'is';

/** The operand matrix dimensions a dataflow maps onto the array. */
export interface ArrayMapping {
  /** Operand dimension laid along array rows. */
  rowsNeeded: number;
  /** Operand dimension laid along array columns. */
  colsNeeded: number;
  /** Vectors streamed per fold. */
  t: number;
}

/** The mapping of one group's GEMM (P×W)·(W×F). */
export function mapGemm(g: GemmView, dataflow: Dataflow): ArrayMapping {
  const p = g.m, w = g.k, f = g.n;
  switch (dataflow) {
    case 'os':
      return { rowsNeeded: p, colsNeeded: f, t: w };
    case 'ws':
      return { rowsNeeded: w, colsNeeded: f, t: p };
    case 'is':
      return { rowsNeeded: w, colsNeeded: p, t: f };
  }
}

/**
 * Cycles one fold occupies the array, fill and drain included, as SCALE-Sim v2
 * accounts them (operands enter skewed: the last PE row/column starts R−1 / C−1
 * cycles late; stationary operands take R cycles to load).
 */
export function foldCycles(dataflow: Dataflow, rows: number, cols: number, t: number): number {
  switch (dataflow) {
    case 'os':
      return t + rows + cols - 2;
    case 'ws':
    case 'is':
      return t + 2 * rows + cols - 2;
  }
}
