// Vector values in the x86_64 C driver, little-endian lane order (lane 0 in the low bytes).
//
// A 128-bit vector is a `wl_v128`: literals built from two 64-bit halves, results printed as
// `hi:lo` hex. A narrower vector (i8x2, i16x2, i8x4, i32x2, f32x2, i16x4, i8x8: 2, 4 or 8 bytes)
// lives in the low bytes of an xmm register and takes an 8-byte stack slot, exactly as a double
// does under both System V and Windows x64: the driver passes and returns it as a `double`
// holding its bytes (zero above them), moved bit for bit, and prints its low bytes as hex.

import { bytes, isDynamicVector, isVector, type Type } from '@windlass/ir';
import type { Value } from '@windlass/interpreter';

function half(v: Uint8Array, at: number): bigint {
  let x = 0n;
  for (let k = 7; k >= 0; k--) x = (x << 8n) | BigInt(v[at + k] ?? 0);
  return x;
}

/** The byte size of a fixed vector type the driver passes (2, 4, 8 or 16), or 0. */
export function driverVectorBytes(t: Type): number {
  if (!isVector(t) || isDynamicVector(t)) return 0;
  const n = bytes(t);
  return n === 2 || n === 4 || n === 8 || n === 16 ? n : 0;
}

/** The C type of a vector type: `wl_v128`, or `double` for the narrower ones. */
export function vectorCType(t: Type): string {
  return driverVectorBytes(t) === 16 ? 'wl_v128' : 'double';
}

/** A C expression of the vector's C type holding the bytes of `v`. */
export function vectorLiteral(v: Uint8Array, t: Type): string {
  if (driverVectorBytes(t) === 16) return `v128b(0x${half(v, 8).toString(16)}ull, 0x${half(v, 0).toString(16)}ull)`;
  return `f64b(0x${half(v, 0).toString(16)}ull)`;
}

/** A C statement printing the vector value of `expr` (` hi:lo`, or ` bits` for narrow ones). */
export function printVector(expr: string, t: Type): string {
  if (driverVectorBytes(t) === 16) {
    return `{ wl_v128 x = ${expr}; uint64_t b[2]; memcpy(b, &x, 16); printf(" %llx:%llx", (unsigned long long)b[1], (unsigned long long)b[0]); }`;
  }
  return `{ double x = ${expr}; uint64_t b; memcpy(&b, &x, 8); printf(" %llx", (unsigned long long)b); }`;
}

/** The bytes of a vector of type `t` printed by `printVector` (above its size: ignored). */
export function vectorBytes(text: string, t: Type): Value {
  const n = driverVectorBytes(t);
  const [hiText, loText] = n === 16 ? text.split(':') : ['0', text];
  const out = new Uint8Array(n);
  let lo = BigInt(`0x${loText ?? '0'}`);
  let hi = BigInt(`0x${hiText ?? '0'}`);
  for (let k = 0; k < 8; k++) {
    if (k < n) out[k] = Number(lo & 0xffn);
    if (8 + k < n) out[8 + k] = Number(hi & 0xffn);
    lo >>= 8n;
    hi >>= 8n;
  }
  return out;
}
