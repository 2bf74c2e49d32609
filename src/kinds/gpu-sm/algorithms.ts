/**
 * Which algorithms a layer can run with, running one, and `auto`: every
 * applicable algorithm simulated and the fastest kept, as cuDNN's benchmark
 * mode (cudnnFindConvolutionForwardAlgorithm) does. Sparse kernels enter `auto`
 * only for layers whose weights are sparse; 2:4 only for 2:4 weights.
 */
import { csrSpmm } from './kernels/spmm.js';
import { direct } from './kernels/direct.js';
import { fftTiling } from './kernels/fft.js';
import { directSparse } from './kernels/direct-sparse.js';
import { streamKernel, elementwiseWork } from './kernels/elementwise.js';
import { im2colGemm } from './kernels/im2col.js';
import { implicitGemm } from './kernels/implicit-gemm.js';
import { runKernel } from './kernels/kernel.js';
import { algorithmRun, type AlgorithmRun, type LayerCtx } from './kernels/plan.js';
import { sparse24 } from './kernels/sparse24.js';
import { winograd } from './kernels/winograd.js';
import type { Algorithm } from './params.js';

type Concrete = Exclude<Algorithm, 'auto'>;

/** Runs one algorithm; undefined when it does not apply to the layer (or nothing fits on an SM). */
export function runAlgorithm(c: LayerCtx, a: Concrete): AlgorithmRun | undefined {
  switch (a) {
    case 'implicit-gemm':
      return implicitGemm(c);
    case 'im2col-gemm':
      return c.layer.conv ? im2colGemm(c) : undefined;
    case 'winograd-2x2':
      return winograd(c, 2);
    case 'winograd-4x4':
      return winograd(c, 4);
    case 'fft-tiling':
      return fftTiling(c);
    case 'direct':
      return c.layer.conv ? direct(c) : undefined;
    case 'direct-sparse':
      return directSparse(c);
    case 'csr-spmm':
      return csrSpmm(c);
    case 'sparse-2:4':
      return sparse24(c);
  }
}

/** Dense algorithms `auto` tries on every MAC layer. */
export const DENSE_ALGORITHMS: readonly Concrete[] = ['implicit-gemm', 'im2col-gemm', 'winograd-2x2', 'winograd-4x4', 'fft-tiling', 'direct'];
/** Sparse algorithms, tried by `auto` when the weights are sparse. */
export const SPARSE_ALGORITHMS: readonly Concrete[] = ['direct-sparse', 'csr-spmm', 'sparse-2:4'];

/** The algorithms `auto` considers for a MAC layer: the library's, sparse ones only for sparse weights. */
export function autoCandidates(c: LayerCtx): Concrete[] {
  const w = c.layer.weights!;
  const sparse = w.density < 1 || w.pattern.type !== 'dense';
  const offered = new Set(c.p.library);
  return (sparse ? [...DENSE_ALGORITHMS, ...SPARSE_ALGORITHMS] : [...DENSE_ALGORITHMS]).filter((a) => offered.has(a));
}

/** The chosen run of a layer, with every alternative simulated (auto) for the report. */
export interface LayerPlan {
  chosen: AlgorithmRun;
  alternatives: AlgorithmRun[];
  /** Why the requested algorithm was not used, if it was not. */
  note?: string;
}

/** Plans a layer: element-wise layers stream; MAC layers run the requested algorithm or the fastest. */
export function planLayer(c: LayerCtx, requested: Algorithm): LayerPlan {
  const layer = c.layer;
  if (!layer.gemm) {
    const run = runKernel(c.p, streamKernel(c.p, elementwiseWork(c.p, layer, c.residency)), c.clockMHz)!;
    return { chosen: algorithmRun('elementwise', [run], 0, c.p.sm.fp32Lanes, {}), alternatives: [] };
  }
  if (requested !== 'auto') {
    const r = runAlgorithm(c, requested);
    if (r) return { chosen: r, alternatives: [r] };
    const fallback = runAlgorithm(c, 'implicit-gemm')!;
    return { chosen: fallback, alternatives: [fallback], note: `${requested} does not apply to this layer` };
  }
  const alternatives = autoCandidates(c)
    .map((a) => runAlgorithm(c, a))
    .filter((r): r is AlgorithmRun => r !== undefined);
  if (alternatives.length === 0) alternatives.push(runAlgorithm(c, 'implicit-gemm')!);
  const chosen = alternatives.reduce((best, r) => (r.cycles < best.cycles ? r : best));
  return { chosen, alternatives };
}
