// Per-function lowering state of the AArch64 backend and the helpers its rules share: virtual
// registers in MInst fields, operand facts for the allocator, constants, immediates, trap stubs
// and stack-slot addresses fixed up after frame layout.

import {
  type Function, type Type, type Value,
  F128, F16, F32, F64, I16, I32, I64, I8, bytes, isVector, typeName,
} from '@windlass/ir';
import {
  ConstantTable, type LowerCtx, type PoolConstant, StackSlotArea, type TrapStub, TrapStubs, UnsupportedError,
} from '@windlass/codegen';
import { Constraint, OperandKind as RAKind, OperandPos, RegClass as RAClass } from '@windlass/regalloc';
import {
  AluOp, Arr, type MInst, OperandKind, type Reg, RegClass, type Sf, VREG_BASE, aluRRR, getReg, isPhysical, loadConst, type Field,
  vec, V, visitOperands, xzr,
} from '../inst';
import { type ArgAreaPlan, planArgArea } from '../abi/aapcs';

/** Allocation facts an instruction adds to its register fields. */
export interface A64Extra {
  /** vregs feeding the instruction's Mod register fields, in `visitOperands` order. */
  tied?: number[];
  /** The one vreg feeding the instruction's single Mod register field. */
  tie?: number;
  /** (vreg, preg) pairs: values read in fixed registers. */
  fixedUses?: number[];
  /** (vreg, preg) pairs: values defined in fixed registers. */
  fixedDefs?: number[];
  /** Registers overwritten without a def. */
  clobbers?: readonly number[];
  /** The fixed defs are written before the uses are read (pseudo-instruction loops). */
  earlyFixedDefs?: boolean;
  /** Extra register uses and early defs of pseudo-instructions, as (vreg, role) pairs; role 0 use, 1 early def. */
  pseudo?: number[];
  /** A try_call (the block's terminator): its successors' edge-block labels (see lower/exceptions.ts). */
  tryCall?: TryCallSite;
}

/** The labels a try_call's call instruction records for emission. */
export interface TryCallSite {
  /** Edge block of the normal return (the call falls through or branches there). */
  readonly normal: number;
  /** Handlers in table order: the tag (null: `default`) and the landing pad's label. */
  readonly handlers: readonly { readonly tag: number | null; readonly label: number }[];
}

export type Ctx = LowerCtx<MInst, A64Extra>;
export type { PoolConstant, TrapStub };

/** ISA feature flags (target-line flags and the shared settings) the rules consult. */
export interface IsaFeatures {
  readonly lse: boolean;
  readonly fp16: boolean;
  readonly pauth: boolean;
  readonly dotprod: boolean;
  /** Sign return addresses: 'none', 'nonleaf' (sign_return_address), 'all' (..._all too). */
  readonly signReturn: 'none' | 'nonleaf' | 'all';
  readonly bkey: boolean;
  readonly bti: boolean;
  readonly csdb: boolean;
  readonly pinnedReg: boolean;
  readonly tlsModel: string;
  readonly stackSwitchModel: string;
  readonly probestack: boolean;
  readonly probestackInline: boolean;
  readonly probestackSizeLog2: number;
  readonly preserveFramePointers: boolean;
  readonly isPic: boolean;
  readonly jumpTableSpectre: boolean;
}

/** The integer register width of a scalar integer type: 1 (X) for i64, 0 (W) for narrower. */
export function sfOf(t: Type): Sf {
  return t === I64 ? 1 : 0;
}
export function isScalarInt(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64;
}
export function isFloatScalar(t: Type): boolean {
  return t === F32 || t === F64;
}
/** FpSize of a scalar float or of a v-register value of `n` bytes. */
export function fpSizeOf(t: Type): number {
  switch (bytes(t)) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default: return 4;
  }
}

/** Per-function state the rules share. */
export class A64Lower {
  private readonly trapStubs = new TrapStubs();
  private readonly constantTable = new ConstantTable();
  /** The stack slots and call return areas. */
  readonly slotArea: StackSlotArea;
  /** Largest outgoing argument area of any call. */
  outgoingBytes = 0;
  /** vreg (with VREG_BASE) of the incoming return-area pointer, or -1. */
  retAreaPtr = -1;
  /** The incoming stack-argument area (tail calls may grow it, see abi/frame.ts). */
  readonly argArea: ArgAreaPlan;
  /** Labels of each jump table, by the index a JumpTable instruction holds. */
  readonly jumpTables: number[][] = [];
  /** The function calls another (its frame needs the link register saved). */
  hasCalls = false;
  /** The function reads its frame pointer or return address (a frame record is required). */
  needsFrame = false;
  /** Callee-saved registers an exception edge clobbers (saved by the prologue whether written or not). */
  readonly extraSaved = new Set<number>();
  /** Labels of blocks an indirect branch reaches (jump-table targets: `bti j` with use_bti). */
  readonly indirectTargets = new Set<number>();
  private nextLabelBase: number;
  private labelCount = 0;
  private readonly newLabelFn = (): number => this.newLabel();

  constructor(readonly ctx: Ctx, readonly f: Function, readonly features: IsaFeatures, firstFreeLabel: number) {
    this.nextLabelBase = firstFreeLabel;
    this.argArea = planArgArea(f);
    this.slotArea = new StackSlotArea(f);
    // Dynamic stack slots: without SVE every dynamic vector type has scale 1, so a slot holds
    // one base vector.
    f.dynamicStackSlots.forEach((s, k) => {
      if (s === undefined) return;
      const dt = f.dynamicTypes[s.dynamicType];
      this.dynamicSlots[k] = this.slotArea.addArea(dt === undefined ? 16 : bytes(dt.baseVectorType));
    });
  }
  /** Area slot id of each dynamic stack slot. */
  readonly dynamicSlots: number[] = [];
  /** Per try_call instruction: the return-area slot its normal return reads (-1: registers). */
  readonly tryCallAreas = new Map<number, number>();

  get traps(): readonly TrapStub[] {
    return this.trapStubs.list;
  }
  get constants(): readonly PoolConstant[] {
    return this.constantTable.list;
  }

  /** A label for out-of-line code (trap stubs, constants), numbered after every block and edge label. */
  newLabel(): number {
    return this.nextLabelBase + 1_000_000 + this.labelCount++;
  }
  /** A label that, when jumped to, traps with `code`. */
  trapLabel(code: number): number {
    return this.trapStubs.labelFor(code, this.newLabelFn);
  }
  /** The label of `bytes` in the constant pool (within reach of `ldr` literal: the buffer places it). */
  constLabel(bytes: Uint8Array, align = bytes.length): number {
    return this.constantTable.labelFor(bytes, align, this.newLabelFn);
  }
  /** Adds a 16-aligned area of `size` bytes to the slot area; returns its slot id. */
  addAreaSlot(size: number): number {
    return this.slotArea.addArea(size);
  }
  /** Offset of stack slot `slot` in the slot area. */
  slotOffset(slot: number): number {
    return this.slotArea.offsets[slot];
  }

  // ---------------------------------------------------------------- registers

  gpr(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  pair(v: Value): [number, number] {
    const [lo, hi] = this.ctx.putPair(v);
    return [lo + VREG_BASE, hi + VREG_BASE];
  }
  vr(v: Value): number {
    return this.ctx.put(v) + VREG_BASE;
  }
  tmp(cls: number = RegClass.Int): number {
    return this.ctx.alloc(cls as RAClass) + VREG_BASE;
  }
  vtmp(): number {
    return this.tmp(RegClass.Float);
  }
  /** The result register of the instruction being lowered (result k). */
  out(k = 0): number {
    return this.ctx.put(this.ctx.result(k)) + VREG_BASE;
  }
  outPair(k = 0): [number, number] {
    return this.pair(this.ctx.result(k));
  }

  emit(i: MInst, extra: A64Extra | null = null): void {
    this.ctx.emit(i, extra);
  }
  /** An instruction whose Mod fields read the given registers (in visit order). */
  emitMod(i: MInst, tied: number, tied2 = -1): void {
    this.ctx.emit(i, tied2 < 0 ? { tie: tied - VREG_BASE } : { tied: [tied - VREG_BASE, tied2 - VREG_BASE] });
  }
  /** dst <- src, 64-bit general registers (a coalescable move). */
  move(dst: number, src: number): void {
    this.ctx.emitMove(aluRRR(AluOp.Orr, 1, dst, xzr, src));
  }
  /** dst <- src, whole v registers (a coalescable move). */
  vmove(dst: number, src: number): void {
    this.ctx.emitMove(vec(V.mov, Arr.B16, dst, src));
  }
  /** dst <- the constant (lo, hi); `sf` 0 for a 32-bit constant. */
  constInto(dst: number, lo: number, hi: number, sf: Sf = 1): void {
    this.emit(loadConst(sf, dst, lo, sf ? hi : 0));
  }
  constReg(lo: number, hi: number, sf: Sf = 1): number {
    if (lo === 0 && (hi === 0 || !sf)) return xzr;
    const r = this.tmp();
    this.constInto(r, lo, hi, sf);
    return r;
  }

  /** The constant [lo, hi] of `v` when it is an `iconst`, else null. */
  constOf(v: Value): [number, number] | null {
    return this.ctx.constHalves(v);
  }

  unsupported(what: string): never {
    throw new UnsupportedError(what, this.ctx.loc());
  }
  typeName(t: Type): string {
    return typeName(t);
  }
}

/** Whether a CLIF type lives in a v register. */
export function inVReg(t: Type): boolean {
  return t === F16 || t === F32 || t === F64 || t === F128 || (isVector(t) && bytes(t) <= 16);
}

// ---------------------------------------------------------------- operand collection

type Sink = { operand(vreg: number, kind: RAKind, pos: OperandPos, c: Constraint, arg: number, field: number): void; clobber(p: number): void };

/**
 * Translates `visitOperands` reports into allocator operands. One instance is reused for every
 * instruction (no closure or array per instruction on this hot path).
 */
class OperandCollector {
  inst!: MInst;
  extra: A64Extra | null = null;
  sink!: Sink;
  count = 0;
  tiedIdx = 0;

  reg(field: Field, kind: OperandKind): void {
    const r: Reg = getReg(this.inst, field);
    if (r < 0 || isPhysical(r)) return;
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
        if (t === undefined) throw new UnsupportedError(`internal: aarch64 op ${this.inst.op} has a Mod operand without a tied input`);
        sink.operand(t, RAKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
        sink.operand(v, RAKind.Def, OperandPos.Late, Constraint.Reuse, this.count, field);
        this.count += 2;
        return;
      }
    }
  }

  run(inst: MInst, extra: A64Extra | null, sink: Sink): void {
    this.inst = inst;
    this.extra = extra;
    this.sink = sink;
    this.count = 0;
    this.tiedIdx = 0;
    visitOperands(inst, this);
    if (extra === null) return;
    const p = extra.pseudo;
    if (p) {
      for (let k = 0; k < p.length; k += 2) {
        if (p[k + 1] === 0) sink.operand(p[k], RAKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
        else sink.operand(p[k], RAKind.Def, OperandPos.Early, Constraint.Reg, 0, -1);
      }
    }
    const fu = extra.fixedUses;
    if (fu) for (let k = 0; k < fu.length; k += 2) sink.operand(fu[k], RAKind.Use, OperandPos.Early, Constraint.Fixed, fu[k + 1], -1);
    const fd = extra.fixedDefs;
    const defPos = extra.earlyFixedDefs ? OperandPos.Early : OperandPos.Late;
    if (fd) for (let k = 0; k < fd.length; k += 2) sink.operand(fd[k], RAKind.Def, defPos, Constraint.Fixed, fd[k + 1], -1);
    if (extra.clobbers) for (const c of extra.clobbers) sink.clobber(c);
  }
}

const collector = new OperandCollector();

/** Reports an MInst's operands (with its A64Extra) to the VCode operand sink. */
export function collectOperands(inst: MInst, extra: A64Extra | null, sink: Sink): void {
  collector.run(inst, extra, sink);
}
