// The text reader on modules: what it encodes (checked through the binary decoder), the
// abbreviations, identifiers, and the errors it reports, each at its line:column.
import { describe, expect, it } from 'vitest';
import { ExternKind, WasmError, parseModule } from '../index';
import { WatError, parseWat, parseWatModule } from './index';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The code bytes of the only function of `wat`, without locals and final end. */
function code(wat: string): string {
  const m = parseModule(parseWat(wat));
  const body = m.bodies[0];
  return hex(m.bytes.subarray(body.codeStart, body.end - 1));
}

function error(wat: string): WatError {
  try {
    parseWatModule(wat, 'm.wat');
  } catch (e) {
    expect(e).toBeInstanceOf(WatError);
    return e as WatError;
  }
  throw new Error('accepted');
}

describe('parseWat', () => {
  it('encodes a module that the binary decoder and validator accept', () => {
    const bytes = parseWat(`
      (module
        (memory (export "mem") 1)
        (func $add (export "add") (param $a i32) (param $b i32) (result i32)
          local.get $a
          local.get $b
          i32.add))`);
    const m = parseModule(bytes);
    expect(m.exports.map((e) => [e.name, e.kind])).toEqual([
      ['mem', ExternKind.Memory],
      ['add', ExternKind.Func],
    ]);
    expect(m.types).toEqual([{ params: [0x7f, 0x7f], results: [0x7f] }]);
  });

  it('encodes folded and flat instructions alike', () => {
    const flat = code('(func (param i32) (result i32) local.get 0 i32.const 1 i32.add if (result i32) i32.const 2 else i32.const 3 end i32.eqz)');
    const folded = code('(func (param i32) (result i32) (i32.eqz (if (result i32) (i32.add (local.get 0) (i32.const 1)) (then (i32.const 2)) (else (i32.const 3)))))');
    expect(folded).toBe(flat);
  });

  it('resolves labels innermost first, shadowing outer ones of the same name', () => {
    expect(code('(func block $l block $l br $l end br $l end)')).toBe('0240' + '0240' + '0c00' + '0b' + '0c00' + '0b');
    expect(code('(func (block $out (loop $in (br_if $out (i32.const 0)) (br $in))))')).toBe('0240' + '0340' + '4100' + '0d01' + '0c00' + '0b0b');
  });

  it('adds the types of inline type uses after the explicit ones, reusing equal ones', () => {
    const m = parseModule(
      parseWat(`(func $f (result f64) (f64.const 0)) (func $g (param i32)) (func $h (result f64) (f64.const 1))
                (type $t (func (param i32))) (func unreachable (block (param i32) (result i32 i32) unreachable) unreachable)`),
    );
    expect(m.types.map((t) => [t.params, t.results])).toEqual([
      [[0x7f], []],
      [[], [0x7c]],
      [[], []],
      [[0x7f], [0x7f, 0x7f]],
    ]);
    expect(m.funcTypes).toEqual([1, 0, 1, 2]);
  });

  it('expands inline imports, exports, table elements and memory data', () => {
    const m = parseModule(
      parseWat(`(module
        (func $imp (export "f") (import "env" "f") (param i32))
        (table $t (export "t") funcref (elem $imp $g))
        (memory (data "hello" "\\00\\u{1F600}"))
        (global $c (mut i32) (i32.const -1))
        (func $g (global.set $c (i32.const 7)))
        (elem declare func $g)
        (data (memory 0) (offset (i32.const 16)) "x"))`),
    );
    expect(m.imports).toEqual([{ module: 'env', name: 'f', desc: { kind: ExternKind.Func, typeIndex: 0 } }]);
    expect(m.tables[0].limits).toEqual({ min: 2, max: 2 });
    expect(m.memories[0].limits).toEqual({ min: 1, max: 1 });
    expect(m.elements.map((e) => [e.mode, e.items.map((i) => (i.op === 'ref.func' ? i.func : -1))])).toEqual([
      ['active', [0, 1]],
      ['declarative', [1]],
    ]);
    const d = m.data[0];
    expect(hex(m.bytes.subarray(d.start, d.end))).toBe(hex(new TextEncoder().encode('hello\u0000\u{1F600}')));
    expect(m.exports.map((e) => e.name)).toEqual(['f', 't']);
  });

  it('reads every numeric form, SIMD lane shapes and memory arguments', () => {
    expect(code('(func (i32.const 0xffff_ffff) drop (i64.const -0x8000_0000_0000_0000) drop)')).toBe('417f1a' + '42808080808080808080' + '7f1a');
    expect(code('(func (f32.const -0x1.8p1) drop (f64.const nan:0x4) drop)')).toBe('43000040c01a' + '440400000000000f07ff1a'.replace('0f07ff', 'f07f'));
    expect(code('(func (v128.const i16x8 1 -1 0x7fff 0 0 0 0 -32768) drop)')).toBe('fd0c' + '0100ffffff7f0000000000000000' + '0080' + '1a');
    expect(code('(memory 1) (func (i64.load8_u offset=3 align=1 (i32.const 0)) drop)')).toBe('4100' + '310003' + '1a');
  });

  it('writes the $names into a name section on request', () => {
    const m = parseModule(parseWat('(module $m (func $f (param $x i32) (local $y i64)) (func) (func $g))', 'n.wat', { names: true }));
    expect(m.names?.module).toBe('m');
    expect([...m.names!.functions]).toEqual([
      [0, 'f'],
      [2, 'g'],
    ]);
    expect([...m.names!.locals.get(0)!]).toEqual([
      [0, 'x'],
      [1, 'y'],
    ]);
    expect(parseModule(parseWat('(func $f)')).names).toBeUndefined();
  });

  it('skips comments and annotations anywhere white space may be', () => {
    expect(code('(func (; block (; nested ;) ;) nop ;; line\n (@custom "x" (nested (@more))) nop)')).toBe('0101');
    // A line comment ends at a carriage return too.
    expect(code('(func ;; comment\r nop)')).toBe('01');
  });

  it('reads deeply nested folded code without growing the JS stack', () => {
    const depth = 100_000;
    const wat = `(func (result i32) ${'(block '.repeat(depth)}${')'.repeat(depth)} (i32.const 1))`;
    const m = parseModule(parseWat(wat));
    expect(m.bodies[0].end - m.bodies[0].start).toBeGreaterThan(depth * 3);
  });

  it('takes UTF-8 bytes and rejects bytes that are not UTF-8, with their place', () => {
    expect(parseWat(new TextEncoder().encode('(module)'))).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const bad = new Uint8Array([...new TextEncoder().encode('(module\n  (func'), 0xff, 0x29, 0x29]);
    expect(() => parseWat(bad, 'b.wat')).toThrow(/^b\.wat:2:8: malformed UTF-8 encoding/);
  });
});

describe('errors', () => {
  it('locates malformed text at line:column with the spec rule', () => {
    const e = error('(module\n  (func\n    (i32.add (i32.const 1) (i32.konst 2))))');
    expect(e.kind).toBe('malformed');
    expect(e.rule).toBe('unknown operator');
    expect([e.line, e.column]).toEqual([3, 29]);
    expect(e.message).toBe('m.wat:3:29: unknown operator: "i32.konst"; expected an instruction name');
  });

  it('names the spec rule for each kind of malformed text', () => {
    const rules: [string, string][] = [
      ['(func (i32.const 0x1_0000_0000))', 'constant out of range'],
      ['(func (f32.const 1e39))', 'constant out of range'],
      ['(func block $a end $b)', 'mismatching label'],
      ['(func (br $nowhere))', 'unknown label'],
      ['(func (local.get $x))', 'unknown local'],
      ['(func (call $f))', 'unknown function'],
      ['(func $f) (func $f)', 'duplicate func'],
      ['(func (param $x i32) (local $x i32))', 'duplicate local'],
      ['(func) (import "" "" (func))', 'import after function'],
      ['(start 0) (start 0) (func)', 'multiple start sections'],
      ['(type $t (func)) (func (type $t) (param i32))', 'inline function type'],
      ['(func (result i32) (param i32) (local.get 0))', 'unexpected token'],
      ['(memory 1) (func (drop (i32.load align=3 (i32.const 0))))', 'alignment'],
      ['(func (drop (v128.const i32x4 0 0 0)))', 'wrong number of lane literals'],
      ['(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)', 'malformed lane index'],
      ['(func (export "\\ff"))', 'malformed UTF-8 encoding'],
      ['(func (nop)', 'unexpected end'],
      ['(func (data "x"))', 'unexpected token'],
      ['(data $l"a")', 'unknown operator'],
      ['(func "unclosed)', 'unclosed string'],
      ['(func (; unclosed )', 'unclosed comment'],
      ['(func) (func))', 'unexpected token'],
    ];
    for (const [wat, rule] of rules) expect(error(wat).rule, wat).toBe(rule);
  });

  it('reports the first error in text order, even before an unbalanced parenthesis', () => {
    expect(error('(func (i32.const 1_)) )').rule).toBe('unknown operator');
  });

  it('reports validation errors at the instruction that caused them', () => {
    const e = error('(module\n  (func (result i32)\n    (i64.const 0)))');
    expect(e.kind).toBe('invalid');
    expect(e.rule).toBe('type mismatch');
    expect(e.line).toBe(3);
    expect(e).toBeInstanceOf(WasmError);
    expect(e.location.offset).toBeGreaterThan(8); // the byte offset is kept
  });

  it('reports a deep nest of bare parentheses as a located error, not a stack overflow', () => {
    const e = error('(func ' + '('.repeat(100_000) + ')'.repeat(100_000) + ')');
    expect(e.message).toMatch(/^m\.wat:1:8: unexpected token/);
  });

  it('keeps messages short whatever the input', () => {
    const e = error(`(func (i32.konst${'x'.repeat(5_000_000)}))`);
    expect(e.message.length).toBeLessThan(200);
    expect(error('(func (\u0001\u0002))').message).toContain('\\u{1}\\u{2}');
  });
});
