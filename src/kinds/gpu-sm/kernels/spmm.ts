/**
 * CSR SpMM the way cuSPARSE runs it (cusparseSpMM, CSR, row-split): the sparse
 * weights A (K × C·R·S, CSR) times the dense activations B (C·R·S × N·OH·OW —
 * for a convolution the im2col matrix, written first by an im2col kernel; for fc
 * the inputs themselves). Each warp owns one row of A and 32 columns of B; per
 * nonzero it loads the column index, then the indexed 32-wide row segment of B,
 * and accumulates — a dependent gather, so a warp keeps only a few loads in
 * flight and the kernel is bound by memory latency and L2 bandwidth, not by the
 * FMA lanes. B rows are hit in L2 at random: the share of B that fits is the
 * hit rate.
 */
import { blocksPerSm } from '../chip.js';
import { panelTraffic } from '../memory.js';
import { csrRows } from './direct-sparse.js';
import { im2colKernel } from './im2col.js';
import { hasWindow } from './implicit-gemm.js';
import { runKernel, type KernelRun, type KernelSpec } from './kernel.js';
import { algorithmRun, type AlgorithmRun, type LayerCtx } from './plan.js';

const WARPS = 4;

export function csrSpmm(c: LayerCtx): AlgorithmRun | undefined {
  if (!c.layer.weights || !c.layer.gemm) return undefined;
  const p = c.p;
  const g = c.layer.gemm;
  const csr = csrRows(c.layer, c.sim.workload, c.sim.seed);
  const windowed = c.layer.conv !== undefined && hasWindow(c);
  const cols = g.m; // B's columns: output pixels × batch
  const ebB = c.inBytes;
  const bBytes = g.k * g.groups * cols * ebB;
  const meanRow = csr.nnz / csr.rows;
  // A thread loads up to 4 consecutive B elements at once: a warp covers 32·vec columns.
  const vec = cols >= 128 ? 4 : cols >= 64 ? 2 : 1;
  const colTiles = Math.ceil(cols / (32 * vec));
  const ctas = Math.ceil(csr.rows / WARPS) * colTiles;
  const block = { threads: 32 * WARPS, registersPerThread: 40, smemBytes: 0 };
  const steps = Math.max(1, Math.round(meanRow));
  const segment = 32 * vec * ebB;
  const perStep = WARPS * (segment + c.wBytes + 4);
  const bResident = windowed ? bBytes <= c.l2Usable : c.residency.inputs;
  const csrBytes = csr.nnz * (c.wBytes + 4);
  // Blocks run rows fastest: the blocks in flight share a few column tiles of B (K × 32·vec), which L2 keeps while they fit.
  const resident = blocksPerSm(p, block);
  const panels = panelTraffic(
    { mTiles: Math.ceil(csr.rows / WARPS), nTiles: colTiles, groups: 1, aPanelBytes: (csrBytes * WARPS) / csr.rows, bPanelBytes: g.k * g.groups * segment, concurrent: p.sms * Math.max(1, resident), swizzle: 1 },
    c.l2Usable,
    c.residency.weights,
    bResident,
  );
  const outTile = WARPS * 32 * vec * c.outBytes;
  const macs = csr.nnz * colTiles * 32 * vec;
  const spmm: KernelSpec = {
    name: `cusparse csr spmm row-split (${WARPS} rows x ${32 * vec} cols per block, ${meanRow.toFixed(1)} nonzeros/row)`,
    ctas,
    block,
    program: {
      steps,
      // Per warp and nonzero: index load and shuffle, the B load, vec FMAs.
      mathCycles: Math.max((WARPS * (3 + vec)) / p.sm.subPartitions, (WARPS * 32 * vec) / p.sm.fp32Lanes) / p.efficiency.ffmaIssue,
      lsuCycles: (WARPS * (segment / 128 + 1 / 32 + 1)),
      l2Bytes: perStep,
      dramBytes: (panels.aBytes + panels.bBytes) / (ctas * steps),
      stages: p.efficiency.loadsInFlight,
      prologue: { cycles: 32, l2Bytes: 0, dramBytes: 0 },
      epilogue: { cycles: 16, l2Bytes: outTile, dramBytes: c.residency.outputs ? 0 : outTile },
    },
    math: [{ component: c.fmaUnit.component === 'fma_fp16' ? 'fma_fp16' : 'fma_fp32', format: c.fmaUnit.format, count: macs }],
    registerAccesses: 4 * macs,
    traffic: {
      smem: { readBytes: 0, writeBytes: 0 },
      l1: { readBytes: ctas * steps * perStep, writeBytes: 0 },
      l2: { readBytes: ctas * steps * perStep, writeBytes: ctas * outTile },
      dram: { readBytes: panels.aBytes + panels.bBytes, writeBytes: c.residency.outputs ? 0 : ctas * outTile },
    },
  };
  const runs = [windowed ? runKernel(p, im2colKernel(c), c.clockMHz) : undefined, runKernel(p, spmm, c.clockMHz)].filter((r): r is KernelRun => r !== undefined);
  if (runs.length !== (windowed ? 2 : 1)) return undefined;
  const executed = Math.min(c.layer.macs, csr.nnz * cols);
  return algorithmRun('csr-spmm', runs, executed, (p.sm.fp32Lanes * c.layer.macs) / Math.max(1, executed), { csr_nonzeros: csr.nnz });
}
