/** Pricing action counts: per-action energies, technology scaling, CACTI interpolation, MAC energies. */
import { describe, expect, it } from 'vitest';
import type { ActionCount } from '../../../src/kinds/kind.js';
import { actionPj, aluOpPj45, macPj45, sramPj45, type ComponentSpec } from '../../../src/energy/components.js';
import { price } from '../../../src/energy/price.js';
import { scaleFactor } from '../../../src/energy/scale.js';
import { accelergy } from '../../../src/energy/tables/accelergy.js';
import { cacti45 } from '../../../src/energy/tables/cacti45.js';

const T45 = { nodeNm: 45, vdd: 0.9 };
const T22 = { nodeNm: 22.5, vdd: 0.9 };

const COMPONENTS: ComponentSpec[] = [
  { name: 'mac', class: 'mac' },
  { name: 'alu', class: 'alu' },
  { name: 'regs', class: 'register' },
  { name: 'sram', class: 'sram', capacityBytes: 65536, bankBytes: 8192 },
  { name: 'dram', class: 'dram', pjPerBit: 8 },
  { name: 'idle', class: 'sram', capacityBytes: 1024, bankBytes: 1024 },
];
const byName = (n: string) => COMPONENTS.find((c) => c.name === n)!;

const ACTIONS: ActionCount[] = [
  { component: 'mac', action: 'mac', bits: 8, count: 1000, operandBits: [8, 8], format: 'int8' },
  { component: 'mac', action: 'mac', bits: 16, count: 10, operandBits: [16, 16], format: 'fp16' },
  { component: 'alu', action: 'op', bits: 8, count: 50, format: 'int8' },
  { component: 'regs', action: 'write', bits: 8, count: 2000 },
  { component: 'regs', action: 'read', bits: 8, count: 300 },
  { component: 'sram', action: 'read', bits: 8, count: 700 },
  { component: 'sram', action: 'write', bits: 32, count: 70 },
  { component: 'dram', action: 'read', bits: 8, count: 123 },
  { component: 'dram', action: 'write', bits: 8, count: 45 },
];

describe('price', () => {
  it('sums count × per-action energy per component, with zero for idle components', () => {
    const e = price(ACTIONS, COMPONENTS, T45, 0, 1e-6);
    const expected: Record<string, number> = Object.fromEntries(COMPONENTS.map((c) => [c.name, 0]));
    for (const a of ACTIONS) expected[a.component]! += a.count * actionPj(byName(a.component), a, T45);
    expect(Object.keys(e.dynamicPj).sort()).toEqual(COMPONENTS.map((c) => c.name).sort());
    for (const c of COMPONENTS) expect(e.dynamicPj[c.name], c.name).toBeCloseTo(expected[c.name]!, 9);
    expect(e.dynamicPj['idle']).toBe(0);
    expect(e.dynamicPj['dram']).toBeCloseTo((123 + 45) * 8 * 8, 9);
    expect(e.staticPj).toBe(0);
    expect(e.totalPj).toBeCloseTo(Object.values(expected).reduce((a, b) => a + b, 0), 9);
  });

  it('is linear in the counts', () => {
    const once = price(ACTIONS, COMPONENTS, T45, 0, 0);
    const twice = price(
      ACTIONS.map((a) => ({ ...a, count: 2 * a.count })),
      COMPONENTS,
      T45,
      0,
      0,
    );
    expect(twice.totalPj).toBeCloseTo(2 * once.totalPj, 6);
  });

  it('adds static power × time: 1 mW for 1 µs = 1000 pJ', () => {
    const e = price([], COMPONENTS, T45, 1, 1e-6);
    expect(e.staticPj).toBeCloseTo(1000, 9);
    expect(e.totalPj).toBeCloseTo(1000, 9);
    const f = price(ACTIONS, COMPONENTS, T45, 250, 2e-3);
    expect(f.staticPj).toBeCloseTo(250e-3 * 2e-3 * 1e12, 3);
    expect(f.totalPj).toBeCloseTo(price(ACTIONS, COMPONENTS, T45, 0, 0).totalPj + f.staticPj, 3);
  });

  it('throws on an action of an undeclared component', () => {
    expect(() => price([{ component: 'nope', action: 'read', bits: 8, count: 1 }], COMPONENTS, T45, 0, 0)).toThrow('action on undeclared component "nope"');
  });

  it('pjOverride replaces the table energy and is not scaled', () => {
    const comp: ComponentSpec = { name: 'm', class: 'mac', pjOverride: 0.123 };
    const shape = { action: 'mac', bits: 8, operandBits: [8, 8] as [number, number], format: 'int8' };
    expect(actionPj(comp, shape, T45)).toBe(0.123);
    expect(actionPj(comp, shape, T22)).toBe(0.123);
  });
});

describe('technology scaling', () => {
  const shapes = [
    { comp: byName('mac'), shape: { action: 'mac', bits: 8, operandBits: [8, 8] as [number, number], format: 'int8' } },
    { comp: byName('alu'), shape: { action: 'op', bits: 16, format: 'fp16' } },
    { comp: byName('sram'), shape: { action: 'read', bits: 32 } },
    { comp: byName('sram'), shape: { action: 'write', bits: 8 } },
    { comp: byName('regs'), shape: { action: 'write', bits: 8 } },
  ];

  it('45 nm tables are unchanged at 45 nm / 0.9 V', () => {
    expect(scaleFactor(45, 0.9, T45)).toBe(1);
    expect(actionPj(byName('mac'), shapes[0]!.shape, T45)).toBe(macPj45('int8', 8, 8));
    expect(actionPj(byName('alu'), shapes[1]!.shape, T45)).toBe(aluOpPj45('fp16', 16));
    expect(actionPj(byName('sram'), shapes[2]!.shape, T45)).toBe(sramPj45(8192, 32, false));
    expect(actionPj(byName('sram'), shapes[3]!.shape, T45)).toBe(sramPj45(8192, 8, true));
  });

  it('the 65 nm / 1.0 V register figures scale down to 45 nm / 0.9 V', () => {
    const perBit = accelergy.registerWritePerBit.value;
    expect(actionPj(byName('regs'), { action: 'write', bits: 8 }, { nodeNm: 65, vdd: 1.0 })).toBeCloseTo(perBit * 8, 12);
    expect(actionPj(byName('regs'), { action: 'write', bits: 8 }, T45)).toBeCloseTo(perBit * 8 * (45 / 65) * 0.81, 12);
  });

  it('halving the node (22.5 nm, same Vdd) halves every table energy', () => {
    for (const { comp, shape } of shapes) {
      expect(actionPj(comp, shape, T22), `${comp.name} ${shape.action}`).toBeCloseTo(actionPj(comp, shape, T45) / 2, 12);
    }
  });

  it('energy scales with Vdd²', () => {
    for (const { comp, shape } of shapes) {
      expect(actionPj(comp, shape, { nodeNm: 45, vdd: 0.45 }), comp.name).toBeCloseTo(actionPj(comp, shape, T45) / 4, 12);
    }
  });

  it('DRAM energy is the design’s pJ/bit, not scaled', () => {
    expect(actionPj(byName('dram'), { action: 'read', bits: 64 }, T22)).toBe(512);
    expect(actionPj(byName('dram'), { action: 'read', bits: 64 }, T45)).toBe(512);
  });
});

describe('SRAM energy (CACTI 45 nm, log-log interpolation)', () => {
  it('equals the CACTI points at table sizes (32-bit word)', () => {
    for (const p of cacti45) {
      expect(sramPj45(p.bytes, 32, false), `${p.bytes} B read`).toBeCloseTo(p.readPj, 12);
      expect(sramPj45(p.bytes, 32, true), `${p.bytes} B write`).toBeCloseTo(p.writePj, 12);
    }
  });

  it('scales linearly with access width', () => {
    expect(sramPj45(4096, 8, false)).toBeCloseTo(3.43 / 4, 12);
    expect(sramPj45(4096, 64, true)).toBeCloseTo(4.31 * 2, 12);
  });

  it('lies between its neighbours and is the geometric mean at the log midpoint', () => {
    // 2896.3 B ≈ √(2048·4096): halfway in log size.
    const mid = Math.sqrt(2048 * 4096);
    expect(sramPj45(mid, 32, false)).toBeCloseTo(Math.sqrt(1.903 * 3.43), 9);
    expect(sramPj45(3000, 32, false)).toBeGreaterThan(1.903);
    expect(sramPj45(3000, 32, false)).toBeLessThan(3.43);
  });

  it('is monotone non-decreasing in bank size (below, inside and beyond the table)', () => {
    for (const write of [false, true]) {
      let prev = 0;
      for (let bytes = 16; bytes <= 1 << 20; bytes = Math.ceil(bytes * 1.13)) {
        const e = sramPj45(bytes, 32, write);
        expect(e, `${bytes} B ${write ? 'write' : 'read'}`).toBeGreaterThanOrEqual(prev);
        expect(Number.isFinite(e)).toBe(true);
        prev = e;
      }
    }
  });

  it('is flat below the smallest point and keeps the last slope beyond the largest', () => {
    expect(sramPj45(16, 32, false)).toBe(0.684);
    const slope = Math.log(9.982 / 6.392) / Math.log(2);
    expect(sramPj45(32768, 32, false)).toBeCloseTo(9.982 * 2 ** slope, 9);
  });
});

describe('MAC energy at 45 nm', () => {
  it('int8 MAC lies in 0.2–0.4 pJ (Accelergy gives 0.315)', () => {
    const e = macPj45('int8', 8, 8);
    expect(e).toBeGreaterThan(0.2);
    expect(e).toBeLessThan(0.4);
  });

  it('fp32 MAC = 3.7 + 0.9 = 4.6 pJ (Horowitz)', () => {
    expect(macPj45('fp32', 32, 32)).toBeCloseTo(4.6, 12);
  });

  it('int32 MAC is a 3.1 pJ multiply plus a 32-bit add (0.1 pJ)', () => {
    expect(macPj45('int32', 32, 32)).toBeCloseTo(3.2, 12);
  });

  it('wider integer operands never cost less', () => {
    let prev = 0;
    for (let b = 1; b <= 32; b++) {
      const e = macPj45(`int${b}`, b, b);
      expect(e, `int${b}`).toBeGreaterThan(prev);
      prev = e;
    }
    expect(macPj45('int8', 4, 8)).toBeLessThan(macPj45('int8', 8, 8));
  });

  it('floating-point formats order fp8 < bf16 < fp16 < fp32', () => {
    const fp8 = macPj45('fp8', 8, 8);
    const bf16 = macPj45('bf16', 16, 16);
    const fp16 = macPj45('fp16', 16, 16);
    const fp32 = macPj45('fp32', 32, 32);
    expect(fp8).toBeLessThan(bf16);
    expect(bf16).toBeLessThan(fp16);
    expect(fp16).toBeLessThan(fp32);
  });

  it('actionPj prices a MAC from its operand widths and format', () => {
    const mac = byName('mac');
    expect(actionPj(mac, { action: 'mac', bits: 8, operandBits: [4, 8], format: 'int8' }, T45)).toBe(macPj45('int8', 4, 8));
    expect(actionPj(mac, { action: 'mac', bits: 32, format: 'fp32' }, T45)).toBeCloseTo(4.6, 12);
    // Without a format, a MAC is priced as an integer one of `bits` × `bits`.
    expect(actionPj(mac, { action: 'mac', bits: 16 }, T45)).toBe(macPj45('int8', 16, 16));
  });
});
