/** The tool's name and version, recorded in every result. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };

/** `cyclops@x.y.z`. */
export const toolVersion = `${pkg.name}@${pkg.version}`;
