/**
 * Implicit-GEMM convolution (cuDNN's IMPLICIT_PRECOMP_GEMM and the Hopper
 * implicit-GEMM kernels) and plain GEMM for fc/matmul layers (cuBLAS): the
 * convolution is the GEMM (N·OH·OW × C·R·S)·(C·R·S × K), its A tiles gathered
 * from the input on the fly, so A costs DRAM only its receptive field.
 */
import { receptiveFieldBytes } from '../memory.js';
import type { MathUnit } from '../chip.js';
import type { KernelRun } from './kernel.js';
import { bestGemm } from './tiled.js';
import { algorithmRun, isConvolution, issueOf, layoutKernels, unitsOf, type AlgorithmRun, type LayerCtx } from './plan.js';

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

/**
 * cuDNN's CUDA-core implicit-GEMM convolution tiles [mt, nt, threads]: one kernel
 * family, sm80_xmma_fprop_implicit_gemm…ffma, 256×64×8 or 128×32×8, 2×2 warps,
 * 3 stages, on every FP32 convolution it ran (kernel names in
 * calibration/gpu/data/conv.csv, cuDNN 9.19 on an H100); no smaller tiles and no
 * split-K, so small layers leave SMs idle in their last wave.
 */
export const CUDNN_FFMA_CONV_TILES = [[256, 64, 128], [128, 32, 128]] as const;

/**
 * The implicit-GEMM candidates of a layer, each timed with its layout kernels, the
 * fastest kept (cuDNN's benchmark mode times the whole call):
 * - per math unit (tensor cores, or CUDA cores when a layer is too small for tensor tiles),
 *   with the NCHW↔NHWC transposes a tensor-core kernel needs around windowed layers;
 * - a 1×1 stride-1 convolution on NCHW tensors on tensor cores either runs as a batched
 *   GEMM per image (Y[K×HW] = W[K×C]·X[C×HW], no transposes; the M tiles quantize over
 *   one image's H·W pixels), or transposes to NHWC like a windowed layer (cuDNN 9.19 did so
 *   on the H100 for 7×7 images: nchwToNhwc + sm90 fprop + nhwcToNchw in calibration/gpu/data/conv.csv).
 */
export function implicitGemm(c: LayerCtx): AlgorithmRun | undefined {
  const g = c.layer.gemm!;
  const windowed = hasWindow(c);
  const conv = isConvolution(c);
  const nchwGemm = conv && !windowed && c.p.activationLayout === 'nchw';
  let best: { runs: KernelRun[]; cycles: number; unit: MathUnit } | undefined;
  const consider = (unit: MathUnit, perImage: boolean, layout: { before: KernelRun[]; after: KernelRun[] }) => {
    const images = perImage ? c.layer.conv!.n : 1;
    // Tensor-core loads move 16-byte channel vectors: channels that do not fill them are padded (the MACs grow), and the copies cannot be asynchronous.
    const align = unit.kind === 'tensor' && conv ? 16 / c.inBytes : 1;
    const cg = c.layer.conv!.c / c.layer.conv!.groups;
    const unaligned = cg % align !== 0;
    const k = unaligned ? (g.k / cg) * Math.ceil(cg / align) * align : g.k;
    const choice = bestGemm(c.p, {
      label: windowed ? 'implicit-gemm' : perImage ? 'gemm per image' : 'gemm',
      m: g.m / images,
      n: g.n,
      k,
      ...(unaligned ? { tensorStages: 1 } : {}),
      groups: g.groups * images,
      unit,
      aBytes: c.inBytes,
      bBytes: c.wBytes,
      outBytes: c.outBytes,
      aPanelBytes: (mt) => (windowed ? inputShare(c, mt) : mt * g.k * c.inBytes),
      aStepBytes: windowed ? (mt, kt, l1) => gatheredStepBytes(c, mt, kt, l1) : undefined,
      residency: c.residency,
      ...(conv ? { fmaTiles: CUDNN_FFMA_CONV_TILES, splitK: unit.kind === 'tensor' } : {}),
      ...issueOf(c),
    }, c.clockMHz);
    if (!choice) return;
    const runs = [...layout.before, ...choice.runs, ...layout.after];
    const cycles = runs.reduce((a, r) => a + r.cycles, 0);
    if (!best || cycles < best.cycles) best = { runs, cycles, unit };
  };
  const none = { before: [], after: [] };
  for (const unit of unitsOf(c)) {
    if (unit.kind !== 'tensor') consider(unit, false, none);
    else if (!nchwGemm) consider(unit, false, layoutKernels(c));
    else {
      consider(unit, true, none);
      consider(unit, false, layoutKernels(c, true));
    }
  }
  const chosen = best as { runs: KernelRun[]; unit: MathUnit } | undefined;
  if (!chosen) return undefined;
  return algorithmRun(windowed || c.layer.op === 'conv2d' ? 'implicit-gemm' : 'gemm', chosen.runs, c.layer.macs, chosen.unit.macsPerCycle, {});
}
