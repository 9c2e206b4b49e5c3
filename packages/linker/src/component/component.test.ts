import '@windlass/isa-x64';
import { ComponentBuilder, WasmError, parseModule, parseWat, prim, type FuncT, type StringEncoding, type ValT } from '@windlass/wasm-frontend';
import { describe, expect, it } from 'vitest';
import { deserialize } from '../deserialize';
import { ArtifactBuildError, ArtifactError } from '../errors';
import { seal, serialize } from '../serialize';
import { generateAdapter } from './adapter';
import { compileComponent } from './compile';
import { ModuleRole } from './plan';

/** A component with a nested one: the outer lowers the inner's `twice` and lifts its own `call`. */
function nested(): Uint8Array {
  const inner = new ComponentBuilder();
  const m = inner.coreModule(parseWat('(module (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))'));
  const f = inner.aliasCoreExport(inner.coreInstantiate(m), 'core func', 'twice');
  const t = inner.type({ k: 'func', params: [{ name: 'x', t: { prim: 'u32' } }], result: { prim: 'u32' } });
  inner.export('twice', 'func', inner.canonLift(f, t));

  const c = new ComponentBuilder();
  const child = c.instantiate(c.component(inner));
  const twice = c.aliasExport(child, 'func', 'twice');
  const lowered = c.canonLower(twice);
  const user = c.coreModule(parseWat('(module (import "" "twice" (func $t (param i32) (result i32))) (func (export "call") (param i32) (result i32) (call $t (local.get 0))))'));
  const ui = c.coreInstantiate(user, [{ name: '', instance: c.coreInstanceOf([{ name: 'twice', sort: 'core func', idx: lowered }]) }]);
  const call = c.aliasCoreExport(ui, 'core func', 'call');
  const t2 = c.type({ k: 'func', params: [{ name: 'x', t: { prim: 'u32' } }], result: { prim: 'u32' } });
  c.export('call', 'func', c.canonLift(call, t2));
  return c.finish();
}

describe('compileComponent', () => {
  it('compiles every core module and adapter into one artifact marked as a component', () => {
    const a = compileComponent(nested(), { target: 'x86_64' });
    expect(a.kind).toBe('component');
    const roles = a.component!.modules.map((m) => m.role);
    // The two core modules, the fused adapter between the instances, the export adapter.
    expect(roles).toEqual([ModuleRole.Core, ModuleRole.Core, ModuleRole.Adapter, ModuleRole.ExportAdapter]);
    expect(a.component!.components).toEqual([{ parent: -1 }, { parent: 0 }]);
    // One entry trampoline per signature across all modules.
    const entries = a.code.filter((c) => c.kind === 1).map((c) => c.index);
    expect(new Set(entries).size).toBe(entries.length);
  });

  it('serializes the plan and reads it back, checked', () => {
    const a = compileComponent(nested(), { target: 'x86_64' });
    const bytes = serialize(a);
    expect(new DataView(bytes.buffer).getUint32(48, true) & 0x0300_0000).toBe(0x0200_0000); // e_flags: EF_WINDLASS_COMPONENT
    const back = deserialize(bytes, { isa: 'x86_64', kind: 'component' });
    expect(back.component).toEqual(a.component);
    expect(() => deserialize(bytes, { isa: 'x86_64' })).toThrow(ArtifactError);
    let err: unknown;
    try {
      deserialize(bytes, { isa: 'x86_64', kind: 'module' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).kind).toBe('kind');
    // Without an expectation (a tool that only looks), either kind reads.
    expect(deserialize(bytes).kind).toBe('component');
  });

  it('refuses to serialize one core module of a component on its own', () => {
    const a = compileComponent(nested(), { target: 'x86_64' });
    expect(() => serialize(a, { module: 0 })).toThrow(ArtifactBuildError);
    expect(() => serialize(a, { module: 0 })).toThrow(/metadata .* describes the component, not the module/);
  });

  it('rejects a damaged plan with a typed error', () => {
    const bytes = serialize(compileComponent(nested(), { target: 'x86_64' }));
    let typed = 0;
    for (let i = 0; i < 200; i++) {
      const b = bytes.slice();
      const at = Math.floor((i / 200) * b.length);
      b[at] ^= 0x5a;
      seal(b);
      try {
        deserialize(b, { isa: 'x86_64', kind: 'component' });
      } catch (e) {
        expect(e).toBeInstanceOf(ArtifactError);
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(50);
  });

  it('passes the frontend errors on, typed', () => {
    expect(() => compileComponent(nested().subarray(0, 40), { target: 'x86_64' })).toThrow(WasmError);
  });
});

describe('adapters', () => {
  const s = prim('string');
  const u32 = prim('u32');
  const types: ValT[] = [
    prim('bool'), prim('s8'), prim('u16'), u32, prim('s64'), prim('f32'), prim('f64'), prim('char'), s,
    { k: 'list', t: u32 }, { k: 'list', t: s }, { k: 'record', fields: [{ name: 'a', t: prim('u8') }, { name: 'b', t: s }] },
    { k: 'variant', cases: [{ name: 'a', t: prim('f32') }, { name: 'b', t: prim('u64') }, { name: 'c' }] },
    { k: 'option', t: s }, { k: 'result', ok: u32, err: s }, { k: 'enum', names: ['a', 'b'] }, { k: 'flags', names: ['x', 'y', 'z'] },
    { k: 'tuple', ts: [u32, prim('f64'), s] }, { k: 'own', r: 3 }, { k: 'list', t: { k: 'own', r: 1 } },
  ];
  const encodings: StringEncoding[] = ['utf8', 'utf16', 'latin1+utf16'];

  it('are valid wasm for every type, both encodings, flat and spilled', () => {
    let n = 0;
    for (const t of types) {
      for (const e1 of encodings) {
        for (const e2 of encodings) {
          const many = Array.from({ length: 17 }, (_, i) => ({ name: `p${i}`, t: u32 }));
          const fts: FuncT[] = [{ params: [{ name: 'a', t }], result: t }, { params: [...many, { name: 'z', t }], result: { k: 'tuple', ts: [t, t] } }];
          for (const ft of fts) {
            const a = generateAdapter({ t: ft, lower: { encoding: e1, memory: true, realloc: true }, lift: { encoding: e2, memory: true, realloc: true, postReturn: true } });
            expect(() => parseModule(a.bytes, { multiMemory: true })).not.toThrow();
            n++;
          }
        }
      }
    }
    expect(n).toBe(types.length * 18);
  });

  it('bind resources through imports, so equal shapes are equal bytes', () => {
    const a = generateAdapter({ t: { params: [{ name: 'r', t: { k: 'own', r: 1 } }] }, lower: { encoding: 'utf8', memory: false, realloc: false }, lift: { encoding: 'utf8', memory: false, realloc: false } });
    const b = generateAdapter({ t: { params: [{ name: 'r', t: { k: 'own', r: 7 } }] }, lower: { encoding: 'utf8', memory: false, realloc: false }, lift: { encoding: 'utf8', memory: false, realloc: false } });
    expect(a.bytes).toEqual(b.bytes);
    expect(b.imports.filter((i) => i.k === 'resource')).toEqual([
      { k: 'resource', fn: 'own.lift', side: 'lower', r: 7 },
      { k: 'resource', fn: 'own.lower', side: 'lift', r: 7 },
    ]);
  });
});
