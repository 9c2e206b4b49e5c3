// The s390x lowering, read through listings: which instructions the rules choose, how values
// cross the ABI, and the typed errors for what the backend refuses. (Execution is tested under
// qemu: packages/cli/src/native/s390x.test.ts and the corpus runs.)
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';

function compile(text: string, target = 's390x', settings: string[] = []): CompiledCode {
  const b = settingsBuilder();
  for (const s of settings) b.apply(s);
  return buildIsa(target, b.finish()).compileFunction(parseClif(text, 't.clif').functions[0].func, { wantListing: true });
}
const body = (c: CompiledCode): string[] => c.listing.split('\n').map((l) => l.replace(/^\s*[0-9a-f]+:\s+/, ''));

describe('s390x lowering', () => {
  it('keeps a leaf function frameless: arguments in %r2.., the result in %r2, `br %r14`', () => {
    const c = compile(`function %f(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    return v2
}`);
    expect(body(c)).toEqual(['agrk %r2,%r2,%r3', 'bcr 15,%r14']);
    expect(c.frameSize).toBe(0);
  });

  it('zero-extends a narrow return value, as C callers expect on s390x', () => {
    const c = compile(`function %f(i8, i8) -> i8 {
block0(v0: i8, v1: i8):
    v2 = iadd v0, v1
    return v2
}`);
    expect(body(c)).toEqual(['ark %r2,%r2,%r3', 'llgcr %r2,%r2', 'bcr 15,%r14']);
  });

  it('uses immediates, and the z15 facilities only when the target line enables them', () => {
    const text = `function %f(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = band_not v0, v1
    v3 = iadd_imm v2, 100
    return v3
}`;
    expect(body(compile(text, 's390x arch13'))).toContain('ncgrk %r2,%r2,%r3');
    expect(body(compile(text)).join('\n')).not.toMatch(/ncgrk/);
    expect(body(compile(text)).join('\n')).toMatch(/aghik %r2,%r\d+,100/);
  });

  it('branches on the condition code a fused compare sets', () => {
    const c = compile(`function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = icmp ult v0, v1
    brif v2, block1, block2
block1:
    return v0
block2:
    return v1
}`);
    const text = body(c).join('\n');
    expect(text).toMatch(/clr %r2,%r3\nbrc (4|10),0x[0-9a-f]+/);
  });

  it('loads little-endian values with the byte-reversing forms', () => {
    const c = compile(`function %f(i64) -> i32 {
block0(v0: i64):
    v1 = load.i32 little v0+8
    return v1
}`);
    expect(body(c)[0]).toBe('lrv %r2,8(%r2)');
    expect(c.traps).toEqual([{ offset: 0, code: 254 }]);
  });

  it('keeps lanes in element order under system_v and in reverse element order under tail', () => {
    const text = (cc: string) => `function %f(i32x4) -> i32 ${cc} {
block0(v0: i32x4):
    v1 = extractlane v0, 1
    return v1
}`;
    expect(body(compile(text('system_v')))[0]).toBe('vlgv %r2,%v24,1,2');
    expect(body(compile(text('tail')))[0]).toBe('vlgv %r2,%v24,2,2');
  });

  it('puts float constants in the literal pool after the code, reached with larl', () => {
    const c = compile(`function %f(f64) -> f64 {
block0(v0: f64):
    v1 = f64const 0x1.8p1
    v2 = fadd v0, v1
    return v2
}`);
    const text = body(c).join('\n');
    expect(text).toMatch(/larl %r1,0x[0-9a-f]+\nvleg %v\d+,0\(%r1\),0/);
    expect(text).toMatch(/vfa %v0,%v0,%v\d+,3,8/);
    expect(Array.from(c.bytes.subarray(c.bytes.length - 8))).toEqual([0x40, 0x08, 0, 0, 0, 0, 0, 0]);
  });

  it('saves callee-saved registers in the caller\'s save area and stores the back chain', () => {
    const c = compile(`function %f(i64) -> i64 {
  fn0 = %g(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iadd v1, v0
    return v2
}`);
    const text = body(c);
    expect(text[0]).toMatch(/^stmg %r\d+,%r15,\d+\(%r15\)$/);
    expect(text.slice(1, 4)).toEqual(['lgr %r1,%r15', 'aghi %r15,-160', 'stg %r1,0(%r15)']);
    expect(c.relocations.map((r) => [r.kind, r.target.kind === 'symbol' ? r.target.name : '?', r.addend])).toEqual([['S390xPLTRel32Dbl', 'g', 2]]);
    expect(c.callSites.length).toBe(1);
  });

  it('refuses what it cannot compile with typed, located errors', () => {
    expect(() => compile(`function %f(i32x2) -> i32x2 {
block0(v0: i32x2):
    return v0
}`)).toThrow(UnsupportedError);
    // The verifier allows tail calls only between `tail` functions; without it, a tail call
    // whose argument travels in %r6 (which a system_v epilogue restores) is refused.
    expect(() => compile(`function %f(i64) -> i64 {
  fn0 = %g(i64, i64, i64, i64, i64) -> i64
block0(v0: i64):
    return_call fn0(v0, v0, v0, v0, v0)
}`, 's390x', ['enable_verifier=false'])).toThrow(/tail call passing an argument in %r6 from a \w+ function/);
    expect(() => compile(`function %f(i64) -> i64 {
block0(v0: i64):
    v1 = get_pinned_reg.i64
    return v1
}`, 's390x', ['enable_pinned_reg=true'])).not.toThrow();
  });
});
