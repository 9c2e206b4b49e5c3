// The vector facility for the 128-bit CLIF vector types. A vector register holds 16 bytes,
// element 0 leftmost. CLIF numbers lanes in memory order; the register keeps lane i in
// element i (big-endian lane order, every convention but `tail`) or in element n-1-i
// (little-endian lane order, `tail` functions, as wasm code uses them): there the register is
// the byte-reversed image of the vector's little-endian memory. Lane-wise operations do not
// care; lane numbers, loads and stores, constants, shuffles, narrowing/widening halves,
// bitcasts between lane sizes and the crossing of a function boundary do (see `elem`,
// `image`, and the permutations below).

import {
  type Inst, type Type, AVG_ROUND, BITCAST, BMASK, CEIL, CLZ, CTZ, ENDIAN_LITTLE, EXTRACTLANE,
  F32, F64, FABS, FADD, FCMP, FCOPYSIGN, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT, FDIV, FLOOR,
  FMA, FMAX, FMIN, FMUL, FNEG, FSUB, FVDEMOTE, FVPROMOTE_LOW, FloatCC, I128, IABS, IADD,
  IADD_PAIRWISE, ICMP, ICMP_IMM, IMUL, INEG, INSERTLANE, ISHL, ISHL_IMM, IntCC, LOAD, NEAREST, POPCNT, ROTL, ROTL_IMM,
  ROTR, ROTR_IMM, SADD_SAT, SCALAR_TO_VECTOR, SHUFFLE, SLOAD16X4, SLOAD32X2, SLOAD8X8, SMAX, SMIN, SMULHI, SNARROW,
  SPLAT, SQRT, SSHR, SSHR_IMM, SSUB_SAT, STACK_LOAD, STACK_STORE, STORE, SWIDEN_HIGH, SWIDEN_LOW, SWIZZLE, TRUNC,
  UADD_SAT, ULOAD16X4, ULOAD32X2, ULOAD8X8, UMAX, UMIN, UMULHI, UNARROW, USHR, USHR_IMM, USUB_SAT, UUNARROW,
  UWIDEN_HIGH, UWIDEN_LOW, VALL_TRUE, VANY_TRUE, VCONST, VHIGH_BITS, ISUB, F128, isVector, laneBits,
  laneCount, laneType, memEndianness, vectorOf, SQMUL_ROUND_SAT, BLENDV, I16, I32, I64,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { type MInst, inst as mk, ri, rrr, rx, vrra, vrrc, vrre } from '../inst/mod';
import { NO_REG } from '../inst/regs';
import { isVec128 } from '../abi/abi';
import { fpFormat, materialize } from './cond';
import type { S390xLower } from './state';
import { resultType } from './types';
import { memRef, vlgv, vlvg, vlvgInto, vlvgp } from './mem';
import { signMask } from './float';
import { vsplatByte } from './i128';
import { amountReg } from './amount';

/** Element-size code of a vector instruction: 0 byte, 1 halfword, 2 word, 3 doubleword. */
export function esize(t: Type): number {
  return Math.log2(laneBits(t) / 8);
}
/** The register element holding lane `lane` of a vector of type `t`. */
export function elem(L: S390xLower, t: Type, lane: number): number {
  return L.leLanes ? laneCount(t) - 1 - lane : lane;
}

/** The register image of a CLIF vector constant (lane 0 first, lanes little-endian) of type `t`. */
export function image(L: S390xLower, le: Uint8Array, t: Type): Uint8Array {
  if (L.leLanes) return le.slice(0, 16).reverse();
  const w = laneBits(t) / 8;
  const out = new Uint8Array(16);
  for (let k = 0; k < 16; k += w) for (let j = 0; j < w; j++) out[k + j] = le[k + w - 1 - j];
  return out;
}

/** A vector register holding the 16-byte register image `img` (vgbm, vrepi or the literal pool). */
export function vconstReg(L: S390xLower, img: Uint8Array, dst = L.tmpV()): number {
  if (img.every((b) => b === 0 || b === 255)) {
    let m = 0;
    for (let k = 0; k < 16; k++) if (img[k] === 255) m |= 1 << (15 - k);
    L.emit(ri('vgbm', dst, m));
    return dst;
  }
  for (let size = 0; size <= 3; size++) {
    const w = 1 << size;
    let same = true;
    for (let k = w; k < 16 && same; k++) same = img[k] === img[k % w];
    if (!same) continue;
    let v = 0;
    for (let j = 0; j < Math.min(w, 4); j++) v = (v << 8) | img[j + Math.max(0, w - 4)];
    const hiOk = w <= 4 || img.subarray(0, w - 4).every((b) => b === ((v >> 31) & 255));
    const sv = w === 1 ? (v << 24) >> 24 : w === 2 ? (v << 16) >> 16 : v | 0;
    if (hiOk && sv >= -32768 && sv <= 32767) {
      const r = ri('vrepi', dst, sv);
      r.m3 = size;
      L.emit(r);
      return dst;
    }
    break;
  }
  const i = rx('vl', dst, NO_REG, NO_REG, 0);
  i.label = L.constLabel(img, 8);
  L.emit(i);
  return dst;
}

/** dst <- bytes of a||b picked by `pattern` (indexes 0..31 into the register images). */
export function permute(L: S390xLower, dst: number, a: number, b: number, pattern: readonly number[]): void {
  L.emit(vrre('vperm', dst, a, b, vconstReg(L, Uint8Array.from(pattern))));
}

function isVec(L: S390xLower, inst: Inst): Type | null {
  const t = resultType(L, inst);
  return isVec128(t) ? t : null;
}
function argVec(L: S390xLower, inst: Inst, k = 0): Type | null {
  const t = L.typeOf(L.f.arg(inst, k));
  return isVec128(t) ? t : null;
}
const isFloatLane = (t: Type): boolean => laneType(t) === F32 || laneType(t) === F64;

// ------------------------------------------------------------------ constants, splats, lanes

function vconstRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const le = L.f.constants[L.f.instImm0[inst]];
  if (le === undefined || le.length !== 16) return false;
  vconstReg(L, image(L, le, t), L.out());
  return true;
}

function splatRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const src = L.f.arg(inst, 0);
  const m = esize(t);
  const c = L.constOf(src);
  if (c !== null && !isFloatLane(t)) {
    const w = laneBits(t) / 8;
    const le = new Uint8Array(16);
    for (let k = 0; k < 16; k += w) {
      for (let j = 0; j < w; j++) le[k + j] = (j < 4 ? c[0] >>> (8 * j) : c[1] >>> (8 * (j - 4))) & 255;
    }
    vconstReg(L, image(L, le, t), L.out());
    return true;
  }
  const r = mk('vrep');
  r.r1 = L.out();
  r.m4 = m;
  r.imm = 0;
  if (isFloatLane(t)) r.r3 = L.reg(src);
  else {
    const v = L.tmpV();
    L.emit(vlvgInto(v, L.reg(src), 0, m));
    r.r3 = v;
  }
  L.emit(r);
  return true;
}

function insertlaneRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const v = L.reg(f.arg(inst, 0));
  const e = elem(L, t, f.instImm0[inst]);
  const m = esize(t);
  let g: number;
  if (isFloatLane(t)) {
    if (t === vectorOf(F64, 2)) {
      const s = L.reg(f.arg(inst, 1));
      const p = vrrc('vpdi', L.out(), e === 0 ? s : v, e === 0 ? v : s, e === 0 ? 1 : 0);
      L.emit(p);
      return true;
    }
    g = L.tmp();
    L.emit(vlgv(g, L.reg(f.arg(inst, 1)), 0, m));
  } else g = L.reg(f.arg(inst, 1));
  L.emitTied(vlvg(L.out(), g, e, m), v);
  return true;
}

function extractlaneRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const v = L.reg(f.arg(inst, 0));
  const e = elem(L, t, f.instImm0[inst]);
  if (isFloatLane(t)) {
    const r = mk('vrep');
    r.r1 = L.out();
    r.r3 = v;
    r.imm = e;
    r.m4 = esize(t);
    L.emit(r);
    return true;
  }
  L.emit(vlgv(L.out(), v, e, esize(t)));
  return true;
}

function scalarToVectorRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const src = L.f.arg(inst, 0);
  const m = esize(t);
  const z = vsplatByte(L, 0);
  let g: number;
  if (isFloatLane(t)) {
    g = L.tmp();
    L.emit(vlgv(g, L.reg(src), 0, m));
  } else g = L.reg(src);
  L.emitTied(vlvg(L.out(), g, elem(L, t, 0), m), z);
  return true;
}

// ------------------------------------------------------------------ integer arithmetic

const LANEWISE: Record<number, string> = {
  [IADD]: 'va', [ISUB]: 'vs', [SMIN]: 'vmn', [SMAX]: 'vmx', [UMIN]: 'vmnl', [UMAX]: 'vmxl', [AVG_ROUND]: 'vavgl',
  [UMULHI]: 'vmlh', [SMULHI]: 'vmh', [IMUL]: 'vml',
};

function lanewiseRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || isFloatLane(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const m = esize(t);
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  if (m === 3 && (op === IMUL || op === UMULHI || op === SMULHI)) {
    // No doubleword multiply before arch15: per lane in general registers.
    const halves: number[] = [];
    for (let e = 0; e < 2; e++) {
      const x = L.tmp();
      const y = L.tmp();
      L.emit(vlgv(x, a, e, 3));
      L.emit(vlgv(y, b, e, 3));
      const p = L.tmp();
      if (op === IMUL) L.emit(rrr('msgrkc', p, x, y));
      else {
        const lo = L.tmp();
        if (op === SMULHI) L.emit(rrr('mgrk', 2, x, y), { fixedDefs: [p - 64, 2, lo - 64, 3] });
        else L.emit(mkRr('mlgr', 2, y), { fixedUses: [x - 64, 3], fixedDefs: [p - 64, 2, lo - 64, 3] });
      }
      halves.push(p);
    }
    L.emit(vlvgp(L.out(), halves[0], halves[1]));
    return true;
  }
  L.emit(vrrc(LANEWISE[op], L.out(), a, b, m));
  return true;
}
function mkRr(name: string, r1: number, r2: number): MInst {
  const i = mk(name);
  i.r1 = r1;
  i.r2 = r2;
  return i;
}

function unaryRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || isFloatLane(t)) return false;
  const op = L.f.instOpcode[inst];
  const name = op === INEG ? 'vlc' : op === IABS ? 'vlp' : op === POPCNT ? 'vpopct' : op === CLZ ? 'vclz' : 'vctz';
  L.emit(vrra(name, L.out(), L.reg(L.f.arg(inst, 0)), esize(t)));
  return true;
}

function satRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || isFloatLane(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const m = esize(t);
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const dst = L.out();
  if (op === UADD_SAT) {
    // min(a, ~b) + b never wraps.
    const nb = L.tmpV();
    L.emit(vrrc('vno', nb, b, b));
    const mn = L.tmpV();
    L.emit(vrrc('vmnl', mn, a, nb, m));
    L.emit(vrrc('va', dst, mn, b, m));
    return true;
  }
  if (op === USUB_SAT) {
    const mx = L.tmpV();
    L.emit(vrrc('vmxl', mx, a, b, m));
    L.emit(vrrc('vs', dst, mx, b, m));
    return true;
  }
  if (m === 3) {
    // Doublewords: the wrapped result, replaced where it overflowed (the operands' signs agree
    // for an addition / differ for a subtraction, and the result's differs from a's) by the
    // bound on a's side: (a >> 63) ^ INT64_MAX.
    const r = L.tmpV();
    L.emit(vrrc(op === SADD_SAT ? 'va' : 'vs', r, a, b, 3));
    const x1 = L.tmpV();
    L.emit(vrrc('vx', x1, a, r));
    const x2 = L.tmpV();
    L.emit(vrrc('vx', x2, op === SADD_SAT ? b : a, op === SADD_SAT ? r : b));
    const ov = L.tmpV();
    L.emit(vrrc('vn', ov, x1, x2));
    const mask = L.tmpV();
    const sh = mk('vesra');
    sh.r1 = mask; sh.r3 = ov; sh.d = 63; sh.m4 = 3;
    L.emit(sh);
    const sign = L.tmpV();
    const sa = mk('vesra');
    sa.r1 = sign; sa.r3 = a; sa.d = 63; sa.m4 = 3;
    L.emit(sa);
    const max = L.tmpV();
    const g = mk('vgm');
    g.r1 = max; g.imm = 1; g.m3 = 63; g.m4 = 3;
    L.emit(g);
    const bound = L.tmpV();
    L.emit(vrrc('vx', bound, sign, max));
    L.emit(vrre('vsel', dst, bound, r, mask));
    return true;
  }
  // Signed: widen both halves, add or subtract, pack with signed saturation.
  const sums: number[] = [];
  for (const hi of [true, false]) {
    const wa = L.tmpV();
    const wb = L.tmpV();
    L.emit(vrra(hi ? 'vuph' : 'vupl', wa, a, m));
    L.emit(vrra(hi ? 'vuph' : 'vupl', wb, b, m));
    const s = L.tmpV();
    L.emit(vrrc(op === SADD_SAT ? 'va' : 'vs', s, wa, wb, m + 1));
    sums.push(s);
  }
  L.emit(vrrc('vpks', dst, sums[0], sums[1], m + 1, 0));
  return true;
}

/**
 * `sqmul_round_sat`: (a * b + 2^(w-2)) >> (w-1), saturated. The even and odd element products
 * (double width) are interleaved back into element order, rounded, shifted and packed with
 * signed saturation; lane-wise, so the lane order does not matter.
 */
function sqmulRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || (laneType(t) !== I16 && laneType(t) !== I32)) return false;
  const f = L.f;
  const m = esize(t);
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const ev = L.tmpV();
  L.emit(vrrc('vme', ev, a, b, m));
  const od = L.tmpV();
  L.emit(vrrc('vmo', od, a, b, m));
  const w = laneBits(t);
  const round = L.tmpV();
  if (m === 1) {
    const r = ri('vrepi', round, 1 << (w - 2));
    r.m3 = 2;
    L.emit(r);
  } else {
    const le = new Uint8Array(16);
    for (let k = 0; k < 16; k += 8) le[k + 3] = 0x40;
    vconstReg(L, image(L, le, vectorOf(I64, 2)), round);
  }
  const parts: number[] = [];
  for (const hi of [true, false]) {
    const merged = L.tmpV();
    L.emit(vrrc(hi ? 'vmrh' : 'vmrl', merged, ev, od, m + 1));
    const sum = L.tmpV();
    L.emit(vrrc('va', sum, merged, round, m + 1));
    const sh = mk('vesra');
    const out = L.tmpV();
    sh.r1 = out;
    sh.r3 = sum;
    sh.d = w - 1;
    sh.m4 = m + 1;
    L.emit(sh);
    parts.push(out);
  }
  L.emit(vrrc('vpks', L.out(), parts[0], parts[1], m + 1, 0));
  return true;
}

/** `blendv`: each lane from `a` where the mask lane's top bit is set, else from `b`. */
function blendvRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const m = L.tmpV();
  const sh = mk('vesra');
  sh.r1 = m;
  sh.r3 = L.reg(f.arg(inst, 0));
  sh.d = laneBits(t) - 1;
  sh.m4 = esize(t);
  L.emit(sh);
  L.emit(vrre('vsel', L.out(), L.reg(f.arg(inst, 1)), L.reg(f.arg(inst, 2)), m));
  return true;
}

// ------------------------------------------------------------------ shifts

const SHIFT: Record<number, [string, string]> = {
  [ISHL]: ['vesl', 'veslv'], [ISHL_IMM]: ['vesl', 'veslv'], [USHR]: ['vesrl', 'vesrlv'], [USHR_IMM]: ['vesrl', 'vesrlv'],
  [SSHR]: ['vesra', 'vesrav'], [SSHR_IMM]: ['vesra', 'vesrav'], [ROTL]: ['verll', 'verllv'], [ROTL_IMM]: ['verll', 'verllv'],
  [ROTR]: ['verll', 'verllv'], [ROTR_IMM]: ['verll', 'verllv'],
};

function shiftRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || isFloatLane(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const m = esize(t);
  const bitsMask = laneBits(t) - 1;
  const right = op === ROTR || op === ROTR_IMM;
  const [name] = SHIFT[op];
  const i = mk(name);
  i.r1 = L.out();
  i.r3 = L.reg(f.arg(inst, 0));
  i.m4 = m;
  if (f.argCount(inst) === 1) i.d = (right ? -f.instImm1[inst] : f.instImm1[inst]) & bitsMask;
  else {
    const amt = f.arg(inst, 1);
    const c = L.constOf(amt);
    if (c !== null) i.d = (right ? -c[0] : c[0]) & bitsMask;
    else {
      let g = amountReg(L, amt);
      if (right) {
        const n = L.tmp();
        L.emit(mkRr('lcr', n, g));
        g = n;
      }
      const masked = L.tmp();
      const r = mkRr('risbg.z', masked, g);
      r.m3 = 64 - Math.log2(bitsMask + 1);
      r.m4 = 63 | 0x80;
      L.emit(r);
      i.b = masked;
    }
  }
  L.emit(i);
  return true;
}

// ------------------------------------------------------------------ compares and masks

/** A lane mask for `a cc b` on integer vectors. */
function intMask(L: S390xLower, t: Type, cc: IntCC, a: number, b: number, dst: number): void {
  const m = esize(t);
  const cmp = (name: string, x: number, y: number, to: number): void => L.emit(vrrc(name === 'vceq' || name === 'vch' || name === 'vchl' ? name : name, to, x, y, m));
  const not = (x: number): void => L.emit(vrrc('vno', dst, x, x));
  switch (cc) {
    case IntCC.Eq: cmp('vceq', a, b, dst); return;
    case IntCC.Ne: { const x = L.tmpV(); cmp('vceq', a, b, x); not(x); return; }
    case IntCC.Sgt: cmp('vch', a, b, dst); return;
    case IntCC.Slt: cmp('vch', b, a, dst); return;
    case IntCC.Sge: { const x = L.tmpV(); cmp('vch', b, a, x); not(x); return; }
    case IntCC.Sle: { const x = L.tmpV(); cmp('vch', a, b, x); not(x); return; }
    case IntCC.Ugt: cmp('vchl', a, b, dst); return;
    case IntCC.Ult: cmp('vchl', b, a, dst); return;
    case IntCC.Uge: { const x = L.tmpV(); cmp('vchl', b, a, x); not(x); return; }
    case IntCC.Ule: { const x = L.tmpV(); cmp('vchl', a, b, x); not(x); return; }
  }
}

function icmpRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  let b: number;
  if (f.instOpcode[inst] === ICMP_IMM) {
    const w = laneBits(t) / 8;
    const le = new Uint8Array(16);
    const [lo, hi] = [f.instImm1[inst], f.instImm2[inst]];
    for (let k = 0; k < 16; k += w) for (let j = 0; j < w; j++) le[k + j] = (j < 4 ? lo >>> (8 * j) : hi >>> (8 * (j - 4))) & 255;
    b = vconstReg(L, image(L, le, t));
  } else b = L.reg(f.arg(inst, 1));
  intMask(L, t, f.instImm0[inst] as IntCC, L.reg(f.arg(inst, 0)), b, L.out());
  return true;
}

function fcmpRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const fmt = fpFormat(laneType(t));
  const dst = L.out();
  const c = (name: string, x: number, y: number, to = L.tmpV()): number => {
    L.emit(vrrc(name, to, x, y, fmt, 0, 0));
    return to;
  };
  const or = (x: number, y: number, to: number): void => L.emit(vrrc('vo', to, x, y));
  const nor = (x: number, y: number): void => L.emit(vrrc('vno', dst, x, y));
  switch (f.instImm0[inst] as FloatCC) {
    case FloatCC.Eq: c('vfce', a, b, dst); return true;
    case FloatCC.Ne: { const x = c('vfce', a, b); nor(x, x); return true; }
    case FloatCC.Gt: c('vfch', a, b, dst); return true;
    case FloatCC.Ge: c('vfche', a, b, dst); return true;
    case FloatCC.Lt: c('vfch', b, a, dst); return true;
    case FloatCC.Le: c('vfche', b, a, dst); return true;
    case FloatCC.Ord: or(c('vfche', a, b), c('vfche', b, a), dst); return true;
    case FloatCC.Uno: nor(c('vfche', a, b), c('vfche', b, a)); return true;
    case FloatCC.One: or(c('vfch', a, b), c('vfch', b, a), dst); return true;
    case FloatCC.Ueq: nor(c('vfch', a, b), c('vfch', b, a)); return true;
    case FloatCC.Ult: { const x = c('vfche', a, b); nor(x, x); return true; }
    case FloatCC.Ule: { const x = c('vfch', a, b); nor(x, x); return true; }
    case FloatCC.Ugt: { const x = c('vfche', b, a); nor(x, x); return true; }
    case FloatCC.Uge: { const x = c('vfch', b, a); nor(x, x); return true; }
  }
  return false;
}

function bmaskRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  const s = argVec(L, inst);
  if (t === null || s === null || laneBits(t) !== laneBits(s)) return false;
  const x = L.tmpV();
  L.emit(vrrc('vceq', x, L.reg(L.f.arg(inst, 0)), vsplatByte(L, 0), esize(s)));
  L.emit(vrrc('vno', L.out(), x, x));
  return true;
}

function anyAllRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  const a = L.reg(L.f.arg(inst, 0));
  if (L.f.instOpcode[inst] === VANY_TRUE) {
    L.emit(vrra('vtm', a, a));
    materialize(L, L.out(), 7);
    return true;
  }
  // vceq with the CC flag: CC3 when no lane equals zero.
  const x = L.tmpV();
  L.emit(vrrc('vceq', x, a, vsplatByte(L, 0), esize(t), 1));
  materialize(L, L.out(), 1);
  return true;
}

function highBitsRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  const n = laneCount(t);
  const w = laneBits(t);
  // vbperm gathers the bits numbered by the pattern's bytes into bits 48..63; bit 63 is lane 0.
  const pattern = new Array<number>(16).fill(128);
  for (let lane = 0; lane < n; lane++) pattern[15 - lane] = elem(L, t, lane) * w;
  const p = vconstReg(L, Uint8Array.from(pattern));
  const r = L.tmpV();
  L.emit(vrrc('vbperm', r, L.reg(L.f.arg(inst, 0)), p));
  L.emit(vlgv(L.out(), r, 0, 3));
  return true;
}

// ------------------------------------------------------------------ floating point

const FARITH: Record<number, string> = { [FADD]: 'vfa', [FSUB]: 'vfs', [FMUL]: 'vfm', [FDIV]: 'vfd' };

function farithRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || !isFloatLane(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const fmt = fpFormat(laneType(t));
  const a = L.reg(f.arg(inst, 0));
  const dst = L.out();
  switch (op) {
    case FMIN: case FMAX:
      L.emit(vrrc(op === FMIN ? 'vfmin' : 'vfmax', dst, a, L.reg(f.arg(inst, 1)), fmt, 0, 1));
      return true;
    case SQRT: L.emit(vrra('vfsq', dst, a, fmt, 0)); return true;
    case FNEG: case FABS: L.emit(vrra('vfpso', dst, a, fmt, 0, op === FNEG ? 0 : 2)); return true;
    case FCOPYSIGN: L.emit(vrre('vsel', dst, L.reg(f.arg(inst, 1)), a, signMask(L, laneType(t)))); return true;
    case FMA: L.emit(vrre('vfma', dst, a, L.reg(f.arg(inst, 1)), L.reg(f.arg(inst, 2)), 0, fmt)); return true;
    case CEIL: case FLOOR: case TRUNC: case NEAREST: {
      const mode = op === NEAREST ? 4 : op === TRUNC ? 5 : op === CEIL ? 6 : 7;
      L.emit(vrra('vfi', dst, a, fmt, 4, mode));
      return true;
    }
    default:
      L.emit(vrrc(FARITH[op], dst, a, L.reg(f.arg(inst, 1)), fmt, 0));
      return true;
  }
}

function fromIntRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null || !isFloatLane(t)) return false;
  const signed = L.f.instOpcode[inst] === FCVT_FROM_SINT;
  const a = L.reg(L.f.arg(inst, 0));
  const dst = L.out();
  if (laneType(t) === F64) {
    L.emit(vrra(signed ? 'vcdg' : 'vcdlg', dst, a, 3, 0, 0));
    return true;
  }
  if (L.features.vxe2) {
    L.emit(vrra(signed ? 'vcdg' : 'vcdlg', dst, a, 2, 0, 0));
    return true;
  }
  // i32 -> f64 is exact; one rounding f64 -> f32 per lane, the results gathered from the left words.
  const parts: number[] = [];
  for (const hi of [true, false]) {
    const w = L.tmpV();
    L.emit(vrra(signed ? (hi ? 'vuph' : 'vupl') : hi ? 'vuplh' : 'vupll', w, a, 2));
    const d = L.tmpV();
    L.emit(vrra(signed ? 'vcdg' : 'vcdlg', d, w, 3, 0, 0));
    const s = L.tmpV();
    L.emit(vrra('vflr', s, d, 3, 0, 0));
    parts.push(s);
  }
  permute(L, dst, parts[0], parts[1], [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
  return true;
}

function toIntSatRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  const s = argVec(L, inst);
  if (t === null || s === null || !isFloatLane(s)) return false;
  const signed = L.f.instOpcode[inst] === FCVT_TO_SINT_SAT;
  const a = L.reg(L.f.arg(inst, 0));
  const dst = L.out();
  // NaN lanes become 0: and with the "equal to itself" mask.
  const ordered = L.tmpV();
  if (laneType(s) === F64) {
    const r = L.tmpV();
    L.emit(vrra(signed ? 'vcgd' : 'vclgd', r, a, 3, 0, 5));
    L.emit(vrrc('vfce', ordered, a, a, 3, 0, 0));
    L.emit(vrrc('vn', dst, r, ordered));
    return true;
  }
  const parts: number[] = [];
  for (const hi of [true, false]) {
    // f32 lanes 0,1 (2,3) to f64: vfll reads the words at elements 0 and 2.
    const spread = L.tmpV();
    L.emit(vrrc(hi ? 'vmrh' : 'vmrl', spread, a, a, 2));
    const d = L.tmpV();
    L.emit(vrra('vfll', d, spread, 2, 0));
    const r = L.tmpV();
    L.emit(vrra(signed ? 'vcgd' : 'vclgd', r, d, 3, 0, 5));
    const ok = L.tmpV();
    L.emit(vrrc('vfce', ok, d, d, 3, 0, 0));
    const z = L.tmpV();
    L.emit(vrrc('vn', z, r, ok));
    parts.push(z);
  }
  L.emit(vrrc(signed ? 'vpks' : 'vpkls', dst, parts[0], parts[1], 3, 0));
  return true;
}

function fvdemoteRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const r = L.tmpV();
  L.emit(vrra('vflr', r, L.reg(L.f.arg(inst, 0)), 3, 0, 0));
  // The f32 results sit in words 0 and 2; lanes 2 and 3 are zero.
  const z = vsplatByte(L, 0);
  const e0 = elem(L, t, 0) * 4;
  const e1 = elem(L, t, 1) * 4;
  const pattern = new Array<number>(16).fill(16);
  for (let j = 0; j < 4; j++) {
    pattern[e0 + j] = j;
    pattern[e1 + j] = 8 + j;
  }
  permute(L, L.out(), r, z, pattern);
  return true;
}

function fvpromoteRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const a = L.reg(L.f.arg(inst, 0));
  const st = L.typeOf(L.f.arg(inst, 0));
  // Lanes 0 and 1 into words 0 and 2, then lengthen; the f64 lanes follow the lane order.
  const spread = L.tmpV();
  const pattern = new Array<number>(16).fill(0);
  const src0 = elem(L, st, 0) * 4;
  const src1 = elem(L, st, 1) * 4;
  const d0 = elem(L, t, 0) * 8;
  const d1 = elem(L, t, 1) * 8;
  for (let j = 0; j < 4; j++) {
    pattern[d0 + j] = src0 + j;
    pattern[d1 + j] = src1 + j;
  }
  permute(L, spread, a, a, pattern);
  L.emit(vrra('vfll', L.out(), spread, 2, 0));
  return true;
}

// ------------------------------------------------------------------ permutations

function shuffleRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const mask = f.immediates[f.instImm0[inst]];
  if (mask === undefined || mask.length !== 16) return false;
  const pattern = new Array<number>(16);
  for (let lane = 0; lane < 16; lane++) {
    const m = mask[lane] & 31;
    const src = m < 16 ? elem(L, t, m) : 16 + elem(L, t, m - 16);
    pattern[elem(L, t, lane)] = src;
  }
  permute(L, L.out(), L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), pattern);
  return true;
}

function swizzleRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const idx = L.reg(f.arg(inst, 1));
  // Indexes >= 16 select zero: clamp to 16, which picks the zero vector's first byte.
  const c = L.tmpV();
  L.emit(vrrc('vmnl', c, idx, vsplatByte(L, 16), 0));
  let p = c;
  if (L.leLanes) {
    p = L.tmpV();
    L.emit(vrrc('vs', p, vsplatByte(L, 15), c, 0));
  }
  L.emit(vrre('vperm', L.out(), L.reg(f.arg(inst, 0)), vsplatByte(L, 0), p));
  return true;
}

function widenRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  const s = argVec(L, inst);
  if (t === null || s === null) return false;
  const op = L.f.instOpcode[inst];
  const signed = op === SWIDEN_LOW || op === SWIDEN_HIGH;
  const low = op === SWIDEN_LOW || op === UWIDEN_LOW;
  // CLIF's low lanes are the register's left half in big-endian lane order, its right half otherwise.
  const left = low !== L.leLanes;
  L.emit(vrra(signed ? (left ? 'vuph' : 'vupl') : left ? 'vuplh' : 'vupll', L.out(), L.reg(L.f.arg(inst, 0)), esize(s)));
  return true;
}

function narrowRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  const s = argVec(L, inst);
  if (t === null || s === null) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const m = esize(s);
  let a = L.reg(f.arg(inst, 0));
  let b = L.reg(f.arg(inst, 1));
  if (op === UNARROW) {
    // Signed inputs saturated to the unsigned range: negative lanes first become 0.
    const z = vsplatByte(L, 0);
    const a0 = L.tmpV();
    L.emit(vrrc('vmx', a0, a, z, m));
    const b0 = L.tmpV();
    L.emit(vrrc('vmx', b0, b, z, m));
    a = a0;
    b = b0;
  }
  if (L.leLanes) [a, b] = [b, a];
  L.emit(vrrc(op === SNARROW ? 'vpks' : 'vpkls', L.out(), a, b, m, 0));
  return true;
}

function pairwiseRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const f = L.f;
  const n = laneCount(t);
  const w = laneBits(t) / 8;
  // evens/odds: lanes 2k and 2k+1 of a then b, as vectors of t, summed.
  const gather = (odd: number): number[] => {
    const pattern = new Array<number>(16);
    for (let lane = 0; lane < n; lane++) {
      const srcLane = 2 * (lane % (n / 2)) + odd;
      const fromB = lane >= n / 2;
      const src = (fromB ? 16 : 0) + elem(L, t, srcLane) * w;
      const dst = elem(L, t, lane) * w;
      for (let j = 0; j < w; j++) pattern[dst + j] = src + j;
    }
    return pattern;
  };
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const ev = L.tmpV();
  permute(L, ev, a, b, gather(0));
  const od = L.tmpV();
  permute(L, od, a, b, gather(1));
  L.emit(vrrc('va', L.out(), ev, od, esize(t)));
  return true;
}

// ------------------------------------------------------------------ bitcasts, loads, stores

/** The permutation that reverses the bytes of each `w`-byte group. */
function reverseGroups(w: number): number[] {
  const p: number[] = [];
  for (let k = 0; k < 16; k += w) for (let j = 0; j < w; j++) p.push(k + w - 1 - j);
  return p;
}
const IDENTITY = Array.from({ length: 16 }, (_, k) => k);

/**
 * The memory image of a register holding a 16-byte value of type `t` stored with byte order
 * `little`, as indexes into the register (memory byte k = register byte m[k]); the same map
 * takes a memory image back to the register (every case is an involution).
 *   vectors, big-endian lane order:    big: the register; little: each lane reversed
 *   vectors, little-endian lane order: little: all 16 bytes reversed; big: the lanes reversed
 *   i128, f128 (big-endian values):    big: the register; little: all 16 bytes reversed
 */
function memoryMap(L: S390xLower, t: Type, little: boolean): number[] {
  const w = isVector(t) ? laneBits(t) / 8 : 16;
  if (!isVector(t) || !L.leLanes) return little ? reverseGroups(w) : IDENTITY;
  if (little) return reverseGroups(16);
  const rg = reverseGroups(w);
  return reverseGroups(16).map((k) => rg[k]);
}
const isIdentity = (p: readonly number[]): boolean => p.every((x, k) => x === k);

function bitcastRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const src = L.f.arg(inst, 0);
  const from = L.typeOf(src);
  const vecLike = (x: Type): boolean => isVec128(x) || x === I128 || x === F128;
  if (!vecLike(t) || !vecLike(from)) return false;
  // Through memory in the bitcast's byte order (native: big): store as `from`, load as `t`.
  const little = memEndianness(L.f.instImm0[inst]) === ENDIAN_LITTLE;
  const a = memoryMap(L, from, little);
  const b = memoryMap(L, t, little);
  const p = b.map((k) => a[k]);
  const s = L.reg(src);
  if (isIdentity(p)) L.moveV(L.out(), s);
  else permute(L, L.out(), s, s, p);
  return true;
}

/** A whole-vector load or store in the lane order and byte order asked for. */
function vecMem(L: S390xLower, inst: Inst, t: Type, store: boolean): boolean {
  const m = memRef(L, inst);
  const w = laneBits(t) / 8;
  const perm = memoryMap(L, t, m.little);
  const v = store ? L.reg(L.f.arg(inst, 0)) : L.out();
  const plain = isIdentity(perm);
  if (!plain && L.features.vxe2) {
    // Byte-reversing (vlbr/vstbr) or element-reversing (vler/vster) forms.
    const lanesOnly = L.leLanes && !m.little;
    const i = m.at(rx(lanesOnly ? (store ? 'vster' : 'vler') : store ? 'vstbr' : 'vlbr', v, NO_REG, NO_REG, 0));
    i.m3 = L.leLanes && m.little ? 4 : Math.log2(w);
    i.trap = m.trap;
    L.emit(i);
    return true;
  }
  if (store) {
    let x = v;
    if (!plain) {
      x = L.tmpV();
      permute(L, x, v, v, perm);
    }
    const i = m.at(rx('vst', x, NO_REG, NO_REG, 0));
    i.trap = m.trap;
    L.emit(i);
    return true;
  }
  const raw = plain ? v : L.tmpV();
  const i = m.at(rx('vl', raw, NO_REG, NO_REG, 0));
  i.trap = m.trap;
  L.emit(i);
  if (!plain) permute(L, v, raw, raw, perm);
  return true;
}

function loadRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  return vecMem(L, inst, t, false);
}
function storeRule(L: S390xLower, inst: Inst): boolean {
  const t = argVec(L, inst);
  if (t === null) return false;
  return vecMem(L, inst, t, true);
}

const SIGNED_EXT_LOAD = new Set<number>([SLOAD8X8, SLOAD16X4, SLOAD32X2]);

/**
 * `uload8x8` and friends: 8 bytes of n narrow lanes, widened. The bytes go into the left
 * doubleword, are arranged so that the unpack (`vuph` of the left half in big-endian lane
 * order, `vupl` of the right half in little-endian lane order) sees lane i as its narrow
 * element, and are unpacked.
 */
function extLoadRule(L: S390xLower, inst: Inst): boolean {
  const t = isVec(L, inst);
  if (t === null) return false;
  const signed = SIGNED_EXT_LOAD.has(L.f.instOpcode[inst]);
  const m = memRef(L, inst);
  const n = laneCount(t);
  const w = laneBits(t) / 16;
  const raw = L.tmpV();
  const ld = m.at(rx('vleg.d', raw, NO_REG, NO_REG, 0));
  ld.trap = m.trap;
  L.emit(ld);
  const pattern = new Array<number>(16).fill(0);
  let identity = !L.leLanes;
  for (let lane = 0; lane < n; lane++) {
    const e = L.leLanes ? 2 * n - 1 - lane : lane;
    for (let j = 0; j < w; j++) {
      const from = m.little ? lane * w + w - 1 - j : lane * w + j;
      pattern[e * w + j] = from;
      if (from !== e * w + j) identity = false;
    }
  }
  let x = raw;
  if (!identity) {
    x = L.tmpV();
    permute(L, x, raw, raw, pattern);
  }
  const name = signed ? (L.leLanes ? 'vupl' : 'vuph') : L.leLanes ? 'vupll' : 'vuplh';
  L.emit(vrra(name, L.out(), x, Math.log2(w)));
  return true;
}

export function lowerVectorRules(r: RuleTable<S390xLower>): void {
  r.add(VCONST, 'vconst', vconstRule)
    .add(SPLAT, 'splat', splatRule)
    .add(INSERTLANE, 'insertlane', insertlaneRule)
    .add(EXTRACTLANE, 'extractlane', extractlaneRule)
    .add(SCALAR_TO_VECTOR, 'scalar_to_vector', scalarToVectorRule)
    .add([IADD, ISUB, SMIN, SMAX, UMIN, UMAX, AVG_ROUND, UMULHI, SMULHI, IMUL], 'vec_lanewise', lanewiseRule, 2)
    .add([INEG, IABS, POPCNT, CLZ, CTZ], 'vec_unary', unaryRule, 2)
    .add([UADD_SAT, USUB_SAT, SADD_SAT, SSUB_SAT], 'vec_sat', satRule)
    .add([ISHL, USHR, SSHR, ISHL_IMM, USHR_IMM, SSHR_IMM, ROTL, ROTR, ROTL_IMM, ROTR_IMM], 'vec_shift', shiftRule, 2)
    .add([ICMP, ICMP_IMM], 'vec_icmp', icmpRule, 2)
    .add(FCMP, 'vec_fcmp', fcmpRule, 2)
    .add(BMASK, 'vec_bmask', bmaskRule, 2)
    .add([VANY_TRUE, VALL_TRUE], 'vany_all_true', anyAllRule)
    .add(VHIGH_BITS, 'vhigh_bits', highBitsRule)
    .add([FADD, FSUB, FMUL, FDIV, FMIN, FMAX, SQRT, FNEG, FABS, FCOPYSIGN, FMA, CEIL, FLOOR, TRUNC, NEAREST], 'vec_float', farithRule, 2)
    .add([FCVT_FROM_SINT, FCVT_FROM_UINT], 'vec_fcvt_from_int', fromIntRule, 2)
    .add([FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], 'vec_fcvt_to_int_sat', toIntSatRule, 2)
    .add(FVDEMOTE, 'fvdemote', fvdemoteRule)
    .add(FVPROMOTE_LOW, 'fvpromote_low', fvpromoteRule)
    .add(SHUFFLE, 'shuffle', shuffleRule)
    .add(SWIZZLE, 'swizzle', swizzleRule)
    .add([SWIDEN_LOW, SWIDEN_HIGH, UWIDEN_LOW, UWIDEN_HIGH], 'widen', widenRule)
    .add([SNARROW, UNARROW, UUNARROW], 'narrow', narrowRule)
    .add(IADD_PAIRWISE, 'iadd_pairwise', pairwiseRule)
    .add(SQMUL_ROUND_SAT, 'sqmul_round_sat', sqmulRule)
    .add(BLENDV, 'blendv', blendvRule)
    .add(BITCAST, 'vec_bitcast', bitcastRule, 2)
    .add([LOAD, STACK_LOAD], 'vec_load', loadRule, 2)
    .add([STORE, STACK_STORE], 'vec_store', storeRule, 2)
    .add([ULOAD8X8, SLOAD8X8, ULOAD16X4, SLOAD16X4, ULOAD32X2, SLOAD32X2], 'vec_extending_load', extLoadRule, 2);
}
