// Value types. A type is one small integer:
//
//   bits 0..3  lane type (i8 i16 i32 i64 i128 f16 f32 f64 f128)
//   bits 4..7  log2 of the lane count (0 for scalars)
//   bit  8     dynamic vector flag (lane count is a minimum, scaled at run time)
//
// `INVALID` (0) means "no type": instructions without a controlling type and
// unused value slots use it.

export type Type = number & { readonly __brand: 'Type' };

const LANE_MASK = 0xf;
const LOG2_SHIFT = 4;
const LOG2_MASK = 0xf0;
const DYNAMIC_FLAG = 0x100;

export const INVALID = 0 as Type;
export const I8 = 1 as Type;
export const I16 = 2 as Type;
export const I32 = 3 as Type;
export const I64 = 4 as Type;
export const I128 = 5 as Type;
export const F16 = 6 as Type;
export const F32 = 7 as Type;
export const F64 = 8 as Type;
export const F128 = 9 as Type;

const LANE_NAMES = ['', 'i8', 'i16', 'i32', 'i64', 'i128', 'f16', 'f32', 'f64', 'f128'];
const LANE_BITS = [0, 8, 16, 32, 64, 128, 16, 32, 64, 128];

/** Build a vector type of `lanes` (a power of two >= 2) lanes of `lane`. */
export function vectorOf(lane: Type, lanes: number): Type {
  const log2 = Math.log2(lanes);
  if (!Number.isInteger(log2) || log2 < 1 || log2 > 15 || laneType(lane) !== lane || lane === INVALID) {
    throw new RangeError(`cannot build a vector of ${lanes} x ${typeName(lane)}`);
  }
  return (lane | (log2 << LOG2_SHIFT)) as Type;
}

/** The dynamic vector type whose minimum shape is the fixed vector `t` (e.g. i32x4 -> i32x4xN). */
export function dynamicOf(t: Type): Type {
  return (t | DYNAMIC_FLAG) as Type;
}

/** The fixed vector type a dynamic vector type scales (i32x4xN -> i32x4); other types unchanged. */
export function dynamicBase(t: Type): Type {
  return (t & ~DYNAMIC_FLAG) as Type;
}

export function laneType(t: Type): Type {
  return (t & LANE_MASK) as Type;
}

export function log2LaneCount(t: Type): number {
  return (t & LOG2_MASK) >> LOG2_SHIFT;
}

/** Lane count (minimum lane count for dynamic vectors); 1 for scalars. */
export function laneCount(t: Type): number {
  return 1 << log2LaneCount(t);
}

export function laneBits(t: Type): number {
  return LANE_BITS[t & LANE_MASK] ?? 0;
}

/** Total bit width (the minimum width for dynamic vectors). */
export function bits(t: Type): number {
  return laneBits(t) * laneCount(t);
}

export function bytes(t: Type): number {
  return bits(t) >>> 3;
}

export function isInt(t: Type): boolean {
  const l = t & LANE_MASK;
  return l >= 1 && l <= 5;
}

export function isFloat(t: Type): boolean {
  const l = t & LANE_MASK;
  return l >= 6 && l <= 9;
}

export function isVector(t: Type): boolean {
  return (t & LOG2_MASK) !== 0;
}

export function isDynamicVector(t: Type): boolean {
  return (t & DYNAMIC_FLAG) !== 0;
}

export function isScalar(t: Type): boolean {
  return t !== INVALID && (t & (LOG2_MASK | DYNAMIC_FLAG)) === 0;
}

export function isValidType(t: number): t is Type {
  const l = t & LANE_MASK;
  return l >= 1 && l <= 9 && (t & ~(LANE_MASK | LOG2_MASK | DYNAMIC_FLAG)) === 0 && !((t & DYNAMIC_FLAG) && !(t & LOG2_MASK));
}

/** Same shape, lanes replaced by `lane`. */
export function withLane(t: Type, lane: Type): Type {
  return ((t & ~LANE_MASK) | laneType(lane)) as Type;
}

const HALF = [0, 0, 1, 2, 3, 4, 0, 6, 7, 8];
const DOUBLE = [0, 2, 3, 4, 5, 0, 7, 8, 9, 0];
const AS_INT = [0, 1, 2, 3, 4, 5, 2, 3, 4, 5];

/** Lanes of half the width (i32 -> i16, f64 -> f32, i32x4 -> i16x4); INVALID if none. */
export function halfWidth(t: Type): Type {
  const h = HALF[t & LANE_MASK] ?? 0;
  return h === 0 ? INVALID : withLane(t, h as Type);
}

/** Lanes of double the width (i16 -> i32, i64x2 -> i128x2); INVALID if none. */
export function doubleWidth(t: Type): Type {
  const d = DOUBLE[t & LANE_MASK] ?? 0;
  return d === 0 ? INVALID : withLane(t, d as Type);
}

/** Integer lanes of the same width (f32x4 -> i32x4). */
export function asInt(t: Type): Type {
  return withLane(t, (AS_INT[t & LANE_MASK] ?? 0) as Type);
}

/** Twice the lanes of half the width (i32x4 -> i16x8), as `snarrow` produces. */
export function splitLanes(t: Type): Type {
  const h = halfWidth(t);
  return h === INVALID ? INVALID : (h + (1 << LOG2_SHIFT)) as Type;
}

/** Half the lanes of double the width (i16x8 -> i32x4). */
export function mergeLanes(t: Type): Type {
  const d = doubleWidth(t);
  return d === INVALID || !isVector(t) ? INVALID : (d - (1 << LOG2_SHIFT)) as Type;
}

/** Half the lanes, same lane type (i32x4 -> i32x2); INVALID for scalars. */
export function halfVector(t: Type): Type {
  return isVector(t) ? ((t - (1 << LOG2_SHIFT)) as Type) : INVALID;
}

/** Integer type of the same total width as a lane-count-preserving boolean mask result (icmp). */
export function maskType(t: Type): Type {
  return isVector(t) ? asInt(t) : I8;
}

export function intOfBits(n: number): Type {
  switch (n) {
    case 8: return I8;
    case 16: return I16;
    case 32: return I32;
    case 64: return I64;
    case 128: return I128;
    default: return INVALID;
  }
}

export function typeName(t: Type): string {
  if (t === INVALID) return 'INVALID';
  const lane = LANE_NAMES[t & LANE_MASK] ?? '?';
  const log2 = log2LaneCount(t);
  let s = log2 === 0 ? lane : `${lane}x${1 << log2}`;
  if (t & DYNAMIC_FLAG) s += 'xN';
  return s;
}

const LANE_BY_NAME = new Map<string, Type>(LANE_NAMES.map((n, i) => [n, i as Type]));

/** Parse `i32`, `f64x2`, `i32x4xN`; returns INVALID for anything else (dt0 is resolved by the reader). */
export function parseType(s: string): Type {
  const scalar = LANE_BY_NAME.get(s);
  if (scalar !== undefined) return scalar === INVALID ? INVALID : scalar;
  const m = /^([if](?:8|16|32|64|128))x(\d+)(xN)?$/.exec(s);
  if (!m) return INVALID;
  const lane = LANE_BY_NAME.get(m[1]);
  const n = Number(m[2]);
  if (lane === undefined || lane === INVALID || !(n >= 2 && n <= 1 << 15 && (n & (n - 1)) === 0)) return INVALID;
  const v = vectorOf(lane, n);
  return m[3] ? dynamicOf(v) : v;
}
