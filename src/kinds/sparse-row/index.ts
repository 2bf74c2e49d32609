/** The `sparse-row` kind: a row-wise (Gustavson) sparse matrix engine (MatRaptor-, Gamma-like). */
import type { KindDefinition } from '../kind.js';
import { elementwiseTiming, sparseComponents, timingOf } from '../sparse-common/layer.js';
import { lowerLayer, operandBits } from '../sparse-common/lower.js';
import { runRowEngine } from './engine.js';
import { sparseRowSchema, type SparseRowParams } from './params.js';

export const sparseRow: KindDefinition<SparseRowParams> = {
  kind: 'sparse-row',
  summary: 'Row-wise (Gustavson) sparse engine: PEs merge scaled rows of B with radix-R mergers, FiberCache for B (MatRaptor-, Gamma-like)',
  schema: sparseRowSchema,
  components: sparseComponents,
  simulateLayer(layer, arch, ctx) {
    const p = arch.params;
    if (!layer.gemm) return elementwiseTiming(layer, p);
    const { run } = runRowEngine(lowerLayer(layer, ctx.workload, ctx.seed), p, operandBits(layer));
    return timingOf(layer, p, run);
  },
};
