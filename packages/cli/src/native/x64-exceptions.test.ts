import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { parseClif } from '@windlass/ir';
import { buildRunCases, throwProgram } from './test-support';
import { buildObject, driverSource, runNative } from './index';
import { handlerRows } from './x64-exceptions';
import { testSymbol } from './x64';

const hasCc = process.arch === 'x64' && spawnSync('cc', ['--version']).status === 0;

const THROW = throwProgram('x86_64');

describe('x86_64 native exceptions', () => {
  it("puts every try_call handler into the driver's table, in match order", () => {
    const clif = parseClif(THROW, 't.clif');
    const built = buildObject(clif.functions.map((f) => f.func), 'x86_64');
    expect(built.errors.size).toBe(0);
    const rows = handlerRows(built.codes, testSymbol);
    expect(rows.map((r) => [r.symbol, r.tag])).toEqual([['wl_outer', 2], ['wl_inner', 1]]);
    const inner = built.codes.get('inner')!;
    expect(rows[1].spBelowFp).toBe(inner.frameSize - 8);
    const src = driverSource(buildRunCases(clif), [false, false, false, false, false], built.codes);
    expect(src).toContain('__cranelift_throw:');
    expect(src).toContain(`wl_code_wl_inner + ${rows[1].handlerOffset}`);
  });

  it.skipIf(!hasCc)('unwinds to the nearest handler of the thrown tag, with the payload; an uncaught tag fails the case only', () => {
    const clif = parseClif(THROW, 't.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out.map((o) => o.status)).toEqual(['pass', 'pass', 'pass', 'fail', 'pass']);
    expect(out[3].message).toMatch(/uncaught exception/);
  });

  it.skipIf(!hasCc)("leaves the callee-saved registers of the catching function's caller intact", () => {
    // %entry keeps five values in callee-saved registers across its call; %middle fills those
    // registers and is unwound without restoring them; %main (the catcher) must restore them.
    const clif = parseClif(`test run
set preserve_frame_pointers=true
target x86_64
function %entry(i64) -> i64 tail {
  fn0 = %main(i64, i64) -> i64 tail
block0(v0: i64):
  v1 = get_frame_pointer.i64
  v10 = iadd_imm v0, 1
  v11 = iadd_imm v0, 2
  v12 = iadd_imm v0, 3
  v13 = iadd_imm v0, 4
  v14 = iadd_imm v0, 5
  v2 = call fn0(v1, v0)
  v20 = imul_imm v10, 3
  v21 = imul_imm v11, 5
  v22 = imul_imm v12, 7
  v23 = imul_imm v13, 11
  v24 = imul_imm v14, 13
  v30 = iadd v2, v20
  v31 = iadd v30, v21
  v32 = iadd v31, v22
  v33 = iadd v32, v23
  v34 = iadd v33, v24
  return v34
}
; run: %entry(1) == 4278
; run: %entry(100) == 8139
function %main(i64, i64) -> i64 tail {
  sig0 = (i64, i64) tail
  fn0 = %middle(i64, i64) tail
block0(v0: i64, v1: i64):
  try_call fn0(v0, v1), sig0, block1, [ default: block2(exn0) ]
block1:
  v3 = iconst.i64 0
  return v3
block2(v4: i64):
  return v4
}
function %middle(i64, i64) tail {
  sig0 = (i64, i64, i64, i32, i64, i64)
  fn0 = %__cranelift_throw(i64, i64, i64, i32, i64, i64)
block0(v0: i64, v1: i64):
  v10 = imul_imm v1, 0x10001
  v11 = imul_imm v1, 0x10003
  v12 = imul_imm v1, 0x10005
  v13 = imul_imm v1, 0x10007
  v14 = imul_imm v1, 0x10009
  v15 = imul_imm v1, 0x1000b
  v16 = iconst.i32 5
  v17 = iconst.i64 0x1000
  v18 = func_addr.i64 fn0
  call_indirect sig0, v18(v0, v0, v0, v16, v17, v17)
  v20 = iadd v10, v11
  v21 = iadd v20, v12
  v22 = iadd v21, v13
  v23 = iadd v22, v14
  v24 = iadd v23, v15
  store v24, v0
  return
}
`, 't.clif');
    const cases = buildRunCases(clif);
    const out = runNative(clif, clif.functions.map((f) => f.func), cases, { isa: 'x86_64', flags: [] });
    expect(out).toEqual([{ status: 'pass' }, { status: 'pass' }]);
  });
});
