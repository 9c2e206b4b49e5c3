/**
 * The host the component-model scripts expect: the definitions of Wasmtime's wast harness
 * (`link_component_spectest` in crates/wast of the wasmtime repository), provided here as a
 * component of our own, written with `ComponentBuilder` and core modules in the text format,
 * compiled like any component and instantiated once per script. Its exports are what the
 * scripts' root imports link to:
 *
 * ```
 *  host-return-two: func() -> u32                       returns 2
 *  host-echo-u32: func(v: u32) -> u32                   returns v (async in Wasmtime; synchronous here)
 *  host: instance
 *    return-three: func() -> u32                        3
 *    nested: instance { return-four: func() -> u32 }    4
 *    simple-module: core module                         global "g" = 100 (i32, immutable), func "f" -> 101
 *    resource1, resource2: resources                    resource1's destructor counts drops and keeps the last
 *                                                         representation dropped; resource2's does nothing
 *    resource1-again: resource1 under a second name
 *    [constructor]resource1: func(r: u32) -> own<resource1>         a handle of representation r
 *    [static]resource1.assert: func(r: own<resource1>, rep: u32)    traps unless r's representation is rep
 *    [static]resource1.last-drop: func() -> u32, [static]resource1.drops: func() -> u32
 *    [method]resource1.simple: func(self: borrow<resource1>, rep: u32)   traps unless self's representation is rep
 *    [method]resource1.take-borrow: func(self: borrow<resource1>, b: borrow<resource1>)
 *    [method]resource1.take-own: func(self: borrow<resource1>, b: own<resource1>)
 *    return-hi: func() -> string                        "hi"
 * ```
 *
 * Wasmtime's harness also defines asynchronous functions (`never-return`, `return-two-slowly`,
 * `echo-slowly`, `[method]resource1.never-return`); component-model async is not implemented,
 * so they are left out. As in Wasmtime, an owned `resource1` given to the host is kept without
 * running its destructor (only a guest's `resource.drop` runs it).
 */
import { ComponentBuilder, parseWat, type AValType } from '@windlass/wasm-frontend';

const HOST_CORE = `(module
  (memory (export "mem") 1)
  (global $drops (mut i32) (i32.const 0))
  (global $last (mut i32) (i32.const 0))
  (data (i32.const 8) "\\10\\00\\00\\00\\02\\00\\00\\00hi")
  (func (export "two") (result i32) (i32.const 2))
  (func (export "three") (result i32) (i32.const 3))
  (func (export "four") (result i32) (i32.const 4))
  (func (export "echo") (param i32) (result i32) (local.get 0))
  (func (export "dtor1") (param i32)
    (global.set $drops (i32.add (global.get $drops) (i32.const 1)))
    (global.set $last (local.get 0)))
  (func (export "dtor2") (param i32))
  (func (export "last-drop") (result i32) (global.get $last))
  (func (export "drops") (result i32) (global.get $drops))
  (func (export "hi") (result i32) (i32.const 8))
)`;

/** Functions over handles: they need the resource built-ins, so they are a second module. */
const HANDLES_CORE = `(module
  (import "" "rep" (func $rep (param i32) (result i32)))
  (func (export "assert") (param i32 i32)
    (if (i32.ne (call $rep (local.get 0)) (local.get 1)) (then unreachable)))
  (func (export "simple") (param i32 i32)
    (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
  (func (export "take-borrow") (param i32 i32))
  (func (export "take-own") (param i32 i32))
)`;

const SIMPLE_MODULE = `(module
  (global (export "g") i32 (i32.const 100))
  (func (export "f") (result i32) (i32.const 101))
)`;

const u32: AValType = { prim: 'u32' };

/** The bytes of the host component. */
export function hostComponent(): Uint8Array {
  const c = new ComponentBuilder();
  const core = c.coreInstantiate(c.coreModule(parseWat(HOST_CORE)));
  const coreFunc = (name: string): number => c.aliasCoreExport(core, 'core func', name);
  const mem = c.aliasCoreExport(core, 'core memory', 'mem');
  const r1 = c.type({ k: 'resource', rep: 0x7f, dtor: coreFunc('dtor1') });
  const r2 = c.type({ k: 'resource', rep: 0x7f, dtor: coreFunc('dtor2') });
  const own1 = c.type({ k: 'own', idx: r1 });
  const borrow1 = c.type({ k: 'borrow', idx: r1 });
  const own = { idx: own1, at: 0 };
  const borrow = { idx: borrow1, at: 0 };
  const newR1 = c.canonResource('resource.new', r1);
  const repR1 = c.canonResource('resource.rep', r1);
  const handles = c.coreInstantiate(c.coreModule(parseWat(HANDLES_CORE)), [{ name: '', instance: c.coreInstanceOf([{ name: 'rep', sort: 'core func', idx: repR1 }]) }]);
  const handleFunc = (name: string): number => c.aliasCoreExport(handles, 'core func', name);

  const fnType = (params: [string, AValType][], result?: AValType): number => c.type({ k: 'func', params: params.map(([name, t]) => ({ name, t })), ...(result ? { result } : {}) });
  const toU32 = fnType([], u32);
  const lift = (f: number, t: number, opts = {}): number => c.canonLift(f, t, opts);

  const returnFour = lift(coreFunc('four'), toU32);
  const nested = c.instanceOf([{ name: 'return-four', sort: 'func', idx: returnFour }]);
  const simple = c.coreModule(parseWat(SIMPLE_MODULE));
  const exports: { name: string; sort: 'func' | 'type' | 'instance' | 'core module'; idx: number }[] = [
    { name: 'return-three', sort: 'func', idx: lift(coreFunc('three'), toU32) },
    { name: 'nested', sort: 'instance', idx: nested },
    { name: 'simple-module', sort: 'core module', idx: simple },
    { name: 'resource1', sort: 'type', idx: r1 },
    { name: 'resource2', sort: 'type', idx: r2 },
    { name: 'resource1-again', sort: 'type', idx: r1 },
    { name: '[constructor]resource1', sort: 'func', idx: lift(newR1, fnType([['r', u32]], own)) },
    { name: '[static]resource1.assert', sort: 'func', idx: lift(handleFunc('assert'), fnType([['r', own], ['rep', u32]])) },
    { name: '[static]resource1.last-drop', sort: 'func', idx: lift(coreFunc('last-drop'), toU32) },
    { name: '[static]resource1.drops', sort: 'func', idx: lift(coreFunc('drops'), toU32) },
    { name: '[method]resource1.simple', sort: 'func', idx: lift(handleFunc('simple'), fnType([['self', borrow], ['rep', u32]])) },
    { name: '[method]resource1.take-borrow', sort: 'func', idx: lift(handleFunc('take-borrow'), fnType([['self', borrow], ['b', borrow]])) },
    { name: '[method]resource1.take-own', sort: 'func', idx: lift(handleFunc('take-own'), fnType([['self', borrow], ['b', own]])) },
    { name: 'return-hi', sort: 'func', idx: lift(coreFunc('hi'), fnType([], { prim: 'string' }), { memory: mem }) },
  ];
  const host = c.instanceOf(exports);
  c.export('host-return-two', 'func', lift(coreFunc('two'), toU32));
  c.export('host-echo-u32', 'func', lift(coreFunc('echo'), fnType([['v', u32]], u32)));
  c.export('host', 'instance', host);
  return c.finish();
}
