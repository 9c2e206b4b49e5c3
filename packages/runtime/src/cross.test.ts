// The runtime across ISAs: an artifact compiled here (on x86-64) for riscv64, loaded by the
// riscv64 loader under qemu-user, instantiated and called; traps come back with their wasm
// backtrace, which walks riscv64 frames (the psABI frame pointer layout of arch.h). Like
// Cranelift, the riscv64 backend leaves leaf functions without a frame unless
// `preserve_frame_pointers` is set (as wasmtime sets it): a trap in such a leaf reports the leaf
// alone, so the backtrace test compiles with the setting.
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Trap, f32Bits, f64, i32, i64, v128, type WasmValue } from './index';
import { artifactOf, hasTool } from './test-support/artifacts';

const canRunRiscv64 = process.platform === 'linux' && hasTool('qemu-riscv64') && hasTool('riscv64-linux-gnu-gcc') && hasTool('wat2wasm');

const MATH = `(module
  (memory (export "mem") 1 3)
  (global $count (export "count") (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $add)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $fac (export "fac") (param i64) (result i64)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (i32.const 1) (call $deep (local.get 0))))
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32) (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "indirect") (param i32) (result i32) (call_indirect (param i32 i32) (result i32) (i32.const 1) (i32.const 2) (local.get 0)))
  (func (export "mix") (param f32 f64 v128) (result v128 f64 f32) (local.get 2) (local.get 1) (local.get 0))
  (func (export "dot") (param v128 v128) (result v128) (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
)`;

describe.runIf(canRunRiscv64)('Runtime (riscv64 artifacts compiled on this host, under qemu-user)', () => {
  const target = 'riscv64 has_v has_c has_zba has_zbb';
  const rt = canRunRiscv64 ? new Runtime({ isa: 'riscv64', qemuCpu: 'rv64,v=true,vlen=128,elen=64,vext_spec=v1.0,zba=true,zbb=true' }) : (undefined as unknown as Runtime);
  afterAll(() => rt?.close());
  const settings = ['preserve_frame_pointers=true'];
  const math = canRunRiscv64 ? rt.instantiate(rt.load(artifactOf(MATH, { target, settings }), { settings })) : (undefined as never);

  it('runs the riscv64 code: calls, recursion, globals, tables, memory growth', () => {
    expect(rt.isa).toBe('riscv64');
    expect(math.invoke('add', [i32(2), i32(40)])).toEqual([i32(42)]);
    expect(math.invoke('fac', [i64(20)])).toEqual([i64(2432902008176640000n)]);
    expect(math.global('count')).toEqual(i32(21));
    expect(math.invoke('indirect', [i32(0)])).toEqual([i32(3)]);
    expect(math.invoke('grow', [i32(2)])).toEqual([i32(1)]);
  });

  it('passes floats bit-exactly and vectors (V registers) through the trampolines', () => {
    const nan = f32Bits(0x7fa00001);
    const bytes = Uint8Array.from({ length: 16 }, (_, k) => k * 3);
    expect(math.invoke('mix', [nan, f64(-0), v128(bytes)]) as WasmValue[]).toEqual([v128(bytes), f64(-0), nan]);
    const a = new Uint8Array(new Int16Array([1, 2, 3, 4, -5, 6, 7, 8]).buffer);
    const b = new Uint8Array(new Int16Array([10, 20, 30, 40, 50, 60, 70, -80]).buffer);
    expect(math.invoke('dot', [v128(a), v128(b)])).toEqual([v128(new Uint8Array(new Int32Array([50, 250, 110, -150]).buffer))]);
  });

  it('reports traps with a backtrace through riscv64 frames, and stack exhaustion', () => {
    let trap: Trap | undefined;
    try {
      math.invoke('outer', [i32(3 * 65536)]);
    } catch (e) {
      trap = e as Trap;
    }
    expect(trap).toBeInstanceOf(Trap);
    expect(trap!.trapMessage).toBe('out of bounds memory access');
    expect(trap!.frames.map((f) => f.func)).toEqual([3, 4]);
    expect(() => math.invoke('indirect', [i32(1)])).toThrow(/uninitialized element/);
    expect(() => math.invoke('deep', [i32(0)])).toThrow(/call stack exhausted/);
    expect(math.invoke('add', [i32(1), i32(1)])).toEqual([i32(2)]);
  });
});
