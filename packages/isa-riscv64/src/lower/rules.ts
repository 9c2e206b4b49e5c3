// riscv64 lowering rules: per opcode, pattern functions tried in priority order. Each reads the
// IR instruction through the shared lowering state and emits MInsts with virtual registers.
// This file has the integer, memory, stack and global-value rules and assembles the table from
// the other rule files (i128, bit counting, division, floats, atomics, vectors).

import {
  type Inst, type Type, type Value,
  BAND, BAND_IMM, BAND_NOT, BMASK, BNOT, BOR, BOR_IMM, BOR_NOT, BXOR, BXOR_IMM, BXOR_NOT, F128, F16, F32, F64,
  FUNC_ADDR, GET_FRAME_POINTER, GET_RETURN_ADDRESS, GET_STACK_POINTER, GLOBAL_VALUE, I128, I32, I64, IADD,
  IADD_IMM, ICMP, ICMP_IMM, ICONCAT, ICONST, IMUL, IMUL_IMM, INEG, IREDUCE, IRSUB_IMM, ISHL, ISHL_IMM, ISPLIT,
  ISTORE16, ISTORE32, ISTORE8, ISUB, IntCC, LOAD, NOP, ROTL, ROTL_IMM, ROTR, ROTR_IMM, SELECT, SELECT_SPECTRE_GUARD,
  SEQUENCE_POINT, SEXTEND, SLOAD16, SLOAD32, SLOAD8, SSHR, SSHR_IMM, STACK_ADDR, STACK_LOAD, STACK_STORE, STORE,
  SYMBOL_VALUE, TRAPNZ, TRAPZ, UEXTEND, ULOAD16, ULOAD32, ULOAD8, USHR, USHR_IMM, DEBUGTRAP, FENCE, BITSELECT,
  ENDIAN_BIG, bytes, isVector, memEndianness, memTrapCode,
} from '@windlass/ir';
import { RuleTable } from '@windlass/codegen';
import { RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, branch, fence, load, mk, pseudo, rri, rrr, store } from '../inst/mod';
import * as O from '../inst/ops';
import { fitsImm12 } from '../inst/encode';
import { fp, sp, zero } from '../inst/regs';
import { type RvLower, argType, classOf, isIntScalar, resultType, sextHalves } from './state';
import { condOf, condToReg, cmpOperands, intCond, invert } from './cond';
import { condMove } from './seq';
import { lowerI128Rules } from './i128';
import { lowerBitRules } from './bits';
import { lowerDivRules } from './divide';
import { boxF16, lowerFloatRules } from './float';
import { lowerAtomicRules } from './atomics';
import { lowerAtomic128Rules } from './atomics128';
import { lowerVectorRules } from './vector';
import { lowerOverflowRules } from './overflow';
import { lowerTlsRules } from './tls';
import { lowerStackSwitchRules } from './stack-switch';
import { vecAccess } from './vector-abi';
import { symbolName } from './names';

export { symbolName };

export type LRule = (L: RvLower, inst: Inst) => boolean;

const arg = (L: RvLower, inst: Inst, k: number): Value => L.f.arg(inst, k);
const halves = (L: RvLower, inst: Inst): [number, number] => [L.f.instImm1[inst], L.f.instImm2[inst]];

// ------------------------------------------------------------------ constants

function iconstRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const [lo, hi] = halves(L, inst);
  if (t === I128) {
    const [dlo, dhi] = L.outPair();
    L.constInto(dlo, lo, hi);
    L.constInto(dhi, hi >> 31, hi >> 31);
    return true;
  }
  // Narrow constants are materialized sign-extended from their width (any upper bits would do).
  const s = t === I64 ? null : sextHalves(lo, hi, t)!;
  if (s === null) L.constInto(L.out(), lo, hi);
  else L.constInto(L.out(), s | 0, s < 0 ? -1 : 0);
  return true;
}

// ------------------------------------------------------------------ integer ALU

/** A binary op with register forms `op64`/`op32` (i32: the W form) and an immediate form. */
function aluRule(op64: number, op32: number, imm: number, immW: number, commutative: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    let a = arg(L, inst, 0);
    let b = arg(L, inst, 1);
    if (commutative && L.imm12(a, t) !== null && L.imm12(b, t) === null) [a, b] = [b, a];
    const w = t === I32;
    const dst = L.out();
    const k = L.imm12(b, t);
    if (k !== null && (w ? immW : imm) >= 0) {
      L.emit(rri(w ? immW : imm, dst, L.regOrZero(a), k));
      return true;
    }
    L.emit(rrr(w ? op32 : op64, dst, L.regOrZero(a), L.regOrZero(b)));
    return true;
  };
}

function isubRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const w = t === I32;
  const k = L.imm12(arg(L, inst, 1), t);
  if (k !== null && k !== -2048) {
    L.emit(rri(w ? O.ADDIW : O.ADDI, L.out(), L.regOrZero(arg(L, inst, 0)), -k));
    return true;
  }
  L.emit(rrr(w ? O.SUBW : O.SUB, L.out(), L.regOrZero(arg(L, inst, 0)), L.regOrZero(arg(L, inst, 1))));
  return true;
}

/** `*_imm` forms: the immediate as a constant operand. */
function aluImmRule(op64: number, op32: number, imm: number, immW: number): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const [lo, hi] = halves(L, inst);
    const s = sextHalves(lo, hi, t);
    const w = t === I32;
    const a = L.regOrZero(arg(L, inst, 0));
    if (s !== null && fitsImm12(s) && (w ? immW : imm) >= 0) L.emit(rri(w ? immW : imm, L.out(), a, s));
    else L.emit(rrr(w ? op32 : op64, L.out(), a, L.constReg(lo, hi)));
    return true;
  };
}

function irsubImmRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const [lo, hi] = halves(L, inst);
  L.emit(rrr(t === I32 ? O.SUBW : O.SUB, L.out(), L.constReg(lo, hi), L.regOrZero(arg(L, inst, 0))));
  return true;
}

function inegRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  L.emit(rrr(t === I32 ? O.SUBW : O.SUB, L.out(), zero, L.reg(arg(L, inst, 0))));
  return true;
}

function bnotRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  L.emit(rri(O.XORI, L.out(), L.reg(arg(L, inst, 0)), -1));
  return true;
}

/** band_not, bor_not, bxor_not: `a op ~b` (andn/orn/xnor with Zbb or Zbkb). */
function notOpRule(zbbOp: number, baseOp: number): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const a = L.regOrZero(arg(L, inst, 0));
    const b = L.regOrZero(arg(L, inst, 1));
    if (L.isa.zbb || L.isa.zbkb) {
      L.emit(rrr(zbbOp, L.out(), a, b));
      return true;
    }
    const nb = L.tmp();
    L.emit(rri(O.XORI, nb, b, -1));
    L.emit(rrr(baseOp, L.out(), a, nb));
    return true;
  };
}

// ------------------------------------------------------------------ shifts and rotates

type ShiftKind = 'shl' | 'ushr' | 'sshr';

/** The shift amount of `inst` as a constant (masked to the width) or null. */
function constAmount(L: RvLower, inst: Inst, t: Type, imm: boolean): number | null {
  const bitsN = 8 * bytes(t);
  if (imm) return L.f.instImm1[inst] & (bitsN - 1);
  const amt = arg(L, inst, 1);
  const c = L.constOf(amt);
  return c === null ? null : c[0] & (bitsN - 1);
}

/** The shift-amount register of `inst` (an i128 amount uses its low half). */
function amountReg(L: RvLower, inst: Inst): number {
  const amt = arg(L, inst, 1);
  return L.f.valueType[amt] === I128 ? L.pair(amt)[0] : L.reg(amt);
}

function shiftRule(kind: ShiftKind, imm: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const x = L.reg(arg(L, inst, 0));
    const dst = L.out();
    const bitsN = 8 * bytes(t);
    const k = constAmount(L, inst, t, imm);
    if (k !== null) {
      shiftByConst(L, kind, t, dst, x, k);
      return true;
    }
    const amt = amountReg(L, inst);
    if (t === I64 || t === I32) {
      const w = t === I32;
      const op = kind === 'shl' ? (w ? O.SLLW : O.SLL) : kind === 'ushr' ? (w ? O.SRLW : O.SRL) : w ? O.SRAW : O.SRA;
      L.emit(rrr(op, dst, x, amt));
      return true;
    }
    const m = L.tmp();
    L.emit(rri(O.ANDI, m, amt, bitsN - 1));
    const src = kind === 'shl' ? x : kind === 'ushr' ? L.zext(x, t) : L.sext(x, t);
    L.emit(rrr(kind === 'shl' ? O.SLL : kind === 'ushr' ? O.SRL : O.SRA, dst, src, m));
    return true;
  };
}

function shiftByConst(L: RvLower, kind: ShiftKind, t: Type, dst: number, x: number, k: number): void {
  if (k === 0) {
    L.move(dst, x);
    return;
  }
  if (t === I64) {
    L.emit(rri(kind === 'shl' ? O.SLLI : kind === 'ushr' ? O.SRLI : O.SRAI, dst, x, k));
  } else if (t === I32) {
    L.emit(rri(kind === 'shl' ? O.SLLIW : kind === 'ushr' ? O.SRLIW : O.SRAIW, dst, x, k));
  } else if (kind === 'shl') {
    L.emit(rri(O.SLLI, dst, x, k));
  } else {
    // Move the value to the top, then shift it down past the undefined bits.
    const up = 64 - 8 * bytes(t);
    const s = L.tmp();
    L.emit(rri(O.SLLI, s, x, up));
    L.emit(rri(kind === 'ushr' ? O.SRLI : O.SRAI, dst, s, up + k));
  }
}

function rotateRule(left: boolean, imm: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const x = L.reg(arg(L, inst, 0));
    const dst = L.out();
    const bitsN = 8 * bytes(t);
    const k = constAmount(L, inst, t, imm);
    if (k !== null) {
      if (k === 0) {
        L.move(dst, x);
        return true;
      }
      const r = left ? bitsN - k : k; // rotate right by r
      if ((L.isa.zbb || L.isa.zbkb) && t === I64) L.emit(rri(O.RORI, dst, x, r));
      else if ((L.isa.zbb || L.isa.zbkb) && t === I32) L.emit(rri(O.RORIW, dst, x, r));
      else {
        const z = L.zext(x, t);
        const a = L.tmp();
        const b = L.tmp();
        L.emit(rri(O.SRLI, a, z, r));
        L.emit(rri(O.SLLI, b, z, bitsN - r));
        L.emit(rrr(O.OR, dst, a, b));
      }
      return true;
    }
    const amt = amountReg(L, inst);
    if ((L.isa.zbb || L.isa.zbkb) && (t === I64 || t === I32)) {
      L.emit(rrr(t === I64 ? (left ? O.ROL : O.ROR) : left ? O.ROLW : O.RORW, dst, x, amt));
      return true;
    }
    // (x << n) | (x >> (width - n)), n masked to the width; x zero-extended for the right shift.
    const z = t === I64 ? x : L.zext(x, t);
    let n = amt;
    if (t !== I64) {
      n = L.tmp();
      L.emit(rri(O.ANDI, n, amt, bitsN - 1));
    }
    const neg = L.tmp();
    const a = L.tmp();
    const b = L.tmp();
    if (t === I64) {
      L.emit(rrr(O.SUB, neg, zero, n));
      L.emit(rrr(left ? O.SLL : O.SRL, a, z, n));
      L.emit(rrr(left ? O.SRL : O.SLL, b, z, neg));
    } else {
      // width - n is in 1..width: shifting the zero-extended value by the full width clears it.
      L.emit(rrr(O.SUB, neg, L.constReg(bitsN, 0), n));
      L.emit(rrr(left ? O.SLL : O.SRL, a, z, n));
      L.emit(rrr(left ? O.SRL : O.SLL, b, z, neg));
    }
    L.emit(rrr(O.OR, dst, a, b));
    return true;
  };
}

// ------------------------------------------------------------------ compares and selects

function icmpRule(L: RvLower, inst: Inst): boolean {
  const t = argType(L, inst, 0);
  if (!isIntScalar(t)) return false;
  const f = L.f;
  const cc = f.instImm0[inst] as IntCC;
  const imm = f.instOpcode[inst] === ICMP_IMM;
  const [a, b] = imm ? cmpOperands(L, arg(L, inst, 0), null, [f.instImm1[inst], f.instImm2[inst]], t) : cmpOperands(L, arg(L, inst, 0), arg(L, inst, 1), null, t);
  condToReg(L, intCond(cc, a, b), L.out());
  return true;
}

/** The register file number of a class for CondMove sequences. */
function fileOf(cls: RegClass): 0 | 1 | 2 {
  return cls === RegClass.Int ? 0 : cls === RegClass.Float ? 1 : 2;
}

function selectRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const c = condOf(L, arg(L, inst, 0));
  const cls = classOf(t);
  if (t === I128 || t === F128) {
    const [alo, ahi] = L.pair(arg(L, inst, 1));
    const [blo, bhi] = L.pair(arg(L, inst, 2));
    const [dlo, dhi] = L.outPair();
    // Keep a when the condition holds; otherwise take b.
    L.emitTied(condMove(c.op, c.a, c.b, dlo, blo, 0), alo);
    L.emitTied(condMove(c.op, c.a, c.b, dhi, bhi, 0), ahi);
    return true;
  }
  L.emitTied(condMove(c.op, c.a, c.b, L.out(), L.reg(arg(L, inst, 2)), fileOf(cls)), L.reg(arg(L, inst, 1)));
  return true;
}

/** select_spectre_guard on integers: branchless, `(a & m) | (b & ~m)` with m = -(cond != 0). */
function selectGuardRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const c = condOf(L, arg(L, inst, 0));
  const bit = L.tmp();
  condToReg(L, c, bit);
  const m = L.tmp();
  L.emit(rrr(O.SUB, m, zero, bit));
  const a = L.tmp();
  const b = L.tmp();
  L.emit(rrr(O.AND, a, L.regOrZero(arg(L, inst, 1)), m));
  const nm = L.tmp();
  L.emit(rri(O.XORI, nm, m, -1));
  L.emit(rrr(O.AND, b, L.regOrZero(arg(L, inst, 2)), nm));
  L.emit(rrr(O.OR, L.out(), a, b));
  return true;
}

/** bitselect on scalars: (c & a) | (~c & b). */
function bitselectRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const c = L.regOrZero(arg(L, inst, 0));
  const a = L.tmp();
  const b = L.tmp();
  L.emit(rrr(O.AND, a, c, L.regOrZero(arg(L, inst, 1))));
  const nc = L.tmp();
  L.emit(rri(O.XORI, nc, c, -1));
  L.emit(rrr(O.AND, b, nc, L.regOrZero(arg(L, inst, 2))));
  L.emit(rrr(O.OR, L.out(), a, b));
  return true;
}

function bmaskRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const c = condOf(L, arg(L, inst, 0));
  const bit = L.tmp();
  condToReg(L, c, bit);
  if (t === I128) {
    const [dlo, dhi] = L.outPair();
    L.emit(rrr(O.SUB, dlo, zero, bit));
    L.move(dhi, dlo);
    return true;
  }
  if (!isIntScalar(t)) return false;
  L.emit(rrr(O.SUB, L.out(), zero, bit));
  return true;
}

function trapIfRule(whenNonZero: boolean): LRule {
  return (L, inst) => {
    const c = condOf(L, arg(L, inst, 0));
    const label = L.trapLabel(L.f.instImm0[inst]);
    const b = whenNonZero ? c : invert(c);
    L.emit(branch(b.op, b.a, b.b, label));
    return true;
  };
}

// ------------------------------------------------------------------ extensions

function extendRule(signed: boolean): LRule {
  return (L, inst) => {
    const to = resultType(L, inst);
    const from = argType(L, inst, 0);
    if (!isIntScalar(from)) return false;
    const x = L.reg(arg(L, inst, 0));
    if (to === I128) {
      const [lo, hi] = L.outPair();
      if (signed) {
        if (from === I64) L.move(lo, x);
        else L.sextInto(lo, x, from);
        L.emit(rri(O.SRAI, hi, from === I64 ? x : lo, 63));
      } else {
        if (from === I64) L.move(lo, x);
        else L.zextInto(lo, x, from);
        L.move(hi, zero);
      }
      return true;
    }
    if (!isIntScalar(to)) return false;
    if (from === I64) L.move(L.out(), x);
    else if (signed) L.sextInto(L.out(), x, from);
    else L.zextInto(L.out(), x, from);
    return true;
  };
}

function ireduceRule(L: RvLower, inst: Inst): boolean {
  const to = resultType(L, inst);
  const from = argType(L, inst, 0);
  if (!isIntScalar(to)) return false;
  if (from === I128) L.move(L.out(), L.pair(arg(L, inst, 0))[0]);
  else L.move(L.out(), L.reg(arg(L, inst, 0)));
  return true;
}

function iconcatRule(L: RvLower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [lo, hi] = L.outPair();
  L.move(lo, L.reg(arg(L, inst, 0)));
  L.move(hi, L.reg(arg(L, inst, 1)));
  return true;
}

function isplitRule(L: RvLower, inst: Inst): boolean {
  if (argType(L, inst, 0) !== I128) return false;
  const [lo, hi] = L.pair(arg(L, inst, 0));
  if (L.ctx.isUsed(L.ctx.result(0))) L.move(L.out(0), lo);
  if (L.ctx.isUsed(L.ctx.result(1))) L.move(L.out(1), hi);
  return true;
}

// ------------------------------------------------------------------ memory

const LOAD_OPS = new Map<number, number>([
  [ULOAD8, O.LBU], [SLOAD8, O.LB], [ULOAD16, O.LHU], [SLOAD16, O.LH], [ULOAD32, O.LWU], [SLOAD32, O.LW],
]);
const STORE_BYTES = new Map<number, number>([[ISTORE8, 1], [ISTORE16, 2], [ISTORE32, 4]]);

function intLoadOp(n: number): number {
  return n === 1 ? O.LB : n === 2 ? O.LH : n === 4 ? O.LW : O.LD;
}
function intStoreOp(n: number): number {
  return n === 1 ? O.SB : n === 2 ? O.SH : n === 4 ? O.SW : O.SD;
}
export function floatLoadOp(t: Type): number {
  return t === F64 ? O.FP_D.load : t === F32 ? O.FP_S.load : O.FP_H.load;
}
export function floatStoreOp(t: Type): number {
  return t === F64 ? O.FP_D.store : t === F32 ? O.FP_S.store : O.FP_H.store;
}

/** A vector's address as one register (vector loads and stores have no offset field). */
function vecAddr(L: RvLower, base: number, off: number): number {
  if (off === 0) return base;
  const a = L.tmp();
  L.emit(rri(O.ADDI, a, base, off));
  return a;
}

function loadRule(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const t = resultType(L, inst);
  const flags = f.instImm0[inst];
  bigEndianRejected(L, flags);
  const trap = memTrapCode(flags);
  const a = L.addrOf(arg(L, inst, 0), f.instImm1[inst]);
  const narrow = LOAD_OPS.get(op);
  if (narrow !== undefined) {
    L.emit(load(narrow, L.out(), a.base, a.off, trap));
    return true;
  }
  if (isVector(t)) {
    L.emit(withTrap(vecAccess(false, L.out(), vecAddr(L, a.base, a.off), t), trap));
    return true;
  }
  if (t === I128 || t === F128) {
    const [lo, hi] = L.outPair();
    if (!fitsImm12(a.off + 8)) {
      const b = vecAddr(L, a.base, a.off);
      L.emit(load(O.LD, lo, b, 0, trap));
      L.emit(load(O.LD, hi, b, 8, trap));
    } else {
      L.emit(load(O.LD, lo, a.base, a.off, trap));
      L.emit(load(O.LD, hi, a.base, a.off + 8, trap));
    }
    return true;
  }
  if (t === F16 && !L.isa.zfhmin) {
    // Without Zfhmin: the bits through a GPR, NaN-boxed into the FPR.
    const g = L.tmp();
    L.emit(load(O.LHU, g, a.base, a.off, trap));
    boxF16(L, g, L.out());
    return true;
  }
  if (t === F16 || t === F32 || t === F64) {
    L.emit(load(floatLoadOp(t), L.out(), a.base, a.off, trap));
    return true;
  }
  if (!isIntScalar(t)) return false;
  L.emit(load(intLoadOp(bytes(t)), L.out(), a.base, a.off, trap));
  return true;
}

/**
 * Big-endian accesses are rejected, single bytes included (as Cranelift's riscv64 backend does):
 * a typed error rather than an access in the wrong byte order.
 */
export function bigEndianRejected(L: RvLower, flags: number): void {
  if (memEndianness(flags) === ENDIAN_BIG) L.unsupported('big-endian memory access on riscv64 (a little-endian machine)');
}

function withTrap(i: MInst, trap: number): MInst {
  i.trap = trap;
  return i;
}

function storeRule(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const v = arg(L, inst, 0);
  const t = argType(L, inst, 0);
  const flags = f.instImm0[inst];
  const n = STORE_BYTES.get(op) ?? bytes(t);
  bigEndianRejected(L, flags);
  const trap = memTrapCode(flags);
  const a = L.addrOf(arg(L, inst, 1), f.instImm1[inst]);
  if (isVector(t)) {
    L.emit(withTrap(vecAccess(true, L.reg(v), vecAddr(L, a.base, a.off), t), trap));
    return true;
  }
  if (t === I128 || t === F128) {
    const [lo, hi] = L.pair(v);
    let base = a.base;
    let off = a.off;
    if (!fitsImm12(off + 8)) {
      base = vecAddr(L, base, off);
      off = 0;
    }
    L.emit(store(O.SD, lo, base, off, trap));
    L.emit(store(O.SD, hi, base, off + 8, trap));
    return true;
  }
  if (t === F16 && !L.isa.zfhmin) {
    const g = L.tmp();
    L.emit(rri(O.FP_S.mvToX, g, L.reg(v), 0));
    L.emit(store(O.SH, g, a.base, a.off, trap));
    return true;
  }
  if (t === F16 || t === F32 || t === F64) {
    L.emit(store(floatStoreOp(t), L.reg(v), a.base, a.off, trap));
    return true;
  }
  if (!isIntScalar(t)) return false;
  L.emit(store(intStoreOp(n), L.regOrZero(v), a.base, a.off, trap));
  return true;
}

// ------------------------------------------------------------------ stack slots

function stackLoadRule(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const slot = f.instImm0[inst];
  const off = f.instImm1[inst];
  if (isVector(t)) {
    const a = L.tmp();
    L.slotAddr(a, slot, off);
    L.emit(vecAccess(false, L.out(), a, t));
    return true;
  }
  if (t === I128 || t === F128) {
    const [lo, hi] = L.outPair();
    L.emit(L.slotInst(load(O.LD, lo, 0, 0), slot, off));
    L.emit(L.slotInst(load(O.LD, hi, 0, 0), slot, off + 8));
    return true;
  }
  if (t === F16 && !L.isa.zfhmin) {
    const g = L.tmp();
    L.emit(L.slotInst(load(O.LHU, g, 0, 0), slot, off));
    boxF16(L, g, L.out());
    return true;
  }
  if (t === F16 || t === F32 || t === F64) {
    L.emit(L.slotInst(load(floatLoadOp(t), L.out(), 0, 0), slot, off));
    return true;
  }
  if (!isIntScalar(t)) return false;
  L.emit(L.slotInst(load(intLoadOp(bytes(t)), L.out(), 0, 0), slot, off));
  return true;
}

function stackStoreRule(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const v = arg(L, inst, 0);
  const t = argType(L, inst, 0);
  const slot = f.instImm0[inst];
  const off = f.instImm1[inst];
  if (isVector(t)) {
    const a = L.tmp();
    L.slotAddr(a, slot, off);
    L.emit(vecAccess(true, L.reg(v), a, t));
    return true;
  }
  if (t === I128 || t === F128) {
    const [lo, hi] = L.pair(v);
    L.emit(L.slotInst(store(O.SD, lo, 0, 0), slot, off));
    L.emit(L.slotInst(store(O.SD, hi, 0, 0), slot, off + 8));
    return true;
  }
  if (t === F16 && !L.isa.zfhmin) {
    const g = L.tmp();
    L.emit(rri(O.FP_S.mvToX, g, L.reg(v), 0));
    L.emit(L.slotInst(store(O.SH, g, 0, 0), slot, off));
    return true;
  }
  if (t === F16 || t === F32 || t === F64) {
    L.emit(L.slotInst(store(floatStoreOp(t), L.reg(v), 0, 0), slot, off));
    return true;
  }
  if (!isIntScalar(t)) return false;
  L.emit(L.slotInst(store(intStoreOp(bytes(t)), L.regOrZero(v), 0, 0), slot, off));
  return true;
}

function stackAddrRule(L: RvLower, inst: Inst): boolean {
  L.slotAddr(L.out(), L.f.instImm0[inst], L.f.instImm1[inst]);
  return true;
}

// ------------------------------------------------------------------ globals, symbols, frame

/** dst <- the address of `name` + offset: PC-relative when colocated, else through the GOT. */
export function symbolAddr(L: RvLower, dst: number, name: string, offset: number, colocated: boolean): void {
  const i = pseudo(Pseudo.LoadSym);
  i.rd = dst;
  i.sym = name;
  i.imm = offset;
  i.aux = colocated && !L.isa.isPic ? 0 : 1;
  if (i.aux === 1 && !fitsImm12(offset) && !(offset >= -0x8000_0000 && offset <= 0x7fff_ffff)) L.unsupported('symbol offset beyond 32 bits');
  L.emit(i);
}

function globalValueInto(L: RvLower, gv: number, dst: number, depth = 0): void {
  const f = L.f;
  const g = f.globalValues[gv];
  if (g === undefined || depth > 32) L.unsupported(`global value gv${gv}`);
  switch (g.kind) {
    case 'vmctx': {
      const idx = f.signature.params.findIndex((p) => p.purpose === 'vmctx');
      if (idx < 0) L.unsupported('vmctx global value without a vmctx parameter');
      const entry = f.entryBlock();
      L.move(dst, L.reg(f.blockParams[entry as number][idx]));
      return;
    }
    case 'load': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const n = bytes(g.globalType);
      if (fitsImm12(g.offset)) L.emit(load(intLoadOp(n), dst, base, g.offset, memTrapCode(g.flags)));
      else {
        const a = L.tmp();
        L.emit(rrr(O.ADD, a, base, L.constReg(g.offset | 0, g.offset < 0 ? -1 : 0)));
        L.emit(load(intLoadOp(n), dst, a, 0, memTrapCode(g.flags)));
      }
      return;
    }
    case 'iadd_imm': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const off = g.offset;
      if (off >= -2048n && off <= 2047n) L.emit(rri(O.ADDI, dst, base, Number(off)));
      else L.emit(rrr(O.ADD, dst, base, L.constReg(Number(BigInt.asIntN(32, off)), Number(BigInt.asIntN(32, off >> 32n)))));
      return;
    }
    case 'symbol':
      if (g.tls) L.unsupported('thread-local symbol through global_value (use tls_value)');
      symbolAddr(L, dst, symbolName(g.name), Number(g.offset), g.colocated);
      return;
    default:
      L.unsupported(`global value kind ${g.kind}`);
  }
}

function globalValueRule(L: RvLower, inst: Inst): boolean {
  globalValueInto(L, L.f.instImm0[inst], L.out());
  return true;
}

function funcAddrRule(L: RvLower, inst: Inst): boolean {
  const fr = L.f.funcRefs[L.f.instImm0[inst]];
  if (fr === undefined) return false;
  symbolAddr(L, L.out(), symbolName(fr.name), 0, fr.colocated);
  return true;
}

function frameRule(which: 'fp' | 'sp' | 'ra'): LRule {
  return (L) => {
    // The frame pointer and the return address exist once the prologue has run.
    L.needsFrame = true;
    if (which === 'ra') L.emit(load(O.LD, L.out(), fp, -8 - L.argArea.growth));
    else L.move(L.out(), which === 'fp' ? fp : sp);
    return true;
  };
}

// ------------------------------------------------------------------ the table

export const RULES = new RuleTable<RvLower>()
  .add(ICONST, 'iconst', iconstRule)
  .add(IADD, 'add', aluRule(O.ADD, O.ADDW, O.ADDI, O.ADDIW, true))
  .add(ISUB, 'sub', isubRule)
  .add(IMUL, 'mul', aluRule(O.MUL, O.MULW, -1, -1, true))
  .add(BAND, 'and', aluRule(O.AND, O.AND, O.ANDI, O.ANDI, true))
  .add(BOR, 'or', aluRule(O.OR, O.OR, O.ORI, O.ORI, true))
  .add(BXOR, 'xor', aluRule(O.XOR, O.XOR, O.XORI, O.XORI, true))
  .add(IADD_IMM, 'addi', aluImmRule(O.ADD, O.ADDW, O.ADDI, O.ADDIW))
  .add(IMUL_IMM, 'mul imm', aluImmRule(O.MUL, O.MULW, -1, -1))
  .add(BAND_IMM, 'andi', aluImmRule(O.AND, O.AND, O.ANDI, O.ANDI))
  .add(BOR_IMM, 'ori', aluImmRule(O.OR, O.OR, O.ORI, O.ORI))
  .add(BXOR_IMM, 'xori', aluImmRule(O.XOR, O.XOR, O.XORI, O.XORI))
  .add(IRSUB_IMM, 'rsub imm', irsubImmRule)
  .add(INEG, 'neg', inegRule)
  .add(BNOT, 'not', bnotRule)
  .add(BAND_NOT, 'andn', notOpRule(O.ANDN, O.AND))
  .add(BOR_NOT, 'orn', notOpRule(O.ORN, O.OR))
  .add(BXOR_NOT, 'xnor', notOpRule(O.XNOR, O.XOR))
  .add(ISHL, 'shl', shiftRule('shl', false))
  .add(USHR, 'ushr', shiftRule('ushr', false))
  .add(SSHR, 'sshr', shiftRule('sshr', false))
  .add(ISHL_IMM, 'shl imm', shiftRule('shl', true))
  .add(USHR_IMM, 'ushr imm', shiftRule('ushr', true))
  .add(SSHR_IMM, 'sshr imm', shiftRule('sshr', true))
  .add(ROTL, 'rotl', rotateRule(true, false))
  .add(ROTR, 'rotr', rotateRule(false, false))
  .add(ROTL_IMM, 'rotl imm', rotateRule(true, true))
  .add(ROTR_IMM, 'rotr imm', rotateRule(false, true))
  .add([ICMP, ICMP_IMM], 'icmp', icmpRule)
  .add(SELECT, 'select', selectRule)
  .add(SELECT_SPECTRE_GUARD, 'select_spectre_guard', selectGuardRule, 1)
  .add(SELECT_SPECTRE_GUARD, 'select_spectre_guard (branch)', selectRule)
  .add(BITSELECT, 'bitselect', bitselectRule)
  .add(BMASK, 'bmask', bmaskRule)
  .add(TRAPZ, 'trapz', trapIfRule(false))
  .add(TRAPNZ, 'trapnz', trapIfRule(true))
  .add(UEXTEND, 'uextend', extendRule(false))
  .add(SEXTEND, 'sextend', extendRule(true))
  .add(IREDUCE, 'ireduce', ireduceRule)
  .add(ICONCAT, 'iconcat', iconcatRule)
  .add(ISPLIT, 'isplit', isplitRule)
  .add([LOAD, ULOAD8, SLOAD8, ULOAD16, SLOAD16, ULOAD32, SLOAD32], 'load', loadRule)
  .add([STORE, ISTORE8, ISTORE16, ISTORE32], 'store', storeRule)
  .add(STACK_LOAD, 'stack_load', stackLoadRule)
  .add(STACK_STORE, 'stack_store', stackStoreRule)
  .add(STACK_ADDR, 'stack_addr', stackAddrRule)
  .add(GLOBAL_VALUE, 'global_value', globalValueRule)
  .add(SYMBOL_VALUE, 'symbol_value', globalValueRule)
  .add(FUNC_ADDR, 'func_addr', funcAddrRule)
  .add(GET_FRAME_POINTER, 'get_frame_pointer', frameRule('fp'))
  .add(GET_STACK_POINTER, 'get_stack_pointer', frameRule('sp'))
  .add(GET_RETURN_ADDRESS, 'get_return_address', frameRule('ra'))
  .add([NOP, SEQUENCE_POINT], 'nop', () => true)
  .add(FENCE, 'fence', (L) => {
    L.emit(fence());
    return true;
  })
  .add(DEBUGTRAP, 'debugtrap', (L) => {
    L.emit(mk(O.EBREAK));
    return true;
  });

lowerI128Rules(RULES);
lowerBitRules(RULES);
lowerDivRules(RULES);
lowerFloatRules(RULES);
lowerAtomicRules(RULES);
lowerAtomic128Rules(RULES);
lowerVectorRules(RULES);
lowerOverflowRules(RULES);
lowerTlsRules(RULES);
lowerStackSwitchRules(RULES);

