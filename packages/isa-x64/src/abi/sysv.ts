// x86-64 calling conventions: where arguments and return values live.
//
// System V (psABI 3.2.3): integer arguments in rdi rsi rdx rcx r8 r9, floats in xmm0-7, the
// rest on the stack in 8-byte slots (i128 as a register pair or a 16-byte aligned stack slot);
// returns in rax rdx / xmm0 xmm1. Windows x64: the first four arguments by position in
// rcx rdx r8 r9 / xmm0-3 with 32 bytes of shadow space above the return address.
// `fast`, `cold`, `tail` and `winch` use the System V assignment here.

import { type AbiParam, type Signature, F16, F32, F64, F128, I128, isInt, type Type, typeName, bytes } from '@windlass/ir';
import { UnsupportedError } from '@windlass/codegen';
import {
  type PReg, r8, r9, r10, r11, r12, r13, r14, r15, rax, rbx, rcx, rdi, rdx, rsi, xmm,
} from '../inst';
import { isVec128 } from '../lower/simd-types';

/** A part of an argument: a register, or a stack offset from the first stack argument. */
export interface ArgPart {
  /** A PReg, or -1 when on the stack. */
  readonly reg: number;
  readonly stackOffset: number;
  /** Bytes of this part (8 for GPR parts, the float size for xmm). */
  readonly size: number;
  readonly isFloat: boolean;
}

export interface ArgAssignment {
  /** Per parameter: its parts (one; i128: two). */
  readonly params: ArgPart[][];
  /** Bytes of stack arguments (a multiple of 8, including the Windows shadow area). */
  readonly stackBytes: number;
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

/** Scalar floats live in xmm registers (f16 in the low 16 bits, f128 in all 128), and so do 128-bit vectors. */
export function isXmmType(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128 || isVec128(t);
}

function checkType(t: Type): void {
  if (!(isInt(t) || isXmmType(t))) throw new UnsupportedError(`ABI type ${typeName(t)} on x86_64`);
}

/** Argument locations of `params` under `conv`. */
export function assignArgs(params: readonly AbiParam[], conv: string): ArgAssignment {
  checkConv(conv);
  const out: ArgPart[][] = [];
  let stack = 0;
  if (isWindows(conv)) {
    stack = 32;
    params.forEach((p, k) => {
      checkType(p.type);
      if (p.type === I128) throw new UnsupportedError('i128 arguments under windows_fastcall');
      const fl = isXmmType(p.type);
      if (p.type === F16 || p.type === F128 || isVec128(p.type)) throw new UnsupportedError(`${typeName(p.type)} under windows_fastcall`);
      if (k < 4) out.push([{ reg: fl ? xmm(k) : WIN_INT[k], stackOffset: 0, size: fl ? bytes(p.type) : 8, isFloat: fl }]);
      else {
        out.push([{ reg: -1, stackOffset: stack, size: 8, isFloat: fl }]);
        stack += 8;
      }
    });
    return { params: out, stackBytes: stack };
  }
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
        stack = (stack + 15) & ~15;
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
  return { params: out, stackBytes: stack };
}

/** Return-value locations: rax rdx for integers (i128 uses both), xmm0 xmm1 for floats. */
export function assignReturns(returns: readonly AbiParam[], conv: string): ArgPart[][] {
  checkConv(conv);
  const out: ArgPart[][] = [];
  let nextInt = 0;
  let nextFloat = 0;
  const intRegs = isWindows(conv) ? [rax] : SYSV_RET_INT;
  for (const p of returns) {
    checkType(p.type);
    if (isXmmType(p.type)) {
      if (nextFloat >= (isWindows(conv) ? 1 : 2)) throw new UnsupportedError(`more than ${nextFloat} float return values`);
      out.push([{ reg: xmm(nextFloat++), stackOffset: 0, size: bytes(p.type), isFloat: true }]);
    } else if (p.type === I128) {
      if (nextInt !== 0 || isWindows(conv)) throw new UnsupportedError('i128 return value after another integer return');
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
  return isWindows(conv) ? ints > 1 || floats > 1 : ints > 2 || floats > 2 || (hasI128 && returns.length > 1);
}

/**
 * When the return values do not fit the return registers, the caller passes a pointer to a
 * return area as a hidden first argument and every value is stored there: value k at
 * `offsets[k]`, 8-byte slots (16 for i128, 16-aligned).
 */
export function returnAreaLayout(returns: readonly AbiParam[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let off = 0;
  for (const r of returns) {
    if (isVec128(r.type)) throw new UnsupportedError(`${typeName(r.type)} in a return area`);
    const wide = r.type === I128 || r.type === F128;
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
