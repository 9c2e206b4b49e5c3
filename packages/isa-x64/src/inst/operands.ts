// What each machine instruction does with registers and flags: the contract between the
// instruction set and register allocation / lowering.
//
// Register operands live in the `dst`, `src`, `src2` fields and in a memory operand's base and
// index. `visitOperands` reports each present field once with how the instruction uses it:
//
// - Use: read before any write.
// - Def: written; the old value is dead (any register will do).
// - Mod: read and written in place (x86's two-address forms: `add dst, src`).
// - EarlyDef: written before some Use is read, so it must not share a register with any Use.
//
// Registers an instruction touches without naming them (rax/rdx of div, cl of shifts, rax of
// cmpxchg) are reported through `fixed` as physical registers; lowering moves values in and
// out of them around the instruction. Calls report nothing: their clobbers depend on the
// calling convention, which the ABI supplies.

import { AmodeKind } from './args';
import { AluOp, AVX_FIRST_FMA, BmiOp, type MInst, Op, ShiftOp, SseOp, vexUpperSource, XmmMovOp } from './mod';
import { PACKED_IMM_OPS } from './tables';
import { NO_REG, type PReg, type Reg, RegClass, rax, rbx, rcx, rdi, rdx } from './regs';

export const RegField = { Dst: 0, Src: 1, Src2: 2, Base: 3, Index: 4 } as const;
export type RegField = (typeof RegField)[keyof typeof RegField];

export const OperandKind = { Use: 0, Def: 1, Mod: 2, EarlyDef: 3 } as const;
export type OperandKind = (typeof OperandKind)[keyof typeof OperandKind];

export interface OperandVisitor {
  /** A register field of the instruction, its role and the class of register it needs. */
  reg(field: RegField, kind: OperandKind, cls: RegClass): void;
  /** An implicit physical register. */
  fixed(preg: PReg, kind: OperandKind): void;
}

export function getReg(inst: MInst, field: RegField): Reg {
  switch (field) {
    case RegField.Dst: return inst.dst;
    case RegField.Src: return inst.src;
    case RegField.Src2: return inst.src2;
    case RegField.Base: return inst.mem === null ? NO_REG : inst.mem.base;
    case RegField.Index: return inst.mem === null ? NO_REG : inst.mem.index;
  }
  return NO_REG;
}

/**
 * Rewrite one register field (after allocation). Amodes may be shared between instructions by
 * lowering code, so an allocator that rewrites base/index should give each instruction its own
 * Amode first (or allocate the same register to both users).
 */
export function setReg(inst: MInst, field: RegField, r: Reg): void {
  switch (field) {
    case RegField.Dst: inst.dst = r; return;
    case RegField.Src: inst.src = r; return;
    case RegField.Src2: inst.src2 = r; return;
    case RegField.Base: if (inst.mem !== null) inst.mem.base = r; return;
    case RegField.Index: if (inst.mem !== null) inst.mem.index = r; return;
  }
}

const U = OperandKind.Use, D = OperandKind.Def, M = OperandKind.Mod;
const INT = RegClass.Int, FLT = RegClass.Float;

function mem(inst: MInst, v: OperandVisitor): void {
  const m = inst.mem;
  if (m === null || m.kind !== AmodeKind.Reg) return;
  if (m.base !== NO_REG) v.reg(RegField.Base, U, INT);
  if (m.index !== NO_REG) v.reg(RegField.Index, U, INT);
}

/** The r/m operand: a register field when there is no memory operand. */
function rm(inst: MInst, v: OperandVisitor, field: RegField, kind: OperandKind, cls: RegClass): void {
  if (inst.mem !== null) mem(inst, v);
  else v.reg(field, kind, cls);
}

/** Report every register operand of `inst` to `v`. */
export function visitOperands(inst: MInst, v: OperandVisitor): void {
  switch (inst.op) {
    case Op.MovRR:
      v.reg(RegField.Src, U, INT);
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.MovImm: case Op.MovAbs: case Op.MovAbsSym: case Op.Pop:
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.Load: case Op.Lea:
      mem(inst, v);
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.Store: case Op.AluMR:
      mem(inst, v);
      v.reg(RegField.Src2, U, INT);
      return;
    case Op.StoreImm: case Op.AluMI: case Op.Cmpxchg16b:
      mem(inst, v);
      if (inst.op === Op.Cmpxchg16b) {
        v.fixed(rax, M);
        v.fixed(rdx, M);
        v.fixed(rbx, U);
        v.fixed(rcx, U);
      }
      return;
    case Op.Movzx: case Op.Movsx: case Op.ImulImm: case Op.BitScan: case Op.Bls: case Op.Rorx:
      rm(inst, v, RegField.Src, U, INT);
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.AluRM:
      rm(inst, v, RegField.Src, U, INT);
      v.reg(RegField.Dst, inst.sub === AluOp.Cmp ? U : M, INT);
      return;
    case Op.AluRI:
      v.reg(RegField.Dst, inst.sub === AluOp.Cmp ? U : M, INT);
      return;
    case Op.Test: case Op.Bt:
      rm(inst, v, RegField.Src, U, INT);
      v.reg(RegField.Src2, U, INT);
      return;
    case Op.TestImm: case Op.BtImm: case Op.JmpInd: case Op.CallInd:
      rm(inst, v, RegField.Src, U, INT);
      return;
    case Op.Push:
      v.reg(RegField.Src, U, INT);
      return;
    case Op.Imul: case Op.Cmov:
      rm(inst, v, RegField.Src, U, INT);
      v.reg(RegField.Dst, M, INT);
      return;
    case Op.Unary: case Op.ShiftImm:
      rm(inst, v, RegField.Dst, M, INT);
      return;
    case Op.ShiftCl:
      rm(inst, v, RegField.Dst, M, INT);
      v.fixed(rcx, U);
      return;
    case Op.DShiftImm: case Op.DShiftCl:
      rm(inst, v, RegField.Dst, M, INT);
      v.reg(RegField.Src2, U, INT);
      if (inst.op === Op.DShiftCl) v.fixed(rcx, U);
      return;
    case Op.MulDiv: {
      rm(inst, v, RegField.Src, U, INT);
      v.fixed(rax, M);
      // 8-bit forms use ax only; wider ones use rdx as the high half (an input for div).
      if (inst.size !== 1) v.fixed(rdx, inst.sub >= 6 ? M : D);
      return;
    }
    case Op.Setcc:
      // Only the low byte is written; the rest of the register is unspecified afterwards.
      rm(inst, v, RegField.Dst, D, INT);
      return;
    case Op.SignExtendRax:
      v.fixed(rax, U);
      v.fixed(rdx, D);
      return;
    case Op.Bmi:
      rm(inst, v, RegField.Src, U, INT);
      if (inst.sub === BmiOp.Mulx) {
        // mulx writes both halves of rdx * r/m: high to dst, low to the vvvv register.
        v.fixed(rdx, U);
        v.reg(RegField.Src2, D, INT);
      } else {
        v.reg(RegField.Src2, U, INT);
      }
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.Bswap:
      v.reg(RegField.Dst, M, INT);
      return;
    case Op.Xchg: case Op.Xadd:
      rm(inst, v, RegField.Dst, M, INT);
      v.reg(RegField.Src2, M, INT);
      return;
    case Op.Cmpxchg:
      rm(inst, v, RegField.Dst, M, INT);
      v.reg(RegField.Src2, U, INT);
      v.fixed(rax, M);
      return;
    case Op.XmmMov: {
      v.reg(RegField.Src, U, FLT);
      if (vexUpperSource(inst)) {
        v.reg(RegField.Src2, U, FLT);
        v.reg(RegField.Dst, D, FLT);
        return;
      }
      // movss/movsd between registers merge into the destination's upper lanes.
      const merges = inst.sub === XmmMovOp.Movss || inst.sub === XmmMovOp.Movsd;
      v.reg(RegField.Dst, merges ? M : D, FLT);
      return;
    }
    case Op.XmmLoad:
      mem(inst, v);
      v.reg(RegField.Dst, D, FLT);
      return;
    case Op.XmmStore:
      mem(inst, v);
      v.reg(RegField.Src2, U, FLT);
      return;
    case Op.GprToXmm:
      rm(inst, v, RegField.Src, U, INT);
      v.reg(RegField.Dst, D, FLT);
      return;
    case Op.XmmToGpr:
      v.reg(RegField.Src2, U, FLT);
      rm(inst, v, RegField.Dst, D, INT);
      return;
    case Op.XmmRM: {
      rm(inst, v, RegField.Src, U, FLT);
      const cmp = inst.sub >= SseOp.Ucomiss && inst.sub <= SseOp.Comisd;
      // pmovsx/pmovzx only write the destination (their memory forms are plain loads).
      const widen = inst.sub >= SseOp.Pmovsxbw && inst.sub <= SseOp.Pmovzxdq;
      v.reg(RegField.Dst, cmp ? U : widen ? D : M, FLT);
      return;
    }
    case Op.XmmRMImm: case Op.CvtIntToFloat:
      // roundss, cmpss and cvtsi2ss merge into the destination's upper lanes; their VEX forms
      // take those lanes from src2 instead.
      rm(inst, v, RegField.Src, U, inst.op === Op.CvtIntToFloat ? INT : FLT);
      if (vexUpperSource(inst)) {
        v.reg(RegField.Src2, U, FLT);
        v.reg(RegField.Dst, D, FLT);
      } else {
        v.reg(RegField.Dst, M, FLT);
      }
      return;
    case Op.CvtFloatToInt:
      rm(inst, v, RegField.Src, U, FLT);
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.XmmRVM:
      rm(inst, v, RegField.Src, U, FLT);
      v.reg(RegField.Src2, U, FLT);
      v.reg(RegField.Dst, inst.sub >= AVX_FIRST_FMA ? M : D, FLT);
      return;
    case Op.XmmCmove: case Op.XmmMinMax:
      v.reg(RegField.Src, U, FLT);
      v.reg(RegField.Dst, M, FLT);
      return;
    case Op.XmmRMImmP:
      rm(inst, v, RegField.Src, U, FLT);
      v.reg(RegField.Dst, PACKED_IMM_OPS[inst.sub]?.readsDst ? M : D, FLT);
      return;
    case Op.XmmShiftImm:
      v.reg(RegField.Dst, M, FLT);
      return;
    case Op.XmmExtract:
      v.reg(RegField.Src, U, FLT);
      v.reg(RegField.Dst, D, INT);
      return;
    case Op.XmmInsert:
      v.reg(RegField.Src, U, INT);
      v.reg(RegField.Dst, M, FLT);
      return;
    case Op.TlsGd:
      // A call: the ABI adds the caller-saved clobbers.
      v.fixed(rdi, D);
      v.fixed(rax, D);
      return;
    case Op.JumpTable:
      v.reg(RegField.Src, U, INT);
      v.reg(RegField.Dst, OperandKind.EarlyDef, INT);
      v.reg(RegField.Src2, OperandKind.EarlyDef, INT);
      return;
    default:
      // Jmp, Jcc, CallSym, CallLabel, Ret, Ud2, Int3, Nop, Fence: no register operands.
      return;
  }
}

export const FlagEffect = { None: 0, Reads: 1, Writes: 2, ReadsWrites: 3 } as const;
export type FlagEffect = (typeof FlagEffect)[keyof typeof FlagEffect];

/** Whether `inst` reads and/or writes the condition flags (lowering must not separate a flag
 * producer from its consumer by a writer). */
export function flagEffect(inst: MInst): FlagEffect {
  switch (inst.op) {
    case Op.AluRM: case Op.AluRI: case Op.AluMR: case Op.AluMI:
      return inst.sub === AluOp.Adc || inst.sub === AluOp.Sbb ? FlagEffect.ReadsWrites : FlagEffect.Writes;
    case Op.ShiftImm: case Op.ShiftCl:
      return inst.sub === ShiftOp.Rcl || inst.sub === ShiftOp.Rcr ? FlagEffect.ReadsWrites : FlagEffect.Writes;
    case Op.Unary:
      return inst.sub === 2 ? FlagEffect.None : FlagEffect.Writes; // not leaves flags alone
    case Op.Bmi:
      return inst.sub >= BmiOp.Shlx ? FlagEffect.None : FlagEffect.Writes;
    case Op.Test: case Op.TestImm: case Op.Imul: case Op.ImulImm: case Op.MulDiv:
    case Op.DShiftImm: case Op.DShiftCl: case Op.Bt: case Op.BtImm: case Op.BitScan: case Op.Bls:
    case Op.Cmpxchg: case Op.Cmpxchg16b: case Op.Xadd: case Op.JumpTable:
      return FlagEffect.Writes;
    case Op.XmmMinMax:
      return FlagEffect.Writes;
    case Op.CallSym: case Op.CallLabel: case Op.CallInd: case Op.TlsGd:
      // The callee does not preserve the flags.
      return FlagEffect.Writes;
    case Op.XmmRM:
      return inst.sub >= SseOp.Ucomiss && inst.sub <= SseOp.Comisd ? FlagEffect.Writes : FlagEffect.None;
    case Op.Setcc: case Op.Cmov: case Op.Jcc:
      return FlagEffect.Reads;
    case Op.XmmCmove:
      return FlagEffect.Reads;
    default:
      return FlagEffect.None;
  }
}

/** Instructions that end a block: control never falls through to the next instruction. */
export function isTerminator(inst: MInst): boolean {
  switch (inst.op) {
    case Op.Jmp: case Op.JmpInd: case Op.JmpSym: case Op.Ret: case Op.Ud2: case Op.JumpTable:
      return true;
    default:
      return false;
  }
}
