/**
 * FFT-tiling convolution (cuDNN's FFT_TILING, FP32): the input is cut into T×T
 * tiles overlapping by R−1 (T = 32, or 16 for small images), each tile and each
 * filter (zero-padded to T×T) is transformed by a real-to-complex 2-D FFT
 * (T·(T/2+1) frequency bins), the bins multiply as T·(T/2+1) independent complex
 * GEMMs (tiles × C)·(C × K) — 4 real FMAs per complex MAC, on CUDA cores — and an
 * inverse FFT returns the (T−R+1)² valid outputs of each tile. Stride 1, ungrouped.
 */
import { streamKernel } from './elementwise.js';
import { runKernel, type KernelRun } from './kernel.js';
import { bestGemm } from './tiled.js';
import { algorithmRun, issueOf, type AlgorithmRun, type LayerCtx } from './plan.js';

/** Floating-point operations of a real-to-complex 2-D FFT of n×n points (≈ 2.5·n²·log₂n²). */
const fftFlops = (n: number) => 2.5 * n * n * Math.log2(n * n);

export function fftTiling(c: LayerCtx): AlgorithmRun | undefined {
  const g = c.layer.conv!;
  if (c.layer.op !== 'conv2d' || g.strideH !== 1 || g.strideW !== 1 || g.groups !== 1 || c.layer.inputs.format !== 'fp32') return undefined;
  const t = Math.min(g.oh, g.ow) >= 28 ? 32 : 16;
  if (g.r > t / 2 || g.s > t / 2) return undefined;
  if (c.p.fftSingleTile && Math.max(g.h + 2 * g.padH, g.w + 2 * g.padW) > t) return undefined;
  const outH = t - g.r + 1;
  const outW = t - g.s + 1;
  const tiles = g.n * Math.ceil(g.oh / outH) * Math.ceil(g.ow / outW);
  const bins = t * (t / 2 + 1);
  const complexBytes = 8;
  const tIn = tiles * g.c * bins * complexBytes;
  const tW = g.k * g.c * bins * complexBytes;
  const tOut = tiles * g.k * bins * complexBytes;
  const fits = (b: number) => b <= c.l2Usable;
  const p = c.p;
  const name = `fft-tiling ${t}x${t}`;
  const filter = streamKernel(p, { name: `${name} filter fft`, readBytes: c.tensorBytes.weights, writeBytes: tW, dramReadBytes: c.tensorBytes.weights, dramWriteBytes: fits(tW) ? 0 : tW, ops: g.k * g.c * fftFlops(t) });
  const input = streamKernel(p, {
    name: `${name} input fft`,
    readBytes: c.tensorBytes.inputs,
    writeBytes: tIn,
    dramReadBytes: c.residency.inputs ? 0 : c.tensorBytes.inputs,
    dramWriteBytes: fits(tIn) ? 0 : tIn,
    ops: tiles * g.c * fftFlops(t),
    extraL1Bytes: Math.max(0, tiles * g.c * t * t * 4 - c.tensorBytes.inputs),
  });
  // A complex MAC is 4 real FMAs on 8-byte operands: a real GEMM with K = 4C on 2-byte "elements" moves the same bytes.
  const gemm = bestGemm(p, {
    label: `${name} complex batched gemm`,
    m: tiles,
    n: g.k,
    k: 4 * g.c,
    groups: bins,
    unit: c.fmaUnit,
    aBytes: complexBytes / 4,
    bBytes: complexBytes / 4,
    outBytes: complexBytes,
    aPanelBytes: (mt) => mt * g.c * complexBytes,
    residency: { inputs: fits(tIn), weights: fits(tW), outputs: fits(tOut) },
    ...issueOf(c),
  }, c.clockMHz);
  const output = streamKernel(p, {
    name: `${name} inverse fft`,
    readBytes: tOut,
    writeBytes: c.tensorBytes.outputs,
    dramReadBytes: fits(tOut) ? 0 : tOut,
    dramWriteBytes: c.residency.outputs ? 0 : c.tensorBytes.outputs,
    ops: tiles * g.k * fftFlops(t),
  });
  const runs = [runKernel(p, filter, c.clockMHz), runKernel(p, input, c.clockMHz), ...(gemm?.runs ?? [undefined]), runKernel(p, output, c.clockMHz)];
  if (runs.some((r) => r === undefined)) return undefined;
  const realMacs = tiles * bins * 4 * g.c * g.k;
  return algorithmRun('fft-tiling', runs as KernelRun[], c.layer.macs, (c.fmaUnit.macsPerCycle * c.layer.macs) / realMacs, { fft_tile: t });
}
