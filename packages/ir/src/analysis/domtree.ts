// Dominator tree (Cooper, Harvey & Kennedy, "A Simple, Fast Dominance
// Algorithm", 2001) over the reverse postorder of a depth-first walk that
// visits successors in branch order, the order Cranelift's `cfg_postorder`
// shows. Dominance queries are O(1) through preorder/postorder intervals of
// the tree.

import { type Block, type Inst, NONE } from '../entities';
import type { Function } from '../function';
import type { ControlFlowGraph } from './cfg';

export class DominatorTree {
  /** Blocks reachable from the entry, in postorder. */
  readonly postorder: Int32Array;
  /** 1-based reverse-postorder number; 0 for unreachable blocks. */
  readonly rpoNumber: Int32Array;
  /** Immediate dominator block, NONE for the entry and unreachable blocks. */
  readonly idomBlock: Int32Array;
  /** Tree children in reverse postorder: `children[childOff[b] .. childOff[b + 1])`. */
  readonly childOff: Int32Array;
  readonly children: Int32Array;
  // Tree intervals: a dominates b iff pre[a] <= pre[b] && last[b] <= last[a].
  private readonly pre: Int32Array;
  private readonly last: Int32Array;
  /** Position of each instruction in its block (for same-block dominance). */
  private readonly instPos: Int32Array;

  constructor(f: Function, cfg: ControlFlowGraph) {
    const n = f.blockCount;
    const entry = f.firstBlock;
    this.postorder = computePostorder(cfg, entry, n);
    const po = this.postorder;
    const rpo = new Int32Array(n);
    for (let k = 0; k < po.length; k++) rpo[po[k]] = po.length - k;
    this.rpoNumber = rpo;
    const idom = new Int32Array(n).fill(NONE);
    if (entry !== NONE) idom[entry] = entry;
    // Iterate to a fixed point over reverse postorder (skipping the entry).
    for (let changed = true; changed; ) {
      changed = false;
      for (let k = po.length - 2; k >= 0; k--) {
        const b = po[k];
        let newIdom = NONE;
        for (let p = cfg.predOff[b]; p < cfg.predOff[b + 1]; p++) {
          const pred = cfg.preds[p];
          if (idom[pred] === NONE) continue;
          newIdom = newIdom === NONE ? pred : intersect(idom, rpo, pred, newIdom);
        }
        if (newIdom !== idom[b]) {
          idom[b] = newIdom;
          changed = true;
        }
      }
    }
    if (entry !== NONE) idom[entry] = NONE;
    this.idomBlock = idom;
    // Children lists in reverse postorder.
    const count = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) if (idom[b] !== NONE) count[idom[b] + 1]++;
    for (let b = 0; b < n; b++) count[b + 1] += count[b];
    const fill = count.slice(0, n);
    const children = new Int32Array(count[n]);
    for (let k = po.length - 1; k >= 0; k--) {
      const b = po[k];
      if (idom[b] !== NONE) children[fill[idom[b]]++] = b;
    }
    this.childOff = count;
    this.children = children;
    // Tree intervals.
    const pre = new Int32Array(n).fill(-1);
    const last = new Int32Array(n).fill(-1);
    if (entry !== NONE) {
      let counter = 0;
      const stack: number[] = [entry];
      const next: number[] = [count[entry]];
      pre[entry] = counter++;
      while (stack.length > 0) {
        const top = stack.length - 1;
        const b = stack[top];
        if (next[top] < count[b + 1]) {
          const c = children[next[top]++];
          pre[c] = counter++;
          stack.push(c);
          next.push(count[c]);
        } else {
          last[b] = counter - 1;
          stack.pop();
          next.pop();
        }
      }
    }
    this.pre = pre;
    this.last = last;
    const instPos = new Int32Array(f.instCount);
    for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
      let k = 0;
      for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) instPos[i] = k++;
    }
    this.instPos = instPos;
  }

  isReachable(b: Block): boolean {
    return this.rpoNumber[b] !== 0;
  }

  /** Immediate dominator of `b`, or NONE (entry, unreachable). */
  idom(b: Block): Block | -1 {
    return this.idomBlock[b] as Block | -1;
  }

  /** Dominator-tree children of `b`, in reverse postorder. */
  childrenOf(b: Block): Block[] {
    return Array.from(this.children.subarray(this.childOff[b], this.childOff[b + 1])) as Block[];
  }

  /** Whether block `a` dominates block `b` (every block dominates itself; false if either is unreachable). */
  dominates(a: Block, b: Block): boolean {
    const pa = this.pre[a];
    const pb = this.pre[b];
    return pa >= 0 && pb >= 0 && pa <= pb && this.last[b] <= this.last[a];
  }

  /**
   * Whether instruction `a` dominates instruction `b` (both in the layout):
   * same block, `a` not after `b`; else `a`'s block dominates `b`'s.
   */
  instDominates(f: Function, a: Inst, b: Inst): boolean {
    const ba = f.instBlock[a];
    const bb = f.instBlock[b];
    if (ba === NONE || bb === NONE) return false;
    if (ba === bb) return this.isReachable(ba as Block) && this.instPos[a] <= this.instPos[b];
    return this.dominates(ba as Block, bb as Block);
  }

  /** Position of `inst` inside its block (0-based), valid for instructions in the layout when computed. */
  instPosition(inst: Inst): number {
    return this.instPos[inst];
  }

  /** Blocks reachable from the entry in reverse postorder. */
  reversePostorder(): Block[] {
    return Array.from(this.postorder).reverse() as Block[];
  }
}

function intersect(idom: Int32Array, rpo: Int32Array, a: number, b: number): number {
  while (a !== b) {
    while (rpo[a] > rpo[b]) a = idom[a];
    while (rpo[b] > rpo[a]) b = idom[b];
  }
  return a;
}

/** Postorder of an iterative depth-first walk visiting successors in order. */
function computePostorder(cfg: ControlFlowGraph, entry: number, n: number): Int32Array {
  const out = new Int32Array(n);
  let len = 0;
  if (entry === NONE) return out.subarray(0, 0);
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const next = new Int32Array(n);
  stack[0] = entry;
  next[0] = cfg.succOff[entry];
  seen[entry] = 1;
  let sp = 1;
  while (sp > 0) {
    const b = stack[sp - 1];
    if (next[sp - 1] < cfg.succOff[b + 1]) {
      const s = cfg.succs[next[sp - 1]++];
      if (!seen[s]) {
        seen[s] = 1;
        stack[sp] = s;
        next[sp] = cfg.succOff[s];
        sp++;
      }
    } else {
      out[len++] = b;
      sp--;
    }
  }
  return out.slice(0, len);
}

export function computeDomtree(f: Function, cfg: ControlFlowGraph): DominatorTree {
  return new DominatorTree(f, cfg);
}
