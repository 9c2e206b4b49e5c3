// Vectors across calls: the psABI passes a fixed-length vector of up to 16 bytes as a small
// aggregate, in one or two integer registers. These move its bytes between GPRs and a vector
// register (viewed as 64-bit elements), and load/store whole vectors.

import { type Type, bytes, laneCount, laneType } from '@windlass/ir';
import { RegClass } from '@windlass/regalloc';
import { type MInst, mk } from '../inst/mod';
import * as O from '../inst/ops';
import { vtype } from '../inst/vtype';
import type { RvLower } from './state';

/** A load (or store) of vector `v` of type `t` at [addr], element width = lane width (little-endian lanes). */
export function vecAccess(isStore: boolean, v: number, addr: number, t: Type): MInst {
  const sew = Math.log2(bytes(laneType(t)));
  const i = mk((isStore ? O.VSE : O.VLE)[sew]);
  i.rd = v;
  i.rs1 = addr;
  i.vt = vtype(sew, laneCount(t));
  return i;
}

/** Builds vector `vd` from the GPRs `ints` holding its bytes, low first. */
export function fromGprs(L: RvLower, vd: number, ints: readonly number[]): void {
  if (ints.length === 1) {
    const m = mk(O.VMV_S_X);
    m.rd = vd;
    m.rs1 = ints[0];
    m.vt = vtype(3, 1);
    L.emit(m);
    return;
  }
  // Both lanes = hi, then lane 0 = lo (tail-undisturbed keeps lane 1).
  const s = L.tmp(RegClass.Vector);
  const splat = mk(O.VMV_V_X);
  splat.rd = s;
  splat.rs1 = ints[1];
  splat.vt = vtype(3, 2);
  L.emit(splat);
  const m = mk(O.VMV_S_X);
  m.rd = vd;
  m.rs1 = ints[0];
  m.vt = vtype(3, 2, 0, true);
  L.emitTied(m, s);
}

/** GPRs holding the bytes of vector `v` (type `t`), `n` of them (1 for up to 8 bytes, else 2). */
export function toGprs(L: RvLower, t: Type, v: number, n: number): number[] {
  void t;
  const g0 = L.tmp();
  const x0 = mk(O.VMV_X_S);
  x0.rd = g0;
  x0.rs2 = v;
  x0.vt = vtype(3, 1);
  L.emit(x0);
  if (n === 1) return [g0];
  const hiV = L.tmp(RegClass.Vector);
  const sd = mk(O.VSLIDEDOWN.vi);
  sd.rd = hiV;
  sd.rs2 = v;
  sd.imm = 1;
  sd.vt = vtype(3, 2);
  L.emit(sd);
  const g1 = L.tmp();
  const x1 = mk(O.VMV_X_S);
  x1.rd = g1;
  x1.rs2 = hiV;
  x1.vt = vtype(3, 1);
  L.emit(x1);
  return [g0, g1];
}
