/**
 * The direct sparse convolution of Pietroń & Żurek (seed 001, after Chen's
 * Escoin and Park et al.): weights in CSR with every output channel padded to the
 * same number of nonzeros (the "unified" per-channel sparsity: the longest row
 * sets it), column indices precomputed as offsets into the padded NCHW input;
 * one thread block per output channel and sub-batch of `subBatch` images, its
 * CSR row (values and offsets) staged in SMEM; each thread computes one output
 * pixel for the sub-batch, broadcasting each (value, offset) pair from SMEM and
 * loading the input through the read-only L1 path — coalesced along a row of
 * output pixels. The sub-batch reuses each weight `subBatch` times from
 * registers; larger sub-batches mean fewer, longer blocks and more input per
 * block competing for L1 and L2 (the seed picks it per layer).
 */
import { weightMask } from '../../../workload/sparsity.js';
import type { Layer } from '../../../workload/layer.js';
import type { WorkloadKey } from '../../../workload/sparsity.js';
import { blocksPerSm } from '../chip.js';
import { runKernel } from './kernel.js';
import { algorithmRun, type AlgorithmRun, type LayerCtx } from './plan.js';

/** Per output channel: the unified (largest) row length and the mean number of distinct (c, r) input rows a row touches. */
export interface CsrRows {
  rows: number;
  cols: number;
  nnz: number;
  maxRow: number;
  meanDistinctRows: number;
}

const csrCache = new WeakMap<Layer, Map<string, CsrRows>>();

/** CSR row statistics of a layer's weight mask (K × C/g·R·S, taps (c, r, s) row-major). */
export function csrRows(layer: Layer, workload: WorkloadKey, seed: number): CsrRows {
  const key = `${workload.name}\u0000${seed}`;
  const cached = csrCache.get(layer)?.get(key);
  if (cached) return cached;
  const conv = layer.conv!;
  const mask = weightMask(layer, workload, seed);
  const rows = conv.k;
  const cols = mask.length / rows;
  let nnz = 0;
  let maxRow = 0;
  let distinct = 0;
  for (let k = 0; k < rows; k++) {
    let n = 0;
    let lastCr = -1;
    let d = 0;
    for (let i = 0; i < cols; i++) {
      if (mask[k * cols + i] === 0) continue;
      n++;
      const cr = Math.floor(i / conv.s);
      // Taps are sorted, so a (c, r) row's taps are consecutive.
      if (cr !== lastCr) d++;
      lastCr = cr;
    }
    nnz += n;
    maxRow = Math.max(maxRow, n);
    distinct += d;
  }
  const out = { rows, cols, nnz, maxRow, meanDistinctRows: distinct / rows };
  if (!csrCache.has(layer)) csrCache.set(layer, new Map());
  csrCache.get(layer)!.set(key, out);
  return out;
}

const MAX_THREADS = 256;

/** The seed's kernel with sub-batch `sb`. */
function withSubBatch(c: LayerCtx, csr: CsrRows, sb: number): AlgorithmRun | undefined {
  const p = c.p;
  const g = c.layer.conv!;
  const eb = c.inBytes;
  const nnz = csr.maxRow;
  const pq = g.oh * g.ow;
  const threads = Math.min(MAX_THREADS, Math.ceil(pq / 32) * 32);
  const warps = threads / 32;
  const steps = Math.ceil(pq / threads);
  const images = Math.ceil(g.n / sb);
  const ctas = g.k * images;
  const block = { threads, registersPerThread: 32 + 2 * sb, smemBytes: nnz * (eb + 4) };
  const resident = blocksPerSm(p, block);
  if (resident === 0) return undefined;
  const stride = g.strideW;
  // Expected 128-byte L1 lines a warp's unaligned, stride-spaced span of 32 inputs touches.
  const wavefronts = (32 * stride * eb) / 128 + 1;
  const lsu = warps * nnz * (sb * wavefronts + 1);
  const issue = (warps * nnz * (2 + 2 * sb)) / p.sm.subPartitions;
  const fma = (threads * nnz * sb) / p.sm.fp32Lanes;
  // L1 serves the taps of one (c, r) input row from one fetch while the block's
  // rows fit beside the other resident blocks; otherwise every tap refetches.
  const segment = threads * stride * eb;
  const rowsPerStep = csr.meanDistinctRows * sb * segment;
  const l1Free = Math.max(0, p.sm.l1KiB * 1024 - resident * block.smemBytes);
  const l2Loads = resident * rowsPerStep <= l1Free ? rowsPerStep : nnz * sb * segment;
  const stores = threads * sb * c.outBytes;
  // DRAM: a sub-batch's input serves the blocks of all K channels; they share it in L2
  // when the sub-batches in flight fit, else each wave of channel blocks reads it again.
  const imageBytes = g.c * (g.h + 2 * g.padH) * (g.w + 2 * g.padW) * eb;
  const inFlight = Math.max(1, Math.ceil((p.sms * resident) / g.k));
  const passes = inFlight * sb * imageBytes <= c.l2Usable ? 1 : Math.ceil(g.k / (p.sms * resident));
  const inputDram = c.residency.inputs ? 0 : Math.min(ctas * steps * l2Loads, c.tensorBytes.inputs * passes);
  const csrBytes = nnz * (eb + 4);
  const outDram = c.residency.outputs ? 0 : c.tensorBytes.outputs;
  const macs = g.k * nnz * g.n * pq;
  const kernel = {
    name: `direct-sparse csr k-block sub-batch ${sb} (${nnz} nonzeros/channel, ${threads} threads)`,
    ctas,
    block,
    program: {
      steps,
      mathCycles: Math.max(issue, fma) / p.efficiency.ffmaIssue,
      lsuCycles: lsu,
      l2Bytes: l2Loads + stores,
      dramBytes: (inputDram + outDram) / (ctas * steps),
      stages: p.efficiency.loadsInFlight,
      prologue: { cycles: (2 * nnz) / warps + 32, l2Bytes: csrBytes, dramBytes: c.residency.weights ? 0 : (g.k * csrBytes) / ctas },
      epilogue: { cycles: 0, l2Bytes: 0, dramBytes: 0 },
    },
    math: [{ component: c.fmaUnit.component === 'fma_fp16' ? 'fma_fp16' : 'fma_fp32', format: c.fmaUnit.format, count: macs }],
    registerAccesses: 4 * macs,
    traffic: {
      smem: { readBytes: ctas * steps * warps * nnz * 8, writeBytes: ctas * csrBytes },
      l1: { readBytes: ctas * steps * warps * nnz * sb * wavefronts * 128, writeBytes: 0 },
      l2: { readBytes: ctas * (steps * l2Loads + csrBytes), writeBytes: ctas * steps * stores },
      dram: { readBytes: inputDram + (c.residency.weights ? 0 : g.k * csrBytes), writeBytes: outDram },
    },
  };
  const run = runKernel(p, kernel, c.clockMHz);
  if (!run) return undefined;
  const executed = Math.min(c.layer.macs, macs);
  return algorithmRun('direct-sparse', [run], executed, (p.sm.fp32Lanes * c.layer.macs) / Math.max(1, executed), {
    sub_batch: sb,
    csr_nonzeros_per_channel: nnz,
    csr_padding: csr.rows * nnz - csr.nnz,
  });
}

/** The seed's direct sparse convolution, sub-batch fixed or (auto) the fastest of 1, 2, 4, 8. */
export function directSparse(c: LayerCtx): AlgorithmRun | undefined {
  if (!c.layer.weights || !c.layer.conv) return undefined;
  const csr = csrRows(c.layer, c.sim.workload, c.sim.seed);
  const sbs = c.p.subBatch === 'auto' ? [1, 2, 4, 8].filter((s) => s === 1 || s <= c.layer.conv!.n) : [c.p.subBatch];
  let best: AlgorithmRun | undefined;
  for (const sb of sbs) {
    const r = withSubBatch(c, csr, sb);
    if (r && (!best || r.cycles < best.cycles)) best = r;
  }
  return best;
}
