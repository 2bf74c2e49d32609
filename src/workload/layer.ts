/**
 * Resolved layers: a trace layer with network defaults applied and its shapes
 * lowered to the two views kinds use — the convolution geometry and the GEMM
 * it is equivalent to — plus dense MAC and parameter counts.
 */
import { InputError } from '../core/errors.js';
import {
  formatBits,
  type LayerSpec,
  type NetworkSpec,
  type NumberFormat,
  type OperatorName,
  type Quantization,
  type Sensitivity,
  type SparsityPattern,
} from './trace.js';

/** A fully specified operand. */
export interface Operand {
  format: NumberFormat;
  /** Bits per element in memory. */
  storageBits: number;
  /** Bits per element fed to the arithmetic unit. */
  computeBits: number;
  /** Fraction of nonzero elements, in (0, 1]. */
  density: number;
  pattern: SparsityPattern;
  /** Activations only: region-based precision map. */
  sensitivity?: Sensitivity;
  /** How the operand was quantized (linear scale factors or k-means codebooks), when a transform did. */
  quantization?: Quantization;
}

/**
 * Convolution geometry of a MAC layer (fc, matmul and conv1d are special cases).
 * Tensor layouts: input N×C×H×W (H, W unpadded), weights K×(C/groups)×R×S, output N×K×OH×OW.
 */
export interface ConvGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  s: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  groups: number;
  oh: number;
  ow: number;
}

/** The GEMM a MAC layer lowers to, per group: (M×K)·(K×N), `groups` independent products. */
export interface GemmView {
  m: number;
  n: number;
  k: number;
  groups: number;
}

/** Element-wise / pooling work of a non-MAC layer. */
export interface ElementwiseWork {
  /** Elements read (all inputs, with batch). */
  inputElements: number;
  /** Elements written (with batch). */
  outputElements: number;
  /** Arithmetic operations per output element (compare, add, multiply). */
  opsPerOutput: number;
}

/** True for operators that multiply-accumulate weights into activations. */
export function isMacOp(op: OperatorName): boolean {
  return op === 'conv2d' || op === 'depthwise' || op === 'conv1d' || op === 'fc' || op === 'matmul';
}

/** A sparse matrix given explicitly (Matrix Market import, R-MAT): compressed rows, coordinates ascending per row. */
export interface ExplicitMatrix {
  rows: number;
  cols: number;
  /** rows + 1 offsets into idx. */
  ptr: Int32Array;
  /** Column of each nonzero. */
  idx: Int32Array;
  /** Value of each nonzero, when the source gives values. */
  val?: Float64Array;
}

/** A resolved layer, ready for any kind. */
export interface Layer {
  /** Position in the network, from 0. */
  index: number;
  name: string;
  op: OperatorName;
  batch: number;
  /** Weights operand (matmul: the K×N operand); undefined for non-MAC layers. */
  weights?: Operand;
  inputs: Operand;
  outputs: Operand;
  /** MAC layers only. */
  conv?: ConvGeometry;
  /** MAC layers only. */
  gemm?: GemmView;
  /** Non-MAC layers only. */
  elementwise?: ElementwiseWork;
  /** Dense multiply-accumulates (with batch). */
  macs: number;
  /** Learned parameters (weights, biases, batch-norm scale and shift). */
  params: number;
  /** Weight elements (without bias). */
  weightElements: number;
  /** Input activation elements (with batch; both operands for add). */
  inputElements: number;
  /** Output activation elements (with batch). */
  outputElements: number;
  /**
   * matmul layers whose operands are real matrices (A = inputs, M × K; B = weights, K × N):
   * their nonzero structure, which the operand masks then follow (src/workload/sparsity.ts).
   */
  explicit?: { a: ExplicitMatrix; b: ExplicitMatrix };
}

/** A resolved network. */
export interface Workload {
  name: string;
  source: string;
  /** File it was loaded from, or `builtin:<name>`. */
  origin: string;
  batch: number;
  seed: number;
  layers: Layer[];
  published?: NetworkSpec['published'];
}

const asPair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

function outDim(size: number, kernel: number, stride: number, pad: number, rounding: 'floor' | 'ceil'): number {
  const span = size + 2 * pad - kernel;
  return (rounding === 'ceil' ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

function resolveOperand(
  spec: { format?: NumberFormat; storageBits?: number; computeBits?: number; density?: number; pattern?: SparsityPattern; sensitivity?: Sensitivity; quantization?: Quantization } | undefined,
  fallback: typeof spec,
): Operand {
  const merged = { ...fallback, ...spec };
  const format = merged.format ?? 'int8';
  const bits = formatBits(format);
  const density = merged.density ?? 1;
  const op: Operand = {
    format,
    storageBits: merged.storageBits ?? bits.storage,
    computeBits: merged.computeBits ?? bits.compute,
    density,
    pattern: merged.pattern ?? { type: density < 1 ? 'unstructured' : 'dense' },
  };
  if (merged.sensitivity) op.sensitivity = merged.sensitivity;
  if (merged.quantization) op.quantization = merged.quantization;
  return op;
}

function convGeometry(spec: LayerSpec, batch: number, file: string, path: string): ConvGeometry {
  let g: Omit<ConvGeometry, 'oh' | 'ow'>;
  let rounding: 'floor' | 'ceil' = 'floor';
  switch (spec.op) {
    case 'conv2d': {
      const [r, s] = asPair(spec.kernel);
      const [sh, sw] = asPair(spec.stride);
      const [ph, pw] = asPair(spec.padding);
      const [c, h, w] = spec.input;
      g = { n: batch, c, h, w, k: spec.filters, r, s, strideH: sh, strideW: sw, padH: ph, padW: pw, groups: spec.groups };
      rounding = spec.outputRounding;
      if (c % spec.groups !== 0 || spec.filters % spec.groups !== 0) {
        throw InputError.one(file, `${path}.groups`, `groups (${spec.groups}) must divide input channels (${c}) and filters (${spec.filters})`);
      }
      break;
    }
    case 'depthwise': {
      const [r, s] = asPair(spec.kernel);
      const [sh, sw] = asPair(spec.stride);
      const [ph, pw] = asPair(spec.padding);
      const [c, h, w] = spec.input;
      g = { n: batch, c, h, w, k: c * spec.multiplier, r, s, strideH: sh, strideW: sw, padH: ph, padW: pw, groups: c };
      break;
    }
    case 'conv1d':
      g = { n: batch, c: spec.input[0], h: 1, w: spec.input[1], k: spec.filters, r: 1, s: spec.kernel, strideH: 1, strideW: spec.stride, padH: 0, padW: spec.padding, groups: 1 };
      break;
    case 'fc':
      g = { n: batch, c: spec.inFeatures, h: 1, w: 1, k: spec.outFeatures, r: 1, s: 1, strideH: 1, strideW: 1, padH: 0, padW: 0, groups: 1 };
      break;
    case 'matmul':
      // M rows of the left operand behave as M output pixels of a 1×1 convolution.
      g = { n: batch, c: spec.k, h: spec.m, w: 1, k: spec.n, r: 1, s: 1, strideH: 1, strideW: 1, padH: 0, padW: 0, groups: 1 };
      break;
    default:
      throw new Error(`not a MAC layer: ${spec.op}`);
  }
  const oh = outDim(g.h, g.r, g.strideH, g.padH, rounding);
  const ow = outDim(g.w, g.s, g.strideW, g.padW, rounding);
  if (oh < 1 || ow < 1) {
    throw InputError.one(file, path, `kernel ${g.r}×${g.s} does not fit the ${g.h}×${g.w} input with padding ${g.padH}×${g.padW}`);
  }
  return { ...g, oh, ow };
}

function elementwiseWork(spec: LayerSpec, batch: number, file: string, path: string): ElementwiseWork {
  switch (spec.op) {
    case 'batchnorm':
    case 'relu':
    case 'add': {
      const elems = batch * spec.input.reduce((a, b) => a * b, 1);
      // Inference batch-norm folds to one multiply and one add per element.
      const ops = spec.op === 'batchnorm' ? 2 : 1;
      return { inputElements: spec.op === 'add' ? 2 * elems : elems, outputElements: elems, opsPerOutput: ops };
    }
    case 'maxpool':
    case 'avgpool': {
      const [r, s] = asPair(spec.kernel);
      const [sh, sw] = asPair(spec.stride ?? spec.kernel);
      const [ph, pw] = asPair(spec.padding);
      const [c, h, w] = spec.input;
      const oh = outDim(h, r, sh, ph, 'floor');
      const ow = outDim(w, s, sw, pw, 'floor');
      if (oh < 1 || ow < 1) throw InputError.one(file, path, `pooling window ${r}×${s} does not fit the ${h}×${w} input`);
      return { inputElements: batch * c * h * w, outputElements: batch * c * oh * ow, opsPerOutput: r * s };
    }
    case 'globalavgpool': {
      const [c, h, w] = spec.input;
      return { inputElements: batch * c * h * w, outputElements: batch * c, opsPerOutput: h * w };
    }
    default:
      throw new Error(`not an element-wise layer: ${spec.op}`);
  }
}

/** Resolves a validated network spec into layers with geometry and counts. */
export function resolveNetwork(net: NetworkSpec, origin: string): Workload {
  const d = net.defaults;
  const layers = net.layers.map((spec, index): Layer => {
    const path = `layers[${index}]`;
    const batch = spec.batch ?? net.batch;
    const inputs = resolveOperand(spec.inputs, d.inputs);
    // Outputs take the activations' number format by default, not their sparsity or sensitivity.
    const inFmt = d.inputs && { format: d.inputs.format, storageBits: d.inputs.storageBits, computeBits: d.inputs.computeBits };
    const outputs = resolveOperand(spec.outputs, d.outputs ?? inFmt);
    if (isMacOp(spec.op)) {
      const conv = convGeometry(spec, batch, origin, path);
      const cg = conv.c / conv.groups;
      const kg = conv.k / conv.groups;
      const gemm: GemmView = { m: conv.n * conv.oh * conv.ow, n: kg, k: cg * conv.r * conv.s, groups: conv.groups };
      const weightElements = conv.k * cg * conv.r * conv.s;
      const hasBias = spec.op !== 'matmul' && (('bias' in spec ? spec.bias : undefined) ?? d.bias ?? true);
      return {
        index,
        name: spec.name,
        op: spec.op,
        batch,
        weights: resolveOperand(spec.weights, d.weights),
        inputs,
        outputs,
        conv,
        gemm,
        macs: gemm.m * gemm.n * gemm.k * gemm.groups,
        params: spec.op === 'matmul' ? 0 : weightElements + (hasBias ? conv.k : 0),
        weightElements: spec.op === 'matmul' ? 0 : weightElements,
        inputElements: conv.n * conv.c * conv.h * conv.w,
        outputElements: conv.n * conv.k * conv.oh * conv.ow,
      };
    }
    const elementwise = elementwiseWork(spec, batch, origin, path);
    const channels = 'input' in spec ? spec.input[0] : 0;
    return {
      index,
      name: spec.name,
      op: spec.op,
      batch,
      inputs,
      outputs,
      elementwise,
      macs: 0,
      params: spec.op === 'batchnorm' ? 2 * channels : 0,
      weightElements: 0,
      inputElements: elementwise.inputElements,
      outputElements: elementwise.outputElements,
    };
  });
  const w: Workload = { name: net.name, source: net.source, origin, batch: net.batch, seed: net.seed, layers };
  if (net.published) w.published = net.published;
  return w;
}

/** Dense MACs of the whole workload. */
export function totalMacs(w: Workload): number {
  return w.layers.reduce((a, l) => a + l.macs, 0);
}

/** Learned parameters of the whole workload. */
export function totalParams(w: Workload): number {
  return w.layers.reduce((a, l) => a + l.params, 0);
}
