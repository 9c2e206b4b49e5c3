import { describe, it, expect } from 'vitest';
import { parseClif } from '@windlass/ir';
import { runCases } from './run-cases';
import type { TestOptions } from './types';

const opts: TestOptions = { paths: [], interpret: true, targets: [], jobs: 1, verbose: false, filter: null };

const FILE = `test interpret
test run
target x86_64

function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}
; run: %add(1, 2) == 3
; run: %add(-1, 1) != 1
; run: %add(1, 1) == 3
; run: %add(1) == 3
; run: %add(1, 2) == 3 ; a trailing comment

function %two() -> i64, f32 {
block0:
    v0 = iconst.i64 -1
    v1 = f32const +Inf
    return v0, v1
}
; run: %two() == [-1, +Inf]

function %vec(i8x16) -> i8x16 {
block0(v0: i8x16):
    v1 = bnot v0
    return v1
}
; run: %vec([0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15]) == [-1 -2 -3 -4 -5 -6 -7 -8 -9 -10 -11 -12 -13 -14 -15 -16]

function %truth() -> i8 {
block0:
    v0 = iconst.i8 1
    return v0
}
; run

function %nan(f64) -> f64 {
block0(v0: f64):
    v1 = fneg v0
    return v1
}
; run: %nan(+sNaN:0x1) == -sNaN:0x1
; run: %nan(0x1.8p3) == -0x1.8p3

function %wide(i128) -> i128 {
block0(v0: i128):
    v1 = iadd_imm v0, 1
    return v1
}
; run: %wide(0xffffffff_ffffffff) == 18446744073709551616

function %trap(i32) -> i32 {
block0(v0: i32):
    v1 = udiv v0, v0
    return v1
}
; run: %trap(0) == 1
`;

describe('runCases', () => {
  it('runs every directive form and reports each case', async () => {
    const results = await runCases(parseClif(FILE, 'mem.clif'), opts, new Set(['interpret', 'run']));
    const byLine = new Map(results.map((r) => [r.line, r]));
    const status = (line: number) => byLine.get(line)?.status;
    expect(status(10)).toBe('pass');
    expect(status(11)).toBe('pass');
    expect(status(12)).toBe('fail');
    expect(byLine.get(12)?.message).toMatch(/expected 3, got 2/);
    expect(status(13)).toBe('fail');
    expect(byLine.get(13)?.message).toMatch(/takes 2 argument/);
    expect(status(14)).toBe('pass');
    expect(status(22)).toBe('pass');
    expect(status(29)).toBe('pass');
    expect(status(36)).toBe('pass');
    expect(status(43)).toBe('pass');
    expect(status(44)).toBe('pass');
    expect(status(51)).toBe('pass');
    expect(status(58)).toBe('fail');
    expect(byLine.get(58)?.message).toMatch(/int_divz/);
    expect(results).toHaveLength(12);
  });

  it('without --interpret, skips targets that are not Windlass ISAs', async () => {
    const clif = parseClif(`test run
target pulley64

function %k() -> i8 {
block0:
    v0 = iconst.i8 1
    return v0
}
; run: %k() == 1
`);
    const results = await runCases(clif, { ...opts, interpret: false }, new Set(['run']));
    expect(results).toEqual([expect.objectContaining({ status: 'skip', message: expect.stringMatching(/not a Windlass ISA/) })]);
  });
});
