// Vectors (Advanced SIMD). 128-bit types (i8x16 ... f64x2) use the Q arrangements, 64-bit types
// (i8x8, i16x4, i32x2, f32x2) the D ones; 16- and 32-bit vectors (i8x2 ... i16x2) sit in the low
// bytes of a v register and compute with the 64-bit arrangement (the lanes above theirs are
// don't-care, so lane-wise operations need nothing more). A guard rule takes every instruction
// that produces or reads a vector: scalar rules never see one, and an operation without a rule
// here is a typed UnsupportedError.

import {
  type Inst, type Type, AVG_ROUND, BAND, BAND_NOT, BITSELECT, BNOT, BOR, BOR_NOT, BXOR, BXOR_NOT, CEIL, EXTRACTLANE, F32, F64, FABS, FADD, FCMP,
  FCOPYSIGN, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT, FDIV, FLOOR, FMA, FMAX, FMIN, FMUL, FNEG, FSUB,
  FVDEMOTE, FVPROMOTE_LOW, FloatCC, I16, I32, I64, I8, IABS, IADD, IADD_PAIRWISE, ICMP, IMUL, INEG, INSERTLANE, ISHL, ISHL_IMM,
  ISUB, IntCC, LOAD, NEAREST, POPCNT, ROTL, ROTL_IMM, ROTR, ROTR_IMM, SADD_SAT, SCALAR_TO_VECTOR, SHUFFLE, SMAX, SMIN,
  SMULHI, SNARROW, SPLAT, SQMUL_ROUND_SAT, SQRT, SSHR, SSHR_IMM, SSUB_SAT, SWIDEN_HIGH, SWIDEN_LOW, SWIZZLE, TRUNC, UADD_SAT,
  UMAX, UMIN, UMULHI, UNARROW, USHR, USHR_IMM, USUB_SAT, UUNARROW, UWIDEN_HIGH, UWIDEN_LOW, VALL_TRUE, VANY_TRUE, VCONST, VHIGH_BITS,
  SLOAD8X8, ULOAD8X8, SLOAD16X4, ULOAD16X4, SLOAD32X2, ULOAD32X2, EXTRACT_VECTOR, bytes, isVector, laneCount, laneType,
} from '@windlass/ir';

import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, Arr, Cond, CSelOp, Dp3Op, Fp1Op, FpSize, LdStOp, V, VREG_BASE, aluRRImm12, aluRRImmLogic, aluRRR, arrOf, csel, dp3,
  encodeLogicalImm, fmovFromGpr, fmovToGpr, fpRR, ldrLiteral, ldst, vec, vreg, xzr,
} from '../inst';
import { setAddress, trapOf } from './mem';
import { type A64Lower } from './state';
import { argType, resultType } from './rules';
import { extendTo32 } from './cond';

const raw = (r: number): number => r - VREG_BASE;

/** The arrangement of vector type `t` (the 64-bit one for vectors of 8 bytes or fewer). */
export function arrOfType(t: Type): number {
  const lb = bytes(laneType(t));
  return arrOf(lb, bytes(t) > 8 ? 1 : 0);
}
/** The same lane size in the other register width. */
function q(t: Type): number {
  return bytes(t) > 8 ? 1 : 0;
}
function laneSize(t: Type): number {
  const b = bytes(laneType(t));
  return b === 1 ? 0 : b === 2 ? 1 : b === 4 ? 2 : 3;
}
function isFloatLane(t: Type): boolean {
  const l = laneType(t);
  return l === F32 || l === F64;
}

function touchesVector(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  if (f.instResLen[inst] > 0 && isVector(f.valueType[f.result(inst, 0)] as Type)) return true;
  const n = f.argCount(inst);
  for (let k = 0; k < n; k++) if (isVector(f.valueType[f.resolveAliases(f.arg(inst, k))] as Type)) return true;
  return false;
}

// ------------------------------------------------------------------ constants, splats, lanes

/** A v register holding the 16 (or 8) bytes `b`: movi for zeros/ones, else the constant pool. */
export function vconstInto(L: A64Lower, b: Uint8Array, dst: number): void {
  const n = b.length;
  if (b.every((x) => x === 0)) {
    L.emit(vec(V.movi, Arr.D2, dst, -1, -1, 0, 0x1e));
    return;
  }
  if (b.every((x) => x === 0xff)) {
    L.emit(vec(V.movi, Arr.D2, dst, -1, -1, 0xff, 0x1e));
    return;
  }
  if (b.every((x) => x === b[0])) {
    L.emit(vec(V.movi, n > 8 ? Arr.B16 : Arr.B8, dst, -1, -1, b[0], 0x0e));
    return;
  }
  L.emit(ldrLiteral(n > 8 ? LdStOp.LdFpQ : n > 4 ? LdStOp.LdFpD : LdStOp.LdFpS, dst, L.constLabel(b.slice())));
}

function vconstRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const c = f.constants[f.instImm0[inst]];
  if (c === undefined) return false;
  const b = new Uint8Array(Math.max(4, bytes(t)));
  b.set(c.subarray(0, bytes(t)));
  vconstInto(L, b, L.out());
  return true;
}

/** Splat of a scalar register `s` (gpr for integers, v register for floats) to `dst`. */
function splatInto(L: A64Lower, t: Type, s: number, dst: number): void {
  const a = arrOfType(t);
  if (isFloatLane(t)) L.emit(vec(V.dup, a, dst, s, -1, 0));
  else L.emit(vec(V.dupg, a, dst, s));
}

function splatRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const x = f.arg(inst, 0);
  const c = L.constOf(x);
  if (c !== null && !isFloatLane(t)) {
    // A constant splat: movi when its bytes repeat, else a dup of the constant.
    const lb = bytes(laneType(t));
    const bytesOut = new Uint8Array(Math.max(4, bytes(t)));
    for (let k = 0; k < bytes(t); k++) {
      const bit = (k % lb) * 8;
      bytesOut[k] = bit < 32 ? (c[0] >>> bit) & 0xff : (c[1] >>> (bit - 32)) & 0xff;
    }
    if (bytesOut.subarray(0, bytes(t)).every((b) => b === bytesOut[0]) || bytesOut.every((b) => b === 0)) {
      vconstInto(L, bytesOut, L.out());
      return true;
    }
  }
  // splat(load p) -> ld1r.
  const d = L.ctx.sinkableLoad(x, inst, (op) => op === LOAD);
  if (d !== -1 && f.instImm1[d] === 0) {
    L.ctx.sink(d as Inst);
    const i = vec(V.ld1r, arrOfType(t), L.out(), L.gpr(f.arg(d as Inst, 0)));
    i.trap = trapOf(f.instImm0[d]);
    L.emit(i);
    return true;
  }
  splatInto(L, t, isFloatLane(t) ? L.vr(x) : L.gpr(x), L.out());
  return true;
}

function insertLane(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const lane = f.instImm0[inst];
  const size = laneSize(t);
  const full = arrOf(1 << size, 1);
  const v = L.vr(f.arg(inst, 0));
  const x = f.arg(inst, 1);
  if (isFloatLane(t)) L.emitMod(vec(V.inse, full, L.out(), L.vr(x), -1, lane, 0), v);
  else L.emitMod(vec(V.insg, full, L.out(), L.gpr(x), -1, lane), v);
  return true;
}

function extractLane(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  const lane = f.instImm0[inst];
  const size = laneSize(t);
  const full = arrOf(1 << size, 1);
  const v = L.vr(f.arg(inst, 0));
  if (isFloatLane(t)) {
    if (lane === 0) L.vmove(L.out(), v);
    else L.emit(vec(V.dups, full, L.out(), v, -1, lane));
  } else L.emit(vec(V.umov, full, L.out(), v, -1, lane, size === 3 ? 1 : 0));
  return true;
}

function scalarToVector(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const x = f.arg(inst, 0);
  const lb = bytes(laneType(t));
  if (isFloatLane(t)) {
    // A scalar fmov between v registers zeroes the rest of the destination.
    L.emit(fpRR(Fp1Op.Fmov, lb === 8 ? FpSize.D : FpSize.S, L.out(), L.vr(x)));
    return true;
  }
  let g = L.gpr(x);
  if (lb < 4) g = extendTo32(L, g, lb === 1 ? I8 : I16, false);
  L.emit(fmovFromGpr(lb === 8 ? FpSize.D : FpSize.S, L.out(), g));
  return true;
}

// ------------------------------------------------------------------ lane-wise arithmetic

const INT_BINARY = new Map<number, number>([
  [IADD, V.add], [ISUB, V.sub], [UADD_SAT, V.uqadd], [SADD_SAT, V.sqadd], [USUB_SAT, V.uqsub], [SSUB_SAT, V.sqsub],
  [AVG_ROUND, V.urhadd], [IADD_PAIRWISE, V.addp], [SQMUL_ROUND_SAT, V.sqrdmulh],
]);
const MINMAX = new Map<number, number>([[SMIN, V.smin], [SMAX, V.smax], [UMIN, V.umin], [UMAX, V.umax]]);
const FLOAT_BINARY = new Map<number, number>([
  [FADD, V.fadd], [FSUB, V.fsub], [FMUL, V.fmul], [FDIV, V.fdiv], [FMIN, V.fmin], [FMAX, V.fmax],
]);
const FLOAT_UNARY = new Map<number, number>([
  [SQRT, V.fsqrt], [FNEG, V.fneg], [FABS, V.fabs], [CEIL, V.frintp], [FLOOR, V.frintm], [TRUNC, V.frintz], [NEAREST, V.frintn],
]);
const LOGIC = new Map<number, number>([[BAND, V.and], [BOR, V.orr], [BXOR, V.eor], [BAND_NOT, V.bic], [BOR_NOT, V.orn]]);

function binary(L: A64Lower, row: number, t: Type, inst: Inst): void {
  L.emit(vec(row, arrOfType(t), L.out(), L.vr(L.f.arg(inst, 0)), L.vr(L.f.arg(inst, 1))));
}

/** Per-lane 64-bit operations without a vector form (i64x2 mul, mulhi): through general registers. */
function perLane64(L: A64Lower, inst: Inst, op: (d: number, a: number, b: number) => void): void {
  const a = L.vr(L.f.arg(inst, 0));
  const b = L.vr(L.f.arg(inst, 1));
  const r: number[] = [];
  for (let k = 0; k < 2; k++) {
    const x = L.tmp();
    const y = L.tmp();
    const d = L.tmp();
    L.emit(vec(V.umov, Arr.D2, x, a, -1, k, 1));
    L.emit(vec(V.umov, Arr.D2, y, b, -1, k, 1));
    op(d, x, y);
    r.push(d);
  }
  const lo = L.vtmp();
  L.emit(fmovFromGpr(FpSize.D, lo, r[0]));
  L.emitMod(vec(V.insg, Arr.D2, L.out(), r[1], -1, 1), lo);
}

function intArith(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const a = arrOfType(t);
  const size = laneSize(t);
  if (op === IMUL) {
    if (size === 3) {
      perLane64(L, inst, (d, x, y) => L.emit(dp3(Dp3Op.Madd, 1, d, x, y, xzr)));
      return true;
    }
    binary(L, V.mul, t, inst);
    return true;
  }
  if (op === UMULHI || op === SMULHI) {
    const signed = op === SMULHI;
    if (size === 3) {
      perLane64(L, inst, (d, x, y) => L.emit(dp3(signed ? Dp3Op.Smulh : Dp3Op.Umulh, 1, d, x, y, xzr)));
      return true;
    }
    const x = L.vr(f.arg(inst, 0));
    const y = L.vr(f.arg(inst, 1));
    const row = signed ? V.smull : V.umull;
    const lo = L.vtmp();
    L.emit(vec(row, arrOf(1 << size, 0), lo, x, y));
    if (q(t)) {
      const hi = L.vtmp();
      L.emit(vec(row, arrOf(1 << size, 1), hi, x, y));
      L.emit(vec(V.uzp2, a, L.out(), lo, hi));
    } else {
      // The high halves of the double-width products: take the odd lanes of the 128-bit product.
      L.emit(vec(V.uzp2, arrOf(1 << size, 1), L.out(), lo, lo));
    }
    return true;
  }
  if (MINMAX.has(op)) {
    if (size === 3) {
      // No 64-bit min/max: compare and select.
      const x = L.vr(f.arg(inst, 0));
      const y = L.vr(f.arg(inst, 1));
      const m = L.vtmp();
      const signed = op === SMIN || op === SMAX;
      const min = op === SMIN || op === UMIN;
      // m = x > y; min picks y where m, max picks x where m.
      L.emit(vec(signed ? V.cmgt : V.cmhi, Arr.D2, m, x, y));
      L.emitMod(vec(V.bsl, Arr.B16, L.out(), min ? y : x, min ? x : y), m);
      return true;
    }
    binary(L, MINMAX.get(op)!, t, inst);
    return true;
  }
  if (op === INEG) {
    L.emit(vec(V.neg, a, L.out(), L.vr(f.arg(inst, 0))));
    return true;
  }
  if (op === IABS) {
    L.emit(vec(V.abs, a, L.out(), L.vr(f.arg(inst, 0))));
    return true;
  }
  if (op === POPCNT) {
    const x = L.vr(f.arg(inst, 0));
    const bq = q(t);
    let r = L.vtmp();
    L.emit(vec(V.cnt, bq ? Arr.B16 : Arr.B8, size === 0 ? L.out() : r, x));
    for (let s = 0; s < size; s++) {
      const n = s + 1 === size ? L.out() : L.vtmp();
      L.emit(vec(V.uaddlp, arrOf(1 << s, bq), n, r));
      r = n;
    }
    return true;
  }
  if (op === AVG_ROUND && size === 3) {
    // No 64-bit urhadd: (a | b) - ((a ^ b) >> 1).
    const x = L.vr(f.arg(inst, 0));
    const y = L.vr(f.arg(inst, 1));
    const o = L.vtmp();
    const e = L.vtmp();
    const h = L.vtmp();
    L.emit(vec(V.orr, Arr.B16, o, x, y));
    L.emit(vec(V.eor, Arr.B16, e, x, y));
    L.emit(vec(V.ushr, Arr.D2, h, e, -1, 1));
    L.emit(vec(V.sub, Arr.D2, L.out(), o, h));
    return true;
  }
  const row = INT_BINARY.get(op);
  if (row === undefined) return false;
  binary(L, row, t, inst);
  return true;
}

/** extract_vector of a dynamic vector: without SVE the scale is 1, so only part 0 exists. */
function extractVector(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  if (f.instImm0[inst] !== 0) L.unsupported(`extract_vector part ${f.instImm0[inst]} (dynamic vectors have one part without SVE)`);
  L.vmove(L.out(), L.vr(f.arg(inst, 0)));
  return true;
}

function logic(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const bq = q(t) ? Arr.B16 : Arr.B8;
  if (op === BNOT) {
    L.emit(vec(V.not, bq, L.out(), L.vr(f.arg(inst, 0))));
    return true;
  }
  if (op === BXOR_NOT) {
    const x = L.vtmp();
    L.emit(vec(V.eor, bq, x, L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))));
    L.emit(vec(V.not, bq, L.out(), x));
    return true;
  }
  if (op === BITSELECT) {
    L.emitMod(vec(V.bsl, bq, L.out(), L.vr(f.arg(inst, 1)), L.vr(f.arg(inst, 2))), L.vr(f.arg(inst, 0)));
    return true;
  }
  L.emit(vec(LOGIC.get(op)!, bq, L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))));
  return true;
}

function floatArith(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (!isFloatLane(t)) return false;
  const op = f.instOpcode[inst];
  const a = arrOfType(t);
  const b = FLOAT_BINARY.get(op);
  if (b !== undefined) {
    binary(L, b, t, inst);
    return true;
  }
  const u = FLOAT_UNARY.get(op);
  if (u !== undefined) {
    L.emit(vec(u, a, L.out(), L.vr(f.arg(inst, 0))));
    return true;
  }
  if (op === FMA) {
    L.emitMod(vec(V.fmla, a, L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1))), L.vr(f.arg(inst, 2)));
    return true;
  }
  if (op === FCOPYSIGN) {
    const bits = bytes(laneType(t)) * 8;
    const s = L.vtmp();
    L.emit(vec(V.ushr, a, s, L.vr(f.arg(inst, 1)), -1, bits - 1));
    L.emitMod(vec(V.sli, a, L.out(), s, -1, bits - 1), L.vr(f.arg(inst, 0)));
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ shifts

function shiftRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const a = arrOfType(t);
  const bits = bytes(laneType(t)) * 8;
  const x = L.vr(f.arg(inst, 0));
  let k: number | null = null;
  if (f.argCount(inst) === 1) k = f.instImm1[inst];
  else {
    const c = L.constOf(f.arg(inst, 1));
    if (c !== null) k = c[0];
  }
  const left = op === ISHL || op === ISHL_IMM;
  const signed = op === SSHR || op === SSHR_IMM;
  const rot = op === ROTL || op === ROTR || op === ROTL_IMM || op === ROTR_IMM;
  if (rot) {
    const rl = op === ROTL || op === ROTL_IMM;
    if (k !== null) {
      const kk = k & (bits - 1);
      if (kk === 0) {
        L.vmove(L.out(), x);
        return true;
      }
      const l = rl ? kk : bits - kk;
      // rotl by l: (x << l) | (x >> (bits - l)): ushr, then sli inserts the left-shifted bits.
      const r = L.vtmp();
      L.emit(vec(V.ushr, a, r, x, -1, bits - l));
      L.emitMod(vec(V.sli, a, L.out(), x, -1, l), r);
      return true;
    }
    const amt = L.gpr(f.arg(inst, 1));
    const m = L.tmp();
    L.emit(aluRRImmLogic(AluOp.And, 0, m, amt, encodeLogicalImm(bits - 1, 0, 32)));
    const n = L.tmp();
    L.emit(aluRRImm12(AluOp.Sub, 0, n, m, bits));
    const va = L.vtmp();
    const vb = L.vtmp();
    L.emit(vec(V.dupg, a, va, rl ? m : n));
    L.emit(vec(V.dupg, a, vb, rl ? n : m));
    const s1 = L.vtmp();
    const s2 = L.vtmp();
    L.emit(vec(V.ushl, a, s1, x, va));
    L.emit(vec(V.ushl, a, s2, x, vb));
    L.emit(vec(V.orr, q(t) ? Arr.B16 : Arr.B8, L.out(), s1, s2));
    return true;
  }
  if (k !== null) {
    const kk = k & (bits - 1);
    if (kk === 0) L.vmove(L.out(), x);
    else if (left) L.emit(vec(V.shl, a, L.out(), x, -1, kk));
    else L.emit(vec(signed ? V.sshr : V.ushr, a, L.out(), x, -1, kk));
    return true;
  }
  // By a register: sshl/ushl by the splatted amount (masked; negated for right shifts: the
  // instructions shift by the signed low byte of each lane).
  const amt = L.gpr(f.arg(inst, 1));
  const m = L.tmp();
  L.emit(aluRRImmLogic(AluOp.And, 0, m, amt, encodeLogicalImm(bits - 1, 0, 32)));
  let s = m;
  if (!left) {
    s = L.tmp();
    L.emit(aluRRR(AluOp.Sub, 0, s, xzr, m));
  }
  const sv = L.vtmp();
  L.emit(vec(V.dupg, a, sv, s));
  L.emit(vec(signed ? V.sshl : V.ushl, a, L.out(), x, sv));
  return true;
}

// ------------------------------------------------------------------ compares and reductions

/** dst <- lane mask of icmp `cc` on vectors x, y of type t. */
function icmpInto(L: A64Lower, cc: IntCC, t: Type, x: number, y: number, dst: number): void {
  const a = arrOfType(t);
  const bq = q(t) ? Arr.B16 : Arr.B8;
  switch (cc) {
    case IntCC.Eq: L.emit(vec(V.cmeq, a, dst, x, y)); return;
    case IntCC.Ne: {
      const e = L.vtmp();
      L.emit(vec(V.cmeq, a, e, x, y));
      L.emit(vec(V.not, bq, dst, e));
      return;
    }
    case IntCC.Sgt: L.emit(vec(V.cmgt, a, dst, x, y)); return;
    case IntCC.Sge: L.emit(vec(V.cmge, a, dst, x, y)); return;
    case IntCC.Slt: L.emit(vec(V.cmgt, a, dst, y, x)); return;
    case IntCC.Sle: L.emit(vec(V.cmge, a, dst, y, x)); return;
    case IntCC.Ugt: L.emit(vec(V.cmhi, a, dst, x, y)); return;
    case IntCC.Uge: L.emit(vec(V.cmhs, a, dst, x, y)); return;
    case IntCC.Ult: L.emit(vec(V.cmhi, a, dst, y, x)); return;
    default: L.emit(vec(V.cmhs, a, dst, y, x));
  }
}

/** dst <- lane mask of fcmp `cc`. */
function fcmpInto(L: A64Lower, cc: FloatCC, t: Type, x: number, y: number, dst: number): void {
  const a = arrOfType(t);
  const bq = q(t) ? Arr.B16 : Arr.B8;
  const not = (src: number): void => L.emit(vec(V.not, bq, dst, src));
  const or2 = (r1: number, a1: number, b1: number, r2: number, a2: number, b2: number, into: number): void => {
    const t1 = L.vtmp();
    const t2 = L.vtmp();
    L.emit(vec(r1, a, t1, a1, b1));
    L.emit(vec(r2, a, t2, a2, b2));
    L.emit(vec(V.orr, bq, into, t1, t2));
  };
  switch (cc) {
    case FloatCC.Eq: L.emit(vec(V.fcmeq, a, dst, x, y)); return;
    case FloatCC.Gt: L.emit(vec(V.fcmgt, a, dst, x, y)); return;
    case FloatCC.Ge: L.emit(vec(V.fcmge, a, dst, x, y)); return;
    case FloatCC.Lt: L.emit(vec(V.fcmgt, a, dst, y, x)); return;
    case FloatCC.Le: L.emit(vec(V.fcmge, a, dst, y, x)); return;
    case FloatCC.Ne: {
      const e = L.vtmp();
      L.emit(vec(V.fcmeq, a, e, x, y));
      not(e);
      return;
    }
    case FloatCC.Ord: case FloatCC.Uno: {
      // ordered: x >= y or y > x (both false only when one is NaN).
      const o = cc === FloatCC.Ord ? dst : L.vtmp();
      or2(V.fcmge, x, y, V.fcmgt, y, x, o);
      if (cc === FloatCC.Uno) not(o);
      return;
    }
    case FloatCC.One: case FloatCC.Ueq: {
      const o = cc === FloatCC.One ? dst : L.vtmp();
      or2(V.fcmgt, x, y, V.fcmgt, y, x, o);
      if (cc === FloatCC.Ueq) not(o);
      return;
    }
    case FloatCC.Ult: { const m = L.vtmp(); L.emit(vec(V.fcmge, a, m, x, y)); not(m); return; }
    case FloatCC.Ule: { const m = L.vtmp(); L.emit(vec(V.fcmgt, a, m, x, y)); not(m); return; }
    case FloatCC.Ugt: { const m = L.vtmp(); L.emit(vec(V.fcmge, a, m, y, x)); not(m); return; }
    default: { const m = L.vtmp(); L.emit(vec(V.fcmgt, a, m, y, x)); not(m); }
  }
}

function cmpRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  const x = L.vr(f.arg(inst, 0));
  const y = L.vr(f.arg(inst, 1));
  if (f.instOpcode[inst] === ICMP) icmpInto(L, f.instImm0[inst] as IntCC, t, x, y, L.out());
  else fcmpInto(L, f.instImm0[inst] as FloatCC, t, x, y, L.out());
  return true;
}

/** A gpr with 1 when any lane (vany) / every lane (vall) of `v` is non-zero. */
function anyAll(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  const v = L.vr(f.arg(inst, 0));
  const all = f.instOpcode[inst] === VALL_TRUE;
  const bq = q(t);
  const size = laneSize(t);
  const r = L.vtmp();
  const g = L.tmp();
  if (!all) {
    L.emit(vec(V.umaxv, bq ? Arr.B16 : Arr.B8, r, v));
    L.emit(vec(V.umov, Arr.B16, g, r, -1, 0, 0));
  } else if (size === 3 || (size === 2 && !bq)) {
    // No uminv for 64-bit lanes (nor 2S): any lane equal to zero?
    const z = L.vtmp();
    L.emit(vec(V.cmeq0, arrOfType(t), z, v));
    L.emit(vec(V.umaxv, bq ? Arr.B16 : Arr.B8, r, z));
    L.emit(vec(V.umov, Arr.B16, g, r, -1, 0, 0));
    L.emit(aluRRImm12(AluOp.Subs, 0, xzr, g, 0));
    L.emit(csel(CSelOp.Csinc, 0, L.out(), xzr, xzr, Cond.NE));
    return true;
  } else {
    L.emit(vec(V.uminv, arrOfType(t), r, v));
    L.emit(fmovToGpr(FpSize.S, g, r));
  }
  L.emit(aluRRImm12(AluOp.Subs, 0, xzr, g, 0));
  L.emit(csel(CSelOp.Csinc, 0, L.out(), xzr, xzr, Cond.EQ));
  return true;
}

function vhighBits(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  const v = L.vr(f.arg(inst, 0));
  const size = laneSize(t);
  const bq = q(t);
  const n = laneCount(t);
  const a = arrOfType(t);
  const lb = 1 << size;
  // Lane k's sign as a mask, ANDed with the weight 2^(k mod 8 for bytes) and summed across lanes.
  const neg = L.vtmp();
  L.emit(vec(V.cmlt0, a, neg, v));
  const w = new Uint8Array(bq ? 16 : 8);
  const dv = new DataView(w.buffer);
  for (let k = 0; k < Math.min(n, w.length / lb); k++) {
    const weight = size === 0 ? 1 << (k % 8) : 1 << k;
    if (lb === 1) w[k] = weight;
    else if (lb === 2) dv.setUint16(2 * k, weight, true);
    else if (lb === 4) dv.setUint32(4 * k, weight, true);
    else dv.setUint32(8 * k, weight, true);
  }
  const wv = L.vtmp();
  vconstInto(L, w, wv);
  const m = L.vtmp();
  L.emit(vec(V.and, bq ? Arr.B16 : Arr.B8, m, neg, wv));
  const s = L.vtmp();
  const g = L.tmp();
  if (size === 0 && bq) {
    // Bytes 0-7 and 8-15 interleaved into 16-bit lanes, then one 16-bit sum.
    const hi = L.vtmp();
    const z = L.vtmp();
    L.emit(vec(V.ext, Arr.B16, hi, m, m, 8));
    L.emit(vec(V.zip1, Arr.B16, z, m, hi));
    L.emit(vec(V.addv, Arr.H8, s, z));
    L.emit(vec(V.umov, Arr.H8, g, s, -1, 0, 0));
  } else if (size === 3) {
    L.emit(vec(V.addpd, Arr.D2, s, m));
    L.emit(fmovToGpr(FpSize.D, g, s));
  } else if (size === 2 && !bq) {
    L.emit(vec(V.addp, Arr.S2, s, m, m));
    L.emit(fmovToGpr(FpSize.S, g, s));
  } else {
    L.emit(vec(V.addv, a, s, m));
    L.emit(fmovToGpr(FpSize.S, g, s));
  }
  const rt = resultType(L, inst);
  if (rt === I64 || rt === I32 || rt === I16 || rt === I8) L.move(L.out(), g);
  else return false;
  return true;
}

// ------------------------------------------------------------------ widen, narrow, convert

function widen(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const st = argType(L, inst, 0);
  const op = f.instOpcode[inst];
  const signed = op === SWIDEN_LOW || op === SWIDEN_HIGH;
  const high = op === SWIDEN_HIGH || op === UWIDEN_HIGH;
  const size = laneSize(st);
  const x = L.vr(f.arg(inst, 0));
  if (!q(st)) {
    // A 64-bit source: its high half is the upper 32 bits of the d register.
    let src = x;
    if (high) {
      src = L.vtmp();
      L.emit(vec(V.ext, Arr.B16, src, x, x, 4));
    }
    L.emit(vec(signed ? V.sshll : V.ushll, arrOf(1 << size, 0), L.out(), src, -1, 0));
    return true;
  }
  L.emit(vec(signed ? V.sshll : V.ushll, arrOf(1 << size, high ? 1 : 0), L.out(), x, -1, 0));
  return true;
}

function narrow(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const st = argType(L, inst, 0);
  const op = f.instOpcode[inst];
  const row = op === SNARROW ? V.sqxtn : op === UNARROW ? V.sqxtun : V.uqxtn;
  const size = laneSize(st);
  const x = L.vr(f.arg(inst, 0));
  const y = L.vr(f.arg(inst, 1));
  if (!q(st)) {
    // Two 64-bit sources: combine them into one 128-bit register, narrow it once.
    const c = L.vtmp();
    L.emitMod(vec(V.inse, Arr.D2, c, y, -1, 1, 0), x);
    L.emit(vec(row, arrOf(1 << (size - 1), 0), L.out(), c));
    return true;
  }
  const lo = L.vtmp();
  L.emit(vec(row, arrOf(1 << (size - 1), 0), lo, x));
  L.emitMod(vec(row, arrOf(1 << (size - 1), 1), L.out(), y), lo);
  return true;
}

function convert(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  const op = f.instOpcode[inst];
  const x = L.vr(f.arg(inst, 0));
  if (op === FVDEMOTE) {
    L.emit(vec(V.fcvtn, Arr.S2, L.out(), x));
    return true;
  }
  if (op === FVPROMOTE_LOW) {
    L.emit(vec(V.fcvtl, Arr.S2, L.out(), x));
    return true;
  }
  if (bytes(laneType(t)) !== bytes(laneType(st))) {
    if ((op === FCVT_TO_SINT_SAT || op === FCVT_TO_UINT_SAT) && laneType(t) === I32 && laneType(st) === F64) {
      // f64x2 -> i32x4 (low lanes, high lanes zero): convert to 64 bits, then narrow saturating.
      const w = L.vtmp();
      L.emit(vec(op === FCVT_TO_SINT_SAT ? V.fcvtzs : V.fcvtzu, Arr.D2, w, x));
      L.emit(vec(op === FCVT_TO_SINT_SAT ? V.sqxtn : V.uqxtn, Arr.S2, L.out(), w));
      return true;
    }
    if ((op === FCVT_FROM_SINT || op === FCVT_FROM_UINT) && laneType(t) === F64 && laneType(st) === I32) {
      // Low i32 lanes widened to 64 bits, then converted.
      const w = L.vtmp();
      L.emit(vec(op === FCVT_FROM_SINT ? V.sshll : V.ushll, Arr.S2, w, x, -1, 0));
      L.emit(vec(op === FCVT_FROM_SINT ? V.scvtf : V.ucvtf, Arr.D2, L.out(), w));
      return true;
    }
    return false;
  }
  const a = arrOfType(t);
  const row = op === FCVT_FROM_SINT ? V.scvtf : op === FCVT_FROM_UINT ? V.ucvtf : op === FCVT_TO_SINT_SAT ? V.fcvtzs : V.fcvtzu;
  L.emit(vec(row, a, L.out(), x));
  return true;
}

// ------------------------------------------------------------------ shuffles

function swizzle(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  L.emit(vec(V.tbl, Arr.B16, L.out(), L.vr(f.arg(inst, 0)), L.vr(f.arg(inst, 1)), 0));
  return true;
}

function shuffle(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const mask = f.immediates[f.instImm0[inst]];
  if (mask === undefined) return false;
  const a = L.vr(f.arg(inst, 0));
  const b = L.vr(f.arg(inst, 1));
  // Special forms: all from one source (one-register tbl), else two consecutive registers.
  const idx = new Uint8Array(16);
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 16; k++) {
    idx[k] = mask[k];
    if (mask[k] < 16) lo++;
    else if (mask[k] < 32) hi++;
  }
  const mv = L.vtmp();
  if (hi === 0 || lo === 0) {
    const src = hi === 0 ? a : b;
    const m2 = idx.map((x) => (x < 32 ? x & 15 : 0xff));
    vconstInto(L, m2, mv);
    L.emit(vec(V.tbl, Arr.B16, L.out(), src, mv, 0));
    return true;
  }
  vconstInto(L, idx.map((x) => (x < 32 ? x : 0xff)), mv);
  // tbl with a two-register table: the sources in v29 and v30.
  const out = L.out();
  L.emit(vec(V.tbl, Arr.B16, out, vreg(29), mv, 1), { fixedUses: [raw(a), vreg(29), raw(b), vreg(30)] });
  return true;
}

// ------------------------------------------------------------------ memory

const LOAD_EXT = new Map<number, [number, boolean]>([
  [SLOAD8X8, [0, true]], [ULOAD8X8, [0, false]], [SLOAD16X4, [1, true]], [ULOAD16X4, [1, false]], [SLOAD32X2, [2, true]], [ULOAD32X2, [2, false]],
]);

function loadExtend(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const [size, signed] = LOAD_EXT.get(f.instOpcode[inst])!;
  const d = L.vtmp();
  const i = ldst(LdStOp.LdFpD, d, -1, 0);
  setAddress(L, i, f.arg(inst, 0), f.instImm1[inst], 8);
  i.trap = trapOf(f.instImm0[inst]);
  L.emit(i);
  L.emit(vec(signed ? V.sshll : V.ushll, arrOf(1 << size, 0), L.out(), d, -1, 0));
  return true;
}

// ------------------------------------------------------------------ the table

const INT_OPS = [IADD, ISUB, IMUL, UMULHI, SMULHI, SMIN, SMAX, UMIN, UMAX, INEG, IABS, POPCNT, UADD_SAT, SADD_SAT, USUB_SAT, SSUB_SAT,
  AVG_ROUND, IADD_PAIRWISE, SQMUL_ROUND_SAT];
const FLOAT_OPS = [FADD, FSUB, FMUL, FDIV, FMIN, FMAX, SQRT, FNEG, FABS, CEIL, FLOOR, TRUNC, NEAREST, FMA, FCOPYSIGN];

export function addSimdRules(r: RuleTable<A64Lower>): void {
  const vecRule = (name: string, ops: readonly number[], rule: (L: A64Lower, inst: Inst) => boolean): void => {
    r.add(ops as never, `simd ${name}`, (L, inst) => touchesVector(L, inst) && rule(L, inst), 10);
  };
  vecRule('vconst', [VCONST], vconstRule);
  vecRule('splat', [SPLAT], splatRule);
  vecRule('insertlane', [INSERTLANE], insertLane);
  vecRule('extractlane', [EXTRACTLANE], extractLane);
  vecRule('scalar_to_vector', [SCALAR_TO_VECTOR], scalarToVector);
  vecRule('int', INT_OPS, (L, i) => !isFloatLane(resultType(L, i)) && intArith(L, i));
  vecRule('logic', [BAND, BOR, BXOR, BAND_NOT, BOR_NOT, BXOR_NOT, BNOT, BITSELECT], logic);
  vecRule('float', FLOAT_OPS, floatArith);
  vecRule('shift', [ISHL, USHR, SSHR, ISHL_IMM, USHR_IMM, SSHR_IMM, ROTL, ROTR, ROTL_IMM, ROTR_IMM], shiftRule);
  vecRule('cmp', [ICMP, FCMP], cmpRule);
  vecRule('any/all', [VANY_TRUE, VALL_TRUE], anyAll);
  vecRule('vhigh_bits', [VHIGH_BITS], vhighBits);
  vecRule('widen', [SWIDEN_LOW, SWIDEN_HIGH, UWIDEN_LOW, UWIDEN_HIGH], widen);
  vecRule('narrow', [SNARROW, UNARROW, UUNARROW], narrow);
  vecRule('convert', [FVDEMOTE, FVPROMOTE_LOW, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT], convert);
  vecRule('swizzle', [SWIZZLE], swizzle);
  vecRule('shuffle', [SHUFFLE], shuffle);
  vecRule('extract_vector', [EXTRACT_VECTOR], extractVector);
  r.add([SLOAD8X8, ULOAD8X8, SLOAD16X4, ULOAD16X4, SLOAD32X2, ULOAD32X2], 'simd load extend', loadExtend);
}
