/**
 * Mergers: how a row of the output is assembled from scaled fibers of B.
 *
 * A merge tree says which fibers a merger of radix R combines in which pass:
 * consecutive groups of R (a PE's high-radix merger working through a long row,
 * Gamma-style), or a Huffman tree over whole partial matrices (SpArch-style).
 * For one output row, {@link RowMerger.merge} walks the tree and reports every
 * element each merge pass consumes and produces — the work the hardware does,
 * one element per merger cycle — and, in functional mode, the values.
 *
 * Three strategies give the same counts (a test checks it): `bitset` ORs the
 * fibers' coordinate bitsets (fast when B is dense-ish), `stamp` marks
 * coordinates in generation-stamped arrays (fast when B is very sparse), and
 * `values` accumulates scaled values per coordinate (functional mode).
 */
import { bitsetRows, popcount32, type Csr } from './csr.js';

/** Token stream of a merge tree in depth-first order: OPEN a node, a leaf id (≥ 0), CLOSE the node. */
export interface MergeTree {
  tokens: Int32Array;
  /** Leaf ids run 0 .. leaves − 1. */
  leaves: number;
  /** Deepest nesting of open nodes. */
  depth: number;
}

const OPEN = -1;
const CLOSE = -2;

const radixCache = new Map<string, MergeTree>();

/**
 * Merge tree of `leaves` fibers in order with radix-R mergers: passes over
 * consecutive groups of R, then groups of R of their results, up to one root.
 */
export function radixTree(leaves: number, radix: number): MergeTree {
  const key = `${leaves}/${radix}`;
  const hit = radixCache.get(key);
  if (hit) return hit;
  if (radix < 2) throw new RangeError(`merger radix must be ≥ 2, got ${radix}`);
  // Level sizes bottom-up; a node at level h covers radix^h consecutive leaves.
  let span = 1;
  let depth = 1;
  while (span * radix < leaves) {
    span *= radix;
    depth++;
  }
  const out: number[] = [];
  // A node whose children cover `childSpan` leaves each (1: the leaves themselves).
  const emit = (lo: number, hi: number, childSpan: number) => {
    out.push(OPEN);
    if (childSpan === 1) for (let l = lo; l < hi; l++) out.push(l);
    else {
      for (let c = lo; c < hi; c += childSpan) {
        const end = Math.min(hi, c + childSpan);
        // A lone leaf needs no merge pass of its own.
        if (end - c === 1) out.push(c);
        else emit(c, end, childSpan / radix);
      }
    }
    out.push(CLOSE);
  };
  emit(0, leaves, span);
  const tree = { tokens: Int32Array.from(out), leaves, depth };
  if (radixCache.size > 4096) radixCache.clear();
  radixCache.set(key, tree);
  return tree;
}

/**
 * Huffman merge tree of radix R over leaves of the given weights (SpArch's
 * scheduler: always merge the R smallest, so large partial matrices pass
 * through few merges). Dummy zero-weight leaves pad the first merge so every
 * later one is full. Leaves of zero weight still appear (they cost nothing).
 */
export function huffmanTree(weights: Float64Array, radix: number): MergeTree {
  const n = weights.length;
  if (n <= radix) return radixTree(n, radix);
  // Nodes: 0..n-1 leaves, then internal nodes; children lists for internal ones.
  const weight: number[] = Array.from(weights);
  const children: number[][] = [];
  const heap: number[] = [];
  const less = (a: number, b: number) => weight[a]! < weight[b]! || (weight[a] === weight[b] && a < b);
  const push = (v: number) => {
    heap.push(v);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (let i = 0; i < n; i++) push(i);
  // First merge takes just enough leaves that each later merge takes exactly R.
  let first = ((n - 2) % (radix - 1)) + 2;
  while (heap.length > 1) {
    const take = Math.min(first, heap.length);
    first = radix;
    const kids: number[] = [];
    let w = 0;
    for (let i = 0; i < take; i++) {
      const v = pop();
      kids.push(v);
      w += weight[v]!;
    }
    weight.push(w);
    children.push(kids);
    push(weight.length - 1);
  }
  const root = heap[0]!;
  const out: number[] = [];
  let depth = 0;
  // Iterative DFS (Huffman trees can be deep).
  const stack: Array<[number, number]> = [[root, 0]];
  let open = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (node < n) {
      out.push(node);
      stack.pop();
      continue;
    }
    const kids = children[node - n]!;
    if (next === 0) {
      out.push(OPEN);
      open++;
      depth = Math.max(depth, open);
    }
    if (next < kids.length) {
      top[1] = next + 1;
      stack.push([kids[next]!, 0]);
    } else {
      out.push(CLOSE);
      open--;
      stack.pop();
    }
  }
  return { tokens: Int32Array.from(out), leaves: n, depth };
}

/** The work of merging one output row. */
export interface RowMergeStats {
  /** Elements entering mergers straight from fibers (scaled products). */
  leafElements: number;
  /** Elements entering mergers from earlier passes (partial fibers). */
  partialElements: number;
  /** Merge passes that did any work. */
  passes: number;
  /** Nonzeros of the merged row. */
  output: number;
}

/** Totals per merge node over many rows, indexed by the node's pre-order number (its OPEN among the tokens). */
export interface NodeTotals {
  /** Elements entering the node. */
  inputs: Float64Array;
  /** Of those, elements coming straight from fibers (leaves). */
  leafInputs: Float64Array;
  /** Elements of the merged result. */
  outputs: Float64Array;
}

/** Number of merge nodes of a tree. */
export function nodeCount(tree: MergeTree): number {
  let n = 0;
  for (const t of tree.tokens) if (t === OPEN) n++;
  return n;
}

/**
 * The nodes of a tree in the order a single merger runs them (children before
 * parents), each with its parent (−1 for the root) and its leaf children.
 */
export function mergeSchedule(tree: MergeTree): { order: Int32Array; parent: Int32Array; leaves: number[][] } {
  const n = nodeCount(tree);
  const order = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const leaves: number[][] = Array.from({ length: n }, () => []);
  const stack: number[] = [];
  let next = 0;
  let k = 0;
  for (const t of tree.tokens) {
    if (t === OPEN) {
      const id = next++;
      if (stack.length > 0) parent[id] = stack[stack.length - 1]!;
      stack.push(id);
    } else if (t === CLOSE) order[k++] = stack.pop()!;
    else leaves[stack[stack.length - 1]!]!.push(t);
  }
  return { order, parent, leaves };
}

/** Merge strategies; see the file comment. */
export type MergeStrategy = 'bitset' | 'stamp' | 'values';

/** Picks the faster counting strategy for a B operand: bitsets unless B is sparser than 1 in 32 or its bitsets are too large. */
export function countingStrategy(b: Csr): MergeStrategy {
  const words = Math.ceil(b.cols / 32);
  const avgFiber = b.rows > 0 ? b.ptr[b.rows]! / b.rows : 0;
  return avgFiber >= words && b.rows * words <= 1 << 25 ? 'bitset' : 'stamp';
}

/**
 * Merges rows of the output over the fibers of B. One instance per operand B;
 * scratch space grows with the deepest tree seen.
 */
export class RowMerger {
  private readonly words: number;
  private readonly bits?: Int32Array;
  /** Per open level: bitset accumulator (bitset), or stamp array and touched list (stamp, values). */
  private acc: Int32Array[] = [];
  private stamps: Int32Array[] = [];
  private touched: Int32Array[] = [];
  private touchedLen: number[] = [];
  private sums: Float64Array[] = [];
  private gen = 0;

  constructor(
    private readonly b: Csr,
    readonly strategy: MergeStrategy,
  ) {
    this.words = Math.max(1, Math.ceil(b.cols / 32));
    if (strategy === 'bitset') this.bits = bitsetRows(b).bits;
    if (strategy === 'values' && !b.val) throw new Error('values strategy needs B with values');
  }

  private level(d: number): void {
    while (this.acc.length <= d && this.strategy === 'bitset') this.acc.push(new Int32Array(this.words));
    while (this.stamps.length <= d && this.strategy !== 'bitset') {
      this.stamps.push(new Int32Array(this.b.cols));
      this.touched.push(new Int32Array(this.b.cols));
      this.touchedLen.push(0);
      if (this.strategy === 'values') this.sums.push(new Float64Array(this.b.cols));
    }
  }

  /**
   * Merges one row: `fiber[leaf]` is the row of B that leaf stands for (−1: absent
   * in this row) and, in values mode, `scale[leaf]` the A value multiplying it.
   * Returns the stats in `out`; in values mode also the merged row, coordinates
   * ascending, in `result`.
   */
  merge(tree: MergeTree, fiber: Int32Array, out: RowMergeStats, scale?: Float64Array, result?: { idx: number[]; val: number[] }, perNode?: NodeTotals): void {
    out.leafElements = 0;
    out.partialElements = 0;
    out.passes = 0;
    out.output = 0;
    this.level(tree.depth);
    const { ptr, idx } = this.b;
    const toks = tree.tokens;
    const words = this.words;
    const bitset = this.strategy === 'bitset';
    const values = this.strategy === 'values';
    // Elements entering the node open at each depth; the generation stamping its set.
    const inputs: number[] = [];
    const gens: number[] = [];
    // Pre-order ids of the open nodes (for per-node totals).
    const ids: number[] = [];
    let nextId = 0;
    let d = -1;
    for (let t = 0; t < toks.length; t++) {
      const tok = toks[t]!;
      if (tok === OPEN) {
        d++;
        inputs[d] = 0;
        ids[d] = nextId++;
        if (bitset) this.acc[d]!.fill(0);
        else {
          gens[d] = ++this.gen;
          this.touchedLen[d] = 0;
        }
        continue;
      }
      if (tok === CLOSE) {
        // The node's merged fiber: its size is the union of everything it consumed.
        let size = 0;
        if (bitset) {
          const a = this.acc[d]!;
          for (let w = 0; w < words; w++) if (a[w] !== 0) size += popcount32(a[w]!);
        } else size = this.touchedLen[d]!;
        if (inputs[d]! > 0) out.passes++;
        if (perNode) {
          perNode.inputs[ids[d]!]! += inputs[d]!;
          perNode.outputs[ids[d]!]! += size;
        }
        d--;
        if (d < 0) {
          out.output = size;
          if (values && result) this.emit(d + 1, result);
          continue;
        }
        // The partial fiber feeds the parent's merger.
        out.partialElements += size;
        inputs[d]! += size;
        if (bitset) {
          const child = this.acc[d + 1]!;
          const parent = this.acc[d]!;
          for (let w = 0; w < words; w++) parent[w]! |= child[w]!;
        } else this.absorb(d + 1, d, gens[d]!);
        continue;
      }
      const f = fiber[tok]!;
      if (f < 0) continue;
      const lo = ptr[f]!;
      const hi = ptr[f + 1]!;
      if (hi === lo) continue;
      out.leafElements += hi - lo;
      inputs[d]! += hi - lo;
      if (perNode) perNode.leafInputs[ids[d]!]! += hi - lo;
      if (bitset) {
        const a = this.acc[d]!;
        const src = this.bits!;
        const base = f * words;
        for (let w = 0; w < words; w++) a[w]! |= src[base + w]!;
      } else {
        const st = this.stamps[d]!;
        const tl = this.touched[d]!;
        const g = gens[d]!;
        let n = this.touchedLen[d]!;
        if (values) {
          const sums = this.sums[d]!;
          const s = scale![tok]!;
          const bv = this.b.val!;
          for (let p = lo; p < hi; p++) {
            const c = idx[p]!;
            if (st[c] !== g) {
              st[c] = g;
              tl[n++] = c;
              sums[c] = 0;
            }
            sums[c]! += s * bv[p]!;
          }
        } else {
          for (let p = lo; p < hi; p++) {
            const c = idx[p]!;
            if (st[c] !== g) {
              st[c] = g;
              tl[n++] = c;
            }
          }
        }
        this.touchedLen[d] = n;
      }
    }
  }

  /** Adds level `from`'s set (and sums) into level `to`'s. */
  private absorb(from: number, to: number, g: number): void {
    const st = this.stamps[to]!;
    const tl = this.touched[to]!;
    let n = this.touchedLen[to]!;
    const src = this.touched[from]!;
    const m = this.touchedLen[from]!;
    const values = this.strategy === 'values';
    const sumsTo = values ? this.sums[to]! : undefined;
    const sumsFrom = values ? this.sums[from]! : undefined;
    for (let i = 0; i < m; i++) {
      const c = src[i]!;
      if (st[c] !== g) {
        st[c] = g;
        tl[n++] = c;
        if (sumsTo) sumsTo[c] = 0;
      }
      if (sumsTo) sumsTo[c]! += sumsFrom![c]!;
    }
    this.touchedLen[to] = n;
  }

  private emit(level: number, result: { idx: number[]; val: number[] }): void {
    const n = this.touchedLen[level]!;
    const coords = Array.from(this.touched[level]!.subarray(0, n)).sort((x, y) => x - y);
    const sums = this.sums[level]!;
    for (const c of coords) {
      result.idx.push(c);
      result.val.push(sums[c]!);
    }
  }
}
