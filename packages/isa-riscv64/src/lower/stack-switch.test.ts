// stack_switch (stack_switch_model=basic) under qemu: C code on the main stack and a coroutine
// on a second stack trade payloads through compiled switches, with integer and float values
// live across each switch on both sides.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@windlass/codegen';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const FUNCTIONS = `
function %wl_switch(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = stack_switch v0, v1, v2
    return v3
}
; Values computed before the switch and used after it, in integer and float registers.
function %wl_switch_live(i64, i64, i64, f64) -> i64 {
block0(v0: i64, v1: i64, v2: i64, v4: f64):
    v10 = imul_imm v2, 3
    v11 = imul_imm v2, 5
    v12 = iadd_imm v2, 7
    v13 = fadd v4, v4
    v3 = stack_switch v0, v1, v2
    v20 = iadd v10, v11
    v21 = iadd v20, v12
    v22 = fcvt_to_sint.i64 v13
    v23 = iadd v21, v22
    v24 = imul_imm v23, 1000
    v25 = iadd v24, v3
    return v25
}
; The payload is also the context: it is copied into a0.
function %wl_switch_same(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v3 = stack_switch v0, v1, v0
    return v3
}
`;

describe('stack_switch', () => {
  it('saves every callee-saved register and records the resume address in the context', () => {
    const c = compileClif(FUNCTIONS, 'riscv64', ['stack_switch_model=basic']).get('wl_switch')!;
    for (const r of ['s1', 's2', 's11']) expect(c.listing).toMatch(new RegExp(`\\bsd\\s+${r},[\\s\\S]*\\bld\\s+${r},`));
    for (const r of ['fs0', 'fs11']) expect(c.listing).toMatch(new RegExp(`fsd\\s+${r},[\\s\\S]*fld\\s+${r},`));
    expect(c.listing).toMatch(/auipc\s+t6,[\s\S]*sd\s+t6,16\(\w+\)[\s\S]*jr\s+t5/);
  });

  it('needs stack_switch_model=basic: other models are typed errors', () => {
    expect(() => compileClif(FUNCTIONS)).toThrow(UnsupportedError);
    expect(() => compileClif(FUNCTIONS)).toThrow(/stack_switch_model=basic/);
    expect(() => compileClif(FUNCTIONS, 'riscv64', ['stack_switch_model=update_windows_tib'])).toThrow(/update_windows_tib/);
  });

  it.skipIf(!haveCross)('passes payloads between two stacks and keeps values live across the switches', () => {
    const main = `#include <stdio.h>
#include <stdint.h>
typedef struct { void *sp, *fp, *ip; } ctx_t;
static ctx_t main_ctx, co_ctx;
uint64_t wl_switch(ctx_t *, ctx_t *, uint64_t);
uint64_t wl_switch_live(ctx_t *, ctx_t *, uint64_t, double);
void wl_entry(void);
static int checks, ok = 1;
/* The coroutine: answers each payload v with 2v + 1 and checks what its live values became. */
void co_body(uint64_t v) {
  for (;;) {
    uint64_t out = v * 2 + 1;
    uint64_t r = wl_switch_live(&co_ctx, &main_ctx, out, (double)v);
    if (r / 1000 != 9 * out + 7 + 2 * v) ok = 0;
    checks++;
    v = r % 1000;
  }
}
/* Entered by the first switch with the payload in a0 and sp 16-byte aligned. */
__asm__(".text\\n.globl wl_entry\\nwl_entry:\\ncall co_body\\nunimp\\n");
static _Alignas(16) char stack[1 << 16];
int main(void) {
  volatile uint64_t seed = 3;
  volatile double fseed = 0.5;
  uint64_t a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11, e = seed * 13, f = seed * 17;
  double x = fseed * 3, y = fseed * 5, z = fseed * 7;
  co_ctx.sp = stack + sizeof stack; co_ctx.fp = 0; co_ctx.ip = (void *)wl_entry;
  for (uint64_t i = 1; i <= 5; i++) {
    uint64_t r = wl_switch(&main_ctx, &co_ctx, i);
    a += r; b ^= r; c += r * 2; d -= r; e *= r; f += a;
    x = x * 1.5 + r; y = y * 0.5 + x; z = z + y * x;
    printf("%llu\\n", (unsigned long long)r);
  }
  printf("%d %d %llu %.17g\\n", checks, ok, (unsigned long long)(a + b + c + d + e + f), x + y + z);
  return 0;
}
`;
    const r = linkAndRun(objectOf(compileClif(FUNCTIONS, 'riscv64', ['stack_switch_model=basic'])), main, 'rv64', [], ['-O2']);
    expect(r.link).toBe('');
    // The same loop in TypeScript: what main's registers must hold at the end.
    let [a, b, c, d, e, f] = [9n, 15n, 21n, 33n, 39n, 51n];
    let [x, y, z] = [1.5, 2.5, 3.5];
    const rs: bigint[] = [];
    for (let i = 1n; i <= 5n; i++) {
      const v = 2n * i + 1n;
      rs.push(v);
      a += v; b ^= v; c += v * 2n; d -= v; e *= v; f += a;
      x = x * 1.5 + Number(v); y = y * 0.5 + x; z = z + y * x;
    }
    const got = r.stdout.trim().split('\n');
    const last = `4 1 ${BigInt.asUintN(64, a + b + c + d + e + f)} `;
    expect(got.slice(0, 5)).toEqual(rs.map(String));
    expect(got[5].startsWith(last)).toBe(true);
    expect(Number(got[5].slice(last.length))).toBe(x + y + z);
  });
});
