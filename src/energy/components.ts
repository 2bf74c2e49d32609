/**
 * Priced components and their per-action energies. A kind declares its
 * components (a PE array's MAC units, each SRAM, the DRAM interface); this file
 * turns one action of one component into picojoules, citing the table used.
 */
import type { NumberFormat } from '../workload/trace.js';
import { accelergy } from './tables/accelergy.js';
import { cacti45, cacti45Source } from './tables/cacti45.js';
import { horowitz45 } from './tables/horowitz45.js';
import { scaleFactor, scaled, type Technology } from './scale.js';
import type { Sourced } from './tables/provenance.js';

/** A component whose actions are priced. `pjOverride` replaces the table energy per action (measured or published figure). */
export type ComponentSpec =
  | { name: string; class: 'mac'; pjOverride?: number }
  | { name: string; class: 'alu'; pjOverride?: number }
  | { name: string; class: 'register'; pjOverride?: number }
  | { name: string; class: 'sram'; capacityBytes: number; bankBytes: number; pjOverride?: number }
  | { name: string; class: 'dram'; pjPerBit: number }
  /** A published per-action energy (e.g. a synthesized unit's energy per cycle), scaled from its node and voltage to the design's. */
  | { name: string; class: 'sourced'; pj: Sourced };

/** What one action is: its width, operand widths for MACs, and number format. */
export interface ActionShape {
  action: string;
  bits: number;
  operandBits?: [number, number];
  format?: NumberFormat;
}

// Fits through Horowitz's 8- and 32-bit integer points: multiply energy grows
// with the product of operand widths, add energy with the adder width.
const MULT_EXPONENT = Math.log(horowitz45.int32Mult.value / horowitz45.int8Mult.value) / Math.log(16);
const ADD_EXPONENT = Math.log(horowitz45.int32Add.value / horowitz45.int8Add.value) / Math.log(4);

/** Energy of an integer multiply of `a`×`w` bits at 45 nm (pJ), from Horowitz's 8- and 32-bit points. */
export function intMultPj45(a: number, w: number): number {
  return horowitz45.int8Mult.value * ((a * w) / 64) ** MULT_EXPONENT;
}

/** Energy of an integer add of `bits` bits at 45 nm (pJ), from Horowitz's 8- and 32-bit points. */
export function intAddPj45(bits: number): number {
  return horowitz45.int8Add.value * (bits / 8) ** ADD_EXPONENT;
}

/** Accumulator width of an integer MAC: product width plus 8 guard bits, at most 32. */
export function accumulatorBits(a: number, w: number): number {
  return Math.min(32, a + w + 8);
}

/**
 * Energy of one multiply-accumulate at 45 nm, 0.9 V (pJ). Integers: the fits above.
 * Floating point accumulates in fp32 (as tensor cores and most accelerators do);
 * reduced-mantissa multiplies scale fp16's by mantissa width squared (a guess).
 */
export function macPj45(format: NumberFormat, a: number, w: number): number {
  const fp32Add = horowitz45.fp32Add.value;
  switch (format) {
    case 'fp32':
      return horowitz45.fp32Mult.value + fp32Add;
    case 'tf32':
    case 'fp16':
      return horowitz45.fp16Mult.value + fp32Add;
    case 'bf16':
      return horowitz45.fp16Mult.value * (8 / 11) ** 2 + fp32Add;
    case 'fp8':
      return horowitz45.fp16Mult.value * (4 / 11) ** 2 + horowitz45.fp16Add.value;
    default:
      return intMultPj45(a, w) + intAddPj45(accumulatorBits(a, w));
  }
}

/** Energy of one element-wise ALU operation (add/compare/multiply-add on one element) at 45 nm (pJ). */
export function aluOpPj45(format: NumberFormat | undefined, bits: number): number {
  if (format === 'fp32' || format === 'tf32') return horowitz45.fp32Add.value;
  if (format === 'fp16' || format === 'bf16' || format === 'fp8') return horowitz45.fp16Add.value;
  return intAddPj45(Math.max(bits, 8));
}

/** SRAM energy per access of `bits` bits at 45 nm: the bank's CACTI 32-bit figure, scaled by width. Interpolated log-log between CACTI points. */
export function sramPj45(bankBytes: number, bits: number, write: boolean): number {
  const pts = cacti45;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  const pick = (p: (typeof pts)[number]) => (write ? p.writePj : p.readPj);
  let perWord: number;
  if (bankBytes <= first.bytes) perWord = pick(first);
  else if (bankBytes >= last.bytes) {
    // Beyond the table, keep the slope of the last octave.
    const prev = pts[pts.length - 2]!;
    const slope = Math.log(pick(last) / pick(prev)) / Math.log(last.bytes / prev.bytes);
    perWord = pick(last) * (bankBytes / last.bytes) ** slope;
  } else {
    let i = 0;
    while (pts[i + 1]!.bytes < bankBytes) i++;
    const lo = pts[i]!;
    const hi = pts[i + 1]!;
    const t = Math.log(bankBytes / lo.bytes) / Math.log(hi.bytes / lo.bytes);
    perWord = pick(lo) * (pick(hi) / pick(lo)) ** t;
  }
  return perWord * (bits / 32);
}

/** Provenance of each component class's energy, for reports and `describe`. */
export const componentSources: Record<ComponentSpec['class'], string> = {
  mac: `${horowitz45.int8Mult.source}; ${horowitz45.int32Mult.source}; ${horowitz45.fp32Mult.source} (intN and reduced-mantissa fits: D)`,
  alu: horowitz45.int32Add.source,
  register: accelergy.registerReadPerBit.source,
  sram: cacti45Source,
  dram: 'per-design pJ/bit parameter (default: Accelergy LPDDR4 8 pJ/bit, numbers.md §D.2)',
  sourced: 'per-component published figure; its Sourced entry names paper, table or synthesis run',
};

/** Energy in pJ of one `shape` action of `comp`, at technology `tech`. */
export function actionPj(comp: ComponentSpec, shape: ActionShape, tech: Technology): number {
  if (comp.class === 'dram') return comp.pjPerBit * shape.bits;
  if (comp.class === 'sourced') return scaled(comp.pj, tech);
  if (comp.pjOverride !== undefined) return comp.pjOverride;
  const to45 = scaleFactor(45, 0.9, tech);
  switch (comp.class) {
    case 'mac': {
      const [a, w] = shape.operandBits ?? [shape.bits, shape.bits];
      return macPj45(shape.format ?? 'int8', a, w) * to45;
    }
    case 'alu':
      return aluOpPj45(shape.format, shape.bits) * to45;
    case 'register': {
      const perBit = shape.action === 'write' ? accelergy.registerWritePerBit : accelergy.registerReadPerBit;
      return scaled(perBit, tech) * shape.bits;
    }
    case 'sram':
      return sramPj45(comp.bankBytes, shape.bits, shape.action === 'write') * to45;
  }
}
