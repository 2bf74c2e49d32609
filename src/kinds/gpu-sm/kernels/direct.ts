/**
 * Direct convolution on CUDA cores (cuDNN's DIRECT / legacy implicit_convolve
 * kernels): a block computes a tile of output pixels (patches of up to 8×16 of
 * one image) × output channels, staging the input halo patch and the matching
 * filter slices in SMEM a few channels at a time; each thread keeps a register
 * tile of outputs. Input windows shift by one element per filter tap, so inputs
 * reach registers as scalar loads; each input is fetched once per patch (halo
 * included), not once per tap as an im2col matrix would.
 */
import { bestGemm } from './tiled.js';
import { algorithmRun, issueOf, type AlgorithmRun, type LayerCtx } from './plan.js';

const PATCH_H = 8;
const PATCH_W = 16;

export function direct(c: LayerCtx): AlgorithmRun | undefined {
  const g = c.layer.conv!;
  const gm = c.layer.gemm!;
  const cg = g.c / g.groups;
  // Input rows/columns of one output patch, halo included.
  const haloH = Math.min(g.h + 2 * g.padH, (Math.min(PATCH_H, g.oh) - 1) * g.strideH + g.r);
  const haloW = Math.min(g.w + 2 * g.padW, (Math.min(PATCH_W, g.ow) - 1) * g.strideW + g.s);
  const pixels = Math.min(PATCH_H, g.oh) * Math.min(PATCH_W, g.ow);
  const perPixel = (haloH * haloW) / pixels;
  const choice = bestGemm(c.p, {
    label: 'direct',
    m: gm.m,
    n: gm.n,
    k: gm.k,
    groups: gm.groups,
    unit: c.fmaUnit,
    aBytes: c.inBytes,
    bBytes: c.wBytes,
    outBytes: c.outBytes,
    scalarA: true,
    // A step covers kt of C·R·S = kt/(R·S) channels of the halo patch.
    aStepBytes: (mt, kt) => (mt * perPixel * kt * c.inBytes) / (g.r * g.s),
    aPanelBytes: (mt) => mt * perPixel * cg * c.inBytes,
    residency: c.residency,
    ...issueOf(c),
  }, c.clockMHz);
  if (!choice) return undefined;
  return algorithmRun('direct', choice.runs, c.layer.macs, c.fmaUnit.macsPerCycle, {});
}
