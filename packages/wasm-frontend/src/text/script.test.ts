// `.wast` scripts read into wast2json's command structure.
import { describe, expect, it } from 'vitest';
import { parseModule } from '../index';
import { WatError, parseWast } from './index';

describe('parseWast', () => {
  it('reads modules, registrations, actions and assertions in order, with their lines', () => {
    const { commands } = parseWast(
      `(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(register "m" $M)
(assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_exhaustion (invoke "f" (i32.const 0)) "call stack exhausted")
(invoke "f" (i32.const 1))
(get $M "g")`,
      's.wast',
    );
    expect(commands.map((c) => [c.type, c.line])).toEqual([
      ['module', 1],
      ['register', 2],
      ['assert_return', 3],
      ['assert_trap', 4],
      ['assert_exhaustion', 5],
      ['action', 6],
      ['action', 7],
    ]);
    expect(commands[0].name).toBe('$M');
    expect(parseModule(commands[0].bytes!).exports[0].name).toBe('f');
    expect(commands[1]).toEqual({ type: 'register', line: 2, name: '$M', as: 'm' });
    expect(commands[2].action).toEqual({ type: 'invoke', module: '$M', field: 'f', args: [{ type: 'i32', value: '4294967295' }] });
    expect(commands[2].expected).toEqual([{ type: 'i32', value: '4294967295' }]);
    expect(commands[3].text).toBe('unreachable');
    expect(commands[6].action).toEqual({ type: 'get', module: '$M', field: 'g' });
  });

  it('writes values as wast2json does: bits in decimal, NaN patterns, lanes, references', () => {
    const { commands } = parseWast(`(assert_return (invoke "f" (f32.const -0x1p-1) (f64.const nan:0x1) (v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255) (ref.null extern) (ref.extern 7))
      (f32.const nan:canonical) (v128.const f64x2 nan:arithmetic -0) (ref.func) (ref.extern) (ref.null func))`);
    const c = commands[0];
    expect(c.action!.args).toEqual([
      { type: 'f32', value: String(0xbf000000) },
      { type: 'f64', value: String(0x7ff0000000000001n) },
      { type: 'v128', lane_type: 'i8', value: ['255', ...Array(14).fill('0'), '255'] },
      { type: 'externref', value: 'null' },
      { type: 'externref', value: '7' },
    ]);
    expect(c.expected).toEqual([
      { type: 'f32', value: 'nan:canonical' },
      { type: 'v128', lane_type: 'f64', value: ['nan:arithmetic', String(0x8000000000000000n)] },
      { type: 'funcref' },
      { type: 'externref' },
      { type: 'funcref', value: 'null' },
    ]);
  });

  it('reads binary and quoted modules; a quoted module the reader rejects carries its error', () => {
    const { commands } = parseWast(`(module binary "\\00asm" "\\01\\00\\00\\00")
(module $Q quote "(func (export \\"q\\"))" "(memory 1)")
(assert_malformed (module quote "(func (i32.const 0x1_0000_0000))") "constant out of range")
(assert_malformed (module binary "\\00asm") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")`);
    expect(commands[0].bytes).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(commands[1].name).toBe('$Q');
    expect(commands[1].module_type).toBe('text');
    expect(parseModule(commands[1].bytes!).memories.length).toBe(1);
    const malformed = commands[2];
    expect(malformed.module_type).toBe('text');
    expect(malformed.bytes).toBeUndefined();
    expect(malformed.error).toBeInstanceOf(WatError);
    expect(malformed.error!.rule).toBe('constant out of range');
    expect(malformed.error!.message).toMatch(/^input\.wast:3 \(module quote\):1:18: constant out of range/);
    expect(commands[3]).toMatchObject({ type: 'assert_malformed', module_type: 'binary', text: 'unexpected end' });
    expect(() => parseModule(commands[4].bytes!)).toThrow(/type mismatch/);
    expect(commands[5].type).toBe('assert_uninstantiable');
    expect(commands[6].type).toBe('assert_unlinkable');
  });

  it('reads a script of bare module fields as one module', () => {
    const { commands } = parseWast('(func) (memory 0) (func (export "f"))');
    expect(commands.length).toBe(1);
    expect(parseModule(commands[0].bytes!).bodies.length).toBe(2);
  });

  it('rejects a malformed script with a located error', () => {
    expect(() => parseWast('(module)\n(assert_return (invoke "f" (i32.const $x)))', 'bad.wast')).toThrow(/^bad\.wast:2:39: unexpected token/);
    expect(() => parseWast('(module)\n(frobnicate)', 'bad.wast')).toThrow(/^bad\.wast:2:2: unknown operator/);
    expect(() => parseWast('(module)) (module)', 'bad.wast')).toThrow(/^bad\.wast:1:9: unexpected token/);
  });

  it('reads a script nested 100,000 levels deep without a stack overflow', () => {
    const n = 100_000;
    const { commands } = parseWast(`(module (func (export "f") (result i32) ${'(block '.repeat(n)}${')'.repeat(n)} (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))`);
    expect(commands.map((c) => c.type)).toEqual(['module', 'assert_return']);
    expect(parseModule(commands[0].bytes!).bodies.length).toBe(1);
    // A bare nest of parentheses is a located error.
    expect(() => parseWast('('.repeat(n) + ')'.repeat(n))).toThrow(WatError);
  });
});
