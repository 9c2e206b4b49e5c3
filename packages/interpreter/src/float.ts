// IEEE 754 binary formats handled as bit patterns.
//
// The interpreter keeps every float as its bit pattern (f16/f32 as unsigned numbers, f64/f128
// as unsigned bigints) so that NaN payloads and signalling bits survive moves, loads, stores,
// selects and bitcasts exactly. Arithmetic converts to a JS double, computes, and rounds back;
// for f16 and f32 the double result rounds correctly (the double has more than twice the
// precision plus two bits), f64 is native. Exact conversions from wide integers and from
// literals go through `roundToFormat`, a single round-to-nearest-even over bigint significands.

export interface FloatFormat {
  readonly ebits: number;
  readonly mbits: number;
  readonly bits: number;
}

export const FMT16: FloatFormat = { ebits: 5, mbits: 10, bits: 16 };
export const FMT32: FloatFormat = { ebits: 8, mbits: 23, bits: 32 };
export const FMT64: FloatFormat = { ebits: 11, mbits: 52, bits: 64 };
export const FMT128: FloatFormat = { ebits: 15, mbits: 112, bits: 128 };

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const CANON_NAN16 = 0x7e00;
export const CANON_NAN32 = 0x7fc00000;
export const CANON_NAN64 = 0x7ff8000000000000n;
export const CANON_NAN128 = 0x7fff8000000000000000000000000000n;

export function f32FromBits(b: number): number {
  u32[0] = b;
  return f32[0];
}

/** Bits of a double rounded to f32; NaN becomes the canonical quiet NaN. */
export function f32ToBits(x: number): number {
  if (x !== x) return CANON_NAN32;
  f32[0] = x;
  return u32[0];
}

export function f64FromBits(b: bigint): number {
  u64[0] = b;
  return f64[0];
}

export function f64ToBits(x: number): bigint {
  if (x !== x) return CANON_NAN64;
  f64[0] = x;
  return u64[0];
}

/** Decomposed finite value: (-1)^neg * m * 2^e. */
export interface Decoded {
  kind: 'finite' | 'inf' | 'nan';
  neg: boolean;
  m: bigint;
  e: number;
}

export function decodeFloat(bits: bigint, fmt: FloatFormat): Decoded {
  const { ebits, mbits } = fmt;
  const neg = (bits >> BigInt(ebits + mbits)) & 1n ? true : false;
  const expField = Number((bits >> BigInt(mbits)) & ((1n << BigInt(ebits)) - 1n));
  const frac = bits & ((1n << BigInt(mbits)) - 1n);
  const bias = (1 << (ebits - 1)) - 1;
  const maxExp = (1 << ebits) - 1;
  if (expField === maxExp) return { kind: frac === 0n ? 'inf' : 'nan', neg, m: frac, e: 0 };
  if (expField === 0) return { kind: 'finite', neg, m: frac, e: 1 - bias - mbits };
  return { kind: 'finite', neg, m: frac | (1n << BigInt(mbits)), e: expField - bias - mbits };
}

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/** Bits of the value (-1)^neg * m * 2^e rounded to nearest, ties to even, in `fmt`. */
export function roundToFormat(neg: boolean, m: bigint, e: number, fmt: FloatFormat): bigint {
  const { ebits, mbits } = fmt;
  const signBit = neg ? 1n << BigInt(ebits + mbits) : 0n;
  if (m === 0n) return signBit;
  const bias = (1 << (ebits - 1)) - 1;
  const top = bitLength(m) - 1 + e;
  const q = top < 1 - bias ? 1 - bias - mbits : top - mbits;
  const shift = q - e;
  let r: bigint;
  let exp = q;
  if (shift > 0) {
    const s = BigInt(shift);
    r = m >> s;
    const rem = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (r & 1n) === 1n)) r += 1n;
  } else {
    r = m << BigInt(-shift);
  }
  const implicit = 1n << BigInt(mbits);
  if (r === implicit << 1n) {
    r >>= 1n;
    exp += 1;
  }
  const maxField = (1 << ebits) - 1;
  if (r < implicit) return signBit | r;
  const field = exp + mbits + bias;
  if (field >= maxField) return signBit | (BigInt(maxField) << BigInt(mbits));
  return signBit | (BigInt(field) << BigInt(mbits)) | (r - implicit);
}

/** Round a JS double to the format (exact for f64, correct rounding for the narrower formats). */
export function doubleToFormat(x: number, fmt: FloatFormat): bigint {
  const d = decodeFloat(f64ToBitsRaw(x), FMT64);
  const { ebits, mbits } = fmt;
  const expAll = BigInt((1 << ebits) - 1) << BigInt(mbits);
  const signBit = d.neg ? 1n << BigInt(ebits + mbits) : 0n;
  if (d.kind === 'nan') return canonicalNaN(fmt);
  if (d.kind === 'inf') return signBit | expAll;
  return roundToFormat(d.neg, d.m, d.e, fmt);
}

function f64ToBitsRaw(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

/** The exact value of the bits as a JS double (exact for f16/f32/f64; f128 rounds). */
export function formatToDouble(bits: bigint, fmt: FloatFormat): number {
  if (fmt === FMT64) return f64FromBits(bits);
  const d = decodeFloat(bits, fmt);
  if (d.kind === 'nan') return NaN;
  if (d.kind === 'inf') return d.neg ? -Infinity : Infinity;
  const r = f64FromBits(roundToFormat(d.neg, d.m, d.e, FMT64));
  return r;
}

export function canonicalNaN(fmt: FloatFormat): bigint {
  return (((1n << BigInt(fmt.ebits)) - 1n) << BigInt(fmt.mbits)) | (1n << BigInt(fmt.mbits - 1));
}

export function f16ToDouble(b: number): number {
  const exp = (b >> 10) & 0x1f;
  const frac = b & 0x3ff;
  const sign = b & 0x8000 ? -1 : 1;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  if (exp === 0) return sign * frac * 2 ** -24;
  return sign * (frac + 1024) * 2 ** (exp - 25);
}

export function doubleToF16(x: number): number {
  if (x !== x) return CANON_NAN16;
  return Number(doubleToFormat(x, FMT16));
}

// ------------------------------------------------------------------ literals and printing

export class FloatLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FloatLiteralError';
  }
}

/**
 * Parse a CLIF float literal into the bits of `fmt`: hexadecimal (`0x1.8p3`, `-0x0.0`,
 * `0x1.p-126`), decimal (`1.5`, `-0.0`, `1e10`), `Inf`, `NaN`, `NaN:0x1`, `sNaN:0x1`, each with
 * an optional sign.
 */
export function parseFloatLiteral(text: string, fmt: FloatFormat): bigint {
  let s = text.trim();
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const { ebits, mbits } = fmt;
  const signBit = neg ? 1n << BigInt(ebits + mbits) : 0n;
  const expAll = ((1n << BigInt(ebits)) - 1n) << BigInt(mbits);
  const quiet = 1n << BigInt(mbits - 1);
  if (s === 'Inf') return signBit | expAll;
  const nan = /^(s?)NaN(?::(0x[0-9a-fA-F_]+))?$/.exec(s);
  if (nan) {
    const payload = nan[2] ? BigInt(nan[2].replace(/_/g, '')) : 0n;
    if (nan[1]) {
      if (payload === 0n || payload >= quiet) throw new FloatLiteralError(`signalling NaN payload must be in 1..${quiet - 1n}: '${text}'`);
      return signBit | expAll | payload;
    }
    if (payload >= quiet) throw new FloatLiteralError(`NaN payload too large: '${text}'`);
    return signBit | expAll | quiet | payload;
  }
  const hex = /^0x([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:p([-+]?\d+))?$/.exec(s);
  if (hex) {
    const intPart = hex[1].replace(/_/g, '');
    const fracPart = (hex[2] ?? '').replace(/_/g, '');
    if (intPart === '' && fracPart === '') throw new FloatLiteralError(`malformed float literal '${text}'`);
    const m = BigInt('0x0' + intPart + fracPart);
    const e = Number(hex[3] ?? 0) - 4 * fracPart.length;
    return roundToFormat(neg, m, e, fmt);
  }
  if (/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) {
    const x = Number(s);
    return doubleToFormat(neg ? -x : x, fmt);
  }
  throw new FloatLiteralError(`malformed float literal '${text}'`);
}

/** Cranelift-style text of a float: `0x1.800000p3`, `-0.0`, `+Inf`, `-NaN:0x1`, `+sNaN:0x1`. */
export function formatFloatBits(bits: bigint, fmt: FloatFormat): string {
  const d = decodeFloat(bits, fmt);
  const sign = d.neg ? '-' : '';
  const fracDigits = Math.ceil(fmt.mbits / 4);
  if (d.kind === 'inf') return `${d.neg ? '-' : '+'}Inf`;
  if (d.kind === 'nan') {
    const quiet = 1n << BigInt(fmt.mbits - 1);
    const s = d.neg ? '-' : '+';
    if (d.m & quiet) {
      const p = d.m & (quiet - 1n);
      return p ? `${s}NaN:0x${p.toString(16)}` : `${s}NaN`;
    }
    return `${s}sNaN:0x${d.m.toString(16)}`;
  }
  const frac = bits & ((1n << BigInt(fmt.mbits)) - 1n);
  const shifted = (frac << BigInt(fracDigits * 4 - fmt.mbits)).toString(16).padStart(fracDigits, '0');
  const expField = Number((bits >> BigInt(fmt.mbits)) & ((1n << BigInt(fmt.ebits)) - 1n));
  const bias = (1 << (fmt.ebits - 1)) - 1;
  if (expField === 0) {
    if (frac === 0n) return `${sign}0.0`;
    return `${sign}0x0.${shifted}p${1 - bias}`;
  }
  return `${sign}0x1.${shifted}p${expField - bias}`;
}

/**
 * A float as people read it: the shortest decimal that reads back (through
 * `parseFloatLiteral`) to exactly these bits (`1.5`, `0.1`, `-2.0`, `3.4028235e38`), or `-0.0`,
 * `+Inf`, and NaNs in their exact form (`+NaN`, `-NaN:0x1`, `+sNaN:0x1`). f128 has no exact
 * decimal reading here (decimal literals go through a double): it prints as `formatFloatBits`.
 */
export function formatFloatDecimal(bits: bigint, fmt: FloatFormat): string {
  const exact = formatFloatBits(bits, fmt);
  if (fmt === FMT128 || /Inf|NaN|^-?0\.0$/.test(exact)) return exact;
  const x = formatToDouble(bits, fmt);
  for (let p = 1; p <= 17; p++) {
    const s = decimalText(x, p);
    if (parseFloatLiteral(s, fmt) === bits) return s;
  }
  return exact;
}

/** `x` to `p` significant digits, in a form CLIF literals accept: `2.0`, `0.1`, `1.5e-7`, `1e21`. */
function decimalText(x: number, p: number): string {
  const t = x.toPrecision(p);
  const e = t.indexOf('e');
  let mant = e < 0 ? t : t.slice(0, e);
  if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, e < 0 ? '.0' : '');
  else if (e < 0) mant += '.0';
  return e < 0 ? mant : `${mant}e${Number(t.slice(e + 1))}`;
}
