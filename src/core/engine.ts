/**
 * The discrete-event cycle engine every kind advances its clock with.
 *
 * Events are ordered by (cycle, priority, sequence): lower priority values run
 * first within a cycle, and events of equal cycle and priority run in the order
 * they were scheduled, so a simulation is deterministic. Time jumps from one
 * event to the next: idle stretches cost nothing to simulate.
 */
import type { Cycles } from './units.js';

/** An action run when the clock reaches its cycle. */
export type EventAction = (now: Cycles) => void;

interface Event {
  cycle: Cycles;
  priority: number;
  seq: number;
  action: EventAction;
}

function before(a: Event, b: Event): boolean {
  if (a.cycle !== b.cycle) return a.cycle < b.cycle;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** A binary-heap event queue with a clock. */
export class EventEngine {
  private heap: Event[] = [];
  private seq = 0;
  private clock: Cycles = 0;
  private processed = 0;

  /** The current cycle: the cycle of the event being run, or of the last one run. */
  get now(): Cycles {
    return this.clock;
  }

  /** Number of events run so far (a simulator-speed statistic). */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Schedules `action` at absolute `cycle` (not before now). */
  at(cycle: Cycles, action: EventAction, priority = 0): void {
    if (!(cycle >= this.clock)) {
      throw new Error(`event scheduled in the past: cycle ${cycle} < now ${this.clock}`);
    }
    this.push({ cycle, priority, seq: this.seq++, action });
  }

  /** Schedules `action` `delay` cycles from now. */
  after(delay: Cycles, action: EventAction, priority = 0): void {
    this.at(this.clock + delay, action, priority);
  }

  /** Runs events until none is left; returns the cycle of the last event. */
  run(): Cycles {
    for (let e = this.pop(); e; e = this.pop()) {
      this.clock = e.cycle;
      this.processed++;
      e.action(e.cycle);
    }
    return this.clock;
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!before(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): Event | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
