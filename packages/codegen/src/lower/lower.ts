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
  Format, NONE, OPCODES, ICONST, ValueKind, hasSideEffects, opcodeName, typeName,
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

  constructor(readonly f: Function, readonly backend: LowerBackend<I, X>) {
    this.valueRegs = new Int32Array(2 * f.valueCount).fill(NO_REG);
    this.valueUsed = new Uint8Array(f.valueCount);
    this.sunk = new Uint8Array(f.instCount);
    this.color = new Int32Array(f.instCount);
    this.useCount = new Int32Array(f.valueCount);
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
    return Uint8Array.from(this.vregClasses);
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
    const preds = this.predCounts(order);
    const out = new Map<number, VBlockInput<I, X>[]>();
    for (const b of order) out.set(b, this.lowerBlock(b, b === entry, preds));
    const blocks: VBlockInput<I, X>[] = [];
    for (let b = f.firstBlock as number; b !== NONE; b = f.blockNext[b]) {
      const list = out.get(b);
      if (list !== undefined) blocks.push(...list);
    }
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
        const targets = this.lowerSuccessors(inst, block, edgeBlocks, preds);
        if (!this.backend.lowerBranch(this, inst, targets)) this.unsupported(inst);
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

  /** Successor labels of block `b`'s terminator; splits critical edges. */
  private lowerSuccessors(term: Inst, block: VBlockInput<I, X>, edges: VBlockInput<I, X>[], preds: Int32Array): number[] {
    const f = this.f;
    const calls = f.branchDestinations(term);
    const targets: number[] = [];
    for (const bc of calls) {
      const t = f.blockCallBlock(bc);
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
