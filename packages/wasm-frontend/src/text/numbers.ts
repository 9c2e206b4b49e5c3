/**
 * Numeric literals of the text format: integers (decimal or `0x` hex, `_` between digits, an
 * optional sign) and floats (decimal, hex `0x1.8p3`, `inf`, `nan`, `nan:0x...`), converted exactly:
 * floats are rounded to nearest-even from the exact value, never through a double rounding.
 *
 * Results: each parser returns its value and sets `numError` (0: ok, `SYNTAX`: not a literal of
 * that kind, `RANGE`: a literal whose value does not fit), so the hot path allocates nothing.
 */

export const SYNTAX = 1;
export const RANGE = 2;
/** Set by every parser below: 0 when the literal was accepted. */
export let numError = 0;

const enum C {
  _0 = 0x30,
  _9 = 0x39,
  Under = 0x5f,
  Plus = 0x2b,
  Minus = 0x2d,
  Dot = 0x2e,
}

function digitValue(c: number, hex: boolean): number {
  if (c >= C._0 && c <= C._9) return c - C._0;
  if (!hex) return -1;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * End of a digit run (`_` allowed between digits only) starting at `i`, or -1 when there is no
 * digit at `i` or an underscore is misplaced.
 */
function digitsEnd(s: string, i: number, hex: boolean): number {
  if (i >= s.length || digitValue(s.charCodeAt(i), hex) < 0) return -1;
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === C.Under) {
      if (i + 1 >= s.length || digitValue(s.charCodeAt(i + 1), hex) < 0) return -1;
      i += 2;
    } else if (digitValue(c, hex) >= 0) i++;
    else break;
  }
  return i;
}

/** The digits of s[from, to) without underscores. */
function digitsOf(s: string, from: number, to: number): string {
  const d = s.slice(from, to);
  return d.indexOf('_') < 0 ? d : d.replace(/_/g, '');
}

/**
 * An unsigned literal `num` or `0x hexnum` of s[from..] as a bigint, or undefined (with
 * numError = SYNTAX) when s[from..] is not one.
 */
function natural(s: string, from: number): bigint | undefined {
  const hex = s.charCodeAt(from) === C._0 && s.charCodeAt(from + 1) === 0x78;
  const start = hex ? from + 2 : from;
  const end = digitsEnd(s, start, hex);
  if (end !== s.length) {
    numError = SYNTAX;
    return undefined;
  }
  const digits = digitsOf(s, start, end);
  return BigInt(hex ? '0x' + digits : digits);
}

/** A `u32` literal (indices, alignments, offsets, lane indices). */
export function parseU32(s: string): number {
  numError = 0;
  const n = s.length;
  // Fast path: short plain decimal.
  if (n > 0 && n <= 9) {
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < C._0 || c > C._9) break;
      v = v * 10 + (c - C._0);
    }
    if (i === n) return v;
  }
  const c0 = s.charCodeAt(0);
  if (!(c0 >= C._0 && c0 <= C._9)) {
    numError = SYNTAX;
    return 0;
  }
  const v = natural(s, 0);
  if (v === undefined) return 0;
  if (v > 0xffffffffn) {
    numError = RANGE;
    return 0;
  }
  return Number(v);
}

/**
 * An integer literal of `bits` bits: unsigned (`0 .. 2^bits - 1`) or signed (`-2^(bits-1) ..
 * 2^(bits-1) - 1`, sign required); returned as a bigint of `bits` bits, two's complement.
 */
export function parseIntBits(s: string, bits: number): bigint {
  numError = 0;
  const c0 = s.charCodeAt(0);
  const signed = c0 === C.Plus || c0 === C.Minus;
  const from = signed ? 1 : 0;
  const c1 = s.charCodeAt(from);
  if (!(c1 >= C._0 && c1 <= C._9)) {
    numError = SYNTAX;
    return 0n;
  }
  // No literal of more than ~100 characters fits 64 bits (leading zeros aside): avoid the
  // quadratic conversion of a huge digit string.
  const v = s.length > 200 ? hugeNatural(s, from) : natural(s, from);
  if (v === undefined) return 0n;
  const limit = 1n << BigInt(bits);
  if (!signed) {
    if (v >= limit) numError = RANGE;
    return v;
  }
  const half = limit >> 1n;
  if (c0 === C.Minus) {
    if (v > half) numError = RANGE;
    return BigInt.asUintN(bits, -v);
  }
  if (v >= half) numError = RANGE;
  return v;
}

/** A natural of more than 200 characters: its value when it fits 64 bits, else a too-big marker. */
function hugeNatural(s: string, from: number): bigint | undefined {
  const hex = s.charCodeAt(from) === C._0 && s.charCodeAt(from + 1) === 0x78;
  const start = hex ? from + 2 : from;
  const end = digitsEnd(s, start, hex);
  if (end !== s.length) {
    numError = SYNTAX;
    return undefined;
  }
  const digits = digitsOf(s, start, end).replace(/^0+/, '');
  if (digits.length > 40) return 1n << 80n;
  return digits.length === 0 ? 0n : BigInt(hex ? '0x' + digits : digits);
}

/** An `i32` literal as a signed 32-bit number. */
export function parseI32(s: string): number {
  // Fast path: short plain decimal, optionally negative.
  const n = s.length;
  if (n > 0 && n <= 9) {
    const neg = s.charCodeAt(0) === C.Minus;
    let v = 0;
    let i = neg ? 1 : 0;
    if (i < n) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < C._0 || c > C._9) break;
        v = v * 10 + (c - C._0);
      }
      if (i === n) {
        numError = 0;
        return neg ? -v : v;
      }
    }
  }
  return Number(BigInt.asIntN(32, parseIntBits(s, 32)));
}

/** An `i64` literal as a signed bigint. */
export function parseI64(s: string): bigint {
  return BigInt.asIntN(64, parseIntBits(s, 64));
}

/** An integer lane of `bits` bits (unsigned or signed form), two's complement. */
export function parseIntLane(s: string, bits: number): bigint {
  if (bits === 32) return BigInt(parseI32(s) >>> 0);
  if (bits === 64) return BigInt.asUintN(64, parseI64(s));
  // i8 / i16 lanes: parse as i32 and check the lane's range.
  const v = parseI32(s);
  if (numError) return 0n;
  const signed = s.charCodeAt(0) === 0x2d || s.charCodeAt(0) === 0x2b;
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const value = signed ? v : v >>> 0;
  if (value < lo || value > hi) {
    numError = RANGE;
    return 0n;
  }
  return BigInt(value & ((1 << bits) - 1));
}

// --- floats ---------------------------------------------------------------------------------

interface FloatFormat {
  /** Significand bits including the hidden bit. */
  p: number;
  /** Exponent of the smallest normal. */
  emin: number;
  /** Biased exponent of infinity / NaN. */
  expMax: number;
  bias: number;
  /** Bits of +infinity, of the quiet-NaN bit, of the sign, and one past the largest payload. */
  inf: bigint;
  quiet: bigint;
  sign: bigint;
  payloadLimit: bigint;
}
function format(p: number, emin: number, expMax: number, bias: number, width: number): FloatFormat {
  const inf = BigInt(expMax) << BigInt(p - 1);
  return { p, emin, expMax, bias, inf, quiet: 1n << BigInt(p - 2), sign: 1n << BigInt(width - 1), payloadLimit: 1n << BigInt(p - 1) };
}
const F32 = format(24, -126, 255, 127, 32);
const F64 = format(53, -1022, 2047, 1023, 64);

function bitLength(v: bigint): number {
  // toString(16) is linear; the values here are at most a few thousand bits.
  const h = v.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/**
 * Rounds m * 2^e2 (plus an infinitesimal when `sticky`) to nearest-even in `f`; returns the
 * bits without sign, or -1n when it rounds to infinity.
 */
function roundBinary(m: bigint, e2: number, sticky: boolean, f: FloatFormat): bigint {
  if (m === 0n) return 0n;
  const lead = bitLength(m) - 1 + e2;
  const qexp = Math.max(lead, f.emin) - f.p + 1;
  const shift = qexp - e2;
  let kept: bigint;
  if (shift > 0) {
    const sh = BigInt(shift);
    kept = m >> sh;
    const rem = m & ((1n << sh) - 1n);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (sticky || (kept & 1n) === 1n))) kept++;
  } else kept = m << BigInt(-shift);
  const hidden = 1n << BigInt(f.p - 1);
  let exp = qexp + f.p - 1;
  if (kept >= hidden << 1n) {
    kept >>= 1n;
    exp++;
  }
  if (kept < hidden) return kept; // subnormal (or rounded to zero)
  const biased = exp + f.bias;
  if (biased >= f.expMax) return -1n;
  return (BigInt(biased) << BigInt(f.p - 1)) | (kept - hidden);
}

const SCRATCH_F64 = new Float64Array(1);
const SCRATCH_U64 = new BigUint64Array(SCRATCH_F64.buffer);
/** Low 32 bits of SCRATCH_F64, wherever the host puts them. */
const SCRATCH_U32 = new Uint32Array(SCRATCH_F64.buffer, new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 4, 1);
const SCRATCH_F32 = new Float32Array(1);
const SCRATCH_F32_BITS = new Uint32Array(SCRATCH_F32.buffer);

/** Significant digits kept from a decimal literal; the rest only decide a sticky bit. */
const MAX_DIGITS = 800;

/**
 * The bits in `f` of a literal whose nearest f64 is `v`; undefined when that is not enough to
 * decide: for f32, rounding `v` again is right unless `v` sits exactly on a midpoint between two
 * f32 values (the first rounding may then have decided the tie), so those take the exact path.
 */
function fromNearestF64(v: number, f: FloatFormat): bigint | undefined {
  if (v === Infinity) return -1n;
  SCRATCH_F64[0] = v;
  if (f === F64) return SCRATCH_U64[0];
  const midpoint = v >= 2 ** -126 ? (SCRATCH_U32[0] & 0x1fffffff) === 0x10000000 : (v * 2 ** 150) % 2 === 1;
  if (midpoint) return undefined;
  const r = Math.fround(v);
  if (r === Infinity) return -1n;
  SCRATCH_F32[0] = r;
  return BigInt(SCRATCH_F32_BITS[0]);
}

/** The bits in `f` of `v`, a value computed exactly or rounded once to f64 from an exact one. */
function fromExactF64(v: number, f: FloatFormat): bigint | undefined {
  if (v === Infinity) return -1n;
  if (f === F64) {
    SCRATCH_F64[0] = v;
    return SCRATCH_U64[0];
  }
  const r = Math.fround(v);
  if (r === Infinity) return -1n;
  SCRATCH_F32[0] = r;
  return BigInt(SCRATCH_F32_BITS[0]);
}

/** Exact decimal digits * 10^e10 in format `f` (bits without sign; -1n on overflow). */
function decimalToBits(digits: string, e10: number, f: FloatFormat): bigint {
  let d = digits.replace(/^0+/, '');
  if (d.length === 0) return 0n;
  // Trailing zeros move into the exponent.
  let z = d.length;
  while (z > 1 && d.charCodeAt(z - 1) === C._0) z--;
  e10 += d.length - z;
  d = d.slice(0, z);
  if (d.length + e10 > 400) return -1n;
  if (d.length + e10 < -400) return 0n;
  // ECMAScript's StringToNumber rounds correctly for up to 20 significant digits.
  if (d.length <= 20) {
    const bits = fromNearestF64(Number(`${d}e${e10}`), f);
    if (bits !== undefined) return bits;
  }
  let sticky = false;
  if (d.length > MAX_DIGITS) {
    sticky = /[1-9]/.test(d.slice(MAX_DIGITS));
    e10 += d.length - MAX_DIGITS;
    d = d.slice(0, MAX_DIGITS);
  }
  let m = BigInt(d);
  if (sticky) {
    // A nonzero digit below the kept ones: exact enough to break any tie the right way.
    m = m * 10n + 1n;
    e10--;
  }
  if (e10 >= 0) return roundBinary(m * 10n ** BigInt(e10), 0, false, f);
  const den = 10n ** BigInt(-e10);
  const s = Math.max(0, f.p + 3 + bitLength(den) - bitLength(m));
  const num = m << BigInt(s);
  const q = num / den;
  return roundBinary(q, -s, q * den !== num, f);
}

/** Exact hex significand digits (hexadecimal, no point) * 2^e2 in format `f`. */
function hexToBits(digits: string, e2: number, f: FloatFormat): bigint {
  let d = digits.replace(/^0+/, '');
  if (d.length === 0) return 0n;
  let sticky = false;
  if (d.length > 40) {
    sticky = /[1-9a-fA-F]/.test(d.slice(40));
    e2 += 4 * (d.length - 40);
    d = d.slice(0, 40);
  }
  const lead = d.length * 4 + e2;
  if (lead > 2000) return -1n;
  if (lead < -2000) return 0n;
  return roundBinary(BigInt('0x' + d), e2, sticky, f);
}

/** The exponent after `p`/`e` at s[i..]: sign? num, clamped to +-10^7 (any more is inf or 0). */
function exponent(s: string, i: number): number {
  let neg = false;
  const c = s.charCodeAt(i);
  if (c === C.Plus || c === C.Minus) {
    neg = c === C.Minus;
    i++;
  }
  const end = digitsEnd(s, i, false);
  if (end !== s.length) {
    numError = SYNTAX;
    return 0;
  }
  const d = digitsOf(s, i, end).replace(/^0+/, '');
  const v = d.length > 8 ? 1e7 : Number(d || '0');
  return neg ? -v : v;
}

/**
 * The magnitude bits of a float literal (sign handled by the caller), or -1n when it rounds
 * to infinity. NaN and inf come out as their bit patterns.
 */
function floatMagnitude(s: string, from: number, f: FloatFormat): bigint {
  const rest = s.length - from;
  const infBits = f.inf;
  if (rest === 3 && s.startsWith('inf', from)) return infBits;
  if (rest === 3 && s.startsWith('nan', from)) return infBits | f.quiet;
  if (s.startsWith('nan:0x', from)) {
    const end = digitsEnd(s, from + 6, true);
    if (end !== s.length) {
      numError = SYNTAX;
      return 0n;
    }
    const payload = BigInt('0x' + digitsOf(s, from + 6, end));
    if (payload === 0n || payload >= f.payloadLimit) {
      numError = RANGE;
      return 0n;
    }
    return infBits | payload;
  }
  const hex = s.charCodeAt(from) === C._0 && s.charCodeAt(from + 1) === 0x78;
  const intStart = hex ? from + 2 : from;
  const intEnd = digitsEnd(s, intStart, hex);
  if (intEnd < 0) {
    numError = SYNTAX;
    return 0n;
  }
  let i = intEnd;
  let fracStart = i;
  let fracEnd = i;
  if (s.charCodeAt(i) === C.Dot) {
    fracStart = fracEnd = i + 1;
    if (digitValue(s.charCodeAt(fracStart), hex) >= 0) {
      fracEnd = digitsEnd(s, fracStart, hex);
      if (fracEnd < 0) {
        numError = SYNTAX;
        return 0n;
      }
    }
    i = fracEnd;
  }
  let exp = 0;
  if (i < s.length) {
    const c = s.charCodeAt(i) | 0x20;
    if (c !== (hex ? 0x70 : 0x65)) {
      numError = SYNTAX;
      return 0n;
    }
    exp = exponent(s, i + 1);
    if (numError) return 0n;
  }
  // Fast path: a plain decimal of at most 20 digits is the host's own number syntax, which
  // ECMAScript rounds correctly at that length.
  if (!hex && fracEnd - intStart <= 21 && s.indexOf('_', from) < 0) {
    const bits = fromNearestF64(Number(from === 0 ? s : s.slice(from)), f);
    if (bits !== undefined) return bits;
  }
  let fracDigits = 0;
  for (let k = fracStart; k < fracEnd; k++) if (s.charCodeAt(k) !== C.Under) fracDigits++;
  if (hex) {
    // Fast path: a significand of at most 53 bits times an f64 power of two is exact in f64
    // down to 2^-1022, so the product is rounded once: by the multiplication (f64), or by
    // fround (f32; a product below 2^-1022 is under half the smallest f32 either way).
    let m = 0;
    let exact = true;
    for (let k = intStart; k < fracEnd; k++) {
      const d = digitValue(s.charCodeAt(k), true);
      if (d < 0) continue; // `_` or the point
      if (m >= 2 ** 49) {
        exact = false;
        break;
      }
      m = m * 16 + d;
    }
    const e2 = exp - 4 * fracDigits;
    if (exact && e2 >= -1074 && e2 <= 1023) {
      const bits = fromExactF64(m * 2 ** e2, f);
      if (bits !== undefined) return bits;
    }
  }
  const digits = digitsOf(s, intStart, intEnd) + digitsOf(s, fracStart, fracEnd);
  return hex ? hexToBits(digits, exp - 4 * fracDigits, f) : decimalToBits(digits, exp - fracDigits, f);
}

function floatBits(s: string, f: FloatFormat): bigint {
  numError = 0;
  const c0 = s.charCodeAt(0);
  const neg = c0 === C.Minus;
  const from = c0 === C.Plus || c0 === C.Minus ? 1 : 0;
  const c1 = s.charCodeAt(from);
  // A float literal starts with a digit, `inf` or `nan`.
  if (!((c1 >= C._0 && c1 <= C._9) || c1 === 0x69 || c1 === 0x6e)) {
    numError = SYNTAX;
    return 0n;
  }
  const mag = floatMagnitude(s, from, f);
  if (numError) return 0n;
  if (mag < 0n) {
    numError = RANGE;
    return 0n;
  }
  return neg ? mag | f.sign : mag;
}

/** An `f32` literal's bits (unsigned 32-bit number). */
export function parseF32(s: string): number {
  // Fast path: small integers and plain decimals that are exact in f32 are common in tests.
  const n = s.length;
  if (n > 0 && n <= 7) {
    let v = 0;
    let i = s.charCodeAt(0) === C.Minus ? 1 : 0;
    const start = i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < C._0 || c > C._9) break;
      v = v * 10 + (c - C._0);
    }
    if (i === n && i > start) {
      numError = 0;
      SCRATCH_F32[0] = start === 1 ? -v : v;
      return SCRATCH_F32_BITS[0];
    }
  }
  return Number(floatBits(s, F32));
}

/** An `f64` literal's bits. */
export function parseF64(s: string): bigint {
  return floatBits(s, F64);
}
