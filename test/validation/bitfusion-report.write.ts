/**
 * Regenerates results/reproduced/bitfusion.md from simulations.
 * Run: `npm run build && node dist/test/validation/bitfusion-report.write.js`.
 */
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { bitfusionStudy } from '../../src/kinds/bitfusion/study.js';
import { writeFileAtomic } from '../../src/report/files.js';
import { bitfusionMarkdown } from './bitfusion-report.js';

process.chdir(packageRoot);
const file = join(packageRoot, 'results', 'reproduced', 'bitfusion.md');
writeFileAtomic(file, bitfusionMarkdown(bitfusionStudy()));
console.log(`wrote ${file}`);
