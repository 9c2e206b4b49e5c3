import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus, haveWabt, script as writeScript } from './test-support';
import { normalizeWast } from './normalize';
import { runWastFiles } from './index';


describe('normalizeWast', () => {
  it('adds the default table index and hoists extra if conditions, keeping lines', () => {
    const { text, rewrites } = normalizeWast(
      '(module\n  (table 1 funcref)\n  (func (result i32) (table.size))\n  (func (if (i32.const 1) (i32.eqz) (then))))',
    );
    expect(rewrites).toBe(2);
    expect(text.split('\n')[2]).toContain('table.size 0');
    expect(text).toMatch(/\( i32\.const 1 \) \( i32\.eqz \) \( if \( then \) \)/);
  });

  it('inlines a top-level quoted module, turning carriage returns into line feeds', () => {
    const { text } = normalizeWast('(module quote "(func (export \\"f\\")" ";; c\\0d" "(nop))")\n(assert_malformed (module quote "(x") "y")');
    expect(text).toContain('( module (func (export "f") ;; c\n (nop)) )');
    expect(text).toContain('( assert_malformed ( module quote "(x" ) "y" )');
  });

  it('reads and rewrites scripts nested 100000 deep (no recursion on the input\'s depth)', () => {
    const n = 100_000;
    const { text, rewrites } = normalizeWast(`(module (func (result i32) ${'(block '.repeat(n)}(table.size)${')'.repeat(n)} (i32.const 1)))`);
    expect(rewrites).toBe(1);
    expect(text.split('( block ').length - 1).toBe(n);
    expect(text).toContain('table.size 0');
  });
});

describe.runIf(haveWabt)('runWastFiles --interpret (IR on the interpreter)', () => {
  it('runs translated code: results, traps, memory, tables, and catches a wrong expectation', async () => {
    const path = script(`
      (module
        (memory 1)
        (table 2 funcref)
        (elem (i32.const 0) $sq)
        (global $g (mut i32) (i32.const 5))
        (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func (export "store-load") (param i32) (result i32)
          (i32.store (local.get 0) (i32.const 77)) (i32.load (local.get 0)))
        (func (export "indirect") (param i32 i32) (result i32)
          (call_indirect (param i32) (result i32) (local.get 0) (local.get 1)))
        (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
        (func (export "loop") (param i32) (result i32) (local $acc i32)
          (block $done (loop $l
            (br_if $done (i32.eqz (local.get 0)))
            (local.set $acc (i32.add (local.get $acc) (local.get 0)))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br $l)))
          (local.get $acc)))
      (assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
      (assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 4))
      (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
      (assert_return (invoke "store-load" (i32.const 8)) (i32.const 77))
      (assert_trap (invoke "store-load" (i32.const 65534)) "out of bounds memory access")
      (assert_return (invoke "indirect" (i32.const 9) (i32.const 0)) (i32.const 81))
      (assert_trap (invoke "indirect" (i32.const 9) (i32.const 1)) "uninitialized element")
      (assert_trap (invoke "indirect" (i32.const 9) (i32.const 2)) "undefined element")
      (assert_return (invoke "bump") (i32.const 6))
      (assert_return (invoke "bump") (i32.const 7))
      (assert_return (invoke "loop" (i32.const 100)) (i32.const 5050))`);
    try {
      const s = await runWastFiles([path], { interpret: true });
      expect(s.perScript[0].failures.map((f) => f.line)).toEqual([22]); // the false "div" expectation
      expect(s.passed).toBe(10);
      expect(s.failed).toBe(1);
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('recurses as deep as native code (10000 wasm frames), and reports exhaustion past the limit', async () => {
    const path = script(`
      (module
        (func $rec (export "rec") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))
      (assert_return (invoke "rec" (i32.const 2000)) (i32.const 2000))
      (assert_return (invoke "rec" (i32.const 10000)) (i32.const 10000))
      (assert_exhaustion (invoke "rec" (i32.const 100000000)) "call stack exhausted")`);
    try {
      const s = await runWastFiles([path], { interpret: true });
      expect(s.perScript[0].failures).toEqual([]);
      expect(s.passed).toBe(3);
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  const names = ['i64', 'conversions', 'memory_grow', 'call_indirect', 'linking', 'bulk', 'simd_lane'];
  it.runIf(existsSync(corpus))('passes spec scripts without a failure', async () => {
    const s = await runWastFiles(names.map((n) => join(corpus, `${n}.wast`)), { interpret: true, jobs: 2 });
    for (const r of s.perScript) expect(r.failures, r.path).toEqual([]);
    expect(s.passed).toBeGreaterThan(1500);
  });
});

function script(text: string): string {
  return writeScript(text, 'wast-interp-');
}
