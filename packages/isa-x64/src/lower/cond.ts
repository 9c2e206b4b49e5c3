// Condition lowering shared by icmp/fcmp, brif, select, trapz/trapnz: emit the flag-setting
// compare and return the condition(s) that hold.

import {
  type Inst, type Type, type Value, F16, F128, FCMP, FloatCC, I128, ICMP, ICMP_IMM, IntCC, SEXTEND, UEXTEND, bytes,
} from '@windlass/ir';
import { AluOp, CC, SseOp, aluRI, aluRM, test, xmmRM, type MInst } from '../inst';
import { exactSize, type X64Lower } from './state';
import { f128Cond, f16ToF32 } from './float-soft';

/** One condition code, or two combined (float eq / ne need two flags). */
export interface Cond {
  cc: CC;
  /** Second condition, or -1. */
  cc2: number;
  /** true: both must hold (cc && cc2); false: either (cc || cc2). */
  and: boolean;
}

const INT_CC: readonly CC[] = [CC.E, CC.NE, CC.L, CC.GE, CC.G, CC.LE, CC.B, CC.AE, CC.A, CC.BE];

export function intCC(c: IntCC): CC {
  return INT_CC[c];
}

/** Emits `cmp a, b` (b a register, an immediate or a sunk load) and returns the condition. */
export function lowerIcmp(L: X64Lower, cc: IntCC, a: Value, b: Value | null, bImm: number, t: Type, user: Inst): Cond {
  if (t === I128) return lowerIcmp128(L, cc, a, b, bImm);
  const size = exactSize(t);
  const ra = L.gpr(a);
  if (b === null) {
    if (bImm === 0 && (cc === IntCC.Eq || cc === IntCC.Ne)) L.emit(test(size, ra, ra));
    else L.emit(aluRI(AluOp.Cmp, size, ra, bImm));
  } else {
    const imm = size >= 4 ? L.imm32(b, t) : null;
    if (imm !== null) {
      if (imm === 0 && (cc === IntCC.Eq || cc === IntCC.Ne)) L.emit(test(size, ra, ra));
      else L.emit(aluRI(AluOp.Cmp, size, ra, imm));
    } else {
      // A compare fused into several users is emitted once per user: it may not consume the load.
      const m = user >= 0 ? L.sinkLoad(b, user as Inst, t) : null;
      L.emit(aluRM(AluOp.Cmp, size, ra, m ?? L.gpr(b)));
    }
  }
  return { cc: intCC(cc), cc2: -1, and: false };
}

function lowerIcmp128(L: X64Lower, cc: IntCC, a: Value, b: Value | null, bImm: number): Cond {
  const [alo, ahi] = L.pair(a);
  let blo: number;
  let bhi: number;
  if (b === null) {
    blo = L.constReg(bImm, bImm >> 31);
    bhi = L.constReg(bImm >> 31, bImm >> 31);
  } else {
    [blo, bhi] = L.pair(b);
  }
  if (cc === IntCC.Eq || cc === IntCC.Ne) {
    const t1 = L.tmp();
    const t2 = L.tmp();
    const t3 = L.tmp();
    L.emitMod(aluRM(AluOp.Xor, 8, t1, blo), alo);
    L.emitMod(aluRM(AluOp.Xor, 8, t2, bhi), ahi);
    L.emitMod(aluRM(AluOp.Or, 8, t3, t2), t1);
    return { cc: cc === IntCC.Eq ? CC.E : CC.NE, cc2: -1, and: false };
  }
  // a < b  <=>  the 128-bit subtraction a - b borrows (unsigned) / is negative without overflow
  // (signed): cmp lo, then sbb hi. For > and <= swap the operands.
  let x = [alo, ahi];
  let y = [blo, bhi];
  let c: CC;
  switch (cc) {
    case IntCC.Slt: c = CC.L; break;
    case IntCC.Sge: c = CC.GE; break;
    case IntCC.Ult: c = CC.B; break;
    case IntCC.Uge: c = CC.AE; break;
    case IntCC.Sgt: c = CC.L; [x, y] = [y, x]; break;
    case IntCC.Sle: c = CC.GE; [x, y] = [y, x]; break;
    case IntCC.Ugt: c = CC.B; [x, y] = [y, x]; break;
    default: c = CC.AE; [x, y] = [y, x]; break;
  }
  const t = L.tmp();
  L.emit(aluRM(AluOp.Cmp, 8, x[0], y[0]));
  L.emitMod(aluRM(AluOp.Sbb, 8, t, y[1]), x[1]);
  return { cc: c, cc2: -1, and: false };
}

/** ucomiss/ucomisd of a and b (swapped for lt/le/ugt/uge) and the condition. */
export function lowerFcmp(L: X64Lower, cc: FloatCC, a: Value, b: Value, t: Type): Cond {
  // f128: libgcc compare routines; f16: both sides widened to f32 (exact), then ucomiss.
  if (t === F128) return f128Cond(L, cc, L.xmmOf(a), L.xmmOf(b));
  const op = bytes(t) === 8 ? SseOp.Ucomisd : SseOp.Ucomiss;
  let x = a;
  let y = b;
  let c: Cond;
  switch (cc) {
    case FloatCC.Ord: c = { cc: CC.NP, cc2: -1, and: false }; break;
    case FloatCC.Uno: c = { cc: CC.P, cc2: -1, and: false }; break;
    case FloatCC.Eq: c = { cc: CC.E, cc2: CC.NP, and: true }; break;
    case FloatCC.Ne: c = { cc: CC.NE, cc2: CC.P, and: false }; break;
    case FloatCC.One: c = { cc: CC.NE, cc2: -1, and: false }; break;
    case FloatCC.Ueq: c = { cc: CC.E, cc2: -1, and: false }; break;
    case FloatCC.Gt: c = { cc: CC.A, cc2: -1, and: false }; break;
    case FloatCC.Ge: c = { cc: CC.AE, cc2: -1, and: false }; break;
    case FloatCC.Lt: c = { cc: CC.A, cc2: -1, and: false }; [x, y] = [b, a]; break;
    case FloatCC.Le: c = { cc: CC.AE, cc2: -1, and: false }; [x, y] = [b, a]; break;
    case FloatCC.Ult: c = { cc: CC.B, cc2: -1, and: false }; break;
    case FloatCC.Ule: c = { cc: CC.BE, cc2: -1, and: false }; break;
    case FloatCC.Ugt: c = { cc: CC.B, cc2: -1, and: false }; [x, y] = [b, a]; break;
    default: c = { cc: CC.BE, cc2: -1, and: false }; [x, y] = [b, a]; break;
  }
  if (t === F16) {
    const fx = f16ToF32(L, L.xmmOf(x));
    L.emit(xmmRM(op, fx, f16ToF32(L, L.xmmOf(y))));
    return c;
  }
  L.emit(xmmRM(op, L.xmmOf(x), L.xmmOf(y)));
  return c;
}

/**
 * The condition "v is true" for a branch/select/trap on `v`: fuses a defining icmp/fcmp
 * (recomputing it is cheaper than materializing the flag), else tests v against zero.
 */
export function condOf(L: X64Lower, v: Value, user: Inst): Cond {
  const f = L.f;
  const d = L.ctx.defInst(v);
  if (d !== -1) {
    const op = f.instOpcode[d];
    if (L.ctx.useCountOf(v) !== 1) user = -1 as Inst;
    if (op === ICMP) {
      const a = f.arg(d, 0);
      return lowerIcmp(L, f.instImm0[d] as IntCC, a, f.arg(d, 1), 0, f.valueType[a] as Type, user);
    }
    if (op === ICMP_IMM) {
      const a = f.arg(d, 0);
      const t = f.valueType[a] as Type;
      const [lo, hi] = [f.instImm1[d], f.instImm2[d]];
      if (t === I128 || bytes(t) <= 4 || hi === lo >> 31) return lowerIcmp(L, f.instImm0[d] as IntCC, a, null, lo | 0, t, user);
      const r = L.constReg(lo, hi);
      L.emit(aluRM(AluOp.Cmp, 8, L.gpr(a), r));
      return { cc: intCC(f.instImm0[d] as IntCC), cc2: -1, and: false };
    }
    if (op === FCMP) {
      const a = f.arg(d, 0);
      return lowerFcmp(L, f.instImm0[d] as FloatCC, a, f.arg(d, 1), f.valueType[a] as Type);
    }
    // An extension is non-zero exactly when its operand is: `icmp; uextend; brif` is one
    // compare and branch. (The operand's compare is emitted again for each such user.)
    if ((op === UEXTEND || op === SEXTEND) && f.valueType[f.arg(d, 0)] !== I128) return condOf(L, f.arg(d, 0), -1 as Inst);
  }
  const t = f.valueType[f.resolveAliases(v)] as Type;
  if (t === I128) {
    const [lo, hi] = L.pair(v);
    const tmp = L.tmp();
    L.emitMod(aluRM(AluOp.Or, 8, tmp, hi), lo);
    return { cc: CC.NE, cc2: -1, and: false };
  }
  const r = L.gpr(v);
  L.emit(test(exactSize(t), r, r));
  return { cc: CC.NE, cc2: -1, and: false };
}

export type { MInst };
