// Exact arithmetic on decoded floats, rounded once into the destination format. Used for f128,
// which has no native JavaScript counterpart (f16/f32/f64 go through doubles, see floatops.ts).

import { type FloatFormat, type Decoded, decodeFloat, roundToFormat } from './float';

/** A finite value (-1)^neg * m * 2^e. */
interface Exact {
  neg: boolean;
  m: bigint;
  e: number;
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

function exact(d: Decoded): Exact {
  return { neg: d.neg, m: d.m, e: d.e };
}

function signed(x: Exact, e: number): bigint {
  const v = x.m << BigInt(x.e - e);
  return x.neg ? -v : v;
}

function add(a: Exact, b: Exact): Exact {
  const e = Math.min(a.e, b.e);
  const s = signed(a, e) + signed(b, e);
  return { neg: s < 0n, m: s < 0n ? -s : s, e };
}

function compareExact(a: Exact, b: Exact): number {
  const e = Math.min(a.e, b.e);
  const x = signed(a, e);
  const y = signed(b, e);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export type SoftOp = 'add' | 'sub' | 'mul' | 'div';

const nanOf = (fmt: FloatFormat) => (((1n << BigInt(fmt.ebits)) - 1n) << BigInt(fmt.mbits)) | (1n << BigInt(fmt.mbits - 1));
const infOf = (fmt: FloatFormat, neg: boolean) => (neg ? 1n << BigInt(fmt.ebits + fmt.mbits) : 0n) | (((1n << BigInt(fmt.ebits)) - 1n) << BigInt(fmt.mbits));
const zeroOf = (fmt: FloatFormat, neg: boolean) => (neg ? 1n << BigInt(fmt.ebits + fmt.mbits) : 0n);

/** `a op b` with IEEE semantics; NaN results are the canonical NaN. */
export function softBinary(op: SoftOp, a: bigint, b: bigint, fmt: FloatFormat): bigint {
  const x = decodeFloat(a, fmt);
  const y = decodeFloat(b, fmt);
  if (x.kind === 'nan' || y.kind === 'nan') return nanOf(fmt);
  if (op === 'sub') return softBinary('add', a, b ^ (1n << BigInt(fmt.ebits + fmt.mbits)), fmt);
  const xz = x.kind === 'finite' && x.m === 0n;
  const yz = y.kind === 'finite' && y.m === 0n;
  switch (op) {
    case 'add': {
      if (x.kind === 'inf' || y.kind === 'inf') {
        if (x.kind === 'inf' && y.kind === 'inf' && x.neg !== y.neg) return nanOf(fmt);
        return infOf(fmt, x.kind === 'inf' ? x.neg : y.neg);
      }
      if (xz && yz) return zeroOf(fmt, x.neg && y.neg);
      const s = add(exact(x), exact(y));
      return s.m === 0n ? zeroOf(fmt, false) : roundToFormat(s.neg, s.m, s.e, fmt);
    }
    case 'mul': {
      const neg = x.neg !== y.neg;
      if (x.kind === 'inf' || y.kind === 'inf') return xz || yz ? nanOf(fmt) : infOf(fmt, neg);
      return roundToFormat(neg, x.m * y.m, x.e + y.e, fmt);
    }
    default: {
      const neg = x.neg !== y.neg;
      if (x.kind === 'inf') return y.kind === 'inf' ? nanOf(fmt) : infOf(fmt, neg);
      if (y.kind === 'inf') return zeroOf(fmt, neg);
      if (yz) return xz ? nanOf(fmt) : infOf(fmt, neg);
      if (xz) return zeroOf(fmt, neg);
      // Enough quotient bits for the rounding position, plus a sticky bit for the remainder.
      const k = fmt.mbits + 4 + Math.max(0, bitLength(y.m) - bitLength(x.m));
      const num = x.m << BigInt(k);
      const q = num / y.m;
      const sticky = num % y.m === 0n ? 0n : 1n;
      return roundToFormat(neg, (q << 1n) | sticky, x.e - y.e - k - 1, fmt);
    }
  }
}

export function softSqrt(a: bigint, fmt: FloatFormat): bigint {
  const x = decodeFloat(a, fmt);
  if (x.kind === 'nan') return nanOf(fmt);
  if (x.kind === 'finite' && x.m === 0n) return a;
  if (x.neg) return nanOf(fmt);
  if (x.kind === 'inf') return a;
  let m = x.m;
  let e = x.e;
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  const k = fmt.mbits + 4;
  const n = m << BigInt(2 * k);
  const s = isqrt(n);
  const sticky = s * s === n ? 0n : 1n;
  return roundToFormat(false, (s << 1n) | sticky, e / 2 - k - 1, fmt);
}

export function softFma(a: bigint, b: bigint, c: bigint, fmt: FloatFormat): bigint {
  const x = decodeFloat(a, fmt);
  const y = decodeFloat(b, fmt);
  const z = decodeFloat(c, fmt);
  if (x.kind !== 'finite' || y.kind !== 'finite' || z.kind !== 'finite') {
    return softBinary('add', softBinary('mul', a, b, fmt), c, fmt);
  }
  const p: Exact = { neg: x.neg !== y.neg, m: x.m * y.m, e: x.e + y.e };
  if (p.m === 0n && z.m === 0n) return zeroOf(fmt, p.neg && z.neg);
  const s = add(p, exact(z));
  return s.m === 0n ? zeroOf(fmt, false) : roundToFormat(s.neg, s.m, s.e, fmt);
}

/** -1, 0, 1, or NaN when unordered. */
export function softCompare(a: bigint, b: bigint, fmt: FloatFormat): number {
  const x = decodeFloat(a, fmt);
  const y = decodeFloat(b, fmt);
  if (x.kind === 'nan' || y.kind === 'nan') return NaN;
  const inf = (d: Decoded) => (d.neg ? -1 : 1);
  if (x.kind === 'inf' || y.kind === 'inf') {
    const p = x.kind === 'inf' ? inf(x) : 0;
    const q = y.kind === 'inf' ? inf(y) : 0;
    return p === q ? (p !== 0 ? 0 : 0) : p < q ? -1 : 1;
  }
  return compareExact(exact(x), exact(y));
}

export type SoftRound = 'ceil' | 'floor' | 'trunc' | 'nearest';

/** Round to an integral value in the same format. */
export function softRound(kind: SoftRound, a: bigint, fmt: FloatFormat): bigint {
  const x = decodeFloat(a, fmt);
  if (x.kind === 'nan') return nanOf(fmt);
  if (x.kind === 'inf' || x.e >= 0 || x.m === 0n) return a;
  const sh = BigInt(-x.e);
  let q = x.m >> sh;
  const rem = x.m - (q << sh);
  const half = 1n << (sh - 1n);
  if (rem !== 0n) {
    if (kind === 'ceil' && !x.neg) q += 1n;
    else if (kind === 'floor' && x.neg) q += 1n;
    else if (kind === 'nearest' && (rem > half || (rem === half && (q & 1n) === 1n))) q += 1n;
  }
  return q === 0n ? zeroOf(fmt, x.neg) : roundToFormat(x.neg, q, 0, fmt);
}

/** The integer part (truncated toward zero) of a finite value, as a bigint. */
export function softTruncToBigInt(a: bigint, fmt: FloatFormat): bigint {
  const x = decodeFloat(a, fmt);
  const v = x.e >= 0 ? x.m << BigInt(x.e) : x.m >> BigInt(-x.e);
  return x.neg ? -v : v;
}
