// riscv64 calling conventions: where arguments and return values live.
//
// LP64D (RISC-V psABI "Integer Calling Convention" + "Hardware Floating-point Calling
// Convention"), used for `system_v`, `fast`, `cold` and `tail`:
// - integers up to 64 bits in a0-a7, then 8-byte stack slots; i128 (and f128, passed as the
//   psABI passes `long double`) in two registers, split between a7 and the stack when only one
//   is left, or in a 16-byte aligned stack slot;
// - f16/f32/f64 in fa0-fa7 (NaN-boxed in the 64-bit register), then in integer registers (the
//   bits in the low end), then on the stack;
// - fixed-length vectors of up to 16 bytes as the psABI passes a small aggregate (what GCC does
//   for `vector_size` types): in one or two integer registers, then on the stack;
// - returns in a0/a1 and fa0/fa1; when the values do not fit there, the caller passes the
//   address of a return area as a hidden first argument and every value is stored in it.
//
// `tail` differs in who removes stack arguments: the callee does (its stack-argument area, a
// multiple of 16 bytes, is gone when it returns), which lets `return_call` pass a callee more
// stack arguments than the function itself received (see abi/frame.ts).

import {
  type AbiParam, type Function, type Inst, type Signature, type Type, F128, F16, F32, F64, I128, I16, I32, I64, I8,
  RETURN_CALL, RETURN_CALL_INDIRECT, bytes, isVector, typeName,
} from '@windlass/ir';
import { UnsupportedError } from '@windlass/codegen';
import { ARG_FPRS, ARG_GPRS, type PReg, a0, a1, fa0, fa1 } from '../inst/regs';

/** A part of an argument or return value: a register, or a stack offset from the first stack argument. */
export interface ArgPart {
  /** A PReg, or -1 when on the stack. */
  readonly reg: number;
  readonly stackOffset: number;
  /** How the part travels: `int` (a GPR or an 8-byte stack slot), `float` (an FPR or a slot). */
  readonly kind: 'int' | 'float';
  /** The part is the address of the value (a vector of more than 16 bytes): a copy the caller made. */
  readonly byRef?: boolean;
}

export interface ArgAssignment {
  /** Per parameter: its parts (one; i128, f128 and 16-byte vectors: two). */
  readonly params: ArgPart[][];
  /** Bytes of stack arguments (a multiple of 8; of 16 under `tail`). */
  readonly stackBytes: number;
  /** Bytes of stack arguments the callee removes when it returns (`tail`: all of them). */
  readonly calleePops: number;
}

export function checkConv(conv: string): void {
  switch (conv) {
    case 'system_v': case 'fast': case 'cold': case 'tail': case 'preserve_all': case 'probestack':
      return;
    default:
      throw new UnsupportedError(`call_conv ${conv} on riscv64`);
  }
}

/** Whether a callee of convention `conv` removes its own stack arguments. */
export function isCalleePop(conv: string): boolean {
  return conv === 'tail';
}

/**
 * How a value of type `t` is passed: `float` (one FPR), `int` (GPRs, `n` of them); a vector over
 * 16 bytes goes by reference (the psABI's rule for aggregates larger than two registers).
 */
export function passing(t: Type): { kind: 'int' | 'float'; n: 1 | 2; byRef?: boolean } {
  if (t === F16 || t === F32 || t === F64) return { kind: 'float', n: 1 };
  if (t === I8 || t === I16 || t === I32 || t === I64) return { kind: 'int', n: 1 };
  if (t === I128 || t === F128) return { kind: 'int', n: 2 };
  if (isVector(t) && bytes(t) <= 16) return { kind: 'int', n: bytes(t) > 8 ? 2 : 1 };
  if (isVector(t)) return { kind: 'int', n: 1, byRef: true };
  throw new UnsupportedError(`ABI type ${typeName(t)} on riscv64`);
}

const align16 = (n: number): number => (n + 15) & ~15;

/** Argument locations of `params` under `conv`. */
export function assignArgs(params: readonly AbiParam[], conv: string): ArgAssignment {
  checkConv(conv);
  const out: ArgPart[][] = [];
  let stack = 0;
  let nextInt = 0;
  let nextFloat = 0;
  const slot = (kind: 'int' | 'float'): ArgPart => {
    const p = { reg: -1, stackOffset: stack, kind };
    stack += 8;
    return p;
  };
  for (const p of params) {
    const { kind, n, byRef } = passing(p.type);
    if (byRef) {
      out.push([nextInt < 8 ? { reg: ARG_GPRS[nextInt++], stackOffset: 0, kind: 'int', byRef } : { ...slot('int'), byRef }]);
    } else if (kind === 'float') {
      if (nextFloat < 8) out.push([{ reg: ARG_FPRS[nextFloat++], stackOffset: 0, kind: 'float' }]);
      else if (nextInt < 8) out.push([{ reg: ARG_GPRS[nextInt++], stackOffset: 0, kind: 'int' }]);
      else out.push([slot('float')]);
    } else if (n === 1) {
      out.push([nextInt < 8 ? { reg: ARG_GPRS[nextInt++], stackOffset: 0, kind: 'int' } : slot('int')]);
    } else if (nextInt + 2 <= 8) {
      out.push([{ reg: ARG_GPRS[nextInt], stackOffset: 0, kind: 'int' }, { reg: ARG_GPRS[nextInt + 1], stackOffset: 0, kind: 'int' }]);
      nextInt += 2;
    } else if (nextInt === 7) {
      out.push([{ reg: ARG_GPRS[7], stackOffset: 0, kind: 'int' }, slot('int')]);
      nextInt = 8;
    } else {
      stack = align16(stack);
      out.push([slot('int'), slot('int')]);
    }
  }
  if (isCalleePop(conv)) {
    stack = align16(stack);
  }
  return { params: out, stackBytes: stack, calleePops: isCalleePop(conv) ? stack : 0 };
}

/** The hidden return-area pointer parameter. */
export const RETURN_AREA_PARAM: AbiParam = { type: I64, extension: 'none', purpose: 'sret' };

/** The argument assignment of a call to (or the entry of) a function of `sig`, return-area pointer first when it has one. */
export function assignSignature(sig: Signature): ArgAssignment {
  const area = needsReturnArea(sig.returns, sig.callConv);
  return assignArgs(area ? [RETURN_AREA_PARAM, ...sig.params] : sig.params, sig.callConv);
}

/** Whether `returns` need a return area: more values than a0/a1 and fa0/fa1 hold. */
export function needsReturnArea(returns: readonly AbiParam[], conv: string): boolean {
  checkConv(conv);
  let ints = 0;
  let floats = 0;
  for (const r of returns) {
    const { kind, n, byRef } = passing(r.type);
    if (byRef) return true;
    if (kind === 'float') floats++;
    else ints += n;
  }
  return ints > 2 || floats > 2;
}

/** Return-value locations (when no return area is needed): a0 a1 for integers, fa0 fa1 for floats. */
export function assignReturns(returns: readonly AbiParam[], conv: string): ArgPart[][] {
  checkConv(conv);
  const ints = [a0, a1];
  const floats = [fa0, fa1];
  let nextInt = 0;
  let nextFloat = 0;
  return returns.map((r) => {
    const { kind, n } = passing(r.type);
    if (kind === 'float') return [{ reg: floats[nextFloat++], stackOffset: 0, kind }];
    const parts: ArgPart[] = [];
    for (let k = 0; k < n; k++) parts.push({ reg: ints[nextInt++], stackOffset: 0, kind: 'int' });
    return parts;
  });
}

/**
 * The return area's layout: value k at `offsets[k]`; 8-byte slots, 16 (16-aligned) for i128,
 * f128 and vectors over 8 bytes.
 */
export function returnAreaLayout(returns: readonly AbiParam[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let off = 0;
  for (const r of returns) {
    const wide = passing(r.type).n === 2 || passing(r.type).byRef === true;
    if (wide) off = align16(off);
    offsets.push(off);
    off += wide ? Math.max(16, bytes(r.type)) : 8;
  }
  return { offsets, size: align16(off) };
}

/** How a function's incoming stack-argument area is sized (see abi/frame.ts). */
export interface ArgAreaPlan {
  /** Bytes above the CFA the function owns: its incoming stack arguments plus `growth`. */
  readonly size: number;
  /** Bytes reserved below the caller's stack arguments, so a tail call with more stack arguments fits. */
  readonly growth: number;
  /** Bytes of stack arguments the function removes when it returns (callee-pop: its incoming ones). */
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
  return { size, growth: size - own.stackBytes, retPop: isCalleePop(f.signature.callConv) ? own.stackBytes : 0 };
}

/** Registers a call to a function of convention `conv` overwrites (besides its results). */
export function callClobbers(conv: string): readonly PReg[] {
  return conv === 'preserve_all' ? PRESERVE_ALL_CLOBBERS : CALLER_SAVED;
}

/**
 * Caller-saved registers of LP64D the allocator knows: t0-t4, t6, a0-a7, ft0-ft11, fa0-fa7 and
 * v1-v31 (ra, t5 and v0 are never allocated, so they hold no values across a call anyway).
 */
export const CALLER_SAVED: readonly PReg[] = [
  5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 31,
  ...[0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31].map((k) => 32 + k),
  ...Array.from({ length: 31 }, (_, k) => 65 + k),
];
/** Every register the allocator may hand out (v0 included: it is allocated last). */
export const ALLOCATABLE: readonly PReg[] = [
  5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
  ...Array.from({ length: 31 }, (_, k) => 32 + k),
  ...Array.from({ length: 31 }, (_, k) => 64 + k),
];
/** A `preserve_all` callee keeps every register but the allocator's scratch registers. */
const PRESERVE_ALL_CLOBBERS: readonly PReg[] = [31, 32 + 31, 64 + 31];
