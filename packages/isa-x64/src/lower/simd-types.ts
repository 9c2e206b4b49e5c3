// Which IR types the x86-64 backend keeps in one xmm register as a vector (SSE: 128 bits).

import { type Type, bytes, isDynamicVector, isVector } from '@windlass/ir';

/** A fixed 128-bit vector (i8x16 ... f64x2): one xmm register. */
export function isVec128(t: Type): boolean {
  return isVector(t) && !isDynamicVector(t) && bytes(t) === 16;
}
