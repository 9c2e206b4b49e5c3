// i128 lives in one vector register: the high doubleword in element 0, the low in element 1
// (the big-endian image of the value). Additions and subtractions are quadword vector
// operations, shifts are the vector facility's whole-register shifts (by bytes, then bits),
// bitwise operations are shared with every other type held in vector registers; products,
// counts and comparisons go through the two general-register halves.

import {
  type Inst, type Type, type Value, BAND, BAND_NOT, BITREV, BITSELECT, BMASK, BNOT, BOR, BOR_NOT, BSWAP, BXOR,
  BXOR_NOT, CLS, CLZ, CTZ, I128, IABS, IADD, ICONCAT, IMUL, INEG, IREDUCE, ISHL, ISPLIT, ISUB, POPCNT, ROTL,
  ROTR, SADD_OVERFLOW, SEXTEND, SMAX, SMIN, SSHR, SSUB_OVERFLOW, UADD_OVERFLOW, UEXTEND, UMAX, UMIN, USHR,
  USUB_OVERFLOW, IntCC, UDIV, SDIV, UREM, SREM, TRAP_INT_DIVZ, TRAP_INT_OVF,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { Pseudo, condBr, inst as mk, pseudo, ri, rr, rrr, rsy, rx, vrra, vrrc, vrre } from '../inst/mod';
import { libcall } from './calls';
import { amountReg } from './amount';
import { NO_REG, RegClass, VREG_BASE, r2, r3 } from '../inst/regs';
import { extend64, halves128, intCompare, testNonZero } from './cond';
import type { S390xLower } from './state';
import { isIntScalar, resultType } from './types';
import { vlgv, vlvgp } from './mem';
import { bitrev64, popcount64, selectG } from './rules';

/** Whether values of type `t` live in a vector register. */
function inVr(L: S390xLower, t: Type): boolean {
  const cls = L.ctx.backend.regsFor(t);
  return cls !== null && cls.length === 1 && cls[0] === RegClass.Float;
}

function mkRx(name: string, r: number) {
  return rx(name, r, NO_REG, NO_REG, 0);
}

/** A vector register whose bytes are all `byte`. */
export function vsplatByte(L: S390xLower, byte: number): number {
  const v = L.tmpV();
  if (byte === 0 || byte === 255) L.emit(ri('vgbm', v, byte === 0 ? 0 : 0xffff));
  else {
    const r = ri('vrepi', v, byte << 24 >> 24);
    r.m3 = 0;
    L.emit(r);
  }
  return v;
}

/** dst <- the cond-mask holds ? a : b (vector registers). */
export function selectV(L: S390xLower, dst: number, mask: number, a: number, b: number): void {
  const m = pseudo(Pseudo.VecCondMove);
  m.r1 = dst;
  m.r2 = a;
  m.m3 = mask;
  L.emitTied(m, b);
}

/** An i128 from its general-register halves. */
function fromHalves(L: S390xLower, dst: number, hi: number, lo: number): void {
  L.emit(vlvgp(dst, hi, lo));
}

// ------------------------------------------------------------------ bitwise ops on any vector-register type

const LOGIC: Record<number, string> = { [BAND]: 'vn', [BOR]: 'vo', [BXOR]: 'vx', [BAND_NOT]: 'vnc', [BOR_NOT]: 'voc', [BXOR_NOT]: 'vnx' };

function logicRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!inVr(L, t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const a = L.reg(f.arg(inst, 0));
  if (op === BNOT) L.emit(vrrc('vno', L.out(), a, a));
  else L.emit(vrrc(LOGIC[op], L.out(), a, L.reg(f.arg(inst, 1))));
  return true;
}

function bitselectRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const c = L.reg(f.arg(inst, 0));
  const x = L.reg(f.arg(inst, 1));
  const y = L.reg(f.arg(inst, 2));
  if (inVr(L, t)) {
    L.emit(vrre('vsel', L.out(), x, y, c));
    return true;
  }
  if (!isIntScalar(t)) return false;
  // y ^ ((x ^ y) & c)
  const d = L.tmp();
  L.emit(rrr('xgrk', d, x, y));
  const m = L.tmp();
  L.emit(rrr('ngrk', m, d, c));
  L.emit(rrr('xgrk', L.out(), y, m));
  return true;
}

// ------------------------------------------------------------------ construction

function iconcatRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  fromHalves(L, L.out(), L.reg(L.f.arg(inst, 1)), L.reg(L.f.arg(inst, 0)));
  return true;
}

function isplitRule(L: S390xLower, inst: Inst): boolean {
  if (L.typeOf(L.f.arg(inst, 0)) !== I128) return false;
  const v = L.reg(L.f.arg(inst, 0));
  if (L.ctx.isUsed(L.ctx.result(0))) L.emit(vlgv(L.out(0), v, 1, 3));
  if (L.ctx.isUsed(L.ctx.result(1))) L.emit(vlgv(L.out(1), v, 0, 3));
  return true;
}

function extendRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const signed = L.f.instOpcode[inst] === SEXTEND;
  const lo = extend64(L, L.f.arg(inst, 0), signed);
  const hi = L.tmp();
  if (signed) L.emit(rsy('srag', hi, lo, NO_REG, 63));
  else L.emit(ri('lghi', hi, 0));
  fromHalves(L, L.out(), hi, lo);
  return true;
}

function ireduceRule(L: S390xLower, inst: Inst): boolean {
  if (L.typeOf(L.f.arg(inst, 0)) !== I128) return false;
  L.emit(vlgv(L.out(), L.reg(L.f.arg(inst, 0)), 1, 3));
  return true;
}

// ------------------------------------------------------------------ arithmetic

function addSubRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  L.emit(vrrc(f.instOpcode[inst] === IADD ? 'va' : 'vs', L.out(), L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), 4));
  return true;
}

function inegRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  L.emit(vrrc('vs', L.out(), vsplatByte(L, 0), L.reg(L.f.arg(inst, 0)), 4));
  return true;
}

function iabsRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const a = L.reg(L.f.arg(inst, 0));
  const neg = L.tmpV();
  L.emit(vrrc('vs', neg, vsplatByte(L, 0), a, 4));
  const hi = L.tmp();
  L.emit(vlgv(hi, a, 0, 3));
  L.emit(ri('cghi', hi, 0));
  selectV(L, L.out(), 4, neg, a);
  return true;
}

function imulRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [ah, al] = halves128(L, L.reg(L.f.arg(inst, 0)));
  const [bh, bl] = halves128(L, L.reg(L.f.arg(inst, 1)));
  const ph = L.tmp();
  const pl = L.tmp();
  L.emit(rr('mlgr', r2, bl), { fixedUses: [al - VREG_BASE, r3], fixedDefs: [ph - VREG_BASE, r2, pl - VREG_BASE, r3] });
  const t1 = L.tmp();
  L.emit(rrr('msgrkc', t1, ah, bl));
  const t2 = L.tmp();
  L.emit(rrr('msgrkc', t2, al, bh));
  const t3 = L.tmp();
  L.emit(rrr('agrk', t3, t1, t2));
  const hi = L.tmp();
  L.emit(rrr('agrk', hi, ph, t3));
  fromHalves(L, L.out(), hi, pl);
  return true;
}

function minMaxRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const cc = op === SMIN ? IntCC.Slt : op === SMAX ? IntCC.Sgt : op === UMIN ? IntCC.Ult : IntCC.Ugt;
  const mask = intCompare(L, cc, f.arg(inst, 0), f.arg(inst, 1));
  selectV(L, L.out(), mask, L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)));
  return true;
}

function bmaskRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const mask = testNonZero(L, L.f.arg(inst, 0));
  selectV(L, L.out(), mask, vsplatByte(L, 255), vsplatByte(L, 0));
  return true;
}

// ------------------------------------------------------------------ shifts and rotates

/** A vector register with every byte = the shift amount of `inst` (mod 128, or `negate`d). */
function shiftBytes(L: S390xLower, amount: Value, negate: boolean): number {
  const c = L.constOf(amount);
  if (c !== null) return vsplatByte(L, (negate ? -c[0] : c[0]) & 127);
  if (L.typeOf(amount) === I128 && !negate) {
    const v = L.tmpV();
    const r = mk('vrep');
    r.r1 = v; r.r3 = L.reg(amount); r.imm = 15; r.m4 = 0;
    L.emit(r);
    return v;
  }
  let g = amountReg(L, amount);
  if (negate) {
    const n = L.tmp();
    L.emit(rr('lcr', n, g));
    g = n;
  }
  const v = L.tmpV();
  L.emit(vlvgp(v, g, g));
  const s = L.tmpV();
  const r = mk('vrep');
  r.r1 = s; r.r3 = v; r.imm = 7; r.m4 = 0;
  L.emit(r);
  return s;
}

/** a shifted by the amount in every byte of `s` (kind 0: left, 1: logical right, 2: arithmetic right). */
function shift128(L: S390xLower, a: number, s: number, kind: number): number {
  const byBytes = L.tmpV();
  L.emit(vrrc(['vslb', 'vsrlb', 'vsrab'][kind], byBytes, a, s));
  const out = L.tmpV();
  L.emit(vrrc(['vsl', 'vsrl', 'vsra'][kind], out, byBytes, s));
  return out;
}

function shiftRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const kind = op === ISHL ? 0 : op === USHR ? 1 : 2;
  L.moveV(L.out(), shift128(L, L.reg(f.arg(inst, 0)), shiftBytes(L, f.arg(inst, 1), false), kind));
  return true;
}

function rotateRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const left = f.instOpcode[inst] === ROTL;
  const a = L.reg(f.arg(inst, 0));
  const s = shiftBytes(L, f.arg(inst, 1), false);
  const ns = shiftBytes(L, f.arg(inst, 1), true);
  const x = shift128(L, a, s, left ? 0 : 1);
  const y = shift128(L, a, ns, left ? 1 : 0);
  L.emit(vrrc('vo', L.out(), x, y));
  return true;
}

// ------------------------------------------------------------------ bit counting

/** Leading zeros of a 64-bit register (64 for zero). */
function lz64(L: S390xLower, x: number): number {
  const lz = L.tmp();
  const junk = L.tmp();
  L.emit(rr('flogr', r2, x), { fixedDefs: [lz - VREG_BASE, r2, junk - VREG_BASE, r3] });
  return lz;
}
/** An i128 result from a count in a general register. */
function countResult(L: S390xLower, n: number): void {
  const z = L.tmp();
  L.emit(ri('lghi', z, 0));
  fromHalves(L, L.out(), z, n);
}
/** hi == 0 ? 64 + lo-count : hi-count. */
function combineCounts(L: S390xLower, first: number, firstZero: number, second: number): number {
  const sum = L.tmp();
  const add = mk('aghik');
  add.r1 = sum; add.r3 = second; add.imm = 64;
  L.emit(add);
  L.emit(ri('cghi', firstZero, 0));
  const r = L.tmp();
  selectG(L, r, 8, sum, first);
  return r;
}

function clzRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  countResult(L, combineCounts(L, lz64(L, hi), hi, lz64(L, lo)));
  return true;
}

function tz64(L: S390xLower, x: number): number {
  const n = L.tmp();
  L.emit(rr('lcgr', n, x));
  const low = L.tmp();
  L.emit(rrr('ngrk', low, x, n));
  const lz = lz64(L, low);
  const l2 = L.tmp();
  const c = ri('locghi', l2, -1);
  c.m3 = 8;
  L.emitTied(c, lz);
  const out = L.tmp();
  L.emit(rrr('sgrk', out, L.constReg(63, 0), l2));
  return out;
}

function ctzRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  countResult(L, combineCounts(L, tz64(L, lo), lo, tz64(L, hi)));
  return true;
}

function clsRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  const s = L.tmp();
  L.emit(rsy('srag', s, hi, NO_REG, 63));
  const xh = L.tmp();
  L.emit(rrr('xgrk', xh, hi, s));
  const xl = L.tmp();
  L.emit(rrr('xgrk', xl, lo, s));
  const c = combineCounts(L, lz64(L, xh), xh, lz64(L, xl));
  const r = L.tmp();
  const add = mk('aghik');
  add.r1 = r; add.r3 = c; add.imm = -1;
  L.emit(add);
  countResult(L, r);
  return true;
}

function popcntRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  const s = L.tmp();
  L.emit(rrr('agrk', s, popcount64(L, hi), popcount64(L, lo)));
  countResult(L, s);
  return true;
}

function bitrevRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  fromHalves(L, L.out(), bitrev64(L, lo), bitrev64(L, hi));
  return true;
}

function bswapRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [hi, lo] = halves128(L, L.reg(L.f.arg(inst, 0)));
  const nh = L.tmp();
  L.emit(rr('lrvgr', nh, lo));
  const nl = L.tmp();
  L.emit(rr('lrvgr', nl, hi));
  fromHalves(L, L.out(), nh, nl);
  return true;
}

// ------------------------------------------------------------------ overflow arithmetic

function overflowRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const add = op === UADD_OVERFLOW || op === SADD_OVERFLOW;
  const r = L.out(0);
  L.emit(vrrc(add ? 'va' : 'vs', r, a, b, 4));
  const flag = L.out(1);
  if (op === UADD_OVERFLOW || op === USUB_OVERFLOW) {
    // vacc: the carry (0/1); vscbi: 1 when there is no borrow.
    const c = L.tmpV();
    L.emit(vrrc(add ? 'vacc' : 'vscbi', c, a, b, 4));
    const g = L.tmp();
    L.emit(vlgv(g, c, 1, 3));
    if (add) L.moveG(flag, g);
    else L.emitTied(ri('xilf', flag, 1), g);
    return true;
  }
  // Signed: ((a ^ r) & (b ^ r)) < 0 for addition, ((a ^ r) & (a ^ b)) < 0 for subtraction.
  const x1 = L.tmpV();
  L.emit(vrrc('vx', x1, a, r));
  const x2 = L.tmpV();
  L.emit(vrrc('vx', x2, add ? b : a, add ? r : b));
  const m = L.tmpV();
  L.emit(vrrc('vn', m, x1, x2));
  const g = L.tmp();
  L.emit(vlgv(g, m, 0, 3));
  L.emit(rsy('srlg', flag, g, NO_REG, 63));
  return true;
}

// ------------------------------------------------------------------ division (libgcc)

const DIV_CALL: Record<number, string> = { [UDIV]: '__udivti3', [SDIV]: '__divti3', [UREM]: '__umodti3', [SREM]: '__modti3' };

function divRule(L: S390xLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  L.emit(vrra('vtm', b, b));
  L.emit(condBr(8, L.trapLabel(TRAP_INT_DIVZ)));
  if (op === SDIV) {
    // INT128_MIN / -1 overflows: (a ^ INT128_MIN) | ~b is zero only then.
    const min = new Uint8Array(16);
    min[0] = 0x80;
    const m = L.tmpV();
    const i = mkRx('vl', m);
    i.label = L.constLabel(min, 8);
    L.emit(i);
    const x = L.tmpV();
    L.emit(vrrc('vx', x, a, m));
    const y = L.tmpV();
    L.emit(vrrc('voc', y, x, b));
    L.emit(vrra('vtm', y, y));
    L.emit(condBr(8, L.trapLabel(TRAP_INT_OVF)));
  }
  libcall(L, DIV_CALL[op], [I128, I128], [I128], [a, b], [L.out()]);
  return true;
}

export function lowerI128Rules(r: RuleTable<S390xLower>): void {
  r.add([BAND, BOR, BXOR, BNOT, BAND_NOT, BOR_NOT, BXOR_NOT], 'vr_logic', logicRule, 1)
    .add(BITSELECT, 'bitselect', bitselectRule)
    .add(ICONCAT, 'iconcat', iconcatRule)
    .add(ISPLIT, 'isplit', isplitRule)
    .add([UEXTEND, SEXTEND], 'extend_i128', extendRule, 1)
    .add(IREDUCE, 'ireduce_i128', ireduceRule, 1)
    .add([IADD, ISUB], 'addsub_i128', addSubRule, 1)
    .add(INEG, 'ineg_i128', inegRule, 1)
    .add(IABS, 'iabs_i128', iabsRule, 1)
    .add(IMUL, 'imul_i128', imulRule, 1)
    .add([SMIN, SMAX, UMIN, UMAX], 'minmax_i128', minMaxRule, 1)
    .add(BMASK, 'bmask_i128', bmaskRule, 1)
    .add([ISHL, USHR, SSHR], 'shift_i128', shiftRule, 1)
    .add([ROTL, ROTR], 'rotate_i128', rotateRule, 1)
    .add(CLZ, 'clz_i128', clzRule, 1)
    .add(CTZ, 'ctz_i128', ctzRule, 1)
    .add(CLS, 'cls_i128', clsRule, 1)
    .add(POPCNT, 'popcnt_i128', popcntRule, 1)
    .add(BITREV, 'bitrev_i128', bitrevRule, 1)
    .add(BSWAP, 'bswap_i128', bswapRule, 1)
    .add([UADD_OVERFLOW, SADD_OVERFLOW, USUB_OVERFLOW, SSUB_OVERFLOW], 'overflow_i128', overflowRule, 1)
    .add([UDIV, SDIV, UREM, SREM], 'div_i128', divRule, 1);
}
