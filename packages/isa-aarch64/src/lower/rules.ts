// AArch64 integer lowering rules: per opcode, pattern functions tried in priority order. Each
// reads the IR instruction through the lowering state and emits MInsts with virtual registers.
//
// Narrow integers (i8, i16) live in W registers whose bits above the type's width are
// undefined: rules that read those bits (compares, right shifts, division, bit counts,
// extensions) extend first. i128 values are register pairs (low, high).

import {
  type Inst, type Type, type Value,
  BAND, BAND_IMM, BAND_NOT, BITREV, BMASK, BNOT, BOR, BOR_IMM, BOR_NOT, BSWAP, BXOR, BXOR_IMM, BXOR_NOT, CLS, CLZ, CTZ, DEBUGTRAP, FENCE,
  FUNC_ADDR, GET_FRAME_POINTER, GET_PINNED_REG, GET_RETURN_ADDRESS, GET_STACK_POINTER, GLOBAL_VALUE, I128, I16, I32, I64, I8, IABS,
  IADD, IADD_IMM, ICMP, ICMP_IMM, ICONCAT, ICONST, IMUL, IMUL_IMM, INEG, IREDUCE, IRSUB_IMM, ISHL, ISHL_IMM, ISPLIT, ISUB, ISTORE16,
  ISTORE32, ISTORE8, IntCC, LOAD, NOP, POPCNT, ROTL, ROTL_IMM, ROTR, ROTR_IMM, SADD_OVERFLOW, SADD_OVERFLOW_CIN, SDIV, SDIV_IMM,
  SELECT, SELECT_SPECTRE_GUARD, SEQUENCE_POINT, SET_PINNED_REG, SEXTEND, SLOAD16, SLOAD32, SLOAD8, SMAX, SMIN, SMULHI, SMUL_OVERFLOW,
  SREM, SREM_IMM, SSHR, SSHR_IMM, SSUB_OVERFLOW, SSUB_OVERFLOW_BIN, STACK_ADDR, STACK_LOAD, STACK_STORE, STORE, SYMBOL_VALUE, UADD_OVERFLOW,
  UADD_OVERFLOW_CIN, UADD_OVERFLOW_TRAP, UDIV, UDIV_IMM, UEXTEND, ULOAD16, ULOAD32, ULOAD8, UMAX, UMIN, UMULHI, UMUL_OVERFLOW, UREM,
  UREM_IMM, USHR, USHR_IMM, USUB_OVERFLOW, USUB_OVERFLOW_BIN, BITSELECT, F16, F32, F64, bytes, isVector,
  DYNAMIC_STACK_ADDR, DYNAMIC_STACK_LOAD, DYNAMIC_STACK_STORE,
} from '@windlass/ir';
import { RuleTable } from '@windlass/codegen';
import {
  AddrMode, AluOp, Arr, BfOp, CSelOp, Cond, Dp1Op, Dp2Op, Dp3Op, Extend, FpSize, LdStOp, Shift, SysOp, V, aluRRImm12,
  aluRRImmLogic, aluRRR, aluRRRExtend, bcond, bitfield, brk, ccmp, ccmpImm, cbz, csel, dp1, dp2, dp3, encodeImm12, encodeLogicalImm,
  extr, fmovFromGpr, fpCsel, invertCond, ldst, loadConst, stackAddr, sys, vec, xreg, xzr, fp as fpReg, sp,
} from '../inst';
import { condOf, extendTo32, intCond, lowerIcmp, materializeCond, singleCond } from './cond';
import {
  addImm, checkLittleEndian, loadFrame, loadValue, regsOf, setAddress, storeFrame, storeValue, symbolAddr, trapOf,
} from './mem';
import { libcall } from './calls';
import { symbolName } from './names';
import { type A64Lower, isScalarInt, sfOf } from './state';
import { addFloatRules } from './float';
import { addSimdRules } from './simd';
import { addAtomicRules } from './atomics';
import { addTlsRules } from './tls';

export type LRule = (L: A64Lower, inst: Inst) => boolean;

export function resultType(L: A64Lower, inst: Inst): Type {
  const f = L.f;
  return f.instResLen[inst] > 0 ? (f.valueType[f.result(inst, 0)] as Type) : (f.instType[inst] as Type);
}
export function argType(L: A64Lower, inst: Inst, k: number): Type {
  return L.f.valueType[L.f.resolveAliases(L.f.arg(inst, k))] as Type;
}
function bitsOf(t: Type): number {
  return t === I8 ? 8 : t === I16 ? 16 : t === I32 ? 32 : 64;
}

/** The second operand of a binary op: a register value, or the constant of a `*_imm` form / iconst. */
interface Operand {
  v: Value | null;
  k: [number, number] | null;
}
function operandB(L: A64Lower, inst: Inst): Operand {
  const f = L.f;
  if (f.argCount(inst) === 1) return { v: null, k: [f.instImm1[inst], f.instImm2[inst]] };
  const b = f.arg(inst, 1);
  return { v: b, k: L.constOf(b) };
}
function regOf(L: A64Lower, o: Operand, sf: 0 | 1): number {
  if (o.v !== null && o.k === null) return L.gpr(o.v);
  const [lo, hi] = o.k!;
  return L.constReg(lo, hi, sf);
}
function pairOf(L: A64Lower, o: Operand): [number, number] {
  if (o.v !== null && o.k === null) return L.pair(o.v);
  const [lo, hi] = o.k!;
  const s = hi >> 31;
  return [L.constReg(lo, hi), L.constReg(s, s)];
}

/** An add/sub immediate for the signed 64-bit constant (lo, hi) at width `sf`: [encoded, negate] or null. */
function addImmOf(k: [number, number], sf: 0 | 1): [number, boolean] | null {
  const [lo, hi] = k;
  if (sf && hi !== lo >> 31) return null;
  const v = sf ? lo : lo | 0;
  const e = encodeImm12(v);
  if (e >= 0) return [e, false];
  if (v !== -0x80000000) {
    const n = encodeImm12(-v);
    if (n >= 0) return [n, true];
  }
  return null;
}

// ------------------------------------------------------------------ constants and moves

function iconstRule(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarInt(t)) return false;
  L.constInto(L.out(), L.f.instImm1[inst], L.f.instImm2[inst], sfOf(t));
  return true;
}

// ------------------------------------------------------------------ add, sub, mul

/** A single-use `ishl_imm` / `ishl` by a constant: the shifted value and amount (for shifted-register operands). */
function shiftedOperand(L: A64Lower, v: Value, t: Type): { x: Value; k: number } | null {
  if (L.ctx.useCountOf(v) !== 1) return null;
  const d = L.ctx.defInst(v);
  if (d === -1) return null;
  const f = L.f;
  const op = f.instOpcode[d];
  let k: number;
  if (op === ISHL_IMM) k = f.instImm1[d];
  else if (op === ISHL) {
    const c = L.constOf(f.arg(d, 1));
    if (c === null) return null;
    k = c[0];
  } else return null;
  k &= bitsOf(t) - 1;
  return k === 0 ? null : { x: f.arg(d, 0), k };
}

/** A single-use extension of a narrower value: the value and the extend option (extended-register operands). */
function extendedOperand(L: A64Lower, v: Value): { x: Value; ext: Extend } | null {
  const d = L.ctx.defInst(v);
  if (d === -1) return null;
  const f = L.f;
  const op = f.instOpcode[d];
  if (op !== UEXTEND && op !== SEXTEND) return null;
  const st = f.valueType[f.resolveAliases(f.arg(d, 0))] as Type;
  const signed = op === SEXTEND;
  const ext = st === I8 ? Extend.UXTB : st === I16 ? Extend.UXTH : st === I32 ? Extend.UXTW : -1;
  if (ext < 0) return null;
  return { x: f.arg(d, 0), ext: (ext + (signed ? 4 : 0)) as Extend };
}

/** A single-use `imul` (for madd/msub). */
function mulOperand(L: A64Lower, v: Value): Inst | -1 {
  if (L.ctx.useCountOf(v) !== 1) return -1;
  const d = L.ctx.defInst(v);
  return d !== -1 && L.f.instOpcode[d] === IMUL ? d : -1;
}

function addSub(L: A64Lower, inst: Inst, sub: boolean): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (t === I128) {
    const [alo, ahi] = L.pair(f.arg(inst, 0));
    const [blo, bhi] = pairOf(L, operandB(L, inst));
    const [dlo, dhi] = L.outPair();
    L.emit(aluRRR(sub ? AluOp.Subs : AluOp.Adds, 1, dlo, alo, blo));
    L.emit(aluRRR(sub ? AluOp.Sbc : AluOp.Adc, 1, dhi, ahi, bhi));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  let a: Value = f.arg(inst, 0);
  const ob = operandB(L, inst);
  if (ob.k !== null) {
    const imm = addImmOf(ob.k, sf);
    if (imm !== null) {
      const [e, neg] = imm;
      L.emit(aluRRImm12(sub !== neg ? AluOp.Sub : AluOp.Add, sf, L.out(), L.gpr(a), e));
      return true;
    }
  }
  let b = ob.v;
  if (b !== null && ob.k === null) {
    // iadd is commutative: the foldable operand goes second.
    if (!sub && (shiftedOperand(L, a, t) !== null || mulOperand(L, a) !== -1 || extendedOperand(L, a) !== null)
      && shiftedOperand(L, b, t) === null && mulOperand(L, b) === -1 && extendedOperand(L, b) === null) [a, b] = [b, a];
    const m = mulOperand(L, b);
    if (m !== -1) {
      L.emit(dp3(sub ? Dp3Op.Msub : Dp3Op.Madd, sf, L.out(), L.gpr(f.arg(m, 0)), L.gpr(f.arg(m, 1)), L.gpr(a)));
      return true;
    }
    const sh = shiftedOperand(L, b, t);
    if (sh !== null) {
      L.emit(aluRRR(sub ? AluOp.Sub : AluOp.Add, sf, L.out(), L.gpr(a), L.gpr(sh.x), Shift.LSL, sh.k));
      return true;
    }
    const ex = extendedOperand(L, b);
    if (ex !== null && (t === I64 || (ex.ext & 3) < 2)) {
      L.emit(aluRRRExtend(sub ? AluOp.Sub : AluOp.Add, sf, L.out(), L.gpr(a), L.gpr(ex.x), ex.ext));
      return true;
    }
  }
  L.emit(aluRRR(sub ? AluOp.Sub : AluOp.Add, sf, L.out(), L.gpr(a), regOf(L, ob, sf)));
  return true;
}

function irsubImm(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  const k = L.constReg(L.f.instImm1[inst], L.f.instImm2[inst], sf);
  L.emit(aluRRR(AluOp.Sub, sf, L.out(), k, L.gpr(L.f.arg(inst, 0))));
  return true;
}

function mul(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  if (t === I128) {
    const [alo, ahi] = L.pair(f.arg(inst, 0));
    const [blo, bhi] = pairOf(L, operandB(L, inst));
    const [dlo, dhi] = L.outPair();
    const h = L.tmp();
    const h2 = L.tmp();
    L.emit(dp3(Dp3Op.Umulh, 1, h, alo, blo, xzr));
    L.emit(dp3(Dp3Op.Madd, 1, h2, alo, bhi, h));
    L.emit(dp3(Dp3Op.Madd, 1, dhi, ahi, blo, h2));
    L.emit(dp3(Dp3Op.Madd, 1, dlo, alo, blo, xzr));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  L.emit(dp3(Dp3Op.Madd, sf, L.out(), L.gpr(f.arg(inst, 0)), regOf(L, operandB(L, inst), sf), xzr));
  return true;
}

function mulhi(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarInt(t)) return false;
  const signed = L.f.instOpcode[inst] === SMULHI;
  const a = L.gpr(L.f.arg(inst, 0));
  const b = L.gpr(L.f.arg(inst, 1));
  if (t === I64) {
    L.emit(dp3(signed ? Dp3Op.Smulh : Dp3Op.Umulh, 1, L.out(), a, b, xzr));
    return true;
  }
  if (t === I32) {
    const p = L.tmp();
    L.emit(dp3(signed ? Dp3Op.Smaddl : Dp3Op.Umaddl, 1, p, a, b, xzr));
    L.emit(bitfield(signed ? BfOp.Sbfm : BfOp.Ubfm, 1, L.out(), p, 32, 63));
    return true;
  }
  const bits = bitsOf(t);
  const p = L.tmp();
  L.emit(dp3(Dp3Op.Madd, 0, p, extendTo32(L, a, t, signed), extendTo32(L, b, t, signed), xzr));
  L.emit(bitfield(signed ? BfOp.Sbfm : BfOp.Ubfm, 0, L.out(), p, bits, 31));
  return true;
}

function ineg(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.emit(aluRRR(AluOp.Subs, 1, dlo, xzr, lo));
    L.emit(aluRRR(AluOp.Sbc, 1, dhi, xzr, hi));
    return true;
  }
  if (!isScalarInt(t)) return false;
  L.emit(aluRRR(AluOp.Sub, sfOf(t), L.out(), xzr, L.gpr(L.f.arg(inst, 0))));
  return true;
}

function iabs(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const nlo = L.tmp();
    const nhi = L.tmp();
    L.emit(aluRRR(AluOp.Subs, 1, nlo, xzr, lo));
    L.emit(aluRRR(AluOp.Sbc, 1, nhi, xzr, hi));
    L.emit(aluRRImm12(AluOp.Subs, 1, xzr, hi, 0));
    L.emit(csel(CSelOp.Csel, 1, dlo, nlo, lo, Cond.LT));
    L.emit(csel(CSelOp.Csel, 1, dhi, nhi, hi, Cond.LT));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  const a = extendTo32(L, L.gpr(L.f.arg(inst, 0)), t, true);
  L.emit(aluRRImm12(AluOp.Subs, sf, xzr, a, 0));
  L.emit(csel(CSelOp.Csneg, sf, L.out(), a, a, Cond.GE));
  return true;
}

// ------------------------------------------------------------------ bitwise

/** A logical immediate for constant k of type t (narrow types may use any bits above their width). */
function logicalImmOf(k: [number, number], t: Type): number {
  if (t === I64) return encodeLogicalImm(k[0], k[1], 64);
  const e = encodeLogicalImm(k[0], 0, 32);
  if (e >= 0 || t === I32) return e;
  const bits = bitsOf(t);
  const m = k[0] & ((1 << bits) - 1);
  const rep = bits === 8 ? m * 0x01010101 : m * 0x00010001;
  const e2 = encodeLogicalImm(rep >>> 0, 0, 32);
  if (e2 >= 0) return e2;
  return encodeLogicalImm((m | ~((1 << bits) - 1)) >>> 0, 0, 32);
}

const LOGIC_OPS = new Map<number, [number, boolean]>([
  [BAND, [AluOp.And, false]], [BOR, [AluOp.Orr, false]], [BXOR, [AluOp.Eor, false]],
  [BAND_IMM, [AluOp.And, false]], [BOR_IMM, [AluOp.Orr, false]], [BXOR_IMM, [AluOp.Eor, false]],
  [BAND_NOT, [AluOp.And, true]], [BOR_NOT, [AluOp.Orr, true]], [BXOR_NOT, [AluOp.Eor, true]],
]);
/** The op with its second operand inverted: bic, orn, eon. */
const INVERTED: Record<number, number> = { [AluOp.And]: AluOp.Bic, [AluOp.Orr]: AluOp.Orn, [AluOp.Eor]: AluOp.Eon };

/** A single-use `bnot` operand (for bic/orn/eon). */
function notOperand(L: A64Lower, v: Value): Value | null {
  if (L.ctx.useCountOf(v) !== 1) return null;
  const d = L.ctx.defInst(v);
  return d !== -1 && L.f.instOpcode[d] === BNOT ? L.f.arg(d, 0) : null;
}

function logical(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const [op, inv] = LOGIC_OPS.get(f.instOpcode[inst])!;
  if (t === I128) {
    const [alo, ahi] = L.pair(f.arg(inst, 0));
    const [blo, bhi] = pairOf(L, operandB(L, inst));
    const [dlo, dhi] = L.outPair();
    const o = inv ? INVERTED[op] : op;
    L.emit(aluRRR(o, 1, dlo, alo, blo));
    L.emit(aluRRR(o, 1, dhi, ahi, bhi));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  let a: Value = f.arg(inst, 0);
  const ob = operandB(L, inst);
  if (ob.k !== null) {
    const k: [number, number] = inv ? [~ob.k[0], ~ob.k[1]] : ob.k;
    const e = logicalImmOf(k, t);
    if (e >= 0) {
      L.emit(aluRRImmLogic(op, sf, L.out(), L.gpr(a), e));
      return true;
    }
  }
  let b = ob.v;
  if (b !== null && ob.k === null && !inv) {
    if ((notOperand(L, a) !== null || shiftedOperand(L, a, t) !== null) && notOperand(L, b) === null && shiftedOperand(L, b, t) === null) [a, b] = [b, a];
    const n = notOperand(L, b);
    if (n !== null) {
      L.emit(aluRRR(INVERTED[op], sf, L.out(), L.gpr(a), L.gpr(n)));
      return true;
    }
    const sh = shiftedOperand(L, b, t);
    if (sh !== null) {
      L.emit(aluRRR(op, sf, L.out(), L.gpr(a), L.gpr(sh.x), Shift.LSL, sh.k));
      return true;
    }
  }
  L.emit(aluRRR(inv ? INVERTED[op] : op, sf, L.out(), L.gpr(a), regOf(L, ob, sf)));
  return true;
}

function bnot(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.emit(aluRRR(AluOp.Orn, 1, dlo, xzr, lo));
    L.emit(aluRRR(AluOp.Orn, 1, dhi, xzr, hi));
    return true;
  }
  if (!isScalarInt(t)) return false;
  L.emit(aluRRR(AluOp.Orn, sfOf(t), L.out(), xzr, L.gpr(L.f.arg(inst, 0))));
  return true;
}

function bitselect(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  if (t === I128) {
    const [clo, chi] = L.pair(f.arg(inst, 0));
    const [xlo, xhi] = L.pair(f.arg(inst, 1));
    const [ylo, yhi] = L.pair(f.arg(inst, 2));
    const [dlo, dhi] = L.outPair();
    for (const [c, x, y, d] of [[clo, xlo, ylo, dlo], [chi, xhi, yhi, dhi]]) {
      const a = L.tmp();
      const b2 = L.tmp();
      L.emit(aluRRR(AluOp.And, 1, a, x, c));
      L.emit(aluRRR(AluOp.Bic, 1, b2, y, c));
      L.emit(aluRRR(AluOp.Orr, 1, d, a, b2));
    }
    return true;
  }
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  const c = L.gpr(f.arg(inst, 0));
  const a = L.tmp();
  const b2 = L.tmp();
  L.emit(aluRRR(AluOp.And, sf, a, L.gpr(f.arg(inst, 1)), c));
  L.emit(aluRRR(AluOp.Bic, sf, b2, L.gpr(f.arg(inst, 2)), c));
  L.emit(aluRRR(AluOp.Orr, sf, L.out(), a, b2));
  return true;
}

// ------------------------------------------------------------------ shifts and rotates

const SHIFT_DP2: Record<number, number> = { [ISHL]: Dp2Op.Lslv, [USHR]: Dp2Op.Lsrv, [SSHR]: Dp2Op.Asrv };

/** The shift amount of a shift/rotate: a register (the low half of an i128), or a constant. */
function amountOf(L: A64Lower, inst: Inst): { r: number; k: number | null } {
  const f = L.f;
  if (f.argCount(inst) === 1) return { r: -1, k: f.instImm1[inst] };
  const v = f.arg(inst, 1);
  const c = L.constOf(v);
  if (c !== null) return { r: -1, k: c[0] };
  const at = f.valueType[f.resolveAliases(v)] as Type;
  if (at === I128) return { r: L.pair(v)[0], k: null };
  return { r: L.gpr(v), k: null };
}

/** rd <- rn shifted by immediate k (already reduced mod the width) for a scalar type. */
function shiftImm(L: A64Lower, op: number, t: Type, rd: number, rn: number, k: number): void {
  const bits = bitsOf(t);
  const sf = sfOf(t);
  const w = sf ? 64 : 32;
  if (k === 0) {
    if (op === ISHL || op === ISHL_IMM || bits >= 32) {
      L.move(rd, rn);
      return;
    }
  }
  if (op === ISHL || op === ISHL_IMM) L.emit(bitfield(BfOp.Ubfm, sf, rd, rn, (w - k) % w, w - 1 - k));
  else L.emit(bitfield(op === SSHR || op === SSHR_IMM ? BfOp.Sbfm : BfOp.Ubfm, sf, rd, rn, k, bits - 1));
}

function shiftRule(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const opc = f.instOpcode[inst];
  const op = opc === ISHL_IMM ? ISHL : opc === USHR_IMM ? USHR : opc === SSHR_IMM ? SSHR : opc;
  if (t === I128) {
    const amt = amountOf(L, inst);
    const x = L.pair(f.arg(inst, 0));
    const r = amt.k !== null ? L.constReg(amt.k & 127, 0) : amt.r;
    shift128(L, op, x, r, L.outPair());
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const amt = amountOf(L, inst);
  const rn = L.gpr(f.arg(inst, 0));
  if (amt.k !== null) {
    shiftImm(L, op, t, L.out(), rn, amt.k & (bits - 1));
    return true;
  }
  const sf = sfOf(t);
  if (bits >= 32) {
    L.emit(dp2(SHIFT_DP2[op], sf, L.out(), rn, amt.r));
    return true;
  }
  const m = L.tmp();
  L.emit(aluRRImmLogic(AluOp.And, 0, m, amt.r, encodeLogicalImm(bits - 1, 0, 32)));
  L.emit(dp2(SHIFT_DP2[op], 0, L.out(), op === ISHL ? rn : extendTo32(L, rn, t, op === SSHR), m));
  return true;
}

/** i128 shifts by a register amount (mod 128): `x` (lo, hi) into `d` (lo, hi). */
export function shift128(L: A64Lower, op: number, [lo, hi]: [number, number], a: number, [dlo, dhi]: [number, number]): void {
  const inv = L.tmp();
  L.emit(aluRRR(AluOp.Orn, 1, inv, xzr, a));
  if (op === ISHL) {
    const los = L.tmp();
    const his = L.tmp();
    const t1 = L.tmp();
    const t2 = L.tmp();
    const hi2 = L.tmp();
    L.emit(dp2(Dp2Op.Lslv, 1, los, lo, a));
    L.emit(dp2(Dp2Op.Lslv, 1, his, hi, a));
    L.emit(bitfield(BfOp.Ubfm, 1, t1, lo, 1, 63));
    L.emit(dp2(Dp2Op.Lsrv, 1, t2, t1, inv));
    L.emit(aluRRR(AluOp.Orr, 1, hi2, his, t2));
    L.emit(aluRRImmLogic(AluOp.Ands, 1, xzr, a, encodeLogicalImm(64, 0, 64)));
    L.emit(csel(CSelOp.Csel, 1, dlo, xzr, los, Cond.NE));
    L.emit(csel(CSelOp.Csel, 1, dhi, los, hi2, Cond.NE));
    return;
  }
  const los = L.tmp();
  const his = L.tmp();
  const t1 = L.tmp();
  const t2 = L.tmp();
  const lo2 = L.tmp();
  L.emit(dp2(Dp2Op.Lsrv, 1, los, lo, a));
  L.emit(dp2(op === SSHR ? Dp2Op.Asrv : Dp2Op.Lsrv, 1, his, hi, a));
  L.emit(aluRRR(AluOp.Add, 1, t1, hi, hi));
  L.emit(dp2(Dp2Op.Lslv, 1, t2, t1, inv));
  L.emit(aluRRR(AluOp.Orr, 1, lo2, los, t2));
  let fill: number = xzr;
  if (op === SSHR) {
    fill = L.tmp();
    L.emit(bitfield(BfOp.Sbfm, 1, fill, hi, 63, 63));
  }
  L.emit(aluRRImmLogic(AluOp.Ands, 1, xzr, a, encodeLogicalImm(64, 0, 64)));
  L.emit(csel(CSelOp.Csel, 1, dlo, his, lo2, Cond.NE));
  L.emit(csel(CSelOp.Csel, 1, dhi, fill, his, Cond.NE));
}

function rotateRule(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const opc = f.instOpcode[inst];
  const left = opc === ROTL || opc === ROTL_IMM;
  const amt = amountOf(L, inst);
  if (t === I128) {
    const x = L.pair(f.arg(inst, 0));
    const r = amt.k !== null ? L.constReg(amt.k & 127, 0) : amt.r;
    const neg = L.tmp();
    L.emit(aluRRR(AluOp.Sub, 1, neg, xzr, r));
    const a1: [number, number] = [L.tmp(), L.tmp()];
    const a2: [number, number] = [L.tmp(), L.tmp()];
    shift128(L, left ? ISHL : USHR, x, r, a1);
    shift128(L, left ? USHR : ISHL, x, neg, a2);
    const [dlo, dhi] = L.outPair();
    L.emit(aluRRR(AluOp.Orr, 1, dlo, a1[0], a2[0]));
    L.emit(aluRRR(AluOp.Orr, 1, dhi, a1[1], a2[1]));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const sf = sfOf(t);
  const rn = L.gpr(f.arg(inst, 0));
  if (bits >= 32) {
    if (amt.k !== null) {
      const k = amt.k & (bits - 1);
      const r = left ? (bits - k) % bits : k;
      L.emit(extr(sf, L.out(), rn, rn, r));
      return true;
    }
    let r = amt.r;
    if (left) {
      r = L.tmp();
      L.emit(aluRRR(AluOp.Sub, sf, r, xzr, amt.r));
    }
    L.emit(dp2(Dp2Op.Rorv, sf, L.out(), rn, r));
    return true;
  }
  // i8/i16: (x << k) | (x >> (bits - k)) on the zero-extended value.
  const x = extendTo32(L, rn, t, false);
  const a = L.tmp();
  const c = L.tmp();
  if (amt.k !== null) {
    const k = amt.k & (bits - 1);
    if (k === 0) {
      L.move(L.out(), rn);
      return true;
    }
    const [kl, kr] = left ? [k, bits - k] : [bits - k, k];
    L.emit(bitfield(BfOp.Ubfm, 0, a, x, (32 - kl) % 32, 31 - kl));
    L.emit(bitfield(BfOp.Ubfm, 0, c, x, kr, 31));
    L.emit(aluRRR(AluOp.Orr, 0, L.out(), a, c));
    return true;
  }
  const k = L.tmp();
  const nk = L.tmp();
  L.emit(aluRRImmLogic(AluOp.And, 0, k, amt.r, encodeLogicalImm(bits - 1, 0, 32)));
  const kb = L.constReg(bits, 0, 0);
  L.emit(aluRRR(AluOp.Sub, 0, nk, kb, k));
  L.emit(dp2(Dp2Op.Lslv, 0, a, x, left ? k : nk));
  L.emit(dp2(Dp2Op.Lsrv, 0, c, x, left ? nk : k));
  L.emit(aluRRR(AluOp.Orr, 0, L.out(), a, c));
  return true;
}

// ------------------------------------------------------------------ bit counting and reversal

function bitrev(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.emit(dp1(Dp1Op.Rbit, 1, dlo, hi));
    L.emit(dp1(Dp1Op.Rbit, 1, dhi, lo));
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const rn = L.gpr(L.f.arg(inst, 0));
  if (bits >= 32) {
    L.emit(dp1(Dp1Op.Rbit, sfOf(t), L.out(), rn));
    return true;
  }
  const r = L.tmp();
  L.emit(dp1(Dp1Op.Rbit, 0, r, rn));
  L.emit(bitfield(BfOp.Ubfm, 0, L.out(), r, 32 - bits, 31));
  return true;
}

function bswap(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.emit(dp1(Dp1Op.Rev, 1, dlo, hi));
    L.emit(dp1(Dp1Op.Rev, 1, dhi, lo));
    return true;
  }
  if (!isScalarInt(t) || t === I8) return false;
  L.emit(dp1(t === I16 ? Dp1Op.Rev16 : Dp1Op.Rev, sfOf(t), L.out(), L.gpr(L.f.arg(inst, 0))));
  return true;
}

function clz(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const ch = L.tmp();
    const cl = L.tmp();
    const cl64 = L.tmp();
    L.emit(dp1(Dp1Op.Clz, 1, ch, hi));
    L.emit(dp1(Dp1Op.Clz, 1, cl, lo));
    L.emit(aluRRImm12(AluOp.Add, 1, cl64, cl, 64));
    L.emit(aluRRImm12(AluOp.Subs, 1, xzr, hi, 0));
    L.emit(csel(CSelOp.Csel, 1, dlo, cl64, ch, Cond.EQ));
    L.constInto(dhi, 0, 0);
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const rn = L.gpr(L.f.arg(inst, 0));
  if (bits >= 32) {
    L.emit(dp1(Dp1Op.Clz, sfOf(t), L.out(), rn));
    return true;
  }
  const c = L.tmp();
  L.emit(dp1(Dp1Op.Clz, 0, c, extendTo32(L, rn, t, false)));
  L.emit(aluRRImm12(AluOp.Sub, 0, L.out(), c, 32 - bits));
  return true;
}

function cls(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const ch = L.tmp();
    const sign = L.tmp();
    const x = L.tmp();
    const cl = L.tmp();
    const sum = L.tmp();
    L.emit(dp1(Dp1Op.Cls, 1, ch, hi));
    L.emit(bitfield(BfOp.Sbfm, 1, sign, hi, 63, 63));
    L.emit(aluRRR(AluOp.Eor, 1, x, lo, sign));
    L.emit(dp1(Dp1Op.Clz, 1, cl, x));
    L.emit(aluRRImm12(AluOp.Add, 1, sum, cl, 63));
    L.emit(aluRRImm12(AluOp.Subs, 1, xzr, ch, 63));
    L.emit(csel(CSelOp.Csel, 1, dlo, sum, ch, Cond.EQ));
    L.constInto(dhi, 0, 0);
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const rn = L.gpr(L.f.arg(inst, 0));
  if (bits >= 32) {
    L.emit(dp1(Dp1Op.Cls, sfOf(t), L.out(), rn));
    return true;
  }
  const c = L.tmp();
  L.emit(dp1(Dp1Op.Cls, 0, c, extendTo32(L, rn, t, true)));
  L.emit(aluRRImm12(AluOp.Sub, 0, L.out(), c, 32 - bits));
  return true;
}

function ctz(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const rl = L.tmp();
    const rh = L.tmp();
    const cl = L.tmp();
    const ch = L.tmp();
    const ch64 = L.tmp();
    L.emit(dp1(Dp1Op.Rbit, 1, rl, lo));
    L.emit(dp1(Dp1Op.Clz, 1, cl, rl));
    L.emit(dp1(Dp1Op.Rbit, 1, rh, hi));
    L.emit(dp1(Dp1Op.Clz, 1, ch, rh));
    L.emit(aluRRImm12(AluOp.Add, 1, ch64, ch, 64));
    L.emit(aluRRImm12(AluOp.Subs, 1, xzr, lo, 0));
    L.emit(csel(CSelOp.Csel, 1, dlo, ch64, cl, Cond.EQ));
    L.constInto(dhi, 0, 0);
    return true;
  }
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const sf = sfOf(t);
  let rn = L.gpr(L.f.arg(inst, 0));
  if (bits < 32) {
    // A bit just above the type stops the count at its width.
    const o = L.tmp();
    L.emit(aluRRImmLogic(AluOp.Orr, 0, o, rn, encodeLogicalImm(1 << bits, 0, 32)));
    rn = o;
  }
  const r = L.tmp();
  L.emit(dp1(Dp1Op.Rbit, sf, r, rn));
  L.emit(dp1(Dp1Op.Clz, sf, L.out(), r));
  return true;
}

function popcnt(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  if (t === I128) {
    const [lo, hi] = L.pair(f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const v = L.vtmp();
    const c = L.vtmp();
    const s = L.vtmp();
    L.emit(fmovFromGpr(FpSize.D, v, lo));
    const v2 = L.vtmp();
    L.emitMod(vec(V.insg, Arr.D2, v2, hi, -1, 1), v);
    L.emit(vec(V.cnt, Arr.B16, c, v2));
    L.emit(vec(V.addv, Arr.B16, s, c));
    L.emit(vec(V.umov, Arr.B16, dlo, s, -1, 0, 0));
    L.constInto(dhi, 0, 0);
    return true;
  }
  if (!isScalarInt(t)) return false;
  let rn = L.gpr(f.arg(inst, 0));
  if (t === I8 || t === I16) rn = extendTo32(L, rn, t, false);
  const v = L.vtmp();
  const c = L.vtmp();
  const s = L.vtmp();
  L.emit(fmovFromGpr(t === I64 ? FpSize.D : FpSize.S, v, rn));
  L.emit(vec(V.cnt, Arr.B8, c, v));
  L.emit(vec(V.addv, Arr.B8, s, c));
  L.emit(vec(V.umov, Arr.B16, L.out(), s, -1, 0, 0));
  return true;
}

// ------------------------------------------------------------------ compares and selects

function icmpRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  if (!isScalarInt(t) && t !== I128) return false;
  const cc = f.instImm0[inst] as IntCC;
  const c = f.instOpcode[inst] === ICMP
    ? lowerIcmp(L, cc, f.arg(inst, 0), f.arg(inst, 1), 0, 0, t)
    : lowerIcmp(L, cc, f.arg(inst, 0), null, f.instImm1[inst], f.instImm2[inst], t);
  materializeCond(L, L.out(), c);
  return true;
}

function selectRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const condT = argType(L, inst, 0);
  if (isVector(condT)) return false;
  const c = singleCond(L, condOf(L, f.arg(inst, 0)));
  selectInto(L, t, c, regsOf(L, f.arg(inst, 1)), regsOf(L, f.arg(inst, 2)), regsOf(L, L.ctx.result(0)));
  if (L.features.csdb && f.instOpcode[inst] === SELECT_SPECTRE_GUARD) L.emit(sys(SysOp.Csdb));
  return true;
}

/** dst <- cond ? a : b for a value of type `t` (flags already set). */
export function selectInto(L: A64Lower, t: Type, cond: Cond, a: readonly number[], b: readonly number[], dst: readonly number[]): void {
  if (t === I128) {
    L.emit(csel(CSelOp.Csel, 1, dst[0], a[0], b[0], cond));
    L.emit(csel(CSelOp.Csel, 1, dst[1], a[1], b[1], cond));
    return;
  }
  if (isScalarInt(t)) {
    L.emit(csel(CSelOp.Csel, sfOf(t), dst[0], a[0], b[0], cond));
    return;
  }
  if (t === F16 || t === F32 || t === F64 || (isVector(t) && bytes(t) <= 8)) {
    // fcsel on the 32 or 64 low bits (f16 and small vectors travel in the low bits of an s/d register).
    L.emit(fpCsel(bytes(t) === 8 ? FpSize.D : FpSize.S, dst[0], a[0], b[0], cond));
    return;
  }
  // 128-bit values: a mask from the condition, then a bitwise select.
  const m = L.tmp();
  const vm = L.vtmp();
  L.emit(csel(CSelOp.Csinv, 1, m, xzr, xzr, invertCond(cond)));
  L.emit(vec(V.dupg, Arr.D2, vm, m));
  L.emitMod(vec(V.bsl, Arr.B16, dst[0], a[0], b[0]), vm);
}

function bmask(L: A64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const c = singleCond(L, condOf(L, L.f.arg(inst, 0)));
  if (t === I128) {
    const [dlo, dhi] = L.outPair();
    L.emit(csel(CSelOp.Csinv, 1, dlo, xzr, xzr, invertCond(c)));
    L.move(dhi, dlo);
    return true;
  }
  if (!isScalarInt(t)) return false;
  L.emit(csel(CSelOp.Csinv, sfOf(t), L.out(), xzr, xzr, invertCond(c)));
  return true;
}

function minmax(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const cc = op === SMIN ? IntCC.Slt : op === SMAX ? IntCC.Sgt : op === UMIN ? IntCC.Ult : IntCC.Ugt;
  if (t === I128) {
    const c = lowerIcmp(L, cc, f.arg(inst, 0), f.arg(inst, 1), 0, 0, t);
    selectInto(L, t, c.c, L.pair(f.arg(inst, 0)), L.pair(f.arg(inst, 1)), L.outPair());
    return true;
  }
  if (!isScalarInt(t)) return false;
  const signed = op === SMIN || op === SMAX;
  const a = extendTo32(L, L.gpr(f.arg(inst, 0)), t, signed);
  const b = extendTo32(L, L.gpr(f.arg(inst, 1)), t, signed);
  const sf = sfOf(t);
  L.emit(aluRRR(AluOp.Subs, sf, xzr, a, b));
  L.emit(csel(CSelOp.Csel, sf, L.out(), a, b, intCond(cc)));
  return true;
}

// ------------------------------------------------------------------ extensions and splits

function extend(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const st = argType(L, inst, 0);
  const signed = f.instOpcode[inst] === SEXTEND;
  if (!isScalarInt(st)) return false;
  const rn = L.gpr(f.arg(inst, 0));
  const extTo = (rd: number, sf: 0 | 1): void => {
    if (st === I64) L.move(rd, rn);
    else if (st === I32) {
      if (signed) L.emit(bitfield(BfOp.Sbfm, 1, rd, rn, 0, 31));
      else L.emit(aluRRR(AluOp.Orr, 0, rd, xzr, rn));
    } else L.emit(bitfield(signed ? BfOp.Sbfm : BfOp.Ubfm, signed ? sf : 0, rd, rn, 0, st === I8 ? 7 : 15));
  };
  if (t === I128) {
    const [dlo, dhi] = L.outPair();
    extTo(dlo, 1);
    if (signed) L.emit(bitfield(BfOp.Sbfm, 1, dhi, dlo, 63, 63));
    else L.constInto(dhi, 0, 0);
    return true;
  }
  if (!isScalarInt(t)) return false;
  extTo(L.out(), sfOf(t));
  return true;
}

function ireduce(L: A64Lower, inst: Inst): boolean {
  const st = argType(L, inst, 0);
  const src = st === I128 ? L.pair(L.f.arg(inst, 0))[0] : L.gpr(L.f.arg(inst, 0));
  L.move(L.out(), src);
  return true;
}

function isplit(L: A64Lower, inst: Inst): boolean {
  if (argType(L, inst, 0) !== I128) return false;
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  L.move(L.out(0), lo);
  L.move(L.out(1), hi);
  return true;
}

function iconcat(L: A64Lower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [dlo, dhi] = L.outPair();
  L.move(dlo, L.gpr(L.f.arg(inst, 0)));
  L.move(dhi, L.gpr(L.f.arg(inst, 1)));
  return true;
}

// ------------------------------------------------------------------ overflow arithmetic

function overflowRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const t = resultType(L, inst);
  if (t === I128) return overflow128(L, inst);
  if (!isScalarInt(t)) return false;
  const bits = bitsOf(t);
  const sf = sfOf(t);
  const signed = op === SADD_OVERFLOW || op === SSUB_OVERFLOW || op === SMUL_OVERFLOW || op === SADD_OVERFLOW_CIN || op === SSUB_OVERFLOW_BIN;
  const isAdd = op === UADD_OVERFLOW || op === SADD_OVERFLOW || op === UADD_OVERFLOW_CIN || op === SADD_OVERFLOW_CIN;
  const isMul = op === UMUL_OVERFLOW || op === SMUL_OVERFLOW;
  const carryIn = op === UADD_OVERFLOW_CIN || op === SADD_OVERFLOW_CIN || op === USUB_OVERFLOW_BIN || op === SSUB_OVERFLOW_BIN;
  const out = L.out(0);
  const ovf = L.out(1);
  let a = L.gpr(f.arg(inst, 0));
  let b = L.gpr(f.arg(inst, 1));
  const setCarry = (): void => {
    // C = carry-in (adc), or C = NOT borrow-in (sbc). The flag operand is an i8: its low byte.
    const cin = extendTo32(L, L.gpr(f.arg(inst, 2)), I8, false);
    if (isAdd) L.emit(aluRRImm12(AluOp.Subs, 0, xzr, cin, 1));
    else L.emit(aluRRR(AluOp.Subs, 0, xzr, xzr, cin));
  };
  if (bits >= 32 && !isMul) {
    if (carryIn) {
      setCarry();
      L.emit(aluRRR(isAdd ? AluOp.Adcs : AluOp.Sbcs, sf, out, a, b));
    } else L.emit(aluRRR(isAdd ? AluOp.Adds : AluOp.Subs, sf, out, a, b));
    materializeCond(L, ovf, { c: signed ? Cond.VS : isAdd ? Cond.HS : Cond.LO, c2: -1 });
    return true;
  }
  if (isMul && t === I64) {
    const hi = L.tmp();
    L.emit(dp3(Dp3Op.Madd, 1, out, a, b, xzr));
    L.emit(dp3(signed ? Dp3Op.Smulh : Dp3Op.Umulh, 1, hi, a, b, xzr));
    if (signed) L.emit(aluRRR(AluOp.Subs, 1, xzr, hi, out, Shift.ASR, 63));
    else L.emit(aluRRImm12(AluOp.Subs, 1, xzr, hi, 0));
    materializeCond(L, ovf, { c: Cond.NE, c2: -1 });
    return true;
  }
  if (isMul && t === I32) {
    const p = L.tmp();
    L.emit(dp3(signed ? Dp3Op.Smaddl : Dp3Op.Umaddl, 1, p, a, b, xzr));
    L.emit(aluRRRExtend(AluOp.Subs, 1, xzr, p, p, signed ? Extend.SXTW : Extend.UXTW));
    materializeCond(L, ovf, { c: Cond.NE, c2: -1 });
    L.move(out, p);
    return true;
  }
  // i8/i16: the exact result in 32 bits, checked against the type's range.
  a = extendTo32(L, a, t, signed);
  b = extendTo32(L, b, t, signed);
  const r = L.tmp();
  if (isMul) L.emit(dp3(Dp3Op.Madd, 0, r, a, b, xzr));
  else if (carryIn) {
    setCarry();
    L.emit(aluRRR(isAdd ? AluOp.Adc : AluOp.Sbc, 0, r, a, b));
  } else L.emit(aluRRR(isAdd ? AluOp.Add : AluOp.Sub, 0, r, a, b));
  const ext = bits === 8 ? (signed ? Extend.SXTB : Extend.UXTB) : signed ? Extend.SXTH : Extend.UXTH;
  L.emit(aluRRRExtend(AluOp.Subs, 0, xzr, r, r, ext));
  materializeCond(L, ovf, { c: Cond.NE, c2: -1 });
  L.move(out, r);
  return true;
}

function overflow128(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  if (op === UMUL_OVERFLOW || op === SMUL_OVERFLOW) return false;
  const signed = op === SADD_OVERFLOW || op === SSUB_OVERFLOW || op === SADD_OVERFLOW_CIN || op === SSUB_OVERFLOW_BIN;
  const isAdd = op === UADD_OVERFLOW || op === SADD_OVERFLOW || op === UADD_OVERFLOW_CIN || op === SADD_OVERFLOW_CIN;
  const carryIn = op === UADD_OVERFLOW_CIN || op === SADD_OVERFLOW_CIN || op === USUB_OVERFLOW_BIN || op === SSUB_OVERFLOW_BIN;
  const [alo, ahi] = L.pair(f.arg(inst, 0));
  const [blo, bhi] = L.pair(f.arg(inst, 1));
  const [dlo, dhi] = L.outPair(0);
  if (carryIn) {
    const cin = extendTo32(L, L.gpr(f.arg(inst, 2)), I8, false);
    if (isAdd) L.emit(aluRRImm12(AluOp.Subs, 0, xzr, cin, 1));
    else L.emit(aluRRR(AluOp.Subs, 0, xzr, xzr, cin));
    L.emit(aluRRR(isAdd ? AluOp.Adcs : AluOp.Sbcs, 1, dlo, alo, blo));
  } else L.emit(aluRRR(isAdd ? AluOp.Adds : AluOp.Subs, 1, dlo, alo, blo));
  L.emit(aluRRR(isAdd ? AluOp.Adcs : AluOp.Sbcs, 1, dhi, ahi, bhi));
  materializeCond(L, L.out(1), { c: signed ? Cond.VS : isAdd ? Cond.HS : Cond.LO, c2: -1 });
  return true;
}

function uaddOverflowTrap(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (!isScalarInt(t)) return false;
  const label = L.trapLabel(f.instImm0[inst]);
  const a = L.gpr(f.arg(inst, 0));
  const b = L.gpr(f.arg(inst, 1));
  if (t === I32 || t === I64) {
    L.emit(aluRRR(AluOp.Adds, sfOf(t), L.out(), a, b));
    L.emit(bcond(Cond.HS, label));
    return true;
  }
  const r = L.tmp();
  L.emit(aluRRR(AluOp.Add, 0, r, extendTo32(L, a, t, false), extendTo32(L, b, t, false)));
  L.emit(aluRRRExtend(AluOp.Subs, 0, xzr, r, r, t === I8 ? Extend.UXTB : Extend.UXTH));
  L.emit(bcond(Cond.NE, label));
  L.move(L.out(), r);
  return true;
}

// ------------------------------------------------------------------ division

const INT_DIVZ = 252;
const INT_OVF = 253;

function divRem(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const signed = op === SDIV || op === SREM || op === SDIV_IMM || op === SREM_IMM;
  const rem = op === UREM || op === SREM || op === UREM_IMM || op === SREM_IMM;
  if (t === I128) return divRem128(L, inst, signed, rem);
  if (!isScalarInt(t)) return false;
  const sf = sfOf(t);
  const bits = bitsOf(t);
  const a = extendTo32(L, L.gpr(f.arg(inst, 0)), t, signed);
  const ob = operandB(L, inst);
  const b = extendTo32(L, regOf(L, ob, sf), t, signed);
  const nonzero = ob.k !== null && (ob.k[0] !== 0 || (sf === 1 && ob.k[1] !== 0));
  if (!nonzero) L.emit(cbz(false, sf, b, L.trapLabel(INT_DIVZ)));
  if (signed && !rem && bits >= 32 && !(ob.k !== null && !(ob.k[0] === -1 && (sf === 0 || ob.k[1] === -1)))) {
    // INT_MIN / -1 overflows: b == -1 (cmn b, #1), then a == INT_MIN (a - 1 overflows).
    L.emit(aluRRImm12(AluOp.Adds, sf, xzr, b, 1));
    L.emit(ccmpImm(sf, a, 1, 0, Cond.EQ));
    L.emit(bcond(Cond.VS, L.trapLabel(INT_OVF)));
  }
  const q = rem ? L.tmp() : L.out();
  if (signed && !rem && bits < 32) {
    const q32 = L.tmp();
    L.emit(dp2(Dp2Op.Sdiv, 0, q32, a, b));
    // The 32-bit quotient of the extended values fits the type unless it is INT_MIN / -1.
    L.emit(aluRRRExtend(AluOp.Subs, 0, xzr, q32, q32, bits === 8 ? Extend.SXTB : Extend.SXTH));
    L.emit(bcond(Cond.NE, L.trapLabel(INT_OVF)));
    L.move(q, q32);
    return true;
  }
  L.emit(dp2(signed ? Dp2Op.Sdiv : Dp2Op.Udiv, sf, q, a, b));
  if (rem) L.emit(dp3(Dp3Op.Msub, sf, L.out(), q, b, a));
  return true;
}

function divRem128(L: A64Lower, inst: Inst, signed: boolean, rem: boolean): boolean {
  const f = L.f;
  const [alo, ahi] = L.pair(f.arg(inst, 0));
  const [blo, bhi] = pairOf(L, operandB(L, inst));
  const z = L.tmp();
  L.emit(aluRRR(AluOp.Orr, 1, z, blo, bhi));
  L.emit(cbz(false, 1, z, L.trapLabel(INT_DIVZ)));
  if (signed && !rem) {
    // b == -1 and a == INT128_MIN: (blo & bhi) == -1, alo == 0, ahi == 1 << 63.
    const m = L.tmp();
    const k = L.tmp();
    L.emit(aluRRR(AluOp.And, 1, m, blo, bhi));
    L.emit(aluRRImm12(AluOp.Adds, 1, xzr, m, 1));
    L.emit(ccmpImm(1, alo, 0, 0, Cond.EQ));
    L.emit(loadConst(1, k, 0, 0x80000000 | 0));
    L.emit(ccmp(1, ahi, k, 0, Cond.EQ));
    L.emit(bcond(Cond.EQ, L.trapLabel(INT_OVF)));
  }
  const name = signed ? (rem ? '__modti3' : '__divti3') : rem ? '__umodti3' : '__udivti3';
  libcall(L, name, [I128, I128], [[alo, ahi], [blo, bhi]], [I128], [L.outPair()]);
  return true;
}

// ------------------------------------------------------------------ memory, stack, globals

function loadRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const op = f.instOpcode[inst];
  const flags = f.instImm0[inst];
  const offset = f.instImm1[inst];
  if (op === LOAD) {
    loadValue(L, t, regsOf(L, L.ctx.result(0)), f.arg(inst, 0), offset, flags);
    return true;
  }
  // Extending loads.
  const wide = t === I128 ? I64 : t;
  const narrow = op === ULOAD8 || op === SLOAD8 ? I8 : op === ULOAD16 || op === SLOAD16 ? I16 : I32;
  const signed = op === SLOAD8 || op === SLOAD16 || op === SLOAD32;
  let row: number;
  if (narrow === I8) row = signed ? (wide === I64 ? LdStOp.LdsBX : LdStOp.LdsBW) : LdStOp.LdB;
  else if (narrow === I16) row = signed ? (wide === I64 ? LdStOp.LdsHX : LdStOp.LdsHW) : LdStOp.LdH;
  else row = signed ? LdStOp.LdsWX : LdStOp.LdW;
  checkLittleEndian(L, flags);
  const dst = t === I128 ? L.outPair()[0] : L.out();
  const i = ldst(row, dst, -1, 0);
  setAddress(L, i, f.arg(inst, 0), offset, narrow === I8 ? 1 : narrow === I16 ? 2 : 4);
  i.trap = trapOf(flags);
  L.emit(i);
  if (t === I128) {
    const hi = L.outPair()[1];
    if (signed) L.emit(bitfield(BfOp.Sbfm, 1, hi, dst, 63, 63));
    else L.constInto(hi, 0, 0);
  }
  return true;
}

function storeRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const v = f.arg(inst, 0);
  const t = argType(L, inst, 0);
  const flags = f.instImm0[inst];
  const offset = f.instImm1[inst];
  if (op === STORE) {
    storeValue(L, t, regsOf(L, v), f.arg(inst, 1), offset, flags);
    return true;
  }
  const narrow = op === ISTORE8 ? I8 : op === ISTORE16 ? I16 : I32;
  const src = t === I128 ? L.pair(v)[0] : L.gpr(v);
  storeValue(L, narrow, [src], f.arg(inst, 1), offset, flags);
  return true;
}

function stackLoad(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  loadFrame(L, t, regsOf(L, L.ctx.result(0)), AddrMode.Slot, L.slotOffset(f.instImm0[inst]) + f.instImm1[inst]);
  return true;
}

function stackStore(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const v = f.arg(inst, 0);
  storeFrame(L, argType(L, inst, 0), regsOf(L, v), AddrMode.Slot, L.slotOffset(f.instImm0[inst]) + f.instImm1[inst]);
  return true;
}

/** The slot-area offset of dynamic stack slot `dss`. */
function dynamicSlotOffset(L: A64Lower, dss: number): number {
  const id = L.dynamicSlots[dss];
  if (id === undefined) L.unsupported(`dynamic stack slot dss${dss}`);
  return L.slotOffset(id);
}

function dynamicStack(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const off = dynamicSlotOffset(L, f.instImm0[inst]);
  if (op === DYNAMIC_STACK_ADDR) L.emit(stackAddr(L.out(), AddrMode.Slot, off));
  else if (op === DYNAMIC_STACK_LOAD) loadFrame(L, resultType(L, inst), regsOf(L, L.ctx.result(0)), AddrMode.Slot, off);
  else storeFrame(L, argType(L, inst, 0), regsOf(L, f.arg(inst, 0)), AddrMode.Slot, off);
  return true;
}

function stackAddrRule(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  L.emit(stackAddr(L.out(), AddrMode.Slot, L.slotOffset(f.instImm0[inst]) + f.instImm1[inst]));
  return true;
}

function globalValueInto(L: A64Lower, gv: number, dst: number, depth = 0): void {
  const f = L.f;
  const g = f.globalValues[gv];
  if (g === undefined || depth > 32) L.unsupported(`global value gv${gv}`);
  switch (g.kind) {
    case 'vmctx': {
      const idx = f.signature.params.findIndex((p) => p.purpose === 'vmctx');
      if (idx < 0) L.unsupported('vmctx global value without a vmctx parameter');
      const entry = f.entryBlock();
      L.move(dst, L.gpr(f.blockParams[entry as number][idx]));
      return;
    }
    case 'load': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const off = Number(g.offset);
      const i = ldst(g.globalType === I32 ? LdStOp.LdW : LdStOp.LdX, dst, base, 0);
      if (off >= -256 && off < 32760 && (off % 8 === 0 || (off >= -256 && off <= 255))) i.imm = off;
      else {
        const a = L.tmp();
        addImm(L, a, base, off);
        i.rn = a;
      }
      L.emit(i);
      return;
    }
    case 'iadd_imm': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      addImm(L, dst, base, Number(g.offset));
      return;
    }
    case 'dyn_scale_target_const':
      // Advanced SIMD only (no SVE): every dynamic vector type has scale 1.
      L.constInto(dst, 1, 0);
      return;
    case 'symbol':
      if (g.tls) L.unsupported('thread-local symbol (use tls_value)');
      symbolAddr(L, dst, symbolName(g.name), Number(g.offset), g.colocated);
      return;
    default:
      L.unsupported(`global value kind ${(g as { kind: string }).kind}`);
  }
}

function globalValueRule(L: A64Lower, inst: Inst): boolean {
  globalValueInto(L, L.f.instImm0[inst], L.out());
  return true;
}

function funcAddrRule(L: A64Lower, inst: Inst): boolean {
  const fr = L.f.funcRefs[L.f.instImm0[inst]];
  if (fr === undefined) return false;
  symbolAddr(L, L.out(), symbolName(fr.name), 0, fr.colocated);
  return true;
}

// ------------------------------------------------------------------ frame and machine state

function getFramePointer(L: A64Lower): boolean {
  L.needsFrame = true;
  L.emit(aluRRR(AluOp.Orr, 1, L.out(), xzr, fpReg));
  return true;
}
function getStackPointer(L: A64Lower): boolean {
  L.emit(aluRRImm12(AluOp.Add, 1, L.out(), sp, 0));
  return true;
}
function getReturnAddress(L: A64Lower): boolean {
  L.needsFrame = true;
  if (L.features.signReturn === 'none') {
    L.emit(ldst(LdStOp.LdX, L.out(), fpReg, 8));
    return true;
  }
  // The saved link register is signed: strip the signature (xpaclri works on x30 only; the
  // epilogue restores x30 from the frame record).
  L.emit(ldst(LdStOp.LdX, xreg(30), fpReg, 8));
  L.emit(sys(SysOp.Xpaclri));
  L.emit(aluRRR(AluOp.Orr, 1, L.out(), xzr, xreg(30)));
  return true;
}
function pinnedReg(L: A64Lower, inst: Inst, set: boolean): boolean {
  if (!L.features.pinnedReg) L.unsupported(`${set ? 'set' : 'get'}_pinned_reg without enable_pinned_reg`);
  if (set) L.emit(aluRRR(AluOp.Orr, 1, xreg(21), xzr, L.gpr(L.f.arg(inst, 0))));
  else L.emit(aluRRR(AluOp.Orr, 1, L.out(), xzr, xreg(21)));
  return true;
}

/** Builds the rule table (once per process). */
export function buildRules(): RuleTable<A64Lower> {
  const r = new RuleTable<A64Lower>();
  r.add(ICONST, 'iconst', iconstRule);
  r.add([IADD, IADD_IMM], 'add', (L, i) => addSub(L, i, false));
  r.add(ISUB, 'sub', (L, i) => addSub(L, i, true));
  r.add(IRSUB_IMM, 'irsub_imm', irsubImm);
  r.add([IMUL, IMUL_IMM], 'mul', mul);
  r.add([UMULHI, SMULHI], 'mulhi', mulhi);
  r.add(INEG, 'neg', ineg);
  r.add(IABS, 'abs', iabs);
  r.add([BAND, BOR, BXOR, BAND_IMM, BOR_IMM, BXOR_IMM, BAND_NOT, BOR_NOT, BXOR_NOT], 'logical', logical);
  r.add(BNOT, 'not', bnot);
  r.add(BITSELECT, 'bitselect', bitselect);
  r.add([ISHL, USHR, SSHR, ISHL_IMM, USHR_IMM, SSHR_IMM], 'shift', shiftRule);
  r.add([ROTL, ROTR, ROTL_IMM, ROTR_IMM], 'rotate', rotateRule);
  r.add(BITREV, 'rbit', bitrev);
  r.add(BSWAP, 'rev', bswap);
  r.add(CLZ, 'clz', clz);
  r.add(CLS, 'cls', cls);
  r.add(CTZ, 'ctz', ctz);
  r.add(POPCNT, 'popcnt', popcnt);
  r.add([ICMP, ICMP_IMM], 'icmp', icmpRule);
  r.add([SELECT, SELECT_SPECTRE_GUARD], 'select', selectRule);
  r.add(BMASK, 'bmask', bmask);
  r.add([SMIN, SMAX, UMIN, UMAX], 'minmax', minmax);
  r.add([UEXTEND, SEXTEND], 'extend', extend);
  r.add(IREDUCE, 'ireduce', ireduce);
  r.add(ISPLIT, 'isplit', isplit);
  r.add(ICONCAT, 'iconcat', iconcat);
  r.add([UADD_OVERFLOW, SADD_OVERFLOW, USUB_OVERFLOW, SSUB_OVERFLOW, UMUL_OVERFLOW, SMUL_OVERFLOW, UADD_OVERFLOW_CIN, SADD_OVERFLOW_CIN,
    USUB_OVERFLOW_BIN, SSUB_OVERFLOW_BIN], 'overflow', overflowRule);
  r.add(UADD_OVERFLOW_TRAP, 'uadd_overflow_trap', uaddOverflowTrap);
  r.add([UDIV, SDIV, UREM, SREM, UDIV_IMM, SDIV_IMM, UREM_IMM, SREM_IMM], 'divrem', divRem);
  r.add([LOAD, ULOAD8, SLOAD8, ULOAD16, SLOAD16, ULOAD32, SLOAD32], 'load', loadRule);
  r.add([STORE, ISTORE8, ISTORE16, ISTORE32], 'store', storeRule);
  r.add(STACK_LOAD, 'stack_load', stackLoad);
  r.add(STACK_STORE, 'stack_store', stackStore);
  r.add(STACK_ADDR, 'stack_addr', stackAddrRule);
  r.add([DYNAMIC_STACK_ADDR, DYNAMIC_STACK_LOAD, DYNAMIC_STACK_STORE], 'dynamic stack slots', dynamicStack);
  r.add([GLOBAL_VALUE, SYMBOL_VALUE], 'global_value', globalValueRule);
  r.add(FUNC_ADDR, 'func_addr', funcAddrRule);
  r.add(GET_FRAME_POINTER, 'get_frame_pointer', (L) => getFramePointer(L));
  r.add(GET_STACK_POINTER, 'get_stack_pointer', (L) => getStackPointer(L));
  r.add(GET_RETURN_ADDRESS, 'get_return_address', (L) => getReturnAddress(L));
  r.add(GET_PINNED_REG, 'get_pinned_reg', (L, i) => pinnedReg(L, i, false));
  r.add(SET_PINNED_REG, 'set_pinned_reg', (L, i) => pinnedReg(L, i, true));
  r.add([NOP, SEQUENCE_POINT], 'nop', () => true);
  r.add(FENCE, 'fence', (L) => {
    L.emit(sys(SysOp.DmbIsh));
    return true;
  });
  r.add(DEBUGTRAP, 'debugtrap', (L) => {
    L.emit(brk(0));
    return true;
  });
  addFloatRules(r);
  addSimdRules(r);
  addAtomicRules(r);
  addTlsRules(r);
  return r;
}
