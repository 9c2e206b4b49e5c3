// Typed instruction constructors over the opcode table. Each appends to the
// builder's current block and returns the result value (or values / the
// instruction when there is none). Operand-controlled opcodes take their
// controlling type from the operand; explicit ones take it first
// (`iconst(I32, 5)`, `load(I64, flags, p, 8)`).
//
// Opcodes without a typed method go through `build(opcode, ctrl, args, imm)`
// or, for plain unary/binary/ternary ones, `unary('name', x)` etc.

import { type Block, type BlockArg, type FuncRef, type GlobalValue, type Inst, type SigRef, type StackSlot, type Value } from '../entities';
import type { BlockCall } from '../function';
import { ATOMIC_RMW_OPS, FloatCC, IntCC, type MemFlags, type TrapCode, parseFloatCC, parseIntCC } from '../immediates';
import * as O from '../opcodes';
import { OPCODES, type Opcode, opcodeByName } from '../opcodes';
import { INVALID, type Type, isValidType } from '../types';
import type { FunctionBuilder } from './builder';
import { BuilderError } from './errors';

/** Immediate slots of an instruction (see the README's "Immediates" table). */
export interface Imms {
  imm0?: number;
  imm1?: number;
  imm2?: number;
  imm64?: bigint;
}

const F32_BITS = new DataView(new ArrayBuffer(8));

function intCC(cc: IntCC | string): IntCC {
  if (typeof cc === 'number') return cc;
  const c = parseIntCC(cc);
  if (c === -1) throw new BuilderError('icmp', `unknown integer condition code \`${cc}\``);
  return c;
}

function floatCC(cc: FloatCC | string): FloatCC {
  if (typeof cc === 'number') return cc;
  const c = parseFloatCC(cc);
  if (c === -1) throw new BuilderError('fcmp', `unknown float condition code \`${cc}\``);
  return c;
}

export class InstBuilder {
  constructor(private readonly b: FunctionBuilder) {}

  /**
   * Any instruction: `args` are its value operands (callee first for indirect
   * calls); `ctrl` is the controlling type (ignored for operand-controlled
   * opcodes, which take it from the operand). Returns the instruction.
   */
  build(opcode: Opcode, ctrl: Type, args: readonly Value[], imm: Imms = {}): Inst {
    const f = this.b.func;
    const info = OPCODES[opcode];
    let t = ctrl;
    if (info.ctrl === 'operand') {
      const v = args[info.ctrlOperand];
      if (v === undefined) throw new BuilderError(info.name, `\`${info.name}\` needs operand ${info.ctrlOperand}`);
      t = f.valueTypeOf(f.resolveAliases(v));
    } else if (info.ctrl === 'none') {
      t = INVALID;
    } else if (!isValidType(t)) {
      throw new BuilderError(info.name, `\`${info.name}\` needs a controlling type (its first argument)`);
    }
    const fixed = O.FORMAT_FIXED_ARGS[info.format];
    if (fixed >= 0 && args.length !== fixed) {
      throw new BuilderError(info.name, `\`${info.name}\` takes ${fixed} value operand(s), got ${args.length}`);
    }
    const i = f.makeInst(opcode, t, args);
    if (imm.imm0 !== undefined) f.setImm0(i, imm.imm0);
    if (imm.imm64 !== undefined) f.setImm64(i, imm.imm64);
    if (imm.imm1 !== undefined) f.setImm1(i, imm.imm1);
    if (imm.imm2 !== undefined) f.setImm2(i, imm.imm2);
    this.b.appendInst(i);
    return i;
  }

  private one(opcode: Opcode, ctrl: Type, args: readonly Value[], imm?: Imms): Value {
    return this.b.func.firstResult(this.build(opcode, ctrl, args, imm));
  }

  private byName(name: string): Opcode {
    const op = opcodeByName(name);
    if (op === -1) throw new BuilderError(name, `unknown opcode \`${name}\``);
    return op;
  }

  /** A plain one-operand opcode by name (`unary('popcnt', x)`); `ctrl` for explicit-type ones. */
  unary(name: string, x: Value, ctrl: Type = INVALID): Value {
    return this.one(this.byName(name), ctrl, [x]);
  }

  binary(name: string, x: Value, y: Value, ctrl: Type = INVALID): Value {
    return this.one(this.byName(name), ctrl, [x, y]);
  }

  ternary(name: string, x: Value, y: Value, z: Value, ctrl: Type = INVALID): Value {
    return this.one(this.byName(name), ctrl, [x, y, z]);
  }

  // ---------------------------------------------------------------- constants

  iconst(t: Type, n: number | bigint): Value {
    return this.one(O.ICONST, t, [], { imm64: BigInt(n) });
  }

  f32const(x: number): Value {
    F32_BITS.setFloat32(0, x, true);
    return this.one(O.F32CONST, INVALID, [], { imm0: F32_BITS.getInt32(0, true) });
  }

  f64const(x: number): Value {
    F32_BITS.setFloat64(0, x, true);
    return this.one(O.F64CONST, INVALID, [], { imm64: F32_BITS.getBigInt64(0, true) });
  }

  /** Vector constant from little-endian bytes. */
  vconst(t: Type, bytes: Uint8Array): Value {
    return this.one(O.VCONST, t, [], { imm0: this.b.func.addConstant(bytes) });
  }

  // ---------------------------------------------------------------- arithmetic and logic

  iadd(x: Value, y: Value): Value { return this.one(O.IADD, INVALID, [x, y]); }
  isub(x: Value, y: Value): Value { return this.one(O.ISUB, INVALID, [x, y]); }
  imul(x: Value, y: Value): Value { return this.one(O.IMUL, INVALID, [x, y]); }
  udiv(x: Value, y: Value): Value { return this.one(O.UDIV, INVALID, [x, y]); }
  sdiv(x: Value, y: Value): Value { return this.one(O.SDIV, INVALID, [x, y]); }
  urem(x: Value, y: Value): Value { return this.one(O.UREM, INVALID, [x, y]); }
  srem(x: Value, y: Value): Value { return this.one(O.SREM, INVALID, [x, y]); }
  ineg(x: Value): Value { return this.one(O.INEG, INVALID, [x]); }
  band(x: Value, y: Value): Value { return this.one(O.BAND, INVALID, [x, y]); }
  bor(x: Value, y: Value): Value { return this.one(O.BOR, INVALID, [x, y]); }
  bxor(x: Value, y: Value): Value { return this.one(O.BXOR, INVALID, [x, y]); }
  bnot(x: Value): Value { return this.one(O.BNOT, INVALID, [x]); }
  ishl(x: Value, y: Value): Value { return this.one(O.ISHL, INVALID, [x, y]); }
  ushr(x: Value, y: Value): Value { return this.one(O.USHR, INVALID, [x, y]); }
  sshr(x: Value, y: Value): Value { return this.one(O.SSHR, INVALID, [x, y]); }
  rotl(x: Value, y: Value): Value { return this.one(O.ROTL, INVALID, [x, y]); }
  rotr(x: Value, y: Value): Value { return this.one(O.ROTR, INVALID, [x, y]); }
  clz(x: Value): Value { return this.one(O.CLZ, INVALID, [x]); }
  ctz(x: Value): Value { return this.one(O.CTZ, INVALID, [x]); }
  popcnt(x: Value): Value { return this.one(O.POPCNT, INVALID, [x]); }
  iadd_imm(x: Value, n: number | bigint): Value { return this.one(O.IADD_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  imul_imm(x: Value, n: number | bigint): Value { return this.one(O.IMUL_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  band_imm(x: Value, n: number | bigint): Value { return this.one(O.BAND_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  ishl_imm(x: Value, n: number | bigint): Value { return this.one(O.ISHL_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  ushr_imm(x: Value, n: number | bigint): Value { return this.one(O.USHR_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  sshr_imm(x: Value, n: number | bigint): Value { return this.one(O.SSHR_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  fadd(x: Value, y: Value): Value { return this.one(O.FADD, INVALID, [x, y]); }
  fsub(x: Value, y: Value): Value { return this.one(O.FSUB, INVALID, [x, y]); }
  fmul(x: Value, y: Value): Value { return this.one(O.FMUL, INVALID, [x, y]); }
  fdiv(x: Value, y: Value): Value { return this.one(O.FDIV, INVALID, [x, y]); }
  fneg(x: Value): Value { return this.one(O.FNEG, INVALID, [x]); }
  fabs(x: Value): Value { return this.one(O.FABS, INVALID, [x]); }
  sqrt(x: Value): Value { return this.one(O.SQRT, INVALID, [x]); }

  icmp(cc: IntCC | string, x: Value, y: Value): Value { return this.one(O.ICMP, INVALID, [x, y], { imm0: intCC(cc) }); }
  icmp_imm(cc: IntCC | string, x: Value, n: number | bigint): Value { return this.one(O.ICMP_IMM, INVALID, [x], { imm0: intCC(cc), imm64: BigInt(n) }); }
  fcmp(cc: FloatCC | string, x: Value, y: Value): Value { return this.one(O.FCMP, INVALID, [x, y], { imm0: floatCC(cc) }); }
  select(c: Value, x: Value, y: Value): Value { return this.one(O.SELECT, INVALID, [c, x, y]); }

  fmin(x: Value, y: Value): Value { return this.one(O.FMIN, INVALID, [x, y]); }
  fmax(x: Value, y: Value): Value { return this.one(O.FMAX, INVALID, [x, y]); }
  fcopysign(x: Value, y: Value): Value { return this.one(O.FCOPYSIGN, INVALID, [x, y]); }
  ceil(x: Value): Value { return this.one(O.CEIL, INVALID, [x]); }
  floor(x: Value): Value { return this.one(O.FLOOR, INVALID, [x]); }
  trunc(x: Value): Value { return this.one(O.TRUNC, INVALID, [x]); }
  nearest(x: Value): Value { return this.one(O.NEAREST, INVALID, [x]); }
  fma(x: Value, y: Value, z: Value): Value { return this.one(O.FMA, INVALID, [x, y, z]); }
  umulhi(x: Value, y: Value): Value { return this.one(O.UMULHI, INVALID, [x, y]); }
  smulhi(x: Value, y: Value): Value { return this.one(O.SMULHI, INVALID, [x, y]); }
  rotl_imm(x: Value, n: number | bigint): Value { return this.one(O.ROTL_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  rotr_imm(x: Value, n: number | bigint): Value { return this.one(O.ROTR_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  bor_imm(x: Value, n: number | bigint): Value { return this.one(O.BOR_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  bxor_imm(x: Value, n: number | bigint): Value { return this.one(O.BXOR_IMM, INVALID, [x], { imm64: BigInt(n) }); }
  select_spectre_guard(c: Value, x: Value, y: Value): Value { return this.one(O.SELECT_SPECTRE_GUARD, INVALID, [c, x, y]); }
  /** x + y, trapping with `code` on unsigned overflow. */
  uadd_overflow_trap(x: Value, y: Value, code: TrapCode): Value { return this.one(O.UADD_OVERFLOW_TRAP, INVALID, [x, y], { imm0: code }); }

  // ---------------------------------------------------------------- conversions

  uextend(t: Type, x: Value): Value { return this.one(O.UEXTEND, t, [x]); }
  sextend(t: Type, x: Value): Value { return this.one(O.SEXTEND, t, [x]); }
  ireduce(t: Type, x: Value): Value { return this.one(O.IREDUCE, t, [x]); }
  fpromote(t: Type, x: Value): Value { return this.one(O.FPROMOTE, t, [x]); }
  fdemote(t: Type, x: Value): Value { return this.one(O.FDEMOTE, t, [x]); }
  fcvt_to_sint(t: Type, x: Value): Value { return this.one(O.FCVT_TO_SINT, t, [x]); }
  fcvt_to_uint(t: Type, x: Value): Value { return this.one(O.FCVT_TO_UINT, t, [x]); }
  fcvt_from_sint(t: Type, x: Value): Value { return this.one(O.FCVT_FROM_SINT, t, [x]); }
  fcvt_from_uint(t: Type, x: Value): Value { return this.one(O.FCVT_FROM_UINT, t, [x]); }
  bitcast(t: Type, flags: MemFlags, x: Value): Value { return this.one(O.BITCAST, t, [x], { imm0: flags }); }
  splat(t: Type, x: Value): Value { return this.one(O.SPLAT, t, [x]); }
  extractlane(x: Value, lane: number): Value { return this.one(O.EXTRACTLANE, INVALID, [x], { imm0: lane }); }
  insertlane(x: Value, y: Value, lane: number): Value { return this.one(O.INSERTLANE, INVALID, [x, y], { imm0: lane }); }

  fcvt_to_sint_sat(t: Type, x: Value): Value { return this.one(O.FCVT_TO_SINT_SAT, t, [x]); }
  fcvt_to_uint_sat(t: Type, x: Value): Value { return this.one(O.FCVT_TO_UINT_SAT, t, [x]); }
  bmask(t: Type, x: Value): Value { return this.one(O.BMASK, t, [x]); }

  // ---------------------------------------------------------------- memory

  load(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.LOAD, t, [addr], { imm0: flags, imm1: offset }); }
  store(flags: MemFlags, x: Value, addr: Value, offset = 0): Inst { return this.build(O.STORE, INVALID, [x, addr], { imm0: flags, imm1: offset }); }
  uload8(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.ULOAD8, t, [addr], { imm0: flags, imm1: offset }); }
  sload8(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.SLOAD8, t, [addr], { imm0: flags, imm1: offset }); }
  uload16(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.ULOAD16, t, [addr], { imm0: flags, imm1: offset }); }
  sload16(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.SLOAD16, t, [addr], { imm0: flags, imm1: offset }); }
  uload32(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.ULOAD32, t, [addr], { imm0: flags, imm1: offset }); }
  sload32(t: Type, flags: MemFlags, addr: Value, offset = 0): Value { return this.one(O.SLOAD32, t, [addr], { imm0: flags, imm1: offset }); }
  istore8(flags: MemFlags, x: Value, addr: Value, offset = 0): Inst { return this.build(O.ISTORE8, INVALID, [x, addr], { imm0: flags, imm1: offset }); }
  istore16(flags: MemFlags, x: Value, addr: Value, offset = 0): Inst { return this.build(O.ISTORE16, INVALID, [x, addr], { imm0: flags, imm1: offset }); }
  istore32(flags: MemFlags, x: Value, addr: Value, offset = 0): Inst { return this.build(O.ISTORE32, INVALID, [x, addr], { imm0: flags, imm1: offset }); }
  stack_load(t: Type, slot: StackSlot, offset = 0): Value { return this.one(O.STACK_LOAD, t, [], { imm0: slot, imm1: offset }); }
  stack_store(x: Value, slot: StackSlot, offset = 0): Inst { return this.build(O.STACK_STORE, INVALID, [x], { imm0: slot, imm1: offset }); }
  stack_addr(t: Type, slot: StackSlot, offset = 0): Value { return this.one(O.STACK_ADDR, t, [], { imm0: slot, imm1: offset }); }
  global_value(t: Type, gv: GlobalValue): Value { return this.one(O.GLOBAL_VALUE, t, [], { imm0: gv }); }
  symbol_value(t: Type, gv: GlobalValue): Value { return this.one(O.SYMBOL_VALUE, t, [], { imm0: gv }); }
  func_addr(t: Type, fn: FuncRef): Value { return this.one(O.FUNC_ADDR, t, [], { imm0: fn }); }

  atomic_load(t: Type, flags: MemFlags, addr: Value): Value { return this.one(O.ATOMIC_LOAD, t, [addr], { imm0: flags }); }
  atomic_store(flags: MemFlags, x: Value, addr: Value): Inst { return this.build(O.ATOMIC_STORE, INVALID, [x, addr], { imm0: flags }); }
  /** `op` is an index into ATOMIC_RMW_OPS or its name (`add`, `xchg`, ...). */
  atomic_rmw(t: Type, flags: MemFlags, op: number | string, addr: Value, x: Value): Value {
    const code = typeof op === 'number' ? op : (ATOMIC_RMW_OPS as readonly string[]).indexOf(op);
    if (code < 0) throw new BuilderError('atomic_rmw', `unknown atomic operation \`${op}\``);
    return this.one(O.ATOMIC_RMW, t, [addr, x], { imm0: flags, imm1: code });
  }
  atomic_cas(flags: MemFlags, addr: Value, expected: Value, replacement: Value): Value {
    return this.one(O.ATOMIC_CAS, INVALID, [addr, expected, replacement], { imm0: flags });
  }
  fence(): Inst { return this.build(O.FENCE, INVALID, []); }

  // ---------------------------------------------------------------- control flow

  private call_(block: Block, args: readonly BlockArg[]): BlockCall {
    return this.b.func.makeBlockCall(block, args);
  }

  jump(block: Block, args: readonly Value[] = []): Inst {
    return this.build(O.JUMP, INVALID, [], { imm0: this.call_(block, args) });
  }

  brif(c: Value, then: Block, thenArgs: readonly Value[], els: Block, elseArgs: readonly Value[] = []): Inst {
    return this.build(O.BRIF, INVALID, [c], { imm0: this.call_(then, thenArgs), imm1: this.call_(els, elseArgs) });
  }

  /** `br_table index, default(args), [entries...]`; entries are blocks or [block, args]. */
  br_table(index: Value, def: Block, defArgs: readonly Value[], entries: readonly (Block | readonly [Block, readonly Value[]])[]): Inst {
    const f = this.b.func;
    const jt = f.addJumpTable({
      defaultCall: this.call_(def, defArgs),
      entries: entries.map((e) => (typeof e === 'number' ? this.call_(e, []) : this.call_(e[0], e[1]))),
    });
    return this.build(O.BR_TABLE, INVALID, [index], { imm0: jt });
  }

  return(values: readonly Value[] = []): Inst {
    return this.build(O.RETURN, INVALID, values);
  }

  trap(code: TrapCode): Inst { return this.build(O.TRAP, INVALID, [], { imm0: code }); }
  trapz(x: Value, code: TrapCode): Inst { return this.build(O.TRAPZ, INVALID, [x], { imm0: code }); }
  trapnz(x: Value, code: TrapCode): Inst { return this.build(O.TRAPNZ, INVALID, [x], { imm0: code }); }

  /** Direct call; returns the results. */
  call(fn: FuncRef, args: readonly Value[]): Value[] {
    return this.b.func.instResults(this.build(O.CALL, INVALID, args, { imm0: fn }));
  }

  call_indirect(sig: SigRef, callee: Value, args: readonly Value[]): Value[] {
    return this.b.func.instResults(this.build(O.CALL_INDIRECT, INVALID, [callee, ...args], { imm0: sig }));
  }

  return_call(fn: FuncRef, args: readonly Value[]): Inst {
    return this.build(O.RETURN_CALL, INVALID, args, { imm0: fn });
  }

  return_call_indirect(sig: SigRef, callee: Value, args: readonly Value[]): Inst {
    return this.build(O.RETURN_CALL_INDIRECT, INVALID, [callee, ...args], { imm0: sig });
  }

  nop(): Inst { return this.build(O.NOP, INVALID, []); }
}
