// WAVE text read and written by type: every kind of value, the flat option and result forms,
// keywords escaped with %, and the errors (with offsets) for text that is not a value.
import { prim, type ValT } from '@windlass/wasm-frontend';
import { describe, expect, it } from 'vitest';
import { WaveError, formatWave, parseWave } from './wave';

const u8 = prim('u8');
const s32 = prim('s32');
const u64 = prim('u64');
const str = prim('string');

describe('WAVE', () => {
  it('reads and writes scalars', () => {
    expect(parseWave('true', prim('bool'))).toBe(true);
    expect(parseWave(' -7 ', s32)).toBe(-7);
    expect(parseWave('18446744073709551615', u64)).toBe(0xffffffffffffffffn);
    expect(parseWave('1.5e3', prim('f64'))).toBe(1500);
    expect(parseWave('-inf', prim('f32'))).toBe(-Infinity);
    expect(Number.isNaN(parseWave('nan', prim('f64')))).toBe(true);
    expect(parseWave("'\\u{1f600}'", prim('char'))).toBe('😀');
    expect(parseWave('"a\\tb\\"c\\u{41}" // a comment', str)).toBe('a\tb"cA');
    expect(formatWave(-0, prim('f64'))).toBe('-0');
    expect(formatWave(1e21, prim('f64'))).toBe('1e21');
    expect(formatWave('a\n"\u0001', str)).toBe('"a\\n\\"\\u{1}"');
    expect(formatWave("'", prim('char'))).toBe("'\\''");
    expect(formatWave(0xffffffffffffffffn, u64)).toBe('18446744073709551615');
  });

  it('reads and writes compound values, with the flat option and result forms', () => {
    const rec: ValT = { k: 'record', fields: [{ name: 'a', t: u8 }, { name: 'b-c', t: { k: 'option', t: str } }] };
    expect(parseWave('{a: 1, b-c: some("x")}', rec)).toEqual({ a: 1, 'b-c': { tag: 'some', value: 'x' } });
    expect(parseWave('{a: 1}', rec)).toEqual({ a: 1, 'b-c': { tag: 'none' } });
    expect(parseWave('{b-c: "flat", a: 2,}', rec)).toEqual({ a: 2, 'b-c': { tag: 'some', value: 'flat' } });
    expect(formatWave({ a: 1, 'b-c': { tag: 'none' } }, rec)).toBe('{a: 1, b-c: none}');
    const list: ValT = { k: 'list', t: { k: 'tuple', ts: [u8, str] } };
    expect(parseWave('[(1, "a"), (2, "b")]', list)).toEqual([[1, 'a'], [2, 'b']]);
    expect(formatWave([[1, 'a']], list)).toBe('[(1, "a")]');
    const res: ValT = { k: 'result', ok: u8, err: str };
    expect(parseWave('ok(3)', res)).toEqual({ tag: 'ok', value: 3 });
    expect(parseWave('3', res)).toEqual({ tag: 'ok', value: 3 });
    expect(parseWave('err("no")', res)).toEqual({ tag: 'err', value: 'no' });
    expect(formatWave({ tag: 'err', value: 'no' }, res)).toBe('err("no")');
    expect(parseWave('ok', { k: 'result' })).toEqual({ tag: 'ok' });
    const variant: ValT = { k: 'variant', cases: [{ name: 'days', t: u8 }, { name: 'forever' }, { name: 'none' }] };
    expect(parseWave('days(30)', variant)).toEqual({ tag: 'days', value: 30 });
    expect(parseWave('forever', variant)).toEqual({ tag: 'forever' });
    expect(parseWave('%none', variant)).toEqual({ tag: 'none' });
    expect(formatWave({ tag: 'none' }, variant)).toBe('%none');
    const flags: ValT = { k: 'flags', names: ['read', 'write', 'exec'] };
    expect(parseWave('{write, read}', flags)).toEqual(['write', 'read']);
    expect(formatWave(['write', 'read'], flags)).toBe('{read, write}');
    expect(parseWave('{}', flags)).toEqual([]);
    expect(parseWave('south', { k: 'enum', names: ['north', 'south'] })).toBe('south');
    expect(formatWave({}, { k: 'record', fields: [] })).toBe('{:}');
    expect(parseWave('{:}', { k: 'record', fields: [] })).toEqual({});
  });

  it('reads back what it writes', () => {
    const t: ValT = {
      k: 'tuple',
      ts: [{ k: 'list', t: { k: 'option', t: { k: 'option', t: s32 } } }, { k: 'result', err: str }, prim('char'), prim('f32')],
    };
    const v = [[{ tag: 'some', value: { tag: 'none' } }, { tag: 'none' }, { tag: 'some', value: { tag: 'some', value: -1 } }], { tag: 'err', value: '\u{7f}\\' }, '"', 0.5];
    const text = formatWave(v, t);
    expect(text).toBe('([some(none), none, some(some(-1))], err("\\u{7f}\\\\"), \'"\', 0.5)');
    expect(parseWave(text, t)).toEqual(v);
  });

  it('refuses text that is not a value of the type, saying where', () => {
    const bad = (text: string, t: ValT): string => {
      try {
        parseWave(text, t);
      } catch (e) {
        if (e instanceof WaveError) return e.message;
        throw e;
      }
      return 'accepted';
    };
    expect(bad('256', u8)).toBe('at 0: 256 is out of range for u8 (0 to 255)');
    expect(bad('1.5', u8)).toBe("at 0: expected an integer (u8), found '1.5'");
    expect(bad('0x10', u8)).toBe("at 0: expected a number, found '0x10'");
    expect(bad('[1, 2', { k: 'list', t: u8 })).toBe("at 5: expected ']' or a comma, found the end of the text");
    expect(bad('"abc', str)).toBe('at 4: unterminated string');
    expect(bad('"\\q"', str)).toBe('at 1: unknown escape \\q');
    expect(bad("'ab'", prim('char'))).toBe('at 0: a char is one Unicode scalar value, found 2');
    expect(bad('{a: 1, a: 2}', { k: 'record', fields: [{ name: 'a', t: u8 }] })).toBe('at 7: field a given twice');
    expect(bad('{}', { k: 'record', fields: [{ name: 'a', t: u8 }] })).toBe('at 0: record {a}: field a is missing');
    expect(bad('up', { k: 'enum', names: ['north', 'south'] })).toBe("at 0: expected one of the cases north, south, found 'up'");
    expect(bad('none', { k: 'variant', cases: [{ name: 'none' }] })).toBe("at 0: expected one of the cases %none, found 'none'");
    expect(bad('1 2', u8)).toBe("at 2: unexpected '2' after the value");
    expect(bad('(1)', { k: 'tuple', ts: [u8, u8] })).toBe('at 0: a tuple<u8, u8> has 2 elements, found 1');
    expect(bad('x', { k: 'own', r: 0 })).toBe('at 0: own<resource>: resources have no WAVE text');
  });
});
