/**
 * Reading YAML/JSON inputs and validating them with zod, turning every problem
 * into a `file: path: message` line. Duplicate keys are YAML errors; unknown
 * keys are schema errors (schemas are strict).
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, joinPath, type Problem } from '../core/errors.js';

/** Reads `file` and parses it as YAML (JSON is YAML). Throws InputError with line and column on syntax errors or duplicate keys. */
export function readYamlFile(file: string): unknown {
  return parseYaml(readTextFile(file), file);
}

/** Reads a UTF-8 input file; a missing or unreadable file is an InputError naming it. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw InputError.one(file, '', `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Parses YAML text; `file` names it in errors. */
export function parseYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const where = pos ? `line ${pos.line}, column ${pos.col}` : '';
        const msg = e.code === 'DUPLICATE_KEY' ? 'duplicate key' : e.message.split('\n')[0] ?? e.message;
        return { file, path: where, message: msg };
      }),
    );
  }
  return doc.toJS();
}

/** Converts zod issues to problems; unknown keys get one line each, naming the key's full path. */
export function zodProblems(file: string, error: z.ZodError, prefix: readonly PropertyKey[] = []): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ file, path: joinPath([...base, key]), message: 'unknown key' });
    } else {
      out.push({ file, path: joinPath(base), message: describeIssue(issue) });
    }
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `unknown value for "${String(issue.discriminator)}"`;
  }
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${JSON.stringify(issue.input)}`;
  }
  return issue.message;
}

/** Validates `data` against `schema`; throws InputError listing every problem. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, file: string, prefix: readonly PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(data, { reportInput: true });
  if (!r.success) throw new InputError(zodProblems(file, r.error, prefix));
  return r.data;
}
