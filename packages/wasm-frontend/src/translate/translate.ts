/**
 * Translation of one function body into IR, operator by operator (Cranelift's wasm frontend
 * design): the wasm operand stack becomes SSA values, locals become builder variables, each
 * control frame gets an IR block for its continuation (and a header block for loops).
 * Everything runtime-specific goes through the `FuncEnvironment`.
 */
import {
  BAND,
  BITCAST,
  BOR,
  BXOR,
  CEIL,
  CLZ,
  CTZ,
  ENDIAN_LITTLE,
  F32,
  F32CONST,
  F64,
  F64CONST,
  FABS,
  FADD,
  FCMP,
  FCOPYSIGN,
  FCVT_FROM_SINT,
  FCVT_FROM_UINT,
  FCVT_TO_SINT,
  FCVT_TO_SINT_SAT,
  FCVT_TO_UINT,
  FCVT_TO_UINT_SAT,
  FDEMOTE,
  FDIV,
  FLOOR,
  FMAX,
  FMIN,
  FMUL,
  FNEG,
  FPROMOTE,
  FSUB,
  FloatCC,
  Function,
  I16,
  I32,
  I64,
  I8,
  IADD,
  ICMP,
  IMUL,
  INVALID,
  IREDUCE,
  ISHL,
  ISTORE16,
  ISTORE32,
  ISTORE8,
  IntCC,
  LOAD,
  MEMFLAGS_DEFAULT,
  NEAREST,
  POPCNT,
  RETURN,
  ROTL,
  ROTR,
  SDIV,
  SELECT,
  SEXTEND,
  SLOAD16,
  SLOAD32,
  SLOAD8,
  SQRT,
  SREM,
  SSHR,
  STORE,
  TRAP,
  TRUNC,
  UDIV,
  UEXTEND,
  ULOAD16,
  ULOAD32,
  ULOAD8,
  UREM,
  USHR,
  ISUB,
  VCONST,
  memWithEndianness,
  type Block,
  type Opcode,
  type Type,
  type Value,
} from '@windlass/ir';
import { WasmError, WasmUnsupportedError } from '../errors';
import { OP_FC, OP_FD, OperatorReader } from '../operators';
import { ByteReader } from '../reader';
import { blockSignature } from '../validate';
import type { FunctionBody, Module, ValType } from '../types';
import { HEAP_FLAGS, I8X16, irType, type FuncEnvironment } from './environ';
import { SsaBuilder, type Variable } from './ssa';
import { translateSimd } from './simd';
import { TRAP_UNREACHABLE } from './trapcodes';

const enum FrameKind {
  Block,
  Loop,
  If,
  Else,
  Func,
}

interface Frame {
  kind: FrameKind;
  /** Continuation after `end` (block parameters = results). */
  next: Block;
  /** Loop header (branch target of a loop). */
  header: Block;
  /** `else` block of an `if`. */
  elseBlock: Block;
  params: ValType[];
  results: ValType[];
  /** Operand stack height below the frame's parameters. */
  height: number;
  /** Parameter values at an `if`, restored for its `else`. */
  paramValues: Value[];
  /** Pushed while the code was unreachable: nothing of it is translated. */
  dead: boolean;
}

export const VECTOR_FLAGS = memWithEndianness(MEMFLAGS_DEFAULT, ENDIAN_LITTLE);

const INT_BIN: Opcode[] = [IADD, ISUB, IMUL, SDIV, UDIV, SREM, UREM, BAND, BOR, BXOR, ISHL, SSHR, USHR, ROTL, ROTR];
const INT_CMP: IntCC[] = [IntCC.Eq, IntCC.Ne, IntCC.Slt, IntCC.Ult, IntCC.Sgt, IntCC.Ugt, IntCC.Sle, IntCC.Ule, IntCC.Sge, IntCC.Uge];
const FLOAT_CMP: FloatCC[] = [FloatCC.Eq, FloatCC.Ne, FloatCC.Lt, FloatCC.Gt, FloatCC.Le, FloatCC.Ge];
const FLOAT_UN: Opcode[] = [FABS, FNEG, CEIL, FLOOR, TRUNC, NEAREST, SQRT];
const FLOAT_BIN: Opcode[] = [FADD, FSUB, FMUL, FDIV, FMIN, FMAX, FCOPYSIGN];

/** [opcode, result type, access bytes] of the scalar loads 0x28..0x35. */
const LOADS: [Opcode, Type, number][] = [
  [LOAD, I32, 4],
  [LOAD, I64, 8],
  [LOAD, F32, 4],
  [LOAD, F64, 8],
  [SLOAD8, I32, 1],
  [ULOAD8, I32, 1],
  [SLOAD16, I32, 2],
  [ULOAD16, I32, 2],
  [SLOAD8, I64, 1],
  [ULOAD8, I64, 1],
  [SLOAD16, I64, 2],
  [ULOAD16, I64, 2],
  [SLOAD32, I64, 4],
  [ULOAD32, I64, 4],
];
/** [opcode, access bytes] of the scalar stores 0x36..0x3e. */
const STORES: [Opcode, number][] = [
  [STORE, 4],
  [STORE, 8],
  [STORE, 4],
  [STORE, 8],
  [ISTORE8, 1],
  [ISTORE16, 2],
  [ISTORE8, 1],
  [ISTORE16, 2],
  [ISTORE32, 4],
];
/** [opcode, result type] of the conversions 0xa7..0xbf. */
const CONVERSIONS: [Opcode, Type][] = [
  [IREDUCE, I32],
  [FCVT_TO_SINT, I32],
  [FCVT_TO_UINT, I32],
  [FCVT_TO_SINT, I32],
  [FCVT_TO_UINT, I32],
  [SEXTEND, I64],
  [UEXTEND, I64],
  [FCVT_TO_SINT, I64],
  [FCVT_TO_UINT, I64],
  [FCVT_TO_SINT, I64],
  [FCVT_TO_UINT, I64],
  [FCVT_FROM_SINT, F32],
  [FCVT_FROM_UINT, F32],
  [FCVT_FROM_SINT, F32],
  [FCVT_FROM_UINT, F32],
  [FDEMOTE, F32],
  [FCVT_FROM_SINT, F64],
  [FCVT_FROM_UINT, F64],
  [FCVT_FROM_SINT, F64],
  [FCVT_FROM_UINT, F64],
  [FPROMOTE, F64],
  [BITCAST, I32],
  [BITCAST, I64],
  [BITCAST, F32],
  [BITCAST, F64],
];
const SAT_CONVERSIONS: [Opcode, Type][] = [
  [FCVT_TO_SINT_SAT, I32],
  [FCVT_TO_UINT_SAT, I32],
  [FCVT_TO_SINT_SAT, I32],
  [FCVT_TO_UINT_SAT, I32],
  [FCVT_TO_SINT_SAT, I64],
  [FCVT_TO_UINT_SAT, I64],
  [FCVT_TO_SINT_SAT, I64],
  [FCVT_TO_UINT_SAT, I64],
];

export class FunctionTranslator {
  readonly m: Module;
  readonly env: FuncEnvironment;
  readonly b: SsaBuilder;
  readonly f: Function;
  readonly ops: OperatorReader;
  vmctx!: Value;
  readonly stack: Value[] = [];
  private readonly frames: Frame[] = [];
  private locals: Variable[] = [];
  private localTypes: ValType[] = [];
  reachable = true;
  readonly funcIndex: number;

  constructor(m: Module, defIndex: number, env: FuncEnvironment) {
    this.m = m;
    this.env = env;
    this.funcIndex = m.numImportedFuncs + defIndex;
    const f = new Function();
    f.name = env.functionName(this.funcIndex);
    f.signature = env.signature(m.funcTypes[this.funcIndex]);
    const body = m.bodies[defIndex];
    // sql.js-like code yields ~0.75 IR instructions per body byte: sizing the tables once up front
    // saves a dozen typed-array doublings per table, which dominated translating small functions.
    const size = body.end - body.codeStart;
    f.reserve(size + 16, size + 16, (size >> 3) + 4);
    this.f = f;
    this.b = new SsaBuilder(f);
    const r = new ByteReader(m.bytes, body.codeStart, body.end);
    r.section = 10;
    r.func = this.funcIndex;
    this.ops = new OperatorReader(r, m.features?.multiMemory);
  }

  unsupported(what: string): never {
    throw new WasmUnsupportedError(what, { offset: this.ops.opPos, section: 10, func: this.funcIndex });
  }

  // ------------------------------------------------------------------ stack helpers

  pop(): Value {
    return this.stack.pop()!;
  }

  popN(n: number): Value[] {
    return this.stack.splice(this.stack.length - n, n);
  }

  push(v: Value): void {
    this.stack.push(v);
  }

  /** `v` as IR type `t` (vectors are reinterpreted between lane shapes). */
  as(v: Value, t: Type): Value {
    if (this.f.valueTypeOf(v) === t) return v;
    return this.b.ins1(BITCAST, [v], t, VECTOR_FLAGS);
  }

  /** Values as they cross block, call and variable boundaries (v128 as i8x16). */
  canonical(vals: Value[], types: readonly ValType[]): Value[] {
    return vals.map((v, i) => (types[i] === 0x7b ? this.as(v, I8X16) : v));
  }

  private blockWithParams(types: readonly ValType[]): Block {
    const blk = this.b.createBlock();
    for (const t of types) this.b.appendBlockParam(blk, irType(t));
    return blk;
  }

  // ------------------------------------------------------------------ driver

  translate(): Function {
    const b = this.b;
    const m = this.m;
    const type = m.types[m.funcTypes[this.funcIndex]];
    const entry = b.createBlock();
    this.vmctx = b.appendBlockParam(entry, I64);
    const params = type.params.map((t) => b.appendBlockParam(entry, irType(t)));
    b.switchToBlock(entry);
    b.sealBlock(entry);
    this.env.prologue?.(b, this.vmctx);
    const body = m.bodies[this.funcIndex - m.numImportedFuncs];
    type.params.forEach((t, i) => this.declareLocal(t, params[i]));
    for (let g = 0; g < body.localCounts.length; g++) {
      const t = body.localTypes[g];
      const n = body.localCounts[g];
      if (n > 50_000) throw new WasmUnsupportedError(`${n} locals in one declaration`, { offset: localDeclOffset(m.bytes, body, g), section: 10, func: this.funcIndex });
      for (let k = 0; k < n; k++) this.declareLocal(t, this.zero(t));
    }
    const ret = this.blockWithParams(type.results);
    this.frames.push(this.frame(FrameKind.Func, ret, [], type.results, 0));
    const ops = this.ops;
    while (this.frames.length > 0) {
      const op = ops.read();
      // Every instruction of this operator carries its byte offset: the address map of an
      // artifact turns machine-code offsets back into wasm offsets (traps, backtraces).
      b.srcloc = ops.opPos;
      this.operator(op);
    }
    return this.b.finish();
  }

  private declareLocal(t: ValType, init: Value): void {
    const v = this.b.declareVar(irType(t));
    this.locals.push(v);
    this.localTypes.push(t);
    this.b.defVar(v, init);
  }

  zero(t: ValType | number): Value {
    const b = this.b;
    switch (t) {
      case 0x7f:
        return b.iconst(I32, 0);
      case 0x7d:
        return b.ins1(F32CONST, [], F32);
      case 0x7c:
        return b.ins1(F64CONST, [], F64);
      case 0x7b:
        return b.ins1(VCONST, [], I8X16, this.f.addConstant(new Uint8Array(16)));
      default:
        return b.iconst(I64, 0, 0);
    }
  }

  private frame(kind: FrameKind, next: Block, params: ValType[], results: ValType[], height: number): Frame {
    return { kind, next, header: next, elseBlock: next, params, results, height, paramValues: [], dead: false };
  }

  private deadFrame(): Frame {
    const f = this.frame(FrameKind.Block, 0 as Block, [], [], this.stack.length);
    f.dead = true;
    return f;
  }

  private blockType(bt: number): [ValType[], ValType[]] {
    return blockSignature(this.m, bt)!;
  }

  // ------------------------------------------------------------------ control flow

  private control(op: number): boolean {
    const b = this.b;
    const ops = this.ops;
    switch (op) {
      case 0x02: {
        if (!this.reachable) return this.frames.push(this.deadFrame()) > 0;
        const [p, r] = this.blockType(ops.a);
        this.frames.push(this.frame(FrameKind.Block, this.blockWithParams(r), p, r, this.stack.length - p.length));
        return true;
      }
      case 0x03: {
        if (!this.reachable) return this.frames.push(this.deadFrame()) > 0;
        const [p, r] = this.blockType(ops.a);
        const header = this.blockWithParams(p);
        const next = this.blockWithParams(r);
        const args = this.canonical(this.popN(p.length), p);
        b.jump(header, args);
        b.switchToBlock(header);
        const fr = this.frame(FrameKind.Loop, next, p, r, this.stack.length);
        fr.header = header;
        this.frames.push(fr);
        for (const v of this.f.blockParamsOf(header)) this.push(v);
        return true;
      }
      case 0x04: {
        if (!this.reachable) return this.frames.push(this.deadFrame()) > 0;
        const [p, r] = this.blockType(ops.a);
        const cond = this.pop();
        const thenB = b.createBlock();
        const elseB = b.createBlock();
        const next = this.blockWithParams(r);
        const fr = this.frame(FrameKind.If, next, p, r, this.stack.length - p.length);
        fr.elseBlock = elseB;
        fr.paramValues = this.stack.slice(this.stack.length - p.length);
        b.brif(cond, thenB, [], elseB, []);
        b.sealBlock(thenB);
        b.sealBlock(elseB);
        b.switchToBlock(thenB);
        this.frames.push(fr);
        return true;
      }
      case 0x05: {
        const fr = this.frames[this.frames.length - 1];
        if (fr.dead) return true;
        if (this.reachable) b.jump(fr.next, this.canonical(this.popN(fr.results.length), fr.results));
        fr.kind = FrameKind.Else;
        this.stack.length = fr.height;
        for (const v of fr.paramValues) this.push(v);
        b.switchToBlock(fr.elseBlock);
        this.reachable = true;
        return true;
      }
      case 0x0b:
        this.end();
        return true;
      case 0x0c: {
        if (!this.reachable) return true;
        this.branch(ops.a);
        this.reachable = false;
        return true;
      }
      case 0x0d: {
        if (!this.reachable) return true;
        const cond = this.pop();
        const [target, types] = this.target(ops.a);
        const args = this.canonical(this.stack.slice(this.stack.length - types.length), types);
        const cont = b.createBlock();
        b.brif(cond, target, args, cont, []);
        b.sealBlock(cont);
        b.switchToBlock(cont);
        return true;
      }
      case 0x0e: {
        if (!this.reachable) return true;
        this.brTable();
        this.reachable = false;
        return true;
      }
      case 0x0f: {
        if (!this.reachable) return true;
        const results = this.frames[0].results;
        b.terminate(RETURN, this.canonical(this.popN(results.length), results));
        this.reachable = false;
        return true;
      }
      case 0x00:
        if (!this.reachable) return true;
        b.terminate(TRAP, [], TRAP_UNREACHABLE);
        this.reachable = false;
        return true;
    }
    return false;
  }

  /** Branch target block of relative depth `depth`, and the types it takes. */
  private target(depth: number): [Block, ValType[]] {
    const fr = this.frames[this.frames.length - 1 - depth];
    return fr.kind === FrameKind.Loop ? [fr.header, fr.params] : [fr.next, fr.results];
  }

  private branch(depth: number): void {
    const [target, types] = this.target(depth);
    this.b.jump(target, this.canonical(this.stack.slice(this.stack.length - types.length), types));
  }

  private brTable(): void {
    const b = this.b;
    const ops = this.ops;
    const index = this.pop();
    // Jump-table entries carry no arguments: each distinct depth gets a landing block that
    // passes the operands on.
    const landing = new Map<number, Block>();
    const land = (d: number): Block => {
      let blk = landing.get(d);
      if (blk === undefined) landing.set(d, (blk = b.createBlock()));
      return blk;
    };
    const targets = ops.targets.slice(0, ops.a);
    const def = ops.b;
    b.brTable(index, land(def), targets.map(land));
    for (const [d, blk] of landing) {
      b.sealBlock(blk);
      b.switchToBlock(blk);
      this.branch(d);
    }
  }

  private end(): void {
    const b = this.b;
    const fr = this.frames.pop()!;
    if (fr.dead) return;
    if (this.reachable) b.jump(fr.next, this.canonical(this.popN(fr.results.length), fr.results));
    if (fr.kind === FrameKind.If) {
      // An `if` without `else`: the false edge carries the parameters straight through.
      b.switchToBlock(fr.elseBlock);
      b.jump(fr.next, this.canonical(fr.paramValues.slice(), fr.params));
    }
    if (fr.kind === FrameKind.Loop) b.sealBlock(fr.header);
    this.stack.length = fr.height;
    // Every predecessor of the continuation is known now.
    b.sealBlock(fr.next);
    if (!b.hasPredecessors(fr.next)) {
      this.reachable = false;
      return;
    }
    b.switchToBlock(fr.next);
    this.reachable = true;
    const vals = this.f.blockParamsOf(fr.next);
    if (fr.kind === FrameKind.Func) {
      b.terminate(RETURN, vals.slice());
      this.reachable = false;
      return;
    }
    for (const v of vals) this.push(v);
  }

  // ------------------------------------------------------------------ operators

  operator(op: number): void {
    if (this.control(op)) return;
    if (!this.reachable) return;
    const b = this.b;
    const ops = this.ops;
    if (op >= 0x45 && op <= 0xc4) return this.numeric(op);
    if (op >= 0x28 && op <= 0x35) {
      const [iop, t, size] = LOADS[op - 0x28];
      const addr = this.env.heapAddr(b, this.vmctx, ops.mem, this.pop(), ops.b, size);
      this.push(b.ins1(iop, [addr], t, HEAP_FLAGS, 0));
      return;
    }
    if (op >= 0x36 && op <= 0x3e) {
      const [iop, size] = STORES[op - 0x36];
      const v = this.pop();
      const addr = this.env.heapAddr(b, this.vmctx, ops.mem, this.pop(), ops.b, size);
      b.ins(iop, [v, addr], INVALID, HEAP_FLAGS, 0);
      return;
    }
    if (op >= OP_FD) return translateSimd(this, op);
    if (op >= OP_FC) return this.prefixed(op - OP_FC);
    this.misc(op);
  }

  private misc(op: number): void {
    const b = this.b;
    const ops = this.ops;
    const env = this.env;
    switch (op) {
      case 0x01:
        return;
      case 0x10: {
        const t = this.m.types[this.m.funcTypes[ops.a]];
        const args = this.canonical(this.popN(t.params.length), t.params);
        for (const v of env.callDirect(b, this.vmctx, ops.a, args)) this.push(v);
        return;
      }
      case 0x11: {
        const t = this.m.types[ops.a];
        const callee = this.pop();
        const args = this.canonical(this.popN(t.params.length), t.params);
        for (const v of env.callIndirect(b, this.vmctx, ops.b, ops.a, callee, args)) this.push(v);
        return;
      }
      case 0x1a:
        this.pop();
        return;
      case 0x1b:
      case 0x1c: {
        const c = this.pop();
        let y = this.pop();
        let x = this.pop();
        const tx = this.f.valueTypeOf(x);
        if (tx !== this.f.valueTypeOf(y)) {
          x = this.as(x, I8X16);
          y = this.as(y, I8X16);
        }
        this.push(b.ins1(SELECT, [c, x, y]));
        return;
      }
      case 0x20:
        this.push(b.useVar(this.locals[ops.a]));
        return;
      case 0x21:
      case 0x22: {
        let v = this.pop();
        if (this.localTypes[ops.a] === 0x7b) v = this.as(v, I8X16);
        b.defVar(this.locals[ops.a], v);
        if (op === 0x22) this.push(v);
        return;
      }
      case 0x23:
        this.push(env.globalGet(b, this.vmctx, ops.a));
        return;
      case 0x24: {
        const v = this.canonical([this.pop()], [this.m.globals[ops.a].type])[0];
        env.globalSet(b, this.vmctx, ops.a, v);
        return;
      }
      case 0x25:
        this.push(env.tableGet(b, this.vmctx, ops.a, this.pop()));
        return;
      case 0x26: {
        const v = this.pop();
        env.tableSet(b, this.vmctx, ops.a, this.pop(), v);
        return;
      }
      case 0x3f:
        this.push(env.memorySize(b, this.vmctx, ops.mem));
        return;
      case 0x40:
        this.push(env.memoryGrow(b, this.vmctx, ops.mem, this.pop()));
        return;
      case 0x41:
        this.push(b.iconst(I32, ops.a));
        return;
      case 0x42: {
        const v = ops.i64();
        this.push(b.iconst(I64, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))));
        return;
      }
      case 0x43:
        this.push(b.ins1(F32CONST, [], F32, ops.a));
        return;
      case 0x44: {
        const bytes = ops.immBytes(8);
        const lo = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
        const hi = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
        this.push(b.insImm64(F64CONST, [], lo, hi, F64));
        return;
      }
      case 0xd0:
        this.push(b.iconst(I64, 0, 0));
        return;
      case 0xd1: {
        const z = b.iconst(I64, 0, 0);
        this.push(this.bool(b.ins1(ICMP, [this.pop(), z], INVALID, IntCC.Eq)));
        return;
      }
      case 0xd2:
        this.push(env.refFunc(b, this.vmctx, ops.a));
        return;
    }
    this.unsupported(`operator 0x${op.toString(16)}`);
  }

  /** An `i8` truth value as wasm's i32 0 / 1. */
  bool(v: Value): Value {
    return this.b.ins1(UEXTEND, [v], I32);
  }

  private numeric(op: number): void {
    const b = this.b;
    if (op === 0x45 || op === 0x50) {
      const x = this.pop();
      const z = op === 0x45 ? b.iconst(I32, 0) : b.iconst(I64, 0, 0);
      this.push(this.bool(b.ins1(ICMP, [x, z], INVALID, IntCC.Eq)));
      return;
    }
    if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x5a)) {
      const cc = INT_CMP[op <= 0x4f ? op - 0x46 : op - 0x51];
      const y = this.pop();
      const x = this.pop();
      this.push(this.bool(b.ins1(ICMP, [x, y], INVALID, cc)));
      return;
    }
    if (op >= 0x5b && op <= 0x66) {
      const cc = FLOAT_CMP[op <= 0x60 ? op - 0x5b : op - 0x61];
      const y = this.pop();
      const x = this.pop();
      this.push(this.bool(b.ins1(FCMP, [x, y], INVALID, cc)));
      return;
    }
    if ((op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)) {
      const k = op <= 0x69 ? op - 0x67 : op - 0x79;
      this.push(b.ins1([CLZ, CTZ, POPCNT][k], [this.pop()]));
      return;
    }
    if ((op >= 0x6a && op <= 0x78) || (op >= 0x7c && op <= 0x8a)) {
      const iop = INT_BIN[op <= 0x78 ? op - 0x6a : op - 0x7c];
      const y = this.pop();
      const x = this.pop();
      this.push(b.ins1(iop, [x, y]));
      return;
    }
    if ((op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f)) {
      this.push(b.ins1(FLOAT_UN[op <= 0x91 ? op - 0x8b : op - 0x99], [this.pop()]));
      return;
    }
    if ((op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6)) {
      const fop = FLOAT_BIN[op <= 0x98 ? op - 0x92 : op - 0xa0];
      const y = this.pop();
      const x = this.pop();
      this.push(b.ins1(fop, [x, y]));
      return;
    }
    if (op >= 0xa7 && op <= 0xbf) {
      const [cop, t] = CONVERSIONS[op - 0xa7];
      this.push(b.ins1(cop, [this.pop()], t, cop === BITCAST ? MEMFLAGS_DEFAULT : 0));
      return;
    }
    // Sign extension within a type: 0xc0..0xc4.
    const [narrow, wide] = [
      [I8, I32],
      [I16, I32],
      [I8, I64],
      [I16, I64],
      [I32, I64],
    ][op - 0xc0] as [Type, Type];
    const x = b.ins1(IREDUCE, [this.pop()], narrow);
    this.push(b.ins1(SEXTEND, [x], wide));
  }

  private prefixed(sub: number): void {
    const b = this.b;
    const ops = this.ops;
    const env = this.env;
    const vm = this.vmctx;
    if (sub <= 7) {
      const [cop, t] = SAT_CONVERSIONS[sub];
      this.push(b.ins1(cop, [this.pop()], t));
      return;
    }
    const i32 = (n: number): Value => b.iconst(I32, n);
    switch (sub) {
      case 8: {
        const [d, s, n] = this.popN(3);
        env.libcall(b, 'wasm_memory_init', [vm, i32(ops.mem), i32(ops.a), d, s, n]);
        return;
      }
      case 9:
        env.libcall(b, 'wasm_data_drop', [vm, i32(ops.a)]);
        return;
      case 10: {
        const [d, s, n] = this.popN(3);
        env.libcall(b, 'wasm_memory_copy', [vm, i32(ops.mem), i32(ops.mem2), d, s, n]);
        return;
      }
      case 11: {
        const [d, v, n] = this.popN(3);
        env.libcall(b, 'wasm_memory_fill', [vm, i32(ops.mem), d, v, n]);
        return;
      }
      case 12: {
        const [d, s, n] = this.popN(3);
        env.libcall(b, 'wasm_table_init', [vm, i32(ops.b), i32(ops.a), d, s, n]);
        return;
      }
      case 13:
        env.libcall(b, 'wasm_elem_drop', [vm, i32(ops.a)]);
        return;
      case 14: {
        const [d, s, n] = this.popN(3);
        env.libcall(b, 'wasm_table_copy', [vm, i32(ops.a), i32(ops.b), d, s, n]);
        return;
      }
      case 15: {
        const [init, n] = this.popN(2);
        this.push(env.libcall(b, 'wasm_table_grow', [vm, i32(ops.a), init, n])[0]);
        return;
      }
      case 16:
        this.push(env.tableSize(b, vm, ops.a));
        return;
      case 17: {
        const [d, v, n] = this.popN(3);
        env.libcall(b, 'wasm_table_fill', [vm, i32(ops.a), d, v, n]);
        return;
      }
    }
    this.unsupported(`operator 0xfc ${sub}`);
  }
}

/**
 * Translates module-defined function `defIndex` (0 = first non-imported) of a validated module
 * into IR. Throws only `WasmError`s: `unsupported` for what Windlass cannot translate, with rule
 * "internal translation error" for a bug or a resource limit (e.g. JS stack depth on absurdly
 * long block chains), so callers never see an untyped exception.
 */
export function translateFunction(m: Module, defIndex: number, env: FuncEnvironment): Function {
  const t = new FunctionTranslator(m, defIndex, env);
  try {
    return t.translate();
  } catch (e) {
    if (e instanceof WasmError) throw e;
    throw new WasmUnsupportedError(
      'internal translation error',
      { offset: t.ops.opPos, section: 10, func: t.funcIndex },
      e instanceof Error ? e.message : String(e),
    );
  }
}

/** Byte offset of the `g`-th local declaration (count, type) of a body, for errors about it. */
function localDeclOffset(bytes: Uint8Array, body: FunctionBody, g: number): number {
  const r = new ByteReader(bytes, body.start, body.end);
  r.u32(); // the number of declarations
  for (let j = 0; j < g; j++) {
    r.u32();
    r.u8(); // a value type is one byte
  }
  return r.pos;
}
