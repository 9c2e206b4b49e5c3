// FunctionBuilder: build a Function from code, with variables turned into SSA
// values on the fly (Braun, Buchwald, Hack, Leißa, Mallon, Zwinkau: "Simple
// and Efficient Construction of Static Single Assignment Form", CC 2013).
//
// A variable read in a block with one sealed predecessor is looked up there;
// in a block whose predecessors are not all known yet ("unsealed"), or with
// several, it becomes a new block parameter whose branch arguments are filled
// in when the block is sealed. A parameter that receives the same value from
// every predecessor (or itself) is trivial: it is removed and becomes an
// alias of that value. `finalize()` repeats the removal to a fixed point, so
// no redundant parameter survives.

import { type Block, type Inst, type Value, NONE } from '../entities';
import { type BlockCall, type Function, ValueKind } from '../function';
import { F16CONST, F32CONST, F64CONST, F128CONST, Format, ICONST, OPCODES, type Opcode, UEXTEND, VCONST } from '../opcodes';
import { resultTypes } from '../typing';
import { I64, I128, F16, F32, F64, F128, INVALID, type Type, bytes, isVector, typeName } from '../types';
import { BuilderError } from './errors';
import { DefTable } from './defs';
import { InstBuilder } from './ins';

/** A variable of the builder: a small number from `declareVar`. */
export type Variable = number & { readonly __brand: 'Variable' };

interface Pred {
  block: Block;
  call: BlockCall;
}

export class FunctionBuilder {
  readonly func: Function;
  /** Typed instruction constructors, appending to the current block: `b.ins.iadd(x, y)`. */
  readonly ins: InstBuilder;
  private current: Block | -1 = NONE;
  private varTypes: Type[] = [];
  // Per block (indexed by block number, grown on demand).
  private sealed: boolean[] = [];
  private preds: Pred[][] = [];
  private defs = new DefTable();
  private incomplete: { variable: Variable; param: Value }[][] = [];
  // Per value, indexed by value number (grown on demand): 1 while the value is a block
  // parameter the SSA construction created (only these may be removed) and has not removed
  // yet; and, for a removed one, its parameter index + 1. Typed arrays, not a Set and a Map:
  // these are touched for every join a variable read crosses.
  private ssaFlag: Uint8Array = new Uint8Array(64);
  private deadIdx: Int32Array = new Int32Array(64);
  /** The parameters ever flagged in `ssaFlag`, in creation order (finalize visits them so). */
  private ssaList: Value[] = [];
  /** Parameters replaced by aliases, dropped once `finalize` has resolved their uses. */
  private removed: Value[] = [];
  /** Blocks holding removed parameters (their indexes are in `deadIdx`). */
  private deadIn = new Set<Block>();
  // Scratch stacks of `readVariable` (see there); phis holds (block, param) pairs.
  private scratchTasks: number[] = [];
  private scratchPhis: number[] = [];
  private scratchResults: Value[] = [];
  private scratchChain: Block[] = [];

  constructor(func: Function) {
    this.func = func;
    this.ins = new InstBuilder(this);
  }

  private where(): string {
    const n = this.func.name;
    const fn = n.kind === 'testcase' ? `%${n.name}` : `u${n.namespace}:${n.index}`;
    return this.current === NONE ? fn : `${fn}, block${this.current}`;
  }

  private fail(message: string): never {
    throw new BuilderError(this.where(), message);
  }

  private ensure(b: Block): void {
    if (b < this.preds.length) return;
    this.defs.ensureBlocks(b + 1);
    for (let k = this.preds.length; k <= b; k++) {
      this.sealed[k] = false;
      this.preds[k] = [];
      this.incomplete[k] = [];
    }
  }

  // ------------------------------------------------------------ blocks

  createBlock(): Block {
    const b = this.func.makeBlock();
    this.ensure(b);
    return b;
  }

  appendBlockParam(b: Block, t: Type): Value {
    this.ensure(b);
    return this.func.appendBlockParam(b, t);
  }

  /** Give `b` one parameter per function parameter (for the entry block). */
  appendBlockParamsForFunctionParams(b: Block): Value[] {
    return this.func.signature.params.map((p) => this.appendBlockParam(b, p.type));
  }

  /** The block instructions are appended to. */
  currentBlock(): Block | -1 {
    return this.current;
  }

  /**
   * Continue in `b` (added to the layout if it is not there yet). The block
   * left must be empty or end in a terminator.
   */
  switchToBlock(b: Block): void {
    this.ensure(b);
    const f = this.func;
    if (this.current !== NONE && !this.isPristine(this.current) && !this.isFilled(this.current)) {
      this.fail(`block${this.current} must end in a terminator before switching to block${b}`);
    }
    if (!f.isBlockInLayout(b)) f.appendBlock(b);
    this.current = b;
  }

  /** No instruction yet. */
  isPristine(b: Block): boolean {
    return this.func.firstInst(b) === NONE;
  }

  /** Ends in a terminator. */
  isFilled(b: Block): boolean {
    const last = this.func.lastInst(b);
    return last !== NONE && OPCODES[this.func.instOpcode[last]].isTerminator;
  }

  /** Declare that every predecessor of `b` is known: pending variable reads get their branch arguments. */
  sealBlock(b: Block): void {
    this.ensure(b);
    if (this.sealed[b]) return;
    this.sealed[b] = true;
    const pending = this.incomplete[b];
    this.incomplete[b] = [];
    if (pending.length === 0) return;
    const f = this.func;
    // Give every predecessor's branch one argument slot per parameter at once, then fill
    // the slots by parameter index: appending one by one would copy the list each time.
    // (Reads below may add further parameters to b; those append after these slots.)
    const n = f.blockParams[b].length;
    for (const p of this.preds[b]) {
      const len = f.bcArgLen[p.call];
      if (len >= n) continue;
      const args = new Int32Array(n).fill(NONE);
      args.set(f.pool.subarray(f.bcArgOff[p.call], f.bcArgOff[p.call] + len));
      f.setBlockCallArgs(p.call, args);
    }
    for (const { variable, param } of pending) {
      const k = f.valueNum[param];
      for (const p of this.preds[b]) {
        const v = this.readVariable(variable, p.block);
        f.pool[f.bcArgOff[p.call] + k] = v; // read the offset after the read: it may move the list
      }
      this.tryRemoveTrivialPhi(b, param);
    }
  }

  sealAllBlocks(): void {
    for (let b = 0; b < this.preds.length; b++) if (this.func.isBlockDefined(b as Block)) this.sealBlock(b as Block);
  }

  isSealed(b: Block): boolean {
    return this.sealed[b] === true;
  }

  // ------------------------------------------------------------ variables

  declareVar(t: Type): Variable {
    this.varTypes.push(t);
    this.defs.ensureVars(this.varTypes.length);
    return (this.varTypes.length - 1) as Variable;
  }

  varType(v: Variable): Type {
    return this.varTypes[v];
  }

  /** Assign `value` to `variable` in the current block. */
  defVar(variable: Variable, value: Value): void {
    if (this.current === NONE) this.fail('defVar outside a block: call switchToBlock first');
    if (this.varTypes[variable] === undefined) this.fail(`variable ${variable} is not declared`);
    const t = this.func.valueTypeOf(this.func.resolveAliases(value));
    if (t !== this.varTypes[variable]) {
      this.fail(`variable ${variable} has type ${typeName(this.varTypes[variable])}, cannot assign v${value} of type ${typeName(t)}`);
    }
    this.defs.set(this.current, variable, value);
  }

  /** The value of `variable` in the current block (zero if it was never assigned on some path). */
  useVar(variable: Variable): Value {
    if (this.current === NONE) this.fail('useVar outside a block: call switchToBlock first');
    if (this.varTypes[variable] === undefined) this.fail(`variable ${variable} is not declared`);
    return this.readVariable(variable, this.current);
  }

  /**
   * The value of `variable` at the current end of `b`. Iterative (an explicit task stack) so that long chains
   * of blocks cannot overflow the JS stack.
   */
  private readVariable(variable: Variable, b: Block): Value {
    const f = this.func;
    // Most reads find a definition in the block itself: answer those without the task machinery.
    const own = this.defs.get(b, variable);
    if (own !== NONE) return f.resolveAliases(own);
    const t = this.varTypes[variable];
    // Tasks: a block to read the variable in (>= 0), or a pending parameter
    // (~index into `phis`) whose predecessor values are on `results`.
    // The scratch stacks are the builder's (reads never nest) and are indexed by explicit tops,
    // so a read neither allocates nor resizes arrays.
    const tasks = this.scratchTasks;
    const phis = this.scratchPhis;
    const results = this.scratchResults;
    const chain = this.scratchChain;
    let nTasks = 0;
    let nPhis = 0;
    let nResults = 0;
    tasks[nTasks++] = b;
    while (nTasks > 0) {
      const task = tasks[--nTasks];
      if (task < 0) {
        const block = phis[~task * 2] as Block;
        const param = phis[~task * 2 + 1] as Value;
        const preds = this.preds[block];
        nResults -= preds.length;
        for (let k = 0; k < preds.length; k++) f.appendBlockCallArg(preds[k].call, results[nResults + k]);
        const v = this.tryRemoveTrivialPhi(block, param);
        this.defs.set(block, variable, v);
        results[nResults++] = v;
        continue;
      }
      // Walk up sealed single-predecessor blocks; they all get the value found.
      let nChain = 0;
      let cur = task as Block;
      let found: Value | -1 = NONE;
      for (let steps = 0; ; steps++) {
        const d = this.defs.get(cur, variable);
        if (d !== NONE) {
          found = f.resolveAliases(d);
          break;
        }
        if (!this.sealed[cur]) {
          found = this.newPhi(cur, t);
          this.incomplete[cur].push({ variable, param: found });
          this.defs.set(cur, variable, found);
          break;
        }
        const preds = this.preds[cur];
        if (preds.length === 0 || steps > f.blockCount) {
          // No predecessor (entry or unreachable block, or an unreachable cycle): never assigned.
          found = this.zero(cur, t);
          this.defs.set(cur, variable, found);
          break;
        }
        if (preds.length === 1) {
          chain[nChain++] = cur;
          cur = preds[0].block;
          continue;
        }
        // A join: the parameter is defined before reading the predecessors, which breaks cycles.
        const param = this.newPhi(cur, t);
        this.defs.set(cur, variable, param);
        for (let k = 0; k < nChain; k++) this.defs.set(chain[k], variable, param);
        tasks[nTasks++] = ~nPhis;
        phis[nPhis * 2] = cur;
        phis[nPhis * 2 + 1] = param;
        nPhis++;
        for (let k = preds.length - 1; k >= 0; k--) tasks[nTasks++] = preds[k].block;
        break;
      }
      if (found !== NONE) {
        for (let k = 0; k < nChain; k++) this.defs.set(chain[k], variable, found);
        results[nResults++] = found;
      }
    }
    return f.resolveAliases(results[0]);
  }

  private growValueFlags(v: number): void {
    let n = this.ssaFlag.length * 2;
    while (n <= v) n *= 2;
    const flag = new Uint8Array(n);
    flag.set(this.ssaFlag);
    this.ssaFlag = flag;
    const dead = new Int32Array(n);
    dead.set(this.deadIdx);
    this.deadIdx = dead;
  }

  private newPhi(b: Block, t: Type): Value {
    const v = this.func.appendBlockParam(b, t);
    if (v >= this.ssaFlag.length) this.growValueFlags(v);
    this.ssaFlag[v] = 1;
    this.ssaList.push(v);
    return v;
  }

  /**
   * If every predecessor passes the same value (or `param` itself), make
   * `param` an alias of it. The parameter and its branch arguments stay in
   * place (so other parameters keep their indexes) until `finalize` drops
   * them all in one pass.
   */
  private tryRemoveTrivialPhi(b: Block, param: Value): Value {
    const f = this.func;
    if (this.ssaFlag[param] !== 1) return f.resolveAliases(param);
    const k = f.valueNum[param];
    let same: Value | -1 = NONE;
    for (const p of this.preds[b]) {
      const a = f.resolveAliases(f.pool[f.bcArgOff[p.call] + k] as Value);
      if (a === param || a === same) continue;
      if (same !== NONE) return param;
      same = a;
    }
    if (same === NONE) same = this.zero(b, f.valueTypeOf(param));
    this.ssaFlag[param] = 0;
    this.removed.push(param);
    this.deadIn.add(b);
    // Keep the index for the final compaction; the alias makes every use see `same`.
    const index = k;
    f.changeToAlias(param, same);
    this.deadIdx[param] = index + 1;
    return same;
  }

  /** Drop the parameters made aliases, and their branch arguments, block by block. */
  private compactParams(): void {
    const f = this.func;
    // In place: parameters, and each predecessor's arguments, slide down over the removed ones.
    for (const b of this.deadIn) {
      const params = f.blockParams[b];
      const preds = this.preds[b];
      let j = 0;
      for (let k = 0; k < params.length; k++) {
        const v = params[k];
        if (this.deadIdx[v] === k + 1) continue;
        for (const p of preds) f.pool[f.bcArgOff[p.call] + j] = f.pool[f.bcArgOff[p.call] + k];
        params[j] = v;
        f.valueNum[v] = j;
        j++;
      }
      for (const p of preds) f.bcArgLen[p.call] = j;
      params.length = j;
    }
    this.deadIn.clear();
    this.deadIdx.fill(0);
  }

  /** A zero of type `t` materialized at the top of block `b`. */
  private zero(b: Block, t: Type): Value {
    const f = this.func;
    const place = (i: Inst) => {
      const first = f.firstInst(b);
      if (first === NONE) f.appendInst(i, b);
      else f.insertInstBefore(i, first);
    };
    const make = (opcode: Opcode, ctrl: Type, args: number[]): Inst => f.makeInst(opcode, ctrl, args);
    let i: Inst;
    if (t === I128) {
      const lo = make(ICONST, I64, []);
      f.setImm64(lo, 0n);
      const [v] = f.makeResults(lo, [I64]);
      i = make(UEXTEND, I128, [v]);
      f.makeResults(i, [I128]);
      place(i);
      f.insertInstBefore(lo, i);
      return f.firstResult(i);
    }
    if (isVector(t) || t === F128) {
      i = make(t === F128 ? F128CONST : VCONST, t === F128 ? INVALID : t, []);
      f.setImm0(i, f.addConstant(new Uint8Array(bytes(t))));
    } else if (t === F16 || t === F32 || t === F64) {
      i = make(t === F16 ? F16CONST : t === F32 ? F32CONST : F64CONST, INVALID, []);
    } else {
      i = make(ICONST, t, []);
      f.setImm64(i, 0n);
    }
    f.makeResults(i, resultTypes(f, i));
    place(i);
    return f.firstResult(i);
  }

  // ------------------------------------------------------------ instructions (used by InstBuilder)

  /** Append a built (detached, result-less) instruction to the current block; returns its new results. */
  appendInst(inst: Inst): Value[] {
    const f = this.func;
    const b = this.current;
    if (b === NONE) this.fail(`cannot add \`${OPCODES[f.instOpcode[inst]].name}\` outside a block: call switchToBlock first`);
    if (this.isFilled(b)) this.fail(`block${b} already ends in a terminator; cannot add \`${OPCODES[f.instOpcode[inst]].name}\``);
    const results = f.makeResults(inst, resultTypes(f, inst));
    f.appendInst(inst, b);
    if (OPCODES[f.instOpcode[inst]].isBranch) this.recordBranch(inst, b);
    return results;
  }

  private recordBranch(inst: Inst, from: Block): void {
    // jump and brif (nearly every branch) without the destination list and the dedupe set.
    const f = this.func;
    const format = OPCODES[f.instOpcode[inst]].format;
    if (format === Format.Jump || format === Format.Brif) {
      const first = f.instImm0[inst] as BlockCall;
      this.addPred(first, from);
      if (format === Format.Brif && f.instImm1[inst] !== first) this.addPred(f.instImm1[inst] as BlockCall, from);
      return;
    }
    const seen = new Set<number>();
    for (const bc of this.func.branchDestinations(inst)) {
      if (seen.has(bc)) continue;
      seen.add(bc);
      this.addPred(bc, from);
    }
  }

  private addPred(bc: BlockCall, from: Block): void {
    const to = this.func.blockCallBlock(bc);
    this.ensure(to);
    if (this.sealed[to]) this.fail(`block${to} is sealed: no new branch may target it`);
    this.preds[to].push({ block: from, call: bc });
  }

  // ------------------------------------------------------------ finish

  /**
   * Check that every block is sealed and terminated, remove the remaining
   * trivial parameters, and resolve aliases. Returns the function.
   */
  finalize(): Function {
    const f = this.func;
    for (let b = 0; b < this.preds.length; b++) {
      if (!f.isBlockDefined(b as Block)) continue;
      if (!this.sealed[b]) throw new BuilderError(this.where(), `block${b} was never sealed (call sealBlock or sealAllBlocks)`);
      if (this.preds[b].length > 0 && !f.isBlockInLayout(b as Block)) throw new BuilderError(this.where(), `block${b} is branched to but was never filled`);
      if (f.isBlockInLayout(b as Block) && !this.isFilled(b as Block)) throw new BuilderError(this.where(), `block${b} does not end in a terminator`);
    }
    for (let changed = true; changed; ) {
      changed = false;
      this.ssaList = this.ssaList.filter((p) => this.ssaFlag[p] === 1);
      for (const p of this.ssaList) {
        if (this.ssaFlag[p] !== 1) continue;
        const b = f.valueDef[p] as Block;
        if (this.tryRemoveTrivialPhi(b, p) !== p) changed = true;
      }
    }
    this.compactParams();
    f.resolveAllAliases();
    // Every use now names the final value: the removed parameters can go.
    for (const v of this.removed) if (f.valueKind[v] === ValueKind.Alias) f.valueKind[v] = ValueKind.Unused;
    this.removed = [];
    return f;
  }
}
