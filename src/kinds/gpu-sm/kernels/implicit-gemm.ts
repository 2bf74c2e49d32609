/**
 * Implicit-GEMM convolution (cuDNN's IMPLICIT_PRECOMP_GEMM and the Hopper
 * implicit-GEMM kernels) and plain GEMM for fc/matmul layers (cuBLAS): the
 * convolution is the GEMM (N·OH·OW × C·R·S)·(C·R·S × K), its A tiles gathered
 * from the input on the fly, so A costs DRAM only its receptive field.
 */
import { receptiveFieldBytes } from '../memory.js';
import type { MathUnit } from '../chip.js';
import { bestGemm, type GemmChoice } from './tiled.js';
import { algorithmRun, issueOf, layoutKernels, unitsOf, type AlgorithmRun, type LayerCtx } from './plan.js';

/** True for layers whose A operand is an im2col view (a window or a stride), not a plain matrix. */
export function hasWindow(c: LayerCtx): boolean {
  const g = c.layer.conv!;
  return g.r * g.s > 1 || g.strideH > 1 || g.strideW > 1;
}

/**
 * L2 bytes of one A step of an implicit-GEMM convolution: the filter taps of a tile
 * re-read overlapping input windows, which L1 serves (the loads are cached) when the
 * tile's receptive field fits the L1 left beside SMEM — then only the distinct input
 * bytes come from L2, spread over the steps.
 */
export function gatheredStepBytes(c: LayerCtx, mt: number, kt: number, l1PerBlock: number): number {
  const g = c.layer.gemm!;
  const requested = mt * kt * c.inBytes;
  const field = receptiveFieldBytes(c.layer, mt, c.inBytes);
  return field <= l1PerBlock ? Math.min(requested, (field * kt) / g.k) : requested;
}

/**
 * DRAM bytes of the input one M tile accounts for: its share of its group's input.
 * Neighbouring tiles overlap only in halo rows, and they run in the same wave, so the
 * input is read about once.
 */
export function inputShare(c: LayerCtx, mt: number): number {
  const g = c.layer.gemm!;
  return Math.min(mt * g.k * c.inBytes, c.tensorBytes.inputs / g.groups / Math.ceil(g.m / mt));
}

export function implicitGemm(c: LayerCtx): AlgorithmRun | undefined {
  const g = c.layer.gemm!;
  const windowed = hasWindow(c);
  // The library may run a tensor-core format on CUDA cores when that is faster (a layer too small for tensor tiles).
  let best: { choice: GemmChoice; unit: MathUnit } | undefined;
  for (const unit of unitsOf(c)) {
    const choice = bestGemm(c.p, {
      label: windowed ? 'implicit-gemm' : 'gemm',
      m: g.m,
      n: g.n,
      k: g.k,
      groups: g.groups,
      unit,
      aBytes: c.inBytes,
      bBytes: c.wBytes,
      outBytes: c.outBytes,
      aPanelBytes: (mt) => (windowed ? inputShare(c, mt) : mt * g.k * c.inBytes),
      aStepBytes: windowed ? (mt, kt, l1) => gatheredStepBytes(c, mt, kt, l1) : undefined,
      residency: c.residency,
      ...issueOf(c),
    }, c.clockMHz);
    if (choice && (!best || choice.cycles < best.choice.cycles)) best = { choice, unit };
  }
  if (!best) return undefined;
  const layout = best.unit.kind === 'tensor' ? layoutKernels(c) : { before: [], after: [] };
  return algorithmRun(windowed || c.layer.op === 'conv2d' ? 'implicit-gemm' : 'gemm', [...layout.before, ...best.choice.runs, ...layout.after], c.layer.macs, best.unit.macsPerCycle, {});
}
