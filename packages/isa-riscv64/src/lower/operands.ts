// What the register allocator sees of each instruction: its register fields as uses and defs
// (by the table's operand classes), fixed-register operands and clobbers from the RvExtra.

import { Constraint, OperandKind, OperandPos } from '@windlass/regalloc';
import { type MInst, Pseudo } from '../inst/mod';
import { Fmt, TABLE_SIZE, opInfo } from '../inst/ops';
import { VREG_BASE } from '../inst/regs';
import type { RvExtra } from './state';

export interface OperandSink {
  operand(vreg: number, kind: OperandKind, pos: OperandPos, c: Constraint, arg: number, field: number): void;
  clobber(p: number): void;
}

/** Register fields, by number: 0 rd, 1 rs1, 2 rs2, 3 rs3, 4 + k the k-th register of `more`. */
export function getField(i: MInst, field: number): number {
  switch (field) {
    case 0: return i.rd;
    case 1: return i.rs1;
    case 2: return i.rs2;
    case 3: return i.rs3;
    default: return i.more === null ? -1 : i.more[field - 4];
  }
}
export function setField(i: MInst, field: number, preg: number): void {
  switch (field) {
    case 0: i.rd = preg; break;
    case 1: i.rs1 = preg; break;
    case 2: i.rs2 = preg; break;
    case 3: i.rs3 = preg; break;
    default: i.more![field - 4] = preg; break;
  }
}

/** Reports the operands of `i` to `sink`, in a fixed order (uses before defs). */
export function collectOperands(i: MInst, x: RvExtra | null, sink: OperandSink): void {
  let n = 0;
  const use = (field: number): void => {
    const r = getField(i, field);
    if (r >= VREG_BASE) {
      sink.operand(r - VREG_BASE, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, field);
      n++;
    }
  };
  const def = (field: number, early: boolean): void => {
    const r = getField(i, field);
    if (r >= VREG_BASE) {
      sink.operand(r - VREG_BASE, OperandKind.Def, early ? OperandPos.Early : OperandPos.Late, Constraint.Reg, 0, field);
      n++;
    }
  };
  if (x !== null) {
    const fu = x.fixedUses;
    if (fu !== undefined) for (let k = 0; k < fu.length; k += 2) { sink.operand(fu[k], OperandKind.Use, OperandPos.Early, Constraint.Fixed, fu[k + 1], -1); n++; }
  }
  const op = i.op;
  if (op < TABLE_SIZE) {
    const info = opInfo(op);
    const fmt = info.fmt;
    use(1);
    use(2);
    use(3);
    if (fmt === Fmt.Store || fmt === Fmt.B || fmt === Fmt.VStore) use(0);
    else if (x !== null && x.tie !== undefined) {
      sink.operand(x.tie, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
      const tieIndex = n++;
      if (i.rd >= VREG_BASE) sink.operand(i.rd - VREG_BASE, OperandKind.Def, OperandPos.Late, Constraint.Reuse, tieIndex, 0);
    } else {
      // A masked vector instruction's destination may not be v0, where its mask is read.
      def(0, info.earlyDef || (info.ext === 'v' && i.aux === 1));
    }
  } else {
    switch (op) {
      case Pseudo.Li: case Pseudo.LoadConst: case Pseudo.LoadAddr: case Pseudo.LoadSym:
        def(0, false);
        break;
      case Pseudo.BrTable:
        use(1);
        def(0, true);
        break;
      case Pseudo.Seq: {
        use(1);
        use(2);
        use(3);
        const more = i.more;
        // Registers of `more` below `moreUses` are inputs; the rest are temporaries.
        if (more !== null) for (let k = 0; k < i.moreUses; k++) use(4 + k);
        if (x !== null && x.tie !== undefined) {
          sink.operand(x.tie, OperandKind.Use, OperandPos.Early, Constraint.Reg, 0, -1);
          const tieIndex = n++;
          if (i.rd >= VREG_BASE) sink.operand(i.rd - VREG_BASE, OperandKind.Def, OperandPos.Late, Constraint.Reuse, tieIndex, 0);
        } else def(0, true);
        if (more !== null) for (let k = i.moreUses; k < more.length; k++) def(4 + k, true);
        break;
      }
      default:
        use(1);
        break;
    }
  }
  if (x !== null) {
    const fd = x.fixedDefs;
    if (fd !== undefined) for (let k = 0; k < fd.length; k += 2) sink.operand(fd[k], OperandKind.Def, OperandPos.Late, Constraint.Fixed, fd[k + 1], -1);
    const cl = x.clobbers;
    if (cl !== undefined) for (let k = 0; k < cl.length; k++) sink.clobber(cl[k]);
  }
}
