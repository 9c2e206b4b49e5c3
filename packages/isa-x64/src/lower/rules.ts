// x86-64 lowering rules: per opcode, pattern functions tried in priority order. Each reads the
// IR instruction through the shared lowering state and emits MInsts with virtual registers.

import {
  type Inst, type Opcode, type Type, type Value, type Signature,
  BAND, BAND_IMM, BAND_NOT, BITCAST, BMASK, BNOT, BOR, BOR_IMM, BOR_NOT, BSWAP, BXOR, BXOR_IMM, BXOR_NOT,
  CLZ, CTZ, CLS, DEBUGTRAP, F16, F16CONST, F128, F128CONST, F32, F32CONST, F64, F64CONST, FENCE, FUNC_ADDR, GET_FRAME_POINTER, GET_RETURN_ADDRESS,
  GET_STACK_POINTER, GLOBAL_VALUE, I128, I16, I32, I64, I8, IADD, IADD_IMM, ICMP, ICMP_IMM, ICONCAT, ICONST, IMUL,
  IMUL_IMM, INEG, IREDUCE, IRSUB_IMM, ISHL, ISHL_IMM, ISPLIT, ISUB, LOAD, NOP, POPCNT, ROTL, ROTL_IMM, ROTR, ROTR_IMM,
  SDIV, SELECT, SELECT_SPECTRE_GUARD, SEXTEND, SLOAD16, SLOAD32, SLOAD8, SMULHI, SREM, SSHR, SSHR_IMM, STACK_ADDR,
  STACK_LOAD, STACK_STORE, STORE, ISTORE8, ISTORE16, ISTORE32, SYMBOL_VALUE, UDIV, UEXTEND, ULOAD16, ULOAD32, ULOAD8,
  UMULHI, UREM, USHR, USHR_IMM, FCMP, UADD_OVERFLOW, SADD_OVERFLOW, USUB_OVERFLOW, SSUB_OVERFLOW, UMUL_OVERFLOW,
  SMUL_OVERFLOW, UADD_OVERFLOW_TRAP, SMIN, SMAX, UMIN, UMAX, IABS, BITREV, UADD_OVERFLOW_CIN, SADD_OVERFLOW_CIN,
  USUB_OVERFLOW_BIN, SSUB_OVERFLOW_BIN, BITSELECT, SEQUENCE_POINT,
  FloatCC, IntCC, bytes, isInt, memTrapCode, memEndianness, ENDIAN_BIG, typeName, ValueKind, Format, OPCODES, opcodeName,
} from '@windlass/ir';
import { RuleTable } from '@windlass/codegen';
import {
  type Amode, type MInst, type OperandSize, AluOp, BitOp, CC, MulDivOp, RegClass, ShiftOp, UnaryOp, XmmMovOp,
  aluRI, aluRM, bitScan, bswap, cmov, fence, gprToXmm, int3, invertCC, lea, load, movImm, movRR, movsx,
  movzx, mulDiv, rbp, rax, rdx, rsp, setcc, shiftCl, shiftImm, signExtendRax, store, storeImm, unary, imul,
  imulImm, xmmCmove, xmmLoad, xmmStore, xmmToGpr, amBase, amSym, Reloc, rcx, withTrap, xmmMov,
} from '../inst';
import { condOf, intCC, lowerFcmp, lowerIcmp } from './cond';
import { aluSize, exactSize, VREG_BASE, type X64Lower } from './state';
import { fconst, lowerFloatRules } from './float';
import { lowerSoftFloatRules } from './float-soft';
import { lowerAtomicRules } from './atomics';
import { lowerTlsRules } from './tls';
import { lowerStackSwitchRules } from './stack-switch';
import { lowerSimdRules } from './simd';
import { dshiftCl, jcc as jccInst, test, testImm } from '../inst';

export type LRule = (L: X64Lower, inst: Inst) => boolean;

const raw = (r: number): number => r - VREG_BASE;

export function resultType(L: X64Lower, inst: Inst): Type {
  const f = L.f;
  return f.instResLen[inst] > 0 ? (f.valueType[f.result(inst, 0)] as Type) : (f.instType[inst] as Type);
}
function argType(L: X64Lower, inst: Inst, k: number): Type {
  return L.f.valueType[L.f.resolveAliases(L.f.arg(inst, k))] as Type;
}
function isIntScalar(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64;
}

/** External name of a function or symbol as the object writer sees it. */
export function symbolName(n: { kind: 'testcase'; name: string } | { kind: 'user'; namespace: number; index: number }): string {
  if (n.kind === 'user') return `u${n.namespace}_${n.index}`;
  return LIBCALLS.get(n.name) ?? n.name;
}

/** Cranelift's libcall names (as `%CeilF32` in CLIF) and the C functions they are. */
const LIBCALLS = new Map<string, string>([
  ['CeilF32', 'ceilf'], ['CeilF64', 'ceil'], ['FloorF32', 'floorf'], ['FloorF64', 'floor'],
  ['TruncF32', 'truncf'], ['TruncF64', 'trunc'], ['NearestF32', 'nearbyintf'], ['NearestF64', 'nearbyint'],
  ['FmaF32', 'fmaf'], ['FmaF64', 'fma'], ['Memcpy', 'memcpy'], ['Memset', 'memset'], ['Memmove', 'memmove'],
  ['Memcmp', 'memcmp'], ['Probestack', '__cranelift_probestack'],
]);

// ------------------------------------------------------------------ integer ALU

const ALU_OF = new Map<number, AluOp>([[IADD, AluOp.Add], [ISUB, AluOp.Sub], [BAND, AluOp.And], [BOR, AluOp.Or], [BXOR, AluOp.Xor]]);
const COMMUTATIVE = new Set<number>([IADD, BAND, BOR, BXOR, IMUL]);

function aluBinary(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const op = ALU_OF.get(L.f.instOpcode[inst])!;
  let a = L.f.arg(inst, 0);
  let b = L.f.arg(inst, 1);
  if (t === I128) {
    const [alo, ahi] = L.pair(a);
    const [blo, bhi] = L.pair(b);
    const [dlo, dhi] = L.outPair();
    const hiOp = op === AluOp.Add ? AluOp.Adc : op === AluOp.Sub ? AluOp.Sbb : op;
    L.emitMod(aluRM(op, 8, dlo, blo), alo);
    L.emitMod(aluRM(hiOp, 8, dhi, bhi), ahi);
    return true;
  }
  if (!isIntScalar(t)) return false;
  const size = aluSize(t);
  if (COMMUTATIVE.has(L.f.instOpcode[inst]) && L.imm32(a, t) !== null && L.imm32(b, t) === null) [a, b] = [b, a];
  const dst = L.out();
  const ra = L.gpr(a);
  const imm = L.imm32(b, t);
  if (imm !== null) {
    L.emitMod(aluRI(op, size, dst, imm), ra);
    return true;
  }
  const m = L.sinkLoad(b, inst, t);
  L.emitMod(aluRM(op, size, dst, m ?? L.gpr(b)), ra);
  return true;
}

const ALU_IMM_OF = new Map<number, AluOp>([[IADD_IMM, AluOp.Add], [BAND_IMM, AluOp.And], [BOR_IMM, AluOp.Or], [BXOR_IMM, AluOp.Xor]]);

function immHalves(L: X64Lower, inst: Inst): [number, number] {
  return [L.f.instImm1[inst], L.f.instImm2[inst]];
}
function fitsImm(lo: number, hi: number, t: Type): boolean {
  return bytes(t) <= 4 || hi === lo >> 31;
}

function aluImm(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const op = ALU_IMM_OF.get(L.f.instOpcode[inst])!;
  const [lo, hi] = immHalves(L, inst);
  if (t === I128) {
    const [alo, ahi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const blo = L.constReg(lo, hi);
    const sx = hi >> 31;
    const bhi = L.constReg(sx, sx);
    const hiOp = op === AluOp.Add ? AluOp.Adc : op;
    L.emitMod(aluRM(op, 8, dlo, blo), alo);
    L.emitMod(aluRM(hiOp, 8, dhi, bhi), ahi);
    return true;
  }
  if (!isIntScalar(t)) return false;
  const size = aluSize(t);
  const dst = L.out();
  const a = L.gpr(L.f.arg(inst, 0));
  if (fitsImm(lo, hi, t)) L.emitMod(aluRI(op, size, dst, lo | 0), a);
  else L.emitMod(aluRM(op, size, dst, L.constReg(lo, hi)), a);
  return true;
}

function irsubImm(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const [lo, hi] = immHalves(L, inst);
  const dst = L.out();
  const c = L.constReg(lo, hi, aluSize(t));
  L.emitMod(aluRM(AluOp.Sub, aluSize(t), dst, L.gpr(L.f.arg(inst, 0))), c);
  return true;
}

function mul(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  let a = L.f.arg(inst, 0);
  let b = L.f.arg(inst, 1);
  if (t === I128) {
    const [alo, ahi] = L.pair(a);
    const [blo, bhi] = L.pair(b);
    mul128(L, alo, ahi, blo, bhi, L.outPair());
    return true;
  }
  if (!isIntScalar(t)) return false;
  const size = aluSize(t);
  if (L.imm32(a, t) !== null && L.imm32(b, t) === null) [a, b] = [b, a];
  const dst = L.out();
  const imm = L.imm32(b, t);
  if (imm !== null) {
    L.emit(imulImm(size, dst, L.gpr(a), imm));
    return true;
  }
  const m = L.sinkLoad(b, inst, t);
  L.emitMod(imul(size, dst, m ?? L.gpr(b)), L.gpr(a));
  return true;
}

function mul128(L: X64Lower, alo: number, ahi: number, blo: number, bhi: number, [dlo, dhi]: [number, number]): void {
  const t1 = L.tmp();
  const t2 = L.tmp();
  const hiPart = L.tmp();
  const s1 = L.tmp();
  L.emitMod(imul(8, t1, blo), ahi);
  L.emitMod(imul(8, t2, bhi), alo);
  L.emitWith(mulDiv(MulDivOp.Mul, 8, blo), { fixedUses: [raw(alo), rax], fixedDefs: [raw(dlo), rax, raw(hiPart), rdx] });
  L.emitMod(aluRM(AluOp.Add, 8, s1, t1), hiPart);
  L.emitMod(aluRM(AluOp.Add, 8, dhi, t2), s1);
}

function imulImmRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const [lo, hi] = immHalves(L, inst);
  const dst = L.out();
  const a = L.gpr(L.f.arg(inst, 0));
  if (fitsImm(lo, hi, t)) L.emit(imulImm(aluSize(t), dst, a, lo | 0));
  else L.emitMod(imul(8, dst, L.constReg(lo, hi)), a);
  return true;
}

function unaryRule(op: UnaryOp): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (t === I128) {
      const [alo, ahi] = L.pair(L.f.arg(inst, 0));
      const [dlo, dhi] = L.outPair();
      if (op === UnaryOp.Not) {
        L.emitMod(unary(op, 8, dlo), alo);
        L.emitMod(unary(op, 8, dhi), ahi);
      } else {
        // 0 - a, with borrow.
        const z1 = L.constReg(0, 0);
        const z2 = L.constReg(0, 0);
        L.emitMod(aluRM(AluOp.Sub, 8, dlo, alo), z1);
        L.emitMod(aluRM(AluOp.Sbb, 8, dhi, ahi), z2);
      }
      return true;
    }
    if (!isIntScalar(t)) return false;
    L.emitMod(unary(op, aluSize(t), L.out()), L.gpr(L.f.arg(inst, 0)));
    return true;
  };
}

function andNotLike(op: AluOp): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    const a = L.f.arg(inst, 0);
    const b = L.f.arg(inst, 1);
    if (t === I128) {
      const [alo, ahi] = L.pair(a);
      const [blo, bhi] = L.pair(b);
      const [dlo, dhi] = L.outPair();
      const n1 = L.tmp();
      const n2 = L.tmp();
      L.emitMod(unary(UnaryOp.Not, 8, n1), blo);
      L.emitMod(unary(UnaryOp.Not, 8, n2), bhi);
      L.emitMod(aluRM(op, 8, dlo, n1), alo);
      L.emitMod(aluRM(op, 8, dhi, n2), ahi);
      return true;
    }
    if (!isIntScalar(t)) return false;
    const size = aluSize(t);
    const nb = L.tmp();
    L.emitMod(unary(UnaryOp.Not, size, nb), L.gpr(b));
    L.emitMod(aluRM(op, size, L.out(), nb), L.gpr(a));
    return true;
  };
}

// ------------------------------------------------------------------ mul high, div, rem

function mulHigh(signed: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const a = L.gpr(L.f.arg(inst, 0));
    const b = L.gpr(L.f.arg(inst, 1));
    const dst = L.out();
    if (t === I8 || t === I16) {
      const from = bytes(t) as 1 | 2;
      const xa = L.tmp();
      const xb = L.tmp();
      const p = L.tmp();
      L.emit(signed ? movsx(from, 4, xa, a) : movzx(from, 4, xa, a));
      L.emit(signed ? movsx(from, 4, xb, b) : movzx(from, 4, xb, b));
      L.emitMod(imul(4, p, xb), xa);
      L.emitMod(shiftImm(ShiftOp.Sar, 4, dst, bytes(t) * 8), p);
      return true;
    }
    L.emitWith(mulDiv(signed ? MulDivOp.Imul : MulDivOp.Mul, exactSize(t), b), { fixedUses: [raw(a), rax], fixedDefs: [raw(dst), rdx] });
    return true;
  };
}

function divRem(signed: boolean, rem: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    let a = L.gpr(L.f.arg(inst, 0));
    let b = L.gpr(L.f.arg(inst, 1));
    let size = exactSize(t);
    const narrow = size < 4 ? (size as 1 | 2) : 0;
    if (size < 4) {
      const xa = L.tmp();
      const xb = L.tmp();
      L.emit(signed ? movsx(size as 1 | 2, 4, xa, a) : movzx(size as 1 | 2, 4, xa, a));
      L.emit(signed ? movsx(size as 1 | 2, 4, xb, b) : movzx(size as 1 | 2, 4, xb, b));
      a = xa;
      b = xb;
      size = 4;
    }
    // Division by zero traps in hardware (#DE); the trap record names it.
    const zcheck = L.trapLabel(252);
    L.emit(aluRI(AluOp.Cmp, size, b, 0));
    L.emit(jccTo(CC.E, zcheck));
    if (signed && rem) {
      // x % -1 is 0, but idiv of INT_MIN by -1 faults: divide by 1 instead.
      const one = L.tmp();
      const b2 = L.tmp();
      L.emit(aluRI(AluOp.Cmp, size, b, -1));
      L.emit(movImm(4, one, 1));
      L.emitMod(cmov(CC.E, size, b2, one), b);
      b = b2;
    }
    const hi = L.tmp();
    if (signed) L.emitWith(signExtendRax(size as 2 | 4 | 8), { fixedUses: [raw(a), rax], fixedDefs: [raw(hi), rdx] });
    else L.emit(movImm(4, hi, 0));
    const dst = L.out();
    const d = withTrap(mulDiv(signed ? MulDivOp.Idiv : MulDivOp.Div, size, b), signed && !rem ? 253 : 252);
    L.emitWith(d, { fixedUses: [raw(a), rax, raw(hi), rdx], fixedDefs: rem ? [raw(dst), rdx] : [raw(dst), rax] });
    if (signed && !rem && narrow !== 0) {
      // Widened to 32 bits, MIN / -1 does not fault: the quotient just fails to fit (int_ovf).
      const back = L.tmp();
      L.emit(movsx(narrow, 4, back, dst));
      L.emit(aluRM(AluOp.Cmp, 4, back, dst));
      L.emit(jccTo(CC.NE, L.trapLabel(253)));
    }
    return true;
  };
}

function jccTo(cc: CC, label: number): MInst {
  return jccInst(cc, label);
}

// ------------------------------------------------------------------ shifts and rotates

const SHIFT_OF = new Map<number, ShiftOp>([
  [ISHL, ShiftOp.Shl], [USHR, ShiftOp.Shr], [SSHR, ShiftOp.Sar], [ROTL, ShiftOp.Rol], [ROTR, ShiftOp.Ror],
  [ISHL_IMM, ShiftOp.Shl], [USHR_IMM, ShiftOp.Shr], [SSHR_IMM, ShiftOp.Sar], [ROTL_IMM, ShiftOp.Rol], [ROTR_IMM, ShiftOp.Ror],
]);

function shiftRule(isImm: boolean): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    const op = SHIFT_OF.get(L.f.instOpcode[inst])!;
    if (t === I128) return shift128(L, inst, op, isImm);
    if (!isIntScalar(t)) return false;
    const size = exactSize(t);
    const bits = size * 8;
    const a = L.gpr(L.f.arg(inst, 0));
    const dst = L.out();
    let amt: number | null = null;
    if (isImm) amt = L.f.instImm1[inst];
    else {
      const c = L.ctx.constHalves(L.f.arg(inst, 1));
      if (c !== null) amt = c[0];
    }
    if (amt !== null) {
      amt &= bits - 1;
      if (amt === 0) L.move(dst, a);
      else L.emitMod(shiftImm(op, size, dst, amt), a);
      return true;
    }
    const cv = L.f.arg(inst, 1);
    let cnt = argType(L, inst, 1) === I128 ? L.pair(cv)[0] : L.gpr(cv);
    if (bits < 32 && op !== ShiftOp.Rol && op !== ShiftOp.Ror) {
      const m = L.tmp();
      L.emitMod(aluRI(AluOp.And, 4, m, bits - 1), cnt);
      cnt = m;
    }
    L.emitWith(shiftCl(op, size, dst), { tied: [raw(a)], fixedUses: [raw(cnt), rcx] });
    return true;
  };
}

function shift128(L: X64Lower, inst: Inst, op: ShiftOp, isImm: boolean): boolean {
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  let cnt: number;
  if (isImm) cnt = L.constReg(L.f.instImm1[inst] & 127, 0);
  else {
    const cv = L.f.arg(inst, 1);
    cnt = argType(L, inst, 1) === I128 ? L.pair(cv)[0] : L.gpr(cv);
  }
  const [dlo, dhi] = L.outPair();
  if (op === ShiftOp.Rol || op === ShiftOp.Ror) {
    // rotl(x, n) = (x << n) | (x >> (128 - n)), with n mod 128.
    const n = L.tmp();
    L.emitMod(aluRI(AluOp.And, 4, n, 127), cnt);
    const m = L.tmp();
    const m0 = L.constReg(128, 0);
    L.emitMod(aluRM(AluOp.Sub, 4, m, n), m0);
    const m2 = L.tmp();
    L.emitMod(aluRI(AluOp.And, 4, m2, 127), m);
    const [l1, h1] = shift128Core(L, lo, hi, n, op === ShiftOp.Rol ? ShiftOp.Shl : ShiftOp.Shr);
    const [l2, h2] = shift128Core(L, lo, hi, m2, op === ShiftOp.Rol ? ShiftOp.Shr : ShiftOp.Shl);
    L.emitMod(aluRM(AluOp.Or, 8, dlo, l2), l1);
    L.emitMod(aluRM(AluOp.Or, 8, dhi, h2), h1);
    return true;
  }
  const [rl, rh] = shift128Core(L, lo, hi, cnt, op);
  L.move(dlo, rl);
  L.move(dhi, rh);
  return true;
}

/** A 128-bit shift by cnt (mod 128) without branches: shift both halves by cnt mod 64, then swap when bit 6 is set. */
function shift128Core(L: X64Lower, lo: number, hi: number, cnt: number, op: ShiftOp): [number, number] {
  const withCl = (i: MInst, tied: number[]): void => L.emitWith(i, { tied: tied.map(raw), fixedUses: [raw(cnt), rcx] });
  if (op === ShiftOp.Shl) {
    // hi' = shld(hi, lo, c); lo' = lo << c; if c & 64: hi' = lo', lo' = 0
    const h = L.tmp();
    const l = L.tmp();
    withCl(dshift(false, h, lo), [hi]);
    withCl(shiftCl(ShiftOp.Shl, 8, l), [lo]);
    const z = L.constReg(0, 0);
    L.emit(testImmReg(cnt, 64));
    const h2 = L.tmp();
    const l2 = L.tmp();
    L.emitMod(cmov(CC.NE, 8, h2, l), h);
    L.emitMod(cmov(CC.NE, 8, l2, z), l);
    return [l2, h2];
  }
  // Right shifts: lo' = shrd(lo, hi, c); hi' = hi >> c; if c & 64: lo' = hi', hi' = fill
  const l = L.tmp();
  const h = L.tmp();
  withCl(dshift(true, l, hi), [lo]);
  withCl(shiftCl(op, 8, h), [hi]);
  let fill: number;
  if (op === ShiftOp.Sar) {
    fill = L.tmp();
    L.emitMod(shiftImm(ShiftOp.Sar, 8, fill, 63), hi);
  } else {
    fill = L.constReg(0, 0);
  }
  L.emit(testImmReg(cnt, 64));
  const l2 = L.tmp();
  const h2 = L.tmp();
  L.emitMod(cmov(CC.NE, 8, l2, h), l);
  L.emitMod(cmov(CC.NE, 8, h2, fill), h);
  return [l2, h2];
}

function dshift(right: boolean, dst: number, src: number): MInst {
  return dshiftCl(right, 8, dst, src);
}
function testImmReg(r: number, imm: number): MInst {
  return testImm(4, r, imm);
}

// ------------------------------------------------------------------ compares, selects, extends

function icmpRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const a = f.arg(inst, 0);
  const t = argType(L, inst, 0);
  if (!isInt(t) || t !== (t & 0xf)) return false;
  const cc = f.instOpcode[inst] === ICMP
    ? lowerIcmp(L, f.instImm0[inst] as IntCC, a, f.arg(inst, 1), 0, t, inst)
    : icmpImm(L, inst, a, t);
  materialize(L, cc, L.out());
  return true;
}

function icmpImm(L: X64Lower, inst: Inst, a: Value, t: Type) {
  const f = L.f;
  const [lo, hi] = immHalves(L, inst);
  if (t === I128 || fitsImm(lo, hi, t)) return lowerIcmp(L, f.instImm0[inst] as IntCC, a, null, lo | 0, t, inst);
  const r = L.constReg(lo, hi);
  L.emit(aluRM(AluOp.Cmp, 8, L.gpr(a), r));
  return { cc: intCC(f.instImm0[inst] as IntCC), cc2: -1, and: false };
}

function materialize(L: X64Lower, c: { cc: CC; cc2: number; and: boolean }, dst: number): void {
  if (c.cc2 < 0) {
    L.emit(setcc(c.cc, dst));
    return;
  }
  const t1 = L.tmp();
  const t2 = L.tmp();
  L.emit(setcc(c.cc, t1));
  L.emit(setcc(c.cc2 as CC, t2));
  L.emitMod(aluRM(c.and ? AluOp.And : AluOp.Or, 4, dst, t2), t1);
}

function fcmpRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  if (t !== F32 && t !== F64 && t !== F16 && t !== F128) return false;
  const c = lowerFcmp(L, f.instImm0[inst] as FloatCC, f.arg(inst, 0), f.arg(inst, 1), t);
  materialize(L, c, L.out());
  return true;
}

function selectRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const x = f.arg(inst, 1);
  const y = f.arg(inst, 2);
  const isFl = t === F32 || t === F64 || t === F16 || t === F128;
  if (!(isIntScalar(t) || t === I128 || isFl)) return false;
  // Read the operands before emitting the compare: no instruction may come between it and the cmovs.
  const xs = t === I128 ? L.pair(x) : [isFl ? L.xmmOf(x) : L.gpr(x)];
  const ys = t === I128 ? L.pair(y) : [isFl ? L.xmmOf(y) : L.gpr(y)];
  const c = condOf(L, f.arg(inst, 0), inst);
  const outs = t === I128 ? L.outPair() : [L.out()];
  for (let k = 0; k < outs.length; k++) {
    const mv = (cc: CC, dst: number, src: number, tied: number): void => {
      if (isFl) L.emitMod(xmmCmove(cc, dst, src), tied);
      else L.emitMod(cmov(cc, t === I64 || t === I128 ? 8 : 4, dst, src), tied);
    };
    if (c.cc2 < 0) {
      mv(c.cc, outs[k], xs[k], ys[k]);
    } else {
      const mid = L.tmp(isFl ? RegClass.Float : RegClass.Int);
      mv(c.cc, mid, xs[k], ys[k]);
      if (c.and) mv(invertCC(c.cc2 as CC), outs[k], ys[k], mid);
      else mv(c.cc2 as CC, outs[k], xs[k], mid);
    }
  }
  return true;
}

function extendRule(signed: boolean): LRule {
  return (L, inst) => {
    const f = L.f;
    const to = resultType(L, inst);
    const from = argType(L, inst, 0);
    const a = L.gpr(f.arg(inst, 0));
    if (to === I128) {
      const [lo, hi] = L.outPair();
      extendTo64(L, signed, from, a, lo);
      if (signed) L.emitMod(shiftImm(ShiftOp.Sar, 8, hi, 63), lo);
      else L.emit(movImm(4, hi, 0));
      return true;
    }
    if (!isIntScalar(to) || !isIntScalar(from)) return false;
    if (!signed && from === I32 && to === I64 && writesZeroUpper(L, f.arg(inst, 0))) {
      // A 32-bit operation already cleared bits 32..63: a copy, which the allocator can drop.
      L.move(L.out(), a);
      return true;
    }
    extendTo64(L, signed, from, a, L.out(), to);
    return true;
  };
}

/** i32 results of these opcodes come from 32-bit instructions, which zero bits 32..63. */
const ZERO_UPPER = new Set<number>([
  IADD, ISUB, BAND, BOR, BXOR, IADD_IMM, BAND_IMM, BOR_IMM, BXOR_IMM, IMUL, ISHL, USHR, ISHL_IMM, USHR_IMM, LOAD, ULOAD8, ULOAD16,
]);

function writesZeroUpper(L: X64Lower, v: Value): boolean {
  const d = L.ctx.defInst(v);
  return d !== -1 && L.f.valueType[L.f.resolveAliases(v)] === I32 && ZERO_UPPER.has(L.f.instOpcode[d]);
}

function extendTo64(L: X64Lower, signed: boolean, from: Type, a: number, dst: number, to: Type = I64): void {
  const toSize: OperandSize = to === I64 ? 8 : 4;
  switch (from) {
    case I8: case I16:
      L.emit(signed ? movsx(bytes(from) as 1 | 2, toSize, dst, a) : movzx(bytes(from) as 1 | 2, 4, dst, a));
      return;
    case I32:
      L.emit(signed ? movsx(4, 8, dst, a) : movRR(4, dst, a));
      return;
    default:
      L.move(dst, a);
  }
}

function ireduceRule(L: X64Lower, inst: Inst): boolean {
  const from = argType(L, inst, 0);
  const a = L.f.arg(inst, 0);
  L.move(L.out(), from === I128 ? L.pair(a)[0] : L.gpr(a));
  return true;
}

function iconcatRule(L: X64Lower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [dlo, dhi] = L.outPair();
  L.move(dlo, L.gpr(L.f.arg(inst, 0)));
  L.move(dhi, L.gpr(L.f.arg(inst, 1)));
  return true;
}

function isplitRule(L: X64Lower, inst: Inst): boolean {
  if (argType(L, inst, 0) !== I128) return false;
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  if (L.ctx.isUsed(L.f.result(inst, 0))) L.move(L.out(0), lo);
  if (L.ctx.isUsed(L.f.result(inst, 1))) L.move(L.out(1), hi);
  return true;
}

function bmaskRule(L: X64Lower, inst: Inst): boolean {
  const from = argType(L, inst, 0);
  const to = resultType(L, inst);
  let x: number;
  if (from === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    x = L.tmp();
    L.emitMod(aluRM(AluOp.Or, 8, x, hi), lo);
  } else {
    x = L.gpr(L.f.arg(inst, 0));
  }
  const n = L.tmp();
  const size = from === I128 ? 8 : exactSize(from);
  L.emitMod(unary(UnaryOp.Neg, size, n), x);
  const z = L.tmp();
  const m = to === I128 ? L.outPair()[0] : L.out();
  L.emit(movImm(4, z, 0));
  L.emitMod(aluRM(AluOp.Sbb, 8, m, z), z);
  if (to === I128) L.move(L.outPair()[1], m);
  return true;
}

// ------------------------------------------------------------------ constants

function iconstRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const [lo, hi] = immHalves(L, inst);
  if (t === I128) {
    const [dlo, dhi] = L.outPair();
    L.constInto(dlo, lo, hi);
    L.constInto(dhi, hi >> 31, hi >> 31);
    return true;
  }
  L.constInto(L.out(), lo, hi, t === I64 ? 8 : 4);
  return true;
}

function fconstRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  if (op === F16CONST) {
    const r = L.tmp();
    L.constInto(r, f.instImm0[inst] & 0xffff, 0, 4);
    L.emit(gprToXmm(4, L.out(), r));
  } else if (op === F128CONST) {
    const bytes16 = f.constants[f.instImm0[inst]];
    if (bytes16 === undefined || bytes16.length !== 16) return false;
    L.emit(xmmLoad(XmmMovOp.Movups, L.out(), L.constAmode(bytes16, 16)));
  } else {
    if (op === F32CONST) fconst(L, F32, f.instImm0[inst], 0, L.out());
    else fconst(L, F64, f.instImm1[inst], f.instImm2[inst], L.out());
  }
  return true;
}

// ------------------------------------------------------------------ memory

function trapOf(flags: number): number {
  return memTrapCode(flags);
}

function loadRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const flags = f.instImm0[inst];
  const t = resultType(L, inst);
  const addr = (extra: number): Amode => L.addrOf(f.arg(inst, 0), f.instImm1[inst] + extra);
  const code = trapOf(flags);
  const tr = (i: MInst): MInst => (code !== 0 ? withTrap(i, code) : i);
  return emitLoad(L, op, t, addr, tr);
}

/** A little-endian load (big-endian ones were rejected by `rejectBigEndian`). */
function emitLoad(L: X64Lower, op: number, t: Type, addr: (extra: number) => Amode, tr: (i: MInst) => MInst): boolean {
  if (t === F16 || t === F128) {
    if (t === F128) {
      L.emit(tr(xmmLoad(XmmMovOp.Movups, L.out(), addr(0))));
      return true;
    }
    const g = L.tmp();
    L.emit(tr(movzx(2, 4, g, addr(0))));
    L.emit(gprToXmm(4, L.out(), g));
    return true;
  }
  if (t === F32 || t === F64) {
    L.emit(tr(xmmLoad(t === F32 ? XmmMovOp.Movss : XmmMovOp.Movsd, L.out(), addr(0))));
    return true;
  }
  if (t === I128) {
    const [lo, hi] = L.outPair();
    L.emit(tr(load(8, lo, addr(0))));
    L.emit(tr(load(8, hi, addr(8))));
    return true;
  }
  if (!isIntScalar(t)) return false;
  const dst = L.out();
  let i: MInst;
  switch (op) {
    case ULOAD8: i = movzx(1, 4, dst, addr(0)); break;
    case SLOAD8: i = movsx(1, aluSize(t), dst, addr(0)); break;
    case ULOAD16: i = movzx(2, 4, dst, addr(0)); break;
    case SLOAD16: i = movsx(2, aluSize(t), dst, addr(0)); break;
    case ULOAD32: i = load(4, dst, addr(0)); break;
    case SLOAD32: i = movsx(4, 8, dst, addr(0)); break;
    default: {
      const width = bytes(t);
      i = width === 8 ? load(8, dst, addr(0)) : width === 4 ? load(4, dst, addr(0)) : movzx(width as 1 | 2, 4, dst, addr(0));
    }
  }
  L.emit(tr(i));
  return true;
}

function storeRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const flags = f.instImm0[inst];
  const v = f.arg(inst, 0);
  const t = argType(L, inst, 0);
  const code = trapOf(flags);
  const tr = (i: MInst): MInst => (code !== 0 ? withTrap(i, code) : i);
  const addr = (extra: number): Amode => L.addrOf(f.arg(inst, 1), f.instImm1[inst] + extra);
  return emitStore(L, op, t, v, addr, tr);
}

/** A little-endian store (big-endian ones were rejected by `rejectBigEndian`). */
function emitStore(L: X64Lower, op: number, t: Type, v: Value, addr: (extra: number) => Amode, tr: (i: MInst) => MInst): boolean {
  if (t === F16 || t === F128) {
    if (t === F128) {
      L.emit(tr(xmmStore(XmmMovOp.Movups, L.xmmOf(v), addr(0))));
      return true;
    }
    const g = L.tmp();
    L.emit(xmmToGpr(4, g, L.xmmOf(v)));
    L.emit(tr(store(2, g, addr(0))));
    return true;
  }
  if (t === F32 || t === F64) {
    L.emit(tr(xmmStore(t === F32 ? XmmMovOp.Movss : XmmMovOp.Movsd, L.xmmOf(v), addr(0))));
    return true;
  }
  if (t === I128) {
    const [lo, hi] = L.pair(v);
    L.emit(tr(store(8, lo, addr(0))));
    L.emit(tr(store(8, hi, addr(8))));
    return true;
  }
  if (!isIntScalar(t)) return false;
  const width = (op === ISTORE8 ? 1 : op === ISTORE16 ? 2 : op === ISTORE32 ? 4 : bytes(t)) as OperandSize;
  const imm = L.imm32(v, t);
  if (imm !== null) {
    const w = width === 1 ? (imm << 24) >> 24 : width === 2 ? (imm << 16) >> 16 : imm;
    L.emit(tr(storeImm(width, addr(0), w)));
    return true;
  }
  L.emit(tr(store(width, L.gpr(v), addr(0))));
  return true;
}

function stackLoadRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  const slot = f.instImm0[inst];
  const off = f.instImm1[inst];
  return emitLoad(L, LOAD, t, (e) => L.slotAmode(slot, off + e), (i) => i);
}
function stackStoreRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = argType(L, inst, 0);
  const slot = f.instImm0[inst];
  const off = f.instImm1[inst];
  return emitStore(L, STORE, t, f.arg(inst, 0), (e) => L.slotAmode(slot, off + e), (i) => i);
}
function stackAddrRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  L.emit(lea(8, L.out(), L.slotAmode(f.instImm0[inst], f.instImm1[inst])));
  return true;
}

// ------------------------------------------------------------------ globals and symbols

function symbolAddr(L: X64Lower, dst: number, name: string, offset: number, colocated: boolean): void {
  if (colocated) L.emit(lea(8, dst, amSym(name, offset)));
  else if (offset === 0) L.emit(load(8, dst, amSym(name, 0, Reloc.X86GOTPCRel4)));
  else {
    const t = L.tmp();
    L.emit(load(8, t, amSym(name, 0, Reloc.X86GOTPCRel4)));
    L.emitMod(aluRI(AluOp.Add, 8, dst, offset), t);
  }
}

function globalValueInto(L: X64Lower, gv: number, dst: number, depth = 0): void {
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
      const sz = bytes(g.globalType);
      L.emit(sz === 8 ? load(8, dst, amBase(base, g.offset)) : load(4, dst, amBase(base, g.offset)));
      return;
    }
    case 'iadd_imm': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const off = Number(g.offset);
      if (off >= -0x80000000 && off <= 0x7fffffff) L.emitMod(aluRI(AluOp.Add, 8, dst, off), base);
      else L.emitMod(aluRM(AluOp.Add, 8, dst, L.constReg(Number(BigInt.asIntN(32, g.offset)), Number(BigInt.asIntN(32, g.offset >> 32n)))), base);
      return;
    }
    case 'symbol':
      if (g.tls) L.unsupported('thread-local symbol');
      symbolAddr(L, dst, symbolName(g.name), Number(g.offset), g.colocated);
      return;
    default:
      L.unsupported(`global value kind ${g.kind}`);
  }
}

function globalValueRule(L: X64Lower, inst: Inst): boolean {
  globalValueInto(L, L.f.instImm0[inst], L.out());
  return true;
}

function funcAddrRule(L: X64Lower, inst: Inst): boolean {
  const fr = L.f.funcRefs[L.f.instImm0[inst]];
  if (fr === undefined) return false;
  symbolAddr(L, L.out(), symbolName(fr.name), 0, fr.colocated);
  return true;
}

// ------------------------------------------------------------------ bit counting

function popcntRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    const a = popcount64(L, lo, 8);
    const b = popcount64(L, hi, 8);
    L.emitMod(aluRM(AluOp.Add, 8, dlo, b), a);
    L.emit(movImm(4, dhi, 0));
    return true;
  }
  if (!isIntScalar(t)) return false;
  let x = L.gpr(L.f.arg(inst, 0));
  if (t === I8 || t === I16) {
    const z = L.tmp();
    L.emit(movzx(bytes(t) as 1 | 2, 4, z, x));
    x = z;
  }
  L.move(L.out(), popcount64(L, x, t === I64 ? 8 : 4));
  return true;
}

function popcount64(L: X64Lower, x: number, size: 4 | 8): number {
  if (L.isaFlags.popcnt) {
    const d = L.tmp();
    L.emit(bitScan(BitOp.Popcnt, size, d, x));
    return d;
  }
  // SWAR: x - ((x >> 1) & 0x55..); (x & 0x33..) + ((x >> 2) & 0x33..); (x + (x >> 4)) & 0x0f..; * 0x01.. >> 56
  const k = (b: number): number => L.constReg(b | 0, size === 8 ? b | 0 : 0, size);
  const t1 = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, size, t1, 1), x);
  const t2 = L.tmp();
  L.emitMod(aluRM(AluOp.And, size, t2, k(0x55555555)), t1);
  const t3 = L.tmp();
  L.emitMod(aluRM(AluOp.Sub, size, t3, t2), x);
  const m3 = k(0x33333333);
  const t4 = L.tmp();
  L.emitMod(aluRM(AluOp.And, size, t4, m3), t3);
  const t5 = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, size, t5, 2), t3);
  const t6 = L.tmp();
  L.emitMod(aluRM(AluOp.And, size, t6, m3), t5);
  const t7 = L.tmp();
  L.emitMod(aluRM(AluOp.Add, size, t7, t6), t4);
  const t8 = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, size, t8, 4), t7);
  const t9 = L.tmp();
  L.emitMod(aluRM(AluOp.Add, size, t9, t8), t7);
  const t10 = L.tmp();
  L.emitMod(aluRM(AluOp.And, size, t10, k(0x0f0f0f0f)), t9);
  const t11 = L.tmp();
  L.emitMod(imul(size, t11, k(0x01010101)), t10);
  const t12 = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, size, t12, size * 8 - 8), t11);
  return t12;
}

/**
 * clz / ctz of an i128 from the 64-bit count of each half: the deciding half (the high one for
 * clz, the low one for ctz) gives the count unless it is zero, then it is 64 + the other's.
 */
function count128(L: X64Lower, inst: Inst, count: (L: X64Lower, x: number, size: 4 | 8, bits: number) => number, fromHigh: boolean): void {
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  const [dlo, dhi] = L.outPair();
  const cl = count(L, lo, 8, 64);
  const ch = count(L, hi, 8, 64);
  const decider = fromHigh ? hi : lo;
  const s = L.tmp();
  L.emitMod(aluRI(AluOp.Add, 8, s, 64), fromHigh ? cl : ch);
  L.emit(test(8, decider, decider));
  L.emitMod(cmov(CC.NE, 8, dlo, fromHigh ? ch : cl), s);
  L.emit(movImm(4, dhi, 0));
}

function clzRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    count128(L, inst, clz64, true);
    return true;
  }
  if (!isIntScalar(t)) return false;
  let x = L.gpr(L.f.arg(inst, 0));
  const bits = bytes(t) * 8;
  if (bits < 32) {
    const z = L.tmp();
    L.emit(movzx(bytes(t) as 1 | 2, 4, z, x));
    x = z;
  }
  const size = t === I64 ? 8 : 4;
  const r = clz64(L, x, size, size * 8);
  if (bits < 32) L.emitMod(aluRI(AluOp.Sub, 4, L.out(), 32 - bits), r);
  else L.move(L.out(), r);
  return true;
}


function clz64(L: X64Lower, x: number, size: 4 | 8, bits: number): number {
  const d = L.tmp();
  if (L.isaFlags.lzcnt) {
    L.emit(bitScan(BitOp.Lzcnt, size, d, x));
    return d;
  }
  // bsr gives the index of the highest set bit (ZF when x == 0): clz = bits-1 - index, with
  // index = -1 for zero.
  const idx = L.tmp();
  L.emit(bitScan(BitOp.Bsr, size, idx, x));
  const m1 = L.constReg(-1, -1);
  const idx2 = L.tmp();
  L.emitMod(cmov(CC.E, size, idx2, m1), idx);
  const top = L.constReg(bits - 1, 0);
  L.emitMod(aluRM(AluOp.Sub, size, d, idx2), top);
  return d;
}

function ctzRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    count128(L, inst, ctz64, false);
    return true;
  }
  if (!isIntScalar(t)) return false;
  let x = L.gpr(L.f.arg(inst, 0));
  const bits = bytes(t) * 8;
  if (bits < 32) {
    // A sentinel bit above the type makes ctz(0) == bits.
    const z = L.tmp();
    L.emitMod(aluRI(AluOp.Or, 4, z, 1 << bits), x);
    x = z;
  }
  const size = t === I64 ? 8 : 4;
  L.move(L.out(), ctz64(L, x, size, size * 8));
  return true;
}

function ctz64(L: X64Lower, x: number, size: 4 | 8, bits: number): number {
  const d = L.tmp();
  if (L.isaFlags.bmi1) {
    L.emit(bitScan(BitOp.Tzcnt, size, d, x));
    return d;
  }
  const idx = L.tmp();
  L.emit(bitScan(BitOp.Bsf, size, idx, x));
  const b = L.constReg(bits, 0);
  L.emitMod(cmov(CC.E, size, d, b), idx);
  return d;
}

function clsRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  // cls(x) = clz(x ^ (x >> (bits-1))) - 1, computed on the value sign-extended to 64 bits.
  const x = L.gpr(L.f.arg(inst, 0));
  const bits = bytes(t) * 8;
  const s = L.tmp();
  if (bits < 64) L.emit(bits === 32 ? movsx(4, 8, s, x) : movsx(bits / 8 as 1 | 2, 8, s, x));
  else L.move(s, x);
  const sh = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Sar, 8, sh, 63), s);
  const xx = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, xx, sh), s);
  const c = clz64(L, xx, 8, 64);
  L.emitMod(aluRI(AluOp.Sub, 4, L.out(), 64 - bits + 1), c);
  return true;
}

function bswapRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.emitMod(bswap(8, dlo), hi);
    L.emitMod(bswap(8, dhi), lo);
    return true;
  }
  const x = L.gpr(L.f.arg(inst, 0));
  if (t === I16) L.emitMod(shiftImm(ShiftOp.Ror, 2, L.out(), 8), x);
  else if (t === I32 || t === I64) L.emitMod(bswap(bytes(t) as 4 | 8, L.out()), x);
  else if (t === I8) L.move(L.out(), x);
  else return false;
  return true;
}

function bitrevRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t === I128) {
    const [lo, hi] = L.pair(L.f.arg(inst, 0));
    const [dlo, dhi] = L.outPair();
    L.move(dlo, bitrev64(L, hi));
    L.move(dhi, bitrev64(L, lo));
    return true;
  }
  if (!isIntScalar(t)) return false;
  const r = bitrev64(L, L.gpr(L.f.arg(inst, 0)));
  const bits = bytes(t) * 8;
  if (bits === 64) L.move(L.out(), r);
  else L.emitMod(shiftImm(ShiftOp.Shr, 8, L.out(), 64 - bits), r);
  return true;
}

function bitrev64(L: X64Lower, x: number): number {
  let cur = x;
  const steps: [number, number][] = [[1, 0x55555555], [2, 0x33333333], [4, 0x0f0f0f0f]];
  for (const [s, m] of steps) {
    const mask = L.constReg(m, m);
    const a = L.tmp();
    L.emitMod(shiftImm(ShiftOp.Shr, 8, a, s), cur);
    const a2 = L.tmp();
    L.emitMod(aluRM(AluOp.And, 8, a2, mask), a);
    const b = L.tmp();
    L.emitMod(aluRM(AluOp.And, 8, b, mask), cur);
    const b2 = L.tmp();
    L.emitMod(shiftImm(ShiftOp.Shl, 8, b2, s), b);
    const c = L.tmp();
    L.emitMod(aluRM(AluOp.Or, 8, c, b2), a2);
    cur = c;
  }
  const d = L.tmp();
  L.emitMod(bswap(8, d), cur);
  return d;
}

// ------------------------------------------------------------------ min/max/abs, overflow ops

function minMaxRule(cc: CC): LRule {
  return (L, inst) => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const a = L.gpr(L.f.arg(inst, 0));
    const b = L.gpr(L.f.arg(inst, 1));
    L.emit(aluRM(AluOp.Cmp, exactSize(t), a, b));
    // cc holds when a is the answer.
    L.emitMod(cmov(cc, t === I64 ? 8 : 4, L.out(), a), b);
    return true;
  };
}

function bitselectRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const one = (c: number, x: number, y: number, dst: number): void => {
    const t1 = L.tmp();
    L.emitMod(aluRM(AluOp.And, 8, t1, c), x);
    const nc = L.tmp();
    L.emitMod(unary(UnaryOp.Not, 8, nc), c);
    const t2 = L.tmp();
    L.emitMod(aluRM(AluOp.And, 8, t2, y), nc);
    L.emitMod(aluRM(AluOp.Or, 8, dst, t2), t1);
  };
  if (t === I128) {
    const c = L.pair(f.arg(inst, 0));
    const x = L.pair(f.arg(inst, 1));
    const y = L.pair(f.arg(inst, 2));
    const d = L.outPair();
    one(c[0], x[0], y[0], d[0]);
    one(c[1], x[1], y[1], d[1]);
    return true;
  }
  if (!isIntScalar(t)) return false;
  one(L.gpr(f.arg(inst, 0)), L.gpr(f.arg(inst, 1)), L.gpr(f.arg(inst, 2)), L.out());
  return true;
}

function iabs128(L: X64Lower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  const [dlo, dhi] = L.outPair();
  // s = hi >> 63 (all ones when negative); |x| = (x ^ s) - s
  const s = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Sar, 8, s, 63), hi);
  const xl = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, xl, s), lo);
  const xh = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, xh, s), hi);
  L.emitMod(aluRM(AluOp.Sub, 8, dlo, s), xl);
  L.emitMod(aluRM(AluOp.Sbb, 8, dhi, s), xh);
  return true;
}

function cls128(L: X64Lower, inst: Inst): boolean {
  if (resultType(L, inst) !== I128) return false;
  const [lo, hi] = L.pair(L.f.arg(inst, 0));
  const [dlo, dhi] = L.outPair();
  // cls(x) = clz(x ^ (x >> 127)) - 1, on the two halves.
  const s = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Sar, 8, s, 63), hi);
  const xl = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, xl, s), lo);
  const xh = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, xh, s), hi);
  const cl = clz64(L, xl, 8, 64);
  const ch = clz64(L, xh, 8, 64);
  const sum = L.tmp();
  L.emitMod(aluRI(AluOp.Add, 8, sum, 64), cl);
  L.emit(test(8, xh, xh));
  const c = L.tmp();
  L.emitMod(cmov(CC.NE, 8, c, ch), sum);
  L.emitMod(aluRI(AluOp.Sub, 8, dlo, 1), c);
  L.emit(movImm(4, dhi, 0));
  return true;
}

function iabsRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const size = exactSize(t);
  const a = L.gpr(L.f.arg(inst, 0));
  const n = L.tmp();
  L.emitMod(unary(UnaryOp.Neg, size, n), a);
  // neg sets SF from the negation: if -a is negative, a was positive.
  L.emitMod(cmov(CC.S, size < 4 ? 4 : size, L.out(), a), n);
  if (size < 4) return true;
  return true;
}

function overflowRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const t = resultType(L, inst);
  if (t === I128 && op !== UMUL_OVERFLOW && op !== SMUL_OVERFLOW) {
    const [alo, ahi] = L.pair(f.arg(inst, 0));
    const [blo, bhi] = L.pair(f.arg(inst, 1));
    const [dlo, dhi] = L.outPair(0);
    const add = op === UADD_OVERFLOW || op === SADD_OVERFLOW;
    L.emitMod(aluRM(add ? AluOp.Add : AluOp.Sub, 8, dlo, blo), alo);
    L.emitMod(aluRM(add ? AluOp.Adc : AluOp.Sbb, 8, dhi, bhi), ahi);
    L.emit(setcc(op === UADD_OVERFLOW || op === USUB_OVERFLOW ? CC.B : CC.O, L.out(1)));
    return true;
  }
  if (!isIntScalar(t)) return false;
  const size = exactSize(t);
  const a = L.gpr(f.arg(inst, 0));
  const b = L.gpr(f.arg(inst, 1));
  const dst = L.out(0);
  let cc: CC;
  switch (op) {
    case UADD_OVERFLOW: L.emitMod(aluRM(AluOp.Add, size, dst, b), a); cc = CC.B; break;
    case SADD_OVERFLOW: L.emitMod(aluRM(AluOp.Add, size, dst, b), a); cc = CC.O; break;
    case USUB_OVERFLOW: L.emitMod(aluRM(AluOp.Sub, size, dst, b), a); cc = CC.B; break;
    case SSUB_OVERFLOW: L.emitMod(aluRM(AluOp.Sub, size, dst, b), a); cc = CC.O; break;
    case UMUL_OVERFLOW:
      if (size === 1) L.emitWith(mulDiv(MulDivOp.Mul, 1, b), { fixedUses: [raw(a), rax], fixedDefs: [raw(dst), rax] });
      else L.emitWith(mulDiv(MulDivOp.Mul, size, b), { fixedUses: [raw(a), rax], fixedDefs: [raw(dst), rax] });
      cc = CC.O;
      break;
    case SMUL_OVERFLOW:
      if (size === 1) L.emitWith(mulDiv(MulDivOp.Imul, 1, b), { fixedUses: [raw(a), rax], fixedDefs: [raw(dst), rax] });
      else L.emitMod(imul(size, dst, b), a);
      cc = CC.O;
      break;
    default: return false;
  }
  L.emit(setcc(cc, L.out(1)));
  return true;
}

function carryRule(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const op = f.instOpcode[inst];
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const size = exactSize(t);
  const a = L.gpr(f.arg(inst, 0));
  const b = L.gpr(f.arg(inst, 1));
  const c = L.gpr(f.arg(inst, 2));
  const z = L.tmp();
  L.emit(movzx(1, 4, z, c));
  // neg sets CF exactly when its operand is non-zero: the carry/borrow in.
  const cf = L.tmp();
  L.emitMod(unary(UnaryOp.Neg, 4, cf), z);
  const isAdd = op === UADD_OVERFLOW_CIN || op === SADD_OVERFLOW_CIN;
  L.emitMod(aluRM(isAdd ? AluOp.Adc : AluOp.Sbb, size, L.out(0), b), a);
  const signed = op === SADD_OVERFLOW_CIN || op === SSUB_OVERFLOW_BIN;
  L.emit(setcc(signed ? CC.O : CC.B, L.out(1)));
  return true;
}

function uaddTrapRule(L: X64Lower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const a = L.gpr(L.f.arg(inst, 0));
  const b = L.gpr(L.f.arg(inst, 1));
  L.emitMod(aluRM(AluOp.Add, exactSize(t), L.out(), b), a);
  L.emit(jccTo(CC.B, L.trapLabel(L.f.instImm0[inst])));
  return true;
}

// ------------------------------------------------------------------ misc

function bitcastRule(L: X64Lower, inst: Inst): boolean {
  const to = resultType(L, inst);
  const from = argType(L, inst, 0);
  const a = L.f.arg(inst, 0);
  const fIn = from === F32 || from === F64 || from === F16 || from === F128;
  const fOut = to === F32 || to === F64 || to === F16 || to === F128;
  if (bytes(to) !== bytes(from)) return false;
  if ((to === F128 && from === I128) || (to === I128 && from === F128)) {
    // Through a 16-byte stack area.
    const slot = L.addAreaSlot(16);
    if (to === F128) {
      const [lo, hi] = L.pair(a);
      L.emit(store(8, lo, L.slotAmode(slot, 0)));
      L.emit(store(8, hi, L.slotAmode(slot, 8)));
      L.emit(xmmLoad(XmmMovOp.Movups, L.out(), L.slotAmode(slot, 0)));
    } else {
      L.emit(xmmStore(XmmMovOp.Movups, L.xmmOf(a), L.slotAmode(slot, 0)));
      const [lo, hi] = L.outPair();
      L.emit(load(8, lo, L.slotAmode(slot, 0)));
      L.emit(load(8, hi, L.slotAmode(slot, 8)));
    }
    return true;
  }
  if (from === F16 || to === F16) {
    if (fIn && !fOut) L.emit(xmmToGpr(4, L.out(), L.xmmOf(a)));
    else if (!fIn && fOut) L.emit(gprToXmm(4, L.out(), L.gpr(a)));
    else L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, L.out(), L.xmmOf(a)));
    return true;
  }
  if (fIn && !fOut) L.emit(xmmToGpr(bytes(to) as 4 | 8, L.out(), L.xmmOf(a)));
  else if (!fIn && fOut) L.emit(gprToXmm(bytes(to) as 4 | 8, L.out(), L.gpr(a)));
  else if (fIn && fOut) L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, L.out(), L.xmmOf(a)));
  else if (to === I128) {
    const [lo, hi] = L.pair(a);
    const [dlo, dhi] = L.outPair();
    L.move(dlo, lo);
    L.move(dhi, hi);
  } else L.move(L.out(), L.gpr(a));
  return true;
}

function regRule(reg: number): LRule {
  return (L) => {
    L.emit(movRR(8, L.out(), reg));
    return true;
  };
}

/** Opcodes whose first immediate is a MemFlags word. */
const MEM_FORMATS = new Set<Format>([
  Format.Load, Format.LoadNoOffset, Format.Store, Format.StoreNoOffset, Format.AtomicRmw, Format.AtomicCas,
]);

/**
 * x86-64 lowers little-endian memory accesses only. Like Cranelift's x64 backend, every access
 * flagged `big` is rejected (even one byte wide), ahead of every other rule, so that no rule
 * (a fused load included) can treat it as little-endian.
 */
function rejectBigEndian(L: X64Lower, inst: Inst): boolean {
  if (memEndianness(L.f.instImm0[inst]) !== ENDIAN_BIG) return false;
  return L.unsupported(`big-endian ${opcodeName(L.f.instOpcode[inst] as Opcode)} (x86-64 lowers little-endian memory accesses only)`);
}

export function buildRules(): RuleTable<X64Lower> {
  const r = new RuleTable<X64Lower>();
  const memOps: Opcode[] = [];
  for (let op = 0; op < OPCODES.length; op++) if (MEM_FORMATS.has(OPCODES[op].format)) memOps.push(op as Opcode);
  r.add(memOps, 'reject big-endian access', rejectBigEndian, 2000);
  r.add([IADD, ISUB, BAND, BOR, BXOR], 'alu reg/imm/mem', aluBinary);
  r.add([IADD_IMM, BAND_IMM, BOR_IMM, BXOR_IMM], 'alu imm', aluImm);
  r.add(IRSUB_IMM, 'irsub_imm', irsubImm);
  r.add(IMUL, 'imul', mul);
  r.add(IMUL_IMM, 'imul imm', imulImmRule);
  r.add(INEG, 'neg', unaryRule(UnaryOp.Neg));
  r.add(BNOT, 'not', unaryRule(UnaryOp.Not));
  r.add(BAND_NOT, 'and not', andNotLike(AluOp.And));
  r.add(BOR_NOT, 'or not', andNotLike(AluOp.Or));
  r.add(BXOR_NOT, 'xor not', andNotLike(AluOp.Xor));
  r.add(UMULHI, 'mul high', mulHigh(false));
  r.add(SMULHI, 'imul high', mulHigh(true));
  r.add(UDIV, 'div', divRem(false, false));
  r.add(SDIV, 'idiv', divRem(true, false));
  r.add(UREM, 'div rem', divRem(false, true));
  r.add(SREM, 'idiv rem', divRem(true, true));
  r.add([ISHL, USHR, SSHR, ROTL, ROTR], 'shift', shiftRule(false));
  r.add([ISHL_IMM, USHR_IMM, SSHR_IMM, ROTL_IMM, ROTR_IMM], 'shift imm', shiftRule(true));
  r.add([ICMP, ICMP_IMM], 'icmp setcc', icmpRule);
  r.add(FCMP, 'fcmp setcc', fcmpRule);
  r.add([SELECT, SELECT_SPECTRE_GUARD], 'select cmov', selectRule);
  r.add(UEXTEND, 'uextend', extendRule(false));
  r.add(SEXTEND, 'sextend', extendRule(true));
  r.add(IREDUCE, 'ireduce', ireduceRule);
  r.add(ICONCAT, 'iconcat', iconcatRule);
  r.add(ISPLIT, 'isplit', isplitRule);
  r.add(BMASK, 'bmask', bmaskRule);
  r.add(ICONST, 'iconst', iconstRule);
  r.add([F16CONST, F32CONST, F64CONST, F128CONST], 'fconst', fconstRule);
  r.add([LOAD, ULOAD8, SLOAD8, ULOAD16, SLOAD16, ULOAD32, SLOAD32], 'load', loadRule);
  r.add([STORE, ISTORE8, ISTORE16, ISTORE32], 'store', storeRule);
  r.add(STACK_LOAD, 'stack_load', stackLoadRule);
  r.add(STACK_STORE, 'stack_store', stackStoreRule);
  r.add(STACK_ADDR, 'stack_addr', stackAddrRule);
  r.add([GLOBAL_VALUE, SYMBOL_VALUE], 'global_value', globalValueRule);
  r.add(FUNC_ADDR, 'func_addr', funcAddrRule);
  r.add(POPCNT, 'popcnt', popcntRule);
  r.add(CLZ, 'clz', clzRule);
  r.add(CTZ, 'ctz', ctzRule);
  r.add(CLS, 'cls', clsRule);
  r.add(BSWAP, 'bswap', bswapRule);
  r.add(BITREV, 'bitrev', bitrevRule);
  r.add(SMIN, 'smin', minMaxRule(CC.L));
  r.add(SMAX, 'smax', minMaxRule(CC.G));
  r.add(UMIN, 'umin', minMaxRule(CC.B));
  r.add(UMAX, 'umax', minMaxRule(CC.A));
  r.add(IABS, 'iabs', iabsRule);
  r.add(IABS, 'iabs i128', iabs128);
  r.add(CLS, 'cls i128', cls128);
  r.add(BITSELECT, 'bitselect', bitselectRule);
  r.add([UADD_OVERFLOW, SADD_OVERFLOW, USUB_OVERFLOW, SSUB_OVERFLOW, UMUL_OVERFLOW, SMUL_OVERFLOW], 'overflow', overflowRule);
  r.add([UADD_OVERFLOW_CIN, SADD_OVERFLOW_CIN, USUB_OVERFLOW_BIN, SSUB_OVERFLOW_BIN], 'carry in', carryRule);
  r.add(UADD_OVERFLOW_TRAP, 'uadd_overflow_trap', uaddTrapRule);
  r.add(BITCAST, 'bitcast', bitcastRule);
  r.add(GET_FRAME_POINTER, 'frame pointer', regRule(rbp));
  r.add(GET_STACK_POINTER, 'stack pointer', regRule(rsp));
  r.add(GET_RETURN_ADDRESS, 'return address', (L) => {
    L.emit(load(8, L.out(), amBase(rbp, 8)));
    return true;
  });
  r.add([NOP, SEQUENCE_POINT], 'no code', () => true);
  r.add(FENCE, 'mfence', (L) => {
    L.emit(fence());
    return true;
  });
  r.add(DEBUGTRAP, 'int3', (L) => {
    L.emit(int3());
    return true;
  });
  lowerFloatRules(r);
  lowerSoftFloatRules(r);
  lowerAtomicRules(r);
  lowerTlsRules(r);
  lowerStackSwitchRules(r);
  lowerSimdRules(r);
  return r;
}

export type { Signature, Opcode, Value };
export { ValueKind, typeName, I128 };
