// Conditions as condition-code masks. A compare sets the condition code (CC0 equal, CC1 first
// operand low, CC2 high, CC3 unordered / overflow / carry); branches, conditional loads and
// selects then test a 4-bit mask of the codes (8 = CC0, 4 = CC1, 2 = CC2, 1 = CC3). Moves,
// loads, stores and address arithmetic never change the condition code, so the allocator's
// moves between a compare and its user are harmless.

import {
  type Inst, type Type, type Value, FCMP, FloatCC, I128, I16, I32, I64, I8, ICMP, ICMP_IMM, IntCC, F16, F32, F64, F128,
} from '@windlass/ir';
import { Pseudo, pseudo, ri, rr, vrra, inst } from '../inst/mod';
import { VREG_BASE } from '../inst/regs';
import { type S390xLower, signExtendHalves } from './state';

/** CC mask per IntCC (eq ne slt sge sgt sle ult uge ugt ule). */
const INT_MASK = [8, 7, 4, 10, 2, 12, 4, 10, 2, 12];
/** CC mask per FloatCC (ord uno eq ne one ueq lt le gt ge ult ule ugt uge). */
const FLOAT_MASK = [14, 1, 8, 7, 6, 9, 4, 12, 2, 10, 5, 13, 3, 11];

export function intMask(cc: IntCC): number {
  return INT_MASK[cc];
}
export function floatMask(cc: FloatCC): number {
  return FLOAT_MASK[cc];
}
function isSigned(cc: IntCC): boolean {
  return cc === IntCC.Slt || cc === IntCC.Sge || cc === IntCC.Sgt || cc === IntCC.Sle;
}

/** A general register holding `v` (i8/i16) extended to 32 bits, signed or not. */
export function extend32(L: S390xLower, v: Value, signed: boolean): number {
  const t = L.typeOf(v);
  const r = L.reg(v);
  if (t !== I8 && t !== I16) return r;
  const d = L.tmp();
  L.emit(rr(t === I8 ? (signed ? 'lbr' : 'llcr') : signed ? 'lhr' : 'llhr', d, r));
  return d;
}
/** A general register holding `v` extended to 64 bits, signed or not. */
export function extend64(L: S390xLower, v: Value, signed: boolean): number {
  const t = L.typeOf(v);
  const r = L.reg(v);
  if (t === I64) return r;
  const d = L.tmp();
  const op = t === I8 ? (signed ? 'lgbr' : 'llgcr') : t === I16 ? (signed ? 'lghr' : 'llghr') : signed ? 'lgfr' : 'llgfr';
  L.emit(rr(op, d, r));
  return d;
}

/** The [hi, lo] general registers of an i128 held in a vector register. */
export function halves128(L: S390xLower, v: number): [number, number] {
  const hi = L.tmp();
  const lo = L.tmp();
  const a = inst('vlgv');
  a.r1 = hi; a.r3 = v; a.d = 0; a.m4 = 3;
  const b = inst('vlgv');
  b.r1 = lo; b.r3 = v; b.d = 1; b.m4 = 3;
  L.emit(a);
  L.emit(b);
  return [hi, lo];
}

/** Compares a and b of integer type `t` for `cc`; returns the CC mask where `cc` holds. */
export function intCompare(L: S390xLower, cc: IntCC, a: Value, b: Value): number {
  const t = L.typeOf(a);
  const signed = isSigned(cc);
  if (t === I128) {
    const [ah, al] = halves128(L, L.reg(a));
    const [bh, bl] = halves128(L, L.reg(b));
    const c = pseudo(Pseudo.Cmp128);
    c.r1 = ah; c.r2 = al; c.r3 = bh; c.r4 = bl; c.m3 = signed ? 1 : 0;
    L.emit(c);
    return INT_MASK[cc];
  }
  const c = L.constOf(b);
  if (c !== null) return intCompareImm(L, cc, a, c[0], c[1]);
  if (t === I64) {
    L.emit(rr(signed ? 'cgr' : 'clgr', L.reg(a), L.reg(b)));
  } else {
    L.emit(rr(signed ? 'cr' : 'clr', extend32(L, a, signed), extend32(L, b, signed)));
  }
  return INT_MASK[cc];
}

/** Compares a with the constant hi:lo (of a's type) for `cc`. */
export function intCompareImm(L: S390xLower, cc: IntCC, a: Value, lo: number, hi: number): number {
  const t = L.typeOf(a);
  const signed = isSigned(cc);
  [lo, hi] = signExtendHalves(lo, hi, t);
  if (t === I64) {
    const r = L.reg(a);
    if (signed && hi === lo >> 31) L.emit(ri(lo >= -32768 && lo <= 32767 ? 'cghi' : 'cgfi', r, lo));
    else if (!signed && hi === 0) L.emit(ri('clgfi', r, lo));
    else L.emit(rr(signed ? 'cgr' : 'clgr', r, L.constReg(lo, hi)));
    return INT_MASK[cc];
  }
  const r = extend32(L, a, signed);
  if (signed) L.emit(ri(lo >= -32768 && lo <= 32767 ? 'chi' : 'cfi', r, lo));
  else {
    const mask = t === I8 ? 0xff : t === I16 ? 0xffff : 0xffffffff;
    L.emit(ri('clfi', r, (lo & mask) >>> 0));
  }
  return INT_MASK[cc];
}

/** Compares floats a and b (`wfc`); returns the mask where `cc` holds. */
export function floatCompare(L: S390xLower, cc: FloatCC, a: Value, b: Value): number {
  const t = L.typeOf(a);
  L.emit(vrra('wfc', L.reg(a), L.reg(b), fpFormat(t), 0));
  return FLOAT_MASK[cc];
}

/** The m3/m4 floating-point format code of a vector FP instruction: 2 short, 3 long, 4 extended. */
export function fpFormat(t: Type): number {
  return t === F32 ? 2 : t === F64 ? 3 : t === F128 ? 4 : t === F16 ? 1 : 3;
}

/** Sets the condition code for "v is non-zero / true" (fusing an icmp or fcmp); returns the mask. */
export function condOf(L: S390xLower, v: Value): number {
  const f = L.f;
  const d = L.ctx.defInst(v);
  if (d !== -1) {
    const op = f.instOpcode[d];
    if (op === ICMP) return intCompare(L, f.instImm0[d] as IntCC, f.arg(d as Inst, 0), f.arg(d as Inst, 1));
    if (op === ICMP_IMM) return intCompareImm(L, f.instImm0[d] as IntCC, f.arg(d as Inst, 0), f.instImm1[d], f.instImm2[d]);
    if (op === FCMP) return floatCompare(L, f.instImm0[d] as FloatCC, f.arg(d as Inst, 0), f.arg(d as Inst, 1));
  }
  return testNonZero(L, v);
}

/** Sets the condition code for "v != 0"; returns the mask (7: not CC0). */
export function testNonZero(L: S390xLower, v: Value): number {
  const t = L.typeOf(v);
  const r = L.reg(v);
  switch (t) {
    case I8: L.emit(ri('tmll', r, 0xff)); break;
    case I16: L.emit(ri('tmll', r, 0xffff)); break;
    case I32: L.emit(ri('chi', r, 0)); break;
    case I64: L.emit(ri('cghi', r, 0)); break;
    default: {
      if (r < VREG_BASE || L.ctx.vregClass(r - VREG_BASE) !== 1) L.unsupported(`a condition of this type`);
      L.emit(vrra('vtm', r, r));
      break;
    }
  }
  return 7;
}

/** dst (an i8 register) <- 1 when the condition code matches `mask`, else 0. */
export function materialize(L: S390xLower, dst: number, mask: number): void {
  const z = L.tmp();
  L.emit(ri('lhi', z, 0));
  const c = ri('lochi', dst, 1);
  c.m3 = mask;
  L.emitTied(c, z);
}

