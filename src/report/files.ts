/**
 * Writing result files: CSV through d3-dsv, JSON, each written to a temporary
 * name in the same directory and renamed, so no reader ever sees half a file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { csvFormat } from 'd3-dsv';
import { columnsOf, type Row } from './rows.js';

/** Writes `content` (text, or bytes) to `file` atomically (temporary file + rename). */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** CSV text of `rows` with every column of any row. Numbers are written in full precision. */
export function toCsv(rows: readonly Row[]): string {
  return `${csvFormat(rows as Row[], columnsOf(rows))}\n`;
}

/** A file-name-safe slug. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}
