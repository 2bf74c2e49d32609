/** The `sparse-row` kind: a row-wise (Gustavson) sparse matrix engine (MatRaptor-, Gamma-like). */
import type { KindDefinition } from '../kind.js';
import { sparseKind } from '../sparse-common/kind.js';
import { runRowEngine } from './engine.js';
import { sparseRowSchema, type SparseRowParams } from './params.js';

export const sparseRow: KindDefinition<SparseRowParams> = sparseKind(
  'sparse-row',
  'Row-wise (Gustavson) sparse engine: PEs merge scaled rows of B with radix-R mergers, FiberCache for B (MatRaptor-, Gamma-like)',
  sparseRowSchema,
  runRowEngine,
);
