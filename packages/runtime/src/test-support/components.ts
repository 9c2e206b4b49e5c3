// Components that the component tests run: echoes of every kind of value (through an export
// adapter, and through a fused adapter into a second component), on Windlass and on wasmtime.
import { ComponentBuilder, fieldOffsets, flatten, layout, parseWat, prim, type AValType, type StringEncoding, type ValT } from '@windlass/wasm-frontend';
import type { ComponentValue } from '../index';

/** Defines `t` in a component's type index space; returns the valtype naming it. */
export function defineVal(c: ComponentBuilder, t: ValT): AValType {
  const ref = (x: ValT): AValType => defineVal(c, x);
  const idx = (at: number): AValType => ({ idx: at, at: 0 });
  switch (t.k) {
    case 'list':
      return idx(c.type({ k: 'list', t: ref(t.t) }));
    case 'option':
      return idx(c.type({ k: 'option', t: ref(t.t) }));
    case 'record':
      return idx(c.type({ k: 'record', fields: t.fields.map((f) => ({ name: f.name, t: ref(f.t) })) }));
    case 'tuple':
      return idx(c.type({ k: 'tuple', ts: t.ts.map(ref) }));
    case 'variant':
      return idx(c.type({ k: 'variant', cases: t.cases.map((x) => (x.t ? { name: x.name, t: ref(x.t) } : { name: x.name })) }));
    case 'result':
      return idx(c.type({ k: 'result', ...(t.ok ? { ok: ref(t.ok) } : {}), ...(t.err ? { err: ref(t.err) } : {}) }));
    case 'enum':
    case 'flags':
      return idx(c.type({ k: t.k, names: t.names }));
    case 'own':
    case 'borrow':
      throw new Error('no handles here');
    default:
      return { prim: t.k };
  }
}

export const u32 = prim('u32');
export const U32: AValType = { prim: 'u32' };
export const PADDING = Array.from({ length: 16 }, (_, i) => ({ name: `p${i}`, t: u32 }));

/** A core module with a memory, a realloc that keeps contents, and an echo of a spilled parameter tuple. */
export function echoCore(echoBody: string, result = 'i32'): string {
  return `(module
  (memory (export "mem") 1)
  (global $bump (mut i32) (i32.const 1024))
  (global $posts (mut i32) (i32.const 0))
  (func (export "realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $new i32) (result i32) (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1))) (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $new)))
    (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $bump) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
    (memory.copy (local.get $p) (local.get $old) (select (local.get $oldsize) (local.get $new) (i32.lt_u (local.get $oldsize) (local.get $new))))
    (local.get $p))
  (func (export "post-return") (param ${result}) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
  (func (export "posts") (result i32) (global.get $posts))
  ${echoBody})`;
}

/**
 * `a`: echo(p0..p15: u32, x: T) -> T in component A (encoding `encA`); `b`: the same in B
 * (encoding `encB`), which calls A's through a fused adapter; `posts`: how often A's post-return ran.
 */
export function echoes(t: ValT, encA: StringEncoding, encB: StringEncoding): Uint8Array {
  const offset = fieldOffsets([...PADDING, { name: 'x', t }])[16];
  // Results of more than one core value come back through memory; one comes back as it is.
  const flat = flatten(t);
  const spill = flat.length > 1;
  const core = ({ 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' } as Record<number, string>)[flat[0]];
  const size = layout(t).size;
  const load = core === 'i32' ? (size === 1 ? 'i32.load8_u' : size === 2 ? 'i32.load16_u' : 'i32.load') : `${core}.load`;
  const aBody = spill ? `(i32.add (local.get 0) (i32.const ${offset}))` : `(${load} (i32.add (local.get 0) (i32.const ${offset})))`;
  const bUser = spill
    ? '(module (import "" "echo" (func $e (param i32 i32))) (func (export "echo") (param i32) (result i32) (call $e (local.get 0) (i32.const 60000)) (i32.const 60000)))'
    : `(module (import "" "echo" (func $e (param i32) (result ${core}))) (func (export "echo") (param i32) (result ${core}) (call $e (local.get 0))))`;
  const funcType = (c: ComponentBuilder): number => c.type({ k: 'func', params: [...PADDING.map((p) => ({ name: p.name, t: { prim: 'u32' } as AValType })), { name: 'x', t: defineVal(c, t) }], result: defineVal(c, t) });

  const a = new ComponentBuilder();
  const ai = a.coreInstantiate(a.coreModule(parseWat(echoCore(`(func (export "echo") (param i32) (result ${spill ? 'i32' : core}) ${aBody})`, spill ? 'i32' : core))));
  const aOpts = { memory: a.aliasCoreExport(ai, 'core memory', 'mem'), realloc: a.aliasCoreExport(ai, 'core func', 'realloc'), encoding: encA };
  a.export('echo', 'func', a.canonLift(a.aliasCoreExport(ai, 'core func', 'echo'), funcType(a), { ...aOpts, postReturn: a.aliasCoreExport(ai, 'core func', 'post-return') }));
  a.export('posts', 'func', a.canonLift(a.aliasCoreExport(ai, 'core func', 'posts'), a.type({ k: 'func', params: [], result: { prim: 'u32' } })));

  const b = new ComponentBuilder();
  const imported = b.import('echo', { k: 'func', idx: funcType(b) });
  const bMem = b.coreInstantiate(b.coreModule(parseWat(echoCore(''))));
  const bOpts = { memory: b.aliasCoreExport(bMem, 'core memory', 'mem'), realloc: b.aliasCoreExport(bMem, 'core func', 'realloc'), encoding: encB };
  const lowered = b.canonLower(imported, bOpts);
  const user = b.coreModule(parseWat(bUser));
  const ui = b.coreInstantiate(user, [{ name: '', instance: b.coreInstanceOf([{ name: 'echo', sort: 'core func', idx: lowered }]) }]);
  b.export('echo', 'func', b.canonLift(b.aliasCoreExport(ui, 'core func', 'echo'), funcType(b), bOpts));

  const c = new ComponentBuilder();
  const ia = c.instantiate(c.component(a));
  const aEcho = c.aliasExport(ia, 'func', 'echo');
  const ib = c.instantiate(c.component(b), [{ name: 'echo', sort: 'func', idx: aEcho }]);
  c.export('a', 'func', aEcho);
  c.export('b', 'func', c.aliasExport(ib, 'func', 'echo'));
  c.export('posts', 'func', c.aliasExport(ia, 'func', 'posts'));
  return c.finish();
}

export const s = prim('string');
export const CASES: { t: ValT; values: ComponentValue[] }[] = [
  { t: prim('bool'), values: [true, false] },
  { t: prim('s8'), values: [-128, 127] },
  { t: prim('u16'), values: [65535] },
  { t: prim('s64'), values: [-(2n ** 63n)] },
  { t: prim('f32'), values: [1.5, -Infinity] },
  { t: prim('f64'), values: [Math.PI] },
  { t: s, values: ['', 'hi', 'héllo wörld', 'ŋ😀 mixed ÿ', 'x'.repeat(1000), 'Σ'.repeat(100)] },
  { t: prim('char'), values: ['a', 'é', '😀'] },
  { t: { k: 'list', t: u32 }, values: [[], [1, 2, 0xffffffff]] },
  { t: { k: 'list', t: s }, values: [[], ['a', 'bé', '😀']] },
  { t: { k: 'list', t: prim('bool') }, values: [[true, false, true]] },
  { t: { k: 'record', fields: [{ name: 'a', t: prim('u8') }, { name: 'b', t: s }, { name: 'c', t: prim('f64') }] }, values: [{ a: 7, b: 'rec', c: 2.5 }] },
  { t: { k: 'tuple', ts: [prim('s16'), prim('u64'), prim('f32')] }, values: [[-3, 2n ** 64n - 1n, 1.5]] },
  { t: { k: 'variant', cases: [{ name: 'a', t: prim('f32') }, { name: 'b', t: prim('u64') }, { name: 'c' }, { name: 'd', t: s }] }, values: [{ tag: 'a', value: -0.5 }, { tag: 'b', value: 9n }, { tag: 'c' }, { tag: 'd', value: 'dee' }] },
  { t: { k: 'option', t: s }, values: [{ tag: 'none' }, { tag: 'some', value: 'x' }] },
  { t: { k: 'result', ok: u32, err: s }, values: [{ tag: 'ok', value: 5 }, { tag: 'err', value: 'bad' }] },
  { t: { k: 'enum', names: ['red', 'green', 'blue'] }, values: ['green'] },
  { t: { k: 'flags', names: Array.from({ length: 20 }, (_, i) => `f${i}`) }, values: [[], ['f0', 'f7', 'f19']] },
  { t: { k: 'list', t: { k: 'list', t: { k: 'option', t: prim('s8') } } }, values: [[[{ tag: 'some', value: -1 }, { tag: 'none' }], []]] },
];

