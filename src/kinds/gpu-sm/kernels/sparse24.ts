/**
 * 2:4 structured-sparse tensor-core GEMM (Ampere/Hopper sparse MMA, as
 * cuSPARSELt and TensorRT's sparse implicit-GEMM convolutions run it): the
 * weights keep 2 of every 4 values along the reduction dimension plus 2-bit
 * indices; the tensor cores skip the zeros at twice the dense MAC rate. Only
 * for layers whose weights are 2:4 and chips whose tensor cores support it.
 */
import { gatheredStepBytes, hasWindow, inputShare } from './implicit-gemm.js';
import { bestGemm } from './tiled.js';
import { algorithmRun, issueOf, layoutKernels, type AlgorithmRun, type LayerCtx } from './plan.js';

export function sparse24(c: LayerCtx): AlgorithmRun | undefined {
  const w = c.layer.weights;
  if (!w || !c.layer.gemm || !c.p.sm.sparse24 || c.unit.kind !== 'tensor') return undefined;
  if (w.pattern.type !== 'nm' || w.pattern.n !== 2 || w.pattern.m !== 4) return undefined;
  const g = c.layer.gemm;
  const windowed = c.layer.conv !== undefined && hasWindow(c);
  const choice = bestGemm(c.p, {
    label: 'sparse-2:4 gemm',
    m: g.m,
    n: g.n,
    k: g.k,
    groups: g.groups,
    unit: c.unit,
    aBytes: c.inBytes,
    bBytes: c.wBytes,
    outBytes: c.outBytes,
    sparse24: true,
    aPanelBytes: (mt) => (windowed ? inputShare(c, mt) : mt * g.k * c.inBytes),
    aStepBytes: windowed ? (mt, kt, l1) => gatheredStepBytes(c, mt, kt, l1) : undefined,
    residency: c.residency,
    ...issueOf(c),
  }, c.clockMHz);
  if (!choice) return undefined;
  const layout = layoutKernels(c);
  return algorithmRun('sparse-2:4', [...layout.before, ...choice.runs, ...layout.after], c.layer.macs / 2, 2 * c.unit.macsPerCycle, {});
}
