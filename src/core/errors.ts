/**
 * Errors a user can act on. Every problem names the file it came from and the
 * path inside it; several problems found in one pass are reported together,
 * one per line, so a user fixes a config in one round trip.
 */

/** One problem in one input. `path` is dotted (e.g. `memory.dram.bandwidth`), empty for the whole file. */
export interface Problem {
  file: string;
  path: string;
  message: string;
}

/** Formats a problem as `file: path: message` (the path is left out when empty). */
export function formatProblem(p: Problem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** An input error carrying every problem found; the CLI prints them and exits with status 1. */
export class InputError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }

  /** Shorthand for a single problem. */
  static one(file: string, path: string, message: string): InputError {
    return new InputError([{ file, path, message }]);
  }
}

/** Joins path segments (`['a', 0, 'b']` → `a[0].b`). */
export function joinPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}
