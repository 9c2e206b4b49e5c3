// From "vreg v lives in location L over points [from, to)" to edits: moves where a vreg's
// location changes inside a block, on CFG edges (including block parameters), and around
// operands whose location is not the vreg's current one (fixed registers, reuse pieces,
// stack-only operands).

import type { Analysis } from './analysis';
import type { Env } from './env';
import { edgeMoveInst, edgeMoveInstTo } from './fast';
import type { RegAllocFunction } from './func';
import {
  type Liveness,
  pointOfUse as pointOfUseImport,
} from './liveness';
import { ScratchF64, ScratchI32, ScratchU8 } from './scratch';
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
/** Sort keys of one vreg's segments: point * SEG_INDEX + index (exact in a double). */
const SEG_INDEX = 1 << 20;
const scratchKeys = new ScratchF64();
const scratchTmpFrom = new ScratchI32();
const scratchTmpTo = new ScratchI32();
const scratchTmpLoc = new ScratchI32();
const scratchStart = new ScratchI32();
const scratchFill = new ScratchI32();
const scratchFrom = new ScratchI32();
const scratchTo = new ScratchI32();
const scratchLoc = new ScratchI32();
const scratchStackDef = new ScratchU8();
const scratchMark = new ScratchI32();
const scratchEntryLoc = new ScratchI32();
const scratchExitLoc = new ScratchI32();
const scratchSegAt = new ScratchI32();
const scratchBFlags = new ScratchU8();
const scratchOdd = new ScratchI32();
const scratchExits = new ScratchI32();
const scratchWork = new ScratchI32();
const scratchLocs = new ScratchI32();
const scratchLens = new ScratchI32();

/** Segments sorted by vreg, then by point; views of scratch storage, dead after `resolve`. */
class SegmentIndex {
  readonly start: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly loc: Int32Array;

  constructor(nv: number, s: Segments) {
    const n = s.vreg.length;
    // Counting sort by vreg, then each vreg's segments by point (most vregs have one or two).
    const start = scratchStart.take(nv + 1);
    for (let k = 0; k < n; k++) start[s.vreg[k] + 1]++;
    for (let v = 0; v < nv; v++) start[v + 1] += start[v];
    const fill = scratchFill.take(nv);
    fill.set(start.subarray(0, nv));
    const from = (this.from = scratchFrom.take(n));
    const to = (this.to = scratchTo.take(n));
    const loc = (this.loc = scratchLoc.take(n));
    for (let k = 0; k < n; k++) {
      const at = fill[s.vreg[k]]++;
      from[at] = s.from[k];
      to[at] = s.to[k];
      loc[at] = s.loc[k];
    }
    this.start = start;
    for (let v = 0; v < nv; v++) {
      const lo = start[v];
      const hi = start[v + 1];
      if (hi - lo < 2) continue;
      if (hi - lo <= 32) {
        // Insertion sort by `from` (segments of one vreg never share a start).
        for (let i = lo + 1; i < hi; i++) {
          const f = from[i];
          const t = to[i];
          const l = loc[i];
          let j = i - 1;
          while (j >= lo && from[j] > f) {
            from[j + 1] = from[j];
            to[j + 1] = to[j];
            loc[j + 1] = loc[j];
            j--;
          }
          from[j + 1] = f;
          to[j + 1] = t;
          loc[j + 1] = l;
        }
        continue;
      }
      // Many segments (a long-lived value split around its uses): sort (from, index) keys.
      const m = hi - lo;
      const keys = scratchKeys.take(m);
      if (m < SEG_INDEX) {
        for (let i = 0; i < m; i++) keys[i] = from[lo + i] * SEG_INDEX + i;
        keys.sort();
        for (let i = 0; i < m; i++) keys[i] %= SEG_INDEX;
      } else {
        const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => from[lo + x] - from[lo + y]);
        for (let i = 0; i < m; i++) keys[i] = order[i];
      }
      const tf = scratchTmpFrom.take(m);
      const tt = scratchTmpTo.take(m);
      const tl = scratchTmpLoc.take(m);
      for (let i = 0; i < m; i++) {
        const k = lo + keys[i];
        tf[i] = from[k];
        tt[i] = to[k];
        tl[i] = loc[k];
      }
      from.set(tf, lo);
      to.set(tt, lo);
      loc.set(tl, lo);
    }
  }

  /** Index of v's first segment ending after point p (`start[v + 1]` if none). */
  after(v: number, p: number): number {
    let lo = this.start[v];
    let hi = this.start[v + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.to[mid] <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of v's segment containing point p, or -1. */
  find(v: number, p: number): number {
    const k = this.after(v, p);
    return k < this.start[v + 1] && this.from[k] <= p ? k : -1;
  }

  locAt(v: number, p: number): number {
    const k = this.find(v, p);
    return k < 0 ? -1 : this.loc[k];
  }
}

export function resolve(f: RegAllocFunction, env: Env, a: Analysis, live: Liveness, segs: Segments, place: OperandPlacement): RegAllocOutput {
  const idx = new SegmentIndex(f.numVRegs, segs);
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
 * Emits the moves where a vreg changes location inside a block or on an edge into a block where
 * it is live in, dropping stores into its spill slot when the slot already holds the value. SSA
 * values never change and nothing else of a spill set is live while one of its vregs is, so
 * once stored, the slot stays valid until the vreg is redefined. Validity at block exits is a
 * forward "must" dataflow per vreg over the blocks where it lives.
 *
 * Only vregs that change location need any of this, and for each only what happens around its
 * "odd" segments: a vreg is live in every block whose start one of its segments covers, and an
 * edge needs a move only where the locations at its two ends differ. Taking the vreg's main
 * location (its spill slot, or the location it holds longest) as the rule, only blocks entered
 * or left in another location can need an edge move, and only they take part in the slot
 * validity dataflow (a block entered in the slot has it valid). A long-lived value of a large
 * function, spilled with short register pieces around its uses, then costs its segments, not
 * the thousands of blocks it lives across.
 */
function locationChanges(f: RegAllocFunction, a: Analysis, live: Liveness, idx: SegmentIndex, stackDef: Uint8Array, edits: EditCollector): void {
  const nb = f.numBlocks;
  const nv = f.numVRegs;
  const mark = scratchMark.take(nb, -1);
  const entryLoc = scratchEntryLoc.take(nb);
  const exitLoc = scratchExitLoc.take(nb);
  const segAt = scratchSegAt.take(nb);
  const bflags = scratchBFlags.take(nb);
  const odd = scratchOdd.take(nb);
  const exits = scratchExits.take(nb);
  const work = scratchWork.take(nb);
  const locs = scratchLocs.take(64);
  const lens = scratchLens.take(64);
  const { blockInstStart, blockInstEnd, blockPredStart, preds, blockSuccStart, succs } = f;
  const instBlock = a.instBlock;
  const { from: segFrom, to: segTo, loc: segLoc } = idx;
  for (let v = 0; v < nv; v++) {
    const s0 = idx.start[v];
    const s1 = idx.start[v + 1];
    if (s0 === s1) continue;
    let slot = -1;
    let moves = false;
    for (let k = s0; k < s1; k++) {
      if (segLoc[k] >= SLOT_BASE) slot = segLoc[k];
      if (segLoc[k] !== segLoc[s0]) moves = true;
    }
    // One location for the whole life (most vregs): no move inside a block or on an edge.
    if (!moves) continue;
    const cls = f.vregClass[v] as RegClass;
    const db = live.defBlock[v];
    // The main location: the slot, else the location held over the most points.
    let main = slot;
    if (main < 0) {
      let nl = 0;
      for (let k = s0; k < s1; k++) {
        let j = 0;
        while (j < nl && locs[j] !== segLoc[k]) j++;
        if (j === nl) {
          if (nl === locs.length) break;
          locs[nl] = segLoc[k];
          lens[nl++] = 0;
        }
        lens[j] += segTo[k] - segFrom[k];
      }
      let best = 0;
      for (let j = 1; j < nl; j++) if (lens[j] > lens[best]) best = j;
      main = locs[best];
    }
    // The blocks entered (R) and left (X) in another location, from the odd segments.
    let nOdd = 0;
    let nExits = 0;
    mark[db] = v;
    bflags[db] = 0;
    for (let k = s0; k < s1; k++) {
      if (segLoc[k] === main) continue;
      const from = segFrom[k];
      const to = segTo[k];
      let x = instBlock[from >> 2];
      if (4 * blockInstStart[x] < from) x++;
      for (; x < nb && 4 * blockInstStart[x] < to; x++) {
        if (x === db) continue;
        if (mark[x] !== v) {
          mark[x] = v;
          bflags[x] = 0;
        }
        bflags[x] |= ODD_ENTRY;
        entryLoc[x] = segLoc[k];
        segAt[x] = k;
        odd[nOdd++] = x;
      }
      for (let p = instBlock[from >> 2]; p < nb && 4 * blockInstEnd[p] - 1 < to; p++) {
        if (mark[p] !== v) {
          mark[p] = v;
          bflags[p] = 0;
        }
        bflags[p] |= ODD_EXIT;
        exitLoc[p] = segLoc[k];
        exits[nExits++] = p;
      }
    }
    // The segment of the definition: the first one in the defining block.
    const dbSeg = idx.after(v, 4 * blockInstStart[db]);
    const h0 = segLoc[dbSeg] === slot || stackDef[v] === 1 ? 1 : 0;
    if (slot >= 0) {
      // Slot validity (main is the slot): every block entered in the slot has it valid. The
      // others' entry validity is the greatest fixpoint of: entry = every predecessor's exit,
      // exit = (a move into the slot inside) or entry; the defining block's exit starts
      // from h0. First the moves into the slot inside those blocks.
      genOf(db, dbSeg, v, slot, idx, blockInstEnd, bflags);
      for (let j = 0; j < nOdd; j++) genOf(odd[j], segAt[odd[j]], v, slot, idx, blockInstEnd, bflags);
      let top = 0;
      for (let j = nOdd - 1; j >= 0; j--) {
        const x = odd[j];
        bflags[x] |= H_IN | QUEUED;
        work[top++] = x;
      }
      while (top > 0) {
        const x = work[--top];
        bflags[x] &= ~QUEUED;
        if (!(bflags[x] & H_IN)) continue;
        if (entryValid(x, v, db, h0, mark, bflags, blockPredStart, preds)) continue;
        bflags[x] &= ~H_IN;
        if (bflags[x] & GEN) continue;
        // Its exit became invalid: its successors entered in a register may follow.
        for (let e = blockSuccStart[x]; e < blockSuccStart[x + 1]; e++) {
          const s = succs[e];
          if (mark[s] === v && (bflags[s] & (ODD_ENTRY | QUEUED | H_IN)) === (ODD_ENTRY | H_IN)) {
            bflags[s] |= QUEUED;
            work[top++] = s;
          }
        }
      }
    }
    // Moves inside blocks, in point order, with the slot validity where the block entered.
    let curBlock = -1;
    let h = 0;
    for (let k = s0 + 1; k < s1; k++) {
      const at = segFrom[k];
      const x = instBlock[at >> 2];
      if (at === 4 * blockInstStart[x]) continue;
      const from = segLoc[k - 1];
      const to = segLoc[k];
      if (x !== curBlock) {
        curBlock = x;
        h = slot < 0 ? 0 : x === db ? h0 : mark[x] === v && bflags[x] & ODD_ENTRY ? (bflags[x] & H_IN ? 1 : 0) : 1;
      }
      if (from === to) continue;
      if ((at & 3) !== 0) throw new Error(`internal: v${v} changes location inside instruction ${at >> 2}`);
      if (to === slot) {
        if (h) continue;
        h = 1;
      }
      edits.add(at >> 2, EditSide.Before, MovePrio.Split, from, to, cls);
    }
    // Edges into blocks entered in another location (from every predecessor), then edges out
    // of blocks left in another location into blocks entered in the main one.
    for (let j = 0; j < nOdd; j++) {
      const x = odd[j];
      const to = entryLoc[x];
      for (let k = blockPredStart[x]; k < blockPredStart[x + 1]; k++) {
        const p = preds[k];
        const from = idx.locAt(v, 4 * blockInstEnd[p] - 1);
        if (from < 0) throw new Error(`internal: live-in v${v} of block ${x} has no location on the edge from block ${p}`);
        if (from === to) continue;
        edgeMove(f, edits, p, x, from, to, cls);
      }
    }
    for (let j = 0; j < nExits; j++) {
      const p = exits[j];
      const from = exitLoc[p];
      for (let e = blockSuccStart[p]; e < blockSuccStart[p + 1]; e++) {
        const x = succs[e];
        if (x === db || (mark[x] === v && bflags[x] & ODD_ENTRY)) continue;
        const to = idx.locAt(v, 4 * blockInstStart[x]);
        if (to < 0) continue;
        if (to === slot && exitValid(p, v, db, h0, mark, bflags)) continue;
        edgeMove(f, edits, p, x, from, to, cls);
      }
    }
  }
}

/** Per-block flags of `locationChanges` (valid where `mark` holds the vreg). */
const ODD_ENTRY = 1;
const ODD_EXIT = 2;
const GEN = 4;
const H_IN = 8;
const QUEUED = 16;

function edgeMove(f: RegAllocFunction, edits: EditCollector, p: number, x: number, from: number, to: number, cls: RegClass): void {
  const at = edgeMoveInstTo(f, p, x);
  edits.add(at, EditSide.Before, at === f.blockInstStart[x] ? MovePrio.EdgeIn : MovePrio.EdgeOut, from, to, cls);
}

/** Sets GEN on block `b` when one of v's segments inside it, after `seg`, moves v into the slot. */
function genOf(b: number, seg: number, v: number, slot: number, idx: SegmentIndex, blockInstEnd: Int32Array, bflags: Uint8Array): void {
  const be = 4 * blockInstEnd[b];
  for (let k = seg + 1; k < idx.start[v + 1] && idx.from[k] < be; k++) {
    if (idx.loc[k] === slot && idx.loc[k - 1] !== slot) {
      bflags[b] |= GEN;
      return;
    }
  }
}

/** Whether v's slot holds its value at the exit of block `p` (where v is live out). */
function exitValid(p: number, v: number, db: number, h0: number, mark: Int32Array, bflags: Uint8Array): boolean {
  if (mark[p] !== v) return true; // entered in the slot, no odd segment: valid throughout
  const fl = bflags[p];
  if (p === db) return (fl & GEN) !== 0 || h0 === 1;
  if (!(fl & ODD_ENTRY)) return true;
  return (fl & (GEN | H_IN)) !== 0;
}

/** Whether every predecessor of `x` leaves v's slot valid. */
function entryValid(x: number, v: number, db: number, h0: number, mark: Int32Array, bflags: Uint8Array, predStart: Int32Array, preds: Int32Array): boolean {
  for (let k = predStart[x]; k < predStart[x + 1]; k++) if (!exitValid(preds[k], v, db, h0, mark, bflags)) return false;
  return true;
}
