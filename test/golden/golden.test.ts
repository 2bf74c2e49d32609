import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases, goldenName, goldenOf, type GoldenLayer } from './golden.js';

describe('golden results per preset × workload', () => {
  for (const [preset, workload] of goldenCases()) {
    it(`${preset} on ${workload}`, () => {
      const file = join('test', 'golden', 'data', goldenName(preset, workload));
      expect(existsSync(file), `${file} missing: run npm run golden:update`).toBe(true);
      const pinned = JSON.parse(readFileSync(file, 'utf8')) as GoldenLayer[];
      const now = goldenOf(preset, workload);
      expect(now.map((l) => [l.layer, l.cycles, l.stallCycles, l.dramBytes])).toEqual(pinned.map((l) => [l.layer, l.cycles, l.stallCycles, l.dramBytes]));
      now.forEach((l, i) => expect(l.energyPj).toBeCloseTo(pinned[i]!.energyPj, 3));
    });
  }
});
