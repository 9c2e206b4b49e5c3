import { describe, it, expect } from 'vitest';
import { softBinary, softSqrt, softFma, softCompare, softRound } from './softfloat';
import { FMT64, FMT128, f64ToBits, f64FromBits, parseFloatLiteral, formatFloatBits } from './float';
import { fma as nativeFma, fadd, fsub, fmul, fdiv, sqrt, fromDouble, type FW } from './floatops';
import { FMT16, FMT32 } from './float';

// A small deterministic generator: the same "random" doubles on every run.
function* doubles(n: number): Generator<number> {
  let s = 0x2545f491;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let k = 0; k < n; k++) {
    const mant = next() / 2 ** 32 + next() / 2 ** 64;
    const exp = (next() % 200) - 100;
    yield (next() & 1 ? -1 : 1) * (1 + mant) * 2 ** exp;
  }
}

const q = (s: string) => parseFloatLiteral(s, FMT128);

describe('soft float', () => {
  it('matches native double arithmetic bit for bit when run on the f64 format', () => {
    const xs = [...doubles(400)];
    for (let k = 0; k + 1 < xs.length; k++) {
      const [a, b] = [xs[k], xs[k + 1]];
      const [ba, bb] = [f64ToBits(a), f64ToBits(b)];
      expect(softBinary('add', ba, bb, FMT64)).toBe(f64ToBits(a + b));
      expect(softBinary('sub', ba, bb, FMT64)).toBe(f64ToBits(a - b));
      expect(softBinary('mul', ba, bb, FMT64)).toBe(f64ToBits(a * b));
      expect(softBinary('div', ba, bb, FMT64)).toBe(f64ToBits(a / b));
      expect(softSqrt(f64ToBits(Math.abs(a)), FMT64)).toBe(f64ToBits(Math.sqrt(Math.abs(a))));
      expect(softFma(ba, bb, f64ToBits(xs[(k + 7) % xs.length]), FMT64)).toBe(nativeFma(64, ba, bb, f64ToBits(xs[(k + 7) % xs.length])));
    }
  });

  it('agrees with the double-based f16/f32 arithmetic (one rounding, no double-rounding error)', () => {
    const xs = [...doubles(300)];
    for (const [w, fmt, scale] of [[32, FMT32, 1], [16, FMT16, 2 ** -90]] as const) {
      for (let k = 0; k + 1 < xs.length; k++) {
        const a = fromDouble(w as FW, xs[k] * scale);
        const b = fromDouble(w as FW, xs[k + 1] * scale);
        const [ba, bb] = [BigInt(a), BigInt(b)];
        expect(BigInt(fadd(w, a, b))).toBe(softBinary('add', ba, bb, fmt));
        expect(BigInt(fsub(w, a, b))).toBe(softBinary('sub', ba, bb, fmt));
        expect(BigInt(fmul(w, a, b))).toBe(softBinary('mul', ba, bb, fmt));
        expect(BigInt(fdiv(w, a, b))).toBe(softBinary('div', ba, bb, fmt));
        const pos = w === 32 ? (a as number) & 0x7fffffff : (a as number) & 0x7fff;
        expect(BigInt(sqrt(w, pos))).toBe(softSqrt(BigInt(pos), fmt));
      }
    }
  });

  it('handles the IEEE special cases', () => {
    const [inf, ninf, nan] = [f64ToBits(Infinity), f64ToBits(-Infinity), f64ToBits(NaN)];
    expect(Number.isNaN(f64FromBits(softBinary('add', inf, ninf, FMT64)))).toBe(true);
    expect(softBinary('div', f64ToBits(1), f64ToBits(-0), FMT64)).toBe(ninf);
    expect(softBinary('add', f64ToBits(-0), f64ToBits(-0), FMT64)).toBe(f64ToBits(-0));
    expect(softBinary('add', f64ToBits(1), f64ToBits(-1), FMT64)).toBe(0n);
    expect(Number.isNaN(softCompare(nan, inf, FMT64))).toBe(true);
    expect(softCompare(f64ToBits(-0), 0n, FMT64)).toBe(0);
  });

  it('computes in f128 with its full precision', () => {
    // 1 + 2^-112 is representable in f128 (not in f64).
    expect(formatFloatBits(softBinary('add', q('0x1.0'), q('0x1.0p-112'), FMT128), FMT128)).toBe('0x1.0000000000000000000000000001p0');
    expect(softBinary('div', q('0x1.0'), q('0x3.0'), FMT128)).toBe(0x3ffd5555555555555555555555555555n);
    expect(softSqrt(q('0x4.0'), FMT128)).toBe(q('0x2.0'));
    expect(softRound('nearest', q('0x2.8'), FMT128)).toBe(q('0x2.0'));
    expect(softRound('ceil', q('-0x0.8'), FMT128)).toBe(q('-0x0.0'));
    expect(softRound('floor', q('-0x0.8'), FMT128)).toBe(q('-0x1.0'));
  });
});
