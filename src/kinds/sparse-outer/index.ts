/** The `sparse-outer` kind: an outer-product sparse matrix engine (OuterSPACE-, SpArch-like). */
import type { KindDefinition } from '../kind.js';
import { sparseKind } from '../sparse-common/kind.js';
import { runOuterEngine } from './engine.js';
import { sparseOuterSchema, type SparseOuterParams } from './params.js';

export const sparseOuter: KindDefinition<SparseOuterParams> = sparseKind(
  'sparse-outer',
  'Outer-product sparse engine: multiply phase into partial-product lists, then merge in DRAM passes or an on-chip merge tree (OuterSPACE-, SpArch-like)',
  sparseOuterSchema,
  runOuterEngine,
);
