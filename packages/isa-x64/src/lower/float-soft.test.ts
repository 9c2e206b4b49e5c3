/// <reference types="node" />
// f16 and f128 lowering (lower/float-soft.ts). The arithmetic, compares and non-trapping
// conversions are checked natively against the interpreter by the runtest files beside this
// one (`npx windlass test --jobs 1 packages/isa-x64/src/lower/*.clif`); this suite covers what a
// runtest cannot express: the trapping conversions (which trap code, where), the libcalls named,
// and libcalls from a windows_fastcall function (xmm6-15 saved around System V callees).

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, type CompiledCode } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '../index';
import { canRunNative, runC } from './test-support/native';

const FMT: Record<string, [number, number]> = { f16: [5, 10], f32: [8, 23], f64: [11, 52], f128: [15, 112] };
const C_TYPE: Record<string, string> = {
  f16: '_Float16', f32: 'float', f64: 'double', f128: '__float128',
  i8: 'int8_t', i16: 'int16_t', i32: 'int32_t', i64: 'int64_t', i128: '__int128',
};

/** The bit pattern of sign * 2^e in float type t (normal range). */
function pow2Bits(t: string, e: number, neg = false): bigint {
  const [eb, mb] = FMT[t];
  const bias = (1 << (eb - 1)) - 1;
  return ((neg ? 1n : 0n) << BigInt(eb + mb)) | (BigInt(e + bias) << BigInt(mb));
}
/** Truncated value of a float bit pattern: 'nan', 'inf' or a bigint. */
function truncOf(t: string, bits: bigint): bigint | 'nan' | 'inf' {
  const [eb, mb] = FMT[t];
  const neg = (bits >> BigInt(eb + mb)) & 1n;
  const e = Number((bits >> BigInt(mb)) & ((1n << BigInt(eb)) - 1n));
  const m = bits & ((1n << BigInt(mb)) - 1n);
  if (e === (1 << eb) - 1) return m === 0n ? 'inf' : 'nan';
  const sig = e === 0 ? m : m | (1n << BigInt(mb));
  const sh = (e === 0 ? 1 : e) - ((1 << (eb - 1)) - 1) - mb;
  const mag = sh >= 0 ? sig << BigInt(sh) : sig >> BigInt(-sh);
  return neg ? -mag : mag;
}
/** Inputs around every bound of a conversion to a `bits`-wide integer. */
function inputs(t: string, bits: number): bigint[] {
  const [eb, mb] = FMT[t];
  const top = BigInt(eb + mb);
  const inf = ((1n << BigInt(eb)) - 1n) << BigInt(mb);
  const out = [0n, 1n << top, inf, inf | (1n << top), inf | (1n << BigInt(mb - 1)), pow2Bits(t, 0) | 1n, pow2Bits(t, 0, true) | 1n];
  for (const e of [bits - 1, bits]) {
    if (e + ((1 << (eb - 1)) - 1) >= (1 << eb) - 1) continue;
    for (const neg of [false, true]) {
      const p = pow2Bits(t, e, neg);
      out.push(p, p - 1n, p + 1n);
    }
  }
  return out;
}

function hexOf(t: string, b: bigint): string {
  return `0x${b.toString(16)}`;
}

interface Case { name: string; from: string; to: string; signed: boolean }

const CASES: Case[] = [];
for (const [from, to] of [['f16', 'i8'], ['f16', 'i32'], ['f16', 'i128'], ['f128', 'i8'], ['f128', 'i32'], ['f128', 'i64'], ['f128', 'i128'], ['f32', 'i128'], ['f64', 'i128']]) {
  for (const signed of [true, false]) CASES.push({ name: `cvt_${signed ? 's' : 'u'}_${from}_${to}`, from, to, signed });
}

function compile(src: string, target = 'x86_64'): CompiledCode {
  return buildIsa(target).compileFunction(parseClif(src).functions[0].func, { wantListing: true });
}
function convSource(c: Case): string {
  return `function %${c.name}(${c.from}) -> ${c.to} {\nblock0(v0: ${c.from}):\n  v1 = fcvt_to_${c.signed ? 'sint' : 'uint'}.${c.to} v0\n  return v1\n}`;
}

/** A C program calling each case on each input and printing the result or the trap's offset. */
function cProgram(cases: readonly { c: Case; inputs: bigint[] }[]): string {
  const lines = [
    '#define _GNU_SOURCE',
    '#include <stdio.h>', '#include <stdint.h>', '#include <string.h>', '#include <signal.h>', '#include <setjmp.h>', '#include <ucontext.h>',
    'static sigjmp_buf env; static volatile uintptr_t trap_pc;',
    'static void on_ill(int s, siginfo_t *i, void *u) { (void)s; (void)i; trap_pc = (uintptr_t)((ucontext_t *)u)->uc_mcontext.gregs[REG_RIP]; siglongjmp(env, 1); }',
    'static void pr(unsigned __int128 v) { printf("%016llx%016llx\\n", (unsigned long long)(v >> 64), (unsigned long long)v); }',
  ];
  const ret = (c: Case): string => (c.signed ? C_TYPE[c.to] : c.to === 'i128' ? 'unsigned __int128' : `u${C_TYPE[c.to]}`);
  for (const { c } of cases) lines.push(`${ret(c)} wl_${c.name}(${C_TYPE[c.from]});`);
  lines.push('int main(void) {', '  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = on_ill; sa.sa_flags = SA_SIGINFO | SA_NODEFER; sigaction(SIGILL, &sa, 0);');
  for (const { c, inputs: xs } of cases) {
    const bytes = FMT[c.from][0] + FMT[c.from][1] + 1;
    for (const x of xs) {
      const lo = BigInt.asUintN(64, x);
      const hi = x >> 64n;
      lines.push(`  { uint64_t b[2] = { ${hexOf(c.from, lo)}ULL, ${hexOf(c.from, hi)}ULL }; ${C_TYPE[c.from]} a; memcpy(&a, b, ${bytes / 8});`);
      lines.push(`    if (sigsetjmp(env, 1) == 0) { ${ret(c)} r = wl_${c.name}(a); pr((unsigned __int128)(__int128)r); }`);
      lines.push(`    else printf("trap %ld\\n", (long)(trap_pc - (uintptr_t)wl_${c.name})); }`);
    }
  }
  lines.push('  return 0;', '}');
  return lines.join('\n');
}

describe('f16/f128 lowering', () => {
  it('calls libgcc for f128 arithmetic and compares, and widens f16 inline', () => {
    const add = compile('function %f(f128, f128) -> f128 {\nblock0(v0: f128, v1: f128):\n  v2 = fadd v0, v1\n  return v2\n}');
    expect(add.relocations.map((r) => r.target)).toEqual([{ kind: 'symbol', name: '__addtf3' }]);
    const lt = compile('function %f(f128, f128) -> i8 {\nblock0(v0: f128, v1: f128):\n  v2 = fcmp ult v0, v1\n  return v2\n}');
    expect(lt.relocations.map((r) => r.target)).toEqual([{ kind: 'symbol', name: '__getf2' }]);
    const h = compile('function %f(f16, f16) -> i8 {\nblock0(v0: f16, v1: f16):\n  v2 = fcmp lt v0, v1\n  return v2\n}');
    expect(h.relocations).toEqual([]);
    expect(h.listing).toMatch(/ucomiss/);
    const m = compile('function %f(f16, f16) -> f16 {\nblock0(v0: f16, v1: f16):\n  v2 = fmul v0, v1\n  return v2\n}');
    expect(m.relocations.map((r) => r.target)).toEqual([{ kind: 'symbol', name: '__truncsfhf2' }]);
  });

  it('compiles every function of the soft-*.clif runtests for each of their targets', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir).filter((n) => /^soft-.*\.clif$/.test(n));
    expect(files.length).toBeGreaterThanOrEqual(6);
    let n = 0;
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      const targets = [...text.matchAll(/^target (.*)$/gm)].map((m) => m[1]);
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        const isa = buildIsa(target);
        for (const { func } of parseClif(text).functions) {
          expect(isa.compileFunction(func).bytes.length).toBeGreaterThan(0);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it('records the bad_toint and int_ovf trap sites of checked conversions', () => {
    const c = compile(convSource({ name: 'c', from: 'f128', to: 'i64', signed: true }));
    expect(new Set(c.traps.map((t) => t.code))).toEqual(new Set([251, 253]));
  });

  const suite = canRunNative() ? describe : describe.skip;
  suite('natively (skipped off x86-64 Linux or without cc)', () => {
    it('traps exactly on NaN (bad_toint) and outside the integer range (int_ovf), else truncates', () => {
      const m = new ObjectModule({ target: 'x86_64', name: 'softconv' });
      const imported = new Set<string>();
      const compiled = CASES.map((c) => {
        const code = compile(convSource(c));
        for (const r of code.relocations) {
          if (r.target.kind === 'symbol' && !imported.has(r.target.name)) {
            imported.add(r.target.name);
            m.declareFunction(r.target.name, 'import');
          }
        }
        m.defineFunction(m.declareFunction(`wl_${c.name}`, 'export'), { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind, alignment: code.alignment });
        return { c, code, inputs: inputs(c.from, Number(c.to.slice(1))) };
      });
      const got = runC(cProgram(compiled), { files: { 'conv.o': m.finish() }, args: ['-lm'] });
      const want: string[] = [];
      for (const { c, code, inputs: xs } of compiled) {
        const bits = BigInt(c.to.slice(1));
        const lo = c.signed ? -(1n << (bits - 1n)) : 0n;
        const hi = c.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
        const site = (k: number): string => `trap ${code.traps.find((t) => t.code === k)!.offset}`;
        for (const x of xs) {
          const v = truncOf(c.from, x);
          if (v === 'nan') want.push(site(251));
          else if (v === 'inf' || v < lo || v > hi) want.push(site(253));
          else want.push(BigInt.asUintN(128, v).toString(16).padStart(32, '0'));
        }
      }
      expect(got).toEqual(want);
    });

    it('keeps xmm6-15 of a windows_fastcall caller across the libcalls', () => {
      const src = `function %wl_w(f128, f128, f64) -> f64 windows_fastcall {
block0(v0: f128, v1: f128, v2: f64):
  v3 = fmul v0, v1
  v4 = fpromote.f128 v2
  v5 = fadd v3, v4
  v6 = fdemote.f64 v5
  v7 = fadd v6, v2
  return v7
}`;
      const code = compile(src);
      const m = new ObjectModule({ target: 'x86_64', name: 'win' });
      for (const n of new Set(code.relocations.map((r) => (r.target.kind === 'symbol' ? r.target.name : '')))) if (n) m.declareFunction(n, 'import');
      m.defineFunction(m.declareFunction('wl_w', 'export'), { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind, alignment: code.alignment });
      // The caller keeps a value in xmm6 across the call (the Windows ABI says it survives).
      const main = `#include <stdio.h>
__attribute__((ms_abi)) double wl_w(__float128 *, __float128 *, double);
int main(void) {
  __float128 a = 3, b = 5;
  register double keep __asm__("xmm6") = 0.25;
  __asm__ volatile("" : "+x"(keep));
  double r = wl_w(&a, &b, 2.0);
  __asm__ volatile("" : "+x"(keep));
  printf("%g %g\\n", r, keep);
  return 0;
}`;
      expect(runC(main, { files: { 'w.o': m.finish() } })).toEqual(['19 0.25']);
    });
  });
});
