// The IR verifier. It runs in phases, as Cranelift's does, so that one broken
// invariant does not bury the report under its consequences:
//
//   1. preamble: signatures, global values, memory regions, entry block
//   2. layout: every block non-empty, exactly one terminator, at its end
//      (later phases need a well-formed CFG, so errors here stop verification)
//   3. per instruction: entity references, then operand/result types,
//      immediates, branch arguments, calls and returns
//   4. SSA: every use dominated by its definition (uses in unreachable blocks
//      are not checked, as in Cranelift)

import { type Block, type Inst, type Value, NONE, blockArgIndex, blockArgKind } from '../entities';
import { type Function, ValueKind } from '../function';
import { ENDIAN_NATIVE, FLOAT_CC_NAMES, INT_CC_NAMES, MEMFLAGS_DEFAULT, MEM_READONLY, memEndianness, memRegion, memWithEndianness } from '../immediates';
import { FORMAT_FIXED_ARGS, Format, OPCODES, type Opcode, opcodeByName } from '../opcodes';
import type { Signature } from '../signature';
import { resolveTypeDesc } from '../typing';
import { INVALID, type Type, I64, bits, bytes, isInt, isValidType, isVector, laneCount, typeName } from '../types';
import { printedEntities } from '../analysis/print';
import type { SourceLines } from '../analysis/source-lines';
import { type BlockDominance, releaseDominance, takeDominance } from './dominance';
import { type VerifierRule, VerificationFailed, VerifierError } from './errors';
import { type VerifyContext, checkEntryBlock, checkGlobalValues, checkMemoryRegions, checkSignature, globalValueType } from './preamble';
import { inTypeSet, wildcardOperandOk } from './type-rules';

export interface VerifierOptions {
  /**
   * The target's pointer type. When given, addresses and global-value bases
   * must have it; without it only their being i32/i64 is checked.
   */
  pointerType?: Type;
  /** Entity source lines (from `sourceLines`), to put lines on errors. */
  lines?: SourceLines;
}

const op = (name: string) => opcodeByName(name) as Opcode;
const RETURN_CALL = op('return_call');
const RETURN_CALL_INDIRECT = op('return_call_indirect');
const SEQUENCE_POINT = op('sequence_point');
const BITCAST = op('bitcast');
const VCONST = op('vconst');
const GLOBAL_VALUE = op('global_value');
const SYMBOL_VALUE = op('symbol_value');
const TLS_VALUE = op('tls_value');
const INSERTLANE = op('insertlane');
const EXTRACTLANE = op('extractlane');

/** Narrow memory accesses: the smallest scalar integer they extend to / truncate from (Cranelift's iExt8/16/32). */
const EXT_MEM_MIN_BITS = new Map<number, number>([
  ...['uload8', 'sload8', 'istore8'].map((n) => [op(n), 16] as [number, number]),
  ...['uload16', 'sload16', 'istore16'].map((n) => [op(n), 32] as [number, number]),
  ...['uload32', 'sload32', 'istore32'].map((n) => [op(n), 64] as [number, number]),
]);

/**
 * Whether the 64-bit immediate (lo, hi halves) fits `width` bits read either
 * as unsigned or as signed (the reader keeps negative literals sign-extended).
 * Plain numbers: this runs for every `iconst`.
 */
function immFits(lo: number, hi: number, width: number): boolean {
  if (width >= 64) return true;
  if (hi === 0) return width === 32 || lo >>> 0 < 2 ** width;
  if (hi === -1) return lo < 0 && (width === 32 || lo >= -(2 ** (width - 1)));
  return false;
}

/** Calling conventions that can unwind to a `try_call` handler (two pointer-sized payloads). */
const EXCEPTION_CONVS = new Set(['tail', 'system_v', 'apple_aarch64', 'winch', 'preserve_all']);

function funcName(f: Function): string {
  return f.name.kind === 'testcase' ? `%${f.name.name}` : `u${f.name.namespace}:${f.name.index}`;
}

function sigsEqual(a: Signature, b: Signature): boolean {
  const same = (x: Signature['params'], y: Signature['params']) =>
    x.length === y.length && x.every((p, k) => p.type === y[k].type && p.extension === y[k].extension && p.purpose === y[k].purpose);
  return a.callConv === b.callConv && same(a.params, b.params) && same(a.returns, b.returns);
}

class Verifier implements VerifyContext {
  readonly errors: VerifierError[] = [];
  /** Branch destinations of the instruction being checked (see `destinations`). */
  private readonly dests: number[] = [];
  private texts: Map<string, string> | undefined;
  readonly ptr: Type;
  readonly pointerKnown: boolean;

  constructor(readonly f: Function, private readonly opts: VerifierOptions) {
    this.ptr = opts.pointerType ?? I64;
    this.pointerKnown = opts.pointerType !== undefined;
  }

  private text(inst: Inst): string {
    if (!this.texts) {
      try {
        this.texts = printedEntities(this.f);
      } catch {
        // The writer may refuse IR this broken; the error still names the instruction.
        this.texts = new Map();
      }
    }
    return this.texts.get(`inst${inst}`) ?? `inst${inst}`;
  }

  report(entity: string, rule: VerifierRule, reason: string): void {
    const inst = entity.startsWith('inst') ? Number(entity.slice(4)) : -1;
    this.errors.push(new VerifierError(funcName(this.f), entity, inst, inst >= 0 ? this.text(inst as Inst) : '', rule, reason, this.opts.lines?.get(entity)));
  }

  /** `report` about instruction `inst` (its entity name is only built for an error). */
  private reportInst(inst: number, rule: VerifierRule, reason: string): void {
    this.report(`inst${inst}`, rule, reason);
  }

  private ty(t: Type): string {
    return typeName(t);
  }

  run(): void {
    checkSignature(this, this.f.signature, 'function');
    for (let s = 0; s < this.f.sigRefs.length; s++) {
      const sig = this.f.sigRefs[s];
      if (sig) checkSignature(this, sig, `sig${s}`);
    }
    const gvOk = checkGlobalValues(this);
    checkMemoryRegions(this);
    checkEntryBlock(this);
    if (!gvOk || !this.checkLayout()) return;
    const dt = takeDominance();
    try {
      dt.compute(this.f);
      const f = this.f;
      for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
        const reachable = dt.isReachable(b);
        for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
          if (!this.checkReferences(i as Inst)) continue;
          this.checkTypes(i as Inst);
          this.checkImmediates(i as Inst);
          this.checkBranches(i as Inst);
          this.checkCall(i as Inst);
          if (reachable) this.checkDominance(i as Inst, b as Block, dt);
        }
      }
    } finally {
      releaseDominance(dt);
    }
  }

  /** Terminators; false when the block structure is broken. */
  private checkLayout(): boolean {
    const f = this.f;
    let ok = true;
    for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
      const first = f.blockFirstInst[b];
      if (first === NONE) {
        this.report(`block${b}`, 'layout', `block${b} cannot be empty`);
        ok = false;
        continue;
      }
      for (let i = first; i !== NONE; i = f.instNext[i]) {
        const term = OPCODES[f.instOpcode[i]].isTerminator;
        if (term && f.instNext[i] !== NONE) {
          this.report(`inst${i}`, 'layout', `a terminator instruction was encountered before the end of block${b}`);
          ok = false;
          break;
        }
        if (!term && f.instNext[i] === NONE) {
          this.report(`inst${i}`, 'layout', `block${b} does not end in a terminator instruction`);
          ok = false;
        }
      }
    }
    return ok;
  }

  // ------------------------------------------------------------ entity references

  /** Defined, and not an alias chain that loops or ends nowhere. */
  private validValue(v: number): boolean {
    const f = this.f;
    let r = v;
    for (let guard = 0; r >= 0 && r < f.valueCount && f.valueKind[r] === ValueKind.Alias; guard++) {
      if (guard > f.valueCount) return false;
      r = f.valueDef[r];
    }
    if (r < 0 || r >= f.valueCount) return false;
    return f.valueKind[r] === ValueKind.Result || f.valueKind[r] === ValueKind.Param;
  }

  /** Every referenced entity exists; false skips the instruction's other checks. */
  private checkReferences(inst: Inst): boolean {
    const f = this.f;
    const e = inst;
    const info = OPCODES[f.instOpcode[inst]];
    let ok = true;
    const fixed = FORMAT_FIXED_ARGS[info.format];
    const n = f.instArgLen[inst];
    if (fixed >= 0 ? n !== fixed : n < info.operands.length) {
      this.reportInst(e, 'entity-reference', `\`${info.name}\` has ${n} value operand(s), expected ${fixed >= 0 ? fixed : `at least ${info.operands.length}`}`);
      ok = false;
    }
    const off = f.instArgOff[inst];
    for (let k = 0; k < n; k++) {
      const v = f.pool[off + k];
      if (!this.validValue(v)) {
        this.reportInst(e, 'entity-reference', `invalid value reference v${v}`);
        ok = false;
      }
    }
    const imm0 = f.instImm0[inst];
    switch (info.format) {
      case Format.StackLoad: case Format.StackStore:
        if (!f.stackSlots[imm0]) ok = this.badRef(e, 'stack slot', `ss${imm0}`);
        break;
      case Format.DynamicStackLoad: case Format.DynamicStackStore:
        if (!f.dynamicStackSlots[imm0]) ok = this.badRef(e, 'dynamic stack slot', `dss${imm0}`);
        break;
      case Format.UnaryGlobalValue:
        if (!f.globalValues[imm0]) ok = this.badRef(e, 'global value', `gv${imm0}`);
        break;
      case Format.FuncAddr: case Format.Call: case Format.TryCall:
        if (!f.funcRefs[imm0]) ok = this.badRef(e, 'function', `fn${imm0}`);
        else if (!f.sigRefs[f.funcRefs[imm0]!.signature]) ok = this.badRef(e, 'signature', `sig${f.funcRefs[imm0]!.signature}`);
        if (info.format === Format.TryCall && !f.exceptionTables[f.instImm1[inst]]) ok = this.badRef(e, 'exception table', `extable${f.instImm1[inst]}`);
        break;
      case Format.CallIndirect:
        if (!f.sigRefs[imm0]) ok = this.badRef(e, 'signature', `sig${imm0}`);
        break;
      case Format.TryCallIndirect:
        if (!f.exceptionTables[imm0]) ok = this.badRef(e, 'exception table', `extable${imm0}`);
        break;
      case Format.UnaryConst:
        if (!f.constants[imm0]) ok = this.badRef(e, 'constant', `const${imm0}`);
        break;
      case Format.BranchTable:
        if (!f.jumpTables[imm0]) ok = this.badRef(e, 'jump table', `jt${imm0}`);
        break;
      case Format.Shuffle:
        if (!f.immediates[imm0]) ok = this.badRef(e, 'shuffle', 'mask');
        break;
      case Format.ExceptionHandlerAddress:
        if (!f.isBlockDefined(imm0 as Block) || !f.isBlockInLayout(imm0 as Block)) ok = this.badRef(e, 'block', `block${imm0}`);
        break;
      default:
        break;
    }
    const nd = this.destinations(inst);
    for (let d = 0; d < nd; d++) {
      const bc = this.dests[d];
      const b = f.bcBlock[bc];
      if (!f.isBlockDefined(b as Block) || !f.isBlockInLayout(b as Block)) ok = this.badRef(e, 'block', `block${b}`);
      else if (b === f.firstBlock) {
        // As in Cranelift: the entry block's parameters are the function's arguments, so no branch may target it.
        this.reportInst(e, 'entity-reference', `invalid reference to entry block block${b}`);
        ok = false;
      }
      const aoff = f.bcArgOff[bc];
      for (let k = 0; k < f.bcArgLen[bc]; k++) {
        const a = f.pool[aoff + k];
        if (a >= 0 && !this.validValue(a)) {
          this.reportInst(e, 'entity-reference', `invalid value reference v${a}`);
          ok = false;
        }
      }
    }
    return ok;
  }

  private badRef(inst: number, kind: string, name: string): false {
    this.reportInst(inst, 'entity-reference', `invalid ${kind} reference ${name}`);
    return false;
  }

  /**
   * Puts the branch destinations of `inst` (`Function.branchDestinations`; none when its
   * table is missing) into `dests` and returns how many there are.
   */
  private destinations(inst: Inst): number {
    const f = this.f;
    const info = OPCODES[f.instOpcode[inst]];
    if (!info.isBranch) return 0;
    const out = this.dests;
    switch (info.format) {
      case Format.Jump:
        out[0] = f.instImm0[inst];
        return 1;
      case Format.Brif:
        out[0] = f.instImm0[inst];
        out[1] = f.instImm1[inst];
        return 2;
      case Format.BranchTable: {
        const jt = f.jumpTables[f.instImm0[inst]];
        if (!jt) return 0;
        out[0] = jt.defaultCall;
        for (let k = 0; k < jt.entries.length; k++) out[k + 1] = jt.entries[k];
        return jt.entries.length + 1;
      }
      case Format.TryCall: case Format.TryCallIndirect: {
        const et = f.exceptionTables[info.format === Format.TryCall ? f.instImm1[inst] : f.instImm0[inst]];
        if (!et) return 0;
        let n = 0;
        out[n++] = et.normalReturn;
        for (const it of et.items) if (it.kind !== 'context') out[n++] = it.call;
        return n;
      }
      default:
        return 0;
    }
  }

  // ------------------------------------------------------------ types

  private valueTy(v: number): Type {
    return this.f.valueType[this.f.resolveAliases(v as Value)] as Type;
  }

  private checkTypes(inst: Inst): void {
    const f = this.f;
    const e = inst;
    const opc = f.instOpcode[inst] as Opcode;
    const info = OPCODES[opc];
    const ctrl = this.ctrlTypeOf(inst);
    if (info.ctrl !== 'none') {
      if (!isValidType(ctrl)) {
        this.reportInst(e, 'operand-type', `\`${info.name}\` has no controlling type`);
        return;
      }
      if (!inTypeSet(info.ctrlTypes, ctrl)) {
        if (info.ctrl === 'operand' && info.ctrlOperand < f.instArgLen[inst]) {
          const v = f.pool[f.instArgOff[inst] + info.ctrlOperand];
          this.reportInst(e, 'operand-type', `arg ${info.ctrlOperand} (v${v}) with type ${this.ty(ctrl)} failed to satisfy type set`);
        } else {
          this.reportInst(e, 'operand-type', `has an invalid controlling type ${this.ty(ctrl)}`);
        }
        return;
      }
      const minBits = EXT_MEM_MIN_BITS.get(opc);
      if (minBits !== undefined && (isVector(ctrl) || bits(ctrl) < minBits || bits(ctrl) > 64)) {
        this.reportInst(e, 'operand-type', `\`${info.name}\` needs a scalar integer type of ${minBits} to 64 bits, not ${this.ty(ctrl)}`);
        return;
      }
    }
    // Fixed operands (calls and returns are checked against signatures elsewhere).
    const fixed = info.operands.length;
    const off = f.instArgOff[inst];
    for (let k = 0; k < fixed && k < f.instArgLen[inst]; k++) {
      const desc = info.operands[k];
      const v = f.pool[off + k];
      const t = this.valueTy(v);
      if (desc === 'A') {
        if (!(isInt(t) && !isVector(t) && (bits(t) === 32 || bits(t) === 64))) {
          this.reportInst(e, 'operand-type', `arg ${k} (v${v}) has type ${this.ty(t)}, expected an address (i32 or i64)`);
        } else if (this.pointerKnown && t !== this.ptr) {
          this.reportInst(e, 'operand-type', `invalid pointer width (got ${bits(t)}, expected ${bits(this.ptr)}) encountered v${v}`);
        }
        continue;
      }
      if (desc === 'I' || desc === '*') {
        if (!wildcardOperandOk(opc, desc, ctrl, t)) {
          this.reportInst(e, 'operand-type', `arg ${k} (v${v}) with type ${this.ty(t)} failed to satisfy type set`);
        }
        continue;
      }
      const want = resolveTypeDesc(desc, ctrl);
      if (want !== INVALID && t !== want) {
        this.reportInst(e, 'operand-type', `arg ${k} (v${v}) has type ${this.ty(t)}, expected ${this.ty(want)}`);
      }
    }
    if (opc === BITCAST) this.checkBitcast(inst, ctrl);
    // Results.
    if (info.results === 'sig') return; // checkCall
    const res = f.instResLen[inst];
    if (res !== info.results.length) {
      this.reportInst(e, 'result-type', `has ${res} result(s), expected ${info.results.length}`);
      return;
    }
    const roff = f.instResOff[inst];
    for (let k = 0; k < res; k++) {
      const want = resolveTypeDesc(info.results[k], ctrl);
      const v = f.pool[roff + k];
      if (want !== INVALID && f.valueType[v] !== want) {
        this.reportInst(e, 'result-type', `result ${k} (v${v}) has type ${this.ty(f.valueType[v] as Type)}, expected ${this.ty(want)}`);
      }
    }
  }

  /**
   * The controlling type: for operand-controlled opcodes the operand's type
   * (a `.type` suffix on them is only a parsing hint, as in Cranelift).
   */
  private ctrlTypeOf(inst: Inst): Type {
    const f = this.f;
    const info = OPCODES[f.instOpcode[inst]];
    if (info.ctrl === 'operand' && info.ctrlOperand < f.instArgLen[inst]) return this.valueTy(f.pool[f.instArgOff[inst] + info.ctrlOperand]);
    return f.instType[inst] as Type;
  }

  private checkBitcast(inst: Inst, ctrl: Type): void {
    const f = this.f;
    const e = inst;
    const v = f.pool[f.instArgOff[inst]];
    const t = this.valueTy(v);
    if (bits(t) !== bits(ctrl)) {
      this.reportInst(e, 'operand-type', `The bitcast argument v${v} has a type of ${bits(t)} bits, which doesn't match an expected type of ${bits(ctrl)} bits`);
    }
    const flags = f.instImm0[inst];
    if (memWithEndianness(flags, ENDIAN_NATIVE) !== MEMFLAGS_DEFAULT) {
      this.reportInst(e, 'memory-flags', 'The bitcast instruction only accepts the `big` or `little` memory flags');
    } else if (laneCount(t) !== laneCount(ctrl) && memEndianness(flags) === ENDIAN_NATIVE) {
      this.reportInst(e, 'memory-flags', 'Byte order specifier required for bitcast instruction changing lane count');
    }
  }

  // ------------------------------------------------------------ immediates

  private checkImmediates(inst: Inst): void {
    const f = this.f;
    const e = inst;
    const opc = f.instOpcode[inst] as Opcode;
    const info = OPCODES[opc];
    const ctrl = this.ctrlTypeOf(inst);
    const imm0 = f.instImm0[inst];
    switch (info.format) {
      case Format.UnaryConst: {
        const size = f.constants[imm0].length;
        const want = opc === VCONST ? bytes(ctrl) : 16;
        if (size !== want) this.reportInst(e, 'immediate', `The instruction expects const${imm0} to have a size of ${want} bytes but it has ${size}`);
        break;
      }
      case Format.UnaryImm:
        if (!immFits(f.instImm1[inst], f.instImm2[inst], bits(ctrl))) {
          this.reportInst(e, 'immediate', `constant immediate ${f.imm64(inst)} is out of bounds for ${this.ty(ctrl)}`);
        }
        break;
      case Format.Shuffle: {
        const mask = f.immediates[imm0];
        for (const x of mask) {
          if (x > 31) {
            this.reportInst(e, 'immediate', `shuffle immediate index ${x} is larger than the maximum 31`);
            break;
          }
        }
        break;
      }
      case Format.IntCompare: case Format.IntCompareImm:
        if (imm0 < 0 || imm0 >= INT_CC_NAMES.length) this.reportInst(e, 'immediate', `invalid integer condition code ${imm0}`);
        break;
      case Format.FloatCompare:
        if (imm0 < 0 || imm0 >= FLOAT_CC_NAMES.length) this.reportInst(e, 'immediate', `invalid float condition code ${imm0}`);
        break;
      case Format.BinaryImm8: case Format.TernaryImm8:
        if ((opc === INSERTLANE || opc === EXTRACTLANE) && (imm0 < 0 || imm0 >= laneCount(ctrl))) {
          this.reportInst(e, 'immediate', `The lane ${imm0} does not index into the type ${this.ty(ctrl)}`);
        }
        break;
      case Format.UnaryGlobalValue:
        if (opc === GLOBAL_VALUE || opc === SYMBOL_VALUE || opc === TLS_VALUE) {
          const d = f.globalValues[imm0]!;
          const gt = globalValueType(this, imm0);
          const known = d.kind === 'load' || d.kind === 'iadd_imm' || this.pointerKnown;
          if (known && gt !== ctrl) {
            this.reportInst(e, 'global-value', `global_value instruction with type ${this.ty(ctrl)} references global value with type ${this.ty(gt)}`);
          }
        }
        break;
      case Format.Load: case Format.LoadNoOffset: case Format.Store: case Format.StoreNoOffset:
      case Format.AtomicRmw: case Format.AtomicCas: {
        if (opc === BITCAST) break;
        const r = memRegion(imm0);
        if (r >= 0 && !f.memoryRegions[r]) this.reportInst(e, 'memory-flags', `undefined alias region region${r}`);
        if ((info.format === Format.Store || info.format === Format.StoreNoOffset) && imm0 & MEM_READONLY) {
          this.reportInst(e, 'memory-flags', 'A store instruction cannot have the `readonly` MemFlag');
        }
        break;
      }
      case Format.ExceptionHandlerAddress: {
        const idx = f.imm64(inst);
        const last = f.blockLastInst[imm0];
        const lastFmt = last === NONE ? -1 : OPCODES[f.instOpcode[last]].format;
        if (idx < 0n) this.reportInst(e, 'exceptions', `exception handler index ${idx} cannot be negative`);
        else if (lastFmt !== Format.TryCall && lastFmt !== Format.TryCallIndirect) {
          this.reportInst(e, 'exceptions', `referenced block block${imm0} does not end in a try_call`);
        } else {
          const et = f.exceptionTables[lastFmt === Format.TryCall ? f.instImm1[last] : f.instImm0[last]];
          const handlers = et ? et.items.filter((it) => it.kind !== 'context').length : 0;
          if (idx >= BigInt(handlers)) this.reportInst(e, 'exceptions', `exception handler index ${idx} is out-of-range`);
        }
        break;
      }
      default:
        break;
    }
    if (f.debugTags.size > 0 && f.debugTags.has(inst) && !info.isCall && opc !== SEQUENCE_POINT) {
      this.reportInst(e, 'debug-tags', 'debug tags present on non-call, non-sequence point instruction');
    }
  }

  // ------------------------------------------------------------ branches

  private checkBranches(inst: Inst): void {
    const f = this.f;
    const e = inst;
    const info = OPCODES[f.instOpcode[inst]];
    if (!info.isBranch) return;
    const isTry = info.format === Format.TryCall || info.format === Format.TryCallIndirect;
    let callSig: Signature | undefined;
    let payloads: Type[] = [];
    if (isTry) {
      callSig = this.tryCallSignature(inst);
      const callee = this.calleeSignature(inst);
      if (callee && !EXCEPTION_CONVS.has(callee.callConv)) {
        this.reportInst(e, 'exceptions', `calling convention \`${callee.callConv}\` of callee does not support exceptions`);
      } else if (callee) {
        payloads = [this.ptr, this.ptr];
      }
    }
    const nd = this.destinations(inst);
    for (let k = 0; k < nd; k++) {
      const bc = this.dests[k];
      const b = f.bcBlock[bc];
      if (!f.isBlockDefined(b as Block)) continue;
      const params = f.blockParams[b];
      const off = f.bcArgOff[bc];
      const n = f.bcArgLen[bc];
      const normal = isTry && k === 0;
      if (n !== params.length) {
        this.reportInst(e, 'branch-args', `mismatched argument count for \`${this.text(inst)}\`: got ${n}, expected ${params.length}`);
        continue;
      }
      for (let j = 0; j < n; j++) {
        const a = f.pool[off + j];
        const want = f.valueType[params[j]] as Type;
        const kind = blockArgKind(a);
        let got: Type;
        if (kind === 'value') got = this.valueTy(a);
        else if (!isTry || (kind === 'ret') !== normal) {
          this.reportInst(e, 'exceptions', `\`${kind}N\` block argument used outside normal-return target of \`try_call\``);
          continue;
        } else {
          const list = kind === 'ret' ? (callSig?.returns.map((p) => p.type) ?? []) : payloads;
          const idx = blockArgIndex(a);
          if (idx >= list.length) {
            this.reportInst(e, 'exceptions', `out-of-bounds \`${kind}N\` block argument`);
            continue;
          }
          got = list[idx];
        }
        if (got !== want) {
          const name = kind === 'value' ? `v${a}` : `${kind}${blockArgIndex(a)}`;
          this.reportInst(e, 'branch-args', `arg ${name} has type ${this.ty(got)}, expected ${this.ty(want)}`);
        }
      }
    }
  }

  /** The signature a try_call's exception table declares. */
  private tryCallSignature(inst: Inst): Signature | undefined {
    const f = this.f;
    const fmt = OPCODES[f.instOpcode[inst]].format;
    const et = f.exceptionTables[fmt === Format.TryCall ? f.instImm1[inst] : f.instImm0[inst]];
    return et ? f.sigRefs[et.signature] : undefined;
  }

  /** The signature of the called function (for try_call: the function reference's). */
  private calleeSignature(inst: Inst): Signature | undefined {
    const f = this.f;
    switch (OPCODES[f.instOpcode[inst]].format) {
      case Format.Call: case Format.TryCall: return f.sigRefs[f.funcRefs[f.instImm0[inst]]?.signature ?? -1];
      case Format.CallIndirect: return f.sigRefs[f.instImm0[inst]];
      case Format.TryCallIndirect: return this.tryCallSignature(inst);
      default: return undefined;
    }
  }

  // ------------------------------------------------------------ calls and returns

  private checkCall(inst: Inst): void {
    const f = this.f;
    const e = inst;
    const opc = f.instOpcode[inst] as Opcode;
    const info = OPCODES[opc];
    if (info.format === Format.MultiAry && info.isReturn) {
      this.checkReturnArgs(inst);
      return;
    }
    const fmt = info.format;
    if (fmt !== Format.Call && fmt !== Format.CallIndirect && fmt !== Format.TryCall && fmt !== Format.TryCallIndirect) return;
    const callee = this.calleeSignature(inst);
    if (!callee) return;
    const indirect = fmt === Format.CallIndirect || fmt === Format.TryCallIndirect;
    let sig = callee;
    if (fmt === Format.TryCall) {
      const et = f.exceptionTables[f.instImm1[inst]];
      const etSig = this.tryCallSignature(inst);
      if (etSig && !sigsEqual(etSig, callee)) {
        this.reportInst(e, 'exceptions', `exception table signature sig${et.signature} did not match function fn${f.instImm0[inst]}'s signature sig${f.funcRefs[f.instImm0[inst]]!.signature}`);
      }
      if (etSig) sig = etSig;
    }
    const skip = indirect ? Math.min(1, f.instArgLen[inst]) : 0;
    const argOff = f.instArgOff[inst] + skip;
    const argLen = f.instArgLen[inst] - skip;
    if (argLen !== sig.params.length) {
      this.reportInst(e, 'call', `mismatched argument count for \`${this.text(inst)}\`: got ${argLen}, expected ${sig.params.length}`);
    } else {
      for (let k = 0; k < argLen; k++) {
        const v = f.pool[argOff + k];
        const t = this.valueTy(v);
        if (t !== sig.params[k].type) this.reportInst(e, 'call', `arg ${k} (v${v}) has type ${this.ty(t)}, expected ${this.ty(sig.params[k].type)}`);
      }
    }
    if (fmt === Format.Call) {
      const fr = f.funcRefs[f.instImm0[inst]]!;
      if (fr.patchable) {
        if (!fr.colocated) this.reportInst(e, 'call', 'patchable call to non-colocated function');
        if (sig.returns.length > 0) this.reportInst(e, 'call', 'patchable call cannot occur to a function with return values');
      }
    }
    if (opc === RETURN_CALL || opc === RETURN_CALL_INDIRECT) {
      if (sig.callConv !== 'tail') this.reportInst(e, 'tail-call', `calling convention \`${sig.callConv}\` does not support tail calls`);
      if (sig.callConv !== f.signature.callConv) this.reportInst(e, 'tail-call', "callee's calling convention must match caller");
      this.checkReturnValues(inst, sig.returns.map((p) => p.type), 'results of callee must match caller');
      return;
    }
    if (info.results !== 'sig') return;
    const res = f.instResults(inst);
    if (res.length !== sig.returns.length) {
      this.reportInst(e, 'call', `has ${res.length} result(s), the signature returns ${sig.returns.length}`);
      return;
    }
    res.forEach((v, k) => {
      if (f.valueType[v] !== sig.returns[k].type) {
        this.reportInst(e, 'call', `result ${k} (v${v}) has type ${this.ty(f.valueType[v] as Type)}, expected ${this.ty(sig.returns[k].type)}`);
      }
    });
  }

  /** A `return`'s operands against the function's signature (`checkReturnValues` without arrays). */
  private checkReturnArgs(inst: Inst): void {
    const f = this.f;
    const want = f.signature.returns;
    const off = f.instArgOff[inst];
    const n = f.instArgLen[inst];
    if (n !== want.length) {
      this.reportInst(inst, 'return', 'arguments of return must match function signature');
      return;
    }
    for (let k = 0; k < n; k++) {
      const t = this.valueTy(f.pool[off + k]);
      if (t !== want[k].type) this.reportInst(inst, 'return', `result ${k} has type ${this.ty(t)}, must match function signature of ${this.ty(want[k].type)}`);
    }
  }

  private checkReturnValues(inst: Inst, types: Type[], countMessage: string): void {
    const want = this.f.signature.returns;
    const rule: VerifierRule = OPCODES[this.f.instOpcode[inst]].isCall ? 'tail-call' : 'return';
    if (types.length !== want.length) {
      this.reportInst(inst, rule, countMessage);
      return;
    }
    types.forEach((t, k) => {
      if (t !== want[k].type) this.reportInst(inst, rule, `result ${k} has type ${this.ty(t)}, must match function signature of ${this.ty(want[k].type)}`);
    });
  }

  // ------------------------------------------------------------ SSA dominance

  private checkDominance(inst: Inst, block: Block, dt: BlockDominance): void {
    const f = this.f;
    const off = f.instArgOff[inst];
    for (let k = 0; k < f.instArgLen[inst]; k++) this.checkUse(inst, block, f.pool[off + k], dt);
    const info = OPCODES[f.instOpcode[inst]];
    if (!info.isBranch) return;
    const nd = this.destinations(inst);
    for (let d = 0; d < nd; d++) {
      const bc = this.dests[d];
      const aoff = f.bcArgOff[bc];
      for (let k = 0; k < f.bcArgLen[bc]; k++) {
        const a = f.pool[aoff + k];
        if (a >= 0) this.checkUse(inst, block, a, dt);
      }
    }
  }

  private checkUse(inst: Inst, block: Block, v: number, dt: BlockDominance): void {
    const f = this.f;
    const r = f.resolveAliases(v as Value);
    const def = f.valueDef[r];
    const e = inst;
    if (f.valueKind[r] === ValueKind.Result) {
      if (def === inst) this.reportInst(e, 'ssa-dominance', `uses value v${v} from itself`);
      else if (f.instBlock[def] === NONE) this.reportInst(e, 'ssa-dominance', `uses value v${v} from inst${def}, which is not in the layout`);
      else if (!dt.instDominates(def, inst)) this.reportInst(e, 'ssa-dominance', `uses value v${v} from non-dominating inst${def}`);
    } else if (f.valueKind[r] === ValueKind.Param) {
      if (!f.isBlockInLayout(def as Block)) this.reportInst(e, 'ssa-dominance', `uses value v${v} from block${def}, which is not in the layout`);
      else if (!dt.dominates(def as Block, block)) this.reportInst(e, 'ssa-dominance', `uses value arg from non-dominating block${def}`);
    }
  }
}

/** Every error in `func` (empty when it is well formed). */
export function verifyFunction(func: Function, opts: VerifierOptions = {}): VerifierError[] {
  const v = new Verifier(func, opts);
  v.run();
  return v.errors;
}

/** Throws `VerificationFailed` (listing every error) unless `func` verifies. */
export function assertVerified(func: Function, opts: VerifierOptions = {}): void {
  const errors = verifyFunction(func, opts);
  if (errors.length > 0) throw new VerificationFailed(errors);
}
