// The optimizing allocator.
//
//   live ranges per vreg ──merge over moves and block params──▶ bundles (one spill set each)
//   fixed operands and clobbers ──▶ pre-colored, unevictable intervals
//   reuse constraints ──▶ small "piece" bundles tying an input and a def to one register
//   priority queue (largest bundle first):
//      free register (hint first)     → assign
//      cheaper conflicts somewhere    → evict them (they go back to the queue), assign
//      no register use                → spill to the spill set's slot
//      otherwise                      → split (at the conflict, preferring a block boundary
//                                       of lower loop depth; or around the first register
//                                       use) and requeue the parts
//   resolve: segments → moves at split points, on CFG edges and around constrained operands
//
// Spill weights count uses scaled by 4^loop depth per unit of length, so values used in
// loops keep their registers and splits land outside loops.

import type { Analysis } from './analysis';
import type { Env } from './env';
import type { RegAllocFunction } from './func';
import {
  computeLiveness,
  type Liveness,
  operandEnd as operandEndImport,
  pointOfUse as pointOfUseImport,
} from './liveness';
import { FIXED_OWNER, NO_VREG, Occupancy } from './occupancy';
import type { RegAllocOutput } from './output';
import { resolve, type Segments } from './resolve';
import {
  CLASS_NAMES,
  Constraint,
  InstFlag,
  OperandKind,
  UnsatisfiableConstraintError,
  slotAlloc,
  type RegClass,
  opArg as opArgImport,
  opConstraint as opConstraintImport,
  opKind as opKindImport,
} from './types';

// Local bindings of hot helpers: under per-module transforms (tsx, vitest) every read of an
// imported binding goes through a getter, which costs more than the bit operations themselves.
const operandEnd = operandEndImport;
const pointOfUse = pointOfUseImport;
const opArg = opArgImport;
const opConstraint = opConstraintImport;
const opKind = opKindImport;

const USE_REG = 1;
const MAX_MERGED_RANGES = 4096;

class Bundle {
  alloc = -1;
  weight = 0;
  hasReg = false;
  minimal = false;
  hint = -1;
  start = 0;
  end = 0;
  constructor(
    readonly id: number,
    readonly cls: RegClass,
    /** (from, to, vreg) triples, sorted by from, disjoint. */
    public ranges: number[],
    /** (point, operand, flags) triples, sorted by point. */
    public uses: number[],
    public spillSet: number,
    readonly piece: boolean,
  ) {}
}

class Heap {
  private ids: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.ids.length;
  }
  push(id: number, key: number): void {
    const ids = this.ids;
    const keys = this.keys;
    let i = ids.length;
    ids.push(id);
    keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] >= key) break;
      ids[i] = ids[p];
      keys[i] = keys[p];
      i = p;
    }
    ids[i] = id;
    keys[i] = key;
  }
  pop(): number {
    const ids = this.ids;
    const keys = this.keys;
    const top = ids[0];
    const lastId = ids.pop()!;
    const lastKey = keys.pop()!;
    const n = ids.length;
    if (n > 0) {
      let i = 0;
      while (true) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] > keys[c]) c++;
        if (keys[c] <= lastKey) break;
        ids[i] = ids[c];
        keys[i] = keys[c];
        i = c;
      }
      ids[i] = lastId;
      keys[i] = lastKey;
    }
    return top;
  }
}

class Allocator {
  readonly bundles: Bundle[] = [];
  readonly queue = new Heap();
  readonly occ: Occupancy;
  /** Per operand: a location decided up front (fixed register, reuse piece), else -1. */
  readonly opLocal: Int32Array;
  /** Per operand that uses a reuse piece: the piece bundle. */
  readonly opPiece: Int32Array;
  readonly spillSetSlot = new Map<number, number>();
  readonly slotClasses: number[] = [];
  readonly vregBundle: Int32Array;
  private readonly freq: Float64Array;
  private stamp: Int32Array = new Int32Array(16);
  /** Per bundle id: its spill weight, for conflict scans. */
  weights = new Float64Array(1024);
  private stampClock = 0;
  private budget: number;

  constructor(
    readonly f: RegAllocFunction,
    readonly env: Env,
    readonly a: Analysis,
    readonly live: Liveness,
  ) {
    this.occ = new Occupancy(env.numPRegs, 4 * f.numInsts + 4);
    this.opLocal = new Int32Array(f.instOpStart[f.numInsts]).fill(-1);
    this.opPiece = new Int32Array(f.instOpStart[f.numInsts]).fill(-1);
    this.vregBundle = new Int32Array(f.numVRegs).fill(-1);
    this.freq = new Float64Array(f.numBlocks);
    for (let b = 0; b < f.numBlocks; b++) this.freq[b] = 4 ** Math.min(a.loopDepth[b], 5);
    this.budget = 0;
  }

  slotOfSpillSet(set: number, cls: number): number {
    let s = this.spillSetSlot.get(set);
    if (s === undefined) {
      s = this.slotClasses.length;
      this.slotClasses.push(cls);
      this.spillSetSlot.set(set, s);
    }
    return slotAlloc(s);
  }

  private newBundle(cls: RegClass, ranges: number[], uses: number[], spillSet: number, piece: boolean): Bundle {
    const b = new Bundle(this.bundles.length, cls, ranges, uses, spillSet, piece);
    this.bundles.push(b);
    this.refresh(b);
    return b;
  }

  /** Recomputes the derived fields after the ranges or uses changed. */
  private refresh(b: Bundle): void {
    const r = b.ranges;
    b.start = r[0];
    b.end = r[r.length - 2];
    for (let k = 0; k < r.length; k += 3) if (r[k + 1] > b.end) b.end = r[k + 1];
    let cost = 0;
    let hasReg = false;
    let regInst = -1;
    let oneInst = true;
    for (let k = 0; k < b.uses.length; k += 3) {
      const fl = this.freq[this.a.instBlock[b.uses[k] >> 2]];
      if (b.uses[k + 2] & USE_REG) {
        hasReg = true;
        cost += 2 * fl;
        const inst = b.uses[k] >> 2;
        if (regInst < 0) regInst = inst;
        else if (regInst !== inst) oneInst = false;
      } else cost += fl;
    }
    b.hasReg = hasReg;
    b.minimal = b.piece || (hasReg && oneInst && b.start >= 4 * regInst && b.end <= 4 * regInst + 4);
    let size = 0;
    for (let k = 0; k < r.length; k += 3) size += r[k + 1] - r[k];
    b.weight = b.minimal ? Infinity : cost / (size / 4 + 1);
    if (b.id >= this.weights.length) {
      const n = new Float64Array(Math.max(b.id + 1, this.weights.length * 2));
      n.set(this.weights);
      this.weights = n;
    }
    this.weights[b.id] = b.weight;
  }

  private enqueue(b: Bundle): void {
    this.queue.push(b.id, b.piece || b.minimal ? -1 : b.end - b.start);
  }

  // ---- setup ---------------------------------------------------------------------------

  buildBundles(): void {
    const f = this.f;
    const live = this.live;
    const usesOf: number[][] = new Array(f.numVRegs);
    for (let i = 0; i < f.numInsts; i++) {
      const s = f.instOpStart[i];
      const e = f.instOpStart[i + 1];
      for (let o = s; o < e; o++) {
        const info = f.opInfo[o];
        const v = f.opVReg[o];
        const c = opConstraint(info);
        let flags = c === Constraint.Reg ? USE_REG : 0;
        if (c === Constraint.Reg && opKind(info) === OperandKind.Use && this.isReuseInput(s, e, o)) flags = 0;
        (usesOf[v] ??= []).push(pointOfUse(i, info), o, flags);
      }
    }
    for (let v = 0; v < f.numVRegs; v++) {
      const rs = live.vregRangeStart[v];
      const re = live.vregRangeStart[v + 1];
      if (rs === re) continue;
      const ranges: number[] = [];
      for (let k = rs; k < re; k++) ranges.push(live.rangeFrom[k], live.rangeTo[k], v);
      const b = this.newBundle(f.vregClass[v] as RegClass, ranges, usesOf[v] ?? [], this.bundles.length, false);
      this.vregBundle[v] = b.id;
    }
  }

  private isReuseInput(s: number, e: number, o: number): boolean {
    for (let k = s; k < e; k++) {
      const info = this.f.opInfo[k];
      if (opConstraint(info) === Constraint.Reuse && s + opArg(info) === o) return true;
    }
    return false;
  }

  private root(v: number): number {
    let b = this.vregBundle[v];
    while (b >= 0 && this.mergedInto[b] >= 0) b = this.mergedInto[b];
    return b;
  }
  private mergedInto: number[] = [];

  /** Merges the bundles of `x` and `y` if their ranges never overlap. */
  private tryMerge(x: number, y: number): void {
    const bx = this.root(x);
    const by = this.root(y);
    if (bx < 0 || by < 0 || bx === by) return;
    const A = this.bundles[bx];
    const B = this.bundles[by];
    if (A.cls !== B.cls || A.ranges.length + B.ranges.length > 3 * MAX_MERGED_RANGES) return;
    const ra = A.ranges;
    const rb = B.ranges;
    const merged: number[] = [];
    let i = 0;
    let j = 0;
    while (i < ra.length || j < rb.length) {
      const takeA = j >= rb.length || (i < ra.length && ra[i] < rb[j]);
      const src = takeA ? ra : rb;
      const k = takeA ? i : j;
      if (merged.length && merged[merged.length - 2] > src[k]) return;
      merged.push(src[k], src[k + 1], src[k + 2]);
      if (takeA) i += 3;
      else j += 3;
    }
    const ua = A.uses;
    const ub = B.uses;
    const uses: number[] = [];
    i = j = 0;
    while (i < ua.length || j < ub.length) {
      if (j >= ub.length || (i < ua.length && ua[i] <= ub[j])) {
        uses.push(ua[i], ua[i + 1], ua[i + 2]);
        i += 3;
      } else {
        uses.push(ub[j], ub[j + 1], ub[j + 2]);
        j += 3;
      }
    }
    A.ranges = merged;
    A.uses = uses;
    B.ranges = [];
    B.uses = [];
    while (this.mergedInto.length < this.bundles.length) this.mergedInto.push(-1);
    this.mergedInto[by] = bx;
    this.refresh(A);
  }

  mergeBundles(): void {
    const f = this.f;
    this.mergedInto = new Array(this.bundles.length).fill(-1);
    for (let b = 0; b < f.numBlocks; b++) {
      for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
        const s = f.succs[e];
        for (let k = f.edgeArgStart[e], j = f.blockParamStart[s]; k < f.edgeArgStart[e + 1]; k++, j++) this.tryMerge(f.edgeArgs[k], f.blockParams[j]);
      }
    }
    for (let i = 0; i < f.numInsts; i++) {
      if (!(f.instFlags[i] & InstFlag.Move)) continue;
      const s = f.instOpStart[i];
      const u = opKind(f.opInfo[s]) === OperandKind.Use ? s : s + 1;
      const d = u === s ? s + 1 : s;
      this.tryMerge(f.opVReg[u], f.opVReg[d]);
    }
    for (let v = 0; v < f.numVRegs; v++) if (this.vregBundle[v] >= 0) this.vregBundle[v] = this.root(v);
    for (const b of this.bundles) {
      if (b.ranges.length) {
        b.spillSet = b.id;
        b.hint = this.hintOf(b);
      }
    }
  }

  private hintOf(b: Bundle): number {
    for (let k = 0; k < b.uses.length; k += 3) {
      const info = this.f.opInfo[b.uses[k + 1]];
      if (opConstraint(info) === Constraint.Fixed) {
        const p = opArg(info);
        if (!this.env.pregIsStack[p] && this.env.pregAllocatable[p]) return p;
      }
    }
    return -1;
  }

  /** Fixed operands and clobbers become unevictable intervals; reuse pairs become pieces. */
  precolor(): void {
    const f = this.f;
    for (let i = 0; i < f.numInsts; i++) {
      const s = f.instOpStart[i];
      const e = f.instOpStart[i + 1];
      for (let o = s; o < e; o++) {
        const info = f.opInfo[o];
        const c = opConstraint(info);
        if (c === Constraint.Fixed) {
          const p = opArg(info);
          this.opLocal[o] = p;
          // A use's register is filled before the instruction, so even a late use holds it
          // from the early point on.
          const from = opKind(info) === OperandKind.Use ? 4 * i : pointOfUse(i, info);
          if (!this.env.pregIsStack[p]) this.occ.add(p, from, operandEnd(i, info), FIXED_OWNER, f.opVReg[o]);
        } else if (c === Constraint.Reuse) {
          const input = s + opArg(info);
          const ranges = [4 * i, 4 * i + 1, f.opVReg[input], 4 * i + 2, 4 * i + 3, f.opVReg[o]];
          const uses = [4 * i, input, USE_REG, 4 * i + 2, o, USE_REG];
          const piece = this.newBundle(f.vregClass[f.opVReg[o]] as RegClass, ranges, uses, -1, true);
          this.opPiece[o] = piece.id;
          this.opPiece[input] = piece.id;
        }
      }
      for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) this.occ.add(f.clobbers[k], 4 * i + 1, 4 * i + 2, FIXED_OWNER, NO_VREG);
    }
  }

  // ---- main loop -----------------------------------------------------------------------

  run(): void {
    for (const b of this.bundles) if (b.ranges.length) this.enqueue(b);
    this.budget = 8 * this.bundles.length + 1000;
    while (this.queue.size) {
      const b = this.bundles[this.queue.pop()];
      if (b.alloc >= 0 || b.ranges.length === 0) continue;
      this.budget--;
      this.process(b);
    }
  }

  private nextStamp(): number {
    if (this.stamp.length < this.bundles.length) {
      const n = new Int32Array(this.bundles.length * 2);
      n.set(this.stamp);
      this.stamp = n;
    }
    return ++this.stampClock;
  }

  private isFree(b: Bundle, p: number): boolean {
    const r = b.ranges;
    for (let k = 0; k < r.length; k += 3) if (this.occ.busy(p, r[k], r[k + 1], r[k + 2])) return false;
    return true;
  }

  private assign(b: Bundle, p: number): void {
    const r = b.ranges;
    for (let k = 0; k < r.length; k += 3) this.occ.add(p, r[k], r[k + 1], b.id, r[k + 2]);
    b.alloc = p;
  }

  private unassign(b: Bundle): void {
    const r = b.ranges;
    for (let k = 0; k < r.length; k += 3) this.occ.remove(b.alloc, r[k], r[k + 1], b.id);
    b.alloc = -1;
  }

  private readonly acc = { max: 0, first: Infinity };

  /** Heaviest conflict of `b` in `p` (Infinity if unevictable) and the first conflict point. */
  private probe(b: Bundle, p: number): { max: number; first: number } {
    const acc = this.acc;
    acc.max = 0;
    acc.first = Infinity;
    const r = b.ranges;
    for (let k = 0; k < r.length; k += 3) {
      if (this.occ.probe(p, r[k], r[k + 1], r[k + 2], this.weights, b.weight, acc)) break;
    }
    return acc;
  }

  private process(b: Bundle): void {
    const order = this.env.order[b.cls];
    const hint = b.piece ? this.pieceHint(b) : b.hint;
    if (hint >= 0 && this.env.pregClass[hint] === b.cls && this.isFree(b, hint)) return this.assign(b, hint);
    for (let k = 0; k < order.length; k++) if (order[k] !== hint && this.isFree(b, order[k])) return this.assign(b, order[k]);

    let bestReg = -1;
    let bestMax = Infinity;
    let freeReg = -1;
    let freeUntil = -1;
    for (let k = 0; k < order.length; k++) {
      const { max, first } = this.probe(b, order[k]);
      if (max < bestMax) {
        bestMax = max;
        bestReg = order[k];
      }
      if (first > freeUntil) {
        freeUntil = first;
        freeReg = order[k];
      }
    }
    const mayEvict = b.minimal || this.budget > 0;
    if (bestReg >= 0 && bestMax < b.weight && mayEvict) {
      this.evict(b, bestReg);
      return this.assign(b, bestReg);
    }
    if (!b.hasReg && !b.piece) {
      b.alloc = this.slotOfSpillSet(b.spillSet, b.cls);
      return;
    }
    if (b.minimal) {
      const inst = b.uses[0] >> 2;
      throw new UnsatisfiableConstraintError(`no ${CLASS_NAMES[b.cls]} register is left for this operand: too many values need registers at once`, { inst });
    }
    this.split(b, freeReg, freeUntil);
  }

  private pieceHint(b: Bundle): number {
    // A reuse piece prefers the register its input already lives in, else its def's.
    for (let k = 0; k < b.ranges.length; k += 3) {
      const owner = this.vregBundle[b.ranges[k + 2]];
      if (owner >= 0 && this.bundles[owner].alloc >= 0 && this.bundles[owner].alloc < this.env.numPRegs) return this.bundles[owner].alloc;
    }
    return -1;
  }

  private evict(b: Bundle, p: number): void {
    const st = this.nextStamp();
    const victims: Bundle[] = [];
    const r = b.ranges;
    for (let k = 0; k < r.length; k += 3) {
      this.occ.conflicts(p, r[k], r[k + 1], r[k + 2], (owner) => {
        if (this.stamp[owner] !== st) {
          this.stamp[owner] = st;
          victims.push(this.bundles[owner]);
        }
        return false;
      });
    }
    for (const v of victims) {
      this.unassign(v);
      this.enqueue(v);
    }
  }

  // ---- splitting -----------------------------------------------------------------------

  /** Splits `b` at `at` (a multiple of 4 inside it); `b` keeps the first half. */
  private splitAt(b: Bundle, at: number): Bundle {
    const r = b.ranges;
    const lo: number[] = [];
    const hi: number[] = [];
    for (let k = 0; k < r.length; k += 3) {
      if (r[k + 1] <= at) lo.push(r[k], r[k + 1], r[k + 2]);
      else if (r[k] >= at) hi.push(r[k], r[k + 1], r[k + 2]);
      else {
        lo.push(r[k], at, r[k + 2]);
        hi.push(at, r[k + 1], r[k + 2]);
      }
    }
    const u = b.uses;
    let cut = 0;
    while (cut < u.length && u[cut] < at) cut += 3;
    const rest = this.newBundle(b.cls, hi, u.slice(cut), b.spillSet, false);
    rest.hint = b.hint;
    b.ranges = lo;
    b.uses = u.slice(0, cut);
    this.refresh(b);
    return rest;
  }

  private split(b: Bundle, freeReg: number, freeUntil: number): void {
    // Halve very long bundles first: peeling them one use at a time would copy their use
    // and range lists once per use, quadratic in the number of uses.
    const nUses = b.uses.length / 3;
    const nRanges = b.ranges.length / 3;
    if (nUses > 64 || nRanges > 64) {
      const mid = nUses > 64 ? b.uses[3 * (nUses >> 1)] & ~3 : b.ranges[3 * (nRanges >> 1)] & ~3;
      if (mid > b.start && mid < b.end) {
        const rest = this.splitAt(b, mid);
        this.enqueue(b);
        this.enqueue(rest);
        return;
      }
    }
    let firstReg = -1;
    for (let k = 0; k < b.uses.length; k += 3) {
      if (b.uses[k + 2] & USE_REG) {
        firstReg = b.uses[k] >> 2;
        break;
      }
    }
    const useEnd = 4 * firstReg + 4;
    const hi = freeUntil === Infinity ? b.end : freeUntil & ~3;
    if (freeReg >= 0 && hi >= useEnd && hi > b.start && hi < b.end) {
      // The prefix up to the conflict fits in `freeReg`: take it, preferring to cut where
      // the moves run least often.
      const at = this.chooseSplitPoint(Math.max(useEnd, b.start + 1), hi);
      const rest = this.splitAt(b, at);
      if (this.isFree(b, freeReg)) this.assign(b, freeReg);
      else this.enqueue(b);
      this.enqueue(rest);
      return;
    }
    if (b.start < 4 * firstReg) {
      // Cut just before the first register use: the head needs no register, and the tail,
      // starting at the use, may find a register free over several of its uses.
      const rest = this.splitAt(b, 4 * firstReg);
      this.enqueue(b);
      this.enqueue(rest);
      return;
    }
    // The conflict is at the first use itself: isolate its instruction.
    const rest = this.splitAt(b, useEnd);
    this.enqueue(b);
    this.enqueue(rest);
  }

  /** A point in `[lo, hi]` (multiples of 4): the block start of least loop depth, else `hi`. */
  private chooseSplitPoint(lo: number, hi: number): number {
    const f = this.f;
    const a = this.a;
    lo = (lo + 3) & ~3;
    if (lo > hi) return hi;
    let best = hi;
    let bestDepth = a.loopDepth[a.instBlock[Math.min((hi >> 2), f.numInsts - 1)]];
    let blk = a.instBlock[Math.min(hi >> 2, f.numInsts - 1)];
    for (let n = 0; n < 64 && blk >= 0; n++, blk--) {
      const at = 4 * f.blockInstStart[blk];
      if (at < lo) break;
      if (a.loopDepth[blk] < bestDepth) {
        bestDepth = a.loopDepth[blk];
        best = at;
      }
    }
    return best;
  }

  // ---- output --------------------------------------------------------------------------

  segments(): Segments {
    const vreg: number[] = [];
    const from: number[] = [];
    const to: number[] = [];
    const loc: number[] = [];
    for (const b of this.bundles) {
      if (b.piece || b.ranges.length === 0) continue;
      const r = b.ranges;
      for (let k = 0; k < r.length; k += 3) {
        vreg.push(r[k + 2]);
        from.push(r[k]);
        to.push(r[k + 1]);
        loc.push(b.alloc);
      }
    }
    return { vreg, from, to, loc };
  }

  spillSetOfVReg(v: number): number {
    const b = this.vregBundle[v];
    return b >= 0 ? this.bundles[b].spillSet : -1;
  }
}

export function allocateOptimized(f: RegAllocFunction, env: Env, a: Analysis): RegAllocOutput {
  const live = computeLiveness(f, a);
  const al = new Allocator(f, env, a, live);
  al.buildBundles();
  al.mergeBundles();
  al.precolor();
  al.run();
  const pieceAlloc = new Int32Array(al.opPiece.length).fill(-1);
  for (let o = 0; o < pieceAlloc.length; o++) if (al.opPiece[o] >= 0) pieceAlloc[o] = al.bundles[al.opPiece[o]].alloc;
  return resolve(f, env, a, live, al.segments(), {
    opLocal: al.opLocal,
    pieceAlloc,
    slotClasses: al.slotClasses,
    stackSlotOf: (v) => {
      const set = al.spillSetOfVReg(v);
      return al.slotOfSpillSet(set >= 0 ? set : al.bundles.length + v, f.vregClass[v]);
    },
  });
}
