/**
 * The JavaScript API: a `Runtime` owns one loader process (for one ISA) in which artifacts are
 * loaded (`Module`) and instantiated (`Instance`), with imports between instances and WASI.
 * Every call is synchronous: it returns when the loader answered.
 */
import { readFileSync } from 'node:fs';
import { deserialize, type Artifact, type ArtifactExpectation, type ModuleInfo } from '@windlass/linker';
import { Connection, type StdioMode } from './connection';
import { LinkError, LoaderError, RuntimeCrash, TimeoutError, Trap, WasiExit, type WasmFrame } from './errors';
import { QEMU_CPU, hostIsa, loaderCommand, type LoaderIsa } from './loader-binary';
import { PROTOCOL_VERSION, Reader, Request, Status, Writer } from './protocol';
import { decodeValue, encodeValue, valueTypeOf, type ValueType, type WasmValue } from './values';
import { ComponentInstance, ComponentModule, instantiateComponent, type ComponentInstantiateOptions } from './component/component';
import { RUNTIME_FUNCTIONS } from '@windlass/linker';

export interface RuntimeOptions {
  /** The ISA of the artifacts (default: the host's; others run under qemu-user). */
  isa?: LoaderIsa;
  /** The loader process's stdin, stdout and stderr: guests write there unless captured. */
  stdio?: [StdioMode, StdioMode, StdioMode];
  /** Size of the wasm stack (default 8 MiB); deeper recursion traps with "call stack exhausted". */
  stackBytes?: number;
  /** The qemu-user CPU model for another ISA's loader (default: `QEMU_CPU[isa]`, every feature qemu has). */
  qemuCpu?: string;
  /** A loader command to use instead of the packaged one (testing). */
  loaderCommand?: string[];
}

export interface LoadOptions {
  /** Shared settings the artifact must have been compiled with (`['opt_level=speed']`); omitted: any. */
  settings?: string[];
  /** ISA flags it must have been compiled with. */
  isaFlags?: string[];
  /** Bounds-check strategy it must use; omitted: any (the loader reserves memories to fit). */
  boundsChecks?: 'explicit' | 'guard';
}

export interface WasiOptions {
  /** Program arguments, argv[0] included. */
  args?: string[];
  /** Environment as `NAME=value` strings (default: none). */
  env?: string[];
  /** Preopened directories: guest name -> host path. Nothing else of the file system is reachable. */
  preopens?: Record<string, string>;
  /** Where fd 0-2 go: the loader's own stdio (`inherit`, default), nowhere (`null`), or captured (`capture`: read with `Instance.output()`). */
  stdin?: 'inherit' | 'null';
  stdout?: 'inherit' | 'capture' | 'null';
  stderr?: 'inherit' | 'capture' | 'null';
}

export interface InstantiateOptions {
  /** Instances whose exports satisfy imports, by import module name. */
  imports?: Record<string, Instance>;
  /** WASI preview 1 for `wasi_snapshot_preview1` imports. */
  wasi?: WasiOptions;
  /** Time limit of the start function, in milliseconds (0: none). */
  timeoutMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
}

export interface FunctionType {
  params: ValueType[];
  results: ValueType[];
}

export interface ModuleExport {
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global';
  /** Functions: their type. */
  type?: FunctionType;
}

const KINDS = ['func', 'table', 'memory', 'global'] as const;
const STDIO = { inherit: 0, capture: 1, null: 2 } as const;

export class Module {
  constructor(
    readonly runtime: Runtime,
    readonly artifact: Artifact,
    /** The loader's id of the artifact. */
    readonly id: number,
  ) {}

  get info(): ModuleInfo {
    return this.artifact.modules[0];
  }

  /** The type of function `index`. */
  functionType(index: number): FunctionType {
    const m = this.info;
    const s = this.artifact.signatures[m.types[m.funcTypes[index]]];
    return { params: s.params.map(valueTypeOf), results: s.results.map(valueTypeOf) };
  }

  get exports(): ModuleExport[] {
    return this.info.exports.map((e) => (e.kind === 0 ? { name: e.name, kind: 'func', type: this.functionType(e.index) } : { name: e.name, kind: KINDS[e.kind] }));
  }

  get imports(): { module: string; name: string; kind: ModuleExport['kind'] }[] {
    return this.info.imports.map((i) => ({ module: i.module, name: i.name, kind: KINDS[i.desc.kind] }));
  }
}

export class Instance {
  constructor(
    readonly module: Module,
    /** The loader's id of the instance. */
    readonly id: number,
  ) {}

  private exported(name: string, kind: number): { index: number } {
    const e = this.module.info.exports.find((x) => x.name === name);
    if (!e) throw new LinkError(`no export named ${JSON.stringify(name)}`);
    if (e.kind !== kind) throw new LinkError(`export ${JSON.stringify(name)} is a ${KINDS[e.kind]}, not a ${KINDS[kind]}`);
    return e;
  }

  /** The type of exported function `name`. */
  functionType(name: string): FunctionType {
    return this.module.functionType(this.exported(name, 0).index);
  }

  /**
   * Calls exported function `name`. Returns its results; throws `Trap` (with the backtrace),
   * `WasiExit` (proc_exit), `TimeoutError` or `RuntimeCrash`.
   */
  invoke(name: string, args: WasmValue[] = [], opts: CallOptions = {}): WasmValue[] {
    const { index } = this.exported(name, 0);
    const m = this.module.info;
    const sig = this.module.artifact.signatures[m.types[m.funcTypes[index]]];
    if (args.length !== sig.params.length) throw new TypeError(`${name} takes ${sig.params.length} arguments, got ${args.length}`);
    const w = new Writer().u8(Request.Invoke).u32(this.id).str(name).u32(args.length);
    args.forEach((a, k) => w.bytes(encodeValue(a, sig.params[k], `argument ${k} of ${name}`)));
    w.u32(opts.timeoutMs ?? 0);
    const r = this.module.runtime.call(w.finish(), opts.timeoutMs ?? 0);
    const n = r.u32();
    const out: WasmValue[] = [];
    for (let k = 0; k < n; k++) {
      const t = r.u8();
      out.push(decodeValue(t, r.bytes(16)));
    }
    return out;
  }

  /** Runs the WASI command `_start` and returns its exit code (0 when it returns normally). */
  run(opts: CallOptions = {}): number {
    try {
      this.invoke('_start', [], opts);
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    }
  }

  /** The value of exported global `name`. */
  global(name: string): WasmValue {
    this.exported(name, 3);
    const r = this.module.runtime.call(new Writer().u8(Request.Global).u32(this.id).str(name).finish(), 0);
    const t = r.u8();
    return decodeValue(t, r.bytes(16));
  }

  /** What the guest wrote to captured stdout / stderr since the last call. */
  output(): { stdout: Uint8Array; stderr: Uint8Array } {
    const r = this.module.runtime.call(new Writer().u8(Request.Output).u32(this.id).finish(), 0);
    const stdout = Uint8Array.from(r.bytes(r.u32()));
    const stderr = Uint8Array.from(r.bytes(r.u32()));
    return { stdout, stderr };
  }
}

export class Runtime {
  readonly isa: LoaderIsa;
  private readonly conn: Connection;
  /** The symbols the loader provides for relocations (from its greeting). */
  readonly symbols: string[];

  constructor(opts: RuntimeOptions = {}) {
    const isa = opts.isa ?? hostIsa();
    if (!isa) throw new LoaderError(`no Windlass loader for this host (${process.arch})`);
    this.isa = isa;
    const env = { ...process.env };
    if (opts.stackBytes !== undefined) env.WINDLASS_STACK_BYTES = String(opts.stackBytes);
    this.conn = new Connection(opts.loaderCommand ?? loaderCommand(isa, opts.qemuCpu ?? QEMU_CPU[isa]), { stdio: opts.stdio, env });
    const r = this.call(new Writer().u8(Request.Hello).finish(), 0);
    const version = r.u32();
    const arch = r.str();
    this.symbols = r.str().split(' ');
    if (version !== PROTOCOL_VERSION || arch !== isa) {
      this.conn.kill();
      throw new LoaderError(`the loader speaks protocol ${version} for ${arch}; expected ${PROTOCOL_VERSION} for ${isa}`);
    }
  }

  /** The loader process's id (what runs the code: its CPU time is the guests' run time). */
  get loaderPid(): number | undefined {
    return this.conn.pid;
  }

  /** Sends a request; returns the reader after an OK status, throws the typed error otherwise. */
  call(payload: Uint8Array, timeoutMs: number): Reader {
    const r = new Reader(this.conn.request(payload));
    const status = r.u8();
    switch (status) {
      case Status.Ok:
        return r;
      case Status.Trap: {
        const code = r.u32();
        const message = r.str();
        const n = r.u32();
        const frames: WasmFrame[] = [];
        for (let k = 0; k < n; k++) {
          r.u32(); // artifact
          r.u32(); // module
          const func = r.u32();
          const off = r.u32();
          frames.push({ func, wasmOffset: off === 0xffffffff ? undefined : off, name: r.str() });
        }
        throw new Trap(code, message, frames);
      }
      case Status.Exit:
        throw new WasiExit(r.u32() | 0);
      case Status.Link:
        throw new LinkError(r.str());
      case Status.Crash: {
        const signal = r.u32();
        throw new RuntimeCrash(signal, r.str());
      }
      case Status.Timeout:
        throw new TimeoutError(timeoutMs);
      default:
        throw new LoaderError(r.str());
    }
  }

  /**
   * Loads an artifact (bytes or a file path): checks it with the linker's `deserialize` against
   * this runtime's ISA and `opts`, then has the loader map it. Throws `ArtifactError`.
   */
  load(artifact: Uint8Array | string, opts: LoadOptions = {}): Module {
    const { a, id } = this.loadArtifact(artifact, opts, 'module');
    return new Module(this, a, id);
  }

  /** Loads a component artifact (`compileComponent`'s); like `load`, with the same checks. */
  loadComponent(artifact: Uint8Array | string, opts: LoadOptions = {}): ComponentModule {
    const { a, id } = this.loadArtifact(artifact, opts, 'component');
    return new ComponentModule(this, a, id);
  }

  private loadArtifact(artifact: Uint8Array | string, opts: LoadOptions, kind: 'module' | 'component'): { a: Artifact; id: number } {
    const bytes = typeof artifact === 'string' ? new Uint8Array(readFileSync(artifact)) : artifact;
    const expected: ArtifactExpectation = { isa: this.isa, settings: opts.settings, isaFlags: opts.isaFlags, kind };
    if (opts.boundsChecks) expected.wasm = { boundsChecks: opts.boundsChecks };
    const a = deserialize(bytes, expected);
    const r = this.call(new Writer().u8(Request.Load).sized(bytes).finish(), 0);
    return { a, id: r.u32() };
  }

  /**
   * Instantiates a loaded component: its imports are checked against the items given (types,
   * resources by identity), then the loader runs its instantiation plan. Throws `LinkError`,
   * or the `Trap` of a start function.
   */
  instantiateComponent(module: ComponentModule, opts: ComponentInstantiateOptions = {}): ComponentInstance {
    return instantiateComponent(this, module, opts, RUNTIME_FUNCTIONS);
  }

  instantiate(module: Module, opts: InstantiateOptions = {}): Instance {
    if (module.runtime !== this) throw new LinkError('the module was loaded by another runtime');
    const w = new Writer().u8(Request.Instantiate).u32(module.id).u32(0);
    const bindings = Object.entries(opts.imports ?? {});
    const wasiName = 'wasi_snapshot_preview1';
    const count = bindings.length + (opts.wasi ? 1 : 0);
    w.u32(count);
    for (const [name, inst] of bindings) {
      if (inst.module.runtime !== this) throw new LinkError(`import ${name}: the instance belongs to another runtime`);
      w.str(name).u8(0).u32(inst.id);
    }
    if (opts.wasi) w.str(wasiName).u8(1).u32(0);
    if (opts.wasi) {
      const wasi = opts.wasi;
      const list = (xs: string[]): void => {
        w.u32(xs.length);
        for (const x of xs) w.str(x);
      };
      w.u8(1);
      list(wasi.args ?? []);
      list(wasi.env ?? []);
      const pre = Object.entries(wasi.preopens ?? {});
      w.u32(pre.length);
      for (const [guest, host] of pre) w.str(guest).str(host);
      w.u8(STDIO[wasi.stdin ?? 'inherit']).u8(STDIO[wasi.stdout ?? 'inherit']).u8(STDIO[wasi.stderr ?? 'inherit']);
    } else w.u8(0);
    w.u32(opts.timeoutMs ?? 0);
    const r = this.call(w.finish(), opts.timeoutMs ?? 0);
    return new Instance(module, r.u32());
  }

  /** The loader's process id (for measurements). */
  get pid(): number | undefined {
    return this.conn.pid;
  }

  /** Ends the loader process. */
  close(): void {
    this.conn.close();
  }
}
