import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClif, type Function } from '@windlass/ir';
import { buildRunCases } from './test-support';
import { buildObject, runNative, testSymbol } from './index';
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

  it.skipIf(!hasCc)('passes and compares vectors narrower than 128 bits: registers, stack, several results, return area, fastcall', () => {
    const clif = parseClif(`test run
target x86_64
function %id(i32x2) -> i32x2 {
block0(v0: i32x2):
    return v0
}
; run: %id([1 0xffffffff]) == [1 0xffffffff]
; run: %id([1 2]) == [1 3]
function %bc(i64) -> f32x2 {
block0(v0: i64):
    v1 = bitcast.f32x2 little v0
    return v1
}
; run: %bc(0x7fc00001_3f800000) == [0x1.0p0 +NaN:0x1]
function %narrow(i8x2, i16x2, i8x4) -> i8x4, i8x2 {
block0(v0: i8x2, v1: i16x2, v2: i8x4):
    v3 = bitcast.i8x4 little v1
    return v3, v0
}
; run: %narrow([1 2], [0x0403 0x0605], [7 8 9 10]) == [[3 4 5 6], [1 2]]
function %ninth(f32x2, f32x2, f32x2, f32x2, f32x2, f32x2, f32x2, f32x2, i16x4, i8x2) -> i16x4, i64, i8x2 {
block0(v0: f32x2, v1: f32x2, v2: f32x2, v3: f32x2, v4: f32x2, v5: f32x2, v6: f32x2, v7: f32x2, v8: i16x4, v9: i8x2):
    v10 = iconst.i64 7
    return v8, v10, v9
}
; run: %ninth([0.0 0.0], [0.0 0.0], [0.0 0.0], [0.0 0.0], [0.0 0.0], [0.0 0.0], [0.0 0.0], [0.0 0.0], [1 2 3 4], [5 6]) == [[1 2 3 4], 7, [5 6]]
function %three(i8x8, i16x4, i32x2) -> i32x2, i16x4, i8x8 {
block0(v0: i8x8, v1: i16x4, v2: i32x2):
    return v2, v1, v0
}
; run: %three([1 2 3 4 5 6 7 8], [9 10 11 12], [13 14]) == [[13 14], [9 10 11 12], [1 2 3 4 5 6 7 8]]
function %win(i64, i16x2, f32x2) -> f32x2 windows_fastcall {
block0(v0: i64, v1: i16x2, v2: f32x2):
    return v2
}
; run: %win(1, [2 3], [-0.0 +Inf]) == [-0.0 +Inf]
`, 't.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out).toEqual([
      { status: 'pass' }, { status: 'fail', message: expect.stringMatching(/^expected \[1 3\], got \[1 2\]/) },
      { status: 'pass' }, { status: 'pass' }, { status: 'pass' }, { status: 'pass' }, { status: 'pass' },
    ]);
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
