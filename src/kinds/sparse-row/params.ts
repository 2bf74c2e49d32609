/**
 * Parameters of the `sparse-row` kind: a row-wise (Gustavson) engine. Each PE
 * takes a row of A, scales the rows of B its nonzeros select and merges them
 * with a radix-R merger; rows of B live in a FiberCache-like buffer.
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema } from '../../memory/level.js';
import { checkOrientation, dramSchema, formatsGroup, metadataGroup, peGroup, wordBitsParam } from '../sparse-common/params.js';

const gamma = 'guess: Gamma-like (numbers.md §C, U: 32 PEs, radix-64 mergers, 3 MB FiberCache)';

export const sparseRowSchema = z
  .strictObject({
    ...commonArchShape,
    pes: peGroup(32, gamma),
    merger: group(
      {
        radix: param(z.number().int().min(2), 64, {
          unit: 'fibers',
          description: 'Fibers one merge pass combines; a row of A with more nonzeros is merged in several passes through partial fibers',
          source: gamma,
        }),
      },
      'Each PE’s merger',
    ),
    wordBits: wordBitsParam,
    metadata: metadataGroup,
    formats: formatsGroup('csr', 'csr', 'csr', 'Gustavson walks rows of A, rows of B and writes rows of C (CSR; MatRaptor’s C²SR stores the same bits)'),
    globalBuffer: bufferSchema(3072, 'FiberCache (rows of B, LRU)', gamma),
    dram: dramSchema,
  })
  .superRefine((p, ctx) => checkOrientation(p.formats, { a: 'rows', b: 'rows', c: 'rows' }, 'row-wise', ctx));

/** Validated parameters of a row-wise sparse engine. */
export type SparseRowParams = z.output<typeof sparseRowSchema>;
