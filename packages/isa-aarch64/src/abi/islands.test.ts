/// <reference types="node" />
// MachBuffer islands on AArch64, in functions of more than 2 MiB of code: `tbnz` (±32 KiB),
// `b.cond` and `cbnz` (±1 MiB) to targets far out of reach, forward and backward, go through
// veneers; f64 constants loaded with `ldr` (literal, ±1 MiB) are placed in islands within reach.
// The code runs under qemu and its results are checked against a direct computation.
import { describe, expect, it } from 'vitest';
import { HAVE_QEMU, compileClif, linkAndRun } from '../test-support/qemu';

/** A straight-line stretch: `pairs` additions of distinct 64-bit constants (5 instructions each), some f64 ones. */
function stretch(out: string[], next: () => number, acc: string, facc: string | null, pairs: number, seed: number, sums: { i: bigint; f: number }): [string, string | null] {
  let a = acc;
  let fa = facc;
  for (let k = 0; k < pairs; k++) {
    const c = BigInt.asUintN(64, 0x1234_5678_9abc_def1n * BigInt(seed + k + 1));
    const kc = next();
    const s = next();
    out.push(`    v${kc} = iconst.i64 0x${c.toString(16)}`, `    v${s} = iadd ${a}, v${kc}`);
    a = `v${s}`;
    sums.i = BigInt.asUintN(64, sums.i + c);
    if (fa !== null && k % 64 === 0) {
      // 1 + k/2^20 (not an fmov immediate: loaded from the constant pool).
      const fv = 1 + (seed + k) / 2 ** 20;
      const fc = next();
      const fs = next();
      out.push(`    v${fc} = f64const ${hexFloat(fv)}`, `    v${fs} = fadd ${fa}, v${fc}`);
      fa = `v${fs}`;
      sums.f += fv;
    }
  }
  return [a, fa];
}

function hexFloat(x: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const bits = b.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn) - 1023;
  const frac = (bits & ((1n << 52n) - 1n)).toString(16).padStart(13, '0');
  return `0x1.${frac}p${exp}`;
}

/**
 * %far(x, a, f) -> (i64, f64 bits):
 *   x odd:  tbnz x, #0 to block4, placed after everything (> 2 MiB away)
 *   x == 2: after the first stretch, b.eq to block5, also at the end (> 1 MiB away)
 *   else:   both stretches
 * The far blocks have one predecessor each: the short branches target them directly.
 * %loop(n, a) -> i64: a loop whose body is > 1 MiB (its back edge is threaded to the header).
 */
function program(pairs: number): { clif: string; first: { i: bigint; f: number }; second: { i: bigint; f: number }; loopSum: bigint } {
  let n = 100;
  const next = (): number => n++;
  // The fast allocator keeps this test quick; its spills only add to the code size.
  const out: string[] = [
    'set regalloc_algorithm=single_pass',
    'function %far(i64, i64, f64) -> i64, i64 {',
    'block0(v0: i64, v1: i64, v2: f64):',
    '    v3 = band_imm v0, 1',
    '    brif v3, block4, block1',
    'block1:',
  ];
  const first = { i: 0n, f: 0 };
  const second = { i: 0n, f: 0 };
  const [a1, f1] = stretch(out, next, 'v1', 'v2', pairs, 0, first) as [string, string];
  out.push('    v4 = icmp_imm eq v0, 2', '    brif v4, block5, block2', 'block2:');
  const [a2, f2] = stretch(out, next, a1, f1, pairs, 1_000_000, second) as [string, string];
  out.push('    v7 = bitcast.i64 ' + f2, `    return ${a2}, v7`);
  out.push('block4:', '    v8 = bitcast.i64 v2', '    return v1, v8');
  out.push('block5:', `    v9 = bitcast.i64 ${f1}`, `    return ${a1}, v9`, '}', '');
  out.push('function %loop(i64, i64) -> i64 {', 'block0(v0: i64, v1: i64):', '    jump block1(v0, v1)', 'block1(v2: i64, v3: i64):');
  const loop = { i: 0n, f: 0 };
  const [a3] = stretch(out, next, 'v3', null, pairs, 2_000_000, loop);
  out.push('    v4 = iadd_imm v2, -1', `    brif v4, block1(v4, ${a3}), block2`, 'block2:', `    return ${a3}`, '}');
  return { clif: out.join('\n'), first, second, loopSum: loop.i };
}

const DRIVER = (cases: string) => `
#include <stdio.h>
#include <stdint.h>
struct r { uint64_t i, f; };
extern struct r far_fn(uint64_t, uint64_t, double) __asm__("far");
extern uint64_t loop_fn(uint64_t, uint64_t) __asm__("loop");
int main(void) {
${cases}
  return 0;
}
`;

describe.skipIf(!HAVE_QEMU)('islands and veneers in functions over 2 MiB, under qemu (needs aarch64-linux-gnu-gcc and qemu-aarch64)', () => {
  it('reaches far targets through veneers and keeps constants within ldr-literal range', () => {
    // 32,000 constant additions (movz/movk x4, add, with spills): over 1 MiB per stretch.
    const pairs = 32_000;
    const { clif, first, second, loopSum } = program(pairs);
    const { object, codes } = compileClif(clif, 'aarch64', {}, false);
    // Each stretch alone is beyond b.cond/cbz reach; the whole function beyond 2 MiB.
    expect(codes.get('far')!.bytes.length).toBeGreaterThan(2 * 1024 * 1024 + 64 * 1024);
    expect(codes.get('loop')!.bytes.length).toBeGreaterThan(1024 * 1024 + 32 * 1024);
    // The tbnz at the top and the b.eq after the first stretch reach their targets (past the
    // end) through veneers: a `b` within their reach.
    const code = codes.get('far')!.bytes;
    const word = (at: number): number => new DataView(code.buffer, code.byteOffset).getUint32(at, true);
    const viaVeneer = (mask: number, match: number, field: (w: number) => number, reach: number): void => {
      let at = 0;
      while (((word(at) & mask) >>> 0) !== match) at += 4;
      const veneer = at + field(word(at));
      expect(Math.abs(veneer - at)).toBeLessThan(reach);
      expect((word(veneer) & 0xfc000000) >>> 0).toBe(0x14000000);
      const target = veneer + ((word(veneer) << 6) >> 4);
      expect(target - at).toBeGreaterThan(reach);
    };
    viaVeneer(0x7f000000, 0x37000000, (w) => ((w >>> 5) & 0x3fff) << 18 >> 16, 32 * 1024);
    viaVeneer(0xff00001f, 0x54000000, (w) => ((w >>> 5) & 0x7ffff) << 13 >> 11, 1024 * 1024);
    const cases = [
      'struct r a = far_fn(1, 7, 0.5); printf("%llx %llx\\n", (unsigned long long)a.i, (unsigned long long)a.f);',
      'struct r b = far_fn(2, 7, 0.5); printf("%llx %llx\\n", (unsigned long long)b.i, (unsigned long long)b.f);',
      'struct r c = far_fn(4, 7, 0.5); printf("%llx %llx\\n", (unsigned long long)c.i, (unsigned long long)c.f);',
      'printf("%llx\\n", (unsigned long long)loop_fn(3, 5));',
    ].join('\n');
    const r = linkAndRun([object], { 'driver.c': DRIVER(cases) });
    expect(r.link.stderr).toBe('');
    expect(r.stderr).toBe('');
    const hexOf = (x: bigint): string => BigInt.asUintN(64, x).toString(16);
    const fmt = (x: number): string => {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, x);
      return b.getBigUint64(0).toString(16);
    };
    // The f64 sums are computed by the generated code in the same order: the same rounding.
    let f1 = 0.5;
    let f2: number;
    {
      let k = 0;
      for (; k < pairs; k += 64) f1 += 1 + k / 2 ** 20;
      f2 = f1;
      for (let j = 0; j < pairs; j += 64) f2 += 1 + (1_000_000 + j) / 2 ** 20;
    }
    expect(r.stdout.trim().split('\n')).toEqual([
      `${hexOf(7n)} ${fmt(0.5)}`,
      `${hexOf(7n + first.i)} ${fmt(f1)}`,
      `${hexOf(7n + first.i + second.i)} ${fmt(f2)}`,
      hexOf(5n + 3n * loopSum),
    ]);
  }, 120_000);
});
