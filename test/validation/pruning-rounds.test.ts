/**
 * Seed 000's pruning table: the parameter count of ResNet-18 (CIFAR-10, 7×7
 * stem) after each of 11 rounds of L1 and of L2 filter pruning, with the
 * schedule stated in pruning-rounds.ts. Stated tolerance: 1 % per round (the
 * model reproduces every round exactly).
 */
import { describe, expect, it } from 'vitest';
import { totalParams } from '../../src/workload/layer.js';
import { resolveValued } from '../../src/workload/transforms/network.js';
import { SEED_PARAMS_K, seedRounds } from './pruning-rounds.js';

describe('seed 000 pruning rounds, ResNet-18 CIFAR-10', () => {
  for (const method of ['l1-filter', 'l2-filter'] as const) {
    it(`${method}: parameters per round within 1 % of the seed's`, () => {
      const params = seedRounds(method).map((vn) => totalParams(resolveValued(vn)) / 1000);
      params.forEach((p, r) => expect(Math.abs(p / (SEED_PARAMS_K[r] as number) - 1), `round ${r}: ${p} K vs ${SEED_PARAMS_K[r]} K`).toBeLessThanOrEqual(0.01));
    });
  }
});
