/** The `sparse-inner` kind: an inner-product sparse matrix engine (ExTensor-, SparTen-like). */
import type { KindDefinition } from '../kind.js';
import { elementwiseTiming, sparseComponents, timingOf } from '../sparse-common/layer.js';
import { lowerLayer, operandBits } from '../sparse-common/lower.js';
import { runInnerEngine } from './engine.js';
import { sparseInnerSchema, type SparseInnerParams } from './params.js';

export const sparseInner: KindDefinition<SparseInnerParams> = {
  kind: 'sparse-inner',
  summary: 'Inner-product sparse engine: PEs intersect rows of A with columns of B, hierarchical or bitmask intersection (ExTensor-, SparTen-like)',
  schema: sparseInnerSchema,
  components: sparseComponents,
  simulateLayer(layer, arch, ctx) {
    const p = arch.params;
    if (!layer.gemm) return elementwiseTiming(layer, p);
    const { run } = runInnerEngine(lowerLayer(layer, ctx.workload, ctx.seed), p, operandBits(layer));
    return timingOf(layer, p, run);
  },
};
