// The client's view of a function: flat CSR tables (offset arrays of length n+1 into pooled
// lists), so a backend can fill it without one object per instruction or operand.

import {
  Constraint,
  InstFlag,
  InvalidInputError,
  OperandKind,
  OperandPos,
  packOperand,
  type OperandInfo,
  type PReg,
  type RegClass,
  type VReg,
} from './types';

/**
 * A function in allocator form. Blocks hold contiguous instruction ranges in layout order;
 * block 0 is the entry. Each vreg is defined exactly once (SSA): by an operand def or as a
 * block parameter. Branch arguments are not operands: they are listed per CFG edge, edge
 * `e = blockSuccStart[b] + k` being the k-th successor of block b.
 */
export interface RegAllocFunction {
  readonly numVRegs: number;
  /** Per vreg: its `RegClass`. */
  readonly vregClass: Uint8Array;
  readonly numBlocks: number;
  readonly numInsts: number;
  readonly blockInstStart: Int32Array;
  /** Exclusive. */
  readonly blockInstEnd: Int32Array;
  readonly blockSuccStart: Int32Array;
  readonly succs: Int32Array;
  readonly blockPredStart: Int32Array;
  readonly preds: Int32Array;
  readonly blockParamStart: Int32Array;
  readonly blockParams: Int32Array;
  /** Per edge (see above): offsets into `edgeArgs`, one arg per successor block param. */
  readonly edgeArgStart: Int32Array;
  readonly edgeArgs: Int32Array;
  readonly instOpStart: Int32Array;
  readonly opVReg: Int32Array;
  /** Packed with `packOperand`. */
  readonly opInfo: Uint32Array;
  readonly instClobberStart: Int32Array;
  readonly clobbers: Int32Array;
  /** `InstFlag` bits. */
  readonly instFlags: Uint8Array;
}

/** One operand as a builder argument. */
export interface OperandSpec {
  vreg: VReg;
  kind: OperandKind;
  pos?: OperandPos;
  constraint?: Constraint;
  /** Fixed preg, or the operand index a `Reuse` def shares a register with. */
  arg?: number;
}

/** Shorthands for `OperandSpec`s; defaults: uses early, defs late, any register. */
export const Op = {
  use: (vreg: VReg, constraint: Constraint = Constraint.Reg, arg = 0): OperandSpec => ({ vreg, kind: OperandKind.Use, pos: OperandPos.Early, constraint, arg }),
  lateUse: (vreg: VReg, constraint: Constraint = Constraint.Reg, arg = 0): OperandSpec => ({ vreg, kind: OperandKind.Use, pos: OperandPos.Late, constraint, arg }),
  def: (vreg: VReg, constraint: Constraint = Constraint.Reg, arg = 0): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Late, constraint, arg }),
  earlyDef: (vreg: VReg, constraint: Constraint = Constraint.Reg, arg = 0): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Early, constraint, arg }),
  fixedUse: (vreg: VReg, preg: PReg): OperandSpec => ({ vreg, kind: OperandKind.Use, pos: OperandPos.Early, constraint: Constraint.Fixed, arg: preg }),
  fixedDef: (vreg: VReg, preg: PReg): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Late, constraint: Constraint.Fixed, arg: preg }),
  reuseDef: (vreg: VReg, input: number): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Late, constraint: Constraint.Reuse, arg: input }),
  anyUse: (vreg: VReg): OperandSpec => ({ vreg, kind: OperandKind.Use, pos: OperandPos.Early, constraint: Constraint.Any }),
  stackUse: (vreg: VReg): OperandSpec => ({ vreg, kind: OperandKind.Use, pos: OperandPos.Early, constraint: Constraint.Stack }),
  anyDef: (vreg: VReg): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Late, constraint: Constraint.Any }),
  stackDef: (vreg: VReg): OperandSpec => ({ vreg, kind: OperandKind.Def, pos: OperandPos.Late, constraint: Constraint.Stack }),
};

export interface InstOptions {
  clobbers?: readonly PReg[];
  branch?: boolean;
  ret?: boolean;
  move?: boolean;
}

class IntList {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Builds a `RegAllocFunction` block by block. Blocks are created up front (`block()`), then
 * filled in layout order (`switchTo`); successors with their branch arguments are given on
 * the terminator via `branch`. Predecessor lists are derived.
 */
export class FunctionBuilder {
  private vregClasses: number[] = [];
  private blockParamsOf: number[][] = [];
  private blockOrder: number[] = [];
  private blockStart: number[] = [];
  private blockEnd: number[] = [];
  private succsOf: number[][] = [];
  private argsOf: number[][][] = [];
  private current = -1;
  private numInsts = 0;
  private readonly instOpStart = new IntList();
  private readonly opVReg = new IntList();
  private readonly opInfo = new IntList();
  private readonly clobberStart = new IntList();
  private readonly clobbers = new IntList();
  private readonly flags = new IntList();

  constructor() {
    this.instOpStart.push(0);
    this.clobberStart.push(0);
  }

  vreg(cls: RegClass): VReg {
    this.vregClasses.push(cls);
    return this.vregClasses.length - 1;
  }

  block(): number {
    this.blockParamsOf.push([]);
    this.blockStart.push(-1);
    this.blockEnd.push(-1);
    this.succsOf.push([]);
    this.argsOf.push([]);
    return this.blockParamsOf.length - 1;
  }

  blockParam(block: number, cls: RegClass): VReg {
    const v = this.vreg(cls);
    this.blockParamsOf[block].push(v);
    return v;
  }

  /**
   * Starts filling `block`. Blocks are laid out in the order they are filled; the first one
   * filled is the entry. If blocks are filled in creation order their ids are unchanged,
   * otherwise `blockIndex` maps a builder id to its index in the finished function.
   */
  switchTo(block: number): void {
    if (!(block >= 0 && block < this.blockParamsOf.length)) throw new InvalidInputError(`block ${block} was not created with block()`);
    if (this.blockStart[block] >= 0) throw new InvalidInputError('block is already filled', { block });
    if (this.current >= 0) this.blockEnd[this.current] = this.numInsts;
    this.blockOrder.push(block);
    this.blockStart[block] = this.numInsts;
    this.current = block;
  }

  /** Index in the finished function of the block created as `block`. */
  blockIndex(block: number): number {
    return this.layoutPos[block];
  }

  private layoutPos: number[] = [];

  /** Appends an instruction to the current block and returns its index. */
  inst(operands: readonly OperandSpec[], opts: InstOptions = {}): number {
    if (this.current < 0) throw new InvalidInputError('inst() before switchTo()');
    for (const o of operands) {
      const cls = (this.vregClasses[o.vreg] ?? 0) as RegClass;
      this.opVReg.push(o.vreg);
      const pos = o.pos ?? (o.kind === OperandKind.Def ? OperandPos.Late : OperandPos.Early);
      this.opInfo.push(packOperand(o.kind, pos, cls, o.constraint ?? Constraint.Reg, o.arg ?? 0));
    }
    this.instOpStart.push(this.opVReg.length);
    for (const c of opts.clobbers ?? []) this.clobbers.push(c);
    this.clobberStart.push(this.clobbers.length);
    this.flags.push((opts.branch ? InstFlag.Branch : 0) | (opts.ret ? InstFlag.Ret : 0) | (opts.move ? InstFlag.Move : 0));
    return this.numInsts++;
  }

  /** A move instruction `dst = src` (any registers); the allocator tries to make it a no-op. */
  move(dst: VReg, src: VReg): number {
    return this.inst([Op.use(src), Op.def(dst)], { move: true });
  }

  /** The block terminator, with its successors and the arguments passed to each. */
  branch(targets: readonly { block: number; args?: readonly VReg[] }[], operands: readonly OperandSpec[] = []): number {
    const b = this.current;
    for (const t of targets) {
      this.succsOf[b].push(t.block);
      this.argsOf[b].push([...(t.args ?? [])]);
    }
    return this.inst(operands, { branch: true });
  }

  ret(operands: readonly OperandSpec[] = []): number {
    return this.inst(operands, { ret: true });
  }

  finish(): RegAllocFunction {
    if (this.current >= 0) this.blockEnd[this.current] = this.numInsts;
    const numBlocks = this.blockParamsOf.length;
    if (this.blockOrder.length !== numBlocks) {
      const missing = this.blockStart.findIndex((x) => x < 0);
      throw new InvalidInputError('block was created but never filled', { block: missing });
    }
    const pos = new Array<number>(numBlocks);
    this.blockOrder.forEach((b, k) => (pos[b] = k));
    this.layoutPos = pos;
    const blockSuccStart = new Int32Array(numBlocks + 1);
    const blockPredStart = new Int32Array(numBlocks + 1);
    const blockParamStart = new Int32Array(numBlocks + 1);
    const succs: number[] = [];
    const edgeArgStart: number[] = [0];
    const edgeArgs: number[] = [];
    const predLists: number[][] = this.blockParamsOf.map(() => []);
    const params: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let k = 0; k < numBlocks; k++) {
      const b = this.blockOrder[k];
      blockSuccStart[k] = succs.length;
      starts.push(this.blockStart[b]);
      ends.push(this.blockEnd[b]);
      this.succsOf[b].forEach((s, j) => {
        const t = s >= 0 && s < numBlocks ? pos[s] : -1;
        succs.push(t);
        if (t >= 0) predLists[t].push(k);
        edgeArgs.push(...this.argsOf[b][j]);
        edgeArgStart.push(edgeArgs.length);
      });
      blockParamStart[k] = params.length;
      params.push(...this.blockParamsOf[b]);
    }
    blockSuccStart[numBlocks] = succs.length;
    blockParamStart[numBlocks] = params.length;
    const preds: number[] = [];
    for (let k = 0; k < numBlocks; k++) {
      blockPredStart[k] = preds.length;
      preds.push(...predLists[k]);
    }
    blockPredStart[numBlocks] = preds.length;
    return {
      numVRegs: this.vregClasses.length,
      vregClass: Uint8Array.from(this.vregClasses),
      numBlocks,
      numInsts: this.numInsts,
      blockInstStart: Int32Array.from(starts),
      blockInstEnd: Int32Array.from(ends),
      blockSuccStart,
      succs: Int32Array.from(succs),
      blockPredStart,
      preds: Int32Array.from(preds),
      blockParamStart,
      blockParams: Int32Array.from(params),
      edgeArgStart: Int32Array.from(edgeArgStart),
      edgeArgs: Int32Array.from(edgeArgs),
      instOpStart: this.instOpStart.finish(),
      opVReg: this.opVReg.finish(),
      opInfo: Uint32Array.from(this.opInfo.finish()),
      instClobberStart: this.clobberStart.finish(),
      clobbers: this.clobbers.finish(),
      instFlags: Uint8Array.from(this.flags.finish()),
    };
  }
}

/** Operand index range of instruction `inst`. */
export function operandRange(f: RegAllocFunction, inst: number): [number, number] {
  return [f.instOpStart[inst], f.instOpStart[inst + 1]];
}

export function operandInfo(f: RegAllocFunction, op: number): OperandInfo {
  return f.opInfo[op];
}
