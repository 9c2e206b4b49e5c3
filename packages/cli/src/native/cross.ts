// A native execution backend for any ISA, driven by a per-ISA profile: per test file, one ELF
// object with the file's functions (compiled by Windlass for the target), one generated C
// driver that calls each `; run:` case and prints the results as bit patterns, linked with the
// target's C compiler and run natively or under qemu-user. Traps are caught per case (signal
// handler + siglongjmp), so one trapping case does not hide the others.
//
// The driver is endian-neutral: scalars travel as integers of their width, vectors as their
// bytes in memory order (lane 0 first), 128-bit values as `unsigned __int128` split into halves.
// What differs per ISA is in the profile: the toolchain and emulator, which CLIF types its C
// can pass, a trap instruction, and optionally an assembly thunk that captures a multi-value
// return the C ABI would not describe.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClifFile, type Function, type Signature, type Type, F16, F32, F64, F128, I128, I16, I32, I64, I8,
  bytes as typeBytes, isVector, laneType, typeName,
} from '@windlass/ir';
import { buildIsa, type CompiledCode, type Flags, type Reloc } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import type { Value } from '@windlass/interpreter';
import { compareResults, type ExecutionBackend, type RunCase, type RunOutcome, type TargetSpec } from '../runner/backend';
import { flagsFor, fnSymbolName, testSymbol } from './x64';
import { UNCAUGHT_EXCEPTION } from './exception-table';

/**
 * How a multi-value (or otherwise non-C) return is read: the driver calls the function through
 * `wl_capture_thunk` (the profile's assembly, which calls `wl_pop_target` and stores the
 * return registers in `wl_cap`), then reads return value k from `wl_cap + offsets[k]`.
 */
export interface ReturnCapture {
  /** Byte offset in `wl_cap` of each return value (i128: the low half's offset; the high half follows at +8 unless `hiOffsets` says otherwise). */
  readonly offsets: readonly number[];
  /** For two-register values (i128 in a register pair): the high half's offset. */
  readonly hiOffsets?: readonly (number | undefined)[];
  /**
   * The values come back in a return area whose address the callee takes as a hidden first
   * argument: the driver passes `wl_cap` (offsets are then the area's).
   */
  readonly areaArgument?: boolean;
}

/** One ISA as the cross runner needs it. */
export interface NativeProfile {
  /** ISA name as target lines write it (`aarch64`, `riscv64`, `s390x`, `x86_64`). */
  readonly isa: string;
  /** The `@windlass/object` target (`aarch64`, ...). */
  readonly objectTarget: string;
  /** A trap instruction: the body of a function that failed to compile. */
  readonly trapStub: Uint8Array;
  /** The C compiler (e.g. `aarch64-linux-gnu-gcc`) and its flags for the driver. */
  readonly cc: string;
  readonly ccFlags: readonly string[];
  /** Libraries linked after the code besides libm (e.g. `-latomic` for 16-byte atomics). */
  readonly libs?: readonly string[];
  /** The program and arguments running `exe` for `target` (e.g. `qemu-aarch64 -L ... exe`). */
  runCommand(exe: string, target: TargetSpec): [string, string[]];
  /** The programs that must exist on this host (compiler, emulator). */
  readonly requires: readonly string[];
  /** The CLIF target line for a file's `target` line (default: the ISA and its flags). */
  targetLine?(target: TargetSpec): string;
  /** The C type passing a CLIF type on this target, or null when the driver cannot pass it. */
  cType(t: Type): string | null;
  /** Why `sig` cannot be called from C on this target (beyond its types), or null. */
  signatureProblem?(sig: Signature): string | null;
  /** Assembly defining `wl_capture_thunk` (see `ReturnCapture`); omit when not needed. */
  readonly captureThunkAsm?: string;
  /** Size of `wl_cap` in bytes. */
  readonly captureBytes?: number;
  /** When the call must go through the capture thunk: where each return value lands, else null. */
  captureReturns?(sig: Signature): ReturnCapture | null;
  /**
   * C (and top-level asm) the driver includes for the file's compiled functions, e.g. the
   * exception runtime `__cranelift_throw` that walks their try_call tables. It may use the
   * driver's `env` (a sigjmp_buf) and end a case with `siglongjmp(env, UNCAUGHT_EXCEPTION)`.
   */
  runtimeSource?(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): string;
  /**
   * The bytes of a vector value as the driver's C code holds it in memory, from the
   * interpreter's bytes (lane 0 first, each lane little-endian), for a function of calling
   * convention `callConv`; applied again it maps back (an involution). Omitted: the same bytes
   * (a little-endian target). A big-endian target stores each lane big-endian, and a convention
   * whose registers hold lanes in reverse order reverses the whole image.
   */
  vectorBytes?(bytes: Uint8Array, t: Type, callConv: string): Uint8Array;
  /**
   * The C type of a member of the struct several return values come back in, when it differs
   * from `cType` (a type C passes in a wider one, such as f16 as a `float`, keeps its own size
   * in memory).
   */
  memberCType?(t: Type): string | null;
  /** Why cases on `target` cannot run on this host's emulator (they are skipped), or null. */
  skipTarget?(target: TargetSpec): string | null;
}

/** Each lane's bytes reversed: a vector's memory image on a big-endian target. */
export function swapLaneBytes(bytes: Uint8Array, t: Type): Uint8Array {
  const w = typeBytes(laneType(t));
  const out = new Uint8Array(bytes.length);
  for (let k = 0; k < bytes.length; k += w) for (let j = 0; j < w; j++) out[k + j] = bytes[k + w - 1 - j];
  return out;
}

/** The C type of a CLIF type on a typical 64-bit Linux target (f16/f128 per the profile). */
export function commonCType(t: Type, f16: string | null, f128: string | null): string | null {
  if (isVector(t)) {
    const n = typeBytes(t);
    return n >= 2 && n <= 16 ? `wl_v${n}` : null;
  }
  switch (t) {
    case I8: return 'uint8_t';
    case I16: return 'uint16_t';
    case I32: return 'uint32_t';
    case I64: return 'uint64_t';
    case I128: return 'unsigned __int128';
    case F32: return 'float';
    case F64: return 'double';
    case F16: return f16;
    case F128: return f128;
    default: return null;
  }
}

/** Compiles `functions` into one object. Failing functions become trap stubs, their errors returned. */
export function buildCrossObject(p: NativeProfile, functions: readonly Function[], targetLine: string, flags: Flags): {
  object: Uint8Array; errors: Map<string, string>; codes: Map<string, CompiledCode>;
} {
  const isa = buildIsa(targetLine, flags);
  const m = new ObjectModule({ target: p.objectTarget });
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
      m.defineFunction(id, { bytes: p.trapStub });
      continue;
    }
    codes.set(name, code);
    m.defineFunction(id, { bytes: code.bytes, relocs: code.relocations.map(rename), unwind: code.unwind, alignment: code.alignment });
  }
  return { object: m.finish(), errors, codes };
}

// ------------------------------------------------------------------ the C driver

const hex64 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}ull`;

/** A C expression of CLIF type `t` holding `v` (bits for floats, bytes for vectors in the driver's memory order). */
function cLiteral(v: Value, t: Type, ct: string, vec: (b: Uint8Array) => Uint8Array): string {
  if (v instanceof Uint8Array) return `wl_vec${typeBytes(t)}((const uint8_t[]){${Array.from(vec(v.subarray(0, typeBytes(t)))).join(',')}})`;
  const b = BigInt(v);
  switch (t) {
    case I128: return `(((unsigned __int128)${hex64(b >> 64n)} << 64) | ${hex64(b)})`;
    // A C compiler without a half-precision type passes f16 as a float holding it in its first
    // two bytes in memory, the others all ones: the low half NaN-boxed on a little-endian target
    // (RISC-V's convention), the high half on a big-endian one (s390x, where an FPR holds a
    // short float leftmost), as the value sits in a floating-point register.
    case F16: return ct === 'float'
      ? `({ uint16_t x = ${hex64(b)}; float f; memset(&f, 0xff, 4); memcpy(&f, &x, 2); f; })`
      : `({ uint16_t x = ${hex64(b)}; ${ct} f; memcpy(&f, &x, 2); f; })`;
    case F32: return `({ uint32_t x = ${hex64(b)}; float f; memcpy(&f, &x, 4); f; })`;
    case F64: return `({ uint64_t x = ${hex64(b)}; double f; memcpy(&f, &x, 8); f; })`;
    case F128: return `({ unsigned __int128 x = ((unsigned __int128)${hex64(b >> 64n)} << 64) | ${hex64(b)}; ${ct} f; memcpy(&f, &x, 16); f; })`;
    default: return `(${ct})${hex64(b)}`;
  }
}

/** A statement printing `expr` (of CLIF type `t`) as ` bits`. */
function printResult(expr: string, t: Type, ct: string): string {
  if (isVector(t)) return `{ ${ct} x = ${expr}; const uint8_t *p = (const uint8_t *)&x; printf(" "); for (int i = 0; i < ${typeBytes(t)}; i++) printf("%02x", p[i]); }`;
  switch (t) {
    case I128: return `{ unsigned __int128 x = ${expr}; printf(" %llx:%llx", (unsigned long long)(x >> 64), (unsigned long long)x); }`;
    case F16: return `{ ${ct} x = ${expr}; uint16_t b; memcpy(&b, &x, 2); printf(" %llx", (unsigned long long)b); }`;
    case F32: return `{ float x = ${expr}; uint32_t b; memcpy(&b, &x, 4); printf(" %llx", (unsigned long long)b); }`;
    case F64: return `{ double x = ${expr}; uint64_t b; memcpy(&b, &x, 8); printf(" %llx", (unsigned long long)b); }`;
    case F128: return `{ ${ct} x = ${expr}; unsigned __int128 b; memcpy(&b, &x, 16); printf(" %llx:%llx", (unsigned long long)(b >> 64), (unsigned long long)b); }`;
    default: return `printf(" %llx", (unsigned long long)(${ct})(${expr}));`;
  }
}

/** Parses what `printResult` printed back into an interpreter value. */
export function parseBits(text: string, t: Type): Value {
  if (isVector(t)) {
    const out = new Uint8Array(typeBytes(t));
    for (let k = 0; k < out.length; k++) out[k] = parseInt(text.slice(2 * k, 2 * k + 2), 16);
    return out;
  }
  if (t === I128 || t === F128) {
    const [hi, lo] = text.split(':');
    return (BigInt(`0x${hi}`) << 64n) | BigInt(`0x${lo}`);
  }
  const b = BigInt(`0x${text}`);
  switch (t) {
    case I8: return Number(b & 0xffn);
    case I16: case F16: return Number(b & 0xffffn);
    case I32: case F32: return Number(b & 0xffffffffn);
    default: return b;
  }
}

/** Why the driver cannot call `f` on this profile's target, or null. */
export function driverProblem(p: NativeProfile, f: Function): string | null {
  for (const x of [...f.signature.params, ...f.signature.returns]) {
    if (p.cType(x.type) === null) return `the ${p.isa} driver cannot pass ${typeName(x.type)}`;
  }
  return p.signatureProblem?.(f.signature) ?? null;
}

/**
 * The C driver calling each case that is not skipped; `R k bits...` or `T k signal` per case.
 * `codes` (function name -> compiled code) feeds the profile's runtime, when it has one.
 */
export function crossDriverSource(p: NativeProfile, cases: readonly RunCase[], skip: readonly boolean[], codes?: ReadonlyMap<string, CompiledCode>): string {
  const out: string[] = [
    '#include <stdint.h>', '#include <stdio.h>', '#include <string.h>', '#include <signal.h>', '#include <setjmp.h>', '#include <stdlib.h>',
    'static sigjmp_buf env;',
    'static void on_signal(int sig) { siglongjmp(env, sig); }',
  ];
  for (let n = 2; n <= 16; n *= 2) {
    out.push(`typedef uint8_t wl_v${n} __attribute__((vector_size(${n})));`);
    out.push(`static wl_v${n} wl_vec${n}(const uint8_t *b) { wl_v${n} v; memcpy(&v, b, ${n}); return v; }`);
  }
  if (p.captureThunkAsm !== undefined) {
    out.push('void *wl_pop_target;', `_Alignas(16) unsigned char wl_cap[${p.captureBytes ?? 64}];`, 'extern char wl_capture_thunk[];');
    out.push(`__asm__(${JSON.stringify(p.captureThunkAsm)});`);
  }
  if (p.runtimeSource !== undefined && codes !== undefined) out.push(p.runtimeSource(codes, testSymbol));
  const declared = new Set<string>();
  const body: string[] = [];
  cases.forEach((c, k) => {
    if (skip[k]) return;
    const sig = c.callee.signature;
    const sym = testSymbol(fnSymbolName(c.callee));
    const ct = (t: Type): string => p.cType(t)!;
    const mt = (t: Type): string => p.memberCType?.(t) ?? ct(t);
    const params = sig.params.map((x) => ct(x.type)).join(', ') || 'void';
    const capture = p.captureReturns?.(sig) ?? null;
    const ret = sig.returns.length === 0 ? 'void' : sig.returns.length === 1 ? ct(sig.returns[0].type) : `struct ret_${sym}`;
    if (!declared.has(sym)) {
      declared.add(sym);
      if (sig.returns.length >= 2) out.push(`struct ret_${sym} { ${sig.returns.map((r, j) => `${mt(r.type)} r${j};`).join(' ')} };`);
      out.push(`extern ${ret} ${sym}(${params});`);
    }
    const args = c.args.map((a, j) => {
      const t = sig.params[j].type;
      return cLiteral(a, t, ct(t), (b) => p.vectorBytes?.(b, t, sig.callConv) ?? b);
    }).join(', ');
    const lines: string[] = [`printf("R ${k}");`];
    if (capture !== null) {
      const cParams = capture.areaArgument ? `void *${params === 'void' ? '' : `, ${params}`}` : params;
      const cArgs = capture.areaArgument ? `(void *)wl_cap${args === '' ? '' : `, ${args}`}` : args;
      lines.push(`wl_pop_target = (void *)${sym}; ((void (*)(${cParams}))(void *)wl_capture_thunk)(${cArgs});`);
      sig.returns.forEach((r, j) => {
        const t = r.type;
        const hi = capture.hiOffsets?.[j];
        const expr = t === I128 && hi !== undefined
          ? `((unsigned __int128)*(uint64_t *)(wl_cap + ${hi}) << 64 | *(uint64_t *)(wl_cap + ${capture.offsets[j]}))`
          : `({ ${ct(t)} v; memcpy(&v, wl_cap + ${capture.offsets[j]}, sizeof v); v; })`;
        lines.push(printResult(expr, t, ct(t)));
      });
    } else if (sig.returns.length === 0) lines.push(`${sym}(${args});`);
    else if (sig.returns.length === 1) lines.push(printResult(`${sym}(${args})`, sig.returns[0].type, ct(sig.returns[0].type)));
    else {
      lines.push(`{ ${ret} r = ${sym}(${args});`);
      sig.returns.forEach((r, j) => lines.push(`  ${printResult(`r.r${j}`, r.type, mt(r.type))}`));
      lines.push('}');
    }
    lines.push('printf("\\n"); fflush(stdout);');
    body.push(`  if ((sig = sigsetjmp(env, 1)) == 0) {\n    ${lines.join('\n    ')}\n  } else { printf("\\nT ${k} %d\\n", sig); fflush(stdout); }`);
  });
  out.push(
    'int main(void) {',
    '  static char altstack[1 << 16];',
    '  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }; sigaltstack(&ss, 0);',
    '  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_signal; sa.sa_flags = SA_ONSTACK | SA_NODEFER;',
    '  int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP }; for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, 0);',
    '  int sig;',
    ...body,
    '  return 0;',
    '}',
  );
  return out.join('\n');
}

const SIGNALS: Record<number, string> = {
  4: 'SIGILL (trap instruction)', 8: 'SIGFPE', 11: 'SIGSEGV', 7: 'SIGBUS', 5: 'SIGTRAP',
  [UNCAUGHT_EXCEPTION]: 'uncaught exception (__cranelift_throw found no try_call handler for its tag)',
};

/** Whether every program in `names` runs on this host (cached per name). */
const present = new Map<string, boolean>();
export function hostHas(names: readonly string[]): true | string {
  for (const n of names) {
    let ok = present.get(n);
    if (ok === undefined) {
      ok = spawnSync('sh', ['-c', `command -v ${n}`], { stdio: 'ignore' }).status === 0;
      present.set(n, ok);
    }
    if (!ok) return `\`${n}\` is not installed (tools/setup.mjs installs it)`;
  }
  return true;
}

/** Compiles, links and runs one file's cases for `target` on `p`'s machine. */
export function runCross(p: NativeProfile, file: ClifFile, functions: readonly Function[], cases: readonly RunCase[], target: TargetSpec): RunOutcome[] {
  const skipWhy = p.skipTarget?.(target) ?? null;
  if (skipWhy !== null) return cases.map(() => ({ status: 'skip', message: skipWhy }));
  let built: ReturnType<typeof buildCrossObject>;
  try {
    built = buildCrossObject(p, functions, p.targetLine?.(target) ?? [p.isa, ...target.flags].join(' '), flagsFor(file, target));
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
    const problem = driverProblem(p, c.callee);
    if (problem !== null) {
      outcomes[k] = { status: 'fail', message: `unsupported: ${problem}` };
      return true;
    }
    return false;
  });
  if (skip.every((s) => s)) return outcomes as RunOutcome[];
  const dir = mkdtempSync(join(tmpdir(), `windlass-${p.isa}-`));
  try {
    writeFileSync(join(dir, 'code.o'), built.object);
    writeFileSync(join(dir, 'driver.c'), crossDriverSource(p, cases, skip, built.codes));
    const exe = join(dir, 'driver');
    const cc = spawnSync(p.cc, [...p.ccFlags, '-o', exe, join(dir, 'driver.c'), join(dir, 'code.o'), '-lm', ...(p.libs ?? [])], { encoding: 'utf8' });
    if (cc.status !== 0) {
      const msg = `link failed: ${(cc.stderr || cc.stdout || String(cc.error)).trim().split('\n').slice(0, 3).join(' | ')}`;
      return outcomes.map((o) => o ?? { status: 'fail', message: msg });
    }
    const [cmd, args] = p.runCommand(exe, target);
    const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    for (const line of (run.stdout ?? '').split('\n')) {
      const parts = line.trim().split(/\s+/);
      if (parts[0] === 'R' && parts.length >= 2) {
        const k = Number(parts[1]);
        const c = cases[k];
        if (c === undefined) continue;
        const types = c.callee.signature.returns.map((r) => r.type);
        if (parts.length - 2 !== types.length) continue;
        const cc = c.callee.signature.callConv;
        const got = types.map((t, j) => {
          const v = parseBits(parts[2 + j], t);
          return v instanceof Uint8Array && p.vectorBytes !== undefined ? p.vectorBytes(v, t, cc) : v;
        });
        outcomes[k] = compareResults(c, got, types);
      } else if (parts[0] === 'T' && parts.length >= 3) {
        outcomes[Number(parts[1])] = { status: 'fail', message: `trapped: ${SIGNALS[Number(parts[2])] ?? `signal ${parts[2]}`}` };
      }
    }
    const why = run.error ? run.error.message : run.signal ? `driver killed by ${run.signal}` : `driver exited with ${run.status}`;
    return outcomes.map((o) => o ?? { status: 'fail', message: `no result (${why})` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An execution backend for `windlass test --target <isa>` from a profile. */
export function crossBackend(p: NativeProfile, name = `${p.isa} (${p.runCommand('exe', { isa: p.isa, flags: [] })[0]})`): ExecutionBackend {
  return {
    name,
    supports(target) {
      if (target.isa !== p.isa) return `not ${p.isa}`;
      return hostHas(p.requires);
    },
    compileAndRun: (file, functions, cases, target) => runCross(p, file, functions, cases, target),
  };
}
