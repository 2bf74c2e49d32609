/** The `sparse-outer` kind: an outer-product sparse matrix engine (OuterSPACE-, SpArch-like). */
import type { KindDefinition } from '../kind.js';
import { elementwiseTiming, sparseComponents, timingOf } from '../sparse-common/layer.js';
import { lowerLayer, operandBits } from '../sparse-common/lower.js';
import { runOuterEngine } from './engine.js';
import { sparseOuterSchema, type SparseOuterParams } from './params.js';

export const sparseOuter: KindDefinition<SparseOuterParams> = {
  kind: 'sparse-outer',
  summary: 'Outer-product sparse engine: multiply phase into partial-product lists, then merge in DRAM passes or an on-chip merge tree (OuterSPACE-, SpArch-like)',
  schema: sparseOuterSchema,
  components: sparseComponents,
  simulateLayer(layer, arch, ctx) {
    const p = arch.params;
    if (!layer.gemm) return elementwiseTiming(layer, p);
    const { run } = runOuterEngine(lowerLayer(layer, ctx.workload, ctx.seed), p, operandBits(layer));
    return timingOf(layer, p, run);
  },
};
