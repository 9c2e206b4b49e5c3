/// <reference types="node" />
// Calling conventions, run natively: CLIF functions compiled by Windlass become `.byte` bodies
// in top-level asm of a generated C program (relocations as `.long sym - .` / `.quad sym`),
// built with the system `cc` and run. Covers `tail` calls with stack arguments (callee-pop,
// the argument area growing and shrinking across tail calls, constant stack over 100000
// iterations) and the Windows x64 by-reference passing of vectors, checked against GCC's
// `ms_abi`. Skipped off x86-64 Linux or without `cc`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AbiParam, type Type, I128, I64, parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';
import { symbolName } from '../lower/rules';
import { r8, r9, rax, rcx, rdx } from '../inst';
import { assignArgs, assignReturns, planArgArea } from './sysv';
import { canRunNative } from '../lower/test-support/native';

const canRun = canRunNative;

function compileAll(text: string): Map<string, CompiledCode> {
  const isa = buildIsa('x86_64');
  const out = new Map<string, CompiledCode>();
  for (const { func } of parseClif(text, 't.clif').functions) out.set(symbolName(func.name), isa.compileFunction(func, { wantListing: true }));
  return out;
}

/** Every function of `text` as top-level asm `wlt_NAME`; calls to names outside the file go to C symbols of that name. */
function asmOf(text: string): string {
  const codes = compileAll(text);
  const sym = (name: string): string => (codes.has(name) ? `wlt_${name}` : name);
  let asm = '';
  for (const [name, code] of codes) {
    const lines = [`.globl wlt_${name}`, `wlt_${name}:`];
    let at = 0;
    const bytes = (end: number): void => {
      if (end > at) lines.push(`.byte ${Array.from(code.bytes.subarray(at, end)).join(',')}`);
      at = end;
    };
    for (const r of [...code.relocations].sort((a, b) => a.offset - b.offset)) {
      if (r.target.kind !== 'symbol') throw new Error(`relocation to a ${r.target.kind}`);
      bytes(r.offset);
      if (r.kind === 'X86CallPLTRel4' || r.kind === 'X86CallPCRel4' || r.kind === 'X86PCRel4') {
        lines.push(`.long ${sym(r.target.name)} + (${r.addend}) - .`);
        at += 4;
      } else if (r.kind === 'Abs8') {
        lines.push(`.quad ${sym(r.target.name)} + (${r.addend})`);
        at += 8;
      } else throw new Error(`relocation kind ${r.kind}`);
    }
    bytes(code.bytes.length);
    asm += lines.join('\n') + '\n';
  }
  return `__asm__(".pushsection .text\\n${asm.replace(/\n/g, '\\n')}.popsection\\n");\n`;
}

function runC(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wl-x64-abi-'));
  try {
    writeFileSync(join(dir, 't.c'), source);
    execFileSync('cc', ['-O0', '-no-pie', '-o', join(dir, 't'), join(dir, 't.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return execFileSync(join(dir, 't'), { encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const I64x10 = 'i64, i64, i64, i64, i64, i64, i64, i64, i64, i64';

// %walk has four stack arguments (32 bytes), %hop none: walk -> hop shrinks the argument area,
// hop -> walk (an indirect tail call) grows it back. Every entry of %walk must see the same rsp: the first one records
// it (v9), the last compares. The sum is checked too, and the arguments passed through the
// stack (6 and 7) arrive intact. %run (System V) calls the callee-pop %walk and then reads a
// stack slot and a value kept across the call: both need rsp restored after the call.
const TAIL_LOOP = `
function %walk(${I64x10}) -> i64 tail {
    fn0 = %walk(${I64x10}) -> i64 tail
    fn1 = %hop(i64, i64, i64) -> i64 tail
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: i64, v9: i64):
    v10 = get_stack_pointer.i64
    v11 = iconst.i64 0
    v12 = icmp eq v9, v11
    v13 = select v12, v10, v9
    brif v0, block2, block1

block1:
    v14 = icmp eq v13, v10
    v15 = iadd v8, v6
    v16 = iadd v15, v7
    v17 = iconst.i64 -1
    v18 = select v14, v16, v17
    return v18

block2:
    v19 = iadd_imm v0, -1
    v20 = iadd v8, v0
    v21 = band_imm v0, 1
    brif v21, block3, block4

block3:
    return_call fn0(v19, v1, v2, v3, v4, v5, v6, v7, v20, v13)

block4:
    return_call fn1(v19, v20, v13)
}

function %hop(i64, i64, i64) -> i64 tail {
    sig0 = (${I64x10}) -> i64 tail
    fn0 = colocated %walk sig0
block0(v0: i64, v1: i64, v2: i64):
    v3 = iconst.i64 0
    v4 = iconst.i64 6
    v5 = iconst.i64 7
    v6 = func_addr.i64 fn0
    return_call_indirect sig0, v6(v0, v3, v3, v3, v3, v3, v4, v5, v1, v2)
}

function %run(i64) -> i64 system_v {
    ss0 = explicit_slot 8
    fn0 = %walk(${I64x10}) -> i64 tail
block0(v0: i64):
    stack_store v0, ss0
    v1 = iconst.i64 0
    v2 = iconst.i64 6
    v3 = iconst.i64 7
    v4 = iconst.i64 1000000000000
    v5 = call fn0(v0, v1, v1, v1, v1, v1, v2, v3, v1, v1)
    v6 = stack_load.i64 ss0
    v7 = iadd v5, v6
    v8 = iadd v7, v4
    return v8
}
`;

const suite = canRun() ? describe : describe.skip;

suite('x86-64 calling conventions run natively (skipped off x86-64 Linux or without cc)', () => {
  it('runs 100000 tail calls with stack arguments in constant stack, growing and shrinking the argument area', () => {
    const src = `#include <stdio.h>
#include <stdint.h>
${asmOf(TAIL_LOOP)}
extern int64_t wlt_run(int64_t);
int main(void) {
  int64_t ns[] = { 0, 1, 2, 7, 100000 };
  for (int i = 0; i < 5; i++) printf("%lld\\n", (long long)wlt_run(ns[i]));
  return 0;
}
`;
    const want = [0, 1, 2, 7, 100000].map((n) => String(n * (n + 1) / 2 + 13 + n + 1e12));
    expect(runC(src).split('\n')).toEqual(want);
  });

  it('passes 128-bit vectors by reference under windows_fastcall, as GCC ms_abi code expects', () => {
    // Each argument position k: vectors as pointers (rcx, r8, r9, then stack slots), the i64 in rdx.
    const clif = `
function %sum(i64x2, i64, i64x2, i64x2, i64x2, i64x2) -> i64x2 windows_fastcall {
block0(v0: i64x2, v1: i64, v2: i64x2, v3: i64x2, v4: i64x2, v5: i64x2):
    v6 = splat.i64x2 v1
    v7 = iadd v0, v2
    v8 = iadd v7, v3
    v9 = iadd v8, v4
    v10 = iadd v9, v5
    v11 = iadd v10, v6
    return v11
}

function %call_c(i64x2, i64) -> i64x2 system_v {
    sig0 = (i64x2, i64, i64x2, i64x2, i64x2, i64x2) -> i64x2 windows_fastcall
    fn0 = %c_sum sig0
block0(v0: i64x2, v1: i64):
    v2 = iadd v0, v0
    v3 = iadd v2, v0
    v4 = iadd v3, v0
    v5 = call fn0(v0, v1, v2, v3, v4, v0)
    v6 = iadd v5, v0
    return v6
}
`;
    const src = `#include <stdio.h>
#include <stdint.h>
typedef long long v2di __attribute__((vector_size(16)));
${asmOf(clif)}
extern __attribute__((ms_abi)) v2di wlt_sum(v2di, long long, v2di, v2di, v2di, v2di);
extern v2di wlt_call_c(v2di, long long);
__attribute__((ms_abi)) v2di c_sum(v2di a, long long b, v2di c, v2di d, v2di e, v2di f) {
  v2di w = { 1000, 1000000 };
  return a + 2 * c + 3 * d + 4 * e + 5 * f + b + w;
}
int main(void) {
  v2di a = { 1, 2 }, c = { 10, 20 }, d = { 100, 200 }, e = { 1000, 2000 }, f = { 10000, 20000 };
  v2di r = wlt_sum(a, 5, c, d, e, f);
  printf("%lld %lld\\n", r[0], r[1]);
  v2di s = wlt_call_c(a, 7);
  printf("%lld %lld\\n", s[0], s[1]);
  return 0;
}
`;
    // call_c passes v0, 2v0, 3v0, 4v0, v0: c_sum weighs them 1, 2, 3, 4, 5 = 35 v0, plus b and w, then + v0.
    expect(runC(src).split('\n')).toEqual(['11116 22227', `${36 * 1 + 7 + 1000} ${36 * 2 + 7 + 1000000}`]);
  });
});

describe('x86-64 argument assignment', () => {
  const p = (type: Type): AbiParam => ({ type, extension: 'none', purpose: 'normal' });
  const compile = (text: string): CompiledCode => buildIsa('x86_64').compileFunction(parseClif(text, 't.clif').functions[0].func, { wantListing: true });

  it('gives tail-convention callees a 16-byte multiple of stack arguments that they pop', () => {
    const sig = parseClif(`function %f(i32, i32, i32, i32, i32, i32, i32) tail {
block0(v0: i32, v1: i32, v2: i32, v3: i32, v4: i32, v5: i32, v6: i32):
    return
}`, 't.clif').functions[0].func.signature;
    const a = assignArgs(sig.params, 'tail');
    expect(a.stackBytes).toBe(16);
    expect(a.calleePops).toBe(16);
    expect(assignArgs(sig.params, 'system_v')).toMatchObject({ stackBytes: 8, calleePops: 0 });
    const code = compile(`function %f(i32, i32, i32, i32, i32, i32, i32) -> i32 tail {
block0(v0: i32, v1: i32, v2: i32, v3: i32, v4: i32, v5: i32, v6: i32):
    return v6
}`);
    expect(code.listing).toMatch(/ret\s+0x10$/);
  });

  it('loads only the incoming stack arguments that are used, wherever the use is', () => {
    // Four System V stack arguments at rbp+0x10..0x28: v7 (rbp+0x18) is used in block1 only,
    // v29 (the second float on the stack, rbp+0x38) in block0; the other stack arguments are dead.
    const code = compile(`function %pick(${I64x10}, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64) -> i64, f64 system_v {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, v7: i64, v8: i64, v9: i64, v20: f64, v21: f64, v22: f64, v23: f64, v24: f64, v25: f64, v26: f64, v27: f64, v28: f64, v29: f64, v30: f64):
    v10 = fadd v21, v29
    brif v0, block1, block2
block1:
    v11 = iadd v7, v1
    return v11, v10
block2:
    return v0, v10
}`);
    const incoming = code.listing.split('\n').filter((l) => /\[rbp\+0x/.test(l));
    expect(incoming.map((l) => l.replace(/^\s*[0-9a-f]+:\s*/, '').replace(/^\S+\s+\w+,/, ''))).toEqual([
      'QWORD PTR [rbp+0x18]', 'QWORD PTR [rbp+0x38]',
    ]);
    // Windows passes the fifth and sixth vectors by reference through stack slots (rbp+0x30,
    // rbp+0x38): only the used one's pointer is loaded, and dereferenced.
    const win = compile(`function %sixth(i64x2, i64, i64x2, i64x2, i64x2, i64x2) -> i64x2 windows_fastcall {
block0(v0: i64x2, v1: i64, v2: i64x2, v3: i64x2, v4: i64x2, v5: i64x2):
    return v5
}`);
    expect(win.listing.split('\n').filter((l) => /\[rbp\+0x/.test(l)).map((l) => l.replace(/^\s*[0-9a-f]+:\s*/, '')))
      .toEqual([expect.stringMatching(/^mov\s+\w+,QWORD PTR \[rbp\+0x38\]$/)]);
    expect(win.listing).toMatch(/movups xmm0,XMMWORD PTR \[\w+\]/);
  });

  it('grows the incoming argument area of a function that tail-calls one with more stack arguments', () => {
    const f = parseClif(`function %f(i64) -> i64 tail {
    fn0 = %g(${I64x10}) -> i64 tail
block0(v0: i64):
    return_call fn0(v0, v0, v0, v0, v0, v0, v0, v0, v0, v0)
}`, 't.clif').functions[0].func;
    expect(planArgArea(f)).toEqual({ size: 32, growth: 32, retPop: 32 });
  });

  it('rejects tail calls the caller cannot make room for, with a typed error', () => {
    // The verifier allows tail calls only between `tail` functions; without it, the backend
    // still refuses what it cannot do. A System V caller's caller pops the arguments it
    // passed: a callee needing more stack has nowhere to put them.
    const noVerifier = buildIsa('x86_64', settingsBuilder().apply('enable_verifier=false').finish());
    expect(() => noVerifier.compileFunction(parseClif(`function %f(i64) -> i64 system_v {
    fn0 = %g(${I64x10}) -> i64 system_v
block0(v0: i64):
    return_call fn0(v0, v0, v0, v0, v0, v0, v0, v0, v0, v0)
}`, 't.clif').functions[0].func)).toThrow(UnsupportedError);
  });

  it('assigns Windows positions to i128 halves and passes f128 by reference, f16 in xmm', () => {
    const a = assignArgs([p(I128), p(I64), p(I128), p(I128)], 'windows_fastcall');
    // rcx:rdx, r8, r9 + the first stack slot, then two stack slots (above the 32-byte shadow area).
    expect(a.params.map((parts) => parts.map((q) => (q.reg >= 0 ? q.reg : `[${q.stackOffset}]`)))).toEqual([[rcx, rdx], [r8], [r9, '[32]'], ['[40]', '[48]']]);
    expect(assignReturns([p(I128)], 'windows_fastcall').map((parts) => parts.map((q) => q.reg))).toEqual([[rax, rdx]]);
    const f128 = compile(`function %second_f128(f128, f128) -> f128 windows_fastcall {
block0(v0: f128, v1: f128):
    return v1
}`);
    expect(f128.listing).toMatch(/movups xmm0,XMMWORD PTR \[rdx\]/);
    const f16 = compile(`function %second_f16(f16, f16) -> f16 windows_fastcall {
block0(v0: f16, v1: f16):
    return v1
}`);
    expect(f16.listing).toMatch(/xmm1/);
  });
});
