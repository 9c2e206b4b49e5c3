// SSE lowering rules for 128-bit vectors (i8x16 ... f64x2, one xmm register each).
//
// Every opcode gets a guard rule at the highest priority: an instruction that touches a vector
// value is lowered here or rejected with an UnsupportedError, so the scalar rules never see a
// vector operand (they would compute on the wrong register class or lane width). SSE4.1 forms
// (pmulld, pminsd, pextrb, pinsrd, pmovsx, ...) are used only under `has_sse41` or `has_avx`
// (AVX implies SSE4.1); without them the SSE2 baseline gets an equivalent sequence (compares
// and masks, pmuludq products, stack round trips for byte permutations) or, for rounding and
// fma, one C library call per lane.
//
// 16-, 32- and 64-bit vectors (i8x2 ... i32x2, f32x2) live in the low bytes of an xmm register:
// they are loaded, stored, moved, selected and bitcast, and their lanes read, written or
// splatted (the 128-bit lane code is right for any lane below their lane count); arithmetic on
// them is rejected.

import {
  type Inst, type Type, type Value,
  F32, F64, I16, I32, I64, I8, OPCODE_COUNT, type Opcode, IntCC, FloatCC, ENDIAN_BIG,
  isVector, laneType, laneBits, laneCount, memEndianness, memTrapCode, opcodeName, typeName,
  VCONST, SPLAT, EXTRACTLANE, INSERTLANE, LOAD, STORE, BITCAST, SCALAR_TO_VECTOR,
  IADD, ISUB, IMUL, INEG, IABS, SADD_SAT, UADD_SAT, SSUB_SAT, USUB_SAT, AVG_ROUND,
  SMIN, SMAX, UMIN, UMAX, BAND, BOR, BXOR, BNOT, BAND_NOT, BITSELECT, SELECT,
  ISHL, USHR, SSHR, ICMP, FCMP, FADD, FSUB, FMUL, FDIV, SQRT, FNEG, FABS,
  VANY_TRUE, VALL_TRUE, VHIGH_BITS, SWIDEN_LOW, SWIDEN_HIGH, UWIDEN_LOW, UWIDEN_HIGH, SNARROW, UNARROW,
  SWIZZLE, SHUFFLE, IADD_PAIRWISE, FMIN, FMAX, FLOOR, CEIL, TRUNC, NEAREST, FCVT_FROM_UINT,
  FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT, POPCNT, FMA, X86_PSHUFB, FCVT_FROM_SINT, FVPROMOTE_LOW, FVDEMOTE,
  SLOAD8X8, ULOAD8X8, SLOAD16X4, ULOAD16X4, SLOAD32X2, ULOAD32X2, UUNARROW, SQMUL_ROUND_SAT, I128, F128, F16,
  bytes,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, AvxOp, CC, xmmRVM, aluRM, PackedImmOp, RegClass, SseOp, XmmExtractOp, XmmInsertOp, XmmMovOp, XmmShiftOp,
  aluRI, cvtIntToFloat, store, storeImm, gprToXmm, movImm, movzx, setcc, shiftImm, ShiftOp, test, withTrap, xmmCmove, xmmExtract, xmmInsert,
  xmmLoad, xmmMov, xmmRM, xmmRMImmP, xmmShiftImm, xmmStore, xmmToGpr, type MInst, amIndex, cmov, lea,
  cvtFloatToInt, CvtToIntOp,
} from '../inst';
import { condOf } from './cond';
import { isVec128, isVecSmall, isXmmVector } from './simd-types';
import { floatLibcall } from './float';
import type { X64Lower } from './state';

type Handler = (L: X64Lower, inst: Inst) => boolean;

function typeOf(L: X64Lower, v: Value): Type {
  return L.f.valueType[L.f.resolveAliases(v)] as Type;
}
function resT(L: X64Lower, inst: Inst): Type {
  return L.f.valueType[L.f.result(inst, 0)] as Type;
}
function argT(L: X64Lower, inst: Inst, k: number): Type {
  return typeOf(L, L.f.arg(inst, k));
}
function arg(L: X64Lower, inst: Inst, k: number): number {
  return L.xmmOf(L.f.arg(inst, k));
}
function sse41(L: X64Lower): boolean {
  return L.isaFlags.sse41 || L.isaFlags.avx;
}
function ssse3(L: X64Lower): boolean {
  return L.isaFlags.ssse3 === true || sse41(L);
}
function ftmp(L: X64Lower): number {
  return L.tmp(RegClass.Float);
}

/** Whether the instruction reads or defines a vector value. */
function touchesVector(L: X64Lower, inst: Inst): boolean {
  // Runs for every instruction: index the pools directly, no arrays.
  const f = L.f;
  const nr = f.resultCount(inst);
  for (let k = 0; k < nr; k++) if (isVector(f.valueType[f.result(inst, k)] as Type)) return true;
  const na = f.argCount(inst);
  for (let k = 0; k < na; k++) if (isVector(typeOf(L, f.arg(inst, k)))) return true;
  return false;
}

// ---------------------------------------------------------------- constants

/** dst <- the 16 bytes `b`: one load from the constant pool (zero: through a GPR, no memory). */
function vconstInto(L: X64Lower, dst: number, b: Uint8Array): void {
  const w = (k: number): number => (b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24)) | 0;
  if (b.some((x) => x !== 0)) {
    L.emit(xmmLoad(XmmMovOp.Movups, dst, L.constAmode(b.subarray(0, 16), 16)));
    return;
  }
  const lo = ftmp(L);
  L.emit(gprToXmm(8, lo, L.constReg(w(0), w(4))));
  if (w(8) === 0 && w(12) === 0) {
    // movq zero-extends into the upper lanes.
    L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, dst, lo));
    return;
  }
  const hi = ftmp(L);
  L.emit(gprToXmm(8, hi, L.constReg(w(8), w(12))));
  L.emitMod(xmmRM(SseOp.Punpcklqdq, dst, hi), lo);
}
function vconstReg(L: X64Lower, b: Uint8Array): number {
  const r = ftmp(L);
  vconstInto(L, r, b);
  return r;
}
/** A register with every lane of `laneBytes` bytes set to `lane` (a byte pattern repeated). */
function splatConst(L: X64Lower, laneBytes: number, lane: bigint): number {
  const b = new Uint8Array(16);
  for (let k = 0; k < 16; k++) b[k] = Number((lane >> BigInt(8 * (k % laneBytes))) & 0xffn);
  return vconstReg(L, b);
}
function zeros(L: X64Lower): number {
  return vconstReg(L, new Uint8Array(16));
}
function ones(L: X64Lower): number {
  return vconstReg(L, new Uint8Array(16).fill(0xff));
}

// ---------------------------------------------------------------- moves, lanes, memory

function vconst(L: X64Lower, inst: Inst): boolean {
  const c = L.f.constants[L.f.instImm0[inst]];
  if (c === undefined) return false;
  const b = new Uint8Array(16);
  b.set(c.subarray(0, 16));
  vconstInto(L, L.out(), b);
  return true;
}

/** Broadcasts lane 0 of `x` (lane type `lt`) into `dst`. */
function broadcast(L: X64Lower, lt: Type, x: number, dst: number): void {
  switch (lt) {
    case I8: case I16: {
      let y = x;
      if (lt === I8) {
        y = ftmp(L);
        L.emitMod(xmmRM(SseOp.Punpcklbw, y, x), x);
      }
      const z = ftmp(L);
      L.emitMod(xmmRM(SseOp.Punpcklwd, z, y), y);
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, dst, z, 0));
      return;
    }
    case I32: case F32:
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, dst, x, 0));
      return;
    default:
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, dst, x, 0x44));
  }
}

function splat(L: X64Lower, inst: Inst): boolean {
  const lt = laneType(resT(L, inst));
  const v = L.f.arg(inst, 0);
  let x: number;
  if (lt === F32 || lt === F64) x = L.xmmOf(v);
  else if (lt === F16) {
    // Lane 0 of the f16's register already holds its 16 bits: broadcast them as a word.
    broadcast(L, I16, L.xmmOf(v), L.out());
    return true;
  } else {
    x = ftmp(L);
    L.emit(gprToXmm(lt === I64 ? 8 : 4, x, L.gpr(v)));
  }
  broadcast(L, lt, x, L.out());
  return true;
}

function scalarToVector(L: X64Lower, inst: Inst): boolean {
  const lt = laneType(resT(L, inst));
  const v = L.f.arg(inst, 0);
  const size = lt === I64 || lt === F64 ? 8 : 4;
  let g: number;
  if (lt === F32 || lt === F64) {
    // Through a GPR: movd/movq zero the upper lanes a scalar float register may hold junk in.
    g = L.tmp();
    L.emit(xmmToGpr(size, g, L.xmmOf(v)));
  } else if (lt === F16) {
    // An f16 lives in an xmm register: its 16 bits through a GPR, zero-extended.
    const h = L.tmp();
    L.emit(xmmToGpr(4, h, L.xmmOf(v)));
    g = L.tmp();
    L.emit(movzx(2, 4, g, h));
  } else if (lt === I8 || lt === I16) {
    g = L.tmp();
    L.emit(movzx(lt === I8 ? 1 : 2, 4, g, L.gpr(v)));
  } else g = L.gpr(v);
  L.emit(gprToXmm(size, L.out(), g));
  return true;
}

function extractlane(L: X64Lower, inst: Inst): boolean {
  const t = argT(L, inst, 0);
  const lt = laneType(t);
  const lane = L.f.instImm0[inst];
  if (lane < 0 || lane >= laneCount(t)) return false;
  const x = arg(L, inst, 0);
  const out = L.out();
  switch (lt) {
    case F32:
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, out, x, lane));
      return true;
    case F64:
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, out, x, lane === 0 ? 0x44 : 0xee));
      return true;
    case I8:
      if (sse41(L)) L.emit(xmmExtract(XmmExtractOp.Pextrb, out, x, lane));
      else {
        const w = L.tmp();
        L.emit(xmmExtract(XmmExtractOp.Pextrw, w, x, lane >> 1));
        if (lane & 1) L.emitMod(shiftImm(ShiftOp.Shr, 4, out, 8), w);
        else L.move(out, w);
      }
      return true;
    case I16:
      L.emit(xmmExtract(XmmExtractOp.Pextrw, out, x, lane));
      return true;
    case F16: {
      const w = L.tmp();
      L.emit(xmmExtract(XmmExtractOp.Pextrw, w, x, lane));
      L.emit(gprToXmm(4, out, w));
      return true;
    }
    case I32: case I64: {
      const is64 = lt === I64;
      let y = x;
      if (lane !== 0) {
        y = ftmp(L);
        L.emit(xmmRMImmP(PackedImmOp.Pshufd, y, x, is64 ? 0xee : lane));
      }
      L.emit(xmmToGpr(is64 ? 8 : 4, out, y));
      return true;
    }
    default:
      return false;
  }
}

function insertlane(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  const lt = laneType(t);
  const lane = L.f.instImm0[inst];
  if (lane < 0 || lane >= laneCount(t)) return false;
  const x = arg(L, inst, 0);
  const v = L.f.arg(inst, 1);
  const out = L.out();
  if (lt === F64) {
    const y = L.xmmOf(v);
    if (lane === 0) L.emitMod(xmmMov(XmmMovOp.Movsd, out, y), x);
    else L.emitMod(xmmRM(SseOp.Unpcklpd, out, y), x);
    return true;
  }
  if (lt === I16 || lt === F16) {
    let g: number;
    if (lt === F16) {
      g = L.tmp();
      L.emit(xmmToGpr(4, g, L.xmmOf(v)));
    } else g = L.gpr(v);
    L.emitMod(xmmInsert(XmmInsertOp.Pinsrw, out, g, lane), x);
    return true;
  }
  if (lt === I64 && !sse41(L)) {
    const y = ftmp(L);
    L.emit(gprToXmm(8, y, L.gpr(v)));
    if (lane === 0) L.emitMod(xmmMov(XmmMovOp.Movsd, out, y), x);
    else L.emitMod(xmmRM(SseOp.Punpcklqdq, out, y), x);
    return true;
  }
  if (!sse41(L)) return insertlaneSse2(L, lt, lane, x, v, out);
  let g: number;
  if (lt === F32) {
    g = L.tmp();
    L.emit(xmmToGpr(4, g, L.xmmOf(v)));
  } else g = L.gpr(v);
  const op = lt === I8 ? XmmInsertOp.Pinsrb : lt === I64 ? XmmInsertOp.Pinsrq : XmmInsertOp.Pinsrd;
  L.emitMod(xmmInsert(op, out, g, lane), x);
  return true;
}

/** SSE2 lane inserts through pinsrw: a 32-bit lane as two words, a byte merged into its word. */
function insertlaneSse2(L: X64Lower, lt: Type, lane: number, x: number, v: Value, out: number): boolean {
  if (lt === I32 || lt === F32) {
    let g: number;
    if (lt === F32) {
      g = L.tmp();
      L.emit(xmmToGpr(4, g, L.xmmOf(v)));
    } else g = L.gpr(v);
    const y = ftmp(L);
    L.emitMod(xmmInsert(XmmInsertOp.Pinsrw, y, g, lane * 2), x);
    const h = L.tmp();
    L.emitMod(shiftImm(ShiftOp.Shr, 4, h, 16), g);
    L.emitMod(xmmInsert(XmmInsertOp.Pinsrw, out, h, lane * 2 + 1), y);
    return true;
  }
  if (lt !== I8) return false;
  const w = L.tmp();
  L.emit(xmmExtract(XmmExtractOp.Pextrw, w, x, lane >> 1));
  const b = L.tmp();
  L.emit(movzx(1, 4, b, L.gpr(v)));
  const kept = L.tmp();
  L.emitMod(aluRI(AluOp.And, 4, kept, lane & 1 ? 0xff : 0xff00), w);
  let bb = b;
  if (lane & 1) {
    bb = L.tmp();
    L.emitMod(shiftImm(ShiftOp.Shl, 4, bb, 8), b);
  }
  const merged = L.tmp();
  L.emitMod(aluRM(AluOp.Or, 4, merged, bb), kept);
  L.emitMod(xmmInsert(XmmInsertOp.Pinsrw, out, merged, lane >> 1), x);
  return true;
}

/** A bitcast's lane order is little-endian (big-endian loads and stores are rejected in rules.ts). */
function littleLanes(flags: number): boolean {
  return memEndianness(flags) !== ENDIAN_BIG;
}
function trapped(i: MInst, flags: number): MInst {
  const code = memTrapCode(flags);
  return code !== 0 ? withTrap(i, code) : i;
}

function vload(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const flags = f.instImm0[inst];
  const t = resT(L, inst);
  if (!isXmmVector(t)) return false;
  const a = L.addrOf(f.arg(inst, 0), f.instImm1[inst]);
  const out = L.out();
  switch (bytes(t)) {
    case 16: L.emit(trapped(xmmLoad(XmmMovOp.Movdqu, out, a), flags)); return true;
    case 8: L.emit(trapped(gprToXmm(8, out, a), flags)); return true;
    case 4: L.emit(trapped(gprToXmm(4, out, a), flags)); return true;
    default: {
      // Two bytes: through a GPR (movd from memory would read past them).
      const g = L.tmp();
      L.emit(trapped(movzx(2, 4, g, a), flags));
      L.emit(gprToXmm(4, out, g));
      return true;
    }
  }
}
function vstore(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const flags = f.instImm0[inst];
  const t = argT(L, inst, 0);
  if (!isXmmVector(t)) return false;
  const x = arg(L, inst, 0);
  const a = L.addrOf(f.arg(inst, 1), f.instImm1[inst]);
  switch (bytes(t)) {
    case 16: L.emit(trapped(xmmStore(XmmMovOp.Movdqu, x, a), flags)); return true;
    case 8: L.emit(trapped(xmmToGpr(8, a, x), flags)); return true;
    case 4: L.emit(trapped(xmmToGpr(4, a, x), flags)); return true;
    default: {
      const g = L.tmp();
      L.emit(xmmToGpr(4, g, x));
      L.emit(trapped(store(2, g, a), flags));
      return true;
    }
  }
}

/** Types held in one xmm register: fixed vectors and the float scalars. */
function inXmm(t: Type): boolean {
  return isXmmVector(t) || t === F32 || t === F64 || t === F16 || t === F128;
}

function bitcast(L: X64Lower, inst: Inst): boolean {
  const to = resT(L, inst);
  const from = argT(L, inst, 0);
  if (bytes(to) !== bytes(from)) return false;
  // Lane order only matters when the lane width changes: x86 is little-endian.
  if (laneBits(to) !== laneBits(from) && !littleLanes(L.f.instImm0[inst])) return false;
  const v = L.f.arg(inst, 0);
  if (inXmm(to) && inXmm(from)) {
    L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, L.out(), L.xmmOf(v)));
    return true;
  }
  if (to === I128 && isVec128(from)) {
    // i128 is a GPR pair (low, high): the two quadwords.
    const x = L.xmmOf(v);
    const [lo, hi] = L.outPair();
    L.emit(xmmToGpr(8, lo, x));
    const y = ftmp(L);
    L.emit(xmmRMImmP(PackedImmOp.Pshufd, y, x, 0xee));
    L.emit(xmmToGpr(8, hi, y));
    return true;
  }
  if (from === I128 && isVec128(to)) {
    const [lo, hi] = L.pair(v);
    const a = ftmp(L), b = ftmp(L);
    L.emit(gprToXmm(8, a, lo));
    L.emit(gprToXmm(8, b, hi));
    binop(L, SseOp.Punpcklqdq, a, b, L.out());
    return true;
  }
  // A 16-, 32- or 64-bit vector and an integer of its size: movd / movq (a 16-bit vector
  // occupies the low half of the dword moved; the bits above are unspecified).
  const n = bytes(to);
  if (isVecSmall(from) && (to === I16 || to === I32 || to === I64)) {
    L.emit(xmmToGpr(n === 8 ? 8 : 4, L.out(), L.xmmOf(v)));
    return true;
  }
  if (isVecSmall(to) && (from === I16 || from === I32 || from === I64)) {
    L.emit(gprToXmm(n === 8 ? 8 : 4, L.out(), L.gpr(v)));
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- integer lanes

type LaneOps = readonly (SseOp | -1)[]; // by lane type: i8 i16 i32 i64
const LANE_INDEX: Record<number, number> = { [I8]: 0, [I16]: 1, [I32]: 2, [I64]: 3, [F32]: 2, [F64]: 3 };

/** Ops that need SSE4.1 (or SSSE3, which SSE4.1 implies). */
const SSE41_OPS = new Set<number>([
  SseOp.Pmulld, SseOp.Pcmpeqq, SseOp.Pminsb, SseOp.Pminsd, SseOp.Pminuw, SseOp.Pminud, SseOp.Pmaxsb,
  SseOp.Pmaxsd, SseOp.Pmaxuw, SseOp.Pmaxud, SseOp.Packusdw,
  SseOp.Pmovsxbw, SseOp.Pmovsxwd, SseOp.Pmovsxdq, SseOp.Pmovzxbw, SseOp.Pmovzxwd, SseOp.Pmovzxdq,
]);
const SSSE3_OPS = new Set<number>([SseOp.Pabsb, SseOp.Pabsw, SseOp.Pabsd, SseOp.Pshufb, SseOp.Phaddw, SseOp.Phaddd]);
/** The op for `t`'s lane width (float lanes count as integers of their width: bitwise use only). */
function laneOp(L: X64Lower, t: Type, ops: LaneOps): SseOp | null {
  if (!isVec128(t)) return null;
  const k = LANE_INDEX[laneType(t)];
  const op = k === undefined ? -1 : ops[k];
  if (op === undefined || op < 0) return null;
  if (SSE41_OPS.has(op) && !sse41(L)) return null;
  if (SSSE3_OPS.has(op) && !ssse3(L)) return null;
  if (op === SseOp.Pcmpgtq && L.isaFlags.sse42 !== true && !L.isaFlags.avx) return null;
  return op as SseOp;
}

/** out <- a op b (the destination is tied to `a`). */
function binop(L: X64Lower, op: SseOp, a: number, b: number, out = ftmp(L)): number {
  L.emitMod(xmmRM(op, out, b), a);
  return out;
}

function intBinary(ops: LaneOps): Handler {
  return (L, inst) => {
    if (!isIntLanes(resT(L, inst))) return false;
    const op = laneOp(L, resT(L, inst), ops);
    if (op === null) return false;
    binop(L, op, arg(L, inst, 0), arg(L, inst, 1), L.out());
    return true;
  };
}

const ADD: LaneOps = [SseOp.Paddb, SseOp.Paddw, SseOp.Paddd, SseOp.Paddq];
const SUB: LaneOps = [SseOp.Psubb, SseOp.Psubw, SseOp.Psubd, SseOp.Psubq];

function isIntLanes(t: Type): boolean {
  const lt = laneType(t);
  return lt === I8 || lt === I16 || lt === I32 || lt === I64;
}

function ineg(L: X64Lower, inst: Inst): boolean {
  if (!isIntLanes(resT(L, inst))) return false;
  const op = laneOp(L, resT(L, inst), SUB);
  if (op === null) return false;
  binop(L, op, zeros(L), arg(L, inst, 0), L.out());
  return true;
}

function iabs(L: X64Lower, inst: Inst): boolean {
  if (!isIntLanes(resT(L, inst))) return false;
  const op = laneOp(L, resT(L, inst), [SseOp.Pabsb, SseOp.Pabsw, SseOp.Pabsd, -1]);
  if (op === null) return false;
  const x = arg(L, inst, 0);
  binop(L, op, x, x, L.out());
  return true;
}

function bitwise(op: SseOp): Handler {
  return (L, inst) => {
    if (!isVec128(resT(L, inst))) return false;
    binop(L, op, arg(L, inst, 0), arg(L, inst, 1), L.out());
    return true;
  };
}
function bnot(L: X64Lower, inst: Inst): boolean {
  if (!isVec128(resT(L, inst))) return false;
  binop(L, SseOp.Pxor, arg(L, inst, 0), ones(L), L.out());
  return true;
}
function bandNot(L: X64Lower, inst: Inst): boolean {
  if (!isVec128(resT(L, inst))) return false;
  // pandn: dst = ~dst & src, so the complemented operand is the tied one.
  binop(L, SseOp.Pandn, arg(L, inst, 1), arg(L, inst, 0), L.out());
  return true;
}
function bitselectV(L: X64Lower, inst: Inst): boolean {
  if (!isVec128(resT(L, inst))) return false;
  const c = arg(L, inst, 0), x = arg(L, inst, 1), y = arg(L, inst, 2);
  const t1 = binop(L, SseOp.Pand, x, c);
  const t2 = binop(L, SseOp.Pandn, c, y);
  binop(L, SseOp.Por, t1, t2, L.out());
  return true;
}
function selectV(L: X64Lower, inst: Inst): boolean {
  if (!isXmmVector(resT(L, inst)) || isVector(argT(L, inst, 0))) return false;
  const x = arg(L, inst, 1), y = arg(L, inst, 2);
  const c = condOf(L, L.f.arg(inst, 0), inst);
  if (c.cc2 >= 0) return false;
  L.emitMod(xmmCmove(c.cc, L.out(), x), y);
  return true;
}

function shift(kind: 0 | 1 | 2): Handler {
  // kind: 0 ishl, 1 ushr, 2 sshr; by lane type i16 i32 i64.
  const byXmm: LaneOps = kind === 0 ? [-1, SseOp.Psllw, SseOp.Pslld, SseOp.Psllq]
    : kind === 1 ? [-1, SseOp.Psrlw, SseOp.Psrld, SseOp.Psrlq] : [-1, SseOp.Psraw, SseOp.Psrad, -1];
  const byImm = kind === 0 ? [-1, XmmShiftOp.Psllw, XmmShiftOp.Pslld, XmmShiftOp.Psllq]
    : kind === 1 ? [-1, XmmShiftOp.Psrlw, XmmShiftOp.Psrld, XmmShiftOp.Psrlq] : [-1, XmmShiftOp.Psraw, XmmShiftOp.Psrad, -1];
  return (L, inst) => {
    const t = resT(L, inst);
    if (!isVec128(t) || !isIntLanes(t)) return false;
    const amtV = L.f.arg(inst, 1);
    if (isVector(typeOf(L, amtV))) return false;
    if (laneType(t) === I8) return shiftBytes(L, inst, kind);
    if (kind === 2 && laneType(t) === I64) return sshr64(L, inst);
    const op = laneOp(L, t, byXmm);
    if (op === null) return false;
    const mask = laneBits(t) - 1;
    const x = arg(L, inst, 0);
    const c = L.ctx.constHalves(amtV);
    if (c !== null) {
      L.emitMod(xmmShiftImm(byImm[LANE_INDEX[laneType(t)]] as XmmShiftOp, L.out(), c[0] & mask), x);
      return true;
    }
    const g = L.tmp();
    L.emitMod(aluRI(AluOp.And, 4, g, mask), L.gpr(amtV));
    const s = ftmp(L);
    L.emit(gprToXmm(4, s, g));
    binop(L, op, x, s, L.out());
    return true;
  };
}

/** The shift amount of `inst` (masked to `mask`, plus `bias`) in the low quadword of an xmm register. */
function shiftCount(L: X64Lower, inst: Inst, mask: number, bias: number): number {
  const amtV = L.f.arg(inst, 1);
  const g = L.tmp();
  const c = L.ctx.constHalves(amtV);
  if (c !== null) L.emit(movImm(4, g, (c[0] & mask) + bias));
  else {
    const m = L.tmp();
    L.emitMod(aluRI(AluOp.And, 4, m, mask), L.gpr(amtV));
    if (bias !== 0) L.emitMod(aluRI(AluOp.Add, 4, g, bias), m);
    else L.move(g, m);
  }
  const s = ftmp(L);
  L.emit(gprToXmm(4, s, g));
  return s;
}

/**
 * Byte-lane shifts (x86 has none): widen each half to 16-bit lanes, shift, narrow back. For
 * right shifts each byte b is doubled into the word b:b, so a shift by n + 8 leaves b >> n
 * (arithmetic or logical) in range for the saturating pack.
 */
function shiftBytes(L: X64Lower, inst: Inst, kind: 0 | 1 | 2): boolean {
  const x = arg(L, inst, 0);
  if (kind === 0) {
    const z = zeros(L);
    const cnt = shiftCount(L, inst, 7, 0);
    const lowByte = splatConst(L, 2, 0xffn);
    const lo = binop(L, SseOp.Pand, binop(L, SseOp.Psllw, binop(L, SseOp.Punpcklbw, x, z), cnt), lowByte);
    const hi = binop(L, SseOp.Pand, binop(L, SseOp.Psllw, binop(L, SseOp.Punpckhbw, x, z), cnt), lowByte);
    binop(L, SseOp.Packuswb, lo, hi, L.out());
    return true;
  }
  const cnt = shiftCount(L, inst, 7, 8);
  const op = kind === 1 ? SseOp.Psrlw : SseOp.Psraw;
  const lo = binop(L, op, binop(L, SseOp.Punpcklbw, x, x), cnt);
  const hi = binop(L, op, binop(L, SseOp.Punpckhbw, x, x), cnt);
  binop(L, kind === 1 ? SseOp.Packuswb : SseOp.Packsswb, lo, hi, L.out());
  return true;
}

/** 64-bit arithmetic right shift (no psraq before AVX-512): ((x >>> n) ^ m) - m, m = 2^63 >>> n. */
function sshr64(L: X64Lower, inst: Inst): boolean {
  const cnt = shiftCount(L, inst, 63, 0);
  const sign = binop(L, SseOp.Psrlq, splatConst(L, 8, 0x8000000000000000n), cnt);
  const shifted = binop(L, SseOp.Psrlq, arg(L, inst, 0), cnt);
  binop(L, SseOp.Psubq, binop(L, SseOp.Pxor, shifted, sign), sign, L.out());
  return true;
}

/** iadd_pairwise: [a0+a1, a2+a3, ..., b0+b1, ...]. */
function iaddPairwise(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t)) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  const lt = laneType(t);
  if ((lt === I16 || lt === I32) && ssse3(L)) {
    binop(L, lt === I16 ? SseOp.Phaddw : SseOp.Phaddd, a, b, L.out());
    return true;
  }
  if (lt === I32) {
    // shufps 0x88 gathers the even lanes of a then b, 0xdd the odd ones.
    const ev = ftmp(L), od = ftmp(L);
    L.emitMod(xmmRMImmP(PackedImmOp.Shufps, ev, b, 0x88), a);
    L.emitMod(xmmRMImmP(PackedImmOp.Shufps, od, b, 0xdd), a);
    binop(L, SseOp.Paddd, ev, od, L.out());
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- compares

const EQ: LaneOps = [SseOp.Pcmpeqb, SseOp.Pcmpeqw, SseOp.Pcmpeqd, SseOp.Pcmpeqq];
const GT: LaneOps = [SseOp.Pcmpgtb, SseOp.Pcmpgtw, SseOp.Pcmpgtd, SseOp.Pcmpgtq];

/** Lane-wise 64-bit equality from 32-bit compares (SSE2): both halves equal. */
function eq64(L: X64Lower, a: number, b: number): number {
  const e = binop(L, SseOp.Pcmpeqd, a, b);
  const sw = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, sw, e, 0xb1));
  return binop(L, SseOp.Pand, e, sw);
}
/**
 * Lane-wise signed 64-bit a > b from 32-bit compares (SSE2): the high halves decide unless
 * equal, then the low halves compared unsigned (their sign bits flipped first).
 */
function gt64(L: X64Lower, a: number, b: number): number {
  const bias = splatConst(L, 8, 0x80000000n);
  const x = binop(L, SseOp.Pxor, a, bias);
  const y = binop(L, SseOp.Pxor, b, bias);
  const gt = binop(L, SseOp.Pcmpgtd, x, y);
  const eq = binop(L, SseOp.Pcmpeqd, x, y);
  const gtHi = ftmp(L), eqHi = ftmp(L), gtLo = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, gtHi, gt, 0xf5));
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, eqHi, eq, 0xf5));
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, gtLo, gt, 0xa0));
  return binop(L, SseOp.Por, gtHi, binop(L, SseOp.Pand, eqHi, gtLo));
}

function icmpV(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || !isIntLanes(t)) return false;
  const wide = laneType(t) === I64;
  const eqOp = laneOp(L, t, EQ);
  const gtOp = laneOp(L, t, GT);
  const eqOf = (a: number, b: number, dst = ftmp(L)): number => {
    if (eqOp !== null) return binop(L, eqOp, a, b, dst);
    L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, dst, eq64(L, a, b)));
    return dst;
  };
  const gtOf = (a: number, b: number, dst = ftmp(L)): number => {
    if (gtOp !== null) return binop(L, gtOp, a, b, dst);
    L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, dst, gt64(L, a, b)));
    return dst;
  };
  if (!wide && eqOp === null) return false;
  const cc = L.f.instImm0[inst] as IntCC;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  const out = L.out();
  const unsigned = cc >= IntCC.Ult;
  let x = a, y = b;
  if (unsigned) {
    // Flip the sign bits: unsigned order becomes signed order.
    const bias = splatConst(L, laneBits(t) / 8, 1n << BigInt(laneBits(t) - 1));
    x = binop(L, SseOp.Pxor, a, bias);
    y = binop(L, SseOp.Pxor, b, bias);
  }
  const not = (r: number): void => {
    binop(L, SseOp.Pxor, r, ones(L), out);
  };
  switch (cc) {
    case IntCC.Eq: eqOf(a, b, out); return true;
    case IntCC.Ne: not(eqOf(a, b)); return true;
    case IntCC.Sgt: case IntCC.Ugt: gtOf(x, y, out); return true;
    case IntCC.Slt: case IntCC.Ult: gtOf(y, x, out); return true;
    case IntCC.Sle: case IntCC.Ule: not(gtOf(x, y)); return true;
    case IntCC.Sge: case IntCC.Uge: not(gtOf(y, x)); return true;
    default: return false;
  }
}

/** cmpps/cmppd predicates: eq lt le unord neq nlt nle ord. */
function fcmpV(L: X64Lower, inst: Inst): boolean {
  const t = argT(L, inst, 0);
  if (!isVec128(t) || (laneType(t) !== F32 && laneType(t) !== F64)) return false;
  const op = laneType(t) === F32 ? PackedImmOp.Cmpps : PackedImmOp.Cmppd;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  const out = L.out();
  const cmp = (x: number, y: number, pred: number, dst = ftmp(L)): number => {
    L.emitMod(xmmRMImmP(op, dst, y, pred), x);
    return dst;
  };
  switch (L.f.instImm0[inst] as FloatCC) {
    case FloatCC.Eq: cmp(a, b, 0, out); return true;
    case FloatCC.Lt: cmp(a, b, 1, out); return true;
    case FloatCC.Le: cmp(a, b, 2, out); return true;
    case FloatCC.Uno: cmp(a, b, 3, out); return true;
    case FloatCC.Ne: cmp(a, b, 4, out); return true;
    case FloatCC.Uge: cmp(a, b, 5, out); return true;
    case FloatCC.Ugt: cmp(a, b, 6, out); return true;
    case FloatCC.Ord: cmp(a, b, 7, out); return true;
    case FloatCC.Gt: cmp(b, a, 1, out); return true;
    case FloatCC.Ge: cmp(b, a, 2, out); return true;
    case FloatCC.Ule: cmp(b, a, 5, out); return true;
    case FloatCC.Ult: cmp(b, a, 6, out); return true;
    case FloatCC.One: binop(L, SseOp.Pand, cmp(a, b, 7), cmp(a, b, 4), out); return true;
    case FloatCC.Ueq: binop(L, SseOp.Por, cmp(a, b, 3), cmp(a, b, 0), out); return true;
    default: return false;
  }
}

// ---------------------------------------------------------------- floats

function floatBinary(ps: SseOp, pd: SseOp): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    if (!isVec128(t)) return false;
    const lt = laneType(t);
    if (lt !== F32 && lt !== F64) return false;
    binop(L, lt === F32 ? ps : pd, arg(L, inst, 0), arg(L, inst, 1), L.out());
    return true;
  };
}
function sqrtV(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  const lt = laneType(t);
  if (!isVec128(t) || (lt !== F32 && lt !== F64)) return false;
  const x = arg(L, inst, 0);
  binop(L, lt === F32 ? SseOp.Sqrtps : SseOp.Sqrtpd, x, x, L.out());
  return true;
}
function signOp(abs: boolean): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    const lt = laneType(t);
    if (!isVec128(t) || (lt !== F32 && lt !== F64)) return false;
    const m = lt === F32 ? splatConst(L, 4, 0x80000000n) : splatConst(L, 8, 0x8000000000000000n);
    const x = arg(L, inst, 0);
    if (abs) binop(L, SseOp.Pandn, m, x, L.out());
    else binop(L, SseOp.Pxor, x, m, L.out());
    return true;
  };
}

/**
 * CLIF fmin/fmax: -0 < +0, and a lane with a NaN operand gives a quiet NaN without payload
 * (which NaN is left to the implementation; this is the x86 one): negative for fmin, for fmax
 * negative when either operand's sign bit is set.
 */
function fminmax(isMax: boolean): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    const lt = laneType(t);
    if (!isVec128(t) || (lt !== F32 && lt !== F64)) return false;
    const ps = lt === F32;
    const op = isMax ? (ps ? SseOp.Maxps : SseOp.Maxpd) : (ps ? SseOp.Minps : SseOp.Minpd);
    const a = arg(L, inst, 0), b = arg(L, inst, 1);
    // minps/maxps return their second operand on NaN or equal zeros: computing both orders and
    // combining (or for min, and for max) orders the zeros; NaN lanes are replaced below.
    const m = binop(L, isMax ? SseOp.Pand : SseOp.Por, binop(L, op, a, b), binop(L, op, b, a));
    const uno = ftmp(L);
    L.emitMod(xmmRMImmP(ps ? PackedImmOp.Cmpps : PackedImmOp.Cmppd, uno, b, 3), a);
    const sign = ps ? 0x80000000n : 0x8000000000000000n;
    const quiet = ps ? 0x7fc00000n : 0x7ff8000000000000n;
    const laneBytes = ps ? 4 : 8;
    const nan = isMax
      ? binop(L, SseOp.Por, binop(L, SseOp.Pand, binop(L, SseOp.Por, a, b), splatConst(L, laneBytes, sign)), splatConst(L, laneBytes, quiet))
      : splatConst(L, laneBytes, sign | quiet);
    binop(L, SseOp.Por, binop(L, SseOp.Pandn, uno, m), binop(L, SseOp.Pand, nan, uno), L.out());
    return true;
  };
}

/** fma with FMA3: vfmadd213 computes dst * vvvv + r/m in one rounding. */
function fmaV(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  const lt = laneType(t);
  if (!isVec128(t) || (lt !== F32 && lt !== F64) || !L.isaFlags.fma) return false;
  L.emitMod(xmmRVM(lt === F32 ? AvxOp.Vfmadd213ps : AvxOp.Vfmadd213pd, L.out(), arg(L, inst, 1), arg(L, inst, 2)), arg(L, inst, 0));
  return true;
}

function roundV(mode: number): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    const lt = laneType(t);
    if (!isVec128(t) || (lt !== F32 && lt !== F64) || !sse41(L)) return false;
    // Bit 3 suppresses the precision exception.
    L.emit(xmmRMImmP(lt === F32 ? PackedImmOp.Roundps : PackedImmOp.Roundpd, L.out(), arg(L, inst, 0), mode | 8));
    return true;
  };
}

/** i64x2 min/max by a 64-bit compare and a bit select. */
function minmax64(isMax: boolean, signed: boolean): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    if (!isVec128(t) || laneType(t) !== I64) return false;
    const a = arg(L, inst, 0), b = arg(L, inst, 1);
    let x = a, y = b;
    if (!signed) {
      const bias = splatConst(L, 8, 0x8000000000000000n);
      x = binop(L, SseOp.Pxor, a, bias);
      y = binop(L, SseOp.Pxor, b, bias);
    }
    const g = gt64(L, x, y);
    // max: a where a > b; min: b there.
    const pick = isMax ? a : b, other = isMax ? b : a;
    binop(L, SseOp.Por, binop(L, SseOp.Pand, pick, g), binop(L, SseOp.Pandn, g, other), L.out());
    return true;
  };
}

function iabs64(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I64) return false;
  const x = arg(L, inst, 0);
  const hs = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrad, hs, 31), x);
  const sgn = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, sgn, hs, 0xf5));
  binop(L, SseOp.Psubq, binop(L, SseOp.Pxor, x, sgn), sgn, L.out());
  return true;
}

/** i64x2 multiply from 32x32->64 products: lo*lo + ((hi_a*lo_b + lo_a*hi_b) << 32). */
function imul64(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I64) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  const ah = ftmp(L), bh = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrlq, ah, 32), a);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrlq, bh, 32), b);
  const cross = binop(L, SseOp.Paddq, binop(L, SseOp.Pmuludq, ah, b), binop(L, SseOp.Pmuludq, bh, a));
  const up = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psllq, up, 32), cross);
  binop(L, SseOp.Paddq, binop(L, SseOp.Pmuludq, a, b), up, L.out());
  return true;
}

/** u32x4 -> f32x4: convert the high and low 16-bit halves exactly, one rounding in the add. */
function fromUint32(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0), to = resT(L, inst);
  if (!isVec128(from) || laneType(from) !== I32 || laneType(to) !== F32) return false;
  const x = arg(L, inst, 0);
  const lo = binop(L, SseOp.Pand, x, splatConst(L, 4, 0xffffn));
  const hi = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrld, hi, 16), x);
  const hf = binop(L, SseOp.Cvtdq2ps, hi, hi);
  const lf = binop(L, SseOp.Cvtdq2ps, lo, lo);
  const scaled = binop(L, SseOp.Mulps, hf, splatConst(L, 4, 0x47800000n)); // 65536.0
  binop(L, SseOp.Addps, scaled, lf, L.out());
  return true;
}

/** f32x4 -> i32x4 saturating: NaN lanes become 0, positive overflow 0x7fffffff. */
function toSintSat(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0), to = resT(L, inst);
  if (!isVec128(from) || laneType(from) !== F32 || laneType(to) !== I32) return false;
  const x = arg(L, inst, 0);
  const ord = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmpps, ord, x, 0), x);
  const x0 = binop(L, SseOp.Pand, x, ord);
  const r = binop(L, SseOp.Cvttps2dq, x0, x0);
  const big = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmpps, big, splatConst(L, 4, 0x4f000000n), 5), x0); // x0 >= 2^31
  binop(L, SseOp.Pxor, r, big, L.out());
  return true;
}

/** f32x4 -> u32x4 saturating: NaN and negatives become 0, >= 2^32 becomes 0xffffffff. */
function toUintSat(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0), to = resT(L, inst);
  if (!isVec128(from) || laneType(from) !== F32 || laneType(to) !== I32) return false;
  // maxps returns its second operand (0) when x is NaN.
  const x0 = binop(L, SseOp.Maxps, arg(L, inst, 0), zeros(L));
  const two31 = splatConst(L, 4, 0x4f000000n);
  const r1 = binop(L, SseOp.Cvttps2dq, x0, x0);
  const x1 = binop(L, SseOp.Subps, x0, two31);
  const r2 = binop(L, SseOp.Cvttps2dq, x1, x1);
  const hiPart = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmpps, hiPart, two31, 5), x0); // x0 >= 2^31
  const over = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmpps, over, splatConst(L, 4, 0x4f800000n), 5), x0); // x0 >= 2^32
  const sum = binop(L, SseOp.Paddd, r1, binop(L, SseOp.Pand, r2, hiPart));
  binop(L, SseOp.Por, sum, over, L.out());
  return true;
}

/** i64x2 -> f64x2, one lane at a time through cvtsi2sd. */
function fromSint64(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0), to = resT(L, inst);
  if (!isVec128(from) || laneType(from) !== I64 || laneType(to) !== F64) return false;
  const x = arg(L, inst, 0);
  const g0 = L.tmp(), g1 = L.tmp();
  L.emit(xmmToGpr(8, g0, x));
  const hi = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, hi, x, 0xee));
  L.emit(xmmToGpr(8, g1, hi));
  const f0 = zeros(L), f1 = zeros(L);
  const d0 = ftmp(L), d1 = ftmp(L);
  L.emitMod(cvtIntToFloat(true, 8, d0, g0), f0);
  L.emitMod(cvtIntToFloat(true, 8, d1, g1), f1);
  binop(L, SseOp.Unpcklpd, d0, d1, L.out());
  return true;
}

/** One u64 GPR to f64: when the top bit is set convert (x >> 1 | x & 1) and double it (rounds right). */
function u64ToF64(L: X64Lower, g: number): number {
  const direct = ftmp(L);
  L.emitMod(cvtIntToFloat(true, 8, direct, g), zeros(L));
  const h = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shr, 8, h, 1), g);
  const lo = L.tmp();
  L.emitMod(aluRI(AluOp.And, 4, lo, 1), g);
  const hx = L.tmp();
  L.emitMod(aluRM(AluOp.Or, 8, hx, lo), h);
  const half = ftmp(L);
  L.emitMod(cvtIntToFloat(true, 8, half, hx), zeros(L));
  const dbl = binop(L, SseOp.Addsd, half, half);
  const r = ftmp(L);
  L.emit(test(8, g, g));
  L.emitMod(xmmCmove(CC.S, r, dbl), direct);
  return r;
}

/** u64x2 -> f64x2, lane by lane. */
function fromUint64(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0), to = resT(L, inst);
  if (!isVec128(from) || laneType(from) !== I64 || laneType(to) !== F64) return false;
  const x = arg(L, inst, 0);
  const g0 = L.tmp(), g1 = L.tmp();
  L.emit(xmmToGpr(8, g0, x));
  const hi = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, hi, x, 0xee));
  L.emit(xmmToGpr(8, g1, hi));
  const d0 = u64ToF64(L, g0);
  const d1 = u64ToF64(L, g1);
  binop(L, SseOp.Unpcklpd, d0, d1, L.out());
  return true;
}

/** Byte population count by nibble table lookups (pshufb). */
function popcntV(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I8 || !ssse3(L)) return false;
  const x = arg(L, inst, 0);
  const nib = splatConst(L, 1, 0x0fn);
  const lo = binop(L, SseOp.Pand, x, nib);
  const sh = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrlw, sh, 4), x);
  const hi = binop(L, SseOp.Pand, sh, nib);
  const table = Uint8Array.from([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]);
  const cl = binop(L, SseOp.Pshufb, vconstReg(L, table), lo);
  const ch = binop(L, SseOp.Pshufb, vconstReg(L, table), hi);
  binop(L, SseOp.Paddb, cl, ch, L.out());
  return true;
}

/**
 * Shuffle without pshufb: both inputs go to a stack area and the result is assembled byte by
 * byte there (selected bytes copied, out-of-range indices zeroed), then loaded.
 */
function shuffleViaStack(L: X64Lower, inst: Inst): boolean {
  const mask = L.f.immediates[L.f.instImm0[inst]];
  if (mask === undefined || mask.length < 16) return false;
  const slot = L.addAreaSlot(48);
  L.emit(xmmStore(XmmMovOp.Movdqu, arg(L, inst, 0), L.slotAmode(slot, 0)));
  L.emit(xmmStore(XmmMovOp.Movdqu, arg(L, inst, 1), L.slotAmode(slot, 16)));
  for (let k = 0; k < 16; k++) {
    const m = mask[k];
    if (m >= 32) {
      L.emit(storeImm(1, L.slotAmode(slot, 32 + k), 0));
      continue;
    }
    const g = L.tmp();
    L.emit(movzx(1, 4, g, L.slotAmode(slot, m)));
    L.emit(store(1, g, L.slotAmode(slot, 32 + k)));
  }
  L.emit(xmmLoad(XmmMovOp.Movdqu, L.out(), L.slotAmode(slot, 32)));
  return true;
}

// ---------------------------------------------------------------- reductions to scalars

function vanyTrue(L: X64Lower, inst: Inst): boolean {
  if (!isVec128(argT(L, inst, 0))) return false;
  const z = binop(L, SseOp.Pcmpeqb, zeros(L), arg(L, inst, 0));
  const g = L.tmp();
  L.emit(xmmExtract(XmmExtractOp.Pmovmskb, g, z));
  L.emit(aluRI(AluOp.Cmp, 4, g, 0xffff));
  setFlagResult(L, CC.NE);
  return true;
}
function vallTrue(L: X64Lower, inst: Inst): boolean {
  const t = argT(L, inst, 0);
  if (!isVec128(t)) return false;
  const op = laneOp(L, t, EQ);
  const z = op !== null ? binop(L, op, zeros(L), arg(L, inst, 0))
    : laneBits(t) === 64 ? eq64(L, zeros(L), arg(L, inst, 0)) : -1;
  if (z < 0) return false;
  const g = L.tmp();
  L.emit(xmmExtract(XmmExtractOp.Pmovmskb, g, z));
  L.emit(test(4, g, g));
  setFlagResult(L, CC.E);
  return true;
}
function setFlagResult(L: X64Lower, cc: CC): void {
  const b = L.tmp();
  L.emit(setcc(cc, b));
  L.emit(movzx(1, 4, L.out(), b));
}
function vhighBits(L: X64Lower, inst: Inst): boolean {
  const t = argT(L, inst, 0);
  if (!isVec128(t)) return false;
  const x = arg(L, inst, 0);
  const out = L.out();
  switch (laneBits(t)) {
    case 8: L.emit(xmmExtract(XmmExtractOp.Pmovmskb, out, x)); return true;
    case 32: L.emit(xmmExtract(XmmExtractOp.Movmskps, out, x)); return true;
    case 64: L.emit(xmmExtract(XmmExtractOp.Movmskpd, out, x)); return true;
    case 16: {
      const p = binop(L, SseOp.Packsswb, x, x);
      const g = L.tmp();
      L.emit(xmmExtract(XmmExtractOp.Pmovmskb, g, p));
      L.emitMod(aluRI(AluOp.And, 4, out, 0xff), g);
      return true;
    }
    default: return false;
  }
}

// ---------------------------------------------------------------- widen, narrow, shuffles, conversions

function widen(signed: boolean, high: boolean): Handler {
  const ops: LaneOps = signed ? [SseOp.Pmovsxbw, SseOp.Pmovsxwd, SseOp.Pmovsxdq, -1] : [SseOp.Pmovzxbw, SseOp.Pmovzxwd, SseOp.Pmovzxdq, -1];
  return (L, inst) => {
    const from = argT(L, inst, 0);
    if (!isVec128(from) || !isVec128(resT(L, inst)) || !isIntLanes(from) || laneType(from) === I64) return false;
    const op = laneOp(L, from, ops);
    if (op === null) return widenSse2(L, inst, signed, high);
    let x = arg(L, inst, 0);
    if (high) {
      const y = ftmp(L);
      L.emit(xmmRMImmP(PackedImmOp.Pshufd, y, x, 0xee));
      x = y;
    }
    binop(L, op, x, x, L.out());
    return true;
  };
}
/**
 * SSE2 widening: interleave the half with itself (signed, then an arithmetic shift brings the
 * sign down) or with zeros (unsigned).
 */
function widenSse2(L: X64Lower, inst: Inst, signed: boolean, high: boolean): boolean {
  return widenHalf(L, laneType(argT(L, inst, 0)), signed, high, arg(L, inst, 0), L.out());
}
/** out <- the low or high half of `x` (lanes of type `lt`) widened to twice the lane width (SSE2). */
function widenHalf(L: X64Lower, lt: Type, signed: boolean, high: boolean, x: number, out: number): boolean {
  const k = LANE_INDEX[lt];
  const unpack = (high ? [SseOp.Punpckhbw, SseOp.Punpckhwd, SseOp.Punpckhdq] : [SseOp.Punpcklbw, SseOp.Punpcklwd, SseOp.Punpckldq])[k];
  if (unpack === undefined) return false;
  if (!signed) {
    binop(L, unpack, x, zeros(L), out);
    return true;
  }
  if (lt === I32) {
    // The high dword of each result is the sign of the low: psrad 31 of a copy.
    const sgn = ftmp(L);
    L.emitMod(xmmShiftImm(XmmShiftOp.Psrad, sgn, 31), x);
    binop(L, unpack, x, sgn, out);
    return true;
  }
  const u = binop(L, unpack, x, x);
  L.emitMod(xmmShiftImm(lt === I8 ? XmmShiftOp.Psraw : XmmShiftOp.Psrad, out, lt === I8 ? 8 : 16), u);
  return true;
}

/**
 * sload8x8 ... uload32x2: 8 bytes widened lane by lane. pmovsx/pmovzx read them from memory
 * under SSE4.1; SSE2 loads them with movq and widens by unpacking.
 */
function loadExtend(signed: boolean, from: Type): Handler {
  const k = LANE_INDEX[from];
  const op = (signed ? [SseOp.Pmovsxbw, SseOp.Pmovsxwd, SseOp.Pmovsxdq] : [SseOp.Pmovzxbw, SseOp.Pmovzxwd, SseOp.Pmovzxdq])[k];
  return (L, inst) => {
    const f = L.f;
    const flags = f.instImm0[inst];
    if (!isVec128(resT(L, inst))) return false;
    const a = L.addrOf(f.arg(inst, 0), f.instImm1[inst]);
    if (sse41(L)) {
      L.emit(trapped(xmmRM(op, L.out(), a), flags));
      return true;
    }
    const x = ftmp(L);
    L.emit(trapped(gprToXmm(8, x, a), flags));
    return widenHalf(L, from, signed, false, x, L.out());
  };
}

function pshufbRule(clampIndices: boolean): Handler {
  return (L, inst) => {
    if (!isVec128(resT(L, inst)) || !ssse3(L)) return false;
    let idx = arg(L, inst, 1);
    if (clampIndices) {
      // Indices >= 16 select zero in CLIF; pshufb zeroes only when bit 7 is set: a saturating
      // add of 0x70 keeps the low four bits of 0..15 and sets bit 7 for everything else.
      idx = binop(L, SseOp.Paddusb, idx, splatConst(L, 1, 0x70n));
    }
    binop(L, SseOp.Pshufb, arg(L, inst, 0), idx, L.out());
    return true;
  };
}
function shuffle(L: X64Lower, inst: Inst): boolean {
  const mask = L.f.immediates[L.f.instImm0[inst]];
  if (mask === undefined || mask.length < 16 || !ssse3(L)) return false;
  const ma = new Uint8Array(16), mb = new Uint8Array(16);
  for (let k = 0; k < 16; k++) {
    const m = mask[k];
    ma[k] = m < 16 ? m : 0x80;
    mb[k] = m >= 16 && m < 32 ? m - 16 : 0x80;
  }
  const a = binop(L, SseOp.Pshufb, arg(L, inst, 0), vconstReg(L, ma));
  const b = binop(L, SseOp.Pshufb, arg(L, inst, 1), vconstReg(L, mb));
  binop(L, SseOp.Por, a, b, L.out());
  return true;
}

function unaryConv(check: (from: Type, to: Type) => boolean, op: SseOp): Handler {
  return (L, inst) => {
    const from = argT(L, inst, 0), to = resT(L, inst);
    if (!isVec128(from) || !isVec128(to) || !check(from, to)) return false;
    const x = arg(L, inst, 0);
    binop(L, op, x, x, L.out());
    return true;
  };
}

// ---------------------------------------------------------------- SSE2 fallbacks and saturating narrows

/** out <- lanes of `a` where `mask` is set, of `b` elsewhere. */
function sel(L: X64Lower, mask: number, a: number, b: number, out = ftmp(L)): number {
  return binop(L, SseOp.Por, binop(L, SseOp.Pand, a, mask), binop(L, SseOp.Pandn, mask, b), out);
}

/** Whether `v` is a `vconst` of all zero bytes. */
function isZeroVconst(L: X64Lower, v: Value): boolean {
  const d = L.ctx.defInst(v);
  if (d === -1 || L.f.instOpcode[d] !== VCONST) return false;
  const c = L.f.constants[L.f.instImm0[d]];
  return c !== undefined && c.every((b) => b === 0);
}

/**
 * The f64x2 register `x` when `inst` narrows `conv(x)` (a saturating f64x2 -> i64x2 conversion)
 * with a zero vector: wasm's i32x4.trunc_sat_f64x2_{s,u}_zero, done directly on the doubles.
 */
function fusedSatConversion(L: X64Lower, inst: Inst, conv: Opcode): number {
  const f = L.f;
  const d = L.ctx.defInst(f.arg(inst, 0));
  if (d === -1 || f.instOpcode[d] !== conv || !isZeroVconst(L, f.arg(inst, 1))) return -1;
  const src = f.arg(d as Inst, 0);
  const t = typeOf(L, src);
  return isVec128(t) && laneType(t) === F64 ? L.xmmOf(src) : -1;
}

/** [sat_i32(x0), sat_i32(x1), 0, 0] from f64x2 `x`: NaN lanes 0, cvttpd2dq saturates the negative side. */
function f64x2ToI32Sat(L: X64Lower, x: number, out: number): void {
  const ord = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmppd, ord, x, 0), x);
  const x0 = binop(L, SseOp.Pand, x, ord);
  const m = binop(L, SseOp.Minpd, x0, splatConst(L, 8, 0x41dfffffffc00000n)); // 2147483647.0
  binop(L, SseOp.Cvttpd2dq, m, m, out);
}

/** [sat_u32(x0), sat_u32(x1), 0, 0] from f64x2 `x`: lanes >= 2^31 convert x - 2^31 and add it back. */
function f64x2ToU32Sat(L: X64Lower, x: number, out: number): void {
  // maxpd returns its second operand (0) when x is NaN.
  const x0 = binop(L, SseOp.Maxpd, x, zeros(L));
  const m = binop(L, SseOp.Minpd, x0, splatConst(L, 8, 0x41efffffffe00000n)); // 4294967295.0
  const low = binop(L, SseOp.Cvttpd2dq, m, m);
  const two31 = splatConst(L, 8, 0x41e0000000000000n);
  const s = binop(L, SseOp.Subpd, m, two31);
  const topBit = vconstReg(L, Uint8Array.from([0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]));
  const high = binop(L, SseOp.Pxor, binop(L, SseOp.Cvttpd2dq, s, s), topBit);
  const ge = ftmp(L);
  L.emitMod(xmmRMImmP(PackedImmOp.Cmppd, ge, two31, 5), m); // m >= 2^31
  const g32 = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, g32, ge, 0x08));
  sel(L, g32, high, low, out);
}

/** i64 lanes clamped to [lo, hi] (signed compares; null bounds are not applied). */
function clamp64(L: X64Lower, x: number, lo: bigint | null, hi: bigint | null, unsigned: boolean): number {
  const bias = unsigned ? splatConst(L, 8, 0x8000000000000000n) : -1;
  const biased = (r: number): number => (bias < 0 ? r : binop(L, SseOp.Pxor, r, bias));
  let r = x;
  if (hi !== null) {
    const h = splatConst(L, 8, hi);
    r = sel(L, gt64(L, biased(r), biased(h)), h, r);
  }
  if (lo !== null) {
    const l = splatConst(L, 8, lo);
    r = sel(L, gt64(L, biased(l), biased(r)), l, r);
  }
  return r;
}

/** [a0, a1, b0, b1] from the low dwords of the i64 lanes of `a` and `b`. */
function lowDwords(L: X64Lower, a: number, b: number, out: number): void {
  L.emitMod(xmmRMImmP(PackedImmOp.Shufps, out, b, 0x88), a);
}

/** i32 lanes already in [0, 65535] packed to u16 lanes (SSE2: bias into packssdw's range). */
function packU16(L: X64Lower, a: number, b: number, out: number): void {
  const half = splatConst(L, 4, 0x8000n);
  const p = binop(L, SseOp.Packssdw, binop(L, SseOp.Psubd, a, half), binop(L, SseOp.Psubd, b, half));
  binop(L, SseOp.Pxor, p, splatConst(L, 2, 0x8000n), out);
}

function snarrowV(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0);
  if (!isVec128(from) || !isVec128(resT(L, inst))) return false;
  const out = L.out();
  switch (laneType(from)) {
    case I16: binop(L, SseOp.Packsswb, arg(L, inst, 0), arg(L, inst, 1), out); return true;
    case I32: binop(L, SseOp.Packssdw, arg(L, inst, 0), arg(L, inst, 1), out); return true;
    case I64: {
      const x = fusedSatConversion(L, inst, FCVT_TO_SINT_SAT);
      if (x >= 0) {
        f64x2ToI32Sat(L, x, out);
        return true;
      }
      const c = (r: number): number => clamp64(L, r, -0x80000000n, 0x7fffffffn, false);
      lowDwords(L, c(arg(L, inst, 0)), c(arg(L, inst, 1)), out);
      return true;
    }
    default: return false;
  }
}

/** unarrow: signed lanes to unsigned, saturating. */
function unarrowV(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0);
  if (!isVec128(from) || !isVec128(resT(L, inst))) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1), out = L.out();
  switch (laneType(from)) {
    case I16: binop(L, SseOp.Packuswb, a, b, out); return true;
    case I32: {
      if (sse41(L)) {
        binop(L, SseOp.Packusdw, a, b, out);
        return true;
      }
      const c = (x: number): number => {
        const nonNeg = binop(L, SseOp.Pandn, binop(L, SseOp.Pcmpgtd, zeros(L), x), x);
        const max = splatConst(L, 4, 0xffffn);
        return sel(L, binop(L, SseOp.Pcmpgtd, nonNeg, max), max, nonNeg);
      };
      packU16(L, c(a), c(b), out);
      return true;
    }
    case I64: {
      const c = (r: number): number => clamp64(L, r, 0n, 0xffffffffn, false);
      lowDwords(L, c(a), c(b), out);
      return true;
    }
    default: return false;
  }
}

/** uunarrow: unsigned lanes to unsigned, saturating. */
function uunarrowV(L: X64Lower, inst: Inst): boolean {
  const from = argT(L, inst, 0);
  if (!isVec128(from) || !isVec128(resT(L, inst))) return false;
  const out = L.out();
  switch (laneType(from)) {
    case I16: {
      // min(x, 255) = x - (x -sat 255), then the pack sees only non-negative words.
      const c = (x: number): number => binop(L, SseOp.Psubw, x, binop(L, SseOp.Psubusw, x, splatConst(L, 2, 0xffn)));
      binop(L, SseOp.Packuswb, c(arg(L, inst, 0)), c(arg(L, inst, 1)), out);
      return true;
    }
    case I32: {
      const max = (): number => splatConst(L, 4, 0xffffn);
      if (sse41(L)) {
        const c = (x: number): number => binop(L, SseOp.Pminud, x, max());
        binop(L, SseOp.Packusdw, c(arg(L, inst, 0)), c(arg(L, inst, 1)), out);
        return true;
      }
      const c = (x: number): number => {
        const bias = splatConst(L, 4, 0x80000000n);
        const m = max();
        const gt = binop(L, SseOp.Pcmpgtd, binop(L, SseOp.Pxor, x, bias), binop(L, SseOp.Pxor, m, bias));
        return sel(L, gt, m, x);
      };
      packU16(L, c(arg(L, inst, 0)), c(arg(L, inst, 1)), out);
      return true;
    }
    case I64: {
      const x = fusedSatConversion(L, inst, FCVT_TO_UINT_SAT);
      if (x >= 0) {
        f64x2ToU32Sat(L, x, out);
        return true;
      }
      const c = (r: number): number => clamp64(L, r, null, 0xffffffffn, true);
      lowDwords(L, c(arg(L, inst, 0)), c(arg(L, inst, 1)), out);
      return true;
    }
    default: return false;
  }
}

/**
 * sqmul_round_sat on i16x8: (a * b + 2^14) >> 15, saturated. pmulhrsw (SSSE3) computes it except
 * that -32768 * -32768 wraps to -32768: those lanes are flipped to 32767. SSE2 forms the exact
 * 32-bit products with pmaddwd (each word paired with a zero) and saturates in packssdw.
 */
function sqmulRoundSat(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I16) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  if (ssse3(L)) {
    const r = binop(L, SseOp.Pmulhrsw, a, b);
    const wrapped = binop(L, SseOp.Pcmpeqw, splatConst(L, 2, 0x8000n), r);
    binop(L, SseOp.Pxor, r, wrapped, L.out());
    return true;
  }
  const half = (unpack: SseOp): number => {
    const p = binop(L, SseOp.Pmaddwd, binop(L, unpack, a, zeros(L)), binop(L, unpack, b, zeros(L)));
    const r = binop(L, SseOp.Paddd, p, splatConst(L, 4, 0x4000n));
    const sh = ftmp(L);
    L.emitMod(xmmShiftImm(XmmShiftOp.Psrad, sh, 15), r);
    return sh;
  };
  binop(L, SseOp.Packssdw, half(SseOp.Punpcklwd), half(SseOp.Punpckhwd), L.out());
  return true;
}

/** Lane `k` of float vector `x` (lane type `lt`) in the low lane of a register. */
function floatLane(L: X64Lower, lt: Type, x: number, k: number): number {
  if (k === 0) return x;
  const y = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, y, x, lt === F32 ? k : 0xee));
  return y;
}

/** Calls a C math routine once per lane of f32x4 / f64x2 operands and gathers the results. */
function perLaneLibcall(L: X64Lower, lt: Type, name: string, args: readonly number[], out: number): void {
  const n = lt === F32 ? 4 : 2;
  const res: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = ftmp(L);
    floatLibcall(L, name, args.map((a) => floatLane(L, lt, a, k)), r);
    res.push(r);
  }
  if (lt === F64) {
    binop(L, SseOp.Unpcklpd, res[0], res[1], out);
    return;
  }
  binop(L, SseOp.Punpcklqdq, binop(L, SseOp.Unpcklps, res[0], res[1]), binop(L, SseOp.Unpcklps, res[2], res[3]), out);
}

/** fma without FMA3: `fmaf` / `fma` per lane (a separate multiply and add would round twice). */
function fmaLibcallV(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  const lt = laneType(t);
  if (!isVec128(t) || (lt !== F32 && lt !== F64)) return false;
  perLaneLibcall(L, lt, lt === F32 ? 'fmaf' : 'fma', [arg(L, inst, 0), arg(L, inst, 1), arg(L, inst, 2)], L.out());
  return true;
}

/** floor / ceil / trunc / nearest without SSE4.1's roundps: the C routine per lane. */
function roundLibcallV(name32: string, name64: string): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    const lt = laneType(t);
    if (!isVec128(t) || (lt !== F32 && lt !== F64)) return false;
    perLaneLibcall(L, lt, lt === F32 ? name32 : name64, [arg(L, inst, 0)], L.out());
    return true;
  };
}

/**
 * Integer min/max the SSE2 forms lack: signed bytes and unsigned words through the other
 * signedness (sign bits flipped), 32-bit lanes by pcmpgtd and a select.
 */
function minmaxSse2(isMax: boolean, signed: boolean): Handler {
  return (L, inst) => {
    const t = resT(L, inst);
    if (!isVec128(t)) return false;
    const a = arg(L, inst, 0), b = arg(L, inst, 1), out = L.out();
    const lt = laneType(t);
    if ((lt === I8 && signed) || (lt === I16 && !signed)) {
      const bias = lt === I8 ? splatConst(L, 1, 0x80n) : splatConst(L, 2, 0x8000n);
      const op = lt === I8 ? (isMax ? SseOp.Pmaxub : SseOp.Pminub) : (isMax ? SseOp.Pmaxsw : SseOp.Pminsw);
      const r = binop(L, op, binop(L, SseOp.Pxor, a, bias), binop(L, SseOp.Pxor, b, bias));
      binop(L, SseOp.Pxor, r, bias, out);
      return true;
    }
    if (lt !== I32) return false;
    let x = a, y = b;
    if (!signed) {
      const bias = splatConst(L, 4, 0x80000000n);
      x = binop(L, SseOp.Pxor, a, bias);
      y = binop(L, SseOp.Pxor, b, bias);
    }
    const gt = binop(L, SseOp.Pcmpgtd, x, y);
    if (isMax) sel(L, gt, a, b, out);
    else sel(L, gt, b, a, out);
    return true;
  };
}

/** iabs without SSSE3's pabs: min_u(x, -x) for bytes, max_s(x, -x) for words, xor/sub by the sign for dwords. */
function iabsSse2(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t)) return false;
  const x = arg(L, inst, 0), out = L.out();
  switch (laneType(t)) {
    case I8: binop(L, SseOp.Pminub, x, binop(L, SseOp.Psubb, zeros(L), x), out); return true;
    case I16: binop(L, SseOp.Pmaxsw, x, binop(L, SseOp.Psubw, zeros(L), x), out); return true;
    case I32: {
      const sgn = ftmp(L);
      L.emitMod(xmmShiftImm(XmmShiftOp.Psrad, sgn, 31), x);
      binop(L, SseOp.Psubd, binop(L, SseOp.Pxor, x, sgn), sgn, out);
      return true;
    }
    default: return false;
  }
}

/** i32x4 multiply without pmulld: pmuludq of the even and of the odd lanes, low dwords interleaved. */
function imul32Sse2(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I32) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1);
  const even = binop(L, SseOp.Pmuludq, a, b);
  const ao = ftmp(L), bo = ftmp(L);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrlq, ao, 32), a);
  L.emitMod(xmmShiftImm(XmmShiftOp.Psrlq, bo, 32), b);
  const odd = binop(L, SseOp.Pmuludq, ao, bo);
  const e = ftmp(L), o = ftmp(L);
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, e, even, 0x08));
  L.emit(xmmRMImmP(PackedImmOp.Pshufd, o, odd, 0x08));
  binop(L, SseOp.Punpckldq, e, o, L.out());
  return true;
}

/**
 * iadd_pairwise without phadd: bytes add as words (even + odd byte, the low byte kept); words
 * add as dwords with pmaddwd by ones, then wrap to 16 bits before the (then exact) pack.
 */
function iaddPairwiseSse2(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t)) return false;
  const a = arg(L, inst, 0), b = arg(L, inst, 1), out = L.out();
  if (laneType(t) === I8) {
    const sums = (x: number): number => {
      const lowByte = splatConst(L, 2, 0xffn);
      const odd = ftmp(L);
      L.emitMod(xmmShiftImm(XmmShiftOp.Psrlw, odd, 8), x);
      return binop(L, SseOp.Pand, binop(L, SseOp.Paddw, binop(L, SseOp.Pand, x, lowByte), odd), lowByte);
    };
    binop(L, SseOp.Packuswb, sums(a), sums(b), out);
    return true;
  }
  if (laneType(t) !== I16) return false;
  const sums = (x: number): number => {
    const p = binop(L, SseOp.Pmaddwd, x, splatConst(L, 2, 1n));
    const up = ftmp(L), down = ftmp(L);
    L.emitMod(xmmShiftImm(XmmShiftOp.Pslld, up, 16), p);
    L.emitMod(xmmShiftImm(XmmShiftOp.Psrad, down, 16), up);
    return down;
  };
  binop(L, SseOp.Packssdw, sums(a), sums(b), out);
  return true;
}

/**
 * One f64 (the low lane of `x`) to a saturated i64 / u64 in a GPR: cvttsd2si gives
 * 0x8000000000000000 out of range, fixed by compares (every constant is materialized before the
 * first compare: nothing may touch the flags between a compare and its cmov).
 */
function f64ToInt64Sat(L: X64Lower, x: number, signed: boolean): number {
  const two63 = splatConst(L, 8, 0x43e0000000000000n);
  const zero = L.constReg(0, 0);
  const r = L.tmp();
  L.emit(cvtFloatToInt(CvtToIntOp.Cvttsd2si, 8, r, x));
  if (signed) {
    const max = L.constReg(-1, 0x7fffffff);
    const r2 = L.tmp(), r3 = L.tmp();
    L.emit(xmmRM(SseOp.Ucomisd, x, two63));
    L.emitMod(cmov(CC.AE, 8, r2, max), r);
    L.emit(xmmRM(SseOp.Ucomisd, x, x));
    L.emitMod(cmov(CC.P, 8, r3, zero), r2);
    return r3;
  }
  // x >= 2^63: convert x - 2^63 and set the top bit.
  const hi = ftmp(L);
  L.emitMod(xmmRM(SseOp.Subsd, hi, two63), x);
  const h = L.tmp();
  L.emit(cvtFloatToInt(CvtToIntOp.Cvttsd2si, 8, h, hi));
  const hx = L.tmp();
  L.emitMod(aluRM(AluOp.Xor, 8, hx, L.constReg(0, 0x80000000 | 0)), h);
  const two64 = splatConst(L, 8, 0x43f0000000000000n);
  const fzero = zeros(L);
  const ones64 = L.constReg(-1, -1);
  const r2 = L.tmp(), r3 = L.tmp(), r4 = L.tmp();
  L.emit(xmmRM(SseOp.Ucomisd, x, two63));
  L.emitMod(cmov(CC.AE, 8, r2, hx), r);
  L.emit(xmmRM(SseOp.Ucomisd, x, two64));
  L.emitMod(cmov(CC.AE, 8, r3, ones64), r2);
  // Below zero (which includes NaN: unordered sets CF): 0.
  L.emit(xmmRM(SseOp.Ucomisd, x, fzero));
  L.emitMod(cmov(CC.B, 8, r4, zero), r3);
  return r4;
}

/** f64x2 -> i64x2 / u64x2 saturating, lane by lane through the scalar conversion. */
function f64x2ToInt64Sat(signed: boolean): Handler {
  return (L, inst) => {
    const from = argT(L, inst, 0), to = resT(L, inst);
    if (!isVec128(from) || laneType(from) !== F64 || !isVec128(to) || laneType(to) !== I64) return false;
    const x = arg(L, inst, 0);
    const g0 = f64ToInt64Sat(L, x, signed);
    const g1 = f64ToInt64Sat(L, floatLane(L, F64, x, 1), signed);
    const lo = ftmp(L), hi = ftmp(L);
    L.emit(gprToXmm(8, lo, g0));
    L.emit(gprToXmm(8, hi, g1));
    binop(L, SseOp.Punpcklqdq, lo, hi, L.out());
    return true;
  };
}

/** Byte population count with SSE2 shifts and masks (2-, 4-, then 8-bit partial sums). */
function popcntSse2(L: X64Lower, inst: Inst): boolean {
  const t = resT(L, inst);
  if (!isVec128(t) || laneType(t) !== I8) return false;
  const x = arg(L, inst, 0);
  const shr = (r: number, n: number): number => {
    const d = ftmp(L);
    L.emitMod(xmmShiftImm(XmmShiftOp.Psrlw, d, n), r);
    return d;
  };
  const m1 = splatConst(L, 1, 0x55n), m2 = splatConst(L, 1, 0x33n), m4 = splatConst(L, 1, 0x0fn);
  const x1 = binop(L, SseOp.Psubb, x, binop(L, SseOp.Pand, shr(x, 1), m1));
  const x2 = binop(L, SseOp.Paddb, binop(L, SseOp.Pand, x1, m2), binop(L, SseOp.Pand, shr(x1, 2), m2));
  binop(L, SseOp.Pand, binop(L, SseOp.Paddb, x2, shr(x2, 4)), m4, L.out());
  return true;
}

/**
 * swizzle without pshufb: the source and 16 zero bytes go to a stack area, each index byte is
 * clamped to 16 (every out-of-range index selects a zero) and the selected byte copied over it;
 * the rewritten index area is the result.
 */
function swizzleViaStack(L: X64Lower, inst: Inst): boolean {
  if (!isVec128(resT(L, inst))) return false;
  const slot = L.addAreaSlot(48);
  L.emit(xmmStore(XmmMovOp.Movdqu, arg(L, inst, 0), L.slotAmode(slot, 0)));
  L.emit(storeImm(8, L.slotAmode(slot, 16), 0));
  L.emit(storeImm(8, L.slotAmode(slot, 24), 0));
  L.emit(xmmStore(XmmMovOp.Movdqu, arg(L, inst, 1), L.slotAmode(slot, 32)));
  const base = L.tmp();
  L.emit(lea(8, base, L.slotAmode(slot, 0)));
  const sixteen = L.tmp();
  L.emit(movImm(4, sixteen, 16));
  for (let k = 0; k < 16; k++) {
    const i = L.tmp();
    L.emit(movzx(1, 4, i, L.slotAmode(slot, 32 + k)));
    L.emit(aluRI(AluOp.Cmp, 4, i, 16));
    const c = L.tmp();
    L.emitMod(cmov(CC.AE, 4, c, sixteen), i);
    const g = L.tmp();
    L.emit(movzx(1, 4, g, amIndex(base, c, 0, 0)));
    L.emit(store(1, g, L.slotAmode(slot, 32 + k)));
  }
  L.emit(xmmLoad(XmmMovOp.Movdqu, L.out(), L.slotAmode(slot, 32)));
  return true;
}

// ---------------------------------------------------------------- registration

const HANDLERS: (Handler[] | undefined)[] = [];
function on(ops: Opcode | readonly Opcode[], h: Handler): void {
  for (const op of typeof ops === 'number' ? [ops] : ops) (HANDLERS[op] ??= []).push(h);
}

on(VCONST, vconst);
on(SPLAT, splat);
on(SCALAR_TO_VECTOR, scalarToVector);
on(EXTRACTLANE, extractlane);
on(INSERTLANE, insertlane);
on(LOAD, vload);
on(SLOAD8X8, loadExtend(true, I8));
on(ULOAD8X8, loadExtend(false, I8));
on(SLOAD16X4, loadExtend(true, I16));
on(ULOAD16X4, loadExtend(false, I16));
on(SLOAD32X2, loadExtend(true, I32));
on(ULOAD32X2, loadExtend(false, I32));
on(STORE, vstore);
on(BITCAST, bitcast);
on(IADD, intBinary(ADD));
on(ISUB, intBinary(SUB));
on(IMUL, intBinary([-1, SseOp.Pmullw, SseOp.Pmulld, -1]));
on(INEG, ineg);
on(IABS, iabs);
on(SADD_SAT, intBinary([SseOp.Paddsb, SseOp.Paddsw, -1, -1]));
on(UADD_SAT, intBinary([SseOp.Paddusb, SseOp.Paddusw, -1, -1]));
on(SSUB_SAT, intBinary([SseOp.Psubsb, SseOp.Psubsw, -1, -1]));
on(USUB_SAT, intBinary([SseOp.Psubusb, SseOp.Psubusw, -1, -1]));
on(AVG_ROUND, intBinary([SseOp.Pavgb, SseOp.Pavgw, -1, -1]));
on(SMIN, intBinary([SseOp.Pminsb, SseOp.Pminsw, SseOp.Pminsd, -1]));
on(SMAX, intBinary([SseOp.Pmaxsb, SseOp.Pmaxsw, SseOp.Pmaxsd, -1]));
on(UMIN, intBinary([SseOp.Pminub, SseOp.Pminuw, SseOp.Pminud, -1]));
on(UMAX, intBinary([SseOp.Pmaxub, SseOp.Pmaxuw, SseOp.Pmaxud, -1]));
on(BAND, bitwise(SseOp.Pand));
on(BOR, bitwise(SseOp.Por));
on(BXOR, bitwise(SseOp.Pxor));
on(BNOT, bnot);
on(BAND_NOT, bandNot);
on(BITSELECT, bitselectV);
on(SELECT, selectV);
on(ISHL, shift(0));
on(USHR, shift(1));
on(SSHR, shift(2));
on(ICMP, icmpV);
on(FCMP, fcmpV);
on(FADD, floatBinary(SseOp.Addps, SseOp.Addpd));
on(FSUB, floatBinary(SseOp.Subps, SseOp.Subpd));
on(FMUL, floatBinary(SseOp.Mulps, SseOp.Mulpd));
on(FDIV, floatBinary(SseOp.Divps, SseOp.Divpd));
on(SQRT, sqrtV);
on(FNEG, signOp(false));
on(FABS, signOp(true));
on(VANY_TRUE, vanyTrue);
on(VALL_TRUE, vallTrue);
on(VHIGH_BITS, vhighBits);
on(SWIDEN_LOW, widen(true, false));
on(SWIDEN_HIGH, widen(true, true));
on(UWIDEN_LOW, widen(false, false));
on(UWIDEN_HIGH, widen(false, true));
on(SNARROW, snarrowV);
on(UNARROW, unarrowV);
on(UUNARROW, uunarrowV);
on(SQMUL_ROUND_SAT, sqmulRoundSat);
on(SWIZZLE, pshufbRule(true));
on(SWIZZLE, swizzleViaStack);
on(X86_PSHUFB, pshufbRule(false));
on(SHUFFLE, shuffle);
on(IADD_PAIRWISE, iaddPairwise);
on(IADD_PAIRWISE, iaddPairwiseSse2);
on(SHUFFLE, shuffleViaStack);
on(FMIN, fminmax(false));
on(FMAX, fminmax(true));
on(FLOOR, roundV(1));
on(CEIL, roundV(2));
on(TRUNC, roundV(3));
on(NEAREST, roundV(0));
on(FLOOR, roundLibcallV('floorf', 'floor'));
on(CEIL, roundLibcallV('ceilf', 'ceil'));
on(TRUNC, roundLibcallV('truncf', 'trunc'));
on(NEAREST, roundLibcallV('nearbyintf', 'nearbyint'));
on(SMIN, minmax64(false, true));
on(SMAX, minmax64(true, true));
on(UMIN, minmax64(false, false));
on(UMAX, minmax64(true, false));
on(SMIN, minmaxSse2(false, true));
on(SMAX, minmaxSse2(true, true));
on(UMIN, minmaxSse2(false, false));
on(UMAX, minmaxSse2(true, false));
on(IABS, iabs64);
on(IABS, iabsSse2);
on(IMUL, imul64);
on(IMUL, imul32Sse2);
on(FCVT_FROM_UINT, fromUint32);
on(FCVT_FROM_UINT, fromUint64);
on(FCVT_FROM_SINT, fromSint64);
on(FCVT_TO_SINT_SAT, toSintSat);
on(FCVT_TO_UINT_SAT, toUintSat);
on(FCVT_TO_SINT_SAT, f64x2ToInt64Sat(true));
on(FCVT_TO_UINT_SAT, f64x2ToInt64Sat(false));
on(POPCNT, popcntV);
on(POPCNT, popcntSse2);
on(FMA, fmaV);
on(FMA, fmaLibcallV);
on(FCVT_FROM_SINT, unaryConv((a, b) => laneType(a) === I32 && laneType(b) === F32, SseOp.Cvtdq2ps));
on(FVPROMOTE_LOW, unaryConv((a, b) => laneType(a) === F32 && laneType(b) === F64, SseOp.Cvtps2pd));
on(FVDEMOTE, unaryConv((a, b) => laneType(a) === F64 && laneType(b) === F32, SseOp.Cvtpd2ps));

function guard(L: X64Lower, inst: Inst): boolean {
  if (!touchesVector(L, inst)) return false;
  const op = L.f.instOpcode[inst];
  const hs = HANDLERS[op];
  if (hs !== undefined) for (const h of hs) if (h(L, inst)) return true;
  const t = L.f.resultCount(inst) > 0 ? resT(L, inst) : argT(L, inst, 0);
  return L.unsupported(`${opcodeName(op as Opcode)} on ${typeName(t)} (x86_64 SIMD)`);
}

/** Registers the vector rules: one guard per opcode, tried before every scalar rule. */
export function lowerSimdRules(r: RuleTable<X64Lower>): void {
  const all: Opcode[] = [];
  for (let op = 0; op < OPCODE_COUNT; op++) all.push(op as Opcode);
  r.add(all, 'simd (sse)', guard, 1000);
}

