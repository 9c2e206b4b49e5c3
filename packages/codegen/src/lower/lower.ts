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
import { VCode, type VBlockInput, type VCodeIsa } from './vcode';

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
interface TryEdge<I, X> {
  readonly edge: VBlockInput<I, X>;
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

export class LowerCtx<I, X> {
  /** Per value: first and second vreg (-1 until requested). */
  private readonly valueRegs: Int32Array;
  private readonly vregClasses: number[] = [];
  /** Per value: 1 once a user asked for its registers. */
  private readonly valueUsed: Uint8Array;
  /** Per inst: 1 when sunk into a user (not lowered on its own). */
  private readonly sunk: Uint8Array;
  /** Per inst: side-effecting instructions before it in its block (sinking barrier). */
  private readonly color: Int32Array;
  private readonly useCount: Int32Array;
  private curInsts: I[] = [];
  private curExtras: (X | null)[] = [];
  private curFlags: number[] = [];
  private curSrcLoc = -1;
  /** Label per IR block (layout order numbering); edge blocks get labels after them. */
  readonly blockLabel: Int32Array;
  private nextLabel: number;
  /** The IR instruction being lowered. */
  curInst: Inst = -1 as Inst;
  /** Per try_call instruction: the labels of its successors' edge blocks. */
  private readonly tryEdgeLabels = new Map<number, number[]>();
  /** Per block: 1 when reachable from the entry (set by `run`). */
  private reachable: Uint8Array | null = null;
  /** Landing-pad edge blocks of try_call handlers: emitted after all other blocks (cold code). */
  private readonly landingPads: VBlockInput<I, X>[] = [];

  constructor(readonly f: Function, readonly backend: LowerBackend<I, X>) {
    // Two allocations carved into the per-value and per-inst tables: each typed array with a
    // backing store costs more to create than lowering a small function's instruction.
    const vc = f.valueCount;
    const ic = f.instCount;
    const ints = new Int32Array(3 * vc + ic);
    this.valueRegs = ints.subarray(0, 2 * vc).fill(NO_REG);
    this.useCount = ints.subarray(2 * vc, 3 * vc);
    this.color = ints.subarray(3 * vc);
    const bytes = new Uint8Array(vc + ic);
    this.valueUsed = bytes.subarray(0, vc);
    this.sunk = bytes.subarray(vc);
    this.blockLabel = new Int32Array(f.blockCount).fill(-1);
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
          for (const bc of f.branchDestinations(i as Inst)) {
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
    this.vregClasses.push(cls);
    return this.vregClasses.length - 1;
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
    return new Uint8Array(this.vregClasses);
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
    this.curInsts.push(inst);
    this.curExtras.push(extra);
    this.curFlags.push(flags);
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

  /** Lowers the whole function. */
  run(): VCode<I, X> {
    const f = this.f;
    const entry = f.entryBlock();
    if (entry === NONE) throw new UnsupportedError('function without blocks', this.loc());
    const order = this.postorder(entry as Block);
    this.reachable = new Uint8Array(f.blockCount);
    for (const b of order) this.reachable[b] = 1;
    const preds = this.predCounts(order);
    const out = new Map<number, VBlockInput<I, X>[]>();
    for (const b of order) out.set(b, this.lowerBlock(b, b === entry, preds));
    const blocks: VBlockInput<I, X>[] = [];
    for (let b = f.firstBlock as number; b !== NONE; b = f.blockNext[b]) {
      const list = out.get(b);
      if (list !== undefined) blocks.push(...list);
    }
    // The normal return of a try_call can then fall through into its successor.
    blocks.push(...this.landingPads);
    return new VCode(blocks, this.vregClassTable(), this.backend);
  }

  private postorder(entry: Block): Block[] {
    const f = this.f;
    const seen = new Uint8Array(f.blockCount);
    const out: Block[] = [];
    const stack: [Block, BlockCall[], number][] = [[entry, this.succCalls(entry), 0]];
    seen[entry] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top[2] < top[1].length) {
        const t = f.blockCallBlock(top[1][top[2]++]);
        if (!seen[t]) {
          seen[t] = 1;
          stack.push([t, this.succCalls(t), 0]);
        }
      } else {
        out.push(top[0]);
        stack.pop();
      }
    }
    return out;
  }

  /** Whether block `b` is reachable from the entry (lowered at all). */
  isReachable(b: Block): boolean {
    return this.reachable !== null && this.reachable[b] === 1;
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

  private succCalls(b: Block): BlockCall[] {
    const last = this.f.lastInst(b);
    return last === NONE ? [] : this.f.branchDestinations(last as Inst);
  }

  private predCounts(reachable: readonly Block[]): Int32Array {
    const n = new Int32Array(this.f.blockCount);
    for (const b of reachable) for (const bc of this.succCalls(b)) n[this.f.blockCallBlock(bc)]++;
    return n;
  }

  private lowerBlock(b: Block, isEntry: boolean, preds: Int32Array): VBlockInput<I, X>[] {
    const f = this.f;
    // Machine instructions are collected in one flat list, one group per IR instruction in
    // backward order; each group is in forward order. The block is the groups reversed.
    this.curInsts = [];
    this.curExtras = [];
    this.curFlags = [];
    const groupStart: number[] = [];
    const groupLoc: number[] = [];
    const block: VBlockInput<I, X> = {
      label: this.blockLabel[b], params: [], succs: [], succArgs: [], insts: [], extras: [], flags: [], srclocs: [],
    };
    const edgeBlocks: VBlockInput<I, X>[] = [];
    const last = f.lastInst(b);
    if (last === NONE) throw new UnsupportedError(`empty block block${b}`, this.loc());
    for (let i = last as Inst | -1; i !== NONE; i = f.instPrev[i] as Inst | -1) {
      const inst = i as Inst;
      const op = f.instOpcode[inst] as Opcode;
      this.curInst = inst;
      this.curSrcLoc = f.instSrcLoc[inst];
      const start = this.curInsts.length;
      if (inst === last && OPCODES[op].isTerminator) {
        const tryEdges: TryEdge<I, X>[] = [];
        const targets = this.lowerSuccessors(inst, block, edgeBlocks, preds, tryEdges);
        if (!this.backend.lowerBranch(this, inst, targets)) this.unsupported(inst);
        if (tryEdges.length > 0) this.fillTryCallEdges(inst, tryEdges);
      } else {
        if (this.sunk[inst]) continue;
        if (!hasSideEffects(op) && !this.anyResultUsed(inst)) continue;
        if (!this.backend.lowerInst(this, inst)) this.unsupported(inst);
      }
      groupStart.push(start);
      groupLoc.push(this.curSrcLoc);
    }
    if (isEntry) {
      this.curInst = -1 as Inst;
      groupStart.push(this.curInsts.length);
      groupLoc.push(-1);
      this.backend.lowerArgs(this, f.blockParams[b]);
    } else {
      for (const p of f.blockParams[b]) block.params.push(...this.regsOf(p));
    }
    groupStart.push(this.curInsts.length);
    for (let g = groupStart.length - 2; g >= 0; g--) {
      for (let k = groupStart[g]; k < groupStart[g + 1]; k++) {
        block.insts.push(this.curInsts[k]);
        block.extras.push(this.curExtras[k]);
        block.flags.push(this.curFlags[k]);
        block.srclocs.push(groupLoc[g]);
      }
    }
    return [block, ...edgeBlocks];
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
    term: Inst, block: VBlockInput<I, X>, edges: VBlockInput<I, X>[], preds: Int32Array, tryEdges: TryEdge<I, X>[],
  ): number[] {
    const f = this.f;
    const calls = f.branchDestinations(term);
    const targets: number[] = [];
    const tryLabels = isTryCallOp(f.instOpcode[term] as Opcode) ? this.tryEdgeLabelsOf(term) : null;
    for (let k = 0; k < calls.length; k++) {
      const bc = calls[k];
      const t = f.blockCallBlock(bc);
      if (tryLabels !== null) {
        const edge: VBlockInput<I, X> = {
          label: tryLabels[k], params: [], succs: [this.blockLabel[t]], succArgs: [], insts: [], extras: [], flags: [], srclocs: [],
        };
        if (k === 0) edges.push(edge);
        else this.landingPads.push(edge);
        tryEdges.push({ edge, k, call: bc, target: this.blockLabel[t] });
        block.succs.push(edge.label);
        block.succArgs.push([]);
        targets.push(edge.label);
        continue;
      }
      const args: number[] = [];
      for (const a of f.blockCallArgs(bc)) {
        if (a < 0) throw new UnsupportedError(`${opcodeName(f.instOpcode[term] as Opcode)} block arguments retN/exnN`, this.loc());
        args.push(...this.regsOf(a as Value));
      }
      const label = this.blockLabel[t];
      if (calls.length > 1 && preds[t] > 1) {
        const e = this.nextLabel++;
        edges.push({
          label: e, params: [], succs: [label], succArgs: [args],
          insts: [this.backend.jump(label)], extras: [null], flags: [InstFlag.Branch], srclocs: [-1],
        });
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
  private fillTryCallEdges(term: Inst, tryEdges: readonly TryEdge<I, X>[]): void {
    const f = this.f;
    const insts = this.curInsts;
    const extras = this.curExtras;
    const flags = this.curFlags;
    try {
      for (const e of tryEdges) {
        this.curInsts = e.edge.insts;
        this.curExtras = e.edge.extras;
        this.curFlags = e.edge.flags;
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
        while (e.edge.srclocs.length < e.edge.insts.length) e.edge.srclocs.push(this.curSrcLoc);
      }
    } finally {
      this.curInsts = insts;
      this.curExtras = extras;
      this.curFlags = flags;
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
