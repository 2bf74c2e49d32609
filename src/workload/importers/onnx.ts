/**
 * ONNX import: a model file (protobuf, through onnx-proto) becomes a trace.
 *
 * Operators: Conv (2-D: conv2d, grouped, depthwise; 1-D: conv1d), Gemm and
 * MatMul with a weight operand (fc; a following Add of a constant vector is
 * its bias), MatMul of two activations (matmul), BatchNormalization, Relu,
 * MaxPool, AveragePool, GlobalAveragePool, Add (residual sums) — and, as
 * views without compute, Flatten, Reshape to (batch, −1), Identity, Dropout,
 * Constant, and a final Softmax/LogSoftmax (noted, not modelled). Anything
 * else is an error naming the node and its operator.
 *
 * Shapes are inferred node by node from the input's shape (symbolic batch
 * dims become `--batch`, default 1), so graphs without value_info import; where
 * the graph does carry shapes they are checked against the inferred ones.
 * Connectivity is written as `from:` wherever a layer does not read the layer
 * before it. Weights: initializers become the trace's tensor file in trace
 * layout (their real values, so their real sparsity and value distribution
 * reach every model that reads values); each layer's weight density is their
 * share of nonzeros. Weights given as graph inputs without data (exported
 * without parameters) keep their shapes and get synthetic values.
 * Unsupported attributes (dilations, asymmetric padding, ceil-mode pooling,
 * transposed A in Gemm) are errors naming the node.
 */
import { InputError } from '../../core/errors.js';
import type { LayerTensor } from '../transforms/network.js';
import { networkSchema, type LayerSpec, type NetworkSpec, type NumberFormat } from '../trace.js';
import { decodeModel, int, onnx, tensorDims, tensorValues, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.js';

/** Options of an import. */
export interface OnnxImportOptions {
  /** Network name (default: the graph's name or the file's). */
  name: string;
  /** Batch for symbolic batch dims (default 1). */
  batch?: number;
}

/** The imported trace and the real weights it references. */
export interface OnnxImport {
  spec: NetworkSpec;
  /** Real weights by layer name, trace layout, with their K×(C/g)×R×S dims. */
  tensors: Map<string, { tensor: LayerTensor; dims: number[] }>;
  /** What was noted but not modelled (a final softmax). */
  notes: string[];
}

/** Operators turned into layers or views. */
export const SUPPORTED_OPS = ['Conv', 'Gemm', 'MatMul', 'BatchNormalization', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'Constant', 'Softmax', 'LogSoftmax'];

const DT = onnx.TensorProto.DataType;

/** A value flowing through the graph: a tensor produced by a layer (or the input), per-sample dims. */
interface Act {
  kind: 'act';
  dims: number[];
  /** Producing layer name, or 'input'. */
  from: string;
  /** An fc whose bias may still be folded from a following Add. */
  pendingBias?: LayerSpec & { op: 'fc' };
}

/** A constant or a weight: dims and, when the file holds data, values. */
interface Const {
  kind: 'const';
  dims: number[];
  values?: Float64Array;
  dataType: number;
  name: string;
}

type Value = Act | Const;

function attrs(node: NodeProto): Map<string, AttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}

function formatOf(dataType: number): NumberFormat {
  switch (dataType) {
    case DT.FLOAT16:
      return 'fp16';
    case DT.BFLOAT16:
      return 'bf16';
    case DT.INT8:
    case DT.UINT8:
      return 'int8';
    default:
      return 'fp32';
  }
}

function shapeOf(vi: ValueInfoProto): (number | string)[] | undefined {
  const dims = vi.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? int(d.dimValue) : '?'));
}

/** Parses an ONNX model and lowers it to a trace; `file` names it in errors. */
export function importOnnx(bytes: Uint8Array, file: string, opts: OnnxImportOptions): OnnxImport {
  let model;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw InputError.one(file, '', `not an ONNX model (${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw InputError.one(file, '', 'the model has no graph');
  const fail = (node: NodeProto | undefined, message: string): never => {
    throw InputError.one(file, node ? `node "${node.name || (node.output ?? [])[0] || '?'}" (${node.opType})` : 'graph', message);
  };
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) {
    let v: Float64Array;
    try {
      v = tensorValues(t);
    } catch (e) {
      throw InputError.one(file, `initializer "${t.name}"`, (e as Error).message);
    }
    values.set(t.name ?? '', { kind: 'const', dims: tensorDims(t), values: v, dataType: t.dataType ?? DT.FLOAT, name: t.name ?? '' });
  }
  // Graph inputs without data: parameters if some node reads them as a weight operand, else the data input.
  const paramUse = new Set<string>();
  for (const n of graph.node ?? []) {
    const ins = n.input ?? [];
    const from = n.opType === 'Conv' || n.opType === 'Gemm' || n.opType === 'BatchNormalization' || n.opType === 'MatMul' ? 1 : ins.length;
    for (let i = from; i < ins.length; i++) paramUse.add(ins[i] ?? '');
  }
  const batchDefault = opts.batch ?? 1;
  let batch: number | undefined;
  let inputDims: number[] | undefined;
  for (const vi of graph.input ?? []) {
    const name = vi.name ?? '';
    if (values.has(name)) continue;
    const shape = shapeOf(vi);
    const elemType = vi.type?.tensorType?.elemType ?? DT.FLOAT;
    if (paramUse.has(name)) {
      if (!shape || shape.some((d) => typeof d !== 'number')) throw InputError.one(file, `input "${name}"`, 'a weight given as a graph input needs a fully known shape');
      values.set(name, { kind: 'const', dims: shape as number[], dataType: elemType, name });
      continue;
    }
    if (inputDims) throw InputError.one(file, `input "${name}"`, 'the model has more than one data input; cyclops traces have one');
    if (!shape || shape.length < 2) throw InputError.one(file, `input "${name}"`, 'the data input needs a shape (batch, channels, …)');
    const [b, ...rest] = shape;
    if (rest.some((d) => typeof d !== 'number' || d < 1)) throw InputError.one(file, `input "${name}"`, `only the batch dim may be symbolic; shape is [${shape.join(', ')}]`);
    batch = typeof b === 'number' && b > 0 ? b : batchDefault;
    inputDims = rest as number[];
    values.set(name, { kind: 'act', dims: inputDims, from: 'input' });
  }
  if (!inputDims || batch === undefined) throw InputError.one(file, 'graph', 'no data input found');

  const declared = new Map<string, (number | string)[]>();
  for (const vi of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const s = shapeOf(vi);
    if (s) declared.set(vi.name ?? '', s);
  }

  const layers: LayerSpec[] = [];
  const tensors = new Map<string, { tensor: LayerTensor; dims: number[] }>();
  const notes: string[] = [];
  const used = new Set<string>();
  let weightFormat: NumberFormat | undefined;
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));

  const act = (node: NodeProto, i: number): Act => {
    const v = values.get((node.input ?? [])[i] ?? '');
    if (!v || v.kind !== 'act') return fail(node, `input ${i} ("${(node.input ?? [])[i]}") is not an activation produced earlier in the graph`);
    return v;
  };
  const constant = (node: NodeProto, i: number): Const => {
    const v = values.get((node.input ?? [])[i] ?? '');
    if (!v || v.kind !== 'const') return fail(node, `input ${i} ("${(node.input ?? [])[i]}") must be an initializer (a weight)`);
    return v;
  };
  const layerName = (node: NodeProto, op: string, weight?: Const): string => {
    let base = weight?.name.endsWith('.weight') ? weight.name.slice(0, -'.weight'.length) : node.name || `${op}_${layers.length}`;
    base = base.replace(/^\/+/, '');
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };
  const push = (node: NodeProto, spec: LayerSpec, reads: readonly Act[], outDims: number[], extra: Partial<Act> = {}): void => {
    const prev = layers.at(-1)?.name ?? 'input';
    const from = reads.map((r) => r.from);
    if (spec.op === 'add' || from.length !== 1 || from[0] !== prev) spec.from = from.length === 1 ? (from[0] as string) : from;
    layers.push(spec);
    const out = (node.output ?? [])[0] ?? '';
    const d = declared.get(out);
    if (d && d.length === outDims.length + 1 && d.slice(1).some((x, k) => typeof x === 'number' && x !== outDims[k])) {
      fail(node, `the graph declares output shape [${d.join(', ')}], inferred [batch, ${outDims.join(', ')}]`);
    }
    values.set(out, { kind: 'act', dims: outDims, from: spec.name, ...extra });
  };
  const addWeights = (name: string, w: Const, rows: number, cols: number, transpose: boolean, dims: number[]): { density?: number; pattern?: { type: 'unstructured' } } => {
    weightFormat ??= formatOf(w.dataType);
    if (!w.values) return {};
    const v = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) v[r * cols + c] = w.values[transpose ? c * rows + r : r * cols + c] as number;
    const mask = Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0));
    const nz = mask.reduce((a, b) => a + b, 0);
    if (nz === 0) throw InputError.one(file, `initializer "${w.name}"`, 'all weights are zero');
    tensors.set(name, { tensor: { values: v, mask }, dims });
    return nz < v.length ? { density: nz / v.length, pattern: { type: 'unstructured' } } : {};
  };
  const ints = (a: Map<string, AttributeProto>, key: string): number[] | undefined => a.get(key)?.ints?.map(int);
  const one = (a: Map<string, AttributeProto>, key: string, dflt: number): number => (a.has(key) ? int(a.get(key)?.i) : dflt);
  const symmetricPads = (node: NodeProto, a: Map<string, AttributeProto>, spatial: number[], kernel: number[], stride: number[]): number[] => {
    const auto = a.get('auto_pad')?.s ? new TextDecoder().decode(a.get('auto_pad')?.s as Uint8Array) : 'NOTSET';
    if (auto === 'VALID') return spatial.map(() => 0);
    if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
      return spatial.map((h, k) => {
        const s = stride[k] as number;
        const total = Math.max(0, (Math.ceil(h / s) - 1) * s + (kernel[k] as number) - h);
        if (total % 2 !== 0) fail(node, `auto_pad ${auto} pads unevenly here; the trace has symmetric padding only`);
        return total / 2;
      });
    }
    const pads = ints(a, 'pads') ?? spatial.flatMap(() => [0, 0]);
    const half = pads.length / 2;
    for (let k = 0; k < half; k++) if (pads[k] !== pads[k + half]) fail(node, `asymmetric padding [${pads.join(', ')}] is not supported`);
    return pads.slice(0, half);
  };
  const outDim = (h: number, k: number, s: number, p: number) => Math.floor((h + 2 * p - k) / s) + 1;

  for (const node of graph.node ?? []) {
    const a = attrs(node);
    const op = node.opType ?? '';
    const out = (node.output ?? [])[0] ?? '';
    switch (op) {
      case 'Constant': {
        const t = a.get('value')?.t as TensorProto | undefined;
        if (!t) fail(node, 'only tensor-valued Constant nodes are supported');
        values.set(out, { kind: 'const', dims: tensorDims(t as TensorProto), values: tensorValues(t as TensorProto), dataType: (t as TensorProto).dataType ?? DT.FLOAT, name: out });
        break;
      }
      case 'Identity':
      case 'Dropout': {
        const v = values.get((node.input ?? [])[0] ?? '');
        if (!v) fail(node, `input "${(node.input ?? [])[0]}" is not produced earlier in the graph`);
        values.set(out, v as Value); // an alias, of an activation or of a weight
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const x = act(node, 0);
        const flat = x.dims.reduce((p, d) => p * d, 1);
        if (op === 'Flatten' && one(a, 'axis', 1) !== 1) fail(node, 'only Flatten with axis 1 is supported');
        if (op === 'Reshape') {
          const target = Array.from(constant(node, 1).values ?? []);
          const ok = target.length === 2 && (target[0] === batch || target[0] === -1 || target[0] === 0) && (target[1] === -1 || target[1] === flat);
          if (!ok) fail(node, `only reshapes to (batch, −1) are supported, got [${target.join(', ')}]`);
        }
        values.set(out, { ...x, dims: [flat] });
        break;
      }
      case 'Softmax':
      case 'LogSoftmax': {
        if (!graphOutputs.has(out)) fail(node, `${op} is supported only as the graph's output (it is not modelled)`);
        notes.push(`${op} node "${node.name || out}" at the output is not modelled`);
        values.set(out, act(node, 0));
        break;
      }
      case 'Conv': {
        const x = act(node, 0);
        const w = constant(node, 1);
        const hasBias = (node.input ?? []).length > 2 && (node.input ?? [])[2] !== '';
        if ((ints(a, 'dilations') ?? []).some((d) => d !== 1)) fail(node, 'dilated convolution is not modelled');
        const group = one(a, 'group', 1);
        const [k, cg, ...kernel] = w.dims as [number, number, ...number[]];
        const [c, ...spatial] = x.dims as [number, ...number[]];
        if (cg * group !== c) fail(node, `weights [${w.dims.join(', ')}] with group ${group} do not fit ${c} input channels`);
        const stride = ints(a, 'strides') ?? kernel.map(() => 1);
        const pads = symmetricPads(node, a, spatial, kernel, stride);
        const name = layerName(node, 'conv', w);
        const oh = spatial.map((h, i) => outDim(h, kernel[i] as number, stride[i] as number, pads[i] as number));
        if (oh.some((d) => d < 1)) fail(node, 'the kernel does not fit the input');
        const cols = cg * kernel.reduce((p, d) => p * d, 1);
        const wdims = spatial.length === 2 ? [k, cg, kernel[0] as number, kernel[1] as number] : [k, cg, 1, kernel[0] as number];
        const dens = addWeights(name, w, k, cols, false, wdims);
        const weights = dens.density !== undefined ? { weights: dens } : {};
        let spec: LayerSpec;
        if (spatial.length === 2) {
          const [h, wd] = spatial as [number, number];
          const common = { name, input: [c, h, wd] as [number, number, number], kernel: kernel as [number, number], stride: stride as [number, number], padding: pads as [number, number], bias: hasBias, ...weights };
          spec = group > 1 && group === c && k % c === 0 ? { ...common, op: 'depthwise', multiplier: k / c } : { ...common, op: 'conv2d', filters: k, groups: group, outputRounding: 'floor' };
        } else if (spatial.length === 1) {
          if (group !== 1) fail(node, 'grouped 1-D convolution is not modelled');
          spec = { name, op: 'conv1d', input: [c, spatial[0] as number], filters: k, kernel: kernel[0] as number, stride: stride[0] as number, padding: pads[0] as number, bias: hasBias, ...weights };
        } else return fail(node, `${spatial.length}-D convolution is not modelled`);
        push(node, spec, [x], [k, ...oh]);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const x = act(node, 0);
        const bIn = values.get((node.input ?? [])[1] ?? '');
        if (op === 'Gemm') {
          if (one(a, 'transA', 0) !== 0) fail(node, 'Gemm with transA = 1 is not supported');
          for (const key of ['alpha', 'beta']) if (a.has(key) && a.get(key)?.f !== 1) fail(node, `Gemm with ${key} ≠ 1 is not supported`);
        }
        if (bIn?.kind === 'act') {
          if (op === 'Gemm') fail(node, 'Gemm of two activations is not supported');
          const [m, kk] = x.dims.length >= 2 ? (x.dims.slice(-2) as [number, number]) : [1, x.dims[0] as number];
          const n = bIn.dims.at(-1) as number;
          if (bIn.dims.at(-2) !== kk) fail(node, `inner dims differ: [${x.dims.join(', ')}] · [${bIn.dims.join(', ')}]`);
          const lead = x.dims.slice(0, -2).reduce((p, d) => p * d, 1);
          push(node, { name: layerName(node, 'matmul'), op: 'matmul', m, n, k: kk, batch: batch * lead }, [x, bIn], [...x.dims.slice(0, -1), n]);
          break;
        }
        const w = constant(node, 1);
        const transB = op === 'Gemm' && one(a, 'transB', 0) === 1;
        if (w.dims.length !== 2) fail(node, `weights of rank ${w.dims.length} are not supported`);
        const [kIn, nOut] = transB ? [w.dims[1] as number, w.dims[0] as number] : [w.dims[0] as number, w.dims[1] as number];
        const features = x.dims.at(-1) as number;
        if (features !== kIn) fail(node, `${features} input features, weights expect ${kIn}`);
        const lead = x.dims.slice(0, -1).reduce((p, d) => p * d, 1);
        const name = layerName(node, 'fc', w);
        const dens = addWeights(name, w, nOut, kIn, !transB, [nOut, kIn, 1, 1]);
        const hasBias = op === 'Gemm' && (node.input ?? []).length > 2 && (node.input ?? [])[2] !== '';
        const spec = { name, op: 'fc' as const, inFeatures: kIn, outFeatures: nOut, bias: hasBias, ...(lead > 1 ? { batch: batch * lead } : {}), ...(dens.density !== undefined ? { weights: dens } : {}) };
        push(node, spec, [x], [...x.dims.slice(0, -1), nOut], op === 'MatMul' ? { pendingBias: spec } : {});
        break;
      }
      case 'Add': {
        const ins = (node.input ?? []).map((n) => values.get(n));
        const [p, q] = ins;
        if (p?.kind === 'act' && q?.kind === 'act') {
          if (p.dims.join() !== q.dims.join()) fail(node, `operand shapes differ: [${p.dims.join(', ')}] + [${q.dims.join(', ')}]`);
          push(node, { name: layerName(node, 'add'), op: 'add', input: p.dims as [number, number, number] }, [p, q], p.dims);
          break;
        }
        const x = p?.kind === 'act' ? p : q?.kind === 'act' ? q : undefined;
        const bias = p?.kind === 'const' ? p : q?.kind === 'const' ? q : undefined;
        const fc = x?.pendingBias;
        if (!x || !bias || !fc || bias.dims.reduce((s, d) => s * d, 1) !== fc.outFeatures) return fail(node, 'only residual adds of two activations, or a bias added right after a MatMul, are supported');
        fc.bias = true;
        values.set(out, { kind: 'act', dims: x.dims, from: x.from });
        break;
      }
      case 'BatchNormalization':
      case 'Relu': {
        const x = act(node, 0);
        push(node, { name: layerName(node, op === 'Relu' ? 'relu' : 'bn'), op: op === 'Relu' ? 'relu' : 'batchnorm', input: x.dims as [number, number, number] }, [x], x.dims);
        break;
      }
      case 'MaxPool':
      case 'AveragePool':
      case 'GlobalAveragePool': {
        const x = act(node, 0);
        const [c, ...sp] = x.dims as [number, ...number[]];
        const spatial = sp.length === 1 ? [1, sp[0] as number] : sp;
        if (spatial.length !== 2) fail(node, `pooling over ${sp.length} dims is not modelled`);
        const input = [c, ...spatial] as [number, number, number];
        if (op === 'GlobalAveragePool') {
          push(node, { name: layerName(node, 'pool'), op: 'globalavgpool', input }, [x], [c, ...sp.map(() => 1)]);
          break;
        }
        if (one(a, 'ceil_mode', 0) !== 0) fail(node, 'ceil_mode = 1 is not modelled');
        if ((ints(a, 'dilations') ?? []).some((d) => d !== 1)) fail(node, 'dilated pooling is not modelled');
        const k1 = ints(a, 'kernel_shape') ?? fail(node, 'kernel_shape is required');
        const kernel = k1.length === 1 ? [1, k1[0] as number] : k1;
        const s1 = ints(a, 'strides') ?? k1.map(() => 1);
        const stride = s1.length === 1 ? [1, s1[0] as number] : s1;
        const p1 = symmetricPads(node, a, sp, k1, s1);
        const pads = p1.length === 1 ? [0, p1[0] as number] : p1;
        const od = spatial.map((h, i) => outDim(h, kernel[i] as number, stride[i] as number, pads[i] as number));
        push(node, { name: layerName(node, 'pool'), op: op === 'MaxPool' ? 'maxpool' : 'avgpool', input, kernel: kernel as [number, number], stride: stride as [number, number], padding: pads as [number, number] }, [x], sp.length === 1 ? [c, od[1] as number] : [c, ...od]);
        break;
      }
      default:
        fail(node, `operator ${op} is not supported (supported: ${SUPPORTED_OPS.join(', ')})`);
    }
  }
  if (layers.length === 0) throw InputError.one(file, 'graph', 'no layers with compute');
  const fmt = weightFormat ?? 'fp32';
  const producer = model.producerName ? ` (${model.producerName}${model.producerVersion ? ` ${model.producerVersion}` : ''})` : '';
  const spec = networkSchema.parse({
    name: opts.name,
    source: `ONNX model ${file.split('/').pop()}${producer}, imported by cyclops`,
    description: `Imported from ${file.split('/').pop()}: ${layers.length} layers; weights ${tensors.size > 0 ? 'with real values' : 'without data in the file (synthetic values)'}; number format ${fmt} as stored.${notes.length ? ` ${notes.join('; ')}.` : ''}`,
    batch,
    defaults: { weights: { format: fmt }, inputs: { format: fmt }, bias: false },
    layers,
  });
  return { spec, tensors, notes };
}
