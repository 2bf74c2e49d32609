/** Rewrites the golden files from the current simulator: `npm run golden:update`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { goldenCases, goldenName, goldenOf } from './golden.js';

process.chdir(packageRoot);
for (const [preset, workload] of goldenCases()) {
  const file = join(packageRoot, 'test', 'golden', 'data', goldenName(preset, workload));
  writeFileSync(file, `${JSON.stringify(goldenOf(preset, workload), null, 1)}\n`);
  console.log(`wrote ${file}`);
}
