/** `cyclops validate`: classify a file (arch, trace, SCALE-Sim CSV, Matrix Market) and collect its problems. */
import { InputError, type Problem } from '../core/errors.js';
import { loadArch } from '../config/arch.js';
import { readYamlFile } from '../config/parse.js';
import { loadWorkload } from '../workload/load.js';

/** Problems of one file; empty when it is valid. */
export function validateFile(file: string): Problem[] {
  try {
    if (/\.(csv|mtx)$/i.test(file)) loadWorkload(file);
    else {
      const data = readYamlFile(file);
      const isTrace = typeof data === 'object' && data !== null && 'layers' in data;
      if (isTrace) loadWorkload(file);
      else loadArch(file);
    }
    return [];
  } catch (e) {
    if (e instanceof InputError) return [...e.problems];
    throw e;
  }
}
