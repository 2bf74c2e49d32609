/** `cyclops merge DIR…`: join the shards of a sweep into one run (CSV, Pareto fronts, report). */
import type { Argv, CommandModule } from 'yargs';

interface MergeArgs {
  dirs: string[];
  out?: string;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <dirs..>',
  describe: 'Join sweep shards (--shard i/n runs) into one CSV, Pareto fronts and report',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Shard run directories, or the run directory holding shard-*-of-*' })
      .option('out', { type: 'string', describe: 'Directory of the merged run (default: where the shards are)' }) as unknown as Argv<MergeArgs>,
  handler: async (a) => {
    const { mergeShards } = await import('../../sweep/merge.js'); // Vega only when merging
    const r = await mergeShards(a.dirs, a.out);
    console.log(`merged ${r.manifest.jobs} jobs (${r.manifest.failed} failed, ${r.manifest.dropped} points dropped) into ${r.dir}/sweep.csv`);
    console.log(`wrote ${[...r.analysis.fronts.map((f) => f.file), r.analysis.report].join(', ')}`);
  },
};
