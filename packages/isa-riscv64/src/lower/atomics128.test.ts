// i128 atomics through libatomic (RV64 has no 128-bit LR/SC), compiled from CLIF and run under
// qemu: every atomic_rmw operation on values whose halves interact (carries and borrows across
// the 64-bit boundary, unsigned and signed order decided by the high or only by the low half),
// load / store / cas, and threads racing on one cell through the library calls and through the
// compare-exchange loop of min / max.
import { describe, expect, it } from 'vitest';
import { H, M64, MASK, PRELUDE, VALUES, cU128, hex, otherFunctions, rmw, rmwFunctions } from '../../../../tools/atomics128-cases';
import { ATOMIC_RMW_OPS } from '@windlass/ir';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const OTHER_FUNCTIONS = otherFunctions('Values live across the libcall (arguments) must move out of the caller-saved registers.');

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
