/**
 * Runs wasm spec scripts natively on x86-64 (`windlass wast --target x86_64`), for the code
 * that needs no runtime: functions translated by `@windlass/wasm-frontend` whose IR uses the
 * `vmctx` only to pass it on to direct calls of other such functions (see `analyzeModule`).
 * Those functions are stateless, so every call a script makes to one instance can run in one
 * batch: the instance's functions are compiled by the x86-64 backend into one ELF object
 * (`buildObject` of the filetest runner), linked with a generated C driver (`driver.ts`) and
 * run once. Everything else (memories, tables, globals, calls to imports, libcalls, `get` of
 * globals, and telling whether a module links and instantiates) needs the wasm runtime, which
 * does not exist natively yet: those assertions are reported as skipped by the runner
 * (`WastUnsupported`), never as passed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Function as IrFunction } from '@windlass/ir';
import { buildIsa, defaultFlags, settingsBuilder, type CompiledCode, type Flags } from '@windlass/codegen';
import { ExternKind, StandardEnvironment, VmctxLayout, WASM_TRAP_MESSAGES, translateFunction, type FuncType, type Module } from '@windlass/wasm-frontend';
import { buildObject, fnSymbolName, testSymbol } from '../native/x64';
import { WastExhaustion, WastTrap, type WastEngine, type WastInstance } from './engine';
import { HarnessError, valTypeOf, type WastValue } from './values';
import { analyzeModule, type FunctionPurity } from './purity';
import { decodeResults, driverSource, type DriverCall, type DriverFunction } from './driver';
import { WastUnsupported } from './unsupported';

export { WastUnsupported } from './unsupported';

/** Why an assertion is skipped natively: the brief's wording plus the specific need. */
export function runtimeReason(detail: string): string {
  return `needs the wasm runtime: memory/table/globals/imports (${detail})`;
}

/** One call a script makes, as the runner collects it before running (`prepare`). */
export interface PlannedCall {
  field: string;
  args: WastValue[];
}

type Outcome =
  | { kind: 'values'; values: WastValue[] }
  | { kind: 'trap'; message: string }
  | { kind: 'exhaustion' }
  | { kind: 'error'; message: string };

interface NativeInstance extends WastInstance {
  functions: IrFunction[];
  purity: FunctionPurity[];
  exports: Map<string, { kind: ExternKind; index: number }>;
  /** Results by call key (`callKey`). */
  cache: Map<string, Outcome>;
  compiled?: { object: Uint8Array; errors: Map<string, string>; codes: Map<string, CompiledCode> };
}

/** A call error that is neither a trap nor exhaustion: a crash, a timeout, a compile error. */
export class NativeRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeRunError';
  }
}

let hostChecked: string | null | undefined;

/** Why this host cannot link and run x86-64 code, or null when it can. */
export function nativeHostProblem(): string | null {
  if (hostChecked === undefined) {
    if (process.arch !== 'x64') hostChecked = `the host is ${process.arch}, not x86_64`;
    else hostChecked = spawnSync('cc', ['--version'], { encoding: 'utf8' }).status === 0 ? null : 'no C compiler (`cc`) on this host';
  }
  return hostChecked;
}

export interface NativeEngineOptions {
  /** A CLIF target line: `x86_64`, optionally with ISA flags (`x86_64 has_avx2`). */
  target?: string;
  /** Shared settings (`opt_level=speed`, ...). */
  settings?: string[];
  /** Per-call time limit in the driver, in seconds. */
  callTimeout?: number;
}

function callKey(field: string, args: readonly WastValue[], handles: (ref: unknown) => number): string {
  return JSON.stringify([field, args.map((a) => argWords(a, handles))]);
}

/** The 64-bit words a value is passed as (v128: two, low half first). */
function argWords(v: WastValue, handles: (ref: unknown) => number): string[] {
  if (v.type === 'funcref' || v.type === 'externref') {
    const ref = (v as { ref: unknown }).ref;
    return [ref === null ? '0' : String(handles(ref))];
  }
  const b = (v as { bytes: Uint8Array }).bytes;
  const words: string[] = [];
  for (let at = 0; at < b.length; at += 8) {
    let x = 0n;
    for (let k = Math.min(8, b.length - at) - 1; k >= 0; k--) x = (x << 8n) | BigInt(b[at + k]);
    words.push(x.toString());
  }
  return words;
}

export class NativeEngine implements WastEngine {
  readonly name = 'x86_64 (native)';
  private readonly targetLine: string;
  private readonly flags: Flags;
  private readonly hostProblem: string | null;
  private readonly callTimeout: number;
  private readonly handles: unknown[] = [null];
  private readonly handleOf = new Map<unknown, number>();

  constructor(opts: NativeEngineOptions = {}) {
    this.targetLine = opts.target ?? 'x86_64';
    if (!/^x86_64\b/.test(this.targetLine)) throw new HarnessError(`native wasm execution supports x86_64 only, not ${this.targetLine}`);
    if (opts.settings?.length) {
      const b = settingsBuilder();
      for (const s of opts.settings) b.apply(s);
      this.flags = b.finish();
    } else this.flags = defaultFlags();
    buildIsa(this.targetLine, this.flags); // a bad target line or ISA flag fails here, once
    this.hostProblem = nativeHostProblem();
    this.callTimeout = opts.callTimeout ?? 10;
  }

  instantiate(_bytes: Uint8Array, m: Module): WastInstance {
    if (this.hostProblem) throw new WastUnsupported(`cannot run x86-64 code: ${this.hostProblem}`);
    // Linking, segments and the start function only touch what pure functions cannot see:
    // they are not run (see `instantiationUnsupported`).
    const env = new StandardEnvironment(m, { namespace: 0 });
    const functions: IrFunction[] = [];
    for (let i = 0; i < m.bodies.length; i++) {
      try {
        functions.push(translateFunction(m, i, env));
      } catch (e) {
        throw new HarnessError(`translation failed: ${(e as Error).message}`);
      }
    }
    const exports = new Map<string, { kind: ExternKind; index: number }>();
    for (const e of m.exports) exports.set(e.name, { kind: e.kind, index: e.index });
    const inst: NativeInstance = { module: m, functions, purity: analyzeModule(m, functions, 0), exports, cache: new Map() };
    return inst;
  }

  /**
   * Instantiation is not run natively: imports are not resolved, active segments not copied,
   * the start function not called. None of that is visible to pure functions, and a `module`
   * command of a valid script instantiates; but whether a module fails to link or to
   * instantiate cannot be told here when it does any of those things.
   */
  instantiationUnsupported(m: Module): string | undefined {
    if (this.hostProblem) return `cannot run x86-64 code: ${this.hostProblem}`;
    const needs: string[] = [];
    if (m.imports.length > 0) needs.push('imports');
    if (m.data.some((d) => d.mode === 'active') || m.elements.some((e) => e.mode === 'active')) needs.push('active segments');
    if (m.start !== undefined) needs.push('start function');
    return needs.length ? runtimeReason(`instantiation: ${needs.join(', ')}`) : undefined;
  }

  register(_name: string, _inst: WastInstance): void {
    // Importing modules need the runtime: nothing to record.
  }

  get(_inst: WastInstance, _field: string): WastValue {
    throw new WastUnsupported(runtimeReason('globals'));
  }

  /** The defined-function index of an export, or throws why it cannot be called natively. */
  private callee(inst: NativeInstance, field: string): { defined: number; type: FuncType } {
    const ex = inst.exports.get(field);
    if (!ex || ex.kind !== ExternKind.Func) throw new HarnessError(`no exported function ${JSON.stringify(field)}`);
    const m = inst.module;
    if (ex.index < m.numImportedFuncs) throw new WastUnsupported(runtimeReason('imported function'));
    const defined = ex.index - m.numImportedFuncs;
    const p = inst.purity[defined];
    if (!p.pure) throw new WastUnsupported(runtimeReason(p.reason!));
    return { defined, type: m.types[m.funcTypes[ex.index]] };
  }

  /**
   * Runs, in one driver, every call in `calls` that can run natively and is not cached yet;
   * `invoke` then answers from the cache. Calls that cannot run are left for `invoke` to reject.
   */
  prepare(instance: WastInstance, calls: readonly PlannedCall[]): void {
    const inst = instance as NativeInstance;
    const todo = new Map<string, PlannedCall>();
    for (const c of calls) {
      try {
        if (this.callee(inst, c.field).type.params.length !== c.args.length) continue;
      } catch {
        continue;
      }
      const key = callKey(c.field, c.args, (r) => this.handle(r));
      if (!inst.cache.has(key) && !todo.has(key)) todo.set(key, c);
    }
    if (todo.size > 0) this.runBatch(inst, [...todo.entries()]);
  }

  invoke(instance: WastInstance, field: string, args: WastValue[]): WastValue[] {
    const inst = instance as NativeInstance;
    const { type } = this.callee(inst, field);
    if (args.length !== type.params.length) throw new HarnessError(`${field} takes ${type.params.length} arguments, got ${args.length}`);
    const key = callKey(field, args, (r) => this.handle(r));
    if (!inst.cache.has(key)) this.runBatch(inst, [[key, { field, args }]]);
    const o = inst.cache.get(key)!;
    switch (o.kind) {
      case 'values':
        return o.values;
      case 'trap':
        throw new WastTrap(o.message);
      case 'exhaustion':
        throw new WastExhaustion('call stack exhausted');
      default:
        throw new NativeRunError(o.message);
    }
  }

  private handle(ref: unknown): number {
    let h = this.handleOf.get(ref);
    if (h === undefined) {
      h = this.handles.length;
      this.handles.push(ref);
      this.handleOf.set(ref, h);
    }
    return h;
  }

  private compile(inst: NativeInstance): NonNullable<NativeInstance['compiled']> {
    if (!inst.compiled) {
      const pure = inst.functions.filter((_, i) => inst.purity[i].pure);
      inst.compiled = buildObject(pure, this.targetLine, this.flags);
    }
    return inst.compiled;
  }

  private runBatch(inst: NativeInstance, calls: [string, PlannedCall][]): void {
    let built: NonNullable<NativeInstance['compiled']>;
    try {
      built = this.compile(inst);
    } catch (e) {
      const message = `compile: ${e instanceof Error ? e.message : String(e)}`;
      for (const [key] of calls) inst.cache.set(key, { kind: 'error', message });
      return;
    }
    // The object's functions, for the driver (a trap's rip is looked up among them all).
    const syms: string[] = [];
    const fnIndex = new Map<string, number>();
    const functions: DriverFunction[] = [];
    for (const f of inst.functions) {
      const sym = fnSymbolName(f);
      const code = built.codes.get(sym);
      if (!code) continue;
      fnIndex.set(sym, functions.length);
      syms.push(sym);
      functions.push({ symbol: testSymbol(sym), signature: f.signature, size: code.bytes.length });
    }
    const runnable: { key: string; call: DriverCall; type: FuncType }[] = [];
    for (const [key, c] of calls) {
      const { defined, type } = this.callee(inst, c.field);
      // Every function a call can reach must have compiled: a failed one is a `ud2` stub.
      const failed = [...inst.purity[defined].reaches].map((d) => fnSymbolName(inst.functions[d])).find((s) => built.errors.has(s));
      if (failed !== undefined) {
        inst.cache.set(key, { kind: 'error', message: `compile ${failed}: ${built.errors.get(failed)!}` });
        continue;
      }
      const words = c.args.flatMap((a) => argWords(a, (r) => this.handle(r)).map((w) => BigInt(w)));
      runnable.push({ key, call: { fn: fnIndex.get(fnSymbolName(inst.functions[defined]))!, args: words }, type });
    }
    if (runnable.length === 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'windlass-wasm-'));
    try {
      writeFileSync(join(dir, 'code.o'), built.object);
      const vmctxBytes = new VmctxLayout(inst.module).size;
      // A driver that dies (a crash the signal handler cannot recover from) loses the calls
      // after the one that killed it: those run again in a new driver, a few times at most.
      let rest = runnable;
      for (let attempt = 0; rest.length > 0; attempt++) {
        const results = this.runDriver(dir, functions, rest.map((r) => r.call), vmctxBytes);
        if (typeof results === 'string') {
          for (const r of rest) inst.cache.set(r.key, { kind: 'error', message: results });
          return;
        }
        let lost = -1;
        rest.forEach((r, k) => {
          const res = results.results[k];
          if (res === undefined) {
            if (lost < 0) lost = k;
            inst.cache.set(r.key, { kind: 'error', message: `no result (${results.why})` });
          } else if (res.kind === 'returned') {
            inst.cache.set(r.key, { kind: 'values', values: r.type.results.map((t, j) => this.fromWords(t, res.values[j])) });
          } else if (res.kind === 'error') {
            inst.cache.set(r.key, { kind: 'error', message: res.message });
          } else {
            // A signal: a trap site, stack exhaustion, or a crash.
            inst.cache.set(r.key, this.classifyFault(res, functions, built.codes, syms));
          }
        });
        rest = lost < 0 || attempt >= 10 ? [] : rest.slice(lost + 1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Links and runs one driver: the decoded results and why it ended, or why it could not run. */
  private runDriver(
    dir: string,
    functions: readonly DriverFunction[],
    calls: readonly DriverCall[],
    vmctxBytes: number,
  ): { results: ReturnType<typeof decodeResults>; why: string } | string {
    writeFileSync(join(dir, 'driver.c'), driverSource(functions, calls, this.callTimeout, vmctxBytes));
    const exe = join(dir, 'driver');
    const cc = spawnSync('cc', ['-O0', '-w', '-no-pie', '-o', exe, join(dir, 'driver.c'), join(dir, 'code.o'), '-lm'], { encoding: 'utf8' });
    if (cc.status !== 0) return `link failed: ${(cc.stderr || cc.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 + calls.length * 100, maxBuffer: 256 << 20 });
    const why = run.error ? run.error.message : run.signal ? `driver killed by ${run.signal}` : `driver exited with ${run.status}`;
    return { results: decodeResults(run.stdout ?? '', functions, calls), why };
  }

  private classifyFault(
    res: { kind: 'signal'; signal: number; rip: bigint; addr: bigint; rsp: bigint; stackTop: bigint; where?: { fn: number; offset: number } },
    functions: readonly DriverFunction[],
    codes: Map<string, CompiledCode>,
    syms: readonly string[],
  ): Outcome {
    if (res.signal === 14) return { kind: 'error', message: `timed out after ${this.callTimeout}s` };
    if (res.where) {
      const code = codes.get(syms[res.where.fn]);
      const site = code?.traps.find((t) => t.offset === res.where!.offset);
      if (site) return { kind: 'trap', message: WASM_TRAP_MESSAGES[site.code] ?? `trap code ${site.code}` };
    }
    // A SIGSEGV next to the stack pointer, deep in the stack: the guard page (stack overflow).
    const depth = res.stackTop - res.rsp;
    const dist = res.addr > res.rsp ? res.addr - res.rsp : res.rsp - res.addr;
    if ((res.signal === 11 || res.signal === 7) && depth > 1n << 18n && dist < 1n << 20n) return { kind: 'exhaustion' };
    const at = res.where ? `${functions[res.where.fn].symbol}+0x${res.where.offset.toString(16)}` : `0x${res.rip.toString(16)} (outside the compiled code)`;
    return { kind: 'error', message: `crashed: signal ${res.signal} at ${at}, fault address 0x${res.addr.toString(16)}, not a trap site` };
  }

  private fromWords(t: number, words: readonly bigint[]): WastValue {
    const type = valTypeOf(t);
    if (type === 'funcref' || type === 'externref') {
      const n = Number(words[0]);
      if (n === 0) return { type, ref: null };
      return { type, ref: type === 'externref' ? this.handles[n] : n };
    }
    const size = type === 'v128' ? 16 : type === 'i32' || type === 'f32' ? 4 : 8;
    const bytes = new Uint8Array(size);
    for (let k = 0; k < size; k++) bytes[k] = Number((words[k >> 3] >> BigInt(8 * (k & 7))) & 0xffn);
    return { type, bytes };
  }
}
