/**
 * Layer connectivity of a trace and the channel groups structured pruning must
 * cut together.
 *
 * A trace lists layers in execution order; a layer's `from:` names what it reads.
 * Where `from:` is left out (the built-in networks, SCALE-Sim topologies) it is
 * inferred from shapes. Tensors are compared per sample by channel count and
 * element count (an fc layer flattens, so only its element count must match):
 * - a layer reads the previous layer's output when that matches its input;
 * - otherwise (a shortcut branch that starts from the block input) it reads
 *   the tensor that the earliest MAC layer since the last `add` with the same
 *   input reads, else the most recent earlier output that matches, else the
 *   network input when that matches;
 * - an `add` reads the previous layer's output and, as its second operand, the
 *   most recent matching output that nothing reads yet (the main path's result
 *   when the shortcut came last, as in projection blocks), else the tensor that
 *   the earliest MAC layer since the last `add` reads with the same shape (the
 *   block input of an identity block).
 * These rules recover ResNet basic and bottleneck blocks (a test compares them
 * with an ONNX export's explicit edges); a layer they cannot place (a
 * concatenation, which the trace has no op for) is left unresolved, and
 * transforms that need connectivity refuse the network, naming that layer.
 *
 * Channel groups: channels tied together so that removing one removes it
 * everywhere in the group — through batch-norm, ReLU, pooling and depthwise
 * layers (per-channel ops) and through `add` (both operands and the sum, e.g.
 * every block output of a ResNet stage and its shortcut projections). A group's
 * producers are the MAC layers whose filters make its channels; its consumers
 * the MAC layers that read them as input channels.
 */
import { InputError } from '../../core/errors.js';
import type { Layer, Workload } from '../layer.js';
import type { LayerSpec, NetworkSpec } from '../trace.js';

/** A tensor per sample: channels and elements. */
export interface TensorDims {
  c: number;
  elements: number;
}

/** Connectivity of a network. Index −1 stands for the network input. */
export interface NetGraph {
  /** What each layer reads, in operand order; undefined where it could not be inferred. */
  producers: (number[] | undefined)[];
  /** Layers reading each layer's output. */
  consumers: number[][];
  /** Layers reading the network input. */
  inputConsumers: number[];
  /** Input and output dims of each layer. */
  inDims: TensorDims[];
  outDims: TensorDims[];
}

/** Layers that keep channels one-to-one (their input and output channels are the same). */
export function isPerChannel(l: Pick<Layer, 'op' | 'conv'>): boolean {
  if (l.op === 'depthwise') return l.conv !== undefined && l.conv.k === l.conv.c;
  return l.op === 'batchnorm' || l.op === 'relu' || l.op === 'maxpool' || l.op === 'avgpool' || l.op === 'globalavgpool';
}

function dims(l: Layer, spec: LayerSpec): { inp: TensorDims; out: TensorDims } {
  if (l.conv) {
    const g = l.conv;
    if (l.op === 'fc') return { inp: { c: g.c, elements: g.c }, out: { c: g.k, elements: g.k } };
    return { inp: { c: g.c, elements: g.c * g.h * g.w }, out: { c: g.k, elements: g.k * g.oh * g.ow } };
  }
  // Element-wise and pooling layers keep their channel count, the first dim of their input.
  const c = 'input' in spec ? spec.input[0] : 1;
  const e = l.elementwise as NonNullable<Layer['elementwise']>;
  return { inp: { c, elements: e.inputElements / l.batch / (l.op === 'add' ? 2 : 1) }, out: { c, elements: e.outputElements / l.batch } };
}

function matches(out: TensorDims, inp: TensorDims, consumer: Layer): boolean {
  return out.elements === inp.elements && (out.c === inp.c || consumer.op === 'fc');
}

/** Normalizes a layer's `from:` to a list. */
function fromList(spec: LayerSpec): string[] | undefined {
  return spec.from === undefined ? undefined : typeof spec.from === 'string' ? [spec.from] : spec.from;
}

/** Builds the connectivity of `workload` (resolved from `spec`), inferring `from:` where it is left out. */
export function networkGraph(spec: NetworkSpec, workload: Workload): NetGraph {
  const layers = workload.layers;
  const d = layers.map((l, i) => dims(l, spec.layers[i] as LayerSpec));
  const inDims = d.map((x) => x.inp);
  const outDims = d.map((x) => x.out);
  const index = new Map(layers.map((l, i) => [l.name, i]));
  const producers: (number[] | undefined)[] = [];
  const consumed = new Set<number>();
  let lastAdd = -1;
  const fits = (t: number, i: number): boolean => matches(t === -1 ? (inDims[0] as TensorDims) : (outDims[t] as TensorDims), inDims[i] as TensorDims, layers[i] as Layer);
  /** The tensor the earliest MAC layer after the last add reads, when it matches layer i's input. */
  const blockInput = (i: number, exclude: number): number | undefined => {
    for (let j = lastAdd + 1; j < i; j++) {
      const p = producers[j];
      if (!layers[j]?.conv || !p || p.length !== 1) continue;
      const t = p[0] as number;
      if (t !== exclude && fits(t, i)) return t;
    }
    return undefined;
  };
  layers.forEach((l, i) => {
    const explicit = fromList(spec.layers[i] as LayerSpec);
    let p: number[] | undefined;
    if (explicit) p = explicit.map((n) => (n === 'input' ? -1 : (index.get(n) as number)));
    else if (i === 0) p = [-1];
    else if (l.op === 'add') {
      const a = i - 1;
      if (fits(a, i)) {
        let b: number | undefined;
        for (let j = i - 2; j >= 0 && b === undefined; j--) if (!consumed.has(j) && fits(j, i)) b = j;
        b ??= blockInput(i, a);
        if (b !== undefined) p = [a, b];
      }
    } else if (fits(i - 1, i)) p = [i - 1];
    else {
      let t = blockInput(i, Number.NaN);
      for (let j = i - 1; j >= 0 && t === undefined; j--) if (fits(j, i)) t = j;
      if (t === undefined && fits(-1, i)) t = -1;
      if (t !== undefined) p = [t];
    }
    producers.push(p);
    for (const t of p ?? []) consumed.add(t);
    if (l.op === 'add') lastAdd = i;
  });
  const consumers: number[][] = layers.map(() => []);
  const inputConsumers: number[] = [];
  producers.forEach((p, i) => {
    for (const t of p ?? []) (t === -1 ? inputConsumers : (consumers[t] as number[])).push(i);
  });
  return { producers, consumers, inputConsumers, inDims, outDims };
}

/** Names of layers whose inputs could not be traced. */
export function unresolvedLayers(workload: Workload, g: NetGraph): string[] {
  return workload.layers.filter((_, i) => g.producers[i] === undefined).map((l) => l.name);
}

/** Channels tied together (see the module comment). */
export interface ChannelGroup {
  /** Channels in the group now. */
  channels: number;
  /** Tensors (producing layer index, −1 = network input) of the group. */
  tensors: number[];
  /** MAC layers whose output filters are the group's channels. */
  producers: number[];
  /** Per-channel and add layers whose channels are the group's. */
  passThrough: number[];
  /** MAC layers reading the group's channels as input channels. */
  consumers: number[];
  /** Why the group's channels cannot be removed, if they cannot. */
  fixed?: string;
}

/** Groups channels tied through per-channel layers and adds; throws an InputError if any layer is unresolved. */
export function channelGroups(workload: Workload, g: NetGraph, file: string): ChannelGroup[] {
  const unresolved = unresolvedLayers(workload, g);
  if (unresolved.length > 0) {
    throw InputError.one(file, `layers[${workload.layers.findIndex((l) => l.name === unresolved[0])}]`, `cannot tell which tensor layer "${unresolved[0]}" reads (a concatenation or reshape?): give it \`from:\` to prune channels structurally`);
  }
  const layers = workload.layers;
  const n = layers.length;
  const parent = Array.from({ length: n + 1 }, (_, i) => i); // slot n = the network input
  const slot = (t: number): number => (t === -1 ? n : t);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x] as number] as number;
    return x;
  };
  const union = (a: number, b: number): void => {
    parent[find(slot(a))] = find(slot(b));
  };
  layers.forEach((l, i) => {
    const p = g.producers[i] as number[];
    if (l.op === 'add' || isPerChannel(l)) for (const t of p) union(i, t);
  });
  const byRoot = new Map<number, ChannelGroup>();
  const groupOf = (t: number): ChannelGroup => {
    const r = find(slot(t));
    let grp = byRoot.get(r);
    if (!grp) {
      grp = { channels: t === -1 ? (g.inDims[0] as TensorDims).c : (g.outDims[t] as TensorDims).c, tensors: [], producers: [], passThrough: [], consumers: [] };
      byRoot.set(r, grp);
    }
    return grp;
  };
  groupOf(-1).tensors.push(-1);
  groupOf(-1).fixed = 'it holds the network input';
  layers.forEach((l, i) => {
    const grp = groupOf(i);
    grp.tensors.push(i);
    if (l.op === 'add' || isPerChannel(l)) grp.passThrough.push(i);
    else if (l.conv) grp.producers.push(i);
    if (l.op === 'matmul') grp.fixed ??= `layer "${l.name}" is a matmul (no filters to remove)`;
    else if (l.conv && l.conv.groups > 1 && !isPerChannel(l)) grp.fixed ??= `layer "${l.name}" is a grouped or multiplier convolution`;
    if (g.consumers[i]?.length === 0) grp.fixed ??= `layer "${l.name}" produces a network output`;
    for (const j of g.consumers[i] as number[]) {
      const c = layers[j] as Layer;
      if (c.op === 'add' || isPerChannel(c)) continue;
      grp.consumers.push(j);
      if (c.op === 'matmul') grp.fixed ??= `layer "${c.name}" reads it as a matmul operand`;
      else if (c.conv && c.conv.groups > 1) grp.fixed ??= `layer "${c.name}" is a grouped convolution`;
    }
  });
  for (const grp of byRoot.values()) if (grp.producers.length === 0) grp.fixed ??= 'no layer makes its channels with filters';
  return [...byRoot.values()];
}
