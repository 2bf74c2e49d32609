/**
 * The H100 measurements of calibration/gpu/data as simulator inputs: every
 * measured kernel becomes a one-layer workload (a convolution, GEMM, memory-bound
 * layer or sparse product in the measured number format), with its measured
 * time, board power and SM clock, and whether it is held out of the fit.
 *
 * Held out (never fitted): every ResNet-18/CIFAR-10 layer, every third ResNet-50
 * layer (by position in calibration/gpu/measure.py's list), the fc.b512 and tall
 * GEMMs, and the add and max-pool layers — chosen by name, before any fit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParse, type DSVRowString } from 'd3-dsv';
import { packageRoot } from '../../src/core/paths.js';
import { resolveNetwork, type Workload } from '../../src/workload/layer.js';
import { loadWorkload } from '../../src/workload/load.js';
import { networkSchema, type NumberFormat } from '../../src/workload/trace.js';

/** Folder of the measured CSV files. */
export const dataDir = join(packageRoot, 'calibration', 'gpu', 'data');

/** Reads one measured CSV file. */
export function readData(file: string): DSVRowString[] {
  return csvParse(readFileSync(join(dataDir, file), 'utf8'));
}

/** One measured kernel as a simulator input. */
export interface Sample {
  /** `group/name/format`, unique. */
  id: string;
  group: 'conv' | 'gemm' | 'eltwise' | 'spmm';
  name: string;
  format: NumberFormat;
  workload: Workload;
  /** Algorithm the measured library ran, when it is fixed (cuSPARSE SpMM); else cuDNN/cuBLAS chose. */
  algorithm?: string;
  measuredSeconds: number;
  /** Board power (W) and SM clock (MHz) over the same steady window. */
  powerW: number;
  clockMHz: number;
  heldOut: boolean;
  /** Weight in the time fit (sweeps of one kernel count less than distinct layers). */
  weight: number;
  /** Kernel parameters the measurement fixed (direct sparse: its sub-batch). */
  sets?: string[];
}

/** ResNet-50 layer names in measure.py's order (every third held out). */
const R50_ORDER = [
  'conv1', 'layer1.0.conv1', 'layer1.0.conv2', 'layer1.0.conv3', 'layer1.1.conv1', 'layer2.0.conv1', 'layer2.0.conv2', 'layer2.0.conv3',
  'layer2.0.downsample', 'layer2.1.conv1', 'layer2.1.conv2', 'layer3.0.conv1', 'layer3.0.conv2', 'layer3.0.conv3', 'layer3.0.downsample',
  'layer3.1.conv1', 'layer3.1.conv2', 'layer4.0.conv1', 'layer4.0.conv2', 'layer4.0.conv3', 'layer4.0.downsample', 'layer4.1.conv1', 'layer4.1.conv2',
];

/** True for measurements kept out of the fit. */
export function isHeldOut(group: string, name: string): boolean {
  if (name.startsWith('resnet18-cifar10.')) return true;
  if (name.startsWith('resnet50.')) return R50_ORDER.indexOf(name.slice('resnet50.'.length)) % 3 === 2;
  if (group === 'gemm') return name === 'fc.b512.4096' || name.startsWith('tall.');
  if (group === 'eltwise') return name === 'add' || name.startsWith('maxpool');
  return false;
}

const operands = (format: NumberFormat) => ({ weights: { format }, inputs: { format } });

/** A one-layer workload from a layer spec (validated by the trace schema). */
export function oneLayer(name: string, batch: number, format: NumberFormat, layer: Record<string, unknown>): Workload {
  const spec = networkSchema.parse({ name, source: 'calibration/gpu/measure.py', batch, defaults: { ...operands(format), bias: false }, layers: [{ name, ...layer }] });
  return resolveNetwork(spec, `calibration:${name}`);
}

/** The layer of a measured convolution shape `BxCxHxWxKrRsSpP`. */
export function convLayer(name: string, format: NumberFormat, shape: string, weights?: Record<string, unknown>): Workload {
  const m = /^(\d+)x(\d+)x(\d+)x(\d+)x(\d+)r(\d+)s(\d+)p(\d+)$/.exec(shape);
  if (!m) throw new Error(`bad convolution shape ${shape}`);
  const [b, c, h, w, k, r, s, p] = m.slice(1).map(Number) as [number, number, number, number, number, number, number, number];
  return oneLayer(name, b, format, { op: 'conv2d', input: [c, h, w], filters: k, kernel: r, stride: s, padding: p, ...(weights ? { weights: { format, ...weights } } : {}) });
}

/** The layer of a measured element-wise row (sustained.csv). */
function eltwiseLayer(name: string, format: NumberFormat, shape: string): Workload {
  if (name === 'relu' || name === 'add') return oneLayer(name, 1, format, { op: name, input: [Number(shape)] });
  if (name === 'batchnorm') return oneLayer(name, 64, format, { op: 'batchnorm', input: [256, 56, 56] });
  return oneLayer(name, 64, format, { op: 'maxpool', input: [64, 112, 112], kernel: 3, stride: 2, padding: 1 });
}

/** Every steady-state measurement of sustained.csv (time, power and clock of one window), idle rows left out. */
export function sustainedSamples(): Sample[] {
  const out: Sample[] = [];
  for (const r of readData('sustained.csv')) {
    const group = r.group as Sample['group'];
    if (!['conv', 'gemm', 'eltwise', 'spmm'].includes(group) || !r.ms) continue;
    const name = r.name!;
    const format = r.format as NumberFormat;
    const shape = r.shape!;
    let workload: Workload;
    let algorithm: string | undefined;
    if (group === 'conv') workload = convLayer(name, format, shape);
    else if (group === 'gemm') {
      const [m, n, k] = shape.split('x').map(Number) as [number, number, number];
      workload = oneLayer(name, 1, format, { op: 'matmul', m, n, k });
    } else if (group === 'eltwise') workload = eltwiseLayer(name, format, shape);
    else {
      const sm = /^(\d+)x(\d+)x(\d+)@([\d.]+)$/.exec(shape)!;
      const [rows, cols, n, d] = sm.slice(1).map(Number) as [number, number, number, number];
      workload = oneLayer(name, n, format, { op: 'fc', inFeatures: cols, outFeatures: rows, weights: { format, density: d, pattern: 'per-channel-uniform' } });
      algorithm = 'csr-spmm';
    }
    out.push({
      id: `${group}/${name}/${format}${group === 'eltwise' || group === 'spmm' ? `/${shape}` : ''}`,
      group,
      name,
      format,
      workload,
      ...(algorithm ? { algorithm } : {}),
      measuredSeconds: Number(r.ms) / 1e3,
      powerW: Number(r.power_w),
      clockMHz: Number(r.clock_sm_mhz),
      heldOut: isHeldOut(group, name),
      weight: 1,
    });
  }
  return out;
}

/** Board power at idle (W) and its SM clock (MHz), from the idle windows of sustained.csv. */
export function idleSamples(): Array<{ powerW: number; clockMHz: number }> {
  return readData('sustained.csv')
    .filter((r) => r.group === 'idle')
    .map((r) => ({ powerW: Number(r.power_w), clockMHz: Number(r.clock_sm_mhz) }));
}

/** Sustained 8192³ (fp32: 4096³) GEMMs of power.csv — the formats sustained.csv lacks (int8, fp8) included. */
export function powerGemmSamples(): Sample[] {
  return readData('power.csv')
    .filter((r) => r.kind === 'gemm')
    .map((r) => {
      const [m, n, k] = r.shape!.split('x').map(Number) as [number, number, number];
      const format = r.format as NumberFormat;
      return {
        id: `gemm-power/${r.shape}/${format}`,
        group: 'gemm' as const,
        name: r.workload!,
        format,
        workload: oneLayer(r.workload!, 1, format, { op: 'matmul', m, n, k }),
        measuredSeconds: Number(r.ms_per_call) / 1e3,
        powerW: Number(r.power_w),
        clockMHz: Number(r.clock_sm_mhz),
        heldOut: false,
        weight: 1,
      };
    });
}

/**
 * The `--set` overrides that put the h100 preset in a sample's measured conditions:
 * the layer repeated back to back (L2 stays warm), NCHW activations for the fp32/TF32
 * convolutions and the memory-bound layers (measure.py keeps PyTorch's default layout;
 * fp16 convolutions run channels-last),
 * and the library algorithm when it was fixed.
 */
export function measurementSets(s: Sample): string[] {
  const sets = ['l2Residency=repeat', `activationLayout=${(s.group === 'conv' && s.format !== 'fp16') || s.group === 'eltwise' ? 'nchw' : 'nhwc'}`];
  if (s.algorithm) sets.push(`algorithm=${s.algorithm}`);
  return [...sets, ...(s.sets ?? [])];
}

/** The conv2d spec of a measured layer `network.layer` (its shapes from workloads/<network>.yaml). */
export function measuredConvSpec(name: string): Record<string, unknown> {
  const dot = name.indexOf('.');
  const layer = loadWorkload(name.slice(0, dot)).layers.find((l) => l.name === name.slice(dot + 1));
  const g = layer?.conv;
  if (!g || layer.op !== 'conv2d') throw new Error(`no conv2d layer ${name}`);
  return { op: 'conv2d', input: [g.c, g.h, g.w], filters: g.k, kernel: [g.r, g.s], stride: [g.strideH, g.strideW], padding: [g.padH, g.padW] };
}

/**
 * The seed paper's direct sparse convolution as measured (sparse.csv, CuPy kernel of
 * measure.py, batch 32, NCHW; timed in short bursts, so at the highest clock — these
 * CUDA-core kernels stay below the power limit): one sample per layer, format,
 * density and sub-batch, each weighted so that a layer's sweep counts as one layer.
 */
export function directSparseSamples(): Sample[] {
  const rows = readData('sparse.csv').filter((r) => r.kernel === 'direct_sparse' && r.ms && r.sub_batch);
  const perLayer = new Map<string, number>();
  for (const r of rows) perLayer.set(r.layer!, (perLayer.get(r.layer!) ?? 0) + 1);
  return rows.map((r) => {
    const format = r.format as NumberFormat;
    const density = Number(r.density);
    const name = r.layer!;
    return {
      id: `direct-sparse/${name}/${format}/d${density.toFixed(3)}/sb${r.sub_batch}`,
      group: 'conv' as const,
      name,
      format,
      workload: oneLayer(name, 32, format, { ...measuredConvSpec(name), weights: { format, density, pattern: 'per-channel-uniform' } }),
      algorithm: 'direct-sparse',
      measuredSeconds: Number(r.ms) / 1e3,
      powerW: Number.NaN,
      clockMHz: 1980,
      heldOut: isHeldOut('conv', name),
      weight: 3 / perLayer.get(name)!,
      sets: [`subBatch=${r.sub_batch}`, 'activationLayout=nchw'],
    };
  });
}
