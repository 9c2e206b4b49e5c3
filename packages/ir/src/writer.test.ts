import { describe, it, expect } from 'vitest';
import { parseFunction } from './reader/parser';
import { formatImm64, printFunction } from './writer';
import { functionDiff } from './equal';

/** Text that must print back exactly as written. */
function roundTrip(text: string): string {
  const f = parseFunction(text);
  const out = printFunction(f);
  expect(functionDiff(f, parseFunction(out))).toBeNull();
  return out;
}

describe('printFunction', () => {
  it('prints the preamble, type suffixes and constant notes like Cranelift', () => {
    const text = `function %p(i64 vmctx) -> i32 system_v {
    ss0 = explicit_slot 16, align = 8
    gv0 = vmctx
    gv1 = load.i64 notrap aligned readonly gv0+8
    sig0 = (i32 uext) -> i32 tail
    fn0 = colocated %callee sig0
    const0 = 0x000000ff

block0(v0: i64):
    v1 = iconst.i32 -1
    v2 = load.i32 notrap aligned v0+0x0001_0000
    v3 = call fn0(v1)  ; v1 = -1
    jump block1(v3)

block1(v4: i32):
    v5 = iadd v4, v2
    v6 = vconst.i32x4 const0
    v7 = extractlane v6, 0  ; v6 = const0
    brif v5, block1(v7), block2

block2:
    store.i32 user1 aligned v5, v0-8
    fence 
    return v5
}
`;
    expect(roundTrip(text)).toBe(text);
  });

  it('prints source locations and debug tags in a gutter, and aliases after their target', () => {
    const text = `function %s(i32) -> i32 fast {
    ss0 = explicit_slot 4

                                block0(v0: i32):
                                    v2 -> v0
@0001                               v1 = iadd v0, v2
<ss0, 7> @0002                      sequence_point 
                                    return v1
}
`;
    expect(roundTrip(text)).toBe(text);
  });

  it('formats 64-bit immediates as Cranelift does', () => {
    expect(formatImm64(42n)).toBe('42');
    expect(formatImm64(-2147483648n)).toBe('-2147483648');
    expect(formatImm64(0x7fffffffn)).toBe('0x7fff_ffff');
    expect(formatImm64(0x10000n)).toBe('0x0001_0000');
  });

  it('prints a type suffix when the operand is defined in another block or later', () => {
    const out = roundTrip(`function %t(i32) {
block0(v0: i32):
    jump block1
block1:
    v1 = iadd v0, v0
    brif v1, block1, block2
block2:
    return
}`);
    expect(out).toContain('v1 = iadd.i32 v0, v0');
    expect(out).toContain('brif v1, block1, block2');
  });
});
