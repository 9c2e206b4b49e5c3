// Conditions: integer and float compares into NZCV flags (shared by icmp/fcmp results, brif,
// select, trapz/trapnz), and the flags-free compare-and-branch forms (cbz/cbnz on a value or a
// compare with zero, tbz/tbnz on a sign bit or a single-bit test).

import {
  type Type, type Value, BAND, BAND_IMM, F128, F16, F32, F64, FCMP, FloatCC, I128, I16, I32, I64, I8, ICMP, ICMP_IMM, IntCC,
} from '@windlass/ir';
import {
  AluOp, Cond, Extend, type MInst, aluRRImm12, aluRRR, aluRRRExtend, aluRRImmLogic, bitfield, BfOp, cbz, ccmp, CSelOp, csel,
  encodeImm12, encodeLogicalImm, fpCmp, invertCond, tbz, xzr,
} from '../inst';
import { type A64Lower, sfOf } from './state';
import { fpSize, softFloatCond } from './float';

/** One condition, or two combined (float `one` and `ueq` need two). */
export interface CondCode {
  c: Cond;
  /** A second condition, or -1. */
  c2: number;
}

const INT_COND: readonly Cond[] = [Cond.EQ, Cond.NE, Cond.LT, Cond.GE, Cond.GT, Cond.LE, Cond.LO, Cond.HS, Cond.HI, Cond.LS];

export function intCond(cc: IntCC): Cond {
  return INT_COND[cc];
}

function signedCC(cc: IntCC): boolean {
  return cc === IntCC.Slt || cc === IntCC.Sge || cc === IntCC.Sgt || cc === IntCC.Sle;
}

/**
 * A register holding the i8/i16 value `r` extended to 32 bits (signed or unsigned); i32/i64
 * values are returned as they are. Bits above a narrow type's width are undefined in a
 * register, so every rule that reads them extends first.
 */
export function extendTo32(L: A64Lower, r: number, t: Type, signed: boolean): number {
  if (t !== I8 && t !== I16) return r;
  const d = L.tmp();
  L.emit(bitfield(signed ? BfOp.Sbfm : BfOp.Ubfm, 0, d, r, 0, t === I8 ? 7 : 15));
  return d;
}

/** The extend option reading the low bits of a narrow type. */
function narrowExtend(t: Type, signed: boolean): Extend {
  if (t === I8) return signed ? Extend.SXTB : Extend.UXTB;
  return signed ? Extend.SXTH : Extend.UXTH;
}

/** `cmp a, b` (b a register, an imm12 or a negated imm12) for type `t`; returns the condition. */
export function lowerIcmp(L: A64Lower, cc: IntCC, a: Value, b: Value | null, bLo: number, bHi: number, t: Type): CondCode {
  if (t === I128) return lowerIcmp128(L, cc, a, b, bLo, bHi);
  const signed = signedCC(cc);
  const narrow = t === I8 || t === I16;
  const sf = sfOf(t);
  let k: [number, number] | null = b === null ? [bLo, bHi] : L.constOf(b);
  if (k !== null && narrow) {
    // The constant as the type's value extended like the compare.
    const bits = t === I8 ? 8 : 16;
    const lo = signed ? (k[0] << (32 - bits)) >> (32 - bits) : k[0] & ((1 << bits) - 1);
    k = [lo, lo >> 31];
  }
  const ra = extendTo32(L, L.gpr(a), t, signed);
  if (k !== null) {
    const [lo, hi] = k;
    const fits = sf ? hi === lo >> 31 : true;
    const v = sf ? lo : lo | 0;
    if (fits && encodeImm12(v) >= 0) {
      L.emit(aluRRImm12(AluOp.Subs, sf, xzr, ra, encodeImm12(v)));
      return { c: intCond(cc), c2: -1 };
    }
    if (fits && v !== -0x80000000 && encodeImm12(-v) >= 0 && (sf || v !== 0)) {
      L.emit(aluRRImm12(AluOp.Adds, sf, xzr, ra, encodeImm12(-v)));
      return { c: intCond(cc), c2: -1 };
    }
    const rb = L.constReg(lo, hi, sf);
    L.emit(aluRRR(AluOp.Subs, sf, xzr, ra, rb));
    return { c: intCond(cc), c2: -1 };
  }
  const rb = L.gpr(b as Value);
  if (narrow) L.emit(aluRRRExtend(AluOp.Subs, 0, xzr, ra, rb, narrowExtend(t, signed)));
  else L.emit(aluRRR(AluOp.Subs, sf, xzr, ra, rb));
  return { c: intCond(cc), c2: -1 };
}

function lowerIcmp128(L: A64Lower, cc: IntCC, a: Value, b: Value | null, bLo: number, bHi: number): CondCode {
  const [alo, ahi] = L.pair(a);
  let blo: number;
  let bhi: number;
  if (b === null) {
    blo = L.constReg(bLo, bHi);
    const s = bHi >> 31;
    bhi = L.constReg(s, s);
  } else [blo, bhi] = L.pair(b);
  if (cc === IntCC.Eq || cc === IntCC.Ne) {
    // lo == lo' and hi == hi': cmp lo; ccmp hi (flags "not equal" when the low halves differ).
    L.emit(aluRRR(AluOp.Subs, 1, xzr, alo, blo));
    L.emit(ccmp(1, ahi, bhi, 0, Cond.EQ));
    return { c: intCond(cc), c2: -1 };
  }
  // a - b as a 128-bit subtraction: cmp lo; sbcs hi. Signed: lt/ge from N^V; unsigned: lo/hs
  // from C. The other orders swap the operands.
  let x = [alo, ahi];
  let y = [blo, bhi];
  let c: Cond;
  switch (cc) {
    case IntCC.Slt: c = Cond.LT; break;
    case IntCC.Sge: c = Cond.GE; break;
    case IntCC.Ult: c = Cond.LO; break;
    case IntCC.Uge: c = Cond.HS; break;
    case IntCC.Sgt: c = Cond.LT; [x, y] = [y, x]; break;
    case IntCC.Sle: c = Cond.GE; [x, y] = [y, x]; break;
    case IntCC.Ugt: c = Cond.LO; [x, y] = [y, x]; break;
    default: c = Cond.HS; [x, y] = [y, x]; break;
  }
  L.emit(aluRRR(AluOp.Subs, 1, xzr, x[0], y[0]));
  L.emit(aluRRR(AluOp.Sbcs, 1, xzr, x[1], y[1]));
  return { c, c2: -1 };
}

/** Flags for float compare `cc`: after `fcmp`, one or two conditions (see the FloatCC table). */
export function floatCond(cc: FloatCC): CondCode {
  switch (cc) {
    case FloatCC.Ord: return { c: Cond.VC, c2: -1 };
    case FloatCC.Uno: return { c: Cond.VS, c2: -1 };
    case FloatCC.Eq: return { c: Cond.EQ, c2: -1 };
    case FloatCC.Ne: return { c: Cond.NE, c2: -1 };
    case FloatCC.One: return { c: Cond.MI, c2: Cond.GT };
    case FloatCC.Ueq: return { c: Cond.EQ, c2: Cond.VS };
    case FloatCC.Lt: return { c: Cond.MI, c2: -1 };
    case FloatCC.Le: return { c: Cond.LS, c2: -1 };
    case FloatCC.Gt: return { c: Cond.GT, c2: -1 };
    case FloatCC.Ge: return { c: Cond.GE, c2: -1 };
    case FloatCC.Ult: return { c: Cond.LT, c2: -1 };
    case FloatCC.Ule: return { c: Cond.LE, c2: -1 };
    case FloatCC.Ugt: return { c: Cond.HI, c2: -1 };
    default: return { c: Cond.HS, c2: -1 };
  }
}

/** `fcmp a, b` (f16 without FP16 and f128 through their own paths) and the condition(s). */
export function lowerFcmp(L: A64Lower, cc: FloatCC, a: Value, b: Value, t: Type): CondCode {
  if (t === F128 || (t === F16 && !L.features.fp16)) return softFloatCond(L, cc, a, b, t);
  if (t !== F32 && t !== F64 && t !== F16) L.unsupported(`fcmp.${L.typeName(t)}`);
  L.emit(fpCmp(fpSize(t), L.vr(a), L.vr(b)));
  return floatCond(cc);
}

/**
 * Flags for "`v` is true" when `v` is a fused compare (icmp / icmp_imm / fcmp whose only use is
 * `user`, or any compare: recomputing it is cheap), else `v != 0`.
 */
export function condOf(L: A64Lower, v: Value): CondCode {
  const f = L.f;
  const d = L.ctx.defInst(v);
  if (d !== -1) {
    const op = f.instOpcode[d];
    if (op === ICMP || op === ICMP_IMM) {
      const t = f.valueType[f.resolveAliases(f.arg(d, 0))] as Type;
      if (op === ICMP) return lowerIcmp(L, f.instImm0[d] as IntCC, f.arg(d, 0), f.arg(d, 1), 0, 0, t);
      return lowerIcmp(L, f.instImm0[d] as IntCC, f.arg(d, 0), null, f.instImm1[d], f.instImm2[d], t);
    }
    if (op === FCMP) {
      const t = f.valueType[f.resolveAliases(f.arg(d, 0))] as Type;
      if (t === F16 || t === F32 || t === F64 || t === F128) return lowerFcmp(L, f.instImm0[d] as FloatCC, f.arg(d, 0), f.arg(d, 1), t);
    }
  }
  return testNonZero(L, v);
}

/** Flags for `v != 0` (NE) of any integer type. */
export function testNonZero(L: A64Lower, v: Value): CondCode {
  const t = L.f.valueType[L.f.resolveAliases(v)] as Type;
  if (t === I128) {
    const [lo, hi] = L.pair(v);
    const o = L.tmp();
    L.emit(aluRRR(AluOp.Orr, 1, o, lo, hi));
    L.emit(aluRRImm12(AluOp.Subs, 1, xzr, o, 0));
    return { c: Cond.NE, c2: -1 };
  }
  const r = L.gpr(v);
  if (t === I8 || t === I16) L.emit(aluRRImmLogic(AluOp.Ands, 0, xzr, r, encodeLogicalImm(t === I8 ? 0xff : 0xffff, 0, 32)));
  else L.emit(aluRRImm12(AluOp.Subs, sfOf(t), xzr, r, 0));
  return { c: Cond.NE, c2: -1 };
}

/**
 * A compare-and-branch without flags when `v` allows one: `v` itself (cbnz), `icmp eq/ne x, 0`
 * (cbz/cbnz), `icmp slt/sge x, 0` (tbnz/tbz of the sign bit), `band x, 2^k` (tbnz/tbz). Returns
 * the instruction branching to `label` when `v` is true (or when false with `invert`), or null.
 */
export function branchWithoutFlags(L: A64Lower, v: Value, label: number, invert: boolean): MInst | null {
  const f = L.f;
  const d = L.ctx.defInst(v);
  const t = f.valueType[f.resolveAliases(v)] as Type;
  if (d !== -1) {
    const op = f.instOpcode[d];
    if (op === ICMP_IMM || op === ICMP) {
      const x = f.arg(d, 0);
      const xt = f.valueType[f.resolveAliases(x)] as Type;
      if (xt !== I32 && xt !== I64) return null;
      let k: [number, number] | null;
      if (op === ICMP_IMM) k = [f.instImm1[d], f.instImm2[d]];
      else k = L.constOf(f.arg(d, 1));
      if (k === null || k[0] !== 0 || (xt === I64 && k[1] !== 0)) return null;
      const cc = f.instImm0[d] as IntCC;
      const sf = sfOf(xt);
      if (cc === IntCC.Eq || cc === IntCC.Ne) return cbz((cc === IntCC.Ne) !== invert, sf, L.gpr(x), label);
      if (cc === IntCC.Slt || cc === IntCC.Sge) return tbz((cc === IntCC.Slt) !== invert, L.gpr(x), sf ? 63 : 31, label);
      return null;
    }
    if ((op === BAND || op === BAND_IMM) && (t === I32 || t === I64) && L.ctx.useCountOf(v) === 1) {
      const k = op === BAND_IMM ? [f.instImm1[d], f.instImm2[d]] as [number, number] : L.constOf(f.arg(d, 1));
      if (k !== null) {
        const bit = singleBit(k[0], t === I64 ? k[1] : 0);
        if (bit >= 0) return tbz(!invert, L.gpr(f.arg(d, 0)), bit, label);
      }
    }
  }
  if (t === I32 || t === I64) return cbz(!invert, sfOf(t), L.gpr(v), label);
  return null;
}

function singleBit(lo: number, hi: number): number {
  if (hi === 0 && lo !== 0 && (lo & (lo - 1)) === 0) return 31 - Math.clz32(lo >>> 0);
  if (lo === 0 && hi !== 0 && (hi & (hi - 1)) === 0) return 63 - Math.clz32(hi >>> 0);
  return -1;
}

/** rd <- 1 when `c` (and c2, ORed) holds, else 0. */
export function materializeCond(L: A64Lower, rd: number, c: CondCode): void {
  if (c.c2 < 0) {
    L.emit(csel(CSelOp.Csinc, 0, rd, xzr, xzr, invertCond(c.c)));
    return;
  }
  const t = L.tmp();
  L.emit(csel(CSelOp.Csinc, 0, t, xzr, xzr, invertCond(c.c)));
  L.emit(csel(CSelOp.Csinc, 0, rd, t, xzr, invertCond(c.c2)));
}

/**
 * Flags with one condition for `c`: two-condition float compares are folded into one by
 * setting a register and testing it.
 */
export function singleCond(L: A64Lower, c: CondCode): Cond {
  if (c.c2 < 0) return c.c;
  const t = L.tmp();
  materializeCond(L, t, c);
  L.emit(aluRRImm12(AluOp.Subs, 0, xzr, t, 0));
  return Cond.NE;
}
