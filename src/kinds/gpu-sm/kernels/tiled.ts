/**
 * Tiled GEMM kernels (cuBLAS/CUTLASS-style), on tensor cores or CUDA cores: each
 * thread block computes an mt×nt tile of C, stepping through K kt at a time with
 * a multi-stage global→SMEM pipeline; operands are read from SMEM into the math
 * units (warpgroup MMA for tensor cores, register tiles of FMAs for CUDA cores).
 * Implicit-GEMM convolution, im2col+GEMM, the Winograd batched GEMM, direct
 * convolution and 2:4 sparse GEMM all build on this, differing in how A is
 * fetched (receptive field, materialized matrix, transformed tiles, halo tiles).
 *
 * Tile selection is cuDNN/cuBLAS-like: a fixed menu of tile shapes (and split-K
 * when the output tiles cannot fill the SMs), each simulated, the fastest kept.
 */
import { blocksPerSm, l2UsableBytes, type MathUnit } from '../chip.js';
import { panelTraffic, type Residency } from '../memory.js';
import type { GpuParams } from '../params.js';
import { NO_PHASE } from '../sm.js';
import { streamKernel } from './elementwise.js';
import { runKernel, type KernelRun, type KernelSpec } from './kernel.js';

/** A thread-block tile and its pipeline. */
export interface Tile {
  mt: number;
  nt: number;
  kt: number;
  stages: number;
  threads: number;
  /** Warps (warpgroups for tensor cores) along M and N: A is read from SMEM warpsN times, B warpsM times. */
  warpsM: number;
  warpsN: number;
  registersPerThread: number;
}

/** A GEMM C[m×n] = A[m×k]·B[k×n] (`groups` independent ones) to run as tiles; A is the activation side, B the weights. */
export interface GemmProblem {
  label: string;
  m: number;
  n: number;
  k: number;
  groups: number;
  unit: MathUnit;
  /** Bytes per element of A, B and C in memory. */
  aBytes: number;
  bBytes: number;
  outBytes: number;
  /** B (weights) is 2:4 structured-sparse: half the MACs at the doubled sparse rate, half the values plus 2-bit indices. */
  sparse24?: boolean;
  /** DRAM bytes of the A panel an mt-row tile needs over all of K (a plain matrix: mt·k·aBytes). */
  aPanelBytes: (mt: number) => number;
  /** L2 bytes of A one main-loop step loads (default mt·kt·aBytes), given the L1 bytes free per resident block. */
  aStepBytes?: (mt: number, kt: number, l1PerBlock: number) => number;
  /** CUDA cores only: A values reach registers one by one (shifted windows), not as 16-byte vectors. */
  scalarA?: boolean;
  /** CUDA-core tile menu ([mt, nt, threads]) of the library running the problem, when it is not cuBLAS's (default FMA_TILES). */
  fmaTiles?: ReadonlyArray<readonly [number, number, number]>;
  /** Global→SMEM pipeline stages of tensor-core tiles, when the operands forbid the asynchronous copy pipeline (default: as many as fit, 2–4). */
  tensorStages?: number;
  /** The library may split K when the output tiles leave SMs idle (default true; cuBLAS does). */
  splitK?: boolean;
  /** The issue efficiency of this library's kernels: CUDA cores (default efficiency.ffmaIssue) and tensor cores (default efficiency.tensorIssue), cuBLAS's. */
  ffmaIssue?: number;
  tensorIssue?: number;
  residency: Residency;
}

/** FMAs one CUDA-core instruction performs per thread: FFMA 1, HFMA2 2, DP4A 4. */
function macsPerInstruction(unit: MathUnit): number {
  return unit.component === 'fma_fp16' ? 2 : unit.component === 'dot_int8' ? 4 : 1;
}

const TENSOR_TILES: ReadonlyArray<[number, number]> = [[128, 256], [256, 128], [128, 128], [128, 64], [64, 128], [64, 64]];
/** cuBLAS SGEMM-style CUDA-core tiles [mt, nt, threads]. */
const FMA_TILES: ReadonlyArray<readonly [number, number, number]> = [[128, 128, 256], [128, 64, 128], [64, 128, 128], [64, 64, 64], [32, 32, 64]];

/** The tile menu for a unit: warp-specialized warpgroup tiles on tensor cores, register-tiled SGEMM-style tiles on CUDA cores. */
export function tileMenu(p: GpuParams, prob: Pick<GemmProblem, 'unit' | 'aBytes' | 'bBytes' | 'sparse24' | 'fmaTiles' | 'tensorStages'>): Tile[] {
  const u = prob.unit;
  const bB = prob.bBytes * (prob.sparse24 ? 0.5625 : 1);
  if (u.kind === 'tensor') {
    return TENSOR_TILES.map(([mt, nt]) => {
      const kt = u.kStep;
      const stageBytes = (mt * prob.aBytes + nt * bB) * kt;
      const warpsM = Math.ceil(mt / 64);
      const consumers = 128 * warpsM;
      return {
        mt,
        nt,
        kt,
        stages: prob.tensorStages ?? Math.max(2, Math.min(4, Math.floor((p.sm.smemKiB * 1024 - 2048) / stageBytes))),
        threads: consumers + 128,
        warpsM,
        warpsN: 1,
        registersPerThread: Math.ceil((mt * nt) / consumers) + 40,
      };
    });
  }
  return (prob.fmaTiles ?? FMA_TILES).map(([mt, nt, threads]) => {
    const warps = threads / 32;
    const warpsM = 2 ** Math.floor(Math.log2(warps) / 2);
    const perThread = (mt * nt) / threads;
    return { mt, nt, kt: u.kStep, stages: 3, threads, warpsM, warpsN: warps / warpsM, registersPerThread: Math.ceil(perThread + 2 * Math.sqrt(perThread) + 24) };
  });
}

/** The kernels of one tile and split-K choice: the GEMM, then a reduction of the split-K partial sums. Undefined if the tile does not fit. */
export function gemmKernels(p: GpuParams, prob: GemmProblem, tile: Tile, splitK: number): KernelSpec[] | undefined {
  const { mt, nt, kt, threads } = tile;
  const u = prob.unit;
  const block = { threads, registersPerThread: tile.registersPerThread, smemBytes: 0 };
  const bB = prob.bBytes * (prob.sparse24 ? 0.5625 : 1);
  block.smemBytes = tile.stages * (mt * prob.aBytes + nt * bB) * kt;
  const resident = blocksPerSm(p, block);
  if (resident === 0) return undefined;
  const mTiles = Math.ceil(prob.m / mt);
  const nTiles = Math.ceil(prob.n / nt);
  const ctas = mTiles * nTiles * prob.groups * splitK;
  const steps = Math.ceil(Math.ceil(prob.k / splitK) / kt);
  const l1PerBlock = Math.max(0, p.sm.l1KiB * 1024 - resident * (block.smemBytes + 1024)) / resident;
  const aStep = prob.aStepBytes ? prob.aStepBytes(mt, kt, l1PerBlock) : mt * kt * prob.aBytes;
  const bStep = nt * kt * bB;
  // Tensor-core kernels multicast each weight tile to the blocks of a cluster along M: one L2 read per cluster.
  const multicast = u.kind === 'tensor' ? Math.max(1, Math.min(p.sm.clusterMulticast, mTiles)) : 1;
  const tileMacs = mt * nt * kt;

  let mathCycles: number;
  let registersPerMac: number;
  if (u.kind === 'tensor') {
    mathCycles = tileMacs / (u.macsPerCycle * (prob.sparse24 ? 2 : 1) * (prob.tensorIssue ?? p.efficiency.tensorIssue));
    // Accumulators are read and written once per MMA instruction of 16 (×4 B) reduction depth.
    registersPerMac = 2 / (u.kStep / 4);
  } else {
    const perInstr = macsPerInstruction(u);
    const perThread = (mt * nt) / threads;
    const tm = Math.sqrt(perThread);
    const eb = prob.aBytes;
    const loads = prob.scalarA ? tm + (tm * eb) / 16 : (2 * tm * eb) / 16;
    const instrPerK = perThread / perInstr + loads + 0.5;
    const issue = ((threads / 32) * kt * instrPerK) / p.sm.subPartitions;
    mathCycles = Math.max(issue, tileMacs / u.macsPerCycle) / (prob.ffmaIssue ?? p.efficiency.ffmaIssue);
    registersPerMac = 4 / perInstr;
  }
  const smemWrite = mt * kt * prob.aBytes + bStep;
  const smemRead = mt * kt * prob.aBytes * tile.warpsN + bStep * tile.warpsM;

  const l2Usable = l2UsableBytes(p);
  const panels = panelTraffic(
    {
      mTiles,
      nTiles,
      groups: prob.groups * splitK,
      aPanelBytes: prob.aPanelBytes(mt) / splitK,
      bPanelBytes: (nt * prob.k * bB) / splitK,
      concurrent: p.sms * resident,
      swizzle: 8,
    },
    l2Usable,
    prob.residency.inputs,
    prob.residency.weights,
  );
  const partials = splitK > 1;
  const outTileBytes = mt * nt * (partials ? 4 : prob.outBytes);
  const partialBytes = prob.m * prob.n * prob.groups * splitK * 4;
  const outToDram = partials ? partialBytes > l2Usable : !prob.residency.outputs;
  const dramRead = panels.aBytes + panels.bBytes;
  const hwMacs = ctas * steps * tileMacs * (prob.sparse24 ? 0.5 : 1);
  const main: KernelSpec = {
    name: `${prob.label} ${mt}x${nt}x${kt} ${u.component} ${tile.stages}-stage${partials ? ` split-k ${splitK}` : ''}`,
    ctas,
    block,
    program: {
      steps,
      mathCycles,
      lsuCycles: (smemRead + smemWrite) / p.sm.smemBytesPerCycle,
      l2Bytes: aStep + bStep / multicast,
      dramBytes: dramRead / (ctas * steps),
      stages: tile.stages,
      prologue: { ...NO_PHASE, cycles: 64 },
      epilogue: { cycles: (2 * mt * nt) / threads + 64, l2Bytes: outTileBytes, dramBytes: outToDram ? outTileBytes : 0 },
    },
    math: [{ component: u.component, format: u.format, count: hwMacs }],
    registerAccesses: hwMacs * registersPerMac,
    traffic: {
      smem: { readBytes: ctas * steps * smemRead, writeBytes: ctas * steps * smemWrite },
      l1: { readBytes: 0, writeBytes: 0 },
      l2: { readBytes: ctas * steps * (aStep + bStep / multicast), writeBytes: ctas * outTileBytes },
      dram: { readBytes: dramRead, writeBytes: outToDram ? ctas * outTileBytes : 0 },
    },
  };
  if (!partials) return [main];
  const outBytes = prob.m * prob.n * prob.groups * prob.outBytes;
  return [
    main,
    streamKernel(p, {
      name: `split-k ${splitK} reduction`,
      readBytes: partialBytes,
      writeBytes: outBytes,
      dramReadBytes: outToDram ? partialBytes : 0,
      dramWriteBytes: prob.residency.outputs ? 0 : outBytes,
      ops: prob.m * prob.n * prob.groups * splitK,
    }),
  ];
}

/** The fastest tile and split-K choice of a GEMM at `clockMHz`, as its kernels timed. */
export interface GemmChoice {
  runs: KernelRun[];
  cycles: number;
}

/** Split-K factors worth trying: only when the output tiles leave SMs idle, and each slice keeps ≥ 4 steps. */
function splitKs(p: GpuParams, prob: GemmProblem, tile: Tile): number[] {
  const tiles = Math.ceil(prob.m / tile.mt) * Math.ceil(prob.n / tile.nt) * prob.groups;
  const out = [1];
  if (prob.splitK === false) return out;
  for (let s = 2; s <= 32 && tiles * s <= 2 * p.sms && prob.k / s >= 4 * tile.kt; s *= 2) out.push(s);
  return out;
}

/** Simulates every menu tile (and split-K choice) and keeps the fastest: cuBLAS-heuristic-like selection by simulation. */
export function bestGemm(p: GpuParams, prob: GemmProblem, clockMHz: number): GemmChoice | undefined {
  let best: GemmChoice | undefined;
  for (const tile of tileMenu(p, prob)) {
    for (const s of splitKs(p, prob, tile)) {
      const specs = gemmKernels(p, prob, tile, s);
      if (!specs) continue;
      const runs = specs.map((k) => runKernel(p, k, clockMHz));
      if (runs.some((r) => r === undefined)) continue;
      const ok = runs as KernelRun[];
      const cycles = ok.reduce((a, r) => a + r.cycles, 0);
      if (!best || cycles < best.cycles) best = { runs: ok, cycles };
    }
  }
  return best;
}
