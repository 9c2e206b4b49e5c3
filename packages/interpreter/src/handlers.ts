// Semantics of the non-control-flow opcodes, one handler per opcode name. The interpreter
// loop (interpreter.ts) owns control flow, calls and traps; a handler reads its operands from
// the frame's register file and writes its results there.

import {
  type Function, type Inst, type Type, laneType, laneBits, laneCount, bytes, typeName, memEndianness, ENDIAN_BIG, I16,
} from '@windlass/ir';
import {
  type Scalar, type Value, TrapSignal, UnsupportedError, zipLanes, mapLanes, getLane, setLane, signed, fromBig,
  toBig, toBytes, fromBytes, wrap,
} from './value';
import * as I from './intops';
import * as F from './floatops';
import { type FW } from './floatops';
import type { Exec } from './exec';

export type Handler = (x: Exec, f: Function, i: Inst) => void;

// ------------------------------------------------------------------ operand access

export function argv(x: Exec, f: Function, i: Inst, k: number): Value {
  return x.regs[x.canon[f.pool[f.instArgOff[i] + k]]];
}
export function argT(x: Exec, f: Function, i: Inst, k: number): Type {
  return f.valueType[x.canon[f.pool[f.instArgOff[i] + k]]] as Type;
}
export function resT(f: Function, i: Inst, k = 0): Type {
  return f.valueType[f.pool[f.instResOff[i] + k]] as Type;
}
export function set(x: Exec, f: Function, i: Inst, v: Value, k = 0): void {
  x.regs[f.pool[f.instResOff[i] + k]] = v;
}
function imm64(f: Function, i: Inst): bigint {
  return f.imm64(i);
}

function truthy(v: Value): boolean {
  if (v instanceof Uint8Array) return v.some((b) => b !== 0);
  return v !== 0 && v !== 0n;
}

function allOnes(lane: Type): Scalar {
  return fromBig(laneBits(lane), -1n);
}

function lanes(t: Type): { lane: Type; n: number; bits: number } {
  const lane = laneType(t);
  return { lane, n: laneCount(t), bits: laneBits(lane) };
}

// ------------------------------------------------------------------ handler builders

function intBinary(op: I.BinOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const a = argv(x, f, i, 0);
    const b = argv(x, f, i, 1);
    set(x, f, i, a instanceof Uint8Array ? zipLanes(t, a, b, (p, q) => op(bits, p, q)) : op(bits, a as Scalar, b as Scalar));
  };
}

/** Shifts and rotates: the amount may have any integer type; a scalar amount applies to every lane. */
function shift(op: I.BinOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const a = argv(x, f, i, 0);
    const b = argv(x, f, i, 1);
    const amt = b instanceof Uint8Array ? getLane(b, laneType(argT(x, f, i, 1)), 0) : b;
    const s = typeof amt === 'number' ? amt % bits : Number(amt % BigInt(bits));
    set(x, f, i, a instanceof Uint8Array ? mapLanes(t, a, (p) => op(bits, p, s)) : op(bits, a, retype(bits, s)));
  };
}

function retype(bits: number, s: number): Scalar {
  return bits >= 64 ? BigInt(s) : s;
}

function intImm(op: I.BinOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    set(x, f, i, op(bits, argv(x, f, i, 0) as Scalar, fromBig(bits, imm64(f, i))));
  };
}

function shiftImm(op: I.BinOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const s = Number(BigInt.asUintN(64, imm64(f, i)) % BigInt(bits));
    const a = argv(x, f, i, 0);
    set(x, f, i, a instanceof Uint8Array ? mapLanes(t, a, (p) => op(bits, p, s)) : op(bits, a, retype(bits, s)));
  };
}

function intUnary(op: I.UnOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    set(x, f, i, mapLanes(t, argv(x, f, i, 0), (p) => op(bits, p)));
  };
}

function floatBinary(op: F.FBin): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const w = laneBits(t) as FW;
    set(x, f, i, zipLanes(t, argv(x, f, i, 0), argv(x, f, i, 1), (p, q) => op(w, p, q)));
  };
}

function floatUnary(op: (w: FW, a: Scalar) => Scalar): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const w = laneBits(t) as FW;
    set(x, f, i, mapLanes(t, argv(x, f, i, 0), (p) => op(w, p)));
  };
}

function overflow(kind: 'add' | 'sub' | 'mul', sign: boolean, op: I.BinOp): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const a = argv(x, f, i, 0) as Scalar;
    const b = argv(x, f, i, 1) as Scalar;
    set(x, f, i, op(bits, a, b), 0);
    set(x, f, i, I.overflows(kind, sign, bits, a, b) ? 1 : 0, 1);
  };
}

/** `*_overflow_cin` / `*_overflow_bin`: a third operand carries in (or borrows). */
function carryOverflow(kind: 'add' | 'sub', sign: boolean): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const a = toBig(sign ? signed(bits, argv(x, f, i, 0) as Scalar) : (argv(x, f, i, 0) as Scalar));
    const b = toBig(sign ? signed(bits, argv(x, f, i, 1) as Scalar) : (argv(x, f, i, 1) as Scalar));
    const c = truthy(argv(x, f, i, 2)) ? 1n : 0n;
    const r = kind === 'add' ? a + b + c : a - b - c;
    const lo = sign ? -(1n << BigInt(bits - 1)) : 0n;
    const hi = sign ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    set(x, f, i, fromBig(bits, r), 0);
    set(x, f, i, r < lo || r > hi ? 1 : 0, 1);
  };
}

// ------------------------------------------------------------------ the table

export const HANDLERS: Record<string, Handler> = {
  nop: () => {},
  sequence_point: () => {},
  fence: () => {},

  iconst: (x, f, i) => {
    const t = resT(f, i);
    set(x, f, i, fromBig(laneBits(t), imm64(f, i)));
  },
  f16const: (x, f, i) => set(x, f, i, f.imm0(i) & 0xffff),
  f32const: (x, f, i) => set(x, f, i, f.imm0(i) >>> 0),
  f64const: (x, f, i) => set(x, f, i, BigInt.asUintN(64, imm64(f, i))),
  f128const: (x, f, i) => set(x, f, i, fromBytes(resT(f, i), f.constants[f.imm0(i)], false)),
  vconst: (x, f, i) => {
    const t = resT(f, i);
    const c = f.constants[f.imm0(i)];
    const out = new Uint8Array(bytes(t));
    out.set(c.subarray(0, out.length));
    set(x, f, i, out);
  },

  iadd: intBinary(I.iadd),
  isub: intBinary(I.isub),
  imul: intBinary(I.imul),
  umulhi: intBinary(I.umulhi),
  smulhi: intBinary(I.smulhi),
  udiv: intBinary(I.udiv),
  sdiv: intBinary(I.sdiv),
  urem: intBinary(I.urem),
  srem: intBinary(I.srem),
  band: bitwise(I.band),
  bor: bitwise(I.bor),
  bxor: bitwise(I.bxor),
  band_not: bitwise(I.bandNot),
  bor_not: bitwise(I.borNot),
  bxor_not: bitwise(I.bxorNot),
  bnot: (x, f, i) => set(x, f, i, bytewise(argv(x, f, i, 0), argT(x, f, i, 0), null, (a) => ~a)),
  smin: intBinary(I.sminOp),
  smax: intBinary(I.smaxOp),
  umin: intBinary(I.uminOp),
  umax: intBinary(I.umaxOp),
  uadd_sat: intBinary(I.uaddSat),
  sadd_sat: intBinary(I.saddSat),
  usub_sat: intBinary(I.usubSat),
  ssub_sat: intBinary(I.ssubSat),
  avg_round: intBinary(I.avgRound),
  sqmul_round_sat: intBinary(I.sqmulRoundSat),
  // PMULHRSW rounds like sqmul_round_sat but wraps: -32768 * -32768 gives -32768.
  x86_pmulhrsw: intBinary((bits, a, b) => fromBig(bits, (toBig(signed(bits, a)) * toBig(signed(bits, b)) + (1n << BigInt(bits - 2))) >> BigInt(bits - 1))),
  ishl: shift(I.ishl),
  ushr: shift(I.ushr),
  sshr: shift(I.sshr),
  rotl: shift(I.rotl),
  rotr: shift(I.rotr),
  ishl_imm: shiftImm(I.ishl),
  ushr_imm: shiftImm(I.ushr),
  sshr_imm: shiftImm(I.sshr),
  rotl_imm: shiftImm(I.rotl),
  rotr_imm: shiftImm(I.rotr),
  iadd_imm: intImm(I.iadd),
  imul_imm: intImm(I.imul),
  udiv_imm: intImm(I.udiv),
  sdiv_imm: intImm(I.sdiv),
  urem_imm: intImm(I.urem),
  srem_imm: intImm(I.srem),
  irsub_imm: intImm((bits, a, b) => I.isub(bits, b, a)),
  band_imm: intImm(I.band),
  bor_imm: intImm(I.bor),
  bxor_imm: intImm(I.bxor),
  ineg: intUnary(I.ineg),
  iabs: intUnary(I.iabs),
  clz: intUnary(I.clz),
  cls: intUnary(I.cls),
  ctz: intUnary(I.ctz),
  popcnt: intUnary(I.popcnt),
  bitrev: intUnary(I.bitrev),
  bswap: intUnary(I.bswap),

  uadd_overflow: overflow('add', false, I.iadd),
  sadd_overflow: overflow('add', true, I.iadd),
  usub_overflow: overflow('sub', false, I.isub),
  ssub_overflow: overflow('sub', true, I.isub),
  umul_overflow: overflow('mul', false, I.imul),
  smul_overflow: overflow('mul', true, I.imul),
  uadd_overflow_cin: carryOverflow('add', false),
  sadd_overflow_cin: carryOverflow('add', true),
  usub_overflow_bin: carryOverflow('sub', false),
  ssub_overflow_bin: carryOverflow('sub', true),
  uadd_overflow_trap: (x, f, i) => {
    const bits = laneBits(argT(x, f, i, 0));
    const a = argv(x, f, i, 0) as Scalar;
    const b = argv(x, f, i, 1) as Scalar;
    if (I.overflows('add', false, bits, a, b)) throw new TrapSignal(f.imm0(i));
    set(x, f, i, I.iadd(bits, a, b));
  },

  icmp: (x, f, i) => set(x, f, i, compareInts(argT(x, f, i, 0), f.imm0(i), argv(x, f, i, 0), argv(x, f, i, 1))),
  icmp_imm: (x, f, i) => {
    const t = argT(x, f, i, 0);
    set(x, f, i, compareInts(t, f.imm0(i), argv(x, f, i, 0), fromBig(laneBits(t), imm64(f, i))));
  },
  fcmp: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const w = laneBits(t) as FW;
    const cc = f.imm0(i);
    const a = argv(x, f, i, 0);
    const b = argv(x, f, i, 1);
    if (a instanceof Uint8Array) {
      const lane = laneType(t);
      const ones = allOnes(lane);
      const zero = laneBits(lane) >= 64 ? 0n : 0;
      set(x, f, i, zipLanes(t, a, b, (p, q) => (F.fcmp(cc, w, p, q) ? ones : zero)));
    } else {
      set(x, f, i, F.fcmp(cc, w, a as Scalar, b as Scalar) ? 1 : 0);
    }
  },

  fadd: floatBinary(F.fadd),
  fsub: floatBinary(F.fsub),
  fmul: floatBinary(F.fmul),
  fdiv: floatBinary(F.fdiv),
  fmin: floatBinary(F.fmin),
  fmax: floatBinary(F.fmax),
  fmin_pseudo: floatBinary(F.fminPseudo),
  fmax_pseudo: floatBinary(F.fmaxPseudo),
  fcopysign: floatBinary(F.fcopysign),
  sqrt: floatUnary(F.sqrt),
  fneg: floatUnary(F.fneg),
  fabs: floatUnary(F.fabs),
  ceil: floatUnary((w, a) => F.fround('ceil', w, a)),
  floor: floatUnary((w, a) => F.fround('floor', w, a)),
  trunc: floatUnary((w, a) => F.fround('trunc', w, a)),
  nearest: floatUnary((w, a) => F.fround('nearest', w, a)),
  fma: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const w = laneBits(t) as FW;
    const a = argv(x, f, i, 0);
    const b = argv(x, f, i, 1);
    const c = argv(x, f, i, 2);
    if (!(a instanceof Uint8Array)) {
      set(x, f, i, F.fma(w, a, b as Scalar, c as Scalar));
      return;
    }
    const lane = laneType(t);
    const out = new Uint8Array(a.length);
    for (let k = 0; k < laneCount(t); k++) {
      setLane(out, lane, k, F.fma(w, getLane(a, lane, k), getLane(b as Uint8Array, lane, k), getLane(c as Uint8Array, lane, k)));
    }
    set(x, f, i, out);
  },

  select: select,
  select_spectre_guard: select,
  bitselect: (x, f, i) => {
    const t = argT(x, f, i, 1);
    const mask = toBytes(t, argv(x, f, i, 0), false);
    set(x, f, i, bytewise(argv(x, f, i, 1), t, argv(x, f, i, 2), (a, b, k) => (a & mask[k]) | (b & ~mask[k])));
  },
  bmask: (x, f, i) => {
    const t = resT(f, i);
    const v = argv(x, f, i, 0);
    if (v instanceof Uint8Array) {
      const st = argT(x, f, i, 0);
      const lane = laneType(t);
      const ones = allOnes(lane);
      const zero = zeroScalar(lane);
      set(x, f, i, mapLanes(st, v, (p) => (p !== 0 && p !== 0n ? ones : zero)));
      return;
    }
    set(x, f, i, truthy(v) ? allOnes(t) : zeroScalar(t));
  },

  uextend: extend(false),
  sextend: extend(true),
  ireduce: (x, f, i) => {
    const t = resT(f, i);
    set(x, f, i, fromBig(laneBits(t), toBig(argv(x, f, i, 0) as Scalar)));
  },
  iconcat: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const bits = laneBits(t);
    const lo = toBig(argv(x, f, i, 0) as Scalar);
    const hi = toBig(argv(x, f, i, 1) as Scalar);
    set(x, f, i, fromBig(bits * 2, (hi << BigInt(bits)) | lo));
  },
  isplit: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const half = laneBits(t) / 2;
    const v = toBig(argv(x, f, i, 0) as Scalar);
    set(x, f, i, fromBig(half, v), 0);
    set(x, f, i, fromBig(half, v >> BigInt(half)), 1);
  },
  bitcast: (x, f, i) => {
    const from = argT(x, f, i, 0);
    const to = resT(f, i);
    const big = memEndianness(f.imm0(i)) === ENDIAN_BIG;
    set(x, f, i, fromBytes(to, toBytes(from, argv(x, f, i, 0), big), big));
  },

  fpromote: convertFloat,
  fdemote: convertFloat,
  fvpromote_low: (x, f, i) => {
    const st = argT(x, f, i, 0);
    const t = resT(f, i);
    const v = argv(x, f, i, 0) as Uint8Array;
    const out = new Uint8Array(bytes(t));
    for (let k = 0; k < laneCount(t); k++) {
      setLane(out, laneType(t), k, F.fconvert(laneBits(st) as FW, laneBits(t) as FW, getLane(v, laneType(st), k)));
    }
    set(x, f, i, out);
  },
  fvdemote: (x, f, i) => {
    const st = argT(x, f, i, 0);
    const t = resT(f, i);
    const v = argv(x, f, i, 0) as Uint8Array;
    const out = new Uint8Array(bytes(t));
    for (let k = 0; k < laneCount(st); k++) {
      setLane(out, laneType(t), k, F.fconvert(laneBits(st) as FW, laneBits(t) as FW, getLane(v, laneType(st), k)));
    }
    set(x, f, i, out);
  },
  fcvt_to_uint: toInt(false, false),
  fcvt_to_sint: toInt(true, false),
  fcvt_to_uint_sat: toInt(false, true),
  fcvt_to_sint_sat: toInt(true, true),
  // CVTTPS2DQ: NaN and out-of-range lanes give the "integer indefinite" value 0x80000000.
  x86_cvtt2dq: (x, f, i) => {
    const from = argT(x, f, i, 0);
    set(x, f, i, mapLanes(from, argv(x, f, i, 0), (p) => {
      try {
        return F.fcvtToInt(laneBits(from) as FW, p, 32, true, false);
      } catch (e) {
        if (e instanceof TrapSignal) return 0x80000000;
        throw e;
      }
    }));
  },
  fcvt_from_uint: fromInt(false),
  fcvt_from_sint: fromInt(true),

  splat: (x, f, i) => {
    const t = resT(f, i);
    const v = argv(x, f, i, 0) as Scalar;
    const out = new Uint8Array(bytes(t));
    for (let k = 0; k < laneCount(t); k++) setLane(out, laneType(t), k, v);
    set(x, f, i, out);
  },
  scalar_to_vector: (x, f, i) => {
    const t = resT(f, i);
    const out = new Uint8Array(bytes(t));
    setLane(out, laneType(t), 0, argv(x, f, i, 0) as Scalar);
    set(x, f, i, out);
  },
  extractlane: (x, f, i) => {
    const t = argT(x, f, i, 0);
    set(x, f, i, getLane(argv(x, f, i, 0) as Uint8Array, laneType(t), f.imm0(i)));
  },
  insertlane: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const out = (argv(x, f, i, 0) as Uint8Array).slice();
    setLane(out, laneType(t), f.imm0(i), argv(x, f, i, 1) as Scalar);
    set(x, f, i, out);
  },
  extract_vector: (x, f, i) => {
    const t = resT(f, i);
    const v = argv(x, f, i, 0) as Uint8Array;
    const n = bytes(t);
    set(x, f, i, v.slice(f.imm0(i) * n, f.imm0(i) * n + n));
  },
  shuffle: (x, f, i) => {
    const a = argv(x, f, i, 0) as Uint8Array;
    const b = argv(x, f, i, 1) as Uint8Array;
    const mask = f.immediates[f.imm0(i)];
    const out = new Uint8Array(16);
    for (let k = 0; k < 16; k++) {
      const m = mask[k];
      out[k] = m < 16 ? a[m] : m < 32 ? b[m - 16] : 0;
    }
    set(x, f, i, out);
  },
  swizzle: swizzle,
  x86_pshufb: (x, f, i) => {
    const a = argv(x, f, i, 0) as Uint8Array;
    const s = argv(x, f, i, 1) as Uint8Array;
    const out = new Uint8Array(16);
    for (let k = 0; k < 16; k++) out[k] = s[k] & 0x80 ? 0 : a[s[k] & 15];
    set(x, f, i, out);
  },
  snarrow: narrow(true, true),
  unarrow: narrow(true, false),
  uunarrow: narrow(false, false),
  swiden_low: widen(true, false),
  swiden_high: widen(true, true),
  uwiden_low: widen(false, false),
  uwiden_high: widen(false, true),
  iadd_pairwise: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const { lane, n, bits } = lanes(t);
    const a = argv(x, f, i, 0) as Uint8Array;
    const b = argv(x, f, i, 1) as Uint8Array;
    const out = new Uint8Array(a.length);
    for (let k = 0; k < n / 2; k++) {
      setLane(out, lane, k, I.iadd(bits, getLane(a, lane, 2 * k), getLane(a, lane, 2 * k + 1)));
      setLane(out, lane, k + n / 2, I.iadd(bits, getLane(b, lane, 2 * k), getLane(b, lane, 2 * k + 1)));
    }
    set(x, f, i, out);
  },
  x86_pmaddubsw: (x, f, i) => {
    const a = argv(x, f, i, 0) as Uint8Array;
    const b = argv(x, f, i, 1) as Uint8Array;
    const out = new Uint8Array(16);
    for (let k = 0; k < 8; k++) {
      const s = a[2 * k] * ((b[2 * k] << 24) >> 24) + a[2 * k + 1] * ((b[2 * k + 1] << 24) >> 24);
      setLane(out, I16, k, wrap(16, Math.max(-32768, Math.min(32767, s))));
    }
    set(x, f, i, out);
  },
  vany_true: (x, f, i) => set(x, f, i, truthy(argv(x, f, i, 0)) ? 1 : 0),
  vall_true: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const v = argv(x, f, i, 0) as Uint8Array;
    let all = 1;
    for (let k = 0; k < laneCount(t); k++) {
      const p = getLane(v, laneType(t), k);
      if (p === 0 || p === 0n) all = 0;
    }
    set(x, f, i, all);
  },
  vhigh_bits: (x, f, i) => {
    const t = argT(x, f, i, 0);
    const { lane, n, bits } = lanes(t);
    const v = argv(x, f, i, 0) as Uint8Array;
    let r = 0n;
    for (let k = 0; k < n; k++) if ((toBig(getLane(v, lane, k)) >> BigInt(bits - 1)) & 1n) r |= 1n << BigInt(k);
    set(x, f, i, fromBig(laneBits(resT(f, i)), r));
  },
  blendv: blendv,
  x86_blendv: blendv,

  get_pinned_reg: (x, f, i) => set(x, f, i, x.pinned ?? fromBig(laneBits(resT(f, i)), 0n)),
  set_pinned_reg: (x, f, i) => {
    x.pinned = argv(x, f, i, 0);
  },
};

function zeroScalar(t: Type): Scalar {
  return laneBits(t) >= 64 ? 0n : 0;
}

function compareInts(t: Type, cc: number, a: Value, b: Value): Value {
  const bits = laneBits(t);
  if (a instanceof Uint8Array) {
    const lane = laneType(t);
    const ones = allOnes(lane);
    const zero = zeroScalar(lane);
    return zipLanes(t, a, b, (p, q) => (I.icmp(cc, bits, p, q) ? ones : zero));
  }
  return I.icmp(cc, bits, a as Scalar, b as Scalar) ? 1 : 0;
}

/** Bitwise ops work on bit patterns of any type, floats and vectors included. */
function bitwise(op: I.BinOp): Handler {
  const byteOp = (p: number, q: number) => op(8, p, q) as number;
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const a = argv(x, f, i, 0);
    const b = argv(x, f, i, 1);
    if (a instanceof Uint8Array) {
      set(x, f, i, bytewise(a, t, b, byteOp));
      return;
    }
    set(x, f, i, op(laneBits(t), a as Scalar, b as Scalar));
  };
}

function bytewise(a: Value, t: Type, b: Value | null, op: (p: number, q: number, k: number) => number): Value {
  const pa = toBytes(t, a, false);
  const pb = b === null ? pa : toBytes(t, b, false);
  const out = new Uint8Array(pa.length);
  for (let k = 0; k < pa.length; k++) out[k] = op(pa[k], pb[k], k) & 0xff;
  return fromBytes(t, out, false);
}

function select(x: Exec, f: Function, i: Inst): void {
  set(x, f, i, truthy(argv(x, f, i, 0)) ? argv(x, f, i, 1) : argv(x, f, i, 2));
}

function blendv(x: Exec, f: Function, i: Inst): void {
  const t = argT(x, f, i, 1);
  const { lane, n, bits } = lanes(t);
  const c = argv(x, f, i, 0) as Uint8Array;
  const a = argv(x, f, i, 1) as Uint8Array;
  const b = argv(x, f, i, 2) as Uint8Array;
  const out = new Uint8Array(a.length);
  for (let k = 0; k < n; k++) {
    const m = (toBig(getLane(c, lane, k)) >> BigInt(bits - 1)) & 1n;
    setLane(out, lane, k, m ? getLane(a, lane, k) : getLane(b, lane, k));
  }
  set(x, f, i, out);
}

function extend(sign: boolean): Handler {
  return (x, f, i) => {
    const from = argT(x, f, i, 0);
    const to = resT(f, i);
    const v = argv(x, f, i, 0);
    if (v instanceof Uint8Array) {
      throw new UnsupportedError(`vector ${sign ? 'sextend' : 'uextend'} to ${typeName(to)}`);
    }
    set(x, f, i, I.extendTo(laneBits(from), laneBits(to), v, sign));
  };
}

function convertFloat(x: Exec, f: Function, i: Inst): void {
  const from = argT(x, f, i, 0);
  const to = resT(f, i);
  const v = argv(x, f, i, 0);
  if (v instanceof Uint8Array) {
    const out = new Uint8Array(bytes(to));
    for (let k = 0; k < laneCount(to); k++) {
      setLane(out, laneType(to), k, F.fconvert(laneBits(from) as FW, laneBits(to) as FW, getLane(v, laneType(from), k)));
    }
    set(x, f, i, out);
    return;
  }
  set(x, f, i, F.fconvert(laneBits(from) as FW, laneBits(to) as FW, v));
}

function toInt(sign: boolean, sat: boolean): Handler {
  return (x, f, i) => {
    const from = argT(x, f, i, 0);
    const to = resT(f, i);
    const v = argv(x, f, i, 0);
    const w = laneBits(from) as FW;
    const bits = laneBits(to);
    if (v instanceof Uint8Array) {
      const out = new Uint8Array(bytes(to));
      for (let k = 0; k < laneCount(to); k++) {
        const p = k < laneCount(from) ? getLane(v, laneType(from), k) : null;
        setLane(out, laneType(to), k, p === null ? zeroScalar(laneType(to)) : F.fcvtToInt(w, p, bits, sign, sat));
      }
      set(x, f, i, out);
      return;
    }
    set(x, f, i, F.fcvtToInt(w, v, bits, sign, sat));
  };
}

function fromInt(sign: boolean): Handler {
  return (x, f, i) => {
    const from = argT(x, f, i, 0);
    const to = resT(f, i);
    const v = argv(x, f, i, 0);
    const w = laneBits(to) as FW;
    const bits = laneBits(from);
    if (v instanceof Uint8Array) {
      const out = new Uint8Array(bytes(to));
      for (let k = 0; k < laneCount(to); k++) {
        setLane(out, laneType(to), k, F.fcvtFromInt(w, getLane(v, laneType(from), k), bits, sign));
      }
      set(x, f, i, out);
      return;
    }
    set(x, f, i, F.fcvtFromInt(w, v, bits, sign));
  };
}

function swizzle(x: Exec, f: Function, i: Inst): void {
  const a = argv(x, f, i, 0) as Uint8Array;
  const s = argv(x, f, i, 1) as Uint8Array;
  const out = new Uint8Array(16);
  for (let k = 0; k < 16; k++) out[k] = s[k] < 16 ? a[s[k]] : 0;
  set(x, f, i, out);
}

/** `snarrow` (signed to signed), `unarrow` (signed to unsigned), `uunarrow` (unsigned to unsigned). */
function narrow(srcSigned: boolean, dstSigned: boolean): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const to = resT(f, i);
    const { lane, n, bits } = lanes(t);
    const nb = bits / 2;
    const lo = dstSigned ? -(1n << BigInt(nb - 1)) : 0n;
    const hi = dstSigned ? (1n << BigInt(nb - 1)) - 1n : (1n << BigInt(nb)) - 1n;
    const out = new Uint8Array(bytes(to));
    const srcs = [argv(x, f, i, 0) as Uint8Array, argv(x, f, i, 1) as Uint8Array];
    for (let s = 0; s < 2; s++) {
      for (let k = 0; k < n; k++) {
        const p = getLane(srcs[s], lane, k);
        let v = toBig(srcSigned ? signed(bits, p) : p);
        v = v < lo ? lo : v > hi ? hi : v;
        setLane(out, laneType(to), s * n + k, fromBig(nb, v));
      }
    }
    set(x, f, i, out);
  };
}

function widen(sign: boolean, high: boolean): Handler {
  return (x, f, i) => {
    const t = argT(x, f, i, 0);
    const to = resT(f, i);
    const { lane, n, bits } = lanes(t);
    const v = argv(x, f, i, 0) as Uint8Array;
    const out = new Uint8Array(bytes(to));
    const m = laneCount(to);
    const base = high ? n - m : 0;
    for (let k = 0; k < m; k++) {
      setLane(out, laneType(to), k, I.extendTo(bits, bits * 2, getLane(v, lane, base + k), sign));
    }
    set(x, f, i, out);
  };
}

