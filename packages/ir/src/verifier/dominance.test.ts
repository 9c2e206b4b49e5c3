import { describe, it, expect } from 'vitest';
import { type Block, type Inst, NONE } from '../entities';
import type { Function } from '../function';
import { parseClif, parseFunction } from '../reader/parser';
import { computeCfg } from '../analysis/cfg';
import { computeDomtree } from '../analysis/domtree';
import { CORPUS_PRESENT, corpusFiles } from '../test-support/corpus';
import { BlockDominance } from './dominance';

// block1/block2 nested loops, block4 unreachable, block3 reached from two places.
const LOOPS = `
function %loops(i32) -> i32 {
block0(v0: i32):
    brif v0, block1(v0), block3
block1(v1: i32):
    jump block2(v1)
block2(v2: i32):
    v3 = iadd_imm v2, -1
    brif v3, block2(v3), block3
block3:
    return v0
block4:
    jump block1(v0)
}`;

function layoutBlocks(f: Function): number[] {
  const out: number[] = [];
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) out.push(b);
  return out;
}

function layoutInsts(f: Function): number[] {
  const out: number[] = [];
  for (const b of layoutBlocks(f)) for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) out.push(i);
  return out;
}

/** Every disagreement between `d` (computed for `f`) and the analysis package's dominator tree. */
function disagreements(f: Function, d: BlockDominance): string[] {
  const dt = computeDomtree(f, computeCfg(f));
  const out: string[] = [];
  const blocks = layoutBlocks(f);
  for (const a of blocks) {
    if (d.isReachable(a) !== dt.isReachable(a as Block)) out.push(`reachable block${a}`);
    for (const b of blocks) {
      if (d.dominates(a, b) !== dt.dominates(a as Block, b as Block)) out.push(`block${a} dom block${b}`);
    }
  }
  const insts = layoutInsts(f).slice(0, 60);
  for (const a of insts) {
    for (const b of insts) {
      if (d.instDominates(a, b) !== dt.instDominates(f, a as Inst, b as Inst)) out.push(`inst${a} dom inst${b}`);
    }
  }
  return out;
}

describe('verifier block dominance', () => {
  it('answers reachability and dominance questions', () => {
    const f = parseFunction(LOOPS);
    const d = new BlockDominance();
    d.compute(f);
    expect(d.isReachable(4)).toBe(false);
    expect(d.dominates(0, 3)).toBe(true);
    expect(d.dominates(1, 2)).toBe(true);
    expect(d.dominates(2, 3)).toBe(false); // block3 is also reached from block0
    expect(d.dominates(4, 1)).toBe(false); // unreachable blocks dominate nothing
    expect(d.dominates(2, 2)).toBe(true);
    const [iadd, brif] = [f.blockFirstInst[2], f.blockLastInst[2]];
    expect(d.instDominates(iadd, brif)).toBe(true);
    expect(d.instDominates(brif, iadd)).toBe(false);
    expect(disagreements(f, d)).toEqual([]);
  });

  it.skipIf(!CORPUS_PRESENT)('agrees with DominatorTree on every corpus function, one instance reused throughout', () => {
    const d = new BlockDominance();
    let checked = 0;
    const wrong: string[] = [];
    for (const file of corpusFiles()) {
      if (!/^(runtests|domtree|cfg|egraph|isa\/x64)\//.test(file.name)) continue;
      let funcs;
      try {
        funcs = parseClif(file.text, file.name).functions;
      } catch {
        continue;
      }
      for (const { func } of funcs) {
        let layoutOk = func.firstBlock !== NONE;
        for (const b of layoutBlocks(func)) if (func.blockLastInst[b] === NONE) layoutOk = false;
        if (!layoutOk) continue;
        d.compute(func);
        for (const e of disagreements(func, d)) wrong.push(`${file.name}: ${e}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
