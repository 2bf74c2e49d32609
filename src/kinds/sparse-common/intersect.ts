/**
 * Index intersection units of inner-product engines: what it costs to find the
 * matching coordinates of a row of A and a column of B.
 *
 * - `hierarchical` (ExTensor-like): coordinates are grouped into aligned
 *   blocks of 32. A coarse unit intersects the two fibers' lists of occupied
 *   blocks with a two-finger merge (one comparison per cycle, stopping when
 *   either list ends); a fine unit intersects, for every block both occupy,
 *   the coordinates inside it the same way. The units are pipelined, so a pair
 *   costs max(coarse steps, fine steps) cycles; every match is one MAC.
 * - `bitmask` (SparTen-like inner join): each fiber carries a bitmask of its
 *   whole length, processed in chunks of `chunkBits`; a chunk takes one cycle
 *   to AND the masks and one cycle per match beyond the first (a priority
 *   encoder hands one matching pair to the MAC per cycle).
 *
 * {@link IntersectSweep} computes these per pair from 32-bit block words (one
 * popcount and a mask per co-occupied block), sweeping a row of A against every
 * column of B; {@link walkHierarchical} and {@link walkBitmask} step the units
 * one comparison at a time, and a test checks that both agree.
 */
import { transpose, type Csr } from './csr.js';

/** Intersection unit kinds. */
export type IntersectionKind = 'hierarchical' | 'bitmask';

/** Occupied 32-coordinate blocks of each fiber: fiber r has blocks blk[ptr[r] .. ptr[r+1]) with bit words word[…]. */
interface BlockFibers {
  ptr: Int32Array;
  blk: Int32Array;
  word: Int32Array;
}

function blockFibers(m: Csr): BlockFibers {
  const ptr = new Int32Array(m.rows + 1);
  let count = 0;
  for (let r = 0; r < m.rows; r++) {
    let last = -1;
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const b = m.idx[p]! >>> 5;
      if (b !== last) {
        count++;
        last = b;
      }
    }
    ptr[r + 1] = count;
  }
  const blk = new Int32Array(count);
  const word = new Int32Array(count);
  let k = -1;
  for (let r = 0; r < m.rows; r++) {
    let last = -1;
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      const b = c >>> 5;
      if (b !== last) {
        k++;
        blk[k] = b;
        last = b;
      }
      word[k]! |= 1 << (c & 31);
    }
  }
  return { ptr, blk, word };
}

/** Set bits of 16-bit values. */
const POP16 = new Uint8Array(65536);
for (let v = 1; v < 65536; v++) POP16[v] = (v & 1) + POP16[v >>> 1]!;
/** Set bits of a 32-bit word (two table look-ups). */
const pc = (w: number) => POP16[w & 0xffff]! + POP16[w >>> 16]!;
/** Highest set bit of a nonzero word. */
const hiBit = (w: number) => 31 - Math.clz32(w);

/** Per-pair results of sweeping one row of A against the columns of B. */
export interface PairRow {
  /** Cycles of the intersection unit for pair (i, j); 0 where either fiber is empty. */
  cycles: Float64Array;
  /** Matching coordinates (useful MACs) of pair (i, j). */
  matches: Float64Array;
}

/**
 * Intersects rows of A (M × K) with columns of B (K × N), one row of A at a time.
 * Work is proportional to the co-occupied (row, column, block) triples plus one
 * step per pair of non-empty fibers.
 */
export class IntersectSweep {
  private readonly a: BlockFibers;
  private readonly bt: BlockFibers;
  /** Columns of B by block: for block β, entries byBlk.ptr[β] .. (column, word). */
  private readonly byBlkPtr: Int32Array;
  private readonly byBlkCol: Int32Array;
  private readonly byBlkWord: Int32Array;
  private readonly blocks: number;
  private readonly byBlkHi: Int8Array;
  private readonly rankA: Int32Array;
  private readonly match: Int32Array;
  private readonly common: Int32Array;
  private readonly fine: Int32Array;
  private readonly extra: Int32Array;
  private readonly chunkStamp: Int32Array;
  private readonly chunkM: Int32Array;
  private readonly touched: Int32Array;
  private chunkGen = 0;
  /** B in compressed-column form (columns of B as fibers). */
  readonly bT: Csr;
  /** Columns of B with at least one nonzero. */
  readonly nonEmptyCols: Int32Array;
  readonly out: PairRow;

  constructor(
    readonly A: Csr,
    readonly B: Csr,
    readonly kind: IntersectionKind,
    readonly chunkBits = 128,
  ) {
    if (kind === 'bitmask' && (chunkBits % 32 !== 0 || chunkBits <= 0)) throw new RangeError(`bitmask chunk must be a positive multiple of 32 bits, got ${chunkBits}`);
    const bT = transpose(B);
    this.bT = bT;
    this.a = blockFibers(A);
    this.bt = blockFibers(bT);
    this.blocks = Math.max(1, Math.ceil(A.cols / 32));
    const n = B.cols;
    const cnt = new Int32Array(this.blocks + 1);
    for (let e = 0; e < this.bt.blk.length; e++) cnt[this.bt.blk[e]! + 1]!++;
    for (let b = 0; b < this.blocks; b++) cnt[b + 1]! += cnt[b]!;
    this.byBlkPtr = cnt.slice();
    this.byBlkCol = new Int32Array(this.bt.blk.length);
    this.byBlkWord = new Int32Array(this.bt.blk.length);
    this.byBlkHi = new Int8Array(this.bt.blk.length);
    const fill = cnt.slice(0, this.blocks);
    for (let j = 0; j < n; j++) {
      for (let e = this.bt.ptr[j]!; e < this.bt.ptr[j + 1]!; e++) {
        const q = fill[this.bt.blk[e]!]!++;
        this.byBlkCol[q] = j;
        this.byBlkWord[q] = this.bt.word[e]!;
        this.byBlkHi[q] = hiBit(this.bt.word[e]!);
      }
    }
    const ne: number[] = [];
    for (let j = 0; j < n; j++) if (bT.ptr[j + 1]! > bT.ptr[j]!) ne.push(j);
    this.nonEmptyCols = Int32Array.from(ne);
    this.rankA = new Int32Array(this.blocks);
    this.match = new Int32Array(n);
    this.common = new Int32Array(n);
    this.fine = new Int32Array(n);
    this.extra = new Int32Array(n);
    this.chunkStamp = new Int32Array(n);
    this.chunkM = new Int32Array(n);
    this.touched = new Int32Array(n);
    this.out = { cycles: new Float64Array(n), matches: new Float64Array(n) };
  }

  /** True when row i of A has no nonzero (the scanner skips it). */
  emptyRow(i: number): boolean {
    return this.A.ptr[i + 1] === this.A.ptr[i];
  }

  /** Fills `out.cycles[j]` and `out.matches[j]` for row i and every non-empty column j. */
  sweep(i: number): void {
    const { a } = this;
    const { cycles, matches } = this.out;
    const aLo = a.ptr[i]!;
    const aHi = a.ptr[i + 1]!;
    const { common, fine, match, extra, chunkStamp, chunkM, touched } = this;
    match.fill(0);
    common.fill(0);
    fine.fill(0);
    extra.fill(0);
    const bPtr = this.byBlkPtr;
    const bCol = this.byBlkCol;
    const bWord = this.byBlkWord;
    const bHi = this.byBlkHi;
    if (this.kind === 'bitmask') {
      // Chunk by chunk: matches per (column, chunk), then one cycle per chunk plus one per match beyond the first.
      const wordsPerChunk = this.chunkBits / 32;
      let e = aLo;
      while (e < aHi) {
        const chunk = Math.floor(a.blk[e]! / wordsPerChunk);
        const stampId = ++this.chunkGen;
        let n = 0;
        for (; e < aHi && Math.floor(a.blk[e]! / wordsPerChunk) === chunk; e++) {
          const beta = a.blk[e]!;
          const aw = a.word[e]!;
          for (let q = bPtr[beta]!; q < bPtr[beta + 1]!; q++) {
            const m = pc(aw & bWord[q]!);
            if (m === 0) continue;
            const j = bCol[q]!;
            if (chunkStamp[j] !== stampId) {
              chunkStamp[j] = stampId;
              chunkM[j] = 0;
              touched[n++] = j;
            }
            chunkM[j]! += m;
            match[j]! += m;
          }
        }
        for (let t = 0; t < n; t++) {
          const j = touched[t]!;
          if (chunkM[j]! > 1) extra[j]! += chunkM[j]! - 1;
        }
      }
    } else {
      for (let e = aLo; e < aHi; e++) {
        const beta = a.blk[e]!;
        const aw = a.word[e]!;
        const hiA = hiBit(aw);
        for (let q = bPtr[beta]!; q < bPtr[beta + 1]!; q++) {
          const j = bCol[q]!;
          const bw = bWord[q]!;
          const hb = bHi[q]!;
          const lim = hiA < hb ? hiA : hb;
          match[j]! += pc(aw & bw);
          common[j]!++;
          fine[j]! += pc((aw | bw) & ((2 << lim) - 1));
        }
      }
    }
    if (aHi === aLo) {
      for (const j of this.nonEmptyCols) {
        cycles[j] = 0;
        matches[j] = 0;
      }
      return;
    }
    if (this.kind === 'bitmask') {
      const chunks = Math.ceil(this.blocks / (this.chunkBits / 32));
      for (const j of this.nonEmptyCols) {
        matches[j] = match[j]!;
        cycles[j] = chunks + extra[j]!;
      }
      return;
    }
    // Coarse two-finger steps over occupied blocks need A's block ranks.
    const lastA = a.blk[aHi - 1]!;
    let r = 0;
    let e = aLo;
    for (let b = 0; b <= lastA; b++) {
      if (e < aHi && a.blk[e] === b) {
        r++;
        e++;
      }
      this.rankA[b] = r;
    }
    const bt = this.bt;
    for (const j of this.nonEmptyCols) {
      const bLo = bt.ptr[j]!;
      const bHiIdx = bt.ptr[j + 1]!;
      const lastB = bt.blk[bHiIdx - 1]!;
      const m = lastA < lastB ? lastA : lastB;
      let rB: number;
      if (m >= lastB) rB = bHiIdx - bLo;
      else {
        // Blocks of column j at or below m: binary search.
        let lo = bLo;
        let hi = bHiIdx;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (bt.blk[mid]! <= m) lo = mid + 1;
          else hi = mid;
        }
        rB = lo - bLo;
      }
      const coarse = this.rankA[m]! + rB - common[j]!;
      matches[j] = match[j]!;
      cycles[j] = coarse > fine[j]! ? coarse : fine[j]!;
    }
  }
}

/** Steps of a two-finger intersection of sorted lists, one comparison per step, until either ends. */
function twoFinger(a: readonly number[], b: readonly number[]): { steps: number; matches: number } {
  let i = 0;
  let j = 0;
  let steps = 0;
  let matches = 0;
  while (i < a.length && j < b.length) {
    steps++;
    if (a[i] === b[j]) {
      matches++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return { steps, matches };
}

/** The hierarchical unit stepped comparison by comparison: cycles = max(coarse, fine steps). */
export function walkHierarchical(a: readonly number[], b: readonly number[]): { cycles: number; matches: number } {
  if (a.length === 0 || b.length === 0) return { cycles: 0, matches: 0 };
  const blocks = (x: readonly number[]) => [...new Set(x.map((c) => c >>> 5))];
  const ba = blocks(a);
  const bb = blocks(b);
  const coarse = twoFinger(ba, bb).steps;
  let fine = 0;
  let matches = 0;
  for (const blk of ba) {
    if (!bb.includes(blk)) continue;
    const r = twoFinger(
      a.filter((c) => c >>> 5 === blk),
      b.filter((c) => c >>> 5 === blk),
    );
    fine += r.steps;
    matches += r.matches;
  }
  return { cycles: Math.max(coarse, fine), matches };
}

/** The bitmask inner join stepped chunk by chunk over a fiber length of `length` coordinates. */
export function walkBitmask(a: readonly number[], b: readonly number[], length: number, chunkBits: number): { cycles: number; matches: number } {
  if (a.length === 0 || b.length === 0) return { cycles: 0, matches: 0 };
  const inB = new Set(b);
  const chunks = Math.ceil(Math.max(1, Math.ceil(length / 32)) / (chunkBits / 32));
  let cycles = 0;
  let matches = 0;
  for (let c = 0; c < chunks; c++) {
    const m = a.filter((x) => Math.floor(x / chunkBits) === c && inB.has(x)).length;
    matches += m;
    cycles += Math.max(1, m);
  }
  return { cycles, matches };
}
