/** The `sparse-inner` kind: an inner-product sparse matrix engine (ExTensor-, SparTen-like). */
import type { KindDefinition } from '../kind.js';
import { sparseKind } from '../sparse-common/kind.js';
import { runInnerEngine } from './engine.js';
import { sparseInnerSchema, type SparseInnerParams } from './params.js';

export const sparseInner: KindDefinition<SparseInnerParams> = sparseKind(
  'sparse-inner',
  'Inner-product sparse engine: PEs intersect rows of A with columns of B, hierarchical or bitmask intersection (ExTensor-, SparTen-like)',
  sparseInnerSchema,
  runInnerEngine,
);
