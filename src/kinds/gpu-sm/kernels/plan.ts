/**
 * What every algorithm of a layer needs (the layer, its math unit, operand
 * sizes, L2 residency, the clock) and what it returns (its kernels timed).
 */
import type { SimContext } from '../../kind.js';
import type { Layer } from '../../../workload/layer.js';
import { l2UsableBytes, mathFormat, mathUnits, type MathUnit } from '../chip.js';
import { residency, type Residency } from '../memory.js';
import type { Algorithm, GpuParams } from '../params.js';
import { streamKernel } from './elementwise.js';
import { runKernel, type KernelRun } from './kernel.js';

/** A layer prepared for the algorithms. */
export interface LayerCtx {
  p: GpuParams;
  layer: Layer;
  sim: SimContext;
  clockMHz: number;
  /** Best unit for the layer's format (tensor cores when the chip has them). */
  unit: MathUnit;
  /** The CUDA-core unit for the format (direct and sparse kernels run there). */
  fmaUnit: MathUnit;
  /** Bytes per element of inputs, weights, outputs. */
  inBytes: number;
  wBytes: number;
  outBytes: number;
  /** Whole-tensor bytes (inputs with batch; weights dense). */
  tensorBytes: { inputs: number; weights: number; outputs: number };
  residency: Residency;
  l2Usable: number;
}

/** One algorithm's kernels for a layer, timed at the context's clock. */
export interface AlgorithmRun {
  algorithm: Exclude<Algorithm, 'auto'> | 'gemm' | 'elementwise';
  runs: KernelRun[];
  /** Sum of the kernels' cycles (at the context's clock). */
  cycles: number;
  /** MACs the layer counts that the algorithm performs (dense: all; sparse: the stored nonzeros). */
  macsExecuted: number;
  /** Peak MACs/cycle/SM in layer-MAC terms: the unit's rate × the algorithm's arithmetic saving (Winograd, 2:4, skipped zeros). */
  peakPerSm: number;
  details: Record<string, number | string>;
}

/** Builds the context of a layer at `clockMHz`. */
export function layerCtx(p: GpuParams, layer: Layer, sim: SimContext, clockMHz: number): LayerCtx {
  const w = layer.weights;
  const format = w ? mathFormat(layer.inputs.format, w.format) : layer.inputs.format;
  const units = mathUnits(p, format);
  const inBytes = layer.inputs.storageBits / 8;
  const wBytes = w ? w.storageBits / 8 : 0;
  const outBytes = layer.outputs.storageBits / 8;
  const g = layer.gemm;
  // The weights operand of a matmul is its K×N matrix (weightElements counts learned parameters only).
  const tensorBytes = { inputs: layer.inputElements * inBytes, weights: g ? g.k * g.n * g.groups * wBytes : 0, outputs: layer.outputElements * outBytes };
  const l2Usable = l2UsableBytes(p);
  const previous = layer.index > 0 ? sim.workload.layers[layer.index - 1] : undefined;
  return {
    p,
    layer,
    sim,
    clockMHz,
    unit: units[0]!,
    fmaUnit: units.find((u) => u.kind === 'fma')!,
    inBytes,
    wBytes,
    outBytes,
    tensorBytes,
    residency: residency(p, l2Usable, layer, previous, tensorBytes),
    l2Usable,
  };
}

/** Sums kernel runs into an AlgorithmRun. */
export function algorithmRun(algorithm: AlgorithmRun['algorithm'], runs: KernelRun[], macsExecuted: number, peakPerSm: number, details: Record<string, number | string>): AlgorithmRun {
  return { algorithm, runs, cycles: runs.reduce((a, r) => a + r.cycles, 0), macsExecuted, peakPerSm, details };
}

/**
 * Tensor-core convolutions need channels-last (NHWC) activations: with NCHW tensors
 * (activationLayout) cuDNN transposes the input to NHWC before and the output back
 * after a windowed or strided convolution (a 1×1 stride-1 convolution runs as a GEMM
 * on NCHW directly, unless `always`). The two transposes, or none. They are timed as
 * streaming passes (cuDNN's nchwToNhwcKernel/nhwcToNchwKernel tile through SMEM): timed
 * at the rate of PyTorch's untiled copy (calibration/gpu/data/layout.csv, 0.5–1 TB/s on the
 * H100) they would make the TF32 convolutions of conv.csv up to 2× slower than measured.
 */
export function layoutKernels(c: LayerCtx, always = false): { before: KernelRun[]; after: KernelRun[] } {
  const g = c.layer.conv;
  const windowed = g !== undefined && (always || g.r * g.s > 1 || g.strideH > 1 || g.strideW > 1);
  if (c.p.activationLayout !== 'nchw' || c.unit.kind !== 'tensor' || !windowed) return { before: [], after: [] };
  const t = c.tensorBytes;
  const transpose = (name: string, bytes: number, fromDram: boolean, toDram: boolean) =>
    runKernel(c.p, streamKernel(c.p, { name, readBytes: bytes, writeBytes: bytes, dramReadBytes: fromDram ? bytes : 0, dramWriteBytes: toDram ? bytes : 0, ops: 0 }), c.clockMHz)!;
  const fits = (b: number) => b <= c.l2Usable;
  return {
    before: [transpose('nchw-to-nhwc', t.inputs, !c.residency.inputs, !fits(t.inputs))],
    after: [transpose('nhwc-to-nchw', t.outputs, !fits(t.outputs), !c.residency.outputs)],
  };
}

/** True for layers cuDNN runs (convolutions); GEMM-shaped layers (fc, matmul) run on cuBLAS. */
export function isConvolution(c: LayerCtx): boolean {
  const op = c.layer.op;
  return op === 'conv2d' || op === 'depthwise' || op === 'conv1d';
}

/** Issue efficiencies of the library kernels running a layer's GEMMs: cuDNN's for convolutions, cuBLAS's otherwise. */
export function issueOf(c: LayerCtx): { ffmaIssue: number; tensorIssue: number } {
  const e = c.p.efficiency;
  return isConvolution(c) ? { ffmaIssue: e.convFfmaIssue, tensorIssue: e.convTensorIssue } : { ffmaIssue: e.ffmaIssue, tensorIssue: e.tensorIssue };
}

/** The units an implicit-GEMM library kernel may use for the layer: the best tensor unit and the first CUDA-core one. */
export function unitsOf(c: LayerCtx): MathUnit[] {
  return c.unit.kind === 'tensor' ? [c.unit, c.fmaUnit] : [c.unit];
}
