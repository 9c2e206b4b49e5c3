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
  private readonly store: Int32Array<ArrayBuffer>;
  private at = 0;
  constructor(size: number) {
    this.store = new Int32Array(size);
  }
  /** A copy of `c`'s entries; `trim` then lets `c` drop oversized storage. */
  take(c: IntCol, trim = true): Int32Array {
    const v = this.zeros(c.length);
    // Short columns (a small function's) by hand: `set` needs a view of the source.
    if (c.length <= 64) for (let k = 0; k < c.length; k++) v[k] = c.data[k];
    else v.set(c.data.subarray(0, c.length));
    if (trim) c.trim();
    return v;
  }
  /** As `take`, viewed as unsigned (every entry must be non-negative). */
  takeU32(c: IntCol): Uint32Array {
    const v = new Uint32Array(this.store.buffer, 4 * this.at, c.length);
    this.take(c);
    return v;
  }
  /** `c`'s entries as bytes (each must fit), in `ceil(length / 4)` entries of the store. */
  takeU8(c: IntCol): Uint8Array {
    const v = new Uint8Array(this.store.buffer, 4 * this.at, c.length);
    for (let k = 0; k < c.length; k++) v[k] = c.data[k];
    this.at += (c.length + 3) >> 2;
    c.trim();
    return v;
  }
  /** `n` entries of zeros. */
  zeros(n: number): Int32Array {
    const v = this.store.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
}

/** Store entries `Carver.takeU8` needs for `n` bytes. */
const u8Entries = (n: number): number => (n + 3) >> 2;

// The columns a VCode is built in; each is only live during one constructor call.
const colBlockLabel = new IntCol();
const colBlockInstStart = new IntCol();
const colBlockInstEnd = new IntCol();
const colFlags = new IntCol();
const colSrcLoc = new IntCol();
const colOpStart = new IntCol();
const colOpVReg = new IntCol();
const colOpInfo = new IntCol();
const colOpField = new IntCol();
const colClobberStart = new IntCol();
const colClobbers = new IntCol();
const colSuccStart = new IntCol();
const colSuccs = new IntCol();
const colEdgeArgStart = new IntCol();
const colEdgeArgs = new IntCol();
const colParamStart = new IntCol();
const colParams = new IntCol();
/** Block index per label, and predecessor counts: temporaries of one constructor call. */
const colIndex = new IntCol();
const NO_CLASSES = new Uint8Array(0);
const colPredFill = new IntCol();

/** The operand sink of the VCode being built (one object, no closures per function). */
const operandSink = {
  vregClass: new Uint8Array(0) as Uint8Array,
  operand(vreg: number, kind: OperandKind, pos: OperandPos, constraint: Constraint, arg: number, field: number): void {
    colOpVReg.push(vreg);
    colOpInfo.push(packOperand(kind, pos, this.vregClass[vreg] as RegClass, constraint, arg));
    colOpField.push(field);
  },
  clobber(preg: number): void {
    colClobbers.push(preg);
  },
};

/** One block as lowering produced it: its instructions are `[start, end)` of a `LoweredInsts`. */
export interface VBlockInput {
  /** The label branch instructions use for this block. */
  label: number;
  params: number[];
  /** Successor labels. */
  succs: number[];
  /** Per successor: the vregs passed to its params. */
  succArgs: number[][];
  start: number;
  end: number;
}

/**
 * The machine instructions of every block, in any block order (each block's range in forward
 * order), with their allocator flags and IR source locations (-1 none), by index.
 */
export interface LoweredInsts<I, X> {
  inst(k: number): I;
  extra(k: number): X | null;
  flags(k: number): number;
  srcloc(k: number): number;
}

export class VCode<I, X> {
  readonly numBlocks: number;
  /** Per block (emission order): its label. */
  readonly blockLabel: Int32Array;
  readonly blockInstStart: Int32Array;
  readonly blockInstEnd: Int32Array;
  /** Per instruction (emission order): the ISA's record and its extra allocation facts. */
  readonly insts: I[];
  readonly extras: (X | null)[];
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

  constructor(blocks: readonly VBlockInput[], lowered: LoweredInsts<I, X>, readonly vregClass: Uint8Array, isa: VCodeIsa<I, X>) {
    const n = blocks.length;
    this.numBlocks = n;
    // Pushed, not preallocated: `new Array(n)` makes a holey array, and a dictionary-mode
    // (slow) one for large n.
    const insts: I[] = (this.insts = []);
    const extras: (X | null)[] = (this.extras = []);
    const blockLabel = colBlockLabel.reset();
    const blockInstStart = colBlockInstStart.reset();
    const blockInstEnd = colBlockInstEnd.reset();
    const flags = colFlags.reset();
    const srcLoc = colSrcLoc.reset();
    const opStart = colOpStart.reset();
    const opVReg = colOpVReg.reset();
    const clobberStart = colClobberStart.reset();
    const clobbers = colClobbers.reset();
    colOpInfo.reset();
    colOpField.reset();
    operandSink.vregClass = vregClass;
    opStart.push(0);
    clobberStart.push(0);
    let i = 0;
    for (let k = 0; k < n; k++) {
      const b = blocks[k];
      blockLabel.push(b.label);
      blockInstStart.push(i);
      for (let j = b.start; j < b.end; j++, i++) {
        const inst = lowered.inst(j);
        const extra = lowered.extra(j);
        insts.push(inst);
        extras.push(extra);
        flags.push(lowered.flags(j));
        srcLoc.push(lowered.srcloc(j));
        isa.collectOperands(inst, extra, operandSink);
        opStart.push(opVReg.length);
        clobberStart.push(clobbers.length);
      }
      blockInstEnd.push(i);
    }
    operandSink.vregClass = NO_CLASSES;
    const edges = collectEdges(blocks);
    // One backing store for every table of the VCode and of the allocator's view: each typed
    // array of its own would cost a separate allocation, more than building a small
    // function's tables.
    const store = new Carver(
      3 * n + srcLoc.length + u8Entries(flags.length) + opStart.length + opVReg.length + colOpInfo.length
        + colOpField.length + clobberStart.length + clobbers.length + edges.size,
    );
    this.blockLabel = store.take(blockLabel);
    this.blockInstStart = store.take(blockInstStart);
    this.blockInstEnd = store.take(blockInstEnd);
    this.instSrcLoc = store.take(srcLoc);
    this.instFlags = store.takeU8(flags);
    this.opStart = store.take(opStart);
    this.opVReg = store.take(opVReg);
    this.opInfo = store.takeU32(colOpInfo);
    this.opField = store.take(colOpField);
    this.clobberStart = store.take(clobberStart);
    this.clobbers = store.take(clobbers);
    this.ra = buildRegAllocView(this, store, edges.numPreds);
  }

  /** The allocator's view of this VCode (shares the operand arrays). */
  toRegAlloc(): RegAllocFunction {
    return this.ra;
  }

  get numInsts(): number {
    return this.insts.length;
  }
}

/** Fills the edge columns (successors by block index, their arguments, block parameters). */
function collectEdges(blocks: readonly VBlockInput[]): { size: number; numPreds: number } {
  const n = blocks.length;
  let maxLabel = 0;
  for (let k = 0; k < n; k++) if (blocks[k].label + 1 > maxLabel) maxLabel = blocks[k].label + 1;
  const index = colIndex.reset();
  for (let l = 0; l < maxLabel; l++) index.push(-1);
  for (let k = 0; k < n; k++) index.data[blocks[k].label] = k;
  const succStart = colSuccStart.reset();
  const succs = colSuccs.reset();
  const edgeArgStart = colEdgeArgStart.reset();
  const edgeArgs = colEdgeArgs.reset();
  const paramStart = colParamStart.reset();
  const params = colParams.reset();
  edgeArgStart.push(0);
  for (let k = 0; k < n; k++) {
    const b = blocks[k];
    succStart.push(succs.length);
    for (let s = 0; s < b.succs.length; s++) {
      succs.push(index.data[b.succs[s]]);
      const args = b.succArgs[s];
      for (let a = 0; a < args.length; a++) edgeArgs.push(args[a]);
      edgeArgStart.push(edgeArgs.length);
    }
    paramStart.push(params.length);
    for (let p = 0; p < b.params.length; p++) params.push(b.params[p]);
  }
  succStart.push(succs.length);
  paramStart.push(params.length);
  index.trim();
  // Per block: succ/pred/param starts (n + 1 each), then the rows.
  return { size: 3 * (n + 1) + 2 * succs.length + params.length + edgeArgStart.length + edgeArgs.length, numPreds: succs.length };
}

function buildRegAllocView<I, X>(v: VCode<I, X>, store: Carver, numPreds: number): RegAllocFunction {
  const n = v.numBlocks;
  const blockSuccStart = store.take(colSuccStart);
  const succArr = store.take(colSuccs);
  const blockParamStart = store.take(colParamStart);
  const blockParams = store.take(colParams);
  const edgeArgStart = store.take(colEdgeArgStart);
  const edgeArgs = store.take(colEdgeArgs);
  // Predecessors grouped by block, in the order of the edges (a counting sort).
  const blockPredStart = store.zeros(n + 1);
  const preds = store.zeros(numPreds);
  for (let e = 0; e < succArr.length; e++) blockPredStart[succArr[e] + 1]++;
  for (let k = 0; k < n; k++) blockPredStart[k + 1] += blockPredStart[k];
  const fill = colPredFill.reset();
  for (let k = 0; k < n; k++) fill.push(blockPredStart[k]);
  for (let k = 0; k < n; k++) {
    for (let e = blockSuccStart[k]; e < blockSuccStart[k + 1]; e++) preds[fill.data[succArr[e]]++] = k;
  }
  fill.trim();
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
    blockParams,
    edgeArgStart,
    edgeArgs,
    instOpStart: v.opStart,
    opVReg: v.opVReg,
    opInfo: v.opInfo,
    instClobberStart: v.clobberStart,
    clobbers: v.clobbers,
    instFlags: v.instFlags,
  };
}

export { InstFlag };
