import { describe, it, expect } from 'vitest';
import {
  FMT16, FMT32, FMT64, FMT128, parseFloatLiteral, formatFloatBits, formatFloatDecimal, roundToFormat, doubleToF16, f16ToDouble,
  CANON_NAN32, type FloatFormat,
} from './float';

describe('float literals', () => {
  it('parses hexadecimal floats with and without exponent', () => {
    expect(parseFloatLiteral('0x1.8p3', FMT32)).toBe(0x41400000n); // 12.0
    expect(parseFloatLiteral('0x1.0', FMT32)).toBe(0x3f800000n);
    expect(parseFloatLiteral('-0x1.p0', FMT32)).toBe(0xbf800000n);
    expect(parseFloatLiteral('0x1.p-126', FMT32)).toBe(0x00800000n);
    expect(parseFloatLiteral('0x0.8p-126', FMT32)).toBe(0x00400000n); // subnormal
    expect(parseFloatLiteral('0x1.fffffffffffffp1023', FMT64)).toBe(0x7fefffffffffffffn);
  });

  it('parses decimal floats and signed zeros', () => {
    expect(parseFloatLiteral('1.5', FMT64)).toBe(0x3ff8000000000000n);
    expect(parseFloatLiteral('-0.0', FMT64)).toBe(0x8000000000000000n);
    expect(parseFloatLiteral('0.0', FMT16)).toBe(0n);
  });

  it('parses infinities and NaNs with payloads', () => {
    expect(parseFloatLiteral('+Inf', FMT32)).toBe(0x7f800000n);
    expect(parseFloatLiteral('-Inf', FMT64)).toBe(0xfff0000000000000n);
    expect(parseFloatLiteral('NaN', FMT32)).toBe(0x7fc00000n);
    expect(parseFloatLiteral('-NaN', FMT32)).toBe(0xffc00000n);
    expect(parseFloatLiteral('+NaN:0x1', FMT32)).toBe(0x7fc00001n);
    expect(parseFloatLiteral('+sNaN:0x1', FMT32)).toBe(0x7f800001n);
    expect(parseFloatLiteral('-sNaN:0x1', FMT64)).toBe(0xfff0000000000001n);
    expect(parseFloatLiteral('NaN', FMT16)).toBe(0x7e00n);
  });

  it('rejects malformed literals and impossible payloads', () => {
    expect(() => parseFloatLiteral('0x1.8q3', FMT32)).toThrow(/malformed/);
    expect(() => parseFloatLiteral('sNaN:0x0', FMT32)).toThrow(/signalling/);
    expect(() => parseFloatLiteral('NaN:0x400000', FMT32)).toThrow(/too large/);
  });

  it('rounds to nearest, ties to even, into any format', () => {
    // 2^24 + 1 is a tie between 2^24 and 2^24 + 2 in f32: the even one wins.
    expect(roundToFormat(false, (1n << 24n) + 1n, 0, FMT32)).toBe(0x4b800000n);
    expect(roundToFormat(false, (1n << 24n) + 3n, 0, FMT32)).toBe(0x4b800002n);
    // Overflow to infinity.
    expect(roundToFormat(true, 1n, 200, FMT32)).toBe(0xff800000n);
    expect(roundToFormat(false, 1n, 16383, FMT128)).toBe(0x7ffe0000000000000000000000000000n);
  });

  it('converts f16 exactly', () => {
    expect(f16ToDouble(0x3c00)).toBe(1);
    expect(f16ToDouble(0x0001)).toBe(2 ** -24);
    expect(doubleToF16(65504)).toBe(0x7bff);
    expect(doubleToF16(65520)).toBe(0x7c00); // rounds up to infinity
    expect(doubleToF16(2 ** -25)).toBe(0); // tie with 0: even
  });

  it('prints floats the way Cranelift writes them', () => {
    expect(formatFloatBits(0x41400000n, FMT32)).toBe('0x1.800000p3');
    expect(formatFloatBits(0x80000000n, FMT32)).toBe('-0.0');
    expect(formatFloatBits(BigInt(CANON_NAN32), FMT32)).toBe('+NaN');
    expect(formatFloatBits(0x7f800001n, FMT32)).toBe('+sNaN:0x1');
    expect(formatFloatBits(0xfff0000000000000n, FMT64)).toBe('-Inf');
  });

  it('prints floats as people read them: the shortest decimal that reads back to the same bits', () => {
    const cases: [bigint, FloatFormat, string][] = [
      [0x3fc00000n, FMT32, '1.5'], [0x3dcccccdn, FMT32, '0.1'], [0x3fb999999999999an, FMT64, '0.1'],
      [0xc000000000000000n, FMT64, '-2.0'], [0x7f7fffffn, FMT32, '3.4028235e38'], [0x00000001n, FMT32, '1e-45'],
      [1n, FMT64, '5e-324'], [0x3c00n, FMT16, '1.0'], [0x3555n, FMT16, '0.3333'], [0x7bffn, FMT16, '6.55e4'],
      [0x80000000n, FMT32, '-0.0'], [0xffcfe3ecn, FMT32, '-NaN:0xfe3ec'], [0x7ff0000000000004n, FMT64, '+sNaN:0x4'],
      [0x3fff8000000000000000000000000000n, FMT128, '0x1.8000000000000000000000000000p0'],
    ];
    for (const [bits, fmt, text] of cases) {
      expect(formatFloatDecimal(bits, fmt)).toBe(text);
      expect(parseFloatLiteral(text, fmt)).toBe(bits);
    }
    // Every f16, and a sweep of f32 and f64 patterns, read back exactly.
    for (let b = 0n; b < 0x10000n; b++) if (!formatFloatBits(b, FMT16).includes('NaN')) expect(parseFloatLiteral(formatFloatDecimal(b, FMT16), FMT16)).toBe(b);
    for (let b = 0n; b < 1n << 32n; b += 0x10001n * 977n) expect(parseFloatLiteral(formatFloatDecimal(b, FMT32), FMT32)).toBe(b);
    for (let b = 0n; b < 1n << 64n; b += 0x1000100010001n * 1237n) expect(parseFloatLiteral(formatFloatDecimal(b, FMT64), FMT64)).toBe(b);
  });
});
