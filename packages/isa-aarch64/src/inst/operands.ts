// Register roles of each instruction, for the register allocator: which of the fields rd, rn,
// rm, ra the instruction reads, writes, or reads and writes (`Mod`: movk, bfm, accumulating
// vector ops, inserts). Physical registers in fields are not reported (fixed registers travel
// in the lowering's extra facts instead).

import { AddrMode } from './args';
import { EXCL, LDST, PAIR } from './tables';
import { type MInst, Op } from './mod';
import { NEON, VForm } from './neon';
import { NO_REG, type Reg } from './regs';

export const OperandKind = { Use: 0, Def: 1, Mod: 2, EarlyDef: 3 } as const;
export type OperandKind = (typeof OperandKind)[keyof typeof OperandKind];

/** Register fields of an MInst, as numbered in operand reports and `getReg`/`setReg`. */
export const Field = { Rd: 0, Rn: 1, Rm: 2, Ra: 3 } as const;
export type Field = (typeof Field)[keyof typeof Field];

export interface OperandVisitor {
  reg(field: Field, kind: OperandKind): void;
}

export function getReg(i: MInst, f: number): Reg {
  switch (f) {
    case 0: return i.rd;
    case 1: return i.rn;
    case 2: return i.rm;
    default: return i.ra;
  }
}
export function setReg(i: MInst, f: number, r: Reg): void {
  switch (f) {
    case 0: i.rd = r; break;
    case 1: i.rn = r; break;
    case 2: i.rm = r; break;
    default: i.ra = r;
  }
}

const U = OperandKind.Use;
const D = OperandKind.Def;
const M = OperandKind.Mod;

/** Whether the address of a load/store reads rn (and rm). */
function addrRegs(i: MInst, v: OperandVisitor): void {
  switch (i.mode) {
    case AddrMode.RegOffset:
      v.reg(1, U);
      v.reg(2, U);
      return;
    case AddrMode.Offset: case AddrMode.PreIndex: case AddrMode.PostIndex:
      v.reg(1, U);
      return;
    default:
  }
}

/** Reports the register operands of `i`, in a fixed order per op: uses first, then defs. */
export function visitOperands(i: MInst, v: OperandVisitor): void {
  switch (i.op) {
    case Op.AluRRR: case Op.AluRRRExtend: case Op.DataProc2: case Op.Extr: case Op.CSel:
    case Op.FpRRR: case Op.FpCsel:
      v.reg(1, U);
      v.reg(2, U);
      v.reg(0, D);
      return;
    case Op.AluRRImm12: case Op.AluRRImmLogic: case Op.DataProc1: case Op.AddLo12: case Op.LdrLo12:
    case Op.FpRR: case Op.FpCvt: case Op.FpToInt: case Op.IntToFp: case Op.FMovToGpr:
      v.reg(1, U);
      v.reg(0, D);
      return;
    case Op.MovWide:
      v.reg(0, i.sub === 3 ? M : D);
      return;
    case Op.DataProc3: case Op.FpRRRR:
      v.reg(1, U);
      v.reg(2, U);
      if (i.ra !== NO_REG && !(i.op === Op.DataProc3 && (i.sub === 4 || i.sub === 7))) v.reg(3, U);
      v.reg(0, D);
      return;
    case Op.Bitfield:
      v.reg(1, U);
      v.reg(0, i.sub === 1 ? M : D);
      return;
    case Op.CCmp: case Op.FpCmp:
      v.reg(1, U);
      if (i.rm !== NO_REG) v.reg(2, U);
      return;
    case Op.CCmpImm: case Op.Cbz: case Op.Tbz: case Op.Br: case Op.Blr:
      v.reg(1, U);
      return;
    case Op.LdSt: {
      const row = LDST[i.sub];
      addrRegs(i, v);
      v.reg(0, row !== undefined && row.store ? U : D);
      return;
    }
    case Op.LdStPair: {
      const row = PAIR[i.sub];
      addrRegs(i, v);
      const k = row !== undefined && row.l ? D : U;
      v.reg(0, k);
      v.reg(3, k);
      return;
    }
    case Op.Excl: {
      const row = EXCL[i.sub];
      v.reg(1, U);
      if (row === undefined || row.load) {
        v.reg(0, D);
        if (row?.pair) v.reg(3, D);
      } else {
        v.reg(0, U);
        if (row.pair) v.reg(3, U);
        if (row.status) v.reg(2, OperandKind.EarlyDef);
      }
      return;
    }
    case Op.Lse:
      v.reg(1, U);
      v.reg(2, U);
      v.reg(0, D);
      return;
    case Op.Cas:
      v.reg(1, U);
      v.reg(0, U);
      v.reg(2, M);
      return;
    case Op.Casp:
      v.reg(1, U);
      return;
    case Op.Adr: case Op.Adrp: case Op.MrsTpidr: case Op.FpImm: case Op.LoadConst: case Op.StackAddr:
      v.reg(0, D);
      return;
    case Op.FMovFromGpr:
      v.reg(1, U);
      v.reg(0, i.imm === 1 ? M : D);
      return;
    case Op.Vec:
      visitVec(i, v);
      return;
    case Op.AtomicLoop: case Op.AtomicCasLoop:
      // Inputs are read again in every iteration, after the old value is written: early def.
      v.reg(1, U);
      v.reg(2, U);
      if (i.op === Op.AtomicCasLoop) v.reg(3, U);
      v.reg(0, OperandKind.EarlyDef);
      return;
    case Op.JumpTable:
      v.reg(1, U);
      v.reg(0, OperandKind.EarlyDef);
      v.reg(3, OperandKind.EarlyDef);
      return;
    case Op.Call: case Op.TailCall:
      if (i.rn !== NO_REG) v.reg(1, U);
      return;
    default:
  }
}

function visitVec(i: MInst, v: OperandVisitor): void {
  const row = NEON[i.sub];
  if (row === undefined) return;
  const q = i.sz & 1;
  switch (row.form) {
    case VForm.Same: case VForm.SameBytes: case VForm.SameF: case VForm.Long: case VForm.Wide: case VForm.Ext: case VForm.Tbl:
    case VForm.Dot:
      v.reg(1, U);
      v.reg(2, U);
      break;
    case VForm.ModImm:
      break;
    case VForm.LdStLane:
      v.reg(1, U);
      if (row.mem === 'store') {
        v.reg(0, U);
        return;
      }
      break;
    default:
      v.reg(1, U);
  }
  // The "2" forms of narrowing instructions write the upper half and keep the lower one.
  const keepsLow = q === 1 && (row.form === VForm.Narrow || row.form === VForm.NarrowF || row.form === VForm.ShiftRN);
  v.reg(0, row.acc || keepsLow ? M : D);
}
