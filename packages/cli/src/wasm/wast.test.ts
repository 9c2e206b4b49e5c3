import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus, haveWabt, script as writeScript } from './test-support';
import { countAssertions, runWastFiles, summaryLine, trapMatches } from './index';

describe('trapMatches', () => {
  it('accepts the trap the script names, or one the script states with an extra detail', () => {
    expect(trapMatches('out of bounds memory access', 'out of bounds memory access')).toBe(true);
    expect(trapMatches('uninitialized element', 'uninitialized element 2')).toBe(true);
    expect(trapMatches('out of bounds table access', 'undefined element')).toBe(false);
    expect(trapMatches('integer overflow', 'integer divide by zero')).toBe(false);
    expect(trapMatches('', 'unreachable')).toBe(false);
  });
});

describe('countAssertions', () => {
  it('counts top-level assertions, ignoring comments and strings', () => {
    const text = `(module) ;; (assert_return)
      (; (assert_trap (; nested ;) ) ;)
      (assert_return (invoke "f \\" (assert_trap") (i32.const 1))
      (assert_invalid (module (func (assert_return))) "x")`;
    expect(countAssertions(text)).toBe(2);
  });
});

const SCRIPT = `
      (module (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0))))
      (assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
      (assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 4))
      (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
      (assert_return (invoke "nan") (f32.const nan:arithmetic))
      (assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
      (assert_malformed (module quote "(func (nop") "unexpected end")`;

describe('runWastFiles with the text reader', () => {
  it('passes true assertions and fails false ones, one case per assertion; the text reader judges quoted modules', async () => {
    const path = script(SCRIPT);
    try {
      const s = await runWastFiles([path], { node: true });
      expect(s.perScript[0].failures.map((f) => f.line)).toEqual([5]);
      expect(summaryLine(s)).toBe('5 passed, 1 failed, 0 skipped');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('fails a quoted module the reader accepts where the script says malformed, and the reverse for invalid', async () => {
    const path = script(`(assert_malformed (module quote "(func)") "unexpected token")
      (assert_invalid (module quote "(func (i32.konst 0))") "type mismatch")
      (assert_malformed (module quote "(func (i32.konst 0))") "unknown operator")`);
    try {
      const s = await runWastFiles([path], { interpret: true });
      expect(s.perScript[0].failures.map((f) => [f.line, f.message.replace(/:.*/, '')])).toEqual([
        [1, 'the text reader accepted it, expected malformed "unexpected token"'],
        [2, 'the text reader rejected it, expected invalid "type mismatch"'],
      ]);
      expect(summaryLine(s)).toBe('1 passed, 2 failed, 0 skipped');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('counts a script the reader cannot read as failed, one case per assertion, with the place', async () => {
    const path = script('(module (func (if (i32.const 1) (then))))\n(assert_trap (invoke "x") "x")\n(assert_return (invoke "x") (i32.const 1)\n');
    try {
      const s = await runWastFiles([path], { interpret: true });
      expect(s.failed).toBe(2);
      expect(s.perScript[0].error).toMatch(/^the script does not read: .*case\.wast:4:1: unexpected end/);
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('runs a trap of a multi-value function (which wast2json cannot write as JSON)', async () => {
    const path = script('(module (func (export "f") (result i32 i32) unreachable))\n(assert_trap (invoke "f") "unreachable")\n');
    try {
      expect(summaryLine(await runWastFiles([path], { interpret: true }))).toBe('1 passed, 0 failed, 0 skipped');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });
});

describe.runIf(haveWabt)('runWastFiles through wast2json', () => {
  it('gives the same results, the quoted module judged from wast2json\'s .wat file', async () => {
    const path = script(SCRIPT);
    try {
      expect(summaryLine(await runWastFiles([path], { node: true, reader: 'wast2json' }))).toBe('5 passed, 1 failed, 0 skipped');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('counts a script wast2json cannot read as failed, with the reason', async () => {
    const path = script('(module (func (if (i32.const 1) (then))))\n(assert_return (invoke "x") (i32.const 1)\n');
    try {
      const s = await runWastFiles([path], { node: true, reader: 'wast2json' });
      expect(s.failed).toBe(1);
      expect(s.perScript[0].error).toMatch(/wast2json/);
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('counts a script whose wast2json output does not parse as one failed script, and runs the others', async () => {
    // wabt 1.0.32 writes `"expected": [{...}{...}]` for a trap of a multi-value function.
    const bad = script('(module (func (export "f") (result i32 i32) unreachable))\n(assert_trap (invoke "f") "unreachable")\n');
    const good = script('(module (func (export "g") (result i32) (i32.const 1)))\n(assert_return (invoke "g") (i32.const 1))\n');
    try {
      const s = await runWastFiles([bad, good], { interpret: true, reader: 'wast2json' });
      expect(s.perScript[0].error).toMatch(/^wast2json wrote JSON that does not parse/);
      expect(summaryLine(s)).toBe('1 passed, 1 failed, 0 skipped');
    } finally {
      for (const p of [bad, good]) rmSync(resolve(p, '..'), { recursive: true, force: true });
    }
  });
});

describe('runWastFiles on Node', () => {
  it('reads globals by their bits: NaN payloads and v128 values', async () => {
    const path = script(`
      (module
        (global (export "g") f32 (f32.const -nan:0x4fe3ec))
        (global (export "h") (mut f64) (f64.const nan:0x4))
        (global (export "v") v128 (v128.const i32x4 1 2 3 -1)))
      (assert_return (get "g") (f32.const -nan:0x4fe3ec))
      (assert_return (get "h") (f64.const nan:0x4))
      (assert_return (get "v") (v128.const i32x4 1 2 3 -1))
      (assert_return (get "g") (f32.const nan:canonical))
      (assert_return (get "h") (f64.const nan:canonical))`);
    try {
      const s = await runWastFiles([path], { node: true });
      // Numbers as people read them, NaNs with their payload and bits.
      expect(s.perScript[0].failures.map((f) => `${f.line}: ${f.message}`)).toEqual([
        '9: g: got f32:-nan:0x4fe3ec (0xffcfe3ec), expected f32:nan:canonical',
        '10: h: got f64:nan:0x4 (0x7ff0000000000004), expected f64:nan:canonical',
      ]);
      expect(summaryLine(s)).toBe('3 passed, 2 failed, 0 skipped');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('writes numbers in failures as the text format does: decimal floats, signed integers', async () => {
    const path = script(`
      (module (func (export "f") (result f32 i32 i64 f64) (f32.const 0.1) (i32.const -1) (i64.const 5) (f64.const -0.0)))
      (assert_return (invoke "f") (f32.const 0.2) (i32.const -2) (i64.const 5) (f64.const 0.0))`);
    try {
      const s = await runWastFiles([path], { node: true });
      expect(s.perScript[0].failures[0].message).toBe('f: got f32:0.1 i32:-1 (0xffffffff) i64:5 f64:-0.0, expected f32:0.2 i32:-2 (0xfffffffe) i64:5 f64:0.0');
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  it('gives wast2json a script named `-` as a file, never its standard input (fuzz finding: it waited forever)', async () => {
    const path = script('(module (func (export "f") (result i32) (i32.const 1)))\n(assert_return (invoke "f") (i32.const 1))\n');
    const dash = join(resolve(path, '..'), '-');
    renameSync(path, dash);
    const cwd = process.cwd();
    process.chdir(resolve(path, '..'));
    try {
      expect(summaryLine(await runWastFiles(['-'], { interpret: true, reader: 'wast2json' }))).toBe('1 passed, 0 failed, 0 skipped');
    } finally {
      process.chdir(cwd);
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  }, 30_000);

  const scripts = ['i32', 'f64', 'linking', 'simd_i8x16_arith', 'memory_trap', 'call_indirect'].map((n) => join(corpus, `${n}.wast`));
  it.runIf(existsSync(corpus))('runs spec scripts on Node without a failure', async () => {
    const s = await runWastFiles(scripts, { node: true, jobs: 2 });
    for (const r of s.perScript) expect(r.failures, r.path).toEqual([]);
    expect(s.failed).toBe(0);
    expect(s.passed).toBeGreaterThan(1000);
  });
});

function script(text: string): string {
  return writeScript(text, 'wast-test-');
}
