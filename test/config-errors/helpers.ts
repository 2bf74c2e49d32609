/** Shared helpers of the config-error tests: temp files and the problems an InputError carries. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { formatProblem, InputError, type Problem } from '../../src/core/errors.js';

/** A fresh temp directory; `write(name, text)` puts a file in it and returns its path. */
export function tempDir(prefix: string): { dir: string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** Runs `fn`, expects it to throw an InputError, and returns its problems. */
export function problemsOf(fn: () => unknown): Problem[] {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an InputError to be thrown').toBeInstanceOf(InputError);
  const err = thrown as InputError;
  // The error message is the formatted problems, one per line.
  expect(err.message).toBe(err.problems.map(formatProblem).join('\n'));
  return [...err.problems];
}

/** The `file: path: message` lines of the problems `fn` throws. */
export function linesOf(fn: () => unknown): string[] {
  return problemsOf(fn).map(formatProblem);
}
