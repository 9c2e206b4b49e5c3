import { describe, it, expect } from 'vitest';
import {
  F32, F64, I8, I16, I32, I64, I128, INVALID, asInt, bits, bytes, doubleWidth, dynamicBase, dynamicOf, halfWidth,
  isDynamicVector, isFloat, isInt, isVector, laneBits, laneCount, laneType, mergeLanes, parseType, splitLanes,
  typeName, vectorOf,
} from './types';

describe('types', () => {
  it('names and parses scalars, vectors and dynamic vectors', () => {
    for (const name of ['i8', 'i16', 'i32', 'i64', 'i128', 'f16', 'f32', 'f64', 'f128', 'i8x16', 'f32x4', 'i64x2', 'i8x8', 'i16x2', 'i64x8', 'i32x4xN']) {
      expect(typeName(parseType(name))).toBe(name);
    }
    expect(parseType('i33')).toBe(INVALID);
    expect(parseType('i32x3')).toBe(INVALID);
    expect(parseType('dt0')).toBe(INVALID);
  });

  it('answers shape questions', () => {
    const v = vectorOf(I32, 4);
    expect(laneType(v)).toBe(I32);
    expect(laneCount(v)).toBe(4);
    expect(laneBits(v)).toBe(32);
    expect(bits(v)).toBe(128);
    expect(bytes(I16)).toBe(2);
    expect(isVector(v)).toBe(true);
    expect(isVector(I128)).toBe(false);
    expect(isInt(v) && !isFloat(v)).toBe(true);
    expect(isFloat(F64)).toBe(true);
    expect(laneCount(I64)).toBe(1);
  });

  it('derives related types', () => {
    expect(halfWidth(I64)).toBe(I32);
    expect(halfWidth(I8)).toBe(INVALID);
    expect(doubleWidth(F32)).toBe(F64);
    expect(asInt(vectorOf(F32, 4))).toBe(vectorOf(I32, 4));
    expect(splitLanes(vectorOf(I32, 4))).toBe(vectorOf(I16, 8));
    expect(mergeLanes(vectorOf(I16, 8))).toBe(vectorOf(I32, 4));
    const d = dynamicOf(vectorOf(I8, 16));
    expect(isDynamicVector(d)).toBe(true);
    expect(dynamicBase(d)).toBe(vectorOf(I8, 16));
  });
});
