// Components end to end on x86-64: compiled into one artifact, loaded, instantiated, called with
// component values. Values make round trips through the canonical ABI: from the host into a
// component (its export adapter), and on through a fused adapter into a second component that
// uses another string encoding, and back.
import '@windlass/isa-x64';
import { compileComponent, serialize } from '@windlass/linker';
import { ComponentBuilder, parseWat, type StringEncoding } from '@windlass/wasm-frontend';
import { afterAll, describe, expect, it } from 'vitest';
import { ComponentValueError, LinkError, ResourceHandle, Runtime, Trap } from '../index';
import { canRun } from '../test-support/artifacts';
import { CASES, PADDING, U32, echoes, u32 } from '../test-support/components';

describe.runIf(canRun)('components (x86-64)', () => {
  const rt = canRun ? new Runtime() : (undefined as unknown as Runtime);
  afterAll(() => rt?.close());

  const encodings: [StringEncoding, StringEncoding][] = [['utf8', 'utf8'], ['utf8', 'utf16'], ['utf16', 'latin1+utf16'], ['latin1+utf16', 'utf8']];
  for (const [encA, encB] of encodings) {
    it(`carries values from the host and between components (${encA} / ${encB})`, () => {
      for (const { t, values } of CASES) {
        const inst = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(echoes(t, encA, encB), { target: 'x86_64' }))));
        for (const v of values) {
          const args = [...PADDING.map((_, i) => i), v];
          expect(inst.invoke('a', args)).toEqual(v);
          expect(inst.invoke('b', args)).toEqual(v);
        }
        // Post-return ran once per call of A's echo (directly, and through B).
        expect(inst.invoke('posts')).toBe(2 * values.length);
      }
    });
  }

  it('checks arguments against the parameter types', () => {
    const inst = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(echoes(u32, 'utf8', 'utf8'), { target: 'x86_64' }))));
    const args = PADDING.map((_, i) => i);
    expect(() => inst.invoke('a', [...args, -1])).toThrow(ComponentValueError);
    expect(() => inst.invoke('a', args)).toThrow(/17 arguments expected, 16 given/);
  });

  it('traps on values the canonical ABI rejects', () => {
    const c = new ComponentBuilder();
    const core = c.coreInstantiate(c.coreModule(parseWat(`(module (memory (export "mem") 1)
      (func (export "char") (result i32) (i32.const 0xd800))
      (func (export "disc") (result i32) (i32.const 3))
      (func (export "str") (result i32) (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 10)) (i32.const 0)))`)));
    const f = (n: string): number => c.aliasCoreExport(core, 'core func', n);
    const mem = c.aliasCoreExport(core, 'core memory', 'mem');
    c.export('char', 'func', c.canonLift(f('char'), c.type({ k: 'func', params: [], result: { prim: 'char' } })));
    c.export('disc', 'func', c.canonLift(f('disc'), c.type({ k: 'func', params: [], result: { idx: c.type({ k: 'enum', names: ['a', 'b', 'c'] }), at: 0 } })));
    c.export('str', 'func', c.canonLift(f('str'), c.type({ k: 'func', params: [], result: { prim: 'string' } }), { memory: mem }));
    const inst = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(c.finish(), { target: 'x86_64' }))));
    const trap = (name: string): string => {
      try {
        inst.invoke(name);
      } catch (e) {
        if (e instanceof Trap) return e.trapMessage;
        throw e;
      }
      return 'returned';
    };
    expect(trap('char')).toBe('invalid `char` bit pattern 0xd800');
    expect(trap('disc')).toBe('invalid variant discriminant: discriminant 3 out of range [0..3)');
    expect(trap('str')).toBe('string content out-of-bounds');
  });

  it('moves owned handles through resource tables and runs destructors', () => {
    const c = new ComponentBuilder();
    const core = c.coreInstantiate(c.coreModule(parseWat(`(module
      (global $dropped (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $dropped (i32.add (global.get $dropped) (local.get 0))))
      (func (export "dropped") (result i32) (global.get $dropped))
      (func (export "peek") (param i32) (result i32) (local.get 0)))`)));
    const f = (n: string): number => c.aliasCoreExport(core, 'core func', n);
    const r = c.type({ k: 'resource', rep: 0x7f, dtor: f('dtor') });
    c.export('r', 'type', r);
    const own = { idx: c.type({ k: 'own', idx: r }), at: 0 };
    const borrow = { idx: c.type({ k: 'borrow', idx: r }), at: 0 };
    const drop = c.canonResource('resource.drop', r);
    const consume = c.coreInstantiate(c.coreModule(parseWat('(module (import "" "drop" (func $d (param i32))) (func (export "consume") (param i32) (call $d (local.get 0))))')), [
      { name: '', instance: c.coreInstanceOf([{ name: 'drop', sort: 'core func', idx: drop }]) },
    ]);
    c.export('[constructor]r', 'func', c.canonLift(c.canonResource('resource.new', r), c.type({ k: 'func', params: [{ name: 'rep', t: U32 }], result: own })));
    c.export('[method]r.peek', 'func', c.canonLift(f('peek'), c.type({ k: 'func', params: [{ name: 'self', t: borrow }], result: U32 })));
    c.export('[static]r.consume', 'func', c.canonLift(c.aliasCoreExport(consume, 'core func', 'consume'), c.type({ k: 'func', params: [{ name: 'x', t: own }] })));
    c.export('dropped', 'func', c.canonLift(f('dropped'), c.type({ k: 'func', params: [], result: U32 })));
    const inst = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(c.finish(), { target: 'x86_64' }))));
    const h = inst.invoke('[constructor]r', [40]) as ResourceHandle;
    expect(h).toBeInstanceOf(ResourceHandle);
    // The owner gets the representation of a borrow.
    expect(inst.invoke('[method]r.peek', [h])).toBe(40);
    inst.invoke('[static]r.consume', [h]);
    expect(inst.invoke('dropped')).toBe(40);
    // The handle moved into the component and was dropped there: the host's is gone.
    expect(() => inst.invoke('[method]r.peek', [h])).toThrow(/unknown handle index/);
  });

  it('links imports by type, resources by identity', () => {
    const provider = new ComponentBuilder();
    const core = provider.coreInstantiate(provider.coreModule(parseWat('(module (func (export "f") (result i32) (i32.const 7)))')));
    provider.export('f', 'func', provider.canonLift(provider.aliasCoreExport(core, 'core func', 'f'), provider.type({ k: 'func', params: [], result: U32 })));
    const p = rt.instantiateComponent(rt.loadComponent(serialize(compileComponent(provider.finish(), { target: 'x86_64' }))));

    const user = new ComponentBuilder();
    const f = user.import('f', { k: 'func', idx: user.type({ k: 'func', params: [], result: U32 }) });
    const lowered = user.canonLower(f);
    const ui = user.coreInstantiate(user.coreModule(parseWat('(module (import "" "f" (func $f (result i32))) (func (export "g") (result i32) (i32.mul (call $f) (i32.const 6))))')), [
      { name: '', instance: user.coreInstanceOf([{ name: 'f', sort: 'core func', idx: lowered }]) },
    ]);
    user.export('g', 'func', user.canonLift(user.aliasCoreExport(ui, 'core func', 'g'), user.type({ k: 'func', params: [], result: U32 })));
    const m = rt.loadComponent(serialize(compileComponent(user.finish(), { target: 'x86_64' })));
    expect(rt.instantiateComponent(m, { imports: { f: p.exports.get('f')! } }).invoke('g')).toBe(42);
    expect(() => rt.instantiateComponent(m)).toThrow(LinkError);
    expect(() => rt.instantiateComponent(m, { imports: { f: p.asItem() } })).toThrow(/expected function found instance/);
  });
});
