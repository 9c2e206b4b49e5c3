// Liveness and live ranges for the optimizing allocator.
//
// Program points: instruction i owns points 4i (early: early uses are read, early defs
// written), 4i+1 (clobbers happen), 4i+2 (late: late uses read, late defs written) and 4i+3.
// Ranges are half-open; values only change location at 4i ("before instruction i").

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
  /** CSR: vregs live into each block. */
  readonly liveInStart: Int32Array;
  readonly liveIn: Int32Array;
  /** CSR per vreg: ranges as (from, to) pairs in `rangeFrom/rangeTo`, sorted, disjoint. */
  readonly vregRangeStart: Int32Array;
  readonly rangeFrom: Int32Array;
  readonly rangeTo: Int32Array;
}

class Growable {
  data: Int32Array;
  length = 0;
  constructor(cap: number) {
    this.data = new Int32Array(Math.max(16, cap));
  }
  /** Empties it for the next function, with room for `cap`. */
  reset(cap: number): this {
    this.length = 0;
    if (this.data.length < cap) this.data = new Int32Array(cap);
    return this;
  }
  /** Drops storage grown past 64K ints, so one huge function does not keep it alive. */
  trim(): void {
    if (this.data.length > 1 << 16) this.data = new Int32Array(16);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const n = new Int32Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    this.data[this.length++] = v;
  }
}

// Storage of the liveness tables (see scratch.ts): a `Liveness` is valid until the next
// `computeLiveness` call, which is all the allocator and the checker need.
const sLiveInStart = new ScratchI32();
const sLiveIn = new ScratchI32();
const sVRegRangeStart = new ScratchI32();
const sDefBlock = new ScratchI32();
const sUseCount = new ScratchI32();
const sUseBlocks = new ScratchI32();
const sUseFill = new ScratchI32();
const sBlockMark = new ScratchI32();
const sLiveFill = new ScratchI32();
const sOutMark = new ScratchI32();
const sInMark = new ScratchI32();
const sSeen = new ScratchI32();
const sFrom = new ScratchI32();
const sTo = new ScratchI32();
const sCount = new ScratchI32();
const sPos = new ScratchI32();
const sSf = new ScratchI32();
const sSt = new ScratchI32();
const gPairsV = new Growable(16);
const gPairsB = new Growable(16);
const gRv = new Growable(16);
const gRf = new Growable(16);
const gRt = new Growable(16);

/**
 * Per-vreg liveness (valid until the next call: its tables are reused) by walking from each use up to the definition (SSA makes this exact
 * and linear in the size of the live sets), then one range per (vreg, block).
 */
export function computeLiveness(f: RegAllocFunction, a: Analysis): Liveness {
  const nb = f.numBlocks;
  const nv = f.numVRegs;
  const defBlock = sDefBlock.take(nv);
  for (let v = 0; v < nv; v++) defBlock[v] = a.defInst[v] < 0 ? -1 - a.defInst[v] : a.instBlock[a.defInst[v]];

  // Uses outside the defining block, grouped by vreg (counting sort).
  const useCount = sUseCount.take(nv + 1);
  const forEachOutsideUse = (cb: (v: number, b: number) => void): void => {
    for (let b = 0; b < nb; b++) {
      for (let o = f.instOpStart[f.blockInstStart[b]]; o < f.instOpStart[f.blockInstEnd[b]]; o++) {
        if (opKind(f.opInfo[o]) !== OperandKind.Use) continue;
        const v = f.opVReg[o];
        if (defBlock[v] !== b) cb(v, b);
      }
      for (let k = f.edgeArgStart[f.blockSuccStart[b]]; k < f.edgeArgStart[f.blockSuccStart[b + 1]]; k++) {
        const v = f.edgeArgs[k];
        if (defBlock[v] !== b) cb(v, b);
      }
    }
  };
  forEachOutsideUse((v) => useCount[v + 1]++);
  for (let v = 0; v < nv; v++) useCount[v + 1] += useCount[v];
  const useBlocks = sUseBlocks.take(useCount[nv]);
  const fill = sUseFill.take(nv);
  fill.set(useCount.subarray(0, nv));
  forEachOutsideUse((v, b) => (useBlocks[fill[v]++] = b));

  const inMark = sBlockMark.take(nb, -1);
  const liveInPairsV = gPairsV.reset(nv);
  const liveInPairsB = gPairsB.reset(nv);
  const work: number[] = [];
  for (let v = 0; v < nv; v++) {
    const db = defBlock[v];
    for (let k = useCount[v]; k < useCount[v + 1]; k++) {
      const b = useBlocks[k];
      if (inMark[b] === v) continue;
      inMark[b] = v;
      work.push(b);
      while (work.length) {
        const x = work.pop()!;
        liveInPairsV.push(v);
        liveInPairsB.push(x);
        for (let j = f.blockPredStart[x]; j < f.blockPredStart[x + 1]; j++) {
          const p = f.preds[j];
          if (p === db || inMark[p] === v) continue;
          inMark[p] = v;
          work.push(p);
        }
      }
    }
  }
  const liveInStart = sLiveInStart.take(nb + 1);
  const nPairs = liveInPairsV.length;
  for (let k = 0; k < nPairs; k++) liveInStart[liveInPairsB.data[k] + 1]++;
  for (let b = 0; b < nb; b++) liveInStart[b + 1] += liveInStart[b];
  const liveIn = sLiveIn.take(nPairs);
  const lf = sLiveFill.take(nb);
  lf.set(liveInStart.subarray(0, nb));
  for (let k = 0; k < nPairs; k++) liveIn[lf[liveInPairsB.data[k]]++] = liveInPairsV.data[k];
  liveInPairsV.trim();
  liveInPairsB.trim();

  return { liveInStart, liveIn, ...buildRanges(f, liveInStart, liveIn) };
}

function buildRanges(f: RegAllocFunction, liveInStart: Int32Array, liveIn: Int32Array): Pick<Liveness, 'vregRangeStart' | 'rangeFrom' | 'rangeTo'> {
  const nb = f.numBlocks;
  const nv = f.numVRegs;
  const outMark = sOutMark.take(nv, -1);
  const inMark = sInMark.take(nv, -1);
  const seen = sSeen.take(nv, -1);
  const from = sFrom.take(nv);
  const to = sTo.take(nv);
  const rv = gRv.reset(f.numInsts * 2);
  const rf = gRf.reset(f.numInsts * 2);
  const rt = gRt.reset(f.numInsts * 2);
  // Filled by index and emptied by resetting the count: `length = 0` drops an array's
  // storage, so the next push would allocate it again.
  const touched: number[] = [];
  let nTouched = 0;
  let b = 0;
  const touch = (v: number, lo: number, hi: number): void => {
    if (seen[v] !== b) {
      seen[v] = b;
      from[v] = lo;
      to[v] = hi;
      touched[nTouched++] = v;
    } else {
      if (lo < from[v]) from[v] = lo;
      if (hi > to[v]) to[v] = hi;
    }
  };
  for (; b < nb; b++) {
    const bs = 4 * f.blockInstStart[b];
    const be = 4 * f.blockInstEnd[b];
    for (let e = f.blockSuccStart[b]; e < f.blockSuccStart[b + 1]; e++) {
      const s = f.succs[e];
      for (let k = liveInStart[s]; k < liveInStart[s + 1]; k++) outMark[liveIn[k]] = b;
      for (let k = f.edgeArgStart[e]; k < f.edgeArgStart[e + 1]; k++) outMark[f.edgeArgs[k]] = b;
    }
    for (let k = liveInStart[b]; k < liveInStart[b + 1]; k++) {
      inMark[liveIn[k]] = b;
      touch(liveIn[k], bs, bs + 1);
    }
    for (let k = f.blockParamStart[b]; k < f.blockParamStart[b + 1]; k++) {
      const v = f.blockParams[k];
      // A dead parameter gets no range: nothing is moved into it.
      inMark[v] = b;
      if (outMark[v] === b) touch(v, bs, bs + 1);
    }
    for (let i = f.blockInstStart[b]; i < f.blockInstEnd[b]; i++) {
      for (let o = f.instOpStart[i]; o < f.instOpStart[i + 1]; o++) {
        const info = f.opInfo[o];
        const v = f.opVReg[o];
        const p = pointOfUse(i, info);
        touch(v, opKind(info) === OperandKind.Def ? p : inMark[v] === b ? bs : p, operandEnd(i, info));
      }
    }
    for (let k = 0; k < nTouched; k++) {
      const v = touched[k];
      let lo = from[v];
      if (inMark[v] === b) lo = bs;
      const hi = outMark[v] === b ? be : to[v];
      rv.push(v);
      rf.push(lo);
      rt.push(hi);
    }
    nTouched = 0;
    // Values live through the block without being mentioned were touched via liveIn above.
  }
  // Group by vreg (stable: blocks were visited in layout order, so ranges stay sorted) and
  // fuse ranges that touch across a block boundary.
  const n = rv.length;
  const count = sCount.take(nv + 1);
  for (let k = 0; k < n; k++) count[rv.data[k] + 1]++;
  for (let v = 0; v < nv; v++) count[v + 1] += count[v];
  const pos = sPos.take(nv);
  pos.set(count.subarray(0, nv));
  const sf = sSf.take(n);
  const st = sSt.take(n);
  for (let k = 0; k < n; k++) {
    const j = pos[rv.data[k]]++;
    sf[j] = rf.data[k];
    st[j] = rt.data[k];
  }
  const vregRangeStart = sVRegRangeStart.take(nv + 1);
  let w = 0;
  for (let v = 0; v < nv; v++) {
    vregRangeStart[v] = w;
    for (let k = count[v]; k < count[v + 1]; k++) {
      if (w > vregRangeStart[v] && st[w - 1] === sf[k]) st[w - 1] = st[k];
      else {
        sf[w] = sf[k];
        st[w] = st[k];
        w++;
      }
    }
  }
  vregRangeStart[nv] = w;
  rv.trim();
  rf.trim();
  rt.trim();
  return { vregRangeStart, rangeFrom: sf.subarray(0, w), rangeTo: st.subarray(0, w) };
}
