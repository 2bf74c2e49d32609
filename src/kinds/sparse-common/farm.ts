/**
 * The PE farm on the event engine: a list of tasks (output rows, output
 * tiles, partial matrices, merge rounds) run by `units` identical units that
 * share a DRAM read port and a DRAM write port.
 *
 * - Tasks are dispatched in order, each to the unit that has been free
 *   longest, once its operands have arrived.
 * - The read port serves tasks' fetches in task order, at `wordsPerCycle`,
 *   each arriving `latency` cycles after its transfer (requests pipeline); the
 *   fetch of task i may start once task i − prefetch has started (its staging
 *   space is free), so operands stream in ahead of the PEs.
 * - A task's outputs go to a write queue drained in task order by the write
 *   port; the phase ends when the last write is done.
 *
 * Everything is a max-plus recurrence over fixed orders, so more bandwidth
 * never makes anything later. Each unit's time is accounted: busy (MAC,
 * merge, intersection), waiting for operands (DRAM read), idle with no task
 * left while others work (load imbalance), waiting for the final writes.
 */
import { EventEngine } from '../../core/engine.js';
import type { Cycles } from '../../core/units.js';

/** The tasks of one phase, as parallel arrays (cycles are integers). */
export interface FarmTasks {
  count: number;
  /** DRAM words to read before the task can start. */
  readWords: Float64Array;
  /** DRAM words written after the task ends. */
  writeWords: Float64Array;
  /** Cycles the unit spends on useful MACs. */
  mac: Float64Array;
  /** Cycles spent merging beyond the MACs. */
  merge: Float64Array;
  /** Cycles spent intersecting beyond the MACs. */
  intersect: Float64Array;
}

/** Empty task arrays for `count` tasks. */
export function farmTasks(count: number): FarmTasks {
  return {
    count,
    readWords: new Float64Array(count),
    writeWords: new Float64Array(count),
    mac: new Float64Array(count),
    merge: new Float64Array(count),
    intersect: new Float64Array(count),
  };
}

/** The hardware a phase runs on. */
export interface FarmConfig {
  units: number;
  /** Words per cycle of each DRAM port; Infinity never waits. */
  wordsPerCycle: number;
  /** Cycles added to every DRAM transfer (ignored with infinite bandwidth). */
  latency: Cycles;
  /** How many tasks ahead of the last started one the read port may fetch. */
  prefetch: number;
  /** Cycle the phase starts. */
  start: Cycles;
}

/** Unit-cycles by what the units did, over the phase. */
export interface FarmAccount {
  mac: number;
  merge: number;
  intersect: number;
  dramRead: number;
  loadImbalance: number;
  dramWrite: number;
}

export interface FarmResult {
  /** Cycle the last write is done (≥ the last task's end). */
  end: Cycles;
  /** Cycle the last task ends. */
  computeEnd: Cycles;
  /** Unit-cycles from start to end, by activity; they add up to units × (end − start). */
  account: FarmAccount;
  readWords: number;
  writeWords: number;
  events: number;
}

/** Cycles a transfer occupies its port (the latency after it overlaps the next transfer). */
function occupancy(words: number, cfg: FarmConfig): Cycles {
  if (words <= 0 || cfg.wordsPerCycle === Infinity) return 0;
  return Math.ceil(words / cfg.wordsPerCycle);
}

/** Runs one phase of tasks; see the file comment. */
export function runFarm(t: FarmTasks, cfg: FarmConfig): FarmResult {
  const engine = new EventEngine();
  const n = t.count;
  const units = Math.max(1, cfg.units);
  const prefetch = Math.max(1, cfg.prefetch);
  const arrived = new Uint8Array(n);
  // Idle units as a FIFO ring of (unit id, free since); busy-cycle sums per unit.
  const idleUnit = new Int32Array(units);
  const idleSince = new Float64Array(units);
  let idleHead = 0;
  let idleCount = units;
  for (let u = 0; u < units; u++) {
    idleUnit[u] = u;
    idleSince[u] = cfg.start;
  }
  const lastEnd = new Float64Array(units).fill(cfg.start);
  let readFree = cfg.start;
  let writeFree = cfg.start;
  let writeDone = cfg.start;
  let nextFetch = 0;
  let nextStart = 0;
  let computeEnd = cfg.start;
  let readWait = 0;
  let readTotal = 0;
  let writeTotal = 0;
  let mac = 0;
  let merge = 0;
  let intersect = 0;

  const issueFetches = (now: Cycles) => {
    while (nextFetch < n && nextFetch - prefetch < nextStart) {
      const i = nextFetch++;
      const w = t.readWords[i]!;
      readTotal += w;
      if (w <= 0 || cfg.wordsPerCycle === Infinity) {
        arrived[i] = 1;
        continue;
      }
      const begin = Math.max(now, readFree);
      readFree = begin + occupancy(w, cfg);
      engine.at(readFree + cfg.latency, (at) => {
        arrived[i] = 1;
        dispatch(at);
      }, 1);
    }
  };

  const dispatch = (now: Cycles) => {
    while (nextStart < n && idleCount > 0 && arrived[nextStart] === 1) {
      const i = nextStart++;
      const u = idleUnit[idleHead]!;
      readWait += now - idleSince[idleHead]!;
      idleHead = (idleHead + 1) % units;
      idleCount--;
      const dur = t.mac[i]! + t.merge[i]! + t.intersect[i]!;
      mac += t.mac[i]!;
      merge += t.merge[i]!;
      intersect += t.intersect[i]!;
      const end = now + dur;
      engine.at(end, (at) => {
        lastEnd[u] = at;
        if (at > computeEnd) computeEnd = at;
        const w = t.writeWords[i]!;
        if (w > 0) {
          writeTotal += w;
          writeFree = Math.max(at, writeFree) + occupancy(w, cfg);
          if (cfg.wordsPerCycle !== Infinity) writeDone = Math.max(writeDone, writeFree + cfg.latency);
        }
        const slot = (idleHead + idleCount) % units;
        idleUnit[slot] = u;
        idleSince[slot] = at;
        idleCount++;
        dispatch(at);
      }, 2);
      issueFetches(now);
    }
  };

  issueFetches(cfg.start);
  engine.at(cfg.start, dispatch, 0);
  engine.run();
  if (nextStart < n) throw new Error(`farm stalled with ${n - nextStart} tasks left`);
  const end = Math.max(computeEnd, writeDone);
  // Waits counted at dispatch are read waits; the rest of each unit's time after its last task is imbalance, then the write drain.
  let imbalance = 0;
  for (let u = 0; u < units; u++) imbalance += computeEnd - lastEnd[u]!;
  return {
    end,
    computeEnd,
    account: { mac, merge, intersect, dramRead: readWait, loadImbalance: imbalance, dramWrite: units * (end - computeEnd) },
    readWords: readTotal,
    writeWords: writeTotal,
    events: engine.eventsProcessed,
  };
}

/** Adds `b` into `a`. */
export function addAccount(a: FarmAccount, b: FarmAccount): void {
  a.mac += b.mac;
  a.merge += b.merge;
  a.intersect += b.intersect;
  a.dramRead += b.dramRead;
  a.loadImbalance += b.loadImbalance;
  a.dramWrite += b.dramWrite;
}

/** A zero account. */
export function emptyAccount(): FarmAccount {
  return { mac: 0, merge: 0, intersect: 0, dramRead: 0, loadImbalance: 0, dramWrite: 0 };
}

/**
 * Splits `cycles` elapsed cycles of a design with `units` units into compute
 * cycles (useful-MAC unit-cycles / units, rounded down) and stall cycles by
 * cause (each cause's unit-cycles / units, rounded by largest remainder so the
 * parts add up to `cycles` exactly).
 */
export function apportion(cycles: Cycles, units: number, acc: FarmAccount): { compute: Cycles; stalls: Record<string, Cycles> } {
  const compute = Math.floor(acc.mac / units);
  // The MACs' fraction of a cycle below the floor counts as imbalance (units unevenly busy).
  const shares: Array<[string, number]> = [
    ['merge', acc.merge / units],
    ['intersection', acc.intersect / units],
    ['dram_read', acc.dramRead / units],
    ['load_imbalance', acc.loadImbalance / units + (acc.mac / units - compute)],
    ['dram_write', acc.dramWrite / units],
  ];
  const rest = cycles - compute;
  const floors = shares.map(([, v]) => Math.floor(v + 1e-9));
  let left = rest - floors.reduce((a, b) => a + b, 0);
  const order = shares.map((_, i) => i).sort((x, y) => shares[y]![1] - floors[y]! - (shares[x]![1] - floors[x]!) || x - y);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) floors[order[k]!]!++;
  while (left < 0) {
    // Float noise only: take the excess from the largest share.
    const big = floors.indexOf(Math.max(...floors));
    floors[big]!--;
    left++;
  }
  const stalls: Record<string, Cycles> = {};
  shares.forEach(([name], i) => (stalls[name] = floors[i]!));
  return { compute, stalls };
}
