/** The shape every sparse kind shares: element-wise layers run on the PEs; MAC layers are lowered to sparse products and run through the kind's engine. */
import type { z } from 'zod';
import type { KindDefinition } from '../kind.js';
import { elementwiseTiming, sparseComponents, timingOf, type EngineRun, type SparseCommonParams } from './layer.js';
import { lowerLayer, operandBits, type GemmOperands, type OperandBits } from './lower.js';

/** An engine: times (and optionally computes) the sparse products of one layer. */
export type SparseEngine<P> = (gemms: readonly GemmOperands[], p: P, bits: OperandBits) => { run: EngineRun };

/** A sparse kind named `kind` around `engine`. */
export function sparseKind<P extends SparseCommonParams>(kind: string, summary: string, schema: z.ZodType<P>, engine: SparseEngine<P>): KindDefinition<P> {
  return {
    kind,
    summary,
    schema,
    components: sparseComponents,
    simulateLayer(layer, arch, ctx) {
      const p = arch.params;
      if (!layer.gemm) return elementwiseTiming(layer, p);
      const { run } = engine(lowerLayer(layer, ctx.workload, ctx.seed), p, operandBits(layer));
      return timingOf(layer, p, run);
    },
  };
}
