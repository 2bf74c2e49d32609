import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectArchResults } from '../../src/regress/regress.js';
import { goldenCases, goldenName } from './golden.js';

describe('golden results per preset × workload', () => {
  for (const [preset, workload] of goldenCases()) {
    it(`${preset} on ${workload}`, () => {
      const file = join('test', 'golden', 'data', goldenName(preset, workload));
      expect(existsSync(file), `${file} missing: run npm run golden:update`).toBe(true);
      // Throws with a readable diff (layer, metric, pinned → now, relative change) if anything moved.
      expect(expectArchResults(file).failures).toBe(0);
    });
  }
});
