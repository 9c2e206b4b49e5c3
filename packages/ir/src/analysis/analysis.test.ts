import { describe, it, expect } from 'vitest';
import type { Block } from '../entities';
import { parseClif, parseFunction } from '../reader/parser';
import { CORPUS_PRESENT, corpusFiles } from '../test-support/corpus';
import { computeCfg } from './cfg';
import { computeDomtree } from './domtree';
import { computeLoops } from './loops';
import { fileCheck } from './filecheck';
import { printCfg, printDomtree } from './print';
import { checkCfgFile, checkDomtreeFile } from './filetests';

const blk = (n: number) => n as Block;

// Two nested loops: block1 is the outer header, block2 the inner one; block4 is unreachable.
const NESTED = `
function %nested(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)
block1(v1: i32):
    jump block2(v1)
block2(v2: i32):
    v3 = iadd_imm v2, -1
    brif v3, block2(v3), block3
block3:
    brif v1, block1(v3), block5
block4:
    jump block1(v0)
block5:
    return v1
}`;

describe('control-flow graph', () => {
  it('lists successors in branch order and predecessors with their branch', () => {
    const f = parseFunction(NESTED);
    const cfg = computeCfg(f);
    expect(cfg.successors(blk(2))).toEqual([2, 3]);
    expect(cfg.successors(blk(3))).toEqual([1, 5]);
    expect(cfg.predecessors(blk(1))).toEqual([0, 3, 4]);
    expect(cfg.predecessorEdges(blk(5))).toEqual([{ block: 3, inst: f.lastInst(blk(3)) }]);
  });

  it('includes br_table and try_call edges', () => {
    const f = parseFunction(`
function %t(i32) {
    sig0 = () tail
    fn0 = %g() tail
block0(v0: i32):
    br_table v0, block1, [block2, block3]
block1:
    try_call fn0(), sig0, block2(), [ default: block3() ]
block2:
    return
block3:
    return
}`);
    const cfg = computeCfg(f);
    expect(cfg.successors(blk(0))).toEqual([1, 2, 3]);
    expect(cfg.successors(blk(1))).toEqual([2, 3]);
    expect(cfg.predecessors(blk(3))).toEqual([0, 1]);
  });
});

describe('dominator tree', () => {
  it('computes immediate dominators, reachability and dominance', () => {
    const f = parseFunction(NESTED);
    const dt = computeDomtree(f, computeCfg(f));
    expect(Array.from(dt.postorder)).toEqual([5, 3, 2, 1, 0]);
    expect(dt.idom(blk(2))).toBe(1);
    expect(dt.idom(blk(5))).toBe(3);
    expect(dt.idom(blk(0))).toBe(-1);
    expect(dt.isReachable(blk(4))).toBe(false);
    expect(dt.dominates(blk(1), blk(5))).toBe(true);
    expect(dt.dominates(blk(5), blk(1))).toBe(false);
    expect(dt.dominates(blk(4), blk(4))).toBe(false);
    const [i0, i1] = [...f.blockInsts(blk(2))];
    expect(dt.instDominates(f, i0, i1)).toBe(true);
    expect(dt.instDominates(f, i1, i0)).toBe(false);
  });

  it('prints cfg_postorder and the preorder tree', () => {
    const f = parseFunction(NESTED);
    expect(printDomtree(computeDomtree(f, computeCfg(f)))).toBe(
      'cfg_postorder: block5 block3 block2 block1 block0\ndomtree_preorder {\n    block0: block1\n    block1: block2\n    block2: block3\n    block3: block5\n    block5:\n}\n',
    );
  });
});

describe('loop analysis', () => {
  it('finds nested natural loops and block depths', () => {
    const f = parseFunction(NESTED);
    const cfg = computeCfg(f);
    const loops = computeLoops(f, cfg, computeDomtree(f, cfg));
    expect(loops.loopCount).toBe(2);
    const inner = loops.innermostLoop(blk(2));
    const outer = loops.innermostLoop(blk(1));
    expect(loops.loopHeader[inner]).toBe(2);
    expect(loops.loopHeader[outer]).toBe(1);
    expect(loops.loopParent[inner]).toBe(outer);
    expect([0, 1, 2, 3, 4, 5].map((b) => loops.loopDepth(blk(b)))).toEqual([0, 1, 2, 1, 0, 0]);
    expect(loops.isLoopHeader(blk(2))).toBe(true);
    expect(loops.loopContains(outer as never, blk(2))).toBe(true);
  });

  it('forms no loop for an irreducible cycle', () => {
    const f = parseFunction(`
function %irr(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    brif v0, block1, block3
block3:
    return
}`);
    const cfg = computeCfg(f);
    expect(computeLoops(f, cfg, computeDomtree(f, cfg)).loopCount).toBe(0);
  });
});

describe('filecheck', () => {
  const d = (kind: string, text: string, line = 1) => ({ kind, text, line });
  it('matches check, sameln, nextln, regex captures and unordered groups', () => {
    const text = 'a: inst3 -> b\nnext line\nx y\nz w\n';
    expect(fileCheck(text, [d('regex', 'I=inst\\d+'), d('check', 'a: $(X=$I)'), d('sameln', '-> b'), d('nextln', 'next'), d('unordered', 'z w'), d('unordered', 'x y')])).toBeNull();
    expect(fileCheck(text, [d('check', 'a:'), d('nextln', 'x y', 7)])?.line).toBe(7);
    expect(fileCheck(text, [d('check', 'a:'), d('not', 'next', 3), d('check', 'x y')])?.line).toBe(3);
    expect(fileCheck(text, [d('check', 'missing', 5)])?.message).toContain('not found');
  });

  it('matches value and block names up to a consistent renaming', () => {
    const text = 'block0(v0: i32):\n    v7 = iconst.i32 2\n    v9 = ishl v0, v7  ; v7 = 2\n    jump block3(v9)\n';
    const rename = { renameEntities: true };
    const checks = [d('check', 'v3 = iconst.i32 2'), d('check', 'v4 = ishl v0, v3  ; v3 = 2'), d('nextln', 'jump block1(v4)')];
    expect(fileCheck(text, checks, rename)).toBeNull();
    // Without renaming the names must be equal.
    expect(fileCheck(text, checks)).not.toBeNull();
    // One check name is one text name, and two check names are two text names.
    expect(fileCheck(text, [d('check', 'v3 = iconst'), d('check', 'ishl v0, v4', 9)], rename)?.line).toBe(9);
    expect(fileCheck('v1 = iadd v2, v2\n', [d('check', 'v5 = iadd v6, v7', 4)], rename)?.line).toBe(4);
    expect(fileCheck('v1 = iadd v2, v3\n', [d('check', 'v5 = iadd v6, v7')], rename)).toBeNull();
  });
});

describe('printCfg', () => {
  it('lists branch instructions per block and the edges', () => {
    const f = parseClif(`function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    return
}`).functions[0].func;
    const out = printCfg(f, computeCfg(f));
    expect(out).toContain('block0 [shape=record, label="{block0(v0: i32):\n | <inst0>brif v0, block1, block2\n}"]');
    expect(out).toContain('block0:inst0 -> block1\n    block0:inst0 -> block2\n    block1:inst1 -> block2');
  });
});

const itCorpus = CORPUS_PRESENT ? it : it.skip;
describe(`corpus domtree/ and cfg/ files${CORPUS_PRESENT ? '' : ' (skipped: ../shared/corpus is absent)'}`, () => {
  itCorpus('every `test domtree` and `test print-cfg` function passes', () => {
    const failures: string[] = [];
    let count = 0;
    for (const file of corpusFiles()) {
      const dom = file.name.startsWith('domtree/');
      if (!dom && !file.name.startsWith('cfg/')) continue;
      const results = (dom ? checkDomtreeFile : checkCfgFile)(parseClif(file.text, file.name));
      for (const r of results) {
        count++;
        if (!r.ok) failures.push(`${file.name} ${r.name}: ${r.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBe(10);
  });

  it('reports a wrong `dominates:` annotation', () => {
    const file = parseClif(`test domtree
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2 ; dominates: block1
block1:
    jump block2 ; dominates: block2
block2:
    return
}`);
    const [r] = checkDomtreeFile(file);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('immediate dominator of block2');
  });
});
