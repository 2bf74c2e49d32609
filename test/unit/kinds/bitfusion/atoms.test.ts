/**
 * Zero-atom skipping on the bitfusion kind (src/kinds/bitfusion/atoms.ts): the
 * brick-work table by hand, the retimed tiles against a MAC-by-MAC reference on
 * random layers, `off` leaving the dense kind untouched, deterministic sampling,
 * a case where fewer weight bits add cycles, and the ablation's direction on one
 * ResNet-18 layer (results/reproduced/zero-atoms.md).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import { pairTable } from '../../../../src/kinds/bit-atoms/atoms.js';
import { inputAtoms, weightAtoms } from '../../../../src/kinds/bit-atoms/operands.js';
import { bitfusionAblationRow, type BitfusionAblationRow } from '../../../../src/kinds/bitfusion/atoms-study.js';
import { retimeWithAtoms } from '../../../../src/kinds/bitfusion/atoms.js';
import { foldOverhead, searchMappings, untiledMapping, type Mapping } from '../../../../src/kinds/bitfusion/mapping.js';
import type { BitfusionParams } from '../../../../src/kinds/bitfusion/params.js';
import { layerProblem, simulateMapping } from '../../../../src/kinds/bitfusion/simulate.js';
import type { QualifiedArch } from '../../../../src/kinds/kind.js';
import { ablationVariants } from '../../../../src/kinds/multi-precision/atoms-study.js';
import { simulate } from '../../../../src/sim/run.js';
import { resolveNetwork, type Layer, type Workload } from '../../../../src/workload/layer.js';
import { loadWorkload } from '../../../../src/workload/load.js';
import { networkSchema } from '../../../../src/workload/trace.js';

const design = (sets: string[]) => loadArch('bitfusion/isca18-eyeriss', ['dram.mode=calc', ...sets]) as QualifiedArch<BitfusionParams>;

interface Shape {
  c: number;
  hw: number;
  k: number;
  r: number;
  stride: number;
  groups: number;
  a: number;
  w: number;
  wDensity: number;
  aDensity: number;
}

/** A ReLU then the conv under test (post-ReLU, unsigned inputs). */
function network(s: Shape, name = 'bf-atoms'): Workload {
  return resolveNetwork(
    networkSchema.parse({
      name,
      source: 'unit test',
      batch: 2,
      layers: [
        { name: 'relu', op: 'relu', input: [s.c, s.hw, s.hw] },
        {
          name: 'conv',
          op: 'conv2d',
          input: [s.c, s.hw, s.hw],
          filters: s.k,
          kernel: s.r,
          stride: s.stride,
          padding: Math.floor(s.r / 2),
          groups: s.groups,
          inputs: { format: `int${s.a}`, density: s.aDensity },
          weights: { format: `int${s.w}`, density: s.wDensity },
        },
      ],
    }),
    'test',
  );
}

/** Compute cycles of `layer` with `mapping`, retimed under p.atoms.skip (or dense when off). */
function computeCycles(layer: Layer, wl: Workload, p: BitfusionParams, mapping: Mapping): number {
  const problem = layerProblem(layer, p);
  const retime = p.atoms.skip === 'off' ? undefined : (plans: Parameters<typeof retimeWithAtoms>[3]) => void retimeWithAtoms(layer, problem, mapping, plans, p, { workload: wl, seed: wl.seed });
  return simulateMapping(problem, mapping, p, retime).result.computeCycles;
}

/**
 * The untiled schedule MAC by MAC: for every column fold and output pixel, every
 * unit's pairs and executed MACs and every row's nonzero inputs from the values,
 * written from the design description, not from atoms.ts.
 */
function referenceCycles(layer: Layer, wl: Workload, p: BitfusionParams): number {
  const g = layer.conv!;
  const pr = layerProblem(layer, p);
  const { lanes, passes, fusedBits } = pr.mode;
  const B = (p.fusionUnit.maxBits / p.fusionUnit.minBits) ** 2;
  const bus = p.fusionUnit.maxBits ** 2 / p.fusionUnit.minBits;
  const a = inputAtoms(layer, wl, wl.seed, 2, layer.inputs.computeBits);
  const w = weightAtoms(layer, wl, wl.seed, 2, layer.weights!.computeBits);
  const N = p.array.rows, M = p.array.cols;
  const cg = g.c / g.groups, kg = g.k / g.groups, rs = g.r * g.s;
  let total = 0;
  for (let grp = 0; grp < g.groups; grp++)
    for (let f = 0; f < Math.ceil(kg / M); f++)
      for (let n = 0; n < g.n; n++)
        for (let oy = 0; oy < g.oh; oy++)
          for (let ox = 0; ox < g.ow; ox++) {
            let step = 0;
            const rowInputs = new Array<number>(N).fill(0);
            for (let c = 0; c < M && f * M + c < kg; c++) {
              const k = grp * kg + f * M + c;
              const pairs = new Array<number>(N).fill(0), macs = new Array<number>(N).fill(0);
              for (let ci = 0; ci < cg; ci++)
                for (let r = 0; r < g.r; r++)
                  for (let s = 0; s < g.s; s++) {
                    const key = pr.im2col ? ci * rs + r * g.s + s : ci;
                    const row = Math.floor((key % (N * lanes)) / lanes);
                    const y = oy * g.strideH - g.padH + r, x = ox * g.strideW - g.padW + s;
                    const ac = y >= 0 && y < g.h && x >= 0 && x < g.w ? a.counts[((n * g.c + grp * cg + ci) * g.h + y) * g.w + x]! : 0;
                    if (c === 0 && ac > 0) rowInputs[row]!++;
                    const wc = w.counts[k * cg * rs + ci * rs + r * g.s + s]!;
                    if (ac === 0 || wc === 0) continue;
                    macs[row]!++;
                    pairs[row]! += p.atoms.skip === 'atoms' ? ac * wc : (B * passes) / lanes;
                  }
              for (let r = 0; r < N; r++) if (macs[r]! > 0) step = Math.max(step, Math.ceil(pairs[r]! / B), Math.ceil((macs[r]! * fusedBits[1]) / bus));
            }
            for (let r = 0; r < N; r++) step = Math.max(step, Math.ceil((rowInputs[r]! * fusedBits[0]) / bus));
            total += step;
          }
  const ovh = foldOverhead(pr);
  return total + ovh.perLayer;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  c: fc.integer({ min: 1, max: 20 }),
  hw: fc.integer({ min: 2, max: 7 }),
  k: fc.integer({ min: 1, max: 9 }),
  r: fc.constantFrom(1, 3),
  stride: fc.integer({ min: 1, max: 2 }),
  groups: fc.constant(1),
  a: fc.constantFrom(2, 3, 4, 8),
  w: fc.constantFrom(2, 4, 8),
  wDensity: fc.constantFrom(1, 0.4),
  aDensity: fc.constantFrom(1, 0.5),
});

describe('bitfusion zero-atom skipping', () => {
  it('brick work per MAC: values charges the fused slots of a nonzero MAC, atoms its nonzero pairs', () => {
    const v = pairTable('values', 4, 4, 16);
    const t = pairTable('atoms', 4, 4, 16);
    const at = (x: Uint16Array, a: number, w: number) => x[a * 5 + w];
    expect([at(v, 0, 2), at(v, 3, 0), at(v, 1, 1), at(v, 4, 4)]).toEqual([0, 0, 16, 16]);
    expect([at(t, 0, 2), at(t, 1, 1), at(t, 2, 3), at(t, 4, 4)]).toEqual([0, 1, 6, 16]);
  });

  it('retimed untiled schedules equal a MAC-by-MAC reference (values and atoms, channel-wise and im2col)', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('values', 'atoms'), fc.boolean(), (s, rows, cols, skip, im2col) => {
        const wl = network(s);
        const layer = wl.layers[1]!;
        const p = design([`array.rows=${rows}`, `array.cols=${cols}`, `atoms.skip=${skip}`, `mapping.im2colMaxChannels=${im2col ? 64 : 0}`]).params;
        const got = computeCycles(layer, wl, p, untiledMapping(layerProblem(layer, p)));
        expect(got).toBe(referenceCycles(layer, wl, p));
      }),
      { numRuns: 50 },
    );
  });

  it('off (the default) runs the dense schedule: same timing, traffic and actions as without the hook, no atom figures', () => {
    const wl = loadWorkload('lenet5');
    const arch = design([]);
    expect(arch.params.atoms.skip).toBe('off');
    const r = simulate(arch, wl);
    for (const l of wl.layers.filter((x) => x.gemm)) {
      const lr = r.layers[l.index]!;
      const p = arch.params;
      const problem = layerProblem(l, p);
      expect(lr.details['tile_order']).toBeDefined();
      // The dense pipeline alone, with the mapping the kind chose (untiled here when the kind reports one tile).
      expect(Object.keys(lr.details).filter((k) => k.startsWith('atom_'))).toEqual([]);
      expect(lr.macsExecuted).toBe(l.macs);
      if (lr.details['tiles'] === 1) expect(lr.computeCycles).toBe(simulateMapping(problem, untiledMapping(problem), p).result.computeCycles);
    }
    // Skipping only ever retimes: the same run with values skipping changes compute, not the DRAM traffic.
    const v = simulate(design(['atoms.skip=values']), wl);
    expect(v.total.computeCycles).toBeLessThanOrEqual(r.total.computeCycles);
    for (const l of wl.layers) expect(v.layers[l.index]!.traffic['dram']).toEqual(r.layers[l.index]!.traffic['dram']);
  });

  it('samples deterministically when a layer exceeds the budget, and stays close to the exact time', () => {
    const full = loadWorkload('resnet18');
    const wl = { ...full, layers: full.layers.filter((l) => l.name === 'layer2.0.conv2') };
    const run = (budget: number) => simulate(design(['atoms.skip=atoms', `atoms.maxMacsPerLayer=${budget}`]), wl).layers[0]!;
    const exact = run(2 ** 40);
    const a = run(2 ** 21), b = run(2 ** 21);
    expect(exact.details['atom_sampled_fraction']).toBe(1);
    expect(a.details['atom_sampled_fraction']).toBeLessThan(0.2);
    expect(a.computeCycles).toBe(b.computeCycles);
    expect(Math.abs(a.computeCycles / exact.computeCycles - 1)).toBeLessThan(0.03);
    expect(Number(exact.details['atom_unit_queue_cycles'])).toBeLessThanOrEqual(Number(exact.details['atom_lockstep_cycles']));
  });

  it('fewer weight bits can add cycles: more channels per row bunch the nonzero inputs on one row’s broadcast', () => {
    // Found by fast-check (tiles of 0.25 KiB buffers): 11 channels on 2 rows at 2-bit inputs. 3-bit weights (fused 4: 8 products per unit) put
    // channels 0-7 on row 0 and 8-10 on row 1; 2-bit weights (16 products) put all 11 on row 0.
    const s: Shape = { c: 11, hw: 2, k: 1, r: 3, stride: 1, groups: 1, a: 2, w: 3, wDensity: 1, aDensity: 1 };
    // The values fast-check drew them with (they are seeded by the network's name).
    const wide = network(s, 'bf-atoms-prop'), narrow = network({ ...s, w: 2 }, 'bf-atoms-prop');
    const small = ['array.rows=2', 'array.cols=1', 'buffers.ifmap.capacityKiB=0.25', 'buffers.filter.capacityKiB=0.25'];
    const p = design([...small, 'atoms.skip=values']).params;
    const m = searchMappings(layerProblem(wide.layers[1]!, p), p.mapping.cycleTolerance).ranked[0]!.mapping;
    const [cw, cn] = [computeCycles(wide.layers[1]!, wide, p, m), computeCycles(narrow.layers[1]!, narrow, p, m)];
    expect(cn).toBeGreaterThan(cw);
    // Still never more than the dense schedule of the wider weights.
    const off = design(small).params;
    expect(cn).toBeLessThanOrEqual(computeCycles(wide.layers[1]!, wide, off, m));
  });
});

describe('bitfusion zero-atom ablation (ResNet-18 layer3.0.conv1)', () => {
  let rows: BitfusionAblationRow[] = [];
  beforeAll(() => {
    const full = loadWorkload('resnet18');
    const w = { ...full, layers: full.layers.filter((l) => l.name === 'layer3.0.conv1') };
    rows = ablationVariants.map((v) => bitfusionAblationRow(w, v));
  });
  const row = (label: string) => rows.find((r) => r.variant.label === label)!;

  it('sparsity pays once zero operands are skipped; zero atoms pay at 8 and at 4 bits', () => {
    const [int8, int8Pruned, int4, int4Pruned] = ['int8, dense', 'int8, pruned', 'int4, dense', 'int4, pruned'].map(row);
    expect(int8Pruned!.cycles.off).toBe(int8!.cycles.off); // without skipping, zeros cost as much as anything
    expect(int4!.cycles.off).toBeLessThan(int8!.cycles.off / 3); // four 4-bit products per Fusion Unit
    expect(int8Pruned!.cycles.off / int8Pruned!.cycles.values).toBeGreaterThan(1.8);
    expect(int8!.cycles.values / int8!.cycles.atoms).toBeGreaterThan(2);
    // A Fusion Unit packs the pairs of several MACs into a cycle, so zero atoms pay at 4 bits too.
    expect(int4!.cycles.atoms).toBeLessThan(int4!.cycles.values);
    for (const r of [int8, int8Pruned, int4, int4Pruned]) {
      expect(r!.cycles.atoms).toBeLessThanOrEqual(r!.cycles.values);
      expect(r!.cycles.values).toBeLessThanOrEqual(r!.cycles.off);
      expect(r!.queueCycles.atoms).toBeLessThanOrEqual(r!.cycles.atoms);
      expect(r!.fusionUnitPj.atoms).toBeLessThan(r!.fusionUnitPj.off);
    }
  });
});
