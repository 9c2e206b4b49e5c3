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
import { assignArgs, assignReturns, callClobbers, needsReturnArea, returnAreaLayout, RETURN_AREA_PARAM, type ArgPart } from '../abi/sysv';
import { condOf } from './cond';
import { buildRules, symbolName } from './rules';
import { bindMarker, collectOperands, VREG_BASE, type X64Extra, X64Lower } from './state';
import { isVec128 } from './simd-types';
import { xmmMov } from '../inst';
import * as INSTS from '../inst';

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
  }

  regsFor(t: Type): readonly RAClass[] | null {
    if (t === F32 || t === F64 || t === F16 || t === F128 || isVec128(t)) return FLOAT;
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
          f.instArgs(inst).forEach((v, k) => storeValue(L, v, f.signature.returns[k].type, L.retAreaPtr, offsets[k]));
          ctx.emit(ret(), null, InstFlag.Ret);
          return true;
        }
        const rets = assignReturns(f.signature.returns, f.signature.callConv);
        const uses: number[] = [];
        f.instArgs(inst).forEach((v, k) => pushParts(L, uses, v, rets[k]));
        ctx.emit(ret(), { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
        return true;
      }
      case TRAP:
        ctx.emit(ud2(f.instImm0[inst]), null, InstFlag.Ret);
        return true;
      case RETURN_CALL: case RETURN_CALL_INDIRECT:
        lowerCall(L, inst, true);
        return true;
      default:
        return false;
    }
  }

  lowerArgs(ctx: LowerCtx<MInst, X64Extra>, params: readonly Value[]): void {
    const L = this.state;
    const sig = L.f.signature;
    const area = needsReturnArea(sig.returns, sig.callConv);
    const assign = assignArgs(area ? [RETURN_AREA_PARAM, ...sig.params] : sig.params, sig.callConv);
    const defs: number[] = [];
    const loads: MInst[] = [];
    if (area) {
      const p = assign.params[0][0];
      if (p.reg >= 0) defs.push(L.retAreaPtr - VREG_BASE, p.reg);
      else loads.push(load(8, L.retAreaPtr, amBase(rbp, 16 + p.stackOffset)));
    }
    params.forEach((v, k) => {
      const parts = assign.params[area ? k + 1 : k];
      if (parts === undefined) throw new UnsupportedError('entry block parameters do not match the signature', ctx.loc());
      const regs = ctx.regsOf(v);
      parts.forEach((p, j) => {
        const r = regs[j];
        if (p.reg >= 0) defs.push(r, p.reg);
        else {
          // Incoming stack arguments sit above the return address and the saved rbp.
          const a = amBase(rbp, 16 + p.stackOffset);
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
  const seen = new Set<number>();
  for (let k = 0; k < pairs.length; k += 2) {
    if (seen.has(pairs[k])) {
      const cls = L.ctx.vregClass(pairs[k]) as RegClass;
      const c = L.tmp(cls);
      if (cls === RegClass.Int) L.move(c, pairs[k] + VREG_BASE);
      else L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, c, pairs[k] + VREG_BASE));
      pairs[k] = raw(c);
    }
    seen.add(pairs[k]);
  }
  return pairs;
}

function lowerCall(L: X64Lower, inst: Inst, tail: boolean): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('call without a signature');
  const indirect = f.instOpcode[inst] === CALL_INDIRECT || f.instOpcode[inst] === RETURN_CALL_INDIRECT;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  const area = needsReturnArea(sig.returns, sig.callConv);
  if (area && tail) L.unsupported('tail call to a function returning through a return area');
  const assign = assignArgs(area ? [RETURN_AREA_PARAM, ...sig.params] : sig.params, sig.callConv);
  let areaSlot = -1;
  let areaPtr = -1;
  if (area) {
    areaSlot = L.addAreaSlot(returnAreaLayout(sig.returns).size);
    areaPtr = L.tmp();
    L.emit(lea(8, areaPtr, L.slotAmode(areaSlot, 0)));
  }
  if (tail && assign.stackBytes > 0) L.unsupported('tail call with stack arguments');
  L.outgoingBytes = Math.max(L.outgoingBytes, assign.stackBytes);
  const uses: number[] = [];
  const argRegs = args.map((v) => L.ctx.regsOf(v));
  if (area) argRegs.unshift([areaPtr - VREG_BASE]);
  argRegs.forEach((regs, k) => {
    const parts = assign.params[k];
    if (parts === undefined) L.unsupported('call argument count does not match the signature');
    parts.forEach((p, j) => {
      if (p.reg >= 0) uses.push(regs[j], p.reg);
      else {
        const a = amBase(rsp, p.stackOffset);
        L.emit(p.isFloat ? xmmStore(p.size === 4 ? XmmMovOp.Movss : XmmMovOp.Movsd, regs[j] + VREG_BASE, a) : store(8, regs[j] + VREG_BASE, a));
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
    L.ctx.emit(target, { fixedUses: dedupeFixed(L, uses) }, InstFlag.Ret);
    return;
  }
  if (area) {
    const win = f.signature.callConv === 'windows_fastcall';
    if (sig.callConv !== 'windows_fastcall') L.callsNonWindows = true;
    L.emitWith(target, { fixedUses: dedupeFixed(L, uses), clobbers: callClobbers(sig).filter((r) => !(win && r >= 22)) });
    const { offsets } = returnAreaLayout(sig.returns);
    f.instResults(inst).forEach((v, k) => {
      const t = sig.returns[k].type;
      const regs = L.ctx.regsOf(v);
      const at = (extra: number): Amode => L.slotAmode(areaSlot, offsets[k] + extra);
      if (t === F128) L.emit(xmmLoad(XmmMovOp.Movups, regs[0] + VREG_BASE, at(0)));
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

/** Stores value `v` of type `t` at [base + off] (return areas). */
function storeValue(L: X64Lower, v: Value, t: Type, base: number, off: number): void {
  const regs = L.ctx.regsOf(v);
  if (t === F128) L.emit(xmmStore(XmmMovOp.Movups, regs[0] + VREG_BASE, amBase(base, off)));
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
