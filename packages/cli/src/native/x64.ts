// The x86_64 execution backend of the filetest runner: per test file, one ELF object with the
// file's functions (compiled by Windlass), one generated C driver that calls each `; run:` case
// and prints the results as bit patterns, linked with `cc` and run natively. Traps (SIGILL from
// ud2, SIGFPE, SIGSEGV) are caught per case, so one trapping case does not hide the others.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClifFile, type Function, type Type, F16, F32, F64, F128, I128, I16, I32, I64, I8, isVector, typeName,
} from '@windlass/ir';
import { buildIsa, defaultFlags, settingsBuilder, type CompiledCode, type Flags, type Reloc } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { assignReturns, calleePopBytes, isVec128, needsReturnArea, rax, rdx, symbolName, xmm } from '@windlass/isa-x64';
import { driverVectorBytes, printVector, vectorBytes, vectorCType, vectorLiteral } from './x64-vector';
import { exceptionRuntimeSource, UNCAUGHT_EXCEPTION } from './x64-exceptions';
import type { Value } from '@windlass/interpreter';
import { compareResults, type ExecutionBackend, type RunCase, type RunOutcome, type TargetSpec } from '../runner/backend';

let ccChecked: true | string | undefined;
function haveCc(): true | string {
  if (ccChecked === undefined) {
    const r = spawnSync('cc', ['--version'], { encoding: 'utf8' });
    ccChecked = r.status === 0 ? true : 'no C compiler (`cc`) on this host';
  }
  return ccChecked;
}

/** The object symbol of a file's function: prefixed so test names never clash with libc. */
export function testSymbol(name: string): string {
  return `wl_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function fnSymbolName(f: Function): string {
  return symbolName(f.name);
}

/** Compiles `functions` into one object. Failing functions become `ud2` stubs, their errors returned. */
export function buildObject(functions: readonly Function[], targetLine: string, flags: Flags = defaultFlags()): {
  object: Uint8Array; errors: Map<string, string>; codes: Map<string, CompiledCode>;
} {
  const isa = buildIsa(targetLine, flags);
  const m = new ObjectModule({ target: 'x86_64' });
  const local = new Set(functions.map(fnSymbolName));
  const errors = new Map<string, string>();
  const codes = new Map<string, CompiledCode>();
  const rename = (r: Reloc): Reloc => {
    if (r.target.kind !== 'symbol') return r;
    const name = r.target.name;
    if (local.has(name)) return { ...r, target: { kind: 'symbol', name: testSymbol(name) } };
    m.declareFunction(name, 'import');
    return r;
  };
  for (const f of functions) {
    const name = fnSymbolName(f);
    const id = m.declareFunction(testSymbol(name), 'export');
    let code: CompiledCode | undefined;
    try {
      code = isa.compileFunction(f, { wantListing: false });
    } catch (e) {
      errors.set(name, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    if (code === undefined) {
      m.defineFunction(id, { bytes: new Uint8Array([0x0f, 0x0b]) });
      continue;
    }
    codes.set(name, code);
    m.defineFunction(id, { bytes: code.bytes, relocs: code.relocations.map(rename), unwind: code.unwind, alignment: code.alignment });
  }
  return { object: m.finish(), errors, codes };
}

// ------------------------------------------------------------------ the C driver

function cType(t: Type): string | null {
  if (isVector(t)) return driverVectorBytes(t) > 0 ? vectorCType(t) : null;
  switch (t) {
    case I8: return 'uint8_t';
    case I16: return 'uint16_t';
    case I32: return 'uint32_t';
    case I64: return 'uint64_t';
    case I128: return 'unsigned __int128';
    case F32: return 'float';
    case F64: return 'double';
    case F16: return '_Float16';
    case F128: return '__float128';
    default: return null;
  }
}

function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}ull`;
}

function cLiteral(v: Value, t: Type): string {
  if (v instanceof Uint8Array) return vectorLiteral(v, t);
  const b = BigInt(v);
  switch (t) {
    case I128: return `(((unsigned __int128)${hex64(b >> 64n)} << 64) | ${hex64(b)})`;
    case F32: return `f32b(${hex64(b)})`;
    case F16: return `f16b(${hex64(b)})`;
    case F128: return `f128b(${hex64(b >> 64n)}, ${hex64(b)})`;
    case F64: return `f64b(${hex64(b)})`;
    default: return `(${cType(t)})${hex64(b)}`;
  }
}

/** Why a signature cannot be called from the driver, or null. */
function driverProblem(f: Function): string | null {
  const sig = f.signature;
  for (const p of [...sig.params, ...sig.returns]) {
    if (cType(p.type) === null) return `the native driver cannot pass ${typeName(p.type)}`;
  }
  return null;
}

/**
 * Several register returns with a vector among them: C would return such a struct in memory,
 * Windlass returns it in rax/rdx/xmm0/xmm1. These calls go through `wl_capture_thunk`, which
 * stores the four return registers in `wl_cap` (rax at 0, rdx at 8, xmm0 at 16, xmm1 at 32);
 * each value is then read from where `assignReturns` put it.
 */
function capturesReturns(sig: Function['signature']): boolean {
  return sig.returns.length > 1 && sig.returns.some((r) => isVector(r.type)) && !needsReturnArea(sig.returns, sig.callConv);
}

function capturedValue(t: Type, parts: readonly { reg: number; isFloat: boolean }[]): string {
  const at = (reg: number): number => (reg === rax ? 0 : reg === rdx ? 8 : reg === xmm(0) ? 16 : reg === xmm(1) ? 32 : -1);
  const off = at(parts[0].reg);
  if (off < 0) throw new Error(`return register ${parts[0].reg} is not captured`);
  if (t === I128) return `((unsigned __int128)*(uint64_t *)(wl_cap + ${at(parts[1].reg)}) << 64 | *(uint64_t *)(wl_cap + ${off}))`;
  return `(*(${cType(t)} *)(wl_cap + ${off}))`;
}

function printResult(expr: string, t: Type): string {
  if (isVector(t)) return printVector(expr, t);
  switch (t) {
    case I128: return `{ unsigned __int128 x = ${expr}; printf(" %llx:%llx", (unsigned long long)(x >> 64), (unsigned long long)x); }`;
    case F32: return `{ float x = ${expr}; uint32_t b; memcpy(&b, &x, 4); printf(" %llx", (unsigned long long)b); }`;
    case F64: return `{ double x = ${expr}; uint64_t b; memcpy(&b, &x, 8); printf(" %llx", (unsigned long long)b); }`;
    case F16: return `{ _Float16 x = ${expr}; uint16_t b; memcpy(&b, &x, 2); printf(" %llx", (unsigned long long)b); }`;
    case F128: return `{ __float128 x = ${expr}; uint64_t b[2]; memcpy(b, &x, 16); printf(" %llx:%llx", (unsigned long long)b[1], (unsigned long long)b[0]); }`;
    default: return `printf(" %llx", (unsigned long long)(${cType(t)})(${expr}));`;
  }
}

/**
 * The C driver calling each case. `codes` (function name -> its compiled code) adds the exception
 * runtime (`__cranelift_throw` and the try_call handler table, see x64-exceptions.ts).
 */
export function driverSource(cases: readonly RunCase[], skip: readonly boolean[], codes?: ReadonlyMap<string, CompiledCode>): string {
  const out: string[] = [
    '#include <stdint.h>', '#include <stdio.h>', '#include <string.h>', '#include <signal.h>', '#include <setjmp.h>',
    '#include <stdlib.h>',
    'static float f32b(uint64_t b) { uint32_t x = (uint32_t)b; float f; memcpy(&f, &x, 4); return f; }',
    'static double f64b(uint64_t b) { double f; memcpy(&f, &b, 8); return f; }',
    'static _Float16 f16b(uint64_t b) { uint16_t x = (uint16_t)b; _Float16 f; memcpy(&f, &x, 2); return f; }',
    'static __float128 f128b(uint64_t hi, uint64_t lo) { uint64_t x[2] = { lo, hi }; __float128 f; memcpy(&f, x, 16); return f; }',
    'typedef uint8_t wl_v128 __attribute__((vector_size(16)));',
    'static wl_v128 v128b(uint64_t hi, uint64_t lo) { uint64_t x[2] = { lo, hi }; wl_v128 v; memcpy(&v, x, 16); return v; }',
    'static sigjmp_buf env;',
    // A `tail` function removes its own stack arguments (callee-pop), which C callers do not
    // expect: such calls go through this thunk, which restores rsp before returning to C.
    'void *wl_pop_target, *wl_pop_ret, *wl_pop_sp;',
    'extern char wl_callee_pop_thunk[];',
    '__asm__(".pushsection .text\\n.globl wl_callee_pop_thunk\\nwl_callee_pop_thunk:\\n  popq wl_pop_ret(%rip)\\n  movq %rsp, wl_pop_sp(%rip)\\n'
      + '  callq *wl_pop_target(%rip)\\n  movq wl_pop_sp(%rip), %rsp\\n  jmpq *wl_pop_ret(%rip)\\n.popsection\\n");',
    'static void *wl_pop_thunk(void *f) { wl_pop_target = f; return (void *)wl_callee_pop_thunk; }',
    '_Alignas(16) unsigned char wl_cap[48];',
    'extern char wl_capture_thunk[];',
    '__asm__(".pushsection .text\\n.globl wl_capture_thunk\\nwl_capture_thunk:\\n  popq wl_pop_ret(%rip)\\n  movq %rsp, wl_pop_sp(%rip)\\n'
      + '  callq *wl_pop_target(%rip)\\n  movq wl_pop_sp(%rip), %rsp\\n  movq %rax, wl_cap(%rip)\\n  movq %rdx, wl_cap+8(%rip)\\n'
      + '  movdqu %xmm0, wl_cap+16(%rip)\\n  movdqu %xmm1, wl_cap+32(%rip)\\n  jmpq *wl_pop_ret(%rip)\\n.popsection\\n");',
    'static void *wl_capture(void *f) { wl_pop_target = f; return (void *)wl_capture_thunk; }',
    'static void on_signal(int sig) { siglongjmp(env, sig); }',
  ];
  if (codes !== undefined) out.push(exceptionRuntimeSource(codes, testSymbol));
  const declared = new Set<string>();
  const body: string[] = [];
  cases.forEach((c, k) => {
    if (skip[k]) return;
    const f = c.callee;
    const name = fnSymbolName(f);
    const sym = testSymbol(name);
    const sig = f.signature;
    const attr = sig.callConv === 'windows_fastcall' ? '__attribute__((ms_abi)) ' : '';
    const params = sig.params.map((p) => cType(p.type)).join(', ') || 'void';
    const area = needsReturnArea(sig.returns, sig.callConv);
    let ret: string;
    if (sig.returns.length === 0) ret = 'void';
    else if (sig.returns.length === 1 && !area) ret = cType(sig.returns[0].type)!;
    else ret = `struct ret_${sym}`;
    const member = (t: Type, j: number): string => `${cType(t)} r${j} __attribute__((aligned(${t === I128 || t === F128 || isVec128(t) ? 16 : 8})));`;
    if (!declared.has(sym)) {
      declared.add(sym);
      if (sig.returns.length >= 2 || area) out.push(`struct ret_${sym} { ${sig.returns.map((r, j) => member(r.type, j)).join(' ')} };`);
      if (area) out.push(`extern ${attr}void ${sym}(${[`${ret} *`, ...sig.params.map((p) => cType(p.type))].join(', ')});`);
      else out.push(`extern ${attr}${ret} ${sym}(${params});`);
    }
    const argList = c.args.map((a, j) => cLiteral(a, sig.params[j].type));
    const args = argList.join(', ');
    let pops = 0;
    try {
      pops = calleePopBytes(sig);
    } catch {
      // An unsupported signature failed to compile; the case is skipped above.
    }
    const fn = pops > 0 ? `((__typeof__(${sym}) *)wl_pop_thunk((void *)${sym}))` : sym;
    const call = `${fn}(${args})`;
    const lines: string[] = [];
    lines.push(`  printf("R ${k}");`);
    if (capturesReturns(sig)) {
      const parts = assignReturns(sig.returns, sig.callConv);
      lines.push(`  ((void (${attr}*)(${params}))wl_capture((void *)${sym}))(${args});`);
      sig.returns.forEach((r, j) => lines.push(`  ${printResult(capturedValue(r.type, parts[j]), r.type)}`));
    } else if (area) {
      lines.push(`  { ${ret} r; ${fn}(${['&r', ...argList].join(', ')});`);
      sig.returns.forEach((r, j) => lines.push(`    ${printResult(`r.r${j}`, r.type)}`));
      lines.push('  }');
    } else if (sig.returns.length === 0) lines.push(`  ${call};`);
    else if (sig.returns.length === 1) lines.push(`  ${printResult(call, sig.returns[0].type)}`);
    else {
      lines.push(`  { ${ret} r = ${call};`);
      sig.returns.forEach((r, j) => lines.push(`    ${printResult(`r.r${j}`, r.type)}`));
      lines.push('  }');
    }
    lines.push('  printf("\\n"); fflush(stdout);');
    body.push(`  if ((sig = sigsetjmp(env, 1)) == 0) {\n  ${lines.join('\n  ')}\n  } else { printf("\\nT ${k} %d\\n", sig); fflush(stdout); }`);
  });
  out.push('int main(void) {');
  out.push('  static char altstack[1 << 16];');
  out.push('  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }; sigaltstack(&ss, 0);');
  out.push('  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_signal; sa.sa_flags = SA_ONSTACK | SA_NODEFER;');
  out.push('  int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP }; for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, 0);');
  out.push('  int sig;');
  out.push(...body);
  out.push('  return 0;', '}');
  return out.join('\n');
}

function parseBits(text: string, t: Type): Value {
  if (isVector(t)) return vectorBytes(text, t);
  if (t === I128 || t === F128) {
    const [hi, lo] = text.split(':');
    return (BigInt(`0x${hi}`) << 64n) | BigInt(`0x${lo}`);
  }
  const b = BigInt(`0x${text}`);
  switch (t) {
    case I8: return Number(b & 0xffn);
    case I16: case F16: return Number(b & 0xffffn);
    case I32: return Number(b & 0xffffffffn);
    case F32: return Number(b & 0xffffffffn);
    default: return b;
  }
}

const SIGNALS: Record<number, string> = {
  4: 'SIGILL (ud2 trap)', 8: 'SIGFPE', 11: 'SIGSEGV', 7: 'SIGBUS', 5: 'SIGTRAP',
  [UNCAUGHT_EXCEPTION]: 'uncaught exception (__cranelift_throw found no try_call handler for its tag)',
};

function targetLine(t: TargetSpec): string {
  return ['x86_64', ...t.flags].join(' ');
}

/** The shared flags in force at `target`'s line of `file` (its preceding `set` lines). */
export function flagsFor(file: ClifFile, target: TargetSpec): Flags {
  const t = file.targets.find((x) => x.isa === target.isa && x.flags.join(' ') === target.flags.join(' '));
  const b = settingsBuilder();
  for (const s of t?.settings ?? file.settings) b.apply(s.value === null ? s.name : `${s.name}=${s.value}`);
  return b.finish();
}

export function runNative(file: ClifFile, functions: readonly Function[], cases: readonly RunCase[], target: TargetSpec): RunOutcome[] {
  let built: ReturnType<typeof buildObject>;
  try {
    built = buildObject(functions, targetLine(target), flagsFor(file, target));
  } catch (e) {
    const msg = `compile: ${e instanceof Error ? e.message : String(e)}`;
    return cases.map(() => ({ status: 'fail', message: msg }));
  }
  const outcomes: (RunOutcome | undefined)[] = cases.map(() => undefined);
  const skip = cases.map((c, k) => {
    const err = built.errors.get(fnSymbolName(c.callee));
    if (err !== undefined) {
      outcomes[k] = { status: 'fail', message: err };
      return true;
    }
    const p = driverProblem(c.callee);
    if (p !== null) {
      outcomes[k] = { status: 'fail', message: `unsupported: ${p}` };
      return true;
    }
    return false;
  });
  if (skip.every((s) => s)) return outcomes as RunOutcome[];
  const dir = mkdtempSync(join(tmpdir(), 'windlass-run-'));
  try {
    writeFileSync(join(dir, 'code.o'), built.object);
    writeFileSync(join(dir, 'driver.c'), driverSource(cases, skip, built.codes));
    const exe = join(dir, 'driver');
    const cc = spawnSync('cc', ['-O0', '-w', '-no-pie', '-o', exe, join(dir, 'driver.c'), join(dir, 'code.o'), '-lm'], { encoding: 'utf8' });
    if (cc.status !== 0) {
      const msg = `link failed: ${(cc.stderr || cc.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
      return outcomes.map((o) => o ?? { status: 'fail', message: msg });
    }
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 20000, maxBuffer: 64 << 20 });
    const lines = (run.stdout ?? '').split('\n');
    for (const line of lines) {
      const parts = line.trim().split(/\s+/);
      if (parts[0] === 'R' && parts.length >= 2) {
        const k = Number(parts[1]);
        const c = cases[k];
        if (c === undefined) continue;
        const types = c.callee.signature.returns.map((r) => r.type);
        if (parts.length - 2 !== types.length) continue;
        const got = types.map((t, j) => parseBits(parts[2 + j], t));
        outcomes[k] = compareResults(c, got, types);
      } else if (parts[0] === 'T' && parts.length >= 3) {
        const k = Number(parts[1]);
        outcomes[k] = { status: 'fail', message: `trapped: ${SIGNALS[Number(parts[2])] ?? `signal ${parts[2]}`}` };
      }
    }
    const why = run.error ? run.error.message : run.signal ? `driver killed by ${run.signal}` : `driver exited with ${run.status}`;
    return outcomes.map((o) => o ?? { status: 'fail', message: `no result (${why})` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const x64NativeBackend: ExecutionBackend = {
  name: 'x86_64 (native)',
  supports(target) {
    if (target.isa !== 'x86_64') return `not x86_64`;
    if (process.arch !== 'x64') return `the host is ${process.arch}, not x86_64`;
    return haveCc();
  },
  compileAndRun: runNative,
};
