// Exceptions: `try_call` / `try_call_indirect` and `get_exception_handler_address`.
//
// A try_call is its block's terminator: the call with the argument uses of an ordinary call and
// no defs. Each successor has its own edge block, whose head defines what the successor
// receives (see `LowerBackend.tryCallLanding` in @windlass/codegen): the return values in their
// registers (normal return) or the exception payload in %r2 and %r3 (a handler's landing pad).
// An unwinder restores no register, so a call with handlers clobbers every allocatable register
// and the prologue saves every callee-saved one. An unwinder finds the frames through the back
// chain (0(%r15) is the caller's %r15, the caller's return address is at 112 of the caller's
// %r15); it resumes a handler with %r15 = the frame's %r15 (spBelowFp = 0: the "frame pointer"
// of an s390x call site is its stack pointer) and the payload in %r2 and %r3.

import { type Inst, type Signature, type Type, Format, OPCODES } from '@windlass/ir';
import { UnsupportedError, handlerTags, tryCallTable } from '@windlass/codegen';
import { InstFlag } from '@windlass/regalloc';
import { type MInst, Pseudo, pseudo, inst as mk } from '../inst/mod';
import { V_SCRATCH, VREG_BASE, r2, r3, vr } from '../inst/regs';
import { assignSignature } from '../abi/abi';
import { emitCall, type CallTarget, loadOf } from './calls';
import type { S390xLower } from './state';
import { symbolName } from './symbols';

const PAYLOAD_REGS = [r2, r3] as const;
/** Every allocatable register: %r2..%r14, %v0..%v31 but %v7. */
const ALL_REGS: readonly number[] = [
  2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, ...Array.from({ length: 32 }, (_, k) => vr(k)).filter((p) => p !== V_SCRATCH),
];

/** `try_call` / `try_call_indirect`: `targets` are the edge-block labels (normal, then handlers). */
export function lowerTryCall(L: S390xLower, inst: Inst, targets: readonly number[]): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  const tags = handlerTags(tryCallTable(L.f, inst) ?? L.unsupported('try_call without an exception table'));
  if (targets.length !== tags.length + 1) throw new UnsupportedError(`internal: try_call with ${tags.length} handlers got ${targets.length} successors`, L.ctx.loc());
  const indirect = OPCODES[f.instOpcode[inst]].format === Format.TryCallIndirect;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  let target: CallTarget;
  if (indirect) target = { reg: L.reg(f.arg(inst, 0)) };
  else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('try_call through an undeclared function reference');
    target = { sym: symbolName(fr.name), colocated: fr.colocated };
  }
  const withHandlers = tags.length > 0;
  if (withHandlers) L.savesAllCalleeSaved = true;
  emitCall(L, sig, target, args.map((v) => L.reg(v)), [], false, (call: MInst, fixedUses: number[], areaSlot: number) => {
    L.tryCallAreas.set(inst, areaSlot);
    const clobbers = withHandlers ? ALL_REGS : (L.lastCallClobbers ?? ALL_REGS);
    const tryCall = { normal: targets[0], handlers: tags.map((tag, k) => ({ tag, label: targets[k + 1] })) };
    L.ctx.emit(call, { fixedUses, clobbers, tryCall }, InstFlag.Branch);
  });
}

/** A fresh vreg for a value of type `t`. */
function fresh(L: S390xLower, t: Type): number {
  const classes = L.ctx.backend.regsFor(t);
  if (classes === null) L.unsupported('a try_call result of an unsupported type');
  return L.ctx.alloc(classes[0]);
}

/**
 * The head of try_call `inst`'s edge block `k`: defines the return values (k = 0) or the
 * exception payload (k >= 1) and returns their vregs by index.
 */
export function tryCallLanding(L: S390xLower, inst: Inst, k: number): number[][] {
  const sig = L.f.callSignature(inst);
  if (sig === undefined) L.unsupported('try_call without a signature');
  if (k === 0) {
    const results = sig.returns.map((r) => fresh(L, r.type));
    const a = assignSignature(sig);
    if (a.retArea) {
      const slot = L.tryCallAreas.get(inst);
      if (slot === undefined || slot < 0) throw new UnsupportedError('internal: try_call return area missing', L.ctx.loc());
      results.forEach((v, j) => L.emit(L.slotMem(loadOf(sig.returns[j].type, v + VREG_BASE), slot, a.retOffsets[j])));
      return results.map((v) => [v]);
    }
    const defs: number[] = [];
    results.forEach((v, j) => defs.push(v, a.returns[j].reg));
    if (defs.length > 0) L.ctx.emit(pseudo(Pseudo.Args), { fixedDefs: defs });
    return results.map((v) => [v]);
  }
  const payload = PAYLOAD_REGS.map(() => L.ctx.alloc(0));
  L.ctx.emit(pseudo(Pseudo.Args), { fixedDefs: payload.flatMap((v, j) => [v, PAYLOAD_REGS[j]]) });
  return payload.map((v) => [v]);
}

/** `get_exception_handler_address block, N`: the landing pad of handler N of block's try_call. */
export function lowerHandlerAddress(L: S390xLower, inst: Inst): void {
  const f = L.f;
  const block = f.instImm0[inst];
  const n = f.imm64(inst);
  if (!L.ctx.isReachable(block as never)) L.unsupported(`get_exception_handler_address of block${block}, which is unreachable`);
  if (n < 0n || n > 0xffffn) L.unsupported(`exception handler index ${n}`);
  const i = mk('larl');
  i.r1 = L.out();
  i.label = L.ctx.tryCallEdgeLabel(block as never, Number(n) + 1);
  L.emit(i);
}
