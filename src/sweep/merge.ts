/**
 * Joining the shards of a sweep (`cyclops sweep --shard i/n`, e.g. one per
 * Kubernetes Indexed Job pod or SLURM array task) into one run: the same
 * journal, the same CSV byte for byte as a single run of the spec, then its
 * Pareto fronts and report.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { analyzeRun, type RunAnalysis } from './analyze.js';
import { readJournal, readManifest, ResultSink, RUN_FILES, type Manifest } from './sink.js';

/** Shard run directories named by `paths`: each a shard directory, or a run directory holding shard-*-of-* directories. */
export function shardDirs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (existsSync(join(p, RUN_FILES.manifest))) out.push(p);
    else if (existsSync(p) && statSync(p).isDirectory()) {
      const subs = readdirSync(p).filter((d) => /^shard-\d+-of-\d+$/.test(d)).sort();
      if (!subs.length) throw InputError.one(p, '', 'neither a shard run (no manifest.json) nor a directory of shard-*-of-* runs');
      out.push(...subs.map((d) => join(p, d)));
    } else throw InputError.one(p, '', 'no such directory');
  }
  return out;
}

/** Merges shard runs into `outDir` (default: the directory the shards sit in). */
export async function mergeShards(paths: readonly string[], outDir?: string): Promise<{ dir: string; manifest: Manifest; analysis: RunAnalysis }> {
  const dirs = shardDirs(paths);
  const shards = dirs.map((d) => ({ dir: d, m: readManifest(d)! }));
  const first = shards[0];
  if (!first) throw InputError.one('merge', '', 'no shards given');
  const problems = [];
  const count = first.m.shard?.count;
  for (const { dir, m } of shards) {
    if (!m.shard) problems.push({ file: dir, path: '', message: 'not a shard run (made without --shard)' });
    else if (m.shard.count !== count) problems.push({ file: dir, path: 'shard', message: `shard of ${m.shard.count}, others are of ${count}` });
    if (m.specHash !== first.m.specHash) problems.push({ file: dir, path: 'specHash', message: `a different sweep spec than ${first.dir}` });
    if (m.status !== 'complete') problems.push({ file: dir, path: 'status', message: `${m.status}: finish it first (cyclops sweep … --shard ${m.shard?.index}/${m.shard?.count} --resume)` });
  }
  const seen = new Set(shards.map((s) => s.m.shard?.index));
  for (let i = 0; i < (count ?? 0); i++) if (!seen.has(i)) problems.push({ file: 'merge', path: '', message: `shard ${i}/${count} is missing` });
  if (seen.size !== shards.length) problems.push({ file: 'merge', path: '', message: 'a shard is given twice' });
  if (problems.length) throw new InputError(problems);

  const entries = shards.flatMap((s) => [...readJournal(join(s.dir, RUN_FILES.journal)).entries.values()]).sort((a, b) => a.seq - b.seq);
  const dir = outDir ?? dirname(first.dir);
  const { shard: _shard, ...base } = first.m;
  const sink = ResultSink.open(dir, { name: base.name, spec: base.spec, leadColumns: base.leadColumns, workloads: base.workloads }, { force: true });
  for (const e of entries) {
    sink.expect(e.seq);
    sink.complete(e);
  }
  // Sampled sweeps reject the same draws in every shard; grid shards drop disjoint points.
  const dropped = base.spec.sample ? first.m.dropped : shards.reduce((a, s) => a + s.m.dropped, 0);
  const manifest = sink.finish({ dropped, exhausted: shards.some((s) => s.m.exhausted) });
  return { dir, manifest, analysis: await analyzeRun(dir) };
}
