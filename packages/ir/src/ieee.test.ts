import { describe, it, expect } from 'vitest';
import { IEEE16, IEEE32, IEEE64, IEEE128, formatIeee, parseIeee } from './ieee';

describe('IEEE float immediates', () => {
  it('parses hex, decimal and special forms into bit patterns', () => {
    expect(parseIeee('0x1.8p1', IEEE32)).toBe(0x40400000n); // 3.0
    expect(parseIeee('-0x1.0p-1', IEEE64)).toBe(0xbfe0000000000000n); // -0.5
    expect(parseIeee('0.0', IEEE32)).toBe(0n);
    expect(parseIeee('-0.0', IEEE16)).toBe(0x8000n);
    expect(parseIeee('1.5', IEEE64)).toBe(0x3ff8000000000000n);
    expect(parseIeee('+Inf', IEEE32)).toBe(0x7f800000n);
    expect(parseIeee('-NaN', IEEE32)).toBe(0xffc00000n);
    expect(parseIeee('+sNaN:0x1', IEEE32)).toBe(0x7f800001n);
    expect(parseIeee('NaN:0x1', IEEE64)).toBe(0x7ff8000000000001n);
    expect(parseIeee('0x1.0p0', IEEE128)).toBe(0x3fffn << 112n);
    expect(parseIeee('0x1.0p200', IEEE32)).toBeNull(); // overflow
    expect(parseIeee('bogus', IEEE32)).toBeNull();
    expect(parseIeee('12', IEEE32)).toBe(0x41400000n);
    expect(parseIeee('0x12', IEEE32)).toBeNull(); // a hex integer is not a float
  });

  it("formats in Cranelift's style and reads back", () => {
    expect(formatIeee(0x40400000n, IEEE32)).toBe('0x1.800000p1');
    expect(formatIeee(0n, IEEE64)).toBe('0.0');
    expect(formatIeee(0x8000n, IEEE16)).toBe('-0.0');
    expect(formatIeee(0x7f800000n, IEEE32)).toBe('+Inf');
    expect(formatIeee(0xffc00000n, IEEE32)).toBe('-NaN');
    expect(formatIeee(0x7f800001n, IEEE32)).toBe('+sNaN:0x1');
    expect(formatIeee(1n, IEEE32)).toBe('0x0.000002p-126');
    for (const bitsV of [1n, 0x3f800000n, 0x00800000n, 0x7f7fffffn, 0xff800000n, 0x7fc00001n]) {
      expect(parseIeee(formatIeee(bitsV, IEEE32), IEEE32)).toBe(bitsV);
    }
  });
});
