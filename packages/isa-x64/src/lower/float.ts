// Scalar float rules (SSE, AVX when enabled): arithmetic, sign operations, rounding,
// min/max, conversions between floats and integers (trapping and saturating). Sign and bitwise
// ops also cover f16/f128 (bits in an xmm register); their arithmetic is in float-soft.ts.

import {
  type Inst, type Type, F16, F32, F64, F128, I128, I16, I32, I64, I8, bytes,
  FADD, FSUB, FMUL, FDIV, SQRT, FNEG, FABS, FCOPYSIGN, FMIN, FMAX, FMA, CEIL, FLOOR, TRUNC, NEAREST,
  FPROMOTE, FDEMOTE, BAND, BOR, BXOR, BNOT, BAND_NOT, BITSELECT, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, AvxOp, CC, CvtToIntOp, MinMaxOp, RegClass, ShiftOp, SseImmOp, SseOp, aluRI, aluRM, cmov, cvtFloatToInt,
  cvtIntToFloat, gprToXmm, jcc, movImm, movRR, movsx, movzx, shiftImm, xmmCmove, xmmMinMax, xmmRM, xmmRMImm, xmmRVM,
  xmmToGpr,
} from '../inst';
import { VREG_BASE, type X64Lower } from './state';
import { SYSV_CALLER_SAVED } from '../abi/sysv';
import { callSym, test, xmm, xmmLoad, XmmMovOp } from '../inst';

const ARITH: ReadonlyMap<number, [number, number, number, number]> = new Map([
  [FADD, [SseOp.Addss, SseOp.Addsd, AvxOp.Vaddss, AvxOp.Vaddsd]],
  [FSUB, [SseOp.Subss, SseOp.Subsd, AvxOp.Vsubss, AvxOp.Vsubsd]],
  [FMUL, [SseOp.Mulss, SseOp.Mulsd, AvxOp.Vmulss, AvxOp.Vmulsd]],
  [FDIV, [SseOp.Divss, SseOp.Divsd, AvxOp.Vdivss, AvxOp.Vdivsd]],
]);

function ft(L: X64Lower, inst: Inst): Type {
  const f = L.f;
  return f.valueType[f.result(inst, 0)] as Type;
}

function arith(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (t !== F32 && t !== F64) return false;
  const ops = ARITH.get(L.f.instOpcode[inst])!;
  const a = L.xmmOf(L.f.arg(inst, 0));
  const d = L.out();
  if (L.isaFlags.avx) {
    L.emit(xmmRVM((t === F32 ? ops[2] : ops[3]) as AvxOp, d, a, L.xmmOf(L.f.arg(inst, 1))));
    return true;
  }
  // The second operand straight from memory when it is a load used only here (`mulss xmm, [m]`).
  const m = L.sinkLoad(L.f.arg(inst, 1), inst, t);
  L.emitMod(xmmRM((t === F32 ? ops[0] : ops[1]) as SseOp, d, m ?? L.xmmOf(L.f.arg(inst, 1))), a);
  return true;
}

/**
 * An xmm register holding the bit pattern lo/hi (f32: lo only): zero through a GPR, anything
 * else loaded from the constant pool (`movss`/`movsd xmm, [rip+c]`).
 */
export function fconst(L: X64Lower, t: Type, lo: number, hi: number, x: number = L.tmp(RegClass.Float)): number {
  const size = t === F32 ? 4 : 8;
  if (lo === 0 && (hi === 0 || size === 4)) {
    const g = L.tmp();
    L.constInto(g, 0, 0, 4);
    L.emit(gprToXmm(4, x, g));
    return x;
  }
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, lo, true);
  if (size === 8) dv.setInt32(4, hi, true);
  L.emit(xmmLoad(size === 4 ? XmmMovOp.Movss : XmmMovOp.Movsd, x, L.constAmode(b)));
  return x;
}
/** An xmm register holding the sign bit of `t` (f16: bit 15, f128: bit 127). */
function signMask(L: X64Lower, t: Type): number {
  if (t === F16) return fconst(L, F32, 0x8000, 0);
  if (t === F128) {
    const b = new Uint8Array(16);
    b[15] = 0x80;
    const x = L.tmp(RegClass.Float);
    L.emit(xmmLoad(XmmMovOp.Movaps, x, L.constAmode(b, 16)));
    return x;
  }
  return t === F32 ? fconst(L, t, 0x80000000 | 0, 0) : fconst(L, t, 0, 0x80000000 | 0);
}
/** Sign operations work on the bits: every float type, f16 and f128 included. */
function isSignType(t: Type): boolean {
  return t === F32 || t === F64 || t === F16 || t === F128;
}

function fneg(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (!isSignType(t)) return false;
  const m = signMask(L, t);
  L.emitMod(xmmRM(t !== F64 ? SseOp.Xorps : SseOp.Xorpd, L.out(), m), L.xmmOf(L.f.arg(inst, 0)));
  return true;
}
function fabs(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (!isSignType(t)) return false;
  const m = signMask(L, t);
  // andnps: dst = ~dst & src: the sign mask, complemented, and x.
  L.emitMod(xmmRM(t !== F64 ? SseOp.Andnps : SseOp.Andnpd, L.out(), L.xmmOf(L.f.arg(inst, 0))), m);
  return true;
}
function fcopysign(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (!isSignType(t)) return false;
  const m = signMask(L, t);
  const ps = t !== F64;
  const mag = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(ps ? SseOp.Andnps : SseOp.Andnpd, mag, L.xmmOf(L.f.arg(inst, 0))), m);
  const sgn = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(ps ? SseOp.Andps : SseOp.Andpd, sgn, L.xmmOf(L.f.arg(inst, 1))), m);
  L.emitMod(xmmRM(ps ? SseOp.Orps : SseOp.Orpd, L.out(), sgn), mag);
  return true;
}
function sqrt(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (t !== F32 && t !== F64) return false;
  const a = L.xmmOf(L.f.arg(inst, 0));
  L.emitMod(xmmRM(t === F32 ? SseOp.Sqrtss : SseOp.Sqrtsd, L.out(), a), a);
  return true;
}
function minmax(isMax: boolean) {
  return (L: X64Lower, inst: Inst): boolean => {
    const t = ft(L, inst);
    if (t !== F32 && t !== F64) return false;
    const op = t === F32 ? (isMax ? MinMaxOp.MaxF32 : MinMaxOp.MinF32) : isMax ? MinMaxOp.MaxF64 : MinMaxOp.MinF64;
    L.emitMod(xmmMinMax(op, L.out(), L.xmmOf(L.f.arg(inst, 1))), L.xmmOf(L.f.arg(inst, 0)));
    return true;
  };
}
/** Calls a C math routine on xmm arguments; the result arrives in xmm0. */
export function floatLibcall(L: X64Lower, name: string, args: readonly number[], dst: number): void {
  const uses: number[] = [];
  args.forEach((a, k) => uses.push(a - VREG_BASE, xmm(k)));
  const win = L.f.signature.callConv === 'windows_fastcall';
  if (win) L.callsNonWindows = true;
  const clobbers = SYSV_CALLER_SAVED.filter((r) => r !== xmm(0) && !(win && r >= 22));
  L.emitWith(callSym(name, 0, true), { fixedUses: uses, fixedDefs: [dst - VREG_BASE, xmm(0)], clobbers });
}

function fmaLibcall(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (t !== F32 && t !== F64) return false;
  const f = L.f;
  floatLibcall(L, t === F32 ? 'fmaf' : 'fma', [L.xmmOf(f.arg(inst, 0)), L.xmmOf(f.arg(inst, 1)), L.xmmOf(f.arg(inst, 2))], L.out());
  return true;
}
function roundLibcall(name32: string, name64: string) {
  return (L: X64Lower, inst: Inst): boolean => {
    const t = ft(L, inst);
    if (t !== F32 && t !== F64) return false;
    floatLibcall(L, t === F32 ? name32 : name64, [L.xmmOf(L.f.arg(inst, 0))], L.out());
    return true;
  };
}

const FLOAT_LOGIC: ReadonlyMap<number, [SseOp, SseOp]> = new Map([
  [BAND, [SseOp.Andps, SseOp.Andpd]], [BOR, [SseOp.Orps, SseOp.Orpd]], [BXOR, [SseOp.Xorps, SseOp.Xorpd]],
]);
function floatLogic(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (!isSignType(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const ps = t !== F64;
  const a = L.xmmOf(f.arg(inst, 0));
  if (op === BNOT) {
    let ones: number;
    if (t === F128) {
      ones = L.tmp(RegClass.Float);
      L.emit(xmmLoad(XmmMovOp.Movaps, ones, L.constAmode(new Uint8Array(16).fill(0xff), 16)));
    } else ones = fconst(L, t === F16 ? F32 : t, -1, -1);
    L.emitMod(xmmRM(ps ? SseOp.Xorps : SseOp.Xorpd, L.out(), ones), a);
    return true;
  }
  const b = L.xmmOf(f.arg(inst, 1));
  if (op === BAND_NOT) {
    L.emitMod(xmmRM(ps ? SseOp.Andnps : SseOp.Andnpd, L.out(), a), b);
    return true;
  }
  const ops = FLOAT_LOGIC.get(op);
  if (ops === undefined) return false;
  L.emitMod(xmmRM(ps ? ops[0] : ops[1], L.out(), b), a);
  return true;
}
function floatBitselect(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if (!isSignType(t)) return false;
  const f = L.f;
  const c = L.xmmOf(f.arg(inst, 0));
  const x = L.xmmOf(f.arg(inst, 1));
  const y = L.xmmOf(f.arg(inst, 2));
  const ps = t !== F64;
  const t1 = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(ps ? SseOp.Andps : SseOp.Andpd, t1, c), x);
  const t2 = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(ps ? SseOp.Andnps : SseOp.Andnpd, t2, y), c);
  L.emitMod(xmmRM(ps ? SseOp.Orps : SseOp.Orpd, L.out(), t2), t1);
  return true;
}

function fma(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  if ((t !== F32 && t !== F64) || !L.isaFlags.fma) return false;
  const f = L.f;
  // vfmadd213: dst = dst * vvvv + r/m.
  L.emitMod(xmmRVM(t === F32 ? AvxOp.Vfmadd213ss : AvxOp.Vfmadd213sd, L.out(), L.xmmOf(f.arg(inst, 1)), L.xmmOf(f.arg(inst, 2))), L.xmmOf(f.arg(inst, 0)));
  return true;
}
function round(mode: number) {
  return (L: X64Lower, inst: Inst): boolean => {
    const t = ft(L, inst);
    if ((t !== F32 && t !== F64) || !L.isaFlags.sse41) return false;
    const a = L.xmmOf(L.f.arg(inst, 0));
    // Bit 3 suppresses the precision exception, as the C library functions do.
    L.emitMod(xmmRMImm(t === F32 ? SseImmOp.Roundss : SseImmOp.Roundsd, L.out(), a, mode | 8), a);
    return true;
  };
}
function promoteDemote(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  const a = L.xmmOf(L.f.arg(inst, 0));
  const from = L.f.valueType[L.f.resolveAliases(L.f.arg(inst, 0))] as Type;
  if (t === F64 && from === F32) L.emitMod(xmmRM(SseOp.Cvtss2sd, L.out(), a), a);
  else if (t === F32 && from === F64) L.emitMod(xmmRM(SseOp.Cvtsd2ss, L.out(), a), a);
  else return false;
  return true;
}

function intArg(L: X64Lower, inst: Inst): { r: number; t: Type } {
  const v = L.f.arg(inst, 0);
  const t = L.f.valueType[L.f.resolveAliases(v)] as Type;
  return { r: t === I128 ? -1 : L.gpr(v), t };
}
/** A zeroed xmm register: the upper-lane input cvtsi2ss merges into. */
function zeroXmm(L: X64Lower): number {
  const g = L.tmp();
  L.emit(movImm(4, g, 0));
  const x = L.tmp(RegClass.Float);
  L.emit(gprToXmm(4, x, g));
  return x;
}
/** dst <- the integer in GPR src (4 or 8 bytes, signed) converted to f32/f64. */
export function cvtInto(L: X64Lower, toF64: boolean, size: 4 | 8, src: number, dst: number): void {
  L.emitMod(cvtIntToFloat(toF64, size, dst, src), zeroXmm(L));
}

function fromSint(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  const { r, t: it } = intArg(L, inst);
  if ((t !== F32 && t !== F64) || r < 0) return false;
  let src = r;
  if (it === I8 || it === I16) {
    src = L.tmp();
    L.emit(movsx(bytes(it) as 1 | 2, 4, src, r));
  }
  cvtInto(L, t === F64, it === I64 ? 8 : 4, src, L.out());
  return true;
}
function fromUint(L: X64Lower, inst: Inst): boolean {
  const t = ft(L, inst);
  const { r, t: it } = intArg(L, inst);
  if ((t !== F32 && t !== F64) || r < 0) return false;
  if (it !== I64) {
    const z = L.tmp();
    if (it === I32) L.emit(movRR(4, z, r));
    else L.emit(movzx(bytes(it) as 1 | 2, 4, z, r));
    cvtInto(L, t === F64, 8, z, L.out());
    return true;
  }
  // u64: when the top bit is set convert (x >> 1 | x & 1) and double it (keeps rounding right).
  const direct = L.tmp(RegClass.Float);
  cvtInto(L, t === F64, 8, r, direct);
  const h = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, 8, h, 1), r);
  const lo = L.tmp();
  L.emitMod(aluRI(AluOp.And, 4, lo, 1), r);
  const hx = L.tmp();
  L.emitMod(aluRM(AluOp.Or, 8, hx, lo), h);
  const half = L.tmp(RegClass.Float);
  cvtInto(L, t === F64, 8, hx, half);
  const dbl = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(t === F32 ? SseOp.Addss : SseOp.Addsd, dbl, half), half);
  L.emit(test(8, r, r));
  L.emitMod(xmmCmove(CC.S, L.out(), dbl), direct);
  return true;
}

/** Float bounds as bit patterns [lo32, hi32] for f32 or f64 of the value 2^e (negative when neg). */
function pow2(t: Type, e: number, neg = false): [number, number] {
  if (t === F32) return [((neg ? 0x80000000 : 0) | ((127 + e) << 23)) | 0, 0];
  return [0, ((neg ? 0x80000000 : 0) | ((1023 + e) << 20)) | 0];
}
function fbits(t: Type, x: number): [number, number] {
  const b = new DataView(new ArrayBuffer(8));
  if (t === F32) {
    b.setFloat32(0, x, true);
    return [b.getInt32(0, true), 0];
  }
  b.setFloat64(0, x, true);
  return [b.getInt32(0, true), b.getInt32(4, true)];
}
function ucomis(L: X64Lower, t: Type, a: number, b: number): void {
  L.emit(xmmRM(t === F32 ? SseOp.Ucomiss : SseOp.Ucomisd, a, b));
}
function cvtt(L: X64Lower, t: Type, size: 4 | 8, x: number): number {
  const d = L.tmp();
  L.emit(cvtFloatToInt(t === F32 ? CvtToIntOp.Cvttss2si : CvtToIntOp.Cvttsd2si, size, d, x));
  return d;
}
function fsub(L: X64Lower, t: Type, a: number, b: number): number {
  const d = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(t === F32 ? SseOp.Subss : SseOp.Subsd, d, b), a);
  return d;
}

function toInt(signed: boolean, sat: boolean) {
  return (L: X64Lower, inst: Inst): boolean => {
    const f = L.f;
    const it = ft(L, inst);
    const v = f.arg(inst, 0);
    const t = f.valueType[f.resolveAliases(v)] as Type;
    if ((t !== F32 && t !== F64) || !(it === I8 || it === I16 || it === I32 || it === I64)) return false;
    toIntCore(L, t, L.xmmOf(v), it, signed, sat, L.out());
    return true;
  };
}

/**
 * out <- the f32/f64 in x converted to the integer type `it` (i8..i64): trapping on NaN and
 * overflow, or saturating (NaN to 0).
 */
export function toIntCore(L: X64Lower, t: Type, x: number, it: Type, signed: boolean, sat: boolean, out: number): void {
  const bits = bytes(it) * 8;
  if (!sat) {
    ucomis(L, t, x, x);
    L.emit(jcc(CC.P, L.trapLabel(251)));
    const ovf = L.trapLabel(253);
    if (signed) {
      // Valid when -2^(bits-1) - 1 < x < 2^(bits-1).
      // -2^(bits-1) - 1 is not representable in f32 (bits >= 32) or f64 (bits = 64): there
      // the bound is -2^(bits-1) itself, inclusive.
      const inexact = (t === F32 && bits >= 32) || bits === 64;
      const lo = inexact ? fconst(L, t, ...pow2(t, bits - 1, true)) : fconstOf(L, t, -(2 ** (bits - 1)) - 1);
      const hi = fconst(L, t, ...pow2(t, bits - 1));
      ucomis(L, t, x, lo);
      L.emit(jcc(inexact ? CC.B : CC.BE, ovf));
      ucomis(L, t, x, hi);
      L.emit(jcc(CC.AE, ovf));
      L.move(out, cvtt(L, t, bits === 64 ? 8 : 4, x));
      return;
    }
    const m1 = fconstOf(L, t, -1);
    const hi = fconst(L, t, ...pow2(t, bits));
    ucomis(L, t, x, m1);
    L.emit(jcc(CC.BE, ovf));
    ucomis(L, t, x, hi);
    L.emit(jcc(CC.AE, ovf));
    L.move(out, toUnsignedRaw(L, t, x, bits));
    return;
  }
  const zero = L.constReg(0, 0);
  if (signed) {
    const cvtSize = bits === 64 ? 8 : 4;
    const r = cvtt(L, t, cvtSize, x);
    const hiF = fconst(L, t, ...pow2(t, cvtSize * 8 - 1));
    const max = L.constReg(-1, bits === 64 ? 0x7fffffff : 0, cvtSize);
    const maxv = bits === 64 ? max : L.constReg(0x7fffffff, 0, 4);
    ucomis(L, t, x, hiF);
    const r2 = L.tmp();
    L.emitMod(cmov(CC.AE, cvtSize, r2, maxv), r);
    ucomis(L, t, x, x);
    const r3 = L.tmp();
    L.emitMod(cmov(CC.P, cvtSize, r3, zero), r2);
    if (bits >= 32) {
      L.move(out, r3);
      return;
    }
    const hiI = L.constReg(2 ** (bits - 1) - 1, 0, 4);
    const loI = L.constReg(-(2 ** (bits - 1)), -1, 4);
    L.emit(aluRM(AluOp.Cmp, 4, r3, hiI));
    const r4 = L.tmp();
    L.emitMod(cmov(CC.G, 4, r4, hiI), r3);
    L.emit(aluRM(AluOp.Cmp, 4, r4, loI));
    L.emitMod(cmov(CC.L, 4, out, loI), r4);
    return;
  }
  const r = toUnsignedRaw(L, t, x, bits);
  const maxv = L.constReg(bits === 64 ? -1 : bits === 32 ? -1 : 2 ** bits - 1, bits === 64 ? -1 : 0);
  const hiF = fconst(L, t, ...pow2(t, bits));
  ucomis(L, t, x, hiF);
  const r2 = L.tmp();
  L.emitMod(cmov(CC.AE, 8, r2, maxv), r);
  const z = fconst(L, t, 0, 0);
  ucomis(L, t, x, z);
  L.emitMod(cmov(CC.B, 8, out, zero), r2);
}

function fconstOf(L: X64Lower, t: Type, x: number): number {
  const [lo, hi] = fbits(t, x);
  return fconst(L, t, lo, hi);
}

/** Truncation toward zero for 0 <= x < 2^bits (unspecified elsewhere). */
function toUnsignedRaw(L: X64Lower, t: Type, x: number, bits: number): number {
  if (bits < 64) return cvtt(L, t, 8, x);
  const direct = cvtt(L, t, 8, x);
  const two63 = fconst(L, t, ...pow2(t, 63));
  const adj = cvtt(L, t, 8, fsub(L, t, x, two63));
  const top = L.constReg(0, 0x80000000 | 0);
  const big = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, big, top), adj);
  ucomis(L, t, x, two63);
  const r = L.tmp();
  L.emitMod(cmov(CC.AE, 8, r, big), direct);
  return r;
}

export function lowerFloatRules(r: RuleTable<X64Lower>): void {
  r.add([FADD, FSUB, FMUL, FDIV], 'sse arith', arith);
  r.add(FNEG, 'xorps sign', fneg);
  r.add(FABS, 'andnps sign', fabs);
  r.add(FCOPYSIGN, 'copysign', fcopysign);
  r.add(SQRT, 'sqrt', sqrt);
  r.add(FMIN, 'fmin', minmax(false));
  r.add(FMAX, 'fmax', minmax(true));
  r.add(FMA, 'vfmadd213', fma, 1);
  r.add(FMA, 'fma libcall', fmaLibcall);
  r.add(CEIL, 'roundss ceil', round(2), 1);
  r.add(FLOOR, 'roundss floor', round(1), 1);
  r.add(TRUNC, 'roundss trunc', round(3), 1);
  r.add(NEAREST, 'roundss nearest', round(0), 1);
  r.add(CEIL, 'ceil libcall', roundLibcall('ceilf', 'ceil'));
  r.add(FLOOR, 'floor libcall', roundLibcall('floorf', 'floor'));
  r.add(TRUNC, 'trunc libcall', roundLibcall('truncf', 'trunc'));
  r.add(NEAREST, 'nearest libcall', roundLibcall('nearbyintf', 'nearbyint'));
  r.add([BAND, BOR, BXOR, BNOT, BAND_NOT], 'float logic', floatLogic, -1);
  r.add(BITSELECT, 'float bitselect', floatBitselect, -1);
  r.add([FPROMOTE, FDEMOTE], 'cvtss2sd/cvtsd2ss', promoteDemote);
  r.add(FCVT_FROM_SINT, 'cvtsi2s', fromSint);
  r.add(FCVT_FROM_UINT, 'cvtsi2s unsigned', fromUint);
  r.add(FCVT_TO_SINT, 'cvtts2si checked', toInt(true, false));
  r.add(FCVT_TO_UINT, 'cvtts2si unsigned checked', toInt(false, false));
  r.add(FCVT_TO_SINT_SAT, 'cvtts2si saturating', toInt(true, true));
  r.add(FCVT_TO_UINT_SAT, 'cvtts2si unsigned saturating', toInt(false, true));
}

export { xmmToGpr, I32 };
