/// <reference types="node" />
// stack_switch (stack_switch_model=basic), run natively: C code on the main stack and a
// coroutine on a second stack trade payloads through compiled switches, with integer and float
// values live across each switch on both sides.

import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';
import { asmFunction, canRunNative, runC } from './test-support/native';

function compileAll(text: string, settings: string[]): Map<string, CompiledCode> {
  const b = settingsBuilder();
  for (const s of settings) b.apply(s);
  const isa = buildIsa('x86_64', b.finish());
  const out = new Map<string, CompiledCode>();
  for (const { func } of parseClif(text, 't.clif').functions) {
    if (func.name.kind !== 'testcase') throw new Error('testcase names only');
    out.set(func.name.name, isa.compileFunction(func, { wantListing: true }));
  }
  return out;
}

const FUNCTIONS = `
function %wl_switch(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = stack_switch v0, v1, v2
    return v3
}
function %wl_switch_win(i64, i64, i64) -> i64 windows_fastcall {
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
`;

describe('stack_switch', () => {
  it('saves every callee-saved register and records the resume address in the context', () => {
    const c = compileAll(FUNCTIONS, ['stack_switch_model=basic']).get('wl_switch')!;
    for (const r of ['rbx', 'r12', 'r13', 'r14', 'r15']) expect(c.listing).toMatch(new RegExp(`push\\s+${r}[\\s\\S]*pop\\s+${r}`));
    expect(c.listing).toMatch(/lea\s+rcx,\[rip\+0x\w+\][\s\S]*jmp\s+rax/);
  });

  it('under windows_fastcall also saves rsi, rdi and xmm6-15', () => {
    const c = compileAll(FUNCTIONS, ['stack_switch_model=basic']).get('wl_switch_win')!;
    for (const r of ['rbx', 'rsi', 'rdi', 'r12', 'r15']) expect(c.listing).toMatch(new RegExp(`push\\s+${r}[\\s\\S]*pop\\s+${r}`));
    expect(c.listing).toMatch(/movups XMMWORD PTR \[rsp[^\]]*\],xmm15[\s\S]*jmp\s+rax[\s\S]*movups xmm15,/);
  });

  it('needs stack_switch_model=basic: other models are typed errors', () => {
    expect(() => compileAll(FUNCTIONS, [])).toThrow(UnsupportedError);
    expect(() => compileAll(FUNCTIONS, [])).toThrow(/stack_switch_model=basic/);
    expect(() => compileAll(FUNCTIONS, ['stack_switch_model=update_windows_tib'])).toThrow(/update_windows_tib/);
  });

  const suite = canRunNative() ? describe : describe.skip;
  suite('natively (skipped off x86-64 Linux or without cc)', () => {
    it.each([
      ['System V', 'wl_switch', ''],
      ['windows_fastcall', 'wl_switch_win', '__attribute__((ms_abi)) '],
    ])('passes payloads between two stacks and keeps values live across the switches (main side %s)', (_conv, fn, attr) => {
      let src = `#include <stdio.h>
#include <stdint.h>
typedef struct { void *sp, *fp, *ip; } ctx_t;
static ctx_t main_ctx, co_ctx;
uint64_t wl_switch(ctx_t *, ctx_t *, uint64_t);
${attr}uint64_t wl_switch_win(ctx_t *, ctx_t *, uint64_t);
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
/* Entered by the first switch with the payload in rdi and rsp 16-byte aligned. */
__asm__(".text\\n.globl wl_entry\\nwl_entry:\\ncall co_body\\nud2\\n");
static _Alignas(16) char stack[1 << 16];
int main(void) {
  volatile uint64_t seed = 3;
  volatile double fseed = 0.5;
  uint64_t a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11, e = seed * 13, f = seed * 17;
  double x = fseed * 3, y = fseed * 5, z = fseed * 7;
  co_ctx.sp = stack + sizeof stack; co_ctx.fp = 0; co_ctx.ip = (void *)wl_entry;
  for (uint64_t i = 1; i <= 5; i++) {
    uint64_t r = ${fn}(&main_ctx, &co_ctx, i);
    a += r; b ^= r; c += r * 2; d -= r; e *= r; f += a;
    x = x * 1.5 + r; y = y * 0.5 + x; z = z + y * x;
    printf("%llu\\n", (unsigned long long)r);
  }
  printf("%d %d %llu %.17g\\n", checks, ok, (unsigned long long)(a + b + c + d + e + f), x + y + z);
  return 0;
}
`;
      for (const [name, c] of compileAll(FUNCTIONS, ['stack_switch_model=basic'])) src += asmFunction(name, c);
      // The same loop in TypeScript: what main's registers must hold at the end.
      let [a, b, c, d, e, f] = [9n, 15n, 21n, 33n, 39n, 51n];
      let [x, y, z] = [1.5, 2.5, 3.5];
      const rs: bigint[] = [];
      for (let i = 1n; i <= 5n; i++) {
        const r = 2n * i + 1n;
        rs.push(r);
        a += r; b ^= r; c += r * 2n; d -= r; e *= r; f += a;
        x = x * 1.5 + Number(r); y = y * 0.5 + x; z = z + y * x;
      }
      const sum = BigInt.asUintN(64, a + b + c + d + e + f);
      const [got, last] = [runC(src, { args: ['-O2'] }), `4 1 ${sum} `];
      expect(got.slice(0, 5)).toEqual(rs.map(String));
      expect(got[5].startsWith(last)).toBe(true);
      expect(Number(got[5].slice(last.length))).toBe(x + y + z);
    });
  });
});
