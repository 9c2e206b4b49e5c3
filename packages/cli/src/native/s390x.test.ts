// The s390x backend run under qemu-user through the generic cross runner: programs the corpus
// does not cover (exceptions across frames, f128 conversions, i128 division, huge frames and
// functions, lane order at the ABI boundary), each checked against expected values.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { parseClif } from '@windlass/ir';
import { interpret } from '@windlass/interpreter';
import { buildIsa, defaultFlags } from '@windlass/codegen';
import { buildRunCases, throwProgram } from './test-support';
import { runCross } from './cross';
import { s390xProfile } from './s390x';
import './index';

const hasTools = ['s390x-linux-gnu-gcc', 'qemu-s390x'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

/** Runs every `; run:` line of `text` (target s390x) under qemu; returns the outcomes. */
function run(text: string, flags: string[] = []): { status: string; message?: string }[] {
  const clif = parseClif(text, 't.clif');
  const cases = buildRunCases(clif);
  expect(cases.length).toBeGreaterThan(0);
  return runCross(s390xProfile, clif, clif.functions.map((f) => f.func), cases, { isa: 's390x', flags });
}
function passes(text: string, flags: string[] = []): void {
  const out = run(text, flags);
  expect(out.filter((o) => o.status !== 'pass').map((o) => o.message)).toEqual([]);
}

const THROW = throwProgram('s390x');

describe('s390x under qemu', () => {
  it.skipIf(!hasTools)('unwinds to the nearest handler of the thrown tag through the back chain; an uncaught tag fails the case only', () => {
    const out = run(THROW);
    expect(out.map((o) => o.status)).toEqual(['pass', 'pass', 'pass', 'fail', 'pass']);
    expect(out[3].message).toMatch(/uncaught exception/);
  });

  it.skipIf(!hasTools)('converts between f128 and integers (register pairs), trapping and saturating', () => {
    passes(`test run
target s390x
function %to_s64(f128) -> i64 {
block0(v0: f128):
  v1 = fcvt_to_sint.i64 v0
  return v1
}
; run: %to_s64(0x1.8p1) == 3
; run: %to_s64(-0x1.4p2) == -5
; run: %to_s64(-0x1.0p63) == 0x8000000000000000
function %to_u32(f128) -> i32 {
block0(v0: f128):
  v1 = fcvt_to_uint.i32 v0
  return v1
}
; run: %to_u32(0x1.fffffffep31) == 0xffffffff
function %to_s8_sat(f128) -> i8 {
block0(v0: f128):
  v1 = fcvt_to_sint_sat.i8 v0
  return v1
}
; run: %to_s8_sat(0x1.0p10) == 127
; run: %to_s8_sat(-0x1.0p10) == -128
; run: %to_s8_sat(+NaN) == 0
; run: %to_s8_sat(-0x1.8p1) == -3
function %from_s64(i64) -> f128 {
block0(v0: i64):
  v1 = fcvt_from_sint.f128 v0
  return v1
}
; run: %from_s64(-5) == -0x1.4p2
; run: %from_s64(0x7fffffffffffffff) == 0x1.fffffffffffffffcp62
function %from_u16(i16) -> f128 {
block0(v0: i16):
  v1 = fcvt_from_uint.f128 v0
  return v1
}
; run: %from_u16(0xffff) == 0x1.fffep15
`);
  });

  it.skipIf(!hasTools)('divides i128 through libgcc, trapping on zero and on overflow', () => {
    passes(`test run
target s390x
function %sdiv(i128, i128) -> i128 {
block0(v0: i128, v1: i128):
  v2 = sdiv v0, v1
  return v2
}
; run: %sdiv(-100, 7) == -14
; run: %sdiv(0x7fffffffffffffffffffffffffffffff, 0x100000000000000000) == 0x7ffffffffffffff
function %urem(i128, i128) -> i128 {
block0(v0: i128, v1: i128):
  v2 = urem v0, v1
  return v2
}
; run: %urem(-1, 10) == 5
`);
    const out = run(`test run
target s390x
function %udiv(i128, i128) -> i128 {
block0(v0: i128, v1: i128):
  v2 = udiv v0, v1
  return v2
}
; run: %udiv(1, 0) == 0
`);
    expect(out[0].message).toMatch(/trapped: SIGILL/);
  });

  it.skipIf(!hasTools)('rotates a vector by lane 0 of a vector amount, in both lane orders (a fuzz finding)', () => {
    passes(`test run
target s390x
function %rotv(i32x4, i32x4) -> i32x4 {
block0(v0: i32x4, v1: i32x4):
  v2 = rotl v0, v1
  return v2
}
; run: %rotv([1 2 3 0x80000000], [1 5 6 7]) == [2 4 6 1]
function %rotv_tail(i32x4, i32x4) -> i32x4 tail {
block0(v0: i32x4, v1: i32x4):
  v2 = rotl v0, v1
  return v2
}
; run: %rotv_tail([1 2 3 0x80000000], [1 5 6 7]) == [2 4 6 1]
`);
  });

  it.skipIf(!hasTools)('saturates i64x2 addition and subtraction (no vector instruction does it: overflow mask and select)', () => {
    passes(`test run
target s390x
function %sadd(i64x2, i64x2) -> i64x2 {
block0(v0: i64x2, v1: i64x2):
    v2 = sadd_sat v0, v1
    return v2
}
; run: %sadd([0x7fffffffffffffff -5], [1 3]) == [0x7fffffffffffffff -2]
; run: %sadd([0x8000000000000000 10], [-1 -20]) == [0x8000000000000000 -10]
function %ssub(i64x2, i64x2) -> i64x2 tail {
block0(v0: i64x2, v1: i64x2):
    v2 = ssub_sat v0, v1
    return v2
}
; run: %ssub([0x8000000000000000 5], [1 7]) == [0x8000000000000000 -2]
; run: %ssub([0x7fffffffffffffff 0], [-1 0x8000000000000000]) == [0x7fffffffffffffff 0x7fffffffffffffff]
`);
  });

  it.skipIf(!hasTools)('passes vectors between the two lane orders: a system_v function calls a tail one and back', () => {
    passes(`test run
target s390x
function %lanes_tail(i32x4) -> i32x4 tail {
block0(v0: i32x4):
  v1 = extractlane v0, 0
  v2 = insertlane v0, v1, 3
  return v2
}
function %lanes(i32x4) -> i32x4 {
  fn0 = %lanes_tail(i32x4) -> i32x4 tail
block0(v0: i32x4):
  v1 = call fn0(v0)
  v2 = extractlane v1, 1
  v3 = insertlane v1, v2, 0
  return v3
}
; run: %lanes([1 2 3 4]) == [2 2 3 1]
`);
  });

  it.skipIf(!hasTools)('addresses frames beyond the 12-bit and 20-bit displacements (spilled vectors, stack slots)', () => {
    // 600 KiB of stack slot: every slot and spill address needs %r1.
    passes(`test run
target s390x
function %big(i64x2, i64) -> i64x2, i64 {
  ss0 = explicit_slot 614400
  ss1 = explicit_slot 16
  fn0 = %id(i64) -> i64
block0(v0: i64x2, v1: i64):
  stack_store v1, ss0+614000
  stack_store v0, ss1
  v2 = call fn0(v1)
  v3 = stack_load.i64 ss0+614000
  v4 = iadd v2, v3
  v5 = stack_load.i64x2 ss1
  v6 = iadd v5, v0
  return v6, v4
}
; run: %big([1 2], 21) == [[2 4], 42]
function %id(i64) -> i64 {
block0(v0: i64):
  return v0
}
`);
  });

  it.skipIf(!hasTools)('checks the stack limit in the prologue and probes every page of a large frame', () => {
    const out = run(`test run
set enable_probestack=true
set probestack_strategy=inline
target s390x
function %limited(i64 stack_limit, i64) -> i64 {
  ss0 = explicit_slot 40000
block0(v0: i64, v1: i64):
  stack_store v1, ss0+39992
  v2 = stack_load.i64 ss0+39992
  return v2
}
; run: %limited(0, 42) == 42
; run: %limited(0x7fffffffffffffff, 42) == 42
function %vmctx_limit(i64 vmctx, i64) -> i64 {
  gv0 = vmctx
  gv1 = load.i64 notrap aligned gv0+8
  stack_limit = gv1
  ss0 = explicit_slot 16
block0(v0: i64, v1: i64):
  v2 = load.i64 v0+8
  v3 = iadd v1, v2
  return v3
}
`);
    expect(out[0]).toEqual({ status: 'pass' });
    expect(out[1].message).toMatch(/trapped: SIGILL/);
  });

  it.skipIf(!hasTools)('runs a function of more than 2 MiB of code: short branches reach their targets through islands', () => {
    const n = 26_000;
    const lines = ['test run', 'target s390x', 'function %huge(i64, i64) -> i64 {', 'block0(v0: i64, v1: i64):', '  brif v1, block1, block2', 'block1:'];
    lines.push('  v10 = bitrev v0');
    for (let k = 1; k < n; k++) lines.push(`  v${10 + k} = ${k % 7 === 0 ? 'iadd_imm' : 'bitrev'} v${9 + k}${k % 7 === 0 ? ', 1' : ''}`);
    lines.push(`  brif v${9 + n}, block2, block3(v${9 + n})`, 'block2:', '  return v1', 'block3(v5: i64):', '  return v5', '}');
    const text = lines.join('\n');
    const f = parseClif(text, 'huge.clif').functions[0].func;
    // The first brif's target lies past the 64 KiB a `brc` reaches, the second's behind it.
    expect(buildIsa('s390x', defaultFlags()).compileFunction(f).bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const expect1 = interpret(f, [0x123456789n, 1n], { fuel: 10_000_000 });
    expect(expect1.kind).toBe('return');
    const want = expect1.kind === 'return' ? expect1.values[0] : 0;
    const out = run(`${text}\n; run: %huge(0x123456789, 1) == ${want}\n; run: %huge(0x123456789, 0) == 0\n`);
    expect(out).toEqual([{ status: 'pass' }, { status: 'pass' }]);
  }, 300_000);
});
