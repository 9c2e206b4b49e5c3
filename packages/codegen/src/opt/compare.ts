// Comparisons decided or merged by what their operands are.
//
// An integer comparison of x with y in one signedness has three outcomes: x < y, x == y,
// x > y. Every IntCC is the set of outcomes it accepts (a 3-bit mask): `ule` is {<, ==}, `ne`
// is {<, >} in either signedness. Two comparisons of the same operands combine by set
// operations (`band` is intersection, `bor` union, `bxor` symmetric difference); a result of no
// outcome is 0, of every outcome 1, anything else one comparison. A comparison with the
// smallest or largest value of its type leaves out an outcome that cannot happen. Comparisons
// produce 0 or 1, so masking one with an odd constant changes nothing.

import {
  type Function, type Inst, type Value, IntCC, swapIntCC, ValueKind, NONE, I8, ICMP, BAND, BOR, BXOR, UEXTEND,
} from '@windlass/ir';
import { intWidth, isConst, constValue, rewriteToConst } from './simplify';

const LT = 1;
const EQ = 2;
const GT = 4;

/** Outcome mask and signedness (0 either, 1 unsigned, 2 signed) of each IntCC. */
function maskOf(cc: IntCC): [number, number] {
  switch (cc) {
    case IntCC.Eq: return [EQ, 0];
    case IntCC.Ne: return [LT | GT, 0];
    case IntCC.Ult: return [LT, 1];
    case IntCC.Ule: return [LT | EQ, 1];
    case IntCC.Ugt: return [GT, 1];
    case IntCC.Uge: return [GT | EQ, 1];
    case IntCC.Slt: return [LT, 2];
    case IntCC.Sle: return [LT | EQ, 2];
    case IntCC.Sgt: return [GT, 2];
    default: return [GT | EQ, 2];
  }
}

/** The IntCC accepting exactly `mask` in signedness `sign` (eq / ne in any). */
function ccOf(mask: number, sign: number): IntCC {
  if (mask === EQ) return IntCC.Eq;
  if (mask === (LT | GT)) return IntCC.Ne;
  const u = sign !== 2;
  switch (mask) {
    case LT: return u ? IntCC.Ult : IntCC.Slt;
    case LT | EQ: return u ? IntCC.Ule : IntCC.Sle;
    case GT: return u ? IntCC.Ugt : IntCC.Sgt;
    default: return u ? IntCC.Uge : IntCC.Sge;
  }
}

function icmpOf(f: Function, v: Value): number {
  if (f.valueKind[v] !== ValueKind.Result) return NONE;
  const d = f.valueDef[v];
  return f.instOpcode[d] === ICMP && f.instBlock[d] !== NONE ? d : NONE;
}

function setCompare(f: Function, i: Inst, cc: IntCC, x: Value, y: Value): void {
  f.instOpcode[i] = ICMP;
  f.instImm0[i] = cc;
  f.instImm1[i] = 0;
  f.instImm2[i] = 0;
  f.instType[i] = f.valueType[x];
  f.setArgs(i, [x, y]);
}

/**
 * `band` / `bor` / `bxor` of two comparisons of the same operands: one comparison or a
 * constant. Returns whether `i` was rewritten.
 */
export function combineCompares(f: Function, i: Inst): boolean {
  const op = f.instOpcode[i];
  if ((op !== BAND && op !== BOR && op !== BXOR) || f.instArgLen[i] !== 2) return false;
  const a = icmpOf(f, f.pool[f.instArgOff[i]] as Value);
  const b = icmpOf(f, f.pool[f.instArgOff[i] + 1] as Value);
  if (a === NONE || b === NONE) return false;
  const x = f.pool[f.instArgOff[a]] as Value;
  const y = f.pool[f.instArgOff[a] + 1] as Value;
  let ccb = f.instImm0[b] as IntCC;
  const bx = f.pool[f.instArgOff[b]];
  const by = f.pool[f.instArgOff[b] + 1];
  if (bx === y && by === x) ccb = swapIntCC(ccb);
  else if (bx !== x || by !== y) return false;
  const [ma, sa] = maskOf(f.instImm0[a] as IntCC);
  const [mb, sb] = maskOf(ccb);
  if (sa !== 0 && sb !== 0 && sa !== sb) return false;
  const m = op === BAND ? ma & mb : op === BOR ? ma | mb : ma ^ mb;
  // Scalar comparisons only (a vector comparison's lanes are 0 or -1).
  if (f.valueType[f.result(i, 0)] !== I8) return false;
  if (m === 0 || m === (LT | EQ | GT)) {
    rewriteToConst(f, i, I8, m === 0 ? 0n : 1n);
    return true;
  }
  setCompare(f, i, ccOf(m, sa || sb), x, y);
  return true;
}

/**
 * `icmp` of a value with the smallest or largest value of its type: the impossible outcome
 * goes, which may decide the comparison (`ule x, -1` is 1) or make it an equality
 * (`ule x, 0` is `eq x, 0`). Returns whether `i` was rewritten.
 */
export function compareWithExtreme(f: Function, i: Inst): boolean {
  if (f.instOpcode[i] !== ICMP) return false;
  const y = f.pool[f.instArgOff[i] + 1] as Value;
  const x = f.pool[f.instArgOff[i]] as Value;
  if (!isConst(f, y) || isConst(f, x)) return false;
  const w = intWidth(f.valueType[y]);
  const c = constValue(f, y);
  const [mask, sign] = maskOf(f.instImm0[i] as IntCC);
  if (sign === 0) return false;
  const max = sign === 1 ? (1n << BigInt(w)) - 1n : (1n << BigInt(w - 1)) - 1n;
  const min = sign === 1 ? 0n : 1n << BigInt(w - 1);
  // Outcomes that cannot happen: nothing is below the minimum or above the maximum.
  const impossible = c === min ? LT : c === max ? GT : 0;
  if (impossible === 0) return false;
  const m = mask & ~impossible;
  const possible = (LT | EQ | GT) & ~impossible;
  if (f.valueType[f.result(i, 0)] !== I8) return false;
  if (m === 0 || m === possible) {
    rewriteToConst(f, i, I8, m === 0 ? 0n : 1n);
    return true;
  }
  // One of the two possible outcomes: equal to the extreme, or not.
  f.instImm0[i] = m === EQ ? IntCC.Eq : IntCC.Ne;
  return true;
}

/**
 * The comparison rules of this file for instruction `i`: 0 nothing, 1 rewritten in place, 2
 * replaced by an existing value through `replaceWith` (`band (icmp ..), 1` is the comparison).
 */
export function simplifyCompare(f: Function, i: Inst, replaceWith: (v: Value) => number): number {
  const op = f.instOpcode[i];
  if (op === ICMP) return compareWithExtreme(f, i) ? 1 : 0;
  if (op !== BAND && op !== BOR && op !== BXOR) return 0;
  if (combineCompares(f, i)) return 1;
  const x = f.pool[f.instArgOff[i]] as Value;
  const y = f.pool[f.instArgOff[i] + 1] as Value;
  // A 0-or-1 value masked with an odd constant is itself.
  if (op === BAND && isConst(f, y) && (constValue(f, y) & 1n) === 1n && isBoolean(f, x)) return replaceWith(x);
  return 0;
}

/** Values that are 0 or 1: comparisons and their zero extensions. */
export function isBoolean(f: Function, v: Value): boolean {
  for (let depth = 0; depth < 4; depth++) {
    if (f.valueKind[v] !== ValueKind.Result) return false;
    const d = f.valueDef[v];
    if (f.instBlock[d] === NONE) return false;
    const op = f.instOpcode[d];
    if (op === ICMP) return f.valueType[v] === I8;
    if (op !== UEXTEND) return false;
    v = f.pool[f.instArgOff[d]] as Value;
  }
  return false;
}
