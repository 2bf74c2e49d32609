/**
 * Where a sweep's results go, in results/<run>/:
 *
 * - `journal.ndjson` — one line per finished job, appended (one write) the moment
 *   it finishes, whatever its order: the durable record. After Ctrl-C or kill -9
 *   every complete line is a finished job; a torn last line is dropped and redone.
 * - `sweep.csv` — the same rows through d3-dsv, written in job order through a
 *   reorder buffer as soon as the jobs before them are in, so its bytes depend
 *   only on the spec, never on the number of workers, machines or restarts.
 * - `manifest.json` — the spec, its hash (a resume must use the same spec), the
 *   counts and whether the sweep is complete.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { csvFormatBody, csvFormatRows } from 'd3-dsv';
import { canonicalJson } from '../config/arch.js';
import { InputError } from '../core/errors.js';
import { hash32 } from '../core/random.js';
import { toolVersion } from '../core/version.js';
import { writeFileAtomic } from '../report/files.js';
import { columnsOf, type Row } from '../report/rows.js';
import type { JournalEntry } from './protocol.js';
import type { SweepSpec } from './spec.js';

/** File names inside a run directory. */
export const RUN_FILES = { csv: 'sweep.csv', journal: 'journal.ndjson', manifest: 'manifest.json' } as const;

/** Columns after the metrics: the error of a failed job, and any metric a row has beyond the header (JSON; normally empty). */
export const TAIL_COLUMNS = ['error', 'extra'];

/** What manifest.json holds. */
export interface Manifest {
  tool: string;
  name: string;
  /** Hash of the normalized spec: resume and merge refuse runs of another spec. */
  specHash: string;
  spec: SweepSpec;
  /** This run's share of the points (`--shard i/n`: points p with p mod n = i), if sharded. */
  shard?: { index: number; count: number };
  status: 'running' | 'interrupted' | 'complete';
  /** Columns before the metrics. */
  leadColumns: string[];
  workloads: string[];
  /** Jobs (point × workload) written, failed among them, and points dropped by constraints. */
  jobs: number;
  failed: number;
  dropped: number;
  /** Sampling stopped before `sample.count` points satisfied the constraints. */
  exhausted?: boolean;
}

/** Hash of a normalized spec. */
export function specHash(spec: SweepSpec): string {
  return hash32(canonicalJson(spec)).toString(16).padStart(8, '0');
}

/** Reads a journal: entries by seq (the first of duplicates wins) and the length in bytes of its complete lines. */
export function readJournal(file: string): { entries: Map<number, JournalEntry>; validBytes: number } {
  const entries = new Map<number, JournalEntry>();
  if (!existsSync(file)) return { entries, validBytes: 0 };
  const buf = readFileSync(file);
  let start = 0;
  let validBytes = 0;
  for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
    const line = buf.subarray(start, nl).toString('utf8');
    start = nl + 1;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      break; // a torn line: only the last can be, since every entry is one write
    }
    validBytes = start;
    if (!entries.has(e.seq)) entries.set(e.seq, e);
  }
  return { entries, validBytes };
}

/** Reads a run's manifest, or undefined. */
export function readManifest(dir: string): Manifest | undefined {
  const f = join(dir, RUN_FILES.manifest);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Manifest) : undefined;
}

/**
 * Writes journal entries to a CSV in seq order. The header is fixed by the first
 * successful job of each workload (in seq order), so it too is independent of
 * timing; jobs before that point wait in memory.
 */
export class OrderedCsv {
  private readonly expected: number[] = [];
  private head = 0;
  private readonly ready = new Map<number, JournalEntry>();
  private held: JournalEntry[] = [];
  private header: string[] | undefined;
  private readonly fd: number;
  /** Rows written so far. */
  rows = 0;

  constructor(
    file: string,
    private readonly lead: readonly string[],
    private readonly workloads: readonly string[],
  ) {
    this.fd = openSync(file, 'w');
  }

  /** Announces the next job in output order. */
  expect(seq: number): void {
    this.expected.push(seq);
  }

  /** A finished job; written once every job announced before it is in. */
  put(entry: JournalEntry): void {
    this.ready.set(entry.seq, entry);
    while (this.head < this.expected.length) {
      const e = this.ready.get(this.expected[this.head]!);
      if (!e) break;
      this.ready.delete(e.seq);
      this.head++;
      if (this.header) this.write([e]);
      else {
        this.held.push(e);
        this.decideHeader(false);
      }
    }
    if (this.head > 4096 && this.head * 2 > this.expected.length) {
      this.expected.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Jobs announced and not yet written. */
  get pending(): number {
    return this.expected.length - this.head;
  }

  private decideHeader(final: boolean): void {
    const ok = this.held.filter((e) => e.rows[0]?.status === 'ok');
    if (!final && !this.workloads.every((w) => ok.some((e) => e.rows[0]!.workload === w))) return;
    const skip = new Set([...this.lead, ...TAIL_COLUMNS]);
    const metrics = columnsOf(ok.flatMap((e) => e.rows)).filter((c) => !skip.has(c));
    this.header = [...this.lead, ...metrics, ...TAIL_COLUMNS];
    writeSync(this.fd, `${csvFormatRows([this.header])}\n`);
    const held = this.held;
    this.held = [];
    this.write(held);
  }

  private write(entries: readonly JournalEntry[]): void {
    const header = this.header!;
    const known = new Set(header);
    const rows: Row[] = [];
    for (const e of entries) {
      for (const r of e.rows) {
        const extra = Object.keys(r).filter((k) => !known.has(k));
        rows.push(extra.length ? { ...r, extra: JSON.stringify(Object.fromEntries(extra.map((k) => [k, r[k]]))) } : r);
      }
    }
    if (rows.length === 0) return;
    writeSync(this.fd, `${csvFormatBody(rows, header)}\n`);
    this.rows += rows.length;
  }

  /** Writes what is left; throws if an announced job never came. */
  close(): void {
    try {
      if (this.pending > 0) throw new Error(`sweep: ${this.pending} job(s) announced but never finished (first: #${this.expected[this.head]})`);
      if (!this.header) this.decideHeader(true);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without completing it (an interrupted run). */
  abandon(): void {
    closeSync(this.fd);
  }
}

/** Options of {@link ResultSink.open}. */
export interface SinkOptions {
  /** Continue a run whose journal exists; without it an unfinished run is an error. */
  resume?: boolean;
  /** Start over even if an unfinished run is there. */
  force?: boolean;
}

/** A run directory being written: journal, ordered CSV and manifest. */
export class ResultSink {
  private readonly journalFd: number;
  private readonly csv: OrderedCsv;
  /** Entries already in the journal when the run was resumed. */
  private readonly previous: Map<number, JournalEntry>;
  jobs = 0;
  failed = 0;
  private closed = false;

  private constructor(
    readonly dir: string,
    private manifest: Manifest,
    previous: Map<number, JournalEntry>,
    journalBytes: number,
  ) {
    this.previous = previous;
    const journal = join(dir, RUN_FILES.journal);
    if (previous.size) truncateSync(journal, journalBytes); // drop a torn last line
    this.journalFd = openSync(journal, previous.size ? 'a' : 'w');
    this.csv = new OrderedCsv(join(dir, RUN_FILES.csv), manifest.leadColumns, manifest.workloads);
    this.writeManifest();
  }

  /** Opens `dir` for a run of `spec`. Refuses to clobber an unfinished run unless told to resume or start over. */
  static open(dir: string, base: Omit<Manifest, 'tool' | 'specHash' | 'status' | 'jobs' | 'failed' | 'dropped'>, opts: SinkOptions = {}): ResultSink {
    const manifest: Manifest = { tool: toolVersion, specHash: specHash(base.spec), status: 'running', jobs: 0, failed: 0, dropped: 0, ...base };
    const old = readManifest(dir);
    const journal = join(dir, RUN_FILES.journal);
    mkdirSync(dir, { recursive: true });
    if (opts.resume && old && existsSync(journal)) {
      if (old.specHash !== manifest.specHash) {
        throw InputError.one(join(dir, RUN_FILES.manifest), 'specHash', 'the sweep spec changed since this run started: resume needs the same spec (or use --force to start over)');
      }
      const { entries, validBytes } = readJournal(journal);
      return new ResultSink(dir, manifest, entries, validBytes);
    }
    if (!opts.force && !opts.resume && old && old.status !== 'complete' && existsSync(journal)) {
      throw InputError.one(dir, '', 'an unfinished sweep is here: continue it with --resume, or start over with --force');
    }
    rmSync(journal, { force: true });
    return new ResultSink(dir, manifest, new Map(), 0);
  }

  /** Number of jobs recovered from a previous run. */
  get recovered(): number {
    return this.previous.size;
  }

  /** The entry of `seq` from a previous run, if it finished then. */
  previousEntry(seq: number): JournalEntry | undefined {
    return this.previous.get(seq);
  }

  /** Announces the next job in output order. */
  expect(seq: number): void {
    this.csv.expect(seq);
  }

  /** A job finished now: journaled at once (one write), then queued for the CSV. Ignored once the sink is closed. */
  complete(entry: JournalEntry): void {
    if (this.closed) return;
    writeSync(this.journalFd, `${JSON.stringify(entry)}\n`);
    this.take(entry);
  }

  /** A job that finished in a previous run: only the CSV needs it. */
  restore(entry: JournalEntry): void {
    this.previous.delete(entry.seq);
    this.take(entry);
  }

  private take(entry: JournalEntry): void {
    this.jobs++;
    if (entry.rows[0]?.status === 'error') this.failed++;
    this.csv.put(entry);
  }

  /** Jobs announced and not yet written to the CSV. */
  get pending(): number {
    return this.csv.pending;
  }

  /** Completes the CSV and marks the run complete. */
  finish(counts: { dropped: number; exhausted?: boolean }): Manifest {
    this.closed = true;
    this.csv.close();
    closeSync(this.journalFd);
    this.manifest = { ...this.manifest, status: 'complete', jobs: this.jobs, failed: this.failed, dropped: counts.dropped };
    if (counts.exhausted) this.manifest.exhausted = true;
    this.writeManifest();
    return this.manifest;
  }

  /** Stops without completing: the journal keeps every finished job for `--resume`. */
  interrupt(dropped: number): void {
    if (this.closed) return;
    this.closed = true;
    this.csv.abandon();
    closeSync(this.journalFd);
    this.manifest = { ...this.manifest, status: 'interrupted', jobs: this.jobs, failed: this.failed, dropped };
    this.writeManifest();
  }

  private writeManifest(): void {
    writeFileAtomic(join(this.dir, RUN_FILES.manifest), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }
}
