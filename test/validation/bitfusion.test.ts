/**
 * BitFusion (Sharma et al., ISCA 2018) against its Eyeriss baseline on the eight
 * BitFusion benchmarks, and both designs against the authors' own per-layer data
 * (test/validation/data/bitfusion-public/). Published (numbers.md §A.1, Q): geomean
 * 3.9× speedup and 5.1× energy reduction. Details: results/reproduced/bitfusion.md.
 *
 * Stated tolerances (what cyclops reaches in brackets):
 * - BitFusion preset against the authors' simulator, cycles: every benchmark within ±15 %
 *   (0.876–1.002), geomean within ±5 % (0.965), every layer within 0.72–1.08 (0.755–1.036).
 *   Energy against theirs recomputed from their counts: geomean 0.75–1.0 (0.838; their model
 *   pads edge tiles in DRAM traffic and reads SRAM per product).
 * - Eyeriss baseline against the authors' Eyeriss CSV, cycles: every layer 0.5–1.06 (0.527–1.059),
 *   every benchmark 0.6–1.02 (0.646–1.000), geomean 0.8–0.95 (0.863: cyclops' mapping fills
 *   the 16×16 array better than row-stationary on AlexNet and ResNet-18). Energy: geomean
 *   1.1–1.35 (1.249: more global-buffer accesses than row-stationary's).
 * - Speedup: geomean within ±20 % of the published 3.9× (3.51×, −10 %).
 * - Energy reduction: geomean within +60 % / −10 % of the published 5.1× (7.56×, +48 %: the product
 *   of the two energy ratios above, 1.249 / 0.838 = 1.49).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitfusionHeadline, bitfusionStudy } from '../../src/kinds/bitfusion/study.js';
import { bitfusionMarkdown, figures, type BitfusionFigures } from './bitfusion-report.js';

describe('BitFusion vs Eyeriss on the eight BitFusion benchmarks', () => {
  let f: BitfusionFigures;
  let markdown: string;
  beforeAll(() => {
    const study = bitfusionStudy();
    f = figures(study);
    markdown = bitfusionMarkdown(study);
  });

  it('BitFusion cycles within ±15 % of the authors’ simulator per benchmark, 0.72–1.08 per layer', () => {
    for (const { b, bitfusion: v } of f.benchmarks) {
      expect(v.cycles / v.publicCycles, b.name).toBeGreaterThanOrEqual(0.85);
      expect(v.cycles / v.publicCycles, b.name).toBeLessThanOrEqual(1.15);
      for (const r of v.layerRatios) {
        expect(r, b.name).toBeGreaterThanOrEqual(0.72);
        expect(r, b.name).toBeLessThanOrEqual(1.08);
      }
      // Requantized outputs, written once: never slower than the preset's 32-bit, reloaded ones.
      expect(b.bitfusionPhysical.cycles, b.name).toBeLessThanOrEqual(b.bitfusion.cycles);
    }
    expect(f.bitfusionCycles).toBeGreaterThanOrEqual(0.95);
    expect(f.bitfusionCycles).toBeLessThanOrEqual(1.05);
    expect(f.bitfusionEnergy).toBeGreaterThanOrEqual(0.75);
    expect(f.bitfusionEnergy).toBeLessThanOrEqual(1.0);
  });

  it('Eyeriss baseline: per layer 0.5–1.06 of the authors’ row-stationary cycles, per benchmark 0.6–1.02', () => {
    for (const { b, eyeriss: v } of f.benchmarks) {
      v.layerRatios.forEach((r, i) => {
        expect(r, `${b.name} ${b.eyeriss.layers[i]!.name}`).toBeGreaterThanOrEqual(0.5);
        expect(r, `${b.name} ${b.eyeriss.layers[i]!.name}`).toBeLessThanOrEqual(1.06);
      });
      expect(v.cycles / v.publicCycles, b.name).toBeGreaterThanOrEqual(0.6);
      expect(v.cycles / v.publicCycles, b.name).toBeLessThanOrEqual(1.02);
    }
    expect(f.eyerissCycles).toBeGreaterThanOrEqual(0.8);
    expect(f.eyerissCycles).toBeLessThanOrEqual(0.95);
    expect(f.eyerissEnergy).toBeGreaterThanOrEqual(1.1);
    expect(f.eyerissEnergy).toBeLessThanOrEqual(1.35);
  });

  it('geomean speedup within ±20 % of the published 3.9×, and BitFusion wins on every benchmark', () => {
    const published = bitfusionHeadline.vsEyeriss.speedup;
    expect(f.speedup).toBeGreaterThanOrEqual(0.8 * published);
    expect(f.speedup).toBeLessThanOrEqual(1.2 * published);
    for (const { b } of f.benchmarks) expect(b.speedup, b.name).toBeGreaterThan(1);
  });

  it('geomean energy reduction within −10 % / +60 % of the published 5.1×', () => {
    const published = bitfusionHeadline.vsEyeriss.energyReduction;
    expect(f.energyReduction).toBeGreaterThanOrEqual(0.9 * published);
    expect(f.energyReduction).toBeLessThanOrEqual(1.6 * published);
  });

  it('results/reproduced/bitfusion.md is current (regenerate: node dist/test/validation/bitfusion-report.write.js)', () => {
    expect(readFileSync('results/reproduced/bitfusion.md', 'utf8')).toBe(markdown);
  });
});
