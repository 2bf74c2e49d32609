/** `cyclops import onnx MODEL.onnx --out FILE`: a real model as a trace, its weights in a tensor file beside it. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../core/errors.js';
import { totalMacs, totalParams } from '../../workload/layer.js';
import { importOnnx } from '../../workload/importers/onnx.js';
import { loadWorkload } from '../../workload/load.js';
import { writeTrace } from '../../workload/transforms/io.js';

interface ImportArgs {
  model: string;
  out: string;
  name?: string;
  batch?: number;
}

/** `cyclops import onnx`. */
export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import onnx <model>',
  describe: 'Import an ONNX model as a trace (shapes inferred; real weights, sparsity and values kept)',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'ONNX model file' })
      .option('out', { type: 'string', demandOption: true, describe: 'Trace file to write (real weights go beside it: X.tensors.onnx)' })
      .option('name', { type: 'string', describe: 'Network name (default: the output file name)' })
      .option('batch', { type: 'number', describe: 'Batch for a symbolic batch dimension (default 1)' }) as unknown as Argv<ImportArgs>,
  handler: (a) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(a.model);
    } catch (e) {
      throw InputError.one(a.model, '', `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const name = a.name ?? basename(a.out).replace(/\.ya?ml$/i, '');
    const r = importOnnx(bytes, a.model, { name, ...(a.batch !== undefined ? { batch: a.batch } : {}) });
    const tensors = new Map([...r.tensors].map(([k, v]) => [k, v.tensor]));
    const files = writeTrace(r.spec, a.out, name, `cyclops import onnx ${a.model}`, tensors);
    const w = loadWorkload(files.trace);
    console.log(`${a.model}: ${w.layers.length} layers, ${totalMacs(w).toLocaleString('en-US')} MACs, ${totalParams(w).toLocaleString('en-US')} parameters (batch ${w.batch})`);
    for (const n of r.notes) console.log(`note: ${n}`);
    console.log(`wrote ${[files.trace, files.tensors].filter(Boolean).join(' and ')}`);
  },
};
