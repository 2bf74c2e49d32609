/**
 * Properties of the gpu-sm kind over random convolution and GEMM layers:
 * more SMs or more bandwidth never make the same kernel slower, and a
 * tensor-core format is never slower than FP32 on CUDA cores.
 *
 * "Never slower" holds within SLACK (10 %): the SM's ports and pipes serve
 * requests in order, and a faster resource or one more SM can reorder arrivals
 * or change how many blocks share an SM's pipelines, so that a request waits
 * behind another — a scheduling anomaly, as in real queues. It shows on tiny
 * one-wave kernels (a layer of 25 blocks going from 2 blocks per SM to 1: at
 * most 8.4 % in a sweep of about 2,500 layer × preset × format × algorithm ×
 * resource cases, after the busiest SM's bandwidth share became work-conserving;
 * 9.6 % before); larger kernels are monotone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadArch } from '../../../../src/config/arch.js';
import type { QualifiedArch } from '../../../../src/kinds/kind.js';
import { gpuSm } from '../../../../src/kinds/gpu-sm/index.js';
import type { GpuParams } from '../../../../src/kinds/gpu-sm/params.js';
import { resolveNetwork, type Workload } from '../../../../src/workload/layer.js';
import { networkSchema } from '../../../../src/workload/trace.js';

const cycles = (preset: string, sets: string[], w: Workload) =>
  gpuSm.simulateLayer(w.layers[0]!, loadArch(preset, sets) as unknown as QualifiedArch<GpuParams>, { workload: w, seed: 0 }).cycles;

const layerArb = fc.oneof(
  fc.record({
    op: fc.constant('conv2d'),
    c: fc.constantFrom(3, 16, 64, 256),
    hw: fc.constantFrom(7, 14, 28, 56),
    k: fc.constantFrom(16, 64, 128, 512),
    r: fc.constantFrom(1, 3),
    stride: fc.constantFrom(1, 2),
    batch: fc.constantFrom(1, 8, 32),
  }),
  fc.record({ op: fc.constant('matmul'), m: fc.constantFrom(64, 512, 2048), n: fc.constantFrom(64, 1024), k: fc.constantFrom(256, 4096), batch: fc.constant(1) }),
);

function workload(l: Record<string, number | string>, format: string): Workload {
  const layer =
    l.op === 'conv2d'
      ? { name: 'l', op: 'conv2d', input: [l.c, l.hw, l.hw], filters: l.k, kernel: l.r, stride: l.stride, padding: Number(l.r) === 3 ? 1 : 0 }
      : { name: 'l', op: 'matmul', m: l.m, n: l.n, k: l.k };
  return resolveNetwork(networkSchema.parse({ name: 'prop', source: 'fast-check', batch: l.batch, defaults: { weights: { format }, inputs: { format } }, layers: [layer] }), 'prop');
}

const presets = ['gpu/h100-sxm5', 'gpu/v100-sxm2', 'gpu/rtx-2080'];
const SLACK = 1.1;

describe('gpu-sm properties', () => {
  it('more SMs never make the same kernel slower', () => {
    fc.assert(
      fc.property(layerArb, fc.constantFrom(...presets), fc.constantFrom('fp32', 'fp16'), fc.constantFrom('implicit-gemm', 'direct'), (l, preset, format, algorithm) => {
        const w = workload(l, format);
        const base = loadArch(preset).params as unknown as GpuParams;
        // At a fixed clock: more SMs draw more power, and a power-limited design may lower its clock.
        const sets = [`algorithm=${algorithm}`, 'power.limitW=0'];
        const fewer = cycles(preset, [...sets, `sms=${Math.ceil(base.sms / 2)}`], w);
        const more = cycles(preset, sets, w);
        expect(more).toBeLessThanOrEqual(fewer * SLACK);
      }),
      { numRuns: 80 },
    );
  });

  it('more DRAM or L2 bandwidth never makes the same kernel slower', () => {
    fc.assert(
      fc.property(layerArb, fc.constantFrom(...presets), fc.constantFrom('fp32', 'fp16'), (l, preset, format) => {
        const w = workload(l, format);
        const base = loadArch(preset).params as unknown as GpuParams;
        const sets = ['algorithm=implicit-gemm', 'power.limitW=0'];
        const slow = cycles(preset, sets, w);
        expect(cycles(preset, [...sets, `dram.bandwidthGBs=${2 * base.dram.bandwidthGBs}`], w)).toBeLessThanOrEqual(slow * SLACK);
        expect(cycles(preset, [...sets, `l2.bytesPerCycle=${2 * base.l2.bytesPerCycle}`], w)).toBeLessThanOrEqual(slow * SLACK);
      }),
      { numRuns: 80 },
    );
  });

  it('a tensor-core format is never slower than FP32 on CUDA cores', () => {
    fc.assert(
      fc.property(layerArb, (l) => {
        const fp32 = cycles('gpu/h100-sxm5', [], workload(l, 'fp32'));
        for (const f of ['tf32', 'fp16', 'bf16', 'int8']) expect(cycles('gpu/h100-sxm5', [], workload(l, f)), f).toBeLessThanOrEqual(fp32);
      }),
      { numRuns: 30 },
    );
  });
});
