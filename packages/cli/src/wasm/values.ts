import { floatBits } from '@windlass/interpreter';

/**
 * Values crossing the harness boundary, engine-neutral: numbers and vectors as their exact
 * little-endian bytes (so NaN payloads survive), references as opaque host values.
 */

export type NumType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
export type RefType = 'funcref' | 'externref';

export type WastValue = { type: NumType; bytes: Uint8Array } | { type: RefType; ref: unknown };

/** A `(ref.extern n)` host reference: one object per n so identity compares work. */
export class HostRef {
  constructor(readonly id: string) {}
}

/** The JSON form wast2json writes for arguments and expected results. */
export interface JsonValue {
  type: string;
  lane_type?: string;
  value?: string | string[];
}

const SIZE: Record<NumType, number> = { i32: 4, i64: 8, f32: 4, f64: 8, v128: 16 };
const LANE_BITS: Record<string, number> = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 };

export function valTypeOf(code: number): NumType | RefType {
  switch (code) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    default:
      return 'externref';
  }
}

export class HarnessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessError';
  }
}

function writeInt(bytes: Uint8Array, offset: number, bits: number, text: string): void {
  let v: bigint;
  try {
    v = BigInt(text);
  } catch {
    throw new HarnessError(`not an integer literal: ${text}`);
  }
  v = BigInt.asUintN(bits, v);
  for (let i = 0; i < bits / 8; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function parseValue(j: JsonValue, hostRefs: Map<string, HostRef>): WastValue {
  if (j.type === 'externref' || j.type === 'funcref') {
    if (j.value === 'null' || j.value === undefined) return { type: j.type, ref: null };
    if (j.type === 'funcref') throw new HarnessError('non-null funcref arguments are not supported');
    const id = j.value as string;
    let r = hostRefs.get(id);
    if (!r) hostRefs.set(id, (r = new HostRef(id)));
    return { type: 'externref', ref: r };
  }
  const type = j.type as NumType;
  const size = SIZE[type];
  if (!size) throw new HarnessError(`unknown value type ${j.type}`);
  const bytes = new Uint8Array(size);
  if (type === 'v128') {
    const bits = LANE_BITS[j.lane_type ?? ''];
    const lanes = j.value as string[];
    if (!bits || !Array.isArray(lanes)) throw new HarnessError('malformed v128 literal');
    lanes.forEach((l, i) => writeInt(bytes, (i * bits) / 8, bits, l));
  } else writeInt(bytes, 0, size * 8, j.value as string);
  return { type, bytes };
}

function readUint(bytes: Uint8Array, offset: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

/** Checks one float lane against an expected literal or NaN pattern. */
function floatLaneMatches(bytes: Uint8Array, offset: number, bits: 32 | 64, expected: string): boolean {
  const v = readUint(bytes, offset, bits / 8);
  if (expected === 'nan:canonical' || expected === 'nan:arithmetic') {
    const expMask = bits === 32 ? 0x7f800000n : 0x7ff0000000000000n;
    const quiet = bits === 32 ? 0x00400000n : 0x0008000000000000n;
    const mantissa = bits === 32 ? 0x007fffffn : 0x000fffffffffffffn;
    if ((v & expMask) !== expMask) return false;
    if (expected === 'nan:canonical') return (v & mantissa) === quiet;
    return (v & quiet) !== 0n;
  }
  return v === BigInt.asUintN(bits, BigInt(expected));
}

export function valueMatches(expected: JsonValue, actual: WastValue): boolean {
  if (expected.type !== actual.type) return false;
  if (actual.type === 'funcref' || actual.type === 'externref') {
    const ref = (actual as { ref: unknown }).ref;
    if (expected.value === 'null') return ref === null;
    if (expected.value === undefined) return ref !== null;
    if (actual.type === 'funcref') return ref !== null;
    return ref instanceof HostRef && ref.id === expected.value;
  }
  const bytes = (actual as { bytes: Uint8Array }).bytes;
  if (actual.type === 'f32' || actual.type === 'f64')
    return floatLaneMatches(bytes, 0, actual.type === 'f32' ? 32 : 64, expected.value as string);
  if (actual.type === 'v128') {
    const lt = expected.lane_type ?? '';
    const bits = LANE_BITS[lt];
    const lanes = expected.value as string[];
    for (let i = 0; i < lanes.length; i++) {
      const off = (i * bits) / 8;
      if (lt === 'f32' || lt === 'f64') {
        if (!floatLaneMatches(bytes, off, bits as 32 | 64, lanes[i])) return false;
      } else if (readUint(bytes, off, bits / 8) !== BigInt.asUintN(bits, BigInt(lanes[i]))) return false;
    }
    return true;
  }
  const n = actual.type === 'i32' ? 4 : 8;
  return readUint(bytes, 0, n) === BigInt.asUintN(n * 8, BigInt(expected.value as string));
}

/**
 * A number as the text format writes it, for messages: integers signed (and in hex when negative),
 * floats as the shortest decimal that reads back exactly, NaNs with their payload and bits
 * (`-nan:0x4fe3ec (0xffcfe3ec)`), so a NaN bug shows.
 */
function numberText(type: 'i32' | 'i64' | 'f32' | 'f64', bits: bigint): string {
  const width = type === 'i32' || type === 'f32' ? 32 : 64;
  if (type === 'i32' || type === 'i64') {
    const signed = BigInt.asIntN(width, bits);
    return signed < 0n ? `${signed} (0x${bits.toString(16)})` : `${signed}`;
  }
  const mbits = width === 32 ? 23 : 52;
  const mant = bits & ((1n << BigInt(mbits)) - 1n);
  const expAll = ((bits >> BigInt(mbits)) & (width === 32 ? 0xffn : 0x7ffn)) === (width === 32 ? 0xffn : 0x7ffn);
  const sign = bits >> BigInt(width - 1) ? '-' : '';
  if (expAll) return mant === 0n ? `${sign}inf` : `${sign}nan:0x${mant.toString(16)} (0x${bits.toString(16)})`;
  return floatBits.formatFloatDecimal(bits, width === 32 ? floatBits.FMT32 : floatBits.FMT64);
}

export function formatValue(v: WastValue): string {
  if (v.type === 'funcref' || v.type === 'externref') {
    const r = (v as { ref: unknown }).ref;
    return `${v.type}:${r === null ? 'null' : r instanceof HostRef ? r.id : 'ref'}`;
  }
  const b = (v as { bytes: Uint8Array }).bytes;
  if (v.type === 'v128') return `v128:${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
  return `${v.type}:${numberText(v.type, readUint(b, 0, b.length))}`;
}

/** An expected value of a script, numbers as `formatValue` writes them (`f32:nan:canonical` stays). */
export function formatExpected(j: JsonValue): string {
  const lane = (type: string, text: string): string =>
    /^(i32|i64|f32|f64)$/.test(type) && /^\d+$/.test(text) ? numberText(type as 'i32', BigInt(text)) : text;
  if (j.type === 'v128' && Array.isArray(j.value)) return `v128(${j.lane_type}):${j.value.map((x) => lane(j.lane_type ?? '', x)).join(',')}`;
  return `${j.type}:${Array.isArray(j.value) ? j.value.join(',') : lane(j.type, j.value ?? '')}`;
}
