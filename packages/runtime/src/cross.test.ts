// Artifacts for AArch64, RISC-V 64 and s390x (big-endian), compiled by their backends and run
// under qemu-user by the cross-built loader: the same trampolines (IR, compiled per ISA), the
// per-ISA relocation table (a libcall), traps, backtraces, imports, values of every type.
import '@windlass/isa-aarch64';
import '@windlass/isa-riscv64';
import '@windlass/isa-s390x';
import { compileModule, serialize } from '@windlass/linker';
import { describe, expect, it } from 'vitest';
import { Runtime, Trap, compilerFor, f32Bits, f64, i32, i64, v128, type LoaderIsa } from './index';
import { hasTool, wat } from './test-support/artifacts';

const MODULE = `(module
  (import "env" "bump" (func $bump (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (global $g (export "g") (mut i32) (i32.const 7))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "outer") (param i32) (result i32) (i32.add (i32.const 1) (call $load (local.get 0))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "bump2") (param i32) (result i32) (call $bump (call $bump (local.get 0))))
  (func (export "global") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "mix") (param f32 f64 v128) (result v128 f64 f32) (local.get 2) (local.get 1) (local.get 0)))`;

const ENV = `(module (func (export "bump") (param i32) (result i32) (i32.add (local.get 0) (i32.const 100))))`;

const TARGETS: [LoaderIsa, string][] = [
  ['aarch64', 'aarch64'],
  ['riscv64', 'riscv64 has_v'],
  ['s390x', 's390x'],
];

describe('artifacts of other ISAs under qemu-user', () => {
  for (const [isa, target] of TARGETS) {
    const ready = hasTool(compilerFor(isa)) && hasTool(`qemu-${isa}`) && hasTool('wat2wasm');
    it.runIf(ready)(`${target}: calls, imports, memory, traps with backtraces, every value type`, () => {
      const rt = new Runtime({ isa });
      try {
        const load = (text: string) => rt.load(serialize(compileModule(wat(text), { target })));
        const env = rt.instantiate(load(ENV));
        const m = rt.instantiate(load(MODULE), { imports: { env } });
        expect(m.invoke('fac', [i64(20)])).toEqual([i64(2432902008176640000n)]);
        expect(m.invoke('bump2', [i32(1)])).toEqual([i32(201)]);
        expect(m.invoke('global')).toEqual([i32(8)]);
        expect(m.global('g')).toEqual(i32(8));
        // memory.grow is a call to the loader's wasm_memory_grow: a relocation of this ISA's kind.
        expect(m.invoke('grow', [i32(1)])).toEqual([i32(1)]);
        expect(m.invoke('grow', [i32(1)])).toEqual([i32(-1)]);
        m.invoke('store', [i32(2 * 65536 - 4), i32(0x01020304)]);
        expect(m.invoke('outer', [i32(2 * 65536 - 4)])).toEqual([i32(0x01020305)]);
        let trap: unknown;
        try {
          m.invoke('outer', [i32(2 * 65536)]);
        } catch (e) {
          trap = e;
        }
        expect(trap).toBeInstanceOf(Trap);
        expect((trap as Trap).trapMessage).toBe('out of bounds memory access');
        expect((trap as Trap).frames.map((f) => f.func)).toEqual([2, 3]);
        const nan = f32Bits(0x7fa00001);
        const bytes = Uint8Array.from({ length: 16 }, (_, k) => k * 7);
        expect(m.invoke('mix', [nan, f64(-1.5), v128(bytes)])).toEqual([v128(bytes), f64(-1.5), nan]);
      } finally {
        rt.close();
      }
    }, 300_000);
  }
});
