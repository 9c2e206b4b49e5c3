import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClif, type Function } from '@windlass/ir';
import { buildRunCases } from './test-support';
import { buildObject, runNative, testSymbol } from './index';
import { cmdCompile } from './compile-cmd';
import { checkCompile } from './test-compile';

const hasCc = process.arch === 'x64' && spawnSync('cc', ['--version']).status === 0;
const hasGdb = hasCc && spawnSync('gdb', ['--version']).status === 0;
const examples = join(__dirname, '../../../../examples');

describe('x86_64 native backend', () => {
  it.skipIf(!hasCc)('runs the examples natively (needs cc on an x86_64 host)', () => {
    for (const file of ['arith.clif', 'select.clif']) {
      const clif = parseClif(readFileSync(join(examples, file), 'utf8'), file);
      const cases = buildRunCases(clif);
      expect(cases.length).toBeGreaterThan(0);
      const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
      expect(out.map((o) => o.status)).toEqual(cases.map(() => 'pass'));
    }
  });

  it.skipIf(!hasCc)('reports a wrong result as a mismatch and a trap as a trap', () => {
    const clif = parseClif(`test run
target x86_64
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}
; run: %add(1, 2) == 4
function %div(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = udiv v0, v1
    return v2
}
; run: %div(1, 0) == 0
`, 't.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out[0]).toEqual({ status: 'fail', message: 'expected 4, got 3' });
    expect(out[1].status).toBe('fail');
    expect(out[1].message).toMatch(/trapped/);
  });

  it.skipIf(!hasCc)('reads several return values with a vector among them from their registers', () => {
    const clif = parseClif(`test run
target x86_64
function %vi(i64x2, i64) -> i64x2, i64, f64x2 {
block0(v0: i64x2, v1: i64):
    v2 = iadd_imm v1, 1
    v3 = f64const 0x1.8p1
    v4 = splat.f64x2 v3
    return v0, v2, v4
}
; run: %vi([1 2], 41) == [[1 2], 42, [0x1.8p1 0x1.8p1]]
function %wi(i32x4, i32) -> i32x4, i32 windows_fastcall {
block0(v0: i32x4, v1: i32):
    v2 = iadd v0, v0
    v3 = imul_imm v1, 3
    return v2, v3
}
; run: %wi([1 2 3 4], 5) == [[2 4 6 8], 15]
; run: %wi([1 2 3 4], 5) == [[2 4 6 9], 15]
`, 't.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out.slice(0, 2)).toEqual([{ status: 'pass' }, { status: 'pass' }]);
    expect(out[2].status).toBe('fail');
  });

  it.skipIf(!hasCc)('moves f16 lanes between f16 registers and f16x8 vectors (fuzz finding)', () => {
    const clif = parseClif(`test run
target x86_64
target x86_64 has_sse41
function %s2v(f16) -> f16x8 {
block0(v0: f16):
    v1 = scalar_to_vector.f16x8 v0
    return v1
}
; run: %s2v(0x1.5p2) == [0x1.5p2 0.0 0.0 0.0 0.0 0.0 0.0 0.0]
function %splat(f16) -> f16x8 {
block0(v0: f16):
    v1 = splat.f16x8 v0
    return v1
}
; run: %splat(-0x1.8p0) == [-0x1.8p0 -0x1.8p0 -0x1.8p0 -0x1.8p0 -0x1.8p0 -0x1.8p0 -0x1.8p0 -0x1.8p0]
function %ext(f16x8) -> f16 {
block0(v0: f16x8):
    v1 = extractlane v0, 5
    return v1
}
; run: %ext([0.0 0x1.0p0 0x1.0p1 0x1.0p2 0x1.0p3 0x1.0p4 0x1.0p5 0x1.0p6]) == 0x1.0p4
function %ins(f16x8, f16) -> f16x8 {
block0(v0: f16x8, v1: f16):
    v2 = insertlane v0, v1, 3
    return v2
}
; run: %ins([0.0 0x1.0p0 0x1.0p1 0x1.0p2 0x1.0p3 0x1.0p4 0x1.0p5 0x1.0p6], -0x1.0p1) == [0.0 0x1.0p0 0x1.0p1 -0x1.0p1 0x1.0p3 0x1.0p4 0x1.0p5 0x1.0p6]
`, 'f16.clif');
    const cases = buildRunCases(clif);
    expect(cases).toHaveLength(4);
    for (const flags of [[], ['has_sse41']]) {
      const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags });
      expect(out).toEqual(cases.map(() => ({ status: 'pass' })));
    }
  });

  it.skipIf(!hasCc)('calls windows_fastcall functions (stack arguments, a System V callee) from C', () => {
    const clif = parseClif(`test run
target x86_64
function %sum6(i64, i64, i64, i64, i64, i64) -> i64 system_v {
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64):
    v6 = iadd v0, v1
    v7 = iadd v6, v2
    v8 = iadd v7, v3
    v9 = iadd v8, v4
    v10 = iadd v9, v5
    return v10
}
function %win(i64, i64, i64, i64, i64, f64) -> i64 windows_fastcall {
    fn0 = %sum6(i64, i64, i64, i64, i64, i64) -> i64 system_v
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: f64):
    v6 = fcvt_to_sint.i64 v5
    v7 = call fn0(v0, v1, v2, v3, v4, v6)
    return v7
}
; run: %win(1, 2, 3, 4, 5, 0x1.8p2) == 21
`, 'w.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out).toEqual([{ status: 'pass' }]);
  });

  it('turns an unsupported function into a typed failure, not a crash', () => {
    // Arithmetic on 64-bit vectors is not lowered on x86-64 (yet).
    const clif = parseClif(`function %v(i32x2, i32x2) -> i32x2 {
block0(v0: i32x2, v1: i32x2):
    v2 = iadd v0, v1
    return v2
}`, 'v.clif');
    const built = buildObject(clif.functions.map((f) => f.func), 'x86_64');
    expect(built.errors.get('v')).toMatch(/UnsupportedError: .*iadd/);
    expect(checkCompile(clif)[0].status).toBe('fail');
  });

  it('prints listings with `compile`', () => {
    let text = '';
    const status = cmdCompile([join(examples, 'arith.clif')], (s) => (text += s), () => {});
    expect(status).toBe(0);
    expect(text).toMatch(/function gcd/);
    expect(text).toMatch(/div\s+/);
  });

  it('writes no object when a function fails to compile, and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'windlass-compile-'));
    try {
      writeFileSync(join(dir, 'p.clif'), 'function %ok(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n'
        + 'function %v(i32x2, i32x2) -> i32x2 {\nblock0(v0: i32x2, v1: i32x2):\n    v2 = iadd v0, v1\n    return v2\n}\n');
      let errors = '';
      const status = cmdCompile([join(dir, 'p.clif'), '-o', join(dir, 'p.o')], () => {}, (s) => (errors += s));
      expect(status).toBe(1);
      expect(errors).toMatch(/v: .*unsupported: iadd on i32x2/);
      expect(errors).toMatch(/p\.o not written: 1 function failed/);
      expect(errors).not.toMatch(/never defined/);
      expect(existsSync(join(dir, 'p.o'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasGdb)('gdb backtraces through two generated functions (needs gdb)', () => {
    const clif = parseClif(`function %inner(i64) -> i64 {
    fn0 = %stop_here(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iadd_imm v1, 1
    return v2
}
function %outer(i64) -> i64 {
    fn0 = %inner(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iadd_imm v1, 1
    return v2
}`, 'bt.clif');
    const fns: Function[] = clif.functions.map((f) => f.func);
    const built = buildObject(fns, 'x86_64');
    expect(built.errors.size).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'windlass-gdb-'));
    try {
      writeFileSync(join(dir, 'code.o'), built.object);
      writeFileSync(join(dir, 'main.c'), `#include <stdio.h>
long stop_here(long x) { return x * 2; }
long ${testSymbol('outer')}(long);
int main(void) { printf("%ld\\n", ${testSymbol('outer')}(20)); return 0; }
`);
      const exe = join(dir, 'bt');
      const cc = spawnSync('cc', ['-g', '-O0', '-no-pie', '-o', exe, join(dir, 'main.c'), join(dir, 'code.o')], { encoding: 'utf8' });
      expect(cc.stderr).toBe('');
      expect(spawnSync(exe, [], { encoding: 'utf8' }).stdout).toBe('42\n');
      const gdb = spawnSync('gdb', ['-batch', '-nx', '-ex', 'break stop_here', '-ex', 'run', '-ex', 'bt', exe], { encoding: 'utf8' });
      const frames = gdb.stdout.split('\n').filter((l) => /^#\d/.test(l)).map((l) => /(?:in )?(\w+) \(/.exec(l.replace(/^#\d+\s+(0x[0-9a-f]+ in )?/, ''))?.[1]);
      expect(frames).toEqual(['stop_here', testSymbol('inner'), testSymbol('outer'), 'main']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
