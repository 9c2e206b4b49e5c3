// The i128 atomics test data the ISA packages share: the CLIF functions (every atomic_rmw
// operation, load, store, cas, a register-pressure case), CLIF's atomic_rmw semantics on 128-bit
// patterns, values whose 64-bit halves interact, and the C helpers of the driver programs. Each
// package's `atomics128.test.ts` compiles the functions for its ISA and checks what runs.
import { ATOMIC_RMW_OPS } from '@windlass/ir';

export const MASK = (1n << 128n) - 1n;
export const M64 = (1n << 64n) - 1n;
export const H = (hi: bigint, lo: bigint): bigint => (hi << 64n) | lo;

/** `%rmw_<op>(i64, i128) -> i128` for every atomic_rmw operation. */
export const rmwFunctions = ATOMIC_RMW_OPS.map((op) => `function %rmw_${op}(i64, i128) -> i128 {
block0(v0: i64, v1: i128):
    v2 = atomic_rmw.i128 ${op} v0, v1
    return v2
}`).join('\n');

/** `%load`, `%store`, `%cas`, `%pressure` (with the ISA's reason as its comment) and `%cas_same`. */
export function otherFunctions(pressureNote: string): string {
  return `
function %load(i64) -> i128 {
block0(v0: i64):
    v1 = atomic_load.i128 v0
    return v1
}
function %store(i128, i64) {
block0(v0: i128, v1: i64):
    atomic_store.i128 v0, v1
    return
}
function %cas(i64, i128, i128) -> i128 {
block0(v0: i64, v1: i128, v2: i128):
    v3 = atomic_cas.i128 v0, v1, v2
    return v3
}
; ${pressureNote}
function %pressure(i64, i128, i64, i64, i64) -> i64 {
block0(v0: i64, v1: i128, v2: i64, v3: i64, v4: i64):
    v5 = atomic_rmw.i128 add v0, v1
    v6, v7 = isplit v5
    v8 = iadd v2, v3
    v9 = iadd v8, v4
    v10 = iadd v9, v6
    v11 = iadd v10, v7
    return v11
}
; The same value as expected and replacement, and as both operands of a compare-exchange.
function %cas_same(i64, i128) -> i128 {
block0(v0: i64, v1: i128):
    v2 = atomic_cas.i128 v0, v1, v1
    return v2
}
`;
}

const signed = (x: bigint): bigint => BigInt.asIntN(128, x);
/** CLIF atomic_rmw semantics on 128-bit unsigned patterns: the new memory value. */
export function rmw(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case 'add': return (a + b) & MASK;
    case 'sub': return (a - b) & MASK;
    case 'and': return a & b;
    case 'nand': return ~(a & b) & MASK;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'xchg': return b;
    case 'umin': return a < b ? a : b;
    case 'umax': return a > b ? a : b;
    case 'smin': return signed(a) < signed(b) ? a : b;
    case 'smax': return signed(a) > signed(b) ? a : b;
  }
  throw new Error(op);
}

/** Values whose halves interact: carries/borrows across bit 64, order decided by either half, signs. */
export const VALUES = [
  0n, 1n, M64, H(1n, 0n), H(1n, M64), H(M64, 0n), H(M64, M64), H(1n << 63n, 0n), H(1n << 63n, 1n),
  H(M64 >> 1n, M64), H(0x0123456789abcdefn, 0xfedcba9876543210n), H(0xfedcba9876543210n, 0x0123456789abcdefn),
];

/** A 128-bit pattern as the 32 hex digits the driver prints. */
export const hex = (x: bigint): string => x.toString(16).padStart(32, '0');
/** A 128-bit pattern as a C `u128` expression. */
export const cU128 = (x: bigint): string => `((u128)0x${(x >> 64n).toString(16)}ull << 64 | 0x${(x & M64).toString(16)}ull)`;

/** The driver's C prelude: `u128`, the shared 16-byte-aligned `cell`, `p(x)` printing a pattern. */
export const PRELUDE = `#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
typedef unsigned __int128 u128;
static _Alignas(16) u128 cell;
static void p(u128 x) { printf("%016llx%016llx", (unsigned long long)(x >> 64), (unsigned long long)x); }
`;
