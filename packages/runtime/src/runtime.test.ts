// The runtime end to end on x86-64: artifacts loaded into the loader process, instantiated,
// linked to each other, called; traps come back with their message and wasm backtrace.
import { afterAll, describe, expect, it } from 'vitest';
import { LinkError, Runtime, TimeoutError, Trap, f32Bits, f64, i32, i64, v128, type WasmValue } from './index';
import { artifactOf, canRun } from './test-support/artifacts';

const MATH = `(module
  (memory (export "mem") 1 3)
  (global $count (export "count") (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $add)
  (data (i32.const 8) "\\2a\\00\\00\\00")
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $fac (export "fac") (param i64) (result i64)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (i32.const 1) (call $deep (local.get 0))))
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32) (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "indirect") (param i32) (result i32) (call_indirect (param i32 i32) (result i32) (i32.const 1) (i32.const 2) (local.get 0)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "mix") (param f32 f64 v128) (result v128 f64 f32) (local.get 2) (local.get 1) (local.get 0))
)`;

describe.runIf(canRun)('Runtime (x86-64)', () => {
  const rt = canRun ? new Runtime() : (undefined as unknown as Runtime);
  afterAll(() => rt?.close());
  const math = canRun ? rt.instantiate(rt.load(artifactOf(MATH))) : (undefined as never);

  it('calls exports with typed values and keeps state between calls', () => {
    expect(math.invoke('add', [i32(2), i32(40)])).toEqual([i32(42)]);
    expect(math.invoke('fac', [i64(20)])).toEqual([i64(2432902008176640000n)]);
    expect(math.global('count')).toEqual(i32(21));
    expect(math.invoke('indirect', [i32(0)])).toEqual([i32(3)]);
  });

  it('passes floats bit-exactly and vectors through trampolines of any signature', () => {
    const nan = f32Bits(0x7fa00001);
    const bytes = Uint8Array.from({ length: 16 }, (_, k) => k * 3);
    const out: WasmValue[] = math.invoke('mix', [nan, f64(-0), v128(bytes)]);
    expect(out).toEqual([v128(bytes), f64(-0), nan]);
  });

  it('grows memory in place up to its maximum', () => {
    expect(math.invoke('size')).toEqual([i32(1)]);
    expect(math.invoke('grow', [i32(2)])).toEqual([i32(1)]);
    expect(math.invoke('grow', [i32(1)])).toEqual([i32(-1)]);
    expect(math.invoke('outer', [i32(3 * 65536 - 4)])).toEqual([i32(1)]);
  });

  it('reports traps with the spec message and a backtrace of wasm functions and offsets', () => {
    let trap: Trap | undefined;
    try {
      math.invoke('outer', [i32(3 * 65536)]);
    } catch (e) {
      trap = e as Trap;
    }
    expect(trap).toBeInstanceOf(Trap);
    expect(trap!.trapMessage).toBe('out of bounds memory access');
    expect(trap!.frames.map((f) => f.func)).toEqual([3, 4]);
    expect(trap!.frames[0].wasmOffset).toBeGreaterThan(0);
    expect(trap!.message).toMatch(/^wasm trap: out of bounds memory access\nwasm backtrace:\n {2}0: 0x[0-9a-f]+ - func\[3\]\n {2}1: 0x[0-9a-f]+ - func\[4\]$/);
    expect(() => math.invoke('indirect', [i32(1)])).toThrow(/uninitialized element/);
    expect(() => math.invoke('indirect', [i32(5)])).toThrow(/undefined element/);
  });

  it('turns runaway recursion into "call stack exhausted" and keeps running', () => {
    expect(() => math.invoke('deep', [i32(0)])).toThrow(/call stack exhausted/);
    expect(math.invoke('add', [i32(1), i32(1)])).toEqual([i32(2)]);
  });

  it('stops a call at its time limit', () => {
    expect(() => math.invoke('spin', [], { timeoutMs: 200 })).toThrow(TimeoutError);
    expect(math.invoke('add', [i32(1), i32(2)])).toEqual([i32(3)]);
  });

  it('links imports to other instances and refuses what does not match', () => {
    const user = rt.load(artifactOf(`(module
      (import "math" "add" (func $add (param i32 i32) (result i32)))
      (import "math" "mem" (memory 1))
      (import "math" "count" (global $c (mut i32)))
      (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0)))
      (func (export "peek") (result i32) (i32.load (i32.const 8)))
      (func (export "bump") (global.set $c (i32.add (global.get $c) (i32.const 100)))))`));
    const u = rt.instantiate(user, { imports: { math } });
    expect(u.invoke('twice', [i32(21)])).toEqual([i32(42)]);
    expect(u.invoke('peek')).toEqual([i32(42)]);
    u.invoke('bump');
    expect(math.global('count')).toEqual(i32(121));
    expect(() => rt.instantiate(user)).toThrow(LinkError);
    expect(() => rt.instantiate(user)).toThrow(/unknown import: math.add/);
    const wrong = rt.load(artifactOf(`(module (import "math" "add" (func (param i64) (result i32))))`));
    expect(() => rt.instantiate(wrong, { imports: { math } })).toThrow(/incompatible import type: math.add/);
  });

  it('refuses an artifact made with other settings before running anything', () => {
    expect(() => rt.load(artifactOf('(module)', { settings: ['opt_level=speed'] }), { settings: [] })).toThrow(/setting opt_level: artifact has speed, expected none/);
  });

  it('runs guard-page code: no bounds checks in the code, a 4 GiB + guard reservation per memory', () => {
    const g = rt.instantiate(rt.load(artifactOf(`(module (memory 1)
      (func (export "load") (param i32) (result i32) (i32.load offset=8 (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))`, { boundsChecks: 'guard' }), { boundsChecks: 'guard' }));
    g.invoke('store', [i32(100), i32(7)]);
    expect(g.invoke('load', [i32(92)])).toEqual([i32(7)]);
    expect(() => g.invoke('load', [i32(65536 - 8)])).toThrow(/out of bounds memory access/);
    expect(() => g.invoke('load', [i32(-1)])).toThrow(/out of bounds memory access/);
  });
});
