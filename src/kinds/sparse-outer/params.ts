/**
 * Parameters of the `sparse-outer` kind: an outer-product engine. A multiply
 * phase turns column k of A and row k of B into a partial-product matrix; the
 * partial matrices are merged either by the PEs after all of them were written
 * to DRAM (OuterSPACE-like) or by an on-chip merge tree that consumes them as
 * they are produced, spilling only intermediate merges (SpArch-like), where
 * A may also be condensed so that fewer, larger partial matrices are merged.
 */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema } from '../../memory/level.js';
import { checkOrientation, dramSchema, formatsGroup, metadataGroup, peGroup, wordBitsParam } from '../sparse-common/params.js';

const outerspace = 'guess: OuterSPACE-like (numbers.md §C, U: 16 tiles × 16 PEs, 16 kB L0 per tile)';

export const sparseOuterSchema = z
  .strictObject({
    ...commonArchShape,
    pes: peGroup(256, outerspace),
    merge: group(
      {
        mode: param(z.enum(['dram', 'tree']), 'dram', {
          unit: '-',
          description: 'dram: every partial-product list is written out, then the PEs merge each output row (OuterSPACE); tree: an on-chip merge tree merges partial matrices as they are produced (SpArch)',
          source: 'OuterSPACE (Pal et al., HPCA 2018) and SpArch (Zhang et al., HPCA 2020) merge phases',
        }),
        radix: param(z.number().int().min(2), 2, {
          unit: 'lists',
          description: 'dram mode: lists a PE merges per pass; tree mode: partial matrices the merge tree merges per round (Huffman-scheduled when there are more)',
          source: 'guess: a two-way merge per OuterSPACE PE',
        }),
        lanes: param(z.number().int().positive(), 16, {
          unit: 'elements/cycle',
          description: 'tree mode: elements the merge tree consumes per cycle',
          source: 'guess: SpArch-like 16-wide comparator array',
        }),
        condensedA: param(z.boolean(), false, {
          unit: '-',
          description: 'tree mode: condense A (its c-th column holds every row’s c-th nonzero), so there are as many partial matrices as the longest row of A has nonzeros',
          source: 'SpArch matrix condensing (Zhang et al., HPCA 2020)',
        }),
      },
      'Merge of the partial products',
    ),
    wordBits: wordBitsParam,
    metadata: metadataGroup,
    formats: formatsGroup('csc', 'csr', 'csr', 'outer products walk columns of A (CSC) and rows of B (CSR); C is written in rows'),
    globalBuffer: bufferSchema(256, 'shared on-chip (rows of B, LRU)', outerspace),
    dram: dramSchema,
  })
  .superRefine((p, ctx) => {
    // Condensed A is walked by rows (its c-th column gathers the c-th nonzero of every row).
    const aWalk = p.merge.mode === 'tree' && p.merge.condensedA ? 'rows' : 'columns';
    checkOrientation(p.formats, { a: aWalk, b: 'rows', c: 'rows' }, p.merge.condensedA ? 'condensed outer-product' : 'outer-product', ctx);
    if (p.merge.condensedA && p.merge.mode !== 'tree') ctx.addIssue({ code: 'custom', path: ['merge', 'condensedA'], message: 'condensed A needs merge.mode: tree' });
  });

/** Validated parameters of an outer-product sparse engine. */
export type SparseOuterParams = z.output<typeof sparseOuterSchema>;
