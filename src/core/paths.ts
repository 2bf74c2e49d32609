/** Locations inside the installed package (built-in arch presets and workloads). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cyclops: package root not found');
    dir = up;
  }
  return dir;
}

/** Absolute path of the cyclops package root (works from src/ under vitest and from dist/). */
export const packageRoot = findPackageRoot();
/** Directory of built-in architecture presets. */
export const archDir = join(packageRoot, 'arch');
/** Directory of built-in workloads. */
export const workloadsDir = join(packageRoot, 'workloads');
