// `stack_switch` under stack_switch_model=basic: suspend the current stack and resume another.
//
// A context is three words: [0] the stack pointer, [8] the frame pointer, [16] the address to
// resume at. `stack_switch store, load, payload` saves this stack's context at `store`, loads
// the one at `load` and jumps to its resume address with the payload in rdi; when some later
// stack_switch loads the saved context, execution continues after the jump with that switch's
// payload in rdi as the result. The other stack may run any code, so every register except
// rsp and rbp (restored by whoever switches back) is clobbered, callee-saved ones included.
// The payload register is rdi under every calling convention.

import { type Inst, I64, STACK_SWITCH, typeName, type Type } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  type MInst, CC, MInst as MInstClass, NO_REG, amBase, amLabel, jmpInd, lea, load, movRR, r15, rax, rbp, rcx, rdi, rsi, rsp, store, xmm,
} from '../inst';
import { SYSV_CALLEE_SAVED, SYSV_CALLER_SAVED } from '../abi/sysv';
import { PseudoOp, VREG_BASE, type X64Lower } from './state';

const raw = (r: number): number => r - VREG_BASE;

/**
 * Every GPR and xmm register the allocator may use, minus rdi (the result) and rax/rcx
 * (temporaries). A Windows function allocates no xmm6-15: its prologue saves them instead.
 */
function clobbers(pinned: boolean, windows: boolean): number[] {
  const all = new Set<number>([...SYSV_CALLER_SAVED, ...SYSV_CALLEE_SAVED, ...Array.from({ length: windows ? 6 : 16 }, (_, k) => xmm(k))]);
  for (const r of [rdi, rax, rcx]) all.delete(r);
  if (windows) for (let k = 6; k < 16; k++) all.delete(xmm(k));
  if (pinned) all.delete(r15);
  return [...all].sort((a, b) => a - b);
}
/** Indexed by pinned + 2 * windows. */
const CLOBBERS = [clobbers(false, false), clobbers(true, false), clobbers(false, true), clobbers(true, true)];

function stackSwitch(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const model = L.isaFlags.stackSwitchModel ?? 'none';
  if (model !== 'basic') {
    L.unsupported(model === 'none'
      ? 'stack_switch needs a stack switching model (set stack_switch_model=basic)'
      : `stack_switch under stack_switch_model=${model} on x86_64 (only basic is implemented)`);
  }
  const windows = f.signature.callConv === 'windows_fastcall';
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (t !== I64) L.unsupported(`stack_switch.${typeName(t)}`);
  const storeCtx = L.gpr(f.arg(inst, 0));
  const loadCtx = L.gpr(f.arg(inst, 1));
  let payload = L.gpr(f.arg(inst, 2));
  if (payload === storeCtx || payload === loadCtx) {
    // One vreg cannot sit both in rdi and in a register of the allocator's choice.
    const c = L.tmp();
    L.move(c, payload);
    payload = c;
  }
  const pinned = L.isaFlags.pinnedReg === true;
  // Whoever resumes this stack may have changed every callee-saved register: save them all
  // (under Windows also rsi, rdi and, through the prologue's xmm save area, xmm6-15).
  for (const r of SYSV_CALLEE_SAVED) if (!(pinned && r === r15)) L.exceptionSaved.add(r);
  if (windows) {
    L.exceptionSaved.add(rsi);
    L.exceptionSaved.add(rdi);
    L.callsNonWindows = true;
  }
  const p = new MInstClass(PseudoOp.StackSwitch as never, 8, 0, NO_REG, storeCtx, loadCtx, null, 0, 0, CC.O, -1, null, 0, 0, -1, null);
  L.emitWith(p, {
    fixedUses: [raw(payload), rdi],
    fixedDefs: [raw(L.out()), rdi, raw(L.tmp()), rax, raw(L.tmp()), rcx],
    clobbers: CLOBBERS[(pinned ? 1 : 0) + (windows ? 2 : 0)],
  });
  return true;
}

/**
 * Expands a StackSwitch (registers allocated). Each word of the new context is read before the
 * same word of the old one is written, so `store` and `load` may be the same context.
 */
export function expandStackSwitch(p: MInst, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const st = p.src;
  const ld = p.src2;
  const resume = label();
  put(load(8, rax, amBase(ld, 0)));
  put(store(8, rsp, amBase(st, 0)));
  put(movRR(8, rsp, rax));
  put(load(8, rax, amBase(ld, 8)));
  put(store(8, rbp, amBase(st, 8)));
  put(movRR(8, rbp, rax));
  put(load(8, rax, amBase(ld, 16)));
  put(lea(8, rcx, amLabel(resume)));
  put(store(8, rcx, amBase(st, 16)));
  put(jmpInd(rax));
  bind(resume);
}

export function lowerStackSwitchRules(r: RuleTable<X64Lower>): void {
  r.add(STACK_SWITCH, 'stack_switch (basic)', stackSwitch);
}
