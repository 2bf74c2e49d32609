/**
 * Parameters every sparse engine shares: PEs, word width, metadata widths,
 * operand formats, the on-chip buffers (reusing the shared buffer schema) and
 * the DRAM interface (the shared DRAM schema: one read port and one write
 * port, each of `dram.wordsPerCycle`).
 */
import { z } from 'zod';
import { group, param } from '../../config/param.js';
import { bufferSchema, dramSchema } from '../../memory/level.js';
import { formatSchema, orientationProblem, type SparseFormat } from './formats.js';

/** The PE array. */
export function peGroup(defaultPes: number, source: string) {
  return group(
    {
      count: param(z.number().int().positive(), defaultPes, { unit: 'PEs', description: 'Processing elements; each multiplies one pair per cycle', source }),
      prefetch: param(z.number().int().positive(), 1, {
        unit: 'tasks/PE',
        description: 'Tasks whose operands each PE may have fetched ahead of the one it runs (staging buffers)',
        source: 'guess: one task of double-buffering per PE',
      }),
      buffer: bufferSchema(4, 'per-PE operand', 'guess: 4 KiB per PE'),
    },
    'Processing elements',
  );
}

export const wordBitsParam = param(z.number().int().positive(), 8, {
  unit: 'bits',
  description: 'Word width of the DRAM ports (dram.wordsPerCycle counts these words)',
  source: 'guess: bytes, so dram.wordsPerCycle is bytes per cycle',
});

export const metadataGroup = group(
  {
    indexBits: param(z.number().int().positive(), 16, {
      unit: 'bits',
      description: 'Bits of one stored coordinate (CSR/CSC column or row index, each COO coordinate)',
      source: 'guess: 16 bits cover every DNN layer dimension up to 65 536',
    }),
    pointerBits: param(z.number().int().positive(), 32, {
      unit: 'bits',
      description: 'Bits of one fiber pointer (row/column offset)',
      source: 'guess: 32-bit offsets',
    }),
  },
  'Sparse-format metadata widths',
);

/** Operand formats: which compressed format A, B and the output C are stored in. */
export function formatsGroup(a: SparseFormat, b: SparseFormat, c: SparseFormat, source: string) {
  return group(
    {
      a: param(formatSchema, a, { unit: '-', description: 'Format of A (csr, csc, coo, bitmap): its metadata bits are fetched with it', source }),
      b: param(formatSchema, b, { unit: '-', description: 'Format of B', source }),
      c: param(formatSchema, c, { unit: '-', description: 'Format of the output C', source }),
    },
    'Compressed formats of the operands',
  );
}

export { dramSchema };

/** Checks that the formats can give the fibers a dataflow walks; adds one issue per operand that cannot. */
export function checkOrientation(
  formats: { a: SparseFormat; b: SparseFormat; c: SparseFormat },
  walks: { a: 'rows' | 'columns'; b: 'rows' | 'columns'; c: 'rows' | 'columns' },
  dataflow: string,
  ctx: z.RefinementCtx,
): void {
  for (const op of ['a', 'b', 'c'] as const) {
    const msg = orientationProblem(formats[op], walks[op], op.toUpperCase(), dataflow);
    if (msg) ctx.addIssue({ code: 'custom', path: ['formats', op], message: msg });
  }
}
