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
import { RunLists } from './merge';
import { FIXED_OWNER, NO_VREG, Occupancy } from './occupancy';
import type { RegAllocOutput } from './output';
import { resolve, type Segments } from './resolve';
import { ScratchF64, ScratchI32 } from './scratch';
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

/** Bundle flags. */
const HAS_REG = 1;
const MINIMAL = 2;
const PIECE = 4;

/** A growable Int32Array; `data` may be replaced by `reserve`. */
class Pool {
  data: Int32Array;
  length = 0;
  constructor(cap: number) {
    this.data = new Int32Array(Math.max(64, cap));
  }
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + n));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.reserve(3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(a: T, cap: number, fill: number): T {
  const n = new (a.constructor as new (len: number) => T)(cap);
  n.set(a);
  if (fill !== 0) n.fill(fill, a.length);
  return n;
}

/** Heap storage left by the last `Heap` (see `release`); null while one holds it. */
let spareHeapIds: Int32Array | null = null;
let spareHeapKeys: Int32Array | null = null;
/** Heap storage larger than this (entries) is not kept between allocations. */
const MAX_KEPT_HEAP = 1 << 16;

/**
 * Max-heap of (id, key) in typed arrays with an explicit size, reused across allocations: JS
 * arrays shrink their storage as `pop` empties them and allocate it again on the next pushes.
 */
class Heap {
  private ids: Int32Array;
  private keys: Int32Array;
  size = 0;
  constructor() {
    this.ids = spareHeapIds ?? new Int32Array(256);
    this.keys = spareHeapKeys ?? new Int32Array(256);
    spareHeapIds = spareHeapKeys = null;
  }
  /** Hands the storage to the next `Heap`; this one must not be used after. */
  release(): void {
    if (this.ids.length <= MAX_KEPT_HEAP) {
      spareHeapIds = this.ids;
      spareHeapKeys = this.keys;
    }
  }
  push(id: number, key: number): void {
    if (this.size === this.ids.length) {
      this.ids = grown(this.ids, 2 * this.size, 0);
      this.keys = grown(this.keys, 2 * this.size, 0);
    }
    const ids = this.ids;
    const keys = this.keys;
    let i = this.size++;
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
    const n = --this.size;
    const lastId = ids[n];
    const lastKey = keys[n];
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

/**
 * The per-bundle columns of an `Allocator`, kept between allocations. Every field of a new
 * bundle is written when it is created; `stamp` is only compared against a clock that keeps
 * counting across allocations; `spillSetSlot` is reset to -1 where it was written.
 */
class BundleTables {
  cls: Uint8Array;
  alloc: Int32Array;
  weight: Float64Array;
  flags: Uint8Array;
  hint: Int32Array;
  start: Int32Array;
  end: Int32Array;
  spillSet: Int32Array;
  rStart: Int32Array;
  rEnd: Int32Array;
  uStart: Int32Array;
  uEnd: Int32Array;
  stamp: Int32Array;
  stampClock = 0;
  spillSetSlot: Int32Array;
  ranges: Pool | null = null;
  uses: Pool | null = null;
  constructor(cap: number) {
    this.cls = new Uint8Array(cap);
    this.alloc = new Int32Array(cap);
    this.weight = new Float64Array(cap);
    this.flags = new Uint8Array(cap);
    this.hint = new Int32Array(cap);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.spillSet = new Int32Array(cap);
    this.rStart = new Int32Array(cap);
    this.rEnd = new Int32Array(cap);
    this.uStart = new Int32Array(cap);
    this.uEnd = new Int32Array(cap);
    this.stamp = new Int32Array(cap);
    this.spillSetSlot = new Int32Array(cap).fill(-1);
  }
}

/** Tables left by the last allocation (null while an allocation holds them). */
let spareTables: BundleTables | null = null;
/** Larger tables are not kept between allocations. */
const MAX_KEPT_BUNDLES = 1 << 16;
const MAX_KEPT_POOL = 1 << 18;

/** `spare` emptied (with room for `cap`), else a new pool. */
function takePool(spare: Pool | null, cap: number): Pool {
  if (spare === null) return new Pool(cap);
  spare.length = 0;
  spare.reserve(cap);
  return spare;
}

// Per-allocation temporaries (see scratch.ts): dead once `allocateOptimized` returns.
const scratchOpLocal = new ScratchI32();
const scratchOpPiece = new ScratchI32();
const scratchVRegBundle = new ScratchI32();
const scratchFreq = new ScratchF64();
const scratchMergedInto = new ScratchI32();
const scratchRHead = new ScratchI32();
const scratchUHead = new ScratchI32();
const scratchRCount = new ScratchI32();
/** The run lists of `mergeBundles` (its storage is reused from one allocation to the next). */
const mergeRuns = new RunLists();
const scratchPieceAlloc = new ScratchI32();
const scratchSegVReg = new ScratchI32();
const scratchSegFrom = new ScratchI32();
const scratchSegTo = new ScratchI32();
const scratchSegLoc = new ScratchI32();

/**
 * Bundles live in parallel typed arrays indexed by bundle id (no object per bundle): a
 * bundle's ranges are the (from, to, vreg) triples `ranges[rStart, rEnd)`, sorted by from
 * and disjoint; its uses the (point, operand, flags) triples `uses[uStart, uEnd)`, sorted by
 * point. Splitting keeps the first half in place and shares the use list; merging appends
 * the merged lists. Millions of small JS objects and arrays made garbage collection, not
 * allocation, the cost that grew with function size.
 */
class Allocator {
  numBundles = 0;
  cls: Uint8Array;
  alloc: Int32Array;
  /** Spill weight per bundle (Infinity for minimal bundles); also read by conflict scans. */
  weight: Float64Array;
  flags: Uint8Array;
  hint: Int32Array;
  start: Int32Array;
  end: Int32Array;
  spillSet: Int32Array;
  rStart: Int32Array;
  rEnd: Int32Array;
  uStart: Int32Array;
  uEnd: Int32Array;
  readonly ranges: Pool;
  readonly uses: Pool;

  readonly queue = new Heap();
  readonly occ: Occupancy;
  /** Per operand: a location decided up front (fixed register, reuse piece), else -1. */
  readonly opLocal: Int32Array;
  /** Per operand that uses a reuse piece: the piece bundle. */
  readonly opPiece: Int32Array;
  /** Per spill set: its slot index, or -1. */
  private spillSetSlot: Int32Array;
  /** How many leading entries of `spillSetSlot` may differ from -1. */
  private spillSetSlotUsed = 0;
  readonly slotClasses: number[] = [];
  readonly vregBundle: Int32Array;
  private readonly freq: Float64Array;
  private stamp: Int32Array;
  private stampClock: number;
  private budget: number;
  private mergedInto: Int32Array = new Int32Array(0);
  /** While merging, per bundle: its range and use run lists (-1: its own slice), and range count. */
  private rHead: Int32Array = new Int32Array(0);
  private uHead: Int32Array = new Int32Array(0);
  private rCount: Int32Array = new Int32Array(0);
  /** Filled by index (`length = 0` would drop the storage and make every push allocate). */
  private readonly victims: number[] = [];
  private nVictims = 0;
  private readonly tables: BundleTables;

  constructor(
    readonly f: RegAllocFunction,
    readonly env: Env,
    readonly a: Analysis,
    readonly live: Liveness,
  ) {
    // Per-bundle tables come from the previous allocation when there is one (allocating a
    // dozen typed arrays per function cost more than allocating a small function).
    // Bundles: one per live vreg, one per reuse pair, and the parts splitting makes; sized
    // for about two per vreg up front, as each doubling reallocates a dozen columns.
    const want = Math.max(1024, 2 * f.numVRegs + 64);
    let t = spareTables;
    if (t === null || t.cls.length < want) t = new BundleTables(want);
    spareTables = null;
    this.tables = t;
    this.cls = t.cls;
    this.alloc = t.alloc;
    this.weight = t.weight;
    this.flags = t.flags;
    this.hint = t.hint;
    this.start = t.start;
    this.end = t.end;
    this.spillSet = t.spillSet;
    this.rStart = t.rStart;
    this.rEnd = t.rEnd;
    this.uStart = t.uStart;
    this.uEnd = t.uEnd;
    this.stamp = t.stamp;
    this.stampClock = t.stampClock;
    this.spillSetSlot = t.spillSetSlot;
    this.occ = new Occupancy(env.numPRegs, 4 * f.numInsts + 4);
    this.opLocal = scratchOpLocal.take(f.instOpStart[f.numInsts], -1);
    this.opPiece = scratchOpPiece.take(f.instOpStart[f.numInsts], -1);
    this.vregBundle = scratchVRegBundle.take(f.numVRegs, -1);
    this.freq = scratchFreq.take(f.numBlocks);
    for (let b = 0; b < f.numBlocks; b++) this.freq[b] = 4 ** Math.min(a.loopDepth[b], 5);
    this.budget = 0;
    this.ranges = takePool(t.ranges, 3 * live.rangeFrom.length + 64);
    this.uses = takePool(t.uses, 3 * f.instOpStart[f.numInsts] + 64);
  }

  /** Hands the per-bundle tables back for the next allocation; the allocator is dead after. */
  release(): void {
    // Tables grown for a huge function are left to the garbage collector.
    if (this.cls.length > MAX_KEPT_BUNDLES || this.stampClock >= 0x3fffffff) return;
    this.spillSetSlot.fill(-1, 0, this.spillSetSlotUsed);
    const t = this.tables;
    t.cls = this.cls;
    t.alloc = this.alloc;
    t.weight = this.weight;
    t.flags = this.flags;
    t.hint = this.hint;
    t.start = this.start;
    t.end = this.end;
    t.spillSet = this.spillSet;
    t.rStart = this.rStart;
    t.rEnd = this.rEnd;
    t.uStart = this.uStart;
    t.uEnd = this.uEnd;
    t.stamp = this.stamp;
    // The clock only moves forward, so stale stamps never match a later eviction.
    t.stampClock = this.stampClock;
    t.spillSetSlot = this.spillSetSlot;
    t.ranges = this.ranges.data.length <= MAX_KEPT_POOL ? this.ranges : null;
    t.uses = this.uses.data.length <= MAX_KEPT_POOL ? this.uses : null;
    this.occ.release();
    spareTables = t;
  }

  slotOfSpillSet(set: number, cls: number): number {
    if (set >= this.spillSetSlot.length) this.spillSetSlot = grown(this.spillSetSlot, Math.max(set + 1, 2 * this.spillSetSlot.length), -1);
    let s = this.spillSetSlot[set];
    if (s < 0) {
      s = this.slotClasses.length;
      this.slotClasses.push(cls);
      this.spillSetSlot[set] = s;
      if (set >= this.spillSetSlotUsed) this.spillSetSlotUsed = set + 1;
    }
    return slotAlloc(s);
  }

  private growBundles(): void {
    const cap = 2 * this.cls.length;
    this.cls = grown(this.cls, cap, 0);
    this.alloc = grown(this.alloc, cap, 0);
    this.weight = grown(this.weight, cap, 0);
    this.flags = grown(this.flags, cap, 0);
    this.hint = grown(this.hint, cap, 0);
    this.start = grown(this.start, cap, 0);
    this.end = grown(this.end, cap, 0);
    this.spillSet = grown(this.spillSet, cap, 0);
    this.rStart = grown(this.rStart, cap, 0);
    this.rEnd = grown(this.rEnd, cap, 0);
    this.uStart = grown(this.uStart, cap, 0);
    this.uEnd = grown(this.uEnd, cap, 0);
    this.stamp = grown(this.stamp, cap, 0);
  }

  /** A new bundle over ranges `[rs, re)` and uses `[us, ue)` of the pools. */
  private newBundle(cls: RegClass, rs: number, re: number, us: number, ue: number, spillSet: number, piece: boolean): number {
    if (this.numBundles === this.cls.length) this.growBundles();
    const b = this.numBundles++;
    this.cls[b] = cls;
    this.alloc[b] = -1;
    this.flags[b] = piece ? PIECE : 0;
    this.hint[b] = -1;
    this.spillSet[b] = spillSet;
    this.rStart[b] = rs;
    this.rEnd[b] = re;
    this.uStart[b] = us;
    this.uEnd[b] = ue;
    this.refresh(b);
    return b;
  }

  private isEmpty(b: number): boolean {
    return this.rStart[b] === this.rEnd[b];
  }

  /** Recomputes the derived fields after the ranges or uses changed. */
  private refresh(b: number): void {
    const r = this.ranges.data;
    const rs = this.rStart[b];
    const re = this.rEnd[b];
    const start = r[rs];
    let end = r[re - 2];
    let size = 0;
    for (let k = rs; k < re; k += 3) {
      if (r[k + 1] > end) end = r[k + 1];
      size += r[k + 1] - r[k];
    }
    this.start[b] = start;
    this.end[b] = end;
    const u = this.uses.data;
    let cost = 0;
    let hasReg = false;
    let regInst = -1;
    let oneInst = true;
    for (let k = this.uStart[b], ue = this.uEnd[b]; k < ue; k += 3) {
      const inst = u[k] >> 2;
      const fl = this.freq[this.a.instBlock[inst]];
      if (u[k + 2] & USE_REG) {
        hasReg = true;
        cost += 2 * fl;
        if (regInst < 0) regInst = inst;
        else if (regInst !== inst) oneInst = false;
      } else cost += fl;
    }
    const piece = (this.flags[b] & PIECE) !== 0;
    const minimal = piece || (hasReg && oneInst && start >= 4 * regInst && end <= 4 * regInst + 4);
    this.flags[b] = (piece ? PIECE : 0) | (hasReg ? HAS_REG : 0) | (minimal ? MINIMAL : 0);
    this.weight[b] = minimal ? Infinity : cost / (size / 4 + 1);
  }

  private enqueue(b: number): void {
    this.queue.push(b, this.flags[b] & (PIECE | MINIMAL) ? -1 : this.end[b] - this.start[b]);
  }

  // ---- setup ---------------------------------------------------------------------------

  buildBundles(): void {
    const f = this.f;
    const live = this.live;
    const nv = f.numVRegs;
    // Uses grouped by vreg, in instruction order: liveness has the operands so grouped.
    const numOps = f.instOpStart[f.numInsts];
    const uses = this.uses;
    uses.reserve(3 * numOps);
    const u = uses.data;
    const vregOps = live.vregOps;
    const vregOpInst = live.vregOpInst;
    for (let k = 0; k < numOps; k++) {
      const o = vregOps[k];
      const i = vregOpInst[k];
      const info = f.opInfo[o];
      const c = opConstraint(info);
      let flags = c === Constraint.Reg ? USE_REG : 0;
      if (c === Constraint.Reg && opKind(info) === OperandKind.Use && this.isReuseInput(f.instOpStart[i], f.instOpStart[i + 1], o)) flags = 0;
      const at = 3 * k;
      u[at] = pointOfUse(i, info);
      u[at + 1] = o;
      u[at + 2] = flags;
    }
    uses.length = 3 * numOps;
    const useStart = live.vregOpStart;
    const ranges = this.ranges;
    for (let v = 0; v < nv; v++) {
      const rs = live.vregRangeStart[v];
      const re = live.vregRangeStart[v + 1];
      if (rs === re) continue;
      const at = ranges.length;
      for (let k = rs; k < re; k++) ranges.push3(live.rangeFrom[k], live.rangeTo[k], v);
      const b = this.newBundle(f.vregClass[v] as RegClass, at, ranges.length, 3 * useStart[v], 3 * useStart[v + 1], this.numBundles, false);
      this.vregBundle[v] = b;
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
    if (b < 0) return b;
    let r = b;
    while (this.mergedInto[r] >= 0) r = this.mergedInto[r];
    // Path compression: later lookups from this chain take one step.
    while (b !== r) {
      const next = this.mergedInto[b];
      this.mergedInto[b] = r;
      b = next;
    }
    return r;
  }

  /** Bundle `b`'s ranges (or uses) as a run list (see merge.ts); its own slice until merged. */
  private runsOf(head: Int32Array, b: number, start: number, end: number): number {
    if (head[b] < 0) head[b] = mergeRuns.run(start, (end - start) / 3);
    return head[b];
  }

  /**
   * Merges the groups of bundles of `x` and `y` if their ranges never overlap. The merged
   * ranges and uses stay a list of sorted runs until `mergeBundles` has decided every merge.
   */
  private tryMerge(x: number, y: number): void {
    const A = this.root(x);
    const B = this.root(y);
    if (A < 0 || B < 0 || A === B) return;
    const cA = this.rCount[A];
    const cB = this.rCount[B];
    if (this.cls[A] !== this.cls[B] || cA + cB > MAX_MERGED_RANGES) return;
    const ra = this.runsOf(this.rHead, A, this.rStart[A], this.rEnd[A]);
    const rb = this.runsOf(this.rHead, B, this.rStart[B], this.rEnd[B]);
    if (mergeRuns.overlap(this.ranges, ra, cA, rb, cB)) return;
    const ua = this.runsOf(this.uHead, A, this.uStart[A], this.uEnd[A]);
    const ub = this.runsOf(this.uHead, B, this.uStart[B], this.uEnd[B]);
    this.rHead[A] = mergeRuns.concat(this.ranges, ra, rb);
    this.uHead[A] = mergeRuns.concat(this.uses, ua, ub);
    this.rCount[A] = cA + cB;
    this.rStart[B] = this.rEnd[B] = 0;
    this.uStart[B] = this.uEnd[B] = 0;
    this.mergedInto[B] = A;
  }

  mergeBundles(): void {
    const f = this.f;
    const nb = this.numBundles;
    this.mergedInto = scratchMergedInto.take(nb, -1);
    this.rHead = scratchRHead.take(nb, -1);
    this.uHead = scratchUHead.take(nb, -1);
    this.rCount = scratchRCount.take(nb);
    for (let b = 0; b < nb; b++) this.rCount[b] = (this.rEnd[b] - this.rStart[b]) / 3;
    mergeRuns.reset();
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
    // Each merged group's runs become its sorted lists (a use run list means a merge happened).
    for (let b = 0; b < nb; b++) {
      if (this.mergedInto[b] >= 0 || this.uHead[b] < 0) continue;
      const r = mergeRuns.flatten(this.ranges, this.rHead[b]);
      this.rStart[b] = mergeRuns.start(r);
      this.rEnd[b] = this.rStart[b] + 3 * mergeRuns.len(r);
      const u = mergeRuns.flatten(this.uses, this.uHead[b]);
      this.uStart[b] = mergeRuns.start(u);
      this.uEnd[b] = this.uStart[b] + 3 * mergeRuns.len(u);
      this.refresh(b);
    }
    for (let v = 0; v < f.numVRegs; v++) if (this.vregBundle[v] >= 0) this.vregBundle[v] = this.root(v);
    for (let b = 0; b < this.numBundles; b++) {
      if (!this.isEmpty(b)) {
        this.spillSet[b] = b;
        this.hint[b] = this.hintOf(b);
      }
    }
  }

  private hintOf(b: number): number {
    const u = this.uses.data;
    for (let k = this.uStart[b]; k < this.uEnd[b]; k += 3) {
      const info = this.f.opInfo[u[k + 1]];
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
          const rs = this.ranges.length;
          this.ranges.push3(4 * i, 4 * i + 1, f.opVReg[input]);
          this.ranges.push3(4 * i + 2, 4 * i + 3, f.opVReg[o]);
          const us = this.uses.length;
          this.uses.push3(4 * i, input, USE_REG);
          this.uses.push3(4 * i + 2, o, USE_REG);
          const piece = this.newBundle(f.vregClass[f.opVReg[o]] as RegClass, rs, rs + 6, us, us + 6, -1, true);
          this.opPiece[o] = piece;
          this.opPiece[input] = piece;
        }
      }
      for (let k = f.instClobberStart[i]; k < f.instClobberStart[i + 1]; k++) this.occ.add(f.clobbers[k], 4 * i + 1, 4 * i + 2, FIXED_OWNER, NO_VREG);
    }
  }

  // ---- main loop -----------------------------------------------------------------------

  run(): void {
    const n = this.numBundles;
    for (let b = 0; b < n; b++) if (!this.isEmpty(b)) this.enqueue(b);
    this.budget = 8 * n + 1000;
    while (this.queue.size) {
      const b = this.queue.pop();
      if (this.alloc[b] >= 0 || this.isEmpty(b)) continue;
      this.budget--;
      this.process(b);
    }
    this.queue.release();
  }

  private isFree(b: number, p: number): boolean {
    const r = this.ranges.data;
    for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3) if (this.occ.busy(p, r[k], r[k + 1], r[k + 2])) return false;
    return true;
  }

  private assign(b: number, p: number): void {
    const r = this.ranges.data;
    for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3) this.occ.add(p, r[k], r[k + 1], b, r[k + 2]);
    this.alloc[b] = p;
  }

  private unassign(b: number): void {
    const r = this.ranges.data;
    const p = this.alloc[b];
    for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3) this.occ.remove(p, r[k], r[k + 1], b);
    this.alloc[b] = -1;
  }

  private readonly acc = { max: 0, first: Infinity };

  /** Heaviest conflict of `b` in `p` (Infinity if unevictable) and the first conflict point. */
  private probe(b: number, p: number): { max: number; first: number } {
    const acc = this.acc;
    acc.max = 0;
    acc.first = Infinity;
    const r = this.ranges.data;
    const limit = this.weight[b];
    for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3) {
      if (this.occ.probe(p, r[k], r[k + 1], r[k + 2], this.weight, limit, acc)) break;
    }
    return acc;
  }

  private process(b: number): void {
    const cls = this.cls[b];
    const order = this.env.order[cls];
    const fl = this.flags[b];
    const hint = fl & PIECE ? this.pieceHint(b) : this.hint[b];
    if (hint >= 0 && this.env.pregClass[hint] === cls && this.isFree(b, hint)) return this.assign(b, hint);
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
    const minimal = (fl & MINIMAL) !== 0;
    const mayEvict = minimal || this.budget > 0;
    if (bestReg >= 0 && bestMax < this.weight[b] && mayEvict) {
      this.evict(b, bestReg);
      return this.assign(b, bestReg);
    }
    if (!(fl & HAS_REG) && !(fl & PIECE)) {
      this.alloc[b] = this.slotOfSpillSet(this.spillSet[b], cls);
      return;
    }
    if (minimal) {
      // The value must stay live through the instruction but no register survives it (a
      // call or stack switch clobbering them all): the value goes to its spill slot and each
      // early use reads a copy loaded into a register held only while the operands are read.
      if (!(fl & PIECE) && this.localizeUses(b)) {
        this.alloc[b] = this.slotOfSpillSet(this.spillSet[b], cls);
        return;
      }
      const inst = this.uses.data[this.uStart[b]] >> 2;
      throw new UnsatisfiableConstraintError(`no ${CLASS_NAMES[cls]} register is left for this operand: too many values need registers at once`, { inst });
    }
    this.split(b, freeReg, freeUntil);
  }

  /**
   * Gives each register use of minimal bundle `b` a register of its own at its instruction's
   * early point (`opLocal`, filled by a move before the instruction), when every one is an
   * early use with a free register there; the bundle then needs none. False (nothing changed)
   * otherwise.
   */
  private localizeUses(b: number): boolean {
    const f = this.f;
    const u = this.uses.data;
    const order = this.env.order[this.cls[b]];
    const regs: number[] = [];
    const ats: number[] = [];
    const ops: number[] = [];
    for (let k = this.uStart[b], ue = this.uEnd[b]; k < ue; k += 3) {
      if (!(u[k + 2] & USE_REG)) continue;
      const o = u[k + 1];
      const info = f.opInfo[o];
      if (opKind(info) !== OperandKind.Use || opConstraint(info) !== Constraint.Reg || (u[k] & 3) !== 0) return false;
      const at = u[k];
      let reg = -1;
      for (let j = 0; j < order.length && reg < 0; j++) {
        const p = order[j];
        if (this.occ.busy(p, at, at + 1, NO_VREG)) continue;
        let taken = false;
        for (let n = 0; n < regs.length; n++) taken ||= regs[n] === p && ats[n] === at;
        if (!taken) reg = p;
      }
      if (reg < 0) return false;
      regs.push(reg);
      ats.push(at);
      ops.push(o);
    }
    for (let n = 0; n < regs.length; n++) {
      this.occ.add(regs[n], ats[n], ats[n] + 1, FIXED_OWNER, f.opVReg[ops[n]]);
      this.opLocal[ops[n]] = regs[n];
    }
    for (let k = this.uStart[b], ue = this.uEnd[b]; k < ue; k += 3) u[k + 2] &= ~USE_REG;
    return true;
  }

  private pieceHint(b: number): number {
    // A reuse piece prefers the register its input already lives in, else its def's.
    const r = this.ranges.data;
    for (let k = this.rStart[b]; k < this.rEnd[b]; k += 3) {
      const owner = this.vregBundle[r[k + 2]];
      if (owner >= 0 && this.alloc[owner] >= 0 && this.alloc[owner] < this.env.numPRegs) return this.alloc[owner];
    }
    return -1;
  }

  private readonly collectVictim = (owner: number): boolean => {
    if (this.stamp[owner] !== this.stampClock) {
      this.stamp[owner] = this.stampClock;
      this.victims[this.nVictims++] = owner;
    }
    return false;
  };

  private evict(b: number, p: number): void {
    this.stampClock++;
    const victims = this.victims;
    this.nVictims = 0;
    const r = this.ranges.data;
    for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3) this.occ.conflicts(p, r[k], r[k + 1], r[k + 2], this.collectVictim);
    // In bundle order, whatever order the occupancy found them in: the queue breaks ties by
    // insertion order, and the allocation must not depend on how occupancy is stored.
    const n = this.nVictims;
    for (let i = 1; i < n; i++) {
      const x = victims[i];
      let j = i - 1;
      while (j >= 0 && victims[j] > x) {
        victims[j + 1] = victims[j];
        j--;
      }
      victims[j + 1] = x;
    }
    for (let k = 0; k < n; k++) {
      this.unassign(victims[k]);
      this.enqueue(victims[k]);
    }
  }

  // ---- splitting -----------------------------------------------------------------------

  /** Splits `b` at `at` (a multiple of 4 inside it); `b` keeps the first half. */
  private splitAt(b: number, at: number): number {
    const ranges = this.ranges;
    const rs = this.rStart[b];
    const re = this.rEnd[b];
    let j = rs;
    while (j < re && ranges.data[j + 1] <= at) j += 3;
    // Ranges [j, re) go (in part, for one cut across `at`) to the new bundle.
    const hs = ranges.length;
    ranges.reserve(re - j);
    const r = ranges.data;
    for (let k = j; k < re; k += 3) ranges.push3(r[k] < at ? at : r[k], r[k + 1], r[k + 2]);
    const cut = j < re && r[j] < at;
    if (cut) r[j + 1] = at;
    this.rEnd[b] = cut ? j + 3 : j;
    const u = this.uses.data;
    const ue = this.uEnd[b];
    let k = this.uStart[b];
    while (k < ue && u[k] < at) k += 3;
    this.uEnd[b] = k;
    const rest = this.newBundle(this.cls[b] as RegClass, hs, ranges.length, k, ue, this.spillSet[b], false);
    this.hint[rest] = this.hint[b];
    this.refresh(b);
    return rest;
  }

  private split(b: number, freeReg: number, freeUntil: number): void {
    // Halve very long bundles first: peeling them one use at a time would copy their use
    // and range lists once per use, quadratic in the number of uses.
    const us = this.uStart[b];
    const rs = this.rStart[b];
    const nUses = (this.uEnd[b] - us) / 3;
    const nRanges = (this.rEnd[b] - rs) / 3;
    const start = this.start[b];
    const end = this.end[b];
    if (nUses > 64 || nRanges > 64) {
      const mid = nUses > 64 ? this.uses.data[us + 3 * (nUses >> 1)] & ~3 : this.ranges.data[rs + 3 * (nRanges >> 1)] & ~3;
      if (mid > start && mid < end) {
        const rest = this.splitAt(b, mid);
        this.enqueue(b);
        this.enqueue(rest);
        return;
      }
    }
    let firstReg = -1;
    const u = this.uses.data;
    for (let k = us, ue = this.uEnd[b]; k < ue; k += 3) {
      if (u[k + 2] & USE_REG) {
        firstReg = u[k] >> 2;
        break;
      }
    }
    const useEnd = 4 * firstReg + 4;
    const hi = freeUntil === Infinity ? end : freeUntil & ~3;
    if (freeReg >= 0 && hi >= useEnd && hi > start && hi < end) {
      // The prefix up to the conflict fits in `freeReg`: take it, preferring to cut where
      // the moves run least often.
      const at = this.chooseSplitPoint(Math.max(useEnd, start + 1), hi);
      const rest = this.splitAt(b, at);
      if (this.isFree(b, freeReg)) this.assign(b, freeReg);
      else this.enqueue(b);
      this.enqueue(rest);
      return;
    }
    if (start < 4 * firstReg) {
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
    let n = 0;
    for (let b = 0; b < this.numBundles; b++) if (!(this.flags[b] & PIECE)) n += (this.rEnd[b] - this.rStart[b]) / 3;
    const vreg = scratchSegVReg.take(n);
    const from = scratchSegFrom.take(n);
    const to = scratchSegTo.take(n);
    const loc = scratchSegLoc.take(n);
    const r = this.ranges.data;
    let w = 0;
    for (let b = 0; b < this.numBundles; b++) {
      if (this.flags[b] & PIECE) continue;
      const p = this.alloc[b];
      for (let k = this.rStart[b], e = this.rEnd[b]; k < e; k += 3, w++) {
        vreg[w] = r[k + 2];
        from[w] = r[k];
        to[w] = r[k + 1];
        loc[w] = p;
      }
    }
    return { vreg, from, to, loc };
  }

  spillSetOfVReg(v: number): number {
    const b = this.vregBundle[v];
    return b >= 0 ? this.spillSet[b] : -1;
  }
}

export function allocateOptimized(f: RegAllocFunction, env: Env, a: Analysis): RegAllocOutput {
  const live = computeLiveness(f, a);
  const al = new Allocator(f, env, a, live);
  al.buildBundles();
  al.mergeBundles();
  al.precolor();
  al.run();
  const pieceAlloc = scratchPieceAlloc.take(al.opPiece.length, -1);
  for (let o = 0; o < pieceAlloc.length; o++) if (al.opPiece[o] >= 0) pieceAlloc[o] = al.alloc[al.opPiece[o]];
  const out = resolve(f, env, a, live, al.segments(), {
    opLocal: al.opLocal,
    pieceAlloc,
    slotClasses: al.slotClasses,
    stackSlotOf: (v) => {
      const set = al.spillSetOfVReg(v);
      return al.slotOfSpillSet(set >= 0 ? set : al.numBundles + v, f.vregClass[v]);
    },
  });
  al.release();
  return out;
}
