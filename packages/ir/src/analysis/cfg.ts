// Control-flow graph: successors and predecessors of every block, from the
// block's terminator (its last instruction, as Cranelift computes it), stored
// as compressed rows (CSR) over dense typed arrays indexed by block number.

import { type Block, type Inst, NONE } from '../entities';
import type { Function } from '../function';
import { Format, OPCODES } from '../opcodes';

/**
 * Calls `visit(block)` for each branch destination of `inst` in order (jump:
 * dest; brif: then, else; br_table: default, entries; try_call: normal
 * return, handlers). Destinations that name no defined block are skipped
 * (the verifier reports them).
 */
export function forEachSuccessor(f: Function, inst: Inst, visit: (b: Block) => void): void {
  const call = (bc: number) => {
    const b = f.bcBlock[bc];
    if (f.isBlockDefined(b as Block)) visit(b as Block);
  };
  switch (OPCODES[f.instOpcode[inst]].format) {
    case Format.Jump: call(f.instImm0[inst]); break;
    case Format.Brif: call(f.instImm0[inst]); call(f.instImm1[inst]); break;
    case Format.BranchTable: {
      const jt = f.jumpTables[f.instImm0[inst]];
      if (!jt) break;
      call(jt.defaultCall);
      for (const e of jt.entries) call(e);
      break;
    }
    case Format.TryCall:
    case Format.TryCallIndirect: {
      const et = f.exceptionTables[OPCODES[f.instOpcode[inst]].format === Format.TryCall ? f.instImm1[inst] : f.instImm0[inst]];
      if (!et) break;
      call(et.normalReturn);
      for (const it of et.items) if (it.kind !== 'context') call(it.call);
      break;
    }
    default: break;
  }
}

export class ControlFlowGraph {
  /** Number of block slots (`func.blockCount` when computed). */
  readonly blockCount: number;
  /** successors of b: `succs[succOff[b] .. succOff[b + 1])`, in branch order, without duplicates. */
  readonly succOff: Int32Array;
  readonly succs: Int32Array;
  /** predecessors of b: `preds[predOff[b] .. predOff[b + 1])` with the branching instruction in `predInsts`. */
  readonly predOff: Int32Array;
  readonly preds: Int32Array;
  readonly predInsts: Int32Array;

  constructor(f: Function) {
    const n = f.blockCount;
    this.blockCount = n;
    // Pass 1: successor lists (deduplicated per block) into a growable buffer.
    const succOff = new Int32Array(n + 1);
    let buf: Int32Array = new Int32Array(Math.max(16, n * 2));
    let bufInst: Int32Array = new Int32Array(buf.length);
    let len = 0;
    const predCount = new Int32Array(n);
    const order: number[] = [];
    for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) order.push(b);
    // Blocks not in the layout have no successors; rows are filled in block-number order.
    const rowStart = new Int32Array(n).fill(-1);
    const rowLen = new Int32Array(n);
    for (const b of order) {
      const last = f.blockLastInst[b];
      rowStart[b] = len;
      if (last === NONE) continue;
      forEachSuccessor(f, last as Inst, (s) => {
        for (let k = rowStart[b]; k < len; k++) if (buf[k] === s) return;
        if (len === buf.length) {
          buf = grow(buf);
          bufInst = grow(bufInst);
        }
        buf[len] = s;
        bufInst[len] = last;
        len++;
        predCount[s]++;
      });
      rowLen[b] = len - rowStart[b];
    }
    const succs = new Int32Array(len);
    let off = 0;
    for (let b = 0; b < n; b++) {
      succOff[b] = off;
      if (rowStart[b] >= 0) {
        succs.set(buf.subarray(rowStart[b], rowStart[b] + rowLen[b]), off);
        off += rowLen[b];
      }
    }
    succOff[n] = off;
    // Pass 2: predecessors, in layout order of the predecessor.
    const predOff = new Int32Array(n + 1);
    for (let b = 0; b < n; b++) predOff[b + 1] = predOff[b] + predCount[b];
    const fill = predOff.slice(0, n);
    const preds = new Int32Array(len);
    const predInsts = new Int32Array(len);
    for (const b of order) {
      for (let k = 0; k < rowLen[b]; k++) {
        const s = buf[rowStart[b] + k];
        preds[fill[s]] = b;
        predInsts[fill[s]] = bufInst[rowStart[b] + k];
        fill[s]++;
      }
    }
    this.succOff = succOff;
    this.succs = succs;
    this.predOff = predOff;
    this.preds = preds;
    this.predInsts = predInsts;
  }

  successors(b: Block): Block[] {
    return Array.from(this.succs.subarray(this.succOff[b], this.succOff[b + 1])) as Block[];
  }

  predecessors(b: Block): Block[] {
    return Array.from(this.preds.subarray(this.predOff[b], this.predOff[b + 1])) as Block[];
  }

  /** (predecessor block, branch instruction) pairs. */
  predecessorEdges(b: Block): { block: Block; inst: Inst }[] {
    const out: { block: Block; inst: Inst }[] = [];
    for (let k = this.predOff[b]; k < this.predOff[b + 1]; k++) out.push({ block: this.preds[k] as Block, inst: this.predInsts[k] as Inst });
    return out;
  }

  successorCount(b: Block): number {
    return this.succOff[b + 1] - this.succOff[b];
  }

  predecessorCount(b: Block): number {
    return this.predOff[b + 1] - this.predOff[b];
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

export function computeCfg(f: Function): ControlFlowGraph {
  return new ControlFlowGraph(f);
}
