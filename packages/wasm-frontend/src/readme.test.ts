// Keeps the README example true: same bytes, same printed IR.
import { printFunction } from '@windlass/ir';
import { describe, expect, it } from 'vitest';
import { StandardEnvironment, WatError, parseModule, parseWat, parseWatModule, translateFunction } from './index';

describe('README example', () => {
  it('translates the load example as printed', () => {
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00,
      0x28, 0x02, 0x04, 0x0b,
    ]);
    const module = parseModule(bytes);
    const text = printFunction(translateFunction(module, 0, new StandardEnvironment(module, { boundsChecks: 'explicit' })));
    expect(text).toBe(`function u0:0(i64 vmctx, i32) -> i32 fast {
block0(v0: i64, v1: i32):
    v2 = load.i64 notrap aligned readonly little v0
    v3 = iconst.i64 0
    v5 = load.i64 notrap aligned little v2
    v6 = uextend.i64 v1
    v7 = iadd v5, v6
    v8 = iadd_imm v7, 4
    v9 = load.i64 notrap aligned little v2+8
    v10 = iadd_imm v6, 8
    v11 = icmp ugt v10, v9
    v12 = select_spectre_guard v11, v3, v8  ; v3 = 0
    v13 = load.i32 little v12
    jump block1(v13)

block1(v4: i32):
    return v4
}
`);
  });

  it('reads the text of the example into the same bytes, and reports text errors as shown', () => {
    const bytes = parseWat('(module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (local.get 0))))');
    expect(Array.from(bytes)).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00,
      0x28, 0x02, 0x04, 0x0b,
    ]);
    expect(() => parseWatModule('(module (func $f (result i32) (i64.const 1)))', 'f.wat', { names: true })).toThrow(
      'f.wat:1:44: invalid module: type mismatch: expected i32, found i64',
    );
    let message = '';
    try {
      parseWat('(module\n  (func (i32.konst 1)))', 'g.wat');
    } catch (e) {
      if (e instanceof WatError) message = e.message;
    }
    expect(message).toBe('g.wat:2:10: unknown operator: "i32.konst"; expected an instruction name');
  });
});
