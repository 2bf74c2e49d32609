/**
 * Parameters of the `sparse-inner` kind: an inner-product engine. Each output
 * C[i,j] is the intersection of row i of A with column j of B; PEs take tiles
 * of outputs (a row of A against a run of columns of B) and intersect with a
 * hierarchical (ExTensor-like) or bitmask (SparTen-like) unit.
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema } from '../../memory/level.js';
import { checkOrientation, dramSchema, formatsGroup, metadataGroup, peGroup, wordBitsParam } from '../sparse-common/params.js';

const extensor = 'guess: ExTensor-like (numbers.md §C, U: 128 PEs, 30 MB last-level buffer, 64 kB PE buffers)';

export const sparseInnerSchema = z
  .strictObject({
    ...commonArchShape,
    pes: peGroup(128, extensor),
    intersection: group(
      {
        unit: param(z.enum(['hierarchical', 'bitmask']), 'hierarchical', {
          unit: '-',
          description: 'hierarchical: two-level skip over occupied 32-coordinate blocks, then inside shared blocks (ExTensor); bitmask: AND of presence bitmasks chunk by chunk (SparTen)',
          source: 'ExTensor (Hegde et al., MICRO 2019); SparTen (Gondimalla et al., MICRO 2019)',
        }),
        chunkBits: param(z.number().int().positive().multipleOf(32), 128, {
          unit: 'bits',
          description: 'bitmask unit: positions ANDed per cycle',
          source: 'guess: SparTen-like 128-position chunks',
        }),
      },
      'Each PE’s intersection unit',
    ),
    tileCols: param(z.number().int().positive(), 32, {
      unit: 'outputs',
      description: 'Outputs per PE task: one row of A against this many columns of B',
      source: 'guess: 32 output columns per task',
    }),
    wordBits: wordBitsParam,
    metadata: metadataGroup,
    formats: formatsGroup('csr', 'csc', 'csr', 'inner products walk rows of A (CSR) and columns of B (CSC)'),
    globalBuffer: bufferSchema(30720, 'last-level (fibers of A and B, LRU)', extensor),
    dram: dramSchema,
  })
  .superRefine((p, ctx) => checkOrientation(p.formats, { a: 'rows', b: 'columns', c: 'rows' }, 'inner-product', ctx));

/** Validated parameters of an inner-product sparse engine. */
export type SparseInnerParams = z.output<typeof sparseInnerSchema>;
