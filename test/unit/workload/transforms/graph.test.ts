/**
 * Connectivity inference (src/workload/transforms/graph.ts) on the built-in
 * networks: every ResNet add reads its block's main path and the right shortcut
 * (identity: the block input; projection: the 1x1 conv's BN), shortcuts read the
 * block input, and channel groups tie each stage's block outputs together.
 */
import { describe, expect, it } from 'vitest';
import { readNetworkSpec } from '../../../../src/workload/load.js';
import { resolveNetwork } from '../../../../src/workload/layer.js';
import { channelGroups, networkGraph, unresolvedLayers } from '../../../../src/workload/transforms/graph.js';

function graphOf(name: string) {
  const { spec, file } = readNetworkSpec(name);
  const w = resolveNetwork(spec, file);
  const g = networkGraph(spec, w);
  const nameOf = (t: number) => (t === -1 ? 'input' : w.layers[t]!.name);
  const reads = (layer: string) => g.producers[w.layers.findIndex((l) => l.name === layer)]!.map(nameOf);
  return { spec, w, g, reads, file };
}

describe('networkGraph', () => {
  it('recovers kuangliu ResNet-18 blocks', () => {
    const { reads, w, g } = graphOf('resnet18-cifar10');
    expect(unresolvedLayers(w, g)).toEqual([]);
    expect(reads('layer1.0.add')).toEqual(['layer1.0.bn2', 'relu']);
    expect(reads('layer1.1.add')).toEqual(['layer1.1.bn2', 'layer1.0.relu2']);
    expect(reads('layer2.0.shortcut.0')).toEqual(['layer1.1.relu2']);
    expect(reads('layer2.0.add')).toEqual(['layer2.0.shortcut.1', 'layer2.0.bn2']);
    expect(reads('layer2.1.add')).toEqual(['layer2.1.bn2', 'layer2.0.relu2']);
    expect(reads('layer4.1.add')).toEqual(['layer4.1.bn2', 'layer4.0.relu2']);
    expect(reads('linear')).toEqual(['avgpool']);
  });

  it('recovers torchvision ResNet-50 bottlenecks (downsample after the main path)', () => {
    const { reads, w, g } = graphOf('resnet50');
    expect(unresolvedLayers(w, g)).toEqual([]);
    expect(reads('layer1.0.downsample.0')).toEqual(['maxpool']);
    expect(reads('layer1.0.add')).toEqual(['layer1.0.downsample.1', 'layer1.0.bn3']);
    expect(reads('layer1.1.add')).toEqual(['layer1.1.bn3', 'layer1.0.relu3']);
    expect(reads('layer2.0.downsample.0')).toEqual(['layer1.2.relu3']);
  });

  it('traces plain chains and leaves a concatenation unresolved', () => {
    for (const n of ['lenet5', 'alexnet', 'vgg16', 'resnet18', 'lenet-300-100']) {
      const { w, g } = graphOf(n);
      expect(unresolvedLayers(w, g), n).toEqual([]);
    }
    const t = graphOf('textcnn');
    expect(t.reads('conv4')).toEqual(['input']);
    expect(unresolvedLayers(t.w, t.g)).toEqual(['fc']);
    expect(() => channelGroups(t.w, t.g, t.file)).toThrow(/layer "fc" reads.*from:/);
  });
});

describe('channelGroups', () => {
  it('ties each ResNet-18 stage and leaves the stem input and the classifier output fixed', () => {
    const { w, g, file } = graphOf('resnet18-cifar10');
    const groups = channelGroups(w, g, file);
    const names = (idx: number[]) => idx.map((i) => w.layers[i]!.name).sort();
    const stage1 = groups.find((grp) => grp.producers.some((p) => w.layers[p]!.name === 'conv1'))!;
    expect(names(stage1.producers)).toEqual(['conv1', 'layer1.0.conv2', 'layer1.1.conv2']);
    expect(names(stage1.consumers)).toEqual(['layer1.0.conv1', 'layer1.1.conv1', 'layer2.0.conv1', 'layer2.0.shortcut.0']);
    expect(stage1.fixed).toBeUndefined();
    const stage4 = groups.find((grp) => grp.producers.some((p) => w.layers[p]!.name === 'layer4.0.shortcut.0'))!;
    expect(names(stage4.producers)).toEqual(['layer4.0.conv2', 'layer4.0.shortcut.0', 'layer4.1.conv2']);
    expect(names(stage4.consumers)).toEqual(['layer4.1.conv1', 'linear']);
    expect(groups.filter((grp) => !grp.fixed)).toHaveLength(4 + 8);
    expect(groups.find((grp) => grp.tensors.includes(-1))!.fixed).toMatch(/network input/);
  });
});
