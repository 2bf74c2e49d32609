import { it } from 'vitest';
import { networkSchema } from '/work/main/src/workload/trace.js';
import { resolveNetwork } from '/work/main/src/workload/layer.js';
import { weightMask, activationMask } from '/work/main/src/workload/sparsity.js';
it('perf', () => {
  const pats: any[] = ['unstructured','per-channel-uniform',{type:'nm',n:2,m:4},{type:'block',block:[4,4]},{type:'simd-group',width:8}, 'channel'];
  for (const d of [0.1, 0.2, 0.3, 0.5, 0.9]) for (const p of pats) {
    const ts: number[] = []; const ta: number[] = [];
    for (let rep = 0; rep < 6; rep++) {
    const w = resolveNetwork(networkSchema.parse({ name: 'x' + rep, source: 's', layers: [
      { name: 'big', op: 'conv2d', input: [512, 7, 7], filters: 512, kernel: 3, padding: 1, weights: { density: d, pattern: p } },
      { name: 'act', op: 'conv2d', input: [64, 112, 112], filters: 64, kernel: 3, padding: 1, inputs: { density: d, pattern: p } },
    ]}), 't');
    const [a, b] = w.layers as any;
    let t = performance.now(); weightMask(a, w); ts.push(performance.now() - t);
    t = performance.now(); activationMask(b, w); ta.push(performance.now() - t);
    }
    console.log(JSON.stringify(p), d, 'W first', ts[0]!.toFixed(1), 'min', Math.min(...ts).toFixed(1), 'A first', ta[0]!.toFixed(1), 'min', Math.min(...ta).toFixed(1));
  }
});
