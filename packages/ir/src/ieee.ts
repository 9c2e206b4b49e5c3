// IEEE 754 binary16/32/64/128 immediates: text <-> bit patterns.
//
// Text forms (Cranelift's): `0.0`, `-0.0`, decimal literals, hexadecimal
// significands `0x1.8p3`, `+Inf`, `-Inf`, `NaN`, `+NaN:0x1` (quiet NaN with
// payload), `-sNaN:0x1` (signalling NaN). Bit patterns are bigints here: this
// code runs only at the edges (reader, writer, interpreter).

export interface IeeeFormat {
  readonly expBits: number;
  readonly mantBits: number;
}

export const IEEE16: IeeeFormat = { expBits: 5, mantBits: 10 };
export const IEEE32: IeeeFormat = { expBits: 8, mantBits: 23 };
export const IEEE64: IeeeFormat = { expBits: 11, mantBits: 52 };
export const IEEE128: IeeeFormat = { expBits: 15, mantBits: 112 };

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Round `m * 2^-shift` to nearest, ties to even. */
function shiftRoundEven(m: bigint, shift: number): bigint {
  if (shift <= 0) return m << BigInt(-shift);
  const s = BigInt(shift);
  const q = m >> s;
  const rem = m - (q << s);
  const half = 1n << (s - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Encode sign * m * 2^e into the format; null on overflow. */
function encode(fmt: IeeeFormat, negative: boolean, m: bigint, e: number): bigint | null {
  const { expBits, mantBits } = fmt;
  const signBit = negative ? 1n << BigInt(expBits + mantBits) : 0n;
  if (m === 0n) return signBit;
  const bias = (1 << (expBits - 1)) - 1;
  const nb = bitLength(m);
  let exp = nb - 1 + e;
  let frac: bigint;
  if (exp >= 1 - bias) {
    frac = shiftRoundEven(m, nb - (mantBits + 1));
    if (bitLength(frac) > mantBits + 1) {
      frac >>= 1n;
      exp += 1;
    }
    if (exp > bias) return null;
    const biased = BigInt(exp + bias);
    return signBit | (biased << BigInt(mantBits)) | (frac & ((1n << BigInt(mantBits)) - 1n));
  }
  // Subnormal: units of 2^(1 - bias - mantBits).
  frac = shiftRoundEven(m, (1 - bias - mantBits) - e);
  if (bitLength(frac) > mantBits) return signBit | (1n << BigInt(mantBits)); // rounded up to the smallest normal
  return signBit | frac;
}

/** Parse a float literal into the bit pattern of `fmt`; null if the text is not a valid literal. */
export function parseIeee(text: string, fmt: IeeeFormat): bigint | null {
  const { expBits, mantBits } = fmt;
  let s = text;
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  const signBit = negative ? 1n << BigInt(expBits + mantBits) : 0n;
  const expAll = ((1n << BigInt(expBits)) - 1n) << BigInt(mantBits);
  const quiet = 1n << BigInt(mantBits - 1);
  if (s === 'Inf') return signBit | expAll;
  if (s === 'NaN') return signBit | expAll | quiet;
  const nan = /^(s?)NaN:0x([0-9a-fA-F_]+)$/.exec(s);
  if (nan) {
    const payload = BigInt('0x' + nan[2].replace(/_/g, ''));
    if (nan[1] === 's') {
      if (payload === 0n || payload >= quiet) return null;
      return signBit | expAll | payload;
    }
    if (payload >= quiet) return null;
    return signBit | expAll | quiet | payload;
  }
  const hex = /^0x([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:[pP]([-+]?\d+))?$/.exec(s);
  if (hex) {
    const intPart = hex[1].replace(/_/g, '');
    const fracPart = (hex[2] ?? '').replace(/_/g, '');
    if (intPart.length + fracPart.length === 0) return null;
    if (hex[3] === undefined && hex[2] === undefined) return null; // plain hex integer: not a float
    const m = BigInt('0x' + (intPart + fracPart || '0'));
    const e = Number(hex[3] ?? '0') - 4 * fracPart.length;
    if (!Number.isFinite(e) || Math.abs(e) > 100000) return null;
    return encode(fmt, negative, m, e);
  }
  if (/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) {
    const d = Number(s);
    if (!Number.isFinite(d)) return null;
    if (d === 0) return signBit;
    // Decompose the double exactly, then round into the target format.
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, d);
    const bits = buf.getBigUint64(0);
    const exp = Number((bits >> 52n) & 0x7ffn);
    let m = bits & ((1n << 52n) - 1n);
    let e: number;
    if (exp === 0) e = -1074;
    else {
      m |= 1n << 52n;
      e = exp - 1075;
    }
    return encode(fmt, negative, m, e);
  }
  return null;
}

/** Format a bit pattern of `fmt` in Cranelift's text form. */
export function formatIeee(bits: bigint, fmt: IeeeFormat): string {
  const { expBits, mantBits } = fmt;
  const negative = ((bits >> BigInt(expBits + mantBits)) & 1n) === 1n;
  const exp = Number((bits >> BigInt(mantBits)) & ((1n << BigInt(expBits)) - 1n));
  const mant = bits & ((1n << BigInt(mantBits)) - 1n);
  const maxExp = (1 << expBits) - 1;
  const bias = (1 << (expBits - 1)) - 1;
  const sign = negative ? '-' : '';
  if (exp === maxExp) {
    const psign = negative ? '-' : '+';
    if (mant === 0n) return `${psign}Inf`;
    const quiet = 1n << BigInt(mantBits - 1);
    if (mant & quiet) {
      const payload = mant & (quiet - 1n);
      return payload === 0n ? `${psign}NaN` : `${psign}NaN:0x${payload.toString(16)}`;
    }
    return `${psign}sNaN:0x${mant.toString(16)}`;
  }
  if (exp === 0 && mant === 0n) return `${sign}0.0`;
  const digits = Math.ceil(mantBits / 4);
  const frac = (mant << BigInt(digits * 4 - mantBits)).toString(16).padStart(digits, '0');
  if (exp === 0) return `${sign}0x0.${frac}p${1 - bias}`;
  return `${sign}0x1.${frac}p${exp - bias}`;
}
