import { describe, it, expect } from 'vitest';
import { I8, I32, I64, I128, F32, F64, vectorOf } from '@windlass/ir';
import { parseValue, formatValue } from './literal';

describe('value literals', () => {
  it('wraps integers to the type and keeps i64/i128 as bigints', () => {
    expect(parseValue('-1', I8)).toBe(255);
    expect(parseValue('0xff', I8)).toBe(255);
    expect(parseValue('0x1234_5678', I32)).toBe(0x12345678);
    expect(parseValue('-1', I64)).toBe(0xffffffffffffffffn);
    expect(parseValue('170141183460469231731687303715884105727', I128)).toBe((1n << 127n) - 1n);
    expect(parseValue('true', I8)).toBe(1);
    expect(() => parseValue('256', I8)).toThrow(/does not fit/);
    expect(() => parseValue('12x', I32)).toThrow(/expected an integer/);
  });

  it('keeps floats as bit patterns', () => {
    expect(parseValue('0x1.0', F32)).toBe(0x3f800000);
    expect(parseValue('-sNaN:0x1', F64)).toBe(0xfff0000000000001n);
  });

  it('reads vectors lane by lane or as one hexadecimal number', () => {
    const t = vectorOf(I32, 4);
    expect(Array.from(parseValue('[1 2 3 -1]', t) as Uint8Array)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 255, 255, 255, 255]);
    const hex = parseValue('0x00000004_00000003_00000002_00000001', t);
    expect(formatValue(hex, t)).toBe('[1 2 3 4]');
    expect(() => parseValue('[1 2 3]', t)).toThrow(/needs 4 lanes/);
    expect(formatValue(parseValue('[0x1.0 -Inf]', vectorOf(F64, 2)), vectorOf(F64, 2))).toBe('[1.0 -Inf]');
    expect(formatValue(parseValue('[0x1.0 -Inf]', vectorOf(F64, 2)), vectorOf(F64, 2), { floats: 'hex' })).toBe('[0x1.0000000000000p0 -Inf]');
  });

  it('prints negative integers with their bit pattern', () => {
    expect(formatValue(255, I8)).toBe('-1 (0xff)');
    expect(formatValue(7n, I64)).toBe('7');
  });
});
