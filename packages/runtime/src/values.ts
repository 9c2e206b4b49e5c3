/**
 * Wasm values crossing the JavaScript API, exact to the bit: floats keep their bits (NaN
 * payloads survive), v128 is its 16 little-endian bytes, references are opaque handles
 * (`null` for the null reference; an externref handle is any non-zero bigint the host chooses).
 */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export type WasmValue =
  | { type: 'i32'; value: number }
  | { type: 'i64'; value: bigint }
  | { type: 'f32'; value: number; bits: number }
  | { type: 'f64'; value: number; bits: bigint }
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'funcref'; ref: bigint | null }
  | { type: 'externref'; ref: bigint | null };

const CODES: Record<number, ValueType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

export function valueTypeOf(code: number): ValueType {
  const t = CODES[code];
  if (t === undefined) throw new TypeError(`not a value type: 0x${code.toString(16)}`);
  return t;
}

export function i32(v: number): WasmValue {
  return { type: 'i32', value: v | 0 };
}
export function i64(v: bigint | number): WasmValue {
  return { type: 'i64', value: BigInt.asIntN(64, BigInt(v)) };
}
export function f32(v: number): WasmValue {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, v, true);
  return { type: 'f32', value: dv.getFloat32(0, true), bits: dv.getUint32(0, true) };
}
/** An f32 from its bit pattern (NaN payloads included). */
export function f32Bits(bits: number): WasmValue {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits >>> 0, true);
  return { type: 'f32', value: dv.getFloat32(0, true), bits: bits >>> 0 };
}
export function f64(v: number): WasmValue {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return { type: 'f64', value: v, bits: dv.getBigUint64(0, true) };
}
export function f64Bits(bits: bigint): WasmValue {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return { type: 'f64', value: dv.getFloat64(0, true), bits: BigInt.asUintN(64, bits) };
}
export function v128(bytes: Uint8Array): WasmValue {
  if (bytes.length !== 16) throw new TypeError(`a v128 has 16 bytes, not ${bytes.length}`);
  return { type: 'v128', bytes: bytes.slice() };
}
export function externref(ref: bigint | null): WasmValue {
  return { type: 'externref', ref };
}
export function funcref(ref: bigint | null): WasmValue {
  return { type: 'funcref', ref };
}

/** The 16 little-endian bytes of the protocol for a value of wasm type `code`. */
export function encodeValue(v: WasmValue, code: number, what: string): Uint8Array {
  const want = valueTypeOf(code);
  if (v.type !== want) throw new TypeError(`${what}: expected ${want}, got ${v.type}`);
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  switch (v.type) {
    case 'i32':
      dv.setInt32(0, v.value | 0, true);
      break;
    case 'i64':
      dv.setBigInt64(0, BigInt.asIntN(64, v.value), true);
      break;
    case 'f32':
      dv.setUint32(0, v.bits >>> 0, true);
      break;
    case 'f64':
      dv.setBigUint64(0, BigInt.asUintN(64, v.bits), true);
      break;
    case 'v128':
      b.set(v.bytes.subarray(0, 16));
      break;
    default:
      dv.setBigUint64(0, v.ref === null ? 0n : BigInt.asUintN(64, v.ref), true);
  }
  return b;
}

export function decodeValue(code: number, b: Uint8Array): WasmValue {
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  switch (valueTypeOf(code)) {
    case 'i32':
      return { type: 'i32', value: dv.getInt32(0, true) };
    case 'i64':
      return { type: 'i64', value: dv.getBigInt64(0, true) };
    case 'f32':
      return f32Bits(dv.getUint32(0, true));
    case 'f64':
      return f64Bits(dv.getBigUint64(0, true));
    case 'v128':
      return { type: 'v128', bytes: Uint8Array.from(b.subarray(0, 16)) };
    case 'funcref': {
      const r = dv.getBigUint64(0, true);
      return { type: 'funcref', ref: r === 0n ? null : r };
    }
    default: {
      const r = dv.getBigUint64(0, true);
      return { type: 'externref', ref: r === 0n ? null : r };
    }
  }
}
