// From "vreg v lives in location L over points [from, to)" to edits: moves where a vreg's
// location changes inside a block, on CFG edges (including block parameters), and around
// operands whose location is not the vreg's current one (fixed registers, reuse pieces,
// stack-only operands).

import type { Analysis } from './analysis';
import type { Env } from './env';
import { edgeMoveInst, edgeMoveInstTo } from './fast';
import type { RegAllocFunction } from './func';
import type { Liveness } from './liveness';
import {
  pointOfUse as pointOfUseImport,
} from './liveness';
import { ScratchI32, ScratchU8 } from './scratch';
import { EditCollector, EditSide, MovePrio, buildOutput, type RegAllocOutput } from './output';
import {
  Constraint,
  InstFlag,
  SLOT_BASE,
  OperandKind,
  type RegClass,
  opConstraint as opConstraintImport,
  opKind as opKindImport,
} from './types';

// Local bindings of hot helpers: under per-module transforms (tsx, vitest) every read of an
// imported binding goes through a getter, which costs more than the bit operations themselves.
const pointOfUse = pointOfUseImport;
const opConstraint = opConstraintImport;
const opKind = opKindImport;

export interface Segments {
  vreg: Int32Array;
  from: Int32Array;
  to: Int32Array;
  loc: Int32Array;
}

export interface OperandPlacement {
  /**
   * Per operand: its fixed register, or the register an early use was given alone at its
   * instruction (its value lives in the spill slot there: a move fills the register), or -1.
   */
  opLocal: Int32Array;
  /** Per operand: the register of its reuse piece, or -1. */
  pieceAlloc: Int32Array;
  slotClasses: number[];
  /** The spill slot a stack-only operand of `v` uses. */
  stackSlotOf: (v: number) => number;
}

// Temporaries of one `resolve` call (see scratch.ts).
const scratchByFrom = new ScratchI32();
const scratchOrder = new ScratchI32();
const scratchStart = new ScratchI32();
const scratchFill = new ScratchI32();
const scratchFrom = new ScratchI32();
const scratchTo = new ScratchI32();
const scratchLoc = new ScratchI32();
const scratchStackDef = new ScratchU8();
const scratchLiveBlocksStart = new ScratchI32();
const scratchLiveBlocks = new ScratchI32();
const scratchLiveFill = new ScratchI32();
const scratchMark = new ScratchI32();
const scratchHExit = new ScratchU8();
const scratchQueued = new ScratchU8();

/** Segments sorted by vreg, then by point; views of scratch storage, dead after `resolve`. */
class SegmentIndex {
  readonly start: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly loc: Int32Array;

  constructor(nv: number, numPoints: number, s: Segments) {
    const n = s.vreg.length;
    // Radix sort: by `from`, then stably by vreg.
    const byFrom = scratchByFrom.take(numPoints + 2);
    for (let k = 0; k < n; k++) byFrom[s.from[k] + 1]++;
    for (let p = 0; p <= numPoints; p++) byFrom[p + 1] += byFrom[p];
    const order1 = scratchOrder.take(n);
    for (let k = 0; k < n; k++) order1[byFrom[s.from[k]]++] = k;
    const start = scratchStart.take(nv + 1);
    for (let k = 0; k < n; k++) start[s.vreg[k] + 1]++;
    for (let v = 0; v < nv; v++) start[v + 1] += start[v];
    const fill = scratchFill.take(nv);
    fill.set(start.subarray(0, nv));
    this.from = scratchFrom.take(n);
    this.to = scratchTo.take(n);
    this.loc = scratchLoc.take(n);
    for (let j = 0; j < n; j++) {
      const k = order1[j];
      const at = fill[s.vreg[k]]++;
      this.from[at] = s.from[k];
      this.to[at] = s.to[k];
      this.loc[at] = s.loc[k];
    }
    this.start = start;
  }

  /** Index of v's segment containing point p, or -1. */
  find(v: number, p: number): number {
    let lo = this.start[v];
    let hi = this.start[v + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.to[mid] <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.start[v + 1] && this.from[lo] <= p ? lo : -1;
  }

  locAt(v: number, p: number): number {
    const k = this.find(v, p);
    return k < 0 ? -1 : this.loc[k];
  }
}

export function resolve(f: RegAllocFunction, env: Env, a: Analysis, live: Liveness, segs: Segments, place: OperandPlacement): RegAllocOutput {
  const idx = new SegmentIndex(f.numVRegs, 4 * f.numInsts + 4, segs);
  const edits = new EditCollector(env, f.numInsts, place.slotClasses);
  const allocs = new Int32Array(f.instOpStart[f.numInsts]).fill(-1);
  const internal = (msg: string, inst: number): Error => new Error(`internal: ${msg} at inst ${inst}`);
  const stackDef = scratchStackDef.take(f.numVRegs);

  for (let i = 0; i < f.numInsts; i++) {
    for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
      const info = f.opInfo[o];
      const v = f.opVReg[o];
      const p = pointOfUse(i, info);
      const seg = idx.find(v, p);
      if (seg < 0) throw internal(`v${v} has no location`, i);
      const cur = idx.loc[seg];
      const c = opConstraint(info);
      let a = cur;
      if (c === Constraint.Fixed || place.opLocal[o] >= 0) a = place.opLocal[o];
      else if (place.pieceAlloc[o] >= 0) a = place.pieceAlloc[o];
      else if (c === Constraint.Stack) a = place.stackSlotOf(v);
      allocs[o] = a;
      if (c === Constraint.Stack && opKind(info) === OperandKind.Def) stackDef[v] = 1;
      if (a === cur) continue;
      const cls = f.vregClass[v] as RegClass;
      if (opKind(info) === OperandKind.Use) edits.add(i, EditSide.Before, MovePrio.Operand, cur, a, cls);
      else if (!(idx.to[seg] <= 4 * i + 4 && (seg + 1 === idx.start[v + 1] || idx.from[seg + 1] > idx.to[seg]))) {
        // Only live defs are copied out of their operand location.
        edits.add(i, EditSide.After, MovePrio.Operand, a, cur, cls);
      }
    }
  }

  // Location changes of a vreg inside blocks and across edges into blocks where it is live.
  locationChanges(f, a, live, idx, stackDef, edits);
  // Block parameters: each edge moves its arguments into the parameters' locations.

  for (let b = 0; b < f.numBlocks; b++) {
    const endPoint = 4 * f.blockInstEnd[b] - 1;
    for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
      const s = f.succs[e];
      const at = edgeMoveInst(f, b, e);
      const startPoint = 4 * f.blockInstStart[s];
      if (f.blockParamStart[s + 1] === f.blockParamStart[s]) continue;
      for (let k = f.edgeArgStart[e], j = f.blockParamStart[s]; k < f.edgeArgStart[e + 1]; k++, j++) {
        const p = f.blockParams[j];
        const to = idx.locAt(p, startPoint);
        if (to < 0) continue;
        const from = idx.locAt(f.edgeArgs[k], endPoint);
        if (from < 0) throw internal(`branch argument v${f.edgeArgs[k]} has no location`, at);
        edits.add(at, EditSide.Before, (at === f.blockInstStart[s] ? MovePrio.EdgeIn : MovePrio.EdgeOut), from, to, f.vregClass[p] as RegClass);
      }
    }
  }

  const redundant = new Uint8Array(f.numInsts);
  for (let i = 0; i < f.numInsts; i++) {
    if (!(f.instFlags[i] & InstFlag.Move)) continue;
    const s = f.instOpStart[i];
    if (allocs[s] === allocs[s + 1]) redundant[i] = 1;
  }
  return buildOutput(env, f, allocs, edits, redundant);
}

/**
 * Emits the moves where a vreg changes location inside a block, dropping stores into its
 * spill slot when the slot already holds the value. SSA values never change and nothing
 * else of a spill set is live while one of its vregs is, so once stored, the slot stays
 * valid until the vreg is redefined. Validity at block exits is a forward "must" dataflow
 * per vreg over the blocks where it lives; it also drops stores on edges into blocks where
 * the vreg is live-in, whose moves are emitted here.
 */
function locationChanges(f: RegAllocFunction, a: Analysis, live: Liveness, idx: SegmentIndex, stackDef: Uint8Array, edits: EditCollector): void {
  const nb = f.numBlocks;
  const nv = f.numVRegs;
  const liveBlocksStart = scratchLiveBlocksStart.take(nv + 1);
  for (let k = 0; k < live.liveIn.length; k++) liveBlocksStart[live.liveIn[k] + 1]++;
  for (let v = 0; v < nv; v++) liveBlocksStart[v + 1] += liveBlocksStart[v];
  const liveBlocks = scratchLiveBlocks.take(live.liveIn.length);
  const fill = scratchLiveFill.take(nv);
  fill.set(liveBlocksStart.subarray(0, nv));
  for (let b = 0; b < nb; b++) for (let k = live.liveInStart[b]; k < live.liveInStart[b + 1]; k++) liveBlocks[fill[live.liveIn[k]]++] = b;

  const w = new VRegWalker(f, idx, stackDef, edits, scratchMark.take(nb, -1), scratchHExit.take(nb));
  const mark = w.mark;
  const hExit = w.hExit;
  const queued = scratchQueued.take(nb);
  const work: number[] = [];
  for (let v = 0; v < nv; v++) {
    const s0 = idx.start[v];
    const s1 = idx.start[v + 1];
    if (s0 === s1) continue;
    let slot = -1;
    for (let k = s0; k < s1; k++) if (idx.loc[k] >= SLOT_BASE) slot = idx.loc[k];
    const defBlock = a.defInst[v] < 0 ? -1 - a.defInst[v] : a.instBlock[a.defInst[v]];
    w.start(v, slot, defBlock);

    const first = liveBlocksStart[v];
    const last = liveBlocksStart[v + 1];
    if (slot < 0) {
      w.walk(defBlock, 0, true);
      for (let k = first; k < last; k++) {
        w.walk(liveBlocks[k], 0, true);
        w.edgesInto(liveBlocks[k], false);
      }
      continue;
    }
    mark[defBlock] = v;
    hExit[defBlock] = 1;
    for (let k = first; k < last; k++) {
      mark[liveBlocks[k]] = v;
      hExit[liveBlocks[k]] = 1;
    }
    work.push(defBlock);
    queued[defBlock] = 1;
    for (let k = first; k < last; k++) {
      work.push(liveBlocks[k]);
      queued[liveBlocks[k]] = 1;
    }
    while (work.length) {
      const b = work.pop()!;
      queued[b] = 0;
      const h = w.walk(b, w.entry(b), false);
      if (h === hExit[b]) continue;
      hExit[b] = h;
      for (let k = f.blockSuccStart[b]; k < f.blockSuccStart[b + 1]; k++) {
        const s = f.succs[k];
        if (mark[s] === v && !queued[s]) {
          queued[s] = 1;
          work.push(s);
        }
      }
    }
    w.walk(defBlock, 0, true);
    for (let k = first; k < last; k++) {
      const b = liveBlocks[k];
      w.walk(b, w.entry(b), true);
      w.edgesInto(b, true);
    }
  }
}

/** `locationChanges`' per-vreg steps, for the vreg set by `start` (one object per function). */
class VRegWalker {
  private v = 0;
  private s0 = 0;
  private s1 = 0;
  private slot = -1;
  private cls: RegClass = 0;
  private defBlock = 0;

  constructor(
    private readonly f: RegAllocFunction,
    private readonly idx: SegmentIndex,
    private readonly stackDef: Uint8Array,
    private readonly edits: EditCollector,
    /** Per block: the vreg whose validity `hExit` holds. */
    readonly mark: Int32Array,
    /** Per block: whether the vreg's slot holds its value at the block's exit. */
    readonly hExit: Uint8Array,
  ) {}

  start(v: number, slot: number, defBlock: number): void {
    this.v = v;
    this.s0 = this.idx.start[v];
    this.s1 = this.idx.start[v + 1];
    this.slot = slot;
    this.cls = this.f.vregClass[v] as RegClass;
    this.defBlock = defBlock;
  }

  /** Walks v's segments in block b from entry validity `hIn`; returns exit validity. */
  walk(b: number, hIn: number, emit: boolean): number {
    const { f, idx, v, s1, slot } = this;
    const be = 4 * f.blockInstEnd[b];
    let k: number;
    let h: number;
    if (b === this.defBlock) {
      k = this.s0;
      h = idx.loc[k] === slot || this.stackDef[v] === 1 ? 1 : 0;
    } else {
      k = idx.find(v, 4 * f.blockInstStart[b]);
      h = hIn;
    }
    for (k++; k < s1 && idx.from[k] < be; k++) {
      const from = idx.loc[k - 1];
      const to = idx.loc[k];
      if (from === to) continue;
      const at = idx.from[k];
      if ((at & 3) !== 0) throw new Error(`internal: v${v} changes location inside instruction ${at >> 2}`);
      if (to === slot) {
        if (h) continue;
        h = 1;
      }
      if (emit) this.edits.add(at >> 2, EditSide.Before, MovePrio.Split, from, to, this.cls);
    }
    return h;
  }

  entry(b: number): number {
    const f = this.f;
    if (b === this.defBlock) return 0;
    if (this.idx.locAt(this.v, 4 * f.blockInstStart[b]) === this.slot) return 1;
    for (let k = f.blockPredStart[b]; k < f.blockPredStart[b + 1]; k++) {
      const p = f.preds[k];
      if (this.mark[p] !== this.v || !this.hExit[p]) return 0;
    }
    return 1;
  }

  /** Edge moves into live-in block `s`: skipped into the slot where it is already valid. */
  edgesInto(s: number, useValidity: boolean): void {
    const { f, idx, v, slot } = this;
    const start = 4 * f.blockInstStart[s];
    const to = idx.locAt(v, start);
    for (let k = f.blockPredStart[s]; k < f.blockPredStart[s + 1]; k++) {
      const p = f.preds[k];
      const from = idx.locAt(v, 4 * f.blockInstEnd[p] - 1);
      if (from < 0 || to < 0) throw new Error(`internal: live-in v${v} of block ${s} has no location on the edge from block ${p}`);
      if (from === to || (useValidity && to === slot && this.hExit[p] && this.mark[p] === v)) continue;
      const at = edgeMoveInstTo(f, p, s);
      this.edits.add(at, EditSide.Before, at === f.blockInstStart[s] ? MovePrio.EdgeIn : MovePrio.EdgeOut, from, to, this.cls);
    }
  }
}
