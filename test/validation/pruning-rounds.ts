/**
 * The seed's pruning table (shared/seeds/000, "Pruning Benchmarket"): ResNet-18
 * for CIFAR-10 pruned by L1- and L2-norm filter pruning in 11 rounds, the
 * parameter count after each round. Used by pruning-rounds.test.ts (the
 * parameter column within 1 % per round) and by pruning-rounds.write.ts, which
 * regenerates results/reproduced/pruning-rounds.md with simulated latency,
 * energy and FLOPS/W per round on every preset of every registered kind.
 *
 * Variant: the seed's 11,181,642 parameters at round 0 are the built-in
 * resnet18-cifar10 (kuangliu, 11,173,962) with a 7×7 stem conv instead of 3×3:
 * 7·7·3·64 − 3·3·3·64 = 7,680 more. The stem here is 7×7, stride 1, padding 3,
 * so every later shape is kuangliu's.
 *
 * Amount per round (derived): the seed's code is Torch-Pruning's example
 * (prune_resnet18_cifar10.py): per BasicBlock, conv1 and then conv2 lose
 * int(p·C) of their output channels, p = 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3
 * for the eight blocks (layer1 … layer4), ranked by the pruned conv's filter
 * norm; pruning conv2 cuts the whole residual group of its stage (stem or
 * shortcut, both blocks' conv2, the next convs' inputs, the fc's inputs). With
 * that schedule every round's count equals the seed's exactly.
 */
import { resolveNetwork } from '../../src/workload/layer.js';
import { readNetworkSpec } from '../../src/workload/load.js';
import { parseLayerRules, valuedNetwork, type ValuedNetwork } from '../../src/workload/transforms/network.js';
import { prune } from '../../src/workload/transforms/prune.js';

/** Parameters [K] per round 0..11, seed 000's table (quoted). */
export const SEED_PARAMS_K = [11181.642, 4499.885, 1904.148, 850.709, 408.764, 210.707, 118.955, 70.37, 46.003, 32.347, 23.606, 17.706];

/** Test accuracy [%] per round, L1 and L2, seed 000's table (quoted; cyclops does not simulate accuracy). */
export const SEED_ACCURACY = {
  l1: [92.2, 91.94, 91.96, 91.2, 91.03, 90.35, 88.68, 85.82, 81.7, 78.83, 77.14, 74.46],
  l2: [92.2, 92.36, 92.11, 91.48, 90.87, 90.02, 88.59, 86.2, 82.19, 79.16, 77.02, 74.71],
};

/** Per-block amounts of Torch-Pruning's example, as layer globs. */
export const SEED_AMOUNTS = 'layer1.*.conv[12]=0.1,layer2.*.conv[12]=0.2,layer3.*.conv[12]=0.2,layer4.*.conv[12]=0.3';

export const ROUNDS = 11;

/** The seed's variant: built-in resnet18-cifar10 with a 7×7/1 stem, padding 3. */
export function seedVariant(): ValuedNetwork {
  const { spec, file } = readNetworkSpec('resnet18-cifar10');
  const stem = spec.layers[0];
  if (!stem || stem.op !== 'conv2d' || stem.name !== 'conv1') throw new Error('resnet18-cifar10: expected conv1 first');
  stem.kernel = 7;
  stem.padding = 3;
  spec.name = 'resnet18-cifar10-7x7stem';
  spec.description = 'resnet18-cifar10 with a 7x7 stride-1 stem (padding 3): the 11,181,642-parameter variant of seed 000';
  delete spec.published;
  return valuedNetwork(spec, resolveNetwork(spec, file));
}

/** The network after each round 0..ROUNDS of L1 or L2 filter pruning with the seed's schedule. */
export function seedRounds(method: 'l1-filter' | 'l2-filter'): ValuedNetwork[] {
  const amounts = parseLayerRules(SEED_AMOUNTS, 'SEED_AMOUNTS');
  const out = [seedVariant()];
  for (let r = 1; r <= ROUNDS; r++) out.push(prune(out[r - 1] as ValuedNetwork, { method, amounts }).net);
  return out;
}
