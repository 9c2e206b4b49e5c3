// Scalar binary floating point on the vector registers: f32/f64/f128 in element 0 (the FPR
// half for f32/f64), arithmetic with the vector facility's single-element ("W") forms, which
// reach all 32 registers. Conversions to and from integers use the classic BFP instructions
// (`cgdbra`, `cdlgbr`, ...), staged through %f7 by the emitter when an operand lives in
// %v16..%v31. Cranelift's fmin/fmax (NaN if either is NaN, -0 < +0) are the "Java" mode of
// `vfmin`/`vfmax`.

import {
  type Inst, type Type, type Value, BITCAST, CEIL, F128, F128CONST, F16, F16CONST, F32, F32CONST, F64, F64CONST,
  FABS, FADD, FCMP, FCOPYSIGN, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT,
  FCVT_TO_UINT_SAT, FDEMOTE, FDIV, FLOOR, FMA, FMAX, FMIN, FMUL, FNEG, FPROMOTE, FSUB, FloatCC, I128, I16, I32, I64, I8,
  NEAREST, SQRT, TRAP_BAD_TOINT, TRAP_INT_OVF, TRUNC, bytes, isVector,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { condBr, inst as mk, ri, rrm, rx, vrra, vrrc, vrre } from '../inst/mod';
import { NO_REG, VREG_BASE, vr } from '../inst/regs';
import { extend32, floatCompare, fpFormat, materialize } from './cond';
import type { S390xLower } from './state';
import { resultType } from './types';
import { vlgv, vlvgInto } from './mem';

function isScalarFloat(t: Type): boolean {
  return t === F32 || t === F64 || t === F128;
}

/** Big-endian bytes of a `bits`-wide pattern given as 32-bit words, most significant first. */
function beBytes(words: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  const all = new Uint8Array(words.length * 4);
  words.forEach((w, k) => {
    all[4 * k] = w >>> 24;
    all[4 * k + 1] = (w >>> 16) & 255;
    all[4 * k + 2] = (w >>> 8) & 255;
    all[4 * k + 3] = w & 255;
  });
  out.set(all.subarray(all.length - size));
  return out;
}

/** dst <- a float constant (its big-endian bytes), from the literal pool (zero: `vgbm 0`). */
export function floatConst(L: S390xLower, dst: number, be: Uint8Array, t: Type): void {
  if (be.every((b) => b === 0)) {
    L.emit(ri('vgbm', dst, 0));
    return;
  }
  const name = t === F16 ? 'vleh.d' : t === F32 ? 'vlef.d' : t === F64 ? 'vleg.d' : 'vl';
  const i = rx(name, dst, NO_REG, NO_REG, 0);
  i.label = L.constLabel(be, Math.min(8, be.length));
  L.emit(i);
}

function constRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  switch (f.instOpcode[inst]) {
    case F16CONST: floatConst(L, L.out(), beBytes([f.instImm0[inst]], 2), F16); return true;
    case F32CONST: floatConst(L, L.out(), beBytes([f.instImm0[inst]], 4), F32); return true;
    case F64CONST: floatConst(L, L.out(), beBytes([f.instImm2[inst], f.instImm1[inst]], 8), F64); return true;
    default: {
      const le = f.constants[f.instImm0[inst]];
      if (le === undefined || le.length !== 16) return false;
      floatConst(L, L.out(), le.slice().reverse(), F128);
      return true;
    }
  }
}

const ARITH: Record<number, string> = { [FADD]: 'vfa', [FSUB]: 'vfs', [FMUL]: 'vfm', [FDIV]: 'vfd' };

function arithRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarFloat(t)) return false;
  L.emit(vrrc(ARITH[L.f.instOpcode[inst]], L.out(), L.reg(L.f.arg(inst, 0)), L.reg(L.f.arg(inst, 1)), fpFormat(t), 8));
  return true;
}

function sqrtRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarFloat(t)) return false;
  L.emit(vrra('vfsq', L.out(), L.reg(L.f.arg(inst, 0)), fpFormat(t), 8));
  return true;
}

function fmaRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarFloat(t)) return false;
  const f = L.f;
  L.emit(vrre('vfma', L.out(), L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), L.reg(f.arg(inst, 2)), 8, fpFormat(t)));
  return true;
}

/** A register with only the sign bit of each `t`-sized element set (f16/f32/f64), or of the whole (f128). */
export function signMask(L: S390xLower, t: Type): number {
  const m = L.tmpV();
  if (t === F128) {
    const be = new Uint8Array(16);
    be[0] = 0x80;
    const i = rx('vl', m, NO_REG, NO_REG, 0);
    i.label = L.constLabel(be, 8);
    L.emit(i);
    return m;
  }
  const g = mk('vgm');
  g.r1 = m;
  g.imm = 0;
  g.m3 = 0;
  g.m4 = t === F16 ? 1 : t === F32 ? 2 : 3;
  L.emit(g);
  return m;
}

function signRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t !== F16 && !isScalarFloat(t)) return false;
  const op = L.f.instOpcode[inst];
  const a = L.reg(L.f.arg(inst, 0));
  const dst = L.out();
  if (op === FCOPYSIGN) {
    L.emit(vrre('vsel', dst, L.reg(L.f.arg(inst, 1)), a, signMask(L, t)));
    return true;
  }
  if (t === F16) {
    L.emit(vrrc(op === FNEG ? 'vx' : 'vnc', dst, a, signMask(L, t)));
    return true;
  }
  // Sign operations never touch a NaN's payload.
  L.emit(vrra('vfpso', dst, a, fpFormat(t), 8, op === FNEG ? 0 : 2));
  return true;
}

function minMaxRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarFloat(t)) return false;
  const op = L.f.instOpcode[inst] === FMIN ? 'vfmin' : 'vfmax';
  L.emit(vrrc(op, L.out(), L.reg(L.f.arg(inst, 0)), L.reg(L.f.arg(inst, 1)), fpFormat(t), 8, 1));
  return true;
}

const ROUND: Record<number, number> = { [NEAREST]: 4, [TRUNC]: 5, [CEIL]: 6, [FLOOR]: 7 };

function roundRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarFloat(t)) return false;
  L.emit(vrra('vfi', L.out(), L.reg(L.f.arg(inst, 0)), fpFormat(t), 8 | 4, ROUND[L.f.instOpcode[inst]]));
  return true;
}

function promoteRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const from = L.typeOf(L.f.arg(inst, 0));
  if (!isScalarFloat(t) || isVector(from)) return false;
  L.emit(vrra('vfll', L.out(), L.reg(L.f.arg(inst, 0)), fpFormat(from), 8));
  return true;
}

function demoteRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const from = L.typeOf(L.f.arg(inst, 0));
  if (!isScalarFloat(t) || isVector(from)) return false;
  L.emit(vrra('vflr', L.out(), L.reg(L.f.arg(inst, 0)), fpFormat(from), 8, 0));
  return true;
}

function fcmpRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const t = L.typeOf(f.arg(inst, 0));
  if (!isScalarFloat(t)) return false;
  materialize(L, L.out(), floatCompare(L, f.instImm0[inst] as FloatCC, f.arg(inst, 0), f.arg(inst, 1)));
  return true;
}

// ------------------------------------------------------------------ conversions

function fromIntRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t !== F32 && t !== F64) return false;
  const src: Value = L.f.arg(inst, 0);
  const it = L.typeOf(src);
  if (it === I128 || isVector(it)) return false;
  const signed = L.f.instOpcode[inst] === FCVT_FROM_SINT;
  const wide = it === I64;
  const r = wide ? L.reg(src) : extend32(L, src, signed);
  const name = signed
    ? (t === F64 ? (wide ? 'cdgbra' : 'cdfbra') : wide ? 'cegbra' : 'cefbra')
    : t === F64 ? (wide ? 'cdlgbr' : 'cdlfbr') : wide ? 'celgbr' : 'celfbr';
  L.emit(rrm(name, L.out(), r, 0, 0));
  return true;
}

/** The conversion instruction from float `ft` to a 32- or 64-bit integer, rounding toward zero. */
function toIntOp(ft: Type, wide: boolean, signed: boolean): string {
  const d = ft === F64;
  if (signed) return wide ? (d ? 'cgdbra' : 'cgebra') : d ? 'cfdbra' : 'cfebra';
  return wide ? (d ? 'clgdbr' : 'clgebr') : d ? 'clfdbr' : 'clfebr';
}

/** The float constant `x` of type `t` as a register. */
function floatOf(L: S390xLower, x: number, t: Type): number {
  const r = L.tmpV();
  const dv = new DataView(new ArrayBuffer(8));
  if (t === F32) {
    dv.setFloat32(0, x);
    floatConst(L, r, new Uint8Array(dv.buffer, 0, 4).slice(), F32);
  } else {
    dv.setFloat64(0, x);
    floatConst(L, r, new Uint8Array(dv.buffer).slice(), F64);
  }
  return r;
}

/** Whether the integer `x` is exactly representable in float type `t`. */
function exact(x: number, t: Type): boolean {
  return t === F64 ? Number.isSafeInteger(x) : Math.abs(x) <= 2 ** 24;
}

function toIntRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const src: Value = L.f.arg(inst, 0);
  const ft = L.typeOf(src);
  if ((ft !== F32 && ft !== F64) || !(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  const op = L.f.instOpcode[inst];
  const signed = op === FCVT_TO_SINT || op === FCVT_TO_SINT_SAT;
  const sat = op === FCVT_TO_SINT_SAT || op === FCVT_TO_UINT_SAT;
  const x = L.reg(src);
  const w = bytes(t) * 8;
  const wide = t === I64;
  const fmt = fpFormat(ft);
  const dst = L.out();
  if (!sat) {
    L.emit(vrra('wfc', x, x, fmt, 0));
    L.emit(condBr(1, L.trapLabel(TRAP_BAD_TOINT)));
    // In range: lo < x < hi (after truncation toward zero).
    const min = signed ? -(2 ** (w - 1)) : 0;
    const max = signed ? 2 ** (w - 1) : 2 ** w;
    const below = min - 1;
    if (exact(below, ft)) {
      L.emit(vrra('wfc', x, floatOf(L, below, ft), fmt, 0));
      L.emit(condBr(12, L.trapLabel(TRAP_INT_OVF)));
    } else {
      L.emit(vrra('wfc', x, floatOf(L, min, ft), fmt, 0));
      L.emit(condBr(4, L.trapLabel(TRAP_INT_OVF)));
    }
    L.emit(vrra('wfc', x, floatOf(L, max, ft), fmt, 0));
    L.emit(condBr(10, L.trapLabel(TRAP_INT_OVF)));
    L.emit(rrm(toIntOp(ft, wide, signed), dst, x, 5, 0));
    return true;
  }
  // Saturating: the conversion saturates out-of-range values; NaN becomes 0; narrow results
  // are clamped from the 32-bit conversion.
  const r = L.tmp();
  L.emit(rrm(toIntOp(ft, wide, signed), r, x, 5, 0));
  saturateNarrow(L, r, t, signed, x, fmt);
  return true;
}

// ------------------------------------------------------------------ f128 <-> integers

/** The binary128 bits of the integer `x` (|x| <= 2^64, exact), big-endian. */
function f128Image(x: bigint): Uint8Array {
  const out = new Uint8Array(16);
  if (x === 0n) return out;
  let m = x < 0n ? -x : x;
  let e = 0;
  while (m >> BigInt(e + 1) !== 0n) e++;
  const frac = (m - (1n << BigInt(e))) << BigInt(112 - e);
  m = (BigInt(x < 0n ? 1 : 0) << 127n) | (BigInt(e + 16383) << 112n) | frac;
  for (let k = 15; k >= 0; k--) {
    out[k] = Number(m & 255n);
    m >>= 8n;
  }
  return out;
}

/**
 * The classic BFP conversions of f128 use a floating-point register pair: the value's high
 * doubleword in %f0, its low one in %f2 (fixed registers for the allocator).
 */
function f128ToIntRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const src: Value = L.f.arg(inst, 0);
  if (L.typeOf(src) !== F128 || !(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  const op = L.f.instOpcode[inst];
  const signed = op === FCVT_TO_SINT || op === FCVT_TO_SINT_SAT;
  const sat = op === FCVT_TO_SINT_SAT || op === FCVT_TO_UINT_SAT;
  const x = L.reg(src);
  const w = bytes(t) * 8;
  const wide = t === I64;
  const konst = (v: bigint): number => {
    const r = L.tmpV();
    floatConst(L, r, f128Image(v), F128);
    return r;
  };
  if (!sat) {
    L.emit(vrra('wfc', x, x, 4, 0));
    L.emit(condBr(1, L.trapLabel(TRAP_BAD_TOINT)));
    const min = signed ? -(1n << BigInt(w - 1)) : 0n;
    const max = signed ? 1n << BigInt(w - 1) : 1n << BigInt(w);
    L.emit(vrra('wfc', x, konst(min - 1n), 4, 0));
    L.emit(condBr(12, L.trapLabel(TRAP_INT_OVF)));
    L.emit(vrra('wfc', x, konst(max), 4, 0));
    L.emit(condBr(10, L.trapLabel(TRAP_INT_OVF)));
  }
  const lo = L.tmpV();
  const rep = mk('vrep');
  rep.r1 = lo; rep.r3 = x; rep.imm = 1; rep.m4 = 3;
  L.emit(rep);
  const r = sat ? L.tmp() : L.out();
  const name = signed ? (wide ? 'cgxbra' : 'cfxbra') : wide ? 'clgxbr' : 'clfxbr';
  L.emit(rrm(name, r, vr(0), 5, 0), { fixedUses: [x - VREG_BASE, vr(0), lo - VREG_BASE, vr(2)] });
  if (sat) saturateNarrow(L, r, t, signed, x, 4);
  return true;
}

/** dst <- r clamped to the range of the i8/i16 `t`, then 0 when the float `x` is a NaN. */
function saturateNarrow(L: S390xLower, r: number, t: Type, signed: boolean, x: number, fmt: number): void {
  const w = bytes(t) * 8;
  let v = r;
  if (w < 32) {
    const max = signed ? 2 ** (w - 1) - 1 : 2 ** w - 1;
    const a = L.tmp();
    L.emit(ri(signed ? 'chi' : 'clfi', v, max));
    const c1 = ri('lochi', a, max);
    c1.m3 = 2;
    L.emitTied(c1, v);
    v = a;
    if (signed) {
      const min = -(2 ** (w - 1));
      const b = L.tmp();
      L.emit(ri('chi', v, min));
      const c2 = ri('lochi', b, min);
      c2.m3 = 4;
      L.emitTied(c2, v);
      v = b;
    }
  }
  L.emit(vrra('wfc', x, x, fmt, 0));
  const c = ri(t === I64 ? 'locghi' : 'lochi', L.out(), 0);
  c.m3 = 1;
  L.emitTied(c, v);
}

function intToF128Rule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== F128) return false;
  const src: Value = L.f.arg(inst, 0);
  const it = L.typeOf(src);
  if (!(it === I8 || it === I16 || it === I32 || it === I64)) return false;
  const signed = L.f.instOpcode[inst] === FCVT_FROM_SINT;
  const wide = it === I64;
  const r = wide ? L.reg(src) : extend32(L, src, signed);
  const hi = L.tmpV();
  const lo = L.tmpV();
  const name = signed ? (wide ? 'cxgbra' : 'cxfbra') : wide ? 'cxlgbr' : 'cxlfbr';
  L.emit(rrm(name, vr(0), r, 0, 0), { fixedDefs: [hi - VREG_BASE, vr(0), lo - VREG_BASE, vr(2)] });
  L.emit(vrrc('vpdi', L.out(), hi, lo, 0));
  return true;
}

// ------------------------------------------------------------------ bitcasts

function bitcastRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const src = L.f.arg(inst, 0);
  const from = L.typeOf(src);
  const size = (x: Type): number => (x === F16 || x === I16 ? 1 : x === F32 || x === I32 ? 2 : 3);
  if ((t === F16 || t === F32 || t === F64) && (from === I16 || from === I32 || from === I64)) {
    L.emit(vlvgInto(L.out(), L.reg(src), 0, size(t)));
    return true;
  }
  if ((from === F16 || from === F32 || from === F64) && (t === I16 || t === I32 || t === I64)) {
    L.emit(vlgv(L.out(), L.reg(src), 0, size(from)));
    return true;
  }
  if ((t === F128 && from === I128) || (t === I128 && from === F128) || (t === from && !isVector(t))) {
    L.moveV(L.out(), L.reg(src));
    return true;
  }
  if (t === from && (t === I8 || t === I16 || t === I32 || t === I64)) {
    L.moveG(L.out(), L.reg(src));
    return true;
  }
  return false;
}

export function lowerFloatRules(r: RuleTable<S390xLower>): void {
  r.add([F16CONST, F32CONST, F64CONST, F128CONST], 'fconst', constRule)
    .add([FADD, FSUB, FMUL, FDIV], 'farith', arithRule)
    .add(SQRT, 'sqrt', sqrtRule)
    .add(FMA, 'fma', fmaRule)
    .add([FNEG, FABS, FCOPYSIGN], 'fsign', signRule)
    .add([FMIN, FMAX], 'fminmax', minMaxRule)
    .add([CEIL, FLOOR, TRUNC, NEAREST], 'fround', roundRule)
    .add(FPROMOTE, 'fpromote', promoteRule)
    .add(FDEMOTE, 'fdemote', demoteRule)
    .add(FCMP, 'fcmp', fcmpRule)
    .add([FCVT_FROM_SINT, FCVT_FROM_UINT], 'fcvt_from_int', fromIntRule)
    .add([FCVT_FROM_SINT, FCVT_FROM_UINT], 'fcvt_from_int_f128', intToF128Rule)
    .add([FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], 'fcvt_f128_to_int', f128ToIntRule)
    .add([FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], 'fcvt_to_int', toIntRule)
    .add(BITCAST, 'bitcast_scalar', bitcastRule);
}
