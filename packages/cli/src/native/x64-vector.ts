// 128-bit vector values in the x86_64 C driver: literals built from two 64-bit halves and
// results printed as `hi:lo` hex, both little-endian lane order (lane 0 in the low bytes).

import type { Type } from '@windlass/ir';
import type { Value } from '@windlass/interpreter';

function half(v: Uint8Array, at: number): bigint {
  let x = 0n;
  for (let k = 7; k >= 0; k--) x = (x << 8n) | BigInt(v[at + k] ?? 0);
  return x;
}

/** A C expression of type `wl_v128` holding the 16 bytes of `v`. */
export function vectorLiteral(v: Uint8Array, _t: Type): string {
  return `v128b(0x${half(v, 8).toString(16)}ull, 0x${half(v, 0).toString(16)}ull)`;
}

/** The 16 bytes of a vector printed as `hi:lo`. */
export function vectorBytes(text: string): Value {
  const [hiText, loText] = text.split(':');
  const out = new Uint8Array(16);
  let lo = BigInt(`0x${loText ?? '0'}`);
  let hi = BigInt(`0x${hiText ?? '0'}`);
  for (let k = 0; k < 8; k++) {
    out[k] = Number(lo & 0xffn);
    out[8 + k] = Number(hi & 0xffn);
    lo >>= 8n;
    hi >>= 8n;
  }
  return out;
}
