// Block dominance for the verifier's SSA check, computed in storage that is reused from one
// function to the next. It answers the same questions as `DominatorTree` over `computeCfg`
// (reachability from the entry, block dominance, instruction order inside a block) without
// allocating a CFG and a tree per function: the verifier runs before every compilation, and
// for the small functions most programs consist of those allocations were most of its cost.
//
// Successors are those of `forEachSuccessor` for each block in the layout (blocks outside the
// layout have none); immediate dominators come from Cooper, Harvey & Kennedy's iteration over
// reverse postorder, and dominance queries from preorder intervals of the tree.

import { type Block, NONE } from '../entities';
import type { Function } from '../function';
import { Format, OPCODES } from '../opcodes';

export class BlockDominance {
  // Per block (blockCount + 1 slots): successor rows (start/end in `succ`), predecessor rows,
  // reverse-postorder number (0: unreachable), immediate dominator, tree interval.
  private succStart = new Int32Array(16);
  private succEnd = new Int32Array(16);
  private succ = new Int32Array(32);
  private predOff = new Int32Array(17);
  private pred = new Int32Array(32);
  private rpo = new Int32Array(16);
  private idom = new Int32Array(16);
  private pre = new Int32Array(16);
  private last = new Int32Array(16);
  private childOff = new Int32Array(17);
  private child = new Int32Array(16);
  /** Reachable blocks in postorder; also the depth-first walks' stacks. */
  private po = new Int32Array(16);
  private stack = new Int32Array(16);
  private next = new Int32Array(16);
  /** Position of each instruction of the layout in its block. */
  private instPos = new Int32Array(64);
  private f: Function | undefined;

  /** Computes dominance for `f`, whose layout must be well formed (every block ends in a terminator). */
  compute(f: Function): void {
    this.f = f;
    const n = f.blockCount;
    this.ensureBlocks(n);
    const { succStart, succEnd, rpo, idom } = this;
    for (let b = 0; b < n; b++) {
      succStart[b] = 0;
      succEnd[b] = 0;
      rpo[b] = 0;
      idom[b] = NONE;
    }
    // Successor rows of the blocks in the layout, and instruction positions.
    if (this.instPos.length < f.instCount) this.instPos = new Int32Array(Math.max(f.instCount, this.instPos.length * 2));
    const instPos = this.instPos;
    let len = 0;
    for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
      let k = 0;
      for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) instPos[i] = k++;
      succStart[b] = len;
      const last = f.blockLastInst[b];
      if (last !== NONE) len = this.addSuccessors(f, last, len);
      succEnd[b] = len;
    }
    const entry = f.firstBlock;
    if (entry === NONE) return;
    const count = this.postorder(entry);
    this.dominators(entry, n, count, len);
    this.intervals(entry, n, count);
  }

  /** Appends the defined destination blocks of terminator `inst` to `succ` from `len`. */
  private addSuccessors(f: Function, inst: number, len: number): number {
    switch (OPCODES[f.instOpcode[inst]].format) {
      case Format.Jump: return this.addCall(f, f.instImm0[inst], len);
      case Format.Brif: return this.addCall(f, f.instImm1[inst], this.addCall(f, f.instImm0[inst], len));
      case Format.BranchTable: {
        const jt = f.jumpTables[f.instImm0[inst]];
        if (!jt) return len;
        len = this.addCall(f, jt.defaultCall, len);
        for (let k = 0; k < jt.entries.length; k++) len = this.addCall(f, jt.entries[k], len);
        return len;
      }
      case Format.TryCall: case Format.TryCallIndirect: {
        const et = f.exceptionTables[OPCODES[f.instOpcode[inst]].format === Format.TryCall ? f.instImm1[inst] : f.instImm0[inst]];
        if (!et) return len;
        len = this.addCall(f, et.normalReturn, len);
        for (let k = 0; k < et.items.length; k++) {
          const it = et.items[k];
          if (it.kind !== 'context') len = this.addCall(f, it.call, len);
        }
        return len;
      }
      default: return len;
    }
  }

  private addCall(f: Function, bc: number, len: number): number {
    const b = f.bcBlock[bc];
    if (!f.isBlockDefined(b as Block)) return len;
    if (len === this.succ.length) this.succ = copyGrow(this.succ);
    this.succ[len] = b;
    return len + 1;
  }

  private ensureBlocks(n: number): void {
    if (this.rpo.length >= n + 1) return;
    const m = Math.max(n + 1, this.rpo.length * 2);
    this.succStart = new Int32Array(m);
    this.succEnd = new Int32Array(m);
    this.predOff = new Int32Array(m + 1);
    this.rpo = new Int32Array(m);
    this.idom = new Int32Array(m);
    this.pre = new Int32Array(m);
    this.last = new Int32Array(m);
    this.childOff = new Int32Array(m + 1);
    this.child = new Int32Array(m);
    this.po = new Int32Array(m);
    this.stack = new Int32Array(m);
    this.next = new Int32Array(m);
  }

  /** Depth-first postorder from the entry into `po`, numbering `rpo` (1-based); returns the count. */
  private postorder(entry: number): number {
    const { succStart, succEnd, succ, rpo, po, stack, next } = this;
    // `rpo` doubles as the visited mark during the walk (-1), then gets its final numbers.
    let count = 0;
    stack[0] = entry;
    next[0] = succStart[entry];
    rpo[entry] = -1;
    let sp = 1;
    while (sp > 0) {
      const b = stack[sp - 1];
      if (next[sp - 1] < succEnd[b]) {
        const s = succ[next[sp - 1]++];
        if (rpo[s] === 0) {
          rpo[s] = -1;
          stack[sp] = s;
          next[sp] = succStart[s];
          sp++;
        }
      } else {
        po[count++] = b;
        sp--;
      }
    }
    for (let k = 0; k < count; k++) rpo[po[k]] = count - k;
    return count;
  }

  /** Immediate dominators of the reachable blocks (predecessor rows from reachable blocks only). */
  private dominators(entry: number, n: number, count: number, len: number): void {
    const { succStart, succEnd, succ, rpo, po, idom } = this;
    // Predecessor rows (CSR) over reachable predecessors.
    const predOff = this.predOff;
    for (let b = 0; b <= n; b++) predOff[b] = 0;
    for (let k = 0; k < count; k++) {
      const b = po[k];
      for (let s = succStart[b]; s < succEnd[b]; s++) predOff[succ[s] + 1]++;
    }
    for (let b = 0; b < n; b++) predOff[b + 1] += predOff[b];
    if (this.pred.length < len) this.pred = new Int32Array(Math.max(len, this.pred.length * 2));
    const pred = this.pred;
    // `next` as the fill cursor.
    const fill = this.next;
    for (let b = 0; b < n; b++) fill[b] = predOff[b];
    for (let k = 0; k < count; k++) {
      const b = po[k];
      for (let s = succStart[b]; s < succEnd[b]; s++) pred[fill[succ[s]]++] = b;
    }
    idom[entry] = entry;
    for (let changed = true; changed;) {
      changed = false;
      for (let k = count - 2; k >= 0; k--) {
        const b = po[k];
        let d = NONE;
        for (let p = predOff[b]; p < predOff[b + 1]; p++) {
          const q = pred[p];
          if (idom[q] === NONE) continue;
          if (d === NONE) d = q;
          else {
            let x = q;
            let y = d;
            while (x !== y) {
              while (rpo[x] > rpo[y]) x = idom[x];
              while (rpo[y] > rpo[x]) y = idom[y];
            }
            d = x;
          }
        }
        if (d !== idom[b]) {
          idom[b] = d;
          changed = true;
        }
      }
    }
    idom[entry] = NONE;
  }

  /** Preorder numbers and subtree ends of the dominator tree, for O(1) dominance queries. */
  private intervals(entry: number, n: number, count: number): void {
    const { po, idom, pre, last, stack, next } = this;
    const childOff = this.childOff;
    for (let b = 0; b <= n; b++) childOff[b] = 0;
    for (let k = 0; k < count; k++) {
      const b = po[k];
      if (idom[b] !== NONE) childOff[idom[b] + 1]++;
    }
    for (let b = 0; b < n; b++) childOff[b + 1] += childOff[b];
    const child = this.child;
    // `last` as the fill cursor before it gets its own values.
    for (let b = 0; b < n; b++) last[b] = childOff[b];
    for (let k = 0; k < count; k++) {
      const b = po[k];
      if (idom[b] !== NONE) child[last[idom[b]]++] = b;
    }
    let counter = 0;
    stack[0] = entry;
    next[0] = childOff[entry];
    pre[entry] = counter++;
    let sp = 1;
    while (sp > 0) {
      const b = stack[sp - 1];
      if (next[sp - 1] < childOff[b + 1]) {
        const c = child[next[sp - 1]++];
        pre[c] = counter++;
        stack[sp] = c;
        next[sp] = childOff[c];
        sp++;
      } else {
        last[b] = counter - 1;
        sp--;
      }
    }
  }

  isReachable(b: number): boolean {
    return this.rpo[b] !== 0;
  }

  /** Whether block `a` dominates block `b` (both reachable; every block dominates itself). */
  dominates(a: number, b: number): boolean {
    if (this.rpo[a] === 0 || this.rpo[b] === 0) return false;
    const pa = this.pre[a];
    const pb = this.pre[b];
    return pa <= pb && this.last[b] <= this.last[a];
  }

  /** Whether instruction `a` dominates instruction `b` (same block: `a` not after `b`). */
  instDominates(a: number, b: number): boolean {
    const f = this.f!;
    const ba = f.instBlock[a];
    const bb = f.instBlock[b];
    if (ba === NONE || bb === NONE) return false;
    if (ba === bb) return this.rpo[ba] !== 0 && this.instPos[a] <= this.instPos[b];
    return this.dominates(ba, bb);
  }
}

function copyGrow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

let spare: BlockDominance | undefined;

/** A `BlockDominance` to use and give back with `releaseDominance` (a fresh one if in use). */
export function takeDominance(): BlockDominance {
  const d = spare ?? new BlockDominance();
  spare = undefined;
  return d;
}

export function releaseDominance(d: BlockDominance): void {
  spare = d;
}
