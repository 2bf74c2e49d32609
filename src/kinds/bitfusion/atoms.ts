/**
 * Zero-atom skipping on BitFusion (`atoms.skip` = values | atoms): the tiles of
 * the dense schedule (mapping.ts) retimed on the operands' values.
 *
 * Hardware. A Fusion Unit of B = (maxBits/minBits)² BitBricks no longer fuses
 * its bricks per MAC: it issues atom pairs (src/kinds/bit-atoms/atoms.ts, atoms
 * of minBits, sign-magnitude) to its bricks, up to B per cycle, each brick
 * shifting its product by its pair's weight, and the shift-add tree sums them
 * into the one output the unit works on (as fused lanes already do). Under
 * `atoms` only pairs with both atoms nonzero are issued; under `values` a MAC
 * with a zero operand is dropped and the others take the B·passes/lanes brick
 * slots they take fused. To have more than one MAC's pairs per cycle, a unit
 * works through its whole reduction slice of the tile for one output pixel
 * before the next pixel — the weights of every reduction fold sit in its own
 * WBUF bank, and it accumulates across folds in its register (loop order
 * pixels → folds instead of folds → pixels; tiles, fetches and drains as in the
 * dense schedule). Unit (r, c) holds output channel c of the column fold and,
 * of each reduction fold, the `lanes` elements of row r: reduction key
 * (channel, or im2col element) ≡ r·lanes … r·lanes+lanes−1 mod N·lanes.
 *
 * A unit's time for a pixel is the largest of
 *   ⌈issued pairs / B⌉ (bricks),
 *   ⌈executed MACs · weight bits / bus⌉ (its WBUF bank port),
 * and its row's ⌈nonzero inputs · input bits / bus⌉ (the row's input broadcast,
 * which only carries nonzero inputs), with bus = maxBits²/minBits bits per cycle
 * (what the 2-bit mode's 16 lanes read: 32 bits for 8/2) and bits the fused
 * widths. A pixel none of whose units has work costs nothing.
 *
 * Synchronization: the array advances in lockstep, one pixel wavefront at a
 * time, each lasting as long as its slowest unit (a systolic array without
 * per-unit FIFOs stalls as a whole: its rows share the input broadcast and its
 * columns the partial-sum chain). The fill/drain skew and the preload cycles
 * are the dense schedule's. What per-unit queues would buy is reported beside
 * (details.atom_unit_queue_cycles: each tile as long as its busiest unit or row bus).
 *
 * Sampling: a layer with more MACs than `atoms.maxMacsPerLayer` is sampled —
 * in each tile, S of its (column fold, pixel) items, one from each of S equal
 * strata at a hashed position, are timed exactly and the tile's sum is scaled by
 * items/S (S ≥ 1; the items depend on the layer's MACs and the tile only, so two
 * runs of one mapping sample the same items).
 *
 * Energy side: Fusion Units are still charged per clocked cycle (fewer cycles,
 * less energy; idle bricks and the skip logic are not priced apart). The IBUF
 * is read once per nonzero input broadcast, the WBUF once per executed MAC, the
 * OBUF once per output of a tile (the folds accumulate in the units).
 * Operands stay dense in buffers and DRAM (no compression).
 */
import type { SimContext } from '../kind.js';
import { splitmix32 } from '../../core/random.js';
import type { Layer } from '../../workload/layer.js';
import { pairTable, type SkipMode } from '../bit-atoms/atoms.js';
import { gatherWindow } from '../bit-atoms/conv.js';
import { inputAtoms, weightAtoms } from '../bit-atoms/operands.js';
import { foldOverhead, reductionFolds, tileSizes, TILE_LOOPS, type Mapping, type MappingProblem, type TileLoop, type TilePlan } from './mapping.js';
import type { BitfusionParams } from './params.js';

/** What retiming a layer's tiles under skipping found. */
export interface AtomRetiming {
  /** MACs with both operands nonzero (sampled layers: estimated). */
  executedMacs: number;
  details: Record<string, number | string>;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Row of every element of a tile's reduction slice (icc channels × R·S positions, channel-major). */
function rowsOfSlice(pr: MappingProblem, icc: number): Int32Array[] {
  const rs = pr.kh * pr.kw;
  const lanes = pr.mode.lanes;
  const span = pr.rows * lanes;
  const lists: number[][] = Array.from({ length: pr.rows }, () => []);
  for (let j = 0; j < icc * rs; j++) {
    // im2col: the window's elements in order; channel-wise: channels, at every kernel position.
    const key = pr.im2col ? j : Math.floor(j / rs);
    lists[Math.floor((key % span) / lanes)]!.push(j);
  }
  return lists.map((l) => Int32Array.from(l));
}

/**
 * Retimes `plans` (expandTiles(problem, mapping), in order) under `p.atoms.skip`:
 * rewrites each tile's compute cycles and IBUF/WBUF/OBUF accesses in place.
 * Throws if the plans are not the dense schedule of `mapping`.
 */
export function retimeWithAtoms(layer: Layer, pr: MappingProblem, mapping: Mapping, plans: TilePlan[], p: BitfusionParams, ctx: SimContext): AtomRetiming {
  const g = layer.conv!;
  const mode = p.atoms.skip as SkipMode;
  const { maxBits, minBits } = p.fusionUnit;
  const N = pr.rows, M = pr.cols;
  const { lanes, passes, fusedBits } = pr.mode;
  const bricks = (maxBits / minBits) ** 2;
  const bus = (maxBits * maxBits) / minBits;
  const a = inputAtoms(layer, ctx.workload, ctx.seed, minBits, layer.inputs.computeBits);
  const w = weightAtoms(layer, ctx.workload, ctx.seed, minBits, layer.weights!.computeBits);
  const table = pairTable(mode, a.slots, w.slots, (bricks * passes) / lanes);
  const stride = w.slots + 1;
  const [aBits, wBits] = fusedBits;
  const rs = pr.kh * pr.kw;
  const red = pr.extent.ic * rs; // reduction elements of a group
  const kg = pr.extent.oc;
  const ovh = foldOverhead(pr);
  const rate = Math.min(1, p.atoms.maxMacsPerLayer / layer.macs);

  const sizes = {} as Record<TileLoop, number[]>;
  const counts = {} as Record<TileLoop, number>;
  for (const l of TILE_LOOPS) {
    sizes[l] = tileSizes(pr.extent[l], mapping.tile[l]);
    counts[l] = sizes[l].length;
  }
  const slices = new Map<number, Int32Array[]>();
  const buf = new Uint8Array(red);
  const nzIdx = new Int32Array(red);
  const nzRow = new Int32Array(red);
  const rowEnd = new Int32Array(N);
  const unitQ = new Float64Array(N * M);
  const busQ = new Float64Array(N);

  let executed = 0, items = 0, sampled = 0, lockstep = 0, queue = 0, busLimited = 0, pairsIssued = 0, issuedCycles = 0;
  let n = 0;
  for (let grp = 0; grp < pr.groups; grp++) {
    const idx: Record<TileLoop, number> = { b: 0, oh: 0, ow: 0, ic: 0, oc: 0 };
    const total = counts.b * counts.oh * counts.ow * counts.ic * counts.oc;
    for (let t = 0; t < total; t++, n++) {
      const plan = plans[n];
      const bb = sizes.b[idx.b]!, ohh = sizes.oh[idx.oh]!, oww = sizes.ow[idx.ow]!, icc = sizes.ic[idx.ic]!, occ = sizes.oc[idx.oc]!;
      const b0 = idx.b * mapping.tile.b, oy0 = idx.oh * mapping.tile.oh, ox0 = idx.ow * mapping.tile.ow;
      const ic0 = idx.ic * mapping.tile.ic, oc0 = idx.oc * mapping.tile.oc;
      const pixels = bb * ohh * oww;
      const rf = reductionFolds(pr, icc);
      const of = ceilDiv(occ, M);
      const overhead = ovh.perFold * rf * of + (n === plans.length - 1 ? ovh.perLayer : 0);
      if (!plan || plan.computeCycles !== pixels * rf * of * passes + overhead) {
        throw new Error(`bitfusion atoms: tile ${n} of layer "${layer.name}" is not the dense schedule's (mapping.ts changed its tile order or timing)`);
      }
      let rows = slices.get(icc);
      if (!rows) slices.set(icc, (rows = rowsOfSlice(pr, icc)));
      const e0 = ic0 * rs, len = icc * rs;
      const nItems = of * pixels;
      const s = rate >= 1 ? nItems : Math.min(nItems, Math.max(1, Math.ceil(rate * nItems)));
      unitQ.fill(0);
      busQ.fill(0);
      let cycles = 0, nzInputs = 0, macs = 0;
      for (let i = 0; i < s; i++) {
        // Stratified: one item from each of s equal strata, at a hashed position (no aliasing with the image grid).
        const item = s === nItems ? i : Math.floor(((i + splitmix32(Math.imul(n, 0x9e3779b1) + i).value / 2 ** 32) * nItems) / s);
        const fc = Math.floor(item / pixels);
        const q = item - fc * pixels;
        const ox = ox0 + (q % oww);
        const oy = oy0 + (Math.floor(q / oww) % ohh);
        const bn = b0 + Math.floor(q / (oww * ohh));
        gatherWindow(g, a.counts, undefined, 1, (bn * g.oh + oy) * g.ow + ox, grp, e0, e0 + len, buf);
        // Each row's nonzero inputs, grouped by row, and its input-bus time.
        let k = 0, busMax = 0;
        for (let r = 0; r < N; r++) {
          const start = k;
          const list = rows[r]!;
          for (let h = 0; h < list.length; h++) {
            const j = list[h]!;
            const x = buf[j]!;
            if (x === 0) continue;
            nzIdx[k] = e0 + j;
            nzRow[k++] = x * stride;
          }
          rowEnd[r] = k;
          const c = ceilDiv((k - start) * aBits, bus);
          busQ[r]! += c;
          if (c > busMax) busMax = c;
        }
        nzInputs += k;
        let unitMax = 0;
        const cols = Math.min(M, occ - fc * M);
        for (let c = 0; c < cols; c++) {
          const base = (grp * kg + oc0 + fc * M + c) * red;
          let from = 0;
          for (let r = 0; r < N; r++) {
            const to = rowEnd[r]!;
            let pairs = 0, m = 0;
            for (let z = from; z < to; z++) {
              const y = w.counts[base + nzIdx[z]!]!;
              if (y === 0) continue;
              m++;
              pairs += table[nzRow[z]! + y]!;
            }
            from = to;
            if (m === 0) continue;
            const u = Math.max(ceilDiv(pairs, bricks), ceilDiv(m * wBits, bus));
            unitQ[r * M + c]! += u;
            if (u > unitMax) unitMax = u;
            macs += m;
            pairsIssued += pairs;
          }
        }
        const cost = Math.max(unitMax, busMax);
        if (busMax > unitMax) busLimited++;
        issuedCycles += cost;
        cycles += cost;
      }
      const scale = nItems / s;
      const skipCycles = Math.round(cycles * scale);
      let queueMax = 0;
      for (const v of unitQ) queueMax = Math.max(queueMax, v);
      for (const v of busQ) queueMax = Math.max(queueMax, v);
      const outElems = pixels * occ;
      plan.computeCycles = skipCycles + overhead;
      plan.ibufReads = Math.round(nzInputs * scale);
      plan.wbufReads = Math.round(macs * scale);
      plan.obufWrites = outElems;
      plan.obufReads = idx.ic === 0 ? 0 : outElems;
      executed += macs * scale;
      items += nItems;
      sampled += s;
      lockstep += skipCycles;
      queue += Math.round(queueMax * scale);
      // Odometer over the order, innermost fastest (as expandTiles).
      for (let d = mapping.order.length - 1; d >= 0; d--) {
        const l = mapping.order[d]!;
        if (++idx[l] < counts[l]) break;
        idx[l] = 0;
      }
    }
  }
  if (n !== plans.length) throw new Error(`bitfusion atoms: ${plans.length} tiles for layer "${layer.name}", expected ${n}`);
  return {
    executedMacs: Math.round(executed),
    details: {
      atom_skip: mode,
      atom_sampled_fraction: items > 0 ? sampled / items : 1,
      atom_lockstep_cycles: lockstep,
      atom_unit_queue_cycles: queue,
      atom_bus_limited_fraction: sampled > 0 ? busLimited / sampled : 0,
      atom_brick_utilization: issuedCycles > 0 ? pairsIssued / (issuedCycles * bricks * N * M) : 0,
    },
  };
}
