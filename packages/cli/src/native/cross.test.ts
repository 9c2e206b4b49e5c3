// The generic cross runner, proven on the host: an x86_64 profile runs corpus files natively
// through it (the other ISAs' profiles run the same driver under qemu-user).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { F16, F128, I8, parseClif, vectorOf } from '@windlass/ir';
import '@windlass/isa-x64';
import { buildRunCases } from './test-support';
import { commonCType, crossDriverSource, parseBits, runCross, type NativeProfile } from './cross';

const hostX64 = process.arch === 'x64' && spawnSync('cc', ['--version']).status === 0;
const corpus = join(__dirname, '../../../../../shared/corpus/cranelift-filetests/runtests');
const haveCorpus = spawnSync('test', ['-d', corpus]).status === 0;

/** x86-64 through the generic driver: C passes at most two return values in registers. */
const x64Profile: NativeProfile = {
  isa: 'x86_64', objectTarget: 'x86_64', trapStub: Uint8Array.of(0x0f, 0x0b), cc: 'cc', ccFlags: ['-O0', '-w', '-no-pie'],
  requires: ['cc'], runCommand: (exe) => [exe, []],
  cType: (t) => commonCType(t, '_Float16', '__float128'),
  signatureProblem: (sig) => (sig.returns.length > 2 || sig.callConv === 'windows_fastcall' || sig.callConv === 'tail' ? 'a signature C cannot call here' : null),
};

describe('the cross runner', () => {
  it('prints and parses every value kind endian-neutrally', () => {
    const v = parseBits('000102030405060708090a0b0c0d0e0f', vectorOf(I8, 16));
    expect(v).toEqual(Uint8Array.from({ length: 16 }, (_, k) => k));
    expect(parseBits('1:2', F128)).toBe((1n << 64n) | 2n);
    expect(parseBits('3c00', F16)).toBe(0x3c00);
  });

  it('writes one driver per file calling every case', () => {
    const clif = parseClif(`test run
target x86_64
function %f(i64, i32x4) -> i64, i32x4 {
block0(v0: i64, v1: i32x4):
    return v0, v1
}
; run: %f(1, [1 2 3 4]) == [1, [1 2 3 4]]
`, 'f.clif');
    const src = crossDriverSource(x64Profile, buildRunCases(clif), [false]);
    expect(src).toContain('struct ret_wl_f { uint64_t r0; wl_v16 r1; };');
    expect(src).toContain('wl_vec16((const uint8_t[]){1,0,0,0,2,0,0,0,3,0,0,0,4,0,0,0})');
  });

  it('passes a return area as a hidden argument, and f16 as a NaN-boxed float where C has no half type', () => {
    const clif = parseClif(`test run
target x86_64
function %f(f16) -> i64, i64, i64 {
block0(v0: f16):
    v1 = iconst.i64 1
    return v1, v1, v1
}
; run: %f(0x1.0p0) == [1, 1, 1]
`, 'f.clif');
    const profile: NativeProfile = {
      ...x64Profile, captureThunkAsm: '', captureReturns: () => ({ offsets: [0, 8, 16], areaArgument: true }),
      cType: (t) => (t === F16 ? 'float' : commonCType(t, '_Float16', '__float128')),
    };
    const src = crossDriverSource(profile, buildRunCases(clif), [false]);
    expect(src).toContain('((void (*)(void *, float))(void *)wl_capture_thunk)((void *)wl_cap, ');
    expect(src).toContain('uint16_t x = 0x3c00ull; float f; memset(&f, 0xff, 4); memcpy(&f, &x, 2); f;');
  });

  it.skipIf(!hostX64 || !haveCorpus)('runs corpus files natively with an x86_64 profile (needs cc on x86_64 and the corpus)', () => {
    for (const name of ['arithmetic.clif', 'i128-bitops-count.clif', 'br_table.clif', 'simd-iabs.clif', 'fma.clif']) {
      const clif = parseClif(readFileSync(join(corpus, name), 'utf8'), name);
      const cases = buildRunCases(clif);
      const out = runCross(x64Profile, clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
      const bad = out.map((o, k) => ({ o, c: cases[k] })).filter(({ o }) => o.status !== 'pass');
      expect(bad.map(({ o, c }) => `${name}:${c.line}: ${o.message}`)).toEqual([]);
      expect(out.length).toBeGreaterThanOrEqual(5);
    }
  });

  it.skipIf(!hostX64)('reports mismatches, traps and functions that did not compile, per case', () => {
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
; run: %div(7, 2) == 3
`, 't.clif');
    const cases = buildRunCases(clif);
    const out = runCross(x64Profile, clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out[0]).toEqual({ status: 'fail', message: 'expected 4, got 3' });
    expect(out[1]).toEqual({ status: 'fail', message: 'trapped: SIGILL (trap instruction)' });
    expect(out[2]).toEqual({ status: 'pass' });
  });
});
