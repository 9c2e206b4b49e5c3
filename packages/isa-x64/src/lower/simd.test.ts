import { describe, it, expect } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';

function compile(text: string, target = 'x86_64'): CompiledCode {
  const clif = parseClif(text, 't.clif');
  return buildIsa(target).compileFunction(clif.functions[0].func, { wantListing: true });
}
const listing = (c: CompiledCode): string => c.listing.replace(/\s+/g, ' ');

describe('x86-64 SIMD lowering', () => {
  it('passes vectors in xmm registers and adds lanes with one packed instruction', () => {
    const c = compile(`function %f(i32x4, i32x4) -> i32x4 {
block0(v0: i32x4, v1: i32x4):
    v2 = iadd v0, v1
    return v2
}`);
    expect(listing(c)).toMatch(/paddd xmm0,xmm1/);
  });

  it('uses SSE4.1 forms only when the target has them', () => {
    const src = `function %f(i32x4) -> i32 {
block0(v0: i32x4):
    v1 = extractlane v0, 2
    return v1
}`;
    expect(listing(compile(src))).toMatch(/pshufd/);
    const c = compile(`function %f(i8x16, i8) -> i8x16 {
block0(v0: i8x16, v1: i8):
    v2 = insertlane v0, v1, 3
    return v2
}`, 'x86_64 has_sse41');
    expect(listing(c)).toMatch(/pinsrb xmm0,edi,0x3/);
  });

  it('rejects vector operations it cannot lower with a typed error, never scalar code', () => {
    expect(() => compile(`function %f(i32x4, i32x4) -> i32x4 {
block0(v0: i32x4, v1: i32x4):
    v2 = sqmul_round_sat v0, v1
    return v2
}`)).toThrow(UnsupportedError);
    // 64-bit vectors are moved, loaded, stored and bitcast, not computed on.
    expect(() => compile(`function %f(i32x2, i32x2) -> i32x2 {
block0(v0: i32x2, v1: i32x2):
    v2 = iadd v0, v1
    return v2
}`)).toThrow(/iadd on i32x2/);
  });

  it('computes fma in one rounding: vfmadd213ps with FMA3, else fmaf once per lane', () => {
    const src = `function %f(f32x4, f32x4, f32x4) -> f32x4 {
block0(v0: f32x4, v1: f32x4, v2: f32x4):
    v3 = fma v0, v1, v2
    return v3
}`;
    expect(listing(compile(src, 'x86_64 has_avx has_fma'))).toMatch(/vfmadd213ps/);
    const c = compile(src);
    expect(c.relocations.map((r) => ('name' in r.target ? r.target.name : ''))).toEqual(['fmaf', 'fmaf', 'fmaf', 'fmaf']);
  });

  it('emulates SSE4.1 forms on the SSE2 baseline: pmulld becomes two pmuludq', () => {
    const src = `function %f(i32x4, i32x4) -> i32x4 {
block0(v0: i32x4, v1: i32x4):
    v2 = imul v0, v1
    return v2
}`;
    expect(listing(compile(src, 'x86_64 has_sse41'))).toMatch(/pmulld xmm0,xmm1/);
    const sse2 = listing(compile(src));
    expect(sse2).not.toMatch(/pmulld/);
    expect(sse2.match(/pmuludq/g)).toHaveLength(2);
  });

  it('keeps 64-bit vectors in xmm registers: arguments, movq loads and bitcasts to i64', () => {
    const c = listing(compile(`function %f(i32x2, i64) -> i64 {
block0(v0: i32x2, v1: i64):
    v2 = load.i32x2 v1
    v3 = select v1, v0, v2
    v4 = bitcast.i64 little v3
    return v4
}`));
    expect(c).toMatch(/movq xmm\d+,QWORD PTR \[rdi\]/);
    expect(c).toMatch(/movq rax,xmm\d+/);
  });

  it('rejects vector arguments past the eighth xmm register', () => {
    const many = Array.from({ length: 9 }, () => 'i8x16').join(', ');
    expect(() => compile(`function %f(${many}) {
block0(${Array.from({ length: 9 }, (_, k) => `v${k}: i8x16`).join(', ')}):
    return
}`)).toThrow(UnsupportedError);
  });
});
