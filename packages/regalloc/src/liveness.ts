// Liveness and live ranges for the optimizing allocator.
//
// Program points: instruction i owns points 4i (early: early uses are read, early defs
// written), 4i+1 (clobbers happen), 4i+2 (late: late uses read, late defs written) and 4i+3.
// Ranges are half-open; values only change location at 4i ("before instruction i").
//
// Liveness is computed one vreg at a time (SSA makes this exact): from each block using the vreg
// outside its defining block, walk up the predecessors to the definition; the blocks reached
// are where it is live in. The walk marks blocks in a bit set over the blocks, which then gives
// the live-in blocks in layout order (word by word) and answers "live out?" for the ranges.
// Nothing per (vreg, block) pair is stored: functions translated from Go or similar sources
// keep a thousand values live across ten thousand blocks, and tables of those pairs cost more
// time and memory than everything else. `LiveInWalker` repeats the walk for the few vregs that
// need their live-in blocks again (resolution of split vregs, the checker).

import type { Analysis } from './analysis';
import type { RegAllocFunction } from './func';
import { ScratchI32 } from './scratch';
import {
  OperandKind,
  OperandPos,
  opKind as opKindImport,
  opPos as opPosImport,
} from './types';

// Local bindings of hot helpers: under per-module transforms (tsx, vitest) every read of an
// imported binding goes through a getter, which costs more than the bit operations themselves.
const opKind = opKindImport;
const opPos = opPosImport;

export const pointOfUse = (inst: number, info: number): number =>
  4 * inst + (opKind(info) === OperandKind.Use ? (opPos(info) === OperandPos.Late ? 2 : 0) : opPos(info) === OperandPos.Early ? 0 : 2);

/** Exclusive end of the interval an operand occupies at its instruction. */
export const operandEnd = (inst: number, info: number): number =>
  4 * inst + (opKind(info) === OperandKind.Use ? (opPos(info) === OperandPos.Late ? 3 : 1) : 3);

export interface Liveness {
  /** Per vreg: the block defining it (-1 when it is never defined). */
  readonly defBlock: Int32Array;
  /** CSR per vreg: its operands (indexes into `opVReg`), in instruction order. */
  readonly vregOpStart: Int32Array;
  readonly vregOps: Int32Array;
  /** The instruction of each entry of `vregOps`. */
  readonly vregOpInst: Int32Array;
  /** CSR per vreg: the blocks passing it as a branch argument (layout order, once per edge). */
  readonly vregArgStart: Int32Array;
  readonly vregArgBlocks: Int32Array;
  /** CSR per vreg: ranges as (from, to) pairs in `rangeFrom/rangeTo`, sorted, disjoint. */
  readonly vregRangeStart: Int32Array;
  readonly rangeFrom: Int32Array;
  readonly rangeTo: Int32Array;
}

// Storage of the liveness tables (see scratch.ts): a `Liveness` is valid until the next
// `computeLiveness` call, which is all the allocator and the checker need.
const sDefBlock = new ScratchI32();
const sOpStart = new ScratchI32();
const sOps = new ScratchI32();
const sOpInst = new ScratchI32();
const sArgStart = new ScratchI32();
const sArgBlocks = new ScratchI32();
const sFill = new ScratchI32();
const sRangeStart = new ScratchI32();
const sWalkBits = new ScratchI32();
const sWalkStack = new ScratchI32();
const sWalkList = new ScratchI32();

/** A growable Int32Array column that keeps its storage for the next function (up to a limit). */
class Growable {
  data = new Int32Array(256);
  length = 0;
  reset(cap: number): this {
    this.length = 0;
    if (this.data.length < cap) this.data = new Int32Array(cap);
    return this;
  }
  /** Drops storage grown past 64K ints, so one huge function does not keep it alive. */
  trim(): void {
    if (this.data.length > 1 << 16) this.data = new Int32Array(256);
  }
  grow(): void {
    const n = new Int32Array(this.data.length * 2);
    n.set(this.data);
    this.data = n;
  }
}

const gFrom = new Growable();
const gTo = new Growable();

/**
 * The walk from a vreg's uses up to its definition. After `walk(v)`, `isLiveIn`, `nextLiveIn`
 * and `runEnd` answer for v's live-in blocks (a bit set over the blocks) until the next walk;
 * `extract` lists them in `list[0, count)` in layout order.
 */
export class LiveInWalker {
  /** One bit per block: live in (for the vreg of the last walk). */
  private readonly bits: Int32Array;
  private readonly stack: Int32Array;
  readonly list: Int32Array;
  count = 0;
  private lo = 0;
  private hi = -1;

  constructor(private readonly f: RegAllocFunction, private readonly live: Liveness, private readonly instBlock: Int32Array) {
    const nb = f.numBlocks;
    this.bits = sWalkBits.take((nb >> 5) + 1);
    this.stack = sWalkStack.take(nb);
    this.list = sWalkList.take(nb);
  }

  isLiveIn(b: number): boolean {
    return (this.bits[b >> 5] & (1 << (b & 31))) !== 0;
  }

  /** Walks `v`: marks its live-in blocks (`isLiveIn`, `nextLiveIn`, `runEnd`; `extract` lists them). */
  walk(v: number): void {
    const bits = this.bits;
    // Clear the previous vreg's marks (only the words it touched).
    for (let w = this.lo; w <= this.hi; w++) bits[w] = 0;
    let lo = 0x7fffffff;
    let hi = -1;
    const f = this.f;
    const live = this.live;
    const db = live.defBlock[v];
    const stack = this.stack;
    const preds = f.preds;
    const predStart = f.blockPredStart;
    let sp = 0;
    // Seeds: blocks using v outside its defining block (operands, then branch arguments).
    for (let k = live.vregOpStart[v], e = live.vregOpStart[v + 1]; k < e; k++) {
      if (opKind(f.opInfo[live.vregOps[k]]) !== OperandKind.Use) continue;
      const b = this.instBlock[live.vregOpInst[k]];
      if (b === db) continue;
      const w = b >> 5;
      const m = 1 << (b & 31);
      if (bits[w] & m) continue;
      bits[w] |= m;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
      stack[sp++] = b;
    }
    for (let k = live.vregArgStart[v], e = live.vregArgStart[v + 1]; k < e; k++) {
      const b = live.vregArgBlocks[k];
      if (b === db) continue;
      const w = b >> 5;
      const m = 1 << (b & 31);
      if (bits[w] & m) continue;
      bits[w] |= m;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
      stack[sp++] = b;
    }
    while (sp > 0) {
      const x = stack[--sp];
      for (let j = predStart[x], je = predStart[x + 1]; j < je; j++) {
        const p = preds[j];
        if (p === db) continue;
        const w = p >> 5;
        const m = 1 << (p & 31);
        if (bits[w] & m) continue;
        bits[w] |= m;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
        stack[sp++] = p;
      }
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** The live-in blocks of the last walk into `list`, in layout order; returns their number. */
  extract(): number {
    const bits = this.bits;
    const list = this.list;
    let n = 0;
    for (let w = this.lo; w <= this.hi; w++) {
      let word = bits[w];
      while (word !== 0) {
        const t = word & -word;
        list[n++] = (w << 5) + 31 - Math.clz32(t);
        word ^= t;
      }
    }
    this.count = n;
    return n;
  }

  /** The first live-in block at or after `b`, or -1. */
  nextLiveIn(b: number): number {
    const bits = this.bits;
    let w = b >> 5;
    if (w < this.lo) {
      w = this.lo;
      b = w << 5;
    }
    if (w > this.hi) return -1;
    let word = bits[w] & (-1 << (b & 31));
    while (word === 0) {
      if (++w > this.hi) return -1;
      word = bits[w];
    }
    return (w << 5) + 31 - Math.clz32(word & -word);
  }

  /** The first block at or after `b` (a live-in block) that is not live in, at most `cap`. */
  runEnd(b: number, cap: number): number {
    const bits = this.bits;
    let w = b >> 5;
    let word = ~bits[w] & (-1 << (b & 31));
    while (word === 0) {
      w++;
      if (w << 5 >= cap) return cap;
      word = ~bits[w];
    }
    const e = (w << 5) + 31 - Math.clz32(word & -word);
    return e < cap ? e : cap;
  }
}

/**
 * Liveness of every vreg of `f` (valid until the next call: its tables are reused), and its
 * live ranges: per block where it lives, from the block start (live in, or a block parameter)
 * or its first operand there, to the block end (live out: live into a successor, or passed as a
 * branch argument) or the end of its last operand there; ranges that touch across a block
 * boundary are fused.
 */
export function computeLiveness(f: RegAllocFunction, a: Analysis): Liveness {
  const nb = f.numBlocks;
  const nv = f.numVRegs;
  const defBlock = sDefBlock.take(nv);
  for (let v = 0; v < nv; v++) {
    const d = a.defInst[v];
    // defOp -2: never defined (then defInst is -2 too, which also names block 1's parameters).
    defBlock[v] = a.defOp[v] === -2 ? -1 : d < 0 ? -1 - d : a.instBlock[d];
  }

  // Operands grouped by vreg (counting sort: instruction order within a vreg).
  const numOps = f.instOpStart[f.numInsts];
  const opStart = sOpStart.take(nv + 1);
  for (let o = 0; o < numOps; o++) opStart[f.opVReg[o] + 1]++;
  for (let v = 0; v < nv; v++) opStart[v + 1] += opStart[v];
  const ops = sOps.take(numOps);
  const opInst = sOpInst.take(numOps);
  const fill = sFill.take(nv);
  fill.set(opStart.subarray(0, nv));
  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i], e = f.instOpStart[i + 1]; o < e; o++) {
      const at = fill[f.opVReg[o]]++;
      ops[at] = o;
      opInst[at] = i;
    }
  }

  // Branch arguments grouped by vreg (block order within a vreg).
  const numArgs = f.edgeArgStart[f.blockSuccStart[nb]];
  const argStart = sArgStart.take(nv + 1);
  for (let k = 0; k < numArgs; k++) argStart[f.edgeArgs[k] + 1]++;
  for (let v = 0; v < nv; v++) argStart[v + 1] += argStart[v];
  const argBlocks = sArgBlocks.take(numArgs);
  fill.set(argStart.subarray(0, nv));
  for (let b = 0; b < nb; b++) {
    for (let k = f.edgeArgStart[f.blockSuccStart[b]], e = f.edgeArgStart[f.blockSuccStart[b + 1]]; k < e; k++) argBlocks[fill[f.edgeArgs[k]]++] = b;
  }

  const live: Liveness = {
    defBlock, vregOpStart: opStart, vregOps: ops, vregOpInst: opInst, vregArgStart: argStart, vregArgBlocks: argBlocks,
    vregRangeStart: sRangeStart.take(nv + 1), rangeFrom: new Int32Array(0), rangeTo: new Int32Array(0),
  };
  buildRanges(f, a, live);
  return live;
}

/** Fills `live`'s ranges, walking each vreg's liveness. */
function buildRanges(f: RegAllocFunction, a: Analysis, live: Liveness & { rangeFrom: Int32Array; rangeTo: Int32Array }): void {
  const nv = f.numVRegs;
  const walker = new LiveInWalker(f, live, a.instBlock);
  const rangeStart = live.vregRangeStart;
  const gf = gFrom.reset(2 * nv + 64);
  const gt = gTo.reset(2 * nv + 64);
  let from = gf.data;
  let to = gt.data;
  let w = 0;
  const { blockInstStart, blockInstEnd, blockSuccStart, succs, opInfo } = f;
  const instBlock = a.instBlock;
  const { defBlock, vregOpStart, vregOps, vregOpInst, vregArgStart, vregArgBlocks } = live;
  const nb = f.numBlocks;
  for (let v = 0; v < nv; v++) {
    rangeStart[v] = w;
    const db = defBlock[v];
    if (db < 0) continue;
    walker.walk(v);
    const isParam = a.defInst[v] < 0;
    let k = vregOpStart[v];
    const ke = vregOpStart[v + 1];
    let ak = vregArgStart[v];
    const ae = vregArgStart[v + 1];
    // In layout order: the blocks with something to look at (the defining block and those
    // with operands of v) one by one, and between them runs of live-in blocks without
    // operands, which v lives through (a live-in block with no use passes v on).
    let dbDone = false;
    let pos = 0;
    while (true) {
      const opBlock = k < ke ? instBlock[vregOpInst[k]] : nb;
      const special = !dbDone && db < opBlock ? db : opBlock;
      const next = walker.nextLiveIn(pos);
      let lo: number;
      let hi: number;
      if (next >= 0 && next < special) {
        const end = walker.runEnd(next, special);
        lo = 4 * blockInstStart[next];
        hi = 4 * blockInstEnd[end - 1];
        pos = end;
      } else {
        if (special >= nb) break;
        const b = special;
        pos = b + 1;
        if (b === db) dbDone = true;
        const bs = 4 * blockInstStart[b];
        const be = 4 * blockInstEnd[b];
        const liveIn = b !== db;
        // Operands of v in b.
        lo = liveIn || isParam ? bs : 0x7fffffff;
        hi = liveIn ? bs + 1 : -1;
        for (; k < ke && instBlock[vregOpInst[k]] === b; k++) {
          const i = vregOpInst[k];
          const info = opInfo[vregOps[k]];
          const p = pointOfUse(i, info);
          if (p < lo) lo = p;
          const end = operandEnd(i, info);
          if (end > hi) hi = end;
        }
        // Live out: into a successor, or as a branch argument.
        let out = false;
        while (ak < ae && vregArgBlocks[ak] < b) ak++;
        if (ak < ae && vregArgBlocks[ak] === b) out = true;
        else {
          for (let e = blockSuccStart[b], ee = blockSuccStart[b + 1]; e < ee; e++) {
            if (walker.isLiveIn(succs[e])) {
              out = true;
              break;
            }
          }
        }
        if (out) hi = be;
        // A parameter nothing reads gets no range: nothing is moved into it.
        if (hi < 0) continue;
      }
      if (w > rangeStart[v] && to[w - 1] === lo) {
        to[w - 1] = hi;
        continue;
      }
      if (w === gf.data.length) {
        gf.grow();
        gt.grow();
        from = gf.data;
        to = gt.data;
      }
      from[w] = lo;
      to[w] = hi;
      w++;
    }
  }
  rangeStart[nv] = w;
  live.rangeFrom = from.slice(0, w);
  live.rangeTo = to.slice(0, w);
  gf.trim();
  gt.trim();
}

/**
 * The vregs live into each block, as CSR tables by block (fresh arrays: for the checker, which
 * wants the sets themselves).
 */
export function liveInByBlock(f: RegAllocFunction, live: Liveness, instBlock: Int32Array): { start: Int32Array; vregs: Int32Array } {
  const nb = f.numBlocks;
  const walker = new LiveInWalker(f, live, instBlock);
  const start = new Int32Array(nb + 1);
  for (let v = 0; v < f.numVRegs; v++) {
    if (live.defBlock[v] < 0) continue;
    walker.walk(v);
    const n = walker.extract();
    for (let j = 0; j < n; j++) start[walker.list[j] + 1]++;
  }
  for (let b = 0; b < nb; b++) start[b + 1] += start[b];
  const vregs = new Int32Array(start[nb]);
  const fill = start.slice(0, nb);
  for (let v = 0; v < f.numVRegs; v++) {
    if (live.defBlock[v] < 0) continue;
    walker.walk(v);
    const n = walker.extract();
    for (let j = 0; j < n; j++) vregs[fill[walker.list[j]]++] = v;
  }
  return { start, vregs };
}
