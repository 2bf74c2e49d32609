/**
 * `cyclops workload prune|quantize WORKLOAD … --out FILE`: compress a workload
 * and write it back as a trace plus its tensor file. With `--arch` (repeatable),
 * prune also simulates every round on each design, so one command shows what
 * each compression step buys on each architecture.
 */
import { basename } from 'node:path';
import Table from 'cli-table3';
import type { Argv, CommandModule } from 'yargs';
import { loadArch } from '../../config/arch.js';
import { InputError } from '../../core/errors.js';
import { compactStyle } from '../../report/table.js';
import { simulate } from '../../sim/run.js';
import { loadValued, writeValuedNetwork } from '../../workload/transforms/io.js';
import { parseLayerRules, resolveValued, type ValuedNetwork } from '../../workload/transforms/network.js';
import { PRUNE_METHODS, prune, type PruneMethod, type PruneResult, type UnitImportance } from '../../workload/transforms/prune.js';
import { quantize } from '../../workload/transforms/quantize.js';

interface PruneArgs {
  workload: string;
  method: PruneMethod;
  amount?: string;
  rounds: number;
  nm?: string;
  block?: string;
  width?: number;
  importance: UnitImportance;
  arch: string[];
  set: string[];
  out: string;
  name?: string;
}

interface QuantizeArgs {
  workload: string;
  scheme: 'linear' | 'kmeans';
  bits: string;
  granularity: 'layer' | 'channel' | 'group';
  'group-size'?: number;
  symmetric: boolean;
  'centroid-bits'?: number;
  'activation-bits'?: string;
  out: string;
  name?: string;
}

const traceName = (out: string, name?: string) => name ?? basename(out).replace(/\.ya?ml$/i, '');

function pair(text: string | undefined, sep: RegExp, option: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(sep).map(Number);
  if (parts.length !== 2 || !parts.every((v) => Number.isInteger(v) && v > 0)) throw InputError.one(option, '', `expected two positive integers, got "${text}"`);
  return parts as [number, number];
}

const fmt = (v: number, digits = 3) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(digits + 1));

function pruneRounds(a: PruneArgs): void {
  if (a.method !== 'nm' && a.amount === undefined) throw InputError.one('--amount', '', `method ${a.method} needs --amount (a fraction, or GLOB=FRACTION pairs)`);
  if (!(Number.isInteger(a.rounds) && a.rounds >= 1)) throw InputError.one('--rounds', '', 'expected a positive integer');
  const nm = pair(a.nm, /:/, '--nm');
  const opts = {
    method: a.method,
    amounts: parseLayerRules(a.amount ?? '*=0', '--amount'),
    importance: a.importance,
    ...(nm ? { n: nm[0], m: nm[1] } : {}),
    ...(a.block !== undefined ? { block: pair(a.block, /x/i, '--block') } : {}),
    ...(a.width !== undefined ? { width: a.width } : {}),
  };
  const designs = a.arch.map((ref) => loadArch(ref, a.set));
  let vn: ValuedNetwork = loadValued(a.workload);
  const rows: { round: number; net: ValuedNetwork; r?: PruneResult }[] = [{ round: 0, net: vn }];
  for (let round = 1; round <= a.rounds; round++) {
    const r = prune(vn, opts);
    vn = r.net;
    rows.push({ round, net: vn, r });
  }
  const head = ['round', 'params', 'MACs', 'stored weights', 'nonzero weights', 'padding'];
  for (const d of designs) head.push(`${d.name} ms`, `${d.name} µJ`, `${d.name} GFLOPS/W`);
  const t = new Table({ head, ...compactStyle });
  for (const row of rows) {
    const w = resolveValued(row.net);
    const params = w.layers.reduce((s, l) => s + l.params, 0);
    const macs = w.layers.reduce((s, l) => s + l.macs, 0);
    let stored = 0;
    let nonzero = 0;
    for (const x of row.net.tensors.values()) {
      for (let i = 0; i < x.mask.length; i++) {
        stored += x.mask[i] as number;
        if (x.values[i] !== 0) nonzero++;
      }
    }
    const line = [String(row.round), fmt(params), fmt(macs), fmt(stored), fmt(nonzero), `${((100 * (stored - nonzero)) / nonzero).toFixed(2)} %`];
    for (const d of designs) {
      const s = simulate(d, w).total;
      line.push((s.seconds * 1e3).toPrecision(4), (s.energyPj / 1e6).toPrecision(4), s.gflopsPerW.toPrecision(4));
    }
    t.push(line);
  }
  const skipped = rows.at(-1)?.r?.layers.filter((l) => l.skipped) ?? [];
  const note = `cyclops workload prune ${a.workload} --method ${a.method}${a.amount !== undefined ? ` --amount ${a.amount}` : ''}${a.nm ? ` --nm ${a.nm}` : ''}${a.block ? ` --block ${a.block}` : ''}${a.width ? ` --width ${a.width}` : ''} --rounds ${a.rounds}`;
  const files = writeValuedNetwork(vn, a.out, traceName(a.out, a.name), note);
  console.log(`${note}\n(padding: stored zeros as a share of nonzero weights)\n${t.toString()}`);
  for (const s of skipped) console.log(`left alone: ${s.layer}: ${s.skipped}`);
  console.log(`wrote ${[files.trace, files.tensors].filter(Boolean).join(' and ')}`);
}

function quantizeCmd(a: QuantizeArgs): void {
  const r = quantize(loadValued(a.workload), {
    scheme: a.scheme,
    bits: parseLayerRules(a.bits, '--bits'),
    granularity: a.granularity,
    symmetric: a.symmetric,
    ...(a['group-size'] !== undefined ? { groupSize: a['group-size'] } : {}),
    ...(a['centroid-bits'] !== undefined ? { centroidBits: a['centroid-bits'] } : {}),
    ...(a['activation-bits'] !== undefined ? { activationBits: parseLayerRules(a['activation-bits'], '--activation-bits') } : {}),
  });
  const t = new Table({ head: ['layer', 'storage bits', 'compute bits', a.scheme === 'kmeans' ? 'codebooks' : 'scales', 'overhead bytes', 'distinct nonzero', 'SQNR dB', 'zeroed'], ...compactStyle });
  for (const l of r.layers) {
    t.push([l.layer, `${l.storageBits.before} → ${l.storageBits.after}`, `${l.computeBits.before} → ${l.computeBits.after}`, fmt(l.slices), fmt(l.overheadBits / 8), fmt(l.distinctNonzero), l.sqnrDb.toFixed(1), fmt(l.zeroed)]);
  }
  const note = `cyclops workload quantize ${a.workload} --scheme ${a.scheme} --bits ${a.bits} --granularity ${a.granularity}${a['group-size'] ? ` --group-size ${a['group-size']}` : ''}${a.scheme === 'linear' ? (a.symmetric ? ' --symmetric' : ' --no-symmetric') : ''}${a['centroid-bits'] ? ` --centroid-bits ${a['centroid-bits']}` : ''}${a['activation-bits'] ? ` --activation-bits ${a['activation-bits']}` : ''}`;
  const files = writeValuedNetwork(r.net, a.out, traceName(a.out, a.name), note);
  const { before, after } = r.weightStorageBits;
  console.log(`${note}\n${t.toString()}\nweight storage: ${fmt(before / 8)} B → ${fmt(after / 8)} B (${(before / after).toFixed(2)}×, scales/codebooks included)`);
  console.log(`wrote ${[files.trace, files.tensors].filter(Boolean).join(' and ')}`);
}

const out = (y: Argv) =>
  y
    .positional('workload', { type: 'string', demandOption: true, describe: 'Trace YAML, SCALE-Sim topology CSV, or built-in name' })
    .option('out', { type: 'string', demandOption: true, describe: 'Trace file to write (its tensor file goes beside it: X.tensors.onnx)' })
    .option('name', { type: 'string', describe: 'Name of the written network (default: the file name)' });

/** `cyclops workload prune|quantize`. */
export const workloadCommand: CommandModule = {
  command: 'workload <action>',
  describe: 'Compress a workload (prune, quantize) and write it as a trace',
  builder: (y: Argv) =>
    y
      .command<PruneArgs>(
        'prune <workload>',
        'Prune weights (element-wise or structured) in one or more rounds',
        (p) =>
          out(p)
            .option('method', { choices: PRUNE_METHODS, demandOption: true, describe: 'magnitude, per-channel-uniform, nm, block, simd-group (element-wise); l1-filter, l2-filter, node (remove channels)' })
            .option('amount', { type: 'string', describe: 'Fraction to remove per round: a number, or GLOB=FRACTION pairs (first match wins; unmatched layers are left alone)' })
            .option('rounds', { type: 'number', default: 1 })
            .option('nm', { type: 'string', describe: 'n:m for --method nm, e.g. 2:4' })
            .option('block', { type: 'string', describe: 'Block rows x columns for --method block, e.g. 4x4' })
            .option('width', { type: 'number', describe: 'SIMD width for --method simd-group' })
            .option('importance', { choices: ['rms', 'mean', 'max'] as const, default: 'rms' as UnitImportance, describe: 'Importance of a block or SIMD group' })
            .option('arch', { type: 'string', array: true, default: [] as string[], describe: 'Simulate every round on these designs (repeatable)' })
            .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a design parameter: path=value' }) as unknown as Argv<PruneArgs>,
        (a) => pruneRounds(a),
      )
      .command<QuantizeArgs>(
        'quantize <workload>',
        'Quantize weights: linear (storage = compute bits) or k-means (index bits into centroids)',
        (q) =>
          out(q)
            .option('scheme', { choices: ['linear', 'kmeans'] as const, demandOption: true })
            .option('bits', { type: 'string', demandOption: true, describe: 'Bits per weight (k-means: index bits): a number, or GLOB=BITS pairs' })
            .option('granularity', { choices: ['layer', 'channel', 'group'] as const, default: 'layer' as const })
            .option('group-size', { type: 'number', describe: 'Elements per group of a row (--granularity group)' })
            .option('symmetric', { type: 'boolean', default: true, describe: 'Linear: zero point 0 (--no-symmetric: one per slice)' })
            .option('centroid-bits', { type: 'number', describe: 'k-means centroid (compute) bits; default the layer’s compute bits' })
            .option('activation-bits', { type: 'string', describe: 'Linear: activation bits of matched layers (a number or GLOB=BITS pairs)' }) as unknown as Argv<QuantizeArgs>,
        (a) => quantizeCmd(a),
      )
      .demandCommand(1),
  handler: () => undefined,
};
