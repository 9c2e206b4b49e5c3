// Operand kinds of AArch64 instructions: condition codes, shifts and extends, addressing modes,
// vector arrangements, and the immediate encoders (add/sub imm12, logical bitmask immediates,
// FMOV's 8-bit float immediates, MOVZ/MOVN/MOVK chains). Immediates of 64 bits travel as two
// signed 32-bit halves (`lo`, `hi`), so no bigint reaches the hot path.

/** Condition codes, valued as their 4-bit encoding. */
export const Cond = {
  EQ: 0, NE: 1, HS: 2, LO: 3, MI: 4, PL: 5, VS: 6, VC: 7, HI: 8, LS: 9, GE: 10, LT: 11, GT: 12, LE: 13, AL: 14, NV: 15,
} as const;
export type Cond = (typeof Cond)[keyof typeof Cond];

export const COND_NAMES = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

export function invertCond(c: number): Cond {
  return (c ^ 1) as Cond;
}

/** Shift kinds of shifted-register operands (LSL LSR ASR ROR), valued as their encoding. */
export const Shift = { LSL: 0, LSR: 1, ASR: 2, ROR: 3 } as const;
export type Shift = (typeof Shift)[keyof typeof Shift];
export const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];

/** Extend options of extended-register operands, valued as their 3-bit encoding. */
export const Extend = { UXTB: 0, UXTH: 1, UXTW: 2, UXTX: 3, SXTB: 4, SXTH: 5, SXTW: 6, SXTX: 7 } as const;
export type Extend = (typeof Extend)[keyof typeof Extend];
export const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** Addressing modes of loads and stores. */
export const AddrMode = {
  /** [rn, #imm]: unsigned offset scaled by the access size (imm12), or unscaled signed (imm9) when not a multiple. */
  Offset: 0,
  /** [rn, #imm]!: pre-index, signed imm9 (imm7 scaled for pairs), writes the address back. */
  PreIndex: 1,
  /** [rn], #imm: post-index. */
  PostIndex: 2,
  /** [rn, rm{, extend {#shift}}]: register offset; `ext` the extend (UXTX = lsl), `scaled` shifts by the access size. */
  RegOffset: 3,
  /** A PC-relative literal at `label` (±1 MiB). */
  Literal: 4,
  /**
   * [stack slots + imm]: a stack slot, whose sp offset is known only once the frame is laid
   * out; the emitter turns it into [sp, #imm] (or a computed address when out of reach).
   */
  Slot: 5,
  /** [spill slot imm]: like Slot, for the register allocator's spill slots. */
  Spill: 6,
  /** [incoming argument area + imm]: an incoming stack argument, addressed from sp or fp at emission. */
  IncomingArg: 7,
} as const;
export type AddrMode = (typeof AddrMode)[keyof typeof AddrMode];

/**
 * Vector arrangements, valued `size << 1 | Q`: 8B 16B 4H 8H 2S 4S 1D 2D. Scalar FP register
 * views (B H S D Q) are separate (`FpSize`).
 */
export const Arr = { B8: 0, B16: 1, H4: 2, H8: 3, S2: 4, S4: 5, D1: 6, D2: 7 } as const;
export type Arr = (typeof Arr)[keyof typeof Arr];
export const ARR_NAMES = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
/** The element-size letter of an arrangement. */
export const ARR_ELEM = ['b', 'b', 'h', 'h', 's', 's', 'd', 'd'];

/** Lane size (0 = 8 bits ... 3 = 64 bits) and Q of an arrangement. */
export function arrSize(a: number): number {
  return a >> 1;
}
export function arrQ(a: number): number {
  return a & 1;
}
/** The arrangement of `laneBytes`-byte lanes in a 64-bit (q = 0) or 128-bit (q = 1) vector. */
export function arrOf(laneBytes: number, q: number): Arr {
  const s = laneBytes === 1 ? 0 : laneBytes === 2 ? 1 : laneBytes === 4 ? 2 : 3;
  return ((s << 1) | q) as Arr;
}

/** Scalar FP register views by log2 of the byte size: B H S D Q. */
export const FpSize = { B: 0, H: 1, S: 2, D: 3, Q: 4 } as const;
export type FpSize = (typeof FpSize)[keyof typeof FpSize];

/** The `ftype` field of scalar FP instructions: S 00, D 01, H 11. */
export function ftype(fs: number): number {
  return fs === FpSize.S ? 0 : fs === FpSize.D ? 1 : 3;
}

// ---------------------------------------------------------------- immediates

/** An add/sub immediate: imm12, optionally shifted left by 12. Returns `imm | (sh << 12)` or -1. */
export function encodeImm12(v: number): number {
  if (!Number.isInteger(v) || v < 0) return -1;
  if (v < 0x1000) return v;
  if ((v & 0xfff) === 0 && v < 0x1000000) return (v >>> 12) | 0x1000;
  return -1;
}

/** Rotates the 64-bit value (lo, hi) right by r (0..63). */
function ror64(lo: number, hi: number, r: number): [number, number] {
  r &= 63;
  if (r === 0) return [lo >>> 0, hi >>> 0];
  if (r >= 32) {
    [lo, hi] = [hi, lo];
    r -= 32;
    if (r === 0) return [lo >>> 0, hi >>> 0];
  }
  return [((lo >>> r) | (hi << (32 - r))) >>> 0, ((hi >>> r) | (lo << (32 - r))) >>> 0];
}

/**
 * The logical-immediate encoding (N:immr:imms, 13 bits) of `value` (lo, hi halves) as a
 * `bits`-wide operand, or -1 when it is not a bitmask immediate: a rotated run of ones,
 * replicated in 2-, 4-, ..., 64-bit elements (ARM ARM, DecodeBitMasks). A 32-bit operand only
 * looks at `lo`.
 */
export function encodeLogicalImm(lo: number, hi: number, bits: 32 | 64): number {
  lo >>>= 0;
  hi = bits === 32 ? lo : hi >>> 0;
  if ((lo === 0 && hi === 0) || (lo === 0xffffffff && hi === 0xffffffff)) return -1;
  // The element size: the smallest e for which the value repeats every e bits.
  let e = 64;
  if (lo === hi) {
    e = 32;
    while (e > 2) {
      const h = e >>> 1;
      const mask = (2 ** h - 1) >>> 0;
      if ((lo & mask) >>> 0 !== ((lo >>> h) & mask) >>> 0) break;
      e = h;
    }
  }
  if (e === 64) {
    // Rotate so the run of ones starts at bit 0: find a 1 whose lower neighbour (cyclically) is 0.
    let r = -1;
    for (let b = 0; b < 64; b++) {
      const bit = b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1;
      const pb = (b + 63) & 63;
      const prev = pb < 32 ? (lo >>> pb) & 1 : (hi >>> (pb - 32)) & 1;
      if (bit === 1 && prev === 0) {
        r = b;
        break;
      }
    }
    if (r < 0) return -1;
    const [ylo, yhi] = ror64(lo, hi, r);
    // y must be 2^s - 1.
    let s: number;
    if (yhi === 0) {
      if ((ylo & (ylo + 1)) !== 0 || ylo === 0) return -1;
      s = 32 - Math.clz32(ylo);
    } else {
      if (ylo !== 0xffffffff || (yhi & (yhi + 1)) !== 0) return -1;
      s = 64 - Math.clz32(yhi);
    }
    const immr = (64 - r) & 63;
    return (1 << 12) | (immr << 6) | (s - 1);
  }
  const mask = e === 32 ? 0xffffffff : (2 ** e - 1) >>> 0;
  const x = (lo & mask) >>> 0;
  let r = -1;
  for (let b = 0; b < e; b++) {
    const pb = (b + e - 1) % e;
    if (((x >>> b) & 1) === 1 && ((x >>> pb) & 1) === 0) {
      r = b;
      break;
    }
  }
  if (r < 0) return -1;
  const y = r === 0 ? x : (((x >>> r) | (x << (e - r))) & mask) >>> 0;
  if (((y & (y + 1)) >>> 0) !== 0 && y !== mask) return -1;
  const s = 32 - Math.clz32(y);
  if (s >= e) return -1;
  const immr = (e - r) % e;
  // imms: the high bits say the element size (0 for 32, 10 for 16, 110 for 8, ...).
  const sizeBits = (~((e << 1) - 1) & 0x3f) >>> 0;
  return (immr << 6) | sizeBits | (s - 1);
}

/** Decodes a logical immediate (N:immr:imms) back to its 64-bit value as [lo, hi] (for printing). */
export function decodeLogicalImm(enc: number, bits: 32 | 64): [number, number] {
  const n = (enc >>> 12) & 1;
  const immr = (enc >>> 6) & 63;
  const imms = enc & 63;
  const len = 31 - Math.clz32((n << 6) | (~imms & 63));
  const e = 1 << len;
  const s = (imms & (e - 1)) + 1;
  let lo: number;
  let hi: number;
  if (e === 64) {
    lo = s >= 32 ? 0xffffffff : (2 ** s - 1) >>> 0;
    hi = s > 32 ? (2 ** (s - 32) - 1) >>> 0 : 0;
    [lo, hi] = ror64(lo, hi, immr);
  } else {
    const mask = e === 32 ? 0xffffffff : (2 ** e - 1) >>> 0;
    const ones = (2 ** s - 1) >>> 0;
    const el = immr === 0 ? ones : (((ones >>> immr) | (ones << (e - immr))) & mask) >>> 0;
    let v = el;
    for (let w = e; w < 32; w *= 2) v = (v | (v << w)) >>> 0;
    lo = v;
    hi = v;
  }
  return bits === 32 ? [lo, 0] : [lo, hi];
}

/**
 * FMOV's 8-bit immediate (sign, 3-bit exponent, 4-bit fraction: ±(16..31)/16 × 2^(-3..4)) for
 * a float of `fs` (H, S or D) given as its bit pattern halves, or -1.
 */
export function encodeFpImm8(lo: number, hi: number, fs: number): number {
  let sign: number;
  let exp: number;
  let frac: number;
  let expBits: number;
  if (fs === FpSize.D) {
    if (lo !== 0 || (hi & 0xffff) !== 0) return -1;
    sign = hi >>> 31;
    exp = (hi >>> 20) & 0x7ff;
    frac = (hi >>> 16) & 0xf;
    expBits = 11;
  } else if (fs === FpSize.S) {
    if ((lo & 0x7ffff) !== 0) return -1;
    sign = lo >>> 31;
    exp = (lo >>> 23) & 0xff;
    frac = (lo >>> 19) & 0xf;
    expBits = 8;
  } else {
    if ((lo & 0x3f) !== 0) return -1;
    sign = (lo >>> 15) & 1;
    exp = (lo >>> 10) & 0x1f;
    frac = (lo >>> 6) & 0xf;
    expBits = 5;
  }
  // exp = NOT(b) : Replicate(b, expBits - 3) : c : d
  const b = (exp >>> (expBits - 2)) & 1;
  const top = exp >>> (expBits - 1);
  if (top === b) return -1;
  const rep = (exp >>> 2) & ((1 << (expBits - 3)) - 1);
  if (rep !== (b ? (1 << (expBits - 3)) - 1 : 0)) return -1;
  return (sign << 7) | (b << 6) | ((exp & 3) << 4) | frac;
}

/** The value of an FMOV imm8, as a JavaScript number (for printing). */
export function fpImm8Value(imm8: number): number {
  const sign = imm8 >>> 7 ? -1 : 1;
  const b = (imm8 >>> 6) & 1;
  const cd = (imm8 >>> 4) & 3;
  // The exponent NOT(b):b..b:c:d, unbiased: 1..4 when b = 0, -3..0 when b = 1.
  const e = b ? cd - 3 : cd + 1;
  return sign * (16 + (imm8 & 15)) / 16 * 2 ** e;
}

/** The 16-bit chunks of a 64-bit value (lo, hi) from the lowest. */
export function chunks16(lo: number, hi: number): [number, number, number, number] {
  return [lo & 0xffff, (lo >>> 16) & 0xffff, hi & 0xffff, (hi >>> 16) & 0xffff];
}

/** Sign-extends the low 32 bits of `v` (a JavaScript number) into a (lo, hi) pair. */
export function halvesOf(v: number): [number, number] {
  if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return [v | 0, v < 0 ? -1 : 0];
  const hi = Math.floor(v / 2 ** 32);
  return [(v - hi * 2 ** 32) | 0, hi | 0];
}
