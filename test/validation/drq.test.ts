/**
 * DRQ (Song et al., ISCA 2020) against its Eyeriss baseline: the published
 * headline is +92 % performance (1.92×) and −72 % energy (numbers.md §B, Q).
 * DRQ's sensitive-region ratio is NOT FOUND, so the comparison is made at the
 * fraction the headline implies for a perfectly balanced array
 * (f = (4/1.92 − 1)/3 ≈ 0.361, D), on ResNet-18 and AlexNet with 4×4 regions.
 *
 * Tolerances: the convolutions' speedup must be within 20 % of 1.92× (the
 * balanced figure is an upper bound: schedule tails, weight reloads and DRAM
 * stalls may cost up to that), and the fraction at which the simulation reaches
 * 1.92× must lie between 0.2 and 0.361. Energy against the 8-bit baseline is
 * NOT reproduced (see results/reproduced/drq.md): the test pins that the model
 * stays below −72 %. Against a 16-bit Eyeriss with insensitive activations
 * stored at 4 bits (both real options of the model; which accounting DRQ used
 * is NOT FOUND) the energy reduction must lie within 10 percentage points of
 * −72 % on ResNet-18 and within 20 on AlexNet.
 *
 * OLAccel (+21 %, −33 %) is NOT reproduced at the olaccel-like preset: DRQ is
 * slower and uses more energy there; the tests pin that, and that the paper's
 * 1.21× lies between the outlier-activation unit widths 4 and 16.
 *
 * The zero-atom ablation (results/reproduced/zero-atoms.md) is checked on one
 * ResNet-18 layer: what it claims about sparsity and low precision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ablationRow, ablationVariants, type AblationRow } from '../../src/kinds/multi-precision/atoms-study.js';
import { balancedFraction, compareWithBaseline, drqHeadline, DrqStudy, type Comparison } from '../../src/kinds/multi-precision/study.js';
import { loadWorkload } from '../../src/workload/load.js';

const TOLERANCE = 0.2;
const grid = Array.from({ length: 11 }, (_, i) => i / 10);

describe.each(['resnet18', 'alexnet'])('DRQ-like vs Eyeriss baseline on %s', (name) => {
  let study: DrqStudy;
  let sweep: Comparison[];
  beforeAll(() => {
    study = new DrqStudy(loadWorkload(name));
    sweep = grid.map((f) => study.at(f));
  });

  it(`convolutions within ${TOLERANCE * 100} % of the published 1.92× at f = 0.361`, () => {
    const c = study.at(balancedFraction);
    const target = drqHeadline.vsEyeriss.speedup;
    expect(c.convSpeedup).toBeLessThanOrEqual(target * (1 + TOLERANCE));
    expect(c.convSpeedup).toBeGreaterThanOrEqual(target * (1 - TOLERANCE));
  });

  it('reaches 1.92× at a sensitive fraction between 0.2 and the balanced 0.361', () => {
    const f = study.fractionFor(drqHeadline.vsEyeriss.speedup);
    expect(f).toBeDefined();
    expect(f!).toBeGreaterThanOrEqual(0.2);
    expect(f!).toBeLessThanOrEqual(balancedFraction);
  });

  it('the load imbalance is simulated: a static deal keeps less than half the dynamic scheduler’s gain', () => {
    const dyn = study.at(balancedFraction);
    const stat = study.at(balancedFraction, ['scheduler=static']);
    expect(stat.convSpeedup - 1).toBeLessThan(0.5 * (dyn.convSpeedup - 1));
    expect(dyn.convRowIdle).toBeLessThan(stat.convRowIdle);
  });

  it('sweep: speedup falls as the fraction grows and ends near 1×', () => {
    for (let i = 1; i < sweep.length; i++) expect(sweep[i]!.convSpeedup).toBeLessThanOrEqual(sweep[i - 1]!.convSpeedup);
    const last = sweep[sweep.length - 1]!;
    // At f = 1 only padding positions still run at 4 bits.
    expect(last.convSpeedup).toBeGreaterThanOrEqual(1);
    expect(last.convSpeedup).toBeLessThan(1.15);
    expect(sweep[0]!.highMacFraction).toBe(0);
  });

  it('energy: savings shrink with the fraction, PE array ≥ on-chip ≥ total, and stay below the published −72 %', () => {
    for (let i = 1; i < sweep.length; i++) expect(sweep[i]!.coreEnergyReduction).toBeLessThan(sweep[i - 1]!.coreEnergyReduction);
    for (const c of sweep.slice(0, -1)) {
      expect(c.coreEnergyReduction).toBeGreaterThanOrEqual(c.onChipEnergyReduction);
      expect(c.onChipEnergyReduction).toBeGreaterThanOrEqual(c.energyReduction);
      expect(c.energyReduction).toBeGreaterThan(0);
    }
    expect(study.at(balancedFraction).energyReduction).toBeLessThan(drqHeadline.vsEyeriss.energyReduction);
  });
});

describe.each([
  ['resnet18', 0.1],
  ['alexnet', 0.2],
] as const)('DRQ energy against a 16-bit Eyeriss on %s', (name, tolerance) => {
  it(`with 4-bit storage of insensitive activations: within ${tolerance * 100} points of the published −72 %`, () => {
    const study = new DrqStudy(loadWorkload(name));
    const c = compareWithBaseline(study.drq(balancedFraction, ['precision.storage=low']), study.eyeriss16, balancedFraction);
    expect(Math.abs(c.energyReduction - drqHeadline.vsEyeriss.energyReduction)).toBeLessThanOrEqual(tolerance);
    // 4-bit storage only ever saves: the same schedule moves fewer bits.
    const trace = study.at(balancedFraction);
    const low = study.at(balancedFraction, ['precision.storage=low']);
    expect(low.energyReduction).toBeGreaterThan(trace.energyReduction);
    expect(low.coreEnergyReduction).toBeCloseTo(trace.coreEnergyReduction, 12);
  });
});

describe('DRQ-like vs OLAccel-like on resnet18', () => {
  let study: DrqStudy;
  beforeAll(() => {
    study = new DrqStudy(loadWorkload('resnet18'));
  });

  it('outliers are 3 % of each layer’s activations and weights, chosen from the values', () => {
    for (const l of study.olaccel().layers.filter((x) => x.macs > 0)) {
      expect(Number(l.details['outlier_input_fraction'])).toBeCloseTo(0.03, 2);
      expect(Number(l.details['outlier_weight_fraction'])).toBeCloseTo(0.03, 2);
    }
  });

  it('OLAccel’s energy gain comes mostly from storing 4-bit data (its abstract: “mostly … the memory components”)', () => {
    const low = compareWithBaseline(study.olaccel(), study.baseline, 0);
    const trace = compareWithBaseline(study.olaccel(['precision.storage=trace']), study.baseline, 0);
    expect(low.energyReduction).toBeGreaterThan(2 * trace.energyReduction);
  });

  it('NOT reproduced at the preset: DRQ is slower than OLAccel and uses more energy (paper: +21 %, −33 %)', () => {
    const c = study.vsOlaccel(balancedFraction);
    expect(c.convSpeedup).toBeLessThan(1);
    expect(c.energyReduction).toBeLessThan(0);
  });

  it('the paper’s 1.21× lies between outlier-activation units of 4 and 16 MACs: the outlier path sets the pace', () => {
    const at = (m: number) => study.vsOlaccel(balancedFraction, [], [`outliers.activationMacs=${m}`]).convSpeedup;
    expect(at(4)).toBeGreaterThan(drqHeadline.vsOLAccel.speedup);
    expect(at(16)).toBeLessThan(drqHeadline.vsOLAccel.speedup);
  });
});

describe('zero-atom ablation (ResNet-18 layer3.0.conv1)', () => {
  let rows: AblationRow[] = [];
  beforeAll(() => {
    const full = loadWorkload('resnet18');
    const w = { ...full, layers: full.layers.filter((l) => l.name === 'layer3.0.conv1') };
    rows = ablationVariants.map((v) => ablationRow(w, v));
  });
  const row = (label: string) => rows.find((r) => r.variant.label === label)!;

  it('every dense atom pair is multiplied or skipped for exactly one cause', () => {
    for (const r of rows) {
      const s = r.pairs;
      expect(s.executed + s.padding + s.sparsity + s.rounding + s.atoms).toBeCloseTo(1, 12);
    }
    expect(row('int8, dense').pairs.sparsity).toBe(0); // a dense trace has no structural zero
    expect(row('int8, pruned').pairs.sparsity).toBeGreaterThan(0.5);
  });

  it('sparsity pays once zero operands are skipped; zero atoms pay inside an 8-bit datapath only', () => {
    const [int8, int8Pruned, int4, int4Pruned] = ['int8, dense', 'int8, pruned', 'int4, dense', 'int4, pruned'].map(row);
    expect(int8Pruned!.cycles.off).toBe(int8!.cycles.off); // without skipping, zeros cost as much as anything
    expect(int8Pruned!.cycles.off / int8Pruned!.cycles.values).toBeGreaterThan(2);
    expect(int8!.cycles.values / int8!.cycles.atoms).toBeGreaterThan(1.5);
    // At 4 bits a MAC's atom pairs fit one cycle: skipping atoms saves no cycle, only energy.
    expect(int4!.cycles.atoms).toBe(int4!.cycles.values);
    expect(int4Pruned!.macEnergyPj.atoms).toBeLessThan(int4Pruned!.macEnergyPj.values);
    for (const r of rows) {
      expect(r.cycles.atoms).toBeLessThanOrEqual(r.cycles.values);
      expect(r.cycles.values).toBeLessThanOrEqual(r.cycles.off);
    }
  });
});
