// i128 in register pairs (low, high): carries through sltu, products from mul/mulhu, shifts by
// any amount without branches (the 64-bit shift and a mask selecting the halves), compares
// from the high halves then the low ones, division through libgcc.

import {
  type Inst,
  BAND, BAND_IMM, BAND_NOT, BNOT, BOR, BOR_IMM, BOR_NOT, BXOR, BXOR_IMM, BXOR_NOT, I128, IADD, IADD_IMM, ICMP,
  ICMP_IMM, IMUL, IMUL_IMM, INEG, IRSUB_IMM, ISHL, ISHL_IMM, ISUB, IntCC, ROTL, ROTL_IMM, ROTR, ROTR_IMM, SSHR,
  SSHR_IMM, USHR, USHR_IMM,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, argType, resultType } from './state';
import { lowerIcmp128Pairs } from './cond';

type Pair = [number, number];

const COMBINE = new Map<number, [number, boolean]>([
  [BAND, [O.AND, false]], [BOR, [O.OR, false]], [BXOR, [O.XOR, false]],
  [BAND_NOT, [O.AND, true]], [BOR_NOT, [O.OR, true]], [BXOR_NOT, [O.XOR, true]],
  [BAND_IMM, [O.AND, false]], [BOR_IMM, [O.OR, false]], [BXOR_IMM, [O.XOR, false]],
]);

/** The second operand of a binary i128 op: a register pair, or the `_imm` immediate sign-extended. */
function operandB(L: RvLower, inst: Inst): Pair {
  const f = L.f;
  if (f.argCount(inst) >= 2) return L.pair(f.arg(inst, 1));
  const lo = f.instImm1[inst];
  const hi = f.instImm2[inst];
  const sx = hi >> 31;
  return [L.constReg(lo, hi), L.constReg(sx, sx)];
}

export function add128(L: RvLower, [alo, ahi]: Pair, [blo, bhi]: Pair, [dlo, dhi]: Pair): void {
  const c = L.tmp();
  const h = L.tmp();
  L.emit(rrr(O.ADD, dlo, alo, blo));
  L.emit(rrr(O.SLTU, c, dlo, alo));
  L.emit(rrr(O.ADD, h, ahi, bhi));
  L.emit(rrr(O.ADD, dhi, h, c));
}
export function sub128(L: RvLower, [alo, ahi]: Pair, [blo, bhi]: Pair, [dlo, dhi]: Pair): void {
  const b = L.tmp();
  const h = L.tmp();
  L.emit(rrr(O.SLTU, b, alo, blo));
  L.emit(rrr(O.SUB, dlo, alo, blo));
  L.emit(rrr(O.SUB, h, ahi, bhi));
  L.emit(rrr(O.SUB, dhi, h, b));
}
export function mul128(L: RvLower, [alo, ahi]: Pair, [blo, bhi]: Pair, [dlo, dhi]: Pair): void {
  const hi = L.tmp();
  const c1 = L.tmp();
  const c2 = L.tmp();
  const s = L.tmp();
  L.emit(rrr(O.MULHU, hi, alo, blo));
  L.emit(rrr(O.MUL, c1, alo, bhi));
  L.emit(rrr(O.MUL, c2, ahi, blo));
  L.emit(rrr(O.ADD, s, hi, c1));
  L.emit(rrr(O.ADD, dhi, s, c2));
  L.emit(rrr(O.MUL, dlo, alo, blo));
}

function arith(L: RvLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const a = L.pair(f.arg(inst, 0));
  const d = L.outPair();
  if (op === INEG) {
    sub128(L, [zero, zero], a, d);
    return true;
  }
  if (op === BNOT) {
    L.emit(rri(O.XORI, d[0], a[0], -1));
    L.emit(rri(O.XORI, d[1], a[1], -1));
    return true;
  }
  const b = operandB(L, inst);
  switch (op) {
    case IADD: case IADD_IMM: add128(L, a, b, d); return true;
    case ISUB: sub128(L, a, b, d); return true;
    case IRSUB_IMM: sub128(L, b, a, d); return true;
    case IMUL: case IMUL_IMM: mul128(L, a, b, d); return true;
    default: {
      const [mop, not] = COMBINE.get(op)!;
      for (let k = 0; k < 2; k++) {
        let y = b[k];
        if (not) {
          y = L.tmp();
          L.emit(rri(O.XORI, y, b[k], -1));
        }
        L.emit(rrr(mop, d[k], a[k], y));
      }
      return true;
    }
  }
}

/** The shift amount of a 128-bit shift (the low 7 bits count), as a register or a constant. */
function amount(L: RvLower, inst: Inst, imm: boolean): number | { k: number } {
  const f = L.f;
  if (imm) return { k: f.instImm1[inst] & 127 };
  const v = f.arg(inst, 1);
  const c = L.constOf(v);
  if (c !== null) return { k: c[0] & 127 };
  return f.valueType[v] === I128 ? L.pair(v)[0] : L.reg(v);
}

type ShiftKind = 'shl' | 'ushr' | 'sshr';

/** d <- a shifted by a constant k (0..127). */
function shiftConst(L: RvLower, kind: ShiftKind, [alo, ahi]: Pair, k: number, [dlo, dhi]: Pair): void {
  if (k === 0) {
    L.move(dlo, alo);
    L.move(dhi, ahi);
    return;
  }
  if (kind === 'shl') {
    if (k >= 64) {
      if (k === 64) L.move(dhi, alo);
      else L.emit(rri(O.SLLI, dhi, alo, k - 64));
      L.move(dlo, zero);
      return;
    }
    const a = L.tmp();
    const b = L.tmp();
    L.emit(rri(O.SLLI, a, ahi, k));
    L.emit(rri(O.SRLI, b, alo, 64 - k));
    L.emit(rrr(O.OR, dhi, a, b));
    L.emit(rri(O.SLLI, dlo, alo, k));
    return;
  }
  const right = kind === 'ushr' ? O.SRLI : O.SRAI;
  if (k >= 64) {
    if (k === 64) L.move(dlo, ahi);
    else L.emit(rri(right, dlo, ahi, k - 64));
    if (kind === 'ushr') L.move(dhi, zero);
    else L.emit(rri(O.SRAI, dhi, ahi, 63));
    return;
  }
  const a = L.tmp();
  const b = L.tmp();
  L.emit(rri(O.SRLI, a, alo, k));
  L.emit(rri(O.SLLI, b, ahi, 64 - k));
  L.emit(rrr(O.OR, dlo, a, b));
  L.emit(rri(right, dhi, ahi, k));
}

/**
 * d <- a shifted by register n (its low 7 bits), without branches: s = n & 63 shifts within the
 * halves (the bits crossing over are shifted twice so that s = 0 moves none), and bit 6 of n
 * selects the halves through a mask.
 */
function shiftReg(L: RvLower, kind: ShiftKind, [alo, ahi]: Pair, n: number, [dlo, dhi]: Pair): void {
  const s = L.tmp();
  const inv = L.tmp();
  L.emit(rri(O.ANDI, s, n, 63));
  L.emit(rri(O.XORI, inv, s, 63)); // 63 - s
  const t1 = L.tmp();
  const t2 = L.tmp();
  const near = L.tmp(); // the half receiving the crossing bits
  const far = L.tmp(); // the other half
  if (kind === 'shl') {
    L.emit(rri(O.SRLI, t1, alo, 1));
    L.emit(rrr(O.SRL, t2, t1, inv));
    const h = L.tmp();
    L.emit(rrr(O.SLL, h, ahi, s));
    L.emit(rrr(O.OR, near, h, t2)); // high half when n < 64
    L.emit(rrr(O.SLL, far, alo, s)); // low half when n < 64, high half when n >= 64
  } else {
    L.emit(rri(O.SLLI, t1, ahi, 1));
    L.emit(rrr(O.SLL, t2, t1, inv));
    const l = L.tmp();
    L.emit(rrr(O.SRL, l, alo, s));
    L.emit(rrr(O.OR, near, l, t2)); // low half when n < 64
    L.emit(rrr(kind === 'ushr' ? O.SRL : O.SRA, far, ahi, s)); // high half when n < 64, low half when n >= 64
  }
  // big = all ones when n >= 64 (bit 6).
  const b6 = L.tmp();
  const big = L.tmp();
  const small = L.tmp();
  L.emit(rri(O.SRLI, b6, n, 6));
  const b1 = L.tmp();
  L.emit(rri(O.ANDI, b1, b6, 1));
  L.emit(rrr(O.SUB, big, zero, b1));
  L.emit(rri(O.XORI, small, big, -1));
  // The half that is shifted out entirely: zero, or the sign for sshr.
  let fill = zero;
  if (kind === 'sshr') {
    fill = L.tmp();
    L.emit(rri(O.SRAI, fill, ahi, 63));
  }
  const [nearOut, farOut] = kind === 'shl' ? [dhi, dlo] : [dlo, dhi];
  // n < 64: near -> nearOut, far -> farOut; n >= 64: far -> nearOut, fill -> farOut.
  const x1 = L.tmp();
  const x2 = L.tmp();
  L.emit(rrr(O.AND, x1, near, small));
  L.emit(rrr(O.AND, x2, far, big));
  L.emit(rrr(O.OR, nearOut, x1, x2));
  const y1 = L.tmp();
  L.emit(rrr(O.AND, y1, far, small));
  if (fill === zero) L.move(farOut, y1);
  else {
    const y2 = L.tmp();
    L.emit(rrr(O.AND, y2, fill, big));
    L.emit(rrr(O.OR, farOut, y1, y2));
  }
}

function shiftRule(kind: ShiftKind, imm: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    if (resultType(L, inst) !== I128) return false;
    const a = L.pair(L.f.arg(inst, 0));
    const d = L.outPair();
    const n = amount(L, inst, imm);
    if (typeof n === 'number') shiftReg(L, kind, a, n, d);
    else shiftConst(L, kind, a, n.k, d);
    return true;
  };
}

function rotateRule(left: boolean, imm: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    if (resultType(L, inst) !== I128) return false;
    const a = L.pair(L.f.arg(inst, 0));
    const d = L.outPair();
    const n = amount(L, inst, imm);
    const p: Pair = [L.tmp(), L.tmp()];
    const q: Pair = [L.tmp(), L.tmp()];
    const [first, second]: ShiftKind[] = left ? ['shl', 'ushr'] : ['ushr', 'shl'];
    if (typeof n === 'number') {
      // rot(x, n) = (x op1 n) | (x op2 (128 - n)): 128 - n = -n modulo 128.
      const m = L.tmp();
      L.emit(rrr(O.SUB, m, zero, n));
      shiftReg(L, first, a, n, p);
      shiftReg(L, second, a, m, q);
    } else {
      shiftConst(L, first, a, n.k, p);
      shiftConst(L, second, a, (128 - n.k) & 127, q);
    }
    L.emit(rrr(O.OR, d[0], p[0], q[0]));
    L.emit(rrr(O.OR, d[1], p[1], q[1]));
    return true;
  };
}

function icmpRule(L: RvLower, inst: Inst): boolean {
  if (argType(L, inst, 0) !== I128) return false;
  const f = L.f;
  const cc = f.instImm0[inst] as IntCC;
  lowerIcmp128Pairs(L, cc, L.pair(f.arg(inst, 0)), operandB(L, inst), L.out());
  return true;
}

export function lowerI128Rules(r: RuleTable<RvLower>): void {
  r.add([IADD, ISUB, IMUL, INEG, BNOT, BAND, BOR, BXOR, BAND_NOT, BOR_NOT, BXOR_NOT, IADD_IMM, IMUL_IMM, IRSUB_IMM, BAND_IMM,
    BOR_IMM, BXOR_IMM], 'i128 arithmetic', arith, 10);
  r.add(ISHL, 'i128 shl', shiftRule('shl', false), 10);
  r.add(USHR, 'i128 ushr', shiftRule('ushr', false), 10);
  r.add(SSHR, 'i128 sshr', shiftRule('sshr', false), 10);
  r.add(ISHL_IMM, 'i128 shl imm', shiftRule('shl', true), 10);
  r.add(USHR_IMM, 'i128 ushr imm', shiftRule('ushr', true), 10);
  r.add(SSHR_IMM, 'i128 sshr imm', shiftRule('sshr', true), 10);
  r.add(ROTL, 'i128 rotl', rotateRule(true, false), 10);
  r.add(ROTR, 'i128 rotr', rotateRule(false, false), 10);
  r.add(ROTL_IMM, 'i128 rotl imm', rotateRule(true, true), 10);
  r.add(ROTR_IMM, 'i128 rotr imm', rotateRule(false, true), 10);
  r.add([ICMP, ICMP_IMM], 'i128 icmp', icmpRule, 10);
}
