/**
 * The systolic kind against SCALE-Sim v2's public reference runs
 * (shared/reference/scalesim.md: commit 22f88b1, default scale.cfg, AlexNet topology).
 * SCALE-Sim's "Total Cycles" is the 0-based index of the cycle that serves the last OFMAP
 * write, i.e. cyclops' elapsed `cycles` − 1; the systolic kind reports it as
 * `scalesim_total_cycles`. CALC mode must match it exactly; USER (fixed-bandwidth) mode
 * should come close: stated tolerance 5 % on total cycles and 5 % on stall cycles.
 */
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../src/config/arch.js';
import { simulate } from '../../src/sim/run.js';
import { resolveNetwork } from '../../src/workload/layer.js';
import { parseScaleSimTopology } from '../../src/workload/importers/scalesim-csv.js';
import { loadWorkload } from '../../src/workload/load.js';

const ALEXNET = 'test/fixtures/scalesim/alexnet.csv';

/** scalesim.md, "Total Cycles per layer, 32 × 32, CALC". */
const reference: Record<'os' | 'ws' | 'is', number[]> = {
  os: [121124, 334831, 113567, 168863, 112575],
  ws: [112283, 373799, 185759, 278639, 185759],
  is: [216599, 446249, 137663, 206495, 151199],
};

describe('SCALE-Sim v2 CALC mode, AlexNet, 32×32', () => {
  const w = loadWorkload(ALEXNET);
  for (const df of ['os', 'ws', 'is'] as const) {
    it(`${df}: cycles per layer equal SCALE-Sim's exactly, with no stalls`, () => {
      const r = simulate(loadArch('systolic/scalesim-32x32-os', [`dataflow=${df}`]), w);
      expect(r.layers.map((l) => l.details.scalesim_total_cycles)).toEqual(reference[df]);
      expect(r.layers.map((l) => l.cycles - 1)).toEqual(reference[df]);
      expect(r.total.stallCycles).toBe(0);
    });
  }

  it('OS mapping efficiency matches SCALE-Sim (99.51, 97.24, 94.53, 94.53, 94.53 %)', () => {
    const r = simulate(loadArch('systolic/scalesim-32x32-os'), w);
    const eff = r.layers.map((l) => Math.round(Number(l.details.mapping_efficiency) * 10000) / 100);
    expect(eff).toEqual([99.51, 97.24, 94.53, 94.53, 94.53]);
  });
});

describe('SCALE-Sim v2 USER mode (10 words/cycle), OS, 32×32', () => {
  const topo = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nL, 7, 7, 3, 3, 192, 384, 1,\n';
  const w = resolveNetwork(parseScaleSimTopology(topo, 'user-run.csv'), 'user-run.csv');
  const r = simulate(loadArch('systolic/scalesim-32x32-os', ['dram.mode=fixed', 'dram.wordsPerCycle=10']), w);
  const l = r.layers[0]!;

  it('compute cycles equal SCALE-Sim (65840 − 44361 = 21479, counted from 0)', () => {
    expect(l.computeCycles - 1).toBe(21479);
  });
  it('total cycles within 5 % of SCALE-Sim (65840)', () => {
    expect(Math.abs(Number(l.details.scalesim_total_cycles) / 65840 - 1)).toBeLessThan(0.05);
  });
  it('stall cycles within 5 % of SCALE-Sim (44361)', () => {
    expect(Math.abs(l.stallCycles / 44361 - 1)).toBeLessThan(0.05);
  });
  it('overall utilization and mapping efficiency as SCALE-Sim reports (24.61 %, 78.125 %)', () => {
    expect(Number(l.details.mapping_efficiency)).toBeCloseTo(0.78125, 6);
    expect(Math.abs(l.utilization * 100 - 24.61)).toBeLessThan(0.05 * 24.61);
  });
});
