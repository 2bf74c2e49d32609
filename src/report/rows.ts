/**
 * Flattening results into stable snake_case columns, units in the names:
 * one row per layer and a final `total` row. Column order is fixed by the
 * kind's result shape, not by the data, so files of one kind line up.
 */
import type { LayerResult, RunResult } from '../sim/run.js';

/** A flat row: column → value. */
export type Row = Record<string, string | number>;

/** One flat row for a layer (or the total). */
export function layerRow(l: LayerResult): Row {
  const row: Row = {
    layer: l.layer,
    op: l.op,
    macs: l.macs,
    macs_executed: l.macsExecuted,
    cycles: l.cycles,
    compute_cycles: l.computeCycles,
    stall_cycles: l.stallCycles,
  };
  for (const cause of Object.keys(l.stalls).sort()) row[`stall_${cause}_cycles`] = l.stalls[cause]!;
  row.utilization = l.utilization;
  row.seconds = l.seconds;
  row.energy_pj = l.energyPj;
  for (const comp of Object.keys(l.dynamicEnergyPj).sort()) row[`energy_${comp}_pj`] = l.dynamicEnergyPj[comp]!;
  row.energy_static_pj = l.staticEnergyPj;
  for (const lvl of Object.keys(l.traffic).sort()) {
    row[`${lvl}_read_bytes`] = l.traffic[lvl]!.readBytes;
    row[`${lvl}_write_bytes`] = l.traffic[lvl]!.writeBytes;
  }
  row.gflops = l.gflops;
  row.gflops_per_w = l.gflopsPerW;
  // Kind-specific figures (folds, mapping efficiency…) follow the common columns.
  for (const [k, v] of Object.entries(l.details)) row[k] = v;
  return row;
}

/** Rows of a run: its layers, then `total`. */
export function runRows(r: RunResult): Row[] {
  return [...r.layers.map(layerRow), layerRow(r.total)];
}

/** Column names in first-seen order over all rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
