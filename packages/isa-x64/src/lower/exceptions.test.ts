import { describe, it, expect } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, CodegenError, settingsBuilder, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';

function compile(text: string, target = 'x86_64'): CompiledCode {
  const clif = parseClif(text, 't.clif');
  return buildIsa(target).compileFunction(clif.functions[0].func, { wantListing: true });
}
const lines = (c: CompiledCode): string[] => c.listing.split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
/** The listing line at code offset `off`. */
const at = (c: CompiledCode, off: number): string | undefined => lines(c).find((l) => l.startsWith(`${off.toString(16).padStart(4, '0')}:`));

const CATCH = `function %f(i64) -> i64 {
    sig0 = (i64) -> i64 tail
    fn0 = %g(i64) -> i64 tail
block0(v0: i64):
    v1 = iconst.i64 7
    try_call fn0(v0), sig0, block1(ret0, v1), [ tag3: block2(exn1, v0), default: block3(exn0) ]
block1(v2: i64, v3: i64):
    v4 = iadd v2, v3
    return v4
block2(v5: i64, v6: i64):
    v7 = isub v5, v6
    return v7
block3(v8: i64):
    return v8
}`;

describe('x86-64 try_call', () => {
  it('records the call site: return offset, handlers in table order and the frame pointer distance of rsp', () => {
    const c = compile(CATCH);
    const sites = c.callSites.filter((s) => s.exceptionHandlers !== undefined);
    expect(sites.length).toBe(1);
    const [site] = sites;
    expect(at(c, site.returnOffset - 5)).toMatch(/call g/);
    expect(site.exceptionHandlers!.map((h) => h.tag)).toEqual([3, null]);
    // rsp in the body sits frameSize - 8 below rbp (the return address is the other 8 bytes).
    expect(site.spBelowFp).toBe(c.frameSize - 8);
    // The landing pads are distinct code addresses inside the function, not the return address.
    const pads = site.exceptionHandlers!.map((h) => h.offset);
    expect(new Set(pads).size).toBe(2);
    for (const p of pads) {
      expect(p).toBeGreaterThan(site.returnOffset);
      expect(p).toBeLessThan(c.bytes.length);
    }
  });

  it('saves every callee-saved register when a handler exists (an unwinder restores none), and only then', () => {
    const saves = (c: CompiledCode): string[] => lines(c).map((l) => l.replace(/^[0-9a-f]+: /, '')).filter((l) => /^push r(bx|1[2-5])$/.test(l));
    expect(saves(compile(CATCH))).toEqual(['push rbx', 'push r12', 'push r13', 'push r14', 'push r15']);
    const noHandlers = compile(`function %f(i64) -> i64 {
    sig0 = (i64) -> i64 tail
    fn0 = %g(i64) -> i64 tail
block0(v0: i64):
    try_call fn0(v0), sig0, block1(ret0), []
block1(v1: i64):
    return v1
}`);
    expect(saves(noHandlers)).toEqual([]);
    expect(noHandlers.callSites[0].exceptionHandlers).toEqual([]);
  });

  it('get_exception_handler_address is the landing pad the call site records', () => {
    const c = compile(`function %f() -> i64 {
    sig0 = () tail
    fn0 = %g() tail
block0:
    v1 = get_exception_handler_address.i64 block1, 1
    jump block1
block1:
    try_call fn0(), sig0, block2, [ tag1: block3, default: block3 ]
block2:
    return v1
block3:
    v2 = iconst.i64 0
    return v2
}`);
    const site = c.callSites.find((s) => s.exceptionHandlers !== undefined)!;
    const pad = site.exceptionHandlers![1].offset;
    const lea = lines(c).find((l) => / lea r[a-z0-9]+,\[rip/.test(l));
    expect(lea).toBeDefined();
    // `lea rax,[rip+d]`: the listing prints the target offset as a comment.
    expect(lea).toMatch(new RegExp(`# 0x${pad.toString(16)}$`));
  });

  it('passes return values through a return area to the normal successor', () => {
    const c = compile(`function %f(i64) -> i64 {
    sig0 = (i64) -> i64, i64, i64 tail
    fn0 = %g(i64) -> i64, i64, i64 tail
block0(v0: i64):
    try_call fn0(v0), sig0, block1(ret0, ret2), [ default: block2 ]
block1(v1: i64, v2: i64):
    v3 = iadd v1, v2
    return v3
block2:
    return v0
}`);
    expect(c.callSites.some((s) => s.exceptionHandlers?.length === 1)).toBe(true);
  });

  it('rejects a handler on a callee that cannot unwind with a typed error, with or without the verifier', () => {
    const text = `function %f(i64) -> i64 {
    sig0 = (i64) -> i64 windows_fastcall
    fn0 = %g(i64) -> i64 windows_fastcall
block0(v0: i64):
    try_call fn0(v0), sig0, block1(ret0), [ default: block2 ]
block1(v1: i64):
    return v1
block2:
    return v0
}`;
    const func = parseClif(text, 't.clif').functions[0].func;
    expect(() => buildIsa('x86_64').compileFunction(func)).toThrow(CodegenError);
    const unverified = buildIsa('x86_64', settingsBuilder().apply('enable_verifier=false').finish());
    expect(() => unverified.compileFunction(func)).toThrow(UnsupportedError);
    expect(() => unverified.compileFunction(func)).toThrow(/windows_fastcall callee/);
  });
});
