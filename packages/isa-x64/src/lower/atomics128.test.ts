/// <reference types="node" />
// i128 atomics (`lock cmpxchg16b`), compiled from CLIF and run natively: every atomic_rmw
// operation on values whose halves interact (carries and borrows across the 64-bit boundary,
// unsigned and signed order decided by the high or only by the low half), load / store / cas,
// and a two-thread race that only a working retry loop survives.

import { describe, expect, it } from 'vitest';
import { H, M64, MASK, PRELUDE, VALUES, cU128, hex, otherFunctions, rmw, rmwFunctions } from '../../../../tools/atomics128-cases';
import { ATOMIC_RMW_OPS, parseClif } from '@windlass/ir';
import { buildIsa, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';
import { asmFunction, canRunNative, runC } from './test-support/native';

const TARGET = 'x86_64 has_cmpxchg16b';

function compileAll(text: string, target = TARGET): Map<string, CompiledCode> {
  const isa = buildIsa(target);
  const out = new Map<string, CompiledCode>();
  for (const { func } of parseClif(text, 'atomics128.clif').functions) {
    if (func.name.kind !== 'testcase') throw new Error('testcase names only');
    out.set(func.name.name, isa.compileFunction(func, { wantListing: true }));
  }
  return out;
}

const OTHER_FUNCTIONS = otherFunctions('Values live across the loop in rcx/rdx (arguments) must move out of the fixed registers.');

const suite = canRunNative() ? describe : describe.skip;

describe('i128 atomics: lowering', () => {
  it('uses lock cmpxchg16b with rdx:rax expected, rcx:rbx replacement, and saves rbx', () => {
    const code = compileAll(rmwFunctions + OTHER_FUNCTIONS);
    for (const [name, c] of code) {
      expect(c.listing, name).toMatch(/lock cmpxchg16b OWORD PTR \[r\w+\]/);
      // rbx is callee-saved: pushed in the prologue, popped in the epilogue.
      expect(c.listing, name).toMatch(/push\s+rbx[\s\S]*pop\s+rbx/);
    }
    expect(code.get('rmw_add')!.listing).toMatch(/adc\s+rcx,/);
    expect(code.get('load')!.listing).not.toMatch(/jne/);
    expect(code.get('store')!.listing).toMatch(/jne/);
  });

  it('rejects i128 atomics without has_cmpxchg16b with a typed error', () => {
    for (const fn of ['load', 'store', 'cas']) {
      const text = OTHER_FUNCTIONS.split('\nfunction ').find((t) => t.startsWith(`%${fn}(`))!;
      expect(() => compileAll(`function ${text}`, 'x86_64'), fn).toThrow(UnsupportedError);
      expect(() => compileAll(`function ${text}`, 'x86_64'), fn).toThrow(/has_cmpxchg16b/);
    }
    expect(() => compileAll(rmwFunctions, 'x86_64')).toThrow(/has_cmpxchg16b/);
  });
});

suite('i128 atomics run natively (skipped off x86-64 Linux or without cc)', () => {
  const code = compileAll(rmwFunctions + OTHER_FUNCTIONS);
  let asm = '';
  for (const [name, c] of code) asm += asmFunction(`wl_${name}`, c);

  it('computes every atomic_rmw operation across the 64-bit halves and returns the old value', () => {
    let src = PRELUDE + asm;
    for (const op of ATOMIC_RMW_OPS) src += `u128 wl_rmw_${op}(u128 *, u128);\n`;
    src += `typedef u128 (*rmw_fn)(u128 *, u128);\nstatic const rmw_fn fns[] = { ${ATOMIC_RMW_OPS.map((o) => `wl_rmw_${o}`).join(', ')} };\n`;
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
    const lines = runC(src);
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
    let src = PRELUDE + asm;
    src += `u128 wl_load(u128 *); void wl_store(u128, u128 *); u128 wl_cas(u128 *, u128, u128); u128 wl_cas_same(u128 *, u128);
uint64_t wl_pressure(u128 *, u128, uint64_t, uint64_t, uint64_t);
int main(void) {
  cell = ${cU128(a)}; p(wl_load(&cell)); printf(" "); p(cell); printf("\\n");
  wl_store(${cU128(b)}, &cell); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(wl_cas(&cell, ${cU128(a)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(wl_cas(&cell, ${cU128(hiDiff)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(wl_cas(&cell, ${cU128(loDiff)}, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(a)}; p(wl_cas_same(&cell, ${cU128(b)})); printf(" "); p(cell); printf("\\n");
  cell = ${cU128(M64)}; uint64_t s = wl_pressure(&cell, 1, 10, 200, 3000); printf("%llu ", (unsigned long long)s); p(cell); printf("\\n");
  return 0;
}
`;
    expect(runC(src)).toEqual([
      `${hex(a)} ${hex(a)}`,
      hex(b),
      `${hex(a)} ${hex(b)}`,
      `${hex(a)} ${hex(a)}`,
      `${hex(a)} ${hex(a)}`,
      `${hex(a)} ${hex(a)}`,
      // old value 2^64 - 1: its halves add (wrapping) to 2^64 - 1 on top of 3210.
      `${(3210n + M64) & M64} ${hex(1n << 64n)}`,
    ]);
  });

  it('stays atomic when two threads race (the retry loop runs)', () => {
    const n = 100_000;
    // Adding 2^64 - 1 carries into the high half every other time; the sub thread undoes half of it.
    const k = M64;
    let src = PRELUDE + asm;
    src += `u128 wl_rmw_add(u128 *, u128); u128 wl_rmw_sub(u128 *, u128);
static void *adder(void *arg) { (void)arg; for (int i = 0; i < ${n}; i++) wl_rmw_add(&cell, ${cU128(k)}); return 0; }
static void *subber(void *arg) { (void)arg; for (int i = 0; i < ${n}; i++) wl_rmw_sub(&cell, 3); return 0; }
int main(void) {
  pthread_t t[3];
  pthread_create(&t[0], 0, adder, 0); pthread_create(&t[1], 0, adder, 0); pthread_create(&t[2], 0, subber, 0);
  for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
  p(cell); printf("\\n");
  return 0;
}
`;
    const want = (2n * BigInt(n) * k - 3n * BigInt(n)) & MASK;
    expect(runC(src, { args: ['-pthread'] })).toEqual([hex(want)]);
  });
});
