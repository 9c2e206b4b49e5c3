/**
 * Runs wasm spec scripts through AOT artifacts (`windlass wast --target x86_64`, or another ISA
 * whose backend is registered: its loader is cross-built and runs under qemu-user): every module
 * is compiled by `@windlass/linker` into an artifact, serialized, loaded back by
 * `@windlass/runtime` (which deserializes and checks it) and instantiated in the script's loader
 * process; `register`ed instances satisfy later imports, `spectest` is a compiled module too.
 * Calls run in script order in that one process, so state persists exactly as the script expects.
 */
import { spawnSync } from 'node:child_process';
import { buildIsa, defaultFlags, settingsBuilder, type Flags } from '@windlass/codegen';
import '@windlass/isa-x64';
import '@windlass/isa-aarch64';
import '@windlass/isa-riscv64';
import '@windlass/isa-s390x';
import { DEFAULT_BOUNDS_CHECKS, compileModule, serialize, type BoundsChecks } from '@windlass/linker';
import { LinkError, Runtime, Trap, compilerFor, decodeValue, encodeValue, hostIsa, type Instance, type LoaderIsa, type WasmValue } from '@windlass/runtime';
import type { Module } from '@windlass/wasm-frontend';
import { WastExhaustion, WastLinkError, WastTrap, type WastEngine, type WastInstance } from './engine';
import { spectestModule } from './spectest';
import { HarnessError, HostRef, type WastValue } from './values';
import { WastUnsupported } from './unsupported';

export interface ArtifactEngineOptions {
  /** A CLIF target line: `x86_64`, optionally with ISA flags (`x86_64 has_avx2`). */
  target?: string;
  /** Shared settings (`opt_level=speed`, ...). */
  settings?: string[];
  /** Per-call time limit, in seconds. */
  callTimeout?: number;
  /** Heap bounds checks of the compiled code (the runtime reserves guard regions for `guard`). */
  boundsChecks?: BoundsChecks;
}

const TRAP_STK_OVF = 255;
const CODE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

interface ArtifactInstance extends WastInstance {
  instance: Instance;
}

const LOADER_ISAS: readonly string[] = ['x86_64', 'aarch64', 'riscv64', 's390x'];
const hostChecked = new Map<string, string | null>();

function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why this host cannot run artifacts for `isa` (natively, or under qemu-user), or null when it can. */
export function artifactHostProblem(isa: string = 'x86_64'): string | null {
  let p = hostChecked.get(isa);
  if (p !== undefined) return p;
  if (process.platform !== 'linux') p = `the host is ${process.platform}, not Linux`;
  else if (!LOADER_ISAS.includes(isa)) p = `no loader for ${isa}`;
  else if (isa === hostIsa()) p = haveCommand('cc') ? null : 'no C compiler (cc) to build the loader';
  else if (!haveCommand(compilerFor(isa as LoaderIsa))) p = `no ${compilerFor(isa as LoaderIsa)} to build the ${isa} loader`;
  else p = haveCommand(`qemu-${isa}`) ? null : `no qemu-${isa} to run the ${isa} loader`;
  hostChecked.set(isa, p);
  return p;
}

export class ArtifactEngine implements WastEngine {
  readonly name: string;
  readonly specTrapMessages = true;
  private readonly target: string;
  private readonly isa: string;
  private readonly flags: Flags;
  private readonly settings: string[];
  private readonly boundsChecks: BoundsChecks;
  private readonly timeoutMs: number;
  private runtime: Runtime | undefined;
  private readonly registry = new Map<string, Instance>();
  /** Host references (externref) by handle, and their handles. */
  private readonly refs: unknown[] = [null];
  private readonly handles = new Map<unknown, bigint>();

  constructor(opts: ArtifactEngineOptions = {}) {
    this.target = opts.target ?? 'x86_64';
    this.settings = opts.settings ?? [];
    if (this.settings.length) {
      const b = settingsBuilder();
      for (const s of this.settings) b.apply(s);
      this.flags = b.finish();
    } else this.flags = defaultFlags();
    this.isa = buildIsa(this.target, this.flags).name; // a bad target line or setting fails here, once
    if (!LOADER_ISAS.includes(this.isa)) throw new HarnessError(`no loader runs ${this.isa} code`);
    this.name = `${this.isa} (AOT artifacts${this.isa === hostIsa() ? '' : `, qemu-${this.isa}`})`;
    this.boundsChecks = opts.boundsChecks ?? DEFAULT_BOUNDS_CHECKS;
    this.timeoutMs = (opts.callTimeout ?? 10) * 1000;
  }

  /** The script's loader, started on first use with `spectest` registered. */
  private rt(): Runtime {
    if (this.runtime) return this.runtime;
    const problem = artifactHostProblem(this.isa);
    if (problem) throw new WastUnsupported(`cannot run ${this.isa} code: ${problem}`);
    const rt = new Runtime({ isa: this.isa as LoaderIsa, stdio: ['ignore', 'ignore', 'inherit'] });
    this.runtime = rt;
    this.registry.set('spectest', rt.instantiate(this.load(spectestModule())));
    return rt;
  }

  private load(bytes: Uint8Array | Module) {
    const artifact = serialize(compileModule(bytes, { target: this.target, flags: this.flags, boundsChecks: this.boundsChecks }));
    return this.rt().load(artifact, { settings: this.settings, boundsChecks: this.boundsChecks });
  }

  instantiate(_bytes: Uint8Array, m: Module): WastInstance {
    const rt = this.rt();
    const module = this.load(m);
    try {
      const instance = rt.instantiate(module, { imports: Object.fromEntries(this.registry), timeoutMs: this.timeoutMs });
      return { module: m, instance } as ArtifactInstance;
    } catch (e) {
      throw this.outcome(e);
    }
  }

  register(name: string, inst: WastInstance): void {
    this.registry.set(name, (inst as ArtifactInstance).instance);
  }

  private handle(ref: unknown): bigint {
    let h = this.handles.get(ref);
    if (h === undefined) {
      h = BigInt(this.refs.length);
      this.refs.push(ref);
      this.handles.set(ref, h);
    }
    return h;
  }

  private toWasm(v: WastValue): WasmValue {
    if (v.type === 'funcref' || v.type === 'externref') {
      const ref = (v as { ref: unknown }).ref;
      if (v.type === 'funcref' && ref !== null && typeof ref !== 'bigint') throw new HarnessError('non-null funcref arguments are not supported');
      return { type: v.type, ref: ref === null ? null : typeof ref === 'bigint' ? ref : this.handle(ref) };
    }
    const b = new Uint8Array(16);
    b.set((v as { bytes: Uint8Array }).bytes);
    return decodeValue(CODE[v.type], b);
  }

  private fromWasm(v: WasmValue): WastValue {
    if (v.type === 'funcref') return { type: 'funcref', ref: v.ref };
    if (v.type === 'externref') return { type: 'externref', ref: v.ref === null ? null : (this.refs[Number(v.ref)] ?? new HostRef(`unknown handle ${v.ref}`)) };
    const size = v.type === 'v128' ? 16 : v.type === 'i32' || v.type === 'f32' ? 4 : 8;
    return { type: v.type, bytes: encodeValue(v, CODE[v.type], 'result').slice(0, size) };
  }

  /** A runtime error as the runner's outcome classes. */
  private outcome(e: unknown): Error {
    if (e instanceof Trap) return e.code === TRAP_STK_OVF ? new WastExhaustion(e.trapMessage) : new WastTrap(e.trapMessage);
    if (e instanceof LinkError) return new WastLinkError(e.message);
    return e instanceof Error ? e : new Error(String(e));
  }

  invoke(instance: WastInstance, field: string, args: WastValue[]): WastValue[] {
    const inst = (instance as ArtifactInstance).instance;
    let out: WasmValue[];
    try {
      out = inst.invoke(field, args.map((a) => this.toWasm(a)), { timeoutMs: this.timeoutMs });
    } catch (e) {
      throw this.outcome(e);
    }
    return out.map((v) => this.fromWasm(v));
  }

  get(instance: WastInstance, field: string): WastValue {
    try {
      return this.fromWasm((instance as ArtifactInstance).instance.global(field));
    } catch (e) {
      throw this.outcome(e);
    }
  }

  dispose(): void {
    this.runtime?.close();
    this.runtime = undefined;
  }
}
