// Numeric literals of the text format, checked against exact expectations and, for floats,
// against round trips through the host's own (correctly rounded) formatting.
import { describe, expect, it } from 'vitest';
import { RANGE, SYNTAX, numError, parseF32, parseF64, parseI32, parseI64, parseIntLane, parseU32 } from './numbers';

function f32(s: string): number | string {
  const v = parseF32(s);
  return numError === 0 ? v : numError === RANGE ? 'range' : 'syntax';
}
function f64(s: string): bigint | string {
  const v = parseF64(s);
  return numError === 0 ? v : numError === RANGE ? 'range' : 'syntax';
}
function int(parse: (s: string) => number | bigint, s: string): number | bigint | string {
  const v = parse(s);
  return numError === 0 ? v : numError === RANGE ? 'range' : 'syntax';
}

function bitsF32(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}
function bitsF64(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0];
}

/** Deterministic pseudo-random 32-bit numbers. */
function* rng(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    yield (s >>>= 0);
  }
}

/** The exact hex float literal of f64 bits (`-0x1.8p+3`, subnormals as `0x0.8p-1022`). */
function hexF64(bits: bigint): string {
  const sign = bits >> 63n ? '-' : '';
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = (bits & 0xfffffffffffffn).toString(16).padStart(13, '0');
  return exp === 0 ? `${sign}0x0.${mant}p-1022` : `${sign}0x1.${mant}p${exp - 1023}`;
}

describe('integer literals', () => {
  it('reads decimal and hex, with underscores between digits only', () => {
    expect(int(parseU32, '0')).toBe(0);
    expect(int(parseU32, '0x1_0000')).toBe(65536);
    expect(int(parseU32, '4294967295')).toBe(4294967295);
    expect(int(parseU32, '4294967296')).toBe('range');
    expect(int(parseU32, '1_')).toBe('syntax');
    expect(int(parseU32, '1__0')).toBe('syntax');
    expect(int(parseU32, '_1')).toBe('syntax');
    expect(int(parseU32, '0x')).toBe('syntax');
    expect(int(parseU32, '-1')).toBe('syntax');
  });

  it('takes i32 in its unsigned or signed form; a sign limits it to the signed range', () => {
    expect(int(parseI32, '0xffffffff')).toBe(-1);
    expect(int(parseI32, '-0x80000000')).toBe(-2147483648);
    expect(int(parseI32, '-2147483649')).toBe('range');
    expect(int(parseI32, '+2147483647')).toBe(2147483647);
    expect(int(parseI32, '+2147483648')).toBe('range');
    expect(int(parseI32, '4294967296')).toBe('range');
    expect(int(parseI64, '18446744073709551615')).toBe(-1n);
    expect(int(parseI64, '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(int(parseI64, '0x1_0000_0000_0000_0000')).toBe('range');
  });

  it('rejects a huge literal quickly, as out of range', () => {
    expect(int(parseI64, '9'.repeat(1_000_000))).toBe('range');
    expect(int(parseI32, '0'.repeat(1000) + '1')).toBe(1);
  });

  it('checks i8 / i16 lanes against their own ranges', () => {
    expect(parseIntLane('-128', 8)).toBe(0x80n);
    expect(parseIntLane('255', 8)).toBe(0xffn);
    parseIntLane('256', 8);
    expect(numError).toBe(RANGE);
    parseIntLane('-129', 8);
    expect(numError).toBe(RANGE);
    expect(parseIntLane('0xffff', 16)).toBe(0xffffn);
  });
});

describe('float literals', () => {
  it('reads every form: decimal, hex, exponents, inf, nan and payloads', () => {
    expect(f32('1.5')).toBe(0x3fc00000);
    expect(f32('-0')).toBe(0x80000000);
    expect(f32('1.')).toBe(0x3f800000);
    expect(f32('1.e1')).toBe(0x41200000);
    expect(f32('1_000.5')).toBe(0x447a2000);
    expect(f32('0x1.8p3')).toBe(0x41400000);
    expect(f32('0x1P-149')).toBe(1);
    expect(f32('inf')).toBe(0x7f800000);
    expect(f32('-nan')).toBe(0xffc00000);
    expect(f32('nan:0x1')).toBe(0x7f800001);
    expect(f32('nan:0x800000')).toBe('range');
    expect(f32('nan:0x0')).toBe('range');
    expect(f64('nan:0xf_ffff_ffff_ffff')).toBe(0x7fffffffffffffffn);
    for (const bad of ['.5', '1e', '0x.8', '1_.5', '1._5', 'infinity', 'nan:1', '0x1p', '1e+']) expect(f32(bad), bad).toBe('syntax');
  });

  it('rounds to nearest, ties to even, from the exact decimal value', () => {
    // 1 + 2^-24 is the midpoint between 1 and the next f32: ties go to the even one (1).
    expect(f32('1.000000059604644775390625')).toBe(0x3f800000);
    expect(f32('1.000000059604644775390625000000000000000000000001')).toBe(0x3f800001);
    // 1 + 3 * 2^-24: midpoint between ...01 and ...02, ties to ...02.
    expect(f32('1.000000178813934326171875')).toBe(0x3f800002);
    // Halfway between 0 and the smallest f32 subnormal rounds to 0; a hair more rounds up.
    expect(f32('7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46')).toBe(0);
    expect(f32('7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625001e-46')).toBe(1);
    expect(f64('2.4703282292062328e-324')).toBe(1n);
    expect(f64('2.4703282292062327e-324')).toBe(0n);
    // A subnormal hex literal one bit too long: the tie goes to the even neighbour (the smallest normal).
    expect(f64('0x1.fffffffffffffp-1023')).toBe(0x0010000000000000n);
    expect(f64('0x1.0000000000000800000000001p0')).toBe(0x3ff0000000000001n);
  });

  it('rejects literals that round to infinity', () => {
    expect(f32('3.4028235e38')).toBe(0x7f7fffff);
    expect(f32('3.4028236e38')).toBe('range');
    expect(f32('0x1.fffffe8p127')).toBe(0x7f7fffff);
    expect(f32('0x1.ffffffp127')).toBe('range');
    expect(f64('1.7976931348623157e308')).toBe(0x7fefffffffffffffn);
    expect(f64('1e309')).toBe('range');
    expect(f64('1e-99999999999')).toBe(0n);
    expect(f64('1' + '0'.repeat(2_000_000))).toBe('range');
  });

  it('round-trips random f64 values through their shortest decimal and exact hex forms', () => {
    const r = rng(7);
    const buf = new Uint32Array(2);
    const f = new Float64Array(buf.buffer);
    for (let n = 0; n < 20000; n++) {
      buf[0] = r.next().value!;
      buf[1] = r.next().value!;
      const x = f[0];
      if (!Number.isFinite(x)) continue;
      const bits = bitsF64(x);
      expect(f64(String(x)), String(x)).toBe(bits);
      expect(f64(hexF64(bits)), hexF64(bits)).toBe(bits);
    }
  });

  it('round-trips random f32 values through 9 significant digits', () => {
    const r = rng(11);
    const buf = new Uint32Array(1);
    const f = new Float32Array(buf.buffer);
    for (let n = 0; n < 20000; n++) {
      buf[0] = r.next().value! & 0x7fffffff;
      const x = f[0];
      if (!Number.isFinite(x)) continue;
      const s = x.toPrecision(9);
      expect(f32(s), s).toBe(bitsF32(x));
    }
  });

  it('reports the class of error with SYNTAX and RANGE', () => {
    parseF64('x');
    expect(numError).toBe(SYNTAX);
    parseF64('1e400');
    expect(numError).toBe(RANGE);
  });
});
