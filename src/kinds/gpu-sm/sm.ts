/**
 * One streaming multiprocessor running a kernel's thread blocks, on the event
 * engine. The SM is the representative one of a symmetric kernel: it runs its
 * share of the blocks, `resident` at a time (occupancy); a block that retires
 * frees its slot for the next, so blocks flow in waves.
 *
 * A block is a multi-stage software pipeline (cp.async / TMA): it keeps up to
 * `stages` main-loop loads in flight global→SMEM; step i computes once its load
 * has landed and step i−1 is done, on two pipes it shares with the other
 * resident blocks — the math/issue pipe (tensor cores or FMA lanes plus the
 * instructions that feed them) and the load/store pipe (SMEM and L1
 * wavefronts); when step i is done its buffer takes the load of step i+stages.
 * Loads go through the SM's port to the memory system: bytes serialize at the
 * SM's share of L2 and DRAM bandwidth (contention with the other SMs), then
 * arrive after the L2 latency, plus the DRAM latency for the part that misses.
 *
 * Identical work is skipped, not re-simulated: a block runs a bounded number of
 * main-loop steps, after which its last window of steps (measured) repeats for
 * the rest; beyond sixteen full rounds of blocks, a window of eight rounds
 * repeats for the identical rounds in between. test/unit/kinds/gpu-sm/sm.test.ts
 * checks the skipped result against the full simulation.
 */
import { EventEngine } from '../../core/engine.js';
import type { MemoryShare } from './chip.js';

/** A phase before or after the main loop: cycles on the math pipe and bytes through the memory port. */
export interface Phase {
  cycles: number;
  l2Bytes: number;
  dramBytes: number;
}

/** The work of one thread block. */
export interface CtaProgram {
  /** Main-loop steps (≥ 1). */
  steps: number;
  /** Cycles one step occupies the SM's math/issue pipe. */
  mathCycles: number;
  /** Cycles one step occupies the SM's SMEM/L1 pipe. */
  lsuCycles: number;
  /** Bytes one step loads through L2, and the part of them that comes from DRAM. */
  l2Bytes: number;
  dramBytes: number;
  /** Loads in flight ahead of compute (pipeline stages, ≥ 1). */
  stages: number;
  /** Loaded (and waited for) before the main loop, then computed: index tables, CSR staging. */
  prologue: Phase;
  /** Computed after the main loop, then stored: the output tile. */
  epilogue: Phase;
}

/**
 * A pipe of the SM (math/issue, or SMEM/L1) serving one job at a time, non-preemptive,
 * the oldest block first — greedy-then-oldest warp scheduling lets the oldest block
 * finish first instead of interleaving all resident blocks step by step.
 */
class Pipe {
  private busyUntil = 0;
  private seq = 0;
  private readonly queue: Array<{ block: number; seq: number; cycles: number; done: (t: number) => void }> = [];
  constructor(private readonly engine: EventEngine) {}

  /** Asks for `cycles` of the pipe for `block` at `now`; `done` runs when they are over. */
  request(now: number, block: number, cycles: number, done: (t: number) => void): void {
    this.queue.push({ block, seq: this.seq++, cycles, done });
    this.dispatch(now);
  }

  private dispatch(now: number): void {
    if (this.busyUntil > now || this.queue.length === 0) return;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      const a = this.queue[i]!;
      const b = this.queue[best]!;
      if (a.block < b.block || (a.block === b.block && a.seq < b.seq)) best = i;
    }
    const job = this.queue.splice(best, 1)[0]!;
    this.busyUntil = now + job.cycles;
    this.engine.at(this.busyUntil, (t) => {
      job.done(t);
      this.dispatch(t);
    });
  }
}

/** What the representative SM did. */
export interface SmRun {
  /** Cycle its last block retired. */
  cycles: number;
  /** Busy cycles of the math/issue pipe and of the SMEM/L1 pipe (all its blocks). */
  mathBusy: number;
  lsuBusy: number;
  /** Cycles its memory port spent moving bytes at the L2 share and at the DRAM share. */
  l2Service: number;
  dramService: number;
  /** Events the engine ran (a simulator-speed statistic). */
  events: number;
}

/** Main-loop steps simulated per block before the steady state stands for the rest: two windows past the pipeline fill. */
export function simulatedSteps(stages: number): number {
  return Math.max(24, 2 * stepWindow(stages) + 2 * stages);
}

/** Steps of the steady-state window repeated for skipped steps: a latency-bound pipeline repeats every `stages` steps (or a divisor or small multiple). */
function stepWindow(stages: number): number {
  return 4 * stages;
}
/** Full rounds of blocks simulated before identical rounds are skipped, and the window of rounds repeated. */
const ROUNDS_SIMULATED = 16;
/** Block-steps of an SM below which nothing is skipped. */
const SKIP_ABOVE_STEPS = 4096;
const ROUND_WINDOW = 8;

/** An empty prologue or epilogue. */
export const NO_PHASE: Phase = { cycles: 0, l2Bytes: 0, dramBytes: 0 };

/**
 * Runs `ctas` blocks of `program` on one SM with `resident` slots and memory share `share`.
 * `skip` = false simulates every step and every block (for tests of the skipping).
 */
export function runSm(program: CtaProgram, resident: number, ctas: number, share: MemoryShare, skip = true): SmRun {
  if (ctas <= 0) return { cycles: 0, mathBusy: 0, lsuBusy: 0, l2Service: 0, dramService: 0, events: 0 };
  const slots = Math.max(1, Math.min(resident, ctas));
  const stages = Math.max(1, Math.floor(program.stages));
  const steps = Math.max(1, Math.ceil(program.steps));
  // Skipped steps come in whole windows, so that a steady state whose pattern repeats
  // within a window is extrapolated exactly.
  const base = simulatedSteps(stages);
  const window = stepWindow(stages);
  // (Only where it saves real work: a few blocks are cheap to simulate whole, and their tails matter.)
  const skippedWindows = skip && steps > base && ctas * steps > SKIP_ABOVE_STEPS ? Math.floor((steps - base) / window) : 0;
  const simSteps = steps - skippedWindows * window;
  // Likewise whole windows of ROUND_WINDOW rounds after the first ROUNDS_SIMULATED.
  const fullRounds = Math.floor(ctas / slots);
  const skipRounds = skip && fullRounds > ROUNDS_SIMULATED ? ROUND_WINDOW * Math.floor((fullRounds - ROUNDS_SIMULATED) / ROUND_WINDOW) : 0;
  const simCtas = ctas - skipRounds * slots;

  const engine = new EventEngine();
  const mathPipe = new Pipe(engine);
  const lsuPipe = new Pipe(engine);
  // Loads and stores queue separately (stores drain from write buffers and never hold up
  // a load), each at the SM's bandwidth share; their sum is bounded after the run.
  const portFree = [0, 0];
  const service = (l2: number, dram: number) =>
    Math.max(share.l2BytesPerCycle > 0 ? l2 / share.l2BytesPerCycle : 0, share.dramBytesPerCycle > 0 ? dram / share.dramBytesPerCycle : 0);
  const latency = (l2: number, dram: number) => share.l2LatencyCycles + (l2 > 0 ? (dram / l2) * share.dramLatencyCycles : 0);
  /** Queues `l2` bytes (of which `dram` from DRAM) on the load (0) or store (1) port at `now`; returns when the transfer ends. */
  const transfer = (now: number, l2: number, dram: number, port: 0 | 1): number => {
    const start = Math.max(now, portFree[port]!);
    portFree[port] = start + service(l2, dram);
    return portFree[port]!;
  };

  const retire = new Float64Array(simCtas);
  // Per block, over its last simulated window of steps: the time it took and the steps all
  // blocks completed meanwhile, i.e. the SM's step throughput while that block ran.
  const windowStart = new Float64Array(simCtas);
  const windowStartSteps = new Float64Array(simCtas);
  const stepTime = new Float64Array(simCtas);
  let stepsDone = 0;
  let nextCta = 0;

  const startCta = (id: number, t0: number) => {
    let arrived = 0;
    let next = 0;
    let computing = false;
    const load = (now: number) => {
      const end = transfer(now, program.l2Bytes, program.dramBytes, 0);
      engine.at(end + latency(program.l2Bytes, program.dramBytes), (t) => {
        arrived++;
        if (!computing) compute(t);
      });
    };
    const compute = (now: number) => {
      if (next >= arrived) return;
      computing = true;
      // A step occupies both pipes; it is done when both parts are.
      let parts = 2;
      const part = (t: number) => {
        if (--parts === 0) stepDone(t);
      };
      mathPipe.request(now, id, program.mathCycles, part);
      lsuPipe.request(now, id, program.lsuCycles, part);
    };
    const stepDone = (t: number) => {
      computing = false;
      const i = next++;
      stepsDone++;
      if (i === simSteps - 1 - window) {
        windowStart[id] = t;
        windowStartSteps[id] = stepsDone;
      }
      if (i === simSteps - 1 && window > 0) stepTime[id] = (t - windowStart[id]!) / Math.max(1, stepsDone - windowStartSteps[id]!);
      if (i + stages < simSteps) load(t);
      if (next < simSteps) compute(t);
      else finish(t);
    };
    const finish = (now: number) => {
      mathPipe.request(now, id, program.epilogue.cycles, (t) => {
        const end = program.epilogue.l2Bytes > 0 ? transfer(t, program.epilogue.l2Bytes, program.epilogue.dramBytes, 1) : t;
        engine.at(end, (tr) => {
          retire[id] = tr;
          if (nextCta < simCtas) startCta(nextCta++, tr);
        });
      });
    };
    const mainLoop = (t: number) => {
      for (let i = 0; i < Math.min(stages, simSteps); i++) load(t);
    };
    const p = program.prologue;
    if (p.l2Bytes > 0 || p.cycles > 0) {
      const arrive = p.l2Bytes > 0 ? transfer(t0, p.l2Bytes, p.dramBytes, 0) + latency(p.l2Bytes, p.dramBytes) : t0;
      engine.at(arrive, (t) => mathPipe.request(t, id, p.cycles, mainLoop));
    } else {
      mainLoop(t0);
    }
  };

  engine.at(0, () => {
    for (; nextCta < slots; nextCta++) startCta(nextCta, 0);
  });
  let end = engine.run();

  // Skipped steps cost the SM's step time while their block ran (each block repeats its
  // last window); skipped rounds repeat a window of rounds in the middle of those simulated
  // (retirements in time order: a round is a count of retirements, not a set of block ids),
  // their blocks' skipped steps costing what a full round's block's did.
  if (skippedWindows > 0) {
    for (let id = 0; id < simCtas; id++) end += skippedWindows * window * stepTime[id]!;
  }
  if (skipRounds > 0) {
    const order = Float64Array.from(retire).sort();
    const k = (ROUNDS_SIMULATED - ROUND_WINDOW / 2) * slots - 1;
    end += (skipRounds / ROUND_WINDOW) * (order[k]! - order[k - ROUND_WINDOW * slots]!) + skipRounds * slots * skippedWindows * window * stepTime[0]!;
  }
  // The two ports share one bandwidth: the SM cannot finish before all its bytes have moved.
  const pro = program.prologue;
  const epi = program.epilogue;
  end = Math.max(end, ctas * (steps * service(program.l2Bytes, program.dramBytes) + service(pro.l2Bytes, pro.dramBytes) + service(epi.l2Bytes, epi.dramBytes)));
  const perCta = (x: number) => ctas * x;
  const stepService = (l2: number, d: number) => [share.l2BytesPerCycle > 0 ? l2 / share.l2BytesPerCycle : 0, share.dramBytesPerCycle > 0 ? d / share.dramBytesPerCycle : 0] as const;
  const [l2Main, dramMain] = stepService(program.l2Bytes * steps + program.prologue.l2Bytes + program.epilogue.l2Bytes, program.dramBytes * steps + program.prologue.dramBytes + program.epilogue.dramBytes);
  return {
    cycles: end,
    mathBusy: perCta(program.mathCycles * steps + program.prologue.cycles + program.epilogue.cycles),
    lsuBusy: perCta(program.lsuCycles * steps),
    l2Service: perCta(l2Main),
    dramService: perCta(dramMain),
    events: engine.eventsProcessed,
  };
}
