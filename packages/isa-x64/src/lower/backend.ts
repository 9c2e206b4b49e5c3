// The x86-64 `LowerBackend`: rules for ordinary instructions, plus the control-flow and ABI
// edges of a function: arguments, branches, calls, returns, tail calls and traps.

import {
  type Inst, type Signature, type Type, type Value,
  BR_TABLE, BRIF, CALL, CALL_INDIRECT, F16, F32, F64, F128, I128, JUMP, RETURN, RETURN_CALL, RETURN_CALL_INDIRECT, TRAP,
  TRAPNZ, TRAPZ, bytes,
} from '@windlass/ir';
import { type LowerBackend, type LowerCtx, type RuleTable, UnsupportedError } from '@windlass/codegen';
import { InstFlag, type RegClass as RAClass } from '@windlass/regalloc';
import {
  type Amode, type MInst, AluOp, CC, lea, RegClass, XmmMovOp, aluRI, amBase, callInd, callSym, invertCC, jcc, jmp, jmpInd, jmpSym,
  jumpTable, load, movRR, nop, r10, ret, rbp, rsp, store, ud2, xmmLoad, xmmStore,
} from '../inst';
import {
  assignReturns, assignSignature, callClobbers, needsReturnArea, returnAreaLayout, type ArgPart,
} from '../abi/sysv';
import { condOf } from './cond';
import { buildRules, symbolName } from './rules';
import { bindMarker, collectOperands, VREG_BASE, type X64Extra, X64Lower } from './state';
import { isXmmVector } from './simd-types';
import { xmmMov } from '../inst';
import * as INSTS from '../inst';
import { GET_EXCEPTION_HANDLER_ADDRESS, TRY_CALL, TRY_CALL_INDIRECT } from '@windlass/ir';
import { lowerHandlerAddress, lowerTryCall, tryCallLanding } from './exceptions';

const raw = (r: number): number => r - VREG_BASE;
let sharedRules: RuleTable<X64Lower> | undefined;

export class X64Backend implements LowerBackend<MInst, X64Extra> {
  state!: X64Lower;
  readonly rules = (sharedRules ??= buildRules());

  constructor(private readonly makeState: (ctx: LowerCtx<MInst, X64Extra>) => X64Lower) {}

  bind(ctx: LowerCtx<MInst, X64Extra>): void {
    this.state = this.makeState(ctx);
    const sig = this.state.f.signature;
    // Created before any return is lowered (returns are lowered before the entry block's arguments).
    if (needsReturnArea(sig.returns, sig.callConv)) this.state.retAreaPtr = this.state.tmp();
    // (The incoming argument area for tail calls is planned by X64Lower's constructor.)
  }

  regsFor(t: Type): readonly RAClass[] | null {
    if (t === F32 || t === F64 || t === F16 || t === F128 || isXmmVector(t)) return FLOAT;
    if (t === I128) return PAIR;
    if (t >= 1 && t <= 4) return INT;
    return null;
  }

  collectOperands(inst: MInst, extra: X64Extra | null, sink: Parameters<LowerBackend<MInst, X64Extra>['collectOperands']>[2]): void {
    collectOperands(inst, extra, sink);
  }

  jump(label: number): MInst {
    return jmp(label);
  }

  lowerInst(ctx: LowerCtx<MInst, X64Extra>, inst: Inst): boolean {
    const L = this.state;
    const op = L.f.instOpcode[inst];
    switch (op) {
      case CALL: case CALL_INDIRECT:
        lowerCall(L, inst, false);
        return true;
      case GET_EXCEPTION_HANDLER_ADDRESS:
        lowerHandlerAddress(L, inst);
        return true;
      case TRAPZ: case TRAPNZ: {
        const c = condOf(L, L.f.arg(inst, 0), inst);
        const label = L.trapLabel(L.f.instImm0[inst]);
        const trapWhenTrue = op === TRAPNZ;
        if (c.cc2 < 0) {
          L.emit(jcc(trapWhenTrue ? c.cc : invertCC(c.cc), label));
        } else if (trapWhenTrue === !c.and) {
          // trap when (cc || cc2), or when !(cc && cc2) = (!cc || !cc2): two jumps to the trap.
          const a = trapWhenTrue ? c.cc : invertCC(c.cc);
          const b = trapWhenTrue ? (c.cc2 as CC) : invertCC(c.cc2 as CC);
          L.emit(jcc(a, label));
          L.emit(jcc(b, label));
        } else {
          // trap when (cc && cc2), or when !(cc || cc2) = (!cc && !cc2): skip unless the first holds.
          const a = trapWhenTrue ? c.cc : invertCC(c.cc);
          const b = trapWhenTrue ? (c.cc2 as CC) : invertCC(c.cc2 as CC);
          const skip = L.newLabel();
          L.emit(jcc(invertCC(a), skip));
          L.emit(jcc(b, label));
          L.emit(bindMarker(skip));
        }
        return true;
      }
    }
    void ctx;
    return this.rules.lower(L, op as never, inst);
  }

  lowerBranch(ctx: LowerCtx<MInst, X64Extra>, inst: Inst, targets: readonly number[]): boolean {
    const L = this.state;
    const f = L.f;
    switch (f.instOpcode[inst]) {
      case JUMP:
        ctx.emit(jmp(targets[0]), null, InstFlag.Branch);
        return true;
      case BRIF: {
        const c = condOf(L, f.arg(inst, 0), inst);
        if (c.cc2 < 0) L.emit(jcc(c.cc, targets[0]));
        else if (c.and) {
          L.emit(jcc(invertCC(c.cc2 as CC), targets[1]));
          L.emit(jcc(c.cc, targets[0]));
        } else {
          L.emit(jcc(c.cc, targets[0]));
          L.emit(jcc(c.cc2 as CC, targets[0]));
        }
        ctx.emit(jmp(targets[1]), null, InstFlag.Branch);
        return true;
      }
      case BR_TABLE: {
        const idx = L.gpr(f.arg(inst, 0));
        const z = L.tmp();
        L.emit(movRR(4, z, idx));
        const n = targets.length - 1;
        if (n === 0) {
          ctx.emit(jmp(targets[0]), null, InstFlag.Branch);
          return true;
        }
        L.emit(aluRI(AluOp.Cmp, 4, z, n));
        L.emit(jcc(CC.AE, targets[0]));
        // The allocator forbids defs on the terminator: the table jump (with its temporaries)
        // comes first, an empty branch marker ends the block.
        L.emit(jumpTable(z, L.tmp(), L.tmp(), targets.slice(1)));
        ctx.emit(nop(0), null, InstFlag.Branch);
        return true;
      }
      case RETURN: {
        if (L.retAreaPtr >= 0) {
          const { offsets } = returnAreaLayout(f.signature.returns);
          for (let k = 0, n = f.argCount(inst); k < n; k++) storeValue(L, f.arg(inst, k), f.signature.returns[k].type, L.retAreaPtr, offsets[k]);
          ctx.emit(ret(L.argArea.retPop), null, InstFlag.Ret);
          return true;
        }
        const rets = assignReturns(f.signature.returns, f.signature.callConv);
        const uses: number[] = [];
        for (let k = 0, n = f.argCount(inst); k < n; k++) pushParts(L, uses, f.arg(inst, k), rets[k]);
        ctx.emit(ret(L.argArea.retPop), { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
        return true;
      }
      case TRAP:
        ctx.emit(ud2(f.instImm0[inst]), null, InstFlag.Ret);
        return true;
      case RETURN_CALL: case RETURN_CALL_INDIRECT:
        lowerCall(L, inst, true);
        return true;
      case TRY_CALL: case TRY_CALL_INDIRECT:
        lowerTryCall(L, inst, targets);
        return true;
      default:
        return false;
    }
  }

  tryCallLanding(ctx: LowerCtx<MInst, X64Extra>, inst: Inst, k: number): readonly (readonly number[])[] {
    void ctx;
    return tryCallLanding(this.state, inst, k);
  }

  lowerArgs(ctx: LowerCtx<MInst, X64Extra>, params: readonly Value[]): void {
    const L = this.state;
    const sig = L.f.signature;
    const area = needsReturnArea(sig.returns, sig.callConv);
    const assign = assignSignature(sig);
    const defs: number[] = [];
    const loads: MInst[] = [];
    // Incoming stack arguments sit above the return address, the saved rbp and the growth of
    // the argument area (abi/frame.ts).
    const incoming = (p: ArgPart): Amode => amBase(rbp, 16 + L.argArea.growth + p.stackOffset);
    if (area) {
      const p = assign.params[0][0];
      if (p.reg >= 0) defs.push(L.retAreaPtr - VREG_BASE, p.reg);
      else loads.push(load(8, L.retAreaPtr, incoming(p)));
    }
    params.forEach((v, k) => {
      const parts = assign.params[area ? k + 1 : k];
      if (parts === undefined) throw new UnsupportedError('entry block parameters do not match the signature', ctx.loc());
      // The entry block is lowered last (after every block it reaches), so a parameter no
      // lowered instruction asked for is dead: it gets no vreg and its stack slot no load.
      if (!ctx.isUsed(v)) return;
      const regs = ctx.regsOf(v);
      parts.forEach((p, j) => {
        const r = regs[j];
        if (p.indirect !== undefined) {
          // Passed by reference: the address arrives in the argument's place.
          const ptr = L.tmp();
          if (p.reg >= 0) defs.push(raw(ptr), p.reg);
          else loads.push(load(8, ptr, incoming(p)));
          loads.push(xmmLoad(XmmMovOp.Movups, r + VREG_BASE, amBase(ptr, 0)));
        } else if (p.reg >= 0) defs.push(r, p.reg);
        else {
          const a = incoming(p);
          loads.push(p.isFloat ? xmmLoad(p.size === 4 ? XmmMovOp.Movss : XmmMovOp.Movsd, r + VREG_BASE, a) : load(8, r + VREG_BASE, a));
        }
      });
    });
    ctx.emit(nop(0), { fixedDefs: defs });
    for (const i of loads) ctx.emit(i);
  }
}

const INT: readonly RAClass[] = [RegClass.Int];
const FLOAT: readonly RAClass[] = [RegClass.Float];
const PAIR: readonly RAClass[] = [RegClass.Int, RegClass.Int];

function pushParts(L: X64Lower, out: number[], v: Value, parts: readonly ArgPart[] | undefined): void {
  if (parts === undefined) L.unsupported('return value count does not match the signature');
  const regs = L.ctx.regsOf(v);
  parts.forEach((p, j) => out.push(regs[j], p.reg));
}

/** A vreg may be read in only one fixed register per instruction: copy repeats. */
function dedupeFixed(L: X64Lower, pairs: number[]): number[] {
  // Few pairs (the return registers): a scan of the earlier ones instead of a Set per return.
  for (let k = 2; k < pairs.length; k += 2) {
    let dup = false;
    for (let j = 0; j < k && !dup; j += 2) dup = pairs[j] === pairs[k];
    if (dup) {
      const cls = L.ctx.vregClass(pairs[k]) as RegClass;
      const c = L.tmp(cls);
      if (cls === RegClass.Int) L.move(c, pairs[k] + VREG_BASE);
      else L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, c, pairs[k] + VREG_BASE));
      pairs[k] = raw(c);
    }
  }
  return pairs;
}

/**
 * What a try_call does with its call instruction instead of defining results: `emit` gets the
 * call, its fixed argument uses and the return-area slot (-1 when the values come in registers).
 */
export type TryCallEmit = (call: MInst, fixedUses: number[], areaSlot: number) => void;

/** Lowers a call, a tail call (`tail`), or the call of a try_call (`tryCall`: see TryCallEmit). */
export function lowerCall(L: X64Lower, inst: Inst, tail: boolean, tryCall?: TryCallEmit): void {
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
    // The callee returns straight to our caller: it writes our caller's return area, whose
    // address we received.
    if (L.retAreaPtr < 0) L.unsupported('tail call to a function returning through a return area from one that does not');
    areaPtr = L.retAreaPtr;
  } else if (area) {
    areaSlot = L.addAreaSlot(returnAreaLayout(sig.returns).size);
    areaPtr = L.tmp();
    L.emit(lea(8, areaPtr, L.slotAmode(areaSlot, 0)));
  }
  // Where stack arguments go: our outgoing area at rsp, or for a tail call the incoming
  // argument area, ending where the callee's `ret` must leave rsp (see abi/frame.ts).
  let shift = 0;
  if (tail) {
    shift = L.argArea.retPop - assign.calleePops;
    if (shift < 0 || shift + assign.stackBytes > L.argArea.size) {
      L.unsupported(`tail call from a ${f.signature.callConv} function with ${L.argArea.size} bytes of stack arguments `
        + `to a ${sig.callConv} function with ${assign.stackBytes}`);
    }
    if (assign.outgoingBytes > assign.stackBytes) L.unsupported('tail call with arguments passed by reference');
  } else L.outgoingBytes = Math.max(L.outgoingBytes, assign.outgoingBytes);
  const stackArg = (off: number): Amode => (tail ? amBase(rbp, 16 + shift + off) : amBase(rsp, off));
  const uses: number[] = [];
  const argRegs = args.map((v) => L.ctx.regsOf(v));
  if (area) argRegs.unshift([areaPtr - VREG_BASE]);
  argRegs.forEach((regs, k) => {
    const parts = assign.params[k];
    if (parts === undefined) L.unsupported('call argument count does not match the signature');
    parts.forEach((p, j) => {
      let r = regs[j];
      if (p.indirect !== undefined) {
        // Passed by reference: a copy in our outgoing area, its address in the argument's place.
        const buf = amBase(rsp, p.indirect.bufferOffset);
        L.emit(xmmStore(XmmMovOp.Movups, r + VREG_BASE, buf));
        const ptr = L.tmp();
        L.emit(lea(8, ptr, buf));
        r = raw(ptr);
      }
      if (p.reg >= 0) uses.push(r, p.reg);
      else {
        const a = stackArg(p.stackOffset);
        L.emit(p.isFloat && p.indirect === undefined
          ? xmmStore(p.size === 4 ? XmmMovOp.Movss : XmmMovOp.Movsd, r + VREG_BASE, a)
          : store(8, r + VREG_BASE, a));
      }
    });
  });
  let target: MInst;
  if (indirect) {
    const callee = L.gpr(f.arg(inst, 0));
    if (tail) {
      // r10 is neither an argument register nor restored by the epilogue.
      uses.push(raw(callee), r10);
      target = jmpInd(r10);
    } else target = callInd(callee);
  } else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('call through an undeclared function reference');
    const name = symbolName(fr.name);
    target = tail ? jmpSym(name, 0, !fr.colocated) : callSym(name, 0, !fr.colocated);
  }
  if (tail) {
    if (shift > 0) L.argArea.shift.set(target, shift);
    L.ctx.emit(target, { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
    return;
  }
  // A callee-pop callee removes its stack arguments; the frame code re-reserves them.
  if (assign.calleePops > 0) L.argArea.popped.set(target, assign.calleePops);
  if (tryCall !== undefined) {
    tryCall(target, dedupeFixed(L, uses), areaSlot);
    return;
  }
  if (area) {
    const win = f.signature.callConv === 'windows_fastcall';
    if (sig.callConv !== 'windows_fastcall') L.callsNonWindows = true;
    L.emitWith(target, { fixedUses: dedupeFixed(L, uses), clobbers: callClobbers(sig).filter((r) => !(win && r >= 22)) });
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
  // A Windows function cannot allocate xmm6-15 (not saved by its prologue yet), so they hold no values.
  const windows = f.signature.callConv === 'windows_fastcall';
  if (sig.callConv !== 'windows_fastcall') L.callsNonWindows = true;
  const clobbers = callClobbers(sig).filter((r) => !defRegs.has(r) && !(windows && r >= 22));
  L.emitWith(target, { fixedUses: dedupeFixed(L, uses), fixedDefs: defs, clobbers });
  void bytes;
}

/** Loads a call's results from its return area (`results`: the vregs of each result). */
export function loadReturnArea(L: X64Lower, sig: Signature, areaSlot: number, results: readonly (readonly number[])[]): void {
  const { offsets } = returnAreaLayout(sig.returns);
  results.forEach((regs, k) => {
    const t = sig.returns[k].type;
    const at = (extra: number): Amode => L.slotAmode(areaSlot, offsets[k] + extra);
    if (t === F128) L.emit(xmmLoad(XmmMovOp.Movups, regs[0] + VREG_BASE, at(0)));
    else if (isXmmVector(t)) L.emit(xmmLoad(vectorMovOp(t), regs[0] + VREG_BASE, at(0)));
    else if (t === F16) {
      const g = L.tmp();
      L.emit(INSTS.movzx(2, 4, g, at(0)));
      L.emit(INSTS.gprToXmm(4, regs[0] + VREG_BASE, g));
    } else if (t === F32 || t === F64) L.emit(xmmLoad(t === F32 ? XmmMovOp.Movss : XmmMovOp.Movsd, regs[0] + VREG_BASE, at(0)));
    else {
      L.emit(load(8, regs[0] + VREG_BASE, at(0)));
      if (regs.length > 1) L.emit(load(8, regs[1] + VREG_BASE, at(8)));
    }
  });
}

/**
 * The move that transfers a vector's bytes to or from its return-area slot: all 16 bytes, or
 * the low 8 or 4 (a 16-bit vector moves 4 bytes: its slot has 8).
 */
function vectorMovOp(t: Type): XmmMovOp {
  const n = bytes(t);
  return n === 16 ? XmmMovOp.Movdqu : n === 8 ? XmmMovOp.Movsd : XmmMovOp.Movss;
}

/** Stores value `v` of type `t` at [base + off] (return areas). */
function storeValue(L: X64Lower, v: Value, t: Type, base: number, off: number): void {
  const regs = L.ctx.regsOf(v);
  if (t === F128) L.emit(xmmStore(XmmMovOp.Movups, regs[0] + VREG_BASE, amBase(base, off)));
  else if (isXmmVector(t)) L.emit(xmmStore(vectorMovOp(t), regs[0] + VREG_BASE, amBase(base, off)));
  else if (t === F16) {
    const g = L.tmp();
    L.emit(INSTS.xmmToGpr(4, g, regs[0] + VREG_BASE));
    L.emit(store(2, g, amBase(base, off)));
  } else if (t === F32 || t === F64) L.emit(xmmStore(t === F32 ? XmmMovOp.Movss : XmmMovOp.Movsd, regs[0] + VREG_BASE, amBase(base, off)));
  else {
    L.emit(store(8, regs[0] + VREG_BASE, amBase(base, off)));
    if (regs.length > 1) L.emit(store(8, regs[1] + VREG_BASE, amBase(base, off + 8)));
  }
}

export { X64Lower };
