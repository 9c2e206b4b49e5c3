// Scalar floating point: F, D and Zfh instructions (rounding to nearest-even written out, so the
// dynamic rounding mode does not matter), and the CLIF semantics RISC-V does not have as one
// instruction: NaN-propagating fmin/fmax, rounding to an integral value, trapping and
// saturating conversions to integers, compares that are true on unordered operands.
//
// f16 values sit NaN-boxed in FPRs (upper 48 bits ones). With Zfh they compute directly; with
// only Zfhmin (conversions and moves) they compute in f32 and round once to f16, which is
// correctly rounded for + - * / sqrt (f32 has 24 >= 2 * 11 + 2 significand bits). f128 values
// sit in GPR pairs, as the psABI passes `long double`, and compute in libgcc and libm.

import {
  type Inst, type Type, type Value,
  BAND, BAND_NOT, BITCAST, BNOT, BOR, BOR_NOT, BXOR, BXOR_NOT, CEIL, F128, F128CONST, F16, F16CONST, F32, F32CONST, F64, F64CONST, FABS, FADD, FCMP, FCOPYSIGN,
  FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT, FCVT_TO_UINT_SAT, FDEMOTE, FDIV, FLOOR,
  FMA, FMAX, FMIN, FMUL, FNEG, FPROMOTE, FSUB, FloatCC, I128, I16, I32, I64, I8, NEAREST, SQRT, TRAP_BAD_TOINT,
  TRAP_INT_OVF, TRUNC, bytes, isVector,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { RegClass } from '@windlass/regalloc';
import { Pseudo, Rm, branch, load, pseudo, r4, rr, rri, rrr, rrrm, store } from '../inst/mod';
import * as O from '../inst/ops';
import { FpFmt } from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, argType, isIntScalar, resultType } from './state';
import type { Cond } from './cond';
import { condMove } from './seq';
import { libcall } from './libcall';

const fmtOf = (t: Type): FpFmt => (t === F64 ? FpFmt.D : t === F32 ? FpFmt.S : FpFmt.H);
const isScalarFloat = (t: Type): boolean => t === F16 || t === F32 || t === F64;

/** Whether `t` computes in its own format here (f16 needs Zfh), else in f32. */
function native(L: RvLower, t: Type): boolean {
  return t !== F16 || L.isa.zfh;
}

/** A register holding float `r` of type `t` as the type it computes in (f16 without Zfh: f32). */
function widen(L: RvLower, t: Type, r: number): number {
  if (native(L, t)) return r;
  if (!L.isa.zfhmin) L.unsupported('f16 arithmetic without Zfh or Zfhmin');
  const w = L.tmp(RegClass.Float);
  L.emit(rr(O.FCVT_FF[FpFmt.S][FpFmt.H], w, r, Rm.RNE));
  return w;
}
/** Writes `r`, computed in the type `widen` chose, into `dst` of type `t`. */
function narrowInto(L: RvLower, t: Type, dst: number, r: number): void {
  if (native(L, t)) L.move(dst, r, RegClass.Float);
  else L.emit(rr(O.FCVT_FF[FpFmt.H][FpFmt.S], dst, r, Rm.RNE));
}
const work = (L: RvLower, t: Type): FpFmt => (native(L, t) ? fmtOf(t) : FpFmt.S);

function binaryRule(which: 'add' | 'sub' | 'mul' | 'div') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (t === F128) return softBinary(L, inst, `__${which}tf3`);
    if (!isScalarFloat(t)) return false;
    const a = widen(L, t, L.reg(L.f.arg(inst, 0)));
    const b = widen(L, t, L.reg(L.f.arg(inst, 1)));
    const ops = O.FP[work(L, t)];
    const op = which === 'add' ? ops.add : which === 'sub' ? ops.sub : which === 'mul' ? ops.mul : ops.div;
    if (native(L, t)) L.emit(rrrm(op, L.out(), a, b, Rm.RNE));
    else {
      const r = L.tmp(RegClass.Float);
      L.emit(rrrm(op, r, a, b, Rm.RNE));
      narrowInto(L, t, L.out(), r);
    }
    return true;
  };
}

function sqrtRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === F128) return softUnary(L, inst, 'sqrtl');
  if (!isScalarFloat(t)) return false;
  const a = widen(L, t, L.reg(L.f.arg(inst, 0)));
  const r = native(L, t) ? L.out() : L.tmp(RegClass.Float);
  L.emit(rr(O.FP[work(L, t)].sqrt, r, a, Rm.RNE));
  if (!native(L, t)) narrowInto(L, t, L.out(), r);
  return true;
}

function fmaRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === F128) return softCall3(L, inst, 'fmal');
  if (!isScalarFloat(t)) return false;
  const f = L.f;
  if (!native(L, t)) {
    // a*b is exact in f64 and the sum rounds twice (to f64, then to f16): computed in f64.
    const w = (v: Value): number => {
      const d = L.tmp(RegClass.Float);
      L.emit(rr(O.FCVT_FF[FpFmt.D][FpFmt.H], d, L.reg(v), Rm.RNE));
      return d;
    };
    const r = L.tmp(RegClass.Float);
    L.emit(r4(O.FP_D.madd, r, w(f.arg(inst, 0)), w(f.arg(inst, 1)), w(f.arg(inst, 2)), Rm.RNE));
    L.emit(rr(O.FCVT_FF[FpFmt.H][FpFmt.D], L.out(), r, Rm.RNE));
    return true;
  }
  L.emit(r4(O.FP[fmtOf(t)].madd, L.out(), L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), L.reg(f.arg(inst, 2)), Rm.RNE));
  return true;
}

/** fneg, fabs, fcopysign: sign-bit operations (exact on every value, NaNs included). */
function signRule(which: 'neg' | 'abs' | 'copysign') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    if (t === F128) {
      const [lo, hi] = L.pair(f.arg(inst, 0));
      const [dlo, dhi] = L.outPair();
      L.move(dlo, lo);
      signBits(L, which, hi, which === 'copysign' ? L.pair(f.arg(inst, 1))[1] : -1, dhi, 63);
      return true;
    }
    if (!isScalarFloat(t)) return false;
    const a = L.reg(f.arg(inst, 0));
    if (t === F16 && !L.isa.zfh) {
      // Through the bits: the sign is bit 15 of the boxed value.
      const g = L.tmp();
      L.emit(rri(O.FP_S.mvToX, g, a, 0));
      const h = L.tmp();
      let other = -1;
      if (which === 'copysign') {
        other = L.tmp();
        L.emit(rri(O.FP_S.mvToX, other, L.reg(f.arg(inst, 1)), 0));
      }
      signBits(L, which, g, other, h, 15);
      boxF16(L, h, L.out());
      return true;
    }
    const ops = O.FP[fmtOf(t)];
    const b = which === 'copysign' ? L.reg(f.arg(inst, 1)) : a;
    L.emit(rrr(which === 'neg' ? ops.sgnjn : which === 'abs' ? ops.sgnjx : ops.sgnj, L.out(), a, b));
    return true;
  };
}

/** d <- x with its sign bit `bit` negated, cleared, or copied from `y`. */
function signBits(L: RvLower, which: string, x: number, y: number, d: number, bit: number): void {
  const sign = L.constReg(bit >= 32 ? 0 : 2 ** bit | 0, bit >= 32 ? (2 ** (bit - 32)) | 0 : 0);
  if (which === 'neg') {
    L.emit(rrr(O.XOR, d, x, sign));
    return;
  }
  const notSign = L.tmp();
  L.emit(rri(O.XORI, notSign, sign, -1));
  if (which === 'abs') {
    L.emit(rrr(O.AND, d, x, notSign));
    return;
  }
  const a = L.tmp(), b = L.tmp();
  L.emit(rrr(O.AND, a, x, notSign));
  L.emit(rrr(O.AND, b, y, sign));
  L.emit(rrr(O.OR, d, a, b));
}

/** f16 bits (low 16 of `g`) into an FPR, NaN-boxed. */
export function boxF16(L: RvLower, g: number, d: number): void {
  if (L.isa.zfhmin) {
    L.emit(rri(O.FP_H.mvFromX, d, g, 0));
    return;
  }
  const b = L.tmp();
  L.emit(rrr(O.OR, b, g, L.constReg(0xffff0000 | 0, -1)));
  L.emit(rri(O.FP_D.mvFromX, d, b, 0));
}

/** Stores float `reg` of type `t` at base + off (an f16 without Zfhmin through a GPR). */
export function storeFloat(L: RvLower, t: Type, reg: number, base: number, off: number, trap = 0): void {
  if (t === F16 && !L.isa.zfhmin) {
    const g = L.tmp();
    L.emit(rri(O.FP_S.mvToX, g, reg, 0));
    L.emit(store(O.SH, g, base, off, trap));
    return;
  }
  L.emit(store(t === F64 ? O.FP_D.store : t === F32 ? O.FP_S.store : O.FP_H.store, reg, base, off, trap));
}
/** Loads float `rd` of type `t` from base + off (an f16 without Zfhmin through a GPR, NaN-boxed). */
export function loadFloat(L: RvLower, t: Type, rd: number, base: number, off: number, trap = 0): void {
  if (t === F16 && !L.isa.zfhmin) {
    const g = L.tmp();
    L.emit(load(O.LHU, g, base, off, trap));
    boxF16(L, g, rd);
    return;
  }
  L.emit(load(t === F64 ? O.FP_D.load : t === F32 ? O.FP_S.load : O.FP_H.load, rd, base, off, trap));
}

/** CLIF fmin/fmax: NaN when either operand is NaN (RISC-V's would return the other), -0 < +0. */
function minMaxRule(max: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (!isScalarFloat(t)) return false;
    const a = widen(L, t, L.reg(L.f.arg(inst, 0)));
    const b = widen(L, t, L.reg(L.f.arg(inst, 1)));
    const ops = O.FP[work(L, t)];
    const m = L.tmp(RegClass.Float), n = L.tmp(RegClass.Float);
    L.emit(rrr(max ? ops.max : ops.min, m, a, b));
    L.emit(rrrm(ops.add, n, a, b, Rm.RNE));
    const oa = L.tmp(), ob = L.tmp(), ok = L.tmp();
    L.emit(rrr(ops.eq, oa, a, a));
    L.emit(rrr(ops.eq, ob, b, b));
    L.emit(rrr(O.AND, ok, oa, ob));
    // Both ordered: the min/max; otherwise the sum, a NaN.
    const r = native(L, t) ? L.out() : L.tmp(RegClass.Float);
    L.emitTied(condMove(O.BEQ, ok, zero, r, m, 1), n);
    if (!native(L, t)) narrowInto(L, t, L.out(), r);
    return true;
  };
}

/** ceil, floor, trunc, nearest: through an integer when |x| < 2^(mantissa bits), else x itself. */
function roundRule(rm: Rm, libm: string) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (t === F128) return softUnary(L, inst, `${libm}l`);
    if (!isScalarFloat(t)) return false;
    const x = widen(L, t, L.reg(L.f.arg(inst, 0)));
    const fmt = work(L, t);
    const ops = O.FP[fmt];
    const ax = L.tmp(RegClass.Float);
    L.emit(rrr(ops.sgnjx, ax, x, x));
    const limit = floatConst(L, fmt === FpFmt.D ? 0x4330000000000000n : 0x4b000000n, fmt); // 2^52, 2^23
    const small = L.tmp();
    L.emit(rrr(ops.lt, small, ax, limit));
    const i = L.tmp(), y = L.tmp(RegClass.Float), ys = L.tmp(RegClass.Float), z = L.tmp(RegClass.Float), big = L.tmp(RegClass.Float);
    L.emit(rr(ops.toInt[O.CvtInt.L], i, x, rm));
    L.emit(rr(ops.fromInt[O.CvtInt.L], y, i, rm));
    // The sign survives (ceil(-0.5) is -0).
    L.emit(rrr(ops.sgnj, ys, y, x));
    // Large, infinite or NaN: x + 0 is x (a NaN comes out quiet).
    L.emit(rri(ops.mvFromX, z, zero, 0));
    L.emit(rrrm(ops.add, big, x, z, Rm.RNE));
    const r = native(L, t) ? L.out() : L.tmp(RegClass.Float);
    L.emitTied(condMove(O.BEQ, small, zero, r, ys, 1), big);
    if (!native(L, t)) narrowInto(L, t, L.out(), r);
    return true;
  };
}

/** A register holding the float constant with bits `b` in format `fmt`. */
function floatConst(L: RvLower, b: bigint, fmt: FpFmt): number {
  const d = L.tmp(RegClass.Float);
  if (b === 0n) {
    L.emit(rri(O.FP[fmt === FpFmt.H && !L.isa.zfhmin ? FpFmt.D : fmt].mvFromX, d, zero, 0));
    return d;
  }
  if (fmt === FpFmt.D) {
    const bytes8 = new Uint8Array(8);
    new DataView(bytes8.buffer).setBigUint64(0, b, true);
    const i = pseudo(Pseudo.LoadConst);
    i.rd = d;
    i.imm = O.FP_D.load;
    i.label = L.constLabel(bytes8, 8);
    L.emit(i);
    return d;
  }
  const g = L.tmp();
  const v = Number(b);
  if (fmt === FpFmt.S) {
    L.constInto(g, v | 0, v >> 31 >> 1);
    L.emit(rri(O.FP_S.mvFromX, d, g, 0));
  } else {
    L.constInto(g, v, 0);
    boxF16(L, g, d);
  }
  return d;
}

function fconstRule(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  if (op === F128CONST) {
    const c = f.constants[f.instImm0[inst]];
    const dv = new DataView(c.buffer, c.byteOffset, 16);
    const [lo, hi] = L.outPair();
    L.constInto(lo, dv.getInt32(0, true), dv.getInt32(4, true));
    L.constInto(hi, dv.getInt32(8, true), dv.getInt32(12, true));
    return true;
  }
  const t = resultType(L, inst);
  const b = op === F64CONST ? BigInt.asUintN(64, f.imm64(inst)) : BigInt(f.instImm0[inst] >>> 0);
  const fmt = fmtOf(t);
  const r = floatConst(L, b, fmt);
  L.move(L.out(), r, RegClass.Float);
  return true;
}

// ------------------------------------------------------------------ compares

/** The branch-when-true condition of `a cc b` on floats of type `t`. */
export function fcmpCond(L: RvLower, cc: FloatCC, a: Value, b: Value, t: Type): Cond {
  if (t === F128) {
    const r = L.tmp();
    softCompare(L, cc, a, b, r);
    return { op: O.BNE, a: r, b: zero };
  }
  const x = widen(L, t, L.reg(a));
  const y = widen(L, t, L.reg(b));
  const ops = O.FP[work(L, t)];
  const r = L.tmp();
  const cmp = (op: number, p: number, q: number): number => {
    const d = L.tmp();
    L.emit(rrr(op, d, p, q));
    return d;
  };
  const or = (p: number, q: number): number => {
    const d = L.tmp();
    L.emit(rrr(O.OR, d, p, q));
    return d;
  };
  const ord = (): number => {
    const d = L.tmp();
    L.emit(rrr(O.AND, d, cmp(ops.eq, x, x), cmp(ops.eq, y, y)));
    return d;
  };
  const when = (d: number): Cond => ({ op: O.BNE, a: d, b: zero });
  const unless = (d: number): Cond => ({ op: O.BEQ, a: d, b: zero });
  void r;
  switch (cc) {
    case FloatCC.Eq: return when(cmp(ops.eq, x, y));
    case FloatCC.Ne: return unless(cmp(ops.eq, x, y));
    case FloatCC.Lt: return when(cmp(ops.lt, x, y));
    case FloatCC.Le: return when(cmp(ops.le, x, y));
    case FloatCC.Gt: return when(cmp(ops.lt, y, x));
    case FloatCC.Ge: return when(cmp(ops.le, y, x));
    case FloatCC.Ord: return when(ord());
    case FloatCC.Uno: return unless(ord());
    case FloatCC.One: return when(or(cmp(ops.lt, x, y), cmp(ops.lt, y, x)));
    case FloatCC.Ueq: return unless(or(cmp(ops.lt, x, y), cmp(ops.lt, y, x)));
    case FloatCC.Ult: return unless(cmp(ops.le, y, x));
    case FloatCC.Ule: return unless(cmp(ops.lt, y, x));
    case FloatCC.Ugt: return unless(cmp(ops.le, x, y));
    case FloatCC.Uge: return unless(cmp(ops.lt, x, y));
    default: return L.unsupported(`float condition ${cc}`);
  }
}

function fcmpRule(L: RvLower, inst: Inst): boolean {
  const t = argType(L, inst, 0);
  if (isVector(t)) return false;
  const f = L.f;
  const c = fcmpCond(L, f.instImm0[inst] as FloatCC, f.arg(inst, 0), f.arg(inst, 1), t);
  const d = L.out();
  // c is `x != 0` or `x == 0` on a 0/1 register.
  if (c.op === O.BNE) L.move(d, c.a);
  else L.emit(rri(O.XORI, d, c.a, 1));
  return true;
}

// ------------------------------------------------------------------ conversions

function promoteDemoteRule(L: RvLower, inst: Inst): boolean {
  const to = resultType(L, inst);
  const from = argType(L, inst, 0);
  if (to === F128 || from === F128) {
    const name = to === F128 ? (from === F64 ? '__extenddftf2' : from === F32 ? '__extendsftf2' : '') : to === F64 ? '__trunctfdf2' : to === F32 ? '__trunctfsf2' : '';
    if (name === '') L.unsupported(`conversion from ${from} to ${to} through f128`);
    return softUnary(L, inst, name);
  }
  if (!isScalarFloat(to) || !isScalarFloat(from)) return false;
  const x = L.reg(L.f.arg(inst, 0));
  if ((to === F16 || from === F16) && !L.isa.zfhmin) L.unsupported('f16 conversions without Zfh or Zfhmin');
  L.emit(rr(O.FCVT_FF[fmtOf(to)][fmtOf(from)], L.out(), x, Rm.RNE));
  return true;
}

function fromIntRule(signed: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const to = resultType(L, inst);
    const from = argType(L, inst, 0);
    if (isVector(to)) return false;
    if (from === I128 || to === F128) return softFromInt(L, inst, signed, from, to);
    if (!isScalarFloat(to) || !isIntScalar(from)) return false;
    const x = from === I8 || from === I16 ? L.extended(L.f.arg(inst, 0), from, signed) : L.reg(L.f.arg(inst, 0));
    // The W forms read the low 32 bits; narrow values were extended to 64 bits.
    const k = from === I32 ? (signed ? O.CvtInt.W : O.CvtInt.WU) : signed ? O.CvtInt.L : O.CvtInt.LU;
    const fmt = to === F16 && !L.isa.zfh ? FpFmt.S : fmtOf(to);
    if (to === F16 && !L.isa.zfh) {
      // Through f64, rounding once: integers below 2^53 convert exactly, larger ones overflow f16 either way.
      const d = L.tmp(RegClass.Float);
      L.emit(rr(O.FP_D.fromInt[k], d, x, Rm.RNE));
      if (!L.isa.zfhmin) L.unsupported('f16 conversions without Zfh or Zfhmin');
      L.emit(rr(O.FCVT_FF[FpFmt.H][FpFmt.D], L.out(), d, Rm.RNE));
      return true;
    }
    L.emit(rr(O.FP[fmt].fromInt[k], L.out(), x, Rm.RNE));
    return true;
  };
}

/**
 * The float bounds of the integers of `bitsN` bits: valid inputs x of a trapping conversion
 * satisfy lo < x < hi (after truncation toward zero). lo = -2^(n-1) - 1 or -1, hi = 2^(n-1) or 2^n.
 */
function boundsBits(bitsN: number, signed: boolean, fmt: FpFmt): { lo: bigint; hi: bigint; loInclusive: boolean } {
  const enc = (v: number): bigint => {
    if (fmt === FpFmt.D) {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, v, true);
      return b.getBigUint64(0, true);
    }
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v, true);
    return BigInt(b.getUint32(0, true));
  };
  if (!signed) return { lo: enc(-1), hi: enc(2 ** bitsN), loInclusive: false };
  const lo = -(2 ** (bitsN - 1)) - 1;
  // -2^(n-1) - 1 may not be representable: then -2^(n-1) itself is the lowest valid value.
  const exact = fmt === FpFmt.D ? bitsN <= 53 : bitsN <= 24;
  return { lo: enc(exact ? lo : -(2 ** (bitsN - 1))), hi: enc(2 ** (bitsN - 1)), loInclusive: !exact };
}

function toIntRule(signed: boolean, sat: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const to = resultType(L, inst);
    const from = argType(L, inst, 0);
    if (isVector(to)) return false;
    if (from === F128 || to === I128) return softToInt(L, inst, signed, sat, from, to);
    if (!isScalarFloat(from) || !isIntScalar(to)) return false;
    const x = widen(L, from, L.reg(L.f.arg(inst, 0)));
    const fmt = work(L, from);
    const ops = O.FP[fmt];
    const bitsN = 8 * bytes(to);
    const { lo, hi, loInclusive } = boundsBits(bitsN, signed, fmt);
    if (!sat) {
      const o = L.tmp();
      L.emit(rrr(ops.eq, o, x, x));
      L.emit(branch(O.BEQ, o, zero, L.trapLabel(TRAP_BAD_TOINT)));
      const inLo = L.tmp(), inHi = L.tmp();
      L.emit(rrr(loInclusive ? ops.le : ops.lt, inLo, floatConst(L, lo, fmt), x));
      L.emit(rrr(ops.lt, inHi, x, floatConst(L, hi, fmt)));
      const ok = L.tmp();
      L.emit(rrr(O.AND, ok, inLo, inHi));
      L.emit(branch(O.BEQ, ok, zero, L.trapLabel(TRAP_INT_OVF)));
      L.emit(rr(ops.toInt[cvtKind(bitsN, signed)], L.out(), x, Rm.RTZ));
      return true;
    }
    // Saturating: the conversion saturates on its own for 32 and 64 bits; narrower results are
    // clamped as floats first. A NaN gives 0 (RISC-V gives the maximum): masked with x == x.
    let src = x;
    if (bitsN < 32) {
      const minV = signed ? -(2 ** (bitsN - 1)) : 0;
      const maxV = signed ? 2 ** (bitsN - 1) - 1 : 2 ** bitsN - 1;
      const c1 = L.tmp(RegClass.Float), c2 = L.tmp(RegClass.Float);
      L.emit(rrr(ops.max, c1, x, floatConst(L, encodeFloat(minV, fmt), fmt)));
      L.emit(rrr(ops.min, c2, c1, floatConst(L, encodeFloat(maxV, fmt), fmt)));
      src = c2;
    }
    const v = L.tmp(), o = L.tmp(), m = L.tmp();
    L.emit(rr(ops.toInt[cvtKind(bitsN, signed)], v, src, Rm.RTZ));
    L.emit(rrr(ops.eq, o, x, x));
    L.emit(rrr(O.SUB, m, zero, o));
    L.emit(rrr(O.AND, L.out(), v, m));
    return true;
  };
}

function encodeFloat(v: number, fmt: FpFmt): bigint {
  if (fmt === FpFmt.D) {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v, true);
    return b.getBigUint64(0, true);
  }
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v, true);
  return BigInt(b.getUint32(0, true));
}

/** The fcvt integer side for a result of `bitsN` bits: w/wu for up to 32 bits, l/lu for 64. */
function cvtKind(bitsN: number, signed: boolean): number {
  if (bitsN === 64) return signed ? O.CvtInt.L : O.CvtInt.LU;
  return signed ? O.CvtInt.W : O.CvtInt.WU;
}

function bitcastRule(L: RvLower, inst: Inst): boolean {
  const to = resultType(L, inst);
  const from = argType(L, inst, 0);
  if (isVector(to) || isVector(from)) return false;
  const x = L.f.arg(inst, 0);
  if (bytes(to) === 16) {
    const [lo, hi] = L.pair(x);
    const [dlo, dhi] = L.outPair();
    L.move(dlo, lo);
    L.move(dhi, hi);
    return true;
  }
  const toF = isScalarFloat(to);
  const fromF = isScalarFloat(from);
  if (toF === fromF) {
    L.move(L.out(), L.reg(x), toF ? RegClass.Float : RegClass.Int);
    return true;
  }
  if (toF) {
    if (to === F16) boxF16(L, L.reg(x), L.out());
    else L.emit(rri(to === F64 ? O.FP_D.mvFromX : O.FP_S.mvFromX, L.out(), L.reg(x), 0));
  } else {
    // fmv.x.w copies the low 32 bits (sign-extended): enough for f16's low 16 too.
    L.emit(rri(from === F64 ? O.FP_D.mvToX : O.FP_S.mvToX, L.out(), L.reg(x), 0));
  }
  return true;
}

// ------------------------------------------------------------------ f128 and i128 through libcalls

/** Registers passing value `v` to a libcall: GPRs for f128/i128 halves, an FPR for f32/f64. */
function softArg(L: RvLower, v: Value, ints: number[], floats: number[]): void {
  const t = L.f.valueType[v] as Type;
  if (t === F128 || t === I128) ints.push(...L.pair(v));
  else if (t === F32 || t === F64) floats.push(L.reg(v));
  else ints.push(L.reg(v));
}

function softResult(L: RvLower, t: Type): { ints?: number[]; floats?: number[] } {
  if (t === F128 || t === I128) return { ints: L.outPair() };
  if (t === F32 || t === F64) return { floats: [L.out()] };
  return { ints: [L.out()] };
}

function softBinary(L: RvLower, inst: Inst, name: string): boolean {
  const ints: number[] = [], floats: number[] = [];
  softArg(L, L.f.arg(inst, 0), ints, floats);
  softArg(L, L.f.arg(inst, 1), ints, floats);
  libcall(L, name, ints, floats, softResult(L, resultType(L, inst)));
  return true;
}
function softUnary(L: RvLower, inst: Inst, name: string): boolean {
  const ints: number[] = [], floats: number[] = [];
  softArg(L, L.f.arg(inst, 0), ints, floats);
  libcall(L, name, ints, floats, softResult(L, resultType(L, inst)));
  return true;
}
function softCall3(L: RvLower, inst: Inst, name: string): boolean {
  const ints: number[] = [], floats: number[] = [];
  for (let k = 0; k < 3; k++) softArg(L, L.f.arg(inst, k), ints, floats);
  libcall(L, name, ints, floats, softResult(L, resultType(L, inst)));
  return true;
}

/** rd <- (a cc b) on f128 values, through libgcc's comparison routines. */
function softCompare(L: RvLower, cc: FloatCC, a: Value, b: Value, rd: number): void {
  const [alo, ahi] = L.pair(a);
  const [blo, bhi] = L.pair(b);
  const call = (name: string, x: [number, number], y: [number, number]): number => {
    const r = L.tmp();
    libcall(L, name, [x[0], x[1], y[0], y[1]], [], { ints: [r] });
    return r;
  };
  const A: [number, number] = [alo, ahi], B: [number, number] = [blo, bhi];
  // __unordtf2 != 0: unordered; __eqtf2 == 0: equal; __lttf2 < 0: less; __letf2 <= 0: less or equal.
  const uno = (): number => {
    const r = call('__unordtf2', A, B);
    const d = L.tmp();
    L.emit(rrr(O.SLTU, d, zero, r));
    return d;
  };
  const isZero = (r: number): number => {
    const d = L.tmp();
    L.emit(rri(O.SLTIU, d, r, 1));
    return d;
  };
  const neg = (r: number): number => {
    const d = L.tmp();
    L.emit(rrr(O.SLT, d, r, zero));
    return d;
  };
  const nonPos = (r: number): number => {
    const d = L.tmp();
    L.emit(rri(O.SLTI, d, r, 1));
    return d;
  };
  const not = (r: number): number => {
    const d = L.tmp();
    L.emit(rri(O.XORI, d, r, 1));
    return d;
  };
  const or = (p: number, q: number): number => {
    const d = L.tmp();
    L.emit(rrr(O.OR, d, p, q));
    return d;
  };
  let res: number;
  switch (cc) {
    case FloatCC.Eq: res = isZero(call('__eqtf2', A, B)); break;
    case FloatCC.Ne: res = not(isZero(call('__eqtf2', A, B))); break;
    case FloatCC.Lt: res = neg(call('__lttf2', A, B)); break;
    case FloatCC.Le: res = nonPos(call('__letf2', A, B)); break;
    case FloatCC.Gt: res = neg(call('__lttf2', B, A)); break;
    case FloatCC.Ge: res = nonPos(call('__letf2', B, A)); break;
    case FloatCC.Uno: res = uno(); break;
    case FloatCC.Ord: res = not(uno()); break;
    case FloatCC.One: res = or(neg(call('__lttf2', A, B)), neg(call('__lttf2', B, A))); break;
    case FloatCC.Ueq: res = not(or(neg(call('__lttf2', A, B)), neg(call('__lttf2', B, A)))); break;
    case FloatCC.Ult: res = not(nonPos(call('__letf2', B, A))); break;
    case FloatCC.Ule: res = not(neg(call('__lttf2', B, A))); break;
    case FloatCC.Ugt: res = not(nonPos(call('__letf2', A, B))); break;
    case FloatCC.Uge: res = not(neg(call('__lttf2', A, B))); break;
    default: L.unsupported(`float condition ${cc}`);
  }
  L.move(rd, res);
}

const INT_SUFFIX = (t: Type): string => (t === I128 ? 'ti' : t === I64 ? 'di' : 'si');
const FLOAT_SUFFIX = (t: Type): string => (t === F128 ? 'tf' : t === F64 ? 'df' : 'sf');

function softFromInt(L: RvLower, inst: Inst, signed: boolean, from: Type, to: Type): boolean {
  if (!(to === F128 || to === F64 || to === F32) || !(from === I128 || isIntScalar(from))) return false;
  const ints: number[] = [];
  if (from === I128) ints.push(...L.pair(L.f.arg(inst, 0)));
  else ints.push(L.extended(L.f.arg(inst, 0), from, signed));
  const name = `__float${signed ? '' : 'un'}${from === I128 ? 'ti' : 'di'}${FLOAT_SUFFIX(to)}`;
  libcall(L, name, ints, [], softResult(L, to));
  return true;
}

function softToInt(L: RvLower, inst: Inst, signed: boolean, sat: boolean, from: Type, to: Type): boolean {
  if (!(from === F128 || from === F64 || from === F32) || !(to === I128 || isIntScalar(to))) return false;
  if (sat) L.unsupported(`saturating conversion from ${FLOAT_SUFFIX(from)} to ${INT_SUFFIX(to)}`);
  const ints: number[] = [], floats: number[] = [];
  softArg(L, L.f.arg(inst, 0), ints, floats);
  const name = `__fix${signed ? '' : 'uns'}${FLOAT_SUFFIX(from)}${to === I128 ? 'ti' : 'di'}`;
  libcall(L, name, ints, floats, to === I128 ? { ints: L.outPair() } : { ints: [L.out()] });
  return true;
}

/** band, bor, bxor, bnot and the `_not` forms on floats: on their bits in GPRs. */
function bitwiseRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t !== F16 && t !== F32 && t !== F64 && t !== F128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const n = op === BNOT ? 1 : 2;
  const combine = (a: number, b: number, d: number): void => {
    if (op === BNOT) {
      L.emit(rri(O.XORI, d, a, -1));
      return;
    }
    let y = b;
    if (op === BAND_NOT || op === BOR_NOT || op === BXOR_NOT) {
      y = L.tmp();
      L.emit(rri(O.XORI, y, b, -1));
    }
    const m = op === BAND || op === BAND_NOT ? O.AND : op === BOR || op === BOR_NOT ? O.OR : O.XOR;
    L.emit(rrr(m, d, a, y));
  };
  if (t === F128) {
    const a = L.pair(f.arg(inst, 0));
    const b = n === 2 ? L.pair(f.arg(inst, 1)) : a;
    const d = L.outPair();
    combine(a[0], b[0], d[0]);
    combine(a[1], b[1], d[1]);
    return true;
  }
  const toX = t === F64 ? O.FP_D.mvToX : O.FP_S.mvToX;
  const bits = (v: Value): number => {
    const g = L.tmp();
    L.emit(rri(toX, g, L.reg(v), 0));
    return g;
  };
  const a = bits(f.arg(inst, 0));
  const r = L.tmp();
  combine(a, n === 2 ? bits(f.arg(inst, 1)) : a, r);
  if (t === F16) boxF16(L, r, L.out());
  else L.emit(rri(t === F64 ? O.FP_D.mvFromX : O.FP_S.mvFromX, L.out(), r, 0));
  return true;
}

export function lowerFloatRules(r: RuleTable<RvLower>): void {
  r.add([BAND, BOR, BXOR, BNOT, BAND_NOT, BOR_NOT, BXOR_NOT], 'float bitwise', bitwiseRule, 5);
  r.add(FADD, 'fadd', binaryRule('add'));
  r.add(FSUB, 'fsub', binaryRule('sub'));
  r.add(FMUL, 'fmul', binaryRule('mul'));
  r.add(FDIV, 'fdiv', binaryRule('div'));
  r.add(SQRT, 'sqrt', sqrtRule);
  r.add(FMA, 'fma', fmaRule);
  r.add(FNEG, 'fneg', signRule('neg'));
  r.add(FABS, 'fabs', signRule('abs'));
  r.add(FCOPYSIGN, 'fcopysign', signRule('copysign'));
  r.add(FMIN, 'fmin', minMaxRule(false));
  r.add(FMAX, 'fmax', minMaxRule(true));
  r.add(CEIL, 'ceil', roundRule(Rm.RUP, 'ceil'));
  r.add(FLOOR, 'floor', roundRule(Rm.RDN, 'floor'));
  r.add(TRUNC, 'trunc', roundRule(Rm.RTZ, 'trunc'));
  r.add(NEAREST, 'nearest', roundRule(Rm.RNE, 'nearbyint'));
  r.add([F16CONST, F32CONST, F64CONST, F128CONST], 'fconst', fconstRule);
  r.add(FCMP, 'fcmp', fcmpRule);
  r.add([FPROMOTE, FDEMOTE], 'fpromote/fdemote', promoteDemoteRule);
  r.add(FCVT_FROM_SINT, 'fcvt_from_sint', fromIntRule(true));
  r.add(FCVT_FROM_UINT, 'fcvt_from_uint', fromIntRule(false));
  r.add(FCVT_TO_SINT, 'fcvt_to_sint', toIntRule(true, false));
  r.add(FCVT_TO_UINT, 'fcvt_to_uint', toIntRule(false, false));
  r.add(FCVT_TO_SINT_SAT, 'fcvt_to_sint_sat', toIntRule(true, true));
  r.add(FCVT_TO_UINT_SAT, 'fcvt_to_uint_sat', toIntRule(false, true));
  r.add(BITCAST, 'bitcast', bitcastRule);
}
