/** `cyclops regress record|check`: pin the results of designs on workloads, and check them later. */
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../core/errors.js';
import { checkArchResults, DEFAULT_TOLERANCE, formatRegressReport, readRegressFile, recordArchResults, writeRegressFile, type Tolerance } from '../../regress/regress.js';

/** Parses `--tolerance 0.01` and `--tolerance energy_pj=0.02` (repeatable). */
export function parseTolerance(values: readonly (string | number)[]): Tolerance {
  const tol: Tolerance = { default: DEFAULT_TOLERANCE, perMetric: {} };
  for (const v of values) {
    const s = String(v);
    const eq = s.indexOf('=');
    const num = Number(eq > 0 ? s.slice(eq + 1) : s);
    if (!(num >= 0)) throw InputError.one('--tolerance', s, 'expected a relative tolerance ≥ 0 (0.01 = 1 %), or metric=tolerance');
    if (eq > 0) tol.perMetric![s.slice(0, eq).trim()] = num;
    else tol.default = num;
  }
  return tol;
}

export const regressCommand: CommandModule = {
  command: 'regress <action>',
  describe: 'Regression checks on designs: record pinned results, check them later',
  builder: (y: Argv) =>
    y
      .command(
        'record',
        'Simulate designs × workloads and pin their results in a JSON file',
        (b) =>
          b
            .option('arch', { type: 'string', array: true, demandOption: true, describe: 'Design(s): file or preset' })
            .option('workload', { type: 'string', array: true, demandOption: true, describe: 'Workload(s)' })
            .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Overrides: path=value' })
            .option('metric', { type: 'string', array: true, describe: 'Result columns to pin (default: cycles, stall_cycles, energy_pj, dram_read_bytes, dram_write_bytes)' })
            .option('out', { type: 'string', demandOption: true, describe: 'File of pinned results (JSON)' }),
        (a) => {
          const data = recordArchResults({ archs: a.arch, workloads: a.workload, set: a.set, ...(a.metric ? { metrics: a.metric } : {}) });
          writeRegressFile(a.out, data);
          console.log(`pinned ${data.cases.length} case(s) (${data.metrics.join(', ')}, per layer and total) in ${a.out}`);
        },
      )
      .command(
        'check <file>',
        'Re-simulate pinned results; print relative changes; exit 1 past the tolerance',
        (b) =>
          b
            .positional('file', { type: 'string', demandOption: true })
            .option('tolerance', { type: 'string', array: true, default: [] as string[], describe: `Relative tolerance (default ${DEFAULT_TOLERANCE}), or metric=tolerance (repeatable)` })
            .option('limit', { type: 'number', default: 40, describe: 'Changes listed at most' }),
        (a) => {
          const tol = parseTolerance(a.tolerance);
          const rep = checkArchResults(readRegressFile(a.file), tol);
          const text = formatRegressReport(rep, tol, a.limit);
          if (rep.failures > 0) {
            console.error(text);
            process.exitCode = 1;
          } else console.log(text);
        },
      )
      .demandCommand(1),
  handler: () => undefined,
};
