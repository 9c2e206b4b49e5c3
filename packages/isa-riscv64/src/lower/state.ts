// Per-function lowering state of the riscv64 backend and the helpers its rules share: virtual
// registers in MInst fields, constants, addresses, out-of-line trap stubs, stack slots and the
// extension of narrow integers.
//
// Narrow integers (i8, i16, i32) live in 64-bit registers whose bits above the type's width are
// undefined: operations whose result depends only on the low bits (add, sub, mul, and, or, xor,
// shift left) use them as they are, and every operation that reads the high bits (compares,
// right shifts, division, conversions, extensions, address computation) extends first.

import {
  type Function, type Inst, type Opcode, type Type, type Value,
  F16, F32, F64, I16, I32, I64, I8, IADD, bytes, isVector,
} from '@windlass/ir';
import {
  ConstantTable, type LowerCtx, type PoolConstant, StackSlotArea, type TrapStub, TrapStubs, UnsupportedError,
} from '@windlass/codegen';
import { RegClass } from '@windlass/regalloc';
import { type MInst, fmv, li, load, mk, mv, rri, rrr, vmv } from '../inst/mod';
import * as O from '../inst/ops';
import { VREG_BASE, fp, sp, zero } from '../inst/regs';
import { fitsImm12 } from '../inst/encode';
import type { RvFeatures } from '../settings';
import { type ArgAreaPlan, needsReturnArea, planArgArea } from '../abi/abi';

/** Allocation facts an instruction adds to its register fields. */
export interface RvExtra {
  /** (vreg, preg) pairs: values read in fixed registers. */
  fixedUses?: number[];
  /** (vreg, preg) pairs: values defined in fixed registers. */
  fixedDefs?: number[];
  /** Registers overwritten without a def. */
  clobbers?: readonly number[];
  /** The vreg the instruction's rd field also reads (its def reuses that register). */
  tie?: number;
  /** Branch targets of a jump table. */
  targets?: readonly number[];
  /** A try_call's call: its successors' labels. */
  tryCall?: TryCallSite;
}

export interface TryCallSite {
  readonly normal: number;
  readonly handlers: readonly { readonly tag: number | null; readonly label: number }[];
}

export type Ctx = LowerCtx<MInst, RvExtra>;
export type { PoolConstant, TrapStub };

/** Stack-argument area facts the frame code needs (see abi/frame.ts). */
export interface ArgAreaFacts extends ArgAreaPlan {
  /** Tail-call jumps: the stack pointer's final distance above the CFA (retPop - what the callee pops). */
  readonly tailShift: Map<MInst, number>;
  /** Calls of callee-pop functions: the bytes the callee removes, reserved again after the call. */
  readonly popped: Map<MInst, number>;
}

/** An address: base register + 12-bit offset, or a stack slot (fixed up once the frame is laid out). */
export interface Addr {
  base: number;
  off: number;
}

/** Per-function state the rules share. */
export class RvLower {
  private readonly trapStubs = new TrapStubs();
  private readonly constantTable = new ConstantTable();
  /** Instructions addressing stack slots from sp: their imm gets the slot area's base added. */
  readonly slotRefs: MInst[] = [];
  readonly slotArea: StackSlotArea;
  /** Largest outgoing argument area of any call. */
  outgoingBytes = 0;
  /** The function makes calls (ra must be saved). */
  hasCalls = false;
  /** Something reads the frame pointer, the stack layout or incoming stack arguments. */
  needsFrame = false;
  /** The function contains vector instructions (spill slots hold vectors). */
  usesVectors = false;
  /** Bytes of the largest vector type the function has (its spill slots' size). */
  maxVectorBytes = 16;
  /** vreg (with VREG_BASE) of the incoming return-area pointer, or -1. */
  retAreaPtr = -1;
  private exceptionSavedSet: Set<number> | null = null;
  private tryCallAreaMap: Map<number, number> | null = null;
  /**
   * Callee-saved registers clobbered on a try_call's exception edge (an unwinder restores none):
   * the prologue saves them even when the allocator never writes them. Made on first use.
   */
  get exceptionSaved(): Set<number> {
    return (this.exceptionSavedSet ??= new Set());
  }
  exceptionSavedRegs(): readonly number[] {
    return this.exceptionSavedSet === null ? [] : [...this.exceptionSavedSet];
  }
  /** Per try_call instruction: the return-area slot its normal return reads (-1: registers). */
  get tryCallAreas(): Map<number, number> {
    return (this.tryCallAreaMap ??= new Map());
  }
  readonly argArea: ArgAreaFacts;
  private nextLabelBase: number;
  private labelCount = 0;
  private readonly newLabelFn = (): number => this.newLabel();

  constructor(readonly ctx: Ctx, readonly f: Function, readonly isa: RvFeatures, firstFreeLabel: number) {
    this.nextLabelBase = firstFreeLabel;
    const plan = planArgArea(f);
    this.argArea = { ...plan, tailShift: new Map(), popped: new Map() };
    this.slotArea = new StackSlotArea(f);
    if (plan.size > 0) this.needsFrame = true;
    // Returns are lowered before the entry block (which receives the pointer): allocate it now.
    if (needsReturnArea(f.signature.returns, f.signature.callConv)) this.retAreaPtr = this.tmp();
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
  /** A label that, when jumped to, traps with `code`. */
  trapLabel(code: number): number {
    return this.trapStubs.labelFor(code, this.newLabelFn);
  }
  /** The label of `bytes` in the constant pool. */
  constLabel(bytes: Uint8Array, align: number = bytes.length): number {
    return this.constantTable.labelFor(bytes, align, this.newLabelFn);
  }

  // ---------------------------------------------------------------- registers

  /** The (first) register of value `v`, with VREG_BASE. */
  reg(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  pair(v: Value): [number, number] {
    const [lo, hi] = this.ctx.putPair(v);
    return [lo + VREG_BASE, hi + VREG_BASE];
  }
  tmp(cls: RegClass = RegClass.Int): number {
    return this.ctx.alloc(cls) + VREG_BASE;
  }
  /** Result k of the instruction being lowered. */
  out(k = 0): number {
    return this.ctx.put(this.ctx.result(k)) + VREG_BASE;
  }
  outPair(k = 0): [number, number] {
    return this.pair(this.ctx.result(k));
  }

  emit(i: MInst, extra: RvExtra | null = null): void {
    if (i.vt !== 0) this.usesVectors = true;
    this.ctx.emit(i, extra);
  }
  /** An instruction that reads its rd field: `input` feeds it, the result reuses its register. */
  emitTied(i: MInst, input: number): void {
    if (i.vt !== 0) this.usesVectors = true;
    this.ctx.emit(i, { tie: input - VREG_BASE });
  }
  /** dst <- src (a copy the allocator may coalesce), in the register file of `cls`. */
  move(dst: number, src: number, cls: RegClass = RegClass.Int): void {
    const i = cls === RegClass.Int ? mv(dst, src) : cls === RegClass.Float ? fmv(dst, src) : vmv(dst, src);
    // A copy of a fixed register (x0, sp, fp) is an ordinary instruction to the allocator.
    if (src < VREG_BASE) this.emit(i);
    else this.ctx.emitMove(i);
  }

  /**
   * (vreg + VREG_BASE, preg) pairs as (vreg, preg) fixed operands. A vreg may be read in only
   * one fixed register per instruction: repeats are copied first.
   */
  fixedPairs(pairs: readonly number[]): number[] {
    const out: number[] = [];
    for (let k = 0; k < pairs.length; k += 2) {
      let r = pairs[k];
      if (r < VREG_BASE) {
        // A fixed register (x0 for a constant zero) is copied into a vreg first.
        const c = this.tmp();
        this.emit(mv(c, r));
        r = c;
      }
      for (let j = 0; j < k; j += 2) {
        if (pairs[j] === r) {
          const cls = this.ctx.vregClass(r - VREG_BASE);
          const c = this.tmp(cls);
          this.move(c, r, cls);
          r = c;
          break;
        }
      }
      out.push(r - VREG_BASE, pairs[k + 1]);
    }
    return out;
  }

  // ---------------------------------------------------------------- constants

  /** dst <- the 64-bit constant hi:lo. */
  constInto(dst: number, lo: number, hi: number): void {
    this.emit(li(dst, lo, hi));
  }
  /** A new register holding the constant hi:lo (x0 for zero). */
  constReg(lo: number, hi: number = lo >> 31): number {
    if (lo === 0 && hi === 0) return zero;
    const r = this.tmp();
    this.constInto(r, lo, hi);
    return r;
  }
  /** The value `v` as 32-bit halves when it is an `iconst`, else null. */
  constOf(v: Value): [number, number] | null {
    return this.ctx.constHalves(v);
  }
  /**
   * A 12-bit signed immediate for `v` (of integer type `t`) when it is a constant that fits (as
   * its value sign-extended from the type's width), else null.
   */
  imm12(v: Value, t: Type): number | null {
    const c = this.ctx.constHalves(v);
    if (c === null) return null;
    const s = sextHalves(c[0], c[1], t);
    return s !== null && fitsImm12(s) ? s : null;
  }
  /** The register of integer value `v`; x0 when it is the constant 0. */
  regOrZero(v: Value): number {
    const c = this.ctx.constHalves(v);
    if (c !== null && c[0] === 0 && (c[1] === 0 || bytes(this.f.valueType[v] as Type) <= 4)) return zero;
    return this.reg(v);
  }

  // ---------------------------------------------------------------- narrow integers

  /** A register holding `r` (an integer of type `t`) sign-extended to 64 bits. */
  sext(r: number, t: Type): number {
    if (t === I64 || r === zero) return r;
    const d = this.tmp();
    this.sextInto(d, r, t);
    return d;
  }
  sextInto(d: number, r: number, t: Type): void {
    if (t === I32) this.emit(rri(O.ADDIW, d, r, 0));
    else if (this.isa.zbb) this.emit(rri(t === I8 ? O.SEXT_B : O.SEXT_H, d, r, 0));
    else {
      const sh = 64 - 8 * bytes(t);
      const s = this.tmp();
      this.emit(rri(O.SLLI, s, r, sh));
      this.emit(rri(O.SRAI, d, s, sh));
    }
  }
  /** A register holding `r` (an integer of type `t`) zero-extended to 64 bits. */
  zext(r: number, t: Type): number {
    if (t === I64 || r === zero) return r;
    const d = this.tmp();
    this.zextInto(d, r, t);
    return d;
  }
  zextInto(d: number, r: number, t: Type): void {
    if (t === I8) this.emit(rri(O.ANDI, d, r, 255));
    else if (t === I16 && this.isa.zbb) this.emit(rri(O.ZEXT_H, d, r, 0));
    else if (t === I32 && this.isa.zba) this.emit(rrr(O.ADD_UW, d, r, zero));
    else {
      const sh = 64 - 8 * bytes(t);
      const s = this.tmp();
      this.emit(rri(O.SLLI, s, r, sh));
      this.emit(rri(O.SRLI, d, s, sh));
    }
  }
  /** Integer value `v` of type `t` extended to 64 bits (signed or not); constants become registers. */
  extended(v: Value, t: Type, signed: boolean): number {
    const c = this.ctx.constHalves(v);
    if (c !== null && t !== I64) {
      const s = signed ? sextHalves(c[0], c[1], t)! : zextHalves(c[0], t);
      return this.constReg(s | 0, signed ? (s < 0 ? -1 : 0) : 0);
    }
    const r = this.regOrZero(v);
    return signed ? this.sext(r, t) : this.zext(r, t);
  }

  // ---------------------------------------------------------------- addresses

  /** An address for `addr + offset` (folds `iadd` of a constant; large offsets go into a register). */
  addrOf(addr: Value, offset: number): Addr {
    const f = this.f;
    let base = addr;
    let off = offset;
    const d = this.ctx.defInst(addr);
    if (d !== -1 && f.instOpcode[d] === IADD && f.valueType[f.result(d, 0)] === I64) {
      const c = this.ctx.constHalves(f.arg(d, 1));
      if (c !== null && c[1] === c[0] >> 31 && fitsImm12(c[0] + off)) {
        base = f.arg(d, 0);
        off += c[0];
      }
    }
    if (fitsImm12(off)) return { base: this.reg(base), off };
    const t = this.tmp();
    this.emit(rrr(O.ADD, t, this.reg(base), this.constReg(off | 0, Math.floor(off / 2 ** 32) | 0)));
    return { base: t, off: 0 };
  }

  /** A load/store addressing stack slot `slot` at `off`: sp-relative, fixed up once the frame is laid out. */
  slotInst(i: MInst, slot: number, off: number): MInst {
    i.rs1 = sp;
    i.imm = this.slotArea.offsets[slot] + off;
    this.slotRefs.push(i);
    this.needsFrame = true;
    return i;
  }
  /** rd <- the address of stack slot `slot` + off. */
  slotAddr(rd: number, slot: number, off: number): void {
    this.emit(this.slotInst(rri(O.ADDI, rd, sp, 0), slot, off));
  }

  /** An instruction reading an incoming stack argument at `off` in the argument area (fp-relative). */
  incomingArg(op: number, rd: number, off: number): MInst {
    this.needsFrame = true;
    return load(op, rd, fp, this.argArea.growth + off);
  }

  unsupported(what: string): never {
    throw new UnsupportedError(what, this.ctx.loc());
  }

  /** A plain `mk` for rules that fill fields themselves. */
  mk(op: number): MInst {
    return mk(op);
  }
}

/** A constant's value sign-extended from the width of `t`, as a JS number when it fits 53 bits, else null. */
export function sextHalves(lo: number, hi: number, t: Type): number | null {
  switch (t) {
    case I8: return (lo << 24) >> 24;
    case I16: return (lo << 16) >> 16;
    case I32: return lo | 0;
    default:
      if (hi === lo >> 31) return lo | 0;
      if (hi >= -0x200000 && hi < 0x200000) return hi * 2 ** 32 + (lo >>> 0);
      return null;
  }
}
export function zextHalves(lo: number, t: Type): number {
  switch (t) {
    case I8: return lo & 0xff;
    case I16: return lo & 0xffff;
    default: return lo >>> 0;
  }
}

/** The register class of a scalar or vector type. */
export function classOf(t: Type): RegClass {
  if (isVector(t)) return RegClass.Vector;
  return t === F16 || t === F32 || t === F64 ? RegClass.Float : RegClass.Int;
}

export function isIntScalar(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64;
}

/** The IR opcode of the instruction defining `v`, or -1. */
export function defOpcode(L: RvLower, v: Value): Opcode | -1 {
  const d = L.ctx.defInst(v);
  return d === -1 ? -1 : (L.f.instOpcode[d] as Opcode);
}

export function resultType(L: RvLower, inst: Inst): Type {
  const f = L.f;
  return f.instResLen[inst] > 0 ? (f.valueType[f.result(inst, 0)] as Type) : (f.instType[inst] as Type);
}
export function argType(L: RvLower, inst: Inst, k: number): Type {
  return L.f.valueType[L.f.resolveAliases(L.f.arg(inst, k))] as Type;
}

export { VREG_BASE };
