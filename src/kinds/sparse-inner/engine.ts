/**
 * The inner-product engine: C[i,j] = A[i,:]·B[:,j], one index intersection per output.
 *
 * A PE task is a row of A against a tile of `tileCols` nonempty columns of B:
 * the PE receives the row and the columns from the last-level buffer (an LRU
 * of fibers: misses come from DRAM) and intersects the row with each column,
 * one comparison step per cycle; each match is a MAC in the same cycle. The
 * order is blocked so that the columns of B in use fit half the buffer: for
 * each block of column tiles, every row of A streams past it.
 * Simulation cost grows with the (row, column, occupied block) triples, about
 * M·N·K/32 for dense-ish operands: large, very sparse matrices (SuiteSparse
 * sizes) are slow here, as every pair of nonempty fibers is intersected.
 */
import { FiberLru } from '../sparse-common/cache.js';
import { fiberLength, type Csr } from '../sparse-common/csr.js';
import { farmTasks, runFarm } from '../sparse-common/farm.js';
import { fiberBits, fiberMetadataBits } from '../sparse-common/formats.js';
import { IntersectSweep } from '../sparse-common/intersect.js';
import { bufferBytes, type EngineRun } from '../sparse-common/layer.js';
import type { GemmOperands, OperandBits } from '../sparse-common/lower.js';
import { CsrBuilder } from '../sparse-common/result.js';
import type { SparseInnerParams } from './params.js';

/** Per group: tiles of columns and, per (row, tile), the intersection totals. */
interface GroupWork {
  a: Csr;
  bt: Csr;
  /** Tile τ holds nonempty columns cols[tileStart[τ] .. tileStart[τ+1]). */
  cols: Int32Array;
  tileStart: Int32Array;
  /** Indexed row·tiles + τ. */
  cycles: Float64Array;
  matches: Float64Array;
  outs: Float64Array;
}

/** Dot products by two-finger walks with values: the functional output of the engine. */
function functionalOutput(a: Csr, bt: Csr): Csr {
  const builder = new CsrBuilder(a.rows, bt.rows);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < a.rows; i++) {
    idx.length = 0;
    val.length = 0;
    for (let j = 0; j < bt.rows; j++) {
      let p = a.ptr[i]!;
      let q = bt.ptr[j]!;
      let any = false;
      let sum = 0;
      while (p < a.ptr[i + 1]! && q < bt.ptr[j + 1]!) {
        const x = a.idx[p]!;
        const y = bt.idx[q]!;
        if (x === y) {
          sum += a.val![p++]! * bt.val![q++]!;
          any = true;
        } else if (x < y) p++;
        else q++;
      }
      if (any) {
        idx.push(j);
        val.push(sum);
      }
    }
    builder.setRow(i, idx, val);
  }
  return builder.build();
}

/** Runs the inner-product engine over a layer's products; in functional mode (operands with values) also returns C per product. */
export function runInnerEngine(gemms: readonly GemmOperands[], p: SparseInnerParams, bits: OperandBits, functional = false): { run: EngineRun; outputs: Csr[] } {
  const meta = p.metadata;
  const fmt = p.formats;
  const wb = p.wordBits;
  const tileCols = p.tileCols;
  const works: GroupWork[] = [];
  let steps = 0, macs = 0, outs = 0, pairs = 0;
  const outputs: Csr[] = [];
  for (const { a, b } of gemms) {
    const sweep = new IntersectSweep(a, b, p.intersection.unit, p.intersection.chunkBits);
    const cols = sweep.nonEmptyCols;
    const tiles = Math.ceil(cols.length / tileCols);
    const tileStart = new Int32Array(tiles + 1);
    for (let t = 0; t <= tiles; t++) tileStart[t] = Math.min(cols.length, t * tileCols);
    const cycles = new Float64Array(a.rows * tiles);
    const matches = new Float64Array(a.rows * tiles);
    const tileOuts = new Float64Array(a.rows * tiles);
    for (let i = 0; i < a.rows; i++) {
      if (sweep.emptyRow(i)) continue;
      sweep.sweep(i);
      const c = sweep.out.cycles;
      const m = sweep.out.matches;
      for (let t = 0; t < tiles; t++) {
        let cy = 0, ma = 0, ou = 0;
        for (let q = tileStart[t]!; q < tileStart[t + 1]!; q++) {
          const j = cols[q]!;
          cy += c[j]!;
          ma += m[j]!;
          if (m[j]! > 0) ou++;
        }
        cycles[i * tiles + t] = cy;
        matches[i * tiles + t] = ma;
        tileOuts[i * tiles + t] = ou;
        steps += cy;
        macs += ma;
        outs += ou;
        pairs += tileStart[t + 1]! - tileStart[t]!;
      }
    }
    const bt = sweep.bT;
    if (functional) outputs.push(functionalOutput(a, bt));
    works.push({ a, bt, cols, tileStart, cycles, matches, outs: tileOuts });
  }

  // Last-level buffer: rows of A and columns of B of every group, one id space.
  const fiberIds: number[] = [];
  let nFibers = 0;
  for (const w of works) {
    fiberIds.push(nFibers);
    nFibers += w.a.rows + w.bt.rows;
  }
  const bytes = new Float64Array(nFibers);
  const metaBits = new Float64Array(nFibers);
  works.forEach((w, g) => {
    const base = fiberIds[g]!;
    for (let i = 0; i < w.a.rows; i++) {
      bytes[base + i] = fiberBits(fmt.a, fiberLength(w.a, i), w.a.cols, bits.a, meta) / 8;
      metaBits[base + i] = fiberMetadataBits(fmt.a, fiberLength(w.a, i), w.a.cols, meta);
    }
    for (let j = 0; j < w.bt.rows; j++) {
      bytes[base + w.a.rows + j] = fiberBits(fmt.b, fiberLength(w.bt, j), w.bt.cols, bits.b, meta) / 8;
      metaBits[base + w.a.rows + j] = fiberMetadataBits(fmt.b, fiberLength(w.bt, j), w.bt.cols, meta);
    }
  });
  const llb = bufferBytes(p.globalBuffer);
  const cache = new FiberLru(llb, bytes);
  let taskCount = 0;
  for (const w of works) {
    let rows = 0;
    for (let i = 0; i < w.a.rows; i++) if (fiberLength(w.a, i) > 0) rows++;
    taskCount += rows * (w.tileStart.length - 1);
  }
  const ft = farmTasks(taskCount);
  let t = 0;
  let dramRead = 0, dramMeta = 0, llbRead = 0, outBits = 0, outMeta = 0, operandElements = 0, peBits = 0;
  works.forEach((w, g) => {
    const base = fiberIds[g]!;
    const tiles = w.tileStart.length - 1;
    // Blocks of column tiles whose columns fit half the last-level buffer.
    let t0 = 0;
    while (t0 < tiles) {
      let t1 = t0;
      let blockBytes = 0;
      while (t1 < tiles) {
        let tb = 0;
        for (let q = w.tileStart[t1]!; q < w.tileStart[t1 + 1]!; q++) tb += bytes[base + w.a.rows + w.cols[q]!]!;
        if (t1 > t0 && blockBytes + tb > llb / 2) break;
        blockBytes += tb;
        t1++;
      }
      for (let i = 0; i < w.a.rows; i++) {
        const la = fiberLength(w.a, i);
        if (la === 0) continue;
        for (let tt = t0; tt < t1; tt++) {
          const aId = base + i;
          let miss = cache.access(aId);
          let missMeta = miss > 0 ? metaBits[aId]! : 0;
          let fetched = bytes[aId]!;
          let elems = la;
          for (let q = w.tileStart[tt]!; q < w.tileStart[tt + 1]!; q++) {
            const j = w.cols[q]!;
            const id = base + w.a.rows + j;
            const m = cache.access(id);
            miss += m;
            if (m > 0) missMeta += metaBits[id]!;
            fetched += bytes[id]!;
            elems += fiberLength(w.bt, j);
          }
          const k = i * tiles + tt;
          const o = w.outs[k]!;
          const ob = fiberBits(fmt.c, o, w.tileStart[tt + 1]! - w.tileStart[tt]!, bits.c, meta);
          ft.readWords[t] = (miss * 8) / wb;
          ft.writeWords[t] = o > 0 ? ob / wb : 0;
          ft.mac[t] = w.matches[k]!;
          ft.intersect[t] = w.cycles[k]! - w.matches[k]!;
          t++;
          dramRead += miss * 8;
          dramMeta += missMeta;
          llbRead += fetched * 8;
          peBits += bytes[aId]! * 8;
          operandElements += elems;
          if (o > 0) {
            outBits += ob;
            outMeta += fiberMetadataBits(fmt.c, o, w.tileStart[tt + 1]! - w.tileStart[tt]!, meta);
          }
        }
      }
      t0 = t1;
    }
  });
  const units = p.pes.count;
  const farm = runFarm(ft, {
    units,
    wordsPerCycle: p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle,
    latency: p.dram.latencyCycles,
    prefetch: units * p.pes.prefetch,
    start: 0,
  });
  const run: EngineRun = {
    cycles: farm.end,
    units,
    account: farm.account,
    macs,
    intersectSteps: steps,
    mergeInputs: 0,
    dram: { read: dramRead, write: outBits },
    dramMetadataBits: dramMeta + outMeta,
    globalBuffer: { read: llbRead + outBits, write: dramRead + outBits },
    peBuffers: { read: llbRead, write: peBits },
    operandElements,
    psumWrites: outs,
    outputs: outs,
    psum: 'scalar',
    psumUnitElements: 1,
    details: {
      intersect_unit: p.intersection.unit,
      output_pairs: pairs,
      llb_hit_rate: cache.accesses > 0 ? 1 - cache.misses / cache.accesses : 0,
      farm_events: farm.events,
    },
  };
  return { run, outputs };
}
