// The allocator's result and the machinery that turns groups of parallel moves into the
// ordered list of edits an emitter can execute one by one.

import type { Env } from './env';
import type { RegAllocFunction } from './func';
import { ScratchI32 } from './scratch';
import { InvalidInputError, SLOT_BASE, isSlotAlloc, slotAlloc, type Allocation, type PReg, type RegClass } from './types';

/** Side of an instruction an edit belongs to. */
export const EditSide = { Before: 0, After: 1 } as const;
export type EditSide = (typeof EditSide)[keyof typeof EditSide];

export interface AllocStats {
  /** Register-to-register moves inserted. */
  moves: number;
  /** Register-to-stack moves inserted. */
  spills: number;
  /** Stack-to-register moves inserted. */
  reloads: number;
  /** Client move instructions whose source and destination got the same location. */
  eliminatedMoves: number;
}

/**
 * The allocation of one function. Walk instructions in order; for each instruction `i` emit
 * the edits of `editRange(i, Before)`, then the instruction with operand `k` in
 * `allocation(i, k)`, then the edits of `editRange(i, After)`.
 *
 * Each edit is a single move `editFrom[e] -> editTo[e]` (register or stack on either side,
 * never stack to stack: those are routed through the scratch register). Spill slots are
 * numbered from 0; `spillSlotClass` says what each holds so the client can size it.
 */
export class RegAllocOutput {
  constructor(
    /** Per operand (indexed like `opVReg`). */
    readonly allocs: Int32Array,
    readonly editPoint: Int32Array,
    readonly editFrom: Int32Array,
    readonly editTo: Int32Array,
    readonly editClass: Uint8Array,
    /** Offsets into the edit arrays per point `2 * inst + side`; length `2 * numInsts + 1`. */
    readonly pointEditStart: Int32Array,
    readonly instOpStart: Int32Array,
    readonly numSpillSlots: number,
    readonly spillSlotClass: Uint8Array,
    readonly usedCalleeSaved: readonly PReg[],
    /** Per instruction: 1 if it is a client move whose operands share a location. */
    readonly redundantMove: Uint8Array,
    readonly stats: AllocStats,
  ) {}

  allocation(inst: number, operand: number): Allocation {
    return this.allocs[this.instOpStart[inst] + operand];
  }

  /** `[start, end)` into the edit arrays. */
  editRange(inst: number, side: EditSide): [number, number] {
    const p = 2 * inst + side;
    return [this.pointEditStart[p], this.pointEditStart[p + 1]];
  }

  get numEdits(): number {
    return this.editFrom.length;
  }
}

/** Human-readable allocation: `p3` for a register, `slot2` for a spill slot. */
export function formatAlloc(a: Allocation): string {
  if (a < 0) return 'none';
  return isSlotAlloc(a) ? `slot${a - SLOT_BASE}` : `p${a}`;
}

/** Growable typed column. */
class Column {
  data: Int32Array;
  length = 0;
  constructor(cap = 256) {
    this.data = new Int32Array(cap);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const n = new Int32Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    this.data[this.length++] = v;
  }
  /** Drops storage grown beyond `keep` elements, so one huge function does not keep it alive. */
  trim(keep: number): void {
    if (this.data.length > keep) this.data = new Int32Array(256);
  }
}

/** Columns larger than this are not kept for the next function. */
const KEEP_COLUMN = 1 << 16;

/**
 * The columns of an `EditCollector`, reused from one allocation to the next (creating them
 * per function cost more than collecting a small function's moves). Null while in use.
 */
let spareInput: Column[] | null = null;
/** `finish`'s output columns; only live during `finish`. */
const outPoint = new Column();
const outFrom = new Column();
const outTo = new Column();
const outCls = new Column();
const finishCount = new ScratchI32();
const finishOrder = new ScratchI32();
const finishTmp = new ScratchI32();

/** Bits of the key sorted per pass of `sortByKey`'s radix sort. */
const DIGIT = 11;
/** Key ranges up to this use one counting sort over every key (its table is scratch storage). */
const COUNTING_KEYS = 1 << 14;

/**
 * The indices `0 .. n-1` ordered by `key[i]` (stable: equal keys keep index order), as a view
 * of scratch storage. Small key ranges (keys below `maxKey`) take a counting sort over every
 * key; larger ones a least-significant-digit radix sort, whose work and memory depend on `n`
 * only: the counting table of a large function has several entries per instruction though
 * most points have no edit, and it was allocated afresh for each such function.
 */
export function sortByKey(key: Int32Array, n: number, maxKey: number): Int32Array {
  let order = finishOrder.take(n);
  if (maxKey <= COUNTING_KEYS) {
    const count = finishCount.take(maxKey + 1);
    for (let i = 0; i < n; i++) count[key[i] + 1]++;
    for (let k = 0; k < maxKey; k++) count[k + 1] += count[k];
    for (let i = 0; i < n; i++) order[count[key[i]]++] = i;
    return order;
  }
  let tmp = finishTmp.take(n);
  const mask = (1 << DIGIT) - 1;
  const count = finishCount.take(mask + 2);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let shift = 0; shift < 32 && (shift === 0 || maxKey >>> shift > 0); shift += DIGIT) {
    if (shift > 0) count.fill(0);
    for (let i = 0; i < n; i++) count[((key[i] >>> shift) & mask) + 1]++;
    for (let d = 0; d <= mask; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) {
      const x = order[i];
      tmp[count[(key[x] >>> shift) & mask]++] = x;
    }
    const t = order;
    order = tmp;
    tmp = t;
  }
  return order;
}

/**
 * Order of the move groups sharing one program point: moves of an edge entering the block
 * (placed at its head), moves where a vreg changes location, moves of an edge leaving the
 * block (placed before its branch), then copies into the instruction's operand locations.
 */
export const MovePrio = { EdgeIn: 0, Split: 1, EdgeOut: 2, Operand: 3 } as const;

/**
 * Collects moves keyed by (point, priority); moves with the same key are one parallel move.
 * `finish` sequences every group and lays the edits out by point.
 */
export class EditCollector {
  private readonly key: Column;
  private readonly from: Column;
  private readonly to: Column;
  private readonly cls: Column;
  private slotClasses: number[];
  private cycleSlot = [-1, -1, -1];
  private emergencySlot = [-1, -1, -1];
  /** The point of the group `finish` is sequencing. */
  private point = 0;
  private finished = false;
  private readonly gFrom: number[] = [];
  private readonly gTo: number[] = [];
  private readonly gCls: number[] = [];

  constructor(
    private readonly env: Env,
    private readonly numInsts: number,
    slotClasses: number[],
  ) {
    this.slotClasses = slotClasses;
    const cols = spareInput ?? [new Column(), new Column(), new Column(), new Column()];
    spareInput = null;
    for (const c of cols) c.length = 0;
    this.key = cols[0];
    this.from = cols[1];
    this.to = cols[2];
    this.cls = cols[3];
  }

  /** A move that is part of the parallel move at `2 * inst + side`, group `prio`. */
  add(inst: number, side: EditSide, prio: number, from: Allocation, to: Allocation, cls: RegClass): void {
    if (from === to) return;
    if (this.finished) throw new Error('internal: EditCollector used after finish');
    this.key.push((2 * inst + side) * 4 + prio);
    this.from.push(from);
    this.to.push(to);
    this.cls.push(cls);
  }

  private isStack(a: number): boolean {
    return a >= SLOT_BASE || this.env.pregIsStack[a] === 1;
  }

  private tempSlot(which: number[], cls: RegClass): number {
    if (which[cls] < 0) {
      which[cls] = this.slotClasses.length;
      this.slotClasses.push(cls);
    }
    return slotAlloc(which[cls]);
  }

  /** Sequences every group and lays the edits out by point; the collector is dead after. */
  finish(): { point: Int32Array; from: Int32Array; to: Int32Array; cls: Uint8Array; pointStart: Int32Array; slotClasses: number[] } {
    if (this.finished) throw new Error('internal: EditCollector finished twice');
    const n = this.key.length;
    const key = this.key.data;
    const order = sortByKey(key, n, this.numInsts * 8);

    outPoint.length = outFrom.length = outTo.length = outCls.length = 0;
    const gFrom = this.gFrom;
    const gTo = this.gTo;
    const gCls = this.gCls;
    let i = 0;
    while (i < n) {
      const k = key[order[i]];
      // Filled by index, never truncated: `length = 0` would drop the arrays' storage, and
      // each group would allocate it again.
      let len = 0;
      while (i < n && key[order[i]] === k) {
        const m = order[i++];
        gFrom[len] = this.from.data[m];
        gTo[len] = this.to.data[m];
        gCls[len] = this.cls.data[m];
        len++;
      }
      this.point = k >> 2;
      this.sequence(gFrom, gTo, gCls, len);
    }
    // The input columns go to the next collector: this one must not be used again.
    this.finished = true;
    spareInput = [this.key, this.from, this.to, this.cls];
    for (const c of spareInput) c.trim(KEEP_COLUMN);
    const pointStart = new Int32Array(2 * this.numInsts + 1);
    const pts = outPoint.data;
    for (let e = 0; e < outPoint.length; e++) pointStart[pts[e] + 1]++;
    for (let p = 0; p < 2 * this.numInsts; p++) pointStart[p + 1] += pointStart[p];
    const result = {
      point: outPoint.data.slice(0, outPoint.length),
      from: outFrom.data.slice(0, outFrom.length),
      to: outTo.data.slice(0, outTo.length),
      cls: toU8(outCls.data, outCls.length),
      pointStart,
      slotClasses: this.slotClasses,
    };
    for (const c of [outPoint, outFrom, outTo, outCls]) c.trim(KEEP_COLUMN);
    return result;
  }

  private emit(f: number, t: number, c: number): void {
    outPoint.push(this.point);
    outFrom.push(f);
    outTo.push(t);
    outCls.push(c);
  }

  /** Emits one move of the current group, routing stack-to-stack through the scratch or a borrowed register. */
  private emitExpanded(f: number, t: number, c: number): void {
    if (!(this.isStack(f) && this.isStack(t))) {
      this.emit(f, t, c);
      return;
    }
    const scratch = this.env.scratch[c];
    if (scratch >= 0) {
      this.emit(f, scratch, c);
      this.emit(scratch, t, c);
      return;
    }
    const r = this.env.emergencyReg(c as RegClass);
    if (r < 0) throw new InvalidInputError(`cannot move between stack locations of class ${c}: the environment has no register of that class`);
    const save = this.tempSlot(this.emergencySlot, c as RegClass);
    this.emit(r, save, c);
    this.emit(f, r, c);
    this.emit(r, t, c);
    this.emit(save, r, c);
  }

  /**
   * Orders a parallel move (distinct destinations) into sequential moves: a move may go once
   * no pending move still reads its destination; what remains are cycles, broken by parking
   * one value in a temporary.
   */
  private sequence(from: number[], to: number[], cls: number[], len: number): void {
    const n = dedupe(from, to, cls, len);
    if (n === 1) {
      this.emitExpanded(from[0], to[0], cls[0]);
      return;
    }
    if (n === 2 && to[0] !== from[1] && to[1] !== from[0]) {
      // Two independent moves, the common case at block edges.
      this.emitExpanded(from[0], to[0], cls[0]);
      this.emitExpanded(from[1], to[1], cls[1]);
      return;
    }
    const readers = new Map<number, number>();
    for (let m = 0; m < n; m++) readers.set(from[m], (readers.get(from[m]) ?? 0) + 1);
    const done = new Uint8Array(n);
    let remaining = n;
    let anyStackToStack = false;
    for (let m = 0; m < n; m++) if (this.isStack(from[m]) && this.isStack(to[m])) anyStackToStack = true;
    while (remaining > 0) {
      let progress = true;
      while (progress) {
        progress = false;
        for (let m = 0; m < n; m++) {
          if (done[m] || (readers.get(to[m]) ?? 0) > 0) continue;
          this.emitExpanded(from[m], to[m], cls[m]);
          done[m] = 1;
          remaining--;
          readers.set(from[m], readers.get(from[m])! - 1);
          progress = true;
        }
      }
      if (remaining === 0) break;
      // Every pending destination is still read: a cycle. Park the first one's old value.
      let m = 0;
      while (done[m]) m++;
      const c = cls[m] as RegClass;
      const blocked = to[m];
      const scratch = this.env.scratch[c];
      const temp = scratch >= 0 && !anyStackToStack ? scratch : this.tempSlot(this.cycleSlot, c);
      this.emitExpanded(blocked, temp, c);
      let redirected = 0;
      for (let k = 0; k < n; k++) {
        if (!done[k] && from[k] === blocked) {
          from[k] = temp;
          redirected++;
        }
      }
      readers.set(blocked, 0);
      readers.set(temp, (readers.get(temp) ?? 0) + redirected);
    }
  }
}

/** Callee-saved registers written by defs or edits, sorted. */
export function usedCalleeSaved(env: Env, f: RegAllocFunction, allocs: Int32Array, editTo: Int32Array): PReg[] {
  const used = new Uint8Array(env.numPRegs);
  for (let o = 0; o < allocs.length; o++) {
    const a = allocs[o];
    if ((f.opInfo[o] & 1) === 1 && a >= 0 && a < env.numPRegs && env.pregCalleeSaved[a]) used[a] = 1;
  }
  for (let e = 0; e < editTo.length; e++) {
    const a = editTo[e];
    if (a < env.numPRegs && env.pregCalleeSaved[a]) used[a] = 1;
  }
  const out: PReg[] = [];
  for (let p = 0; p < env.numPRegs; p++) if (used[p]) out.push(p);
  return out;
}

/** Packs edits and allocations into the output, counting moves/spills/reloads. */
export function buildOutput(
  env: Env,
  f: RegAllocFunction,
  allocs: Int32Array,
  edits: EditCollector,
  redundantMove: Uint8Array,
): RegAllocOutput {
  const e = edits.finish();
  const stats: AllocStats = { moves: 0, spills: 0, reloads: 0, eliminatedMoves: 0 };
  const isStack = (a: number): boolean => a >= SLOT_BASE || env.pregIsStack[a] === 1;
  for (let k = 0; k < e.from.length; k++) {
    const fs = isStack(e.from[k]);
    const ts = isStack(e.to[k]);
    if (!fs && !ts) stats.moves++;
    else if (ts) stats.spills++;
    else stats.reloads++;
  }
  for (let i = 0; i < redundantMove.length; i++) stats.eliminatedMoves += redundantMove[i];
  return new RegAllocOutput(
    allocs,
    e.point,
    e.from,
    e.to,
    e.cls,
    e.pointStart,
    f.instOpStart,
    e.slotClasses.length,
    toU8(e.slotClasses, e.slotClasses.length),
    usedCalleeSaved(env, f, allocs, e.to),
    redundantMove,
    stats,
  );
}

/** The first `n` entries of `src` as bytes (`Uint8Array.from` goes through the iterator protocol). */
function toU8(src: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = src[k];
  return out;
}

/**
 * Drops repeated identical moves among the first `len` (two different sources for one
 * destination is a bug); returns how many moves are left, at the front.
 */
function dedupe(from: number[], to: number[], cls: number[], len: number): number {
  if (len < 2) return len;
  if (len <= 16) {
    // Small groups (nearly all of them): a scan of the kept moves beats building a Map.
    let w = 0;
    for (let m = 0; m < len; m++) {
      let k = 0;
      while (k < w && to[k] !== to[m]) k++;
      if (k < w) {
        if (from[k] !== from[m]) throw new Error(`internal: parallel move writes ${to[m]} from both ${from[k]} and ${from[m]}`);
        continue;
      }
      from[w] = from[m];
      to[w] = to[m];
      cls[w] = cls[m];
      w++;
    }
    return w;
  }
  const seen = new Map<number, number>();
  let w = 0;
  for (let m = 0; m < len; m++) {
    const prev = seen.get(to[m]);
    if (prev !== undefined) {
      if (prev !== from[m]) throw new Error(`internal: parallel move writes ${to[m]} from both ${prev} and ${from[m]}`);
      continue;
    }
    seen.set(to[m], from[m]);
    from[w] = from[m];
    to[w] = to[m];
    cls[w] = cls[m];
    w++;
  }
  return w;
}
