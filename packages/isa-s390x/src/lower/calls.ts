// Calls, tail calls, arguments and returns under the s390x ELF ABI (see abi/abi.ts).

import {
  type Inst, type Signature, type Type, type Value, CALL_INDIRECT, F128, F16, F32, F64, I128, I16, I32, I64, I8,
  RETURN_CALL_INDIRECT, laneBits,
} from '@windlass/ir';
import { InstFlag } from '@windlass/regalloc';
import { type MInst, Pseudo, pseudo, rr, rx } from '../inst/mod';
import { NO_REG, RegClass, VREG_BASE, r15, r2, r6 } from '../inst/regs';
import {
  type ArgLoc, type SigAssignment, CALL_CLOBBERS, REG_SAVE_AREA, TAIL_CALL_CLOBBERS, assignSignature, calleePops, isVec128,
  littleEndianLanes, preservesR6,
} from '../abi/abi';
import { permute } from './vector';
import type { S390xLower } from './state';
import { symbolName } from './symbols';

const raw = (r: number): number => r - VREG_BASE;

/** The load of a value of type `t` from memory into `dst` (general or vector register). */
export function loadOf(t: Type, dst: number): MInst {
  if (isVec128(t) || t === I128 || t === F128) return rx('vl', dst, NO_REG, NO_REG, 0);
  switch (t) {
    case F64: return rx('vleg.d', dst, NO_REG, NO_REG, 0);
    case F32: return rx('vlef.d', dst, NO_REG, NO_REG, 0);
    case F16: return rx('vleh.d', dst, NO_REG, NO_REG, 0);
    case I8: return rx('llc', dst, NO_REG, NO_REG, 0);
    case I16: return rx('llh', dst, NO_REG, NO_REG, 0);
    case I32: return rx('l', dst, NO_REG, NO_REG, 0);
    default: return rx('lg', dst, NO_REG, NO_REG, 0);
  }
}
/** The store of a value of type `t` held in `src`. */
export function storeOf(t: Type, src: number): MInst {
  if (isVec128(t) || t === I128 || t === F128) return rx('vst', src, NO_REG, NO_REG, 0);
  switch (t) {
    case F64: return rx('vsteg', src, NO_REG, NO_REG, 0);
    case F32: return rx('vstef', src, NO_REG, NO_REG, 0);
    case F16: return rx('vsteh', src, NO_REG, NO_REG, 0);
    case I8: return rx('stc', src, NO_REG, NO_REG, 0);
    case I16: return rx('sth', src, NO_REG, NO_REG, 0);
    case I32: return rx('st', src, NO_REG, NO_REG, 0);
    default: return rx('stg', src, NO_REG, NO_REG, 0);
  }
}

/** A narrow integer argument or return extended to 64 bits as its attribute asks (`none`: zero-extended when `always`). */
function extendForAbi(L: S390xLower, r: number, t: Type, ext: string, always: boolean): number {
  if (t !== I8 && t !== I16 && t !== I32) return r;
  if (ext === 'none' && !always) return r;
  const signed = ext === 'sext';
  const d = L.tmp();
  const op = t === I8 ? (signed ? 'lgbr' : 'llgcr') : t === I16 ? (signed ? 'lghr' : 'llghr') : signed ? 'lgfr' : 'llgfr';
  L.emit(rr(op, d, r));
  return d;
}

/** Defines the entry block's parameters (the function arguments). */
export function lowerArgs(L: S390xLower, params: readonly Value[]): void {
  const sig = L.f.signature;
  const a = assignSignature(sig);
  const defs: number[] = [];
  const loads: MInst[] = [];
  if (a.retArea && L.retAreaPtr >= 0) defs.push(raw(L.retAreaPtr), r2);
  params.forEach((v, k) => {
    const loc = a.params[k];
    if (loc === undefined) L.unsupported('entry block parameters do not match the signature');
    if (!L.ctx.isUsed(v)) return;
    const r = L.reg(v);
    const t = L.typeOf(v);
    if (loc.byRef) {
      const p = L.tmp();
      if (loc.reg >= 0) defs.push(raw(p), loc.reg);
      else loads.push(incoming(L, loadOf(I64, p), loc));
      const l = loadOf(t, r);
      l.b = p;
      loads.push(l);
    } else if (loc.reg >= 0) defs.push(raw(r), loc.reg);
    else loads.push(incoming(L, loadOf(t, r), loc));
  });
  L.emit(pseudo(Pseudo.Args), { fixedDefs: defs });
  for (const i of loads) L.emit(i);
}

/** `i` addressing the incoming stack argument at `loc` (fixed up once the frame size is known). */
function incoming(L: S390xLower, i: MInst, loc: ArgLoc): MInst {
  return L.entryMem(i, REG_SAVE_AREA + loc.stackOffset);
}

/** Lowers `return` (the values of `inst`'s arguments). */
export function lowerReturn(L: S390xLower, inst: Inst): void {
  const f = L.f;
  const sig = f.signature;
  const a = assignSignature(sig);
  const n = f.argCount(inst);
  if (n !== sig.returns.length) L.unsupported('return value count does not match the signature');
  if (a.retArea) {
    for (let k = 0; k < n; k++) {
      const s = storeOf(sig.returns[k].type, L.reg(f.arg(inst, k)));
      s.b = L.retAreaPtr;
      s.d = a.retOffsets[k];
      L.emit(s);
    }
    L.ctx.emit(pseudo(Pseudo.Ret), null, InstFlag.Ret);
    return;
  }
  const uses: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = sig.returns[k];
    const r = extendForAbi(L, L.reg(f.arg(inst, k)), p.type, p.extension, true);
    uses.push(raw(r), a.returns[k].reg);
  }
  L.ctx.emit(pseudo(Pseudo.Ret), { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
}

/** A vreg may be read in only one fixed register per instruction: copy repeats. */
function dedupeFixed(L: S390xLower, pairs: number[]): number[] {
  for (let k = 2; k < pairs.length; k += 2) {
    let dup = false;
    for (let j = 0; j < k && !dup; j += 2) dup = pairs[j] === pairs[k];
    if (dup) {
      const cls = L.ctx.vregClass(pairs[k]);
      const c = L.tmp(cls as RegClass);
      if (cls === RegClass.Int) L.moveG(c, pairs[k] + VREG_BASE);
      else L.moveV(c, pairs[k] + VREG_BASE);
      pairs[k] = raw(c);
    }
  }
  return pairs;
}

/** Lowers a call or (with `tail`) a tail call. */
export function lowerCall(L: S390xLower, inst: Inst, tail: boolean): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('call without a signature');
  const op = f.instOpcode[inst];
  const indirect = op === CALL_INDIRECT || op === RETURN_CALL_INDIRECT;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  if (args.length !== sig.params.length) L.unsupported('call argument count does not match the signature');
  let target: CallTarget;
  if (indirect) target = { reg: L.reg(f.arg(inst, 0)) };
  else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('call through an undeclared function reference');
    target = { sym: symbolName(fr.name), colocated: fr.colocated };
  }
  const results = f.instResults(inst).map((v) => (L.ctx.isUsed(v) ? L.reg(v) : -1));
  emitCall(L, sig, target, args.map((v) => L.reg(v)), results, tail);
}

/**
 * What a try_call does with its call instruction instead of defining results: `emit` gets the
 * call, its fixed argument uses and the return-area slot (-1 when the values come in registers).
 */
export type TryCallEmit = (call: MInst, fixedUses: number[], areaSlot: number) => void;

/** What a call jumps to: a symbol, or an address in a register. */
export type CallTarget = { readonly sym: string; readonly colocated: boolean } | { readonly reg: number };

/**
 * A call of `target` with signature `sig`: `args` are the argument registers, `results` the
 * registers receiving the return values (-1: unused). A tail call (`tail`) has no results.
 */
export function emitCall(
  L: S390xLower, sig: Signature, target: CallTarget, args: readonly number[], results: readonly number[], tail: boolean,
  tryCall?: TryCallEmit,
): void {
  const a = assignSignature(sig);
  const uses: number[] = [];
  const calleeTail = calleePops(sig.callConv);
  if (tail) checkTailCall(L, sig, a);
  let areaSlot = -1;
  if (a.retArea) {
    if (tail) {
      if (L.retAreaPtr < 0) L.unsupported('tail call to a function returning through a return area from one that does not');
      uses.push(raw(L.retAreaPtr), r2);
    } else {
      areaSlot = L.slotArea.addArea(a.retAreaSize);
      const p = L.tmp();
      L.emit(L.slotMem(rx('la', p, NO_REG, NO_REG, 0), areaSlot, 0));
      uses.push(raw(p), r2);
    }
  }
  // Vectors cross into the callee's lane order (and results come back from it).
  const flipLanes = littleEndianLanes(sig.callConv) !== L.leLanes;
  args.forEach((reg, k) => {
    const loc = a.params[k];
    const p = sig.params[k];
    let r = flipLanes && isVec128(p.type) ? reverseLanes(L, reg, p.type) : reg;
    if (loc.byRef) {
      if (tail) L.unsupported('tail call passing i128/f128 arguments (by reference)');
      const buf = L.slotArea.addArea(16);
      L.emit(L.slotMem(storeOf(p.type, r), buf, 0));
      const ptr = L.tmp();
      L.emit(L.slotMem(rx('la', ptr, NO_REG, NO_REG, 0), buf, 0));
      r = ptr;
    } else r = extendForAbi(L, r, p.type, p.extension, false);
    if (loc.reg >= 0) uses.push(raw(r), loc.reg);
    else {
      // Stack arguments go to the outgoing area; a tail call's are copied to their place by
      // the tail-call sequence (abi/frame.ts), once nothing reads the frame any more.
      const s = storeOf(loc.byRef ? I64 : p.type, r);
      s.b = r15;
      s.d = REG_SAVE_AREA + loc.stackOffset;
      L.emit(s);
    }
  });
  L.outgoingBytes = Math.max(L.outgoingBytes, a.stackBytes);
  const call = pseudo(tail ? Pseudo.TailCall : Pseudo.Call);
  // Call: the bytes a callee-pop callee removes (re-reserved after the call). Tail call: the
  // bytes of stack arguments, m4 = 1 when the callee pops them.
  call.imm = calleeTail || tail ? a.stackBytes : 0;
  call.m4 = calleeTail ? 1 : 0;
  if ('reg' in target) call.r2 = target.reg;
  else {
    call.sym = target.sym;
    call.relocKind = target.colocated ? 'S390xPCRel32Dbl' : 'S390xPLTRel32Dbl';
  }
  if (tail) {
    // An indirect target survives the register restore in a frame slot.
    if ('reg' in target) L.slotMem(call, L.slotArea.addArea(8), 0);
    L.tailCallGrowth = Math.max(L.tailCallGrowth, (calleeTail ? a.stackBytes : 0) - L.popBytes);
    L.ctx.emit(call, { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
    return;
  }
  L.hasCalls = true;
  if (tryCall !== undefined) {
    L.lastCallClobbers = preservesR6(sig.callConv) ? CALL_CLOBBERS : TAIL_CALL_CLOBBERS;
    tryCall(call, dedupeFixed(L, uses), areaSlot);
    return;
  }
  const defs: number[] = [];
  const defRegs = new Set<number>();
  // A result in the other lane order arrives in a temporary and is flipped into place.
  const landing = results.map((r, k) => (r >= 0 && flipLanes && isVec128(sig.returns[k].type) ? L.tmpV() : r));
  if (!a.retArea) {
    landing.forEach((r, k) => {
      if (r < 0) return;
      const loc = a.returns[k];
      defs.push(raw(r), loc.reg);
      defRegs.add(loc.reg);
    });
  }
  const clobbers = (preservesR6(sig.callConv) ? CALL_CLOBBERS : TAIL_CALL_CLOBBERS).filter((p) => !defRegs.has(p));
  L.emit(call, { fixedUses: dedupeFixed(L, uses), fixedDefs: defs, clobbers });
  if (a.retArea) {
    landing.forEach((r, k) => {
      if (r < 0) return;
      L.emit(L.slotMem(loadOf(sig.returns[k].type, r), areaSlot, a.retOffsets[k]));
    });
  }
  landing.forEach((r, k) => {
    if (r !== results[k]) L.moveV(results[k], reverseLanes(L, r, sig.returns[k].type));
  });
}

/** A copy of vector `v` (type `t`) with its elements in the opposite order (the other lane order). */
export function reverseLanes(L: S390xLower, v: number, t: Type): number {
  const w = laneBits(t) / 8;
  const pattern: number[] = [];
  for (let e = 16 / w - 1; e >= 0; e--) for (let j = 0; j < w; j++) pattern.push(e * w + j);
  const out = L.tmpV();
  permute(L, out, v, v, pattern);
  return out;
}

/**
 * Whether a tail call of `sig` can be made: its stack arguments end up where the callee
 * expects them (see abi/frame.ts), and an argument in %r6 survives the epilogue.
 */
function checkTailCall(L: S390xLower, sig: Signature, a: SigAssignment): void {
  const own = assignSignature(L.f.signature);
  const calleeTail = calleePops(sig.callConv);
  if (a.stackBytes > 0 && !calleeTail && (L.popBytes > 0 || a.stackBytes > own.stackBytes)) {
    L.unsupported(`tail call to a ${sig.callConv} function needing ${a.stackBytes} bytes of stack arguments from a ${L.f.signature.callConv} function that received ${own.stackBytes}`);
  }
  if (a.stackBytes > 4096 - REG_SAVE_AREA - 256) L.unsupported(`tail call with ${a.stackBytes} bytes of stack arguments`);
  if (preservesR6(L.f.signature.callConv) && a.params.some((p) => p.reg === r6)) {
    L.unsupported(`tail call passing an argument in %r6 from a ${L.f.signature.callConv} function (which must restore %r6)`);
  }
}

/** A call of the C runtime routine `name` (`__divti3`, ...) under the system_v convention. */
export function libcall(L: S390xLower, name: string, params: readonly Type[], returns: readonly Type[], args: readonly number[], results: readonly number[]): void {
  const sig: Signature = {
    params: params.map((type) => ({ type, extension: 'none', purpose: 'normal' })),
    returns: returns.map((type) => ({ type, extension: 'none', purpose: 'normal' })),
    callConv: 'system_v',
  };
  emitCall(L, sig, { sym: name, colocated: false }, args, results, false);
}
