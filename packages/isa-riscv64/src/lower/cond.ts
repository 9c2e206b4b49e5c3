// Conditions without flags: an IR condition becomes a compare-and-branch (beq, bne, blt, bge,
// bltu, bgeu on two registers), or a 0/1 value from slt/sltu/xor sequences.

import {
  type Inst, type Type, type Value, FCMP, FloatCC, I128, I16, I32, I64, I8, ICMP, ICMP_IMM, IntCC, bytes, isVector,
} from '@windlass/ir';
import { fcmpCond } from './float';
import * as O from '../inst/ops';
import { rri, rrr } from '../inst/mod';
import { zero } from '../inst/regs';
import { type RvLower, argType, isIntScalar } from './state';

/** "Branch when op(a, b)": a table branch opcode and its two registers. */
export interface Cond {
  readonly op: number;
  readonly a: number;
  readonly b: number;
}

const INVERT = new Map<number, number>([
  [O.BEQ, O.BNE], [O.BNE, O.BEQ], [O.BLT, O.BGE], [O.BGE, O.BLT], [O.BLTU, O.BGEU], [O.BGEU, O.BLTU],
]);

export function invert(c: Cond): Cond {
  return { op: INVERT.get(c.op)!, a: c.a, b: c.b };
}

/** The branch condition of `cc` on a, b (both extended alike). */
export function intCond(cc: IntCC, a: number, b: number): Cond {
  switch (cc) {
    case IntCC.Eq: return { op: O.BEQ, a, b };
    case IntCC.Ne: return { op: O.BNE, a, b };
    case IntCC.Slt: return { op: O.BLT, a, b };
    case IntCC.Sge: return { op: O.BGE, a, b };
    case IntCC.Sgt: return { op: O.BLT, a: b, b: a };
    case IntCC.Sle: return { op: O.BGE, a: b, b: a };
    case IntCC.Ult: return { op: O.BLTU, a, b };
    case IntCC.Uge: return { op: O.BGEU, a, b };
    case IntCC.Ugt: return { op: O.BLTU, a: b, b: a };
    case IntCC.Ule: return { op: O.BGEU, a: b, b: a };
    default: throw new Error(`unknown IntCC ${cc}`);
  }
}

/**
 * The operands of an integer compare of type `t` as registers prepared alike, constants 0 as
 * x0: i32 sign-extended; i8 and i16 shifted to the top of the register, which keeps both the
 * signed and the unsigned order (and equality) of the narrow values.
 */
export function cmpOperands(L: RvLower, a: Value, b: Value | null, bConst: [number, number] | null, t: Type): [number, number] {
  return [cmpOperand(L, a, null, t), cmpOperand(L, b, bConst, t)];
}

function cmpOperand(L: RvLower, v: Value | null, k: [number, number] | null, t: Type): number {
  const c = v !== null ? L.constOf(v) : k;
  const bitsN = t === I8 ? 8 : t === I16 ? 16 : t === I32 ? 32 : 64;
  if (c !== null) {
    const [lo, hi] = c;
    if (bitsN === 64) return L.constReg(lo, hi);
    if (bitsN === 32) return L.constReg(lo | 0, lo >> 31);
    return L.constReg(0, (lo << (32 - bitsN)) | 0);
  }
  const r = L.reg(v!);
  if (bitsN === 64) return r;
  if (bitsN === 32) return L.sext(r, I32);
  const d = L.tmp();
  L.emit(rri(O.SLLI, d, r, 64 - bitsN));
  return d;
}

/** Branch-when-true condition of the integer value `v` (non-zero), fusing an `icmp` that defines it. */
export function condOf(L: RvLower, v: Value): Cond {
  const f = L.f;
  const di = L.ctx.defInst(v);
  if (di !== -1) {
    const d = di as Inst;
    const op = f.instOpcode[d];
    if (op === ICMP || op === ICMP_IMM) {
      const t = argType(L, d, 0);
      if (isIntScalar(t)) {
        const cc = f.instImm0[d] as IntCC;
        const [a, b] = op === ICMP
          ? cmpOperands(L, f.arg(d, 0), f.arg(d, 1), null, t)
          : cmpOperands(L, f.arg(d, 0), null, [f.instImm1[d], f.instImm2[d]], t);
        return intCond(cc, a, b);
      }
      if (t === I128 && op === ICMP) {
        const r = L.tmp();
        lowerIcmp128(L, f.instImm0[d] as IntCC, f.arg(d, 0), f.arg(d, 1), r);
        return { op: O.BNE, a: r, b: zero };
      }
    }
    if (op === FCMP && !isVector(argType(L, d, 0))) {
      return fcmpCond(L, f.instImm0[d] as FloatCC, f.arg(d, 0), f.arg(d, 1), argType(L, d, 0));
    }
  }
  const t = L.f.valueType[v] as Type;
  if (t === I128) {
    const [lo, hi] = L.pair(v);
    const r = L.tmp();
    L.emit(rrr(O.OR, r, lo, hi));
    return { op: O.BNE, a: r, b: zero };
  }
  // Only the type's bits count (the register's upper bits are undefined): test them at the top.
  if (t === I64) return { op: O.BNE, a: L.reg(v), b: zero };
  const d = L.tmp();
  L.emit(rri(O.SLLI, d, L.reg(v), 64 - 8 * bytes(t)));
  return { op: O.BNE, a: d, b: zero };
}

/** rd <- 1 when `c` holds, else 0. */
export function condToReg(L: RvLower, c: Cond, rd: number): void {
  const { a, b } = c;
  switch (c.op) {
    case O.BEQ: case O.BNE: {
      let x = a;
      if (b !== zero) {
        x = L.tmp();
        L.emit(rrr(O.XOR, x, a, b));
      }
      if (c.op === O.BEQ) L.emit(rri(O.SLTIU, rd, x, 1));
      else L.emit(rrr(O.SLTU, rd, zero, x));
      return;
    }
    case O.BLT: case O.BLTU:
      L.emit(rrr(c.op === O.BLT ? O.SLT : O.SLTU, rd, a, b));
      return;
    default: {
      const t = L.tmp();
      L.emit(rrr(c.op === O.BGE ? O.SLT : O.SLTU, t, a, b));
      L.emit(rri(O.XORI, rd, t, 1));
    }
  }
}

/** rd <- the 128-bit compare `cc` of a and b (0/1). */
export function lowerIcmp128(L: RvLower, cc: IntCC, a: Value, b: Value, rd: number): void {
  lowerIcmp128Pairs(L, cc, L.pair(a), L.pair(b), rd);
}

/** `lowerIcmp128` on register pairs (low, high). */
export function lowerIcmp128Pairs(L: RvLower, cc: IntCC, [alo, ahi]: [number, number], [blo, bhi]: [number, number], rd: number): void {
  if (cc === IntCC.Eq || cc === IntCC.Ne) {
    const x = L.tmp();
    const y = L.tmp();
    const z = L.tmp();
    L.emit(rrr(O.XOR, x, alo, blo));
    L.emit(rrr(O.XOR, y, ahi, bhi));
    L.emit(rrr(O.OR, z, x, y));
    if (cc === IntCC.Eq) L.emit(rri(O.SLTIU, rd, z, 1));
    else L.emit(rrr(O.SLTU, rd, zero, z));
    return;
  }
  // a < b: the high halves decide (signed or not), equal high halves leave it to the low ones (unsigned).
  const signed = cc === IntCC.Slt || cc === IntCC.Sgt || cc === IntCC.Sle
    || cc === IntCC.Sge;
  const swap = cc === IntCC.Sgt || cc === IntCC.Ugt || cc === IntCC.Sle
    || cc === IntCC.Ule;
  const negate = cc === IntCC.Sle || cc === IntCC.Ule
    || cc === IntCC.Sge || cc === IntCC.Uge;
  const [xl, xh, yl, yh] = swap ? [blo, bhi, alo, ahi] : [alo, ahi, blo, bhi];
  const hlt = L.tmp();
  const heq = L.tmp();
  const llt = L.tmp();
  const both = L.tmp();
  const d = L.tmp();
  L.emit(rrr(signed ? O.SLT : O.SLTU, hlt, xh, yh));
  L.emit(rrr(O.XOR, d, xh, yh));
  L.emit(rri(O.SLTIU, heq, d, 1));
  L.emit(rrr(O.SLTU, llt, xl, yl));
  L.emit(rrr(O.AND, both, heq, llt));
  if (negate) {
    const lt = L.tmp();
    L.emit(rrr(O.OR, lt, hlt, both));
    L.emit(rri(O.XORI, rd, lt, 1));
  } else L.emit(rrr(O.OR, rd, hlt, both));
}
