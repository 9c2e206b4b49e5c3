// AArch64 calling conventions: where arguments and return values live.
//
// AAPCS64 (`system_v`, and `fast`, `cold`, `tail`, which share its assignment here): integer
// arguments in x0-x7, an i128 in an even-numbered pair (x0:x1, x2:x3, ...); floats (f16, f32,
// f64, f128) and vectors in v0-v7; the rest on the stack, each in an 8-byte slot (16 bytes,
// 16-aligned, for i128, f128 and 128-bit vectors). Once a register class is exhausted, its
// later arguments go on the stack too. Return values use the same registers (x0-x7, v0-v7);
// more than fit come back through a return area whose address the caller passes in x8 (the
// AAPCS64 indirect-result register).
//
// Apple's variant (`apple_aarch64`, macOS/iOS): stack arguments are packed at their natural
// size and alignment instead of 8-byte slots, and the caller extends i8/i16 arguments to 32
// bits. Windlass can only check it between its own functions on this host.
//
// `tail` differs in who removes stack arguments: the callee does (its area is a multiple of
// 16 bytes), which lets `return_call` pass more or fewer stack arguments than it received (see
// abi/frame.ts).

import {
  type AbiParam, type Function, type Inst, type Signature, type Type, F16, F32, F64, F128, I128, I16, I8,
  RETURN_CALL, RETURN_CALL_INDIRECT, bytes, isInt, isVector, typeName,
} from '@windlass/ir';
import { UnsupportedError } from '@windlass/codegen';
import { type PReg, vreg, x8, xreg } from '../inst';

/** A part of an argument: a register, or a stack offset from the first stack argument. */
export interface ArgPart {
  /** A PReg, or -1 on the stack. */
  readonly reg: number;
  readonly stackOffset: number;
  /** Bytes of this part (8 per general-register part; the value's size in a v register). */
  readonly size: number;
  readonly isFloat: boolean;
}

export interface ArgAssignment {
  /** Per parameter: its parts (one; i128 in general registers: two). */
  readonly params: ArgPart[][];
  /** Bytes of stack arguments (a multiple of 8; of 16 under `tail`). */
  readonly stackBytes: number;
  /** Bytes of stack arguments the callee removes when it returns (`tail`: all of them). */
  readonly calleePops: number;
  /** The return-area pointer travels in x8 (when the returns need one). */
  readonly retAreaReg: number;
}

export function isApple(conv: string): boolean {
  return conv === 'apple_aarch64';
}

function checkConv(conv: string): void {
  switch (conv) {
    case 'system_v': case 'fast': case 'cold': case 'tail': case 'apple_aarch64': case 'preserve_all': case 'probestack': case 'winch':
      return;
    default:
      throw new UnsupportedError(`call_conv ${conv} on aarch64`);
  }
}

/** Values in v registers: scalar floats (f16 in the low 16 bits, f128 in all 128) and vectors up to 128 bits. */
export function isVType(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128 || (isVector(t) && bytes(t) <= 16);
}

function checkType(t: Type): void {
  if (!(isInt(t) || isVType(t))) throw new UnsupportedError(`ABI type ${typeName(t)} on aarch64`);
}

/** Whether a callee of convention `conv` removes its own stack arguments (`tail`). */
export function isCalleePop(conv: string): boolean {
  return conv === 'tail';
}

const alignTo = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Argument locations of `params` under `conv`. */
export function assignArgs(params: readonly AbiParam[], conv: string): ArgAssignment {
  checkConv(conv);
  const apple = isApple(conv);
  const out: ArgPart[][] = [];
  let stack = 0;
  let ngrn = 0;
  let nsrn = 0;
  const onStack = (size: number, isFloat: boolean): ArgPart => {
    const align = apple ? Math.min(16, Math.max(1, size)) : size >= 16 ? 16 : 8;
    stack = alignTo(stack, align);
    const p = { reg: -1, stackOffset: stack, size, isFloat };
    stack += apple ? size : Math.max(8, size);
    return p;
  };
  for (const p of params) {
    checkType(p.type);
    if (isVType(p.type)) {
      const size = bytes(p.type);
      if (nsrn < 8) out.push([{ reg: vreg(nsrn++), stackOffset: 0, size, isFloat: true }]);
      else out.push([onStack(size, true)]);
    } else if (p.type === I128) {
      ngrn = alignTo(ngrn, 2);
      if (ngrn + 2 <= 8) {
        out.push([
          { reg: xreg(ngrn), stackOffset: 0, size: 8, isFloat: false },
          { reg: xreg(ngrn + 1), stackOffset: 0, size: 8, isFloat: false },
        ]);
        ngrn += 2;
      } else {
        ngrn = 8;
        const lo = onStack(16, false);
        out.push([{ ...lo, size: 8 }, { reg: -1, stackOffset: lo.stackOffset + 8, size: 8, isFloat: false }]);
      }
    } else if (ngrn < 8) {
      out.push([{ reg: xreg(ngrn++), stackOffset: 0, size: 8, isFloat: false }]);
    } else {
      out.push([onStack(apple ? bytes(p.type) : 8, false)]);
    }
  }
  stack = alignTo(stack, apple ? 8 : 8);
  if (isCalleePop(conv)) stack = alignTo(stack, 16);
  return { params: out, stackBytes: stack, calleePops: isCalleePop(conv) ? stack : 0, retAreaReg: x8 };
}

/** The narrow integer types Apple's convention has the caller extend to 32 bits. */
export function appleExtends(t: Type): boolean {
  return t === I8 || t === I16;
}

/**
 * Return-value locations: x0-x7 for integers (an i128 in an even pair), v0-v7 for floats and
 * vectors.
 */
export function assignReturns(returns: readonly AbiParam[], conv: string): ArgPart[][] {
  checkConv(conv);
  const out: ArgPart[][] = [];
  let ngrn = 0;
  let nsrn = 0;
  for (const p of returns) {
    checkType(p.type);
    if (isVType(p.type)) {
      if (nsrn >= 8) throw new UnsupportedError('more than 8 float/vector return values');
      out.push([{ reg: vreg(nsrn++), stackOffset: 0, size: bytes(p.type), isFloat: true }]);
    } else if (p.type === I128) {
      ngrn = alignTo(ngrn, 2);
      if (ngrn + 2 > 8) throw new UnsupportedError('too many integer return values');
      out.push([
        { reg: xreg(ngrn), stackOffset: 0, size: 8, isFloat: false },
        { reg: xreg(ngrn + 1), stackOffset: 0, size: 8, isFloat: false },
      ]);
      ngrn += 2;
    } else {
      if (ngrn >= 8) throw new UnsupportedError('more than 8 integer return values');
      out.push([{ reg: xreg(ngrn++), stackOffset: 0, size: 8, isFloat: false }]);
    }
  }
  return out;
}

/** Whether `returns` need a return area: more values than return registers. */
export function needsReturnArea(returns: readonly AbiParam[]): boolean {
  let ints = 0;
  let floats = 0;
  for (const r of returns) {
    if (isVType(r.type)) floats++;
    else if (r.type === I128) ints = alignTo(ints, 2) + 2;
    else ints++;
  }
  return ints > 8 || floats > 8;
}

/**
 * The return area's layout: value k at `offsets[k]`, 8-byte slots (16, 16-aligned, for i128,
 * f128 and 128-bit vectors).
 */
export function returnAreaLayout(returns: readonly AbiParam[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let off = 0;
  for (const r of returns) {
    const wide = r.type === I128 || bytes(r.type) === 16;
    if (wide) off = alignTo(off, 16);
    offsets.push(off);
    off += wide ? 16 : 8;
  }
  return { offsets, size: alignTo(off, 16) };
}

/** The argument assignment of a call to (or the entry of) a function of `sig`. */
export function assignSignature(sig: Signature): ArgAssignment {
  return assignArgs(sig.params, sig.callConv);
}

/** How a function's incoming stack-argument area is sized (see abi/frame.ts). */
export interface ArgAreaPlan {
  /** Bytes above the frame record the function owns: its incoming stack arguments plus `growth`. */
  readonly size: number;
  /** Bytes the prologue adds below the caller's stack arguments for larger tail calls. */
  readonly growth: number;
  /** Bytes the epilogue removes above the frame (callee-pop conventions: `size`, else `growth`). */
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
  const growth = size - own.stackBytes;
  return { size, growth, retPop: isCalleePop(f.signature.callConv) ? size : growth };
}

/** Callee-saved registers of AAPCS64: x19-x28 and the low halves of v8-v15. */
export const CALLEE_SAVED_GPRS: readonly PReg[] = [19, 20, 21, 22, 23, 24, 25, 26, 27, 28].map(xreg);
export const CALLEE_SAVED_VREGS: readonly PReg[] = [8, 9, 10, 11, 12, 13, 14, 15].map(vreg);

/**
 * Registers a call overwrites, as the allocator sees them: x0-x15 and every v register (v8-v15
 * keep only their low 64 bits across a call, so no vector may live in them across one; the
 * prologue still saves d8-d15 when the function itself writes them).
 */
export const CALL_CLOBBERS: readonly PReg[] = [
  ...Array.from({ length: 16 }, (_, k) => xreg(k)),
  ...Array.from({ length: 31 }, (_, k) => vreg(k)),
];
