// Multi-memory modules through artifacts: each memory its own record in vmctx, loads and stores
// with memory indexes, memory.size / grow / copy / fill per memory, data segments into memory 1.
import '@windlass/isa-x64';
import { compileModule, serialize } from '@windlass/linker';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Trap, i32 } from './index';
import { canRun, wat } from './test-support/artifacts';

const TWO_MEMORIES = `(module
  (memory $a 1)
  (memory $b (export "b") 1 4)
  (data (memory $b) (i32.const 16) "\\2a\\00\\00\\00")
  (func (export "store_b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "copy_b_to_a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
)`;

describe.runIf(canRun)('multi-memory artifacts (x86-64)', () => {
  const rt = canRun ? new Runtime() : (undefined as unknown as Runtime);
  afterAll(() => rt?.close());

  for (const boundsChecks of ['explicit', 'guard'] as const) {
    it(`keeps the memories apart (${boundsChecks} bounds checks)`, () => {
      const bytes = serialize(compileModule(wat(TWO_MEMORIES, ['--enable-multi-memory']), { target: 'x86_64', boundsChecks, features: { multiMemory: true } }));
      const inst = rt.instantiate(rt.load(bytes));
      expect(inst.invoke('load_b', [i32(16)])).toEqual([i32(42)]);
      expect(inst.invoke('load_a', [i32(16)])).toEqual([i32(0)]);
      inst.invoke('store_b', [i32(100), i32(7)]);
      expect(inst.invoke('load_a', [i32(100)])).toEqual([i32(0)]);
      inst.invoke('copy_b_to_a', [i32(200), i32(100), i32(4)]);
      expect(inst.invoke('load_a', [i32(200)])).toEqual([i32(7)]);
      expect(inst.invoke('grow_b', [i32(2)])).toEqual([i32(1)]);
      expect(inst.invoke('size_b', [])).toEqual([i32(3)]);
      inst.invoke('fill_b', [i32(65536 * 2), i32(0xff), i32(4)]);
      expect(inst.invoke('load_b', [i32(65536 * 2)])).toEqual([i32(-1)]);
      // Memory a still has one page: the access traps.
      expect(() => inst.invoke('load_a', [i32(65536 * 2)])).toThrow(Trap);
      // Memory b may reach 4 pages, no more.
      expect(inst.invoke('grow_b', [i32(2)])).toEqual([i32(-1)]);
      expect(inst.invoke('grow_b', [i32(1)])).toEqual([i32(3)]);
    });
  }

  it('needs the feature: a 2.0 module with two memories is invalid', () => {
    expect(() => compileModule(wat(TWO_MEMORIES, ['--enable-multi-memory']), { target: 'x86_64' })).toThrow(/multiple memories/);
  });
});
