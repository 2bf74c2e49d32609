/**
 * The memory-level declarations every kind shares: on-chip buffers (capacity,
 * banking, double buffering) and the off-chip interface (bandwidth mode,
 * latency, energy per bit). One schema, reused by each kind's description.
 */
import { z } from 'zod';
import { group, param } from '../config/param.js';

/** An on-chip SRAM buffer. */
export function bufferSchema(defaultKiB: number, what: string, source: string) {
  return group(
    {
      capacityKiB: param(z.number().positive(), defaultKiB, { unit: 'KiB', description: `Capacity of the ${what} buffer`, source }),
      bankKiB: param(z.number().positive(), 16, {
        unit: 'KiB',
        description: 'Bank size; access energy is that of one bank (CACTI)',
        source: 'guess: 16 KiB, the largest bank of the CACTI 45 nm sweep (numbers.md §D.2)',
      }),
      doubleBuffered: param(z.boolean(), true, {
        unit: '-',
        description: 'Half the buffer is filled while the other half is used',
        source: 'SCALE-Sim v2 double-buffered scratchpads (scalesim.md)',
      }),
    },
    `${what} buffer`,
  );
}

/** The off-chip interface. `calc` never stalls (SCALE-Sim's CALC); `fixed` serves each buffer at `wordsPerCycle` and stalls when late. */
export const dramSchema = group(
  {
    mode: param(z.enum(['calc', 'fixed']), 'calc', {
      unit: '-',
      description: 'calc: bandwidth always suffices (reports what it would need); fixed: each buffer port moves wordsPerCycle words per cycle',
      source: 'SCALE-Sim v2 InterfaceBandwidth CALC / USER (scalesim.md)',
    }),
    wordsPerCycle: param(z.number().positive(), 10, {
      unit: 'words/cycle',
      description: 'Bandwidth of each buffer’s DRAM port in fixed mode',
      source: 'SCALE-Sim v2 default scale.cfg Bandwidth = 10 (scalesim.md)',
    }),
    latencyCycles: param(z.number().int().nonnegative(), 0, {
      unit: 'cycles',
      description: 'Latency added to every DRAM transfer in fixed mode',
      source: 'guess: 0, as SCALE-Sim models no DRAM latency',
    }),
    pjPerBit: param(z.number().positive(), 8, {
      unit: 'pJ/bit',
      description: 'DRAM access energy',
      source: 'Accelergy LPDDR4 512 pJ per 64-bit access (numbers.md §D.2, D)',
    }),
  },
  'Off-chip DRAM interface',
);

export type BufferParams = z.output<ReturnType<typeof bufferSchema>>;
export type DramParams = z.output<typeof dramSchema>;

/** Words of `wordBits` a buffer holds for compute at once: half of it when double-buffered. */
export function usableWords(buf: BufferParams, wordBits: number): number {
  const words = Math.floor((buf.capacityKiB * 1024 * 8) / wordBits);
  return buf.doubleBuffered ? Math.floor(words / 2) : words;
}
