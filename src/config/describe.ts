/** Parameter documentation of a kind, read from its schema (the same declaration that validates files). */
import { z } from 'zod';

/** One documented parameter. */
export interface ParamRow {
  path: string;
  type: string;
  unit: string;
  default: string;
  description: string;
  source: string;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  unit?: string;
  source?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? (s.anyOf ? s.anyOf.map(typeOf).join(' | ') : 'any'));
  const bounds: string[] = [];
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER) bounds.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${s.maximum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

/** Every leaf parameter of `schema` with type, unit, default, description and source. */
export function describeSchema(schema: z.ZodType): ParamRow[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: ParamRow[] = [];
  const walk = (s: JsonSchema, path: string, required: boolean) => {
    if (s.type === 'object' && s.properties) {
      for (const [k, v] of Object.entries(s.properties)) walk(v, path ? `${path}.${k}` : k, (s.required ?? []).includes(k));
      return;
    }
    rows.push({
      path,
      type: typeOf(s),
      unit: s.unit ?? '-',
      default: s.default !== undefined ? JSON.stringify(s.default) : required ? '(required)' : '(optional)',
      description: s.description ?? '',
      source: s.source ?? '',
    });
  };
  walk(root, '', true);
  return rows;
}
