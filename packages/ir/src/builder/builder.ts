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
import { F16CONST, F32CONST, F64CONST, F128CONST, ICONST, OPCODES, type Opcode, UEXTEND, VCONST } from '../opcodes';
import { resultTypes } from '../typing';
import { I64, I128, F16, F32, F64, F128, INVALID, type Type, bytes, isVector, typeName } from '../types';
import { BuilderError } from './errors';
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
  private defs: Map<number, Value>[] = [];
  private incomplete: { variable: Variable; param: Value }[][] = [];
  /** Block parameters the SSA construction created (only these may be removed). */
  private ssaParams = new Set<Value>();
  /** Parameters replaced by aliases, dropped once `finalize` has resolved their uses. */
  private removed: Value[] = [];
  /** Blocks holding removed parameters, and each removed parameter's index. */
  private deadIn = new Set<Block>();
  private deadIndex = new Map<Value, number>();

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
    for (let k = this.preds.length; k <= b; k++) {
      this.sealed[k] = false;
      this.preds[k] = [];
      this.defs[k] = new Map();
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
    this.defs[this.current].set(variable, value);
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
    const t = this.varTypes[variable];
    // Tasks: a block to read the variable in (>= 0), or a pending parameter
    // (~index into `phis`) whose predecessor values are on `results`.
    const tasks: number[] = [b];
    const phis: { block: Block; param: Value }[] = [];
    const results: Value[] = [];
    while (tasks.length > 0) {
      const task = tasks.pop() as number;
      if (task < 0) {
        const { block, param } = phis[~task];
        const preds = this.preds[block];
        const vals = results.splice(results.length - preds.length, preds.length);
        for (let k = 0; k < preds.length; k++) f.appendBlockCallArg(preds[k].call, vals[k]);
        const v = this.tryRemoveTrivialPhi(block, param);
        this.defs[block].set(variable, v);
        results.push(v);
        continue;
      }
      // Walk up sealed single-predecessor blocks; they all get the value found.
      const chain: Block[] = [];
      let cur = task as Block;
      let found: Value | -1 = NONE;
      for (let steps = 0; ; steps++) {
        const d = this.defs[cur].get(variable);
        if (d !== undefined) {
          found = f.resolveAliases(d);
          break;
        }
        if (!this.sealed[cur]) {
          found = this.newPhi(cur, t);
          this.incomplete[cur].push({ variable, param: found });
          this.defs[cur].set(variable, found);
          break;
        }
        const preds = this.preds[cur];
        if (preds.length === 0 || steps > f.blockCount) {
          // No predecessor (entry or unreachable block, or an unreachable cycle): never assigned.
          found = this.zero(cur, t);
          this.defs[cur].set(variable, found);
          break;
        }
        if (preds.length === 1) {
          chain.push(cur);
          cur = preds[0].block;
          continue;
        }
        // A join: the parameter is defined before reading the predecessors, which breaks cycles.
        const param = this.newPhi(cur, t);
        this.defs[cur].set(variable, param);
        for (const c of chain) this.defs[c].set(variable, param);
        tasks.push(~phis.length);
        phis.push({ block: cur, param });
        for (let k = preds.length - 1; k >= 0; k--) tasks.push(preds[k].block);
        break;
      }
      if (found !== NONE) {
        for (const c of chain) this.defs[c].set(variable, found);
        results.push(found);
      }
    }
    return f.resolveAliases(results[0]);
  }

  private newPhi(b: Block, t: Type): Value {
    const v = this.func.appendBlockParam(b, t);
    this.ssaParams.add(v);
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
    if (!this.ssaParams.has(param)) return f.resolveAliases(param);
    const k = f.valueNum[param];
    let same: Value | -1 = NONE;
    for (const p of this.preds[b]) {
      const a = f.resolveAliases(f.pool[f.bcArgOff[p.call] + k] as Value);
      if (a === param || a === same) continue;
      if (same !== NONE) return param;
      same = a;
    }
    if (same === NONE) same = this.zero(b, f.valueTypeOf(param));
    this.ssaParams.delete(param);
    this.removed.push(param);
    this.deadIn.add(b);
    // Keep the index for the final compaction; the alias makes every use see `same`.
    const index = k;
    f.changeToAlias(param, same);
    this.deadIndex.set(param, index);
    return same;
  }

  /** Drop the parameters made aliases, and their branch arguments, block by block. */
  private compactParams(): void {
    const f = this.func;
    for (const b of this.deadIn) {
      const params = f.blockParams[b];
      const keep: number[] = [];
      const kept: Value[] = [];
      for (let k = 0; k < params.length; k++) {
        if (this.deadIndex.get(params[k]) === k) continue;
        keep.push(k);
        kept.push(params[k]);
      }
      for (const p of this.preds[b]) {
        const off = f.bcArgOff[p.call];
        const args = keep.map((k) => f.pool[off + k]);
        f.setBlockCallArgs(p.call, args);
      }
      kept.forEach((v, k) => { f.valueNum[v] = k; });
      f.blockParams[b] = kept;
    }
    this.deadIn.clear();
    this.deadIndex.clear();
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
    const seen = new Set<number>();
    for (const bc of this.func.branchDestinations(inst)) {
      if (seen.has(bc)) continue;
      seen.add(bc);
      const to = this.func.blockCallBlock(bc);
      this.ensure(to);
      if (this.sealed[to]) this.fail(`block${to} is sealed: no new branch may target it`);
      this.preds[to].push({ block: from, call: bc });
    }
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
      for (const p of [...this.ssaParams]) {
        if (!this.ssaParams.has(p)) continue;
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
