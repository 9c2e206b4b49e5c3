// Per-function lowering state of the s390x backend and the helpers its rules share: virtual
// registers in MInst fields, operand roles for the allocator, constants, addressing modes,
// out-of-line trap stubs, and memory operands fixed up after frame layout.

import { type Function, type Type, type Value, I16, I32, I64, I8, IADD, IADD_IMM, ICONST, bytes, typeName } from '@windlass/ir';
import {
  ConstantTable, type LowerCtx, type PoolConstant, StackSlotArea, type TrapStub, TrapStubs, UnsupportedError,
} from '@windlass/codegen';
import { Constraint, OperandKind, OperandPos } from '@windlass/regalloc';
import { OPS, Role, SlotClass } from '../inst/ops';
import { MInst, Pseudo, gmove, ri, rrr, vmove } from '../inst/mod';
import { NO_REG, RegClass, VREG_BASE, r15 } from '../inst/regs';
import { assignSignature, calleePops, littleEndianLanes } from '../abi/abi';
import type { S390xFeatures } from '../settings';

/** Allocation facts an instruction adds to its register fields. */
export interface S390xExtra {
  /** The vreg (raw) feeding the instruction's modified (Mod) register field. */
  tie?: number;
  /** Several Mod fields: their input vregs in field order. */
  tied?: number[];
  /** (raw vreg, preg) pairs read in fixed registers. */
  fixedUses?: number[];
  /** (raw vreg, preg) pairs defined in fixed registers. */
  fixedDefs?: number[];
  /** Registers overwritten without a def. */
  clobbers?: readonly number[];
  /** Jump-table targets (`Pseudo.JumpTable`). */
  targets?: readonly number[];
  /** A try_call (the block's terminator): its successors' edge-block labels. */
  tryCall?: TryCallSite;
}

/** The labels a try_call's call instruction records for emission. */
export interface TryCallSite {
  /** Edge block of the normal return. */
  readonly normal: number;
  /** Handlers in table order: the tag (null: `default`) and the landing pad's label. */
  readonly handlers: readonly { readonly tag: number | null; readonly label: number }[];
}

export type Ctx = LowerCtx<MInst, S390xExtra>;
export type { PoolConstant, TrapStub };

/** A memory operand: base and index registers (NO_REG: none) and a displacement. */
export interface Amode {
  b: number;
  x: number;
  d: number;
}

/** Per-function state the rules share. */
export class S390xLower {
  private readonly trapStubs = new TrapStubs();
  private readonly constantTable = new ConstantTable();
  readonly slotArea: StackSlotArea;
  /** Instructions addressing the stack-slot area from %r15: `d` is relative to the area. */
  readonly slotRefs: MInst[] = [];
  /**
   * Instructions addressing the caller's frame from %r15: `d` is relative to %r15 at entry
   * (incoming stack arguments at 160 + offset, the saved %r14 at 112).
   */
  readonly entryRefs: MInst[] = [];
  /** Something reads the frame itself (back chain, saved return address): a frame is allocated. */
  needsFrame = false;
  /** %r14 must be saved by the prologue even without calls. */
  savesR14 = false;
  /** Bytes of stack arguments this function removes on return (callee-pop `tail` convention). */
  readonly popBytes: number;
  /** How far some tail call moves the stack-argument area down (its callee pops more than we do). */
  tailCallGrowth = 0;
  /** A try_call with handlers: the prologue saves every callee-saved register (an unwinder restores none). */
  savesAllCalleeSaved = false;
  /** Clobbers of the last call emitted (a try_call without handlers uses them). */
  lastCallClobbers: readonly number[] | null = null;
  private tryCallAreaMap: Map<number, number> | null = null;
  /** Per try_call instruction: the return-area slot its normal return reads (-1: registers). */
  get tryCallAreas(): Map<number, number> {
    return (this.tryCallAreaMap ??= new Map());
  }
  /** Largest outgoing stack-argument area of any call. */
  outgoingBytes = 0;
  /** The function calls something (%r14 must be saved). */
  hasCalls = false;
  /** vreg (with VREG_BASE) of the incoming return-area pointer, or -1. */
  retAreaPtr = -1;
  /** Vector lanes are in little-endian element order (see abi/abi.ts). */
  readonly leLanes: boolean;
  private nextLabelBase: number;
  private labelCount = 0;
  private readonly newLabelFn = (): number => this.newLabel();

  constructor(readonly ctx: Ctx, readonly f: Function, readonly features: S390xFeatures, firstFreeLabel: number) {
    this.nextLabelBase = firstFreeLabel;
    this.slotArea = new StackSlotArea(f);
    this.leLanes = littleEndianLanes(f.signature.callConv);
    this.popBytes = calleePops(f.signature.callConv) ? assignSignature(f.signature).stackBytes : 0;
  }

  get traps(): readonly TrapStub[] {
    return this.trapStubs.list;
  }
  get constants(): readonly PoolConstant[] {
    return this.constantTable.list;
  }

  /** A label for out-of-line code, numbered after every block and edge label. */
  newLabel(): number {
    return this.nextLabelBase + 1_000_000 + this.labelCount++;
  }
  /** The label of the out-of-line trap with `code`. */
  trapLabel(code: number): number {
    return this.trapStubs.labelFor(code, this.newLabelFn);
  }
  /** The pool label of `bytes` (big-endian image), aligned to `align`. */
  constLabel(bytes: Uint8Array, align = 8): number {
    return this.constantTable.labelFor(bytes, align, this.newLabelFn);
  }

  // ---------------------------------------------------------------- registers

  /** The register of value `v` (GPR or VR by its type). */
  reg(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  /** The register of result `k` of the instruction being lowered. */
  out(k = 0): number {
    return this.ctx.put(this.ctx.result(k)) + VREG_BASE;
  }
  tmp(cls: RegClass = RegClass.Int): number {
    return this.ctx.alloc(cls) + VREG_BASE;
  }
  tmpV(): number {
    return this.ctx.alloc(RegClass.Float) + VREG_BASE;
  }
  typeOf(v: Value): Type {
    return this.f.valueType[this.f.resolveAliases(v)] as Type;
  }

  emit(i: MInst, extra: S390xExtra | null = null): void {
    this.ctx.emit(i, extra);
  }
  /** An instruction whose modified r1 field reads `input` (a register with VREG_BASE). */
  emitTied(i: MInst, input: number): void {
    if (input < VREG_BASE) throw new UnsupportedError('internal: a tied input must be a virtual register', this.ctx.loc());
    this.ctx.emit(i, { tie: input - VREG_BASE });
  }
  /** dst <- src, general registers (coalescable). */
  moveG(dst: number, src: number): void {
    this.ctx.emitMove(gmove(dst, src));
  }
  /** dst <- src, vector registers (coalescable). */
  moveV(dst: number, src: number): void {
    this.ctx.emitMove(vmove(dst, src));
  }
  /** A copy of `src` in a new general register. */
  copyG(src: number): number {
    const t = this.tmp();
    this.moveG(t, src);
    return t;
  }

  /** dst <- the 64-bit constant hi:lo (only the low `bytes(t)` bytes matter for narrow `t`). */
  constInto(dst: number, lo: number, hi: number, t: Type = I64): void {
    lo |= 0;
    hi |= 0;
    if (bytes(t) <= 4) {
      this.emit(lo >= -32768 && lo <= 32767 ? ri('lhi', dst, lo) : ri('lgfi', dst, lo));
      return;
    }
    if (hi === lo >> 31) {
      this.emit(lo >= -32768 && lo <= 32767 ? ri('lghi', dst, lo) : ri('lgfi', dst, lo));
    } else if (hi === 0) {
      this.emit(ri('llilf', dst, lo));
    } else if (lo === 0) {
      this.emit(ri('llihf', dst, hi));
    } else {
      const t0 = this.tmp();
      this.emit(ri('llihf', t0, hi));
      this.emitTied(ri('iilf', dst, lo), t0);
    }
  }
  /** A new register holding the constant hi:lo. */
  constReg(lo: number, hi: number, t: Type = I64): number {
    const r = this.tmp();
    this.constInto(r, lo, hi, t);
    return r;
  }

  /** The constant value of `v` as [lo, hi] (sign-extended from `v`'s width), or null. */
  constOf(v: Value): [number, number] | null {
    const c = this.ctx.constHalves(v);
    if (c === null) return null;
    return signExtendHalves(c[0], c[1], this.typeOf(v));
  }
  /** The constant value of `v` as a number when it fits a signed 32-bit immediate, else null. */
  imm32(v: Value): number | null {
    const c = this.constOf(v);
    if (c === null) return null;
    return c[1] === c[0] >> 31 ? c[0] : null;
  }

  // ---------------------------------------------------------------- memory

  /** A memory operand for `addr + offset`, folding an `iadd` or a constant addend. */
  amode(addr: Value, offset: number): Amode {
    const f = this.f;
    const d = this.ctx.defInst(addr);
    if (d !== -1 && this.typeOf(addr) === I64) {
      const op = f.instOpcode[d];
      if (op === IADD) {
        const a = f.arg(d, 0);
        const b = f.arg(d, 1);
        const cb = this.imm32(b);
        if (cb !== null && fits32(cb + offset)) return { b: this.reg(a), x: NO_REG, d: cb + offset };
        const ca = this.imm32(a);
        if (ca !== null && fits32(ca + offset)) return { b: this.reg(b), x: NO_REG, d: ca + offset };
        if (fits32(offset)) return { b: this.reg(a), x: this.reg(b), d: offset };
      } else if (op === IADD_IMM) {
        const [lo, hi] = [f.instImm1[d], f.instImm2[d]];
        if (hi === lo >> 31 && fits32(lo + offset)) return { b: this.reg(f.arg(d, 0)), x: NO_REG, d: lo + offset };
      } else if (op === ICONST) {
        const c = this.imm32(addr);
        if (c !== null && fits32(c + offset)) return { b: NO_REG, x: NO_REG, d: c + offset };
      }
    }
    if (fits32(offset)) return { b: this.reg(addr), x: NO_REG, d: offset };
    const t = this.tmp();
    this.emit(rrr('agrk', t, this.reg(addr), this.constReg(offset | 0, Math.floor(offset / 2 ** 32) | 0)));
    return { b: t, x: NO_REG, d: 0 };
  }
  /** Sets the memory operand of `i`. */
  withMem(i: MInst, am: Amode): MInst {
    i.b = am.b;
    i.x = am.x;
    i.d = am.d;
    return i;
  }
  /** A memory instruction on stack slot `slot` + `off` (its displacement fixed after frame layout). */
  slotMem(i: MInst, slot: number, off: number): MInst {
    i.b = r15;
    i.x = NO_REG;
    i.d = this.slotArea.offsets[slot] + off;
    this.slotRefs.push(i);
    return i;
  }

  /** `i` addressing the caller's frame at `d` bytes above %r15 at entry. */
  entryMem(i: MInst, d: number): MInst {
    i.b = r15;
    i.x = NO_REG;
    i.d = d;
    this.entryRefs.push(i);
    return i;
  }
  /** `i` addressing the return address the prologue saved (in the caller's register save area). */
  retAddrMem(i: MInst): MInst {
    return this.entryMem(i, 14 * 8);
  }

  unsupported(what: string): never {
    throw new UnsupportedError(what, this.ctx.loc());
  }
}

export function fits32(v: number): boolean {
  return v >= -0x8000_0000 && v <= 0x7fff_ffff;
}

/** hi:lo sign-extended from the width of `t` (i8..i64). */
export function signExtendHalves(lo: number, hi: number, t: Type): [number, number] {
  switch (t) {
    case I8: lo = (lo << 24) >> 24; return [lo, lo >> 31];
    case I16: lo = (lo << 16) >> 16; return [lo, lo >> 31];
    case I32: return [lo | 0, (lo | 0) >> 31];
    default: return [lo | 0, hi | 0];
  }
}

export function describeType(t: Type): string {
  return typeName(t);
}

// ---------------------------------------------------------------- operand collection

type Sink = {
  operand(vreg: number, kind: OperandKind, pos: OperandPos, c: Constraint, arg: number, field: number): void;
  clobber(p: number): void;
};

/** Field ids for `setReg`: register slots r1..r4, then the memory base and index. */
export const FIELD_B = 4;
export const FIELD_X = 5;
/** Field id of `regs[0]` (a pseudo-instruction's extra registers). */
export const FIELD_REGS = 8;

class OperandCollector {
  count = 0;

  private use(sink: Sink, r: number, field: number): void {
    if (r < VREG_BASE) return;
    sink.operand(r - VREG_BASE, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, field);
    this.count++;
  }
  private def(sink: Sink, r: number, field: number, early = false): void {
    if (r < VREG_BASE) return;
    sink.operand(r - VREG_BASE, OperandKind.Def, early ? OperandPos.Early : OperandPos.Late, Constraint.Reg, 0, field);
    this.count++;
  }
  private mod(sink: Sink, r: number, field: number, input: number | undefined, i: MInst): void {
    if (r < VREG_BASE) return;
    if (input === undefined) throw new UnsupportedError(`internal: s390x op ${i.op} modifies a register without a tied input`);
    sink.operand(input, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
    sink.operand(r - VREG_BASE, OperandKind.Def, OperandPos.Late, Constraint.Reuse, this.count, field);
    this.count += 2;
  }

  run(i: MInst, x: S390xExtra | null, sink: Sink): void {
    this.count = 0;
    if (i.op < OPS.length) {
      const info = OPS[i.op];
      let tiedIdx = 0;
      for (let s = 0; s < 4; s++) {
        const role = info.roles[s];
        if (role === Role.None || info.slotClass[s] === SlotClass.None) continue;
        const r = s === 0 ? i.r1 : s === 1 ? i.r2 : s === 2 ? i.r3 : i.r4;
        switch (role) {
          case Role.Use: this.use(sink, r, s); break;
          case Role.Def: this.def(sink, r, s); break;
          case Role.EarlyDef: this.def(sink, r, s, true); break;
          case Role.Mod: {
            const t = x?.tied !== undefined ? x.tied[tiedIdx] : tiedIdx === 0 ? x?.tie : undefined;
            tiedIdx++;
            this.mod(sink, r, s, t, i);
            break;
          }
          default: break;
        }
      }
      if (info.hasMem) {
        this.use(sink, i.b, FIELD_B);
        this.use(sink, i.x, FIELD_X);
      }
    } else {
      switch (i.op) {
        case Pseudo.GMove: case Pseudo.VMove:
          this.use(sink, i.r2, 1);
          this.def(sink, i.r1, 0);
          break;
        case Pseudo.Call: case Pseudo.TailCall:
          this.use(sink, i.r2, 1);
          break;
        case Pseudo.VecCondMove:
          this.use(sink, i.r2, 1);
          this.mod(sink, i.r1, 0, x?.tie, i);
          break;
        case Pseudo.JumpTable:
          this.use(sink, i.r2, 1);
          this.def(sink, i.r3, 2, true);
          break;
        case Pseudo.Cmp128:
          this.use(sink, i.r1, 0);
          this.use(sink, i.r2, 1);
          this.use(sink, i.r3, 2);
          this.use(sink, i.r4, 3);
          break;
        case Pseudo.AtomicLoop:
          // A loop: every register is read after some are written, so all defs are early.
          this.use(sink, i.b, FIELD_B);
          this.use(sink, i.x, FIELD_X);
          this.use(sink, i.r2, 1);
          this.use(sink, i.r3, 2);
          this.use(sink, i.r4, 3);
          this.def(sink, i.r1, 0, true);
          if (i.regs !== null) for (let k = 0; k < i.regs.length; k++) this.def(sink, i.regs[k], FIELD_REGS + k, true);
          break;
        case Pseudo.SlotAddr:
          this.def(sink, i.r1, 0);
          break;
        default: break;
      }
    }
    const fu = x?.fixedUses;
    if (fu !== undefined) for (let k = 0; k < fu.length; k += 2) sink.operand(fu[k], OperandKind.Use, OperandPos.Early, Constraint.Fixed, fu[k + 1], -1);
    const fd = x?.fixedDefs;
    if (fd !== undefined) for (let k = 0; k < fd.length; k += 2) sink.operand(fd[k], OperandKind.Def, OperandPos.Late, Constraint.Fixed, fd[k + 1], -1);
    if (x?.clobbers !== undefined) for (const c of x.clobbers) sink.clobber(c);
  }
}

const collector = new OperandCollector();

/** Reports an MInst's operands (with its extra facts) to the VCode operand sink. */
export function collectOperands(i: MInst, x: S390xExtra | null, sink: Sink): void {
  collector.run(i, x, sink);
}

/** Writes allocated register `preg` into field `field` of `i`. */
export function setReg(i: MInst, field: number, preg: number): void {
  switch (field) {
    case 0: i.r1 = preg; break;
    case 1: i.r2 = preg; break;
    case 2: i.r3 = preg; break;
    case 3: i.r4 = preg; break;
    case FIELD_B: i.b = preg; break;
    case FIELD_X: i.x = preg; break;
    default: if (i.regs !== null && field >= FIELD_REGS) i.regs[field - FIELD_REGS] = preg; break;
  }
}

