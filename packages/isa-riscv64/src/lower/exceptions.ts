// Exceptions: `try_call` / `try_call_indirect` and `get_exception_handler_address`.
//
// A try_call is its block's terminator: the call itself, with the argument uses of an ordinary
// call and no defs. Each successor has its own edge block (see `LowerBackend.tryCallLanding` in
// @windlass/codegen), whose head defines what that successor receives:
//
//   block:   ...arguments...            call f      <- terminator, clobbers (below)
//   normal:  nop [defs ret0.. in a0/fa0..]           <- fall-through (or a jump) after the call
//            j normal_target(args)
//   hN:      nop [defs exn0 = a0, exn1 = a1]         <- landing pad of handler N
//            j handler_target(args)
//
// An unwinder restores no registers, so when the table has handlers the call clobbers every
// allocatable register (callee-saved included: the prologue saves them for the function's own
// caller). A handler resumes with sp = fp - spBelowFp and fp = the frame's fp, the payload in
// a0 and a1; the call-site record (CompiledCode.callSites) carries the return offset, the
// handlers (tag or default, landing-pad offset) and spBelowFp. `context` items of the table are
// not recorded: handlers match on the tag alone, as in the interpreter.

import { type Inst, type Type } from '@windlass/ir';
import { UnsupportedError, handlerTags, tryCallTable } from '@windlass/codegen';
import { InstFlag, RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, pseudo } from '../inst/mod';
import { CALLEE_SAVED_FPRS, CALLEE_SAVED_GPRS, a0, a1, fp } from '../inst/regs';
import { ALLOCATABLE, assignReturns, callClobbers, needsReturnArea, returnAreaLayout } from '../abi/abi';
import { loadFromArea, lowerCall } from './call';
import { fromGprs } from './vector-abi';
import { type RvLower, VREG_BASE } from './state';

/** Calling conventions whose callees can unwind to a handler, with the payload in a0 and a1. */
const PAYLOAD_CONVS = new Set(['system_v', 'tail', 'preserve_all', 'fast', 'cold']);
const PAYLOAD_REGS = [a0, a1] as const;

/** `try_call` / `try_call_indirect`: `targets` are the edge-block labels (normal, then handlers). */
export function lowerTryCall(L: RvLower, inst: Inst, targets: readonly number[]): void {
  const f = L.f;
  const sig = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  const tags = handlerTags(tryCallTable(L.f, inst) ?? L.unsupported('try_call without an exception table'));
  if (targets.length !== tags.length + 1) throw new UnsupportedError(`internal: try_call with ${tags.length} handlers got ${targets.length} successors`, L.ctx.loc());
  const withHandlers = tags.length > 0;
  if (withHandlers && !PAYLOAD_CONVS.has(sig.callConv)) {
    L.unsupported(`try_call with handlers to a ${sig.callConv} callee (it cannot unwind to a handler on riscv64)`);
  }
  const usable = (r: number): boolean => !(L.isa.pinnedReg && r === 27);
  const clobbers = (withHandlers ? ALLOCATABLE : callClobbers(sig.callConv)).filter(usable);
  if (withHandlers) {
    // The function's own caller expects its callee-saved registers back: the prologue saves
    // every one the exception edge may leave changed.
    for (const r of [...CALLEE_SAVED_GPRS, ...CALLEE_SAVED_FPRS]) if (r !== fp && usable(r)) L.exceptionSaved.add(r);
    L.needsFrame = true;
  }
  lowerCall(L, inst, false, (call: MInst, fixedUses: number[], areaSlot: number) => {
    L.tryCallAreas.set(inst, areaSlot);
    const tryCall = { normal: targets[0], handlers: tags.map((tag, k) => ({ tag, label: targets[k + 1] })) };
    L.ctx.emit(call, { fixedUses, clobbers, tryCall }, InstFlag.Branch);
  });
}

/** Fresh vregs (with VREG_BASE) for a value of type `t` (two for i128 and f128). */
function freshRegs(L: RvLower, t: Type): number[] {
  const classes = L.ctx.backend.regsFor(t);
  if (classes === null) L.unsupported('try_call result of an unsupported type');
  return classes.map((c) => L.tmp(c));
}

/**
 * The head of try_call `inst`'s edge block `k`: defines the return values (k = 0) or the
 * exception payload (k >= 1) and returns their vregs by index.
 */
export function tryCallLanding(L: RvLower, inst: Inst, k: number): number[][] {
  const f = L.f;
  const sig = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  const raw = (regs: number[]): number[] => regs.map((r) => r - VREG_BASE);
  if (k === 0) {
    const results = sig.returns.map((r) => freshRegs(L, r.type));
    if (needsReturnArea(sig.returns, sig.callConv)) {
      const slot = L.tryCallAreas.get(inst);
      if (slot === undefined || slot < 0) throw new UnsupportedError('internal: try_call return area missing', L.ctx.loc());
      const { offsets } = returnAreaLayout(sig.returns);
      results.forEach((regs, j) => loadFromArea(L, sig.returns[j].type, regs, slot, offsets[j]));
      return results.map(raw);
    }
    const rets = assignReturns(sig.returns, sig.callConv);
    const defs: number[] = [];
    const vectors: (() => void)[] = [];
    results.forEach((regs, j) => {
      if (L.ctx.vregClass(regs[0] - VREG_BASE) === RegClass.Vector) {
        // A vector comes back in GPRs (the psABI's small aggregate): rebuilt after the landing.
        const ints = rets[j].map((p) => {
          const g = L.tmp();
          defs.push(g - VREG_BASE, p.reg);
          return g;
        });
        vectors.push(() => fromGprs(L, regs[0], ints));
        return;
      }
      rets[j].forEach((p, q) => defs.push(regs[q] - VREG_BASE, p.reg));
    });
    if (defs.length > 0) L.ctx.emit(pseudo(Pseudo.Nop), { fixedDefs: defs });
    for (const v of vectors) v();
    return results.map(raw);
  }
  if (!PAYLOAD_CONVS.has(sig.callConv)) return [];
  const payload = PAYLOAD_REGS.map(() => L.tmp());
  L.ctx.emit(pseudo(Pseudo.Nop), { fixedDefs: payload.flatMap((v, j) => [v - VREG_BASE, PAYLOAD_REGS[j]]) });
  return payload.map((v) => [v - VREG_BASE]);
}

/** `get_exception_handler_address block, N`: the landing pad of handler N of block's try_call. */
export function lowerHandlerAddress(L: RvLower, inst: Inst): void {
  const f = L.f;
  const block = f.instImm0[inst];
  const n = f.imm64(inst);
  if (!L.ctx.isReachable(block as never)) L.unsupported(`get_exception_handler_address of block${block}, which is unreachable`);
  if (n < 0n || n > 0xffffn) L.unsupported(`exception handler index ${n}`);
  const i = pseudo(Pseudo.LoadAddr);
  i.rd = L.out();
  i.label = L.ctx.tryCallEdgeLabel(block as never, Number(n) + 1);
  L.emit(i);
}
