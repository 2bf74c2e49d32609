/** The discrete-event engine: (cycle, priority, sequence) order, no time travel, idle time skipped. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventEngine } from '../../../src/core/engine.js';

describe('EventEngine', () => {
  it('runs events in cycle order whatever order they were scheduled in', () => {
    const e = new EventEngine();
    const seen: number[] = [];
    for (const c of [7, 3, 9, 0, 5, 3, 1]) e.at(c, (now) => seen.push(now));
    expect(e.run()).toBe(9);
    expect(seen).toEqual([0, 1, 3, 3, 5, 7, 9]);
    expect(e.eventsProcessed).toBe(7);
    expect(e.now).toBe(9);
  });

  it('within a cycle, lower priority values run first', () => {
    const e = new EventEngine();
    const seen: string[] = [];
    e.at(4, () => seen.push('p2'), 2);
    e.at(4, () => seen.push('p0'), 0);
    e.at(4, () => seen.push('p-1'), -1);
    e.at(4, () => seen.push('p1'), 1);
    e.at(3, () => seen.push('c3p9'), 9);
    e.run();
    expect(seen).toEqual(['c3p9', 'p-1', 'p0', 'p1', 'p2']);
  });

  it('equal cycle and priority run in scheduling order (FIFO), even across many events', () => {
    const e = new EventEngine();
    const seen: number[] = [];
    for (let i = 0; i < 100; i++) e.at(10, () => seen.push(i), 1);
    e.run();
    expect(seen).toEqual([...Array(100).keys()]);
  });

  it('orders random schedules by (cycle, priority, sequence)', () => {
    const ev = fc.record({ cycle: fc.integer({ min: 0, max: 50 }), priority: fc.integer({ min: -3, max: 3 }) });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 200 }), (evs) => {
        const e = new EventEngine();
        const seen: number[] = [];
        evs.forEach((x, i) => e.at(x.cycle, () => seen.push(i), x.priority));
        e.run();
        const expected = evs
          .map((x, i) => ({ ...x, i }))
          .sort((a, b) => a.cycle - b.cycle || a.priority - b.priority || a.i - b.i)
          .map((x) => x.i);
        expect(seen).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('events scheduled while running are ordered with the rest; `after` is relative to now', () => {
    const e = new EventEngine();
    const seen: string[] = [];
    e.at(5, (now) => {
      seen.push(`a@${now}`);
      e.after(0, (t) => seen.push(`same-cycle@${t}`), 5);
      e.after(3, (t) => seen.push(`b@${t}`));
    });
    e.at(5, () => seen.push('a2@5'), 1);
    e.at(7, () => seen.push('c@7'));
    e.at(8, () => seen.push('d@8'), 1);
    expect(e.run()).toBe(8);
    expect(seen).toEqual(['a@5', 'a2@5', 'same-cycle@5', 'c@7', 'b@8', 'd@8']);
  });

  it('scheduling in the past throws', () => {
    const e = new EventEngine();
    let caught: unknown;
    e.at(10, () => {
      try {
        e.at(9, () => undefined);
      } catch (err) {
        caught = err;
      }
    });
    e.run();
    expect(caught).toBeInstanceOf(Error);
    expect(String(caught)).toContain('event scheduled in the past: cycle 9 < now 10');
    expect(() => e.at(9.5, () => undefined)).toThrow(/in the past/);
    expect(() => e.after(-1, () => undefined)).toThrow(/in the past/);
    // The current cycle itself is allowed.
    expect(() => e.at(10, () => undefined)).not.toThrow();
  });

  it('rejects NaN cycles', () => {
    expect(() => new EventEngine().at(Number.NaN, () => undefined)).toThrow(/in the past/);
  });

  it('skips idle time: an event at cycle 1e9 costs one event', () => {
    const e = new EventEngine();
    let ran = 0;
    e.at(1e9, () => ran++);
    const t0 = performance.now();
    expect(e.run()).toBe(1e9);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(ran).toBe(1);
    expect(e.eventsProcessed).toBe(1);
    expect(e.now).toBe(1e9);
  });

  it('an empty engine ends at cycle 0; run() can be resumed with new events', () => {
    const e = new EventEngine();
    expect(e.run()).toBe(0);
    expect(e.eventsProcessed).toBe(0);
    e.at(3, () => undefined);
    expect(e.run()).toBe(3);
    e.after(2, () => undefined);
    expect(e.run()).toBe(5);
    expect(e.eventsProcessed).toBe(2);
  });
});
