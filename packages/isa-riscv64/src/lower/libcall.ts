// Calls of runtime routines (libgcc's `__divti3`, libm's `fma`, ...) under the LP64D convention:
// integer arguments in a0.., float arguments in fa0.., results in a0/a1 or fa0/fa1.

import { Pseudo, pseudo } from '../inst/mod';
import { ARG_FPRS, ARG_GPRS, a0, a1, fa0, fa1 } from '../inst/regs';
import { CALLER_SAVED } from '../abi/abi';
import { type RvLower, VREG_BASE } from './state';

export interface LibcallResults {
  /** Registers (with VREG_BASE) receiving a0, a1 (in that order). */
  readonly ints?: readonly number[];
  /** Registers receiving fa0, fa1. */
  readonly floats?: readonly number[];
}

/** Calls `name` with `ints` in a0.. and `floats` in fa0.. (registers with VREG_BASE). */
export function libcall(L: RvLower, name: string, ints: readonly number[], floats: readonly number[], res: LibcallResults): void {
  const uses: number[] = [];
  ints.forEach((r, k) => uses.push(r, ARG_GPRS[k]));
  floats.forEach((r, k) => uses.push(r, ARG_FPRS[k]));
  const defs: number[] = [];
  const defined = new Set<number>();
  (res.ints ?? []).forEach((r, k) => {
    defs.push(r - VREG_BASE, [a0, a1][k]);
    defined.add([a0, a1][k]);
  });
  (res.floats ?? []).forEach((r, k) => {
    defs.push(r - VREG_BASE, [fa0, fa1][k]);
    defined.add([fa0, fa1][k]);
  });
  const call = pseudo(Pseudo.Call);
  call.sym = name;
  L.hasCalls = true;
  L.emit(call, { fixedUses: L.fixedPairs(uses), fixedDefs: defs, clobbers: CALLER_SAVED.filter((r) => !defined.has(r)) });
}
