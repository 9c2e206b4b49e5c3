/**
 * Runs wasm spec scripts natively on x86-64 (`windlass wast --target x86_64`). Functions are
 * translated by `@windlass/wasm-frontend`'s `StandardEnvironment`, compiled by the x86-64
 * backend into one ELF object (`buildObject` of the filetest runner) and linked with a
 * generated C driver.
 *
 * Two paths:
 *  - Stateless modules (no memory, table, global, import, segment or start function, and only
 *    pure functions, see `analyzeModule`): calls are results of their arguments alone, so every
 *    call a script makes to the instance runs in one batch, deduplicated (`driver.ts`).
 *  - Everything else runs on the native runtime (`native-runtime.ts`): the driver builds the
 *    instance as the `VmctxLayout` says, instantiates it (segments, start function) and runs
 *    the script's commands for it (`invoke` and `get`) in script order; `prepare` runs them all
 *    ahead in one driver, replayed from the start when a command was not planned or the
 *    driver died. Instances that share state (an imported memory, table or mutable global, an
 *    imported function that is not pure, spectest's memory or table) join one group: the
 *    group's driver replays the log of its instantiations and commands, then runs the new one.
 *    Imported pure functions are linked into the importer's object; imported immutable globals
 *    are copied.
 *
 * What the harness cannot decide is reported as skipped (`WastUnsupported`), never as passed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Function as IrFunction } from '@windlass/ir';
import { buildIsa, defaultFlags, settingsBuilder, type CompiledCode, type Flags } from '@windlass/codegen';
import { StandardEnvironment, type BoundsChecks, VmctxLayout } from '@windlass/linker';
import { ExternKind, WASM_TRAP_MESSAGES, translateFunction, type ConstExpr, type FuncType, type Module } from '@windlass/wasm-frontend';
import { buildObject, fnSymbolName, testSymbol } from '../native/x64';
import { WastExhaustion, WastLinkError, WastTrap, type WastEngine, type WastInstance } from './engine';
import { HarnessError, valTypeOf, type WastValue } from './values';
import { analyzeModule, type FunctionPurity } from './purity';
import { decodeResults, driverSource, type DriverCall, type DriverFunction } from './driver';
import { WastUnsupported } from './unsupported';
import { SPECTEST_GLOBALS, decodeRuntimeOutput, runtimeDriverSource, type ImportSource, type InstancePlan, type RuntimeEvent, type RuntimePlan } from './native-runtime';

export { WastUnsupported } from './unsupported';

/** Why an assertion is skipped natively: the brief's wording plus the specific need. */
export function runtimeReason(detail: string): string {
  return `needs the wasm runtime: memory/table/globals/imports (${detail})`;
}

/** One call a script makes, as the runner collects it before running (`prepare`). */
export interface PlannedCall {
  field: string;
  args: WastValue[];
  /** `get` reads an exported global (default: `invoke`). */
  kind?: 'invoke' | 'get';
}

type Outcome =
  | { kind: 'values'; values: WastValue[] }
  | { kind: 'trap'; message: string }
  | { kind: 'exhaustion' }
  | { kind: 'error'; message: string };

/** A call's outcome as the runner expects it: its values, or the matching error thrown. */
function settle(o: Outcome): WastValue[] {
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

/** One command of a stateful instance's sequence, with its outcome once run. */
interface SeqEntry {
  key: string;
  command: { kind: 'invoke'; func: number; args: bigint[] } | { kind: 'get'; global: number };
  /** Result types (an invoke's results, or the global's type). */
  types: number[];
  outcome?: Outcome;
}

/** An event of a driver run: an instantiation, or a command of an instance. */
type Event =
  | { kind: 'instantiate'; inst: NativeInstance }
  | { kind: 'command'; inst: NativeInstance; entry: SeqEntry }
  | { kind: 'size'; inst: NativeInstance; table?: number };

/** What instantiating a stateful module natively needs (see `NativeEngine.link`). */
interface LinkPlan {
  imports: ImportSource[];
  /** Functions of other instances that imported functions run (pure ones only). */
  extra: IrFunction[];
  /** Instances whose state this one shares (they must run in the same driver). */
  joins: NativeInstance[];
  /** Imports spectest's memory or table (shared by every importer). */
  spectestShared: boolean;
  /** The values of imported globals, where constants decide them. */
  importedGlobals: (Uint8Array | undefined)[];
  /** Memory 0 and every table: the size it has at least (pages / elements) and its maximum. */
  memory?: { min: number; max: number };
  tables: { min: number; max: number }[];
}

/** The runtime state of an instance that runs through the native runtime (`native-runtime.ts`). */
interface StatefulState {
  link: LinkPlan;
  /** Commands already answered, in order (replayed when the driver must run again). */
  history: SeqEntry[];
  /** Commands run ahead by `prepare`, not yet asked for. */
  pending: SeqEntry[];
  /** Runs in the engine's group driver, with the instances it shares state with. */
  grouped: boolean;
}

/** Instances sharing state: one driver replays their log (instantiations and commands, in order). */
interface Group {
  members: NativeInstance[];
  log: Event[];
}

interface Compiled {
  object: Uint8Array;
  errors: Map<string, string>;
  codes: Map<string, CompiledCode>;
  plan: RuntimePlan;
  rawSymbols: string[];
}

interface NativeInstance extends WastInstance {
  namespace: number;
  functions: IrFunction[];
  purity: FunctionPurity[];
  exports: Map<string, { kind: ExternKind; index: number }>;
  /** Results by call key (`callKey`). */
  cache: Map<string, Outcome>;
  compiled?: { object: Uint8Array; errors: Map<string, string>; codes: Map<string, CompiledCode> };
  /** Set for modules with state (memory, tables, globals, imports, segments, start, impure code). */
  stateful?: StatefulState;
  /** Why this instance's later commands cannot be trusted natively (its state is shared). */
  tainted?: string;
}

const SPECTEST_PRINTS: Record<string, number[]> = {
  print: [],
  print_i32: [0x7f],
  print_i64: [0x7e],
  print_f32: [0x7d],
  print_f64: [0x7c],
  print_i32_f32: [0x7f, 0x7d],
  print_f64_f64: [0x7c, 0x7c],
};

function spectestGlobal(name: string): { type: number; bytes: Uint8Array } | undefined {
  const bytes = new Uint8Array(16);
  const dv = new DataView(bytes.buffer);
  switch (name) {
    case 'global_i32':
      dv.setUint32(0, 666, true);
      return { type: 0x7f, bytes };
    case 'global_i64':
      dv.setBigUint64(0, 666n, true);
      return { type: 0x7e, bytes };
    case 'global_f32':
      dv.setFloat32(0, 666.6, true);
      return { type: 0x7d, bytes };
    case 'global_f64':
      dv.setFloat64(0, 666.6, true);
      return { type: 0x7c, bytes };
    default:
      return undefined;
  }
}

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

/** Whether a module runs without any runtime state: then calls are batched without order. */
function isStateless(m: Module, purity: readonly FunctionPurity[]): boolean {
  return (
    m.imports.length === 0 && m.memories.length === 0 && m.tables.length === 0 && m.globals.length === 0 &&
    m.start === undefined && m.elements.length === 0 && m.data.length === 0 && purity.every((p) => p.pure)
  );
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
  /**
   * The frontend's bounds-check strategy: `explicit` (the default) compares against the
   * memory's length; `guard` relies on the runtime reserving 4 GiB plus a 4 GiB guard region
   * after every memory base, as the native runtime then does.
   */
  boundsChecks?: BoundsChecks;
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
  readonly specTrapMessages = true;
  private readonly targetLine: string;
  private readonly flags: Flags;
  private readonly hostProblem: string | null;
  private readonly callTimeout: number;
  private readonly boundsChecks: BoundsChecks;
  private readonly handles: unknown[] = [null];
  private readonly handleOf = new Map<unknown, number>();
  private namespace = 0;
  private readonly registry = new Map<string, NativeInstance>();
  private readonly sigIds = new Map<string, number>();
  private readonly group: Group = { members: [], log: [] };
  /** Compiled objects by the namespaces they hold. */
  private readonly objects = new Map<string, Compiled>();
  /** Set once an instantiation was refused: its registered name is then unknown here. */
  private sawUnsupported = false;

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
    this.boundsChecks = opts.boundsChecks ?? 'explicit';
  }

  instantiate(_bytes: Uint8Array, m: Module): WastInstance {
    if (this.hostProblem) throw new WastUnsupported(`cannot run x86-64 code: ${this.hostProblem}`);
    const ns = ++this.namespace;
    const env = new StandardEnvironment(m, { namespace: ns, boundsChecks: this.boundsChecks });
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
    const purity = analyzeModule(m, functions, ns);
    const inst: NativeInstance = { module: m, namespace: ns, functions, purity, exports, cache: new Map() };
    if (isStateless(m, purity)) return inst;
    let link: LinkPlan;
    try {
      link = this.link(m);
    } catch (e) {
      if (e instanceof WastUnsupported) this.sawUnsupported = true;
      throw e;
    }
    const grouped = link.joins.length > 0 || link.spectestShared;
    inst.stateful = { link, history: [], pending: [], grouped };
    if (grouped) {
      // Instantiation runs in the group's driver, after everything the group did so far; its
      // effects on shared state stay even when it fails.
      for (const j of link.joins) this.join(j);
      this.group.members.push(inst);
      const ev: Event = { kind: 'instantiate', inst };
      const r = this.runEvents(this.group.members, [...this.group.log, ev]);
      this.group.log.push(ev);
      const o = r.results[r.results.length - 1];
      if (o === 'instantiated') return inst;
      throw this.instantiationError(o);
    }
    let segmentTrap: string | undefined;
    try {
      segmentTrap = this.segmentTrap(m, link);
    } catch (e) {
      if (e instanceof WastUnsupported) this.sawUnsupported = true;
      throw e;
    }
    if (segmentTrap !== undefined) throw new WastTrap(segmentTrap);
    if (m.start !== undefined) {
      // Whether the start function traps decides instantiation: run it now (and again, from
      // the start, with the instance's commands).
      const r = this.runEvents([inst], [{ kind: 'instantiate', inst }]);
      if (r.results[0] !== 'instantiated') throw this.instantiationError(r.results[0]);
    }
    return inst;
  }

  private instantiationError(o: Outcome | 'instantiated' | undefined): Error {
    if (o === undefined) return new HarnessError('instantiation: no result');
    if (o === 'instantiated') return new HarnessError('instantiation: unexpected success');
    if (o.kind === 'trap') return new WastTrap(o.message);
    if (o.kind === 'exhaustion') return new WastTrap('call stack exhausted');
    return new HarnessError(`instantiation: ${o.kind === 'error' ? o.message : 'returned values'}`);
  }

  /** Moves a stateful instance into the group: its instantiation and history join the log. */
  private join(inst: NativeInstance): void {
    const st = inst.stateful!;
    if (st.grouped) return;
    st.grouped = true;
    st.pending = [];
    this.group.members.push(inst);
    this.group.log.push({ kind: 'instantiate', inst }, ...st.history.map((entry): Event => ({ kind: 'command', inst, entry })));
  }

  /** The i32 value of a constant offset expression, when the harness can tell it. */
  private constI32(m: Module, link: LinkPlan, e: ConstExpr | undefined): number | undefined {
    if (!e) return 0;
    if (e.op === 'i32.const') return e.value >>> 0;
    if (e.op !== 'global.get') return undefined;
    if (e.global < m.numImportedGlobals) {
      const b = link.importedGlobals[e.global];
      return b === undefined ? undefined : new DataView(b.buffer, b.byteOffset).getUint32(0, true);
    }
    return this.constI32(m, link, m.globalInits[e.global - m.numImportedGlobals]);
  }

  /** The trap message of the first active segment that does not fit, or undefined. */
  private segmentTrap(m: Module, link: LinkPlan): string | undefined {
    for (const seg of m.elements) {
      if (seg.mode !== 'active') continue;
      const off = this.constI32(m, link, seg.offset);
      if (off === undefined) throw new WastUnsupported(runtimeReason('element segment offset'));
      if (off + seg.items.length > link.tables[seg.table].min) return 'out of bounds table access';
    }
    for (const d of m.data) {
      if (d.mode !== 'active') continue;
      const off = this.constI32(m, link, d.offset);
      if (off === undefined) throw new WastUnsupported(runtimeReason('data segment offset'));
      if (off + (d.end - d.start) > (link.memory?.min ?? 0) * 65536) return 'out of bounds memory access';
    }
    return undefined;
  }

  /** The runtime id of a function type: equal for equal types. */
  private sigId(t: FuncType): number {
    const key = `${t.params.join(',')}>${t.results.join(',')}`;
    let id = this.sigIds.get(key);
    if (id === undefined) this.sigIds.set(key, (id = this.sigIds.size + 1));
    return id;
  }

  /**
   * Resolves the imports of a stateful module: throws `WastLinkError` when they do not link,
   * `WastUnsupported` when the harness cannot run it (multiple memories, imports from a module
   * not run natively). The instances it would share state with are then tainted: the script
   * expects them to see this module's effects, which are not run.
   */
  private link(m: Module): LinkPlan {
    const plan: LinkPlan = { imports: [], extra: [], joins: [], spectestShared: false, importedGlobals: [], tables: [] };
    const unsupported: string[] = [];
    if (m.memories.length > 1) unsupported.push('multiple memories');
    for (const imp of m.imports) {
      const what = `${imp.module}.${imp.name}`;
      const d = imp.desc;
      if (imp.module === 'spectest') {
        if (d.kind === ExternKind.Func) {
          const params = SPECTEST_PRINTS[imp.name];
          if (!params) throw new WastLinkError(`unknown import ${what}`);
          if (!sameType({ params, results: [] } as unknown as FuncType, m.types[d.typeIndex])) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'code', code: 'wl_host_nop' });
        } else if (d.kind === ExternKind.Global) {
          const g = spectestGlobal(imp.name);
          if (!g) throw new WastLinkError(`unknown import ${what}`);
          if (g.type !== d.global.type || d.global.mutable) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'shared', from: 'spectest', index: SPECTEST_GLOBALS.indexOf(imp.name) });
          plan.importedGlobals.push(g.bytes);
        } else if (d.kind === ExternKind.Table) {
          if (imp.name !== 'table') throw new WastLinkError(`unknown import ${what}`);
          const lim = d.table.limits;
          if (d.table.elem !== 0x70 || lim.min > 10 || (lim.max !== undefined && lim.max < 20)) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'shared', from: 'spectest', index: 0 });
          plan.tables.push({ min: 10, max: 20 });
          plan.spectestShared = true;
        } else {
          if (imp.name !== 'memory') throw new WastLinkError(`unknown import ${what}`);
          const lim = d.memory.limits;
          if (lim.min > 1 || (lim.max !== undefined && lim.max < 2)) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'shared', from: 'spectest', index: 0 });
          plan.memory = { min: 1, max: 2 };
          plan.spectestShared = true;
        }
        continue;
      }
      const from = this.registry.get(imp.module);
      if (!from) {
        if (this.sawUnsupported) {
          unsupported.push(`import from ${JSON.stringify(imp.module)}, a module not run natively`);
          plan.imports.push({ kind: 'code', code: '0' });
          continue;
        }
        throw new WastLinkError(`unknown import ${what}`);
      }
      const ex = from.exports.get(imp.name);
      if (!ex || ex.kind !== d.kind) throw new WastLinkError(ex ? `incompatible import type for ${what}` : `unknown import ${what}`);
      const fm = from.module;
      const flink = from.stateful?.link;
      switch (d.kind) {
        case ExternKind.Func: {
          if (!sameType(fm.types[fm.funcTypes[ex.index]], m.types[d.typeIndex])) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push(this.exportedFunction(from, ex.index, plan));
          break;
        }
        case ExternKind.Global: {
          const gt = fm.globals[ex.index];
          if (gt.type !== d.global.type || gt.mutable !== d.global.mutable) throw new WastLinkError(`incompatible import type for ${what}`);
          const value = gt.mutable ? undefined : this.globalValue(from, ex.index);
          plan.importedGlobals.push(value);
          if (value !== undefined) plan.imports.push({ kind: 'value', bytes: value });
          else {
            plan.imports.push({ kind: 'shared', from: from.namespace, index: ex.index });
            plan.joins.push(from);
          }
          break;
        }
        case ExternKind.Table: {
          const t = flink!.tables[ex.index];
          const lim = d.table.limits;
          if (fm.tables[ex.index].elem !== d.table.elem || (lim.max !== undefined && (t.max === 0xffffffff || t.max > lim.max)))
            throw new WastLinkError(`incompatible import type for ${what}`);
          if (lim.min > t.min && lim.min > this.currentSize(from, ex.index)) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'shared', from: from.namespace, index: ex.index });
          plan.tables.push(t);
          plan.joins.push(from);
          break;
        }
        default: {
          const mm = flink!.memory!;
          const lim = (d as { memory: { limits: { min: number; max?: number } } }).memory.limits;
          if (lim.max !== undefined && (mm.max === 65536 || mm.max > lim.max)) throw new WastLinkError(`incompatible import type for ${what}`);
          if (lim.min > mm.min && lim.min > this.currentSize(from)) throw new WastLinkError(`incompatible import type for ${what}`);
          plan.imports.push({ kind: 'shared', from: from.namespace, index: ex.index });
          plan.memory = mm;
          plan.joins.push(from);
        }
      }
    }
    if (unsupported.length > 0) {
      for (const x of [...plan.joins, ...(plan.spectestShared ? this.group.members : [])]) x.tainted ??= `state shared with a later module (${unsupported[0]})`;
      throw new WastUnsupported(runtimeReason(unsupported[0]));
    }
    for (let i = m.numImportedTables; i < m.tables.length; i++) plan.tables.push({ min: m.tables[i].limits.min, max: m.tables[i].limits.max ?? 0xffffffff });
    if (m.memories.length > m.numImportedMemories) {
      const lim = m.memories[0].limits;
      plan.memory = { min: lim.min, max: lim.max ?? 65536 };
    }
    return plan;
  }

  /**
   * The current size of memory 0 (pages) or of table `table` (elements) of `from`, which may
   * have grown since instantiation: `from` joins the group, whose log runs up to now.
   */
  private currentSize(from: NativeInstance, table?: number): number {
    this.join(from);
    const r = this.runEvents(this.group.members, [...this.group.log, { kind: 'size', inst: from, table }]);
    const o = r.results[r.results.length - 1];
    if (o === undefined || o === 'instantiated' || o.kind !== 'values') throw new HarnessError(`cannot read the size of an imported ${table === undefined ? 'memory' : 'table'}: ${r.why}`);
    return Number(new DataView((o.values[0] as { bytes: Uint8Array }).bytes.buffer).getBigUint64(0, true));
  }

  /**
   * How an importer reaches function `index` of `from`: pure code is linked into the
   * importer's object (adding it to `plan.extra`); anything else runs in the group's driver
   * (adding `from` to `plan.joins`).
   */
  private exportedFunction(from: NativeInstance, index: number, plan: LinkPlan): ImportSource {
    const fm = from.module;
    if (index < fm.numImportedFuncs) {
      const src = from.stateful!.link.imports[fm.imports.findIndex((_, k) => this.importFuncIndex(fm, k) === index)];
      if (src.kind === 'code') return src;
    } else {
      const p = from.purity[index - fm.numImportedFuncs];
      if (p.pure) {
        for (const d of p.reaches) if (!plan.extra.includes(from.functions[d])) plan.extra.push(from.functions[d]);
        return { kind: 'code', code: testSymbol(fnSymbolName(from.functions[index - fm.numImportedFuncs])) };
      }
    }
    plan.joins.push(from);
    return { kind: 'funcref', from: from.namespace, index };
  }

  /** The function index import `k` of `m` defines, or -1 for other kinds. */
  private importFuncIndex(m: Module, k: number): number {
    let n = 0;
    for (let i = 0; i < k; i++) if (m.imports[i].desc.kind === ExternKind.Func) n++;
    return m.imports[k].desc.kind === ExternKind.Func ? n : -1;
  }

  /** The value of immutable global `g` of `from` as 16 bytes, when a constant decides it. */
  private globalValue(from: NativeInstance, g: number): Uint8Array | undefined {
    const fm = from.module;
    if (g < fm.numImportedGlobals) return from.stateful?.link.importedGlobals[g];
    const e = fm.globalInits[g - fm.numImportedGlobals];
    const bytes = new Uint8Array(16);
    const dv = new DataView(bytes.buffer);
    switch (e.op) {
      case 'i32.const':
        dv.setUint32(0, e.value >>> 0, true);
        return bytes;
      case 'i64.const':
        dv.setBigUint64(0, BigInt.asUintN(64, e.value), true);
        return bytes;
      case 'f32.const':
        dv.setUint32(0, e.bits >>> 0, true);
        return bytes;
      case 'f64.const':
        dv.setBigUint64(0, BigInt.asUintN(64, e.bits), true);
        return bytes;
      case 'v128.const':
        bytes.set(e.bytes.subarray(0, 16));
        return bytes;
      case 'ref.null':
        return bytes;
      case 'global.get':
        return this.globalValue(from, e.global);
      default:
        return undefined;
    }
  }

  /**
   * Whether the engine can tell if `m` links and instantiates: it cannot when instantiating it
   * would share state with another instance (see `link`).
   */
  instantiationUnsupported(m: Module): string | undefined {
    if (this.hostProblem) return `cannot run x86-64 code: ${this.hostProblem}`;
    if (m.imports.length === 0 && m.memories.length <= 1) return undefined;
    try {
      this.link(m);
    } catch (e) {
      if (e instanceof WastUnsupported) return e.message;
    }
    return undefined;
  }

  register(name: string, inst: WastInstance): void {
    this.registry.set(name, inst as NativeInstance);
  }

  get(instance: WastInstance, field: string): WastValue {
    const inst = instance as NativeInstance;
    const ex = inst.exports.get(field);
    if (!ex || ex.kind !== ExternKind.Global) throw new HarnessError(`no exported global ${JSON.stringify(field)}`);
    const [v] = this.sequenced(inst, { field, args: [], kind: 'get' });
    return v;
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
    if (inst.stateful) {
      this.prepareSequence(inst, calls);
      return;
    }
    const todo = new Map<string, PlannedCall>();
    for (const c of calls) {
      if (c.kind === 'get') continue;
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
    if (inst.stateful) return this.sequenced(inst, { field, args, kind: 'invoke' });
    const { type } = this.callee(inst, field);
    if (args.length !== type.params.length) throw new HarnessError(`${field} takes ${type.params.length} arguments, got ${args.length}`);
    const key = callKey(field, args, (r) => this.handle(r));
    if (!inst.cache.has(key)) this.runBatch(inst, [[key, { field, args }]]);
    return settle(inst.cache.get(key)!);
  }

  /** The sequence entry of a command of a stateful instance, or a `HarnessError` why none. */
  private entry(inst: NativeInstance, c: PlannedCall): SeqEntry {
    const m = inst.module;
    const ex = inst.exports.get(c.field);
    if (c.kind === 'get') {
      if (!ex || ex.kind !== ExternKind.Global) throw new HarnessError(`no exported global ${JSON.stringify(c.field)}`);
      return { key: JSON.stringify(['get', c.field]), command: { kind: 'get', global: ex.index }, types: [m.globals[ex.index].type] };
    }
    if (!ex || ex.kind !== ExternKind.Func) throw new HarnessError(`no exported function ${JSON.stringify(c.field)}`);
    const type = m.types[m.funcTypes[ex.index]];
    if (c.args.length !== type.params.length) throw new HarnessError(`${c.field} takes ${type.params.length} arguments, got ${c.args.length}`);
    const words = c.args.flatMap((a) => argWords(a, (r) => this.handle(r)).map((w) => BigInt(w)));
    return { key: callKey(c.field, c.args, (r) => this.handle(r)), command: { kind: 'invoke', func: ex.index, args: words }, types: type.results };
  }

  /** Runs ahead, in one driver, every command the script will give a (not grouped) stateful instance. */
  private prepareSequence(inst: NativeInstance, calls: readonly PlannedCall[]): void {
    const st = inst.stateful!;
    if (st.grouped) return;
    const entries: SeqEntry[] = [];
    for (const c of calls) {
      try {
        entries.push(this.entry(inst, c));
      } catch {
        // The command fails by itself when it runs; it never reaches the instance.
      }
    }
    if (entries.length === 0) return;
    this.runSolo(inst, [...st.history, ...entries], st.history.length);
    st.pending = entries;
  }

  /** Answers a command of a stateful instance, in script order. */
  private sequenced(inst: NativeInstance, c: PlannedCall): WastValue[] {
    if (inst.tainted) throw new WastUnsupported(runtimeReason(inst.tainted));
    const st = inst.stateful;
    if (!st) throw new WastUnsupported(runtimeReason('globals'));
    const e = this.entry(inst, c);
    let done: SeqEntry;
    if (st.grouped) {
      // The group's log, then this command.
      const ev: Event = { kind: 'command', inst, entry: e };
      const r = this.runEvents(this.group.members, [...this.group.log, ev]);
      const o = r.results[r.results.length - 1];
      e.outcome = o === undefined ? { kind: 'error', message: `no result (${r.why})` } : o === 'instantiated' ? { kind: 'error', message: 'no result' } : o;
      this.group.log.push(ev);
      done = e;
    } else if (st.pending.length > 0 && st.pending[0].key === e.key && st.pending[0].outcome) done = st.pending.shift()!;
    else {
      // Not run ahead (or out of order): replay the history, then this command.
      st.pending = [];
      this.runSolo(inst, [...st.history, e], st.history.length);
      done = e;
    }
    st.history.push(done);
    return settle(done.outcome!);
  }

  /**
   * Runs `entries` in order on a fresh instance and sets the outcomes of those from `from` on.
   * A driver that dies loses the commands after the one that killed it: the driver runs again
   * from the start without that command (a few times at most).
   */
  private runSolo(inst: NativeInstance, entries: SeqEntry[], from: number): void {
    const skip = new Set<number>();
    for (let attempt = 0; ; attempt++) {
      const keep = entries.map((_, i) => i).filter((i) => !skip.has(i));
      const r = this.runEvents([inst], [{ kind: 'instantiate', inst }, ...keep.map((i): Event => ({ kind: 'command', inst, entry: entries[i] }))]);
      const first = r.results[0];
      if (first !== 'instantiated') {
        const o: Outcome = first === undefined ? { kind: 'error', message: `instantiation did not finish (${r.why})` } : { kind: 'error', message: `instantiation failed: ${JSON.stringify(first)}` };
        for (let i = from; i < entries.length; i++) entries[i].outcome ??= o;
        return;
      }
      let lost = -1;
      keep.forEach((i, k) => {
        const o = r.results[k + 1];
        if (o === undefined || o === 'instantiated') {
          if (lost < 0) lost = i;
          if (i >= from) entries[i].outcome ??= { kind: 'error', message: `no result (${r.why})` };
        } else if (i >= from) entries[i].outcome = o;
      });
      if (lost < 0 || attempt >= 10) return;
      skip.add(lost);
    }
  }

  /** One object with the code of `members` (and the pure functions they import). */
  private compileMembers(members: readonly NativeInstance[]): Compiled {
    const key = members.map((m) => m.namespace).join(',');
    const cached = this.objects.get(key);
    if (cached) return cached;
    const all: IrFunction[] = [];
    const seen = new Set<string>();
    for (const inst of members) {
      for (const f of [...inst.functions, ...inst.stateful!.link.extra]) {
        const sym = fnSymbolName(f);
        if (seen.has(sym)) continue;
        seen.add(sym);
        all.push(f);
      }
    }
    const built = buildObject(all, this.targetLine, this.flags);
    const rawSymbols = all.map(fnSymbolName);
    const instances = new Map<number, InstancePlan>();
    for (const inst of members) {
      const m = inst.module;
      const env = new StandardEnvironment(m, { namespace: inst.namespace, boundsChecks: this.boundsChecks });
      instances.set(inst.namespace, {
        id: inst.namespace,
        module: m,
        layout: new VmctxLayout(m),
        imports: inst.stateful!.link.imports,
        defined: inst.functions.map((f) => testSymbol(fnSymbolName(f))),
        sigIds: m.types.map((t) => this.sigId(t)),
        signatures: m.types.map((_, i) => env.signature(i)),
      });
    }
    const plan: RuntimePlan = { guard: this.boundsChecks === 'guard', instances, symbols: rawSymbols.map((s) => ({ symbol: testSymbol(s), size: built.codes.get(s)?.bytes.length ?? 2 })) };
    const compiled: Compiled = { ...built, plan, rawSymbols };
    // Only the latest objects are kept (a group's grows by one member at a time).
    if (this.objects.size > 8) this.objects.clear();
    this.objects.set(key, compiled);
    return compiled;
  }

  /**
   * One driver run of `events` on `members` (fresh instances): per event, its outcome
   * (`instantiated` for a successful instantiation), undefined where the driver died first.
   */
  private runEvents(members: readonly NativeInstance[], events: readonly Event[]): { results: (Outcome | 'instantiated' | undefined)[]; why: string } {
    let built: Compiled;
    try {
      built = this.compileMembers(members);
    } catch (e) {
      const message = `compile: ${e instanceof Error ? e.message : String(e)}`;
      return { results: events.map(() => ({ kind: 'error', message })), why: 'compile' };
    }
    const rev: RuntimeEvent[] = events.map((e) =>
      e.kind === 'instantiate'
        ? { kind: 'instantiate', inst: e.inst.namespace }
        : e.kind === 'size'
          ? { kind: 'size', inst: e.inst.namespace, table: e.table }
          : e.entry.command.kind === 'get'
          ? { kind: 'get', inst: e.inst.namespace, global: e.entry.command.global }
          : { kind: 'invoke', inst: e.inst.namespace, func: e.entry.command.func, args: e.entry.command.args },
    );
    const dir = mkdtempSync(join(tmpdir(), 'windlass-wasm-'));
    try {
      writeFileSync(join(dir, 'code.o'), built.object);
      writeFileSync(join(dir, 'driver.c'), runtimeDriverSource(built.plan, rev, this.callTimeout));
      const exe = join(dir, 'driver');
      const cc = spawnSync('cc', ['-O0', '-w', '-no-pie', '-o', exe, join(dir, 'driver.c'), join(dir, 'code.o'), '-lm'], { encoding: 'utf8' });
      if (cc.status !== 0) {
        const message = `link failed: ${(cc.stderr || cc.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
        return { results: events.map(() => ({ kind: 'error', message })), why: 'link' };
      }
      const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 + events.length * 100, maxBuffer: 256 << 20 });
      const out = decodeRuntimeOutput(run.stdout ?? '', built.plan, rev);
      const why = out.gaveUp ?? (run.error ? run.error.message : run.signal ? `driver killed by ${run.signal}` : `driver exited with ${run.status}`);
      const results = out.results.map((r, k): Outcome | 'instantiated' | undefined => {
        if (r === undefined) return undefined;
        const e = events[k];
        const types = e.kind === 'command' ? e.entry.types : [0x7e];
        switch (r.kind) {
          case 'instantiated':
            return 'instantiated';
          case 'returned':
            return { kind: 'values', values: types.map((t, j) => this.fromWords(t, r.values[j])) };
          case 'global':
            return { kind: 'values', values: [this.fromWords(types[0], r.words)] };
          case 'hosttrap':
            return { kind: 'trap', message: WASM_TRAP_MESSAGES[r.code] ?? `trap code ${r.code}` };
          case 'error':
            return r;
          default: {
            const sym = r.where ? built.rawSymbols[r.where.fn] : undefined;
            if (sym !== undefined && built.errors.has(sym)) return { kind: 'error', message: `compile ${sym}: ${built.errors.get(sym)!}` };
            return this.classifyFault(r, built.plan.symbols, built.codes, built.rawSymbols);
          }
        }
      });
      return { results, why };
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
    functions: readonly { symbol: string }[],
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
