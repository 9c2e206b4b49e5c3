// `Function`: the data-flow graph (instructions, values, block parameters),
// the layout (block order, instruction order inside each block) and the
// preamble entities (signature, stack slots, global values, references,
// constants, jump tables, exception tables).
//
// Storage is dense: every instruction, value, block and block call is an index
// into typed arrays. Operand lists live in one pooled Int32Array addressed by
// (offset, length); changing a list's length moves it to the end of the pool
// (the old range becomes garbage, reclaimed by `compact()` or `clone()`).

import {
  type Block, type BlockArg, type Constant, type DynamicStackSlot, type DynamicType, type ExceptionTable,
  type FuncRef, type GlobalValue, type Inst, type JumpTable, type SigRef, type StackSlot, type Value,
  type MemoryRegion, NONE,
} from './entities';
import { Format, OPCODES, type Opcode } from './opcodes';
import { INVALID, type Type } from './types';
import { growInt32, growUint16, growUint8, joinI64, splitI64 } from './pool';
import {
  cloneSignature, type DynamicStackSlotData, type DynamicTypeData, type ExternalName, type FuncRefData,
  type GlobalValueData, type MemoryRegionData, type Signature, type StackSlotData,
} from './signature';

/** What defines a value. */
export enum ValueKind {
  /** A number with no value behind it (the reader keeps source numbering, so gaps exist). */
  Unused = 0,
  /** The `valueNum`-th result of instruction `valueDef`. */
  Result = 1,
  /** The `valueNum`-th parameter of block `valueDef`. */
  Param = 2,
  /** An alias of value `valueDef` (`v3 -> v1`). */
  Alias = 3,
}

/** A block call (branch destination): a block plus its arguments. Stable id. */
export type BlockCall = number & { readonly __brand: 'BlockCall' };

export interface JumpTableData {
  /** The default destination (taken when the index is out of range). */
  defaultCall: BlockCall;
  entries: BlockCall[];
}

export type ExceptionTableItem =
  | { kind: 'tag'; tag: number; call: BlockCall }
  | { kind: 'default'; call: BlockCall }
  | { kind: 'context'; value: Value };

export interface ExceptionTableData {
  signature: SigRef;
  /** Destination on normal return (its arguments may use `retN`). */
  normalReturn: BlockCall;
  items: ExceptionTableItem[];
}

/** A debug tag on an instruction: `<ss0, 1, 0>` holds a stack slot then plain numbers. */
export type DebugTag = { kind: 'stack_slot'; slot: StackSlot } | { kind: 'user'; value: number };

/** An entry of a call's user stack map: `i32 @ ss0+4`. */
export interface StackMapEntry {
  type: Type;
  slot: StackSlot;
  offset: number;
}

/** No source location. */
export const NO_SRCLOC = 0xffffffff;

// Tables start as shared empty arrays and are replaced on first growth, so
// creating a Function allocates nothing until it is filled.
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U16 = new Uint16Array(0);
const EMPTY_U8 = new Uint8Array(0);

export class Function {
  /** Function name: `%name` or `uN:M`. */
  name: ExternalName = { kind: 'testcase', name: '' };
  signature: Signature = { params: [], returns: [], callConv: 'fast' };

  // ---- preamble entities (few; arrays indexed by entity number, may have holes)
  sigRefs: (Signature | undefined)[] = [];
  funcRefs: (FuncRefData | undefined)[] = [];
  stackSlots: (StackSlotData | undefined)[] = [];
  dynamicStackSlots: (DynamicStackSlotData | undefined)[] = [];
  dynamicTypes: (DynamicTypeData | undefined)[] = [];
  globalValues: (GlobalValueData | undefined)[] = [];
  memoryRegions: (MemoryRegionData | undefined)[] = [];
  /** Constant pool, little-endian bytes (`const0 = 0x...` is written most significant byte first). */
  constants: Uint8Array[] = [];
  /** Dedupe index of `constants` (built lazily). */
  private constantIndex = new Map<string, Constant>();
  private constantIndexed = 0;
  /** Shuffle masks and other byte-array immediates, indexed from instruction immediates. */
  immediates: Uint8Array[] = [];
  jumpTables: JumpTableData[] = [];
  exceptionTables: ExceptionTableData[] = [];
  /** `stack_limit = gvN`, or NONE. */
  stackLimit: GlobalValue | -1 = NONE;

  // ---- instructions
  instCount = 0;
  instOpcode = EMPTY_U16;
  /** Controlling type variable (INVALID when not polymorphic). */
  instType = EMPTY_U16;
  instArgOff = EMPTY_I32;
  instArgLen = EMPTY_I32;
  instResOff = EMPTY_I32;
  instResLen = EMPTY_I32;
  /** Immediate slots; what they hold depends on the format (see README "Immediates"). */
  instImm0 = EMPTY_I32;
  instImm1 = EMPTY_I32;
  instImm2 = EMPTY_I32;
  instSrcLoc = EMPTY_I32;
  instPrev = EMPTY_I32;
  instNext = EMPTY_I32;
  /** Block containing the instruction, NONE when not inserted. */
  instBlock = EMPTY_I32;

  /** Pooled operand lists: instruction arguments, results and block call arguments. */
  pool = EMPTY_I32;
  poolLen = 0;

  // ---- values
  valueCount = 0;
  valueType = EMPTY_U16;
  valueKind = EMPTY_U8;
  valueDef = EMPTY_I32;
  valueNum = EMPTY_I32;

  // ---- blocks
  blockCount = 0;
  /** 1 if the block number exists (the reader keeps source numbering, so gaps exist). */
  blockExists = EMPTY_U8;
  blockCold = EMPTY_U8;
  blockParams: Value[][] = [];
  blockPrev = EMPTY_I32;
  blockNext = EMPTY_I32;
  blockInLayout = EMPTY_U8;
  blockFirstInst = EMPTY_I32;
  blockLastInst = EMPTY_I32;
  firstBlock: Block | -1 = NONE;
  lastBlock: Block | -1 = NONE;

  // ---- block calls
  blockCallCount = 0;
  bcBlock = EMPTY_I32;
  bcArgOff = EMPTY_I32;
  bcArgLen = EMPTY_I32;
  /** Pool slots reserved for each block call's arguments (>= bcArgLen), so appending is amortized O(1). */
  bcArgCap = EMPTY_I32;

  // ---- sparse per-instruction extras
  debugTags = new Map<Inst, DebugTag[]>();
  userStackMaps = new Map<Inst, StackMapEntry[]>();

  // =============================================================== pool

  private poolAlloc(n: number): number {
    const off = this.poolLen;
    if (off + n > this.pool.length) this.pool = growInt32(this.pool, off + n);
    this.poolLen = off + n;
    return off;
  }

  private poolStore(items: ArrayLike<number>): number {
    const off = this.poolAlloc(items.length);
    for (let i = 0; i < items.length; i++) this.pool[off + i] = items[i];
    return off;
  }

  // =============================================================== values

  private ensureValues(n: number): void {
    if (n <= this.valueType.length) return;
    this.valueType = growUint16(this.valueType, n);
    this.valueKind = growUint8(this.valueKind, n);
    this.valueDef = growInt32(this.valueDef, n);
    this.valueNum = growInt32(this.valueNum, n);
  }

  private newValue(type: Type, kind: ValueKind, def: number, num: number): Value {
    const v = this.valueCount++;
    this.ensureValues(this.valueCount);
    this.valueType[v] = type;
    this.valueKind[v] = kind;
    this.valueDef[v] = def;
    this.valueNum[v] = num;
    return v as Value;
  }

  /**
   * Make sure value numbers up to `v` exist (as Unused), so a value with a
   * chosen number can be defined. The reader uses this to keep `vN` numbering.
   */
  reserveValue(v: Value): void {
    if (v < this.valueCount) return;
    this.ensureValues(v + 1);
    for (let i = this.valueCount; i <= v; i++) {
      this.valueKind[i] = ValueKind.Unused;
      this.valueType[i] = INVALID;
      this.valueDef[i] = -1;
      this.valueNum[i] = 0;
    }
    this.valueCount = v + 1;
  }

  isValueDefined(v: Value): boolean {
    return v >= 0 && v < this.valueCount && this.valueKind[v] !== ValueKind.Unused;
  }

  /** The value an alias chain ends at (v itself when not an alias). */
  resolveAliases(v: Value): Value {
    let r = v;
    for (let guard = 0; this.valueKind[r] === ValueKind.Alias; guard++) {
      if (guard > this.valueCount) throw new Error(`alias cycle through v${v}`);
      r = this.valueDef[r] as Value;
    }
    return r;
  }

  /** Turn `v` (unused or a result/param being replaced) into an alias of `target`. */
  setAlias(v: Value, target: Value): void {
    this.reserveValue(v);
    this.valueKind[v] = ValueKind.Alias;
    this.valueDef[v] = target;
    this.valueNum[v] = 0;
    // An alias target's own type is already its root's type (O(1), chains can be long).
    this.valueType[v] = target < this.valueCount ? this.valueType[target] : INVALID;
  }

  /** Make a new value that aliases `target`. */
  makeAlias(target: Value): Value {
    return this.newValue(this.valueType[target] as Type, ValueKind.Alias, target, 0);
  }

  /**
   * Replace every use of `from` by `to`: `from` becomes an alias of `to`, so
   * uses resolve through `resolveAliases` (O(1), like Cranelift's
   * change_to_alias). Only valid when `from` is no longer a live result/param
   * (detach it first) or is Unused.
   */
  changeToAlias(from: Value, to: Value): void {
    this.setAlias(from, to);
  }

  /** Rewrite all instruction and branch arguments in the layout that go through aliases. */
  resolveAllAliases(): void {
    for (let inst = 0; inst < this.instCount; inst++) {
      const off = this.instArgOff[inst];
      const len = this.instArgLen[inst];
      for (let k = 0; k < len; k++) this.pool[off + k] = this.resolveAliases(this.pool[off + k] as Value);
    }
    for (let bc = 0; bc < this.blockCallCount; bc++) {
      const off = this.bcArgOff[bc];
      const len = this.bcArgLen[bc];
      for (let k = 0; k < len; k++) {
        const a = this.pool[off + k];
        if (a >= 0) this.pool[off + k] = this.resolveAliases(a as Value);
      }
    }
    for (const et of this.exceptionTables) {
      for (const it of et.items) if (it.kind === 'context') it.value = this.resolveAliases(it.value);
    }
  }

  valueTypeOf(v: Value): Type {
    return this.valueType[v] as Type;
  }

  setValueType(v: Value, t: Type): void {
    this.valueType[v] = t;
  }

  // =============================================================== blocks

  private ensureBlocks(n: number): void {
    if (n <= this.blockExists.length) return;
    this.blockExists = growUint8(this.blockExists, n);
    this.blockCold = growUint8(this.blockCold, n);
    this.blockInLayout = growUint8(this.blockInLayout, n);
    this.blockPrev = growInt32(this.blockPrev, n, -1);
    this.blockNext = growInt32(this.blockNext, n, -1);
    this.blockFirstInst = growInt32(this.blockFirstInst, n, -1);
    this.blockLastInst = growInt32(this.blockLastInst, n, -1);
  }

  /** Create a new block (not yet in the layout). */
  makeBlock(): Block {
    const b = this.blockCount;
    this.defineBlock(b as Block);
    return b as Block;
  }

  /** Create block number `b` (the reader keeps source numbering). */
  defineBlock(b: Block): void {
    if (b >= this.blockCount) {
      this.ensureBlocks(b + 1);
      for (let i = this.blockCount; i <= b; i++) this.blockParams[i] = [];
      this.blockCount = b + 1;
    }
    this.blockExists[b] = 1;
  }

  isBlockDefined(b: Block): boolean {
    return b >= 0 && b < this.blockCount && this.blockExists[b] === 1;
  }

  /** Append a parameter of type `t` to block `b`; returns the new value. */
  appendBlockParam(b: Block, t: Type): Value {
    const params = this.blockParams[b];
    const v = this.newValue(t, ValueKind.Param, b, params.length);
    params.push(v);
    return v;
  }

  /** Make value number `v` the next parameter of `b` (reader). */
  appendBlockParamAs(b: Block, t: Type, v: Value): void {
    this.reserveValue(v);
    const params = this.blockParams[b];
    this.valueType[v] = t;
    this.valueKind[v] = ValueKind.Param;
    this.valueDef[v] = b;
    this.valueNum[v] = params.length;
    params.push(v);
  }

  /** Remove parameter `index` of block `b`; later parameters shift down. */
  removeBlockParam(b: Block, index: number): void {
    const params = this.blockParams[b];
    const [removed] = params.splice(index, 1);
    if (removed !== undefined) this.valueKind[removed] = ValueKind.Unused;
    for (let i = index; i < params.length; i++) this.valueNum[params[i]] = i;
  }

  blockParamsOf(b: Block): readonly Value[] {
    return this.blockParams[b];
  }

  isBlockCold(b: Block): boolean {
    return this.blockCold[b] === 1;
  }

  setBlockCold(b: Block, cold = true): void {
    this.blockCold[b] = cold ? 1 : 0;
  }

  // =============================================================== layout: blocks

  /** Append `b` at the end of the block order. */
  appendBlock(b: Block): void {
    if (this.blockInLayout[b]) throw new Error(`block${b} is already in the layout`);
    this.blockInLayout[b] = 1;
    this.blockPrev[b] = this.lastBlock;
    this.blockNext[b] = NONE;
    if (this.lastBlock === NONE) this.firstBlock = b;
    else this.blockNext[this.lastBlock] = b;
    this.lastBlock = b;
  }

  /** Insert `b` before `before` in the block order. */
  insertBlockBefore(b: Block, before: Block): void {
    if (this.blockInLayout[b]) throw new Error(`block${b} is already in the layout`);
    if (!this.isBlockInLayout(before)) throw new Error(`block${before} is not in the layout`);
    this.blockInLayout[b] = 1;
    const prev = this.blockPrev[before];
    this.blockPrev[b] = prev;
    this.blockNext[b] = before;
    this.blockPrev[before] = b;
    if (prev === NONE) this.firstBlock = b;
    else this.blockNext[prev] = b;
  }

  /** Insert `b` after `after` in the block order. */
  insertBlockAfter(b: Block, after: Block): void {
    const next = this.blockNext[after];
    if (next === NONE) this.appendBlock(b);
    else this.insertBlockBefore(b, next as Block);
  }

  /** Remove `b` from the block order (its instructions stay attached to it). */
  removeBlock(b: Block): void {
    if (!this.blockInLayout[b]) return;
    const prev = this.blockPrev[b];
    const next = this.blockNext[b];
    if (prev === NONE) this.firstBlock = next as Block | -1;
    else this.blockNext[prev] = next;
    if (next === NONE) this.lastBlock = prev as Block | -1;
    else this.blockPrev[next] = prev;
    this.blockPrev[b] = NONE;
    this.blockNext[b] = NONE;
    this.blockInLayout[b] = 0;
  }

  isBlockInLayout(b: Block): boolean {
    return b >= 0 && b < this.blockCount && this.blockInLayout[b] === 1;
  }

  /** The entry block (first in layout), or NONE. */
  entryBlock(): Block | -1 {
    return this.firstBlock;
  }

  nextBlock(b: Block): Block | -1 {
    return this.blockNext[b] as Block | -1;
  }

  prevBlock(b: Block): Block | -1 {
    return this.blockPrev[b] as Block | -1;
  }

  /** Blocks in layout order. */
  *blocks(): IterableIterator<Block> {
    for (let b = this.firstBlock; b !== NONE; b = this.blockNext[b] as Block | -1) yield b as Block;
  }

  // =============================================================== layout: instructions

  firstInst(b: Block): Inst | -1 {
    return this.blockFirstInst[b] as Inst | -1;
  }

  lastInst(b: Block): Inst | -1 {
    return this.blockLastInst[b] as Inst | -1;
  }

  nextInst(i: Inst): Inst | -1 {
    return this.instNext[i] as Inst | -1;
  }

  prevInst(i: Inst): Inst | -1 {
    return this.instPrev[i] as Inst | -1;
  }

  /** Block containing `i`, or NONE. */
  instBlockOf(i: Inst): Block | -1 {
    return this.instBlock[i] as Block | -1;
  }

  /** Instructions of `b` in layout order. */
  *blockInsts(b: Block): IterableIterator<Inst> {
    for (let i = this.blockFirstInst[b]; i !== NONE; i = this.instNext[i]) yield i as Inst;
  }

  /** Append an existing (detached) instruction at the end of `b`. */
  appendInst(i: Inst, b: Block): void {
    if (this.instBlock[i] !== NONE) throw new Error(`inst${i} is already in the layout`);
    const last = this.blockLastInst[b];
    this.instBlock[i] = b;
    this.instPrev[i] = last;
    this.instNext[i] = NONE;
    if (last === NONE) this.blockFirstInst[b] = i;
    else this.instNext[last] = i;
    this.blockLastInst[b] = i;
  }

  /** Insert a detached instruction before `before`. */
  insertInstBefore(i: Inst, before: Inst): void {
    if (this.instBlock[i] !== NONE) throw new Error(`inst${i} is already in the layout`);
    const b = this.instBlock[before];
    if (b === NONE) throw new Error(`inst${before} is not in the layout`);
    const prev = this.instPrev[before];
    this.instBlock[i] = b;
    this.instPrev[i] = prev;
    this.instNext[i] = before;
    this.instPrev[before] = i;
    if (prev === NONE) this.blockFirstInst[b] = i;
    else this.instNext[prev] = i;
  }

  /** Insert a detached instruction after `after`. */
  insertInstAfter(i: Inst, after: Inst): void {
    const next = this.instNext[after];
    if (next === NONE) this.appendInst(i, this.instBlock[after] as Block);
    else this.insertInstBefore(i, next as Inst);
  }

  /** Detach `i` from the layout (its data and results stay valid). */
  removeInst(i: Inst): void {
    const b = this.instBlock[i];
    if (b === NONE) return;
    const prev = this.instPrev[i];
    const next = this.instNext[i];
    if (prev === NONE) this.blockFirstInst[b] = next;
    else this.instNext[prev] = next;
    if (next === NONE) this.blockLastInst[b] = prev;
    else this.instPrev[next] = prev;
    this.instPrev[i] = NONE;
    this.instNext[i] = NONE;
    this.instBlock[i] = NONE;
  }

  // =============================================================== instructions

  private ensureInsts(n: number): void {
    if (n <= this.instOpcode.length) return;
    this.instOpcode = growUint16(this.instOpcode, n);
    this.instType = growUint16(this.instType, n);
    this.instArgOff = growInt32(this.instArgOff, n);
    this.instArgLen = growInt32(this.instArgLen, n);
    this.instResOff = growInt32(this.instResOff, n);
    this.instResLen = growInt32(this.instResLen, n);
    this.instImm0 = growInt32(this.instImm0, n);
    this.instImm1 = growInt32(this.instImm1, n);
    this.instImm2 = growInt32(this.instImm2, n);
    this.instSrcLoc = growInt32(this.instSrcLoc, n, -1);
    this.instPrev = growInt32(this.instPrev, n, -1);
    this.instNext = growInt32(this.instNext, n, -1);
    this.instBlock = growInt32(this.instBlock, n, -1);
  }

  /**
   * Create a detached instruction with `args` as value operands (for calls:
   * callee first for indirect calls, then the call arguments). Immediates are
   * zero; set them with `setImm*`. Results are created separately
   * (`makeResults` / `attachResult`).
   */
  makeInst(opcode: Opcode, ctrlType: Type, args: ArrayLike<number>): Inst {
    const i = this.instCount++;
    this.ensureInsts(this.instCount);
    this.instOpcode[i] = opcode;
    this.instType[i] = ctrlType;
    this.instArgOff[i] = this.poolStore(args);
    this.instArgLen[i] = args.length;
    this.instResOff[i] = 0;
    this.instResLen[i] = 0;
    this.instImm0[i] = 0;
    this.instImm1[i] = 0;
    this.instImm2[i] = 0;
    this.instSrcLoc[i] = -1;
    this.instPrev[i] = NONE;
    this.instNext[i] = NONE;
    this.instBlock[i] = NONE;
    return i as Inst;
  }

  opcode(i: Inst): Opcode {
    return this.instOpcode[i] as Opcode;
  }

  format(i: Inst): Format {
    return OPCODES[this.instOpcode[i]].format;
  }

  /** Controlling type variable (INVALID if the opcode is not polymorphic). */
  ctrlType(i: Inst): Type {
    return this.instType[i] as Type;
  }

  setCtrlType(i: Inst, t: Type): void {
    this.instType[i] = t;
  }

  /** Value operands (a fresh array; hot code reads `pool` at `instArgOff`/`instArgLen`). */
  instArgs(i: Inst): Value[] {
    const off = this.instArgOff[i];
    return Array.from(this.pool.subarray(off, off + this.instArgLen[i])) as Value[];
  }

  argCount(i: Inst): number {
    return this.instArgLen[i];
  }

  arg(i: Inst, k: number): Value {
    return this.pool[this.instArgOff[i] + k] as Value;
  }

  setArg(i: Inst, k: number, v: Value): void {
    this.pool[this.instArgOff[i] + k] = v;
  }

  /** Replace the whole operand list. */
  setArgs(i: Inst, args: ArrayLike<number>): void {
    if (args.length <= this.instArgLen[i]) {
      const off = this.instArgOff[i];
      for (let k = 0; k < args.length; k++) this.pool[off + k] = args[k];
    } else {
      this.instArgOff[i] = this.poolStore(args);
    }
    this.instArgLen[i] = args.length;
  }

  /** Results (a fresh array). */
  instResults(i: Inst): Value[] {
    const off = this.instResOff[i];
    return Array.from(this.pool.subarray(off, off + this.instResLen[i])) as Value[];
  }

  resultCount(i: Inst): number {
    return this.instResLen[i];
  }

  /** First result; throws if none. */
  firstResult(i: Inst): Value {
    if (this.instResLen[i] === 0) throw new Error(`inst${i} has no results`);
    return this.pool[this.instResOff[i]] as Value;
  }

  result(i: Inst, k: number): Value {
    return this.pool[this.instResOff[i] + k] as Value;
  }

  /** Create new result values of the given types for `i` (replaces any previous list). */
  makeResults(i: Inst, types: readonly Type[]): Value[] {
    if (this.instResLen[i] > 0) this.detachResults(i);
    const vals: Value[] = [];
    const off = this.poolAlloc(types.length);
    for (let k = 0; k < types.length; k++) {
      const v = this.newValue(types[k], ValueKind.Result, i, k);
      this.pool[off + k] = v;
      vals.push(v);
    }
    this.instResOff[i] = off;
    this.instResLen[i] = types.length;
    return vals;
  }

  /** `makeResults(i, [type])[0]` without the lists, for the one-result instructions of hot producers. */
  makeResult1(i: Inst, type: Type): Value {
    if (this.instResLen[i] > 0) this.detachResults(i);
    const off = this.poolAlloc(1);
    const v = this.newValue(type, ValueKind.Result, i, 0);
    this.pool[off] = v;
    this.instResOff[i] = off;
    this.instResLen[i] = 1;
    return v;
  }

  /**
   * Make the existing value number `v` the next result of `i` (the reader
   * uses this to keep source numbering; `v` must be Unused).
   */
  attachResult(i: Inst, v: Value, t: Type): void {
    this.reserveValue(v);
    const n = this.instResLen[i];
    const oldOff = this.instResOff[i];
    let off = oldOff;
    if (n === 0 || oldOff + n !== this.poolLen) {
      off = this.poolAlloc(n + 1);
      for (let k = 0; k < n; k++) this.pool[off + k] = this.pool[oldOff + k];
    } else {
      this.poolAlloc(1);
    }
    this.pool[off + n] = v;
    this.instResOff[i] = off;
    this.instResLen[i] = n + 1;
    this.valueType[v] = t;
    this.valueKind[v] = ValueKind.Result;
    this.valueDef[v] = i;
    this.valueNum[v] = n;
  }

  /** Forget the results of `i` (they become Unused unless re-attached or aliased). */
  detachResults(i: Inst): Value[] {
    const res = this.instResults(i);
    for (const v of res) if (this.valueKind[v] === ValueKind.Result && this.valueDef[v] === i) this.valueKind[v] = ValueKind.Unused;
    this.instResLen[i] = 0;
    return res;
  }

  /** Replace `i`'s results by aliases of `replacements` (for rewriting an instruction into copies). */
  replaceResultsWith(i: Inst, replacements: readonly Value[]): void {
    const res = this.detachResults(i);
    for (let k = 0; k < res.length; k++) this.setAlias(res[k], replacements[k]);
  }

  setImm0(i: Inst, x: number): void { this.instImm0[i] = x; }
  setImm1(i: Inst, x: number): void { this.instImm1[i] = x; }
  setImm2(i: Inst, x: number): void { this.instImm2[i] = x; }
  imm0(i: Inst): number { return this.instImm0[i]; }
  imm1(i: Inst): number { return this.instImm1[i]; }
  imm2(i: Inst): number { return this.instImm2[i]; }

  /** The 64-bit immediate kept in slots 1 and 2 (iconst, *_imm, icmp_imm, f64const bits). */
  imm64(i: Inst): bigint {
    return joinI64(this.instImm1[i], this.instImm2[i]);
  }

  setImm64(i: Inst, v: bigint): void {
    const [lo, hi] = splitI64(v);
    this.instImm1[i] = lo;
    this.instImm2[i] = hi;
  }

  srcLoc(i: Inst): number {
    const s = this.instSrcLoc[i];
    return s === -1 ? NO_SRCLOC : s >>> 0;
  }

  setSrcLoc(i: Inst, loc: number): void {
    this.instSrcLoc[i] = loc === NO_SRCLOC ? -1 : loc | 0;
  }

  // =============================================================== block calls

  private ensureBlockCalls(n: number): void {
    if (n <= this.bcBlock.length) return;
    this.bcBlock = growInt32(this.bcBlock, n);
    this.bcArgOff = growInt32(this.bcArgOff, n);
    this.bcArgLen = growInt32(this.bcArgLen, n);
    this.bcArgCap = growInt32(this.bcArgCap, n);
  }

  /** A new block call `block(args...)`. Arguments are BlockArgs (values, or retN/exnN). */
  makeBlockCall(block: Block, args: ArrayLike<BlockArg>): BlockCall {
    const bc = this.blockCallCount++;
    this.ensureBlockCalls(this.blockCallCount);
    this.bcBlock[bc] = block;
    this.bcArgOff[bc] = this.poolStore(args);
    this.bcArgLen[bc] = args.length;
    this.bcArgCap[bc] = args.length;
    return bc as BlockCall;
  }

  blockCallBlock(bc: BlockCall): Block {
    return this.bcBlock[bc] as Block;
  }

  setBlockCallBlock(bc: BlockCall, b: Block): void {
    this.bcBlock[bc] = b;
  }

  blockCallArgs(bc: BlockCall): BlockArg[] {
    const off = this.bcArgOff[bc];
    return Array.from(this.pool.subarray(off, off + this.bcArgLen[bc]));
  }

  setBlockCallArgs(bc: BlockCall, args: ArrayLike<BlockArg>): void {
    if (args.length <= this.bcArgCap[bc]) {
      const off = this.bcArgOff[bc];
      for (let k = 0; k < args.length; k++) this.pool[off + k] = args[k];
    } else {
      this.bcArgOff[bc] = this.poolStore(args);
      this.bcArgCap[bc] = args.length;
    }
    this.bcArgLen[bc] = args.length;
  }

  /**
   * Append one argument. A list that must move takes twice the room it needs: SSA construction
   * appends one argument per merged variable to every predecessor of a join in turn, and moving
   * the whole list each time made blocks with many merged variables quadratic.
   */
  appendBlockCallArg(bc: BlockCall, arg: BlockArg): void {
    const off = this.bcArgOff[bc];
    const len = this.bcArgLen[bc];
    const cap = this.bcArgCap[bc];
    if (len < cap) {
      this.pool[off + len] = arg;
    } else if (off + cap === this.poolLen) {
      // The list ends the pool: grow it in place.
      this.poolAlloc(1);
      this.pool[off + len] = arg;
      this.bcArgCap[bc] = cap + 1;
    } else {
      const room = Math.max(4, len * 2);
      const n = this.poolAlloc(room);
      this.pool.copyWithin(n, off, off + len);
      this.pool[n + len] = arg;
      this.bcArgOff[bc] = n;
      this.bcArgCap[bc] = room;
    }
    this.bcArgLen[bc] = len + 1;
  }

  /**
   * The branch destinations of `i` in order: jump: [dest]; brif: [then, else];
   * br_table: [default, ...entries]; try_call: [normal, ...handlers]. Empty for
   * non-branches.
   */
  branchDestinations(i: Inst): BlockCall[] {
    switch (OPCODES[this.instOpcode[i]].format) {
      case Format.Jump: return [this.instImm0[i] as BlockCall];
      case Format.Brif: return [this.instImm0[i] as BlockCall, this.instImm1[i] as BlockCall];
      case Format.BranchTable: {
        const jt = this.jumpTables[this.instImm0[i]];
        return [jt.defaultCall, ...jt.entries];
      }
      case Format.TryCall: return exceptionTableCalls(this.exceptionTables[this.instImm1[i]]);
      case Format.TryCallIndirect: return exceptionTableCalls(this.exceptionTables[this.instImm0[i]]);
      default: return [];
    }
  }

  // =============================================================== preamble helpers

  /** Signature of a call instruction (call, call_indirect, try_call, return_call...), or undefined. */
  callSignature(i: Inst): Signature | undefined {
    switch (OPCODES[this.instOpcode[i]].format) {
      case Format.Call: return this.sigRefs[this.funcRefs[this.instImm0[i]]?.signature ?? -1];
      case Format.CallIndirect: return this.sigRefs[this.instImm0[i]];
      case Format.TryCall: return this.sigRefs[this.funcRefs[this.instImm0[i]]?.signature ?? -1];
      case Format.TryCallIndirect: return this.sigRefs[this.exceptionTables[this.instImm0[i]]?.signature ?? -1];
      default: return undefined;
    }
  }

  addSigRef(sig: Signature): SigRef {
    this.sigRefs.push(sig);
    return (this.sigRefs.length - 1) as SigRef;
  }

  addFuncRef(data: FuncRefData): FuncRef {
    this.funcRefs.push(data);
    return (this.funcRefs.length - 1) as FuncRef;
  }

  addStackSlot(data: StackSlotData): StackSlot {
    this.stackSlots.push(data);
    return (this.stackSlots.length - 1) as StackSlot;
  }

  addDynamicStackSlot(data: DynamicStackSlotData): DynamicStackSlot {
    this.dynamicStackSlots.push(data);
    return (this.dynamicStackSlots.length - 1) as DynamicStackSlot;
  }

  addDynamicType(data: DynamicTypeData): DynamicType {
    this.dynamicTypes.push(data);
    return (this.dynamicTypes.length - 1) as DynamicType;
  }

  addGlobalValue(data: GlobalValueData): GlobalValue {
    this.globalValues.push(data);
    return (this.globalValues.length - 1) as GlobalValue;
  }

  addMemoryRegion(data: MemoryRegionData): MemoryRegion {
    this.memoryRegions.push(data);
    return (this.memoryRegions.length - 1) as MemoryRegion;
  }

  /** Add bytes to the constant pool (deduplicated). */
  addConstant(bytes: Uint8Array): Constant {
    if (this.constantIndexed > this.constants.length) {
      this.constantIndex.clear();
      this.constantIndexed = 0;
    }
    // Index constants added directly to `constants` since the last call (first occurrence wins).
    for (; this.constantIndexed < this.constants.length; this.constantIndexed++) {
      const k = constantKey(this.constants[this.constantIndexed]);
      if (!this.constantIndex.has(k)) this.constantIndex.set(k, this.constantIndexed as Constant);
    }
    const key = constantKey(bytes);
    const found = this.constantIndex.get(key);
    if (found !== undefined && bytes.length > 0) return found;
    this.constants.push(bytes);
    const c = (this.constants.length - 1) as Constant;
    this.constantIndex.set(key, c);
    this.constantIndexed = this.constants.length;
    return c;
  }

  addImmediate(bytes: Uint8Array): number {
    this.immediates.push(bytes);
    return this.immediates.length - 1;
  }

  addJumpTable(data: JumpTableData): JumpTable {
    this.jumpTables.push(data);
    return (this.jumpTables.length - 1) as JumpTable;
  }

  addExceptionTable(data: ExceptionTableData): ExceptionTable {
    this.exceptionTables.push(data);
    return (this.exceptionTables.length - 1) as ExceptionTable;
  }

  // =============================================================== whole-function

  /**
   * Pre-size the tables for about `insts` instructions, `values` values and
   * `blocks` blocks (saves the doubling copies when a producer knows the size).
   */
  reserve(insts: number, values = insts, blocks = 0): void {
    if (this.instOpcode.length === 0 && this.valueType.length === 0 && this.pool.length === 0 && this.blockExists.length === 0) {
      this.reserveFresh(insts, values, blocks);
      return;
    }
    this.ensureInsts(insts);
    this.ensureValues(values);
    if (blocks > 0) this.ensureBlocks(blocks);
    if (this.pool.length < insts * 3) this.pool = growInt32(this.pool, insts * 3);
  }

  /**
   * `reserve` for a function whose tables were never grown: every table becomes a view into
   * one shared buffer. Allocating a couple of dozen ArrayBuffers per function cost more than
   * filling them when translating many small functions; one allocation is cheap. (A table that
   * outgrows its view is replaced by a private array, as usual.)
   */
  private reserveFresh(insts: number, values: number, blocks: number): void {
    const ni = Math.max(16, insts);
    const nv = Math.max(16, values);
    const nb = blocks > 0 ? Math.max(16, blocks) : 0;
    const np = ni * 3;
    // 32-bit tables first (instructions 11, values 2, blocks 4, pool), then 16-bit, then 8-bit.
    const words32 = ni * 11 + nv * 2 + nb * 4 + np;
    const bytes = words32 * 4 + (ni * 2 + nv) * 2 + nv + nb * 3;
    const buf = new ArrayBuffer(bytes);
    let at = 0;
    const i32 = (n: number, fill = 0): Int32Array<ArrayBuffer> => {
      const a = new Int32Array(buf, at, n);
      at += n * 4;
      if (fill !== 0) a.fill(fill);
      return a;
    };
    const u16 = (n: number): Uint16Array<ArrayBuffer> => {
      const a = new Uint16Array(buf, at, n);
      at += n * 2;
      return a;
    };
    const u8 = (n: number): Uint8Array<ArrayBuffer> => {
      const a = new Uint8Array(buf, at, n);
      at += n;
      return a;
    };
    this.instArgOff = i32(ni);
    this.instArgLen = i32(ni);
    this.instResOff = i32(ni);
    this.instResLen = i32(ni);
    this.instImm0 = i32(ni);
    this.instImm1 = i32(ni);
    this.instImm2 = i32(ni);
    // No -1 fill for instructions: `makeInst`, their only constructor, writes every field.
    this.instSrcLoc = i32(ni);
    this.instPrev = i32(ni);
    this.instNext = i32(ni);
    this.instBlock = i32(ni);
    this.valueDef = i32(nv);
    this.valueNum = i32(nv);
    if (nb > 0) {
      this.blockPrev = i32(nb, -1);
      this.blockNext = i32(nb, -1);
      this.blockFirstInst = i32(nb, -1);
      this.blockLastInst = i32(nb, -1);
    }
    this.pool = i32(np);
    this.instOpcode = u16(ni);
    this.instType = u16(ni);
    this.valueType = u16(nv);
    this.valueKind = u8(nv);
    if (nb > 0) {
      this.blockExists = u8(nb);
      this.blockCold = u8(nb);
      this.blockInLayout = u8(nb);
    }
  }

  /** Number of instructions in the layout. */
  countInsts(): number {
    let n = 0;
    for (let b = this.firstBlock; b !== NONE; b = this.blockNext[b] as Block | -1) {
      for (let i = this.blockFirstInst[b]; i !== NONE; i = this.instNext[i]) n++;
    }
    return n;
  }

  /** A deep copy. Typed arrays are copied with `slice` (fast memcpy). */
  clone(): Function {
    const f = new Function();
    f.name = { ...this.name };
    f.signature = cloneSignature(this.signature);
    f.sigRefs = this.sigRefs.map((s) => (s ? cloneSignature(s) : undefined));
    f.funcRefs = this.funcRefs.map((r) => (r ? { ...r, name: { ...r.name } } : undefined));
    f.stackSlots = this.stackSlots.map((s) => (s ? { ...s } : undefined));
    f.dynamicStackSlots = this.dynamicStackSlots.map((s) => (s ? { ...s } : undefined));
    f.dynamicTypes = this.dynamicTypes.map((s) => (s ? { ...s } : undefined));
    f.globalValues = this.globalValues.map((g) => (g ? cloneGlobalValue(g) : undefined));
    f.memoryRegions = this.memoryRegions.map((r) => (r ? { ...r } : undefined));
    f.constants = this.constants.map((c) => c.slice());
    f.immediates = this.immediates.map((c) => c.slice());
    f.jumpTables = this.jumpTables.map((j) => ({ defaultCall: j.defaultCall, entries: j.entries.slice() }));
    f.exceptionTables = this.exceptionTables.map((e) => ({ signature: e.signature, normalReturn: e.normalReturn, items: e.items.map((it) => ({ ...it })) }));
    f.stackLimit = this.stackLimit;
    f.instCount = this.instCount;
    f.instOpcode = this.instOpcode.slice();
    f.instType = this.instType.slice();
    f.instArgOff = this.instArgOff.slice();
    f.instArgLen = this.instArgLen.slice();
    f.instResOff = this.instResOff.slice();
    f.instResLen = this.instResLen.slice();
    f.instImm0 = this.instImm0.slice();
    f.instImm1 = this.instImm1.slice();
    f.instImm2 = this.instImm2.slice();
    f.instSrcLoc = this.instSrcLoc.slice();
    f.instPrev = this.instPrev.slice();
    f.instNext = this.instNext.slice();
    f.instBlock = this.instBlock.slice();
    f.pool = this.pool.slice();
    f.poolLen = this.poolLen;
    f.valueCount = this.valueCount;
    f.valueType = this.valueType.slice();
    f.valueKind = this.valueKind.slice();
    f.valueDef = this.valueDef.slice();
    f.valueNum = this.valueNum.slice();
    f.blockCount = this.blockCount;
    f.blockExists = this.blockExists.slice();
    f.blockCold = this.blockCold.slice();
    f.blockParams = this.blockParams.map((p) => p.slice());
    f.blockPrev = this.blockPrev.slice();
    f.blockNext = this.blockNext.slice();
    f.blockInLayout = this.blockInLayout.slice();
    f.blockFirstInst = this.blockFirstInst.slice();
    f.blockLastInst = this.blockLastInst.slice();
    f.firstBlock = this.firstBlock;
    f.lastBlock = this.lastBlock;
    f.blockCallCount = this.blockCallCount;
    f.bcBlock = this.bcBlock.slice();
    f.bcArgOff = this.bcArgOff.slice();
    f.bcArgLen = this.bcArgLen.slice();
    f.bcArgCap = this.bcArgCap.slice();
    for (const [k, v] of this.debugTags) f.debugTags.set(k, v.map((t) => ({ ...t })));
    for (const [k, v] of this.userStackMaps) f.userStackMaps.set(k, v.map((t) => ({ ...t })));
    return f;
  }
}

function exceptionTableCalls(et: ExceptionTableData | undefined): BlockCall[] {
  if (!et) return [];
  const out = [et.normalReturn];
  for (const it of et.items) if (it.kind !== 'context') out.push(it.call);
  return out;
}

function cloneGlobalValue(g: GlobalValueData): GlobalValueData {
  if (g.kind === 'symbol') return { ...g, name: { ...g.name } };
  return { ...g };
}

function constantKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
