/**
 * A double-buffered tile pipeline over the event engine, shared by kinds that
 * stream tiles through on-chip buffers (systolic arrays, BitFusion, PE arrays).
 *
 * Each tile needs some words from each input buffer's DRAM port and produces
 * words drained through the output port. A tile's input words arrive in chunks
 * of at most the buffer's usable half; a chunk may be fetched only while its
 * buffer half is free (the chunk two before it has been consumed), so the next
 * tile's data is prefetched while the current one computes. The tile's compute
 * advances through its chunks and waits for any not yet arrived (a stall). Its
 * outputs drain after it ends; a tile cannot end until the output half it
 * writes was drained by the tile two before it.
 */
import { EventEngine } from '../core/engine.js';
import type { Cycles } from '../core/units.js';

/** A DRAM port of one buffer. */
export interface PortConfig {
  /** Words moved per cycle; Infinity means the interface always keeps up. */
  wordsPerCycle: number;
  /** Words one buffer half holds (chunk size). */
  halfWords: number;
  /** Cycles added to each transfer. */
  latency: Cycles;
}

/** One tile of work. */
export interface Tile {
  /** Cycles of compute when no data is late. */
  computeCycles: Cycles;
  /** Words to fetch from DRAM per input port before (and while) computing; 0 when resident. */
  fetchWords: number[];
  /** Output words drained to DRAM after the tile. */
  drainWords: number;
}

/** How a pipeline run is wired. */
export interface PipelineOptions {
  /**
   * All ports, inputs and output, share one off-chip interface (e.g. BitFusion's
   * `if_width`): transfers are served one at a time in the order they are requested.
   * Default false: every port has an interface of its own.
   */
  sharedInterface?: boolean;
}

/** What the pipeline reports. */
export interface PipelineResult {
  /** Cycle at which the last output is drained (or compute ends, if later). */
  endCycle: Cycles;
  /** Sum of compute cycles. */
  computeCycles: Cycles;
  /** Cycles compute waited for input data. */
  inputStall: Cycles;
  /** Cycles compute waited for output buffer space, plus the final drain after the last tile. */
  outputStall: Cycles;
  /** Words fetched per input port. */
  fetchedWords: number[];
  drainedWords: number;
  events: number;
}

interface Chunk {
  tile: number;
  /** Fraction of the tile's compute done once this chunk is used up. */
  upTo: number;
  words: number;
  arrival: Cycles;
  /** Cycle the chunk's buffer half becomes free (when it has been used). */
  freed: Cycles;
}

function transferCycles(words: number, port: PortConfig): Cycles {
  if (words === 0 || port.wordsPerCycle === Infinity) return 0;
  return Math.ceil(words / port.wordsPerCycle) + port.latency;
}

/**
 * Runs `tiles` in order through the pipeline and returns timing and traffic.
 * With infinite bandwidth everywhere the result is Σ computeCycles, no stall.
 */
export function runPipeline(tiles: readonly Tile[], inputs: readonly PortConfig[], output: PortConfig, options: PipelineOptions = {}): PipelineResult {
  const engine = new EventEngine();
  const shared = options.sharedInterface === true;
  // With a shared interface: the cycle it is free again (every transfer reserves it in turn).
  let busFree = 0;
  const nPorts = inputs.length;
  // Split every tile's input demand into chunks of at most half a buffer; remember each tile's chunk range per port.
  const chunks: Chunk[][] = inputs.map(() => []);
  const lo: Int32Array[] = inputs.map(() => new Int32Array(tiles.length));
  const hi: Int32Array[] = inputs.map(() => new Int32Array(tiles.length));
  tiles.forEach((t, ti) => {
    for (let pi = 0; pi < nPorts; pi++) {
      const port = inputs[pi]!;
      const list = chunks[pi]!;
      const words = t.fetchWords[pi] ?? 0;
      lo[pi]![ti] = list.length;
      if (words > 0) {
        const n = port.wordsPerCycle === Infinity ? 1 : Math.max(1, Math.ceil(words / Math.max(1, port.halfWords)));
        const w = Math.ceil(words / n);
        for (let c = 0; c < n; c++) {
          list.push({ tile: ti, upTo: (c + 1) / n, words: Math.min(w, words - c * w), arrival: Infinity, freed: Infinity });
        }
      }
      hi[pi]![ti] = list.length;
    }
  });

  // Fetches: each port serves its chunks in order, once the half they fill is free.
  // One event per chunk: its arrival, which also starts the port's next transfer.
  const portFree = inputs.map(() => 0);
  const nextFetch = inputs.map(() => 0);
  const waiting: Array<(() => void) | undefined> = inputs.map(() => undefined);
  const fetching = inputs.map(() => false);
  const tryFetch = (pi: number, now: Cycles) => {
    if (fetching[pi]) return; // the transfer in flight starts the next one when it lands
    const list = chunks[pi]!;
    const k = nextFetch[pi]!;
    const ch = list[k];
    if (!ch) return;
    const slotFreeAt = k >= 2 ? list[k - 2]!.freed : 0;
    if (slotFreeAt === Infinity) return; // retried when chunk k-2 is used up
    const start = Math.max(now, shared ? busFree : portFree[pi]!, slotFreeAt);
    const done = start + transferCycles(ch.words, inputs[pi]!);
    portFree[pi] = done;
    if (shared) busFree = done;
    nextFetch[pi] = k + 1;
    fetching[pi] = true;
    engine.at(done, (t) => {
      ch.arrival = done;
      fetching[pi] = false;
      tryFetch(pi, t);
      waiting[pi]?.();
    });
  };

  let inputStall = 0;
  let outputStall = 0;
  let computeCycles = 0;
  let drainFree = 0;
  const drainDone = new Float64Array(tiles.length);

  // The fractions of a tile's compute at which a chunk of some port runs out.
  const segmentsOf = (ti: number): number[] => {
    let multi = false;
    for (let pi = 0; pi < nPorts; pi++) if (hi[pi]![ti]! - lo[pi]![ti]! > 1) multi = true;
    if (!multi) return [1];
    const bounds = new Set<number>([1]);
    for (let pi = 0; pi < nPorts; pi++) for (let k = lo[pi]![ti]!; k < hi[pi]![ti]!; k++) bounds.add(chunks[pi]![k]!.upTo);
    return [...bounds].sort((a, b) => a - b);
  };

  // Compute: walk tiles; within a tile, advance segment by segment as chunks arrive.
  const runTile = (ti: number, start: Cycles) => {
    const tile = tiles[ti];
    if (!tile) return;
    const segs = segmentsOf(ti);
    let done = 0;
    let si = 0;
    // When the previous segment (or the tile) could hand over: waits past it are stalls.
    let handover = start;
    const step = () => {
      const frac = segs[si]!;
      // Chunks this segment needs: every chunk of this tile whose range starts before `frac`.
      let ready = handover;
      for (let pi = 0; pi < nPorts; pi++) {
        const list = chunks[pi]!;
        for (let k = lo[pi]![ti]!; k < hi[pi]![ti]!; k++) {
          const startsAt = k === lo[pi]![ti]! ? 0 : list[k - 1]!.upTo;
          if (startsAt >= frac) break;
          const arrival = list[k]!.arrival;
          if (arrival === Infinity) {
            waiting[pi] = () => {
              waiting[pi] = undefined;
              engine.at(engine.now, step, 2);
            };
            return;
          }
          if (arrival > ready) ready = arrival;
        }
      }
      inputStall += ready - handover;
      const len = Math.round(tile.computeCycles * frac) - done;
      done += len;
      computeCycles += len;
      handover = ready + len;
      engine.at(handover, (t) => {
        // Chunks fully used by this segment free their half.
        for (let pi = 0; pi < nPorts; pi++) {
          const list = chunks[pi]!;
          for (let k = lo[pi]![ti]!; k < hi[pi]![ti]!; k++) {
            const ch = list[k]!;
            if (ch.upTo <= frac && ch.freed === Infinity) {
              ch.freed = t;
              tryFetch(pi, t);
            }
          }
        }
        si++;
        if (si < segs.length) {
          step();
          return;
        }
        // Tile done: its outputs need the half drained two tiles ago.
        const halfFree = ti >= 2 ? drainDone[ti - 2]! : 0;
        const finish = Math.max(t, halfFree);
        outputStall += finish - t;
        const dStart = Math.max(finish, drainFree, shared && tile.drainWords > 0 ? busFree : 0);
        drainFree = dStart + transferCycles(tile.drainWords, output);
        if (shared && tile.drainWords > 0) busFree = drainFree;
        drainDone[ti] = drainFree;
        if (finish === t) runTile(ti + 1, t);
        else engine.at(finish, (f) => runTile(ti + 1, f), 3);
      });
    };
    step();
  };

  for (let pi = 0; pi < nPorts; pi++) tryFetch(pi, 0);
  engine.at(0, (t) => runTile(0, t), 3);
  const lastCompute = engine.run();
  const endCycle = Math.max(lastCompute, drainFree);
  outputStall += endCycle - lastCompute;
  return {
    endCycle,
    computeCycles,
    inputStall,
    outputStall,
    fetchedWords: inputs.map((_, pi) => chunks[pi]!.reduce((a, c) => a + c.words, 0)),
    drainedWords: tiles.reduce((a, t) => a + t.drainWords, 0),
    events: engine.eventsProcessed,
  };
}
