/**
 * The memory side of a kernel beyond one SM: which tensors are already in L2
 * when a layer starts (residency), and how many bytes of a tiled kernel's
 * operand panels miss in L2 and come from DRAM, from the order the thread
 * blocks run in (tile reuse across the blocks of a wave and across waves).
 */
import type { Layer } from '../../workload/layer.js';
import type { GpuParams } from './params.js';

/** Which operands of a layer are in L2 when it starts. */
export interface Residency {
  inputs: boolean;
  weights: boolean;
  /** The output can stay in L2 (no write-back to DRAM during the layer). */
  outputs: boolean;
}

/**
 * Residency at layer start. `network`: the input is resident when it is the previous
 * layer's output and fit in L2; weights come from DRAM; outputs are written back.
 * `repeat` (a layer run back to back): everything stays when all its tensors fit
 * together; otherwise the tensors streaming through evict one another and none is.
 */
export function residency(p: GpuParams, l2Bytes: number, layer: Layer, previous: Layer | undefined, bytes: { inputs: number; weights: number; outputs: number }): Residency {
  if (p.l2Residency === 'repeat') {
    const all = bytes.inputs + bytes.weights + bytes.outputs <= l2Bytes;
    return { inputs: all, weights: all, outputs: all };
  }
  const prevOut = previous ? (previous.outputElements * previous.outputs.storageBits) / 8 : Infinity;
  const chained = previous !== undefined && previous.outputElements === layer.inputElements;
  return { inputs: chained && prevOut <= l2Bytes, weights: false, outputs: false };
}

/** A tiled kernel's operand panels: block (m, n) of group g reads A panel (g, m) and B panel (g, n). */
export interface TileGrid {
  mTiles: number;
  nTiles: number;
  groups: number;
  /** Bytes of one A panel (all of the block's K range) and one B panel, as fetched from DRAM on a miss. */
  aPanelBytes: number;
  bPanelBytes: number;
  /** Blocks in flight at once (SMs × resident blocks). */
  concurrent: number;
  /** N columns rasterized together (CUTLASS-style threadblock swizzle). */
  swizzle: number;
}

/**
 * DRAM bytes read for A and B panels. Blocks run in waves of `concurrent`, in a
 * swizzled raster (within a group of `swizzle` N columns, M varies slowest across
 * columns: block j of the group is (m = ⌊j/swizzle⌋, n = j mod swizzle)). The
 * blocks of a wave march through K together, so a panel shared within a wave is
 * read once. Across waves a panel hits in L2 when the distinct panels touched
 * since its last use fit in `l2Bytes` (LRU reuse distance); resident operands always hit.
 */
export function panelTraffic(g: TileGrid, l2Bytes: number, aResident: boolean, bResident: boolean): { aBytes: number; bBytes: number } {
  const blocksPerGroup = g.mTiles * g.nTiles;
  const total = blocksPerGroup * g.groups;
  const swz = Math.max(1, Math.min(g.swizzle, g.nTiles));
  const lastA = new Int32Array(g.mTiles * g.groups).fill(-1);
  const lastB = new Int32Array(g.nTiles * g.groups).fill(-1);
  const cum: number[] = [0];
  let aBytes = 0;
  let bBytes = 0;
  const waves = Math.ceil(total / g.concurrent);
  const seenA = new Int32Array(g.mTiles * g.groups).fill(-1);
  const seenB = new Int32Array(g.nTiles * g.groups).fill(-1);
  for (let w = 0; w < waves; w++) {
    const lo = w * g.concurrent;
    const hi = Math.min(total, lo + g.concurrent);
    let bytesThisWave = 0;
    const touchedA: number[] = [];
    const touchedB: number[] = [];
    for (let b = lo; b < hi; b++) {
      const grp = Math.floor(b / blocksPerGroup);
      const j = b - grp * blocksPerGroup;
      // Swizzle groups of `swz` columns; the last group may be narrower.
      const colGroup = Math.floor(j / (swz * g.mTiles));
      const width = Math.min(swz, g.nTiles - colGroup * swz);
      const r = j - colGroup * swz * g.mTiles;
      const m = Math.floor(r / width);
      const n = colGroup * swz + (r % width);
      const ai = grp * g.mTiles + m;
      const bi = grp * g.nTiles + n;
      if (seenA[ai] !== w) {
        seenA[ai] = w;
        touchedA.push(ai);
        bytesThisWave += g.aPanelBytes;
      }
      if (seenB[bi] !== w) {
        seenB[bi] = w;
        touchedB.push(bi);
        bytesThisWave += g.bPanelBytes;
      }
    }
    const hit = (last: number) => last >= 0 && cum[w]! - cum[last + 1]! + bytesThisWave <= l2Bytes;
    for (const ai of touchedA) {
      if (!aResident && !hit(lastA[ai]!)) aBytes += g.aPanelBytes;
      lastA[ai] = w;
    }
    for (const bi of touchedB) {
      if (!bResident && !hit(lastB[bi]!)) bBytes += g.bPanelBytes;
      lastB[bi] = w;
    }
    cum.push(cum[w]! + bytesThisWave);
  }
  return { aBytes, bBytes };
}

/**
 * Distinct input bytes the output pixels of one M tile need (its receptive field),
 * for an implicit-GEMM convolution: `mt` consecutive output pixels of one image
 * span at most ⌈mt/OW⌉+1 output rows, i.e. (rows − 1) × stride + R input rows of
 * all its group's channels; a tile of whole images needs those images.
 */
export function receptiveFieldBytes(layer: Layer, mt: number, bytesPerElement: number): number {
  const c = layer.conv!;
  const plane = (c.c / c.groups) * c.w * bytesPerElement;
  const perImage = c.oh * c.ow;
  if (mt >= perImage) return Math.ceil(mt / perImage) * c.h * plane;
  const outRows = Math.min(c.oh, Math.ceil(mt / c.ow) + 1);
  return Math.min(c.h, (outRows - 1) * c.strideH + c.r) * plane;
}
