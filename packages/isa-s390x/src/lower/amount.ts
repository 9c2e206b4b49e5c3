// Shift and rotate amounts: any integer type, and (as the verifier allows) a vector, whose lane
// 0 is the amount.

import { type Value, I128, isVector, laneBits, laneCount } from '@windlass/ir';
import type { S390xLower } from './state';
import { vlgv } from './mem';

/** A general register whose low bits hold the amount `v`. */
export function amountReg(L: S390xLower, v: Value): number {
  const t = L.typeOf(v);
  const r = L.reg(v);
  if (t === I128) {
    const g = L.tmp();
    L.emit(vlgv(g, r, 1, 3));
    return g;
  }
  if (isVector(t)) {
    const g = L.tmp();
    const lane0 = L.leLanes ? laneCount(t) - 1 : 0;
    L.emit(vlgv(g, r, lane0, Math.log2(laneBits(t) / 8)));
    return g;
  }
  return r;
}
