/**
 * Compressed formats and the bits they take: values plus metadata (pointers,
 * coordinates, bitmasks). Every fiber an engine moves is counted with these.
 *
 * - `csr` / `csc`: one pointer per fiber and one coordinate per nonzero —
 *   compressed rows or compressed columns, whichever fibers the dataflow walks.
 * - `coo`: both coordinates with every nonzero, no pointers.
 * - `bitmap`: a presence bit for every position of the fiber, one pointer per
 *   fiber to its packed values (SparTen's SparseMap).
 */
import { z } from 'zod';

export const formatSchema = z.enum(['csr', 'csc', 'coo', 'bitmap']);
/** A compressed format. */
export type SparseFormat = z.infer<typeof formatSchema>;

/** Metadata widths. */
export interface MetadataBits {
  /** Bits of one coordinate. */
  indexBits: number;
  /** Bits of one fiber pointer (offset into the coordinate and value arrays). */
  pointerBits: number;
}

/**
 * Bits of one fiber of `n` nonzeros out of `length` positions, values of
 * `valueBits`, in `format`.
 */
export function fiberBits(format: SparseFormat, n: number, length: number, valueBits: number, meta: MetadataBits): number {
  switch (format) {
    case 'csr':
    case 'csc':
      return meta.pointerBits + n * (valueBits + meta.indexBits);
    case 'coo':
      return n * (valueBits + 2 * meta.indexBits);
    case 'bitmap':
      return meta.pointerBits + length + n * valueBits;
  }
}

/** Metadata part of {@link fiberBits} (everything but the values). */
export function fiberMetadataBits(format: SparseFormat, n: number, length: number, meta: MetadataBits): number {
  return fiberBits(format, n, length, 0, meta);
}

/**
 * Which fibers a format stores: `csr` stores rows, `csc` columns; `coo` and
 * `bitmap` can be laid out either way. Returns an error message when `format`
 * cannot give the `fibers` a dataflow walks, else undefined.
 */
export function orientationProblem(format: SparseFormat, fibers: 'rows' | 'columns', operand: string, dataflow: string): string | undefined {
  if (format === 'csr' && fibers === 'columns') return `the ${dataflow} dataflow walks columns of ${operand}: use csc, coo or bitmap`;
  if (format === 'csc' && fibers === 'rows') return `the ${dataflow} dataflow walks rows of ${operand}: use csr, coo or bitmap`;
  return undefined;
}
