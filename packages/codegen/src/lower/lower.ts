// The lowering mechanism: IR function -> VCode, ISA-independent.
//
// The ISA supplies *rules* (per opcode, typed pattern functions tried in priority order) and a
// few hooks; this file is the *mechanism*:
//   - blocks are lowered in postorder, and instructions backwards, so every use of a value is
//     seen before its definition: a pure instruction whose results nobody asked for is skipped
//     (dead code, constants folded into immediates, loads sunk into their user);
//   - each IR value gets its virtual registers on first request (`put`), i128 a pair;
//   - a load with one use, in the same block, with no side effect between it and its user, may
//     be sunk into the user's memory operand (`sinkableLoad` + `sink`);
//   - critical edges (several successors -> a block with several predecessors) get an edge
//     block holding only a jump, so the allocator can place the edge's moves.

import {
  type Block, type BlockCall, type Function, type Inst, type Opcode, type Type, type Value,
  Format, NONE, OPCODES, ICONST, ValueKind, blockArgIndex, blockArgKind, hasSideEffects, opcodeName, typeName,
} from '@windlass/ir';
import { InstFlag, type RegClass } from '@windlass/regalloc';
import { UnsupportedError } from './errors';
import { type LoweredInsts, VCode, type VBlockInput, type VCodeIsa } from './vcode';

/** A lowering rule: emits machine code for `inst` and returns true, or declines with false. */
export type Rule<C> = (ctx: C, inst: Inst) => boolean;

interface RuleEntry<C> {
  readonly name: string;
  readonly priority: number;
  readonly rule: Rule<C>;
}

/** Per-opcode rule lists, tried from the highest priority down. */
export class RuleTable<C> {
  private readonly byOpcode: RuleEntry<C>[][] = [];

  /** Adds a rule for each of `opcodes`. Higher priorities are tried first (ties: insertion order). */
  add(opcodes: Opcode | readonly Opcode[], name: string, rule: Rule<C>, priority = 0): this {
    for (const op of typeof opcodes === 'number' ? [opcodes] : opcodes) {
      const list = (this.byOpcode[op] ??= []);
      list.push({ name, priority, rule });
      list.sort((a, b) => b.priority - a.priority);
    }
    return this;
  }

  /** Runs the first matching rule; false when none matched. */
  lower(ctx: C, op: Opcode, inst: Inst): boolean {
    const list = this.byOpcode[op];
    if (list === undefined) return false;
    for (let k = 0; k < list.length; k++) if (list[k].rule(ctx, inst)) return true;
    return false;
  }

  has(op: Opcode): boolean {
    return (this.byOpcode[op]?.length ?? 0) > 0;
  }

  /** Rule names per opcode, for documentation and tests. */
  describe(op: Opcode): string[] {
    return (this.byOpcode[op] ?? []).map((e) => e.name);
  }
}

/** What an ISA plugs into the mechanism. */
export interface LowerBackend<I, X> extends VCodeIsa<I, X> {
  /** Register classes holding a value of type `t` (i128 on a 64-bit ISA: two Int), or null. */
  regsFor(t: Type): readonly RegClass[] | null;
  /** Lowers a non-terminator instruction; false when no rule matched. */
  lowerInst(ctx: LowerCtx<I, X>, inst: Inst): boolean;
  /** Lowers a terminator; `targets` are the labels of its successors in `branchDestinations` order. */
  lowerBranch(ctx: LowerCtx<I, X>, inst: Inst, targets: readonly number[]): boolean;
  /** Defines the entry block's parameters (the function arguments). */
  lowerArgs(ctx: LowerCtx<I, X>, params: readonly Value[]): void;
  /** An unconditional jump to `label` (the body of an edge block). */
  jump(label: number): I;
  /**
   * `try_call` / `try_call_indirect`. Every successor of a try_call gets its own edge block, and
   * the call is the block's terminator (its return and every landing pad sit at edge-block
   * heads, so no register move can come between the call and either). After `lowerBranch`, this
   * is called once per successor with that edge block as the emission target: k = 0 is the
   * normal return, k >= 1 the handler k - 1 in table order (context items skipped). It emits
   * the code defining what the successor receives and returns those vregs by N: the call's
   * return values (`retN`, k = 0) or the exception payload (`exnN`, k >= 1). Without this hook,
   * a try_call whose successors take `retN`/`exnN` is unsupported.
   */
  tryCallLanding?(ctx: LowerCtx<I, X>, inst: Inst, k: number): readonly (readonly number[])[];
}

/** A try_call successor's edge block, filled after the call is lowered. */
interface TryEdge {
  readonly edge: VBlockInput;
  readonly k: number;
  readonly call: BlockCall;
  readonly target: number;
}

/** Whether `op` is `try_call` or `try_call_indirect`. */
function isTryCallOp(op: Opcode): boolean {
  const fmt = OPCODES[op].format;
  return fmt === Format.TryCall || fmt === Format.TryCallIndirect;
}

const NO_REG = -1;

const CHUNK_BITS = 11;
const CHUNK = 1 << CHUNK_BITS;

/**
 * The lowered instructions of a function, appended in chunks of `CHUNK`: a flat array would
 * regrow and copy a large function's list (and the pointers in it) many times over.
 */
class LoweredChunks<I, X> implements LoweredInsts<I, X> {
  private readonly insts: I[][] = [];
  private readonly extras: (X | null)[][] = [];
  private readonly flagList: number[][] = [];
  private readonly srclocs: number[][] = [];
  length = 0;

  /** Appends one instruction; returns its index. */
  push(inst: I, extra: X | null, flags: number, srcloc: number): number {
    const k = this.length++;
    const c = k >> CHUNK_BITS;
    const j = k & (CHUNK - 1);
    if (c === this.insts.length) {
      this.insts.push([]);
      this.extras.push([]);
      this.flagList.push([]);
      this.srclocs.push([]);
    }
    this.insts[c][j] = inst;
    this.extras[c][j] = extra;
    this.flagList[c][j] = flags;
    this.srclocs[c][j] = srcloc;
    return k;
  }
  inst(k: number): I {
    return this.insts[k >> CHUNK_BITS][k & (CHUNK - 1)];
  }
  extra(k: number): X | null {
    return this.extras[k >> CHUNK_BITS][k & (CHUNK - 1)];
  }
  flags(k: number): number {
    return this.flagList[k >> CHUNK_BITS][k & (CHUNK - 1)];
  }
  srcloc(k: number): number {
    return this.srclocs[k >> CHUNK_BITS][k & (CHUNK - 1)];
  }
  /** Empties the list, keeping the first chunk's storage (a small function's). */
  reset(): void {
    this.length = 0;
    for (const list of [this.insts, this.extras, this.flagList, this.srclocs] as unknown[][][]) {
      list.length = Math.min(list.length, 1);
    }
  }
}

/**
 * A `LowerCtx`'s working storage: the typed arrays its per-value, per-instruction and per-block
 * tables are carved from, and the arrays it collects instructions, vreg classes and blocks in
 * (filled by index up to counts kept by the context). The last context to finish hands it to
 * the next one (see `LowerCtx.release`): creating these cost more than lowering a small
 * function's instructions.
 */
class LowerScratch {
  ints = new Int32Array(256);
  bytes = new Uint8Array(256);
  curFlags: number[] = [];
  groupStart: number[] = [];
  groupLoc: number[] = [];
  out = new LoweredChunks<unknown, unknown>();
  vregClasses: number[] = [];
  vblocks: VBlockInput[] = [];
}

/** The storage of the last context to finish; null while a context holds it. */
let spareScratch: LowerScratch | null = null;
/** Typed tables larger than this (entries) are not kept for the next function. */
const KEEP_TABLE = 1 << 16;
/**
 * Arrays of objects longer than this are not kept either: kept ones hold on to a finished
 * function's instructions until overwritten.
 */
const KEEP_OBJECTS = 1 << 12;

export class LowerCtx<I, X> {
  /** Per value: first and second vreg (-1 until requested). */
  private readonly valueRegs: Int32Array;
  private readonly vregClasses: number[];
  private numVRegs = 0;
  /** Per value: 1 once a user asked for its registers. */
  private readonly valueUsed: Uint8Array;
  /** Per inst: 1 when sunk into a user (not lowered on its own). */
  private readonly sunk: Uint8Array;
  /** Per inst: side-effecting instructions before it in its block (sinking barrier). */
  private readonly color: Int32Array;
  private readonly useCount: Int32Array;
  // The instructions of the block being lowered: one group per IR instruction, in backward
  // order, each group in forward order, filled by index up to `curLen` / `groupLen`. The number
  // lists are reused from block to block; the object lists are new for each block: once a
  // reused array has grown old, every store of a new instruction into it is a write the
  // garbage collector must remember (it made large functions slower to lower).
  private curInsts: I[] = [];
  private curExtras: (X | null)[] = [];
  private curFlags: number[];
  private curLen = 0;
  private readonly groupStart: number[];
  private readonly groupLoc: number[];
  private groupLen = 0;
  private curSrcLoc = -1;
  /**
   * Every lowered instruction, each block's (and edge block's) a contiguous forward-order range
   * (`VBlockInput.start/end`); the VCode puts the ranges in emission order. One list avoids
   * per-block arrays, which made several pointer slots of garbage per machine instruction.
   */
  private readonly out: LoweredChunks<I, X>;
  /** Label per IR block (layout order numbering); edge blocks get labels after them. */
  readonly blockLabel: Int32Array;
  private nextLabel: number;
  /** The IR instruction being lowered. */
  curInst: Inst = -1 as Inst;
  /** Per try_call instruction: the labels of its successors' edge blocks. */
  private readonly tryEdgeLabels = new Map<number, number[]>();
  /** Per block: 1 when reachable from the entry (set by `run`). */
  private readonly reachable: Uint8Array;
  /** Per block: predecessor edges from reachable blocks (set by `run`). */
  private readonly preds: Int32Array;
  /** Per block: its lowered blocks (itself, then its edge blocks) are `vblocks[vbStart[b] ..][.. vbCount[b]]`. */
  private readonly vbStart: Int32Array;
  private readonly vbCount: Int32Array;
  private readonly vblocks: VBlockInput[];
  private numVBlocks = 0;
  /** Landing-pad edge blocks of try_call handlers: emitted after all other blocks (cold code). */
  private readonly landingPads: VBlockInput[] = [];

  /** The storage the tables and lists above live in (handed on by `release`). */
  private readonly scratch: LowerScratch;

  constructor(readonly f: Function, readonly backend: LowerBackend<I, X>) {
    // Two stores carved into the per-value, per-inst and per-block tables, taken over from the
    // previous context when large enough.
    const vc = f.valueCount;
    const ic = f.instCount;
    const bc = f.blockCount;
    const ni = 3 * vc + ic + 4 * bc;
    const sc = spareScratch ?? new LowerScratch();
    spareScratch = null;
    this.scratch = sc;
    if (sc.ints.length < ni) sc.ints = new Int32Array(Math.max(ni, 2 * sc.ints.length));
    const ints = sc.ints;
    this.valueRegs = ints.subarray(0, 2 * vc).fill(NO_REG);
    this.useCount = ints.subarray(2 * vc, 3 * vc).fill(0);
    this.color = ints.subarray(3 * vc, 3 * vc + ic).fill(0);
    const pb = 3 * vc + ic;
    this.blockLabel = ints.subarray(pb, pb + bc).fill(-1);
    this.preds = ints.subarray(pb + bc, pb + 2 * bc).fill(0);
    this.vbStart = ints.subarray(pb + 2 * bc, pb + 3 * bc);
    this.vbCount = ints.subarray(pb + 3 * bc, pb + 4 * bc).fill(0);
    const nb = vc + ic + bc;
    if (sc.bytes.length < nb) sc.bytes = new Uint8Array(Math.max(nb, 2 * sc.bytes.length));
    const bytes = sc.bytes;
    this.valueUsed = bytes.subarray(0, vc).fill(0);
    this.sunk = bytes.subarray(vc, vc + ic).fill(0);
    this.reachable = bytes.subarray(vc + ic, nb).fill(0);
    this.curFlags = sc.curFlags;
    this.groupStart = sc.groupStart;
    this.groupLoc = sc.groupLoc;
    this.out = sc.out as LoweredChunks<I, X>;
    this.out.reset();
    this.vregClasses = sc.vregClasses;
    this.vblocks = sc.vblocks;
    let label = 0;
    for (let b = f.firstBlock as number; b !== NONE; b = f.blockNext[b]) this.blockLabel[b] = label++;
    this.nextLabel = label;
    this.countUses();
  }

  private countUses(): void {
    const f = this.f;
    for (let b = f.firstBlock as number; b !== NONE; b = f.blockNext[b]) {
      let color = 0;
      for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
        this.color[i] = color;
        const off = f.instArgOff[i];
        for (let k = 0; k < f.instArgLen[i]; k++) this.useCount[f.resolveAliases(f.pool[off + k] as Value)]++;
        if (OPCODES[f.instOpcode[i]].isBranch) {
          for (let d = 0, nd = this.destCount(i as Inst); d < nd; d++) {
            const bc = this.destAt(i as Inst, d);
            const aoff = f.bcArgOff[bc];
            for (let k = 0; k < f.bcArgLen[bc]; k++) {
              const a = f.pool[aoff + k];
              if (a >= 0) this.useCount[f.resolveAliases(a as Value)]++;
            }
          }
        }
        if (hasSideEffects(f.instOpcode[i] as Opcode)) color++;
      }
    }
  }

  // ------------------------------------------------------------------ registers

  /** A fresh virtual register of class `cls`. */
  alloc(cls: RegClass): number {
    this.vregClasses[this.numVRegs] = cls;
    return this.numVRegs++;
  }

  private assign(v: Value): void {
    const t = this.f.valueType[v] as Type;
    const classes = this.backend.regsFor(t);
    if (classes === null) throw new UnsupportedError(`type ${typeName(t)}`, this.loc());
    this.valueRegs[2 * v] = this.alloc(classes[0]);
    if (classes.length > 1) this.valueRegs[2 * v + 1] = this.alloc(classes[1]);
  }

  /** The (first) vreg of value `v`; marks `v` used, so its definition is lowered. */
  put(v: Value): number {
    const r = this.f.resolveAliases(v);
    if (this.valueRegs[2 * r] === NO_REG) this.assign(r);
    this.valueUsed[r] = 1;
    return this.valueRegs[2 * r];
  }

  /** Both vregs of a two-register value (i128): [lo, hi]. */
  putPair(v: Value): [number, number] {
    const lo = this.put(v);
    return [lo, this.valueRegs[2 * this.f.resolveAliases(v) + 1]];
  }

  /** The vregs of value `v` (one or two). */
  regsOf(v: Value): number[] {
    const lo = this.put(v);
    const hi = this.valueRegs[2 * this.f.resolveAliases(v) + 1];
    return hi === NO_REG ? [lo] : [lo, hi];
  }

  /** Appends the vregs of value `v` (one or two) to `out` (`regsOf` without an array). */
  private pushRegs(v: Value, out: number[]): void {
    out.push(this.put(v));
    const hi = this.valueRegs[2 * this.f.resolveAliases(v) + 1];
    if (hi !== NO_REG) out.push(hi);
  }

  /** Result `k` of the instruction being lowered. */
  result(k = 0): Value {
    return this.f.result(this.curInst, k);
  }

  /** Uses of `v` in the function (instruction operands and branch arguments). */
  useCountOf(v: Value): number {
    return this.useCount[this.f.resolveAliases(v)];
  }

  isUsed(v: Value): boolean {
    return this.valueUsed[this.f.resolveAliases(v)] === 1;
  }

  /** Register class of vreg `v`. */
  vregClass(v: number): RegClass {
    return this.vregClasses[v] as RegClass;
  }

  vregClassTable(): Uint8Array {
    // The constructor copies a plain array directly; `Uint8Array.from` goes through an iterator.
    const out = new Uint8Array(this.numVRegs);
    for (let v = 0; v < this.numVRegs; v++) out[v] = this.vregClasses[v];
    return out;
  }

  // ------------------------------------------------------------------ inspecting the IR

  /** The instruction defining `v`, or -1 for block parameters. */
  defInst(v: Value): Inst | -1 {
    const r = this.f.resolveAliases(v);
    return this.f.valueKind[r] === ValueKind.Result ? (this.f.valueDef[r] as Inst) : -1;
  }

  /** The 64-bit pattern of `v` as [lo, hi] 32-bit halves when `v` is an `iconst`, else null. */
  constHalves(v: Value): [number, number] | null {
    const d = this.defInst(v);
    if (d === -1 || this.f.instOpcode[d] !== ICONST) return null;
    return [this.f.instImm1[d], this.f.instImm2[d]];
  }

  /**
   * `v`'s def is a load-like instruction (per `isLoad`) with exactly one use, in the block of
   * `user`, with no side effect between them: the user may fold it and call `sink`.
   */
  sinkableLoad(v: Value, user: Inst, isLoad: (op: Opcode) => boolean): Inst | -1 {
    const d = this.defInst(v);
    if (d === -1 || this.sunk[d]) return -1;
    const f = this.f;
    if (!isLoad(f.instOpcode[d] as Opcode)) return -1;
    const r = f.resolveAliases(v);
    // Already asked for in a register (a fused compare lowered for another user): keep the load.
    if (this.useCount[r] !== 1 || this.valueUsed[r]) return -1;
    if (f.instBlock[d] !== f.instBlock[user]) return -1;
    if (this.color[user] !== this.color[d] + 1) return -1;
    return d;
  }

  /** Marks `inst` as merged into the current instruction: it is not lowered on its own. */
  sink(inst: Inst): void {
    this.sunk[inst] = 1;
  }

  // ------------------------------------------------------------------ emitting

  /** Appends a machine instruction for the IR instruction being lowered. */
  emit(inst: I, extra: X | null = null, flags = 0): void {
    const k = this.curLen++;
    this.curInsts[k] = inst;
    this.curExtras[k] = extra;
    this.curFlags[k] = flags;
  }

  /** A register copy the allocator may coalesce. */
  emitMove(inst: I, extra: X | null = null): void {
    this.emit(inst, extra, InstFlag.Move);
  }

  loc(): { func: string; inst?: number } {
    const n = this.f.name;
    return { func: n.kind === 'testcase' ? `%${n.name}` : `u${n.namespace}:${n.index}`, inst: this.curInst >= 0 ? this.curInst : undefined };
  }

  // ------------------------------------------------------------------ driver

  /** Lowers the whole function (once; the context is spent after). */
  run(): VCode<I, X> {
    if (this.spent) throw new Error('internal: LowerCtx.run called twice');
    this.spent = true;
    try {
      return this.lowerAll();
    } finally {
      this.release();
    }
  }

  private spent = false;

  private lowerAll(): VCode<I, X> {
    const f = this.f;
    const entry = f.entryBlock();
    if (entry === NONE) throw new UnsupportedError('function without blocks', this.loc());
    const order = this.postorder(entry as Block);
    this.countPreds(order);
    for (const b of order) {
      this.vbStart[b] = this.numVBlocks;
      this.lowerBlock(b, b === entry, this.preds);
      this.vbCount[b] = this.numVBlocks - this.vbStart[b];
    }
    const blocks: VBlockInput[] = [];
    for (let b = f.firstBlock as number; b !== NONE; b = f.blockNext[b]) {
      for (let k = 0; k < this.vbCount[b]; k++) blocks.push(this.vblocks[this.vbStart[b] + k]);
    }
    // The normal return of a try_call can then fall through into its successor.
    for (const x of this.landingPads) blocks.push(x);
    return new VCode(blocks, this.out, this.vregClassTable(), this.backend);
  }

  /**
   * Hands the context's storage to the next `LowerCtx`, without what grew large (a huge
   * function's instruction lists must not stay alive): the context answers no more questions
   * about values or instructions after `run`.
   */
  private release(): void {
    const sc = this.scratch;
    if (sc.ints.length > KEEP_TABLE) sc.ints = new Int32Array(256);
    if (sc.bytes.length > KEEP_TABLE) sc.bytes = new Uint8Array(256);
    // Truncating to length 0 drops an array's storage: this context (which may live on while
    // its function is allocated and emitted) must not keep a huge function's lists either.
    if (sc.curFlags.length > KEEP_TABLE) sc.curFlags.length = 0;
    sc.out.reset();
    if (sc.vblocks.length > KEEP_OBJECTS) sc.vblocks.length = 0;
    if (sc.vregClasses.length > KEEP_TABLE) sc.vregClasses.length = 0;
    if (sc.groupStart.length > KEEP_TABLE) sc.groupStart.length = sc.groupLoc.length = 0;
    spareScratch = sc;
  }

  /** Appends one instruction to the lowered list; returns its index. */
  private pushOut(inst: I, extra: X | null, flags: number, srcloc: number): number {
    return this.out.push(inst, extra, flags, srcloc);
  }

  private pushVBlock(b: VBlockInput): void {
    this.vblocks[this.numVBlocks++] = b;
  }

  /** Blocks reachable from `entry` in postorder (successors visited in order); marks `reachable`. */
  private postorder(entry: Block): Block[] {
    const f = this.f;
    const seen = this.reachable;
    const out: Block[] = [];
    const stackBlock: number[] = [entry];
    const stackNext: number[] = [0];
    let sp = 1;
    seen[entry] = 1;
    while (sp > 0) {
      const b = stackBlock[sp - 1];
      const last = f.blockLastInst[b];
      const k = stackNext[sp - 1];
      if (last !== NONE && k < this.destCount(last as Inst)) {
        stackNext[sp - 1] = k + 1;
        const t = f.bcBlock[this.destAt(last as Inst, k)];
        if (!seen[t]) {
          seen[t] = 1;
          stackBlock[sp] = t;
          stackNext[sp] = 0;
          sp++;
        }
      } else {
        out.push(b as Block);
        sp--;
      }
    }
    return out;
  }

  /**
   * The number of branch destinations of `inst` (`Function.branchDestinations` without an
   * array for jump, brif and br_table).
   */
  private destCount(inst: Inst): number {
    const f = this.f;
    switch (OPCODES[f.instOpcode[inst]].format) {
      case Format.Jump: return 1;
      case Format.Brif: return 2;
      case Format.BranchTable: return 1 + f.jumpTables[f.instImm0[inst]].entries.length;
      default: return f.branchDestinations(inst).length;
    }
  }

  /** Destination `k` of `inst`, in `branchDestinations` order. */
  private destAt(inst: Inst, k: number): BlockCall {
    const f = this.f;
    switch (OPCODES[f.instOpcode[inst]].format) {
      case Format.Jump: return f.instImm0[inst] as BlockCall;
      case Format.Brif: return (k === 0 ? f.instImm0[inst] : f.instImm1[inst]) as BlockCall;
      case Format.BranchTable: {
        const jt = f.jumpTables[f.instImm0[inst]];
        return k === 0 ? jt.defaultCall : jt.entries[k - 1];
      }
      default: return f.branchDestinations(inst)[k];
    }
  }

  /** Whether block `b` is reachable from the entry (lowered at all). */
  isReachable(b: Block): boolean {
    return this.reachable[b] === 1;
  }

  /**
   * The label of the edge block of successor `k` of the try_call ending `block` (k = 0: normal
   * return; k >= 1: handler k - 1, whose landing pad this label is). Stable before and after
   * that block is lowered (`get_exception_handler_address` may be lowered first).
   */
  tryCallEdgeLabel(block: Block, k: number): number {
    const term = this.f.lastInst(block);
    if (term === NONE || !isTryCallOp(this.f.instOpcode[term] as Opcode)) {
      throw new UnsupportedError(`block${block} does not end in a try_call`, this.loc());
    }
    const labels = this.tryEdgeLabelsOf(term as Inst);
    if (!(k >= 0 && k < labels.length)) throw new UnsupportedError(`try_call of block${block} has no successor ${k}`, this.loc());
    return labels[k];
  }

  private tryEdgeLabelsOf(term: Inst): number[] {
    let labels = this.tryEdgeLabels.get(term);
    if (labels === undefined) {
      labels = this.f.branchDestinations(term).map(() => this.nextLabel++);
      this.tryEdgeLabels.set(term, labels);
    }
    return labels;
  }

  /** Counts into `preds` the edges from the `reachable` blocks into each block. */
  private countPreds(reachable: readonly Block[]): void {
    const f = this.f;
    for (const b of reachable) {
      const last = f.blockLastInst[b];
      if (last === NONE) continue;
      for (let k = 0, nd = this.destCount(last as Inst); k < nd; k++) this.preds[f.bcBlock[this.destAt(last as Inst, k)]]++;
    }
  }

  /** Lowers block `b` into `vblocks`: the block, then the edge blocks of its outgoing edges. */
  private lowerBlock(b: Block, isEntry: boolean, preds: Int32Array): void {
    const f = this.f;
    // Machine instructions are collected in one flat list, one group per IR instruction in
    // backward order; each group is in forward order. The block is the groups reversed.
    this.curInsts = [];
    this.curExtras = [];
    this.curLen = 0;
    this.groupLen = 0;
    const groupStart = this.groupStart;
    const groupLoc = this.groupLoc;
    const block: VBlockInput = { label: this.blockLabel[b], params: [], succs: [], succArgs: [], start: 0, end: 0 };
    this.pushVBlock(block);
    const last = f.lastInst(b);
    if (last === NONE) throw new UnsupportedError(`empty block block${b}`, this.loc());
    for (let i = last as Inst | -1; i !== NONE; i = f.instPrev[i] as Inst | -1) {
      const inst = i as Inst;
      const op = f.instOpcode[inst] as Opcode;
      this.curInst = inst;
      this.curSrcLoc = f.instSrcLoc[inst];
      const start = this.curLen;
      if (inst === last && OPCODES[op].isTerminator) {
        const tryEdges: TryEdge[] = [];
        const targets = this.lowerSuccessors(inst, block, preds, tryEdges);
        if (!this.backend.lowerBranch(this, inst, targets)) this.unsupported(inst);
        if (tryEdges.length > 0) this.fillTryCallEdges(inst, tryEdges);
      } else {
        if (this.sunk[inst]) continue;
        if (!hasSideEffects(op) && !this.anyResultUsed(inst)) continue;
        if (!this.backend.lowerInst(this, inst)) this.unsupported(inst);
      }
      groupStart[this.groupLen] = start;
      groupLoc[this.groupLen++] = this.curSrcLoc;
    }
    if (isEntry) {
      this.curInst = -1 as Inst;
      groupStart[this.groupLen] = this.curLen;
      groupLoc[this.groupLen++] = -1;
      this.backend.lowerArgs(this, f.blockParams[b]);
    } else {
      for (const p of f.blockParams[b]) this.pushRegs(p, block.params);
    }
    groupStart[this.groupLen++] = this.curLen;
    block.start = this.out.length;
    for (let g = this.groupLen - 2; g >= 0; g--) {
      for (let k = groupStart[g]; k < groupStart[g + 1]; k++) this.pushOut(this.curInsts[k], this.curExtras[k], this.curFlags[k], groupLoc[g]);
    }
    block.end = this.out.length;
  }

  private anyResultUsed(inst: Inst): boolean {
    const f = this.f;
    const off = f.instResOff[inst];
    for (let k = 0; k < f.instResLen[inst]; k++) if (this.valueUsed[f.pool[off + k]]) return true;
    return false;
  }

  /**
   * Successor labels of block `b`'s terminator; splits critical edges. A try_call's successors
   * all get edge blocks, listed in `tryEdges` to be filled once the call is lowered.
   */
  private lowerSuccessors(
    term: Inst, block: VBlockInput, preds: Int32Array, tryEdges: TryEdge[],
  ): number[] {
    const f = this.f;
    const calls = f.branchDestinations(term);
    const targets: number[] = [];
    const tryLabels = isTryCallOp(f.instOpcode[term] as Opcode) ? this.tryEdgeLabelsOf(term) : null;
    for (let k = 0; k < calls.length; k++) {
      const bc = calls[k];
      const t = f.blockCallBlock(bc);
      if (tryLabels !== null) {
        // Its instructions are appended by fillTryCallEdges.
        const edge: VBlockInput = { label: tryLabels[k], params: [], succs: [this.blockLabel[t]], succArgs: [], start: 0, end: 0 };
        if (k === 0) this.pushVBlock(edge);
        else this.landingPads.push(edge);
        tryEdges.push({ edge, k, call: bc, target: this.blockLabel[t] });
        block.succs.push(edge.label);
        block.succArgs.push([]);
        targets.push(edge.label);
        continue;
      }
      const args: number[] = [];
      const aoff = f.bcArgOff[bc];
      for (let j = 0; j < f.bcArgLen[bc]; j++) {
        const a = f.pool[aoff + j];
        if (a < 0) throw new UnsupportedError(`${opcodeName(f.instOpcode[term] as Opcode)} block arguments retN/exnN`, this.loc());
        this.pushRegs(a as Value, args);
      }
      const label = this.blockLabel[t];
      if (calls.length > 1 && preds[t] > 1) {
        const e = this.nextLabel++;
        const start = this.pushOut(this.backend.jump(label), null, InstFlag.Branch, -1);
        this.pushVBlock({ label: e, params: [], succs: [label], succArgs: [args], start, end: start + 1 });
        block.succs.push(e);
        block.succArgs.push([]);
        targets.push(e);
      } else {
        block.succs.push(label);
        block.succArgs.push(args);
        targets.push(label);
      }
    }
    return targets;
  }

  /**
   * Fills the edge blocks of try_call `term`: the backend's landing code (defining `retN` or
   * `exnN`), then a jump to the successor passing its block arguments.
   */
  private fillTryCallEdges(term: Inst, tryEdges: readonly TryEdge[]): void {
    const f = this.f;
    const insts = this.curInsts;
    const extras = this.curExtras;
    const flags = this.curFlags;
    const len = this.curLen;
    try {
      for (const e of tryEdges) {
        this.curInsts = [];
        this.curExtras = [];
        this.curFlags = [];
        this.curLen = 0;
        const blockArgs = f.blockCallArgs(e.call);
        const special = blockArgs.some((a) => a < 0);
        let landed: readonly (readonly number[])[] = [];
        if (this.backend.tryCallLanding !== undefined) landed = this.backend.tryCallLanding(this, term, e.k);
        else if (special) throw new UnsupportedError(`${opcodeName(f.instOpcode[term] as Opcode)} block arguments retN/exnN`, this.loc());
        const args: number[] = [];
        for (const a of blockArgs) {
          if (a >= 0) {
            args.push(...this.regsOf(a as Value));
            continue;
          }
          const kind = blockArgKind(a);
          const n = blockArgIndex(a);
          const regs = (kind === 'ret') === (e.k === 0) ? landed[n] : undefined;
          if (regs === undefined) {
            const where = e.k === 0 ? 'the normal return' : `exception handler ${e.k - 1}`;
            throw new UnsupportedError(`try_call block argument ${kind}${n} is not available to ${where}`, this.loc());
          }
          args.push(...regs);
        }
        e.edge.succArgs.push(args);
        this.emit(this.backend.jump(e.target), null, InstFlag.Branch);
        e.edge.start = this.out.length;
        for (let k = 0; k < this.curLen; k++) this.pushOut(this.curInsts[k], this.curExtras[k], this.curFlags[k], this.curSrcLoc);
        e.edge.end = this.out.length;
      }
    } finally {
      this.curInsts = insts;
      this.curExtras = extras;
      this.curFlags = flags;
      this.curLen = len;
    }
  }

  private unsupported(inst: Inst): never {
    const f = this.f;
    const op = f.instOpcode[inst] as Opcode;
    const t = f.instType[inst] as Type;
    const res = f.instResLen[inst] > 0 ? (f.valueType[f.pool[f.instResOff[inst]]] as Type) : t;
    const ty = res !== 0 ? `.${typeName(res)}` : t !== 0 ? `.${typeName(t)}` : '';
    throw new UnsupportedError(`opcode ${opcodeName(op)}${ty}`, this.loc());
  }

  /** The IR format of the instruction (rules use it to read immediates). */
  format(inst: Inst): Format {
    return OPCODES[this.f.instOpcode[inst]].format;
  }
}
