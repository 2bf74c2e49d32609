/**
 * The outer-product engine: C = Σ_k A[:,k] ⊗ B[k,:].
 *
 * Multiply: each nonempty column k of A with row k of B is one partial-product
 * matrix (one list per nonzero of the column, each a scaled copy of B's row).
 * Merge, two ways:
 * - `dram` (OuterSPACE-like): phase 1, PEs compute the partial matrices (one
 *   per task) and write every list to DRAM; phase 2, after all are written,
 *   each nonempty row of C is a PE task that reads its lists back and merges
 *   them with a radix-R merger (passes over partial fibers beyond R lists).
 * - `tree` (SpArch-like): one merge tree of radix R and `lanes` elements per
 *   cycle merges partial matrices as the multipliers produce them; with more
 *   partial matrices than R, a Huffman schedule (smallest first) runs several
 *   rounds whose intermediate results go to DRAM and come back. Condensing A
 *   makes the c-th partial matrix gather every row's c-th nonzero, so there are
 *   only as many as the longest row of A has nonzeros.
 */
import { FiberLru } from '../sparse-common/cache.js';
import { fiberLength, transpose, type Csr } from '../sparse-common/csr.js';
import { addAccount, emptyAccount, farmTasks, runFarm, type FarmConfig, type FarmResult } from '../sparse-common/farm.js';
import { fiberBits, fiberMetadataBits } from '../sparse-common/formats.js';
import { bufferBytes, type EngineRun } from '../sparse-common/layer.js';
import type { GemmOperands, OperandBits } from '../sparse-common/lower.js';
import { countingStrategy, huffmanTree, mergeSchedule, nodeCount, radixTree, RowMerger, type NodeTotals, type RowMergeStats } from '../sparse-common/merge.js';
import { CsrBuilder } from '../sparse-common/result.js';
import type { SparseOuterParams } from './params.js';

/** Runs the outer-product engine over a layer's products; in functional mode (operands with values) also returns C per product. */
export function runOuterEngine(gemms: readonly GemmOperands[], p: SparseOuterParams, bits: OperandBits, functional = false): { run: EngineRun; outputs: Csr[] } {
  return p.merge.mode === 'dram' ? dramMerge(gemms, p, bits, functional) : treeMerge(gemms, p, bits, functional);
}

function farmConfig(p: SparseOuterParams, units: number, start: number): FarmConfig {
  return { units, wordsPerCycle: p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle, latency: p.dram.latencyCycles, prefetch: units * p.pes.prefetch, start };
}

function dramMerge(gemms: readonly GemmOperands[], p: SparseOuterParams, bits: OperandBits, functional: boolean): { run: EngineRun; outputs: Csr[] } {
  const meta = p.metadata;
  const fmt = p.formats;
  const wb = p.wordBits;
  const units = p.pes.count;
  const elemBits = bits.c + meta.indexBits;
  // A list's header: the row it belongs to and where its elements start.
  const headerBits = meta.indexBits + meta.pointerBits;
  const cols = gemms.map(({ a }) => transpose(a));
  let mulTasks = 0;
  let mergeTasks = 0;
  gemms.forEach(({ a, b }, g) => {
    const at = cols[g]!;
    for (let k = 0; k < at.rows; k++) if (fiberLength(at, k) > 0 && fiberLength(b, k) > 0) mulTasks++;
    for (let i = 0; i < a.rows; i++) if (fiberLength(a, i) > 0) mergeTasks++;
  });
  // Phase 1: multiply, one partial matrix per task, every list written out.
  const mul = farmTasks(mulTasks);
  let t = 0;
  let macs = 0, aRead = 0, bRead = 0, inMeta = 0, listBits = 0, listMeta = 0, operandElements = 0;
  gemms.forEach(({ a, b }, g) => {
    const at = cols[g]!;
    for (let k = 0; k < at.rows; k++) {
      const ak = fiberLength(at, k);
      const bk = fiberLength(b, k);
      if (ak === 0 || bk === 0) continue;
      const products = ak * bk;
      const rA = fiberBits(fmt.a, ak, a.rows, bits.a, meta);
      const rB = fiberBits(fmt.b, bk, b.cols, bits.b, meta);
      const w = ak * headerBits + products * elemBits;
      mul.readWords[t] = (rA + rB) / wb;
      mul.writeWords[t] = w / wb;
      mul.mac[t] = products;
      t++;
      macs += products;
      aRead += rA;
      bRead += rB;
      inMeta += fiberMetadataBits(fmt.a, ak, a.rows, meta) + fiberMetadataBits(fmt.b, bk, b.cols, meta);
      listBits += w;
      listMeta += ak * headerBits + products * meta.indexBits;
      operandElements += ak + bk;
    }
  });
  const phase1 = runFarm(mul, farmConfig(p, units, 0));

  // Phase 2: merge, one output row per task, its lists read back.
  const mrg = farmTasks(mergeTasks);
  const st: RowMergeStats = { leafElements: 0, partialElements: 0, passes: 0, output: 0 };
  const outputs: Csr[] = [];
  t = 0;
  let mergeInputs = 0, outs = 0, outBits = 0, outMeta = 0, passes = 0, localPartials = 0;
  gemms.forEach(({ a, b }, g) => {
    // Counting: a list of row i from column k has B row k's coordinates. Functional: the lists themselves, values included.
    const lists = functional ? partialLists(a, b, cols[g]!) : undefined;
    const src = lists ? lists.matrix : b;
    const merger = new RowMerger(src, functional ? 'values' : countingStrategy(b));
    let maxL = 0;
    for (let i = 0; i < a.rows; i++) maxL = Math.max(maxL, fiberLength(a, i));
    const fiber = new Int32Array(maxL);
    const ones = functional ? new Float64Array(maxL).fill(1) : undefined;
    const builder = functional ? new CsrBuilder(a.rows, b.cols) : undefined;
    const row = { idx: [] as number[], val: [] as number[] };
    for (let i = 0; i < a.rows; i++) {
      const lo = a.ptr[i]!;
      const L = a.ptr[i + 1]! - lo;
      if (L === 0) continue;
      for (let q = 0; q < L; q++) fiber[q] = lists ? lists.id[lo + q]! : a.idx[lo + q]!;
      row.idx.length = 0;
      row.val.length = 0;
      merger.merge(radixTree(L, p.merge.radix), fiber, st, ones, row);
      if (builder) builder.setRow(i, row.idx, row.val);
      const rd = st.leafElements * elemBits + L * headerBits;
      const wr = fiberBits(fmt.c, st.output, b.cols, bits.c, meta);
      mrg.readWords[t] = rd / wb;
      mrg.writeWords[t] = wr / wb;
      mrg.merge[t] = st.leafElements + st.partialElements;
      t++;
      mergeInputs += st.leafElements + st.partialElements;
      localPartials += st.partialElements;
      passes += st.passes;
      outs += st.output;
      outBits += wr;
      outMeta += fiberMetadataBits(fmt.c, st.output, b.cols, meta);
    }
    if (builder) outputs.push(builder.build());
  });
  const phase2 = runFarm(mrg, farmConfig(p, units, phase1.end));
  const account = emptyAccount();
  addAccount(account, phase1.account);
  addAccount(account, phase2.account);
  const partialMatrices = mulTasks;
  const run: EngineRun = {
    cycles: phase2.end,
    units,
    account,
    macs,
    intersectSteps: 0,
    mergeInputs,
    dram: { read: aRead + bRead + listBits, write: listBits + outBits },
    dramMetadataBits: inMeta + 2 * listMeta + outMeta,
    globalBuffer: { read: aRead + bRead + listBits, write: aRead + bRead + listBits },
    peBuffers: { read: listBits + localPartials * elemBits, write: listBits + localPartials * elemBits },
    operandElements,
    psumWrites: macs + localPartials + outs,
    outputs: outs,
    psum: 'matrix',
    psumUnitElements: partialMatrices > 0 ? macs / partialMatrices : 0,
    details: {
      partial_matrices: partialMatrices,
      multiply_phase_cycles: phase1.end,
      merge_phase_cycles: phase2.end - phase1.end,
      merge_passes: passes,
      farm_events: phase1.events + phase2.events,
    },
  };
  return { run, outputs };
}

/** The partial-product lists of a product in functional mode: list of (row i, column k) = A[i,k]·B[k,:], ids in A's CSR order. */
function partialLists(a: Csr, b: Csr, at: Csr): { matrix: Csr; id: Int32Array } {
  const n = a.ptr[a.rows]!;
  const id = new Int32Array(n);
  const ptr = new Int32Array(n + 1);
  let list = 0;
  // Lists in multiply order (column k, then its rows), each remembered at its place in A's rows.
  const pos = new Int32Array(a.rows);
  for (let i = 0; i < a.rows; i++) pos[i] = a.ptr[i]!;
  const idx: number[] = [];
  const val: number[] = [];
  for (let k = 0; k < at.rows; k++) {
    for (let q = at.ptr[k]!; q < at.ptr[k + 1]!; q++) {
      const i = at.idx[q]!;
      const av = at.val![q]!;
      for (let e = b.ptr[k]!; e < b.ptr[k + 1]!; e++) {
        idx.push(b.idx[e]!);
        val.push(av * b.val![e]!);
      }
      ptr[list + 1] = idx.length;
      id[pos[i]!++] = list;
      list++;
    }
  }
  return { matrix: { rows: n, cols: b.cols, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val) }, id };
}

function treeMerge(gemms: readonly GemmOperands[], p: SparseOuterParams, bits: OperandBits, functional: boolean): { run: EngineRun; outputs: Csr[] } {
  const meta = p.metadata;
  const fmt = p.formats;
  const wb = p.wordBits;
  const P = p.pes.count;
  const lanes = p.merge.lanes;
  const radix = p.merge.radix;
  const condensed = p.merge.condensedA;
  const elemBits = bits.c + meta.indexBits;
  const aElemBits = bits.a + meta.indexBits;
  // Rows of B pass through an LRU buffer (SpArch's row prefetcher).
  let bRows = 0;
  for (const { b } of gemms) bRows += b.rows;
  const bBytes = new Float64Array(bRows);
  const bMeta = new Float64Array(bRows);
  let off = 0;
  for (const { b } of gemms) {
    for (let k = 0; k < b.rows; k++) {
      bBytes[off + k] = fiberBits(fmt.b, fiberLength(b, k), b.cols, bits.b, meta) / 8;
      bMeta[off + k] = fiberMetadataBits(fmt.b, fiberLength(b, k), b.cols, meta);
    }
    off += b.rows;
  }
  const cache = new FiberLru(bufferBytes(p.globalBuffer), bBytes);
  interface Round {
    mac: number;
    merge: number;
    read: number;
    write: number;
  }
  const rounds: Round[] = [];
  const outputs: Csr[] = [];
  const st: RowMergeStats = { leafElements: 0, partialElements: 0, passes: 0, output: 0 };
  let macs = 0, mergeInputs = 0, outs = 0, spilled = 0, aRead = 0, bRead = 0, inMeta = 0, outBitsTotal = 0, outMeta = 0, operandElements = 0;
  let partialMatrices = 0;
  off = 0;
  for (const { a, b } of gemms) {
    const at = transpose(a);
    let lmax = 0;
    for (let i = 0; i < a.rows; i++) lmax = Math.max(lmax, fiberLength(a, i));
    const leaves = condensed ? lmax : a.cols;
    const weights = new Float64Array(leaves);
    if (condensed) {
      for (let i = 0; i < a.rows; i++) for (let q = a.ptr[i]!; q < a.ptr[i + 1]!; q++) weights[q - a.ptr[i]!]! += fiberLength(b, a.idx[q]!);
    } else for (let k = 0; k < leaves; k++) weights[k] = fiberLength(at, k) * fiberLength(b, k);
    for (const w of weights) if (w > 0) partialMatrices++;
    const tree = leaves <= radix ? radixTree(leaves, radix) : huffmanTree(weights, radix);
    const nodes = nodeCount(tree);
    const totals: NodeTotals = { inputs: new Float64Array(nodes), leafInputs: new Float64Array(nodes), outputs: new Float64Array(nodes) };
    const merger = new RowMerger(b, functional ? 'values' : countingStrategy(b));
    const fiber = new Int32Array(leaves).fill(-1);
    const scale = functional ? new Float64Array(leaves) : undefined;
    const builder = functional ? new CsrBuilder(a.rows, b.cols) : undefined;
    const row = { idx: [] as number[], val: [] as number[] };
    let cBits = 0;
    for (let i = 0; i < a.rows; i++) {
      const lo = a.ptr[i]!;
      const hi = a.ptr[i + 1]!;
      if (hi === lo) continue;
      for (let q = lo; q < hi; q++) {
        const leaf = condensed ? q - lo : a.idx[q]!;
        fiber[leaf] = a.idx[q]!;
        if (scale) scale[leaf] = a.val![q]!;
      }
      row.idx.length = 0;
      row.val.length = 0;
      merger.merge(tree, fiber, st, scale, row, totals);
      for (let q = lo; q < hi; q++) fiber[condensed ? q - lo : a.idx[q]!] = -1;
      if (builder) builder.setRow(i, row.idx, row.val);
      outs += st.output;
      const wr = fiberBits(fmt.c, st.output, b.cols, bits.c, meta);
      cBits += wr;
      outMeta += fiberMetadataBits(fmt.c, st.output, b.cols, meta);
    }
    if (builder) outputs.push(builder.build());
    outBitsTotal += cBits;
    // Rows with at least c+1 nonzeros: those a condensed leaf c gathers from.
    const sched = mergeSchedule(tree);
    for (let r = 0; r < sched.order.length; r++) {
      const node = sched.order[r]!;
      const inputs = totals.inputs[node]!;
      if (inputs === 0) continue;
      const leafIn = totals.leafInputs[node]!;
      let read = (inputs - leafIn) * elemBits;
      for (const leaf of sched.leaves[node]!) {
        if (weights[leaf] === 0) continue;
        if (condensed) {
          for (let i = 0; i < a.rows; i++) {
            if (a.ptr[i + 1]! - a.ptr[i]! <= leaf) continue;
            const k = a.idx[a.ptr[i]! + leaf]!;
            const miss = cache.access(off + k) * 8;
            read += aElemBits + miss;
            aRead += aElemBits;
            bRead += miss;
            inMeta += meta.indexBits + (miss > 0 ? bMeta[off + k]! : 0);
            operandElements += 1 + fiberLength(b, k);
          }
        } else {
          const ak = fiberLength(at, leaf);
          const rA = fiberBits(fmt.a, ak, a.rows, bits.a, meta);
          const miss = cache.access(off + leaf) * 8;
          read += rA + miss;
          aRead += rA;
          bRead += miss;
          inMeta += fiberMetadataBits(fmt.a, ak, a.rows, meta) + (miss > 0 ? bMeta[off + leaf]! : 0);
          operandElements += ak + fiberLength(b, leaf);
        }
      }
      const root = sched.parent[node]! < 0;
      const write = root ? cBits : totals.outputs[node]! * elemBits;
      if (!root) spilled += totals.outputs[node]!;
      const mac = Math.ceil(leafIn / P);
      rounds.push({ mac, merge: Math.max(mac, Math.ceil(inputs / lanes)) - mac, read, write });
      macs += leafIn;
      mergeInputs += inputs;
    }
    off += b.rows;
  }
  const tasks = farmTasks(rounds.length);
  rounds.forEach((r, i) => {
    tasks.mac[i] = r.mac;
    tasks.merge[i] = r.merge;
    tasks.readWords[i] = r.read / wb;
    tasks.writeWords[i] = r.write / wb;
  });
  const farm: FarmResult = runFarm(tasks, { ...farmConfig(p, 1, 0), prefetch: p.pes.prefetch });
  const spillBits = spilled * elemBits;
  const run: EngineRun = {
    cycles: farm.end,
    units: 1,
    account: farm.account,
    macs,
    intersectSteps: 0,
    mergeInputs,
    dram: { read: aRead + bRead + spillBits, write: spillBits + outBitsTotal },
    dramMetadataBits: inMeta + 2 * spilled * meta.indexBits + outMeta,
    globalBuffer: { read: aRead + bRead + spillBits, write: aRead + bRead + spillBits },
    peBuffers: { read: (mergeInputs - macs) * elemBits, write: (mergeInputs - macs) * elemBits },
    operandElements,
    psumWrites: spilled + outs,
    outputs: outs,
    psum: 'matrix',
    psumUnitElements: partialMatrices > 0 ? macs / partialMatrices : 0,
    details: {
      partial_matrices: partialMatrices,
      merge_rounds: rounds.length,
      spilled_elements: spilled,
      row_buffer_hit_rate: cache.accesses > 0 ? 1 - cache.misses / cache.accesses : 0,
      farm_events: farm.events,
    },
  };
  return { run, outputs };
}
