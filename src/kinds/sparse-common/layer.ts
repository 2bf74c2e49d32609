/**
 * What the three sparse kinds share around their engines: the priced
 * components, the conversion of an engine run into a LayerTiming (stall causes,
 * traffic, action counts, the dataflow metrics), and element-wise layers.
 */
import type { ComponentSpec } from '../../energy/components.js';
import { runPipeline, type PortConfig, type Tile } from '../../memory/pipeline.js';
import type { BufferParams, DramParams } from '../../memory/level.js';
import type { Layer } from '../../workload/layer.js';
import type { ActionCount, CommonParams, LayerTiming } from '../kind.js';
import { apportion, type FarmAccount } from './farm.js';

const KiB = 1024;

/** Parameters the shared code reads from every sparse kind. */
export interface SparseCommonParams extends CommonParams {
  pes: { count: number; prefetch: number; buffer: BufferParams };
  wordBits: number;
  metadata: { indexBits: number; pointerBits: number };
  globalBuffer: BufferParams;
  dram: DramParams;
}

/** Priced components of a sparse engine. */
export function sparseComponents(p: SparseCommonParams): ComponentSpec[] {
  const sram = (name: string, b: BufferParams): ComponentSpec => ({ name, class: 'sram', capacityBytes: b.capacityKiB * KiB, bankBytes: Math.min(b.bankKiB, b.capacityKiB) * KiB });
  return [
    { name: 'multipliers', class: 'mac' },
    { name: 'intersect', class: 'alu' },
    { name: 'merge', class: 'alu' },
    { name: 'vector', class: 'alu' },
    sram('pe_buffers', p.pes.buffer),
    sram('global_buffer', p.globalBuffer),
    { name: 'dram', class: 'dram', pjPerBit: p.dram.pjPerBit },
  ];
}

/** Usable bytes of an on-chip buffer (half of it when double-buffered). */
export function bufferBytes(b: BufferParams): number {
  return (b.capacityKiB * KiB) / (b.doubleBuffered ? 2 : 1);
}

/** Read and write bits of one memory level. */
export interface Bits {
  read: number;
  write: number;
}

/** How partial sums are produced: one scalar per output, vectors (rows), or whole partial matrices. */
export type PsumGranularity = 'scalar' | 'vector' | 'matrix';

/** What an engine reports for one layer (all groups). */
export interface EngineRun {
  /** Elapsed cycles. */
  cycles: number;
  /** Units the account is over (PEs, or 1 for a single merge tree). */
  units: number;
  account: FarmAccount;
  /** Useful multiply-accumulates: nonzero × nonzero products. */
  macs: number;
  /** Comparison steps of intersection units. */
  intersectSteps: number;
  /** Elements entering mergers (all passes). */
  mergeInputs: number;
  dram: Bits;
  /** Of the DRAM bits, those that are format metadata (pointers, coordinates, bitmasks). */
  dramMetadataBits: number;
  globalBuffer: Bits;
  peBuffers: Bits;
  /** A and B elements delivered into PEs (input reuse: these per useful MAC). */
  operandElements: number;
  /** Partial sums written anywhere (output reuse: these per output nonzero). */
  psumWrites: number;
  /** Output nonzeros. */
  outputs: number;
  psum: PsumGranularity;
  /** Average elements of one partial-sum unit (1 for scalars, a row, a partial matrix). */
  psumUnitElements: number;
  /** Kind-specific details. */
  details: Record<string, number | string>;
}

/** Turns an engine run into the LayerTiming every kind returns. */
export function timingOf(layer: Layer, p: SparseCommonParams, r: EngineRun): LayerTiming {
  const { compute, stalls } = apportion(r.cycles, r.units, r.account);
  const w = layer.weights!;
  const i = layer.inputs;
  const wb = p.wordBits;
  const idxBits = p.metadata.indexBits;
  const words = (bits: number) => bits / wb;
  const actions: ActionCount[] = [
    { component: 'multipliers', action: 'mac', bits: Math.max(i.computeBits, w.computeBits), count: r.macs, operandBits: [i.computeBits, w.computeBits], format: w.format },
    { component: 'intersect', action: 'op', bits: idxBits, count: r.intersectSteps },
    { component: 'merge', action: 'op', bits: Math.max(idxBits, layer.outputs.storageBits), count: r.mergeInputs, format: layer.outputs.format },
    { component: 'pe_buffers', action: 'read', bits: wb, count: words(r.peBuffers.read) },
    { component: 'pe_buffers', action: 'write', bits: wb, count: words(r.peBuffers.write) },
    { component: 'global_buffer', action: 'read', bits: wb, count: words(r.globalBuffer.read) },
    { component: 'global_buffer', action: 'write', bits: wb, count: words(r.globalBuffer.write) },
    { component: 'dram', action: 'read', bits: wb, count: words(r.dram.read) },
    { component: 'dram', action: 'write', bits: wb, count: words(r.dram.write) },
  ];
  const useful = Math.max(1, r.macs);
  return {
    cycles: r.cycles,
    computeCycles: compute,
    stallCycles: stalls,
    macsExecuted: r.macs,
    peakMacsPerCycle: p.pes.count,
    traffic: {
      dram: { readBytes: r.dram.read / 8, writeBytes: r.dram.write / 8 },
      global_buffer: { readBytes: r.globalBuffer.read / 8, writeBytes: r.globalBuffer.write / 8 },
      pe_buffers: { readBytes: r.peBuffers.read / 8, writeBytes: r.peBuffers.write / 8 },
    },
    actions,
    details: {
      ...r.details,
      dram_metadata_bytes: r.dramMetadataBits / 8,
      input_reuse_words_per_mac: r.operandElements / useful,
      output_psums_per_output: r.outputs > 0 ? r.psumWrites / r.outputs : 0,
      intersection_efficiency: r.intersectSteps > 0 ? r.macs / r.intersectSteps : 1,
      psum_granularity: r.psum,
      psum_unit_elements: r.psumUnitElements,
      output_nonzeros: r.outputs,
    },
  };
}

function port(p: SparseCommonParams, halfWords: number): PortConfig {
  return { wordsPerCycle: p.dram.mode === 'calc' ? Infinity : p.dram.wordsPerCycle, halfWords, latency: p.dram.latencyCycles };
}

/**
 * Element-wise and pooling layers: the PEs' adders act as `pes.count` lanes;
 * the tensor streams through the global buffer in halves, so reads, compute
 * and write-back overlap (the shared double-buffered pipeline).
 */
export function elementwiseTiming(layer: Layer, p: SparseCommonParams): LayerTiming {
  const e = layer.elementwise!;
  const ops = e.outputElements * e.opsPerOutput;
  const wb = p.wordBits;
  const readWords = Math.ceil((e.inputElements * layer.inputs.storageBits) / wb);
  const writeWords = Math.ceil((e.outputElements * layer.outputs.storageBits) / wb);
  const half = Math.max(1, Math.floor((bufferBytes(p.globalBuffer) * 8) / wb / 2));
  const nTiles = Math.max(1, Math.ceil(readWords / half));
  const share = (total: number, k: number) => Math.floor((total * (k + 1)) / nTiles) - Math.floor((total * k) / nTiles);
  const computeTotal = Math.ceil(ops / p.pes.count);
  const tiles: Tile[] = [];
  for (let k = 0; k < nTiles; k++) tiles.push({ computeCycles: share(computeTotal, k), fetchWords: [share(readWords, k)], drainWords: share(writeWords, k) });
  const res = runPipeline(tiles, [port(p, half)], port(p, half));
  const bytes = (x: number) => (x * wb) / 8;
  return {
    cycles: res.endCycle,
    computeCycles: res.computeCycles,
    stallCycles: { dram_read: res.inputStall, dram_write: res.outputStall },
    macsExecuted: 0,
    peakMacsPerCycle: p.pes.count,
    traffic: {
      dram: { readBytes: bytes(readWords), writeBytes: bytes(writeWords) },
      global_buffer: { readBytes: bytes(readWords + writeWords), writeBytes: bytes(readWords + writeWords) },
      pe_buffers: { readBytes: 0, writeBytes: 0 },
    },
    actions: [
      { component: 'vector', action: 'op', bits: layer.inputs.computeBits, count: ops, format: layer.inputs.format },
      { component: 'global_buffer', action: 'write', bits: wb, count: readWords + writeWords },
      { component: 'global_buffer', action: 'read', bits: wb, count: readWords + writeWords },
      { component: 'dram', action: 'read', bits: wb, count: readWords },
      { component: 'dram', action: 'write', bits: wb, count: writeWords },
    ],
    details: { unit: 'vector', ops },
  };
}
