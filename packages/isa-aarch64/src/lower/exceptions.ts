// Exceptions on AArch64: `try_call` / `try_call_indirect` and `get_exception_handler_address`.
//
// A try_call is its block's terminator: the call itself, with the argument uses of an ordinary
// call and no defs. Each successor has its own edge block (see `LowerBackend.tryCallLanding` in
// @windlass/codegen), whose head defines what that successor receives:
//
//   block:   ...arguments...            bl f        <- terminator, clobbers (below)
//   normal:  [defs ret0.. in x0/v0..]               <- after the call (or a b to it)
//            b normal_target(args)
//   hN:      [defs exn0 = x0, exn1 = x1]             <- landing pad of handler N
//            b handler_target(args)
//
// An unwinder restores no registers, so when the table has handlers the call clobbers every
// allocatable register (the prologue saves the callee-saved ones the function's own caller
// expects back). It resumes a handler with sp = fp - spBelowFp and fp = the frame's fp, the
// payload in x0 and x1; the call-site record (CompiledCode.callSites) carries the return
// offset, the handlers (tag or default, landing-pad offset) and spBelowFp. `context` items
// of the table are not recorded: handlers match on the tag alone, as in the interpreter.

import { type Inst, type Signature, type Type } from '@windlass/ir';
import { UnsupportedError, handlerTags, tryCallTable } from '@windlass/codegen';
import { InstFlag } from '@windlass/regalloc';
import { type MInst, adr, argsPseudo, vreg, xreg } from '../inst';
import { CALL_CLOBBERS, CALLEE_SAVED_GPRS, CALLEE_SAVED_VREGS, assignReturns, needsReturnArea } from '../abi/aapcs';
import { loadReturnArea, lowerCall } from './calls';
import type { A64Lower } from './state';

/** Calling conventions whose callees can unwind to a handler, with the payload in x0 and x1. */
const PAYLOAD_CONVS = new Set(['system_v', 'tail', 'preserve_all', 'winch', 'fast', 'cold']);
const PAYLOAD_REGS = [xreg(0), xreg(1)] as const;

const ALL_REGS: readonly number[] = [
  ...Array.from({ length: 16 }, (_, k) => xreg(k)), ...CALLEE_SAVED_GPRS, ...Array.from({ length: 31 }, (_, k) => vreg(k)),
];

/** `try_call` / `try_call_indirect`: `targets` are the edge-block labels (normal, then handlers). */
export function lowerTryCall(L: A64Lower, inst: Inst, targets: readonly number[]): void {
  const f = L.f;
  const sig = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  const tags = handlerTags(tryCallTable(L.f, inst) ?? L.unsupported('try_call without an exception table'));
  if (targets.length !== tags.length + 1) throw new UnsupportedError(`internal: try_call with ${tags.length} handlers got ${targets.length} successors`, L.ctx.loc());
  const withHandlers = tags.length > 0;
  if (withHandlers && !PAYLOAD_CONVS.has(sig.callConv)) {
    L.unsupported(`try_call with handlers to a ${sig.callConv} callee (it cannot unwind to a handler on aarch64)`);
  }
  const usable = (r: number): boolean => !(L.features.pinnedReg && r === xreg(21));
  const clobbers = (withHandlers ? ALL_REGS : CALL_CLOBBERS).filter(usable);
  if (withHandlers) {
    for (const r of [...CALLEE_SAVED_GPRS, ...CALLEE_SAVED_VREGS]) if (usable(r)) L.extraSaved.add(r);
    // An unwinder enters a landing pad through an indirect branch: a BTI landing pad there.
    for (const t of targets.slice(1)) L.indirectTargets.add(t);
  }
  lowerCall(L, inst, false, (call: MInst, fixedUses: number[], areaSlot: number) => {
    L.tryCallAreas.set(inst, areaSlot);
    const tryCall = { normal: targets[0], handlers: tags.map((tag, k) => ({ tag, label: targets[k + 1] })) };
    L.ctx.emit(call, { fixedUses, clobbers, tryCall }, InstFlag.Branch);
  });
}

/** Fresh vregs for a value of type `t` (two for i128). */
function freshRegs(L: A64Lower, t: Type): number[] {
  const classes = L.ctx.backend.regsFor(t);
  if (classes === null) L.unsupported('try_call result of an unsupported type');
  return classes.map((c) => L.ctx.alloc(c));
}

/**
 * The head of try_call `inst`'s edge block `k`: defines the return values (k = 0) or the
 * exception payload (k >= 1) and returns their vregs by index.
 */
export function tryCallLanding(L: A64Lower, inst: Inst, k: number): number[][] {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  if (k === 0) {
    const results = sig.returns.map((r) => freshRegs(L, r.type));
    if (needsReturnArea(sig.returns)) {
      const slot = L.tryCallAreas.get(inst);
      if (slot === undefined || slot < 0) throw new UnsupportedError('internal: try_call return area missing', L.ctx.loc());
      loadReturnArea(L, sig, slot, results);
      return results;
    }
    const rets = assignReturns(sig.returns, sig.callConv);
    const defs: number[] = [];
    results.forEach((regs, j) => rets[j].forEach((p, q) => defs.push(regs[q], p.reg)));
    if (defs.length > 0) L.ctx.emit(argsPseudo(), { fixedDefs: defs });
    return results;
  }
  if (!PAYLOAD_CONVS.has(sig.callConv)) return [];
  const payload = PAYLOAD_REGS.map(() => L.ctx.alloc(0 as never));
  L.ctx.emit(argsPseudo(), { fixedDefs: payload.flatMap((v, j) => [v, PAYLOAD_REGS[j]]) });
  return payload.map((v) => [v]);
}

/** `get_exception_handler_address block, N`: the landing pad of handler N of block's try_call. */
export function lowerHandlerAddress(L: A64Lower, inst: Inst): void {
  const f = L.f;
  const block = f.instImm0[inst];
  const n = f.imm64(inst);
  if (!L.ctx.isReachable(block as never)) L.unsupported(`get_exception_handler_address of block${block}, which is unreachable`);
  if (n < 0n || n > 0xffffn) L.unsupported(`exception handler index ${n}`);
  const label = L.ctx.tryCallEdgeLabel(block as never, Number(n) + 1);
  L.indirectTargets.add(label);
  L.emit(adr(L.out(), label));
}
