// Exceptions on x86-64: `try_call` / `try_call_indirect` and `get_exception_handler_address`.
//
// A try_call is its block's terminator: the call instruction itself, with the argument uses of
// an ordinary call and no defs. Each successor has its own edge block (see `LowerBackend.
// tryCallLanding` in @windlass/codegen), whose head defines what that successor receives:
//
//   block:   ...arguments...            call f        <- terminator, clobbers (below)
//   normal:  nop [defs ret0.. in rax/xmm0..]           <- fall-through (or a jmp) after the call
//            jmp normal_target(args)
//   hN:      nop [defs exn0 = rax, exn1 = rdx]          <- landing pad of handler N
//            jmp handler_target(args)
//
// So no register move the allocator inserts can sit between the call and either continuation.
// An unwinder does not restore registers, so when the table has handlers the call clobbers
// every allocatable register (callee-saved included: the prologue saves those the function's
// own caller expects back). It resumes a handler with rsp = rbp - spBelowFp and rbp = the
// frame's rbp, the payload in rax and rdx; the call-site record (CompiledCode.callSites)
// carries the return offset, the handlers (tag or default, landing-pad offset) and spBelowFp.
// `context` items of the table are not recorded: handlers match on the tag alone, as in the
// interpreter.

import { type Inst, type Signature, type Type } from '@windlass/ir';
import { UnsupportedError, handlerTags, tryCallTable } from '@windlass/codegen';
import { InstFlag } from '@windlass/regalloc';
import {
  type MInst, RegClass, amLabel, lea, nop, r8, r9, r10, r11, r12, r13, r14, r15, rax, rbx, rcx, rdi, rdx, rsi, xmm,
} from '../inst';
import { assignReturns, callClobbers, calleeSaved, needsReturnArea } from '../abi/sysv';
import { loadReturnArea, lowerCall } from './backend';
import type { X64Lower } from './state';

/** Calling conventions whose callees can unwind to a handler, with the payload in rax and rdx. */
const PAYLOAD_CONVS = new Set(['system_v', 'tail', 'preserve_all', 'winch']);
const PAYLOAD_REGS = [rax, rdx] as const;

const ALL_GPRS: readonly number[] = [rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15];
const ALL_XMMS: readonly number[] = Array.from({ length: 16 }, (_, k) => xmm(k));

/**
 * Registers a call overwrites on some path out of it. With handlers: all of them (the exception
 * edge arrives with whatever the unwound frames left), except what the function may not use.
 */
function tryCallClobbers(L: X64Lower, sig: Signature, withHandlers: boolean): number[] {
  const windows = L.f.signature.callConv === 'windows_fastcall';
  // A Windows function does not allocate xmm6-15, so they are no registers of its environment.
  const usable = (r: number): boolean => !(windows && r >= xmm(6)) && !(L.isaFlags.pinnedReg === true && r === r15);
  if (!withHandlers) return callClobbers(sig).filter(usable);
  return [...ALL_GPRS, ...ALL_XMMS].filter(usable);
}

/** `try_call` / `try_call_indirect`: `targets` are the edge-block labels (normal, then handlers). */
export function lowerTryCall(L: X64Lower, inst: Inst, targets: readonly number[]): void {
  const f = L.f;
  const sig = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  const tags = handlerTags(tryCallTable(L.f, inst) ?? L.unsupported('try_call without an exception table'));
  if (targets.length !== tags.length + 1) throw new UnsupportedError(`internal: try_call with ${tags.length} handlers got ${targets.length} successors`, L.ctx.loc());
  const withHandlers = tags.length > 0;
  if (withHandlers && !PAYLOAD_CONVS.has(sig.callConv)) {
    L.unsupported(`try_call with handlers to a ${sig.callConv} callee (it cannot unwind to a handler on x86_64)`);
  }
  const clobbers = tryCallClobbers(L, sig, withHandlers);
  if (withHandlers) {
    // The function's own caller expects its callee-saved registers back: save every one the
    // exception edge may leave changed, and (Windows) xmm6-15 too.
    for (const r of calleeSaved(f.signature.callConv)) if (clobbers.includes(r)) L.exceptionSaved.add(r);
    L.callsNonWindows = true;
  } else if (sig.callConv !== 'windows_fastcall') L.callsNonWindows = true;
  lowerCall(L, inst, false, (call: MInst, fixedUses: number[], areaSlot: number) => {
    L.tryCallAreas.set(inst, areaSlot);
    const tryCall = { normal: targets[0], handlers: tags.map((tag, k) => ({ tag, label: targets[k + 1] })) };
    L.ctx.emit(call, { fixedUses, clobbers, tryCall }, InstFlag.Branch);
  });
}

/** Fresh vregs for a value of type `t` (two for i128). */
function freshRegs(L: X64Lower, t: Type): number[] {
  const classes = L.ctx.backend.regsFor(t);
  if (classes === null) L.unsupported(`try_call result of an unsupported type`);
  return classes.map((c) => L.ctx.alloc(c));
}

/**
 * The head of try_call `inst`'s edge block `k`: defines the return values (k = 0) or the
 * exception payload (k >= 1) and returns their vregs by index.
 */
export function tryCallLanding(L: X64Lower, inst: Inst, k: number): number[][] {
  const f = L.f;
  const sig = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  if (k === 0) {
    const results = sig.returns.map((r) => freshRegs(L, r.type));
    if (needsReturnArea(sig.returns, sig.callConv)) {
      const slot = L.tryCallAreas.get(inst);
      if (slot === undefined || slot < 0) throw new UnsupportedError('internal: try_call return area missing', L.ctx.loc());
      loadReturnArea(L, sig, slot, results);
      return results;
    }
    const rets = assignReturns(sig.returns, sig.callConv);
    const defs: number[] = [];
    results.forEach((regs, j) => rets[j].forEach((p, q) => defs.push(regs[q], p.reg)));
    if (defs.length > 0) L.ctx.emit(nop(0), { fixedDefs: defs });
    return results;
  }
  if (!PAYLOAD_CONVS.has(sig.callConv)) return [];
  const payload = PAYLOAD_REGS.map(() => L.ctx.alloc(RegClass.Int));
  L.ctx.emit(nop(0), { fixedDefs: payload.flatMap((v, j) => [v, PAYLOAD_REGS[j]]) });
  return payload.map((v) => [v]);
}

/** `get_exception_handler_address block, N`: the landing pad of handler N of block's try_call. */
export function lowerHandlerAddress(L: X64Lower, inst: Inst): void {
  const f = L.f;
  const block = f.instImm0[inst];
  const n = f.imm64(inst);
  if (!L.ctx.isReachable(block as never)) L.unsupported(`get_exception_handler_address of block${block}, which is unreachable`);
  if (n < 0n || n > 0xffffn) L.unsupported(`exception handler index ${n}`);
  const label = L.ctx.tryCallEdgeLabel(block as never, Number(n) + 1);
  L.emit(lea(8, L.out(), amLabel(label, 0)));
}
