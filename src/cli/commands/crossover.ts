/**
 * `cyclops crossover --arch FILE --workload FILE [--formats fp32,fp16]`: per layer
 * of a network on a GPU design, the weight density below which the seed paper's
 * direct sparse convolution and cuSPARSE CSR SpMM beat the best dense algorithm,
 * and the speedup of 2:4 sparsity where the chip has it.
 */
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Argv, CommandModule } from 'yargs';
import { loadArch } from '../../config/arch.js';
import { InputError } from '../../core/errors.js';
import type { QualifiedArch } from '../../kinds/kind.js';
import { crossover, SPARSE_KERNELS, type CrossoverRow } from '../../kinds/gpu-sm/crossover.js';
import type { GpuParams } from '../../kinds/gpu-sm/params.js';
import { slug, toCsv, writeFileAtomic } from '../../report/files.js';
import { compactStyle, fmt } from '../../report/table.js';
import { loadWorkload } from '../../workload/load.js';
import { numberFormatSchema, type NumberFormat } from '../../workload/trace.js';

interface CrossoverArgs {
  arch: string;
  workload: string;
  formats: string;
  set: string[];
  out: string;
}

const density = (d: number | null) => (d === null ? 'never' : d >= 1 ? 'always' : `${fmt(d, 3)} (${fmt(100 * (1 - d), 3)} % sparse)`);

/** CSV rows of a crossover: one per layer and format. */
export function crossoverRows(rows: readonly CrossoverRow[]) {
  return rows.map((r) => ({
    layer: r.layer,
    format: r.format,
    dense_algorithm: r.denseAlgorithm,
    dense_seconds: r.denseSeconds,
    ...Object.fromEntries(SPARSE_KERNELS.map((k) => [`${k}_crossover_density`, r.crossover[k] ?? ''])),
    sparse24_speedup: r.sparse24Speedup ?? '',
  }));
}

export const crossoverCommand: CommandModule<object, CrossoverArgs> = {
  command: 'crossover',
  describe: 'Per layer, the weight density below which sparse kernels beat the best dense algorithm on a GPU (gpu-sm kind)',
  builder: (y: Argv) =>
    y
      .option('arch', { type: 'string', demandOption: true, describe: 'A gpu-sm arch description file or preset' })
      .option('workload', { type: 'string', demandOption: true, describe: 'Trace YAML, SCALE-Sim topology CSV, or built-in name' })
      .option('formats', { type: 'string', default: 'fp32,fp16', describe: 'Comma-separated number formats to compare in' })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a parameter: path=value (repeatable)' })
      .option('out', { type: 'string', default: 'results', describe: 'Directory for the CSV' }) as unknown as Argv<CrossoverArgs>,
  handler: (a) => {
    const arch = loadArch(a.arch, a.set);
    if (arch.kind !== 'gpu-sm') throw InputError.one(arch.file, 'kind', `crossover needs a gpu-sm design, not ${arch.kind}`);
    const formats = a.formats.split(',').map((f) => f.trim());
    const bad = formats.filter((f) => !numberFormatSchema.safeParse(f).success);
    if (bad.length) throw InputError.one('--formats', '', `not number formats: ${bad.join(', ')} (fp32, tf32, fp16, bf16, fp8, intN)`);
    const w = loadWorkload(a.workload);
    const rows = crossover(arch as unknown as QualifiedArch<GpuParams>, w, formats as NumberFormat[]);
    const t = new Table({ head: ['layer', 'format', 'best dense', 'µs', ...SPARSE_KERNELS.map((k) => `${k} wins below density`), '2:4 speedup'], ...compactStyle });
    for (const r of rows) {
      t.push([r.layer, r.format, r.denseAlgorithm, fmt(r.denseSeconds * 1e6, 4), ...SPARSE_KERNELS.map((k) => density(r.crossover[k])), r.sparse24Speedup === null ? '-' : fmt(r.sparse24Speedup, 3)]);
    }
    console.log(t.toString());
    const file = join(a.out, `${slug(arch.name)}__${slug(w.name)}__crossover.csv`);
    writeFileAtomic(file, toCsv(crossoverRows(rows)));
    console.log(`wrote ${file}`);
  },
};
