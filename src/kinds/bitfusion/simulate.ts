/**
 * Cycle-level timing of one layer on a BitFusion design: the Fusion Units fuse
 * to the layer's operand widths (precision.ts), the optimizer picks a tiling and
 * tile order by a closed-form model (mapping.ts), and its tiles run through the
 * shared double-buffered pipeline (src/memory/pipeline.ts) with the three buffers
 * on one off-chip interface. Counts Fusion-Unit cycles, SRAM and DRAM bits for
 * the energy model.
 */
import type { ActionCount, LayerTiming, QualifiedArch, SimContext } from '../kind.js';
import { runPipeline, type PipelineResult, type PortConfig, type Tile } from '../../memory/pipeline.js';
import { usableWords } from '../../memory/level.js';
import type { Layer } from '../../workload/layer.js';
import { elementwiseLayer } from '../systolic/simulate.js';
import { expandTiles, mappingProblem, searchMappings, untiledMapping, type Mapping, type MappingProblem, type TilePlan } from './mapping.js';
import type { BitfusionParams } from './params.js';
import { fusionMode } from './precision.js';
import { retimeWithAtoms, type AtomRetiming } from './atoms.js';

/**
 * The mapping problem of a MAC layer on design `p`. Fusion follows the operands'
 * compute bits; a floating-point operand (which a BitFusion datapath does not
 * have) is timed as an integer of its compute bits, an optimistic stand-in.
 */
export function layerProblem(layer: Layer, p: BitfusionParams): MappingProblem {
  const fu = p.fusionUnit;
  const inputs = layer.inputs;
  const weights = layer.weights!;
  // A fixed-width datapath keeps every element in at least a datapath-wide word.
  const store = (bits: number) => (p.storage === 'datapath' ? Math.max(bits, fu.maxBits) : bits);
  const half = (b: BitfusionParams['buffers']['ifmap']) => usableWords(b, p.wordBits) * p.wordBits;
  return mappingProblem(
    layer,
    {
      rows: p.array.rows,
      cols: p.array.cols,
      mode: fusionMode(inputs.computeBits, weights.computeBits, fu.maxBits, fu.minBits),
      preload: p.array.weightLoading === 'preload',
      loadOutputs: p.mapping.outputLoad === 'every-tile',
      im2colMaxChannels: p.mapping.im2colMaxChannels,
      halfBits: { act: half(p.buffers.ifmap), wgt: half(p.buffers.filter), out: half(p.buffers.ofmap) },
      accBits: p.accumulatorBits,
    },
    { act: store(inputs.storageBits), wgt: store(weights.storageBits), out: p.outputStorage === 'accumulator' ? p.accumulatorBits : store(layer.outputs.storageBits) },
  );
}

/** One run of a mapping through the pipeline: its tiles and the pipeline's timing. */
interface SimulatedMapping {
  plans: TilePlan[];
  result: PipelineResult;
}

/** Expands `mapping` into tiles and runs them through the double-buffered pipeline on one shared interface. */
export function simulateMapping(problem: MappingProblem, mapping: Mapping, p: BitfusionParams, retime?: (plans: TilePlan[]) => void): SimulatedMapping {
  const plans = expandTiles(problem, mapping);
  retime?.(plans);
  const wb = p.wordBits;
  const words = (bits: number) => Math.ceil(bits / wb);
  const tiles: Tile[] = plans.map((t) => ({ computeCycles: t.computeCycles, fetchWords: t.fetchBits.map(words), drainWords: words(t.drainBits) }));
  const port = (buf: BitfusionParams['buffers']['ifmap']): PortConfig => ({
    wordsPerCycle: p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle,
    halfWords: usableWords(buf, wb),
    latency: p.dram.latencyCycles,
  });
  const b = p.buffers;
  // Inputs to the IBUF, weights to the WBUF, spilled partial sums back into the OBUF.
  const result = runPipeline(tiles, [port(b.ifmap), port(b.filter), port(b.ofmap)], port(b.ofmap), { sharedInterface: true });
  return { plans, result };
}

function macLayer(layer: Layer, p: BitfusionParams, ctx: SimContext): LayerTiming {
  const problem = layerProblem(layer, p);
  const { rows: N, cols: M } = p.array;
  let mapping = untiledMapping(problem);
  let evaluated = 1;
  if (p.mapping.tiling === 'search') {
    const search = searchMappings(problem, p.mapping.cycleTolerance);
    evaluated = search.evaluated;
    mapping = search.ranked[0]!.mapping;
  }
  // Zero-atom skipping retimes the same tiles on the operands' values (atoms.ts).
  let atoms: AtomRetiming | undefined;
  const retime = p.atoms.skip === 'off' ? undefined : (pl: TilePlan[]) => void (atoms = retimeWithAtoms(layer, problem, mapping, pl, p, ctx));
  const { plans, result: res } = simulateMapping(problem, mapping, p, retime);

  const wb = p.wordBits;
  const { actBits, wgtBits, accBits } = problem;
  let ibufReads = 0, wbufReads = 0, obufWrites = 0, obufReads = 0, spillBits = 0;
  for (const t of plans) {
    ibufReads += t.ibufReads;
    wbufReads += t.wbufReads;
    obufWrites += t.obufWrites;
    obufReads += t.obufReads;
    spillBits += t.spillBits;
  }
  const [actWords = 0, wgtWords = 0, reloadWords = 0] = res.fetchedWords;
  const drained = res.drainedWords;
  const bytes = (w: number) => (w * wb) / 8;
  const mode = problem.mode;
  const fuCycles = res.computeCycles * N * M;
  const actions: ActionCount[] = [
    // Every Fusion Unit is clocked while the array computes, busy or not (as the public simulator charges it).
    { component: 'fusion_units', action: 'cycle', bits: p.fusionUnit.maxBits, count: fuCycles },
    { component: 'ifmap_sram', action: 'read', bits: actBits, count: ibufReads },
    { component: 'ifmap_sram', action: 'write', bits: wb, count: actWords },
    { component: 'filter_sram', action: 'read', bits: wgtBits, count: wbufReads },
    { component: 'filter_sram', action: 'write', bits: wb, count: wgtWords },
    { component: 'ofmap_sram', action: 'write', bits: accBits, count: obufWrites },
    { component: 'ofmap_sram', action: 'read', bits: accBits, count: obufReads },
    { component: 'ofmap_sram', action: 'write', bits: wb, count: reloadWords },
    { component: 'ofmap_sram', action: 'read', bits: wb, count: drained },
    { component: 'dram', action: 'read', bits: wb, count: actWords + wgtWords + reloadWords },
    { component: 'dram', action: 'write', bits: wb, count: drained },
  ];
  // Words the array exchanges with its buffers (operands in, partial sums in and out).
  const arrayBits = ibufReads * actBits + wbufReads * wgtBits + (obufWrites + obufReads) * accBits;
  const peak = (N * M * mode.lanes) / mode.passes;
  const t = mapping.tile;
  return {
    cycles: res.endCycle,
    computeCycles: res.computeCycles,
    stallCycles: { dram_read: res.inputStall, dram_write: res.outputStall },
    macsExecuted: atoms?.executedMacs ?? layer.macs,
    peakMacsPerCycle: peak,
    traffic: {
      dram: { readBytes: bytes(actWords + wgtWords + reloadWords), writeBytes: bytes(drained) },
      ifmap_sram: { readBytes: (ibufReads * actBits) / 8, writeBytes: bytes(actWords) },
      filter_sram: { readBytes: (wbufReads * wgtBits) / 8, writeBytes: bytes(wgtWords) },
      ofmap_sram: { readBytes: (obufReads * accBits) / 8 + bytes(drained), writeBytes: (obufWrites * accBits) / 8 + bytes(reloadWords) },
    },
    actions: p.energyModel === 'eyeriss-normalized' ? eyerissActions(actions, layer.macs, arrayBits) : actions,
    details: {
      fused_bits: `${mode.fusedBits[0]}x${mode.fusedBits[1]}`,
      products_per_fu: mode.lanes,
      passes: mode.passes,
      im2col: problem.im2col ? 1 : 0,
      tile: `b${t.b} oh${t.oh} ow${t.ow} ic${t.ic} oc${t.oc}`,
      tile_order: mapping.orderName,
      tiles: plans.length,
      mappings_evaluated: evaluated,
      psum_spill_bytes: spillBits / 8,
      dram_words_per_cycle_needed: res.computeCycles > 0 ? (actWords + wgtWords + reloadWords + drained) / res.computeCycles : 0,
      ...atoms?.details,
    },
  };
}

/** Bits of one word of Eyeriss's normalized energy model. */
const EYERISS_WORD_BITS = 16;

/**
 * The actions of a layer recounted for Eyeriss's normalized energy model (energyModel
 * = eyeriss-normalized): one ALU action and four PE register-file accesses per MAC
 * (an Eyeriss PE reads its input, weight and partial sum from its scratchpads and
 * writes the sum back), one array transfer per 16-bit word between the buffers and
 * the PEs, one global-buffer access per 16-bit word of every buffer read or write
 * (the three buffers are Eyeriss's global buffer),
 * one DRAM access per 16-bit word moved off chip.
 */
function eyerissActions(actions: readonly ActionCount[], macs: number, arrayBits: number): ActionCount[] {
  const words = (a: ActionCount) => (a.count * a.bits) / EYERISS_WORD_BITS;
  const out: ActionCount[] = [
    { component: 'alu', action: 'mac', bits: EYERISS_WORD_BITS, count: macs },
    { component: 'pe_rf', action: 'access', bits: EYERISS_WORD_BITS, count: 4 * macs },
    { component: 'array', action: 'transfer', bits: EYERISS_WORD_BITS, count: arrayBits / EYERISS_WORD_BITS },
  ];
  for (const a of actions) {
    if (a.component.endsWith('_sram') || a.component === 'dram') out.push({ ...a, bits: EYERISS_WORD_BITS, count: words(a) });
    else if (a.component === 'vector_unit') out.push(a);
  }
  return out;
}

/** Times one layer of any operator on a BitFusion design. */
export function simulateBitfusionLayer(layer: Layer, arch: QualifiedArch<BitfusionParams>, ctx: SimContext): LayerTiming {
  const p = arch.params;
  if (layer.gemm) return macLayer(layer, p, ctx);
  // Pooling, batch-norm, ReLU and add stream through the post-processing unit as in the systolic kind.
  const t = elementwiseLayer(layer, p);
  return p.energyModel === 'eyeriss-normalized' ? { ...t, actions: eyerissActions(t.actions, 0, 0) } : t;
}
