// `windlass wast --target x86_64`: every module through an artifact and the runtime, with the
// state a script expects (registered instances, shared memories and tables, the effects of a
// failed instantiation), traps, exhaustion and link errors.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWastFiles } from './index';
import { script } from './test-support';

const canRun = process.platform === 'linux' && process.arch === 'x64';

const SCRIPT = `
(module $M
  (memory (export "mem") 1)
  (table (export "tab") 2 funcref)
  (global (export "g") (mut i32) (i32.const 5))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "deep") (param i32) (result i32) (i32.add (i32.const 1) (call 1 (local.get 0))))
  (func (export "id") (param externref) (result externref) (local.get 0)))
(register "M" $M)
(module
  (import "M" "mem" (memory 1))
  (import "M" "g" (global $g (mut i32)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
(invoke "store" (i32.const 8) (i32.const 77))
(assert_return (invoke $M "load" (i32.const 8)) (i32.const 77))
(assert_return (invoke "bump") (i32.const 6))
(assert_return (get $M "g") (i32.const 6))
(assert_return (invoke $M "id" (ref.extern 3)) (ref.extern 3))
(assert_return (invoke $M "id" (ref.null extern)) (ref.null extern))
(assert_trap (invoke $M "load" (i32.const 65534)) "out of bounds memory access")
(assert_exhaustion (invoke $M "deep" (i32.const 0)) "call stack exhausted")
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "M" "mem" (memory 2))) "incompatible import type")
;; A failed instantiation keeps what its segments wrote before the one that fails.
(assert_trap (module
  (import "M" "mem" (memory 1))
  (data (i32.const 16) "\\2a")
  (data (i32.const 65536) "x")) "out of bounds memory access")
(assert_return (invoke $M "load" (i32.const 16)) (i32.const 42))
`;

describe.runIf(canRun)('wast through artifacts', () => {
  it('runs a script with registered, shared and failed instances', async () => {
    const path = script(SCRIPT);
    try {
      const s = await runWastFiles([path], { target: 'x86_64' });
      expect(s.perScript[0].failures).toEqual([]);
      expect({ passed: s.passed, failed: s.failed, skipped: s.skipped }).toEqual({ passed: 11, failed: 0, skipped: 0 });
    } finally {
      rmSync(path, { force: true });
    }
  }, 120_000);
});
