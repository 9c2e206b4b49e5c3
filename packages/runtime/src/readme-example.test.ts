// Keeps the README example true.
import '@windlass/isa-x64';
import { compileModule, serialize } from '@windlass/linker';
import { describe, expect, it } from 'vitest';
import { Runtime, Trap, i32 } from './index';
import { canRun } from './test-support/artifacts';

describe.runIf(canRun)('README example', () => {
  it('compiles, loads, calls and traps as shown', () => {
    const wasm = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
      0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x64, 0x69, 0x76, 0x00, 0x00, 0x0a, 0x09,
      0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6e, 0x0b,
    ]);
    const artifact = serialize(compileModule(wasm, { target: 'x86_64' }));
    const runtime = new Runtime();
    try {
      const instance = runtime.instantiate(runtime.load(artifact));
      expect(instance.invoke('div', [i32(84), i32(2)])).toEqual([{ type: 'i32', value: 42 }]);
      let trap: unknown;
      try {
        instance.invoke('div', [i32(1), i32(0)]);
      } catch (e) {
        trap = e;
      }
      expect(trap).toBeInstanceOf(Trap);
      expect((trap as Trap).trapMessage).toBe('integer divide by zero');
    } finally {
      runtime.close();
    }
  });
});
