// The s390x ELF ABI (LP64, vector ABI) as Windlass applies it to CLIF signatures.
//
//   arguments   integers (i8..i64): %r2..%r6, then the stack (8-byte slots, right-justified)
//               f16/f32/f64: %f0 %f2 %f4 %f6, then the stack (right-justified)
//               128-bit vectors: %v24 %v26 %v28 %v30 %v25 %v27 %v29 %v31, then the stack (16 bytes each)
//               i128, f128: by reference (the caller passes the address of a copy, like an integer)
//   returns     one integer in %r2, one float in %f0, one vector in %v24; several values use
//               %r2..%r5, %f0 %f2 %f4 %f6 and %v24..%v31 (a Windlass extension: C returns such a
//               set through memory); when they do not fit, or any is i128/f128 (returned by
//               reference in the ELF ABI), every value goes to a return area laid out as the
//               C struct of the values, whose address the caller passes first, in %r2
//   stack       the caller's outgoing arguments start 160 bytes above its %r15 (the register
//               save area below them belongs to the callee: %r6..%r15 are saved at 48..127)
//   preserved   %r6..%r13, %r15, and the floating-point halves %f8..%f15 of %v8..%v15
//
// `fast`, `cold` and `tail` use the same assignment. The `tail` convention differs in three
// ways: the callee removes its stack arguments (it returns with %r15 raised by their size, and
// the caller lowers it again), so a tail call may pass more stack arguments than it received;
// %r6 is not preserved (it may carry an argument into a tail call); and vector lanes are kept in
// little-endian element order (lane 0 is the rightmost element), as wasm code does. Every other
// convention uses the big-endian lane order (lane 0 leftmost).

import {
  type AbiParam, type Signature, type Type, F128, F16, F32, F64, I128, I16, I32, I64, I8, bytes, isVector,
} from '@windlass/ir';
import { r2, r6, vr } from '../inst/regs';

export const REG_SAVE_AREA = 160;

/** Where one argument or return value goes. */
export interface ArgLoc {
  /** A register (preg), or -1 for the stack. */
  readonly reg: number;
  /** Offset in the outgoing argument area (from 160(%r15) of the caller) when on the stack. */
  readonly stackOffset: number;
  /** Bytes the value occupies at `stackOffset` (the slot is 8 or 16 bytes; narrow values are right-justified). */
  readonly size: number;
  /** Passed by reference: the register or slot holds the address of a 16-byte copy. */
  readonly byRef: boolean;
  /** Vector register class (floats, vectors) rather than a general register. */
  readonly isVec: boolean;
}

export interface SigAssignment {
  /** One location per parameter (the hidden return-area pointer is not among them). */
  readonly params: readonly ArgLoc[];
  /** One location per return value (registers), or empty when `retArea`. */
  readonly returns: readonly ArgLoc[];
  /** Returns go through a caller-provided area whose address arrives in %r2. */
  readonly retArea: boolean;
  /** Bytes of stack arguments (a multiple of 8). */
  readonly stackBytes: number;
  /** Return-area size and offsets of each value (C struct layout). */
  readonly retAreaSize: number;
  readonly retOffsets: readonly number[];
}

const FPR_ARGS = [vr(0), vr(2), vr(4), vr(6)];
/** The vector ABI's order: the even registers first. */
const VEC_ARGS = [vr(24), vr(26), vr(28), vr(30), vr(25), vr(27), vr(29), vr(31)];
const GPR_RETS = [2, 3, 4, 5];

export function isVec128(t: Type): boolean {
  return isVector(t) && bytes(t) === 16;
}
/** Types held in vector registers (floats, 128-bit vectors, i128). */
export function inVectorReg(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128 || t === I128 || isVec128(t);
}
function isScalarFloat(t: Type): boolean {
  return t === F16 || t === F32 || t === F64;
}
function isIntScalar(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64;
}

/** Whether a type can be passed at all. */
export function passable(t: Type): boolean {
  return isIntScalar(t) || isScalarFloat(t) || t === I128 || t === F128 || isVec128(t);
}

/** Natural alignment of a value in a return area (s390x C: 8 at most). */
function cAlign(t: Type): number {
  return Math.min(8, bytes(t));
}

/** Return-area layout: the C struct of the values, in order. */
export function retAreaLayout(returns: readonly AbiParam[]): { size: number; offsets: number[] } {
  let off = 0;
  let align = 1;
  const offsets: number[] = [];
  for (const r of returns) {
    const a = cAlign(r.type);
    align = Math.max(align, a);
    off = Math.ceil(off / a) * a;
    offsets.push(off);
    off += bytes(r.type);
  }
  return { size: Math.ceil(off / align) * align, offsets };
}

/** Whether the return values of `sig` go through a return area. */
export function needsRetArea(returns: readonly AbiParam[]): boolean {
  let g = 0, f = 0, v = 0;
  for (const r of returns) {
    const t = r.type;
    if (t === I128 || t === F128) return true;
    if (isIntScalar(t)) g++;
    else if (isScalarFloat(t)) f++;
    else if (isVec128(t)) v++;
    else return true;
  }
  return g > GPR_RETS.length || f > FPR_ARGS.length || v > VEC_ARGS.length;
}

/** The assignment of `sig`'s parameters and return values. */
export function assignSignature(sig: Signature): SigAssignment {
  const retArea = needsRetArea(sig.returns);
  let g = retArea ? 1 : 0;
  let f = 0;
  let v = 0;
  let stack = 0;
  const params: ArgLoc[] = [];
  for (const p of sig.params) {
    const t = p.type;
    if (isVec128(t)) {
      if (v < VEC_ARGS.length) params.push({ reg: VEC_ARGS[v++], stackOffset: 0, size: 16, byRef: false, isVec: true });
      else {
        params.push({ reg: -1, stackOffset: stack, size: 16, byRef: false, isVec: true });
        stack += 16;
      }
    } else if (isScalarFloat(t)) {
      if (f < FPR_ARGS.length) params.push({ reg: FPR_ARGS[f++], stackOffset: 0, size: bytes(t), byRef: false, isVec: true });
      else {
        params.push({ reg: -1, stackOffset: stack + 8 - bytes(t), size: bytes(t), byRef: false, isVec: true });
        stack += 8;
      }
    } else {
      const byRef = t === I128 || t === F128;
      if (g <= r6 - r2) params.push({ reg: r2 + g++, stackOffset: 0, size: byRef ? 8 : bytes(t), byRef, isVec: false });
      else {
        const size = byRef ? 8 : bytes(t);
        params.push({ reg: -1, stackOffset: stack + 8 - size, size, byRef, isVec: false });
        stack += 8;
      }
    }
  }
  const returns: ArgLoc[] = [];
  let layout = { size: 0, offsets: [] as number[] };
  if (retArea) layout = retAreaLayout(sig.returns);
  else {
    let rg = 0, rf = 0, rv = 0;
    for (const r of sig.returns) {
      const t = r.type;
      if (isVec128(t)) returns.push({ reg: VEC_ARGS[rv++], stackOffset: 0, size: 16, byRef: false, isVec: true });
      else if (isScalarFloat(t)) returns.push({ reg: FPR_ARGS[rf++], stackOffset: 0, size: bytes(t), byRef: false, isVec: true });
      else returns.push({ reg: GPR_RETS[rg++], stackOffset: 0, size: bytes(t), byRef: false, isVec: false });
    }
  }
  return { params, returns, retArea, stackBytes: stack, retAreaSize: layout.size, retOffsets: layout.offsets };
}

/** Vector lanes in little-endian element order (the `tail` convention). */
export function littleEndianLanes(callConv: string): boolean {
  return callConv === 'tail';
}
/** The callee removes its stack arguments (the `tail` convention). */
export function calleePops(callConv: string): boolean {
  return callConv === 'tail';
}
/** %r6 is preserved across calls (every convention but `tail`). */
export function preservesR6(callConv: string): boolean {
  return callConv !== 'tail';
}

/**
 * Allocatable registers a call clobbers: %r2..%r5, %r14 and every vector register (the callee
 * preserves only the FPR halves of %v8..%v15). %r0, %r1 and %v7 are never allocated.
 */
export const CALL_CLOBBERS: readonly number[] = [2, 3, 4, 5, 14, ...Array.from({ length: 32 }, (_, k) => vr(k)).filter((p) => p !== vr(7))];
/** A `tail` callee also clobbers %r6. */
export const TAIL_CALL_CLOBBERS: readonly number[] = [6, ...CALL_CLOBBERS];
