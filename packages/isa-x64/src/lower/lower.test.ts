import { describe, it, expect } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError, type CompiledCode } from '@windlass/codegen';
import '../index';

function compile(text: string, target = 'x86_64'): CompiledCode {
  const clif = parseClif(text, 't.clif');
  return buildIsa(target).compileFunction(clif.functions[0].func, { wantListing: true });
}
const body = (c: CompiledCode): string[] => c.listing.split('\n').map((l) => l.replace(/^\s*[0-9a-f]+:\s+/, '').replace(/\s+/g, ' '));

describe('x86-64 lowering', () => {
  it('builds a frame, keeps arguments in their System V registers and returns in rax', () => {
    const c = compile(`function %f(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = iadd v0, v1
    return v2
}`);
    expect(body(c)).toEqual(['push rbp', 'mov rbp,rsp', 'lea rax,[rdi+rsi*1]', 'pop rbp', 'ret']);
    expect(c.frameSize).toBe(8);
    expect(c.unwind?.rows.length).toBeGreaterThan(0);
  });

  it('folds constants into immediates (an addition becomes a lea) and loads into memory operands', () => {
    const c = compile(`function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 v0+8
    v3 = iadd v1, v2
    v4 = iadd_imm v3, 100
    return v4
}`);
    const text = body(c).join('\n');
    expect(text).toMatch(/add esi,DWORD PTR \[rdi\+0x8\]/);
    expect(text).toMatch(/lea e[a-z]+,\[r[a-z]+\+0x64\]/);
    expect(c.traps.length).toBe(1);
  });

  it('rejects big-endian memory accesses with a typed error, even when the load could be fused', () => {
    const fused = `function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 big v0+8
    v3 = iadd v1, v2
    return v3
}`;
    expect(() => compile(fused)).toThrow(UnsupportedError);
    expect(() => compile(fused)).toThrow(/big-endian load .*little-endian/);
    expect(() => compile(`function %f(i64, i8) {
block0(v0: i64, v1: i8):
    store big v1, v0
    return
}`)).toThrow(/big-endian store/);
  });

  it('loads float and vector constants from the constant pool after the code', () => {
    const c = compile(`function %f(f64, i32x4) -> f64, i32x4 {
block0(v0: f64, v1: i32x4):
    v2 = f64const 0x1.5
    v3 = fadd v0, v2
    v4 = vconst.i32x4 [1 2 3 4]
    v5 = iadd v1, v4
    return v3, v5
}`);
    const lines = body(c);
    const f64 = lines.find((l) => l.startsWith('movsd'));
    const vec = lines.find((l) => l.startsWith('movups'));
    expect(f64).toMatch(/QWORD PTR \[rip\+0x[0-9a-f]+\] # 0x[0-9a-f]+$/);
    expect(vec).toMatch(/XMMWORD PTR \[rip\+0x[0-9a-f]+\] # 0x[0-9a-f]+$/);
    const target = (l: string): number => parseInt(/# 0x([0-9a-f]+)$/.exec(l)![1], 16);
    const dv = new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.length);
    expect(dv.getFloat64(target(f64!), true)).toBe(1.3125);
    expect(target(vec!) % 16).toBe(0);
    expect([0, 4, 8, 12].map((k) => dv.getInt32(target(vec!) + k, true))).toEqual([1, 2, 3, 4]);
  });

  it('prints branch targets as code offsets', () => {
    const c = compile(`function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block2
block1:
    v1 = iconst.i32 1
    return v1
block2:
    v2 = iconst.i32 2
    return v2
}`);
    const full = c.listing.split('\n');
    const je = full.find((l) => / je /.test(l))!;
    const to = /je\s+0x([0-9a-f]+)$/.exec(je)![1].padStart(4, '0');
    expect(full.some((l) => l.trim().startsWith(`${to}:`) && /mov\s+eax,0x2/.test(l))).toBe(true);
  });

  it('traps int_ovf on i8/i16 sdiv of MIN by -1, which the widened 32-bit idiv does not fault on', () => {
    for (const t of ['i8', 'i16']) {
      const c = compile(`function %f(${t}, ${t}) -> ${t} {
block0(v0: ${t}, v1: ${t}):
    v2 = sdiv v0, v1
    return v2
}`);
      const codes = c.traps.map((x) => x.code);
      expect(codes).toContain(252); // divisor zero
      expect(codes).toContain(253); // quotient does not fit
      expect(body(c).some((l) => /^jne 0x[0-9a-f]+$/.test(l))).toBe(true);
    }
  });

  it('saves rsi and rdi in a windows_fastcall function that calls System V code', () => {
    const c = compile(`function %w(i64) -> i64 windows_fastcall {
    sig0 = (i64) -> i64 system_v
    fn0 = %callee sig0
block0(v0: i64):
    v1 = call fn0(v0)
    return v1
}`);
    const lines = body(c);
    expect(lines).toContain('push rsi');
    expect(lines).toContain('push rdi');
    expect(lines).toContain('pop rsi');
  });

  it('fuses icmp into brif: a cmp and a conditional jump, no setcc', () => {
    const c = compile(`function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = icmp slt v0, v1
    brif v2, block1, block2
block1:
    return v0
block2:
    return v1
}`);
    const text = body(c).join('\n');
    expect(text).toMatch(/cmp edi,esi/);
    expect(text).toMatch(/j(l|ge) /);
    expect(text).not.toMatch(/set/);
  });

  it('keeps a load that a compare fused into two users still needs in a register', () => {
    const c = compile(`function %f0(i64, i64) -> i64, i64 {
block0(v0: i64, v1: i64):
    v2 = load.i64 v1
    v3 = icmp eq v0, v2
    v4 = uextend.i64 v3
    v5 = select.i64 v3, v0, v1
    return v4, v5
}`);
    const text = body(c).join('\n');
    expect(text).toMatch(/mov r[a-z0-9]+,QWORD PTR \[rsi\]/);
    expect(text.match(/cmp /g)?.length).toBe(2);
  });

  it('rejects IR that does not verify with a typed error', () => {
    expect(() => compile(`function %f(i32) -> i32 {
block0(v0: i32):
    jump block1
block1:
    return v1
block2:
    v1 = iconst.i32 1
    jump block1
}`)).toThrow(/does not verify/);
  });

  it('calls through relocations and saves callee-saved registers it uses', () => {
    const c = compile(`function %f(i64) -> i64 {
    fn0 = %g(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iadd v1, v0
    return v2
}`);
    expect(c.relocations.map((r) => [r.kind, r.target])).toEqual([['X86CallPLTRel4', { kind: 'symbol', name: 'g' }]]);
    expect(body(c)).toContain('push rbx');
    expect(c.callSites.length).toBe(1);
  });

  it('chooses instructions by ISA flags', () => {
    const src = `function %f(i64) -> i64 {
block0(v0: i64):
    v1 = popcnt v0
    return v1
}`;
    expect(body(compile(src, 'x86_64 has_popcnt')).join('\n')).toMatch(/popcnt/);
    expect(body(compile(src, 'x86_64')).join('\n')).not.toMatch(/popcnt/);
  });

  it('rejects what it cannot lower with a typed UnsupportedError naming the type', () => {
    expect(() => compile(`function %f(i32x2, i32x2) -> i32x2 {
block0(v0: i32x2, v1: i32x2):
    v2 = iadd v0, v1
    return v2
}`)).toThrow(UnsupportedError);
    expect(() => compile(`function %f(i32x2, i32x2) -> i32x2 {
block0(v0: i32x2, v1: i32x2):
    v2 = iadd v0, v1
    return v2
}`)).toThrow(/iadd on i32x2/);
  });

  it('follows each ISA\'s own settings when several ISAs compile in turn (settings are looked up once per Flags)', () => {
    const f = parseClif(`function %f() -> i64 {
block0:
    v0 = get_pinned_reg.i64
    return v0
}`, 't.clif').functions[0].func;
    const isaWith = (pinned: boolean) => {
      const b = settingsBuilder();
      b.apply(`enable_pinned_reg=${pinned}`);
      return buildIsa('x86_64', b.finish());
    };
    const pinned = isaWith(true);
    const plain = isaWith(false);
    for (let round = 0; round < 2; round++) {
      expect(body(pinned.compileFunction(f, { wantListing: true }))).toContain('mov rax,r15');
      expect(() => plain.compileFunction(f, { wantListing: true })).toThrow(UnsupportedError);
    }
  });
});
