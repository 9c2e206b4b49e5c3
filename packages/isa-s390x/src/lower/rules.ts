// s390x lowering rules for scalar integers: per opcode, pattern functions tried in priority
// order. Each reads the IR instruction through the shared lowering state and emits MInsts with
// virtual registers. Narrow integers (i8/i16/i32) live in the low bits of a general register;
// the bits above are undefined, so rules extend where the upper bits matter.

import {
  type Inst, type Type, type Value,
  BAND, BAND_IMM, BAND_NOT, BMASK, BNOT, BOR, BOR_IMM, BOR_NOT, BSWAP, BXOR, BXOR_IMM, BXOR_NOT, BITREV, CLS, CLZ, CTZ,
  I128, I16, I32, I64, I8, IABS, IADD, IADD_IMM, ICMP, ICMP_IMM, ICONST, IMUL, IMUL_IMM, INEG, IREDUCE, IRSUB_IMM,
  ISHL, ISHL_IMM, NOP, POPCNT, ROTL, ROTL_IMM, ROTR, ROTR_IMM, SDIV, SELECT, SELECT_SPECTRE_GUARD, SEQUENCE_POINT,
  SEXTEND, SMAX, SMIN, SMULHI, SREM, SSHR, SSHR_IMM, UDIV, UEXTEND, UMAX, UMIN, UMULHI, UREM, USHR, USHR_IMM, ISUB,
  IntCC, TRAP_INT_DIVZ, TRAP_INT_OVF, bytes,
} from '@windlass/ir';
import { RuleTable } from '@windlass/codegen';
import { type MInst, Pseudo, condBr, inst, pseudo, ri, rr, rrm, rrr, rsy } from '../inst/mod';
import { NO_REG, r2, r3 } from '../inst/regs';
import { condOf, extend32, extend64, intCompare, intCompareImm, materialize } from './cond';
import { type S390xLower } from './state';
import { isIntScalar, resultType } from './types';
import { lowerMemRules } from './mem';
import { amountReg } from './amount';
import { lowerFloatRules } from './float';
import { lowerVectorRules } from './vector';
import { lowerI128Rules } from './i128';
import { lowerAtomicRules } from './atomics';
import { lowerMiscRules } from './misc';

export type LRule = (L: S390xLower, inst: Inst) => boolean;

const raw = (r: number): number => r - 64;

export { isIntScalar, resultType };
function widthBits(t: Type): number {
  return bytes(t) * 8;
}

/** The second operand of a binary op: a value, or the constant of an `_imm` form / an `iconst`. */
interface Operands {
  a: Value;
  b: Value | null;
  c: [number, number] | null;
}
function operands(L: S390xLower, inst: Inst, commutative: boolean): Operands {
  const f = L.f;
  if (f.argCount(inst) === 1) {
    const t = resultType(L, inst);
    const lo = f.instImm1[inst];
    const hi = f.instImm2[inst];
    return { a: f.arg(inst, 0), b: null, c: bytes(t) <= 4 ? [lo | 0, (lo | 0) >> 31] : [lo | 0, hi | 0] };
  }
  let a = f.arg(inst, 0);
  let b = f.arg(inst, 1);
  if (commutative && L.constOf(a) !== null && L.constOf(b) === null) [a, b] = [b, a];
  return { a, b, c: L.constOf(b) };
}
function fitsS16(lo: number, hi: number): boolean {
  return hi === lo >> 31 && lo >= -32768 && lo <= 32767;
}
function fitsS32(lo: number, hi: number): boolean {
  return hi === lo >> 31;
}

// ------------------------------------------------------------------ constants

function iconstRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  L.constInto(L.out(), L.f.instImm1[inst], L.f.instImm2[inst], t);
  return true;
}

// ------------------------------------------------------------------ add, subtract, logic

const RRR: Record<number, [string, string]> = {
  [IADD]: ['agrk', 'ark'], [ISUB]: ['sgrk', 'srk'], [BAND]: ['ngrk', 'nrk'], [BOR]: ['ogrk', 'ork'], [BXOR]: ['xgrk', 'xrk'],
  [IADD_IMM]: ['agrk', 'ark'], [BAND_IMM]: ['ngrk', 'nrk'], [BOR_IMM]: ['ogrk', 'ork'], [BXOR_IMM]: ['xgrk', 'xrk'],
  [IMUL]: ['msgrkc', 'msrkc'], [IMUL_IMM]: ['msgrkc', 'msrkc'],
};

function aluRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const opc = L.f.instOpcode[inst];
  const [op64, op32] = RRR[opc];
  const wide = t === I64;
  const o = operands(L, inst, opc !== ISUB);
  const dst = L.out();
  const a = L.reg(o.a);
  if (o.c !== null && immForm(L, opc, wide, dst, a, o.c[0], o.c[1])) return true;
  const b = o.b !== null ? L.reg(o.b) : L.constReg(o.c![0], o.c![1], t);
  L.emit(rrr(wide ? op64 : op32, dst, a, b));
  return true;
}

/** An immediate form for `dst <- a op c`, when one fits; false otherwise. */
function immForm(L: S390xLower, opc: number, wide: boolean, dst: number, a: number, lo: number, hi: number): boolean {
  switch (opc) {
    case IADD: case IADD_IMM: case ISUB: {
      if (opc === ISUB) {
        if (lo === 0 && hi === 0) break;
        [lo, hi] = negate(lo, hi);
      }
      if (!wide) hi = lo >> 31;
      if (fitsS16(lo, hi)) {
        L.emit(aghik(wide ? 'aghik' : 'ahik', dst, a, lo));
        return true;
      }
      if (fitsS32(lo, hi)) {
        L.emitTied(ri(wide ? 'agfi' : 'afi', dst, lo), a);
        return true;
      }
      return false;
    }
    case BAND: case BAND_IMM:
      if (!wide || hi === -1) L.emitTied(ri('nilf', dst, lo), a);
      else if (lo === -1) L.emitTied(ri('nihf', dst, hi), a);
      else return false;
      return true;
    case BOR: case BOR_IMM:
      if (!wide || hi === 0) L.emitTied(ri('oilf', dst, lo), a);
      else if (lo === 0) L.emitTied(ri('oihf', dst, hi), a);
      else return false;
      return true;
    case BXOR: case BXOR_IMM:
      if (!wide || hi === 0) L.emitTied(ri('xilf', dst, lo), a);
      else if (lo === 0) L.emitTied(ri('xihf', dst, hi), a);
      else return false;
      return true;
    case IMUL: case IMUL_IMM:
      if (!wide) hi = lo >> 31;
      if (fitsS16(lo, hi)) L.emitTied(ri(wide ? 'mghi' : 'mhi', dst, lo), a);
      else if (fitsS32(lo, hi)) L.emitTied(ri(wide ? 'msgfi' : 'msfi', dst, lo), a);
      else return false;
      return true;
    default:
      return false;
  }
  return false;
}

function aghik(name: string, dst: number, src: number, imm: number): MInst {
  const i = inst(name);
  i.r1 = dst;
  i.r3 = src;
  i.imm = imm;
  return i;
}

function negate(lo: number, hi: number): [number, number] {
  const nlo = (-lo) | 0;
  const nhi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  return [nlo, nhi];
}

function irsubImmRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const c = L.constReg(L.f.instImm1[inst], L.f.instImm2[inst], t);
  L.emit(rrr(t === I64 ? 'sgrk' : 'srk', L.out(), c, L.reg(L.f.arg(inst, 0))));
  return true;
}

function inegRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  L.emit(rr(t === I64 ? 'lcgr' : 'lcr', L.out(), L.reg(L.f.arg(inst, 0))));
  return true;
}

/** dst <- ~a. */
export function notInto(L: S390xLower, dst: number, a: number): void {
  if (L.features.mie3) L.emit(rrr('nogrk', dst, a, a));
  else L.emit(rrr('xgrk', dst, a, L.constReg(-1, -1)));
}

function bnotRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  notInto(L, L.out(), L.reg(L.f.arg(inst, 0)));
  return true;
}

const NOT_OPS: Record<number, [string, string]> = { [BAND_NOT]: ['ncgrk', 'ngrk'], [BOR_NOT]: ['ocgrk', 'ogrk'], [BXOR_NOT]: ['nxgrk', 'xgrk'] };

function logicNotRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const [mie3, base] = NOT_OPS[L.f.instOpcode[inst]];
  const a = L.reg(L.f.arg(inst, 0));
  const b = L.reg(L.f.arg(inst, 1));
  if (L.features.mie3) {
    L.emit(rrr(mie3, L.out(), a, b));
    return true;
  }
  const nb = L.tmp();
  notInto(L, nb, b);
  L.emit(rrr(base, L.out(), a, nb));
  return true;
}

function iabsRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const a = L.f.arg(inst, 0);
  L.emit(rr(t === I64 ? 'lpgr' : 'lpr', L.out(), t === I64 ? L.reg(a) : extend32(L, a, true)));
  return true;
}

// ------------------------------------------------------------------ shifts and rotates

/** The shift amount of `inst` as a register (masked to `mask` when asked) or a constant. */
function shiftAmount(L: S390xLower, inst: Inst, mask: number, needMask: boolean): { reg: number; d: number } {
  const f = L.f;
  if (f.argCount(inst) === 1) return { reg: NO_REG, d: f.instImm1[inst] & mask };
  const v = f.arg(inst, 1);
  const c = L.constOf(v);
  if (c !== null) return { reg: NO_REG, d: c[0] & mask };
  const r = amountReg(L, v);
  if (!needMask) return { reg: r, d: 0 };
  const m = L.tmp();
  const i = rr('risbg.z', m, r);
  i.m3 = 64 - bitsOf(mask);
  i.m4 = 63 | 0x80;
  i.m5 = 0;
  L.emit(i);
  return { reg: m, d: 0 };
}
function bitsOf(mask: number): number {
  return Math.log2(mask + 1);
}

const SHIFT_OPS: Record<number, number> = {
  [ISHL]: 0, [ISHL_IMM]: 0, [USHR]: 1, [USHR_IMM]: 1, [SSHR]: 2, [SSHR_IMM]: 2,
};

function shiftRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const kind = SHIFT_OPS[L.f.instOpcode[inst]];
  const w = widthBits(t);
  const a = L.f.arg(inst, 0);
  const dst = L.out();
  if (t === I64) {
    const amt = shiftAmount(L, inst, 63, false);
    L.emit(rsy(['sllg', 'srlg', 'srag'][kind], dst, L.reg(a), amt.reg, amt.d));
    return true;
  }
  const amt = shiftAmount(L, inst, w - 1, true);
  const src = kind === 0 ? L.reg(a) : extend32(L, a, kind === 2);
  L.emit(rsy(['sllk', 'srlk', 'srak'][kind], dst, src, amt.reg, amt.d));
  return true;
}

const ROTATE_LEFT: Record<number, boolean> = { [ROTL]: true, [ROTL_IMM]: true, [ROTR]: false, [ROTR_IMM]: false };

function rotateRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const left = ROTATE_LEFT[L.f.instOpcode[inst]];
  const w = widthBits(t);
  let amt = shiftAmount(L, inst, 63, false);
  if (!left) {
    if (amt.reg === NO_REG) amt = { reg: NO_REG, d: (w - (amt.d % w)) % w };
    else {
      const n = L.tmp();
      L.emit(rr('lcr', n, amt.reg));
      amt = { reg: n, d: 0 };
    }
  }
  const a = L.reg(L.f.arg(inst, 0));
  if (t === I64) {
    L.emit(rsy('rllg', L.out(), a, amt.reg, amt.d));
    return true;
  }
  // A rotate of 32 bits by n equals one by n mod 32; narrower values are first replicated
  // across the 32 bits, so the rotate of the low bits comes out right.
  let src = a;
  if (t === I16 || t === I8) {
    src = replicate(L, a, w);
    if (amt.reg === NO_REG) amt = { reg: NO_REG, d: amt.d % w };
  }
  L.emit(rsy('rll', L.out(), src, amt.reg, amt.d));
  return true;
}

/** The low `w` bits of `a` repeated across 32 bits. */
function replicate(L: S390xLower, a: number, w: number): number {
  let x = L.tmp();
  L.emit(rr(w === 8 ? 'llcr' : 'llhr', x, a));
  for (let s = w; s < 32; s *= 2) {
    const sh = L.tmp();
    L.emit(rsy('sllk', sh, x, NO_REG, s));
    const y = L.tmp();
    L.emit(rrr('ork', y, x, sh));
    x = y;
  }
  return x;
}

// ------------------------------------------------------------------ compares and selects

function icmpRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const t = L.typeOf(f.arg(inst, 0));
  if (!isIntScalar(t) && t !== I128) return false;
  const cc = f.instImm0[inst] as IntCC;
  const mask = f.instOpcode[inst] === ICMP
    ? intCompare(L, cc, f.arg(inst, 0), f.arg(inst, 1))
    : intCompareImm(L, cc, f.arg(inst, 0), f.instImm1[inst], f.instImm2[inst]);
  materialize(L, L.out(), mask);
  return true;
}

function selectRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const mask = condOf(L, f.arg(inst, 0));
  const a = L.reg(f.arg(inst, 1));
  const b = L.reg(f.arg(inst, 2));
  const dst = L.out();
  if (isIntScalar(t)) {
    if (L.features.mie3) {
      const s = rrr('selgr', dst, a, b);
      s.m4 = mask;
      L.emit(s);
    } else L.emitTied(rrm('locgr', dst, a, mask), b);
    return true;
  }
  const m = pseudo(Pseudo.VecCondMove);
  m.r1 = dst;
  m.r2 = a;
  m.m3 = mask;
  L.emitTied(m, b);
  return true;
}

/** dst <- the CC mask holds ? a : b, general registers. */
export function selectG(L: S390xLower, dst: number, mask: number, a: number, b: number): void {
  if (L.features.mie3) {
    const s = rrr('selgr', dst, a, b);
    s.m4 = mask;
    L.emit(s);
  } else L.emitTied(rrm('locgr', dst, a, mask), b);
}

function minMaxRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const op = L.f.instOpcode[inst];
  const signed = op === SMIN || op === SMAX;
  const a = extend64(L, L.f.arg(inst, 0), signed);
  const b = extend64(L, L.f.arg(inst, 1), signed);
  L.emit(rr(signed ? 'cgr' : 'clgr', a, b));
  // a <= b picks a for min; a >= b picks a for max.
  selectG(L, L.out(), op === SMIN || op === UMIN ? 12 : 10, a, b);
  return true;
}

function bmaskRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const src = L.f.arg(inst, 0);
  const mask = condOf(L, src);
  const z = L.tmp();
  L.emit(ri('lghi', z, 0));
  const c = ri('locghi', L.out(), -1);
  c.m3 = mask;
  L.emitTied(c, z);
  return true;
}

// ------------------------------------------------------------------ extensions

function extendRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const signed = L.f.instOpcode[inst] === SEXTEND;
  L.moveG(L.out(), extend64(L, L.f.arg(inst, 0), signed));
  return true;
}

function ireduceRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const src = L.f.arg(inst, 0);
  if (!isIntScalar(t) || !isIntScalar(L.typeOf(src))) return false;
  L.moveG(L.out(), L.reg(src));
  return true;
}

// ------------------------------------------------------------------ multiply high, divide

function mulhiRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const signed = L.f.instOpcode[inst] === SMULHI;
  const a = L.f.arg(inst, 0);
  const b = L.f.arg(inst, 1);
  const dst = L.out();
  if (t === I64) {
    const lo = L.tmp();
    if (signed) {
      const m = rrr('mgrk', r2, L.reg(a), L.reg(b));
      L.emit(m, { fixedDefs: [raw(dst), r2, raw(lo), r3] });
    } else {
      const ra = L.copyG(L.reg(a));
      const m = rr('mlgr', r2, L.reg(b));
      L.emit(m, { fixedUses: [raw(ra), r3], fixedDefs: [raw(dst), r2, raw(lo), r3] });
    }
    return true;
  }
  const p = L.tmp();
  L.emit(rrr('msgrkc', p, extend64(L, a, signed), extend64(L, b, signed)));
  L.emit(rsy(signed ? 'srag' : 'srlg', dst, p, NO_REG, widthBits(t)));
  return true;
}

const DIV_KIND: Record<number, [boolean, boolean]> = {
  [UDIV]: [false, false], [UREM]: [false, true], [SDIV]: [true, false], [SREM]: [true, true],
};

function divRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const [signed, rem] = DIV_KIND[L.f.instOpcode[inst]];
  const av = L.f.arg(inst, 0);
  const bv = L.f.arg(inst, 1);
  const a = L.copyG(extend64(L, av, signed));
  let b = extend64(L, bv, signed);
  const dst = L.out();
  const bc = L.constOf(bv);
  if (bc === null || (bc[0] === 0 && bc[1] === 0)) {
    L.emit(ri('cghi', b, 0));
    L.emit(condBr(8, L.trapLabel(TRAP_INT_DIVZ)));
  }
  const q = L.tmp();
  const r = L.tmp();
  if (!signed) {
    const hi = L.tmp();
    L.emit(ri('lghi', hi, 0));
    L.emit(rr('dlgr', r2, b), { fixedUses: [raw(hi), r2, raw(a), r3], fixedDefs: [raw(r), r2, raw(q), r3] });
  } else {
    if (t === I64 && (bc === null || (bc[0] === -1 && bc[1] === -1))) {
      if (rem) {
        // x % -1 = 0 = x % 1, and the division of INT64_MIN by -1 would fault.
        const b1 = L.tmp();
        L.emit(ri('cghi', b, -1));
        const c = ri('locghi', b1, 1);
        c.m3 = 8;
        L.emitTied(c, b);
        b = b1;
      } else {
        // INT64_MIN / -1 overflows: x = (b == -1 ? a : 0) equals INT64_MIN only then.
        const x = L.tmp();
        L.emit(ri('cghi', b, -1));
        const c = ri('locghi', x, 0);
        c.m3 = 7;
        L.emitTied(c, a);
        L.emit(rr('cgr', x, L.constReg(0, 0x8000_0000)));
        L.emit(condBr(8, L.trapLabel(TRAP_INT_OVF)));
      }
    }
    L.emit(rr('dsgr', r2, b), { fixedUses: [raw(a), r3], fixedDefs: [raw(r), r2, raw(q), r3] });
    if (!rem && t !== I64) {
      // Only INT_MIN / -1 gives the quotient 2^(w-1), out of the type's range.
      L.emit(ri('clgfi', q, 2 ** (widthBits(t) - 1)));
      L.emit(condBr(8, L.trapLabel(TRAP_INT_OVF)));
    }
  }
  L.moveG(dst, rem ? r : q);
  return true;
}

// ------------------------------------------------------------------ bit counting

/** dst <- leading zeros of the 64-bit `x` (64 when zero); CC0 when x is zero. */
function flogr(L: S390xLower, x: number): number {
  const lz = L.tmp();
  const junk = L.tmp();
  L.emit(rr('flogr', r2, x), { fixedDefs: [raw(lz), r2, raw(junk), r3] });
  return lz;
}

function clzRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const lz = flogr(L, extend64(L, L.f.arg(inst, 0), false));
  if (t === I64) L.moveG(L.out(), lz);
  else L.emit(aghik('aghik', L.out(), lz, -(64 - widthBits(t))));
  return true;
}

function ctzRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  let x = L.reg(L.f.arg(inst, 0));
  if (t !== I64) {
    // A bit just above the type: the count stops there when the value is zero.
    const w = widthBits(t);
    const y = L.tmp();
    L.emitTied(ri(w === 32 ? 'oihl' : w === 16 ? 'oilh' : 'oill', y, w === 32 ? 1 : w === 16 ? 1 : 0x100), x);
    x = y;
  }
  const n = L.tmp();
  L.emit(rr('lcgr', n, x));
  const low = L.tmp();
  L.emit(rrr('ngrk', low, x, n));
  let lz = flogr(L, low);
  if (t === I64) {
    const l2 = L.tmp();
    const c = ri('locghi', l2, -1);
    c.m3 = 8;
    L.emitTied(c, lz);
    lz = l2;
  }
  L.emit(rrr('sgrk', L.out(), L.constReg(63, 0), lz));
  return true;
}

function clsRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const x = extend64(L, L.f.arg(inst, 0), true);
  const s = L.tmp();
  L.emit(rsy('srag', s, x, NO_REG, 63));
  const y = L.tmp();
  L.emit(rrr('xgrk', y, x, s));
  const lz = flogr(L, y);
  L.emit(aghik('aghik', L.out(), lz, -(65 - widthBits(t))));
  return true;
}

/** The number of one bits of the 64-bit `x`. */
export function popcount64(L: S390xLower, x: number): number {
  const p = L.tmp();
  if (L.features.mie3) {
    L.emit(rrm('popcnt', p, x, 8));
    return p;
  }
  L.emit(rrm('popcnt', p, x, 0));
  let acc = p;
  for (const s of [32, 16, 8]) {
    const sh = L.tmp();
    L.emit(rsy('sllg', sh, acc, NO_REG, s));
    const sum = L.tmp();
    L.emit(rrr('agrk', sum, acc, sh));
    acc = sum;
  }
  const out = L.tmp();
  L.emit(rsy('srlg', out, acc, NO_REG, 56));
  return out;
}

function popcntRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  L.moveG(L.out(), popcount64(L, extend64(L, L.f.arg(inst, 0), false)));
  return true;
}

/** The 64 bits of `x` reversed. */
export function bitrev64(L: S390xLower, x: number): number {
  let t = x;
  for (const [s, m] of [[1, 0x55555555], [2, 0x33333333], [4, 0x0f0f0f0f]] as const) {
    const mask = L.constReg(m, m);
    const hi = L.tmp();
    L.emit(rsy('srlg', hi, t, NO_REG, s));
    const a = L.tmp();
    L.emit(rrr('ngrk', a, hi, mask));
    const b = L.tmp();
    L.emit(rrr('ngrk', b, t, mask));
    const bs = L.tmp();
    L.emit(rsy('sllg', bs, b, NO_REG, s));
    const o = L.tmp();
    L.emit(rrr('ogrk', o, a, bs));
    t = o;
  }
  const out = L.tmp();
  L.emit(rr('lrvgr', out, t));
  return out;
}

function bitrevRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const r = bitrev64(L, L.reg(L.f.arg(inst, 0)));
  if (t === I64) L.moveG(L.out(), r);
  else L.emit(rsy('srlg', L.out(), r, NO_REG, 64 - widthBits(t)));
  return true;
}

function bswapRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t) || t === I8) return false;
  const a = L.reg(L.f.arg(inst, 0));
  if (t === I64) L.emit(rr('lrvgr', L.out(), a));
  else if (t === I32) L.emit(rr('lrvr', L.out(), a));
  else {
    const r = L.tmp();
    L.emit(rr('lrvr', r, a));
    L.emit(rsy('srlk', L.out(), r, NO_REG, 16));
  }
  return true;
}

function nopRule(): boolean {
  return true;
}

export function buildRules(): RuleTable<S390xLower> {
  const r = new RuleTable<S390xLower>()
    .add(ICONST, 'iconst', iconstRule)
    .add([IADD, ISUB, BAND, BOR, BXOR, IADD_IMM, BAND_IMM, BOR_IMM, BXOR_IMM, IMUL, IMUL_IMM], 'alu', aluRule)
    .add(IRSUB_IMM, 'irsub_imm', irsubImmRule)
    .add(INEG, 'ineg', inegRule)
    .add(BNOT, 'bnot', bnotRule)
    .add([BAND_NOT, BOR_NOT, BXOR_NOT], 'logic_not', logicNotRule)
    .add(IABS, 'iabs', iabsRule)
    .add([ISHL, USHR, SSHR, ISHL_IMM, USHR_IMM, SSHR_IMM], 'shift', shiftRule)
    .add([ROTL, ROTR, ROTL_IMM, ROTR_IMM], 'rotate', rotateRule)
    .add([ICMP, ICMP_IMM], 'icmp', icmpRule)
    .add([SELECT, SELECT_SPECTRE_GUARD], 'select', selectRule)
    .add([SMIN, SMAX, UMIN, UMAX], 'minmax', minMaxRule)
    .add(BMASK, 'bmask', bmaskRule)
    .add([UEXTEND, SEXTEND], 'extend', extendRule)
    .add(IREDUCE, 'ireduce', ireduceRule)
    .add([UMULHI, SMULHI], 'mulhi', mulhiRule)
    .add([UDIV, SDIV, UREM, SREM], 'div', divRule)
    .add(CLZ, 'clz', clzRule)
    .add(CTZ, 'ctz', ctzRule)
    .add(CLS, 'cls', clsRule)
    .add(POPCNT, 'popcnt', popcntRule)
    .add(BITREV, 'bitrev', bitrevRule)
    .add(BSWAP, 'bswap', bswapRule)
    .add([NOP, SEQUENCE_POINT], 'nop', nopRule);
  lowerMemRules(r);
  lowerI128Rules(r);
  lowerFloatRules(r);
  lowerVectorRules(r);
  lowerAtomicRules(r);
  lowerMiscRules(r);
  return r;
}

