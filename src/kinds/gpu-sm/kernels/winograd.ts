/**
 * Winograd F(m×m, 3×3) convolution, non-fused as cuDNN's WINOGRAD_NONFUSED runs
 * it: the filters and input tiles are transformed to α×α (α = m + 2) tiles,
 * α² independent GEMMs (tiles × C)·(C × K) multiply them — α²/(9m²) of the
 * direct multiplies, 2.25× fewer for F(2×2), 4× for F(4×4) — and an output
 * transform turns them back into m×m outputs. Only for 3×3, stride-1, ungrouped
 * convolutions.
 */
import { streamKernel } from './elementwise.js';
import { runKernel, type KernelRun } from './kernel.js';
import { bestGemm } from './tiled.js';
import { algorithmRun, issueOf, layoutKernels, type AlgorithmRun, type LayerCtx } from './plan.js';

export function winograd(c: LayerCtx, m: 2 | 4): AlgorithmRun | undefined {
  const g = c.layer.conv!;
  if (c.layer.op !== 'conv2d' || g.r !== 3 || g.s !== 3 || g.strideH !== 1 || g.strideW !== 1 || g.groups !== 1) return undefined;
  const alpha = m + 2;
  const a2 = alpha * alpha;
  const tiles = g.n * Math.ceil(g.oh / m) * Math.ceil(g.ow / m);
  const eb = c.inBytes;
  const tIn = a2 * tiles * g.c * eb;
  const tW = a2 * g.c * g.k * c.wBytes;
  const tOut = a2 * tiles * g.k * c.outBytes;
  const fits = (b: number) => b <= c.l2Usable;
  const p = c.p;
  const filter = streamKernel(p, { name: `winograd F(${m}x${m},3x3) filter transform`, readBytes: c.tensorBytes.weights, writeBytes: tW, dramReadBytes: c.tensorBytes.weights, dramWriteBytes: fits(tW) ? 0 : tW, ops: g.k * g.c * a2 * 6 });
  const input = streamKernel(p, {
    name: `winograd F(${m}x${m},3x3) input transform`,
    readBytes: c.tensorBytes.inputs,
    writeBytes: tIn,
    dramReadBytes: c.residency.inputs ? 0 : c.tensorBytes.inputs,
    dramWriteBytes: fits(tIn) ? 0 : tIn,
    ops: tiles * g.c * 2 * alpha ** 3,
    // Neighbouring tiles overlap by two rows and columns: those inputs are read again from L1.
    extraL1Bytes: Math.max(0, tiles * g.c * a2 * eb - c.tensorBytes.inputs),
  });
  const gemm = bestGemm(p, {
    label: `winograd F(${m}x${m},3x3) batched gemm`,
    m: tiles,
    n: g.k,
    k: g.c,
    groups: a2,
    unit: c.unit,
    aBytes: eb,
    bBytes: c.wBytes,
    outBytes: c.outBytes,
    aPanelBytes: (mt) => mt * g.c * eb,
    residency: { inputs: fits(tIn), weights: fits(tW), outputs: fits(tOut) },
    ...issueOf(c),
  }, c.clockMHz);
  const output = streamKernel(p, {
    name: `winograd F(${m}x${m},3x3) output transform`,
    readBytes: tOut,
    writeBytes: c.tensorBytes.outputs,
    dramReadBytes: fits(tOut) ? 0 : tOut,
    dramWriteBytes: c.residency.outputs ? 0 : c.tensorBytes.outputs,
    ops: tiles * g.k * 2 * a2 * m,
  });
  const layout = layoutKernels(c);
  const runs = [...layout.before, runKernel(p, filter, c.clockMHz), runKernel(p, input, c.clockMHz), ...(gemm?.runs ?? [undefined]), runKernel(p, output, c.clockMHz), ...layout.after];
  if (runs.some((r) => r === undefined)) return undefined;
  return algorithmRun(m === 2 ? 'winograd-2x2' : 'winograd-4x4', runs as KernelRun[], c.layer.macs, (c.unit.macsPerCycle * 9 * m * m) / a2, { winograd_multiplies: a2 * tiles * g.c * g.k });
}
