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
 *
 * What the L1 keeps is simulated, not assumed: the resident blocks of one SM
 * (grid channel-fastest, blocks dealt to the SMs in turn) walk their real CSR
 * rows in step, tap by tap, through an LRU model of the L1 left beside their
 * SMEM, in 32-byte sectors of the input rows each tap's warps read. Taps of one
 * input channel in one block, and blocks of the same images on the same SM
 * (deep layers: many output channels, few pixels), hit; blocks of different
 * images (wide layers: few output channels) share nothing.
 *
 * The load pipe is also bounded by latency (Little's law): an SM keeps at most
 * `efficiency.smLoadsInFlight` warp-wide loads in flight through its L1, each
 * for the L1 hit latency, or the L2 latency (plus DRAM's for the input share
 * that misses L2) when the LRU model says it missed; so a block step's loads
 * take at least loads × mean latency / loads in flight. The measured H100
 * times are flat in the sub-batch, as this bound is, and not as the sub-batch's
 * fewer SMEM reads per load would make them.
 */
import { weightMask } from '../../../workload/sparsity.js';
import type { Layer } from '../../../workload/layer.js';
import type { WorkloadKey } from '../../../workload/sparsity.js';
import { blocksPerSm, memoryShare } from '../chip.js';
import { runKernel } from './kernel.js';
import { algorithmRun, type AlgorithmRun, type LayerCtx } from './plan.js';

/** CSR shape of a layer's weights: rows (output channels), columns, nonzeros and the unified (largest) row length. */
export interface CsrRows {
  rows: number;
  cols: number;
  nnz: number;
  maxRow: number;
}

const csrCache = new WeakMap<Layer, Map<string, CsrRows>>();

/** CSR row statistics of a layer's weight mask (K × C/g·R·S, taps (c, r, s) row-major). */
export function csrRows(layer: Layer, workload: WorkloadKey, seed: number): CsrRows {
  const key = `${workload.name}\u0000${seed}`;
  const cached = csrCache.get(layer)?.get(key);
  if (cached) return cached;
  const mask = weightMask(layer, workload, seed);
  const rows = layer.conv!.k;
  const cols = mask.length / rows;
  let nnz = 0;
  let maxRow = 0;
  for (let k = 0; k < rows; k++) {
    let n = 0;
    for (let i = 0; i < cols; i++) if (mask[k * cols + i] !== 0) n++;
    nnz += n;
    maxRow = Math.max(maxRow, n);
  }
  const out = { rows, cols, nnz, maxRow };
  if (!csrCache.has(layer)) csrCache.set(layer, new Map());
  csrCache.get(layer)!.set(key, out);
  return out;
}

const tapCache = new WeakMap<Layer, Map<string, Int32Array>>();

/**
 * The CSR column indices (taps c·R·S + r·S + s, sorted) of every output channel,
 * K × maxRow: a row shorter than the unified length is padded with its last tap —
 * the seed pads with zeros beside the real ones, so the padding reads what they read.
 */
function csrTaps(layer: Layer, workload: WorkloadKey, seed: number, maxRow: number): Int32Array {
  const key = `${workload.name}\u0000${seed}`;
  const cached = tapCache.get(layer)?.get(key);
  if (cached) return cached;
  const mask = weightMask(layer, workload, seed);
  const rows = layer.conv!.k;
  const cols = mask.length / rows;
  const taps = new Int32Array(rows * maxRow);
  for (let k = 0; k < rows; k++) {
    let n = 0;
    for (let i = 0; i < cols; i++) if (mask[k * cols + i] !== 0) taps[k * maxRow + n++] = i;
    for (let j = n; j < maxRow; j++) taps[k * maxRow + j] = n > 0 ? taps[k * maxRow + n - 1]! : 0;
  }
  if (!tapCache.has(layer)) tapCache.set(layer, new Map());
  tapCache.get(layer)!.set(key, taps);
  return taps;
}

/** L1 sector size: misses fetch 32-byte sectors from L2. */
const SECTOR = 32;

/** What one SM's resident blocks run: the grid shape, the block, the L1 beside their SMEM. */
interface SmShare {
  /** Blocks of the grid (K × sub-batches, channel fastest), blocks resident per SM, SMs. */
  ctas: number;
  resident: number;
  sms: number;
  sb: number;
  threads: number;
  steps: number;
  /** L1 bytes left for data. */
  l1Bytes: number;
  eb: number;
  /** Taps each resident block runs behind the one dispatched before it. */
  driftTaps: number;
}

/**
 * Input bytes one SM fetches from L2 in one main-loop step of its resident blocks
 * (a steady-state step: the step after the middle one, its predecessor warming
 * the L1). Blocks are dealt to the SMs in turn, so SM 0 holds blocks 0, S, 2S, …
 * (S SMs): output channel id mod K, images id div K — blocks of the same
 * sub-batch read the same input. They walk their CSR rows in step (every row has
 * the unified length); per tap and image the block's warps read, for each output
 * row of the step's pixels, one run of input elements — the sectors it touches go
 * through an LRU cache of input rows (exact LRU over (images, channel, row),
 * sectors merged per row). Also returns the fraction of those runs that missed
 * (fetched at least one sector): the loads that wait for the L2.
 */
function l1Fills(layer: Layer, taps: Int32Array, maxRow: number, m: SmShare): { bytes: number; missRate: number; pixels: number } {
  const g = layer.conv!;
  const hp = g.h + 2 * g.padH;
  const wp = g.w + 2 * g.padW;
  const pq = g.oh * g.ow;
  const rs = g.r * g.s;
  const cPerGroup = g.c / g.groups;
  const kPerGroup = g.k / g.groups;
  const imageBytes = g.c * hp * wp * m.eb;
  const blocks: Array<{ k: number; slot: number }> = [];
  const slotOf = new Map<number, number>();
  for (let i = 0; i < m.resident && i * m.sms < m.ctas; i++) {
    const id = i * m.sms;
    const images = Math.floor(id / g.k);
    if (!slotOf.has(images)) slotOf.set(images, slotOf.size);
    blocks.push({ k: id % g.k, slot: slotOf.get(images)! });
  }
  // Rows are keyed (sub-batch slot, image, channel, input row); lo/hi hold sector + 1 (0: not cached).
  const keys = slotOf.size * m.sb * g.c * hp;
  const lo = new Float64Array(keys);
  const hi = new Float64Array(keys);
  const prev = new Int32Array(keys).fill(-1);
  const next = new Int32Array(keys).fill(-1);
  let head = -1;
  let tail = -1;
  let used = 0;
  const unlink = (key: number) => {
    const a = prev[key]!;
    const b = next[key]!;
    if (a >= 0) next[a] = b;
    else head = b;
    if (b >= 0) prev[b] = a;
    else tail = a;
  };
  const pushFront = (key: number) => {
    prev[key] = -1;
    next[key] = head;
    if (head >= 0) prev[head] = key;
    head = key;
    if (tail < 0) tail = key;
  };
  /** Reads sectors [u0, u1] of row `key`; returns the sectors fetched. */
  const read = (key: number, u0: number, u1: number): number => {
    let fetched: number;
    if (lo[key] === 0) {
      fetched = u1 - u0 + 1;
      lo[key] = u0 + 1;
      hi[key] = u1 + 1;
    } else {
      unlink(key);
      const a = Math.min(lo[key]!, u0 + 1);
      const b = Math.max(hi[key]!, u1 + 1);
      fetched = b - a - (hi[key]! - lo[key]!);
      lo[key] = a;
      hi[key] = b;
    }
    pushFront(key);
    used += fetched;
    while (used * SECTOR > m.l1Bytes && tail >= 0 && tail !== key) {
      const t = tail;
      used -= hi[t]! - lo[t]! + 1;
      lo[t] = 0;
      unlink(t);
    }
    return fetched;
  };
  let runs = 0;
  let missed = 0;
  let sectors = 0;
  const period = m.steps * maxRow;
  /** Block `b` reads its tap at position `pos` of its walk (step-major, tap-minor), wrapped over the block's whole walk. */
  const readTap = (blk: { k: number; slot: number }, pos: number) => {
    const wrapped = ((pos % period) + period) % period;
    const t = Math.floor(wrapped / maxRow);
    const j = wrapped - t * maxRow;
    const a = t * m.threads;
    const b = Math.min(pq, a + m.threads);
    const p0 = Math.floor(a / g.ow);
    const p1 = Math.floor((b - 1) / g.ow);
    const tap = taps[blk.k * maxRow + j]!;
    const c = Math.floor(blk.k / kPerGroup) * cPerGroup + Math.floor(tap / rs);
    const r = Math.floor((tap % rs) / g.s);
    const sCol = tap % g.s;
    for (let img = 0; img < m.sb; img++) {
      const rowBase = (blk.slot * m.sb + img) * g.c * hp + c * hp;
      const imageBase = img * imageBytes;
      for (let op = p0; op <= p1; op++) {
        const q0 = op === p0 ? a - op * g.ow : 0;
        const q1 = op === p1 ? b - 1 - op * g.ow : g.ow - 1;
        const y = op * g.strideH + r;
        const start = imageBase + ((c * hp + y) * wp + q0 * g.strideW + sCol) * m.eb;
        const end = imageBase + ((c * hp + y) * wp + q1 * g.strideW + sCol) * m.eb + m.eb - 1;
        const fetched = read(rowBase + y, Math.floor(start / SECTOR), Math.floor(end / SECTOR));
        sectors += fetched;
        runs++;
        if (fetched > 0) missed++;
      }
    }
  };
  const drift = m.driftTaps;
  const t0 = Math.max(0, Math.floor(m.steps / 2) - 1);
  // Warm for one step's walk, then count the next one (a single-step block starts cold).
  for (let phase = m.steps > 1 ? 0 : 1; phase < 2; phase++) {
    runs = 0;
    missed = 0;
    sectors = 0;
    const base = (m.steps > 1 ? t0 + phase : 0) * maxRow;
    for (let j = 0; j < maxRow; j++) blocks.forEach((blk, i) => readTap(blk, base + j - Math.round(i * drift)));
  }
  const bytes = sectors * SECTOR;
  const measured = m.steps > 1 ? t0 + 1 : 0;
  const pixels = Math.min(pq, (measured + 1) * m.threads) - measured * m.threads;
  return { bytes, missRate: runs > 0 ? missed / runs : 0, pixels };
}

const MAX_THREADS = 256;

/**
 * Cycles a warp load that hits the L1 holds its slot, issue to data back. Guess between
 * gpgpu-sim SM7_QV100's L1 latency of 20 (numbers.md §E) and the 30–40 Hopper microbenchmarks
 * report (U); the fit of smLoadsInFlight barely depends on it (16 or 48 cycles: same value, ±2 % error).
 */
const L1_HIT_CYCLES = 32;

/** The seed's kernel with sub-batch `sb`. */
function withSubBatch(c: LayerCtx, csr: CsrRows, taps: Int32Array, sb: number): AlgorithmRun | undefined {
  const p = c.p;
  const g = c.layer.conv!;
  const eb = c.inBytes;
  const nnz = csr.maxRow;
  const pq = g.oh * g.ow;
  const threads = Math.min(MAX_THREADS, Math.ceil(pq / 32) * 32);
  const warps = threads / 32;
  const steps = Math.ceil(pq / threads);
  // The last step runs only the pixels left: per step, the mean warps and pixels.
  const stepWarps = Math.ceil(pq / 32) / steps;
  const stepPixels = pq / steps;
  const images = Math.ceil(g.n / sb);
  const ctas = g.k * images;
  const block = { threads, registersPerThread: 32 + 2 * sb, smemBytes: nnz * (eb + 4) };
  const resident = blocksPerSm(p, block);
  if (resident === 0) return undefined;
  const stride = g.strideW;
  // Expected 128-byte L1 lines a warp's unaligned, stride-spaced span of 32 inputs touches.
  const wavefronts = (32 * stride * eb) / 128 + 1;
  // Per nonzero and warp: the sub-batch's input loads plus the two SMEM broadcasts (offset, value).
  const lsu = stepWarps * nnz * (sb * wavefronts + 2);
  const issue = (stepWarps * nnz * (2 + 2 * sb)) / p.sm.subPartitions;
  const fma = (stepPixels * nnz * sb) / p.sm.fp32Lanes;
  // Input through L2: the L1 misses of a step of this SM's resident blocks, shared out per block.
  const l1Bytes = Math.max(0, p.sm.l1KiB * 1024 - resident * block.smemBytes);
  const smBlocks = Math.min(resident, Math.ceil(ctas / p.sms));
  const fills = l1Fills(c.layer, taps, nnz, { ctas, resident: smBlocks, sms: p.sms, sb, threads, steps, l1Bytes, eb, driftTaps: p.efficiency.blockDriftTaps });
  const l2Loads = (fills.bytes / smBlocks) * (stepPixels / fills.pixels);
  const stores = stepPixels * sb * c.outBytes;
  // DRAM: a sub-batch's input serves the blocks of all K channels; they share it in L2
  // when the sub-batches in flight fit, else each wave of channel blocks reads it again.
  const imageBytes = g.c * (g.h + 2 * g.padH) * (g.w + 2 * g.padW) * eb;
  const subBatchesInFlight = Math.max(1, Math.ceil((p.sms * resident) / g.k));
  const passes = subBatchesInFlight * sb * imageBytes <= c.l2Usable ? 1 : Math.ceil(g.k / (p.sms * resident));
  const inputDram = c.residency.inputs ? 0 : Math.min(ctas * steps * l2Loads, c.tensorBytes.inputs * passes);
  const csrBytes = nnz * (eb + 4);
  // Latency (Little's law over the SM's loads in flight): an L1 miss waits for the L2, and for
  // DRAM in the share of the input that misses L2. Per block step on the shared load pipe.
  const lat = memoryShare(p, Math.min(p.sms, ctas), c.clockMHz);
  const missLatency = lat.l2LatencyCycles + (inputDram / Math.max(1, ctas * steps * l2Loads)) * lat.dramLatencyCycles;
  const loadLatency = L1_HIT_CYCLES + fills.missRate * missLatency;
  const latencyBound = (stepWarps * nnz * sb * loadLatency) / p.efficiency.smLoadsInFlight;
  const outDram = c.residency.outputs ? 0 : c.tensorBytes.outputs;
  const macs = g.k * nnz * g.n * pq;
  const kernel = {
    name: `direct-sparse csr k-block sub-batch ${sb} (${nnz} nonzeros/channel, ${threads} threads)`,
    ctas,
    block,
    program: {
      steps,
      mathCycles: Math.max(issue, fma) / p.efficiency.ffmaIssue,
      lsuCycles: Math.max(lsu, latencyBound),
      l2Bytes: l2Loads + stores,
      dramBytes: (inputDram + outDram) / (ctas * steps),
      // The step's loads spread over it (their latency is in latencyBound): the next step's stream behind this one's.
      stages: 2,
      prologue: { cycles: (2 * nnz) / warps + 32, l2Bytes: csrBytes, dramBytes: c.residency.weights ? 0 : (g.k * csrBytes) / ctas },
      epilogue: { cycles: 0, l2Bytes: 0, dramBytes: 0 },
    },
    math: [{ component: c.fmaUnit.component === 'fma_fp16' ? 'fma_fp16' : 'fma_fp32', format: c.fmaUnit.format, count: macs }],
    registerAccesses: 4 * macs,
    traffic: {
      smem: { readBytes: ctas * steps * stepWarps * nnz * 8, writeBytes: ctas * csrBytes },
      l1: { readBytes: ctas * steps * stepWarps * nnz * sb * wavefronts * 128, writeBytes: 0 },
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
  const taps = csrTaps(c.layer, c.sim.workload, c.sim.seed, csr.maxRow);
  const sbs = c.p.subBatch === 'auto' ? [1, 2, 4, 8].filter((s) => s === 1 || s <= c.layer.conv!.n) : [c.p.subBatch];
  let best: AlgorithmRun | undefined;
  for (const sb of sbs) {
    const r = withSubBatch(c, csr, taps, sb);
    if (r && (!best || r.cycles < best.cycles)) best = r;
  }
  return best;
}
