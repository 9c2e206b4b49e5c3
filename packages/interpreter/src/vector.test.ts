import { describe, it, expect } from 'vitest';
import { parseFunction } from '@windlass/ir';
import { interpret } from './interpreter';
import { parseValue, formatValue } from './literal';

/** Run a one-function CLIF text on literal arguments; the results as literals. */
function run(text: string, ...args: string[]): string[] {
  const f = parseFunction(text);
  const r = interpret(f, args.map((a, k) => parseValue(a, f.signature.params[k].type)));
  if (r.kind !== 'return') throw new Error(JSON.stringify(r));
  return r.values.map((v, k) => formatValue(v, f.signature.returns[k].type));
}

const unary = (op: string, from: string, to: string) => `
function %t(${from}) -> ${to} {
block0(v0: ${from}):
    v1 = ${op} v0
    return v1
}`;
const binary = (op: string, from: string, to: string) => `
function %t(${from}, ${from}) -> ${to} {
block0(v0: ${from}, v1: ${from}):
    v2 = ${op} v0, v1
    return v2
}`;

describe('vector semantics', () => {
  it('narrows with saturation', () => {
    expect(run(binary('snarrow', 'i32x4', 'i16x8'), '[70000 -70000 1 -1]', '[32767 -32768 0 5]')).toEqual(['[32767 -32768 1 -1 32767 -32768 0 5]']);
    expect(run(binary('unarrow', 'i16x8', 'i8x16'), '[300 -5 1 2 3 4 5 6]', '[0 0 0 0 0 0 0 255]')).toEqual(['[-1 0 1 2 3 4 5 6 0 0 0 0 0 0 0 -1]']);
    expect(run(binary('uunarrow', 'i16x8', 'i8x16'), '[-1 5 0 0 0 0 0 0]', '[0 0 0 0 0 0 0 0]')).toEqual(['[-1 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0]']);
  });

  it('widens the low or high half', () => {
    expect(run(unary('swiden_high', 'i8x16', 'i16x8'), '[0 0 0 0 0 0 0 0 -1 2 -3 4 -5 6 -7 8]')).toEqual(['[-1 2 -3 4 -5 6 -7 8]']);
    expect(run(unary('uwiden_low', 'i8x16', 'i16x8'), '[-1 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0]')).toEqual(['[255 2 0 0 0 0 0 0]']);
  });

  it('adds pairwise, averages and multiplies in Q15', () => {
    expect(run(binary('iadd_pairwise', 'i32x4', 'i32x4'), '[1 2 3 4]', '[10 20 30 40]')).toEqual(['[3 7 30 70]']);
    expect(run(binary('avg_round', 'i16x8', 'i16x8'), '[1 2 3 4 5 6 7 -1]', '[2 2 2 2 2 2 2 -1]')).toEqual(['[2 2 3 3 4 4 5 -1]']);
    expect(run(binary('sqmul_round_sat', 'i16x8', 'i16x8'), '[-32768 16384 0 0 0 0 0 0]', '[-32768 16384 0 0 0 0 0 0]')).toEqual(['[32767 8192 0 0 0 0 0 0]']);
  });

  it('shuffles and swizzles bytes', () => {
    const shuffle = `
function %t(i8x16, i8x16) -> i8x16 {
block0(v0: i8x16, v1: i8x16):
    v2 = shuffle v0, v1, [31 0 17 2 4 4 4 4 4 4 4 4 4 4 4 16]
    return v2
}`;
    const a = '[0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15]';
    const b = '[16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31]';
    expect(run(shuffle, a, b)).toEqual(['[31 0 17 2 4 4 4 4 4 4 4 4 4 4 4 16]']);
    expect(run(binary('swizzle', 'i8x16', 'i8x16'), b, '[15 0 16 255 1 1 1 1 1 1 1 1 1 1 1 1]')).toEqual(['[31 16 0 0 17 17 17 17 17 17 17 17 17 17 17 17]']);
  });

  it('reduces lanes to scalars', () => {
    expect(run(unary('vall_true', 'i32x4', 'i8'), '[1 -1 3 4]')).toEqual(['1']);
    expect(run(unary('vany_true', 'i32x4', 'i8'), '[0 0 0 0]')).toEqual(['0']);
    expect(run(unary('vhigh_bits.i8', 'i32x4', 'i8'), '[-1 0 -1 1]')).toEqual(['5']);
  });

  it('compares lane-wise into masks and selects bits', () => {
    expect(run(binary('icmp slt', 'i32x4', 'i32x4'), '[1 -1 3 4]', '[2 2 2 2]')).toEqual(['[-1 -1 0 0]']);
    expect(run(binary('fcmp uno', 'f32x4', 'i32x4'), '[NaN 0.0 1.0 +Inf]', '[0.0 NaN 1.0 -Inf]')).toEqual(['[-1 -1 0 0]']);
    const bitselect = `
function %t(i8x16, i8x16, i8x16) -> i8x16 {
block0(v0: i8x16, v1: i8x16, v2: i8x16):
    v3 = bitselect v0, v1, v2
    return v3
}`;
    expect(run(bitselect, '0x0f', '0xff', '0xf0f0')).toEqual(['[-1 -16 0 0 0 0 0 0 0 0 0 0 0 0 0 0]']);
  });

  it('converts float lanes, saturating', () => {
    expect(run(unary('fcvt_to_sint_sat.i32x4', 'f32x4', 'i32x4'), '[NaN 1e10 -1e10 -1.5]')).toEqual(['[0 2147483647 -2147483648 -1]']);
    expect(run(unary('fcvt_from_uint.f64x2', 'i64x2', 'f64x2'), '[-1 3]')).toEqual(['[1.8446744073709552e19 3.0]']);
    expect(run(unary('fvdemote', 'f64x2', 'f32x4'), '[0x1.0 -Inf]')).toEqual(['[1.0 -Inf 0.0 0.0]']);
  });

  it('inserts, extracts and splats lanes of every type', () => {
    const ins = `
function %t(f64x2, f64) -> f64x2, f64 {
block0(v0: f64x2, v1: f64):
    v2 = insertlane v0, v1, 1
    v3 = extractlane v2, 0
    return v2, v3
}`;
    expect(run(ins, '[0x1.0 0x2.0]', '-sNaN:0x1')).toEqual(['[1.0 -sNaN:0x1]', '1.0']);
    expect(run(unary('splat.i64x2', 'i64', 'i64x2'), '-2')).toEqual(['[-2 -2]']);
  });
});
