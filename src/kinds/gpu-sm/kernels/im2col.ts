/**
 * Explicit im2col + GEMM (cuDNN's GEMM algorithm): one kernel writes the
 * N·OH·OW × C·R·S matrix of input windows to memory, a GEMM then reads it as a
 * plain matrix — R·S/stride² times the input's bytes written and read again.
 */
import { streamKernel } from './elementwise.js';
import { runKernel } from './kernel.js';
import { hasWindow } from './implicit-gemm.js';
import { bestGemm } from './tiled.js';
import { algorithmRun, issueOf, type AlgorithmRun, type LayerCtx } from './plan.js';

/** The im2col kernel of a layer: reads the input once, writes the window matrix. */
export function im2colKernel(c: LayerCtx) {
  const g = c.layer.gemm!;
  const matrix = g.m * g.k * g.groups * c.inBytes;
  return streamKernel(c.p, {
    name: 'im2col',
    readBytes: c.tensorBytes.inputs,
    writeBytes: matrix,
    dramReadBytes: c.residency.inputs ? 0 : c.tensorBytes.inputs,
    dramWriteBytes: matrix > c.l2Usable ? matrix : 0,
    ops: 0,
    extraL1Bytes: Math.max(0, matrix - c.tensorBytes.inputs),
  });
}

export function im2colGemm(c: LayerCtx): AlgorithmRun | undefined {
  if (!hasWindow(c)) return undefined;
  const g = c.layer.gemm!;
  const matrix = g.m * g.k * g.groups * c.inBytes;
  const first = runKernel(c.p, im2colKernel(c), c.clockMHz);
  const choice = bestGemm(c.p, {
    label: 'gemm',
    m: g.m,
    n: g.n,
    k: g.k,
    groups: g.groups,
    unit: c.unit,
    aBytes: c.inBytes,
    bBytes: c.wBytes,
    outBytes: c.outBytes,
    aPanelBytes: (mt) => mt * g.k * c.inBytes,
    residency: { ...c.residency, inputs: matrix <= c.l2Usable },
    ...issueOf(c),
  }, c.clockMHz);
  if (!first || !choice) return undefined;
  return algorithmRun('im2col-gemm', [first, ...choice.runs], c.layer.macs, c.unit.macsPerCycle, { im2col_bytes: matrix });
}
