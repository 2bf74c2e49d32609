/**
 * The SM simulation of the gpu-sm kind: skipping identical steps and rounds
 * matches simulating all of them; compute-, bandwidth- and latency-bound blocks
 * take the time their binding resource says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryShare } from '../../../../src/kinds/gpu-sm/chip.js';
import { NO_PHASE, runSm, type CtaProgram } from '../../../../src/kinds/gpu-sm/sm.js';

const share: MemoryShare = { l2BytesPerCycle: 32, dramBytesPerCycle: 8, l2LatencyCycles: 200, dramLatencyCycles: 600 };

function program(o: Partial<CtaProgram>): CtaProgram {
  return { steps: 64, mathCycles: 100, lsuCycles: 20, l2Bytes: 1024, dramBytes: 0, stages: 3, prologue: NO_PHASE, epilogue: { cycles: 30, l2Bytes: 2048, dramBytes: 0 }, ...o };
}

describe('runSm', () => {
  it('skipping identical steps and rounds stays within 5 % of the full simulation', () => {
    fc.assert(
      fc.property(
        fc.record({
          steps: fc.integer({ min: 1, max: 300 }),
          mathCycles: fc.integer({ min: 1, max: 400 }),
          lsuCycles: fc.integer({ min: 0, max: 200 }),
          l2Bytes: fc.integer({ min: 32, max: 16384 }),
          dramFraction: fc.double({ min: 0, max: 1, noNaN: true }),
          stages: fc.integer({ min: 1, max: 6 }),
          resident: fc.integer({ min: 1, max: 4 }),
          ctas: fc.integer({ min: 1, max: 160 }),
        }),
        (r) => {
          const prog = program({ steps: r.steps, mathCycles: r.mathCycles, lsuCycles: r.lsuCycles, l2Bytes: r.l2Bytes, dramBytes: r.l2Bytes * r.dramFraction, stages: r.stages });
          const full = runSm(prog, r.resident, r.ctas, share, false);
          const fast = runSm(prog, r.resident, r.ctas, share, true);
          expect(Math.abs(fast.cycles - full.cycles) / full.cycles).toBeLessThan(0.05);
          expect(fast.mathBusy).toBe(full.mathBusy);
          expect(fast.events).toBeLessThanOrEqual(full.events);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a compute-bound block runs at its math pipe: steps × math cycles plus fill and epilogue', () => {
    const prog = program({ steps: 1000, mathCycles: 500, l2Bytes: 256 });
    const r = runSm(prog, 1, 1, share);
    expect(r.cycles).toBeGreaterThanOrEqual(1000 * 500);
    expect(r.cycles).toBeLessThan(1000 * 500 + 2000);
  });

  it('a bandwidth-bound kernel moves its bytes at the SM share of DRAM', () => {
    const prog = program({ steps: 500, mathCycles: 10, lsuCycles: 0, l2Bytes: 4096, dramBytes: 4096, stages: 4, epilogue: NO_PHASE });
    const r = runSm(prog, 4, 40, share);
    const bytes = 40 * 500 * 4096;
    expect(r.cycles / (bytes / share.dramBytesPerCycle)).toBeGreaterThan(0.99);
    expect(r.cycles / (bytes / share.dramBytesPerCycle)).toBeLessThan(1.02);
  });

  it('a latency-bound block with one load in flight pays the latency every step', () => {
    const prog = program({ steps: 200, mathCycles: 1, lsuCycles: 0, l2Bytes: 128, dramBytes: 0, stages: 1, epilogue: NO_PHASE });
    const r = runSm(prog, 1, 1, share);
    const perStep = share.l2LatencyCycles + 128 / share.l2BytesPerCycle + 1;
    expect(r.cycles / (200 * perStep)).toBeGreaterThan(0.99);
    expect(r.cycles / (200 * perStep)).toBeLessThan(1.01);
  });

  it('more loads in flight hide latency until bandwidth binds', () => {
    const times = [1, 2, 4, 8].map((stages) => runSm(program({ steps: 200, mathCycles: 1, lsuCycles: 0, l2Bytes: 128, stages, epilogue: NO_PHASE }), 1, 1, share).cycles);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeLessThan(times[i - 1]!);
  });
});
