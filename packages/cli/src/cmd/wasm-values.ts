// Wasm values on the command line (`windlass run --invoke`): arguments parsed by the
// parameter types, results printed in the same syntax, one per line.
//   integers  decimal, signed or unsigned (-1, 4294967295), or 0x... (wrapped to the width)
//   floats    decimal (1.5, -0, 1e-7), hex float (0x1.8p3), inf, -inf, nan, -nan, nan:0x...
//   v128      a lane shape and its lanes: i32x4 1 2 3 4, i8x16 ..., i16x8, i64x2, f32x4, f64x2
//   refs      null (funcref, externref), or a non-zero handle for an externref
import { f32, f32Bits, f64, f64Bits, type ValueType, type WasmValue } from '@windlass/runtime';
import { UsageError } from '../command';

const LANES: Record<string, { bits: number; float: boolean }> = {
  i8x16: { bits: 8, float: false }, i16x8: { bits: 16, float: false }, i32x4: { bits: 32, float: false },
  i64x2: { bits: 64, float: false }, f32x4: { bits: 32, float: true }, f64x2: { bits: 64, float: true },
};

function parseInt(text: string, bits: number, what: string): bigint {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text.replace(/_/g, ''));
  if (!m) throw new UsageError(`${what}: '${text}' is not an integer (decimal, or 0x...)`);
  const v = (m[1] === '-' ? -1n : 1n) * BigInt(m[2]);
  if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) throw new UsageError(`${what}: ${text} does not fit in ${bits} bits`);
  return v;
}

/** The exact value of a hex float literal (0x1.8p3, -0x.1p-2), as a double. */
function hexFloat(text: string): number | undefined {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = `${m[2]}${m[3] ?? ''}`;
  let v = 0;
  for (const d of digits) v = v * 16 + Number.parseInt(d, 16);
  const exp = Number(m[4] ?? 0) - 4 * (m[3] ?? '').length;
  const r = v * 2 ** exp;
  return m[1] === '-' ? -r : r;
}

/** The bit pattern of a float literal of `bits` bits. */
function floatBits(text: string, bits: 32 | 64, what: string): bigint {
  const t = text.replace(/_/g, '');
  const m = /^([+-]?)(inf|nan(?::0x([0-9a-f]+))?)$/i.exec(t);
  const expBits = bits === 32 ? 8 : 11;
  const mantBits = bits - 1 - expBits;
  if (m) {
    const sign = m[1] === '-' ? 1n << BigInt(bits - 1) : 0n;
    const exp = ((1n << BigInt(expBits)) - 1n) << BigInt(mantBits);
    if (m[2].toLowerCase() === 'inf') return sign | exp;
    const payload = m[3] === undefined ? 1n << BigInt(mantBits - 1) : BigInt(`0x${m[3]}`);
    if (payload === 0n || payload >= 1n << BigInt(mantBits)) throw new UsageError(`${what}: NaN payload ${m[3]} must be 1 .. 2^${mantBits}-1`);
    return sign | exp | payload;
  }
  let v: number | undefined = /^[+-]?0x/i.test(t) ? hexFloat(t) : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : undefined;
  if (v === undefined || Number.isNaN(v)) throw new UsageError(`${what}: '${text}' is not a float (decimal, hex float, inf, nan, nan:0x...)`);
  if (bits === 32) v = Math.fround(v);
  return bits === 32 ? BigInt((f32(v) as { bits: number }).bits) : (f64(v) as { bits: bigint }).bits;
}

/** Takes the tokens of one value of type `t` from `args`. */
function takeValue(t: ValueType, args: string[], what: string): WasmValue {
  const next = (): string => {
    const a = args.shift();
    if (a === undefined) throw new UsageError(`${what}: missing`);
    return a;
  };
  switch (t) {
    case 'i32':
      return { type: 'i32', value: Number(BigInt.asIntN(32, parseInt(next(), 32, what))) };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, parseInt(next(), 64, what)) };
    case 'f32':
      return f32Bits(Number(floatBits(next(), 32, what)));
    case 'f64':
      return f64Bits(floatBits(next(), 64, what));
    case 'v128': {
      const shape = next();
      const s = LANES[shape];
      if (!s) throw new UsageError(`${what}: a v128 is a lane shape (${Object.keys(LANES).join(', ')}) and its lanes, got '${shape}'`);
      const bytes = new Uint8Array(16);
      const dv = new DataView(bytes.buffer);
      for (let k = 0; k < 128 / s.bits; k++) {
        const lane = `${what} lane ${k}`;
        const v = s.float ? floatBits(next(), s.bits as 32 | 64, lane) : BigInt.asUintN(s.bits, parseInt(next(), s.bits, lane));
        for (let b = 0; b < s.bits / 8; b++) dv.setUint8(k * (s.bits / 8) + b, Number((v >> BigInt(8 * b)) & 0xffn));
      }
      return { type: 'v128', bytes };
    }
    default: {
      const a = next();
      if (a === 'null') return { type: t, ref: null };
      if (t === 'funcref') throw new UsageError(`${what}: a funcref argument can only be null`);
      const h = parseInt(a, 64, what);
      if (h === 0n) throw new UsageError(`${what}: an externref handle is non-zero (null is 'null')`);
      return { type: 'externref', ref: BigInt.asUintN(64, h) };
    }
  }
}

/** The arguments of a function of parameter types `types`, from the command line's tokens. */
export function parseValues(types: readonly ValueType[], tokens: readonly string[], fn: string): WasmValue[] {
  const args = [...tokens];
  const out = types.map((t, k) => takeValue(t, args, `argument ${k + 1} of ${fn} (${t})`));
  if (args.length > 0) throw new UsageError(`${fn} takes ${types.length} argument${types.length === 1 ? '' : 's'} (${types.join(', ') || 'none'}); extra: ${args.join(' ')}`);
  return out;
}

/** The shortest decimal that reads back as the same f32. */
function shortestF32(x: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(x);
}

function formatFloat(bits: bigint, width: 32 | 64): string {
  const mantBits = width === 32 ? 23 : 52;
  const expMask = width === 32 ? 0xffn : 0x7ffn;
  const sign = (bits >> BigInt(width - 1)) & 1n ? '-' : '';
  const exp = (bits >> BigInt(mantBits)) & expMask;
  const mant = bits & ((1n << BigInt(mantBits)) - 1n);
  if (exp === expMask) {
    if (mant === 0n) return `${sign}inf`;
    return mant === 1n << BigInt(mantBits - 1) ? `${sign}nan` : `${sign}nan:0x${mant.toString(16)}`;
  }
  const v = width === 32 ? (f32Bits(Number(bits)) as { value: number }).value : (f64Bits(bits) as { value: number }).value;
  if (v === 0) return `${sign}0`;
  return width === 32 ? shortestF32(v) : String(v);
}

/** A result in the syntax `parseValues` reads. */
export function formatValue(v: WasmValue): string {
  switch (v.type) {
    case 'i32':
    case 'i64':
      return String(v.value);
    case 'f32':
      return formatFloat(BigInt(v.bits), 32);
    case 'f64':
      return formatFloat(v.bits, 64);
    case 'v128': {
      const dv = new DataView(v.bytes.buffer, v.bytes.byteOffset, 16);
      return `i32x4 ${[0, 4, 8, 12].map((k) => dv.getInt32(k, true)).join(' ')}`;
    }
    default:
      return v.ref === null ? 'null' : v.type === 'externref' ? String(v.ref) : 'ref';
  }
}
