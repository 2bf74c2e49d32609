/**
 * Expressions of a sweep's `derive:` and `constraints:` — arithmetic,
 * comparisons, `and`/`or`/`not`, functions such as log2 and max, dotted
 * parameter paths (`array.rows * array.cols <= 4096`) — parsed and evaluated by
 * math.js (its numbers-only build), never by JavaScript eval. `==` and `!=` also
 * compare words (`dataflow == "ws"`).
 */
import type { EvalFunction, MathJsInstance } from 'mathjs/number';
import { InputError } from '../core/errors.js';

let instance: MathJsInstance | undefined;

/** Loads math.js (about half a second, so only for sweeps that have expressions). Call before compiling an Expr. */
export async function loadExpressions(): Promise<void> {
  if (instance) return;
  const { all, create } = await import('mathjs/number');
  const m = create(all!);
  // typed-function merges an existing function with new signatures; math.js's types only declare the two-argument form.
  const extend = m.typed as unknown as (name: string, base: unknown, sigs: Record<string, unknown>) => unknown;
  // math.js compares strings as numbers; parameters such as dataflow are words.
  m.import(
    {
      equal: extend('equal', m.equal, { 'string, string': (a: string, b: string) => a === b }),
      unequal: extend('unequal', m.unequal, { 'string, string': (a: string, b: string) => a !== b }),
    },
    { override: true },
  );
  instance = m;
}

function math(): MathJsInstance {
  if (!instance) throw new Error('loadExpressions() must run before an expression is compiled');
  return instance;
}

/** A compiled expression with the text and place it came from (for errors). */
export class Expr {
  private readonly code: EvalFunction;
  constructor(
    readonly text: string,
    /** Where it was written, e.g. `spec.yaml` and `constraints[1]`. */
    readonly file: string,
    readonly path: string,
  ) {
    try {
      this.code = math().compile(text);
    } catch (e) {
      throw InputError.one(file, path, `cannot parse "${text}": ${(e as Error).message}`);
    }
  }

  /** Evaluates over `scope` (nested objects for dotted paths). Unknown names are input errors. */
  evaluate(scope: Record<string, unknown>): unknown {
    try {
      return this.code.evaluate({ ...scope });
    } catch (e) {
      throw InputError.one(this.file, this.path, `"${this.text}": ${(e as Error).message}`);
    }
  }

  /** Evaluates to a number (derived quantities). */
  number(scope: Record<string, unknown>): number {
    const v = this.evaluate(scope);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw InputError.one(this.file, this.path, `"${this.text}" should give a number, gave ${JSON.stringify(v)}`);
  }

  /** Evaluates to a truth value (constraints). */
  holds(scope: Record<string, unknown>): boolean {
    const v = this.evaluate(scope);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    throw InputError.one(this.file, this.path, `"${this.text}" should give true or false, gave ${JSON.stringify(v)}`);
  }
}
