// Integer min/max/abs and the arithmetic that reports overflow (`*_overflow`, `*_overflow_cin`,
// `*_overflow_bin`, `uadd_overflow_trap`). Narrow operands are extended so the operation is exact
// in 64 bits, and overflow shows as a result that no longer fits the type; 64-bit operations
// find it from sign bits and unsigned compares; i128 from the carries of its halves.

import {
  type Inst, type Type, I128, I64, IABS, SADD_OVERFLOW, SADD_OVERFLOW_CIN, SMAX, SMIN, SMUL_OVERFLOW, SSUB_OVERFLOW,
  SSUB_OVERFLOW_BIN, UADD_OVERFLOW, UADD_OVERFLOW_CIN, UADD_OVERFLOW_TRAP, UMAX, UMIN, UMUL_OVERFLOW, USUB_OVERFLOW,
  USUB_OVERFLOW_BIN, bytes,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { branch, rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, argType, isIntScalar, resultType } from './state';
import { condMove } from './seq';
import { add128, sub128 } from './i128';
import { lowerIcmp128Pairs } from './cond';
import { IntCC } from '@windlass/ir';

// ------------------------------------------------------------------ min, max, abs

function minMaxRule(signed: boolean, max: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    if (t === I128) {
      const a = L.pair(f.arg(inst, 0));
      const b = L.pair(f.arg(inst, 1));
      const [dlo, dhi] = L.outPair();
      // a wins when a < b (min) or b < a (max): keep a's halves then.
      const lt = L.tmp();
      lowerIcmp128Pairs(L, signed ? IntCC.Slt : IntCC.Ult, max ? b : a, max ? a : b, lt);
      L.emitTied(condMove(O.BNE, lt, zero, dlo, b[0], 0), a[0]);
      L.emitTied(condMove(O.BNE, lt, zero, dhi, b[1], 0), a[1]);
      return true;
    }
    if (!isIntScalar(t)) return false;
    // Sign extension keeps both the signed and the unsigned order of narrow values.
    const a = L.extended(f.arg(inst, 0), t, true);
    const b = L.extended(f.arg(inst, 1), t, true);
    if (L.isa.zbb) {
      L.emit(rrr(signed ? (max ? O.MAX : O.MIN) : max ? O.MAXU : O.MINU, L.out(), a, b));
      return true;
    }
    const lt = signed ? O.BLT : O.BLTU;
    // Keep a (tied) when it wins; otherwise move b in.
    L.emitTied(condMove(lt, max ? b : a, max ? a : b, L.out(), b, 0), a);
    return true;
  };
}

function iabsRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const x = L.extended(L.f.arg(inst, 0), t, true);
  if (L.isa.zbb) {
    const n = L.tmp();
    L.emit(rrr(O.SUB, n, zero, x));
    L.emit(rrr(O.MAX, L.out(), x, n));
    return true;
  }
  const s = L.tmp(), u = L.tmp();
  L.emit(rri(O.SRAI, s, x, 63));
  L.emit(rrr(O.XOR, u, x, s));
  L.emit(rrr(O.SUB, L.out(), u, s));
  return true;
}

// ------------------------------------------------------------------ overflow

type Kind = 'uadd' | 'sadd' | 'usub' | 'ssub' | 'umul' | 'smul';

/** flag <- (x does not fit `t` as a signed/unsigned value): x != ext(x). */
function doesNotFit(L: RvLower, x: number, t: Type, signed: boolean, flag: number): void {
  const e = signed ? L.sext(x, t) : L.zext(x, t);
  const d = L.tmp();
  L.emit(rrr(O.XOR, d, x, e));
  L.emit(rrr(O.SLTU, flag, zero, d));
}

function overflowRule(kind: Kind, carryIn: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    if (t === I128) return overflow128(L, inst, kind, carryIn);
    if (!isIntScalar(t)) return false;
    const signed = kind[0] === 's';
    const out = L.out(0);
    const flag = L.out(1);
    const op = kind.slice(1);
    if (t !== I64) {
      const a = L.extended(f.arg(inst, 0), t, signed);
      const b = L.extended(f.arg(inst, 1), t, signed);
      const r = L.tmp();
      L.emit(rrr(op === 'add' ? O.ADD : op === 'sub' ? O.SUB : O.MUL, r, a, b));
      let s = r;
      if (carryIn) {
        s = L.tmp();
        L.emit(rrr(op === 'add' ? O.ADD : O.SUB, s, r, carryBit(L, inst)));
      }
      L.move(out, s);
      doesNotFit(L, s, t, signed, flag);
      return true;
    }
    const a = L.regOrZero(f.arg(inst, 0));
    const b = L.regOrZero(f.arg(inst, 1));
    if (op === 'mul') {
      const hi = L.tmp();
      L.emit(rrr(O.MUL, out, a, b));
      L.emit(rrr(signed ? O.MULH : O.MULHU, hi, a, b));
      const d = L.tmp();
      if (signed) {
        const s = L.tmp();
        L.emit(rri(O.SRAI, s, out, 63));
        L.emit(rrr(O.XOR, d, hi, s));
      } else L.move(d, hi);
      L.emit(rrr(O.SLTU, flag, zero, d));
      return true;
    }
    const add = op === 'add';
    const cin = carryIn ? carryBit(L, inst) : zero;
    const r1 = L.tmp();
    L.emit(rrr(add ? O.ADD : O.SUB, r1, a, b));
    let r = r1;
    if (carryIn) {
      r = L.tmp();
      L.emit(rrr(add ? O.ADD : O.SUB, r, r1, cin));
    }
    L.move(out, r);
    if (!signed) {
      // add: carry out of a + b, then of + cin; sub: borrow of a - b, then of - bin.
      const c1 = L.tmp();
      L.emit(add ? rrr(O.SLTU, c1, r1, a) : rrr(O.SLTU, c1, a, b));
      if (!carryIn) L.move(flag, c1);
      else {
        const c2 = L.tmp();
        L.emit(add ? rrr(O.SLTU, c2, r, r1) : rrr(O.SLTU, c2, r1, cin));
        L.emit(rrr(O.OR, flag, c1, c2));
      }
      return true;
    }
    // Signed: add overflows when a and b agree in sign and r does not; sub when they differ and r differs from a.
    const x1 = L.tmp(), x2 = L.tmp(), m = L.tmp();
    L.emit(rrr(O.XOR, x1, a, r));
    if (add) {
      L.emit(rrr(O.XOR, x2, b, r));
      L.emit(rrr(O.AND, m, x1, x2));
    } else {
      L.emit(rrr(O.XOR, x2, a, b));
      L.emit(rrr(O.AND, m, x1, x2));
    }
    L.emit(rrr(O.SLT, flag, m, zero));
    return true;
  };
}

/** The carry/borrow input (argument 2) as 0/1: any non-zero flag carries one. */
function carryBit(L: RvLower, inst: Inst): number {
  const t = argType(L, inst, 2);
  const top = L.tmp();
  const c = L.tmp();
  // Only the type's bits count: test them at the top of the register.
  L.emit(rri(O.SLLI, top, L.reg(L.f.arg(inst, 2)), 64 - 8 * bytes(t)));
  L.emit(rrr(O.SLTU, c, zero, top));
  return c;
}

function overflow128(L: RvLower, inst: Inst, kind: Kind, carryIn: boolean): boolean {
  const op = kind.slice(1);
  if (op === 'mul' || carryIn) return false;
  const f = L.f;
  const a = L.pair(f.arg(inst, 0));
  const b = L.pair(f.arg(inst, 1));
  const d = L.outPair(0);
  const flag = L.out(1);
  const signed = kind[0] === 's';
  if (op === 'add') add128(L, a, b, d);
  else sub128(L, a, b, d);
  if (!signed) {
    // Unsigned: the result compares below a (add) or a below b (sub).
    if (op === 'add') lowerIcmp128Pairs(L, IntCC.Ult, d, a, flag);
    else lowerIcmp128Pairs(L, IntCC.Ult, a, b, flag);
    return true;
  }
  const x1 = L.tmp(), x2 = L.tmp(), m = L.tmp();
  L.emit(rrr(O.XOR, x1, a[1], d[1]));
  L.emit(rrr(O.XOR, x2, op === 'add' ? b[1] : a[1], op === 'add' ? d[1] : b[1]));
  L.emit(rrr(O.AND, m, x1, x2));
  L.emit(rrr(O.SLT, flag, m, zero));
  return true;
}

function uaddTrapRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const f = L.f;
  const label = L.trapLabel(f.instImm0[inst]);
  if (t === I64) {
    const a = L.regOrZero(f.arg(inst, 0));
    L.emit(rrr(O.ADD, L.out(), a, L.regOrZero(f.arg(inst, 1))));
    L.emit(branch(O.BLTU, L.out(), a, label));
    return true;
  }
  const a = L.extended(f.arg(inst, 0), t, false);
  const b = L.extended(f.arg(inst, 1), t, false);
  const s = L.tmp(), c = L.tmp();
  L.emit(rrr(O.ADD, s, a, b));
  L.emit(rri(O.SRLI, c, s, 8 * bytes(t)));
  L.emit(branch(O.BNE, c, zero, label));
  L.move(L.out(), s);
  return true;
}

export function lowerOverflowRules(r: RuleTable<RvLower>): void {
  r.add(SMIN, 'smin', minMaxRule(true, false));
  r.add(SMAX, 'smax', minMaxRule(true, true));
  r.add(UMIN, 'umin', minMaxRule(false, false));
  r.add(UMAX, 'umax', minMaxRule(false, true));
  r.add(IABS, 'iabs', iabsRule);
  r.add(UADD_OVERFLOW, 'uadd_overflow', overflowRule('uadd', false));
  r.add(SADD_OVERFLOW, 'sadd_overflow', overflowRule('sadd', false));
  r.add(USUB_OVERFLOW, 'usub_overflow', overflowRule('usub', false));
  r.add(SSUB_OVERFLOW, 'ssub_overflow', overflowRule('ssub', false));
  r.add(UMUL_OVERFLOW, 'umul_overflow', overflowRule('umul', false));
  r.add(SMUL_OVERFLOW, 'smul_overflow', overflowRule('smul', false));
  r.add(UADD_OVERFLOW_CIN, 'uadd_overflow_cin', overflowRule('uadd', true));
  r.add(SADD_OVERFLOW_CIN, 'sadd_overflow_cin', overflowRule('sadd', true));
  r.add(USUB_OVERFLOW_BIN, 'usub_overflow_bin', overflowRule('usub', true));
  r.add(SSUB_OVERFLOW_BIN, 'ssub_overflow_bin', overflowRule('ssub', true));
  r.add(UADD_OVERFLOW_TRAP, 'uadd_overflow_trap', uaddTrapRule);
}
