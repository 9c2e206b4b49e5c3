/// <reference types="node" />
// The SIMD sequences that stand in for missing instructions (SSE2 baseline without SSSE3 /
// SSE4.1, saturating narrows, sqmul_round_sat, load-extends, small vectors, vectors in a return
// area), compiled from CLIF and run natively against lane-by-lane reference semantics on edge
// values (lane minimums and maximums, sign bits, saturation bounds) and pseudo-random lanes.

import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, type CompiledCode } from '@windlass/codegen';
import '../index';
import { asmFunction, canRunNative, runC } from './test-support/native';

type Bytes = Uint8Array;

// ---------------------------------------------------------------- lanes

function lanes(v: Bytes, bits: number, signed: boolean): bigint[] {
  const out: bigint[] = [];
  const n = bits / 8;
  for (let k = 0; k < v.length / n; k++) {
    let x = 0n;
    for (let j = n - 1; j >= 0; j--) x = (x << 8n) | BigInt(v[k * n + j]);
    out.push(signed ? BigInt.asIntN(bits, x) : x);
  }
  return out;
}
function fromLanes(xs: readonly bigint[], bits: number): Bytes {
  const n = bits / 8;
  const out = new Uint8Array(16);
  xs.forEach((x, k) => {
    let u = BigInt.asUintN(bits, x);
    for (let j = 0; j < n; j++) {
      out[k * n + j] = Number(u & 0xffn);
      u >>= 8n;
    }
  });
  return out;
}
const clamp = (x: bigint, lo: bigint, hi: bigint): bigint => (x < lo ? lo : x > hi ? hi : x);
const hex = (v: Bytes): string => Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');

/** Lane-wise binary op on lanes of `bits`. */
function lanewise(bits: number, signed: boolean, op: (x: bigint, y: bigint) => bigint) {
  return (a: Bytes, b: Bytes): Bytes => {
    const y = lanes(b, bits, signed);
    return fromLanes(lanes(a, bits, signed).map((x, k) => op(x, y[k])), bits);
  };
}
function unary(bits: number, signed: boolean, op: (x: bigint) => bigint) {
  return (a: Bytes): Bytes => fromLanes(lanes(a, bits, signed).map(op), bits);
}
/** Narrowing of `a` then `b` from `bits` lanes to `bits / 2` with `sat`. */
function narrowing(bits: number, signed: boolean, sat: (x: bigint) => bigint) {
  return (a: Bytes, b: Bytes): Bytes => fromLanes([...lanes(a, bits, signed), ...lanes(b, bits, signed)].map(sat), bits / 2);
}
const min = (x: bigint, y: bigint): bigint => (x < y ? x : y);
const max = (x: bigint, y: bigint): bigint => (x > y ? x : y);
const popcount = (x: bigint): bigint => BigInt(x.toString(2).split('').filter((c) => c === '1').length);

// ---------------------------------------------------------------- inputs

/** Edge lanes of every width plus pseudo-random bytes. */
function inputs(): Bytes[] {
  const out: Bytes[] = [];
  const fill = (bits: number, xs: bigint[]): void => {
    out.push(fromLanes(Array.from({ length: 128 / bits }, (_, k) => xs[k % xs.length]), bits));
  };
  fill(8, [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x81n, 0x10n, 0x0fn]);
  fill(8, [0x80n]);
  fill(16, [0x8000n]);
  fill(16, [0n, 1n, 0x7fffn, 0x8000n, 0xffffn, 0x00ffn, 0x0100n, 0x7f80n]);
  fill(32, [0n, 0x0000ffffn, 0x00010000n, 0x80000000n, 0x7fffffffn, 0xffffffffn, 0xffff8000n, 0x00008000n]);
  fill(64, [0x7fffffffn, 0x80000000n, 0xffffffff80000000n, 0xffffffff7fffffffn, 0xffffffffn, 0x100000000n, 0x8000000000000000n, 0n]);
  // In-range swizzle indices and their mirror.
  out.push(Uint8Array.from({ length: 16 }, (_, k) => 15 - k));
  out.push(Uint8Array.from({ length: 16 }, (_, k) => (k * 7) % 20));
  let seed = 0x2545f491;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 16;
  };
  const special = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe];
  for (let k = 0; k < 10; k++) {
    out.push(Uint8Array.from({ length: 16 }, () => (next() % 3 === 0 ? special[next() % special.length] : next() & 0xff)));
  }
  return out;
}
const INPUTS = inputs();

// ---------------------------------------------------------------- cases

interface BinCase {
  clif: string;
  type: string;
  result?: string;
  targets: string[];
  ref: (a: Bytes, b: Bytes) => Bytes;
}

const SSE2 = 'x86_64';
const ALL = [SSE2, 'x86_64 has_ssse3', 'x86_64 has_sse41'];

const BINARY: BinCase[] = [
  { clif: 'imul', type: 'i32x4', targets: ALL, ref: lanewise(32, false, (x, y) => x * y) },
  { clif: 'smin', type: 'i8x16', targets: ALL, ref: lanewise(8, true, min) },
  { clif: 'smax', type: 'i8x16', targets: ALL, ref: lanewise(8, true, max) },
  { clif: 'umin', type: 'i16x8', targets: ALL, ref: lanewise(16, false, min) },
  { clif: 'umax', type: 'i16x8', targets: ALL, ref: lanewise(16, false, max) },
  { clif: 'smin', type: 'i32x4', targets: ALL, ref: lanewise(32, true, min) },
  { clif: 'smax', type: 'i32x4', targets: ALL, ref: lanewise(32, true, max) },
  { clif: 'umin', type: 'i32x4', targets: ALL, ref: lanewise(32, false, min) },
  { clif: 'umax', type: 'i32x4', targets: ALL, ref: lanewise(32, false, max) },
  {
    clif: 'iadd_pairwise', type: 'i8x16', targets: ALL,
    ref: (a, b) => {
      const x = [...lanes(a, 8, false), ...lanes(b, 8, false)];
      return fromLanes(Array.from({ length: 16 }, (_, k) => x[2 * k] + x[2 * k + 1]), 8);
    },
  },
  {
    clif: 'iadd_pairwise', type: 'i16x8', targets: ALL,
    ref: (a, b) => {
      const x = [...lanes(a, 16, true), ...lanes(b, 16, true)];
      return fromLanes(Array.from({ length: 8 }, (_, k) => x[2 * k] + x[2 * k + 1]), 16);
    },
  },
  {
    clif: 'swizzle', type: 'i8x16', targets: ALL,
    ref: (a, b) => Uint8Array.from(b, (i) => (i < 16 ? a[i] : 0)),
  },
  { clif: 'snarrow', type: 'i64x2', result: 'i32x4', targets: ALL, ref: narrowing(64, true, (x) => clamp(x, -(2n ** 31n), 2n ** 31n - 1n)) },
  { clif: 'unarrow', type: 'i64x2', result: 'i32x4', targets: ALL, ref: narrowing(64, true, (x) => clamp(x, 0n, 2n ** 32n - 1n)) },
  { clif: 'uunarrow', type: 'i64x2', result: 'i32x4', targets: ALL, ref: narrowing(64, false, (x) => min(x, 2n ** 32n - 1n)) },
  { clif: 'unarrow', type: 'i32x4', result: 'i16x8', targets: ALL, ref: narrowing(32, true, (x) => clamp(x, 0n, 0xffffn)) },
  { clif: 'uunarrow', type: 'i32x4', result: 'i16x8', targets: ALL, ref: narrowing(32, false, (x) => min(x, 0xffffn)) },
  { clif: 'uunarrow', type: 'i16x8', result: 'i8x16', targets: ALL, ref: narrowing(16, false, (x) => min(x, 0xffn)) },
  {
    clif: 'sqmul_round_sat', type: 'i16x8', targets: ALL,
    ref: lanewise(16, true, (x, y) => clamp((x * y + 0x4000n) >> 15n, -0x8000n, 0x7fffn)),
  },
];

const UNARY: BinCase[] = [
  { clif: 'iabs', type: 'i8x16', targets: ALL, ref: unary(8, true, (x) => (x < 0n ? -x : x)) },
  { clif: 'iabs', type: 'i16x8', targets: ALL, ref: unary(16, true, (x) => (x < 0n ? -x : x)) },
  { clif: 'iabs', type: 'i32x4', targets: ALL, ref: unary(32, true, (x) => (x < 0n ? -x : x)) },
  { clif: 'popcnt', type: 'i8x16', targets: ALL, ref: unary(8, false, popcount) },
];

/** Load-extends: the 8 bytes at the pointer. */
const LOADS: { clif: string; result: string; bits: number; signed: boolean }[] = [
  { clif: 'sload8x8', result: 'i16x8', bits: 8, signed: true },
  { clif: 'uload8x8', result: 'i16x8', bits: 8, signed: false },
  { clif: 'sload16x4', result: 'i32x4', bits: 16, signed: true },
  { clif: 'uload16x4', result: 'i32x4', bits: 16, signed: false },
  { clif: 'sload32x2', result: 'i64x2', bits: 32, signed: true },
  { clif: 'uload32x2', result: 'i64x2', bits: 32, signed: false },
];

// ---------------------------------------------------------------- harness

const PRELUDE = `#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <emmintrin.h>
static void p(__m128i v) { uint8_t b[16]; memcpy(b, &v, 16); for (int k = 0; k < 16; k++) printf("%02x", b[k]); printf("\\n"); }
static __m128i ld(const uint8_t *b) { __m128i v; memcpy(&v, b, 16); return v; }
`;
const cBytes = (vs: readonly Bytes[]): string => `{ ${vs.map((v) => `{ ${Array.from(v).join(', ')} }`).join(',\n  ')} }`;

/** Mnemonics newer than SSE2 (SSSE3, SSE4.1, SSE4.2). */
const BEYOND_SSE2 = /\b(pmulld|pmins[bd]|pmaxs[bd]|pminu[wd]|pmaxu[wd]|pabs[bwd]|pshufb|phadd[wd]|packusdw|pmulhrsw|pmov[sz]x\w+|round[ps][sd]|pinsr[bdq]|pextr[bdq]|pcmpeqq|pcmpgtq)\b/;

function compile(text: string, target: string): CompiledCode {
  const fn = parseClif(text, 'sse2.clif').functions[0].func;
  const code = buildIsa(target).compileFunction(fn, { wantListing: true });
  if (target === SSE2) expect(code.listing).not.toMatch(BEYOND_SSE2);
  return code;
}

/** Runs `name` (compiled from `text` for `target`) on every pair of inputs; returns output lines. */
function runBinary(text: string, target: string, arity: 1 | 2): string[] {
  const n = INPUTS.length;
  const call = arity === 2 ? 'f(ld(IN[i]), ld(IN[j]))' : 'f(ld(IN[i]))';
  const src = `${PRELUDE}${asmFunction('f', compile(text, target))}
__m128i f(${arity === 2 ? '__m128i, __m128i' : '__m128i'});
static const uint8_t IN[${n}][16] = ${cBytes(INPUTS)};
int main(void) {
  for (int i = 0; i < ${n}; i++) for (int j = 0; j < ${arity === 2 ? n : 1}; j++) p(${call});
  return 0;
}
`;
  return runC(src);
}

const suite = canRunNative() ? describe : describe.skip;

suite('x86-64 SIMD fallback sequences run natively (skipped off x86-64 Linux or without cc)', () => {
  for (const c of BINARY) {
    const res = c.result ?? c.type;
    const text = `function %f(${c.type}, ${c.type}) -> ${res} {
block0(v0: ${c.type}, v1: ${c.type}):
    v2 = ${c.clif} v0, v1
    return v2
}`;
    it(`${c.clif} ${c.type} matches the lane semantics on every target level`, () => {
      const want: string[] = [];
      for (const a of INPUTS) for (const b of INPUTS) want.push(hex(c.ref(a, b)));
      for (const target of c.targets) expect(runBinary(text, target, 2), `${c.clif}.${c.type} [${target}]`).toEqual(want);
    });
  }

  for (const c of UNARY) {
    const text = `function %f(${c.type}) -> ${c.type} {
block0(v0: ${c.type}):
    v1 = ${c.clif} v0
    return v1
}`;
    it(`${c.clif} ${c.type} matches the lane semantics on every target level`, () => {
      const want = INPUTS.map((a) => hex(c.ref(a, a)));
      for (const target of c.targets) expect(runBinary(text, target, 1), `${c.clif}.${c.type} [${target}]`).toEqual(want);
    });
  }

  it('load-extends 8 bytes from memory with pmovsx/pmovzx (SSE4.1) or movq and unpacking (SSE2)', () => {
    for (const target of [SSE2, 'x86_64 has_sse41', 'x86_64 has_avx']) {
      let src = PRELUDE;
      for (const [k, l] of LOADS.entries()) {
        const code = compile(`function %f(i64) -> ${l.result} {
block0(v0: i64):
    v1 = ${l.clif} v0+3
    return v1
}`, target);
        if (target !== SSE2) expect(code.listing).toMatch(/pmov[sz]x\w+ xmm0,QWORD PTR \[rdi\+0x3\]/);
        src += asmFunction(`f${k}`, code) + `__m128i f${k}(const uint8_t *);\n`;
      }
      src += `static const uint8_t IN[${INPUTS.length}][16] = ${cBytes(INPUTS)};
int main(void) {
  for (int i = 0; i < ${INPUTS.length}; i++) { ${LOADS.map((_, k) => `p(f${k}(IN[i]));`).join(' ')} }
  return 0;
}
`;
      const want: string[] = [];
      for (const a of INPUTS) {
        for (const l of LOADS) {
          const from = lanes(a.subarray(3, 11), l.bits, l.signed);
          want.push(hex(fromLanes(from, l.bits * 2)));
        }
      }
      expect(runC(src), target).toEqual(want);
    }
  });

  it('saturates f64x2 to i32x4 / u32x4 with zero upper lanes (the trunc_sat_f64x2_zero pattern) and to i64x2 / u64x2', () => {
    const doubles = [0, -0, 0.5, -0.5, 1.9, -1.9, 2147483647, 2147483647.9, 2147483648, -2147483648, -2147483649,
      4294967295, 4294967295.5, 4294967296, 1e300, -1e300, Infinity, -Infinity, NaN, 3e9, -3e9, 123456.75,
      2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 63 - 1024, 2 ** 64 - 2048, 1.5 * 2 ** 63, -1];
    const pairs: [number, number][] = [];
    for (let k = 0; k < doubles.length; k++) pairs.push([doubles[k], doubles[(k * 5 + 3) % doubles.length]]);
    const sat = (x: number, lo: number, hi: number): bigint => (Number.isNaN(x) ? 0n : BigInt(Math.trunc(Math.min(Math.max(x, lo), hi))));
    const sat64 = (x: number, signed: boolean): bigint => {
      if (Number.isNaN(x)) return 0n;
      const [lo, hi] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      if (!Number.isFinite(x)) return x > 0 ? hi : lo;
      return clamp(BigInt(Math.trunc(x)), lo, hi);
    };
    for (const target of [SSE2, 'x86_64 has_sse41', 'x86_64 has_avx']) {
      let src = PRELUDE;
      for (const [k, [conv, narrow]] of [['fcvt_to_sint_sat', 'snarrow'], ['fcvt_to_uint_sat', 'uunarrow']].entries()) {
        src += asmFunction(`f${k}`, compile(`function %f(f64x2) -> i32x4 {
block0(v0: f64x2):
    v1 = ${conv}.i64x2 v0
    v2 = vconst.i64x2 0x00
    v3 = ${narrow} v1, v2
    return v3
}`, target)) + `__m128i f${k}(__m128d);\n`;
      }
      for (const [k, conv] of ['fcvt_to_sint_sat', 'fcvt_to_uint_sat'].entries()) {
        src += asmFunction(`g${k}`, compile(`function %g(f64x2) -> i64x2 {
block0(v0: f64x2):
    v1 = ${conv}.i64x2 v0
    return v1
}`, target)) + `__m128i g${k}(__m128d);\n`;
      }
      src += `static const double IN[${pairs.length}][2] = { ${pairs.map(([a, b]) => `{ ${cDouble(a)}, ${cDouble(b)} }`).join(', ')} };
int main(void) {
  for (int i = 0; i < ${pairs.length}; i++) { __m128d v = _mm_loadu_pd(IN[i]); p(f0(v)); p(f1(v)); p(g0(v)); p(g1(v)); }
  return 0;
}
`;
      const want: string[] = [];
      for (const [a, b] of pairs) {
        want.push(hex(fromLanes([sat(a, -2147483648, 2147483647), sat(b, -2147483648, 2147483647), 0n, 0n], 32)));
        want.push(hex(fromLanes([sat(a, 0, 4294967295), sat(b, 0, 4294967295), 0n, 0n], 32)));
        want.push(hex(fromLanes([sat64(a, true), sat64(b, true)], 64)));
        want.push(hex(fromLanes([sat64(a, false), sat64(b, false)], 64)));
      }
      expect(runC(src), target).toEqual(want);
    }
  });

  it('loads, stores and bitcasts 16-, 32- and 64-bit vectors in the low bytes of an xmm register', () => {
    const cases = [['i8x2', 'i16', 2], ['i16x2', 'i32', 4], ['i8x4', 'i32', 4], ['i32x2', 'i64', 8], ['f32x2', 'i64', 8]] as const;
    let src = PRELUDE;
    for (const [k, [vt, it]] of cases.entries()) {
      // Copies the vector at p to p + 16 and returns its bits as an integer.
      src += asmFunction(`f${k}`, compile(`function %f(i64) -> ${it} {
block0(v0: i64):
    v1 = load.${vt} v0
    store.${vt} v1, v0+16
    v2 = bitcast.${it} little v1
    return v2
}`, SSE2)) + `uint64_t f${k}(uint8_t *);\n`;
      src += asmFunction(`g${k}`, compile(`function %g(${it}, i64) {
block0(v0: ${it}, v1: i64):
    v2 = bitcast.${vt} little v0
    store.${vt} v2, v1
    return
}`, SSE2)) + `void g${k}(uint64_t, uint8_t *);\n`;
    }
    src += `int main(void) {
  uint8_t buf[32];
${cases.map((_, k) => `  memset(buf, 0xee, 32); for (int j = 0; j < 16; j++) buf[j] = 0x11 * (j + 1);
  { uint64_t r = f${k}(buf); printf("%llx ", (unsigned long long)r); for (int j = 16; j < 32; j++) printf("%02x", buf[j]); printf("\\n"); }
  memset(buf, 0xee, 32); g${k}(0x8877665544332211ull, buf); for (int j = 0; j < 10; j++) printf("%02x", buf[j]); printf("\\n");`).join('\n')}
  return 0;
}
`;
    const want: string[] = [];
    const src16 = Uint8Array.from({ length: 16 }, (_, j) => (0x11 * (j + 1)) & 0xff);
    for (const [, , n] of cases) {
      const stored = new Uint8Array(16).fill(0xee);
      stored.set(src16.subarray(0, n));
      const bits = lanes(src16.subarray(0, 8), n * 8, false)[0];
      // The integer result is the low n bytes (a narrower integer's upper register bits are unspecified).
      want.push(`${bits.toString(16)} ${hex(stored)}`);
      const g = new Uint8Array(10).fill(0xee);
      g.set(Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]).subarray(0, n));
      want.push(hex(g));
    }
    const got = runC(src).map((line, k) => {
      if (k % 2 !== 0) return line;
      const [r, rest] = line.split(' ');
      const n = cases[k >> 1][2];
      return `${(BigInt(`0x${r}`) & ((1n << BigInt(8 * n)) - 1n)).toString(16)} ${rest}`;
    });
    expect(got).toEqual(want);
  });

  it('returns vectors through the return area (more than two xmm results)', () => {
    // Layout: i8x16 at 0, i64x2 at 16, f32x4 at 32 (16-byte slots), i32x2 at 48 (an 8-byte slot).
    const code = compile(`function %f(i8x16, i64x2, i64) -> i8x16, i64x2, f32x4, i32x2 {
block0(v0: i8x16, v1: i64x2, v2: i64):
    v3 = iadd v0, v0
    v4 = bitcast.f32x4 little v1
    v5 = load.i32x2 v2
    return v3, v1, v4, v5
}`, SSE2);
    expect(code.listing).toMatch(/movdqu XMMWORD PTR \[r\w+\+0x20\],xmm/);
    const src = `${PRELUDE}${asmFunction('f', code)}
void f(uint8_t *area, __m128i a, __m128i b, const uint8_t *p);
int main(void) {
  _Alignas(16) uint8_t area[64];
  static const uint8_t eight[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  memset(area, 0xee, 64);
  f(area, _mm_set1_epi8(3), _mm_set_epi64x(0x0102030405060708ll, 0x1112131415161718ll), eight);
  for (int k = 0; k < 64; k++) printf("%02x", area[k]);
  printf("\\n");
  return 0;
}
`;
    const b = '1817161514131211' + '0807060504030201';
    expect(runC(src)).toEqual(['06'.repeat(16) + b + b + '0102030405060708' + 'ee'.repeat(8)]);
  });
});

function cDouble(x: number): string {
  if (Number.isNaN(x)) return '__builtin_nan("")';
  if (x === Infinity) return '__builtin_inf()';
  if (x === -Infinity) return '-__builtin_inf()';
  return Object.is(x, -0) ? '-0.0' : x.toPrecision(17);
}
