// opt_level=speed runs the mid-end (`optimize` from @windlass/codegen) on a clone of the
// function before lowering: the caller's Function stays as it was, the code gets smaller, and
// the time shows up as the `opt` phase.
import { describe, it, expect } from 'vitest';
import { parseFunction, printFunction } from '@windlass/ir';
import { buildIsa, settingsBuilder, phaseTimes, resetPhaseTimes } from '@windlass/codegen';
import './index';

const TEXT = `
function %f(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iconst.i64 16
    v3 = imul v0, v2
    v4 = iadd v0, v1
    v5 = iadd v1, v0
    v6 = isub v4, v5
    v7 = iadd v3, v6
    v8 = iconst.i64 0
    brif v8, block1, block2
block1:
    v9 = udiv v0, v1
    return v9
block2:
    return v7
}`;

function compile(optLevel: string, f = parseFunction(TEXT)) {
  const isa = buildIsa('x86_64', settingsBuilder().set('opt_level', optLevel).finish());
  return isa.compileFunction(f, { wantListing: true });
}

describe('x86-64 with opt_level=speed', () => {
  it('optimizes a clone: the caller\'s function is unchanged', () => {
    const f = parseFunction(TEXT);
    const before = printFunction(f);
    resetPhaseTimes();
    compile('speed', f);
    expect(printFunction(f)).toBe(before);
    expect(phaseTimes.opt).toBeGreaterThan(0);
  });

  it('emits less code than opt_level=none for foldable IR', () => {
    const none = compile('none');
    const speed = compile('speed');
    expect(speed.bytes.length).toBeLessThan(none.bytes.length);
    expect(speed.listing).not.toMatch(/\bdiv\b/);
    expect(speed.listing).not.toMatch(/\bimul\b/);
  });
});
