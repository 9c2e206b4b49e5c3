// i128 atomics through libatomic (RV64 has no 128-bit LR/SC), compiled from CLIF and run under
// qemu: every atomic_rmw operation on values whose halves interact (carries and borrows across
// the 64-bit boundary, unsigned and signed order decided by the high or only by the low half),
// load / store / cas, and threads racing on one cell through the library calls and through the
// compare-exchange loop of min / max.
import { describe, expect, it } from 'vitest';
import { ATOMIC_RMW_OPS } from '@windlass/ir';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const MASK = (1n << 128n) - 1n;

const rmwFunctions = ATOMIC_RMW_OPS.map((op) => `function %rmw_${op}(i64, i128) -> i128 {
block0(v0: i64, v1: i128):
    v2 = atomic_rmw.i128 ${op} v0, v1
    return v2
}`).join('\n');

const OTHER_FUNCTIONS = `
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
; Values live across the libcall (arguments) must move out of the caller-saved registers.
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

const signed = (x: bigint): bigint => BigInt.asIntN(128, x);
/** CLIF atomic_rmw semantics on 128-bit unsigned patterns: the new memory value. */
function rmw(op: string, a: bigint, b: bigint): bigint {
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

const H = (hi: bigint, lo: bigint): bigint => (hi << 64n) | lo;
const M64 = (1n << 64n) - 1n;
/** Values whose halves interact: carries/borrows across bit 64, order decided by either half, signs. */
const VALUES = [
  0n, 1n, M64, H(1n, 0n), H(1n, M64), H(M64, 0n), H(M64, M64), H(1n << 63n, 0n), H(1n << 63n, 1n),
  H(M64 >> 1n, M64), H(0x0123456789abcdefn, 0xfedcba9876543210n), H(0xfedcba9876543210n, 0x0123456789abcdefn),
];

const hex = (x: bigint): string => x.toString(16).padStart(32, '0');
const cU128 = (x: bigint): string => `((u128)0x${(x >> 64n).toString(16)}ull << 64 | 0x${(x & M64).toString(16)}ull)`;

const PRELUDE = `#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
typedef unsigned __int128 u128;
static _Alignas(16) u128 cell;
static void p(u128 x) { printf("%016llx%016llx", (unsigned long long)(x >> 64), (unsigned long long)x); }
`;


function run(main: string): string[] {
  const r = linkAndRun(objectOf(CODE), main, 'rv64', ['-latomic', '-lpthread']);
  expect(r.link).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

const CODE = compileClif(rmwFunctions + OTHER_FUNCTIONS);

describe('i128 atomics: lowering', () => {
  it('calls libatomic: the __atomic_*_16 functions, a compare-exchange loop for min and max', () => {
    const listing = (n: string): string => CODE.get(n)!.listing!;
    expect(CODE.get('load')!.relocations.map((r) => r.target.kind === 'symbol' && r.target.name)).toContain('__atomic_load_16');
    expect(CODE.get('rmw_add')!.relocations.map((r) => r.target.kind === 'symbol' && r.target.name)).toContain('__atomic_fetch_add_16');
    expect(CODE.get('rmw_xchg')!.relocations.map((r) => r.target.kind === 'symbol' && r.target.name)).toContain('__atomic_exchange_16');
    const umin = CODE.get('rmw_umin')!.relocations.map((r) => r.target.kind === 'symbol' && r.target.name);
    expect(umin).toEqual(expect.arrayContaining(['__atomic_load_16', '__atomic_compare_exchange_16']));
    expect(listing('rmw_smax')).toMatch(/slt\s+t5,a3,a5[\s\S]*sltu\s+t5,a2,a4/);
  });
});

describe.skipIf(!haveCross)('i128 atomics run under qemu-riscv64 (with libatomic)', () => {
  it('computes every atomic_rmw operation across the 64-bit halves and returns the old value', () => {
    let src = PRELUDE;
    for (const op of ATOMIC_RMW_OPS) src += `u128 rmw_${op}(u128 *, u128);\n`;
    src += `typedef u128 (*rmw_fn)(u128 *, u128);\nstatic const rmw_fn fns[] = { ${ATOMIC_RMW_OPS.map((o) => `rmw_${o}`).join(', ')} };\n`;
    src += `static const u128 vals[] = { ${VALUES.map(cU128).join(', ')} };\n`;
    src += `int main(void) {
  for (unsigned f = 0; f < ${ATOMIC_RMW_OPS.length}; f++)
    for (unsigned i = 0; i < ${VALUES.length}; i++)
      for (unsigned j = 0; j < ${VALUES.length}; j++) {
        cell = vals[i];
        u128 old = fns[f](&cell, vals[j]);
        p(old); printf(" "); p(cell); printf("\\n");
      }
  return 0;
}
`;
    const lines = run(src);
    const bad: string[] = [];
    let k = 0;
    for (const op of ATOMIC_RMW_OPS) {
      for (const a of VALUES) {
        for (const b of VALUES) {
          const want = `${hex(a)} ${hex(rmw(op, a, b))}`;
          if (lines[k] !== want) bad.push(`${op}(${hex(a)}, ${hex(b)}): got ${lines[k]}, want ${want}`);
          k++;
        }
      }
    }
    expect(bad).toEqual([]);
    expect(k).toBe(ATOMIC_RMW_OPS.length * VALUES.length ** 2);
  });

  it('loads, stores and compare-exchanges 16 bytes, failing on a difference in either half', () => {
    const a = H(0x1111222233334444n, 0x5555666677778888n);
    const b = H(0x9999aaaabbbbccccn, 0xddddeeeeffff0000n);
    const hiDiff = a ^ (1n << 100n);
    const loDiff = a ^ 1n;
    let src = PRELUDE;
    src += `u128 load(u128 *); void store(u128, u128 *); u128 cas(u128 *, u128, u128); u128 cas_same(u128 *, u128);
uint64_t pressure(u128 *, u128, uint64_t, uint64_t, uint64_t);
int main(void) {
  cell = ${cU128(a)}; p(load(&cell)); printf(" "); p(cell); printf("\\n");
  store(${cU128(b)}, &cell); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(cas(&cell, ${cU128(a)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(cas(&cell, ${cU128(hiDiff)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(cas(&cell, ${cU128(loDiff)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(cas_same(&cell, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(M64)}; uint64_t s = pressure(&cell, 1, 10, 200, 3000); printf("%llu ", (unsigned long long)s); p(cell); printf("\\n");
  return 0;
}
`;
    expect(run(src)).toEqual([
      `${hex(a)} ${hex(a)}`,
      hex(b),
      `${hex(a)} ${hex(b)}`,
      `${hex(a)} ${hex(a)}`,
      `${hex(a)} ${hex(a)}`,
      `${hex(a)} ${hex(a)}`,
      `${(3210n + M64) & M64} ${hex(1n << 64n)}`,
    ]);
  });

  it('stays atomic when threads race, through libatomic and through the min / max loop', () => {
    const n = 20_000;
    const k = M64;
    let src = PRELUDE;
    // The fourth thread rewrites the cell with its own value (umax with 0, smin with the
    // largest signed value): any update it loses shows in the sum.
    src += `u128 rmw_add(u128 *, u128); u128 rmw_sub(u128 *, u128); u128 rmw_umax(u128 *, u128); u128 rmw_smin(u128 *, u128);
static void *adder(void *arg) { (void)arg; for (int i = 0; i < ${n}; i++) rmw_add(&cell, ${cU128(k)}); return 0; }
static void *subber(void *arg) { (void)arg; for (int i = 0; i < ${n}; i++) rmw_sub(&cell, 3); return 0; }
static void *minmax(void *arg) { (void)arg; for (int i = 0; i < ${n}; i++) { rmw_umax(&cell, 0); rmw_smin(&cell, ${cU128(MASK >> 1n)}); } return 0; }
int main(void) {
  pthread_t t[4];
  pthread_create(&t[0], 0, adder, 0); pthread_create(&t[1], 0, adder, 0); pthread_create(&t[2], 0, subber, 0); pthread_create(&t[3], 0, minmax, 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  p(cell); printf("\\n");
  return 0;
}
`;
    const want = (2n * BigInt(n) * k - 3n * BigInt(n)) & MASK;
    expect(run(src)).toEqual([hex(want)]);
  });
});
