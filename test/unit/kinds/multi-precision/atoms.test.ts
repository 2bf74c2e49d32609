/**
 * Zero-atom skipping (src/kinds/bit-atoms/*) and its use by the multi-precision
 * kind: atom arithmetic by hand, layer pair totals against a MAC-by-MAC count,
 * and the cycle ordering atoms ≤ values ≤ off on random pruned layers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyArch } from '../../../../src/config/arch.js';
import { atomCounts, atomSlots, macCycleTable, nonzeroAtoms, requantize } from '../../../../src/kinds/bit-atoms/atoms.js';
import { gatherWindow, tallyConv } from '../../../../src/kinds/bit-atoms/conv.js';
import { inputAtoms, weightAtoms, type AtomOperand } from '../../../../src/kinds/bit-atoms/operands.js';
import type { MultiPrecisionParams } from '../../../../src/kinds/multi-precision/params.js';
import { simulateMacLayer } from '../../../../src/kinds/multi-precision/simulate.js';
import { simulate } from '../../../../src/sim/run.js';
import { resolveNetwork, type ConvGeometry, type Workload } from '../../../../src/workload/layer.js';
import { loadWorkload } from '../../../../src/workload/load.js';
import { networkSchema } from '../../../../src/workload/trace.js';

describe('atoms by hand', () => {
  it('slots and nonzero atoms of sign-magnitude codes', () => {
    expect(atomSlots(8, true, 2)).toBe(4); // 7 magnitude bits
    expect(atomSlots(8, false, 2)).toBe(4);
    expect(atomSlots(4, true, 2)).toBe(2);
    expect(atomSlots(2, true, 2)).toBe(1);
    expect(atomSlots(1, false, 2)).toBe(1);
    expect([0, 1, 3, 4, 5, 0b10000001, -6, 127, -128].map((c) => nonzeroAtoms(c, 2))).toEqual([0, 1, 1, 1, 2, 2, 2, 4, 1]);
    expect(Array.from(atomCounts(Int32Array.of(0, 12, -12, 255), 2))).toEqual([0, 1, 1, 4]);
  });

  it('requantizes over the same range: small codes become 0', () => {
    expect(Array.from(requantize(Int32Array.of(127, -127, 8, 10, 0, 64), 8, 4, true))).toEqual([7, -7, 0, 1, 0, 4]);
    expect(Array.from(requantize(Int32Array.of(255, 8, 9, 128), 8, 4, false))).toEqual([15, 0, 1, 8]);
    const same = Int32Array.of(5, 6);
    expect(requantize(same, 4, 8, true)).toBe(same);
  });

  it('MAC cycles on 4 atom multipliers: values runs every pair of a nonzero MAC, atoms only the nonzero pairs', () => {
    const v = macCycleTable('values', 4, 4, 4);
    const a = macCycleTable('atoms', 4, 4, 4);
    const at = (t: Uint8Array, x: number, y: number) => t[x * 5 + y];
    expect([at(v, 0, 3), at(v, 1, 1), at(v, 4, 4)]).toEqual([0, 4, 4]);
    expect([at(a, 0, 3), at(a, 1, 1), at(a, 2, 3), at(a, 4, 4)]).toEqual([0, 1, 2, 4]);
  });
});

// ---------------------------------------------------------------- layers

interface Shape {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  stride: number;
  pad: number;
  groups: number;
  wDensity: number;
  aDensity: number;
  bits: number;
}

const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    cPer: fc.integer({ min: 1, max: 6 }),
    kPer: fc.integer({ min: 1, max: 6 }),
    groups: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 2, max: 9 }),
    w: fc.integer({ min: 2, max: 9 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    wDensity: fc.constantFrom(1, 0.6, 0.3),
    aDensity: fc.constantFrom(1, 0.5),
    bits: fc.constantFrom(2, 4, 8),
  })
  .chain((b) => fc.integer({ min: 1, max: Math.min(b.h, b.w) }).map((r) => ({ ...b, r, c: b.cPer * b.groups, k: b.kPer * b.groups })));

function workloadOf(s: Shape, name = 'atoms-test'): Workload {
  return resolveNetwork(
    networkSchema.parse({
      name,
      source: 'unit test',
      batch: s.n,
      layers: [
        { name: 'stem', op: 'relu', input: [s.c, s.h, s.w] },
        {
          name: 'conv',
          op: 'conv2d',
          input: [s.c, s.h, s.w],
          filters: s.k,
          kernel: s.r,
          stride: s.stride,
          padding: s.pad,
          groups: s.groups,
          weights: { format: `int${s.bits}`, density: s.wDensity },
          inputs: { format: `int${s.bits}`, density: s.aDensity },
        },
      ],
    }),
    'test',
  );
}

/** Pair totals MAC by MAC: the reference for tallyConv. */
function bruteTally(g: ConvGeometry, a: AtomOperand, w: AtomOperand) {
  const t = { macs: 0, executedMacs: 0, densePairs: 0, executedPairs: 0, padding: 0, sparsity: 0, rounding: 0, atoms: 0 };
  const slots = a.slots * w.slots;
  const cg = g.c / g.groups, kg = g.k / g.groups, red = cg * g.r * g.s;
  for (let n = 0; n < g.n; n++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++)
        for (let k = 0; k < g.k; k++) {
          const grp = Math.floor(k / kg);
          for (let ci = 0; ci < cg; ci++)
            for (let r = 0; r < g.r; r++)
              for (let s = 0; s < g.s; s++) {
                t.macs++;
                t.densePairs += slots;
                const y = oy * g.strideH - g.padH + r, x = ox * g.strideW - g.padW + s;
                if (y < 0 || y >= g.h || x < 0 || x >= g.w) {
                  t.padding += slots;
                  continue;
                }
                const ia = ((n * g.c + grp * cg + ci) * g.h + y) * g.w + x;
                const iw = k * red + (ci * g.r + r) * g.s + s;
                if (a.masked[ia] || w.masked[iw]) t.sparsity += slots;
                else if (!a.counts[ia] || !w.counts[iw]) t.rounding += slots;
                else {
                  t.executedMacs++;
                  const pairs = a.counts[ia]! * w.counts[iw]!;
                  t.executedPairs += pairs;
                  t.atoms += slots - pairs;
                }
              }
        }
  return t;
}

describe('layer atoms from values', () => {
  it('pair totals equal a MAC-by-MAC count, and every dense pair is executed or skipped for one cause', () => {
    fc.assert(
      fc.property(shapeArb, (s) => {
        const wl = workloadOf(s);
        const layer = wl.layers[1]!;
        const a = inputAtoms(layer, wl, wl.seed, 2, s.bits);
        const w = weightAtoms(layer, wl, wl.seed, 2, s.bits);
        const t = tallyConv(layer.conv!, a, w);
        const b = bruteTally(layer.conv!, a, w);
        expect([t.macs, t.executedMacs, t.densePairs, t.executedPairs]).toEqual([b.macs, b.executedMacs, b.densePairs, b.executedPairs]);
        expect(t.skipped).toEqual({ padding: b.padding, sparsity: b.sparsity, rounding: b.rounding, atoms: b.atoms });
        expect(t.macs).toBe(layer.macs);
        const sk = t.skipped;
        expect(t.executedPairs + sk.padding + sk.sparsity + sk.rounding + sk.atoms).toBe(t.densePairs);
      }),
      { numRuns: 40 },
    );
  });

  it('structural zeros come from the trace’s masks; low precision leaves high atoms empty', () => {
    const wl = loadWorkload('resnet18');
    const layer = wl.layers.find((l) => l.name === 'layer2.0.conv1')!;
    const w8 = weightAtoms(layer, wl, wl.seed, 2, 8);
    const w4 = weightAtoms(layer, wl, wl.seed, 2, 4);
    expect(w8.masked.every((m) => m === 0)).toBe(true); // a dense trace
    const mean = (u: Uint8Array) => u.reduce((x, y) => x + y, 0) / u.length;
    // Laplace-like weights with per-channel scales: most codes are far below full scale.
    expect(mean(w8.counts)).toBeLessThan(w8.slots);
    expect(mean(w4.counts)).toBeLessThan(mean(w8.counts));
  });

  it('gathers a window slice with padding as zeros', () => {
    const s: Shape = { n: 1, c: 2, h: 3, w: 3, k: 1, r: 3, stride: 1, pad: 1, groups: 1, wDensity: 1, aDensity: 1, bits: 8 };
    const wl = workloadOf(s);
    const layer = wl.layers[1]!;
    const a = inputAtoms(layer, wl, wl.seed, 2, 8);
    const out = new Uint8Array(18);
    gatherWindow(layer.conv!, a.counts, undefined, 1, 0, 0, 0, 18, out);
    // Pixel (0,0): window rows/cols −1..1; element (ci, r, s) reads input (ci, r−1, s−1).
    for (let ci = 0; ci < 2; ci++)
      for (let q = 0; q < 9; q++) {
        const y = Math.floor(q / 3) - 1, x = (q % 3) - 1;
        expect(out[ci * 9 + q]).toBe(y < 0 || x < 0 ? 0 : a.counts[ci * 9 + y * 3 + x]);
      }
  });
});

describe('multi-precision with atom skipping', () => {
  const design = (skip: string, extra: Record<string, unknown> = {}) =>
    qualifyArch({ kind: 'multi-precision', name: 't', dram: { mode: 'calc' }, atoms: { skip }, array: { rows: 3, cols: 4 }, pe: { weightSpadEntries: 40 }, ...extra }, '<t>').params as MultiPrecisionParams;

  it('atoms ≤ values ≤ off in compute cycles; executed MACs are those with both operands nonzero', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom('region', 'uniform'), (s, mode) => {
        const wl = workloadOf(s);
        const layer = wl.layers[1]!;
        const ctx = { workload: wl, seed: wl.seed };
        const map = { mask: new Uint8Array([1, 0, 0, 1].flatMap((v) => Array<number>(s.n).fill(v))).subarray(0, s.n * 4), n: s.n, rows: 2, cols: 2, regionH: Math.ceil(s.h / 2), regionW: Math.ceil(s.w / 2), h: s.h, w: s.w, perSample: 2 };
        const run = (skip: string) => simulateMacLayer(layer, design(skip, { precision: { mode } }), mode === 'region' ? map : undefined, ctx);
        const [off, values, atoms] = [run('off'), run('values'), run('atoms')];
        expect(values.computeCycles).toBeLessThanOrEqual(off.computeCycles);
        expect(atoms.computeCycles).toBeLessThanOrEqual(values.computeCycles);
        expect(off.macsExecuted).toBe(layer.macs);
        expect(atoms.macsExecuted).toBe(values.macsExecuted);
        expect(atoms.macsExecuted).toBeLessThanOrEqual(layer.macs);
        if (mode === 'uniform') {
          const t = tallyConv(layer.conv!, inputAtoms(layer, wl, wl.seed, 2, s.bits), weightAtoms(layer, wl, wl.seed, 2, s.bits));
          expect(atoms.macsExecuted).toBe(t.executedMacs);
          expect(atoms.details['atom_pairs_nonzero']).toBe(t.executedPairs);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a whole network keeps the run invariants with atom skipping on', () => {
    const wl = loadWorkload('lenet5');
    const r = simulate(qualifyArch({ kind: 'multi-precision', name: 'a', atoms: { skip: 'atoms' } }, '<t>'), wl);
    const off = simulate(qualifyArch({ kind: 'multi-precision', name: 'o' }, '<t>'), wl);
    for (const l of r.layers) {
      expect(l.cycles).toBe(l.computeCycles + l.stallCycles);
      expect(l.energyPj).toBeGreaterThanOrEqual(0);
    }
    expect(r.total.computeCycles).toBeLessThanOrEqual(off.total.computeCycles);
    expect(r.total.dynamicEnergyPj['pe_array']!).toBeLessThan(off.total.dynamicEnergyPj['pe_array']!);
  });
});
