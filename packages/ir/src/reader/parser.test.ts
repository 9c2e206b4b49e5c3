import { describe, it, expect } from 'vitest';
import type { Block, Inst, Value } from '../entities';
import { ValueKind } from '../function';
import { memFlagsToString, memTrapCode, TRAP_NONE } from '../immediates';
import { LOAD, OPCODES, TRY_CALL } from '../opcodes';
import { I32, I64, typeName } from '../types';
import { printFunction } from '../writer';
import { ParseError, excerpt } from './errors';
import { parseClif, parseFunction } from './parser';

const FILE = `test compile precise-output
set opt_level=speed
set enable_llvm_abi_extensions
target x86_64 has_avx
set preserve_frame_pointers=true
target aarch64

; A loop: v3 is used before it is defined in the text.
function %loop(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)

block1(v1: i32):
    v2 = iadd v1, v3
    v3 = iconst.i32 1
    brif v2, block1(v2), block2
block2:
    return v1
}
; run: %loop(1) == 2
; check: iadd

function %second() {
block0:
    trap user1 ; error: not really
}
; VCode:
;   ret
`;

describe('parseClif', () => {
  const file = parseClif(FILE, 'loop.clif');

  it('keeps header lines as data', () => {
    expect(file.testCommands).toEqual([{ name: 'compile', options: ['precise-output'], line: 1 }]);
    expect(file.settings.map((s) => [s.name, s.value])).toEqual([
      ['opt_level', 'speed'], ['enable_llvm_abi_extensions', null], ['preserve_frame_pointers', 'true'],
    ]);
    expect(file.targets.map((t) => [t.isa, t.flags, t.settings.length])).toEqual([
      ['x86_64', ['has_avx'], 2], ['aarch64', [], 3],
    ]);
  });

  it('attaches directives and comments to the function they follow or sit in', () => {
    const [loop, second] = file.functions;
    expect(loop.directives).toEqual([
      { kind: 'run', text: '%loop(1) == 2', line: 20 },
      { kind: 'check', text: 'iadd', line: 21 },
    ]);
    expect(loop.startLine).toBe(9);
    expect(second.directives).toEqual([{ kind: 'error', text: 'not really', line: 25 }]);
    expect(second.comments.map((c) => c.text)).toEqual(['; error: not really', '; VCode:', ';   ret']);
    expect(file.comments[0].text).toContain('A loop');
  });

  it('keeps source numbering and infers types across forward references', () => {
    const f = file.functions[0].func;
    expect([...f.blocks()]).toEqual([0, 1, 2]);
    expect(f.valueTypeOf(2 as Value)).toBe(I32);
    const add = f.valueDef[2] as Inst;
    expect(f.instArgs(add)).toEqual([1, 3]);
    expect(f.ctrlType(add)).toBe(I32);
  });
});

describe('parseFunction', () => {
  it('reads preamble entities, memory flags and calls', () => {
    const f = parseFunction(`
function %p(i64 vmctx, i32 sext) -> i64 system_v {
    ss0 = explicit_slot 16, align = 8
    gv0 = vmctx
    gv1 = load.i64 notrap aligned readonly gv0+8
    region0 = 7 "heap"
    sig0 = (i32) -> i64 tail
    fn0 = colocated %callee sig0
    fn1 = u1:2(i64)
    const0 = 0x0102

block0(v0: i64, v1: i32):
    v2 = load.i64 notrap aligned region0 v0+16
    v3 = call fn0(v1)
    call fn1(v3)
    return v2
}`);
    expect(f.signature.params[0].purpose).toBe('vmctx');
    expect(f.signature.params[1].extension).toBe('sext');
    expect(f.signature.callConv).toBe('system_v');
    expect(f.stackSlots[0]).toEqual({ kind: 'explicit_slot', size: 16, align: 8, key: null });
    expect(f.globalValues[1]).toMatchObject({ kind: 'load', base: 0, offset: 8 });
    expect(f.funcRefs[1]?.signature).toBe(1); // the inline signature became sig1
    expect(Array.from(f.constants[0])).toEqual([2, 1]); // little-endian
    const load = f.valueDef[2] as Inst;
    expect(f.opcode(load)).toBe(LOAD);
    expect(memFlagsToString(f.imm0(load))).toBe('notrap aligned region0');
    expect(memTrapCode(f.imm0(load))).toBe(TRAP_NONE);
    expect(f.imm1(load)).toBe(16);
    expect(f.valueTypeOf(3 as Value)).toBe(I64);
    expect(f.callSignature(f.valueDef[3] as Inst)?.callConv).toBe('tail');
  });

  it('reads try_call with exception tables and retN/exnN arguments', () => {
    const f = parseFunction(`
function %t(i32) -> i32 {
    sig0 = (i32) -> i32 tail
    fn0 = %g(i32) -> i32 tail
block0(v0: i32):
    try_call fn0(v0), sig0, block1(ret0), [ context v0, tag3: block2(exn0), default: block2(exn1) ]
block1(v1: i32):
    return v1
block2(v2: i64):
    v3 = ireduce.i32 v2
    return v3
}`);
    const tc = f.lastInst(0 as Block) as Inst;
    expect(OPCODES[f.opcode(tc)].name).toBe('try_call');
    expect(f.opcode(tc)).toBe(TRY_CALL);
    const dests = f.branchDestinations(tc);
    expect(dests.map((bc) => f.blockCallBlock(bc))).toEqual([1, 2, 2]);
    expect(printFunction(f)).toContain('try_call fn0(v0), sig0, block1(ret0), [ context v0, tag3: block2(exn0), default: block2(exn1) ]');
  });

  it('reads aliases, cold blocks, source locations, vector constants', () => {
    const f = parseFunction(`
function %a(i32) -> i32x4 {
block0(v0: i32):
    v1 -> v0
@0012 v2 = splat.i32x4 v1
    v3 = vconst.i32x4 [1 2 3 4]
    v4 = iadd v2, v3
    jump block1
block1 cold:
    return v4
}`);
    expect(f.valueKind[1]).toBe(ValueKind.Alias);
    expect(f.isBlockCold(1 as Block)).toBe(true);
    expect(f.srcLoc(f.valueDef[2] as Inst)).toBe(0x12);
    expect(typeName(f.valueTypeOf(4 as Value))).toBe('i32x4');
    expect(printFunction(f)).toContain('const0 = 0x00000004000000030000000200000001');
  });

  it('reports malformed text as ParseError with file:line:column and what was expected', () => {
    const cases: [string, number, number, RegExp][] = [
      ['function %f() {\nblock0:\n    v1 = iadd\n}', 4, 1, /expected a value/],
      ['function %f() {\nblock0:\n    v1 = frobnicate v0\n}', 3, 10, /unknown opcode `frobnicate`/],
      ['function %f() {\nblock0:\n    return v7\n}', 3, 12, /undefined value v7/],
      ['function %f(i32) {\nblock0(v0: i32):\n    v1 = iconst v0\n}', 3, 10, /needs a type suffix/],
      ['function %f() {\n    v1 = iconst.i32 1\n}', 2, 5, /expected a block header/],
      ['function %f() {\nblock0:\n    v1 = iconst.i32 1 2\n}', 3, 23, /expected the end of the instruction/],
      ['function %f() {\nblock0:\n    return\n', 4, 1, /expected '}'/],
      ['garbage', 1, 1, /expected `test`, `set`, `target` or `function`/],
      ['function %f() {\nblock0:\n    v1 = iconst.i8 99999999999999999999\n}', 3, 20, /out of range/],
      ['function %f() {\nblock0:\n    v1 = iadd v1, v1\n    return\n}', 3, 10, /cannot infer/],
      ['function %f() {\nblock0:\n    v1 = iconst.i32 1\n    v1 = iconst.i32 2\n}', 4, 5, /duplicate definition of v1/],
    ];
    for (const [text, line, column, msg] of cases) {
      let err: unknown;
      try {
        parseClif(text, 'bad.clif');
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ParseError);
      const pe = err as ParseError;
      expect([pe.file, pe.line, pe.column], text).toEqual(['bad.clif', line, column]);
      expect(pe.message, text).toMatch(msg);
      expect(pe.location).toBe(`bad.clif:${line}:${column}`);
    }
  });

  it('quotes at most a short excerpt of the input in a message, with control bytes escaped', () => {
    const messageOf = (text: string): string => {
      try {
        parseClif(text, 'bad.clif');
      } catch (e) {
        return (e as ParseError).message;
      }
      return 'parsed';
    };
    const big = messageOf(`function %f() {\nblock0:\n    v1 = iconst.i32 ${'9'.repeat(5_000_000)}\n}`);
    expect(big).toBe(`bad.clif:3:21: an integer immediate out of range: ${'9'.repeat(32)}…(5000000 characters)`);
    expect(messageOf('\0asm\x01')).toBe("bad.clif:1:1: unexpected character '\\x00'");
    expect(excerpt('a\u202eb\tc\x7f')).toBe('a\\u202eb\\tc\\x7f');
  });
});

describe('line endings', () => {
  it('reads CRLF text like LF text', () => {
    const lf = 'test run\nfunction %f() -> i32 {\nblock0:\n    v0 = iconst.i32 7\n    return v0\n}\n; run: %f() == 7\n';
    const crlf = parseClif(lf.replace(/\n/g, '\r\n'));
    const plain = parseClif(lf);
    expect(crlf.functions[0].directives).toEqual(plain.functions[0].directives);
    expect(crlf.functions[0].comments).toEqual(plain.functions[0].comments);
    expect(printFunction(crlf.functions[0].func)).toBe(printFunction(plain.functions[0].func));
  });
});
