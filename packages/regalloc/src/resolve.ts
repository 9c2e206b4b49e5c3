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
  /** Per operand: its fixed register, or -1. */
  opLocal: Int32Array;
  /** Per operand: the register of its reuse piece, or -1. */
  pieceAlloc: Int32Array;
  slotClasses: number[];
  /** The spill slot a stack-only operand of `v` uses. */
  stackSlotOf: (v: number) => number;
}

class SegmentIndex {
  readonly start: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly loc: Int32Array;

  constructor(nv: number, numPoints: number, s: Segments) {
    const n = s.vreg.length;
    // Radix sort: by `from`, then stably by vreg.
    const byFrom = new Int32Array(numPoints + 2);
    for (let k = 0; k < n; k++) byFrom[s.from[k] + 1]++;
    for (let p = 0; p <= numPoints; p++) byFrom[p + 1] += byFrom[p];
    const order1 = new Int32Array(n);
    for (let k = 0; k < n; k++) order1[byFrom[s.from[k]]++] = k;
    const start = new Int32Array(nv + 1);
    for (let k = 0; k < n; k++) start[s.vreg[k] + 1]++;
    for (let v = 0; v < nv; v++) start[v + 1] += start[v];
    const fill = start.slice(0, nv);
    this.from = new Int32Array(n);
    this.to = new Int32Array(n);
    this.loc = new Int32Array(n);
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
  const stackDef = new Uint8Array(f.numVRegs);

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
      if (c === Constraint.Fixed) a = place.opLocal[o];
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
  const liveBlocksStart = new Int32Array(nv + 1);
  for (let k = 0; k < live.liveIn.length; k++) liveBlocksStart[live.liveIn[k] + 1]++;
  for (let v = 0; v < nv; v++) liveBlocksStart[v + 1] += liveBlocksStart[v];
  const liveBlocks = new Int32Array(live.liveIn.length);
  const fill = liveBlocksStart.slice(0, nv);
  for (let b = 0; b < nb; b++) for (let k = live.liveInStart[b]; k < live.liveInStart[b + 1]; k++) liveBlocks[fill[live.liveIn[k]]++] = b;

  const mark = new Int32Array(nb).fill(-1);
  const hExit = new Uint8Array(nb);
  const queued = new Uint8Array(nb);
  const work: number[] = [];
  for (let v = 0; v < nv; v++) {
    const s0 = idx.start[v];
    const s1 = idx.start[v + 1];
    if (s0 === s1) continue;
    let slot = -1;
    for (let k = s0; k < s1; k++) if (idx.loc[k] >= SLOT_BASE) slot = idx.loc[k];
    const cls = f.vregClass[v] as RegClass;
    const defBlock = a.defInst[v] < 0 ? -1 - a.defInst[v] : a.instBlock[a.defInst[v]];

    // Walks v's segments in block b from entry validity `hIn`; returns exit validity.
    const walk = (b: number, hIn: number, emit: boolean): number => {
      const be = 4 * f.blockInstEnd[b];
      let k: number;
      let h: number;
      if (b === defBlock) {
        k = s0;
        h = idx.loc[k] === slot || stackDef[v] === 1 ? 1 : 0;
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
        if (emit) edits.add(at >> 2, EditSide.Before, MovePrio.Split, from, to, cls);
      }
      return h;
    };
    const entry = (b: number): number => {
      if (b === defBlock) return 0;
      if (idx.locAt(v, 4 * f.blockInstStart[b]) === slot) return 1;
      for (let k = f.blockPredStart[b]; k < f.blockPredStart[b + 1]; k++) {
        const p = f.preds[k];
        if (mark[p] !== v || !hExit[p]) return 0;
      }
      return 1;
    };

    // Edge moves into live-in block `s`: skipped into the slot where it is already valid.
    const edgesInto = (s: number, useValidity: boolean): void => {
      const start = 4 * f.blockInstStart[s];
      const to = idx.locAt(v, start);
      for (let k = f.blockPredStart[s]; k < f.blockPredStart[s + 1]; k++) {
        const p = f.preds[k];
        const from = idx.locAt(v, 4 * f.blockInstEnd[p] - 1);
        if (from < 0 || to < 0) throw new Error(`internal: live-in v${v} of block ${s} has no location on the edge from block ${p}`);
        if (from === to || (useValidity && to === slot && hExit[p] && mark[p] === v)) continue;
        const at = edgeMoveInstTo(f, p, s);
        edits.add(at, EditSide.Before, at === f.blockInstStart[s] ? MovePrio.EdgeIn : MovePrio.EdgeOut, from, to, cls);
      }
    };

    const first = liveBlocksStart[v];
    const last = liveBlocksStart[v + 1];
    if (slot < 0) {
      walk(defBlock, 0, true);
      for (let k = first; k < last; k++) {
        walk(liveBlocks[k], 0, true);
        edgesInto(liveBlocks[k], false);
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
      const h = walk(b, entry(b), false);
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
    walk(defBlock, 0, true);
    for (let k = first; k < last; k++) {
      const b = liveBlocks[k];
      walk(b, entry(b), true);
      edgesInto(b, true);
    }
  }
}
