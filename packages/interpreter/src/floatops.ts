// Float semantics on one lane. Operands and results are bit patterns (see value.ts); `w` is
// the lane width (16, 32, 64 or 128).

import { FloatCC, TRAP_BAD_TOINT, TRAP_INT_OVF } from '@windlass/ir';
import {
  type FloatFormat, FMT16, FMT32, FMT64, FMT128, f16ToDouble, doubleToF16, f32FromBits, f32ToBits,
  f64FromBits, f64ToBits, decodeFloat, roundToFormat, CANON_NAN16, CANON_NAN32, CANON_NAN64, CANON_NAN128,
} from './float';
import { type Scalar, TrapSignal, UnsupportedError, fromBig, toBig, signed } from './value';
import { softBinary, softSqrt, softFma, softCompare, softRound, softTruncToBigInt } from './softfloat';

export type FW = 16 | 32 | 64 | 128;

export function fmtOf(w: FW): FloatFormat {
  return w === 16 ? FMT16 : w === 32 ? FMT32 : w === 64 ? FMT64 : FMT128;
}

export function toDouble(w: FW, a: Scalar): number {
  switch (w) {
    case 16: return f16ToDouble(a as number);
    case 32: return f32FromBits(a as number);
    case 64: return f64FromBits(a as bigint);
  }
  throw new UnsupportedError('f128 arithmetic is not supported by the interpreter');
}

/** Round a double to the lane format; NaN becomes the canonical NaN. */
export function fromDouble(w: FW, x: number): Scalar {
  switch (w) {
    case 16: return doubleToF16(x);
    case 32: return f32ToBits(x);
    case 64: return f64ToBits(x);
  }
  throw new UnsupportedError('f128 arithmetic is not supported by the interpreter');
}

export function canonNaN(w: FW): Scalar {
  return w === 16 ? CANON_NAN16 : w === 32 ? CANON_NAN32 : w === 64 ? CANON_NAN64 : CANON_NAN128;
}

function signMask(w: FW): bigint {
  return 1n << BigInt(w - 1);
}

export function fneg(w: FW, a: Scalar): Scalar {
  return w <= 32 ? ((a as number) ^ (w === 16 ? 0x8000 : 0x80000000)) >>> 0 : (a as bigint) ^ signMask(w);
}
export function fabs(w: FW, a: Scalar): Scalar {
  return w <= 32 ? ((a as number) & (w === 16 ? 0x7fff : 0x7fffffff)) >>> 0 : (a as bigint) & (signMask(w) - 1n);
}
export function fcopysign(w: FW, a: Scalar, b: Scalar): Scalar {
  const m = w <= 32 ? (w === 16 ? 0x8000 : 0x80000000) : 0;
  if (w <= 32) return (((a as number) & ~m) | ((b as number) & m)) >>> 0;
  const s = signMask(w);
  return ((a as bigint) & (s - 1n)) | ((b as bigint) & s);
}

export function isNaNBits(w: FW, a: Scalar): boolean {
  if (w === 16) return ((a as number) & 0x7fff) > 0x7c00;
  if (w === 32) return ((a as number) & 0x7fffffff) > 0x7f800000;
  const abs = (a as bigint) & (signMask(w) - 1n);
  const inf = w === 64 ? 0x7ff0000000000000n : 0x7fff0000000000000000000000000000n;
  return abs > inf;
}

export type FBin = (w: FW, a: Scalar, b: Scalar) => Scalar;

export const fadd: FBin = (w, a, b) => (w === 128 ? softBinary('add', a as bigint, b as bigint, FMT128) : fromDouble(w, toDouble(w, a) + toDouble(w, b)));
export const fsub: FBin = (w, a, b) => (w === 128 ? softBinary('sub', a as bigint, b as bigint, FMT128) : fromDouble(w, toDouble(w, a) - toDouble(w, b)));
export const fmul: FBin = (w, a, b) => (w === 128 ? softBinary('mul', a as bigint, b as bigint, FMT128) : fromDouble(w, toDouble(w, a) * toDouble(w, b)));
export const fdiv: FBin = (w, a, b) => (w === 128 ? softBinary('div', a as bigint, b as bigint, FMT128) : fromDouble(w, toDouble(w, a) / toDouble(w, b)));
export const sqrt = (w: FW, a: Scalar): Scalar => (w === 128 ? softSqrt(a as bigint, FMT128) : fromDouble(w, Math.sqrt(toDouble(w, a))));

/** -1, 0 or 1 by numeric value (-0.0 equals +0.0); NaN when unordered. */
export function compareFloats(w: FW, a: Scalar, b: Scalar): number {
  if (w === 128) return softCompare(a as bigint, b as bigint, FMT128);
  const x = toDouble(w, a);
  const y = toDouble(w, b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

function signBitSet(w: FW, a: Scalar): boolean {
  return w <= 32 ? ((a as number) >>> (w - 1)) === 1 : ((a as bigint) >> BigInt(w - 1)) === 1n;
}

/** `fmin`: any NaN operand gives the canonical NaN; -0.0 is less than +0.0. */
export const fmin: FBin = (w, a, b) => {
  if (isNaNBits(w, a) || isNaNBits(w, b)) return canonNaN(w);
  const c = compareFloats(w, a, b);
  if (c === 0) return signBitSet(w, a) ? a : b;
  return c < 0 ? a : b;
};
export const fmax: FBin = (w, a, b) => {
  if (isNaNBits(w, a) || isNaNBits(w, b)) return canonNaN(w);
  const c = compareFloats(w, a, b);
  if (c === 0) return signBitSet(w, a) ? b : a;
  return c > 0 ? a : b;
};
/** `fmin_pseudo`: `b < a ? b : a` (wasm `pmin`). */
export const fminPseudo: FBin = (w, a, b) => (compareFloats(w, b, a) < 0 ? b : a);
/** `fmax_pseudo`: `a < b ? b : a` (wasm `pmax`). */
export const fmaxPseudo: FBin = (w, a, b) => (compareFloats(w, a, b) < 0 ? b : a);

function roundEven(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const t = Math.trunc(x);
  const d = Math.abs(x - t);
  let r = t;
  if (d > 0.5 || (d === 0.5 && t % 2 !== 0)) r = t + Math.sign(x);
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

export type FRound = 'ceil' | 'floor' | 'trunc' | 'nearest';
export function fround(kind: FRound, w: FW, a: Scalar): Scalar {
  if (isNaNBits(w, a)) return canonNaN(w);
  if (w === 128) return softRound(kind, a as bigint, FMT128);
  const x = toDouble(w, a);
  const r = kind === 'ceil' ? Math.ceil(x) : kind === 'floor' ? Math.floor(x) : kind === 'trunc' ? Math.trunc(x) : roundEven(x);
  return fromDouble(w, r);
}

/** Exact fused multiply-add, one rounding, for every format up to f64. */
export function fma(w: FW, a: Scalar, b: Scalar, c: Scalar): Scalar {
  if (w === 128) return softFma(a as bigint, b as bigint, c as bigint, FMT128);
  const fmt = fmtOf(w);
  const da = decodeFloat(toBig(a), fmt);
  const db = decodeFloat(toBig(b), fmt);
  const dc = decodeFloat(toBig(c), fmt);
  if (da.kind !== 'finite' || db.kind !== 'finite' || dc.kind !== 'finite') {
    // A finite product plus an infinite addend is that infinity, even when the product would
    // overflow on its own (x * y + -Inf must not become Inf - Inf = NaN).
    if (da.kind === 'finite' && db.kind === 'finite' && dc.kind === 'inf') return c;
    return fromDouble(w, toDouble(w, a) * toDouble(w, b) + toDouble(w, c));
  }
  const pm = da.m * db.m;
  const pe = da.e + db.e;
  const pneg = da.neg !== db.neg;
  const e = Math.min(pe, dc.e);
  const p = (pneg ? -pm : pm) << BigInt(pe - e);
  const q = (dc.neg ? -dc.m : dc.m) << BigInt(dc.e - e);
  const s = p + q;
  let bits: bigint;
  if (s === 0n) {
    const negZero = pm === 0n && dc.m === 0n && pneg && dc.neg;
    bits = negZero ? signMask(w) : 0n;
  } else {
    bits = roundToFormat(s < 0n, s < 0n ? -s : s, e, fmt);
  }
  return w >= 64 ? bits : Number(bits);
}

export function fcmp(cc: FloatCC, w: FW, a: Scalar, b: Scalar): boolean {
  if (w === 128) return fcmpOrdered(cc, softCompare(a as bigint, b as bigint, FMT128));
  const x = toDouble(w, a);
  const y = toDouble(w, b);
  const uno = x !== x || y !== y;
  switch (cc) {
    case FloatCC.Ord: return !uno;
    case FloatCC.Uno: return uno;
    case FloatCC.Eq: return x === y;
    case FloatCC.Ne: return x !== y;
    case FloatCC.One: return !uno && x !== y;
    case FloatCC.Ueq: return uno || x === y;
    case FloatCC.Lt: return x < y;
    case FloatCC.Le: return x <= y;
    case FloatCC.Gt: return x > y;
    case FloatCC.Ge: return x >= y;
    case FloatCC.Ult: return uno || x < y;
    case FloatCC.Ule: return uno || x <= y;
    case FloatCC.Ugt: return uno || x > y;
    case FloatCC.Uge: return uno || x >= y;
  }
  return false;
}

/** `fcmp` from a three-way comparison (NaN = unordered). */
function fcmpOrdered(cc: FloatCC, c: number): boolean {
  const uno = c !== c;
  switch (cc) {
    case FloatCC.Ord: return !uno;
    case FloatCC.Uno: return uno;
    case FloatCC.Eq: return c === 0;
    case FloatCC.Ne: return c !== 0;
    case FloatCC.One: return !uno && c !== 0;
    case FloatCC.Ueq: return uno || c === 0;
    case FloatCC.Lt: return c < 0;
    case FloatCC.Le: return c <= 0;
    case FloatCC.Gt: return c > 0;
    case FloatCC.Ge: return c >= 0;
    case FloatCC.Ult: return uno || c < 0;
    case FloatCC.Ule: return uno || c <= 0;
    case FloatCC.Ugt: return uno || c > 0;
    case FloatCC.Uge: return uno || c >= 0;
  }
  return false;
}

/** Convert between float formats (`fpromote`, `fdemote`); NaNs become canonical. */
export function fconvert(from: FW, to: FW, a: Scalar): Scalar {
  if (isNaNBits(from, a)) return canonNaN(to);
  if (from === 128 || to === 128) {
    const d = decodeFloat(toBig(a), fmtOf(from));
    const fmt = fmtOf(to);
    if (d.kind === 'inf') {
      const bits = (d.neg ? 1n << BigInt(to - 1) : 0n) | (((1n << BigInt(fmt.ebits)) - 1n) << BigInt(fmt.mbits));
      return to >= 64 ? bits : Number(bits);
    }
    const bits = roundToFormat(d.neg, d.m, d.e, fmt);
    return to >= 64 ? bits : Number(bits);
  }
  return fromDouble(to, toDouble(from, a));
}

/** `fcvt_to_sint`/`fcvt_to_uint` (trapping) and their `_sat` variants. */
export function fcvtToInt(w: FW, a: Scalar, bits: number, sign: boolean, sat: boolean): Scalar {
  if (isNaNBits(w, a)) {
    if (sat) return fromBig(bits, 0n);
    throw new TrapSignal(TRAP_BAD_TOINT);
  }
  const x = w === 128 ? f128Trunc(a as bigint) : Math.trunc(toDouble(w, a));
  const lo = sign ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = sign ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  let v: bigint;
  if (x === Infinity) v = hi + 1n;
  else if (x === -Infinity) v = lo - 1n;
  else v = typeof x === 'bigint' ? x : BigInt(x);
  if (v < lo || v > hi) {
    if (!sat) throw new TrapSignal(TRAP_INT_OVF);
    v = v < lo ? lo : hi;
  }
  return fromBig(bits, v);
}

/** Truncated integer part of an f128 (infinities as JS infinities). */
function f128Trunc(a: bigint): number | bigint {
  const d = decodeFloat(a, FMT128);
  if (d.kind === 'inf') return d.neg ? -Infinity : Infinity;
  return softTruncToBigInt(a, FMT128);
}

/** `fcvt_from_sint`/`fcvt_from_uint`: one correct rounding from any integer width. */
export function fcvtFromInt(w: FW, a: Scalar, bits: number, sign: boolean): Scalar {
  const x = sign ? toBig(signed(bits, a)) : toBig(a);
  const r = roundToFormat(x < 0n, x < 0n ? -x : x, 0, fmtOf(w));
  return w >= 64 ? r : Number(r);
}
