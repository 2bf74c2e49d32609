import { it } from 'vitest';
import { Rng } from '/work/main/src/core/random.js';
it('b', () => {
  for (let rep = 0; rep < 3; rep++) {
    const r = new Rng(1);
    let t = performance.now(); let s = 0;
    for (let i = 0; i < 2_400_000; i++) s += r.nextU32();
    const a = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < 2_400_000; i++) s += r.int(1000 + i);
    const b = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < 2_400_000; i++) s += r.next() * (1000 + i);
    const c = performance.now() - t;
    console.log(a.toFixed(1), b.toFixed(1), c.toFixed(1), s > 0);
  }
});
