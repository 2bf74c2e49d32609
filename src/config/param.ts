/**
 * One declaration per architecture parameter: its zod type, default, unit,
 * description and source. The same declaration validates files, fills
 * defaults, and feeds `cyclops describe` (through zod's JSON Schema export).
 */
import { z } from 'zod';

/** Documentation carried by every parameter. */
export interface ParamDoc {
  /** Unit of the value (`cycles`, `MHz`, `words/cycle`, `KiB`, `pJ/bit`, `-` for none). */
  unit: string;
  description: string;
  /** Where the default comes from (paper, table, datasheet), or `guess: …`. */
  source: string;
}

/** A parameter with a default. */
export function param<T extends z.ZodType>(schema: T, defaultValue: z.output<T>, doc: ParamDoc) {
  return schema.default(defaultValue as never).meta({ ...doc });
}

/** A parameter the file must give (no sensible default). */
export function required<T extends z.ZodType>(schema: T, doc: ParamDoc) {
  return schema.meta({ ...doc });
}

/** A group of parameters: a strict object that may be left out (its members' defaults apply). */
export function group<S extends z.ZodRawShape>(shape: S, description: string) {
  return z.strictObject(shape).prefault({} as never).meta({ description });
}

/** Parameters every kind shares: identity, provenance, clock and technology. */
export const commonArchShape = {
  name: required(z.string().min(1), { unit: '-', description: 'Name of the design point', source: '-' }),
  description: z.string().optional().meta({ description: 'What this design is', unit: '-', source: '-' }),
  source: z.string().optional().meta({ description: 'The design this preset stands for (paper, datasheet)', unit: '-', source: '-' }),
  clockMHz: param(z.number().positive(), 1000, {
    unit: 'MHz',
    description: 'Clock frequency',
    source: 'guess: 1 GHz when the design does not fix one',
  }),
  technology: group(
    {
      nodeNm: param(z.number().positive(), 45, {
        unit: 'nm',
        description: 'Process node; per-action energies are scaled to it from their tables',
        source: 'Horowitz ISSCC 2014 and CACTI tables are 45 nm',
      }),
      vdd: param(z.number().positive(), 0.9, {
        unit: 'V',
        description: 'Supply voltage; dynamic energy scales with its square',
        source: 'Horowitz ISSCC 2014 (45 nm, 0.9 V)',
      }),
    },
    'Process technology',
  ),
  staticPowerMw: param(z.number().nonnegative(), 0, {
    unit: 'mW',
    description: 'Static (leakage and idle) power of the whole design, charged for every simulated second',
    source: 'guess: 0 unless a preset gives a measured or published figure',
  }),
};
