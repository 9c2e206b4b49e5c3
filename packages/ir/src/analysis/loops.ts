// Natural loops: a block h is a loop header when some reachable predecessor p
// is dominated by h (p -> h is a back edge); the loop body is every block that
// reaches p without passing through h. Loops are found innermost first
// (headers in postorder), so each block's innermost loop and each loop's
// parent fall out of a single backward walk per header. Irreducible cycles
// (no dominating header) form no loop.

import { type Block, NONE } from '../entities';
import type { Function } from '../function';
import type { ControlFlowGraph } from './cfg';
import type { DominatorTree } from './domtree';

/** A loop is a small number (0, 1, ...) indexing the `LoopAnalysis` tables. */
export type Loop = number & { readonly __brand: 'Loop' };

export class LoopAnalysis {
  /** Header block of each loop. */
  readonly loopHeader: Int32Array;
  /** Enclosing loop of each loop, NONE for outermost loops. */
  readonly loopParent: Int32Array;
  /** Nesting depth of each loop (1 = outermost). */
  readonly loopLevel: Int32Array;
  /** Innermost loop of each block, NONE when the block is in no loop. */
  readonly blockLoop: Int32Array;

  constructor(f: Function, cfg: ControlFlowGraph, domtree: DominatorTree) {
    const n = f.blockCount;
    const headers: number[] = [];
    const blockLoop = new Int32Array(n).fill(NONE);
    // Postorder puts inner headers (dominated, so later in RPO) first.
    const po = domtree.postorder;
    const parents: number[] = [];
    const work: number[] = [];
    for (let k = 0; k < po.length; k++) {
      const h = po[k];
      let isHeader = false;
      for (let p = cfg.predOff[h]; p < cfg.predOff[h + 1]; p++) {
        const pred = cfg.preds[p];
        if (domtree.dominates(h as Block, pred as Block)) {
          isHeader = true;
          work.push(pred);
        }
      }
      if (!isHeader) continue;
      const loop = headers.length;
      headers.push(h);
      parents.push(NONE);
      blockLoop[h] = loop;
      while (work.length > 0) {
        let x = work.pop() as number;
        if (!domtree.isReachable(x as Block)) continue;
        let inner = blockLoop[x];
        if (inner === loop) continue;
        if (inner !== NONE) {
          // Already in an inner loop: hop to its outermost enclosing loop so far
          // and continue from that loop's header.
          while (parents[inner] !== NONE) inner = parents[inner];
          if (inner === loop) continue;
          parents[inner] = loop;
          x = headers[inner];
        } else {
          blockLoop[x] = loop;
        }
        for (let p = cfg.predOff[x]; p < cfg.predOff[x + 1]; p++) {
          const pred = cfg.preds[p];
          if (blockLoop[pred] !== loop) work.push(pred);
        }
      }
    }
    const count = headers.length;
    this.loopHeader = Int32Array.from(headers);
    this.loopParent = Int32Array.from(parents);
    const level = new Int32Array(count);
    // Parents are created after their children, so walk from outermost (last) to innermost.
    for (let l = count - 1; l >= 0; l--) level[l] = parents[l] === NONE ? 1 : level[parents[l]] + 1;
    this.loopLevel = level;
    this.blockLoop = blockLoop;
  }

  get loopCount(): number {
    return this.loopHeader.length;
  }

  /** Innermost loop containing `b`, or NONE. */
  innermostLoop(b: Block): Loop | -1 {
    return this.blockLoop[b] as Loop | -1;
  }

  isLoopHeader(b: Block): boolean {
    const l = this.blockLoop[b];
    return l !== NONE && this.loopHeader[l] === b;
  }

  /** Number of loops containing `b` (0 outside loops). */
  loopDepth(b: Block): number {
    const l = this.blockLoop[b];
    return l === NONE ? 0 : this.loopLevel[l];
  }

  /** Whether `inner` is `outer` or nested in it. */
  isChildLoop(inner: Loop, outer: Loop): boolean {
    for (let l: number = inner; l !== NONE; l = this.loopParent[l]) if (l === outer) return true;
    return false;
  }

  /** Whether block `b` is in loop `l` (directly or in a nested loop). */
  loopContains(l: Loop, b: Block): boolean {
    const inner = this.blockLoop[b];
    return inner !== NONE && this.isChildLoop(inner as Loop, l);
  }
}

export function computeLoops(f: Function, cfg: ControlFlowGraph, domtree: DominatorTree): LoopAnalysis {
  return new LoopAnalysis(f, cfg, domtree);
}
