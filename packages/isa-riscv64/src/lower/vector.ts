// Fixed-length CLIF vectors (up to 128 bits) through the V extension: one vector register per
// value, lanes as elements of the lane's width (SEW), the lane count as the vector length. Every
// instruction carries the configuration it needs (`MInst.vt`); the emitter inserts `vsetivli`
// only where it changes. Compares produce masks, turned into all-ones/zero lanes with vmerge;
// masked instructions read their mask in v0.

import {
  type Inst, type Opcode, type Type, type Value,
  AVG_ROUND, BAND, BAND_NOT, BITCAST, BITSELECT, BNOT, BOR, BOR_NOT, BXOR, BXOR_NOT, CEIL, EXTRACTLANE, F16, F32, F64,
  FABS, FADD, FCMP, FCOPYSIGN, FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT, FDIV, FLOOR, FMA,
  FMAX, FMIN, FMUL, FNEG, FSUB, FVDEMOTE, FVPROMOTE_LOW, FloatCC, I128, I16, I64, I8, IABS, IADD, IADD_PAIRWISE,
  ICMP, IMUL, INEG, INSERTLANE, ISHL, ISUB, IntCC, NEAREST, OPCODE_COUNT, POPCNT, ROTL, ROTR, SADD_SAT, SCALAR_TO_VECTOR,
  SHUFFLE, SLOAD16X4, SLOAD32X2, SLOAD8X8, SMAX, SMIN, SMULHI, SNARROW, SPLAT, SQMUL_ROUND_SAT, SQRT, SSHR, SSUB_SAT,
  SWIDEN_HIGH, SWIDEN_LOW, SWIZZLE, TRUNC, UADD_SAT, ULOAD16X4, ULOAD32X2, ULOAD8X8, UMAX, UMIN, UMULHI, UNARROW,
  USHR, USUB_SAT, UUNARROW, UWIDEN_HIGH, UWIDEN_LOW, VALL_TRUE, VANY_TRUE, VCONST, VHIGH_BITS, bytes, isVector, laneCount, laneType, memTrapCode, opcodeName, typeName,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, Rm, mk, pseudo, rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import type { VBin } from '../inst/ops';
import { v0, zero } from '../inst/regs';
import { Lmul, type VType, vtype } from '../inst/vtype';
import { type RvLower, VREG_BASE, argType, resultType } from './state';
import { boxF16 } from './float';
import { fromGprs, toGprs } from './vector-abi';

const VEC = RegClass.Vector;

/** log2 of the lane's bytes: the SEW encoding. */
function sewOf(t: Type): number {
  return Math.log2(bytes(laneType(t)));
}
const isFloatLane = (t: Type): boolean => {
  const l = laneType(t);
  return l === F16 || l === F32 || l === F64;
};
/** The configuration for all lanes of `t` (LMUL 1). */
function vt(t: Type, undisturbed = false): VType {
  return vtype(sewOf(t), laneCount(t), Lmul.M1, undisturbed);
}

// ------------------------------------------------------------------ instruction builders

/** vd <- op(vs2, vs1) (`vs1` a vector, GPR or FPR by the op's form). */
function vop(op: number, vd: number, vs2: number, vs1: number, c: VType): MInst {
  const i = mk(op);
  i.rd = vd;
  i.rs2 = vs2;
  i.rs1 = vs1;
  i.vt = c;
  return i;
}
function vopi(op: number, vd: number, vs2: number, imm: number, c: VType): MInst {
  const i = mk(op);
  i.rd = vd;
  i.rs2 = vs2;
  i.imm = imm;
  i.vt = c;
  return i;
}
function vunary(op: number, vd: number, vs2: number, c: VType): MInst {
  const i = mk(op);
  i.rd = vd;
  i.rs2 = vs2;
  i.vt = c;
  return i;
}
/** vd <- splat or move of scalar/vector rs1 (vmv.v.x, vfmv.v.f, vmv.v.v, vmv.s.x ...). */
function vfrom(op: number, vd: number, rs1: number, c: VType): MInst {
  const i = mk(op);
  i.rd = vd;
  i.rs1 = rs1;
  i.vt = c;
  return i;
}
function vimm(vd: number, imm: number, c: VType): MInst {
  const i = mk(O.VMV_V_I);
  i.rd = vd;
  i.imm = imm;
  i.vt = c;
  return i;
}
/** rd <- element 0 of vs2 (vmv.x.s, vfmv.f.s, vcpop.m, vfirst.m). */
function vto(op: number, rd: number, vs2: number, c: VType): MInst {
  const i = mk(op);
  i.rd = rd;
  i.rs2 = vs2;
  i.vt = c;
  return i;
}

/** Emits `i` masked by mask register `m` (read in v0). */
function masked(L: RvLower, i: MInst, m: number, tie = -1): void {
  i.aux = 1;
  L.usesVectors = true;
  L.ctx.emit(i, tie >= 0 ? { fixedUses: [m - VREG_BASE, v0], tie: tie - VREG_BASE } : { fixedUses: [m - VREG_BASE, v0] });
}
/** vmerge: vd <- mask ? (vs1 or imm) : vs2. */
function merge(L: RvLower, vd: number, vs2: number, vs1: number | { imm: number }, m: number, c: VType): void {
  const i = typeof vs1 === 'number' ? vop(O.VMERGE_VVM, vd, vs2, vs1, c) : vopi(O.VMERGE_VIM, vd, vs2, vs1.imm, c);
  L.usesVectors = true;
  L.ctx.emit(i, { fixedUses: [m - VREG_BASE, v0] });
}
const vtmp = (L: RvLower): number => L.tmp(VEC);

/** A vector of all-ones lanes where mask `m` is set, zero elsewhere. */
function maskToLanes(L: RvLower, m: number, t: Type, d: number): void {
  const z = vtmp(L);
  L.emit(vimm(z, 0, vt(t)));
  merge(L, d, z, { imm: -1 }, m, vt(t));
}

// ------------------------------------------------------------------ operands

/** The scalar a `splat` defining `v` broadcasts, or -1 when `v` is not one. */
function splatScalar(L: RvLower, v: Value): Value | -1 {
  const d = L.ctx.defInst(v);
  if (d === -1 || L.f.instOpcode[d] !== SPLAT) return -1;
  return L.f.arg(d, 0);
}
/** A constant splat's lane value when it fits a 5-bit signed immediate, else null. */
function splatImm(L: RvLower, v: Value): number | null {
  const s = splatScalar(L, v);
  if (s === -1) return null;
  const c = L.constOf(s);
  if (c === null) return null;
  const t = L.f.valueType[s] as Type;
  const lo = t === I8 ? (c[0] << 24) >> 24 : t === I16 ? (c[0] << 16) >> 16 : c[0];
  if (t === I64 && c[1] !== c[0] >> 31) return null;
  return lo >= -16 && lo <= 15 ? lo : null;
}

/** A binary op from a VBin table, using the .vi/.vx/.vf forms for splatted second operands. */
function binary(ops: VBin, commutative: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    let a = f.arg(inst, 0);
    let b = f.arg(inst, 1);
    if (commutative && splatScalar(L, a) !== -1 && splatScalar(L, b) === -1) [a, b] = [b, a];
    const c = vt(t);
    const d = L.out();
    const k = splatImm(L, b);
    if (k !== null && ops.vi >= 0) {
      L.emit(vopi(ops.vi, d, L.reg(a), k, c));
      return true;
    }
    const s = splatScalar(L, b);
    const scalarForm = isFloatLane(t) ? ops.vf : ops.vx;
    if (s !== -1 && scalarForm >= 0 && laneType(t) !== F16) {
      L.emit(vop(scalarForm, d, L.reg(a), isFloatLane(t) ? L.reg(s) : L.regOrZero(s), c));
      return true;
    }
    if (ops.vv < 0) return false;
    L.emit(vop(ops.vv, d, L.reg(a), L.reg(b), c));
    return true;
  };
}

function notBinary(base: VBin) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const c = vt(t);
    const nb = vtmp(L);
    L.emit(vopi(O.VXOR.vi, nb, L.reg(L.f.arg(inst, 1)), -1, c));
    L.emit(vop(base.vv, L.out(), L.reg(L.f.arg(inst, 0)), nb, c));
    return true;
  };
}

function bnot(L: RvLower, inst: Inst): boolean {
  L.emit(vopi(O.VXOR.vi, L.out(), L.reg(L.f.arg(inst, 0)), -1, vt(resultType(L, inst))));
  return true;
}
function ineg(L: RvLower, inst: Inst): boolean {
  L.emit(vopi(O.VRSUB.vi, L.out(), L.reg(L.f.arg(inst, 0)), 0, vt(resultType(L, inst))));
  return true;
}
function iabs(L: RvLower, inst: Inst): boolean {
  const c = vt(resultType(L, inst));
  const x = L.reg(L.f.arg(inst, 0));
  const n = vtmp(L);
  L.emit(vopi(O.VRSUB.vi, n, x, 0, c));
  L.emit(vop(O.VMAX.vv, L.out(), x, n, c));
  return true;
}

/** bitselect(c, a, b) = b ^ ((a ^ b) & c). */
function bitselect(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const c = vt(t);
  const a = L.reg(f.arg(inst, 1));
  const b = L.reg(f.arg(inst, 2));
  const x = vtmp(L), y = vtmp(L);
  L.emit(vop(O.VXOR.vv, x, a, b, c));
  L.emit(vop(O.VAND.vv, y, x, L.reg(f.arg(inst, 0)), c));
  L.emit(vop(O.VXOR.vv, L.out(), y, b, c));
  return true;
}

/** A scalar shift-amount register (an i128 amount uses its low half). */
function amount(L: RvLower, v: Value): number {
  return L.f.valueType[v] === I128 ? L.pair(v)[0] : L.regOrZero(v);
}

function shift(ops: VBin) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    const c = vt(t);
    const lanebits = 8 * bytes(laneType(t));
    const k = L.constOf(f.arg(inst, 1));
    if (k !== null && (k[0] & (lanebits - 1)) < 32) {
      L.emit(vopi(ops.vi, L.out(), L.reg(f.arg(inst, 0)), k[0] & (lanebits - 1), c));
      return true;
    }
    // The shift instructions read only the low log2(SEW) bits of the amount.
    L.emit(vop(ops.vx, L.out(), L.reg(f.arg(inst, 0)), amount(L, f.arg(inst, 1)), c));
    return true;
  };
}

function rotate(left: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    const c = vt(t);
    const x = L.reg(f.arg(inst, 0));
    const n = amount(L, f.arg(inst, 1));
    const neg = L.tmp();
    L.emit(rrr(O.SUB, neg, zero, n));
    const a = vtmp(L), b = vtmp(L);
    L.emit(vop(left ? O.VSLL.vx : O.VSRL.vx, a, x, n, c));
    L.emit(vop(left ? O.VSRL.vx : O.VSLL.vx, b, x, neg, c));
    L.emit(vop(O.VOR.vv, L.out(), a, b, c));
    return true;
  };
}

// ------------------------------------------------------------------ compares

/** The mask of `a cc b` on integer lanes. */
function icmpMask(L: RvLower, cc: IntCC, a: number, b: number, c: VType): number {
  const m = vtmp(L);
  const ops: Record<number, [number, boolean]> = {
    [IntCC.Eq]: [O.VMSEQ.vv, false], [IntCC.Ne]: [O.VMSNE.vv, false],
    [IntCC.Slt]: [O.VMSLT.vv, false], [IntCC.Sle]: [O.VMSLE.vv, false],
    [IntCC.Sgt]: [O.VMSLT.vv, true], [IntCC.Sge]: [O.VMSLE.vv, true],
    [IntCC.Ult]: [O.VMSLTU.vv, false], [IntCC.Ule]: [O.VMSLEU.vv, false],
    [IntCC.Ugt]: [O.VMSLTU.vv, true], [IntCC.Uge]: [O.VMSLEU.vv, true],
  };
  const [op, swap] = ops[cc];
  // vmslt.vv vd, vs2, vs1 sets lanes where vs2 < vs1.
  L.emit(swap ? vop(op, m, b, a, c) : vop(op, m, a, b, c));
  return m;
}

function icmpV(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const c = vt(t);
  const m = icmpMask(L, f.instImm0[inst] as IntCC, L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), c);
  maskToLanes(L, m, t, L.out());
  return true;
}

/** The mask of `a cc b` on float lanes. */
function fcmpMask(L: RvLower, cc: FloatCC, a: number, b: number, c: VType): number {
  const cmp = (op: number, x: number, y: number): number => {
    const m = vtmp(L);
    L.emit(vop(op, m, x, y, c));
    return m;
  };
  const mm = (op: number, x: number, y: number): number => {
    const m = vtmp(L);
    L.emit(vop(op, m, x, y, c));
    return m;
  };
  const not = (x: number): number => mm(O.VMNAND_MM, x, x);
  switch (cc) {
    case FloatCC.Eq: return cmp(O.VMFEQ.vv, a, b);
    case FloatCC.Ne: return cmp(O.VMFNE.vv, a, b);
    case FloatCC.Lt: return cmp(O.VMFLT.vv, a, b);
    case FloatCC.Le: return cmp(O.VMFLE.vv, a, b);
    case FloatCC.Gt: return cmp(O.VMFLT.vv, b, a);
    case FloatCC.Ge: return cmp(O.VMFLE.vv, b, a);
    case FloatCC.Ord: return mm(O.VMAND_MM, cmp(O.VMFEQ.vv, a, a), cmp(O.VMFEQ.vv, b, b));
    case FloatCC.Uno: return mm(O.VMOR_MM, cmp(O.VMFNE.vv, a, a), cmp(O.VMFNE.vv, b, b));
    case FloatCC.One: return mm(O.VMOR_MM, cmp(O.VMFLT.vv, a, b), cmp(O.VMFLT.vv, b, a));
    case FloatCC.Ueq: return mm(O.VMNOR_MM, cmp(O.VMFLT.vv, a, b), cmp(O.VMFLT.vv, b, a));
    case FloatCC.Ult: return not(cmp(O.VMFLE.vv, b, a));
    case FloatCC.Ule: return not(cmp(O.VMFLT.vv, b, a));
    case FloatCC.Ugt: return not(cmp(O.VMFLE.vv, a, b));
    case FloatCC.Uge: return not(cmp(O.VMFLT.vv, a, b));
    default: return L.unsupported(`float condition ${cc}`);
  }
}

function fcmpV(L: RvLower, inst: Inst): boolean {
  const at = argType(L, inst, 0);
  if (laneType(at) === F16) return false;
  const f = L.f;
  const m = fcmpMask(L, f.instImm0[inst] as FloatCC, L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1)), vt(at));
  maskToLanes(L, m, resultType(L, inst), L.out());
  return true;
}

/** vany_true / vall_true: count the non-zero (or zero) lanes. */
function anyAll(all: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = argType(L, inst, 0);
    const c = vt(t);
    const m = vtmp(L);
    L.emit(vopi(all ? O.VMSEQ.vi : O.VMSNE.vi, m, L.reg(L.f.arg(inst, 0)), 0, c));
    const n = L.tmp();
    L.emit(vto(O.VCPOP_M, n, m, c));
    if (all) L.emit(rri(O.SLTIU, L.out(), n, 1));
    else L.emit(rrr(O.SLTU, L.out(), zero, n));
    return true;
  };
}

function vhighBits(L: RvLower, inst: Inst): boolean {
  const t = argType(L, inst, 0);
  const c = vt(t);
  const m = vtmp(L);
  // Lanes below zero as signed integers: their sign bits.
  L.emit(vop(O.VMSLT.vx, m, L.reg(L.f.arg(inst, 0)), zero, c));
  const r = L.tmp(), s = L.tmp();
  L.emit(vto(O.VMV_X_S, r, m, vtype(3, 1)));
  const lanes = laneCount(t);
  L.emit(rri(O.SLLI, s, r, 64 - lanes));
  L.emit(rri(O.SRLI, L.out(), s, 64 - lanes));
  return true;
}

// ------------------------------------------------------------------ lanes

function splat(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const c = vt(t);
  const x = L.f.arg(inst, 0);
  const k = splatImmOf(L, x);
  if (k !== null) {
    L.emit(vimm(L.out(), k, c));
    return true;
  }
  if (isFloatLane(t) && laneType(t) !== F16) L.emit(vfrom(O.VFMV_V_F, L.out(), L.reg(x), c));
  else L.emit(vfrom(O.VMV_V_X, L.out(), scalarBits(L, x), c));
  return true;
}

/** A constant integer scalar as a 5-bit immediate, or null. */
function splatImmOf(L: RvLower, x: Value): number | null {
  const c = L.constOf(x);
  if (c === null) return null;
  const t = L.f.valueType[x] as Type;
  const lo = t === I8 ? (c[0] << 24) >> 24 : t === I16 ? (c[0] << 16) >> 16 : c[0];
  if (t === I64 && c[1] !== c[0] >> 31) return null;
  return lo >= -16 && lo <= 15 ? lo : null;
}

/** A GPR holding scalar `x`'s bits (floats moved out of their FPR). */
function scalarBits(L: RvLower, x: Value): number {
  const t = L.f.valueType[x] as Type;
  if (t === F32 || t === F16 || t === F64) {
    const g = L.tmp();
    L.emit(rri(t === F64 ? O.FP_D.mvToX : O.FP_S.mvToX, g, L.reg(x), 0));
    return g;
  }
  return L.regOrZero(x);
}

function vconst(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const data = f.constants[f.instImm0[inst]];
  const n = bytes(t);
  const lane = bytes(laneType(t));
  const c = vt(t);
  // All lanes equal to a small integer: vmv.v.i.
  let same = true;
  for (let k = lane; k < n && same; k++) same = data[k] === data[k % lane];
  if (same) {
    let v = 0n;
    for (let k = lane - 1; k >= 0; k--) v = (v << 8n) | BigInt(data[k]);
    const s = BigInt.asIntN(8 * lane, v);
    if (s >= -16n && s <= 15n) {
      L.emit(vimm(L.out(), Number(s), c));
      return true;
    }
  }
  const i = pseudo(Pseudo.LoadConst);
  i.rd = L.out();
  i.imm = O.VLE[sewOf(t)];
  i.label = L.constLabel(data.subarray(0, n), Math.min(16, n));
  i.vt = c;
  L.emit(i);
  return true;
}

function extractLane(L: RvLower, inst: Inst): boolean {
  const t = argType(L, inst, 0);
  const f = L.f;
  const lane = f.instImm0[inst];
  const c = vt(t);
  let v = L.reg(f.arg(inst, 0));
  if (lane !== 0) {
    const s = vtmp(L);
    L.emit(vopi(O.VSLIDEDOWN.vi, s, v, lane, c));
    v = s;
  }
  const lt = laneType(t);
  if (lt === F32 || lt === F64) L.emit(vto(O.VFMV_F_S, L.out(), v, c));
  else if (lt === F16) {
    const g = L.tmp();
    L.emit(vto(O.VMV_X_S, g, v, c));
    boxF16(L, g, L.out());
  } else L.emit(vto(O.VMV_X_S, L.out(), v, c));
  return true;
}

/** Element 0 of a new vector holds scalar `x` (lane type of `t`); the other lanes are undefined. */
function scalarInLane0(L: RvLower, t: Type, x: Value): number {
  const s = vtmp(L);
  const lt = laneType(t);
  if (lt === F32 || lt === F64) L.emit(vfrom(O.VFMV_S_F, s, L.reg(x), vtype(sewOf(t), 1)));
  else L.emit(vfrom(O.VMV_S_X, s, scalarBits(L, x), vtype(sewOf(t), 1)));
  return s;
}

function insertLane(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const lane = f.instImm0[inst];
  const v = L.reg(f.arg(inst, 0));
  const x = f.arg(inst, 1);
  if (lane === 0) {
    const lt = laneType(t);
    const i = lt === F32 || lt === F64 ? vfrom(O.VFMV_S_F, L.out(), L.reg(x), vt(t, true))
      : vfrom(O.VMV_S_X, L.out(), scalarBits(L, x), vt(t, true));
    L.emitTied(i, v);
    return true;
  }
  // Slide the scalar up into `lane`; vl = lane + 1 and tail-undisturbed keep every other lane.
  const s = scalarInLane0(L, t, x);
  L.emitTied(vopi(O.VSLIDEUP.vi, L.out(), s, lane, vtype(sewOf(t), lane + 1, Lmul.M1, true)), v);
  return true;
}

function scalarToVector(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const z = vtmp(L);
  L.emit(vimm(z, 0, vt(t)));
  const x = L.f.arg(inst, 0);
  const lt = laneType(t);
  const i = lt === F32 || lt === F64 ? vfrom(O.VFMV_S_F, L.out(), L.reg(x), vt(t, true))
    : vfrom(O.VMV_S_X, L.out(), scalarBits(L, x), vt(t, true));
  L.emitTied(i, z);
  return true;
}

/** shuffle of two i8x16: a gather from each, merged by whether the index picks the first. */
function shuffle(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (laneCount(t) !== 16 || bytes(t) !== 16) return false;
  const f = L.f;
  const mask = f.immediates[f.instImm0[inst]];
  const c = vtype(0, 16);
  const a = L.reg(f.arg(inst, 0));
  const b = L.reg(f.arg(inst, 1));
  const idxConst = (bytesIn: Uint8Array): number => {
    const r = vtmp(L);
    const i = pseudo(Pseudo.LoadConst);
    i.rd = r;
    i.imm = O.VLE[0];
    i.label = L.constLabel(bytesIn, 16);
    i.vt = c;
    L.emit(i);
    return r;
  };
  const fromA = Array.from(mask).every((k) => k < 16);
  const fromB = Array.from(mask).every((k) => k >= 16 && k < 32);
  const gather = (src: number, idx: number, d: number): void => L.emit(vop(O.VRGATHER.vv, d, src, idx, c));
  if (fromA || fromB) {
    gather(fromA ? a : b, idxConst(Uint8Array.from(mask, (k) => (fromA ? k : k - 16))), L.out());
    return true;
  }
  const ia = idxConst(Uint8Array.from(mask, (k) => (k < 16 ? k : 0)));
  const ib = idxConst(Uint8Array.from(mask, (k) => (k >= 16 ? k - 16 : 0)));
  const ga = vtmp(L), gb = vtmp(L);
  gather(a, ia, ga);
  gather(b, ib, gb);
  // Lanes taking from a: mask[k] < 16.
  const m = vtmp(L);
  const sel = idxConst(Uint8Array.from(mask, (k) => (k < 16 ? 1 : 0)));
  L.emit(vopi(O.VMSNE.vi, m, sel, 0, c));
  merge(L, L.out(), gb, ga, m, c);
  return true;
}

/** swizzle: lanes of `a` picked by `idx`; an index past the last lane gives 0. */
function swizzle(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const c = vt(t);
  const idx = L.reg(f.arg(inst, 1));
  const m = vtmp(L);
  L.emit(vopi(O.VMSLEU.vi, m, idx, laneCount(t) - 1, c));
  const z = vtmp(L);
  L.emit(vimm(z, 0, c));
  masked(L, vop(O.VRGATHER.vv, L.out(), L.reg(f.arg(inst, 0)), idx, vt(t, true)), m, z);
  return true;
}

/** Widening of the low or high half of the lanes (vsext/vzext). */
function widen(signed: boolean, high: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const src = argType(L, inst, 0);
    let x = L.reg(L.f.arg(inst, 0));
    const half = laneCount(t);
    if (high) {
      const s = vtmp(L);
      L.emit(vopi(O.VSLIDEDOWN.vi, s, x, half, vt(src)));
      x = s;
    }
    L.emit(vunary(signed ? O.VSEXT_VF2 : O.VZEXT_VF2, L.out(), x, vt(t)));
    return true;
  };
}

/** The configuration of a narrowing step: `lanes` elements of the narrow SEW, LMUL 1/2. */
function narrowVt(t: Type, lanes: number, undisturbed = false): VType {
  return vtype(sewOf(t), lanes, Lmul.MF2, undisturbed);
}

/** snarrow / unarrow / uunarrow: both inputs narrowed with saturation, b's lanes after a's. */
function narrow(kind: 'snarrow' | 'unarrow' | 'uunarrow') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const src = argType(L, inst, 0);
    const f = L.f;
    const half = laneCount(src);
    const one = (v: Value): number => {
      let x = L.reg(v);
      if (kind === 'unarrow') {
        // Negative lanes saturate to 0 first.
        const p = vtmp(L);
        L.emit(vop(O.VMAX.vx, p, x, zero, vt(src)));
        x = p;
      }
      const d = vtmp(L);
      L.emit(vopi(kind === 'snarrow' ? O.VNCLIP.vi : O.VNCLIPU.vi, d, x, 0, narrowVt(t, half)));
      return d;
    };
    const a = one(f.arg(inst, 0));
    const b = one(f.arg(inst, 1));
    L.emitTied(vopi(O.VSLIDEUP.vi, L.out(), b, half, vt(t, true)), a);
    return true;
  };
}

/** iadd_pairwise: each input's even and odd lanes (by narrowing shifts of the double-width view) added, b after a. */
function iaddPairwise(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const lanes = laneCount(t);
  const half = lanes / 2;
  const w = 8 * bytes(laneType(t));
  const c = narrowVt(t, half);
  const sum = (v: Value): number => {
    const x = L.reg(v);
    const even = vtmp(L), odd = vtmp(L), s = vtmp(L);
    L.emit(vopi(O.VNSRL.vi, even, x, 0, c));
    if (w < 32) L.emit(vopi(O.VNSRL.vi, odd, x, w, c));
    else L.emit(vop(O.VNSRL.vx, odd, x, L.constReg(w, 0), c));
    L.emit(vop(O.VADD.vv, s, even, odd, c));
    return s;
  };
  const a = sum(f.arg(inst, 0));
  const b = sum(f.arg(inst, 1));
  L.emitTied(vopi(O.VSLIDEUP.vi, L.out(), b, half, vt(t, true)), a);
  return true;
}

function loadExtend(signed: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    const a = L.addrOf(f.arg(inst, 0), f.instImm1[inst]);
    let base = a.base;
    if (a.off !== 0) {
      base = L.tmp();
      L.emit(rri(O.ADDI, base, a.base, a.off));
    }
    const narrowT = sewOf(t) - 1;
    const x = vtmp(L);
    const ld = mk(O.VLE[narrowT]);
    ld.rd = x;
    ld.rs1 = base;
    ld.vt = vtype(narrowT, laneCount(t));
    ld.trap = memTrapCode(f.instImm0[inst]);
    L.emit(ld);
    L.emit(vunary(signed ? O.VSEXT_VF2 : O.VZEXT_VF2, L.out(), x, vt(t)));
    return true;
  };
}

// ------------------------------------------------------------------ floats

function floatBinary(ops: VBin) {
  const b = binary(ops, false);
  return (L: RvLower, inst: Inst): boolean => (laneType(resultType(L, inst)) === F16 ? false : b(L, inst));
}

function fsign(kind: 'neg' | 'abs' | 'copysign') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const f = L.f;
    const c = vt(t);
    const a = L.reg(f.arg(inst, 0));
    if (laneType(t) === F16) {
      // On the bits: the sign is bit 15 of each lane.
      const sign = L.constReg(0x8000, 0);
      if (kind === 'neg') L.emit(vop(O.VXOR.vx, L.out(), a, sign, c));
      else {
        const keep = L.constReg(0x7fff, 0);
        const m = vtmp(L);
        L.emit(vop(O.VAND.vx, m, a, keep, c));
        if (kind === 'abs') L.move(L.out(), m, VEC);
        else {
          const s = vtmp(L);
          L.emit(vop(O.VAND.vx, s, L.reg(f.arg(inst, 1)), sign, c));
          L.emit(vop(O.VOR.vv, L.out(), m, s, c));
        }
      }
      return true;
    }
    const b = kind === 'copysign' ? L.reg(f.arg(inst, 1)) : a;
    L.emit(vop(kind === 'neg' ? O.VFSGNJN.vv : kind === 'abs' ? O.VFSGNJX.vv : O.VFSGNJ.vv, L.out(), a, b, c));
    return true;
  };
}

function fsqrt(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (laneType(t) === F16) return false;
  L.emit(vunary(O.VFSQRT_V, L.out(), L.reg(L.f.arg(inst, 0)), vt(t)));
  return true;
}

function fma(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (laneType(t) === F16) return false;
  const f = L.f;
  // vfmacc.vv vd, vs1, vs2: vd <- vs1 * vs2 + vd.
  const i = vop(O.VFMACC.vv, L.out(), L.reg(f.arg(inst, 1)), L.reg(f.arg(inst, 0)), vt(t));
  L.emitTied(i, L.reg(f.arg(inst, 2)));
  return true;
}

/** CLIF fmin/fmax on lanes: NaN when either lane is NaN (the sum of the two is one). */
function fminmax(max: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (laneType(t) === F16) return false;
    const f = L.f;
    const c = vt(t);
    const a = L.reg(f.arg(inst, 0));
    const b = L.reg(f.arg(inst, 1));
    const r = vtmp(L), n = vtmp(L);
    L.emit(vop(max ? O.VFMAX.vv : O.VFMIN.vv, r, a, b, c));
    L.emit(vop(O.VFADD.vv, n, a, b, c));
    const m = fcmpMask(L, FloatCC.Uno, a, b, c);
    merge(L, L.out(), r, n, m, c);
    return true;
  };
}

/** ceil/floor/trunc/nearest on lanes below 2^(mantissa bits) in magnitude; the rest stay (NaNs quieted). */
function roundV(kind: 'ceil' | 'floor' | 'trunc' | 'nearest') {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const lt = laneType(t);
    if (lt !== F32 && lt !== F64) return false;
    const c = vt(t);
    const x = L.reg(L.f.arg(inst, 0));
    const big = lt === F64 ? L.constReg(0, 0x43300000) : L.constReg(0x4b000000, 0); // 2^52, 2^23
    const bigV = vtmp(L);
    L.emit(vfrom(O.VMV_V_X, bigV, big, c));
    const ax = vtmp(L);
    L.emit(vop(O.VFSGNJX.vv, ax, x, x, c));
    let y = vtmp(L);
    if (kind === 'nearest') {
      // (|x| + 2^52) - 2^52 rounds to nearest even in the default rounding mode.
      const s = vtmp(L);
      L.emit(vop(O.VFADD.vv, s, ax, bigV, c));
      L.emit(vop(O.VFSUB.vv, y, s, bigV, c));
    } else {
      const i = vtmp(L);
      convertRtz(L, true, i, x, c);
      L.emit(vunary(O.VFCVT_F_X_V, y, i, c));
      if (kind !== 'trunc') {
        // ceil: up by one where the truncation fell below x; floor: down where it rose above.
        const m = vtmp(L);
        L.emit(kind === 'ceil' ? vop(O.VMFLT.vv, m, y, x, c) : vop(O.VMFLT.vv, m, x, y, c));
        const one = lt === F64 ? L.constReg(0, 0x3ff00000) : L.constReg(0x3f800000, 0);
        const oneV = vtmp(L);
        L.emit(vfrom(O.VMV_V_X, oneV, one, c));
        const adj = vtmp(L);
        L.emit(vop(kind === 'ceil' ? O.VFADD.vv : O.VFSUB.vv, adj, y, oneV, c));
        const y2 = vtmp(L);
        merge(L, y2, y, adj, m, c);
        y = y2;
      }
    }
    const signed = vtmp(L);
    L.emit(vop(O.VFSGNJ.vv, signed, y, x, c));
    // Lanes with |x| >= 2^52 (or NaN): x + 0.
    const small = vtmp(L);
    L.emit(vop(O.VMFLT.vv, small, ax, bigV, c));
    const zeroV = vtmp(L);
    L.emit(vimm(zeroV, 0, c));
    const kept = vtmp(L);
    L.emit(vop(O.VFADD.vv, kept, x, zeroV, c));
    merge(L, L.out(), kept, signed, small, c);
    return true;
  };
}

/**
 * vd <- vs2 converted to integers rounding toward zero. Not with vfcvt.rtz.*: qemu 7.2 (the
 * emulator this project runs riscv64 code on) aborts translating those, so the dynamic
 * rounding mode is set to RTZ around the plain conversion and restored after it.
 */
function convertRtz(L: RvLower, signed: boolean, vd: number, vs2: number, c: VType): void {
  const saved = L.tmp();
  const set = mk(O.CSRRWI);
  set.rd = saved;
  set.imm = O.CSR_FRM;
  set.aux = Rm.RTZ;
  L.emit(set);
  L.emit(vunary(signed ? O.VFCVT_X_F_V : O.VFCVT_XU_F_V, vd, vs2, c));
  const restore = mk(O.CSRRW);
  restore.rd = zero;
  restore.imm = O.CSR_FRM;
  restore.rs1 = saved;
  L.emit(restore);
}

function fcvtFromInt(signed: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const src = argType(L, inst, 0);
    if (laneType(t) === F16 || bytes(laneType(src)) !== bytes(laneType(t))) return false;
    L.emit(vunary(signed ? O.VFCVT_F_X_V : O.VFCVT_F_XU_V, L.out(), L.reg(L.f.arg(inst, 0)), vt(t)));
    return true;
  };
}

function fcvtToIntSat(signed: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    const src = argType(L, inst, 0);
    if (laneType(src) === F16 || bytes(laneType(src)) !== bytes(laneType(t))) return false;
    const c = vt(t);
    const x = L.reg(L.f.arg(inst, 0));
    const r = vtmp(L);
    convertRtz(L, signed, r, x, c);
    // NaN lanes give 0 (the conversion gives the maximum).
    const m = vtmp(L);
    L.emit(vop(O.VMFNE.vv, m, x, x, c));
    merge(L, L.out(), r, { imm: 0 }, m, c);
    return true;
  };
}

function fvpromoteLow(L: RvLower, inst: Inst): boolean {
  L.emit(vunary(O.VFWCVT_F_F_V, L.out(), L.reg(L.f.arg(inst, 0)), vtype(2, 2, Lmul.MF2)));
  return true;
}

function fvdemote(L: RvLower, inst: Inst): boolean {
  const z = vtmp(L);
  L.emit(vimm(z, 0, vtype(2, 4)));
  L.emitTied(vunary(O.VFNCVT_F_F_W, L.out(), L.reg(L.f.arg(inst, 0)), vtype(2, 2, Lmul.MF2, true)), z);
  return true;
}

// ------------------------------------------------------------------ bit counts, bitcasts

function popcntV(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const c = vt(t);
  const x = L.reg(L.f.arg(inst, 0));
  const k = (m: number): number => L.constReg(m, m);
  const step = (v: number, s: number, mask: number): number => {
    // (v & mask) + ((v >> s) & mask)
    const a = vtmp(L), b = vtmp(L), d = vtmp(L), e = vtmp(L);
    const mr = k(mask);
    L.emit(vop(O.VAND.vx, a, v, mr, c));
    L.emit(vopi(O.VSRL.vi, b, v, s, c));
    L.emit(vop(O.VAND.vx, d, b, mr, c));
    L.emit(vop(O.VADD.vv, e, a, d, c));
    return e;
  };
  let v = step(x, 1, 0x55555555);
  v = step(v, 2, 0x33333333);
  const s4 = vtmp(L), sum = vtmp(L), low = vtmp(L);
  L.emit(vopi(O.VSRL.vi, s4, v, 4, c));
  L.emit(vop(O.VADD.vv, sum, v, s4, c));
  L.emit(vop(O.VAND.vx, low, sum, k(0x0f0f0f0f), c));
  const lanebits = 8 * bytes(laneType(t));
  if (lanebits === 8) {
    L.move(L.out(), low, VEC);
    return true;
  }
  const p = vtmp(L);
  L.emit(vop(O.VMUL.vx, p, low, k(0x01010101), c));
  if (lanebits - 8 < 32) L.emit(vopi(O.VSRL.vi, L.out(), p, lanebits - 8, c));
  else L.emit(vop(O.VSRL.vx, L.out(), p, L.constReg(lanebits - 8, 0), c));
  return true;
}

function bitcastV(L: RvLower, inst: Inst): boolean {
  const to = resultType(L, inst);
  const from = argType(L, inst, 0);
  const x = L.f.arg(inst, 0);
  if (isVector(to) && isVector(from)) {
    L.move(L.out(), L.reg(x), VEC);
    return true;
  }
  if (isVector(to)) {
    // A scalar's bits into lanes: through one or two GPRs (i128 and f128 are GPR pairs already).
    if (bytes(from) === 16) fromGprs(L, L.out(), L.pair(x));
    else fromGprs(L, L.out(), [scalarBits(L, x)]);
    return true;
  }
  const gs = toGprs(L, from, L.reg(x), bytes(from) > 8 ? 2 : 1);
  if (bytes(to) === 16) {
    const [lo, hi] = L.outPair();
    L.move(lo, gs[0]);
    L.move(hi, gs[1]);
  } else if (to === F64 || to === F32) L.emit(rri(to === F64 ? O.FP_D.mvFromX : O.FP_S.mvFromX, L.out(), gs[0], 0));
  else if (to === F16) boxF16(L, gs[0], L.out());
  else L.move(L.out(), gs[0]);
  return true;
}

// ------------------------------------------------------------------ the guard

type Handler = (L: RvLower, inst: Inst) => boolean;
const HANDLERS: Handler[][] = [];
function on(op: Opcode, h: Handler): void {
  (HANDLERS[op] ??= []).push(h);
}

on(IADD, binary(O.VADD, true));
on(ISUB, binary(O.VSUB, false));
on(IMUL, binary(O.VMUL, true));
on(BAND, binary(O.VAND, true));
on(BOR, binary(O.VOR, true));
on(BXOR, binary(O.VXOR, true));
on(SMIN, binary(O.VMIN, true));
on(SMAX, binary(O.VMAX, true));
on(UMIN, binary(O.VMINU, true));
on(UMAX, binary(O.VMAXU, true));
on(SADD_SAT, binary(O.VSADD, true));
on(UADD_SAT, binary(O.VSADDU, true));
on(SSUB_SAT, binary(O.VSSUB, false));
on(USUB_SAT, binary(O.VSSUBU, false));
// vaaddu rounds with vxrm, which is 0 (round-to-nearest-up) unless changed: (a + b + 1) >> 1.
on(AVG_ROUND, binary(O.VAADDU, true));
on(UMULHI, binary(O.VMULHU, true));
on(SMULHI, binary(O.VMULH, true));
// vsmul: (a * b + 2^(SEW-2)) >> (SEW-1), saturated, rounding as vxrm 0 says.
on(SQMUL_ROUND_SAT, binary(O.VSMUL, true));
on(BAND_NOT, notBinary(O.VAND));
on(BOR_NOT, notBinary(O.VOR));
on(BXOR_NOT, notBinary(O.VXOR));
on(BNOT, bnot);
on(INEG, ineg);
on(IABS, iabs);
on(BITSELECT, bitselect);
on(ISHL, shift(O.VSLL));
on(USHR, shift(O.VSRL));
on(SSHR, shift(O.VSRA));
on(ROTL, rotate(true));
on(ROTR, rotate(false));
on(ICMP, icmpV);
on(FCMP, fcmpV);
on(VANY_TRUE, anyAll(false));
on(VALL_TRUE, anyAll(true));
on(VHIGH_BITS, vhighBits);
on(SPLAT, splat);
on(VCONST, vconst);
on(EXTRACTLANE, extractLane);
on(INSERTLANE, insertLane);
on(SCALAR_TO_VECTOR, scalarToVector);
on(SHUFFLE, shuffle);
on(SWIZZLE, swizzle);
on(SWIDEN_LOW, widen(true, false));
on(SWIDEN_HIGH, widen(true, true));
on(UWIDEN_LOW, widen(false, false));
on(UWIDEN_HIGH, widen(false, true));
on(SNARROW, narrow('snarrow'));
on(UNARROW, narrow('unarrow'));
on(UUNARROW, narrow('uunarrow'));
on(IADD_PAIRWISE, iaddPairwise);
on(ULOAD8X8, loadExtend(false));
on(SLOAD8X8, loadExtend(true));
on(ULOAD16X4, loadExtend(false));
on(SLOAD16X4, loadExtend(true));
on(ULOAD32X2, loadExtend(false));
on(SLOAD32X2, loadExtend(true));
on(FADD, floatBinary(O.VFADD));
on(FSUB, floatBinary(O.VFSUB));
on(FMUL, floatBinary(O.VFMUL));
on(FDIV, floatBinary(O.VFDIV));
on(FNEG, fsign('neg'));
on(FABS, fsign('abs'));
on(FCOPYSIGN, fsign('copysign'));
on(SQRT, fsqrt);
on(FMA, fma);
on(FMIN, fminmax(false));
on(FMAX, fminmax(true));
on(CEIL, roundV('ceil'));
on(FLOOR, roundV('floor'));
on(TRUNC, roundV('trunc'));
on(NEAREST, roundV('nearest'));
on(FCVT_FROM_SINT, fcvtFromInt(true));
on(FCVT_FROM_UINT, fcvtFromInt(false));
on(FCVT_TO_SINT_SAT, fcvtToIntSat(true));
on(FCVT_TO_UINT_SAT, fcvtToIntSat(false));
on(FVPROMOTE_LOW, fvpromoteLow);
on(FVDEMOTE, fvdemote);
on(POPCNT, popcntV);
on(BITCAST, bitcastV);

/** Whether `inst` produces or reads a vector (and so belongs to these rules). */
function touchesVector(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  if (f.resultCount(inst) > 0 && isVector(f.valueType[f.result(inst, 0)] as Type)) return true;
  return f.argCount(inst) > 0 && isVector(argType(L, inst, 0));
}

/** Opcodes whose vector forms the scalar rules handle (memory, select, stack slots, calls). */
const SCALAR_RULES_HANDLE = new Set<number>();

function guard(L: RvLower, inst: Inst): boolean {
  const op = L.f.instOpcode[inst];
  if (SCALAR_RULES_HANDLE.has(op) || !touchesVector(L, inst)) return false;
  if (!L.isa.v) L.unsupported(`${opcodeName(op as Opcode)} on vectors without the V extension`);
  const hs = HANDLERS[op];
  if (hs !== undefined) for (const h of hs) if (h(L, inst)) return true;
  const t = L.f.resultCount(inst) > 0 ? resultType(L, inst) : argType(L, inst, 0);
  return L.unsupported(`${opcodeName(op as Opcode)} on ${typeName(t)} (riscv64 V)`);
}

/** Registers the vector rules: one guard per opcode, tried before every scalar rule. */
export function lowerVectorRules(r: RuleTable<RvLower>): void {
  const all: Opcode[] = [];
  for (let op = 0; op < OPCODE_COUNT; op++) if (HANDLERS[op] !== undefined) all.push(op as Opcode);
  r.add(all, 'vector (V)', guard, 1000);
}

