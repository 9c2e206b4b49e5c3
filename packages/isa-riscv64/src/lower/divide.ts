// Division and multiply-high. RISC-V's div/rem never trap, so CLIF's traps are explicit
// branches to out-of-line stubs: a zero divisor traps `int_divz`, a signed MIN / -1 traps
// `int_ovf` (the remainder of MIN / -1 is 0, as rem computes it). Narrow operands are extended
// first; i128 goes through libgcc (`__udivti3`, `__divti3`, `__umodti3`, `__modti3`).

import {
  type Inst, type Type, I128, I32, I64, SDIV, SDIV_IMM, SMULHI, SREM, SREM_IMM, TRAP_INT_DIVZ, TRAP_INT_OVF, UDIV,
  UDIV_IMM, UMULHI, UREM, UREM_IMM, bytes,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { branch, rri, rrr } from '../inst/mod';
import * as O from '../inst/ops';
import { zero } from '../inst/regs';
import { type RvLower, isIntScalar, resultType, sextHalves, zextHalves } from './state';
import { libcall } from './libcall';

const DIV_OPS = new Map<number, { signed: boolean; rem: boolean }>([
  [UDIV, { signed: false, rem: false }], [SDIV, { signed: true, rem: false }],
  [UREM, { signed: false, rem: true }], [SREM, { signed: true, rem: true }],
  [UDIV_IMM, { signed: false, rem: false }], [SDIV_IMM, { signed: true, rem: false }],
  [UREM_IMM, { signed: false, rem: true }], [SREM_IMM, { signed: true, rem: true }],
]);

/** The divisor of `inst` as a constant (value extended as the operation reads it), or null. */
function constDivisor(L: RvLower, inst: Inst, t: Type, signed: boolean): number | null {
  const f = L.f;
  const c = f.argCount(inst) >= 2 ? L.constOf(f.arg(inst, 1)) : [f.instImm1[inst], f.instImm2[inst]] as [number, number];
  if (c === null) return null;
  if (t === I64) return c[1] === c[0] >> 31 ? c[0] | 0 : c[0] === 0 && c[1] === 0 ? 0 : Number.NaN;
  return signed ? sextHalves(c[0], c[1], t) : zextHalves(c[0], t);
}

function divRule(L: RvLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  const f = L.f;
  const { signed, rem } = DIV_OPS.get(f.instOpcode[inst])!;
  if (t === I128) return div128(L, inst, signed, rem);
  if (!isIntScalar(t)) return false;
  const a = L.extended(f.arg(inst, 0), t, signed);
  const k = constDivisor(L, inst, t, signed);
  let b: number;
  if (f.argCount(inst) >= 2) b = L.extended(f.arg(inst, 1), t, signed);
  else {
    const s = signed ? sextHalves(f.instImm1[inst], f.instImm2[inst], t)! : zextHalves(f.instImm1[inst], t);
    b = t === I64 ? L.constReg(f.instImm1[inst], f.instImm2[inst]) : L.constReg(s | 0, s < 0 ? -1 : 0);
  }
  if (k === null || k === 0) L.emit(branch(O.BEQ, b, zero, L.trapLabel(TRAP_INT_DIVZ)));
  if (signed && !rem && (k === null || k === -1)) {
    // a == MIN and b == -1: (b + 1) | (a ^ MIN) is zero exactly then.
    const bits = 8 * bytes(t);
    const min = t === I64 ? L.constReg(0, 0x8000_0000 | 0) : L.constReg(-(2 ** (bits - 1)), -1);
    const p = L.tmp(), q = L.tmp(), r = L.tmp();
    L.emit(rri(O.ADDI, p, b, 1));
    L.emit(rrr(O.XOR, q, a, min));
    L.emit(rrr(O.OR, r, p, q));
    L.emit(branch(O.BEQ, r, zero, L.trapLabel(TRAP_INT_OVF)));
  }
  const w = t === I32;
  const op = rem ? (signed ? (w ? O.REMW : O.REM) : w ? O.REMUW : O.REMU) : signed ? (w ? O.DIVW : O.DIV) : w ? O.DIVUW : O.DIVU;
  L.emit(rrr(op, L.out(), a, b));
  return true;
}

function div128(L: RvLower, inst: Inst, signed: boolean, rem: boolean): boolean {
  const f = L.f;
  if (f.argCount(inst) < 2) return false;
  const [alo, ahi] = L.pair(f.arg(inst, 0));
  const [blo, bhi] = L.pair(f.arg(inst, 1));
  const nz = L.tmp();
  L.emit(rrr(O.OR, nz, blo, bhi));
  L.emit(branch(O.BEQ, nz, zero, L.trapLabel(TRAP_INT_DIVZ)));
  if (signed && !rem) {
    // b == -1 (both halves all ones) and a == MIN (low 0, high 1 << 63).
    const m = L.tmp(), p = L.tmp(), q = L.tmp(), r1 = L.tmp(), r2 = L.tmp();
    L.emit(rrr(O.AND, m, blo, bhi));
    L.emit(rri(O.ADDI, p, m, 1));
    L.emit(rrr(O.XOR, q, ahi, L.constReg(0, 0x8000_0000 | 0)));
    L.emit(rrr(O.OR, r1, p, q));
    L.emit(rrr(O.OR, r2, r1, alo));
    L.emit(branch(O.BEQ, r2, zero, L.trapLabel(TRAP_INT_OVF)));
  }
  const name = rem ? (signed ? '__modti3' : '__umodti3') : signed ? '__divti3' : '__udivti3';
  const [dlo, dhi] = L.outPair();
  libcall(L, name, [alo, ahi, blo, bhi], [], { ints: [dlo, dhi] });
  return true;
}

function mulhiRule(signed: boolean) {
  return (L: RvLower, inst: Inst): boolean => {
    const t = resultType(L, inst);
    if (!isIntScalar(t)) return false;
    const f = L.f;
    if (t === I64) {
      L.emit(rrr(signed ? O.MULH : O.MULHU, L.out(), L.reg(f.arg(inst, 0)), L.reg(f.arg(inst, 1))));
      return true;
    }
    // The full product of the extended operands fits 64 bits: its upper half is the result.
    const a = L.extended(f.arg(inst, 0), t, signed);
    const b = L.extended(f.arg(inst, 1), t, signed);
    const p = L.tmp();
    L.emit(rrr(O.MUL, p, a, b));
    L.emit(rri(signed ? O.SRAI : O.SRLI, L.out(), p, 8 * bytes(t)));
    return true;
  };
}

export function lowerDivRules(r: RuleTable<RvLower>): void {
  r.add([UDIV, SDIV, UREM, SREM, UDIV_IMM, SDIV_IMM, UREM_IMM, SREM_IMM], 'div/rem', divRule);
  r.add(UMULHI, 'umulhi', mulhiRule(false));
  r.add(SMULHI, 'smulhi', mulhiRule(true));
}
