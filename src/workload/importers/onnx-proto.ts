/**
 * ONNX protobuf through onnx-proto (the ONNX .proto schema compiled for
 * protobufjs): decoding and encoding models, and tensors to and from typed
 * arrays. Shared by the ONNX importer and the tensor files transformed traces
 * reference, so the project reads and writes one binary format.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

/** The compiled ONNX namespace (ModelProto, GraphProto, NodeProto, TensorProto, …). */
export const onnx = onnxProto.onnx;
export type ModelProto = OnnxTypes.ModelProto;
/** A tensor as decoded or as written (every field optional). */
export type TensorProto = OnnxTypes.ITensorProto;
export type NodeProto = OnnxTypes.INodeProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
export type AttributeProto = OnnxTypes.IAttributeProto;

/** A protobuf int64 (number or Long) as a number. */
export function int(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes a serialized ModelProto; throws Error on malformed bytes. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Serializes a model. */
export function encodeModel(model: OnnxTypes.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

const DT = onnx.TensorProto.DataType;

/** Decodes IEEE half-precision bits. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Dimensions of a tensor. */
export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map(int);
}

/**
 * The values of a tensor as float64 numbers (FLOAT, DOUBLE, FLOAT16, BFLOAT16
 * and the integer types, from raw_data or the typed fields). Throws an Error
 * naming the tensor for external data and unsupported types.
 */
export function tensorValues(t: TensorProto): Float64Array {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new Error(`tensor "${t.name}" keeps its data in an external file, which is not supported`);
  const count = tensorDims(t).reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : undefined;
  const f32 = t.floatData ?? [];
  const f64 = t.doubleData ?? [];
  const i32 = t.int32Data ?? [];
  const i64 = t.int64Data ?? [];
  const out = new Float64Array(count);
  const fill = (read: (i: number) => number): Float64Array => {
    for (let i = 0; i < count; i++) out[i] = read(i);
    return out;
  };
  switch (t.dataType) {
    case DT.FLOAT:
      return raw ? fill((i) => raw.getFloat32(4 * i, true)) : fill((i) => f32[i] ?? 0);
    case DT.DOUBLE:
      return raw ? fill((i) => raw.getFloat64(8 * i, true)) : fill((i) => f64[i] ?? 0);
    case DT.FLOAT16:
      return raw ? fill((i) => halfToFloat(raw.getUint16(2 * i, true))) : fill((i) => halfToFloat(i32[i] ?? 0));
    case DT.BFLOAT16: {
      const bf = (b: number) => new Float32Array(Uint32Array.of(b << 16).buffer)[0] as number;
      return raw ? fill((i) => bf(raw.getUint16(2 * i, true))) : fill((i) => bf(i32[i] ?? 0));
    }
    case DT.INT8:
      return raw ? fill((i) => raw.getInt8(i)) : fill((i) => i32[i] ?? 0);
    case DT.UINT8:
    case DT.BOOL:
      return raw ? fill((i) => raw.getUint8(i)) : fill((i) => i32[i] ?? 0);
    case DT.INT16:
      return raw ? fill((i) => raw.getInt16(2 * i, true)) : fill((i) => i32[i] ?? 0);
    case DT.INT32:
      return raw ? fill((i) => raw.getInt32(4 * i, true)) : fill((i) => i32[i] ?? 0);
    case DT.INT64:
      return raw ? fill((i) => Number(raw.getBigInt64(8 * i, true))) : fill((i) => int(i64[i]));
    default:
      throw new Error(`tensor "${t.name}" has data type ${DT[t.dataType ?? 0] ?? t.dataType}, which is not supported`);
  }
}

/** A FLOAT tensor with raw little-endian data. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i] as number, true);
  return { name, dims: [...dims], dataType: DT.FLOAT, rawData: bytes };
}

/** A UINT8 tensor with raw data. */
export function uint8Tensor(name: string, dims: readonly number[], data: Uint8Array): TensorProto {
  return { name, dims: [...dims], dataType: DT.UINT8, rawData: data };
}

/** An INT64 tensor (shape constants). */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  const bytes = new Uint8Array(data.length * 8);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return { name, dims: [...dims], dataType: DT.INT64, rawData: bytes };
}
