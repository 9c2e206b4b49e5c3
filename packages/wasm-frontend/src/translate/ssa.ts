/**
 * The translator's view of `@windlass/ir`'s `FunctionBuilder`: blocks, sealing and SSA variables
 * are the builder's (Braun et al., with trivial block parameters removed at `finish`); this
 * class adds the instruction helpers the wasm translation uses (immediates as 32-bit halves,
 * calls, branches with arguments) and tracks which blocks have predecessors.
 */
import {
  BRIF,
  BR_TABLE,
  FunctionBuilder,
  ICONST,
  INVALID,
  JUMP,
  OPCODES,
  resolveTypeDesc,
  resultTypes,
  type Block,
  type Function,
  type Inst,
  type Opcode,
  type Type,
  type Value,
  type Variable as IrVariable,
} from '@windlass/ir';

export type Variable = IrVariable;

export class SsaBuilder {
  readonly func: Function;
  private readonly fb: FunctionBuilder;
  /** Preamble entities (signatures, function references) already declared, by key. */
  readonly refs = new Map<string, number>();
  /** Values an environment computed once in the entry block (they dominate everything), by key. */
  readonly entryValues = new Map<string, Value>();
  /** Number of branch edges into each block. */
  private readonly predCount: number[] = [];
  /**
   * Source location given to every instruction appended from now on (the translator sets the
   * wasm operator's byte offset in the module), or -1 for none.
   */
  srcloc = -1;

  constructor(func: Function) {
    this.func = func;
    this.fb = new FunctionBuilder(func);
  }

  createBlock(): Block {
    const b = this.fb.createBlock();
    this.predCount[b] = 0;
    return b;
  }

  appendBlockParam(b: Block, t: Type): Value {
    return this.fb.appendBlockParam(b, t);
  }

  /** Starts filling `b` (appended to the layout). */
  switchToBlock(b: Block): void {
    this.fb.switchToBlock(b);
  }

  hasPredecessors(b: Block): boolean {
    return this.predCount[b] > 0;
  }

  /** Declares that every predecessor of `b` is known. */
  sealBlock(b: Block): void {
    this.fb.sealBlock(b);
  }

  declareVar(t: Type): Variable {
    return this.fb.declareVar(t);
  }

  defVar(v: Variable, value: Value): void {
    this.fb.defVar(v, value);
  }

  useVar(v: Variable): Value {
    return this.fb.useVar(v);
  }

  /** Removes trivial block parameters and resolves aliases; call once, at the end. */
  finish(): Function {
    return this.fb.finalize();
  }

  private ctrlType(op: Opcode, args: readonly Value[], type: Type): Type {
    const info = OPCODES[op];
    if (info.ctrl === 'operand') return this.func.valueTypeOf(args[info.ctrlOperand]);
    return info.ctrl === 'explicit' ? type : INVALID;
  }

  /**
   * Branches go through the builder (it records predecessors); other instructions are appended
   * directly, which spares the builder's copy of the result list per instruction.
   */
  private append(i: Inst): Value[] {
    const f = this.func;
    if (this.srcloc >= 0) f.instSrcLoc[i] = this.srcloc;
    const b = this.fb.currentBlock();
    if (OPCODES[f.instOpcode[i]].isBranch || b < 0) return this.fb.appendInst(i);
    const res = f.makeResults(i, resultTypes(f, i));
    f.appendInst(i, b as Block);
    return res;
  }

  /**
   * Appends an instruction to the current block; returns its results. The controlling type
   * comes from the opcode table: an operand's type, or `type` for explicitly typed opcodes.
   */
  ins(op: Opcode, args: readonly Value[], type: Type = INVALID, imm0 = 0, imm1 = 0): Value[] {
    const f = this.func;
    const i = f.makeInst(op, this.ctrlType(op, args, type), args);
    if (imm0) f.setImm0(i, imm0);
    if (imm1) f.setImm1(i, imm1);
    return this.append(i);
  }

  /** One-result `ins`. */
  ins1(op: Opcode, args: readonly Value[], type: Type = INVALID, imm0 = 0, imm1 = 0): Value {
    const f = this.func;
    const i = f.makeInst(op, this.ctrlType(op, args, type), args);
    if (imm0) f.setImm0(i, imm0);
    if (imm1) f.setImm1(i, imm1);
    return this.append1(i);
  }

  /** `append(i)[0]`, without the result and type lists for the common one-result case. */
  private append1(i: Inst): Value {
    const f = this.func;
    if (this.srcloc >= 0) f.instSrcLoc[i] = this.srcloc;
    const b = this.fb.currentBlock();
    const info = OPCODES[f.instOpcode[i]];
    if (info.isBranch || b < 0 || info.results === 'sig' || info.results.length !== 1) return this.append(i)[0];
    const v = f.makeResult1(i, resolveTypeDesc(info.results[0], f.instType[i] as Type));
    f.appendInst(i, b as Block);
    return v;
  }

  /** An integer constant from 32-bit halves (no bigint). */
  iconst(type: Type, lo: number, hi = lo < 0 ? -1 : 0): Value {
    return this.insImm64(ICONST, [], lo, hi, type);
  }

  /** An instruction with a 64-bit immediate (`iadd_imm`, `f64const` ...) given as halves. */
  insImm64(op: Opcode, args: readonly Value[], lo: number, hi: number, type: Type = INVALID): Value {
    const f = this.func;
    const i = f.makeInst(op, this.ctrlType(op, args, type), args);
    f.setImm1(i, lo | 0);
    f.setImm2(i, hi | 0);
    return this.append1(i);
  }

  /**
   * Calls (`call` / `call_indirect`): imm0 = FuncRef / SigRef; results from the signature.
   * `call_indirect` is controlled by its callee's type (`call_indirect.i64`), like any opcode.
   */
  call(op: Opcode, ref: number, args: readonly Value[]): Value[] {
    const f = this.func;
    const i = f.makeInst(op, this.ctrlType(op, args, INVALID), args);
    f.setImm0(i, ref);
    return this.append(i);
  }

  jump(b: Block, args: readonly Value[]): void {
    const f = this.func;
    const i = f.makeInst(JUMP, INVALID, []);
    f.setImm0(i, f.makeBlockCall(b, args));
    this.predCount[b]++;
    this.append(i);
  }

  brif(cond: Value, thenB: Block, thenArgs: readonly Value[], elseB: Block, elseArgs: readonly Value[]): void {
    const f = this.func;
    const i = f.makeInst(BRIF, f.valueTypeOf(cond), [cond]);
    f.setImm0(i, f.makeBlockCall(thenB, thenArgs));
    f.setImm1(i, f.makeBlockCall(elseB, elseArgs));
    this.predCount[thenB]++;
    this.predCount[elseB]++;
    this.append(i);
  }

  /** `br_table index, default, [targets]`, all without arguments. */
  brTable(index: Value, def: Block, targets: readonly Block[]): void {
    const f = this.func;
    const defaultCall = f.makeBlockCall(def, []);
    const entries = targets.map((b) => f.makeBlockCall(b, []));
    const jt = f.addJumpTable({ defaultCall, entries });
    const i = f.makeInst(BR_TABLE, INVALID, [index]);
    f.setImm0(i, jt);
    this.predCount[def]++;
    for (const b of targets) this.predCount[b]++;
    this.append(i);
  }

  /** Ends the current block with a terminator that has no successors (return, trap). */
  terminate(op: Opcode, args: readonly Value[], imm0 = 0): void {
    const f = this.func;
    const i = f.makeInst(op, INVALID, args);
    if (imm0) f.setImm0(i, imm0);
    this.append(i);
  }
}
