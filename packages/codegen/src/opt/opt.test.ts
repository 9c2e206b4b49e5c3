// The mid-end, by example: each test optimizes a small function, checks the shape of the
// result, checks that it verifies, and runs the function before and after on the
// interpreter over edge values (0, 1, -1, min, max, random) comparing every result. A random
// program generator then does the same for a few hundred generated functions per type.

import { describe, expect, it } from 'vitest';
import { type Function, type Type, parseFunction, printFunction, verifyFunction, bits, isFloat, isVector } from '@windlass/ir';
import { interpret, parseValue, valuesEqual, formatValue, type Value } from '@windlass/interpreter';
import { optimize, type OptimizeOptions, type OptimizeStats } from './index';

// ------------------------------------------------------------------ helpers

/** A small deterministic PRNG (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Literals of the interesting values of an integer type of `w` bits. */
function edgeLiterals(w: number, rand: () => number): string[] {
  const min = 1n << BigInt(w - 1);
  const randBits = () => BigInt.asUintN(w, (BigInt(rand()) << 32n) | BigInt(rand()));
  return ['0', '1', '-1', `0x${min.toString(16)}`, `0x${(min - 1n).toString(16)}`, '2', '7', `0x${randBits().toString(16)}`, `0x${randBits().toString(16)}`];
}

/** Every combination of edge values for the parameters (capped), plus random ones. */
function inputsFor(f: Function, rand: () => number, max = 64): Value[][] {
  const literals = (t: Type): string[] => {
    if (isVector(t)) return ['[0 0]', '[1 -1]', '[0x8000000000000000 7]'];
    if (isFloat(t)) return ['0.0', '-0.0', '1.5', '+Inf', 'NaN'];
    return edgeLiterals(bits(t), rand);
  };
  const lists = f.signature.params.map((p) => literals(p.type).map((t) => parseValue(t, p.type)));
  const out: Value[][] = [];
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total <= max) {
    for (let k = 0; k < total; k++) {
      let r = k;
      out.push(lists.map((l) => { const v = l[r % l.length]; r = Math.floor(r / l.length); return v; }));
    }
  } else {
    for (let k = 0; k < max; k++) out.push(lists.map((l) => l[rand() % l.length]));
  }
  return out;
}

function show(f: Function, args: Value[]): string {
  return args.map((a, k) => formatValue(a, f.signature.params[k].type)).join(', ');
}

/** Optimizes a clone of `f`, checks it verifies and computes what `f` computes on `inputs`. */
function checkSame(f: Function, inputs: Value[][], opts?: OptimizeOptions): { g: Function; stats: OptimizeStats } {
  const g = f.clone();
  const stats = optimize(g, opts);
  const errors = verifyFunction(g);
  if (errors.length > 0) throw new Error(`does not verify after optimize: ${errors[0].message}\n${printFunction(g)}\nfrom\n${printFunction(f)}`);
  for (const args of inputs) {
    const want = interpret(f, args);
    const got = interpret(g, args);
    const same = want.kind === got.kind && (want.kind !== 'return' || (got.kind === 'return' && want.values.every((v, k) => valuesEqual(v, got.values[k]))));
    if (!same) {
      throw new Error(`different results for (${show(f, args)}): ${JSON.stringify(want, big)} vs ${JSON.stringify(got, big)}\n${printFunction(g)}\nfrom\n${printFunction(f)}`);
    }
  }
  return { g, stats };
}

const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v);

/** Parse, optimize (checking results on edge values), return the optimized text. */
function opt(text: string, opts?: OptimizeOptions): { text: string; stats: OptimizeStats } {
  const f = parseFunction(text);
  const { g, stats } = checkSame(f, inputsFor(f, rng(7)), opts);
  return { text: printFunction(g), stats };
}

/** The instruction lines of a printed function (no aliases, labels or comments). */
function body(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/;.*$/, '').trim()).filter((l) => /^(v\d+(, v\d+)* = |return|jump|brif|br_table|store|trap)/.test(l) && !l.includes(' -> '));
}

// ------------------------------------------------------------------ constant folding

describe('constant folding', () => {
  for (const t of ['i8', 'i16', 'i32', 'i64']) {
    it(`folds arithmetic on ${t} constants with wraparound`, () => {
      const { text } = opt(`
function %f() -> ${t}, ${t}, ${t}, ${t}, ${t}, ${t}, i8, ${t} {
block0:
    v0 = iconst.${t} -1
    v1 = iconst.${t} 3
    v2 = iadd v0, v1
    v3 = imul v0, v0
    v4 = isub v1, v0
    v5 = ishl v0, v1
    v6 = sshr v0, v1
    v7 = rotl v1, v1
    v8 = icmp ult v1, v0
    v9 = ineg v1
    return v2, v3, v4, v5, v6, v7, v8, v9
}`);
      expect(body(text).filter((l) => !l.startsWith('return') && !l.includes('iconst'))).toEqual([]);
    });
  }

  it('folds i8 results modulo 2^8 and reads i8 constants as signed for signed operations', () => {
    const { text } = opt(`
function %f() -> i8, i8, i8, i8 {
block0:
    v0 = iconst.i8 200
    v1 = iconst.i8 100
    v2 = iadd v0, v1
    v3 = smin v0, v1
    v4 = umin v0, v1
    v5 = icmp slt v0, v1
    return v2, v3, v4, v5
}`);
    // 200 + 100 = 44 (mod 256); smin picks 200 (-56 signed), umin picks 100; -56 < 100 signed.
    expect(text).toContain('v2 = iconst.i8 44');
    expect(text).toContain('v0 = iconst.i8 -56');
    expect(text).toContain('v5 = iconst.i8 1');
    expect(body(text).at(-1)).toBe('return v2, v0, v1, v5');
  });

  it('folds extensions, reductions, bit counts and byte swaps', () => {
    const { text } = opt(`
function %f() -> i64, i64, i16, i32, i32, i32, i32 {
block0:
    v0 = iconst.i32 0x8000_00f0
    v1 = uextend.i64 v0
    v2 = sextend.i64 v0
    v3 = ireduce.i16 v0
    v4 = clz v0
    v5 = ctz v0
    v6 = popcnt v0
    v7 = bswap v0
    return v1, v2, v3, v4, v5, v6, v7
}`);
    expect(body(text).filter((l) => !l.startsWith('return') && !l.includes('iconst'))).toEqual([]);
  });

  it('never folds what may trap: division by zero stays', () => {
    const { text } = opt(`
function %f() -> i32 {
block0:
    v0 = iconst.i32 7
    v1 = iconst.i32 0
    v2 = udiv v0, v1
    return v2
}`);
    expect(text).toContain('udiv');
  });

  it('leaves floats alone', () => {
    const { text } = opt(`
function %f() -> f64 {
block0:
    v0 = f64const 0x1.0p0
    v1 = f64const 0x0.0
    v2 = fadd v0, v1
    return v2
}`);
    expect(text).toContain('fadd');
  });
});

// ------------------------------------------------------------------ algebraic identities

describe('algebraic simplification', () => {
  it('removes identities: x+0, x*1, x&-1, x|0, x^0, x<<0, x-x, x^x, x&x', () => {
    const { text } = opt(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = iconst.i32 1
    v3 = iconst.i32 -1
    v4 = iadd v0, v1
    v5 = imul v4, v2
    v6 = band v5, v3
    v7 = bor v1, v6
    v8 = bxor v7, v1
    v9 = ishl v8, v1
    v10 = isub v9, v0
    v11 = bxor v9, v0
    v12 = band v9, v9
    v13 = iadd v10, v12
    v14 = iadd v13, v11
    return v14
}`);
    expect(body(text)).toEqual(['return v0']);
  });

  it('turns multiplication by a power of two into a shift', () => {
    const { text } = opt(`
function %f(i64, i64) -> i64, i64 {
block0(v0: i64, v1: i64):
    v2 = iconst.i64 8
    v3 = imul v2, v0
    v4 = imul_imm v1, 16
    return v3, v4
}`);
    expect(text).toMatch(/ishl v0, v\d+/);
    expect(text).toContain('ishl_imm v1, 4');
    expect(text).not.toContain('imul');
  });

  it('folds x*0, x&0 and x|-1 to constants', () => {
    const { text } = opt(`
function %f(i16) -> i16, i16, i16 {
block0(v0: i16):
    v1 = iconst.i16 0
    v2 = iconst.i16 -1
    v3 = imul v0, v1
    v4 = band v1, v0
    v5 = bor v0, v2
    return v3, v4, v5
}`);
    expect(body(text).filter((l) => !l.includes('iconst'))).toEqual(['return v1, v1, v2']);
  });

  it('removes double negation and double complement', () => {
    const { text } = opt(`
function %f(i32) -> i32, i32 {
block0(v0: i32):
    v1 = ineg v0
    v2 = ineg v1
    v3 = bnot v0
    v4 = bnot v3
    return v2, v4
}`);
    expect(body(text)).toEqual(['return v0, v0']);
  });

  it('decides icmp of a value with itself and select on a constant', () => {
    const { text } = opt(`
function %f(i64, i64) -> i8, i8, i64, i64 {
block0(v0: i64, v1: i64):
    v2 = icmp eq v0, v0
    v3 = icmp ult v0, v0
    v4 = select v2, v0, v1
    v5 = select v3, v0, v1
    return v2, v3, v4, v5
}`);
    expect(text).not.toContain('icmp');
    expect(text).not.toContain('select');
    expect(body(text).at(-1)).toBe('return v2, v3, v0, v1');
  });

  it('folds negations into additions and subtractions', () => {
    const { text } = opt(`
function %f(i32, i32) -> i32, i32, i32, i32, i32, i32 {
block0(v0: i32, v1: i32):
    v2 = ineg v1
    v3 = iadd v0, v2
    v4 = ineg v0
    v5 = iadd v4, v1
    v6 = isub v0, v2
    v7 = isub v0, v1
    v8 = ineg v7
    v9 = imul v4, v2
    v10 = iabs v4
    return v3, v5, v6, v8, v9, v10
}`);
    expect(body(text)).toEqual([
      'v3 = isub v0, v1', 'v5 = isub v1, v0', 'v6 = iadd v0, v1', 'v9 = imul v0, v1', 'v10 = iabs v0',
      'return v3, v5, v6, v5, v9, v10',
    ]);
  });

  it('puts icmp constants on the right and merges nested extensions', () => {
    const { text } = opt(`
function %f(i8, i32) -> i8, i8, i64, i64 {
block0(v0: i8, v1: i32):
    v2 = iconst.i32 5
    v3 = icmp ugt v2, v1
    v4 = iconst.i32 0
    v5 = icmp ult v1, v4
    v6 = uextend.i32 v0
    v7 = sextend.i64 v6
    v8 = uextend.i64 v6
    return v3, v5, v7, v8
}`);
    expect(text).toMatch(/v3 = icmp ult v1, v2/);
    expect(text).toContain('v5 = iconst.i8 0');
    expect(text).toContain('v7 = uextend.i64 v0');
    expect(text).not.toContain('sextend');
  });

  it('narrows arithmetic on extended values back to the narrow type', () => {
    const { text } = opt(`
function %f(i16, i16, i64, i64) -> i16, i16, i64 {
block0(v0: i16, v1: i16, v2: i64, v3: i64):
    v4 = sextend.i32 v0
    v5 = uextend.i32 v1
    v6 = iadd v4, v5
    v7 = ireduce.i16 v6
    v8 = imul v4, v5
    v9 = ireduce.i16 v8
    v10 = uextend.i128 v2
    v11 = uextend.i128 v3
    v12 = bxor v10, v11
    v13 = ireduce.i64 v12
    return v7, v9, v13
}`);
    expect(body(text)).toEqual(['v7 = iadd v0, v1', 'v9 = imul v0, v1', 'v13 = bxor v2, v3', 'return v7, v9, v13']);
  });

  it('cancels a common operand in equality comparisons and complements', () => {
    const { text } = opt(`
function %f(i32, i32, i32) -> i8, i8, i8, i32, i32, i32 {
block0(v0: i32, v1: i32, v2: i32):
    v3 = iadd v0, v2
    v4 = iadd v2, v1
    v5 = icmp eq v3, v4
    v6 = isub v2, v0
    v7 = isub v2, v1
    v8 = icmp ne v6, v7
    v9 = bxor v0, v2
    v10 = bxor v1, v2
    v11 = icmp eq v9, v10
    v12 = bnot v0
    v13 = band v0, v12
    v14 = bor v12, v0
    v15 = bxor v0, v12
    return v5, v8, v11, v13, v14, v15
}`);
    // The two `eq` comparisons become one (value numbering).
    expect(text.match(/icmp (eq|ne) v0, v1/g)).toEqual(['icmp eq v0, v1', 'icmp ne v0, v1']);
    expect(text).not.toMatch(/iadd|isub|bxor|band|bor|bnot/);
    expect(body(text).at(-1)).toMatch(/^return v5, v8, v5, v\d+, v\d+, v\d+$/);
  });

  it('removes double fneg and fneg under fabs (exact sign-bit operations)', () => {
    const { text } = opt(`
function %f(f32, f64) -> f32, f64 {
block0(v0: f32, v1: f64):
    v2 = fneg v0
    v3 = fneg v2
    v4 = fneg v1
    v5 = fabs v4
    v6 = fabs v5
    return v3, v6
}`);
    expect(body(text)).toEqual(['v5 = fabs v1', 'return v0, v5']);
  });

  it('combines constants of chains of the same associative operation', () => {
    const { text } = opt(`
function %f(i32) -> i32, i32, i32 {
block0(v0: i32):
    v1 = iconst.i32 0xff00
    v2 = band v0, v1
    v3 = iconst.i32 0x0ff0
    v4 = band v3, v2
    v5 = iconst.i32 -9
    v6 = smin v0, v3
    v7 = smin v6, v5
    v8 = imul v0, v3
    v9 = imul v8, v5
    return v4, v7, v9
}`);
    expect(text).toContain('iconst.i32 3840'); // 0xff00 & 0x0ff0 = 0x0f00
    expect(body(text).filter((l) => !l.includes('iconst')).map((l) => l.replace(/v\d+ = (\w+) v0, v\d+/, '$1'))).toEqual(['band', 'smin', 'imul', 'return v4, v7, v9']);
  });

  it('reads select (icmp), 1, 0 as the comparison', () => {
    const { text } = opt(`
function %f(i32, i32) -> i8 {
block0(v0: i32, v1: i32):
    v2 = icmp ule v0, v1
    v3 = iconst.i8 1
    v4 = iconst.i8 0
    v5 = select v2, v3, v4
    return v5
}`);
    expect(body(text)).toEqual(['v2 = icmp ule v0, v1', 'return v2']);
  });

  it('combines chains of constant additions', () => {
    const { text } = opt(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 5
    v2 = iadd_imm v1, 10
    v3 = iconst.i32 -15
    v4 = iadd v2, v3
    return v4
}`);
    expect(body(text)).toEqual(['return v0']);
  });

  it('drops ireduce of an extension back to the original type', () => {
    const { text } = opt(`
function %f(i8) -> i8 {
block0(v0: i8):
    v1 = sextend.i64 v0
    v2 = ireduce.i8 v1
    return v2
}`);
    expect(body(text)).toEqual(['return v0']);
  });
});

// ------------------------------------------------------------------ GVN and DCE

describe('global value numbering and dead code', () => {
  it('merges identical pure instructions in dominating blocks, commuted operands included', () => {
    const { text, stats } = opt(`
function %f(i32, i32, i8) -> i32 {
block0(v0: i32, v1: i32, v2: i8):
    v3 = iadd v0, v1
    brif v2, block1, block2
block1:
    v4 = iadd v1, v0
    v5 = imul v4, v3
    return v5
block2:
    v6 = iadd v0, v1
    v7 = imul v6, v6
    return v7
}`);
    expect(stats.gvn).toBe(2);
    expect(text.match(/iadd/g)).toHaveLength(1);
  });

  it('does not merge across sibling blocks (no dominance)', () => {
    const { text } = opt(`
function %f(i32, i32, i8) -> i32 {
block0(v0: i32, v1: i32, v2: i8):
    brif v2, block1, block2
block1:
    v3 = imul v0, v1
    jump block3(v3)
block2:
    v4 = imul v0, v1
    jump block3(v4)
block3(v5: i32):
    return v5
}`);
    expect(text.match(/imul/g)).toHaveLength(2);
  });

  it('never merges loads, calls or trapping instructions', () => {
    const { text } = opt(`
function %f(i64, i32) -> i32 {
    ss0 = explicit_slot 8
block0(v0: i64, v1: i32):
    stack_store v1, ss0
    v2 = stack_load.i32 ss0
    stack_store v2, ss0
    v3 = stack_load.i32 ss0
    v4 = iconst.i32 3
    v5 = udiv v3, v4
    v6 = udiv v3, v4
    v7 = iadd v5, v6
    return v7
}`);
    expect(text.match(/stack_load/g)).toHaveLength(2);
    expect(text.match(/udiv/g)).toHaveLength(2);
  });

  it('removes pure instructions nobody uses, keeps stores and traps', () => {
    const { text, stats } = opt(`
function %f(i32) -> i32 {
    ss0 = explicit_slot 4
block0(v0: i32):
    v1 = imul v0, v0
    v2 = iadd v1, v0
    stack_store v0, ss0
    v3 = iconst.i32 1
    v4 = udiv v0, v3
    return v0
}`);
    expect(stats.deadRemoved).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('imul');
    expect(text).toContain('stack_store');
    expect(text).toContain('udiv');
  });
});

// ------------------------------------------------------------------ branches

describe('branch folding', () => {
  it('turns brif on a constant into a jump and removes the dead block', () => {
    const { text, stats } = opt(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 5
    v2 = icmp_imm sgt v1, 3
    brif v2, block1(v0), block2
block1(v3: i32):
    v4 = iadd_imm v3, 1
    return v4
block2:
    v5 = iconst.i32 0
    return v5
}`);
    expect(stats.branchesFolded).toBe(1);
    expect(stats.blocksRemoved).toBe(1);
    expect(text).not.toContain('brif');
    expect(text).not.toContain('block2');
    // block1's parameter is v0 now (one predecessor).
    expect(text).toMatch(/iadd_imm(\.i32)? v0, 1/);
  });

  it('folds br_table on a constant index', () => {
    const { text } = opt(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    br_table v1, block3, [block1, block2]
block1:
    return v0
block2:
    v2 = iadd_imm v0, 2
    return v2
block3:
    v3 = iconst.i32 9
    return v3
}`);
    expect(text).not.toContain('br_table');
    expect(body(text).filter((l) => !l.startsWith('jump')).map((l) => l.replace('.i32', ''))).toEqual(['v2 = iadd_imm v0, 2', 'return v2']);
  });

  it('propagates constants through block parameters after folding', () => {
    const { text } = opt(`
function %f(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 0
    v2 = iconst.i64 4
    brif v1, block1(v0), block1(v2)
block1(v3: i64):
    v4 = iconst.i64 4
    v5 = isub v3, v4
    v6 = iadd v0, v5
    return v6
}`);
    expect(body(text).filter((l) => !l.startsWith('jump'))).toEqual(['return v0']);
  });
});

// ------------------------------------------------------------------ LICM

describe('loop-invariant code motion', () => {
  it('hoists invariant arithmetic into a new preheader', () => {
    const text = `
function %f(i32, i32, i32) -> i32 {
block0(v0: i32, v1: i32, v2: i32):
    v3 = iconst.i32 0
    brif v2, block1(v3, v3), block2(v3)
block1(v4: i32, v5: i32):
    v6 = imul v0, v1
    v7 = iadd_imm v6, 3
    v8 = iadd v5, v7
    v9 = iadd_imm v4, 1
    v10 = icmp_imm ult v9, 10
    brif v10, block1(v9, v8), block2(v8)
block2(v11: i32):
    return v11
}`;
    const f = parseFunction(text);
    const { g, stats } = checkSame(f, inputsFor(f, rng(3)));
    expect(stats.hoisted).toBe(2);
    const out = printFunction(g);
    // The loop header no longer computes v6/v7.
    const loop = out.slice(out.indexOf('block1('));
    expect(loop.slice(0, loop.indexOf('block2('))).not.toContain('imul');
  });
});

// ------------------------------------------------------------------ the README example

describe('README example', () => {
  it('optimizes a clone as the README shows', () => {
    const f = parseFunction(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 8
    v2 = imul v0, v1
    v3 = iconst.i32 0
    brif v3, block1, block2
block1:
    return v3
block2:
    return v2
}`);
    const g = f.clone();
    const stats = optimize(g);
    expect(stats).toMatchObject({ instsBefore: 6, instsAfter: 4, branchesFolded: 1, blocksRemoved: 1, deadRemoved: 2 });
    expect(body(printFunction(g))).toEqual(['v4 = iconst.i32 3', 'v2 = ishl v0, v4', 'jump block2', 'return v2']);
    checkSame(f, inputsFor(f, rng(1)));
  });
});

// ------------------------------------------------------------------ the caller's function

describe('optimize', () => {
  it('works in place; clone first to keep the original', () => {
    const f = parseFunction(`
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 0
    return v1
}`);
    const before = printFunction(f);
    const g = f.clone();
    const stats = optimize(g);
    expect(printFunction(f)).toBe(before);
    expect(stats.instsBefore).toBe(2);
    expect(stats.instsAfter).toBe(1);
  });

  it('leaves vectors, i128 and floats to the other passes and keeps them working', () => {
    opt(`
function %f(i64x2, i128, f32) -> i64x2, i128, f32 {
block0(v0: i64x2, v1: i128, v2: f32):
    v3 = iadd v0, v0
    v4 = iadd v0, v0
    v5 = isub v3, v4
    v6 = iconst.i64 0
    v7 = uextend.i128 v6
    v8 = iadd v1, v7
    v9 = fadd v2, v2
    return v5, v8, v9
}`);
  });
});

// ------------------------------------------------------------------ random differential testing

const BIN = ['iadd', 'isub', 'imul', 'band', 'bor', 'bxor', 'band_not', 'bor_not', 'bxor_not', 'ishl', 'ushr', 'sshr', 'rotl', 'rotr', 'smin', 'smax', 'umin', 'umax', 'umulhi', 'smulhi'];
const UN = ['ineg', 'bnot', 'iabs', 'popcnt', 'clz', 'ctz', 'cls', 'bitrev', 'bswap'];
const IMM = ['iadd_imm', 'imul_imm', 'band_imm', 'bor_imm', 'bxor_imm', 'irsub_imm', 'ishl_imm', 'ushr_imm', 'sshr_imm', 'rotl_imm', 'rotr_imm'];
const CC = ['eq', 'ne', 'slt', 'sge', 'sgt', 'sle', 'ult', 'uge', 'ugt', 'ule'];
const WIDER: Record<string, string> = { i8: 'i32', i16: 'i64', i32: 'i64', i64: 'i64' };

/** A random function of type `t` over three parameters: straight-line code, diamonds, loops. */
function randomProgram(t: string, rand: () => number, size: number): string {
  const w = Number(t.slice(1));
  const pick = <T>(xs: readonly T[]): T => xs[rand() % xs.length];
  const lits = edgeLiterals(w, rand);
  let n = 3;
  let blocks = 1;
  const pool = ['v0', 'v1', 'v2'];
  const lines: string[] = [`function %r(${t}, ${t}, ${t}) -> ${t}, ${t}, ${t} {`, `block0(v0: ${t}, v1: ${t}, v2: ${t}):`];
  const fresh = () => `v${n++}`;
  const operand = () => (rand() % 5 === 0 ? constant() : pick(pool.slice(-8)));
  const constant = (): string => {
    const v = fresh();
    lines.push(`    ${v} = iconst.${t} ${pick(lits)}`);
    pool.push(v);
    return v;
  };
  const op = (): string => {
    const v = fresh();
    const k = rand() % 12;
    if (k < 4) lines.push(`    ${v} = ${pick(BIN)} ${operand()}, ${operand()}`);
    else if (k < 5) {
      const u = pick(UN.filter((o) => o !== 'bswap' || w > 8));
      lines.push(`    ${v} = ${u} ${operand()}`);
    } else if (k < 7) lines.push(`    ${v} = ${pick(IMM)} ${operand()}, ${pick(lits)}`);
    else if (k < 8) {
      const c = fresh();
      lines.push(`    ${c} = icmp ${pick(CC)} ${operand()}, ${operand()}`);
      lines.push(`    ${v} = select ${c}, ${operand()}, ${operand()}`);
    } else if (k < 9) {
      const c = fresh();
      lines.push(`    ${c} = icmp_imm ${pick(CC)} ${operand()}, ${pick(lits)}`);
      lines.push(`    ${v} = uextend.${t} ${c}`.replace(`uextend.i8 ${c}`, `bor ${c}, ${c}`));
    } else if (k < 10 && w < 64) {
      const x = fresh();
      lines.push(`    ${x} = ${pick(['uextend', 'sextend'])}.${WIDER[t]} ${operand()}`);
      lines.push(`    ${v} = ireduce.${t} ${x}`);
    } else if (k < 11) {
      lines.push(`    ${v} = bmask.${t} ${operand()}`);
    } else {
      lines.push(`    ${v} = ${pick(BIN)} ${operand()}, ${pick(pool)}`);
    }
    pool.push(v);
    return v;
  };
  for (let s = 0; s < size; s++) {
    const shape = rand() % 10;
    if (shape === 0) {
      // Diamond: two arms join with one parameter.
      const c = fresh();
      lines.push(`    ${c} = icmp ${pick(CC)} ${operand()}, ${operand()}`);
      const [a, b, j] = [blocks++, blocks++, blocks++];
      lines.push(`    brif ${c}, block${a}, block${b}`);
      const saved = pool.length;
      lines.push(`block${a}:`);
      const x = rand() % 2 ? op() : operand();
      lines.push(`    jump block${j}(${x})`);
      pool.length = saved;
      lines.push(`block${b}:`);
      const y = rand() % 2 ? op() : operand();
      lines.push(`    jump block${j}(${y})`);
      pool.length = saved;
      const p = fresh();
      lines.push(`block${j}(${p}: ${t}):`);
      pool.push(p);
    } else if (shape === 1) {
      // A counted loop with an accumulator and some (often invariant) work in the body.
      const [h, x] = [blocks++, blocks++];
      const zero = fresh();
      lines.push(`    ${zero} = iconst.i32 0`);
      const init = operand();
      lines.push(`    jump block${h}(${zero}, ${init})`);
      const [i, acc] = [fresh(), fresh()];
      lines.push(`block${h}(${i}: i32, ${acc}: ${t}):`);
      const saved = pool.length;
      const inv = op();
      pool.push(acc);
      const acc2 = fresh();
      lines.push(`    ${acc2} = ${pick(['iadd', 'bxor', 'imul', 'isub'])} ${acc}, ${inv}`);
      const [i2, c] = [fresh(), fresh()];
      lines.push(`    ${i2} = iadd_imm ${i}, 1`);
      lines.push(`    ${c} = icmp_imm ult ${i2}, ${1 + (rand() % 4)}`);
      lines.push(`    brif ${c}, block${h}(${i2}, ${acc2}), block${x}`);
      lines.push(`block${x}:`);
      pool.length = saved;
      pool.push(acc2, inv);
    } else {
      op();
    }
  }
  lines.push(`    return ${pool[pool.length - 1]}, ${pick(pool)}, ${pick(pool)}`, '}');
  return lines.join('\n');
}

describe('random differential testing', () => {
  for (const t of ['i8', 'i16', 'i32', 'i64']) {
    it(`optimized random ${t} programs verify and compute the same results`, () => {
      const rand = rng(0x9e3779b9 ^ Number(t.slice(1)));
      const total: Record<string, number> = {};
      for (let k = 0; k < 250; k++) {
        const text = randomProgram(t, rand, 6 + (rand() % 20));
        const f = parseFunction(text);
        expect(verifyFunction(f), text).toEqual([]);
        const { stats } = checkSame(f, inputsFor(f, rand, 24));
        for (const [key, n] of Object.entries(stats)) total[key] = (total[key] ?? 0) + n;
      }
      // Every pass had work to do, and the programs shrank.
      for (const key of ['simplified', 'gvn', 'branchesFolded', 'blocksRemoved', 'paramsRemoved', 'deadRemoved', 'hoisted']) {
        expect(total[key], key).toBeGreaterThan(0);
      }
      expect(total.instsAfter).toBeLessThan(total.instsBefore);
    });
  }

});

describe('comparisons', () => {
  it('merges two comparisons of the same operands, or decides them', () => {
    const { text } = opt(`
function %f(i32, i32) -> i8, i8, i8, i8 {
block0(v0: i32, v1: i32):
    v2 = icmp eq v0, v1
    v3 = icmp ult v0, v1
    v4 = band v2, v3
    v5 = bor v2, v3
    v6 = icmp ugt v1, v0
    v7 = bxor v3, v6
    v8 = icmp slt v0, v1
    v9 = band v3, v8
    return v4, v5, v7, v9
}`);
    expect(text).toContain('iconst.i8 0');
    expect(text).toContain('icmp ule v0, v1');
    // ult and ugt of swapped operands are one comparison: their xor is 0.
    expect(body(text).filter((l) => l.includes('bxor'))).toEqual([]);
    // Unsigned and signed orders do not combine.
    expect(text).toMatch(/band v\d+, v\d+/);
  });

  it('decides comparisons with the extremes of the type and drops a mask of a 0-or-1 value', () => {
    const { text } = opt(`
function %f(i32, i64, i64) -> i8, i8, i8, i64 {
block0(v0: i32, v1: i64, v2: i64):
    v3 = iconst.i32 -1
    v4 = icmp ule v0, v3
    v5 = iconst.i32 0x7fffffff
    v6 = icmp sge v0, v5
    v7 = iconst.i32 0
    v8 = icmp ugt v0, v7
    v9 = icmp ult v1, v2
    v10 = uextend.i64 v9
    v11 = band_imm v10, 1
    v12 = iconst.i64 1
    v13 = band v10, v12
    return v4, v6, v8, v13
}`);
    expect(text).toContain('iconst.i8 1');
    expect(text).toContain('icmp eq v0, v5');
    expect(text).toContain('icmp ne v0, v7');
    expect(body(text).filter((l) => /band/.test(l))).toEqual([]);
  });
});
