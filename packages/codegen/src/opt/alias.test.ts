// Redundant-load elimination and store-to-load forwarding, by example: each function keeps its
// memory in a stack slot so the interpreter runs it before and after, and the results must
// agree; the printed function shows which loads became aliases.

import { describe, expect, it } from 'vitest';
import { parseFunction, printFunction, verifyFunction } from '@windlass/ir';
import { interpret, parseValue, valuesEqual } from '@windlass/interpreter';
import { eliminateRedundantLoads, optimize } from './index';

function run(text: string, args: string[][]): { printed: string; removed: number } {
  const f = parseFunction(text);
  const g = f.clone();
  const s = eliminateRedundantLoads(g);
  expect(verifyFunction(g)).toEqual([]);
  const h = f.clone();
  optimize(h);
  expect(verifyFunction(h)).toEqual([]);
  for (const a of args) {
    const vals = a.map((x, k) => parseValue(x, f.signature.params[k].type));
    const want = interpret(f, vals);
    for (const got of [interpret(g, vals), interpret(h, vals)]) {
      expect(got.kind).toBe(want.kind);
      if (want.kind === 'return' && got.kind === 'return') expect(want.values.every((v, k) => valuesEqual(v, got.values[k]))).toBe(true);
    }
  }
  return { printed: printFunction(g), removed: s.loadsRemoved + s.storesForwarded };
}

const ARGS = [['0', '0'], ['1', '2'], ['-1', '7'], ['0x12345678', '0x7fffffff']];

describe('eliminateRedundantLoads', () => {
  it('forwards a store to a load of the same address and reuses a repeated load', () => {
    const { printed, removed } = run(`
function %f(i32, i32) -> i32, i32, i32 {
    ss0 = explicit_slot 16
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    store.i32 v0, v2+4
    v3 = load.i32 v2+4
    store.i32 v1, v2+8
    v4 = load.i32 v2+8
    v5 = load.i32 v2+8
    return v3, v4, v5
}`, ARGS);
    expect(removed).toBe(3);
    expect(printed).toContain('v3 -> v0');
    expect(printed).toContain('v4 -> v1');
    expect(printed).toContain('v5 -> v1');
  });

  it('keeps a load after a store to the same category that may overlap it', () => {
    const { printed, removed } = run(`
function %f(i32, i32) -> i32 {
    ss0 = explicit_slot 16
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    v3 = iadd_imm v2, 4
    store.i32 v0, v2+4
    store.i32 v1, v3
    v4 = load.i32 v2+4
    return v4
}`, ARGS);
    // v3 and v2+4 are the same address under other names: the second store decides.
    expect(removed).toBe(0);
    expect(printed).toContain('v4 = load.i32 v2+4');
  });

  it('tracks regions and alias classes separately, and readonly loads across stores', () => {
    const { printed } = run(`
function %f(i32, i32) -> i32, i32, i32 {
    ss0 = explicit_slot 32
    region0 = 0 "a"
    region1 = 1 "b"
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    store.i32 region0 v0, v2
    store.i32 region1 v1, v2+16
    v3 = load.i32 region0 v2
    v4 = load.i32 readonly v2+24
    store.i32 heap v1, v2+8
    v5 = load.i32 readonly v2+24
    return v3, v4, v5
}`, ARGS);
    expect(printed).toContain('v3 -> v0');
    expect(printed).toContain('v5 -> v4');
  });

  it('treats fences as barriers and merges the state of joining paths', () => {
    const { printed, removed } = run(`
function %f(i32, i32) -> i32, i32, i32 {
    ss0 = explicit_slot 16
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    store.i32 v0, v2+4
    v3 = load.i32 v2+4
    fence
    v4 = load.i32 v2+4
    brif v1, block1, block2
block1:
    store.i32 v1, v2+4
    jump block3
block2:
    jump block3
block3:
    v5 = load.i32 v2+4
    return v3, v4, v5
}`, ARGS);
    expect(removed).toBe(1);
    expect(printed).toContain('v3 -> v0');
    expect(printed).toContain('v4 = load.i32 v2+4');
    expect(printed).toContain('v5 = load.i32 v2+4');
  });

  it('sees through loops: a store in the loop body invalidates the header', () => {
    const { printed } = run(`
function %f(i32, i32) -> i32 {
    ss0 = explicit_slot 16
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    store.i32 v0, v2
    jump block1(v1)
block1(v3: i32):
    v4 = load.i32 v2
    v5 = iadd_imm v4, 1
    store.i32 v5, v2
    v6 = iadd_imm v3, -1
    v7 = band_imm v6, 7
    brif v7, block1(v7), block2
block2:
    v8 = load.i32 v2
    return v8
}`, ARGS);
    expect(printed).toContain('v4 = load.i32 v2');
    expect(printed).toContain('v8 -> v5');
  });
});

describe('loop-invariant loads', () => {
  it('hoists a readonly can_move load out of a loop, and keeps a plain one', () => {
    const text = `
function %f(i32, i32) -> i32 {
    ss0 = explicit_slot 16
block0(v0: i32, v1: i32):
    v2 = stack_addr.i64 ss0
    store.i32 v0, v2
    store.i32 v1, v2+4
    jump block1(v1, v1)
block1(v3: i32, v4: i32):
    v5 = load.i32 notrap aligned readonly can_move v2
    v6 = load.i32 notrap aligned v2+4
    v7 = iadd v4, v5
    v8 = iadd v7, v6
    store.i32 v8, v2+8
    v9 = iadd_imm v3, -1
    v10 = band_imm v9, 3
    brif v10, block1(v10, v8), block2
block2:
    return v8
}`;
    // The store in the loop keeps the plain load there (it may see a new value each time).
    const f = parseFunction(text);
    const g = f.clone();
    const stats = optimize(g);
    expect(verifyFunction(g)).toEqual([]);
    expect(stats.hoisted).toBeGreaterThanOrEqual(1);
    const printed = printFunction(g);
    const loop = printed.slice(printed.indexOf('block1('));
    expect(loop).not.toContain('readonly can_move');
    expect(loop).toContain('load.i32 notrap aligned v2+4');
    for (const a of ARGS) {
      const vals = a.map((x) => parseValue(x, f.signature.params[0].type));
      const want = interpret(f, vals);
      const got = interpret(g, vals);
      expect(got.kind === 'return' && want.kind === 'return' && valuesEqual(got.values[0], want.values[0])).toBe(true);
    }
  });
});
