/**
 * `cyclops workload prune|quantize` and `cyclops import onnx` end to end (the
 * built CLI in dist/, as test/unit/cli does): the written trace runs, per-round
 * simulation is printed, and user errors exit 1 with a line naming the input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { totalMacs } from '../../../../src/workload/layer.js';
import { loadWorkload } from '../../../../src/workload/load.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const cyclops = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'cyclops-transform-'));

describe('cyclops workload / import', () => {
  it('prune in rounds prints each round simulated and writes a trace that runs', () => {
    const dir = tmp();
    const out = join(dir, 'lenet5-l1.yaml');
    const r = cyclops('workload', 'prune', 'lenet5', '--method', 'l1-filter', '--amount', 'c[13]=0.5', '--rounds', '2', '--arch', 'scalesim-32x32-os', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scalesim-32x32-os GFLOPS\/W/);
    expect(r.out.split('\n').filter((l) => /^│ [012] /.test(l))).toHaveLength(3);
    expect(existsSync(join(dir, 'lenet5-l1.tensors.onnx'))).toBe(true);
    const w = loadWorkload(out);
    expect(w.layers.find((l) => l.name === 'c1')!.conv!.k).toBe(2); // 6 → 3 → 2
    expect(cyclops('run', '--arch', 'eyeriss-12x14', '--workload', out, '--out', dir).code).toBe(0);
  });

  it('quantize writes bits and codebooks; import onnx gives the built-in MACs', () => {
    const dir = tmp();
    const q = cyclops('workload', 'quantize', 'lenet5', '--scheme', 'kmeans', '--bits', '4', '--centroid-bits', '16', '--out', join(dir, 'q.yaml'));
    expect(q.code).toBe(0);
    const qw = loadWorkload(join(dir, 'q.yaml'));
    expect(qw.layers[0]!.weights).toMatchObject({ storageBits: 4, computeBits: 16, quantization: { scheme: 'kmeans', entries: 16 } });
    const i = cyclops('import', 'onnx', 'test/fixtures/onnx/lenet5.onnx', '--out', join(dir, 'l.yaml'));
    expect(i.code).toBe(0);
    expect(totalMacs(loadWorkload(join(dir, 'l.yaml')))).toBe(totalMacs(loadWorkload('lenet5')));
  });

  it('user errors exit 1 naming the input, and nothing is written', () => {
    const dir = tmp();
    const a = cyclops('workload', 'prune', 'textcnn', '--method', 'l2-filter', '--amount', '0.5', '--out', join(dir, 't.yaml'));
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/textcnn\.yaml: layers\[9\]: cannot tell which tensor layer "fc" reads/);
    const b = cyclops('workload', 'prune', 'lenet5', '--method', 'magnitude', '--amount', '1.5', '--out', join(dir, 't.yaml'));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/--amount: \*=1\.5: an amount is a fraction in \[0, 1\)/);
    expect(existsSync(join(dir, 't.yaml'))).toBe(false);
  });
});
