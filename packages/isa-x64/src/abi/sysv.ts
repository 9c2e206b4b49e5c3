// x86-64 calling conventions: where arguments and return values live.
//
// System V (psABI 3.2.3): integer arguments in rdi rsi rdx rcx r8 r9, floats in xmm0-7, the
// rest on the stack in 8-byte slots (i128 as a register pair or a 16-byte aligned stack slot);
// returns in rax rdx / xmm0 xmm1. `fast`, `cold`, `tail` and `winch` use the System V
// assignment here.
//
// `tail` differs in who removes the stack arguments: the callee does (`ret n`), and its stack
// argument area is a multiple of 16 bytes. That is what lets `return_call` replace the
// caller's incoming argument area with a callee's larger or smaller one (see abi/frame.ts for
// the frame layout) and still leave rsp where the original caller expects it.
//
// Windows x64 (as Cranelift models it): the first four arguments by position in rcx rdx r8 r9
// / xmm0-3 (an f16 in the low bits of its xmm), the rest in 8-byte stack slots above 32 bytes of
// shadow space; each half of an i128 takes one position. 128-bit vectors and f128 are passed by
// reference: the caller copies the value into its own outgoing area and passes the address in
// the argument's position. A vector, f16 or f128 result comes back in xmm0, an i128 in rax:rdx.

import {
  type AbiParam, type Function, type Inst, type Signature, F16, F32, F64, F128, I128, RETURN_CALL, RETURN_CALL_INDIRECT, isInt, type Type,
  typeName, bytes,
} from '@windlass/ir';
import { UnsupportedError } from '@windlass/codegen';
import {
  type PReg, r8, r9, r10, r11, r12, r13, r14, r15, rax, rbx, rcx, rdi, rdx, rsi, xmm,
} from '../inst';
import { isVec128, isXmmVector } from '../lower/simd-types';

/** A part of an argument: a register, or a stack offset from the first stack argument. */
export interface ArgPart {
  /** A PReg, or -1 when on the stack. */
  readonly reg: number;
  readonly stackOffset: number;
  /** Bytes of this part (8 for GPR parts, the float size for xmm). */
  readonly size: number;
  readonly isFloat: boolean;
  /**
   * Passed by reference (Windows vectors and f128): `reg`/`stackOffset` hold the address, and
   * the caller's copy of the value (`size` bytes) sits at [rsp + bufferOffset] in its
   * outgoing area.
   */
  readonly indirect?: { readonly bufferOffset: number };
}

export interface ArgAssignment {
  /** Per parameter: its parts (one; i128: two). */
  readonly params: ArgPart[][];
  /**
   * Bytes of stack arguments (a multiple of 8, including the Windows shadow area; a multiple
   * of 16 under `tail`).
   */
  readonly stackBytes: number;
  /** Bytes the caller reserves at rsp for the call: the stack arguments, then by-reference copies. */
  readonly outgoingBytes: number;
  /** Bytes of stack arguments the callee removes when it returns (`tail`: all of them). */
  readonly calleePops: number;
}

const SYSV_INT: readonly PReg[] = [rdi, rsi, rdx, rcx, r8, r9];
const WIN_INT: readonly PReg[] = [rcx, rdx, r8, r9];
const SYSV_RET_INT: readonly PReg[] = [rax, rdx];

export const SYSV_CALLEE_SAVED: readonly PReg[] = [rbx, r12, r13, r14, r15];
export const WIN_CALLEE_SAVED: readonly PReg[] = [rbx, rsi, rdi, r12, r13, r14, r15, ...[6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map(xmm)];
/** Registers a call may overwrite under System V (r11 is the allocator's scratch: always clobbered). */
export const SYSV_CALLER_SAVED: readonly PReg[] = [rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11, ...Array.from({ length: 16 }, (_, k) => xmm(k))];

export function isWindows(conv: string): boolean {
  return conv === 'windows_fastcall';
}

function checkConv(conv: string): void {
  switch (conv) {
    case 'system_v': case 'fast': case 'cold': case 'tail': case 'windows_fastcall': case 'preserve_all': case 'probestack': case 'winch':
      return;
    default:
      throw new UnsupportedError(`call_conv ${conv} on x86_64`);
  }
}

/** Scalar floats live in xmm registers (f16 in the low 16 bits, f128 in all 128), and so do fixed vectors (up to 128 bits). */
export function isXmmType(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128 || isXmmVector(t);
}

function checkType(t: Type): void {
  if (!(isInt(t) || isXmmType(t))) throw new UnsupportedError(`ABI type ${typeName(t)} on x86_64`);
}

/** Whether a callee of convention `conv` removes its own stack arguments (`tail`). */
export function isCalleePop(conv: string): boolean {
  return conv === 'tail';
}

const align16 = (n: number): number => (n + 15) & ~15;

/** Argument locations of `params` under `conv`. */
export function assignArgs(params: readonly AbiParam[], conv: string): ArgAssignment {
  checkConv(conv);
  if (isWindows(conv)) return assignWindowsArgs(params);
  const out: ArgPart[][] = [];
  let stack = 0;
  let nextInt = 0;
  let nextFloat = 0;
  for (const p of params) {
    checkType(p.type);
    if (isXmmType(p.type)) {
      if ((p.type === F128 || isVec128(p.type)) && nextFloat >= 8) throw new UnsupportedError(`${typeName(p.type)} arguments on the stack`);
      if (nextFloat < 8) out.push([{ reg: xmm(nextFloat++), stackOffset: 0, size: bytes(p.type), isFloat: true }]);
      else {
        out.push([{ reg: -1, stackOffset: stack, size: 8, isFloat: true }]);
        stack += 8;
      }
    } else if (p.type === I128) {
      if (nextInt + 2 <= 6) {
        out.push([
          { reg: SYSV_INT[nextInt], stackOffset: 0, size: 8, isFloat: false },
          { reg: SYSV_INT[nextInt + 1], stackOffset: 0, size: 8, isFloat: false },
        ]);
        nextInt += 2;
      } else {
        stack = align16(stack);
        out.push([
          { reg: -1, stackOffset: stack, size: 8, isFloat: false },
          { reg: -1, stackOffset: stack + 8, size: 8, isFloat: false },
        ]);
        stack += 16;
      }
    } else if (nextInt < 6) {
      out.push([{ reg: SYSV_INT[nextInt++], stackOffset: 0, size: 8, isFloat: false }]);
    } else {
      out.push([{ reg: -1, stackOffset: stack, size: 8, isFloat: false }]);
      stack += 8;
    }
  }
  if (isCalleePop(conv)) {
    stack = align16(stack);
    // `ret imm16` removes the arguments: a larger area cannot be popped by the callee.
    if (stack > 0xfff0) throw new UnsupportedError(`${stack} bytes of stack arguments under the tail calling convention (at most 65520)`);
  }
  return { params: out, stackBytes: stack, outgoingBytes: stack, calleePops: isCalleePop(conv) ? stack : 0 };
}

/** The argument assignment of a call to (or the entry of) a function of `sig`, with the hidden return-area pointer first when it has one. */
export function assignSignature(sig: Signature): ArgAssignment {
  const area = needsReturnArea(sig.returns, sig.callConv);
  return assignArgs(area ? [RETURN_AREA_PARAM, ...sig.params] : sig.params, sig.callConv);
}

/**
 * Bytes of stack arguments a function of `sig` removes when it returns: a caller that is not
 * Windlass code (a C driver) must restore rsp itself after calling it.
 */
export function calleePopBytes(sig: Signature): number {
  return assignSignature(sig).calleePops;
}

/** How a function's incoming stack-argument area is sized (see abi/frame.ts). */
export interface ArgAreaPlan {
  /** Bytes above the return address the function owns: its incoming stack arguments plus `growth`. */
  readonly size: number;
  /**
   * Bytes the prologue adds below the caller's stack arguments (moving the return address
   * down), so that a tail call with more stack arguments than the function received fits.
   */
  readonly growth: number;
  /** Bytes `ret` removes (callee-pop conventions: `size`; otherwise 0). */
  readonly retPop: number;
}

/**
 * Sizes the incoming argument area of `f`: under a callee-pop convention it grows to the
 * largest stack-argument area of any `return_call` to a callee-pop function.
 */
export function planArgArea(f: Function): ArgAreaPlan {
  const own = assignSignature(f.signature);
  let size = own.stackBytes;
  if (isCalleePop(f.signature.callConv)) {
    for (const b of f.blocks()) {
      const last = f.blockLastInst[b];
      if (last < 0) continue;
      const op = f.instOpcode[last];
      if (op !== RETURN_CALL && op !== RETURN_CALL_INDIRECT) continue;
      const sig = f.callSignature(last as Inst);
      if (sig === undefined || !isCalleePop(sig.callConv)) continue;
      size = Math.max(size, assignSignature(sig).stackBytes);
    }
  }
  const retPop = isCalleePop(f.signature.callConv) ? size : 0;
  if (retPop > 0xffff) throw new UnsupportedError(`${retPop} bytes of tail-call argument area (ret pops at most 65535)`);
  return { size, growth: size - own.stackBytes, retPop };
}

/** Windows x64: one position per argument (per i128 half); vectors and f128 by reference. */
function assignWindowsArgs(params: readonly AbiParam[]): ArgAssignment {
  const out: ArgPart[][] = [];
  let pos = 0;
  const slot = (isFloat: boolean, size: number): ArgPart => {
    const k = pos++;
    if (k < 4) return { reg: isFloat ? xmm(k) : WIN_INT[k], stackOffset: 0, size, isFloat };
    return { reg: -1, stackOffset: 32 + 8 * (k - 4), size, isFloat };
  };
  const byRef: ArgPart[] = [];
  for (const p of params) {
    checkType(p.type);
    if (p.type === I128) out.push([slot(false, 8), slot(false, 8)]);
    else if (p.type === F128 || isVec128(p.type)) {
      const part = slot(false, 8);
      byRef.push(part);
      out.push([part]);
    } else if (isXmmType(p.type)) out.push([slot(true, bytes(p.type))]);
    else out.push([slot(false, 8)]);
  }
  const stackBytes = 32 + 8 * Math.max(0, pos - 4);
  // The by-reference copies follow the stack arguments, 16-byte aligned (movups needs no
  // alignment, but the callee may assume the ABI's).
  let buf = align16(stackBytes);
  const params2 = out.map((parts) => parts.map((part) => {
    if (!byRef.includes(part)) return part;
    const withBuf: ArgPart = { ...part, size: 16, indirect: { bufferOffset: buf } };
    buf += 16;
    return withBuf;
  }));
  return { params: params2, stackBytes, outgoingBytes: buf, calleePops: 0 };
}

/**
 * Return-value locations: rax rdx for integers (i128 uses both), xmm0 xmm1 for floats and
 * vectors. Windows: rax (an i128 alone: rax rdx) and xmm0.
 */
export function assignReturns(returns: readonly AbiParam[], conv: string): ArgPart[][] {
  checkConv(conv);
  const out: ArgPart[][] = [];
  let nextInt = 0;
  let nextFloat = 0;
  const win = isWindows(conv);
  const intRegs = win ? [rax] : SYSV_RET_INT;
  for (const p of returns) {
    checkType(p.type);
    if (isXmmType(p.type)) {
      if (nextFloat >= (win ? 1 : 2)) throw new UnsupportedError(`more than ${nextFloat} float return values`);
      out.push([{ reg: xmm(nextFloat++), stackOffset: 0, size: bytes(p.type), isFloat: true }]);
    } else if (p.type === I128) {
      if (nextInt !== 0) throw new UnsupportedError('i128 return value after another integer return');
      out.push([
        { reg: rax, stackOffset: 0, size: 8, isFloat: false },
        { reg: rdx, stackOffset: 0, size: 8, isFloat: false },
      ]);
      nextInt = 2;
    } else {
      if (nextInt >= intRegs.length) throw new UnsupportedError(`more than ${intRegs.length} integer return values`);
      out.push([{ reg: intRegs[nextInt++], stackOffset: 0, size: 8, isFloat: false }]);
    }
  }
  return out;
}

/** Whether `returns` need a return area: more values than return registers. */
export function needsReturnArea(returns: readonly AbiParam[], conv: string): boolean {
  let ints = 0;
  let floats = 0;
  for (const r of returns) {
    if (isXmmType(r.type)) floats++;
    else ints += r.type === I128 ? 2 : 1;
  }
  const hasI128 = returns.some((r) => r.type === I128);
  if (isWindows(conv)) return hasI128 ? returns.length > 1 : ints > 1 || floats > 1;
  return ints > 2 || floats > 2 || (hasI128 && returns.length > 1);
}

/**
 * When the return values do not fit the return registers, the caller passes a pointer to a
 * return area as a hidden first argument and every value is stored there: value k at
 * `offsets[k]`, 8-byte slots (16 for i128, f128 and 128-bit vectors, 16-aligned).
 */
export function returnAreaLayout(returns: readonly AbiParam[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let off = 0;
  for (const r of returns) {
    const wide = r.type === I128 || r.type === F128 || isVec128(r.type);
    if (wide) off = (off + 15) & ~15;
    offsets.push(off);
    off += wide ? 16 : 8;
  }
  return { offsets, size: (off + 15) & ~15 };
}

/** The hidden return-area pointer parameter. */
export const RETURN_AREA_PARAM: AbiParam = { type: 4 as Type, extension: 'none', purpose: 'sret' };

export function calleeSaved(conv: string): readonly PReg[] {
  return isWindows(conv) ? WIN_CALLEE_SAVED : SYSV_CALLEE_SAVED;
}

/** Registers a call to a function of `sig` overwrites. */
export function callClobbers(sig: Signature): readonly PReg[] {
  if (!isWindows(sig.callConv)) return SYSV_CALLER_SAVED;
  const saved = new Set<number>(WIN_CALLEE_SAVED);
  return SYSV_CALLER_SAVED.filter((r) => !saved.has(r));
}

export { r10, r11 };
