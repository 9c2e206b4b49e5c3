// Per-function lowering state of the x86-64 backend and the helpers its rules share: virtual
// registers in MInst fields, operand roles for the allocator, immediates, addressing modes,
// out-of-line trap stubs and stack-slot addresses fixed up after frame layout.

import {
  type Function, type Inst, type Opcode, type Type, type Value,
  F32, F64, I128, I16, I32, I64, I8, LOAD, bytes, isInt, typeName, memTrapCode, memEndianness, ENDIAN_BIG,
} from '@windlass/ir';
import {
  ConstantTable, type LowerCtx, type PoolConstant, StackSlotArea, type TrapStub, TrapStubs, UnsupportedError,
} from '@windlass/codegen';
import { Constraint, OperandKind as RAKind, OperandPos } from '@windlass/regalloc';
import { IADD } from '@windlass/ir';
import { rdi } from '../inst';
import type { ArgAreaFacts } from '../abi/frame';
import { planArgArea } from '../abi/sysv';
import { amIndex, amLabel, lea as leaInst, nop as nopInst } from '../inst';
import {
  type Amode, type MInst, type OperandSize, AluOp, NO_REG, OperandKind, type PReg, RegClass, amBase,
  aluRM, getReg, isPhysical, movAbs, movImm, movRR, rsp, visitOperands, type RegField,
} from '../inst';

/** MInst register fields hold PRegs below 32; a virtual register v is written as v + VREG_BASE. */
export const VREG_BASE = 32;

/** Allocation facts an instruction adds to its register fields. */
export interface X64Extra {
  /** vregs feeding the instruction's Mod register fields, in `visitOperands` order. */
  tied?: number[];
  /** The one vreg feeding the instruction's single Mod register field (without a `tied` array). */
  tie?: number;
  /** (vreg, preg) pairs: values read in fixed registers. */
  fixedUses?: number[];
  /** (vreg, preg) pairs: values defined in fixed registers. */
  fixedDefs?: number[];
  /** Registers overwritten without a def. */
  clobbers?: readonly number[];
  /** The fixed defs are written before the uses are read (pseudo-instruction loops). */
  earlyFixedDefs?: boolean;
  /** A try_call (the block's terminator): its successors' edge-block labels (see lower/exceptions.ts). */
  tryCall?: TryCallSite;
}

/** The labels a try_call's call instruction records for emission. */
export interface TryCallSite {
  /** Edge block of the normal return (the call falls through or jumps there). */
  readonly normal: number;
  /** Handlers in table order: the tag (null: `default`) and the landing pad's label. */
  readonly handlers: readonly { readonly tag: number | null; readonly label: number }[];
}

/**
 * Pseudo-instructions expanded at emission (after allocation), for sequences with internal
 * control flow the allocator must see as one instruction. They use MInst op numbers above the
 * encoder's.
 */
export const PseudoOp = {
  /**
   * Atomic read-modify-write loop: `rax <- [src]; L: dst <- rax op src2; lock cmpxchg [src], dst;
   * jne L`; the old value ends in rax. `sub` = ATOMIC_RMW_OPS index, `size` the access size.
   */
  AtomicRmwLoop: 200,
  /** Binds `label` here (a label inside one IR instruction's code, jumped to without register changes). */
  BindLabel: 201,
  /**
   * 128-bit atomic read-modify-write loop (`lock cmpxchg16b`): `rdx:rax <- [mem]; L: rcx:rbx <-
   * rdx:rax op src2:src; lock cmpxchg16b [mem]; jne L`; the old value ends in rdx:rax. `sub` =
   * ATOMIC_RMW_OPS index (xchg also implements atomic_store). Operands: `mem` base, `src` (low)
   * and `src2` (high) are uses; the X64Extra's fixedDefs (rax, rdx, rbx, rcx) are early defs.
   */
  AtomicRmwLoop128: 202,
  /**
   * `stack_switch` (basic model): saves rsp, rbp and a resume address into the context at `src`,
   * loads them from the context at `src2` and jumps; the payload travels in rdi both ways. `src`
   * and `src2` are uses; the X64Extra's fixedUses (payload, rdi) and fixedDefs (result in rdi,
   * temporaries in rax and rcx) and clobbers complete it (see lower/stack-switch.ts).
   */
  StackSwitch: 203,
} as const;

/** A marker binding an internal label. Only for jumps that skip no register-changing code. */
export function bindMarker(label: number): MInst {
  const m = nopInst(0);
  m.op = PseudoOp.BindLabel as never;
  m.label = label;
  return m;
}

export type Ctx = LowerCtx<MInst, X64Extra>;

export type { PoolConstant, TrapStub };

const NO_REGS: ReadonlySet<number> = new Set<number>();

/** Per-function state the rules share. */
export class X64Lower {
  private readonly trapStubs = new TrapStubs();
  /** Amodes addressing stack slots from rsp: their disp gets the slot area's base added. */
  readonly slotAmodes: Amode[] = [];
  /** The stack slots and call return areas. */
  readonly slotArea: StackSlotArea;
  /** Largest outgoing argument area of any call. */
  outgoingBytes = 0;
  /** The function calls code that may clobber xmm6-15 (a System V callee or a libcall). */
  callsNonWindows = false;
  /** vreg (with VREG_BASE) of the incoming return-area pointer, or -1. */
  retAreaPtr = -1;
  /**
   * The incoming stack-argument area (see abi/frame.ts), planned when the state is made: tail
   * calls may need a larger area, fixed before any of them is lowered.
   */
  argArea: ArgAreaFacts;
  private exceptionSavedSet: Set<number> | null = null;
  private tryCallAreaMap: Map<number, number> | null = null;
  private nextLabelBase: number;
  private labelCount = 0;

  /**
   * Callee-saved registers clobbered on a try_call's exception edge (an unwinder restores none):
   * the prologue saves them even when the allocator never writes them. Made on first use.
   */
  get exceptionSaved(): Set<number> {
    return (this.exceptionSavedSet ??= new Set());
  }
  /** `exceptionSaved` for reading: empty (and shared) when no rule added to it. */
  exceptionSavedRegs(): ReadonlySet<number> {
    return this.exceptionSavedSet ?? NO_REGS;
  }
  /** Per try_call instruction: the return-area slot its normal return reads (-1: registers). Made on first use. */
  get tryCallAreas(): Map<number, number> {
    return (this.tryCallAreaMap ??= new Map());
  }

  constructor(readonly ctx: Ctx, readonly f: Function, readonly isaFlags: IsaFeatures, firstFreeLabel: number) {
    this.nextLabelBase = firstFreeLabel;
    const plan = planArgArea(f);
    this.argArea = { size: plan.size, growth: plan.growth, retPop: plan.retPop, popped: new Map(), shift: new Map() };
    this.slotArea = new StackSlotArea(f);
  }

  /** Out-of-line trap stubs, emitted after the body. */
  get traps(): readonly TrapStub[] {
    return this.trapStubs.list;
  }
  /** The constant pool's entries. */
  get constants(): readonly PoolConstant[] {
    return this.constantTable.list;
  }

  /** Adds a 16-aligned area of `size` bytes to the slot area (call return areas); returns its slot id. */
  addAreaSlot(size: number): number {
    return this.slotArea.addArea(size);
  }

  /** A label for out-of-line code (trap stubs), numbered after every block and edge label. */
  newLabel(): number {
    return this.nextLabelBase + 1_000_000 + this.labelCount++;
  }

  /** Constants for the pool after the code, each under its label (see `constAmode`). */
  private readonly constantTable = new ConstantTable();
  private readonly newLabelFn = (): number => this.newLabel();

  /**
   * A rip-relative operand addressing `bytes` in the function's constant pool (emitted after the
   * code, `align`-aligned; equal constants are shared).
   */
  constAmode(bytes: Uint8Array, align: number = bytes.length): Amode {
    return amLabel(this.constantTable.labelFor(bytes, align, this.newLabelFn), 0);
  }

  /** A label that, when jumped to, traps with `code`. */
  trapLabel(code: number): number {
    return this.trapStubs.labelFor(code, this.newLabelFn);
  }

  /**
   * [rsp + slot area + off]: fixed up once the frame is laid out. An offset too large to fold
   * into the 32-bit displacement with the frame's own (`stack_addr ss0+2147483647`) is added
   * to the slot's address in a register.
   */
  slotAmode(slot: number, off: number): Amode {
    if (off > SLOT_DISP_LIMIT || off < -SLOT_DISP_LIMIT) {
      const base = this.tmp();
      this.emit(leaInst(8, base, this.slotAmode(slot, 0)));
      const t = this.tmp();
      this.emitMod(aluRM(AluOp.Add, 8, t, this.constReg(off | 0, Math.floor(off / 2 ** 32) | 0)), base);
      return amBase(t, 0);
    }
    const a = amBase(rsp, this.slotArea.offsets[slot] + off);
    this.slotAmodes.push(a);
    return a;
  }

  // ---------------------------------------------------------------- registers

  gpr(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  pair(v: Value): [number, number] {
    const [lo, hi] = this.ctx.putPair(v);
    return [lo + VREG_BASE, hi + VREG_BASE];
  }
  xmmOf(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  tmp(cls: RegClass = RegClass.Int): number {
    return this.ctx.alloc(cls) + VREG_BASE;
  }
  /** The result register of the current instruction (result k). */
  out(k = 0): number {
    return this.ctx.put(this.ctx.result(k)) + VREG_BASE;
  }
  outPair(k = 0): [number, number] {
    return this.pair(this.ctx.result(k));
  }

  emit(i: MInst, extra: X64Extra | null = null): void {
    this.ctx.emit(this.withSunkTrap(i), extra);
  }
  /** An instruction whose Mod fields read the given vregs (in visit order). */
  emitMod(i: MInst, tied: number, tied2 = -1): void {
    this.ctx.emit(this.withSunkTrap(i), tied2 < 0 ? { tie: tied - VREG_BASE } : { tied: [tied - VREG_BASE, tied2 - VREG_BASE] });
  }
  emitWith(i: MInst, extra: X64Extra): void {
    this.ctx.emit(this.withSunkTrap(i), extra);
  }
  /** The first memory-operand instruction after a `sinkLoad` carries the load's trap code. */
  private withSunkTrap(i: MInst): MInst {
    if (this.sunkTrap !== 0 && i.mem !== null) {
      i.trap = this.sunkTrap;
      this.sunkTrap = 0;
    }
    return i;
  }
  private sunkTrap = 0;
  /** dst <- src, 64-bit (a coalescable move). */
  move(dst: number, src: number): void {
    this.ctx.emitMove(movRR(8, dst, src));
  }
  /** Materialize a 64-bit constant given as 32-bit halves. */
  constInto(dst: number, lo: number, hi: number, size: OperandSize = 8): void {
    if (size <= 4 || hi === lo >> 31) this.emit(size <= 4 ? movImm(4, dst, lo | 0) : movImm(8, dst, lo | 0));
    else if (hi === 0) this.emit(movImm(4, dst, lo | 0));
    else this.emit(movAbs(dst, lo | 0, hi | 0));
  }
  constReg(lo: number, hi: number, size: OperandSize = 8): number {
    const r = this.tmp();
    this.constInto(r, lo, hi, size);
    return r;
  }

  /** An `i32` immediate for value `v` of type `t` when it is a constant that fits, else null. */
  imm32(v: Value, t: Type): number | null {
    const c = this.ctx.constHalves(v);
    if (c === null) return null;
    const [lo, hi] = c;
    if (bytes(t) <= 4) return lo | 0;
    return hi === lo >> 31 ? lo | 0 : null;
  }

  /** A sinkable plain `load` of `v` as a memory operand for `user`, when its type is `t` (>= 4 bytes). */
  sinkLoad(v: Value, user: Inst, t: Type): Amode | null {
    // Integers of 4 and 8 bytes (ALU operands), f32 and f64 (scalar SSE operands: no alignment needed).
    if (t !== F32 && t !== F64 && (bytes(t) < 4 || !isInt(t))) return null;
    const d = this.ctx.sinkableLoad(v, user, (op: Opcode) => op === LOAD);
    if (d === -1) return null;
    const f = this.f;
    if (f.instType[d] !== t && f.valueType[f.result(d as Inst, 0)] !== t) return null;
    // A big-endian load is never fused: lowered on its own, it is rejected with a typed error.
    if (memEndianness(f.instImm0[d]) === ENDIAN_BIG) return null;
    this.ctx.sink(d as Inst);
    this.sunkTrap = memTrapCode(f.instImm0[d]);
    return this.addrOf(f.arg(d as Inst, 0), f.instImm1[d]);
  }

  /** An addressing mode for `addr + offset` (folds iadd / iadd of a constant when they fit). */
  addrOf(addr: Value, offset: number): Amode {
    const f = this.f;
    if (!fits32(offset)) {
      const t = this.tmp();
      this.emitMod(aluRM(AluOp.Add, 8, t, this.constReg(offset | 0, Math.floor(offset / 2 ** 32) | 0)), this.gpr(addr));
      return amBase(t, 0);
    }
    const d = this.ctx.defInst(addr);
    if (d !== -1 && f.instOpcode[d] === IADD_OP && f.valueType[f.result(d, 0)] === I64) {
      const a = f.arg(d, 0);
      const b = f.arg(d, 1);
      const cb = this.imm32(b, I64);
      if (cb !== null && fits32(cb + offset)) return amBase(this.gpr(a), cb + offset);
      const ca = this.imm32(a, I64);
      if (ca !== null && fits32(ca + offset)) return amBase(this.gpr(b), ca + offset);
      return amIndexOf(this.gpr(a), this.gpr(b), 0, offset);
    }
    return amBase(this.gpr(addr), offset);
  }

  // ---------------------------------------------------------------- types

  unsupported(what: string): never {
    throw new UnsupportedError(what, this.ctx.loc());
  }
}

const IADD_OP = IADD;
/** Larger stack-slot offsets are added in a register (the frame itself stays under 2 GiB). */
const SLOT_DISP_LIMIT = 1 << 24;
function amIndexOf(base: number, index: number, shift: number, disp: number): Amode {
  return amIndex(base, index, shift, disp);
}
function fits32(v: number): boolean {
  return v >= -0x80000000 && v <= 0x7fffffff;
}

/** ISA feature flags the rules consult. */
export interface IsaFeatures {
  /** SSSE3 and SSE4.2 (the SIMD rules' pshufb/phadd and pcmpgtq); absent means no. */
  ssse3?: boolean;
  sse42?: boolean;
  sse41: boolean;
  avx: boolean;
  bmi1: boolean;
  bmi2: boolean;
  lzcnt: boolean;
  popcnt: boolean;
  fma: boolean;
  /** `lock cmpxchg16b` (i128 atomics); absent means no. */
  cmpxchg16b?: boolean;
  /** `enable_pinned_reg`: r15 holds the pinned register and is never allocated. */
  pinnedReg?: boolean;
  /** The shared `tls_model` setting (`none`, `elf_gd`, `macho`, `coff`). */
  tlsModel?: string;
  /** The shared `stack_switch_model` setting (`none`, `basic`, `update_windows_tib`). */
  stackSwitchModel?: string;
}

/** Operand size for an integer type in ALU ops: narrow types compute in 32 bits. */
export function aluSize(t: Type): OperandSize {
  return t === I64 ? 8 : 4;
}
/** Exact operand size of an integer type. */
export function exactSize(t: Type): OperandSize {
  switch (t) {
    case I8: return 1;
    case I16: return 2;
    case I32: return 4;
    case I64: return 8;
    default: throw new UnsupportedError(`integer type ${typeName(t)} in this position`);
  }
}
export function isF(t: Type): boolean {
  return t === F32 || t === F64;
}
export { I128, AluOp, aluRM, NO_REG };

// ---------------------------------------------------------------- operand collection

type Sink = { operand(vreg: number, kind: RAKind, pos: OperandPos, c: Constraint, arg: number, field: number): void; clobber(p: number): void };

/**
 * Translates `visitOperands` reports into allocator operands. One instance is reused for every
 * instruction (no closure or array per instruction on this hot path).
 */
class OperandCollector {
  inst!: MInst;
  extra: X64Extra | null = null;
  sink!: Sink;
  count = 0;
  tiedIdx = 0;
  readonly usedUse = new Uint8Array(64);
  readonly usedDef = new Uint8Array(64);

  private findPair(list: number[] | undefined, used: Uint8Array, preg: number): number {
    if (list === undefined) return -1;
    for (let k = 0; k < list.length; k += 2) {
      if (list[k + 1] === preg && !used[k >> 1]) {
        used[k >> 1] = 1;
        return list[k];
      }
    }
    return -1;
  }

  reg(field: RegField, kind: OperandKind, _cls: RegClass): void {
    const r = getReg(this.inst, field);
    if (r === NO_REG || isPhysical(r)) return;
    const v = r - VREG_BASE;
    const sink = this.sink;
    switch (kind) {
      case OperandKind.Use:
        sink.operand(v, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, field);
        this.count++;
        return;
      case OperandKind.Def:
        sink.operand(v, RAKind.Def, OperandPos.Late, Constraint.Reg, 0, field);
        this.count++;
        return;
      case OperandKind.EarlyDef:
        sink.operand(v, RAKind.Def, OperandPos.Early, Constraint.Reg, 0, field);
        this.count++;
        return;
      case OperandKind.Mod: {
        const ex = this.extra;
        const k = this.tiedIdx++;
        const t = ex === null ? undefined : ex.tied !== undefined ? ex.tied[k] : k === 0 ? ex.tie : undefined;
        if (t === undefined) throw new UnsupportedError(`internal: instruction op ${this.inst.op} has a Mod operand without a tied input`);
        sink.operand(t, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
        sink.operand(v, RAKind.Def, OperandPos.Late, Constraint.Reuse, this.count, field);
        this.count += 2;
        return;
      }
    }
  }

  fixed(preg: PReg, kind: OperandKind): void {
    const sink = this.sink;
    if (kind === OperandKind.Use || kind === OperandKind.Mod) {
      const v = this.findPair(this.extra?.fixedUses, this.usedUse, preg);
      if (v < 0) throw new UnsupportedError(`internal: instruction op ${this.inst.op} reads fixed register ${preg} without a value`);
      sink.operand(v, RAKind.Use, OperandPos.Early, Constraint.Fixed, preg, -1);
      this.count++;
    }
    if (kind !== OperandKind.Use) {
      const v = this.findPair(this.extra?.fixedDefs, this.usedDef, preg);
      if (v < 0) sink.clobber(preg);
      else {
        sink.operand(v, RAKind.Def, OperandPos.Late, Constraint.Fixed, preg, -1);
        this.count++;
      }
    }
  }

  run(inst: MInst, extra: X64Extra | null, sink: Sink): void {
    this.inst = inst;
    this.extra = extra;
    this.sink = sink;
    this.count = 0;
    this.tiedIdx = 0;
    const fu = extra?.fixedUses;
    const fd = extra?.fixedDefs;
    if (fu) this.usedUse.fill(0, 0, (fu.length >> 1) + 1);
    if (fd) this.usedDef.fill(0, 0, (fd.length >> 1) + 1);
    visitOperands(inst, this);
    if (fu) {
      for (let k = 0; k < fu.length; k += 2) if (!this.usedUse[k >> 1]) sink.operand(fu[k], RAKind.Use, OperandPos.Early, Constraint.Fixed, fu[k + 1], -1);
    }
    const defPos = extra?.earlyFixedDefs ? OperandPos.Early : OperandPos.Late;
    if (fd) {
      for (let k = 0; k < fd.length; k += 2) if (!this.usedDef[k >> 1]) sink.operand(fd[k], RAKind.Def, defPos, Constraint.Fixed, fd[k + 1], -1);
    }
    if (extra?.clobbers) for (const c of extra.clobbers) sink.clobber(c);
  }
}

const collector = new OperandCollector();

/** rdi: the stack_switch payload register. */
const rdiPReg: number = rdi;

/** Reports an MInst's operands (with its X64Extra) to the VCode operand sink. */
export function collectOperands(inst: MInst, extra: X64Extra | null, sink: Sink): void {
  if ((inst.op as number) === PseudoOp.AtomicRmwLoop) {
    sink.operand(inst.src - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 1);
    sink.operand(inst.src2 - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 2);
    sink.operand(inst.dst - VREG_BASE, RAKind.Def, OperandPos.Early, Constraint.Reg, 0, 0);
    const d = extra?.fixedDefs;
    if (d) sink.operand(d[0], RAKind.Def, OperandPos.Early, Constraint.Fixed, d[1], -1);
    return;
  }
  if ((inst.op as number) === PseudoOp.StackSwitch) {
    // The context pointers are read after rax/rcx are written: those temporaries are early defs.
    sink.operand(inst.src - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 1);
    sink.operand(inst.src2 - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 2);
    const u = extra?.fixedUses ?? [];
    for (let k = 0; k < u.length; k += 2) sink.operand(u[k], RAKind.Use, OperandPos.Early, Constraint.Fixed, u[k + 1], -1);
    const d = extra?.fixedDefs ?? [];
    for (let k = 0; k < d.length; k += 2) {
      sink.operand(d[k], RAKind.Def, d[k + 1] === rdiPReg ? OperandPos.Late : OperandPos.Early, Constraint.Fixed, d[k + 1], -1);
    }
    for (const c of extra?.clobbers ?? []) sink.clobber(c);
    return;
  }
  if ((inst.op as number) === PseudoOp.AtomicRmwLoop128) {
    // Every register is written before the last read of the uses: all defs are early.
    sink.operand((inst.mem as NonNullable<MInst['mem']>).base - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 3);
    sink.operand(inst.src - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 1);
    sink.operand(inst.src2 - VREG_BASE, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, 2);
    const d = extra?.fixedDefs ?? [];
    for (let k = 0; k < d.length; k += 2) sink.operand(d[k], RAKind.Def, OperandPos.Early, Constraint.Fixed, d[k + 1], -1);
    return;
  }
  collector.run(inst, extra, sink);
}
