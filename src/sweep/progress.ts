/**
 * Sweep progress on stderr: a cli-progress bar with rate and ETA on a terminal,
 * plain lines (at most one every few seconds, and the last) otherwise, so logs
 * of batch jobs stay readable.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { SweepProgress } from './runner.js';

/** A progress display: call `update` as jobs finish and `stop` at the end. */
export interface ProgressDisplay {
  update(p: SweepProgress): void;
  stop(): void;
}

function rateEta(p: SweepProgress, startMs: number, startDone: number): { rate: number; eta: number } {
  const s = (performance.now() - startMs) / 1e3;
  const rate = s > 0 ? (p.done - startDone) / s : 0;
  return { rate, eta: rate > 0 ? (p.total - p.done) / rate : Infinity };
}

/** The display for `stream`: a bar on a TTY, lines elsewhere. */
export function progressDisplay(label: string, stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000): ProgressDisplay {
  const t0 = performance.now();
  let first: number | undefined;
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} jobs | {rate} jobs/s | ETA {eta_formatted} | failed {failed} dropped {dropped}`, stream, hideCursor: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        first ??= p.done;
        const { rate } = rateEta(p, t0, first);
        const payload = { rate: rate.toFixed(1), failed: p.failed, dropped: p.dropped };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else {
          bar.setTotal(p.total);
          bar.update(p.done, payload);
        }
      },
      stop: () => bar.stop(),
    };
  }
  let last = -Infinity;
  let latest: SweepProgress | undefined;
  const line = (p: SweepProgress) => {
    const { rate, eta } = rateEta(p, t0, first ?? 0);
    const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(0) : '100';
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?';
    stream.write(`${label}: ${p.done}/${p.total} jobs (${pct}%), ${rate.toFixed(1)} jobs/s, ETA ${etaText}, ${p.failed} failed, ${p.dropped} points dropped${p.recovered ? `, ${p.recovered} recovered` : ''}\n`);
    last = performance.now();
  };
  return {
    update(p) {
      first ??= p.done;
      latest = p;
      if (performance.now() - last >= intervalMs) line(p);
    },
    stop() {
      if (latest) line(latest);
    },
  };
}
