/**
 * SCALE-Sim topology CSV import, through d3-dsv. Two forms:
 *   conv: `Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,`
 *   GEMM: `Layer, M, N, K,`
 * Rows end with a trailing comma. Rows with every cell empty are skipped (SCALE-Sim's
 * own ResNet-50 file has one); any other malformed row is an error naming its line.
 * SCALE-Sim pads nothing and sizes outputs as ceil((H − R + stride)/stride); GEMM rows
 * become the convolution SCALE-Sim runs them as (H = M, W = K, R = 1, S = K, C = 1, F = N).
 */
import { readTextFile } from '../../config/parse.js';
import { basename } from 'node:path';
import { csvParseRows } from 'd3-dsv';
import { InputError, type Problem } from '../../core/errors.js';
import type { LayerSpec, NetworkSpec } from '../trace.js';
import { networkSchema } from '../trace.js';

const CONV_COLUMNS = 8;
const GEMM_COLUMNS = 4;

function positiveInt(cell: string): number | undefined {
  if (!/^\d+$/.test(cell)) return undefined;
  const v = Number(cell);
  return v > 0 ? v : undefined;
}

/** Parses SCALE-Sim topology text into a network spec; `file` names it in errors. */
export function parseScaleSimTopology(text: string, file: string): NetworkSpec {
  const rows = csvParseRows(text).map((r) => r.map((c) => c.trim()));
  const header = rows[0];
  if (!header) throw InputError.one(file, 'line 1', 'empty topology file');
  const isGemm = /^layer$/i.test(header[0] ?? '') && /^m$/i.test(header[1] ?? '');
  const need = isGemm ? GEMM_COLUMNS : CONV_COLUMNS;
  if (!isGemm && !/^layer name$/i.test(header[0] ?? '')) {
    throw InputError.one(file, 'line 1', 'not a SCALE-Sim topology header: expected "Layer name, IFMAP Height, …" or "Layer, M, N, K,"');
  }
  const problems: Problem[] = [];
  const layers: LayerSpec[] = [];
  rows.slice(1).forEach((row, i) => {
    const line = `line ${i + 2}`;
    if (row.every((c) => c === '')) return;
    const cells = row.slice(0, need);
    const extra = row.slice(need).filter((c) => c !== '');
    if (cells.length < need || extra.length > 0) {
      problems.push({ file, path: line, message: `expected ${need} values (name and ${need - 1} positive integers), got ${row.filter((c) => c !== '').length}` });
      return;
    }
    const [name, ...numCells] = cells as [string, ...string[]];
    const nums = numCells.map(positiveInt);
    const bad = nums.findIndex((v) => v === undefined);
    if (!name || bad >= 0) {
      const col = bad >= 0 ? `${header[bad + 1] || `column ${bad + 2}`} = "${numCells[bad]}"` : 'layer name is empty';
      problems.push({ file, path: line, message: `malformed row: ${bad >= 0 ? `expected a positive integer for ${col}` : col}` });
      return;
    }
    const v = nums as number[];
    if (isGemm) {
      const [m, n, k] = v as [number, number, number];
      layers.push({ name, op: 'conv2d', input: [1, m, k], kernel: [1, k], filters: n, stride: 1, padding: 0, groups: 1, outputRounding: 'ceil', bias: false });
    } else {
      const [h, w, r, s, c, f, stride] = v as [number, number, number, number, number, number, number];
      if (r > h || s > w) {
        problems.push({ file, path: line, message: `filter ${r}×${s} is larger than the ${h}×${w} IFMAP` });
        return;
      }
      layers.push({ name, op: 'conv2d', input: [c, h, w], kernel: [r, s], filters: f, stride, padding: 0, groups: 1, outputRounding: 'ceil', bias: false });
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  if (layers.length === 0) throw InputError.one(file, '', 'topology has no layers');
  const name = basename(file).replace(/\.csv$/i, '');
  return networkSchema.parse({
    name,
    source: `SCALE-Sim topology file ${basename(file)}`,
    batch: 1,
    defaults: { weights: { format: 'int8' }, inputs: { format: 'int8' } },
    layers,
  });
}

/** Reads a SCALE-Sim topology CSV file. */
export function readScaleSimTopology(file: string): NetworkSpec {
  return parseScaleSimTopology(readTextFile(file), file);
}
