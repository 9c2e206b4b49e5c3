// Text form of interpreter values, as `; run:` directives and `windlass interpret` write them:
//
//   integers   42  -1  0xff  0x0123_4567  (any width; wraps to the type, so -1 and 255 are
//              the same i8)
//   floats     0x1.8p3  -0x0.0  1.5  -0.0  +Inf  -Inf  NaN  -NaN:0x1  +sNaN:0x1
//   vectors    [1 2 3 4]  (one literal per lane)  or one hexadecimal literal of the whole
//              vector, lane 0 in the low bits (0x00010002_00030004_...)
//   booleans   true false (as 1 and 0)

import { type Type, laneType, laneBits, laneCount, bytes, isVector, isFloat, typeName } from '@windlass/ir';
import { type Value, type Scalar, fromBig, setLane, getLane } from './value';
import { FMT16, FMT32, FMT64, FMT128, type FloatFormat, parseFloatLiteral, formatFloatBits, formatFloatDecimal, FloatLiteralError } from './float';

export class ValueSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueSyntaxError';
  }
}

function floatFormat(lane: Type): FloatFormat {
  switch (laneBits(lane)) {
    case 16: return FMT16;
    case 32: return FMT32;
    case 64: return FMT64;
    default: return FMT128;
  }
}

function parseIntLiteral(text: string, bits: number): Scalar {
  const s = text.replace(/_/g, '');
  if (s === 'true') return fromBig(bits, 1n);
  if (s === 'false') return fromBig(bits, 0n);
  const m = /^([-+]?)(0x[0-9a-fA-F]+|0b[01]+|0o[0-7]+|\d+)$/.exec(s);
  if (!m) throw new ValueSyntaxError(`expected an integer, found '${text}'`);
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (v < min || v > max) throw new ValueSyntaxError(`integer ${text} does not fit in ${bits} bits`);
  return fromBig(bits, v);
}

/** Parse one scalar literal of a lane type. */
export function parseScalar(text: string, lane: Type): Scalar {
  if (isFloat(lane)) {
    // Integer syntax for a float lane is its bit pattern only when hexadecimal without a point;
    // Cranelift's float literals always carry a point, an exponent or a name.
    try {
      const fmt = floatFormat(lane);
      const bits = parseFloatLiteral(text, fmt);
      return fmt.bits >= 64 ? bits : Number(bits);
    } catch (e) {
      if (e instanceof FloatLiteralError) throw new ValueSyntaxError(e.message);
      throw e;
    }
  }
  return parseIntLiteral(text, laneBits(lane));
}

/** Parse a value literal of type `t` (see the file comment for the forms). */
export function parseValue(text: string, t: Type): Value {
  const s = text.trim();
  if (!isVector(t)) return parseScalar(s, t);
  const lane = laneType(t);
  const n = laneCount(t);
  const out = new Uint8Array(bytes(t));
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new ValueSyntaxError(`unterminated vector literal '${text}'`);
    const parts = s.slice(1, -1).trim().split(/[\s,]+/).filter((p) => p !== '');
    if (parts.length !== n) {
      throw new ValueSyntaxError(`vector literal for ${typeName(t)} needs ${n} lanes, found ${parts.length}: '${text}'`);
    }
    for (let i = 0; i < n; i++) setLane(out, lane, i, parseScalar(parts[i], lane));
    return out;
  }
  const m = /^0x([0-9a-fA-F_]+)$/.exec(s);
  if (!m) throw new ValueSyntaxError(`expected a vector literal like [1 2 3 4] for ${typeName(t)}, found '${text}'`);
  let v = BigInt('0x' + m[1].replace(/_/g, ''));
  if (v >> BigInt(out.length * 8) !== 0n) throw new ValueSyntaxError(`vector literal ${text} does not fit in ${typeName(t)}`);
  for (let i = 0; i < out.length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** How `formatValue` writes floats: `decimal` (the default: `0.1`, `-2.0`) or Cranelift's exact `hex` (`0x1.999999999999ap-4`). */
export interface FormatOptions {
  floats?: 'decimal' | 'hex';
}

function formatScalar(x: Scalar, lane: Type, opts: FormatOptions): string {
  if (isFloat(lane)) {
    const bits = typeof x === 'bigint' ? x : BigInt(x);
    return opts.floats === 'hex' ? formatFloatBits(bits, floatFormat(lane)) : formatFloatDecimal(bits, floatFormat(lane));
  }
  const bits = laneBits(lane);
  const u = typeof x === 'bigint' ? x : BigInt(x);
  const sgn = BigInt.asIntN(bits, u);
  return sgn < 0n ? `${sgn} (0x${u.toString(16)})` : u.toString();
}

/**
 * Text of a value, which `parseValue` reads back to the same value: integers in decimal (negative
 * ones also in hex), floats as the shortest decimal that reads back exactly (NaNs with their
 * sign and payload; f128 in hex; `{ floats: 'hex' }` for Cranelift's hex form), vectors as [lanes].
 */
export function formatValue(v: Value, t: Type, opts: FormatOptions = {}): string {
  if (v instanceof Uint8Array) {
    const lane = laneType(t);
    const parts: string[] = [];
    for (let i = 0; i < laneCount(t); i++) parts.push(formatScalar(getLane(v, lane, i), lane, opts).replace(/ \(.*\)$/, ''));
    return `[${parts.join(' ')}]`;
  }
  return formatScalar(v, t, opts);
}
