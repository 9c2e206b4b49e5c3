// `windlass wast --target x86_64` (and riscv64 under qemu-user): every module through an
// artifact and the runtime, with the state a script expects (registered instances, shared
// memories and tables, the effects of a failed instantiation), traps, exhaustion and link errors.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { artifactHostProblem, runWastFiles } from './index';
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

/** With V: the i8x16 lanes of a v128 through memory, a splat and a lane-wise add. */
const SIMD = `
(module
  (memory 1)
  (func (export "add") (param v128 i32) (result v128) (i8x16.add (local.get 0) (i8x16.splat (local.get 1))))
  (func (export "sum") (param i32) (result i32)
    (v128.store (i32.const 0) (i32x4.splat (local.get 0)))
    (i32x4.extract_lane 3 (i32x4.add (v128.load (i32.const 0)) (v128.load (i32.const 0))))))
(assert_return (invoke "add" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255) (i32.const 1))
  (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0))
(assert_return (invoke "sum" (i32.const 21)) (i32.const 42))
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

describe.runIf(artifactHostProblem('riscv64') === null)('wast through riscv64 artifacts under qemu-user', () => {
  it('runs the same script, and vector code on the V extension the target line asks for', async () => {
    const paths = [script(SCRIPT), script(SIMD)];
    try {
      const s = await runWastFiles(paths, { target: 'riscv64 has_v has_c has_zbb' });
      expect(s.perScript.flatMap((p) => p.failures)).toEqual([]);
      expect({ passed: s.passed, failed: s.failed, skipped: s.skipped }).toEqual({ passed: 13, failed: 0, skipped: 0 });
    } finally {
      for (const p of paths) rmSync(p, { force: true });
    }
  }, 120_000);
});
