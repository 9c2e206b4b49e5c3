// Bit counting and reordering: clz, ctz, cls, popcnt, bswap, bitrev. Zbb (and Zbkb's rev8 and
// brev8) give single instructions; without them, branch-free SWAR sequences on the 64-bit
// value. Narrow types work on the value extended or moved to the top of the register.

import { type Inst, type Type, BITREV, BSWAP, CLS, CLZ, CTZ, I128, I32, I64, I8, POPCNT, bytes } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, isIntScalar, resultType } from './state';

const M55 = 0x55555555, M33 = 0x33333333, M0F = 0x0f0f0f0f, M01 = 0x01010101;

/** d <- the number of set bits of the 64-bit x. */
function popcount64(L: RvLower, x: number, d: number): void {
  if (L.isa.zbb) {
    L.emit(rri(O.CPOP, d, x, 0));
    return;
  }
  const k = (m: number): number => L.constReg(m, m);
  const t1 = L.tmp(), t2 = L.tmp(), t3 = L.tmp(), t4 = L.tmp(), t5 = L.tmp(), t6 = L.tmp(), t7 = L.tmp(), t8 = L.tmp(), t9 = L.tmp();
  L.emit(rri(O.SRLI, t1, x, 1));
  L.emit(rrr(O.AND, t2, t1, k(M55)));
  L.emit(rrr(O.SUB, t3, x, t2));
  const m33 = k(M33);
  L.emit(rrr(O.AND, t4, t3, m33));
  L.emit(rri(O.SRLI, t5, t3, 2));
  L.emit(rrr(O.AND, t6, t5, m33));
  L.emit(rrr(O.ADD, t7, t4, t6));
  L.emit(rri(O.SRLI, t8, t7, 4));
  L.emit(rrr(O.ADD, t9, t7, t8));
  const t10 = L.tmp(), t11 = L.tmp();
  L.emit(rrr(O.AND, t10, t9, k(M0F)));
  L.emit(rrr(O.MUL, t11, t10, k(M01)));
  L.emit(rri(O.SRLI, d, t11, 56));
}

/** d <- the number of leading zeros of the 64-bit x (64 for 0). */
function clz64(L: RvLower, x: number, d: number): void {
  if (L.isa.zbb) {
    L.emit(rri(O.CLZ_, d, x, 0));
    return;
  }
  // Smear the highest set bit down, then count the zeros above it.
  let v = x;
  for (const s of [1, 2, 4, 8, 16, 32]) {
    const sh = L.tmp();
    const o = L.tmp();
    L.emit(rri(O.SRLI, sh, v, s));
    L.emit(rrr(O.OR, o, v, sh));
    v = o;
  }
  const n = L.tmp();
  L.emit(rri(O.XORI, n, v, -1));
  popcount64(L, n, d);
}

/** d <- the number of trailing zeros of the 64-bit x (64 for 0). */
function ctz64(L: RvLower, x: number, d: number): void {
  if (L.isa.zbb) {
    L.emit(rri(O.CTZ_, d, x, 0));
    return;
  }
  // (x & -x) - 1 has exactly ctz(x) bits set.
  const n = L.tmp(), low = L.tmp(), m = L.tmp();
  L.emit(rrr(O.SUB, n, zero, x));
  L.emit(rrr(O.AND, low, x, n));
  L.emit(rri(O.ADDI, m, low, -1));
  popcount64(L, m, d);
}

/** d <- x with its 8 bytes reversed. */
function bswap64(L: RvLower, x: number, d: number): void {
  if (L.isa.zbb || L.isa.zbkb) {
    L.emit(rri(O.REV8, d, x, 0));
    return;
  }
  let v = x;
  for (const [s, m] of [[8, 0x00ff00ff], [16, 0x0000ffff]] as const) {
    const mask = L.constReg(m, m);
    const a = L.tmp(), b = L.tmp(), c = L.tmp(), e = L.tmp(), o = L.tmp();
    L.emit(rri(O.SRLI, a, v, s));
    L.emit(rrr(O.AND, b, a, mask));
    L.emit(rrr(O.AND, c, v, mask));
    L.emit(rri(O.SLLI, e, c, s));
    L.emit(rrr(O.OR, o, b, e));
    v = o;
  }
  const a = L.tmp(), b = L.tmp();
  L.emit(rri(O.SRLI, a, v, 32));
  L.emit(rri(O.SLLI, b, v, 32));
  L.emit(rrr(O.OR, d, a, b));
}

/** d <- x with its 64 bits reversed. */
function bitrev64(L: RvLower, x: number, d: number): void {
  if (L.isa.zbkb) {
    const t = L.tmp();
    L.emit(rri(O.BREV8, t, x, 0));
    bswap64(L, t, d);
    return;
  }
  let v = x;
  for (const [s, m] of [[1, M55], [2, M33], [4, M0F]] as const) {
    const mask = L.constReg(m, m);
    const a = L.tmp(), b = L.tmp(), c = L.tmp(), e = L.tmp(), o = L.tmp();
    L.emit(rri(O.SRLI, a, v, s));
    L.emit(rrr(O.AND, b, a, mask));
    L.emit(rrr(O.AND, c, v, mask));
    L.emit(rri(O.SLLI, e, c, s));
    L.emit(rrr(O.OR, o, b, e));
    v = o;
  }
  bswap64(L, v, d);
}

/** A 64-bit function applied to a narrow value moved to the top of the register, the result shifted down (bswap, bitrev). */
function topAligned(L: RvLower, t: Type, x: number, d: number, fn: (x: number, d: number) => void): void {
  if (t === I64) {
    fn(x, d);
    return;
  }
  const r = L.tmp();
  fn(x, r);
  L.emit(rri(O.SRLI, d, r, 64 - 8 * bytes(t)));
}

function unaryRule(which: 'clz' | 'ctz' | 'cls' | 'popcnt' | 'bswap' | 'bitrev') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (t === I128) return rule128(L, inst, which);
    if (!isIntScalar(t)) return false;
    const x = L.reg(L.f.arg(inst, 0));
    const d = L.out();
    const pad = 64 - 8 * bytes(t);
    switch (which) {
      case 'popcnt':
        if (t === I32 && L.isa.zbb) L.emit(rri(O.CPOPW, d, x, 0));
        else popcount64(L, L.zext(x, t), d);
        return true;
      case 'clz':
        if (t === I32 && L.isa.zbb) L.emit(rri(O.CLZW, d, x, 0));
        else if (t === I64) clz64(L, x, d);
        else {
          const c = L.tmp();
          clz64(L, L.zext(x, t), c);
          L.emit(rri(O.ADDI, d, c, -pad));
        }
        return true;
      case 'ctz':
        if (t === I32 && L.isa.zbb) L.emit(rri(O.CTZW, d, x, 0));
        else if (t === I64) ctz64(L, x, d);
        else {
          // A bit just above the type's width makes ctz(0) the width.
          const s = L.tmp();
          L.emit(rrr(O.OR, s, x, t === I32 ? L.constReg(0, 1) : L.constReg(2 ** (8 * bytes(t)), 0)));
          ctz64(L, s, d);
        }
        return true;
      case 'cls': {
        // Leading bits equal to the sign, not counting the sign: clz(x ^ (x >> 1)) - 1 on the sign-extended value.
        const sx = L.sext(x, t);
        const h = L.tmp(), e = L.tmp(), c = L.tmp();
        L.emit(rri(O.SRAI, h, sx, 1));
        L.emit(rrr(O.XOR, e, sx, h));
        clz64(L, e, c);
        L.emit(rri(O.ADDI, d, c, -1 - pad));
        return true;
      }
      case 'bswap':
        if (t === I8) {
          L.move(d, x);
          return true;
        }
        topAligned(L, t, x, d, (a, b) => bswap64(L, a, b));
        return true;
      case 'bitrev':
        topAligned(L, t, x, d, (a, b) => bitrev64(L, a, b));
        return true;
    }
  };
}

function rule128(L: RvLower, inst: Inst, which: string): boolean {
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  const [dlo, dhi] = L.outPair();
  switch (which) {
    case 'popcnt': {
      const a = L.tmp(), b = L.tmp();
      popcount64(L, lo, a);
      popcount64(L, hi, b);
      L.emit(rrr(O.ADD, dlo, a, b));
      L.move(dhi, zero);
      return true;
    }
    case 'clz': case 'ctz': case 'cls': {
      let [first, second] = which === 'ctz' ? [lo, hi] : [hi, lo];
      if (which === 'cls') {
        // Leading sign bits: clz of x ^ (x >>a 1) over 128 bits, minus 1.
        const s1 = L.tmp(), s2 = L.tmp(), sl = L.tmp(), x1 = L.tmp(), x2 = L.tmp(), c = L.tmp();
        L.emit(rri(O.SRAI, s1, hi, 1));
        L.emit(rri(O.SLLI, s2, hi, 63));
        L.emit(rri(O.SRLI, sl, lo, 1));
        L.emit(rrr(O.OR, c, sl, s2));
        L.emit(rrr(O.XOR, x1, hi, s1));
        L.emit(rrr(O.XOR, x2, lo, c));
        first = x1;
        second = x2;
      }
      const count = which === 'ctz' ? ctz64 : clz64;
      const a = L.tmp(), b = L.tmp(), z = L.tmp(), m = L.tmp(), mb = L.tmp();
      count(L, first, a);
      count(L, second, b);
      // The second half counts only when the first is all zeros.
      L.emit(rri(O.SLTIU, z, first, 1));
      L.emit(rrr(O.SUB, m, zero, z));
      L.emit(rrr(O.AND, mb, b, m));
      if (which === 'cls') {
        const s = L.tmp();
        L.emit(rrr(O.ADD, s, a, mb));
        L.emit(rri(O.ADDI, dlo, s, -1));
      } else L.emit(rrr(O.ADD, dlo, a, mb));
      L.move(dhi, zero);
      return true;
    }
    case 'bswap':
      bswap64(L, hi, dlo);
      bswap64(L, lo, dhi);
      return true;
    case 'bitrev':
      bitrev64(L, hi, dlo);
      bitrev64(L, lo, dhi);
      return true;
    default:
      return false;
  }
}

export function lowerBitRules(r: RuleTable<RvLower>): void {
  r.add(POPCNT, 'popcnt', unaryRule('popcnt'));
  r.add(CLZ, 'clz', unaryRule('clz'));
  r.add(CTZ, 'ctz', unaryRule('ctz'));
  r.add(CLS, 'cls', unaryRule('cls'));
  r.add(BSWAP, 'bswap', unaryRule('bswap'));
  r.add(BITREV, 'bitrev', unaryRule('bitrev'));
}

