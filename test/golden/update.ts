/** Rewrites the golden files from the current simulator: `npm run golden:update`. */
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { writeRegressFile } from '../../src/regress/regress.js';
import { goldenCases, goldenName, goldenOf } from './golden.js';

process.chdir(packageRoot);
for (const [preset, workload] of goldenCases()) {
  const file = join(packageRoot, 'test', 'golden', 'data', goldenName(preset, workload));
  writeRegressFile(file, goldenOf(preset, workload));
  console.log(`wrote ${file}`);
}
