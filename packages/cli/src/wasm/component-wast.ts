/**
 * Component-model scripts: the JSON commands `wasm-tools json-from-wast` writes for Wasmtime's
 * component-model `.wast` files (with one binary per component beside them), run through
 * component artifacts. Every component is compiled by `@windlass/linker`'s `compileComponent`,
 * serialized, loaded back by `@windlass/runtime` (which deserializes and checks it) and
 * instantiated in the script's loader process; its root imports link to the harness host
 * (`component-host.ts`) and to the instances the script named before.
 *
 * A script is skipped, with its reason, when its first lines (`;;! feature = true`) ask for a
 * feature outside what Windlass implements (gc, exceptions, memory64, and the component-model
 * extensions error-context, implements, map, fixed-length lists and gc). Commands that need
 * component-model async (a module rejected as `unsupported` for it, and what uses that module)
 * are skipped one by one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import '@windlass/isa-x64';
import { compileComponent, compileModule, serialize, type BoundsChecks } from '@windlass/linker';
import {
  LinkError,
  ResourceHandle,
  Runtime,
  Trap,
  type ComponentInstance,
  type ComponentItem,
  type ComponentModule,
  type ComponentValue,
} from '@windlass/runtime';
import { WasmError, isComponentBinary, parseComponent } from '@windlass/wasm-frontend';
import { hostComponent } from './component-host';
import type { ScriptResult } from './wast';

/** Features whose scripts are skipped (the first lines of the script ask for them). */
export const SKIPPED_FEATURES: Record<string, string> = {
  gc: 'the gc proposal',
  exceptions: 'the exception-handling proposal',
  memory64: 'the memory64 proposal',
  component_model_error_context: 'the component-model error-context extension',
  component_model_implements: 'the component-model implements extension',
  component_model_map: 'the component-model map extension',
  component_model_fixed_length_lists: 'the component-model fixed-length lists extension',
  component_model_gc: 'the component-model gc extension',
};

const ASSERTIONS = new Set(['assert_return', 'assert_trap', 'assert_exhaustion', 'assert_malformed', 'assert_invalid', 'assert_unlinkable', 'assert_uninstantiable']);

/** A value as `json-from-wast` writes it for components. */
export interface JsonComponentValue {
  type: string;
  value?: unknown;
}

interface Command {
  type: string;
  line: number;
  name?: string;
  filename?: string;
  instance?: string;
  module?: string;
  text?: string;
  action?: { type: string; module?: string; field: string; args?: JsonComponentValue[] };
  expected?: JsonComponentValue[];
}

export interface ComponentWastOptions {
  settings?: string[];
  boundsChecks?: BoundsChecks;
  /** Per-call time limit, in seconds (default 20). */
  callTimeout?: number;
}

/** Why a script is skipped, from the `;;! name = true` lines that start its source. */
export function skipReason(source: string): string | undefined {
  for (const line of source.split('\n')) {
    const m = /^;;!\s*([a-z0-9_]+)\s*=\s*(true|false)/.exec(line.trim());
    if (!m) {
      if (line.trim() === '' || line.startsWith(';;')) continue;
      break;
    }
    if (m[2] === 'true' && SKIPPED_FEATURES[m[1]]) return `needs ${SKIPPED_FEATURES[m[1]]} (${m[1]})`;
  }
  return undefined;
}

/** The JSON form of a component value, as a `ComponentValue`. */
export function fromJson(v: JsonComponentValue): ComponentValue {
  const x = v.value;
  switch (v.type) {
    case 'bool':
      return x as boolean;
    case 'u8':
    case 's8':
    case 'u16':
    case 's16':
    case 'u32':
    case 's32':
      return Number(x);
    case 'u64':
    case 's64':
      return BigInt(x as string);
    case 'f32': {
      const dv = new DataView(new ArrayBuffer(4));
      dv.setUint32(0, Number(x) >>> 0, true);
      return dv.getFloat32(0, true);
    }
    case 'f64': {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, BigInt(x as string), true);
      return dv.getFloat64(0, true);
    }
    case 'char':
    case 'string':
    case 'enum':
      return x as string;
    case 'list':
    case 'tuple':
      return (x as JsonComponentValue[]).map(fromJson);
    case 'record':
      return Object.fromEntries((x as [string, JsonComponentValue][]).map(([n, f]) => [n, fromJson(f)]));
    case 'variant': {
      const { case: tag, payload } = x as { case: string; payload?: JsonComponentValue };
      return payload ? { tag, value: fromJson(payload) } : { tag };
    }
    case 'option':
      return x === null || x === undefined ? { tag: 'none' } : { tag: 'some', value: fromJson(x as JsonComponentValue) };
    case 'result': {
      const r = x as { Ok?: JsonComponentValue | null; Err?: JsonComponentValue | null };
      const ok = 'Ok' in r;
      const p = ok ? r.Ok : r.Err;
      return p ? { tag: ok ? 'ok' : 'err', value: fromJson(p) } : { tag: ok ? 'ok' : 'err' };
    }
    case 'flags':
      return x as string[];
    default:
      throw new Error(`component value type ${v.type} is not known`);
  }
}

/** Whether a result equals the expected value (floats by value, NaN matching any NaN). */
export function componentValuesEqual(got: ComponentValue | undefined, want: ComponentValue | undefined): boolean {
  if (typeof got === 'number' && typeof want === 'number') return (Number.isNaN(got) && Number.isNaN(want)) || Object.is(got, want) || got === want;
  if (Array.isArray(got) && Array.isArray(want)) {
    if (want.every((w) => typeof w === 'string') && got.every((g) => typeof g === 'string')) {
      // Flags compare as sets.
      return got.length === want.length && want.every((w) => got.includes(w));
    }
    return got.length === want.length && got.every((g, i) => componentValuesEqual(g, want[i]));
  }
  if (got instanceof ResourceHandle || want instanceof ResourceHandle) return got instanceof ResourceHandle && want instanceof ResourceHandle && got.index === want.index;
  if (got && want && typeof got === 'object' && typeof want === 'object') {
    const gk = Object.keys(got);
    const wk = Object.keys(want);
    return gk.length === wk.length && wk.every((k) => componentValuesEqual((got as Record<string, ComponentValue>)[k], (want as Record<string, ComponentValue>)[k]));
  }
  return got === want;
}

export function formatComponentValue(v: ComponentValue | undefined): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof ResourceHandle ? `handle ${x.index}` : x)) ?? 'nothing';
}

/** Wasmtime's words for core traps, where the scripts quote them. */
const WASMTIME_WORDS: Record<string, string> = { unreachable: 'wasm `unreachable` instruction executed' };

/** Whether a trap message is the one a script names: it contains the text, or Wasmtime's words for it do. */
export function componentTrapMatches(actual: string, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  return actual.includes(expected) || (WASMTIME_WORDS[actual]?.includes(expected) ?? false);
}

let hostArtifact: Uint8Array | undefined;

class ComponentScript {
  readonly result: ScriptResult;
  private runtime: Runtime | undefined;
  private readonly definitions = new Map<string, ComponentModule | { unsupported: string }>();
  private readonly registry = new Map<string, ComponentItem>();
  private readonly named = new Map<string, ComponentInstance>();
  private current: ComponentInstance | { unsupported: string } | undefined;
  private readonly timeoutMs: number;

  constructor(
    path: string,
    private readonly dir: string,
    private readonly opts: ComponentWastOptions,
  ) {
    this.result = { path, passed: 0, failed: 0, skipped: 0, failures: [], skipReasons: {} };
    this.timeoutMs = (opts.callTimeout ?? 20) * 1000;
  }

  private pass(): void {
    this.result.passed++;
  }

  private fail(c: Command, message: string): void {
    if (ASSERTIONS.has(c.type)) this.result.failed++;
    this.result.failures.push({ line: c.line, command: c.type, message });
  }

  private skip(reason: string): void {
    this.result.skipped++;
    this.result.skipReasons[reason] = (this.result.skipReasons[reason] ?? 0) + 1;
  }

  /** The script's loader, started on first use with the harness host instantiated. */
  private rt(): Runtime {
    if (this.runtime) return this.runtime;
    const rt = new Runtime({ stdio: ['ignore', 'ignore', 'inherit'] });
    this.runtime = rt;
    hostArtifact ??= serialize(compileComponent(hostComponent(), this.compileOptions()));
    const host = rt.instantiateComponent(rt.loadComponent(hostArtifact, { settings: this.opts.settings, boundsChecks: this.opts.boundsChecks }));
    for (const [name, item] of host.exports) this.registry.set(name, item);
    return rt;
  }

  private compileOptions(): { target: string; settings?: string[]; boundsChecks?: BoundsChecks } {
    return { target: 'x86_64', settings: this.opts.settings, boundsChecks: this.opts.boundsChecks };
  }

  private async bytes(c: Command): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.dir, c.filename!)));
  }

  /** Compiles, serializes and loads a component (its artifact deserialized by the runtime). */
  private load(bytes: Uint8Array): ComponentModule {
    if (!isComponentBinary(bytes)) {
      // A core module at the top of a component script: compiled to show it is valid.
      compileModule(bytes, { ...this.compileOptions(), features: { multiMemory: true } });
      throw new UnsupportedCommand('core modules at the top level of a component script are not run');
    }
    const artifact = serialize(compileComponent(bytes, this.compileOptions()));
    return this.rt().loadComponent(artifact, { settings: this.opts.settings, boundsChecks: this.opts.boundsChecks });
  }

  private instantiate(m: ComponentModule): ComponentInstance {
    return this.rt().instantiateComponent(m, { imports: Object.fromEntries(this.registry), timeoutMs: this.timeoutMs });
  }

  private register(name: string | undefined, inst: ComponentInstance): void {
    if (name === undefined) return;
    this.named.set(name, inst);
    this.registry.set(name, inst.asItem());
  }

  /** A module the runtime rejected as unsupported for a feature: what depends on it is skipped. */
  private unsupportedOf(e: unknown): string | undefined {
    if (e instanceof UnsupportedCommand) return e.message;
    if (e instanceof WasmError && e.kind === 'unsupported') return e.rule;
    return undefined;
  }

  async command(c: Command): Promise<void> {
    switch (c.type) {
      case 'module':
      case 'module_definition': {
        this.current = undefined;
        let m: ComponentModule;
        try {
          m = this.load(await this.bytes(c));
        } catch (e) {
          const why = this.unsupportedOf(e);
          if (c.type === 'module_definition' && c.name) this.definitions.set(c.name, { unsupported: why ?? `rejected: ${(e as Error).message}` });
          if (why) this.current = { unsupported: why };
          else this.fail(c, `rejected: ${(e as Error).message}`);
          return;
        }
        if (c.type === 'module_definition') {
          if (c.name) this.definitions.set(c.name, m);
          return;
        }
        try {
          this.current = this.instantiate(m);
          this.register(c.name, this.current);
        } catch (e) {
          this.fail(c, `instantiation failed: ${(e as Error).message}`);
        }
        return;
      }
      case 'module_instance': {
        this.current = undefined;
        const def = this.definitions.get(c.module!);
        if (!def) return this.fail(c, `no component definition named ${c.module}`);
        if ('unsupported' in def) {
          this.current = { unsupported: def.unsupported };
          return;
        }
        try {
          this.current = this.instantiate(def);
          this.register(c.instance, this.current);
        } catch (e) {
          this.fail(c, `instantiation failed: ${(e as Error).message}`);
        }
        return;
      }
      case 'assert_return':
      case 'assert_trap':
        if (!c.action) return this.assertInstantiation(c);
        return this.assertCall(c);
      case 'assert_invalid':
      case 'assert_malformed': {
        const bytes = await this.bytes(c);
        try {
          if (isComponentBinary(bytes)) parseComponent(bytes);
          else compileModule(bytes, { ...this.compileOptions(), features: { multiMemory: true } });
          this.fail(c, `accepted, expected "${c.text}"`);
        } catch (e) {
          if (e instanceof WasmError) this.pass();
          else this.fail(c, `untyped error ${String(e)}`);
        }
        return;
      }
      case 'assert_unlinkable':
      case 'assert_uninstantiable':
        return this.assertInstantiation(c);
      default:
        if (ASSERTIONS.has(c.type)) this.skip(`${c.type} is not run for components`);
    }
  }

  /** An instantiation that must fail: to link (`assert_unlinkable`) or with a trap. */
  private async assertInstantiation(c: Command): Promise<void> {
    let m: ComponentModule;
    try {
      m = this.load(await this.bytes(c));
    } catch (e) {
      const why = this.unsupportedOf(e);
      if (why) this.skip(why);
      else this.fail(c, `rejected by the compiler: ${(e as Error).message}`);
      return;
    }
    try {
      this.instantiate(m);
      this.fail(c, `instantiated, expected "${c.text}"`);
    } catch (e) {
      const linking = c.type === 'assert_unlinkable';
      if (linking && e instanceof LinkError) {
        if (c.text === undefined || e.message.includes(c.text)) this.pass();
        else this.fail(c, `failed to link with "${e.message}", expected "${c.text}"`);
      } else if (!linking && e instanceof Trap) {
        if (componentTrapMatches(e.trapMessage, c.text)) this.pass();
        else this.fail(c, `trapped with "${e.trapMessage}", expected "${c.text}"`);
      } else this.fail(c, `threw ${(e as Error).name}: ${(e as Error).message}, expected "${c.text}"`);
    }
  }

  private target(c: Command): ComponentInstance | undefined {
    const a = c.action!;
    const inst = a.module !== undefined ? this.named.get(a.module) : this.current;
    if (inst && 'unsupported' in inst) {
      this.skip(inst.unsupported);
      return undefined;
    }
    if (!inst) {
      this.fail(c, a.module !== undefined ? `no instance named ${a.module}` : 'no current component instance');
      return undefined;
    }
    return inst;
  }

  private assertCall(c: Command): void {
    const inst = this.target(c);
    if (!inst) return;
    const a = c.action!;
    let got: ComponentValue | undefined;
    try {
      got = inst.invoke(a.field, (a.args ?? []).map(fromJson), { timeoutMs: this.timeoutMs });
    } catch (e) {
      if (c.type === 'assert_trap' && e instanceof Trap) {
        if (componentTrapMatches(e.trapMessage, c.text)) this.pass();
        else this.fail(c, `trapped with "${e.trapMessage}", expected "${c.text}"`);
      } else this.fail(c, `${a.field}: threw ${(e as Error).name}: ${(e as Error).message}`);
      return;
    }
    if (c.type === 'assert_trap') return this.fail(c, `${a.field}: returned ${formatComponentValue(got)}, expected a trap "${c.text}"`);
    const expected = c.expected ?? [];
    const want = expected.length ? fromJson(expected[0]) : undefined;
    if (componentValuesEqual(got, want)) this.pass();
    else this.fail(c, `${a.field}: got ${formatComponentValue(got)}, expected ${formatComponentValue(want)}`);
  }

  dispose(): void {
    this.runtime?.close();
  }
}

class UnsupportedCommand extends Error {}

/** Runs one `json-from-wast` component script. */
export async function runComponentScript(path: string, opts: ComponentWastOptions = {}): Promise<ScriptResult> {
  const dir = dirname(path);
  const script = JSON.parse(await readFile(path, 'utf8')) as { source_filename?: string; commands: Command[] };
  const runner = new ComponentScript(path, dir, opts);
  const source = script.source_filename ? join(dir, script.source_filename) : undefined;
  const reason = source && existsSync(source) ? skipReason(readFileSync(source, 'utf8')) : undefined;
  if (reason) {
    for (const c of script.commands) if (ASSERTIONS.has(c.type)) runner.result.skipped++;
    if (runner.result.skipped) runner.result.skipReasons[reason] = runner.result.skipped;
    runner.result.note = `skipped: ${reason}`;
    return runner.result;
  }
  try {
    for (const c of script.commands) {
      try {
        await runner.command(c);
      } catch (e) {
        if (ASSERTIONS.has(c.type)) runner.result.failed++;
        runner.result.failures.push({ line: c.line, command: c.type, message: `harness: ${(e as Error).message}` });
      }
    }
  } finally {
    runner.dispose();
  }
  return runner.result;
}
