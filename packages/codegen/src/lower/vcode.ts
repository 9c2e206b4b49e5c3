// VCode: the machine instructions of one function, per block, in emission order, with virtual
// registers, plus the operand tables the register allocator reads.
//
//   blocks (emission order) ─ instruction ranges, params (vregs), successors + branch args
//   insts[i]                ─ the ISA's machine instruction record (vregs in its reg fields)
//   operands (CSR)          ─ vreg, packed regalloc operand info, ISA field to rewrite
//
// The ISA describes each instruction's operands through `collectOperands` once, when the VCode
// is finished; `toRegAlloc` then hands flat typed arrays to `@windlass/regalloc` without
// copying per instruction.

import {
  type Constraint, InstFlag, type OperandKind, type OperandPos, packOperand, type RegAllocFunction, type RegClass,
} from '@windlass/regalloc';

/** Where an ISA reports an instruction's register operands. */
export interface OperandSink {
  /**
   * One operand. `field` is the ISA's id of the register field the allocation is written back
   * to, or -1 when the instruction names no field for it (fixed registers, tied inputs).
   */
  operand(vreg: number, kind: OperandKind, pos: OperandPos, constraint: Constraint, arg: number, field: number): void;
  /** A physical register the instruction overwrites without a def operand (call clobbers). */
  clobber(preg: number): void;
}

export interface VCodeIsa<I, X> {
  collectOperands(inst: I, extra: X | null, sink: OperandSink): void;
}

/**
 * A growable int column over an Int32Array that is reused from one function to the next (the
 * module keeps one per role below), so building a VCode allocates only the exact-size tables
 * a `Carver` copies the columns into. Per-function plain arrays made millions of elements of
 * garbage for large functions; a fresh typed array per column costs a backing store each.
 */
class IntCol {
  data = new Int32Array(256);
  length = 0;
  reset(): this {
    this.length = 0;
    return this;
  }
  /** Drops storage grown past 64K entries, so one huge function does not keep it alive. */
  trim(): void {
    if (this.data.length > 1 << 16) this.data = new Int32Array(256);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(2 * this.data.length);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Copies columns into consecutive views of one Int32Array of `size` entries. */
class Carver {
  private readonly store: Int32Array;
  private at = 0;
  constructor(size: number) {
    this.store = new Int32Array(size);
  }
  /** A copy of `c`'s entries; `trim` then lets `c` drop oversized storage. */
  take(c: IntCol, trim = false): Int32Array {
    const v = this.store.subarray(this.at, this.at + c.length);
    v.set(c.data.subarray(0, c.length));
    this.at += c.length;
    if (trim) c.trim();
    return v;
  }
  /** As `take`, viewed as unsigned (every entry must be non-negative). */
  takeU32(c: IntCol): Uint32Array {
    const v = new Uint32Array(this.store.buffer, 4 * this.at, c.length);
    this.take(c);
    return v;
  }
}

// The columns a VCode is built in; each is only live during one constructor call.
const colOpStart = new IntCol();
const colOpVReg = new IntCol();
const colOpInfo = new IntCol();
const colOpField = new IntCol();
const colClobberStart = new IntCol();
const colClobbers = new IntCol();
const colSuccs = new IntCol();
const colEdgeArgStart = new IntCol();
const colEdgeArgs = new IntCol();
const colParams = new IntCol();

/** One block as lowering produced it (instructions in forward order). */
export interface VBlockInput<I, X> {
  /** The label branch instructions use for this block. */
  label: number;
  params: number[];
  /** Successor labels. */
  succs: number[];
  /** Per successor: the vregs passed to its params. */
  succArgs: number[][];
  insts: I[];
  extras: (X | null)[];
  flags: number[];
  /** IR source location per instruction (-1 none). */
  srclocs: number[];
}

export class VCode<I, X> {
  readonly numBlocks: number;
  /** Per block (emission order): its label. */
  readonly blockLabel: Int32Array;
  readonly blockInstStart: Int32Array;
  readonly blockInstEnd: Int32Array;
  readonly insts: I[] = [];
  readonly extras: (X | null)[] = [];
  readonly instFlags: Uint8Array;
  readonly instSrcLoc: Int32Array;
  readonly opStart: Int32Array;
  readonly opVReg: Int32Array;
  readonly opInfo: Uint32Array;
  /** Per operand: the ISA register field to rewrite, -1 none. */
  readonly opField: Int32Array;
  readonly clobberStart: Int32Array;
  readonly clobbers: Int32Array;
  private readonly ra: RegAllocFunction;

  constructor(blocks: readonly VBlockInput<I, X>[], readonly vregClass: Uint8Array, isa: VCodeIsa<I, X>) {
    const n = blocks.length;
    this.numBlocks = n;
    this.blockLabel = new Int32Array(n);
    this.blockInstStart = new Int32Array(n);
    this.blockInstEnd = new Int32Array(n);
    let maxLabel = 0;
    for (const b of blocks) maxLabel = Math.max(maxLabel, b.label + 1);
    const index = new Int32Array(maxLabel).fill(-1);
    blocks.forEach((b, k) => (index[b.label] = k));
    let total = 0;
    for (const b of blocks) total += b.insts.length;
    this.instFlags = new Uint8Array(total);
    this.instSrcLoc = new Int32Array(total);
    const opStart = colOpStart.reset();
    const opVReg = colOpVReg.reset();
    const opInfo = colOpInfo.reset();
    const opField = colOpField.reset();
    const clobberStart = colClobberStart.reset();
    const clobbers = colClobbers.reset();
    const sink: OperandSink = {
      operand(vreg, kind, pos, constraint, arg, field) {
        opVReg.push(vreg);
        opInfo.push(packOperand(kind, pos, vregClass[vreg] as RegClass, constraint, arg));
        opField.push(field);
      },
      clobber(preg) {
        clobbers.push(preg);
      },
    };
    opStart.push(0);
    clobberStart.push(0);
    let i = 0;
    for (let k = 0; k < n; k++) {
      const b = blocks[k];
      this.blockLabel[k] = b.label;
      this.blockInstStart[k] = i;
      for (let j = 0; j < b.insts.length; j++, i++) {
        this.insts.push(b.insts[j]);
        this.extras.push(b.extras[j]);
        this.instFlags[i] = b.flags[j];
        this.instSrcLoc[i] = b.srclocs[j];
        isa.collectOperands(b.insts[j], b.extras[j], sink);
        opStart.push(opVReg.length);
        clobberStart.push(clobbers.length);
      }
      this.blockInstEnd[k] = i;
    }
    // One backing store for all the operand tables (each typed array of its own would cost
    // a separate allocation, more than building a small function's tables).
    const store = new Carver(opStart.length + opVReg.length + opInfo.length + opField.length + clobberStart.length + clobbers.length);
    this.opStart = store.take(opStart);
    this.opVReg = store.take(opVReg);
    this.opInfo = store.takeU32(opInfo);
    this.opField = store.take(opField);
    this.clobberStart = store.take(clobberStart);
    this.clobbers = store.take(clobbers);
    for (const c of [opStart, opVReg, opInfo, opField, clobberStart, clobbers]) c.trim();
    this.ra = buildRegAllocView(this, blocks, index);
  }

  /** The allocator's view of this VCode (shares the operand arrays). */
  toRegAlloc(): RegAllocFunction {
    return this.ra;
  }

  get numInsts(): number {
    return this.insts.length;
  }
}

function buildRegAllocView<I, X>(v: VCode<I, X>, blocks: readonly VBlockInput<I, X>[], index: Int32Array): RegAllocFunction {
  const n = blocks.length;
  const blockSuccStart = new Int32Array(n + 1);
  const blockPredStart = new Int32Array(n + 1);
  const blockParamStart = new Int32Array(n + 1);
  const succs = colSuccs.reset();
  const edgeArgStart = colEdgeArgStart.reset();
  const edgeArgs = colEdgeArgs.reset();
  const params = colParams.reset();
  const predCount = new Int32Array(n);
  edgeArgStart.push(0);
  for (let k = 0; k < n; k++) {
    const b = blocks[k];
    blockSuccStart[k] = succs.length;
    for (let s = 0; s < b.succs.length; s++) {
      const t = index[b.succs[s]];
      succs.push(t);
      predCount[t]++;
      for (const a of b.succArgs[s]) edgeArgs.push(a);
      edgeArgStart.push(edgeArgs.length);
    }
    blockParamStart[k] = params.length;
    for (const p of b.params) params.push(p);
  }
  blockSuccStart[n] = succs.length;
  blockParamStart[n] = params.length;
  for (let k = 0; k < n; k++) blockPredStart[k + 1] = blockPredStart[k] + predCount[k];
  const preds = new Int32Array(blockPredStart[n]);
  const fill = blockPredStart.slice(0, n);
  const store = new Carver(succs.length + params.length + edgeArgStart.length + edgeArgs.length);
  const succArr = store.take(succs, true);
  for (let k = 0; k < n; k++) {
    for (let e = blockSuccStart[k]; e < blockSuccStart[k + 1]; e++) preds[fill[succArr[e]]++] = k;
  }
  return {
    numVRegs: v.vregClass.length,
    vregClass: v.vregClass,
    numBlocks: n,
    numInsts: v.insts.length,
    blockInstStart: v.blockInstStart,
    blockInstEnd: v.blockInstEnd,
    blockSuccStart,
    succs: succArr,
    blockPredStart,
    preds,
    blockParamStart,
    blockParams: store.take(params, true),
    edgeArgStart: store.take(edgeArgStart, true),
    edgeArgs: store.take(edgeArgs, true),
    instOpStart: v.opStart,
    opVReg: v.opVReg,
    opInfo: v.opInfo,
    instClobberStart: v.clobberStart,
    clobbers: v.clobbers,
    instFlags: v.instFlags,
  };
}

export { InstFlag };
