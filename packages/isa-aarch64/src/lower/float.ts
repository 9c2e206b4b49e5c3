// Scalar floating point: constants, arithmetic, min/max (AArch64 FMIN/FMAX are CLIF's fmin/fmax:
// NaN-propagating, -0 < +0), FMA, rounding, sign operations, compares, precision changes and
// every int/float conversion (trapping with the range checks CLIF asks for, and saturating).
// f16 computes natively with FP16 (`has_fp16`), otherwise in f32 (exact for + - * / sqrt and the
// roundings: one rounding back to f16); f128 arithmetic is in float-soft.ts.

import {
  type Inst, type Type, type Value,
  BAND, BAND_NOT, BITCAST, BITSELECT, BNOT, BOR, BXOR, CEIL, F128, F16, F16CONST, F32, F32CONST, F64, F64CONST, FABS, FADD,
  FCMP, FCOPYSIGN, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT, FCVT_TO_UINT_SAT, FDEMOTE, FDIV,
  FloatCC, FLOOR, FMA, FMAX, FMIN, FMUL, FNEG, FPROMOTE, FSUB, I128, I16, I32, I64, I8, NEAREST, SQRT, TRUNC, bytes, isVector,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, Arr, CSelOp, Cond, Fp1Op, Fp2Op, Fp3Op, FpIntOp, FpSize, IntFpOp, LdStOp, V, aluRRR, bcond, csel,
  encodeFpImm8, fmovFromGpr, fmovToGpr, fpCmp, fpCvt, fpImm, fpRR, fpRRR, fpRRRR, fpToInt, intToFp, ldrLiteral, loadConst,
  vec, xzr,
} from '../inst';
import { type CondCode, extendTo32, floatCond, materializeCond } from './cond';
import { type A64Lower, isScalarInt } from './state';
import { argType, resultType } from './rules';
import { addSoftFloatRules, softCond, softFloat16Cond } from './float-soft';

/** FpSize of a scalar float type (H S D). */
export function fpSize(t: Type): number {
  return t === F16 ? FpSize.H : t === F32 ? FpSize.S : FpSize.D;
}

/** Native scalar float arithmetic: f32, f64, and f16 with FP16. */
export function nativeFloat(L: A64Lower, t: Type): boolean {
  return t === F32 || t === F64 || (t === F16 && L.features.fp16);
}

/** Condition for a float compare the hardware cannot do directly (f16 without FP16, f128). */
export function softFloatCond(L: A64Lower, cc: FloatCC, a: Value, b: Value, t: Type): CondCode {
  if (t === F16) return softFloat16Cond(L, cc, a, b);
  return softCond(L, cc, a, b);
}

/** A v register holding the float constant with bit pattern (lo, hi) of type `t` (f16/f32/f64). */
export function fconst(L: A64Lower, t: Type, lo: number, hi: number, dst: number = L.vtmp()): number {
  const fs = fpSize(t);
  const imm8 = t === F16 && !L.features.fp16 ? -1 : encodeFpImm8(lo, hi, fs);
  if (imm8 >= 0) {
    L.emit(fpImm(fs, dst, imm8));
    return dst;
  }
  const zeroHalves = (lo & 0xffff) === 0 ? 1 : 0;
  const chunks = t === F64 ? [(lo & 0xffff), (lo >>> 16), (hi & 0xffff), (hi >>> 16)].filter((c) => c !== 0).length : 2 - zeroHalves;
  if (t !== F64 || chunks <= 2) {
    const g = L.constReg(lo, t === F64 ? hi : 0, t === F64 ? 1 : 0);
    L.emit(fmovFromGpr(t === F64 ? FpSize.D : FpSize.S, dst, g));
    return dst;
  }
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, lo, true);
  dv.setInt32(4, hi, true);
  L.emit(ldrLiteral(LdStOp.LdFpD, dst, L.constLabel(b)));
  return dst;
}

function constRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (t === F32 || t === F16) fconst(L, t, f.instImm0[inst], 0, L.out());
  else if (t === F64) fconst(L, t, f.instImm1[inst], f.instImm2[inst], L.out());
  else return false;
  return true;
}

const ARITH = new Map<number, number>([[FADD, Fp2Op.Fadd], [FSUB, Fp2Op.Fsub], [FMUL, Fp2Op.Fmul], [FDIV, Fp2Op.Fdiv], [FMIN, Fp2Op.Fmin], [FMAX, Fp2Op.Fmax]]);

/** f16 without FP16: both operands widened to f32, one rounding back. */
export function widen16(L: A64Lower, v: Value): number {
  const w = L.vtmp();
  L.emit(fpCvt(FpSize.H, FpSize.S, w, L.vr(v)));
  return w;
}
function narrow16(L: A64Lower, w: number, dst: number): void {
  L.emit(fpCvt(FpSize.S, FpSize.H, dst, w));
}

function arith(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const op = ARITH.get(f.instOpcode[inst])!;
  if (nativeFloat(L, t)) {
    L.emit(fpRRR(op, fpSize(t), L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))));
    return true;
  }
  if (t === F16) {
    const w = L.vtmp();
    L.emit(fpRRR(op, FpSize.S, w, widen16(L, f.arg(inst, 0)), widen16(L, f.arg(inst, 1))));
    narrow16(L, w, L.out());
    return true;
  }
  return false;
}

const UNARY = new Map<number, number>([
  [SQRT, Fp1Op.Fsqrt], [CEIL, Fp1Op.Frintp], [FLOOR, Fp1Op.Frintm], [TRUNC, Fp1Op.Frintz], [NEAREST, Fp1Op.Frintn],
]);

function unary(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const op = UNARY.get(L.f.instOpcode[inst])!;
  if (nativeFloat(L, t)) {
    L.emit(fpRR(op, fpSize(t), L.out(), L.vr(L.f.arg(inst, 0))));
    return true;
  }
  if (t === F16) {
    const w = L.vtmp();
    L.emit(fpRR(op, FpSize.S, w, widen16(L, L.f.arg(inst, 0))));
    narrow16(L, w, L.out());
    return true;
  }
  return false;
}

function fma(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  if (!nativeFloat(L, t)) return false;
  L.emit(fpRRRR(Fp3Op.Fmadd, fpSize(t), L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1)), L.vr(f.arg(inst, 2))));
  return true;
}

/**
 * Sign operations on the bits, for every scalar float (f16 and f128 too): the sign bit is the
 * top bit of the value's lane (`ushr`/`sli` on 64-bit or 128-bit lanes, `orr`/`bic`/`eor` with
 * a sign mask).
 */
function signOp(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!(t === F16 || t === F32 || t === F64 || t === F128)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const x = L.vr(f.arg(inst, 0));
  if (nativeFloat(L, t) && op !== FCOPYSIGN) {
    L.emit(fpRR(op === FNEG ? Fp1Op.Fneg : Fp1Op.Fabs, fpSize(t), L.out(), x));
    return true;
  }
  const bits = bytes(t) * 8;
  if (op === FCOPYSIGN) {
    const y = L.vr(f.arg(inst, 1));
    if (t === F128) {
      // The sign is bit 63 of lane d[1]: a bitwise select with that one bit as the mask.
      const g = L.tmp();
      L.emit(loadConst(1, g, 0, 0x80000000 | 0));
      const z = L.vtmp();
      L.emit(fmovFromGpr(FpSize.D, z, xzr));
      const m = L.vtmp();
      L.emitMod(vec(V.insg, Arr.D2, m, g, -1, 1), z);
      L.emitMod(vec(V.bsl, Arr.B16, L.out(), y, x), m);
      return true;
    }
    const s = L.vtmp();
    const arr = bits === 16 ? Arr.H4 : bits === 32 ? Arr.S2 : Arr.D2;
    L.emit(vec(V.ushr, arr, s, y, -1, bits - 1));
    L.emitMod(vec(V.sli, arr, L.out(), s, -1, bits - 1), x);
    return true;
  }
  // fneg / fabs of f16 (no FP16) and f128: flip / clear the sign bit through a mask.
  const m = L.vtmp();
  if (t === F128) {
    // movi v.2d, #0xff00000000000000 then shl by 7 of the top byte: 0x8000... in d[1], 0 in d[0].
    const g = L.tmp();
    L.emit(loadConst(1, g, 0, 0x80000000 | 0));
    const z = L.vtmp();
    L.emit(fmovFromGpr(FpSize.D, z, xzr));
    L.emitMod(vec(V.insg, Arr.D2, m, g, -1, 1), z);
  } else {
    const g = L.tmp();
    L.emit(loadConst(0, g, bits === 16 ? 0x8000 : 0x80000000 | 0, 0));
    L.emit(fmovFromGpr(FpSize.S, m, g));
  }
  L.emit(vec(op === FNEG ? V.eor : V.bic, Arr.B16, L.out(), x, m));
  return true;
}

function fcmpRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  if (isVector(t)) return false;
  const cc = f.instImm0[inst] as FloatCC;
  let c: CondCode;
  if (nativeFloat(L, t)) {
    L.emit(fpCmp(fpSize(t), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))));
    c = floatCond(cc);
  } else c = softFloatCond(L, cc, f.arg(inst, 0), f.arg(inst, 1), t);
  materializeCond(L, L.out(), c);
  return true;
}

function promoteDemote(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (t === F128 || st === F128) return false;
  if (!((t === F16 || t === F32 || t === F64) && (st === F16 || st === F32 || st === F64))) return false;
  // fcvt between half, single and double is base ARMv8 (no FP16 needed).
  L.emit(fpCvt(fpSize(st), fpSize(t), L.out(), L.vr(L.f.arg(inst, 0))));
  return true;
}

// ------------------------------------------------------------------ integer <-> float

function intBits(t: Type): number {
  return t === I8 ? 8 : t === I16 ? 16 : t === I32 ? 32 : 64;
}

function fromInt(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (isVector(t) || st === I128 || t === F128) return false;
  if (!isScalarInt(st)) return false;
  const signed = f.instOpcode[inst] === FCVT_FROM_SINT;
  const src = extendTo32(L, L.gpr(f.arg(inst, 0)), st, signed);
  const sf = st === I64 ? 1 : 0;
  if (nativeFloat(L, t)) {
    L.emit(intToFp(signed ? IntFpOp.Scvtf : IntFpOp.Ucvtf, fpSize(t), sf, L.out(), src));
    return true;
  }
  if (t === F16) {
    // Through f32: every integer below 2^24 converts exactly, and every larger one is beyond
    // f16's range (65520 and above round to infinity) either way, so only one rounding matters.
    const w = L.vtmp();
    L.emit(intToFp(signed ? IntFpOp.Scvtf : IntFpOp.Ucvtf, FpSize.S, sf, w, src));
    L.emit(fpCvt(FpSize.S, FpSize.H, L.out(), w));
    return true;
  }
  return false;
}

const BAD_TOINT = 251;
const INT_OVF = 253;

/** Float bit pattern (lo, hi) of ±2^e in type `t` (f32 / f64). */
function pow2Bits(t: Type, e: number, neg: boolean): [number, number] {
  if (t === F32) return [(((e + 127) << 23) | (neg ? 0x80000000 : 0)) | 0, 0];
  return [0, (((e + 1023) << 20) | (neg ? 0x80000000 : 0)) | 0];
}

/** f64 bits of -2^e - 1 (exact when e <= 52). */
function negPow2Minus1F64(e: number): [number, number] {
  const v = new Float64Array([-(2 ** e) - 1]);
  const u = new Int32Array(v.buffer);
  return [u[0], u[1]];
}

function toInt(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const signed = op === FCVT_TO_SINT || op === FCVT_TO_SINT_SAT;
  const sat = op === FCVT_TO_SINT_SAT || op === FCVT_TO_UINT_SAT;
  let st = argType(L, inst, 0);
  if (isVector(t) || t === I128 || st === F128 || !isScalarInt(t)) return false;
  let x = L.vr(f.arg(inst, 0));
  if (st === F16 && !L.features.fp16) {
    const w = L.vtmp();
    L.emit(fpCvt(FpSize.H, FpSize.S, w, x));
    x = w;
    st = F32;
  }
  const fs = fpSize(st);
  const bits = intBits(t);
  const sf = bits === 64 ? 1 : 0;
  const cvt = signed ? FpIntOp.Fcvtzs : FpIntOp.Fcvtzu;
  if (!sat) {
    // NaN traps with bad_toint; out of range with int_ovf.
    L.emit(fpCmp(fs, x, x));
    L.emit(bcond(Cond.VS, L.trapLabel(BAD_TOINT)));
    const cmpT = st === F16 ? F32 : st;
    const xc = st === F16 ? (() => { const w = L.vtmp(); L.emit(fpCvt(FpSize.H, FpSize.S, w, x)); return w; })() : x;
    const cfs = fpSize(cmpT);
    const ovf = L.trapLabel(INT_OVF);
    if (signed) {
      // Lower bound: x > -2^(n-1) - 1 when representable, else x >= -2^(n-1).
      if (cmpT === F64 && bits <= 32) {
        const [lo, hi] = negPow2Minus1F64(bits - 1);
        L.emit(fpCmp(cfs, xc, fconst(L, F64, lo, hi)));
        L.emit(bcond(Cond.LS, ovf));
      } else if (cmpT === F32 && bits <= 16) {
        const v = new Float32Array([-(2 ** (bits - 1)) - 1]);
        L.emit(fpCmp(cfs, xc, fconst(L, F32, new Int32Array(v.buffer)[0], 0)));
        L.emit(bcond(Cond.LS, ovf));
      } else {
        const [lo, hi] = pow2Bits(cmpT, bits - 1, true);
        L.emit(fpCmp(cfs, xc, fconst(L, cmpT, lo, hi)));
        L.emit(bcond(Cond.MI, ovf));
      }
      const [lo, hi] = pow2Bits(cmpT, bits - 1, false);
      L.emit(fpCmp(cfs, xc, fconst(L, cmpT, lo, hi)));
      L.emit(bcond(Cond.GE, ovf));
    } else {
      const [lo, hi] = cmpT === F32 ? [0xbf800000 | 0, 0] : [0, 0xbff00000 | 0];
      L.emit(fpCmp(cfs, xc, fconst(L, cmpT, lo, hi)));
      L.emit(bcond(Cond.LS, ovf));
      const [plo, phi] = pow2Bits(cmpT, bits, false);
      L.emit(fpCmp(cfs, xc, fconst(L, cmpT, plo, phi)));
      L.emit(bcond(Cond.GE, ovf));
    }
    L.emit(fpToInt(cvt, fs, sf, L.out(), x));
    return true;
  }
  if (bits >= 32) {
    L.emit(fpToInt(cvt, fs, sf, L.out(), x));
    return true;
  }
  // Saturating to i8/i16: convert to 32 bits (saturating, NaN -> 0), then clamp.
  const w = L.tmp();
  L.emit(fpToInt(cvt, fs, 0, w, x));
  const max = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  const hiK = L.constReg(max, 0, 0);
  const c1 = L.tmp();
  L.emit(aluRRR(AluOp.Subs, 0, xzr, w, hiK));
  L.emit(csel(CSelOp.Csel, 0, c1, w, hiK, signed ? Cond.LT : Cond.LO));
  if (signed) {
    const loK = L.constReg(-(1 << (bits - 1)), -1, 0);
    L.emit(aluRRR(AluOp.Subs, 0, xzr, c1, loK));
    L.emit(csel(CSelOp.Csel, 0, L.out(), c1, loK, Cond.GT));
  } else L.move(L.out(), c1);
  return true;
}

// ------------------------------------------------------------------ bitcasts and bitwise ops on floats

function bitcast(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  if (bytes(t) !== bytes(st)) return false;
  const tv = t === F16 || t === F32 || t === F64 || t === F128 || isVector(t);
  const sv = st === F16 || st === F32 || st === F64 || st === F128 || isVector(st);
  const x = f.arg(inst, 0);
  if (tv && sv) {
    L.vmove(L.out(), L.vr(x));
    return true;
  }
  if (!tv && !sv) {
    if (t === I128) {
      const [lo, hi] = L.pair(x);
      const [dlo, dhi] = L.outPair();
      L.move(dlo, lo);
      L.move(dhi, hi);
    } else L.move(L.out(), L.gpr(x));
    return true;
  }
  const n = bytes(t);
  if (tv) {
    // Integer bits into a v register.
    if (st === I128) {
      const [lo, hi] = L.pair(x);
      const z = L.vtmp();
      L.emit(fmovFromGpr(FpSize.D, z, lo));
      L.emitMod(vec(V.insg, Arr.D2, L.out(), hi, -1, 1), z);
      return true;
    }
    if (n === 2 || n === 1) {
      const z = L.vtmp();
      L.emit(fmovFromGpr(FpSize.S, z, L.gpr(x)));
      L.vmove(L.out(), z);
      return true;
    }
    L.emit(fmovFromGpr(n === 4 ? FpSize.S : FpSize.D, L.out(), L.gpr(x)));
    return true;
  }
  if (t === I128) {
    const v = L.vr(x);
    const [dlo, dhi] = L.outPair();
    L.emit(fmovToGpr(FpSize.D, dlo, v));
    L.emit(vec(V.umov, Arr.D2, dhi, v, -1, 1, 1));
    return true;
  }
  if (n <= 2) {
    L.emit(vec(V.umov, n === 1 ? Arr.B16 : Arr.H8, L.out(), L.vr(x), -1, 0, 0));
    return true;
  }
  L.emit(fmovToGpr(n === 4 ? FpSize.S : FpSize.D, L.out(), L.vr(x)));
  return true;
}

const FLOGIC = new Map<number, number>([[BAND, V.and], [BOR, V.orr], [BXOR, V.eor], [BAND_NOT, V.bic]]);

/** Bitwise ops on float values (in v registers): the NEON byte-vector forms. */
function floatLogic(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!(t === F16 || t === F32 || t === F64 || t === F128)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  if (op === BNOT) {
    L.emit(vec(V.not, Arr.B16, L.out(), L.vr(f.arg(inst, 0))));
    return true;
  }
  if (op === BITSELECT) {
    L.emitMod(vec(V.bsl, Arr.B16, L.out(), L.vr(f.arg(inst, 1)), L.vr(f.arg(inst, 2))), L.vr(f.arg(inst, 0)));
    return true;
  }
  L.emit(vec(FLOGIC.get(op)!, Arr.B16, L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))));
  return true;
}

export function addFloatRules(r: RuleTable<A64Lower>): void {
  r.add([F16CONST, F32CONST, F64CONST], 'fconst', constRule);
  r.add([FADD, FSUB, FMUL, FDIV, FMIN, FMAX], 'farith', arith);
  r.add([SQRT, CEIL, FLOOR, TRUNC, NEAREST], 'funary', unary);
  r.add(FMA, 'fma', fma);
  r.add([FNEG, FABS, FCOPYSIGN], 'fsign', signOp);
  r.add(FCMP, 'fcmp', fcmpRule);
  r.add([FPROMOTE, FDEMOTE], 'fcvt', promoteDemote);
  r.add([FCVT_FROM_SINT, FCVT_FROM_UINT], 'scvtf', fromInt);
  r.add([FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], 'fcvtz', toInt);
  r.add(BITCAST, 'bitcast', bitcast);
  r.add([BAND, BOR, BXOR, BAND_NOT, BNOT, BITSELECT], 'float logic', floatLogic, 1);
  addSoftFloatRules(r);
}
