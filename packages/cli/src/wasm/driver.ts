/**
 * The C driver of native wasm runs: calls compiled functions with literal arguments, one after
 * the other, and prints what came back. Calls go through a small assembly thunk that records
 * the return registers (rax, rdx, xmm0, xmm1: C cannot return three or four values in
 * registers as the System V assignment of the `fast` convention does) and checks that the
 * callee preserved rbx, rbp, r12-r15 and rsp. Results in a return area (more values than
 * registers) are read from the area the driver passes as the hidden first argument.
 *
 * A signal (ud2 → SIGILL, #DE → SIGFPE, stack overflow → SIGSEGV, or the per-call alarm) is
 * caught on an alternate stack and reported with the faulting rip, the fault address and the
 * stack pointer, so the engine can name the trap from the backend's trap sites.
 *
 * Output lines: `S <stack top>`, `A <function> <address>` per function, then per call either
 * `R <call> <rax> <rdx> <xmm0 lo> <xmm0 hi> <xmm1 lo> <xmm1 hi> [area words...] [X]` (`X`:
 * callee-saved registers or rsp not preserved) or `T <call> <signal> <rip> <address> <rsp>`.
 * Numbers are hex.
 */
import { F32, F64, I32, I64, typeName, type Signature, type Type } from '@windlass/ir';
import { isVec128, needsReturnArea, returnAreaLayout } from '@windlass/isa-x64';
import { HarnessError } from './values';

export interface DriverFunction {
  /** Symbol in the object. */
  symbol: string;
  signature: Signature;
  /** Bytes of machine code (to map a faulting rip to the function). */
  size: number;
}

export interface DriverCall {
  /** Index into the driver's functions. */
  fn: number;
  /** Non-vmctx arguments as 64-bit words, in order (a v128 is two words, low half first). */
  args: bigint[];
}

export type DriverResult =
  | { kind: 'returned'; values: bigint[][] }
  | { kind: 'signal'; signal: number; rip: bigint; addr: bigint; rsp: bigint; stackTop: bigint; where?: { fn: number; offset: number } }
  | { kind: 'error'; message: string };

export function cParam(t: Type): { decl: string; words: number; expr: (w: string[]) => string } {
  if (isVec128(t)) return { decl: 'wl_v128', words: 2, expr: (w) => `v128b(${w[0]}, ${w[1]})` };
  switch (t) {
    // The upper half of a register holding an i32 is undefined: the driver fills it with a
    // pattern, so code that wrongly relies on it being zero (or a sign extension) shows.
    case I32: return { decl: 'uint64_t', words: 1, expr: (w) => `(((uint64_t)(uint32_t)${w[0]}) | 0xa5a5a5a500000000ull)` };
    case I64: return { decl: 'uint64_t', words: 1, expr: (w) => w[0] };
    case F32: return { decl: 'float', words: 1, expr: (w) => `f32b(${w[0]})` };
    case F64: return { decl: 'double', words: 1, expr: (w) => `f64b(${w[0]})` };
    default: throw new HarnessError(`the native wasm driver cannot pass ${typeName(t)}`);
  }
}

/** 64-bit words a function's return area holds (0: results come back in registers). */
export function areaWords(sig: Signature): number {
  if (!needsReturnArea(sig.returns, sig.callConv)) return 0;
  return Math.ceil(returnAreaLayout(sig.returns).size / 8);
}

export const THUNK = [
  '.pushsection .text',
  '.globl wl_thunk',
  'wl_thunk:',
  '  popq wl_ret(%rip)',
  '  movq %rbx, wl_saved(%rip)', '  movq %rbp, wl_saved+8(%rip)', '  movq %r12, wl_saved+16(%rip)', '  movq %r13, wl_saved+24(%rip)',
  '  movq %r14, wl_saved+32(%rip)', '  movq %r15, wl_saved+40(%rip)', '  movq %rsp, wl_saved+48(%rip)',
  '  callq *wl_target(%rip)',
  '  movq %rax, wl_out(%rip)', '  movq %rdx, wl_out+8(%rip)', '  movdqu %xmm0, wl_out+16(%rip)', '  movdqu %xmm1, wl_out+32(%rip)',
  '  movq %rbx, wl_after(%rip)', '  movq %rbp, wl_after+8(%rip)', '  movq %r12, wl_after+16(%rip)', '  movq %r13, wl_after+24(%rip)',
  '  movq %r14, wl_after+32(%rip)', '  movq %r15, wl_after+40(%rip)', '  movq %rsp, wl_after+48(%rip)',
  '  jmpq *wl_ret(%rip)',
  '.popsection',
];

/**
 * The C parameter types and argument expressions of a call stub for `sig`: the return-area
 * pointer when results go through one, `vmctx` for the vmctx parameter, and each other
 * parameter decoded from the stub's 64-bit argument words `a[]`.
 */
export function callOperands(sig: Signature, vmctx: string): { decls: string[]; exprs: string[] } {
  const decls: string[] = [];
  const exprs: string[] = [];
  if (areaWords(sig) > 0) {
    decls.push('void *');
    exprs.push('wl_area');
  }
  let w = 0;
  for (const p of sig.params) {
    if (p.purpose === 'vmctx') {
      decls.push('uint64_t');
      exprs.push(vmctx);
      continue;
    }
    const c = cParam(p.type);
    decls.push(c.decl);
    exprs.push(c.expr(Array.from({ length: c.words }, (_, k) => `a[${w + k}]`)));
    w += c.words;
  }
  return { decls, exprs };
}

/**
 * The start of every generated driver: headers, bit-pattern constructors, the call thunk that
 * records the return registers and the callee-saved ones, and a signal handler that keeps the
 * faulting rip/rsp/address for trap naming.
 */
export const DRIVER_PRELUDE: readonly string[] = [
  '#define _GNU_SOURCE',
  '#include <stdint.h>', '#include <stdio.h>', '#include <string.h>', '#include <signal.h>', '#include <setjmp.h>',
  '#include <stdlib.h>', '#include <ucontext.h>', '#include <unistd.h>', '#include <sys/mman.h>',
  'typedef uint8_t wl_v128 __attribute__((vector_size(16)));',
  'static float f32b(uint64_t b) { uint32_t x = (uint32_t)b; float f; memcpy(&f, &x, 4); return f; }',
  'static double f64b(uint64_t b) { double f; memcpy(&f, &b, 8); return f; }',
  'static wl_v128 v128b(uint64_t lo, uint64_t hi) { uint64_t x[2] = { lo, hi }; wl_v128 v; memcpy(&v, x, 16); return v; }',
  'void *wl_target, *wl_ret;',
  'uint64_t wl_out[6], wl_saved[7], wl_after[7];',
    'extern char wl_thunk[];',
    `__asm__(${JSON.stringify(THUNK.join('\n') + '\n')});`,
    'static sigjmp_buf env;',
    'static volatile uint64_t f_rip, f_addr, f_rsp;',
    'static void on_signal(int sig, siginfo_t *si, void *ctx) {',
    '  ucontext_t *uc = ctx;',
    '  f_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP]; f_rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP]; f_addr = (uint64_t)si->si_addr;',
    '  siglongjmp(env, sig);',
    '}',
];

/**
 * The driver's C source: `calls[k]` calls `functions[calls[k].fn]`; the vmctx passed is a
 * zeroed buffer of `vmctxBytes` (pure code reads at most dead fields of it).
 * `functions` lists every function of the object (a trap's rip is looked up among them all).
 */
export function driverSource(functions: readonly DriverFunction[], calls: readonly DriverCall[], timeoutSeconds = 10, vmctxBytes = 16): string {
  const out: string[] = [...DRIVER_PRELUDE];
  const maxArea = Math.max(1, ...functions.map((f) => areaWords(f.signature)));
  out.push(`static uint64_t wl_area[${maxArea}] __attribute__((aligned(16)));`);
  out.push(`static uint64_t wl_vmctx[${Math.max(2, Math.ceil(vmctxBytes / 8))}] __attribute__((aligned(16)));`);
  const called = new Set(calls.map((c) => c.fn));
  functions.forEach((f, i) => {
    out.push(`extern char ${f.symbol}[];`);
    if (!called.has(i)) return;
    const { decls, exprs } = callOperands(f.signature, '(uint64_t)(uintptr_t)wl_vmctx');
    out.push(`static void c${i}(const uint64_t *a) { (void)a; wl_target = (void *)${f.symbol}; ((void (*)(${decls.join(', ') || 'void'}))(void *)wl_thunk)(${exprs.join(', ')}); }`);
  });
  out.push(`static void (*const fns[])(const uint64_t *) = { ${functions.map((_, i) => (called.has(i) ? `c${i}` : '0')).join(', ') || '0'} };`);
  out.push(`static const int area_words[] = { ${functions.map((f) => areaWords(f.signature)).join(', ') || '0'} };`);
  const words: string[] = [];
  const table: string[] = [];
  for (const c of calls) {
    table.push(`{ ${c.fn}, ${words.length} }`);
    for (const a of c.args) words.push(`0x${BigInt.asUintN(64, a).toString(16)}ull`);
  }
  out.push(`static const uint64_t args[] = { ${words.join(', ') || '0'} };`);
  out.push(`static const struct { int fn; int at; } calls[] = { ${table.join(', ') || '{ 0, 0 }'} };`);
  out.push(
    'int main(void) {',
    '  static char altstack[1 << 16];',
    '  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }; sigaltstack(&ss, 0);',
    '  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = on_signal; sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;',
    '  int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP, SIGALRM }; for (int i = 0; i < 6; i++) sigaction(sigs[i], &sa, 0);',
    '  setvbuf(stdout, 0, _IOLBF, 0);',
    '  volatile char top; printf("S %llx\\n", (unsigned long long)(uintptr_t)&top);',
  );
  out.push(`  { void *addr[] = { ${functions.map((f) => `(void *)${f.symbol}`).join(', ') || '0'} }; for (int i = 0; i < ${functions.length}; i++) printf("A %d %llx\\n", i, (unsigned long long)(uintptr_t)addr[i]); }`);
  out.push(
    `  for (int k = 0; k < ${calls.length}; k++) {`,
    '    int sig;',
    '    if ((sig = sigsetjmp(env, 1)) == 0) {',
    `      alarm(${timeoutSeconds});`,
    '      fns[calls[k].fn](args + calls[k].at);',
    '      alarm(0);',
    '      printf("R %d", k);',
    '      for (int j = 0; j < 6; j++) printf(" %llx", (unsigned long long)wl_out[j]);',
    '      for (int j = 0; j < area_words[calls[k].fn]; j++) printf(" %llx", (unsigned long long)wl_area[j]);',
    '      if (memcmp(wl_saved, wl_after, sizeof wl_saved) != 0) printf(" X");',
    '      printf("\\n");',
    '    } else {',
    '      alarm(0);',
    '      printf("T %d %d %llx %llx %llx\\n", k, sig, (unsigned long long)f_rip, (unsigned long long)f_addr, (unsigned long long)f_rsp);',
    '    }',
    '  }',
    '  return 0;',
    '}',
  );
  return out.join('\n') + '\n';
}

/** Where each result of `sig` comes back: a return register word pair or return-area words. */
export function resultWords(sig: Signature, regs: bigint[], area: bigint[]): bigint[][] {
  if (needsReturnArea(sig.returns, sig.callConv)) {
    const { offsets } = returnAreaLayout(sig.returns);
    return sig.returns.map((r, j) => {
      const at = offsets[j] / 8;
      return isVec128(r.type) ? [area[at], area[at + 1]] : [area[at]];
    });
  }
  let ints = 0;
  let xmms = 0;
  return sig.returns.map((r) => {
    if (r.type === F32 || r.type === F64 || isVec128(r.type)) {
      const at = 2 + 2 * xmms++;
      return [regs[at], regs[at + 1]];
    }
    return [regs[ints++]];
  });
}

/** Parses the driver's output: one result per call, `undefined` where the driver printed none. */
export function decodeResults(stdout: string, functions: readonly DriverFunction[], calls: readonly DriverCall[]): (DriverResult | undefined)[] {
  const results: (DriverResult | undefined)[] = calls.map(() => undefined);
  const addrs: bigint[] = functions.map(() => -1n);
  let stackTop = 0n;
  const hex = (s: string): bigint => BigInt(`0x${s}`);
  for (const line of stdout.split('\n')) {
    const p = line.trim().split(/\s+/);
    if (p[0] === 'S' && p.length === 2) stackTop = hex(p[1]);
    else if (p[0] === 'A' && p.length === 3) addrs[Number(p[1])] = hex(p[2]);
    else if (p[0] === 'R' && p.length >= 8) {
      const k = Number(p[1]);
      const c = calls[k];
      if (c === undefined) continue;
      const sig = functions[c.fn].signature;
      const clobbered = p[p.length - 1] === 'X';
      const nums = p.slice(2, clobbered ? -1 : undefined).map(hex);
      if (nums.length !== 6 + areaWords(sig)) continue;
      if (clobbered) {
        results[k] = { kind: 'error', message: 'the callee did not preserve rbx, rbp, r12-r15 or rsp' };
        continue;
      }
      results[k] = { kind: 'returned', values: resultWords(sig, nums.slice(0, 6), nums.slice(6)) };
    } else if (p[0] === 'T' && p.length === 6) {
      const k = Number(p[1]);
      if (calls[k] === undefined) continue;
      const rip = hex(p[3]);
      let where: { fn: number; offset: number } | undefined;
      functions.forEach((f, i) => {
        if (addrs[i] >= 0n && rip >= addrs[i] && rip < addrs[i] + BigInt(f.size)) where = { fn: i, offset: Number(rip - addrs[i]) };
      });
      results[k] = { kind: 'signal', signal: Number(p[2]), rip, addr: hex(p[4]), rsp: hex(p[5]), stackTop, where };
    }
  }
  return results;
}
