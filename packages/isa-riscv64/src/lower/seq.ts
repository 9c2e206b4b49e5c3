// Pseudo-instruction sequences with internal control flow (conditional moves, LR/SC loops,
// ...). The allocator sees each as one instruction (`Pseudo.Seq`, its kind in `imm`): inputs
// are early uses, temporaries early defs, so no register move can come between a branch and
// its target. Each kind registers its expansion, run after allocation, here.

import { CodegenError } from '@windlass/codegen';
import { type MInst, Pseudo, branch, mk, rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import type { RvEmitter } from '../inst/emit';

export const SeqKind = {
  /**
   * rd <- rs3 unless the branch in `aux & 0xffff` (a table branch op) on rs1, rs2 is taken; rd
   * keeps its (tied) value otherwise. `aux >> 16`: the register file (0 GPR, 1 FPR, 2 vector).
   */
  CondMove: 0,
  /** Atomic read-modify-write loop on a word or doubleword (lower/atomics.ts). */
  AtomicLoop: 1,
  /** Atomic read-modify-write of a byte or halfword inside its aligned word (lower/atomics.ts). */
  AtomicSubword: 2,
  /** Compare-and-swap loop (lower/atomics.ts). */
  AtomicCas: 3,
  /** Compare-and-swap of a byte or halfword (lower/atomics.ts). */
  AtomicCasSubword: 4,
  /** Switch to another stack's context (lower/stack-switch.ts). */
  StackSwitch: 5,
  /** 128-bit atomic min / max: a loop around libatomic's compare-exchange (lower/atomics128.ts). */
  AtomicMinMax128: 6,
} as const;
export type SeqKind = (typeof SeqKind)[keyof typeof SeqKind];

/** What an expansion gets: the emitter and fresh internal labels. */
export interface SeqContext {
  readonly em: RvEmitter;
  newLabel(): number;
  bind(label: number): void;
}
type Expander = (i: MInst, c: SeqContext) => void;
const EXPANDERS: Expander[] = [];

/** Registers the expansion of sequence kind `kind`. */
export function registerSeq(kind: SeqKind, fn: Expander): void {
  EXPANDERS[kind] = fn;
}

/** A sequence of kind `kind` with temporaries `temps` (vregs with VREG_BASE) after the inputs in `more`. */
export function seq(kind: SeqKind, moreInputs: readonly number[] = [], temps: readonly number[] = []): MInst {
  const i = mk(Pseudo.Seq);
  i.imm = kind;
  if (moreInputs.length + temps.length > 0) {
    i.more = [...moreInputs, ...temps];
    i.moreUses = moreInputs.length;
  }
  return i;
}

/**
 * A conditional move: rd (tied to its old value) <- src unless `skipOp` (beq, bne, ...) on
 * a, b branches over it. `file`: 0 GPR, 1 FPR, 2 vector.
 */
export function condMove(skipOp: number, a: number, b: number, rd: number, src: number, file: 0 | 1 | 2): MInst {
  const i = seq(SeqKind.CondMove);
  i.aux = skipOp | (file << 16);
  i.rs1 = a;
  i.rs2 = b;
  i.rd = rd;
  i.rs3 = src;
  return i;
}

registerSeq(SeqKind.CondMove, (i, c) => {
  const skip = c.newLabel();
  c.em.put(branch(i.aux & 0xffff, i.rs1, i.rs2, skip));
  if (i.rd !== i.rs3) {
    const file = i.aux >> 16;
    if (file === 0) c.em.put(rri(O.ADDI, i.rd, i.rs3, 0));
    else if (file === 1) c.em.put(rrr(O.FP_D.sgnj, i.rd, i.rs3, i.rs3));
    else {
      const m = mk(O.VMV1R_V);
      m.rd = i.rd;
      m.rs2 = i.rs3;
      c.em.put(m);
    }
  }
  c.bind(skip);
});

/** Expands sequence `i` (its registers allocated) into `em`. */
export function expandSeq(i: MInst, em: RvEmitter, newLabel: () => number): void {
  const fn = EXPANDERS[i.imm];
  if (fn === undefined) throw new CodegenError(`internal: unknown pseudo sequence ${i.imm}`);
  fn(i, { em, newLabel, bind: (l) => em.sink.bindLabel(l) });
}
