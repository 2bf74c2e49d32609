/**
 * The row-wise (Gustavson) engine: C[i,:] = Σ_k A[i,k]·B[k,:].
 *
 * Each nonempty row of A is a task for one PE. The PE reads the row (its
 * nonzeros pick rows of B), fetches those rows of B through the FiberCache
 * (an LRU of whole rows of B: hits cost nothing off-chip), and merges the
 * scaled rows with its radix-R merger, one element per cycle; the first pass
 * multiplies as it merges, rows with more than R nonzeros need further passes
 * over partial fibers (merge cycles). The merged row is written out.
 * Simplification: partial fibers are kept in the FiberCache without evicting
 * rows of B (their traffic is counted, their capacity is not).
 */
import { FiberLru } from '../sparse-common/cache.js';
import { fiberLength, type Csr } from '../sparse-common/csr.js';
import { addAccount, emptyAccount, farmTasks, runFarm } from '../sparse-common/farm.js';
import { fiberBits, fiberMetadataBits } from '../sparse-common/formats.js';
import { bufferBytes, type EngineRun } from '../sparse-common/layer.js';
import type { GemmOperands, OperandBits } from '../sparse-common/lower.js';
import { countingStrategy, radixTree, RowMerger, type RowMergeStats } from '../sparse-common/merge.js';
import { CsrBuilder } from '../sparse-common/result.js';
import type { SparseRowParams } from './params.js';

/** Runs the row-wise engine over a layer's products; in functional mode (operands with values) also returns C per product. */
export function runRowEngine(gemms: readonly GemmOperands[], p: SparseRowParams, bits: OperandBits, functional = false): { run: EngineRun; outputs: Csr[] } {
  const meta = p.metadata;
  const fmt = p.formats;
  const wb = p.wordBits;
  let tasks = 0;
  let bRows = 0;
  for (const { a, b } of gemms) {
    for (let i = 0; i < a.rows; i++) if (fiberLength(a, i) > 0) tasks++;
    bRows += b.rows;
  }
  // FiberCache: every product's rows of B, each with its size in B's format.
  const bBytes = new Float64Array(bRows);
  const bMeta = new Float64Array(bRows);
  {
    let off = 0;
    for (const { b } of gemms) {
      for (let k = 0; k < b.rows; k++) {
        const n = fiberLength(b, k);
        bBytes[off + k] = fiberBits(fmt.b, n, b.cols, bits.b, meta) / 8;
        bMeta[off + k] = fiberMetadataBits(fmt.b, n, b.cols, meta);
      }
      off += b.rows;
    }
  }
  const cache = new FiberLru(bufferBytes(p.globalBuffer), bBytes);
  const ft = farmTasks(tasks);
  const st: RowMergeStats = { leafElements: 0, partialElements: 0, passes: 0, output: 0 };
  const outputs: Csr[] = [];
  let t = 0;
  let bOff = 0;
  let macs = 0, mergeInputs = 0, passes = 0, outs = 0, partials = 0;
  let aBitsTotal = 0, aMeta = 0, bUseBits = 0, missBits = 0, missMeta = 0, outBits = 0, outMeta = 0, aElems = 0;
  let rowsDone = 0;
  for (const { a, b } of gemms) {
    const merger = new RowMerger(b, functional ? 'values' : countingStrategy(b));
    let maxL = 0;
    for (let i = 0; i < a.rows; i++) maxL = Math.max(maxL, fiberLength(a, i));
    const fiber = new Int32Array(maxL);
    const scale = functional ? new Float64Array(maxL) : undefined;
    const builder = functional ? new CsrBuilder(a.rows, b.cols) : undefined;
    const row = { idx: [] as number[], val: [] as number[] };
    for (let i = 0; i < a.rows; i++) {
      const lo = a.ptr[i]!;
      const L = a.ptr[i + 1]! - lo;
      if (L === 0) continue;
      let miss = 0;
      for (let q = 0; q < L; q++) {
        const k = a.idx[lo + q]!;
        fiber[q] = k;
        if (scale) scale[q] = a.val![lo + q]!;
        const m = cache.access(bOff + k);
        if (m > 0) {
          miss += m;
          missMeta += bMeta[bOff + k]!;
        }
        bUseBits += bBytes[bOff + k]! * 8;
      }
      row.idx.length = 0;
      row.val.length = 0;
      merger.merge(radixTree(L, p.merger.radix), fiber, st, scale, row);
      if (builder) builder.setRow(i, row.idx, row.val);
      const aBits = fiberBits(fmt.a, L, a.cols, bits.a, meta);
      const oBits = fiberBits(fmt.c, st.output, b.cols, bits.c, meta);
      ft.readWords[t] = (aBits + miss * 8) / wb;
      ft.writeWords[t] = oBits / wb;
      ft.mac[t] = st.leafElements;
      ft.merge[t] = st.partialElements;
      t++;
      rowsDone++;
      aElems += L;
      aBitsTotal += aBits;
      aMeta += fiberMetadataBits(fmt.a, L, a.cols, meta);
      missBits += miss * 8;
      outBits += oBits;
      outMeta += fiberMetadataBits(fmt.c, st.output, b.cols, meta);
      macs += st.leafElements;
      mergeInputs += st.leafElements + st.partialElements;
      partials += st.partialElements;
      passes += st.passes;
      outs += st.output;
    }
    if (builder) outputs.push(builder.build());
    bOff += b.rows;
  }
  const units = p.pes.count;
  const bw = p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle;
  const farm = runFarm(ft, { units, wordsPerCycle: bw, latency: p.dram.latencyCycles, prefetch: units * p.pes.prefetch, start: 0 });
  const account = emptyAccount();
  addAccount(account, farm.account);
  // Partial fibers go to the FiberCache and come back, with their coordinates.
  const partialBits = partials * (bits.c + meta.indexBits);
  const run: EngineRun = {
    cycles: farm.end,
    units,
    account,
    macs,
    intersectSteps: 0,
    mergeInputs,
    dram: { read: aBitsTotal + missBits, write: outBits },
    dramMetadataBits: aMeta + missMeta + outMeta,
    globalBuffer: { read: bUseBits + aBitsTotal + partialBits + outBits, write: missBits + aBitsTotal + partialBits + outBits },
    peBuffers: { read: aBitsTotal, write: aBitsTotal },
    operandElements: aElems + macs,
    psumWrites: partials + outs,
    outputs: outs,
    psum: 'vector',
    psumUnitElements: rowsDone > 0 ? outs / rowsDone : 0,
    details: {
      fibercache_hit_rate: cache.accesses > 0 ? 1 - cache.misses / cache.accesses : 0,
      merge_passes: passes,
      rows_of_a: rowsDone,
      farm_events: farm.events,
    },
  };
  return { run, outputs };
}
