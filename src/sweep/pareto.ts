/**
 * Pareto fronts of two objectives: the points no other point beats on both
 * (at least as good on each, better on one). O(n log n): sort by the first
 * objective, keep each point better on the second than everything before it.
 */
import type { Objective } from './spec.js';

/** The non-dominated items of `items` under objectives `x` and `y`, ordered by x (best first). Items with a non-finite value are left out. */
export function paretoFront<T>(items: readonly T[], x: (t: T) => number, y: (t: T) => number, goals: [Objective['goal'], Objective['goal']]): T[] {
  const sx = goals[0] === 'max' ? -1 : 1;
  const sy = goals[1] === 'max' ? -1 : 1;
  const pts = items
    .map((item) => ({ item, a: sx * x(item), b: sy * y(item) }))
    .filter((p) => Number.isFinite(p.a) && Number.isFinite(p.b))
    .sort((p, q) => p.a - q.a || p.b - q.b);
  const front: T[] = [];
  let best = Infinity;
  for (let i = 0; i < pts.length; ) {
    // Points sharing an x value: the smallest y among them is on the front if it beats everything before.
    let j = i;
    while (j < pts.length && pts[j]!.a === pts[i]!.a) j++;
    const g = pts[i]!.b;
    if (g < best) {
      for (let k = i; k < j && pts[k]!.b === g; k++) front.push(pts[k]!.item);
      best = g;
    }
    i = j;
  }
  return front;
}
