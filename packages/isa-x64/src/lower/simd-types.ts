// Which IR types the x86-64 backend keeps in one xmm register as a vector (SSE: 128 bits).

import { type Type, bytes, isDynamicVector, isVector } from '@windlass/ir';

/** A fixed 128-bit vector (i8x16 ... f64x2): one xmm register. */
export function isVec128(t: Type): boolean {
  return isVector(t) && !isDynamicVector(t) && bytes(t) === 16;
}

/**
 * A fixed 16-, 32- or 64-bit vector (i8x2, i16x2, i8x4, i32x2, f32x2, ...): it lives in the low
 * bytes of an xmm register (the bytes above are unspecified) and supports moves, loads, stores
 * and bitcasts.
 */
export function isVecSmall(t: Type): boolean {
  if (!isVector(t) || isDynamicVector(t)) return false;
  const n = bytes(t);
  return n === 2 || n === 4 || n === 8;
}

/** Any fixed vector the backend keeps in one xmm register. */
export function isXmmVector(t: Type): boolean {
  return isVec128(t) || isVecSmall(t);
}
