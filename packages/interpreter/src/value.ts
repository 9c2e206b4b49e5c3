// The interpreter's compact value representation.
//
//   integer lanes of 8, 16, 32 bits   number, unsigned (0 .. 2^bits - 1)
//   integer lanes of 64, 128 bits     bigint, unsigned
//   f16, f32                          number holding the bit pattern
//   f64, f128                         bigint holding the bit pattern
//   vectors (any lane type)           Uint8Array of the vector's bytes, lane 0 first, each
//                                     lane little-endian
//
// Keeping floats as bit patterns is what makes NaN payloads and signalling NaNs exact.

import { type Type, laneType, laneBits, laneCount, bytes, isVector, isFloat, F16, F32, F64, F128, typeName } from '@windlass/ir';

export type Scalar = number | bigint;
export type Value = number | bigint | Uint8Array;

/** A trap raised inside the interpreter; `interpret` turns it into a `{ trap }` result. */
export class TrapSignal {
  constructor(readonly code: number) {}
}

/** A feature the interpreter does not implement, with the reason. */
export class UnsupportedError extends Error {
  constructor(message: string, readonly location?: string) {
    super(location ? `${location}: ${message}` : message);
    this.name = 'UnsupportedError';
  }
}

/** True when scalars of this lane type are bigints. */
export function isWideLane(lane: Type): boolean {
  return laneBits(lane) >= 64;
}

export function wrap(bits: number, x: number): number {
  return bits === 32 ? x >>> 0 : x & ((1 << bits) - 1);
}

/** Signed view of an unsigned scalar of `bits` bits. */
export function signed(bits: number, a: Scalar): Scalar {
  if (typeof a === 'number') return bits === 32 ? a | 0 : (a << (32 - bits)) >> (32 - bits);
  return BigInt.asIntN(bits, a);
}

export function toBig(a: Scalar): bigint {
  return typeof a === 'number' ? BigInt(a) : a;
}

/** Canonical scalar of `bits` bits from any bigint (wrapping). */
export function fromBig(bits: number, x: bigint): Scalar {
  return bits >= 64 ? BigInt.asUintN(bits, x) : Number(BigInt.asUintN(bits, x));
}

/** Canonical scalar of lane type `lane` from a JS integer or bigint (wrapping). */
export function scalarOf(lane: Type, x: number | bigint): Scalar {
  const bits = laneBits(lane);
  if (typeof x === 'bigint' || bits >= 64) return fromBig(bits, toBig(typeof x === 'number' ? Math.trunc(x) : x));
  return wrap(bits, x);
}

export function zeroOf(t: Type): Value {
  if (isVector(t)) return new Uint8Array(bytes(t));
  return isWideLane(laneType(t)) ? 0n : 0;
}

// ------------------------------------------------------------------ lanes

export function getLane(v: Uint8Array, lane: Type, i: number): Scalar {
  const n = laneBits(lane) >>> 3;
  const o = i * n;
  switch (n) {
    case 1: return v[o];
    case 2: return v[o] | (v[o + 1] << 8);
    case 4: return (v[o] | (v[o + 1] << 8) | (v[o + 2] << 16) | (v[o + 3] << 24)) >>> 0;
    default: {
      let x = 0n;
      for (let k = n - 1; k >= 0; k--) x = (x << 8n) | BigInt(v[o + k]);
      return x;
    }
  }
}

export function setLane(v: Uint8Array, lane: Type, i: number, x: Scalar): void {
  const n = laneBits(lane) >>> 3;
  const o = i * n;
  if (typeof x === 'number') {
    for (let k = 0; k < n; k++) v[o + k] = (x >>> (8 * k)) & 0xff;
  } else {
    let y = x;
    for (let k = 0; k < n; k++) {
      v[o + k] = Number(y & 0xffn);
      y >>= 8n;
    }
  }
}

export function lanesOf(v: Uint8Array, t: Type): Scalar[] {
  const lane = laneType(t);
  const n = laneCount(t);
  const out = new Array<Scalar>(n);
  for (let i = 0; i < n; i++) out[i] = getLane(v, lane, i);
  return out;
}

export function vectorFrom(t: Type, lanes: readonly Scalar[]): Uint8Array {
  const v = new Uint8Array(bytes(t));
  const lane = laneType(t);
  for (let i = 0; i < lanes.length; i++) setLane(v, lane, i, lanes[i]);
  return v;
}

/** Apply `f` to every lane (or to the scalar). */
export function mapLanes(t: Type, a: Value, f: (x: Scalar) => Scalar): Value {
  if (!(a instanceof Uint8Array)) return f(a);
  const lane = laneType(t);
  const n = laneCount(t);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < n; i++) setLane(out, lane, i, f(getLane(a, lane, i)));
  return out;
}

export function zipLanes(t: Type, a: Value, b: Value, f: (x: Scalar, y: Scalar) => Scalar): Value {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return f(a as Scalar, b as Scalar);
  const lane = laneType(t);
  const n = laneCount(t);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < n; i++) setLane(out, lane, i, f(getLane(a, lane, i), getLane(b, lane, i)));
  return out;
}

// ------------------------------------------------------------------ bytes (memory, bitcast)

/** The value's bytes in memory order; `big` stores each lane big-endian. */
export function toBytes(t: Type, v: Value, big: boolean): Uint8Array {
  const n = bytes(t);
  if (v instanceof Uint8Array) {
    const out = v.slice();
    if (big) reverseLanes(out, laneBits(laneType(t)) >>> 3);
    return out;
  }
  const out = new Uint8Array(n);
  setLane(out, laneTypeForBytes(n), 0, v);
  if (big) out.reverse();
  return out;
}

/** Inverse of `toBytes`. */
export function fromBytes(t: Type, b: Uint8Array, big: boolean): Value {
  const n = bytes(t);
  const src = b.length === n ? b.slice() : b.slice(0, n);
  if (isVector(t)) {
    if (big) reverseLanes(src, laneBits(laneType(t)) >>> 3);
    return src;
  }
  if (big) src.reverse();
  return getLane(src, laneTypeForBytes(n), 0);
}

function laneTypeForBytes(n: number): Type {
  // getLane/setLane only look at the byte width; pick the integer lane of that width.
  return [0, 1, 2, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5][n] as Type;
}

function reverseLanes(b: Uint8Array, laneBytes: number): void {
  for (let o = 0; o < b.length; o += laneBytes) {
    for (let i = 0, j = laneBytes - 1; i < j; i++, j--) {
      const x = b[o + i];
      b[o + i] = b[o + j];
      b[o + j] = x;
    }
  }
}

/** Bit-exact equality of two values of the same type. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b || (typeof a !== typeof b && toBig(a as Scalar) === toBig(b as Scalar));
}

/** Float format of a float lane type. */
export function floatBitsKind(lane: Type): 16 | 32 | 64 | 128 {
  switch (lane) {
    case F16: return 16;
    case F32: return 32;
    case F64: return 64;
    case F128: return 128;
  }
  throw new UnsupportedError(`${typeName(lane)} is not a float type`);
}

export function isFloatLane(t: Type): boolean {
  return isFloat(t);
}
