/**
 * Cycle-level timing of one layer on a systolic array: the layer is folded
 * onto the array as SCALE-Sim v2 does, each fold becomes a tile of the shared
 * double-buffered pipeline (src/memory/pipeline.ts), and the event engine
 * advances through fills, computes and drains. Counts SRAM, register, MAC and
 * DRAM actions for the energy model.
 */
import type { ActionCount, LayerTiming, QualifiedArch } from '../kind.js';
import { runPipeline, type PortConfig, type Tile } from '../../memory/pipeline.js';
import { usableWords } from '../../memory/level.js';
import type { Layer } from '../../workload/layer.js';
import { foldCycles, mapGemm, type Dataflow } from './mapping.js';
import type { SystolicParams } from './params.js';

/** Operand block a fold reads; consecutive folds on the same block reuse the buffer's copy. */
interface FoldPlan {
  rows: number;
  cols: number;
  t: number;
  ifmapBlock: number;
  filterBlock: number;
  /** Words of this fold's ifmap and filter blocks (before reuse). */
  ifmapWords: number;
  filterWords: number;
  /** Final outputs this fold completes (0 while partial sums still accumulate). */
  outputWords: number;
  /** Partial sums read back from the OFMAP buffer to accumulate (WS, IS row folds after the first). */
  psumReads: number;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * Folds of one group's GEMM in SCALE-Sim's order: column folds outer, row folds inner.
 * Word counts are in operand elements; the ifmap block is divided by the im2col
 * duplication factor (window overlap), so a block's words approximate its distinct inputs.
 */
export function planFolds(rowsNeeded: number, colsNeeded: number, t: number, dataflow: Dataflow, arrRows: number, arrCols: number, ifmapDup: number): FoldPlan[] {
  const rowFolds = ceilDiv(rowsNeeded, arrRows);
  const colFolds = ceilDiv(colsNeeded, arrCols);
  const folds: FoldPlan[] = [];
  for (let fc = 0; fc < colFolds; fc++) {
    const cols = Math.min(arrCols, colsNeeded - fc * arrCols);
    for (let fr = 0; fr < rowFolds; fr++) {
      const rows = Math.min(arrRows, rowsNeeded - fr * arrRows);
      const lastRowFold = fr === rowFolds - 1;
      switch (dataflow) {
        case 'os': // rows: pixels, cols: filters, t: window
          folds.push({ rows, cols, t, ifmapBlock: fr, filterBlock: fc, ifmapWords: (rows * t) / ifmapDup, filterWords: t * cols, outputWords: rows * cols, psumReads: 0 });
          break;
        case 'ws': // rows: window, cols: filters, t: pixels
          folds.push({ rows, cols, t, ifmapBlock: fr, filterBlock: fr * colFolds + fc, ifmapWords: (rows * t) / ifmapDup, filterWords: rows * cols, outputWords: lastRowFold ? cols * t : 0, psumReads: fr > 0 ? cols * t : 0 });
          break;
        case 'is': // rows: window, cols: pixels, t: filters
          folds.push({ rows, cols, t, ifmapBlock: fr * colFolds + fc, filterBlock: fr, ifmapWords: (rows * cols) / ifmapDup, filterWords: rows * t, outputWords: lastRowFold ? cols * t : 0, psumReads: fr > 0 ? cols * t : 0 });
          break;
      }
    }
  }
  return folds;
}

/** The parameters the DRAM ports and the element-wise unit need: shared with other array kinds of the same shape. */
export type ArrayMemoryParams = Pick<SystolicParams, 'wordBits' | 'buffers' | 'dram' | 'vector' | 'array'>;

/** The DRAM port of a buffer whose usable half holds `halfWords` words. */
export function port(p: Pick<SystolicParams, 'dram'>, halfWords: number): PortConfig {
  return {
    wordsPerCycle: p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle,
    halfWords,
    latency: p.dram.latencyCycles,
  };
}

function macLayer(layer: Layer, p: SystolicParams): LayerTiming {
  const g = layer.gemm!;
  const conv = layer.conv!;
  const { rows: R, cols: C } = p.array;
  const inputs = layer.inputs;
  const weights = layer.weights!;
  // Operands are stored at their storage width; buffers and ports move `wordBits` words.
  const inWords = (elems: number, bits: number) => (elems * bits) / p.wordBits;
  const map = mapGemm(g, p.dataflow);
  const groupInputs = layer.inputElements / g.groups;
  const ifmapDup = Math.max(1, (g.m * g.k) / groupInputs);
  const ifmapHalf = usableWords(p.buffers.ifmap, p.wordBits);
  const filterHalf = usableWords(p.buffers.filter, p.wordBits);
  const ofmapHalf = usableWords(p.buffers.ofmap, p.wordBits);
  const ifmapFits = inWords(groupInputs, inputs.storageBits) <= ifmapHalf;
  const filterFits = inWords(g.k * g.n, weights.storageBits) <= filterHalf;

  const tiles: Tile[] = [];
  let ifmapSramReads = 0, filterSramReads = 0, ofmapSramWrites = 0, ofmapSramReads = 0, macs = 0, mapped = 0;
  for (let grp = 0; grp < g.groups; grp++) {
    const folds = planFolds(map.rowsNeeded, map.colsNeeded, map.t, p.dataflow, R, C, ifmapDup);
    let lastIfmap = -1, lastFilter = -1;
    folds.forEach((f, i) => {
      // An operand that fits half its buffer is fetched once per group; otherwise a block is fetched when the fold changes blocks.
      const ifmapFetch = ifmapFits ? (i === 0 ? groupInputs : 0) : f.ifmapBlock !== lastIfmap ? f.ifmapWords : 0;
      const filterFetch = filterFits ? (i === 0 ? g.k * g.n : 0) : f.filterBlock !== lastFilter ? f.filterWords : 0;
      lastIfmap = f.ifmapBlock;
      lastFilter = f.filterBlock;
      tiles.push({
        computeCycles: foldCycles(p.dataflow, R, C, f.t),
        fetchWords: [Math.ceil(inWords(ifmapFetch, inputs.storageBits)), Math.ceil(inWords(filterFetch, weights.storageBits))],
        drainWords: Math.ceil(inWords(f.outputWords, layer.outputs.storageBits)),
      });
      macs += f.rows * f.cols * f.t;
      mapped += f.rows * f.cols;
      switch (p.dataflow) {
        case 'os':
          ifmapSramReads += f.rows * f.t;
          filterSramReads += f.cols * f.t;
          ofmapSramWrites += f.rows * f.cols;
          break;
        case 'ws':
          filterSramReads += f.rows * f.cols;
          ifmapSramReads += f.rows * f.t;
          ofmapSramWrites += f.cols * f.t;
          break;
        case 'is':
          ifmapSramReads += f.rows * f.cols;
          filterSramReads += f.rows * f.t;
          ofmapSramWrites += f.cols * f.t;
          break;
      }
      ofmapSramReads += f.psumReads;
    });
  }
  const res = runPipeline(tiles, [port(p, ifmapHalf), port(p, filterHalf)], port(p, ofmapHalf));
  const cycles = res.endCycle;
  const [ifmapFetched = 0, filterFetched = 0] = res.fetchedWords;
  const drained = res.drainedWords;
  const wb = p.wordBits;
  const bytes = (words: number) => (words * wb) / 8;
  const actions: ActionCount[] = [
    { component: 'pe_array', action: 'mac', bits: Math.max(inputs.computeBits, weights.computeBits), count: macs, operandBits: [inputs.computeBits, weights.computeBits], format: weights.format },
    // Each MAC latches its two operands into PE registers as they pass through the array.
    { component: 'pe_registers', action: 'write', bits: inputs.computeBits, count: macs },
    { component: 'pe_registers', action: 'write', bits: weights.computeBits, count: macs },
    { component: 'ifmap_sram', action: 'read', bits: inputs.storageBits, count: ifmapSramReads },
    { component: 'ifmap_sram', action: 'write', bits: wb, count: ifmapFetched },
    { component: 'filter_sram', action: 'read', bits: weights.storageBits, count: filterSramReads },
    { component: 'filter_sram', action: 'write', bits: wb, count: filterFetched },
    { component: 'ofmap_sram', action: 'write', bits: layer.outputs.storageBits, count: ofmapSramWrites },
    { component: 'ofmap_sram', action: 'read', bits: layer.outputs.storageBits, count: ofmapSramReads },
    { component: 'ofmap_sram', action: 'read', bits: wb, count: drained },
    { component: 'dram', action: 'read', bits: wb, count: ifmapFetched + filterFetched },
    { component: 'dram', action: 'write', bits: wb, count: drained },
  ];
  const computeCycles = res.computeCycles;
  const foldsTotal = tiles.length;
  return {
    cycles,
    computeCycles,
    stallCycles: { dram_read: res.inputStall, dram_write: res.outputStall },
    macsExecuted: macs,
    peakMacsPerCycle: R * C,
    traffic: {
      dram: { readBytes: bytes(ifmapFetched + filterFetched), writeBytes: bytes(drained) },
      ifmap_sram: { readBytes: (ifmapSramReads * inputs.storageBits) / 8, writeBytes: bytes(ifmapFetched) },
      filter_sram: { readBytes: (filterSramReads * weights.storageBits) / 8, writeBytes: bytes(filterFetched) },
      ofmap_sram: { readBytes: (ofmapSramReads * layer.outputs.storageBits) / 8 + bytes(drained), writeBytes: (ofmapSramWrites * layer.outputs.storageBits) / 8 },
    },
    actions,
    details: {
      dataflow: p.dataflow,
      folds: foldsTotal,
      mapping_efficiency: mapped / (foldsTotal * R * C),
      ofmap_pixels: conv.n * conv.oh * conv.ow,
      // SCALE-Sim's "Total Cycles" numbers cycles from 0: the index of the cycle serving the last OFMAP write.
      scalesim_total_cycles: cycles - 1,
      // What CALC mode reports: the DRAM bandwidth that would keep the array fed.
      dram_words_per_cycle_needed: computeCycles > 0 ? (ifmapFetched + filterFetched + drained) / computeCycles : 0,
    },
  };
}

/** Times an element-wise or pooling layer on the vector unit beside the array, streamed through the IFMAP/OFMAP buffers. */
export function elementwiseLayer(layer: Layer, p: ArrayMemoryParams): LayerTiming {
  const e = layer.elementwise!;
  const ops = e.outputElements * e.opsPerOutput;
  const wb = p.wordBits;
  const readWords = Math.ceil((e.inputElements * layer.inputs.storageBits) / wb);
  const writeWords = Math.ceil((e.outputElements * layer.outputs.storageBits) / wb);
  // Stream the tensor in tiles of half the IFMAP buffer so reads, compute and write-back overlap.
  const half = usableWords(p.buffers.ifmap, wb);
  const nTiles = Math.max(1, Math.ceil(readWords / half));
  const tiles: Tile[] = [];
  const share = (total: number, i: number) => Math.floor((total * (i + 1)) / nTiles) - Math.floor((total * i) / nTiles);
  const computeTotal = Math.ceil(ops / p.vector.lanes);
  for (let i = 0; i < nTiles; i++) {
    tiles.push({ computeCycles: share(computeTotal, i), fetchWords: [share(readWords, i)], drainWords: share(writeWords, i) });
  }
  const res = runPipeline(tiles, [port(p, half)], port(p, usableWords(p.buffers.ofmap, wb)));
  const bytes = (w: number) => (w * wb) / 8;
  return {
    cycles: res.endCycle,
    computeCycles: res.computeCycles,
    stallCycles: { dram_read: res.inputStall, dram_write: res.outputStall },
    macsExecuted: 0,
    peakMacsPerCycle: p.array.rows * p.array.cols,
    traffic: {
      dram: { readBytes: bytes(readWords), writeBytes: bytes(writeWords) },
      ifmap_sram: { readBytes: bytes(readWords), writeBytes: bytes(readWords) },
      filter_sram: { readBytes: 0, writeBytes: 0 },
      ofmap_sram: { readBytes: bytes(writeWords), writeBytes: bytes(writeWords) },
    },
    actions: [
      { component: 'vector_unit', action: 'op', bits: layer.inputs.computeBits, count: ops, format: layer.inputs.format },
      { component: 'ifmap_sram', action: 'write', bits: wb, count: readWords },
      { component: 'ifmap_sram', action: 'read', bits: wb, count: readWords },
      { component: 'ofmap_sram', action: 'write', bits: wb, count: writeWords },
      { component: 'ofmap_sram', action: 'read', bits: wb, count: writeWords },
      { component: 'dram', action: 'read', bits: wb, count: readWords },
      { component: 'dram', action: 'write', bits: wb, count: writeWords },
    ],
    details: { unit: 'vector', ops },
  };
}

/** Times one layer of any operator on the systolic design. */
export function simulateSystolicLayer(layer: Layer, arch: QualifiedArch<SystolicParams>): LayerTiming {
  return layer.gemm ? macLayer(layer, arch.params) : elementwiseLayer(layer, arch.params);
}
