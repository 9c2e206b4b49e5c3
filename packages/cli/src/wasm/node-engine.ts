/**
 * Runs modules on Node's own WebAssembly engine: the differential check that the harness reads
 * scripts right. Every call goes through a generated wrapper module that takes floats as their
 * bit patterns and v128 as two i64 halves and stores results into its memory, so NaN payloads
 * and vectors cross the JS boundary exactly; globals are read the same way, through a module
 * that imports the global and stores it.
 */
import { ExternKind, type Module } from '@windlass/wasm-frontend';
import { moduleHeader, writeBody } from './encode';
import { WastExhaustion, WastLinkError, WastTrap, type WastEngine, type WastInstance } from './engine';
import { spectestModule } from './spectest';
import { HarnessError, valTypeOf, type WastValue } from './values';

interface NodeInstance extends WastInstance {
  exports: WebAssembly.Exports;
  wrappers: Map<string, WebAssembly.Exports>;
}

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
const FUNCREF = 0x70;
const EXTERNREF = 0x6f;

/** Wrapper parameter types for a target parameter type. */
function wrapperParams(t: number): number[] {
  switch (t) {
    case F32:
      return [I32];
    case F64:
      return [I64];
    case V128:
      return [I64, I64];
    default:
      return [t];
  }
}

function buildWrapper(params: number[], results: number[]): Uint8Array {
  const wparams = params.flatMap(wrapperParams);
  const w = moduleHeader();
  w.section(1, (s) => {
    s.u32(2);
    s.byte(0x60).u32(params.length).bytes(params).u32(results.length).bytes(results);
    s.byte(0x60).u32(wparams.length).bytes(wparams).u32(0);
  });
  w.section(2, (s) => s.u32(1).name('t').name('f').byte(0x00).u32(0));
  w.section(3, (s) => s.u32(1).u32(1));
  const n = Math.max(results.length, 1);
  w.section(4, (s) => s.u32(2).byte(EXTERNREF, 0x00).u32(n).byte(FUNCREF, 0x00).u32(n));
  w.section(5, (s) => s.u32(1).byte(0x00).u32(1));
  w.section(7, (s) => {
    s.u32(4);
    s.name('run').byte(0x00).u32(1);
    s.name('mem').byte(0x02).u32(0);
    s.name('te').byte(0x01).u32(0);
    s.name('tf').byte(0x01).u32(1);
  });
  w.section(10, (s) => {
    s.u32(1);
    writeBody(s, results, (b) => {
      let j = 0;
      for (const p of params) {
        switch (p) {
          case F32:
            b.byte(0x20).u32(j++).byte(0xbe);
            break;
          case F64:
            b.byte(0x20).u32(j++).byte(0xbf);
            break;
          case V128:
            b.byte(0xfd, 0x0c).bytes(new Uint8Array(16));
            b.byte(0x20).u32(j++).byte(0xfd, 30, 0);
            b.byte(0x20).u32(j++).byte(0xfd, 30, 1);
            break;
          default:
            b.byte(0x20).u32(j++);
        }
      }
      b.byte(0x10).u32(0);
      const base = wparams.length;
      for (let i = results.length - 1; i >= 0; i--) b.byte(0x21).u32(base + i);
      results.forEach((t, i) => {
        if (t === FUNCREF || t === EXTERNREF) {
          b.byte(0x41).s32(i).byte(0x20).u32(base + i).byte(0x26).u32(t === EXTERNREF ? 0 : 1);
          return;
        }
        b.byte(0x41).s32(i * 16).byte(0x20).u32(base + i);
        if (t === I32) b.byte(0x36, 2, 0);
        else if (t === I64) b.byte(0x37, 3, 0);
        else if (t === F32) b.byte(0x38, 2, 0);
        else if (t === F64) b.byte(0x39, 3, 0);
        else b.byte(0xfd, 11, 4, 0);
      });
    });
  });
  return w.toBytes();
}

/**
 * A module importing one global of type `t` and storing its value at address 0 of its memory:
 * reads a number global by its bits (`Global.value` goes through a JS number, which loses NaN
 * payloads) and a v128 global at all (JS cannot read one).
 */
function buildGlobalReader(t: number, mutable: boolean): Uint8Array {
  const w = moduleHeader();
  w.section(1, (s) => s.u32(1).byte(0x60).u32(0).u32(0));
  w.section(2, (s) => s.u32(1).name('t').name('g').byte(0x03).byte(t, mutable ? 1 : 0));
  w.section(3, (s) => s.u32(1).u32(0));
  w.section(5, (s) => s.u32(1).byte(0x00).u32(1));
  w.section(7, (s) => s.u32(2).name('run').byte(0x00).u32(0).name('mem').byte(0x02).u32(0));
  w.section(10, (s) => {
    s.u32(1);
    writeBody(s, [], (b) => {
      b.byte(0x41).s32(0).byte(0x23).u32(0);
      if (t === I32) b.byte(0x36, 2, 0);
      else if (t === I64) b.byte(0x37, 3, 0);
      else if (t === F32) b.byte(0x38, 2, 0);
      else if (t === F64) b.byte(0x39, 3, 0);
      else b.byte(0xfd, 11, 4, 0);
    });
  });
  return w.toBytes();
}

function toArgs(params: number[], args: WastValue[]): unknown[] {
  const out: unknown[] = [];
  params.forEach((t, i) => {
    const a = args[i];
    if (!a) throw new HarnessError(`missing argument ${i}`);
    if ('ref' in a) {
      out.push(a.ref);
      return;
    }
    const dv = new DataView(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
    switch (t) {
      case I32:
      case F32:
        out.push(dv.getInt32(0, true));
        break;
      case I64:
      case F64:
        out.push(dv.getBigInt64(0, true));
        break;
      case V128:
        out.push(dv.getBigInt64(0, true), dv.getBigInt64(8, true));
        break;
      default:
        throw new HarnessError(`argument type 0x${t.toString(16)}`);
    }
  });
  return out;
}

function classify(e: unknown): Error {
  if (e instanceof WebAssembly.RuntimeError) return new WastTrap(e.message);
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new WastExhaustion(e.message);
  if (e instanceof WebAssembly.LinkError) return new WastLinkError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

export class NodeEngine implements WastEngine {
  readonly name = 'node';
  private readonly registry = new Map<string, WebAssembly.Exports>();
  private readonly wrapperModules = new Map<string, WebAssembly.Module>();
  private readonly globalReaders = new Map<string, WebAssembly.Module>();

  constructor() {
    const spectest = new WebAssembly.Instance(new WebAssembly.Module(spectestModule() as Uint8Array<ArrayBuffer>), {});
    this.registry.set('spectest', spectest.exports);
  }

  instantiate(bytes: Uint8Array, module: Module): WastInstance {
    const imports: Record<string, Record<string, unknown>> = {};
    for (const imp of module.imports) {
      const from = this.registry.get(imp.module);
      const ns = (imports[imp.module] ??= {});
      if (from && imp.name in from) ns[imp.name] = from[imp.name];
    }
    let compiled: WebAssembly.Module;
    try {
      compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new HarnessError(`Node rejected a module Windlass accepted: ${(e as Error).message}`);
    }
    try {
      const instance = new WebAssembly.Instance(compiled, imports as WebAssembly.Imports);
      const inst: NodeInstance = { module, exports: instance.exports, wrappers: new Map() };
      return inst;
    } catch (e) {
      throw classify(e);
    }
  }

  register(name: string, inst: WastInstance): void {
    this.registry.set(name, (inst as NodeInstance).exports);
  }

  private signature(m: Module, field: string): { params: number[]; results: number[] } {
    const exp = m.exports.find((e) => e.name === field && e.kind === ExternKind.Func);
    if (!exp) throw new HarnessError(`no exported function ${JSON.stringify(field)}`);
    return m.types[m.funcTypes[exp.index]];
  }

  invoke(instance: WastInstance, field: string, args: WastValue[]): WastValue[] {
    const inst = instance as NodeInstance;
    const { params, results } = this.signature(inst.module, field);
    let wrapper = inst.wrappers.get(field);
    if (!wrapper) {
      const key = `${params.join(',')}>${results.join(',')}`;
      let wm = this.wrapperModules.get(key);
      if (!wm) this.wrapperModules.set(key, (wm = new WebAssembly.Module(buildWrapper(params, results) as Uint8Array<ArrayBuffer>)));
      wrapper = new WebAssembly.Instance(wm, { t: { f: inst.exports[field] } }).exports;
      inst.wrappers.set(field, wrapper);
    }
    try {
      (wrapper.run as (...a: unknown[]) => void)(...toArgs(params, args));
    } catch (e) {
      throw classify(e);
    }
    const mem = new Uint8Array((wrapper.mem as WebAssembly.Memory).buffer);
    return results.map((t, i): WastValue => {
      const type = valTypeOf(t);
      if (type === 'funcref' || type === 'externref')
        return { type, ref: (wrapper[type === 'externref' ? 'te' : 'tf'] as WebAssembly.Table).get(i) };
      const size = type === 'i32' || type === 'f32' ? 4 : type === 'v128' ? 16 : 8;
      return { type, bytes: mem.slice(i * 16, i * 16 + size) };
    });
  }

  get(instance: WastInstance, field: string): WastValue {
    const inst = instance as NodeInstance;
    const m = inst.module;
    const exp = m.exports.find((e) => e.name === field && e.kind === ExternKind.Global);
    if (!exp) throw new HarnessError(`no exported global ${JSON.stringify(field)}`);
    const g = m.globals[exp.index];
    const type = valTypeOf(g.type);
    const global = inst.exports[field] as WebAssembly.Global;
    if (type === 'funcref' || type === 'externref') return { type, ref: global.value as unknown };
    const key = `${g.type}:${g.mutable}`;
    let reader = this.globalReaders.get(key);
    if (!reader) this.globalReaders.set(key, (reader = new WebAssembly.Module(buildGlobalReader(g.type, g.mutable) as Uint8Array<ArrayBuffer>)));
    const r = new WebAssembly.Instance(reader, { t: { g: global } }).exports;
    (r.run as () => void)();
    const size = type === 'i32' || type === 'f32' ? 4 : type === 'v128' ? 16 : 8;
    return { type, bytes: new Uint8Array((r.mem as WebAssembly.Memory).buffer).slice(0, size) };
  }
}
