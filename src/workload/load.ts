/** Loading workloads: trace YAML files, SCALE-Sim topology CSVs, and built-in networks by name. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { workloadsDir } from '../core/paths.js';
import { readYamlFile, validate } from '../config/parse.js';
import { isMtxRef, loadMtxWorkload } from './importers/mtx.js';
import { readScaleSimTopology } from './importers/scalesim-csv.js';
import { resolveNetwork, type Workload } from './layer.js';
import { isRmatRef, loadRmatWorkload } from './rmat.js';
import { attachTensors } from './transforms/tensor-file.js';
import { networkSchema, type NetworkSpec } from './trace.js';

/** Names of the built-in workloads (files in workloads/). */
export function builtinWorkloads(): string[] {
  return readdirSync(workloadsDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Finds the file behind a workload reference: a path, or a built-in name. */
export function workloadFile(ref: string): string {
  if (existsSync(ref)) return ref;
  const builtin = join(workloadsDir, `${ref}.yaml`);
  if (existsSync(builtin)) return builtin;
  throw InputError.one(ref, '', `no such file or built-in workload (built-ins: ${builtinWorkloads().join(', ')})`);
}

/** Reads and validates a network spec from a YAML trace or SCALE-Sim CSV. */
export function readNetworkSpec(ref: string): { spec: NetworkSpec; file: string } {
  const file = workloadFile(ref);
  if (/\.csv$/i.test(file)) return { spec: readScaleSimTopology(file), file };
  return { spec: validate(networkSchema, readYamlFile(file), file), file };
}

/** Loads and resolves a workload (file path, built-in name, Matrix Market file(s) or R-MAT spec). */
export function loadWorkload(ref: string): Workload {
  // Sparse matrices: `A.mtx`, `A.mtx,B.mtx` (Matrix Market) or `rmat:scale=…,edges=…` (one SpGEMM layer).
  if (isMtxRef(ref)) return loadMtxWorkload(ref);
  if (isRmatRef(ref)) return loadRmatWorkload(ref);
  const { spec, file } = readNetworkSpec(ref);
  const w = resolveNetwork(spec, file);
  attachTensors(w, spec, file); // real weights of a transformed or imported trace (its `tensors:` file)
  return w;
}
