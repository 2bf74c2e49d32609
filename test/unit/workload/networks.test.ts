/**
 * Built-in network traces (workloads/*.yaml): each names published totals, and
 * its dense MAC and parameter counts must match them within the stated
 * tolerance; layer shapes must chain (every layer reads a tensor that an earlier
 * layer produced, and purely sequential networks read their predecessor's output).
 */
import { describe, expect, it } from 'vitest';
import { builtinWorkloads, loadWorkload, readNetworkSpec } from '../../../src/workload/load.js';
import { isMacOp, totalMacs, totalParams, type Layer } from '../../../src/workload/layer.js';
import type { LayerSpec } from '../../../src/workload/trace.js';

/**
 * Exact dense counts of each trace (conv/fc weights + biases + 2 per batch-norm
 * channel; MACs of conv and fc layers at batch 1) and its numbers of conv and fc
 * layers, derived by hand from the sources named in the files. They pin the traces
 * down more tightly than the published figures, some of which are rounded.
 */
const EXACT: Record<string, { macs: number; params: number; convs: number; fcs: number }> = {
  alexnet: { macs: 714_188_480, params: 61_100_840, convs: 5, fcs: 3 },
  'lenet-300-100': { macs: 266_200, params: 266_610, convs: 0, fcs: 3 },
  lenet5: { macs: 416_520, params: 61_706, convs: 3, fcs: 2 },
  resnet18: { macs: 1_814_073_344, params: 11_689_512, convs: 20, fcs: 1 },
  'resnet18-cifar10': { macs: 555_422_720, params: 11_173_962, convs: 20, fcs: 1 },
  resnet50: { macs: 4_089_184_256, params: 25_557_032, convs: 53, fcs: 1 },
  textcnn: { macs: 21_900_600, params: 360_902, convs: 3, fcs: 1 },
  vgg16: { macs: 15_470_264_320, params: 138_357_544, convs: 13, fcs: 3 },
};

/** Networks without branches: every layer reads exactly what the previous one wrote. */
const SEQUENTIAL = new Set(['alexnet', 'lenet-300-100', 'lenet5', 'vgg16']);

const names = builtinWorkloads();

/** Shape with size-1 dimensions dropped, so [C, L] ≡ [C, 1, L] and [C, 1, 1] ≡ [C]. */
const canon = (shape: readonly number[]): string => shape.filter((d) => d !== 1).join('x');
const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Per-sample input shape a layer reads (fc: its feature vector). */
function inputShape(spec: LayerSpec): number[] {
  switch (spec.op) {
    case 'fc':
      return [spec.inFeatures];
    case 'matmul':
      return [spec.m, spec.k];
    default:
      return [...spec.input];
  }
}

/** Per-sample output shape a layer writes. */
function outputShape(spec: LayerSpec, layer: Layer): number[] {
  if (layer.conv) {
    const g = layer.conv;
    if (spec.op === 'fc') return [g.k];
    if (spec.op === 'conv1d') return [g.k, g.ow];
    if (spec.op === 'matmul') return [g.h, g.k];
    return [g.k, g.oh, g.ow];
  }
  switch (spec.op) {
    case 'batchnorm':
    case 'relu':
    case 'add':
      return [...spec.input];
    case 'globalavgpool':
      return [spec.input[0]];
    case 'maxpool':
    case 'avgpool': {
      const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
      const [c, h, w] = spec.input;
      const [r, s] = pair(spec.kernel);
      const [sh, sw] = pair(spec.stride ?? spec.kernel);
      const [ph, pw] = pair(spec.padding);
      return [c, Math.floor((h + 2 * ph - r) / sh) + 1, Math.floor((w + 2 * pw - s) / sw) + 1];
    }
    default:
      throw new Error(`unexpected op ${spec.op}`);
  }
}

/** True when some subset of `earlier` [C, H, W] tensors with the input's H and W adds up to its channels. */
function isChannelConcat(input: readonly number[], earlier: readonly number[][]): boolean {
  if (input.length !== 3) return false;
  const [c, h, w] = input as [number, number, number];
  let sums = new Set<number>([0]);
  for (const o of earlier) {
    if (o.length !== 3 || o[1] !== h || o[2] !== w) continue;
    sums = new Set([...sums, ...[...sums].map((s) => s + o[0]!)].filter((s) => s <= c));
  }
  return sums.has(c);
}

const within = (actual: number, published: number, tolerance: number): boolean =>
  Math.abs(actual - published) <= tolerance * published;

describe('built-in networks', () => {
  it('ships every expected network', () => {
    expect(names).toEqual(expect.arrayContaining(Object.keys(EXACT)));
  });

  describe.each(names)('%s', (name) => {
    const w = loadWorkload(name);
    const { spec } = readNetworkSpec(name);

    it('names its source and published totals (per sample: every layer runs at the network batch)', () => {
      expect(w.source.length).toBeGreaterThan(0);
      expect(w.layers.every((l) => l.batch === w.batch)).toBe(true);
      expect(w.published).toBeDefined();
      expect(w.published?.macs).toBeDefined();
    });

    it('matches the published MAC count within tolerance', () => {
      const pub = w.published!;
      const macs = totalMacs(w) / w.batch;
      expect(
        within(macs, pub.macs!, pub.tolerance),
        `${name}: ${macs} MACs vs published ${pub.macs} (tolerance ${pub.tolerance})`,
      ).toBe(true);
    });

    // Every source publishes MACs; the BitFusion authors' Eyeriss traces (results/eyeriss_results.csv) give no parameter count.
    it.runIf(w.published?.params !== undefined)('matches the published parameter count within tolerance', () => {
      const pub = w.published!;
      const params = totalParams(w);
      expect(
        within(params, pub.params!, pub.tolerance),
        `${name}: ${params} params vs published ${pub.params} (tolerance ${pub.tolerance})`,
      ).toBe(true);
    });

    it.runIf(name in EXACT)('has the exact counts derived from its source', () => {
      const exact = EXACT[name]!;
      expect(totalMacs(w)).toBe(exact.macs);
      expect(totalParams(w)).toBe(exact.params);
      expect(w.layers.filter((l) => l.op === 'conv2d' || l.op === 'conv1d').length).toBe(exact.convs);
      expect(w.layers.filter((l) => l.op === 'fc').length).toBe(exact.fcs);
    });

    it('has MACs in every MAC layer and none elsewhere', () => {
      for (const l of w.layers) {
        if (isMacOp(l.op)) expect(l.macs, l.name).toBeGreaterThan(0);
        else expect(l.macs, l.name).toBe(0);
      }
    });

    it('chains layer shapes', () => {
      const outputs: number[][] = [];
      spec.layers.forEach((s, i) => {
        const layer = w.layers[i]!;
        const input = inputShape(s);
        if (i > 0) {
          const prev = outputs[i - 1]!;
          const earlier = [inputShape(spec.layers[0]!), ...outputs];
          let ok: boolean;
          if (s.op === 'fc') {
            // Flatten, or concatenation of parallel branches ending in the same op and shape.
            const prevSpec = spec.layers[i - 1]!;
            const concat = outputs
              .filter((o, j) => spec.layers[j]!.op === prevSpec.op && canon(o) === canon(prev))
              .reduce((a, o) => a + elements(o), 0);
            ok = s.inFeatures === elements(prev) || (!SEQUENTIAL.has(name) && s.inFeatures === concat);
          } else if (SEQUENTIAL.has(name)) {
            ok = canon(input) === canon(prev);
          } else if (s.op === 'add') {
            // Both summands: the previous layer's output and another earlier one.
            ok = canon(input) === canon(prev) && outputs.slice(0, i - 1).some((o) => canon(o) === canon(input));
          } else {
            // An earlier tensor, or a channel concatenation of earlier tensors of the same height and width (two-tower nets).
            ok = earlier.some((o) => canon(o) === canon(input)) || isChannelConcat(input, earlier);
          }
          expect(ok, `${name}: layer ${s.name} input [${input.join(', ')}] after [${prev.join(', ')}]`).toBe(true);
        }
        outputs.push(outputShape(s, layer));
      });
    });
  });
});
