// f16 without FP16, and f128 (IEEE binary128, which is `long double` on AArch64 Linux: it travels
// in one q register, as AAPCS64 passes it).
//
// f128 has no instructions: arithmetic, compares and conversions call libgcc's soft-float
// routines (`__addtf3`, `__lttf2`, `__fixtfti`, `__extendhftf2`, ...), square root, FMA and
// roundings glibc's libm (`sqrtl`, `fmal`, `ceill`, `floorl`, `truncl`, `roundevenl`), so an
// object links with `aarch64-linux-gnu-gcc ... -lm`. fmin/fmax follow CLIF: NaN when either
// operand is NaN (the canonical quiet NaN), -0 < +0.
//
// f16 without FP16 computes in f32 (float.ts); its FMA cannot (the f32 sum of the exact product
// and c would round twice), so a*b is formed exactly in f64, a*b + c exactly in f128 (it spans
// at most 2^32 .. 2^-48), and `__trunctfhf2` rounds once.

import {
  type Inst, type Type, type Value,
  CEIL, F128, F128CONST, F16, F32, F64, FADD, FCMP, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT,
  FCVT_TO_UINT_SAT, FDEMOTE, FDIV, FLOOR, FMA, FMAX, FMIN, FMUL, FPROMOTE, FSUB, FloatCC, I128, I16, I32, I64, I8, NEAREST, SQRT, TRUNC,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, Arr, CSelOp, Cond, FpSize, LdStOp, V, aluRRImm12, aluRRR, bcond, csel, fpCmp, fpCvt, fpRRR, Fp2Op,
  invertCond, ldrLiteral, vec, xzr, BfOp, bitfield,
} from '../inst';
import { type CondCode, floatCond, materializeCond } from './cond';
import { libcall } from './calls';
import { type A64Lower, isScalarInt } from './state';
import { argType, resultType } from './rules';

const BAD_TOINT = 251;
const INT_OVF = 253;

/** Calls `name` with f128/f16/f32/f64 (v registers) and integer arguments; returns the result register. */
function call(L: A64Lower, name: string, params: readonly Type[], args: readonly (readonly number[])[], ret: Type, dst?: readonly number[]): number[] {
  const out = dst ?? (ret === I128 ? [L.tmp(), L.tmp()] : [isVReg(ret) ? L.vtmp() : L.tmp()]);
  libcall(L, name, params, args, [ret], [out]);
  return out as number[];
}
function isVReg(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128;
}
/** An int-returning f128 predicate call. */
function icall(L: A64Lower, name: string, a: number, b: number): number {
  return call(L, name, [F128, F128], [[a], [b]], I32)[0];
}

/** f16 compare without FP16: both widened to f32 (exact), compared there. */
export function softFloat16Cond(L: A64Lower, cc: FloatCC, a: Value, b: Value): CondCode {
  const wa = L.vtmp();
  const wb = L.vtmp();
  L.emit(fpCvt(FpSize.H, FpSize.S, wa, L.vr(a)));
  L.emit(fpCvt(FpSize.H, FpSize.S, wb, L.vr(b)));
  L.emit(fpCmp(FpSize.S, wa, wb));
  return floatCond(cc);
}

/**
 * The condition `a cc b` for f128: libgcc's compare routines return an int whose sign (or
 * zero-ness) answers one predicate each, NaN included (`__lttf2` < 0 iff ordered and less,
 * `__getf2` < 0 iff unordered or less, ...); `one`/`ueq` combine `__unordtf2` and `__eqtf2`.
 */
export function softCond(L: A64Lower, cc: FloatCC, a: Value, b: Value): CondCode {
  return f128Cond(L, cc, L.vr(a), L.vr(b));
}

export function f128Cond(L: A64Lower, cc: FloatCC, x: number, y: number): CondCode {
  const one = (name: string, c: Cond): CondCode => {
    const r = icall(L, name, x, y);
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, r, 0));
    return { c, c2: -1 };
  };
  switch (cc) {
    case FloatCC.Eq: return one('__eqtf2', Cond.EQ);
    case FloatCC.Ne: return one('__netf2', Cond.NE);
    case FloatCC.Lt: return one('__lttf2', Cond.LT);
    case FloatCC.Le: return one('__letf2', Cond.LE);
    case FloatCC.Gt: return one('__gttf2', Cond.GT);
    case FloatCC.Ge: return one('__getf2', Cond.GE);
    case FloatCC.Uno: return one('__unordtf2', Cond.NE);
    case FloatCC.Ord: return one('__unordtf2', Cond.EQ);
    case FloatCC.Ult: return one('__getf2', Cond.LT);
    case FloatCC.Ule: return one('__gttf2', Cond.LE);
    case FloatCC.Ugt: return one('__letf2', Cond.GT);
    case FloatCC.Uge: return one('__lttf2', Cond.GE);
    default: {
      // one: ordered and not equal; ueq: unordered or equal.
      const u = icall(L, '__unordtf2', x, y);
      const e = icall(L, '__eqtf2', x, y);
      const ub = L.tmp();
      const eb = L.tmp();
      const r = L.tmp();
      L.emit(aluRRImm12(AluOp.Subs, 0, xzr, u, 0));
      L.emit(csel(CSelOp.Csinc, 0, ub, xzr, xzr, Cond.EQ)); // unordered
      L.emit(aluRRImm12(AluOp.Subs, 0, xzr, e, 0));
      L.emit(csel(CSelOp.Csinc, 0, eb, xzr, xzr, Cond.NE)); // equal
      L.emit(aluRRR(AluOp.Orr, 0, r, ub, eb)); // ueq
      L.emit(aluRRImm12(AluOp.Subs, 0, xzr, r, 0));
      return { c: cc === FloatCC.Ueq ? Cond.NE : Cond.EQ, c2: -1 };
    }
  }
}

// ------------------------------------------------------------------ constants and selects on q registers

/** A q register holding the f128 bit pattern (lo, hi) as two 64-bit halves [l0, l1, h0, h1]. */
function f128Const(L: A64Lower, words: readonly number[], dst: number = L.vtmp()): number {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < 4; k++) dv.setInt32(4 * k, words[k], true);
  if (b.every((x) => x === 0)) L.emit(vec(V.movi, Arr.D2, dst, -1, -1, 0, 0x1e));
  else L.emit(ldrLiteral(LdStOp.LdFpQ, dst, L.constLabel(b)));
  return dst;
}

/** The f128 of the integer n (exact: |n| < 2^113, or a power of two). */
function f128Int(n: bigint): number[] {
  if (n === 0n) return [0, 0, 0, 0];
  const neg = n < 0n;
  let m = neg ? -n : n;
  let e = 0;
  while (m >> BigInt(e + 1) !== 0n) e++;
  // mantissa: the 112 bits below the leading one.
  const frac = e <= 112 ? (m - (1n << BigInt(e))) << BigInt(112 - e) : (m - (1n << BigInt(e))) >> BigInt(e - 112);
  m = (BigInt((neg ? 1 : 0) << 15 | (e + 16383)) << 112n) | frac;
  const w: number[] = [];
  for (let k = 0; k < 4; k++) w.push(Number(BigInt.asIntN(32, m >> BigInt(32 * k))));
  return w;
}

/** The canonical quiet NaN of f128. */
const F128_NAN = [0, 0, 0, 0x7fff8000];

/** dst <- c ? x : y for q registers, the flags set for condition c. */
function qselect(L: A64Lower, c: Cond, x: number, y: number, dst: number): void {
  const m = L.tmp();
  const vm = L.vtmp();
  L.emit(csel(CSelOp.Csinv, 1, m, xzr, xzr, invertCond(c)));
  L.emit(vec(V.dupg, Arr.D2, vm, m));
  L.emitMod(vec(V.bsl, Arr.B16, dst, x, y), vm);
}

function f128ConstRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const c = f.constants[f.instImm0[inst]];
  if (c === undefined) return false;
  const dv = new DataView(c.buffer, c.byteOffset, 16);
  f128Const(L, [dv.getInt32(0, true), dv.getInt32(4, true), dv.getInt32(8, true), dv.getInt32(12, true)], L.out());
  return true;
}

// ------------------------------------------------------------------ arithmetic

const TF3 = new Map<number, string>([[FADD, '__addtf3'], [FSUB, '__subtf3'], [FMUL, '__multf3'], [FDIV, '__divtf3']]);
const ROUND = new Map<number, string>([[SQRT, 'sqrtl'], [CEIL, 'ceill'], [FLOOR, 'floorl'], [TRUNC, 'truncl'], [NEAREST, 'roundevenl']]);

function f128Arith(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  if (t === F16 && op === FMA && !L.features.fp16) return f16Fma(L, inst);
  if (t !== F128) return false;
  const a = L.vr(f.arg(inst, 0));
  const name = TF3.get(op);
  if (name !== undefined) {
    call(L, name, [F128, F128], [[a], [L.vr(f.arg(inst, 1))]], F128, [L.out()]);
    return true;
  }
  const r = ROUND.get(op);
  if (r !== undefined) {
    call(L, r, [F128], [[a]], F128, [L.out()]);
    return true;
  }
  if (op === FMA) {
    call(L, 'fmal', [F128, F128, F128], [[a], [L.vr(f.arg(inst, 1))], [L.vr(f.arg(inst, 2))]], F128, [L.out()]);
    return true;
  }
  if (op === FMIN || op === FMAX) {
    const b = L.vr(f.arg(inst, 1));
    const min = op === FMIN;
    // Equal values (±0): the sign bits decide (min: -0 if either is -0; max: +0 if either is +0).
    const signed = L.vtmp();
    L.emit(vec(min ? V.orr : V.and, Arr.B16, signed, a, b));
    const u = icall(L, '__unordtf2', a, b);
    const lt = icall(L, '__lttf2', a, b);
    const eq = icall(L, '__eqtf2', a, b);
    const pick = L.vtmp();
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, lt, 0));
    qselect(L, min ? Cond.LT : Cond.GE, a, b, pick);
    const pick2 = L.vtmp();
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, eq, 0));
    qselect(L, Cond.EQ, signed, pick, pick2);
    const nan = f128Const(L, F128_NAN);
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, u, 0));
    qselect(L, Cond.NE, nan, pick2, L.out());
    return true;
  }
  return false;
}

/** f16 fma without FP16: exact in f128, one rounding back. */
function f16Fma(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const wa = L.vtmp();
  const wb = L.vtmp();
  const p = L.vtmp();
  L.emit(fpCvt(FpSize.H, FpSize.D, wa, L.vr(f.arg(inst, 0))));
  L.emit(fpCvt(FpSize.H, FpSize.D, wb, L.vr(f.arg(inst, 1))));
  L.emit(fpRRR(Fp2Op.Fmul, FpSize.D, p, wa, wb));
  const pq = call(L, '__extenddftf2', [F64], [[p]], F128)[0];
  const cq = call(L, '__extendhftf2', [F16], [[L.vr(f.arg(inst, 2))]], F128)[0];
  const s = call(L, '__addtf3', [F128, F128], [[pq], [cq]], F128)[0];
  call(L, '__trunctfhf2', [F128], [[s]], F16, [L.out()]);
  return true;
}

function f128Cmp(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  if (argType(L, inst, 0) !== F128) return false;
  const c = softCond(L, f.instImm0[inst] as FloatCC, f.arg(inst, 0), f.arg(inst, 1));
  materializeCond(L, L.out(), c);
  return true;
}

// ------------------------------------------------------------------ conversions

const SUFFIX = new Map<number, string>([[F16, 'hf'], [F32, 'sf'], [F64, 'df'], [F128, 'tf']]);

function promoteDemote(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (t !== F128 && st !== F128) return false;
  const name = t === F128 ? `__extend${SUFFIX.get(st)}tf2` : `__trunctf${SUFFIX.get(t)}2`;
  call(L, name, [st], [[L.vr(L.f.arg(inst, 0))]], t, [L.out()]);
  return true;
}

/** Widens an f16/f32/f64/f128 register to f128 (exact). */
function toF128(L: A64Lower, t: Type, x: number): number {
  if (t === F128) return x;
  return call(L, `__extend${SUFFIX.get(t)}tf2`, [t], [[x]], F128)[0];
}

/** int (or i128) -> f128, f16 (via f32 when it is exact), or i128 -> f32/f64. */
function fromInt(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (!(t === F128 || st === I128)) return false;
  if (!(t === F16 || t === F32 || t === F64 || t === F128)) return false;
  const signed = f.instOpcode[inst] === FCVT_FROM_SINT;
  const x = f.arg(inst, 0);
  if (st === I128) {
    const suffix = SUFFIX.get(t)!;
    call(L, `__float${signed ? '' : 'un'}ti${suffix}`, [I128], [L.pair(x)], t, [L.out()]);
    return true;
  }
  if (!isScalarInt(st)) return false;
  let r = L.gpr(x);
  if (st === I8 || st === I16) {
    const e = L.tmp();
    L.emit(bitfield(signed ? BfOp.Sbfm : BfOp.Ubfm, 0, e, r, 0, st === I8 ? 7 : 15));
    r = e;
  }
  const it = st === I64 ? I64 : I32;
  call(L, `__float${signed ? '' : 'un'}${it === I64 ? 'di' : 'si'}tf`, [it], [[r]], F128, [L.out()]);
  return true;
}

/**
 * float -> int where the hardware has no instruction: from f128 (any integer width) or to i128
 * (from any float): through f128, trapping (NaN: bad_toint; out of range: int_ovf) or
 * saturating (NaN: 0) as CLIF asks.
 */
function toInt(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (!(st === F128 || t === I128)) return false;
  if (!(isScalarInt(t) || t === I128)) return false;
  const op = f.instOpcode[inst];
  const signed = op === FCVT_TO_SINT || op === FCVT_TO_SINT_SAT;
  const sat = op === FCVT_TO_SINT_SAT || op === FCVT_TO_UINT_SAT;
  const bits = t === I8 ? 8 : t === I16 ? 16 : t === I32 ? 32 : t === I64 ? 64 : 128;
  const x = toF128(L, st, L.vr(f.arg(inst, 0)));
  // Bounds: lo < x < hi converts; lo = -2^(n-1) - 1 (signed; -2^127 inclusive for 128 bits), -1 (unsigned).
  const hiBound = f128Const(L, f128Int(signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits)));
  const loExact = signed && bits === 128;
  const loBound = f128Const(L, f128Int(signed ? (loExact ? -(1n << 127n) : -(1n << BigInt(bits - 1)) - 1n) : -1n));
  const fix = (): number[] => {
    const name = bits === 128 ? `__fix${signed ? '' : 'uns'}tfti` : `__fix${signed ? '' : 'uns'}tf${bits === 64 ? 'di' : 'si'}`;
    const rt = bits === 128 ? I128 : bits === 64 ? I64 : I32;
    return call(L, name, [F128], [[x]], rt);
  };
  const outRegs = t === I128 ? L.outPair() : [L.out()];
  if (!sat) {
    const u = icall(L, '__unordtf2', x, x);
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, u, 0));
    L.emit(bcond(Cond.NE, L.trapLabel(BAD_TOINT)));
    const ge = icall(L, '__getf2', x, hiBound);
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, ge, 0));
    L.emit(bcond(Cond.GE, L.trapLabel(INT_OVF)));
    const lo = icall(L, loExact ? '__lttf2' : '__letf2', x, loBound);
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, lo, 0));
    L.emit(bcond(loExact ? Cond.LT : Cond.LE, L.trapLabel(INT_OVF)));
    const r = fix();
    r.forEach((reg, k) => L.move(outRegs[k], reg));
    return true;
  }
  // Saturating: clamp the input into range first (NaN -> 0).
  const nanFree = L.vtmp();
  const u = icall(L, '__unordtf2', x, x);
  L.emit(aluRRImm12(AluOp.Subs, 0, xzr, u, 0));
  qselect(L, Cond.NE, f128Const(L, [0, 0, 0, 0]), x, nanFree);
  const r = fixSat(L, nanFree, signed, bits, hiBound, loBound);
  r.forEach((reg, k) => L.move(outRegs[k], reg));
  return true;
}

/** Saturating conversion of an f128 (not NaN) to a `bits`-wide integer. */
function fixSat(L: A64Lower, x: number, signed: boolean, bits: number, hiBound: number, loBound: number): number[] {
  const name = bits === 128 ? `__fix${signed ? '' : 'uns'}tfti` : `__fix${signed ? '' : 'uns'}tf${bits === 64 ? 'di' : 'si'}`;
  const rt = bits === 128 ? I128 : bits === 64 ? I64 : I32;
  const ge = icall(L, '__getf2', x, hiBound);
  const le = icall(L, '__letf2', x, loBound);
  const r = call(L, name, [F128], [[x]], rt);
  // The saturated values.
  const maxLo = L.tmp();
  const maxHi = L.tmp();
  const minLo = L.tmp();
  const minHi = L.tmp();
  if (bits === 128) {
    L.constInto(maxLo, signed ? -1 : -1, -1);
    L.constInto(maxHi, -1, signed ? 0x7fffffff : -1);
    L.constInto(minLo, 0, 0);
    L.constInto(minHi, 0, signed ? 0x80000000 | 0 : 0);
  } else {
    // Exact halves (2^63 - 1 is not a JavaScript number).
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const halves = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
    L.constInto(maxLo, ...halves(max));
    L.constInto(minLo, ...halves(min));
    L.constInto(maxHi, 0, 0);
    L.constInto(minHi, 0, 0);
  }
  const out: number[] = [];
  const parts = bits === 128 ? 2 : 1;
  for (let k = 0; k < parts; k++) {
    const a = L.tmp();
    const b = L.tmp();
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, ge, 0));
    L.emit(csel(CSelOp.Csel, 1, a, k === 0 ? maxLo : maxHi, r[k], Cond.GE));
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, le, 0));
    L.emit(csel(CSelOp.Csel, 1, b, k === 0 ? minLo : minHi, a, Cond.LE));
    out.push(b);
  }
  return out;
}

export function addSoftFloatRules(r: RuleTable<A64Lower>): void {
  r.add(F128CONST, 'f128const', f128ConstRule);
  r.add([FADD, FSUB, FMUL, FDIV, SQRT, CEIL, FLOOR, TRUNC, NEAREST, FMA, FMIN, FMAX], 'f128 arith', f128Arith, 2);
  r.add(FCMP, 'f128 fcmp', f128Cmp, 2);
  r.add([FPROMOTE, FDEMOTE], 'f128 fcvt', promoteDemote, 2);
  r.add([FCVT_FROM_SINT, FCVT_FROM_UINT], 'f128 from int', fromInt, 2);
  r.add([FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], 'f128 to int', toInt, 2);
}
