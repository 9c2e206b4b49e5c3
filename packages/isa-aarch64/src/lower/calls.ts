// Calls: direct (`bl`, relocated, the linker adds a veneer or PLT entry when out of reach),
// indirect (`blr`), libcalls, tail calls (`return_call`, stack arguments included: see
// abi/frame.ts for the argument area they share) and returns (registers, or the return area
// whose address arrived in x8).

import {
  type AbiParam, type Inst, type Signature, type Type, CALL_INDIRECT, I128, I16, I32, I64, I8, RETURN_CALL_INDIRECT, TRY_CALL_INDIRECT, } from '@windlass/ir';

import { InstFlag } from '@windlass/regalloc';
import {
  AddrMode, BfOp, LdStOp, MInst, NO_REG, Op, RegClass, VREG_BASE, bitfield, ldst, sp, stackAddr, xreg,
} from '../inst';
import {
  type ArgPart, CALL_CLOBBERS, assignReturns, assignSignature, isVType, needsReturnArea, returnAreaLayout,
} from '../abi/aapcs';
import { ldstRow, loadFrame } from './mem';
import { symbolName } from './names';
import type { A64Lower } from './state';

const raw = (r: number): number => r - VREG_BASE;

/** The Call pseudo-instruction: `bl sym` (rn = -1) or `blr rn`; `imm` = bytes the callee pops. */
export function callInst(sym: string | null, rn: number, pops = 0): MInst {
  const i = new MInst(Op.Call, sym === null ? 1 : 0, 1, NO_REG, rn, NO_REG, NO_REG, pops, 0, 0, 0, -1, sym, -1);
  return i;
}

/** The TailCall pseudo-instruction: `b sym` or `br` of the fixed target; `imm` = the argument-area shift. */
export function tailCallInst(sym: string | null, shift: number): MInst {
  return new MInst(Op.TailCall, sym === null ? 1 : 0, 1, NO_REG, NO_REG, NO_REG, NO_REG, shift, 0, 0, 0, -1, sym, -1);
}

/** The Return pseudo-instruction (the frame's epilogue and `ret`). */
export function returnInst(): MInst {
  return new MInst(Op.Return, 0, 1, NO_REG, NO_REG, NO_REG, NO_REG, 0, 0, 0, 0, -1, null, -1);
}

/** A vreg may be read in only one fixed register per instruction: copy the repeats. */
export function dedupeFixed(L: A64Lower, pairs: number[]): number[] {
  for (let k = 2; k < pairs.length; k += 2) {
    let dup = false;
    for (let j = 0; j < k && !dup; j += 2) dup = pairs[j] === pairs[k];
    if (dup) {
      const cls = L.ctx.vregClass(pairs[k]) as number;
      const c = L.tmp(cls);
      if (cls === RegClass.Int) L.move(c, pairs[k] + VREG_BASE);
      else L.vmove(c, pairs[k] + VREG_BASE);
      pairs[k] = raw(c);
    }
  }
  return pairs;
}

/** The register holding `r` (of type `t`) extended as `p` asks (uext/sext of a narrow integer). */
function extendArg(L: A64Lower, r: number, t: Type, p: AbiParam): number {
  if (p.extension === 'none' || !(t === I8 || t === I16 || t === I32)) return r;
  const d = L.tmp();
  L.emit(bitfield(p.extension === 'sext' ? BfOp.Sbfm : BfOp.Ubfm, 1, d, r, 0, t === I8 ? 7 : t === I16 ? 15 : 31));
  return d;
}

/** Stores argument part `r` (of type `t`) at `[base + off]` (a stack argument). */
function storeArg(L: A64Lower, r: number, t: Type, part: ArgPart, base: number, off: number): void {
  let row: number;
  if (part.isFloat) row = ldstRow(t, false);
  else if (part.size === 8 || t === I64 || t === I128) row = LdStOp.StX;
  else row = part.size === 1 ? LdStOp.StB : part.size === 2 ? LdStOp.StH : part.size === 4 ? LdStOp.StW : LdStOp.StX;
  L.emit(ldst(row, r, base, off));
}

/**
 * What a try_call does with its call instead of defining results: `emit` gets the Call
 * instruction, its fixed argument uses and the return-area slot (-1: results in registers).
 */
export type TryCallEmit = (call: MInst, fixedUses: number[], areaSlot: number) => void;

/** Lowers a call, a tail call (`tail`), or the call of a try_call (`tryCall`). */
export function lowerCall(L: A64Lower, inst: Inst, tail: boolean, tryCall?: TryCallEmit): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('call without a signature');
  const op = f.instOpcode[inst];
  const indirect = op === CALL_INDIRECT || op === RETURN_CALL_INDIRECT || op === TRY_CALL_INDIRECT;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  const area = needsReturnArea(sig.returns);
  const assign = assignSignature(sig);
  let areaSlot = -1;
  let areaPtr = -1;
  if (area && tail) {
    if (L.retAreaPtr < 0) L.unsupported('tail call to a function returning through a return area from one that does not');
    areaPtr = L.retAreaPtr;
  } else if (area) {
    areaSlot = L.addAreaSlot(returnAreaLayout(sig.returns).size);
    areaPtr = L.tmp();
    L.emit(stackAddr(areaPtr, AddrMode.Slot, L.slotOffset(areaSlot)));
  }
  // Where stack arguments go: our outgoing area at sp, or for a tail call the incoming
  // argument area, ending where the callee's return must leave sp (abi/frame.ts).
  let shift = 0;
  if (tail) {
    shift = L.argArea.retPop - assign.calleePops;
    if (shift < 0 || shift + assign.stackBytes > L.argArea.size) {
      L.unsupported(`tail call from a ${f.signature.callConv} function with ${L.argArea.size} bytes of stack arguments `
        + `to a ${sig.callConv} function with ${assign.stackBytes}`);
    }
    if (assign.stackBytes > 0) L.needsFrame = true;
  } else L.outgoingBytes = Math.max(L.outgoingBytes, assign.stackBytes);
  const uses: number[] = [];
  args.forEach((v, k) => {
    const parts = assign.params[k];
    if (parts === undefined) L.unsupported('call argument count does not match the signature');
    const t = f.valueType[f.resolveAliases(v)] as Type;
    const regs = L.ctx.regsOf(v).map((r) => r + VREG_BASE);
    parts.forEach((p, j) => {
      let r = regs[j];
      if (parts.length === 1 && !isVType(t)) r = extendArg(L, r, t, sig.params[k]);
      if (p.reg >= 0) uses.push(raw(r), p.reg);
      else if (tail) storeArg(L, r, t, p, xreg(29), 16 + shift + p.stackOffset);
      else storeArg(L, r, t, p, sp, p.stackOffset);
    });
  });
  if (area) uses.push(raw(areaPtr), assign.retAreaReg);
  let callee = -1;
  let sym: string | null = null;
  if (indirect) callee = L.gpr(f.arg(inst, 0));
  else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('call through an undeclared function reference');
    sym = symbolName(fr.name);
  }
  if (tail) {
    // An indirect target travels in x9: neither an argument register nor restored by the epilogue.
    if (indirect) uses.push(raw(callee), xreg(9));
    L.ctx.emit(tailCallInst(sym, shift), { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
    return;
  }
  L.hasCalls = true;
  const call = callInst(sym, indirect ? callee : NO_REG, assign.calleePops);
  if (tryCall !== undefined) {
    tryCall(call, dedupeFixed(L, uses), areaSlot);
    return;
  }
  if (area) {
    L.emit(call, { fixedUses: dedupeFixed(L, uses), clobbers: CALL_CLOBBERS });
    loadReturnArea(L, sig, areaSlot, f.instResults(inst).map((v) => L.ctx.regsOf(v)));
    return;
  }
  const rets = assignReturns(sig.returns, sig.callConv);
  const defs: number[] = [];
  const defRegs = new Set<number>();
  f.instResults(inst).forEach((v, k) => {
    const regs = L.ctx.regsOf(v);
    rets[k].forEach((p, j) => {
      defs.push(regs[j], p.reg);
      defRegs.add(p.reg);
    });
  });
  L.emit(call, { fixedUses: dedupeFixed(L, uses), fixedDefs: defs, clobbers: CALL_CLOBBERS.filter((r) => !defRegs.has(r)) });
}

/** Loads a call's results from its return area (`results`: the vregs of each result). */
export function loadReturnArea(L: A64Lower, sig: Signature, areaSlot: number, results: readonly (readonly number[])[]): void {
  const { offsets } = returnAreaLayout(sig.returns);
  results.forEach((regs, k) => {
    loadFrame(L, sig.returns[k].type, regs.map((r) => r + VREG_BASE), AddrMode.Slot, L.slotOffset(areaSlot) + offsets[k]);
  });
}

/** Lowers `return`: values in the return registers, or stored through the return area. */
export function lowerReturn(L: A64Lower, inst: Inst): void {
  const f = L.f;
  const sig = f.signature;
  const n = f.argCount(inst);
  if (n !== sig.returns.length) L.unsupported('return value count does not match the signature');
  if (L.retAreaPtr >= 0) {
    const { offsets } = returnAreaLayout(sig.returns);
    for (let k = 0; k < n; k++) {
      const t = sig.returns[k].type;
      const regs = L.ctx.regsOf(f.arg(inst, k)).map((r) => r + VREG_BASE);
      if (t === I128) {
        L.emit(ldst(LdStOp.StX, regs[0], L.retAreaPtr, offsets[k]));
        L.emit(ldst(LdStOp.StX, regs[1], L.retAreaPtr, offsets[k] + 8));
      } else L.emit(ldst(isVType(t) ? ldstRow(t, false) : LdStOp.StX, regs[0], L.retAreaPtr, offsets[k]));
    }
    L.ctx.emit(returnInst(), null, InstFlag.Ret);
    return;
  }
  const rets = assignReturns(sig.returns, sig.callConv);
  const uses: number[] = [];
  for (let k = 0; k < n; k++) {
    const regs = L.ctx.regsOf(f.arg(inst, k));
    rets[k].forEach((p, j) => uses.push(regs[j], p.reg));
  }
  L.ctx.emit(returnInst(), { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
}

/** A call of C function `name` (AAPCS64) with arguments and results in v/x registers as `sig` says. */
export function libcall(
  L: A64Lower, name: string, params: readonly Type[], args: readonly (readonly number[])[], returns: readonly Type[],
  results: readonly (readonly number[])[],
): void {
  const sig: Signature = {
    params: params.map((type) => ({ type, extension: 'none', purpose: 'normal' }) as AbiParam),
    returns: returns.map((type) => ({ type, extension: 'none', purpose: 'normal' }) as AbiParam),
    callConv: 'system_v',
  };
  const assign = assignSignature(sig);
  const uses: number[] = [];
  args.forEach((regs, k) => {
    assign.params[k].forEach((p, j) => {
      if (p.reg < 0) L.unsupported(`libcall ${name} with stack arguments`);
      uses.push(raw(regs[j]), p.reg);
    });
  });
  const rets = assignReturns(sig.returns, 'system_v');
  const defs: number[] = [];
  const defRegs = new Set<number>();
  results.forEach((regs, k) => {
    rets[k].forEach((p, j) => {
      defs.push(raw(regs[j]), p.reg);
      defRegs.add(p.reg);
    });
  });
  L.hasCalls = true;
  L.emit(callInst(name, NO_REG), {
    fixedUses: dedupeFixed(L, uses), fixedDefs: defs, clobbers: CALL_CLOBBERS.filter((r) => !defRegs.has(r)),
  });
}
