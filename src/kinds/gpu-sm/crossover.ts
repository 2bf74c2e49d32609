/**
 * The seeds' question per layer: below which weight density does a sparse kernel
 * (the seed paper's direct sparse convolution, cuSPARSE CSR SpMM) beat the best
 * dense algorithm, and does 2:4 structured sparsity pay where the chip has it?
 * Every time is a full simulation of the layer (power limit included); the
 * crossover density is found by bisection over weight density, with the seed's
 * equal nonzero count per output channel.
 */
import type { QualifiedArch } from '../kind.js';
import { resolveNetwork, type Layer, type Workload } from '../../workload/layer.js';
import { networkSchema, type NumberFormat } from '../../workload/trace.js';
import type { GpuParams } from './params.js';
import { simulateGpuLayer } from './simulate.js';

/** Sparse kernels the crossover compares with dense. */
export const SPARSE_KERNELS = ['direct-sparse', 'csr-spmm'] as const;
export type SparseKernel = (typeof SPARSE_KERNELS)[number];

/** The crossover of one layer in one format. */
export interface CrossoverRow {
  layer: string;
  format: NumberFormat;
  denseAlgorithm: string;
  denseSeconds: number;
  /** Per sparse kernel: the density at and below which it is at least as fast as dense (null: never, even at one nonzero per row). */
  crossover: Record<SparseKernel, number | null>;
  /** Dense time over 2:4 time, when the chip and format have 2:4 tensor cores (else null). */
  sparse24Speedup: number | null;
}

/** The trace spec of a resolved MAC layer, so that it can be rebuilt with other operands. */
function layerSpec(l: Layer): Record<string, unknown> | undefined {
  const g = l.conv!;
  switch (l.op) {
    case 'conv2d':
      return { op: 'conv2d', input: [g.c, g.h, g.w], filters: g.k, kernel: [g.r, g.s], stride: [g.strideH, g.strideW], padding: [g.padH, g.padW], groups: g.groups };
    case 'conv1d':
      return { op: 'conv1d', input: [g.c, g.w], filters: g.k, kernel: g.s, stride: g.strideW, padding: g.padW };
    case 'fc':
      return { op: 'fc', inFeatures: g.c, outFeatures: g.k };
    case 'matmul':
      return { op: 'matmul', m: g.h, n: g.k, k: g.c };
    default:
      return undefined;
  }
}

/** A one-layer workload: `layer` in `format`, with the given weight spec. */
function variant(source: Workload, layer: Layer, format: NumberFormat, weights: Record<string, unknown>): Workload {
  const spec = networkSchema.parse({
    name: source.name,
    source: source.source,
    batch: layer.batch,
    seed: source.seed,
    defaults: { weights: { format }, inputs: { format }, bias: false },
    layers: [{ name: layer.name, ...layerSpec(layer), weights: { format, ...weights } }],
  });
  return resolveNetwork(spec, source.origin);
}

/** Seconds of `w`'s layer on `arch` with `algorithm` (auto: the fastest). */
export function layerSeconds(arch: QualifiedArch<GpuParams>, w: Workload, algorithm: GpuParams['algorithm']): { seconds: number; algorithm: string } {
  const a = { ...arch, params: { ...arch.params, algorithm }, hash: `${arch.hash}:${algorithm}` };
  const t = simulateGpuLayer(w.layers[0]!, a, { workload: w, seed: w.seed });
  return { seconds: t.cycles / (arch.params.clockMHz * 1e6), algorithm: String(t.details.algorithm) };
}

/** Density at and below which `kernel` beats `denseSeconds` (bisection over log density, 14 steps), or null. */
function crossoverDensity(arch: QualifiedArch<GpuParams>, source: Workload, layer: Layer, format: NumberFormat, kernel: SparseKernel, denseSeconds: number): number | null {
  const cols = layer.gemm!.k;
  const at = (d: number) => layerSeconds(arch, variant(source, layer, format, { density: d, pattern: 'per-channel-uniform' }), kernel).seconds;
  const lo0 = 1 / cols;
  if (at(lo0) > denseSeconds) return null;
  if (at(1) <= denseSeconds) return 1;
  let lo = Math.log(lo0);
  let hi = 0;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (at(Math.exp(mid)) <= denseSeconds) lo = mid;
    else hi = mid;
  }
  return Math.exp(lo);
}

/** Crossover rows of every convolution and fc/matmul layer of `workload`, per format, against the fastest dense algorithm (or `dense`, when given per format). */
export function crossover(arch: QualifiedArch<GpuParams>, workload: Workload, formats: readonly NumberFormat[], dense: Partial<Record<NumberFormat, GpuParams['algorithm']>> = {}): CrossoverRow[] {
  const rows: CrossoverRow[] = [];
  for (const layer of workload.layers) {
    if (!layer.gemm || !layerSpec(layer) || layer.conv!.groups > 1) continue;
    for (const format of formats) {
      const best = layerSeconds(arch, variant(workload, layer, format, {}), dense[format] ?? 'auto');
      const crossoverBy = Object.fromEntries(
        SPARSE_KERNELS.map((k) => [k, crossoverDensity(arch, workload, layer, format, k, best.seconds)]),
      ) as Record<SparseKernel, number | null>;
      const s24 = layerSeconds(arch, variant(workload, layer, format, { pattern: { type: 'nm', n: 2, m: 4 } }), 'sparse-2:4');
      rows.push({
        layer: layer.name,
        format,
        denseAlgorithm: best.algorithm,
        denseSeconds: best.seconds,
        crossover: crossoverBy,
        sparse24Speedup: s24.algorithm === 'sparse-2:4' ? best.seconds / s24.seconds : null,
      });
    }
  }
  return rows;
}
