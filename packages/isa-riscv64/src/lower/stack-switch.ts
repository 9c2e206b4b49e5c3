// `stack_switch` under stack_switch_model=basic: suspend the current stack and resume another.
//
// A context is three doublewords, as on x86-64: [0] the stack pointer, [8] the frame pointer,
// [16] the address to resume at. `stack_switch store, load, payload` saves this stack's context
// at `store`, loads the one at `load` and jumps to its resume address with the payload in a0;
// when some later stack_switch loads the saved context, execution continues after the jump
// with that switch's payload in a0 as the result. The other stack may run any code, so every
// register except sp and fp (restored by whoever switches back) is clobbered, callee-saved ones
// included (the prologue saves those). The payload register is a0 under every convention.
//
//   ld t5, 0(load);  sd sp, 0(store);  mv sp, t5
//   ld t5, 8(load);  sd fp, 8(store);  mv fp, t5
//   ld t5, 16(load); auipc+addi t6, resume; sd t6, 16(store); jr t5
// resume:
//
// Each word of the new context is read before the same word of the old one is written, so
// `store` and `load` may be the same context. t5 and t6 are never allocated.

import { type Inst, I64, STACK_SWITCH, typeName, type Type } from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { Pseudo, bindLabel, load, mk, mv, rri, store } from '../inst/mod';
import * as O from '../inst/ops';
import { CALLEE_SAVED_FPRS, CALLEE_SAVED_GPRS, NO_REG, a0, fp, sp, t5, t6, zero } from '../inst/regs';
import { ALLOCATABLE } from '../abi/abi';
import { SeqKind, registerSeq, seq } from './seq';
import { type RvLower, VREG_BASE } from './state';

const PINNED = 27;

function stackSwitch(L: RvLower, inst: Inst): boolean {
  const f = L.f;
  const model = L.isa.stackSwitchModel;
  if (model !== 'basic') {
    L.unsupported(model === 'none'
      ? 'stack_switch needs a stack switching model (set stack_switch_model=basic)'
      : `stack_switch under stack_switch_model=${model} on riscv64 (only basic is implemented)`);
  }
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (t !== I64) L.unsupported(`stack_switch.${typeName(t)}`);
  const storeCtx = L.reg(f.arg(inst, 0));
  const loadCtx = L.reg(f.arg(inst, 1));
  let payload = L.reg(f.arg(inst, 2));
  if (payload === storeCtx || payload === loadCtx) {
    // One vreg cannot sit both in a0 and in a register of the allocator's choice.
    const c = L.tmp();
    L.move(c, payload);
    payload = c;
  }
  const pinned = L.isa.pinnedReg;
  for (const r of [...CALLEE_SAVED_GPRS, ...CALLEE_SAVED_FPRS]) if (r !== fp && !(pinned && r === PINNED)) L.exceptionSaved.add(r);
  L.needsFrame = true;
  const i = seq(SeqKind.StackSwitch);
  i.rd = NO_REG;
  i.rs1 = storeCtx;
  i.rs2 = loadCtx;
  L.emit(i, {
    fixedUses: [payload - VREG_BASE, a0],
    fixedDefs: [L.out() - VREG_BASE, a0],
    clobbers: ALLOCATABLE.filter((r) => r !== a0 && !(pinned && r === PINNED)),
  });
  return true;
}

registerSeq(SeqKind.StackSwitch, (i, c) => {
  const { em } = c;
  const st = i.rs1;
  const ld = i.rs2;
  const resume = c.newLabel();
  em.put(load(O.LD, t5, ld, 0));
  em.put(store(O.SD, sp, st, 0));
  em.put(mv(sp, t5));
  em.put(load(O.LD, t5, ld, 8));
  em.put(store(O.SD, fp, st, 8));
  em.put(mv(fp, t5));
  em.put(load(O.LD, t5, ld, 16));
  const la = mk(Pseudo.LoadAddr);
  la.rd = t6;
  la.label = resume;
  em.put(la);
  em.put(store(O.SD, t6, st, 16));
  em.put(rri(O.JALR_, zero, t5, 0));
  // Whatever ran on the other stack left the vector configuration unknown.
  em.put(bindLabel(resume));
});

export function lowerStackSwitchRules(r: RuleTable<RvLower>): void {
  r.add(STACK_SWITCH, 'stack_switch (basic)', stackSwitch);
}
