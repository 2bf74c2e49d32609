/**
 * The layer-trace format (workloads/*.yaml): one schema that validates files,
 * and the types every kind consumes. A trace names its source; each layer names
 * its operator, shapes, and per operand the number format, bit-widths, density
 * and sparsity pattern (and for activations a sensitivity map).
 */
import { z } from 'zod';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const pair = z.union([posInt, z.tuple([posInt, posInt])]);
const pairNonNeg = z.union([nonNegInt, z.tuple([nonNegInt, nonNegInt])]);

/** Number formats: floating formats by name, integers as `intN` (1 ≤ N ≤ 32). */
export const numberFormatSchema = z
  .string()
  .regex(/^(fp32|tf32|fp16|bf16|fp8|int([1-9]|[12][0-9]|3[0-2]))$/, 'expected fp32, tf32, fp16, bf16, fp8 or intN (N = 1..32)');
export type NumberFormat = z.infer<typeof numberFormatSchema>;

/** Storage and compute bits implied by a format (tf32 is stored as 32 bits, computed with a 10-bit mantissa: 19 bits). */
export function formatBits(format: NumberFormat): { storage: number; compute: number } {
  switch (format) {
    case 'fp32':
      return { storage: 32, compute: 32 };
    case 'tf32':
      return { storage: 32, compute: 19 };
    case 'fp16':
    case 'bf16':
      return { storage: 16, compute: 16 };
    case 'fp8':
      return { storage: 8, compute: 8 };
    default: {
      const bits = Number(format.slice(3));
      return { storage: bits, compute: bits };
    }
  }
}

/** True for integer formats (`intN`). */
export function isIntegerFormat(format: NumberFormat): boolean {
  return format.startsWith('int');
}

/** Sparsity patterns; see src/workload/sparsity.ts for how each materializes. */
export const sparsityPatternSchema = z.union([
  z
    .enum(['dense', 'unstructured', 'filter', 'channel', 'per-channel-uniform'])
    .transform((type) => ({ type }) as SparsityPattern),
  z.object({ type: z.literal('dense') }).strict(),
  z.object({ type: z.literal('unstructured') }).strict(),
  z.object({ type: z.literal('filter') }).strict(),
  z.object({ type: z.literal('channel') }).strict(),
  z.object({ type: z.literal('per-channel-uniform') }).strict(),
  z.object({ type: z.literal('nm'), n: posInt, m: posInt }).strict().refine((p) => p.n <= p.m, 'n must not exceed m'),
  z.object({ type: z.literal('block'), block: z.tuple([posInt, posInt]) }).strict(),
  z.object({ type: z.literal('simd-group'), width: posInt }).strict(),
]);

/** A sparsity pattern: how the zeros of an operand are laid out. */
export type SparsityPattern =
  | { type: 'dense' }
  | { type: 'unstructured' }
  | { type: 'filter' }
  | { type: 'channel' }
  | { type: 'per-channel-uniform' }
  | { type: 'nm'; n: number; m: number }
  | { type: 'block'; block: [number, number] }
  | { type: 'simd-group'; width: number };

const densitySchema = z.number().gt(0, 'density must be > 0').lte(1, 'density must be ≤ 1');

/**
 * How an operand was quantized (written by `cyclops workload quantize`): linear
 * (storageBits = computeBits) or k-means (storageBits = codebook index bits,
 * computeBits = centroid bits). `slices` scale factors or codebooks — one per
 * layer, output channel or group of `groupSize` consecutive elements of a row.
 */
export const quantizationSchema = z
  .object({
    scheme: z.enum(['linear', 'kmeans']),
    granularity: z.enum(['layer', 'channel', 'group']),
    groupSize: posInt.optional(),
    /** Linear: zero point 0 (symmetric) or one per slice. */
    symmetric: z.boolean().optional(),
    /** k-means: entries per codebook (2^storageBits). */
    entries: posInt.optional(),
    slices: posInt,
  })
  .strict();
export type Quantization = z.infer<typeof quantizationSchema>;

/** Per-operand description as written in a trace (every field optional; defaults fill the rest). */
export const operandSpecSchema = z
  .object({
    format: numberFormatSchema.optional(),
    storageBits: z.number().int().min(1).max(64).optional(),
    computeBits: z.number().int().min(1).max(64).optional(),
    density: densitySchema.optional(),
    pattern: sparsityPatternSchema.optional(),
    quantization: quantizationSchema.optional(),
  })
  .strict();

/** Region-based precision: the fraction of input regions that are sensitive (run at high precision), and the region size. */
export const sensitivitySchema = z
  .object({
    fraction: z.number().min(0).max(1),
    region: z.tuple([posInt, posInt]),
  })
  .strict();
export type Sensitivity = z.infer<typeof sensitivitySchema>;

export const activationSpecSchema = operandSpecSchema
  .extend({ sensitivity: sensitivitySchema.optional() })
  .strict();

const layerCommon = {
  name: z.string().min(1),
  batch: posInt.optional(),
  weights: operandSpecSchema.optional(),
  inputs: activationSpecSchema.optional(),
  outputs: operandSpecSchema.optional(),
  /**
   * Layers whose outputs this layer reads ('input' = the network input), in
   * operand order; an add reads two. Optional: src/workload/transforms/graph.ts
   * infers connectivity from shapes where it is left out.
   */
  from: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2)]).optional(),
};

const chw = z.tuple([posInt, posInt, posInt]);

export const conv2dSchema = z
  .object({
    ...layerCommon,
    op: z.literal('conv2d'),
    input: chw,
    filters: posInt,
    kernel: pair,
    stride: pair.default(1),
    padding: pairNonNeg.default(0),
    groups: posInt.default(1),
    bias: z.boolean().optional(),
    /** SCALE-Sim sizes outputs with ceil((H − R + stride)/stride); ordinary frameworks floor. */
    outputRounding: z.enum(['floor', 'ceil']).default('floor'),
  })
  .strict();

export const depthwiseSchema = z
  .object({
    ...layerCommon,
    op: z.literal('depthwise'),
    input: chw,
    multiplier: posInt.default(1),
    kernel: pair,
    stride: pair.default(1),
    padding: pairNonNeg.default(0),
    bias: z.boolean().optional(),
  })
  .strict();

export const conv1dSchema = z
  .object({
    ...layerCommon,
    op: z.literal('conv1d'),
    /** [channels, length] */
    input: z.tuple([posInt, posInt]),
    filters: posInt,
    kernel: posInt,
    stride: posInt.default(1),
    padding: nonNegInt.default(0),
    bias: z.boolean().optional(),
  })
  .strict();

export const fcSchema = z
  .object({
    ...layerCommon,
    op: z.literal('fc'),
    inFeatures: posInt,
    outFeatures: posInt,
    bias: z.boolean().optional(),
  })
  .strict();

export const matmulSchema = z
  .object({
    ...layerCommon,
    op: z.literal('matmul'),
    /** (M×K) · (K×N); `batch` independent products. */
    m: posInt,
    n: posInt,
    k: posInt,
  })
  .strict();

const tensor = z.union([chw, z.tuple([posInt, posInt]), z.tuple([posInt])]);

export const elementwiseSchema = z
  .object({
    ...layerCommon,
    op: z.enum(['batchnorm', 'relu', 'add']),
    /** Tensor shape without batch: [C, H, W], [C, L] or [features]. */
    input: tensor,
  })
  .strict();

export const poolSchema = z
  .object({
    ...layerCommon,
    op: z.enum(['maxpool', 'avgpool']),
    input: chw,
    kernel: pair,
    stride: pair.optional(),
    padding: pairNonNeg.default(0),
  })
  .strict();

export const globalPoolSchema = z
  .object({
    ...layerCommon,
    op: z.literal('globalavgpool'),
    input: chw,
  })
  .strict();

export const layerSchema = z.discriminatedUnion('op', [
  conv2dSchema,
  depthwiseSchema,
  conv1dSchema,
  fcSchema,
  matmulSchema,
  elementwiseSchema,
  poolSchema,
  globalPoolSchema,
]);

/** A layer as validated (defaults applied), before resolution against network defaults. */
export type LayerSpec = z.infer<typeof layerSchema>;
export type OperatorName = LayerSpec['op'];

export const networkSchema = z
  .object({
    name: z.string().min(1),
    /** Where the shapes come from (paper, table, model zoo). Required: every built-in network names its source. */
    source: z.string().min(1),
    description: z.string().optional(),
    batch: posInt.default(1),
    /** Seed for materializing masks and precision maps. */
    seed: nonNegInt.default(0),
    /**
     * Tensor file (ONNX initializers, path relative to the trace) with real
     * weights in trace layout: `<layer>.weights` (float) and, where stored zeros
     * exist, `<layer>.weights.mask` (uint8); written by `cyclops workload` and
     * `cyclops import onnx`, read by src/workload/transforms/tensor-file.ts.
     */
    tensors: z.string().min(1).optional(),
    defaults: z
      .object({
        weights: operandSpecSchema.optional(),
        inputs: activationSpecSchema.optional(),
        outputs: operandSpecSchema.optional(),
        bias: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** Published totals the network's test checks against (MACs at batch 1, parameters). */
    published: z
      .object({
        macs: z.number().positive().optional(),
        params: z.number().positive().optional(),
        tolerance: z.number().positive().max(0.5).default(0.01),
        source: z.string().min(1),
      })
      .strict()
      .optional(),
    layers: z.array(layerSchema).min(1),
  })
  .strict()
  .superRefine((net, ctx) => {
    const seen = new Map<string, number>();
    net.layers.forEach((l, i) => {
      const prior = seen.get(l.name);
      if (prior !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `duplicate layer name "${l.name}" (also layers[${prior}])` });
      }
      const from = l.from === undefined ? [] : typeof l.from === 'string' ? [l.from] : l.from;
      from.forEach((src, j) => {
        if (src !== 'input' && !seen.has(src)) {
          ctx.addIssue({ code: 'custom', path: ['layers', i, 'from', ...(typeof l.from === 'string' ? [] : [j])], message: `"${src}" is not an earlier layer (or 'input')` });
        }
      });
      seen.set(l.name, i);
    });
  });

export type NetworkSpec = z.infer<typeof networkSchema>;
