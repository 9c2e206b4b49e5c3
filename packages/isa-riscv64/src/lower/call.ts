// Values across calls under LP64D: arguments and results in their registers or stack slots
// (conversions for floats passed in GPRs, vectors passed as integer aggregates, narrow integers
// extended as the parameter says), return areas, and calls, tail calls and the calls of
// try_calls.

import {
  type AbiParam, type Inst, type Signature, type Type, type Value,
  CALL_INDIRECT, F64, F32, I16, I32, I64, I8, RETURN_CALL_INDIRECT, TRY_CALL_INDIRECT, bytes,
} from '@windlass/ir';
import { InstFlag, RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, load, pseudo, rri, store } from '../inst/mod';
import * as O from '../inst/ops';
import { VREG_BASE, fp, sp, t1 } from '../inst/regs';
import {
  type ArgPart, assignReturns, assignSignature, callClobbers, needsReturnArea, returnAreaLayout,
} from '../abi/abi';
import { type RvLower, classOf } from './state';
import { symbolName } from './names';
import { fromGprs, toGprs, vecAccess } from './vector-abi';
import { loadFloat, storeFloat } from './float';

/**
 * Defines the registers `regs` of a value of type `t` arriving in `parts`: fixed defs for
 * registers that hold it as it is, conversions (`after`) for an FPR value in a GPR, a vector in
 * GPRs, and loads of stack parts.
 */
export function receiveValue(L: RvLower, t: Type, regs: readonly number[], parts: readonly ArgPart[], defs: number[], after: (() => void)[]): void {
  const cls = classOf(t);
  if (cls === RegClass.Float && parts[0].kind === 'float' && parts[0].reg >= 0) {
    defs.push(regs[0] - VREG_BASE, parts[0].reg);
    return;
  }
  // The integer bits of each part, in GPRs.
  const ints: number[] = parts.map((p, j) => {
    const r = cls === RegClass.Int ? regs[j] : L.tmp();
    if (p.reg >= 0) defs.push(r - VREG_BASE, p.reg);
    else {
      const direct = cls === RegClass.Float && p.kind === 'float';
      after.push(() => {
        if (!direct) L.emit(L.incomingArg(O.LD, r, p.stackOffset));
        else {
          const a = L.tmp();
          L.emit(L.incomingArg(O.ADDI, a, p.stackOffset));
          loadFloat(L, t, regs[0], a, 0);
        }
      });
    }
    return r;
  });
  if (cls === RegClass.Float) {
    if (parts[0].reg < 0 && parts[0].kind === 'float') return;
    after.push(() => L.emit(rri(floatFromInt(t), regs[0], ints[0], 0)));
  } else if (cls === RegClass.Vector && parts[0].byRef) after.push(() => L.emit(vecAccess(false, regs[0], ints[0], t)));
  else if (cls === RegClass.Vector) after.push(() => fromGprs(L, regs[0], ints));
}

/** fmv.{d,w,h}.x: the float in an integer register's low bits. */
function floatFromInt(t: Type): number {
  return t === F64 ? O.FP_D.mvFromX : t === F32 ? O.FP_S.mvFromX : O.FP_S.mvFromX;
}
function floatToInt(t: Type): number {
  return t === F64 ? O.FP_D.mvToX : O.FP_S.mvToX;
}

/**
 * The registers to pass a value of type `t` (its vregs `regs`, with VREG_BASE) in `parts`:
 * conversions emitted as needed (an FPR value in a GPR, a vector in GPRs, narrow integers
 * extended as the parameter says). Returns one register per part.
 */
export function sendValue(L: RvLower, t: Type, regs: readonly number[], parts: readonly ArgPart[], p: AbiParam | null): number[] {
  const cls = classOf(t);
  if (cls === RegClass.Float) {
    if (parts[0].kind === 'float') return [regs[0]];
    const g = L.tmp();
    L.emit(rri(floatToInt(t), g, regs[0], 0));
    // An f16 in a GPR: NaN-boxing does not apply, only its 16 bits matter (fmv.x.w copies 32).
    return [g];
  }
  if (cls === RegClass.Vector && parts[0].byRef) {
    // A copy in the caller's frame; its address is the argument.
    const slot = L.slotArea.addArea(bytes(t));
    const a = L.tmp();
    L.slotAddr(a, slot, 0);
    L.emit(vecAccess(true, regs[0], a, t));
    return [a];
  }
  if (cls === RegClass.Vector) return toGprs(L, t, regs[0], parts.length);
  if (p !== null && (t === I8 || t === I16 || t === I32)) {
    if (p.extension === 'uext') return [L.zext(regs[0], t)];
    // The psABI keeps 32-bit integers sign-extended in 64-bit registers whatever their signedness.
    if (p.extension === 'sext' || t === I32) return [L.sext(regs[0], t)];
  }
  return regs.slice();
}

/** Stores part `reg` of a value of type `t` at base + off (stack arguments). */
function storePart(L: RvLower, t: Type, reg: number, base: number, off: number): void {
  const fl = classOf(t) === RegClass.Float && L.ctx.vregClass(reg - VREG_BASE) === RegClass.Float;
  if (fl) storeFloat(L, t, reg, base, off);
  else L.emit(store(O.SD, reg, base, off));
}

/** Stores a value of type `t` (registers `regs`) at base + off in a return area, as it sits in memory. */
export function storeToArea(L: RvLower, t: Type, regs: readonly number[], base: number, off: number): void {
  const cls = classOf(t);
  if (cls === RegClass.Float) storeFloat(L, t, regs[0], base, off);
  else if (cls === RegClass.Vector) {
    let a = base;
    if (off !== 0) {
      a = L.tmp();
      L.emit(rri(O.ADDI, a, base, off));
    }
    L.emit(vecAccess(true, regs[0], a, t));
  } else regs.forEach((r, j) => L.emit(store(O.SD, r, base, off + 8 * j)));
}

export function valueRegs(L: RvLower, v: Value): number[] {
  return L.ctx.regsOf(v).map((r) => r + VREG_BASE);
}

/**
 * What a try_call does with its call instruction instead of defining results: `emit` gets the
 * call, its fixed argument uses and the return-area slot (-1 when the values come in registers).
 */
export type TryCallEmit = (call: MInst, fixedUses: number[], areaSlot: number) => void;

/** Lowers a call, a tail call (`return_call`, `return_call_indirect`) or the call of a try_call. */
export function lowerCall(L: RvLower, inst: Inst, tail: boolean, tryCall?: TryCallEmit): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('call without a signature');
  const op = f.instOpcode[inst];
  const indirect = op === CALL_INDIRECT || op === RETURN_CALL_INDIRECT || op === TRY_CALL_INDIRECT;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  const area = needsReturnArea(sig.returns, sig.callConv);
  const assign = assignSignature(sig);
  let areaSlot = -1;
  let areaPtr = -1;
  if (area && tail) {
    if (L.retAreaPtr < 0) L.unsupported('tail call to a function returning through a return area from one that does not');
    areaPtr = L.retAreaPtr;
  } else if (area) {
    areaSlot = L.slotArea.addArea(returnAreaLayout(sig.returns).size);
    areaPtr = L.tmp();
    L.slotAddr(areaPtr, areaSlot, 0);
  }
  // Stack arguments: our outgoing area at sp, or for a tail call the top of the incoming area.
  let shift = 0;
  if (tail) {
    shift = L.argArea.retPop - assign.calleePops;
    if (shift < -L.argArea.growth || shift + assign.stackBytes > L.argArea.size - L.argArea.growth) {
      L.unsupported(`tail call from a ${f.signature.callConv} function with ${L.argArea.size} bytes of stack arguments `
        + `to a ${sig.callConv} function with ${assign.stackBytes}`);
    }
    if (assign.stackBytes > 0) L.needsFrame = true;
  } else L.outgoingBytes = Math.max(L.outgoingBytes, assign.stackBytes);
  const uses: number[] = [];
  const values: { t: Type; regs: number[]; p: AbiParam | null }[] = args.map((v, k) => ({
    t: sig.params[k].type, regs: valueRegs(L, v), p: sig.params[k],
  }));
  if (area) values.unshift({ t: I64, regs: [areaPtr], p: null });
  values.forEach(({ t, regs, p }, k) => {
    const parts = assign.params[k];
    if (parts === undefined) L.unsupported('call argument count does not match the signature');
    const sent = sendValue(L, t, regs, parts, p);
    parts.forEach((part, j) => {
      if (part.reg >= 0) uses.push(sent[j], part.reg);
      else if (tail) {
        L.needsFrame = true;
        storePart(L, t, sent[j], fp, L.argArea.growth + shift + part.stackOffset);
      } else storePart(L, t, sent[j], sp, part.stackOffset);
    });
  });
  let call: MInst;
  if (indirect) {
    const callee = L.reg(f.arg(inst, 0));
    if (tail) {
      // t1 is neither an argument register nor touched by the epilogue.
      uses.push(callee, t1);
      call = pseudo(Pseudo.TailCallInd);
      call.rs1 = t1;
    } else {
      call = pseudo(Pseudo.CallInd);
      call.rs1 = callee;
    }
  } else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('call through an undeclared function reference');
    call = pseudo(tail ? Pseudo.TailCall : Pseudo.Call);
    call.sym = symbolName(fr.name);
  }
  if (tail) {
    L.argArea.tailShift.set(call, shift);
    L.ctx.emit(call, { fixedUses: L.fixedPairs(uses) }, InstFlag.Ret);
    return;
  }
  L.hasCalls = true;
  // A callee-pop callee removes its stack arguments: the frame code reserves them again.
  if (assign.calleePops > 0) L.argArea.popped.set(call, assign.calleePops);
  if (tryCall !== undefined) {
    tryCall(call, L.fixedPairs(uses), areaSlot);
    return;
  }
  const clobbers = callClobbers(sig.callConv);
  if (area) {
    L.emit(call, { fixedUses: L.fixedPairs(uses), clobbers });
    const { offsets } = returnAreaLayout(sig.returns);
    f.instResults(inst).forEach((v, k) => {
      const t = sig.returns[k].type;
      const regs = valueRegs(L, v);
      loadFromArea(L, t, regs, areaSlot, offsets[k]);
    });
    return;
  }
  const rets = assignReturns(sig.returns, sig.callConv);
  const defs: number[] = [];
  const defined = new Set<number>();
  const after: (() => void)[] = [];
  f.instResults(inst).forEach((v, k) => {
    const t = sig.returns[k].type;
    const regs = valueRegs(L, v);
    const cls = classOf(t);
    if (cls === RegClass.Vector) {
      const ints = rets[k].map((p) => {
        const g = L.tmp();
        defs.push(g - VREG_BASE, p.reg);
        defined.add(p.reg);
        return g;
      });
      after.push(() => fromGprs(L, regs[0], ints));
      return;
    }
    rets[k].forEach((p, j) => {
      defs.push(regs[j] - VREG_BASE, p.reg);
      defined.add(p.reg);
    });
  });
  L.emit(call, { fixedUses: L.fixedPairs(uses), fixedDefs: defs, clobbers: clobbers.filter((r) => !defined.has(r)) });
  for (const a of after) a();
}

/** Loads a value of type `t` (registers `regs`) from the return area in slot `areaSlot` at `off`. */
export function loadFromArea(L: RvLower, t: Type, regs: readonly number[], areaSlot: number, off: number): void {
  const cls = classOf(t);
  if (cls === RegClass.Float) {
    const a = L.tmp();
    L.slotAddr(a, areaSlot, off);
    loadFloat(L, t, regs[0], a, 0);
  } else if (cls === RegClass.Vector) {
    const a = L.tmp();
    L.slotAddr(a, areaSlot, off);
    L.emit(vecAccess(false, regs[0], a, t));
  } else regs.forEach((r, j) => L.emit(L.slotInst(load(O.LD, r, sp, 0), areaSlot, off + 8 * j)));
}
