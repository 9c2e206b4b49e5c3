// Constant folding and algebraic simplification of one scalar integer instruction.
//
// Rules only fire for i8, i16, i32 and i64 (vectors, floats and i128 are left alone) and
// follow CLIF's wraparound semantics: every result is reduced modulo 2^width, shift and
// rotate amounts are taken modulo the width. Nothing that may trap is folded (division,
// remainder, `*_overflow_trap`), and floats are never touched.
//
// An instruction is simplified in one of three ways:
//  - rewritten in place into `iconst` (its result value keeps its number);
//  - rewritten in place into a cheaper instruction (`imul x, 8` -> `ishl x, 3`);
//  - replaced by an existing value (`iadd x, 0` -> x): its result becomes an alias and the
//    instruction leaves the layout.

import {
  type Function, type Inst, type Type, type Value, IntCC, swapIntCC, ValueKind, NONE, I8, I16, I32, I64,
  ICONST, IADD, ISUB, IMUL, INEG, IABS, BAND, BOR, BXOR, BNOT, BAND_NOT, BOR_NOT, BXOR_NOT,
  ISHL, USHR, SSHR, ROTL, ROTR, SMIN, SMAX, UMIN, UMAX, UMULHI, SMULHI,
  IADD_IMM, IMUL_IMM, BAND_IMM, BOR_IMM, BXOR_IMM, IRSUB_IMM, ISHL_IMM, USHR_IMM, SSHR_IMM, ROTL_IMM, ROTR_IMM,
  ICMP, ICMP_IMM, SELECT, FNEG, FABS, UEXTEND, SEXTEND, IREDUCE, BMASK, CLZ, CTZ, CLS, POPCNT, BITREV, BSWAP,
} from '@windlass/ir';

/** What `simplifyInst` did. */
export enum Simplified {
  /** Nothing. */
  None = 0,
  /** The instruction was rewritten in place (it may simplify further). */
  Rewritten = 1,
  /** The instruction's results now alias other values and it left the layout. */
  Replaced = 2,
}

/** Bit width of a scalar integer type i8..i64, else 0 (vectors, floats, i128: never folded). */
export function intWidth(t: number): number {
  switch (t) {
    case I8: return 8;
    case I16: return 16;
    case I32: return 32;
    case I64: return 64;
    default: return 0;
  }
}

/** Whether `v` is the result of an `iconst` of a type up to i64. */
export function isConst(f: Function, v: Value): boolean {
  if (f.valueKind[v] !== ValueKind.Result) return false;
  const d = f.valueDef[v];
  return f.instOpcode[d] === ICONST && intWidth(f.valueType[v]) !== 0;
}

/** The constant `v` holds, as an unsigned bigint of its type's width (only when `isConst`). */
export function constValue(f: Function, v: Value): bigint {
  return BigInt.asUintN(intWidth(f.valueType[v]), f.imm64(f.valueDef[v] as Inst));
}

/**
 * Constants are kept sign-extended from their width (as the reader keeps `iconst.i8 -1`), so
 * equal constants have equal immediates and global value numbering merges them.
 */
export function canonicalizeConst(f: Function, i: Inst): void {
  const w = intWidth(f.instType[i]);
  if (w === 0 || w === 64) return;
  const lo = w === 32 ? f.instImm1[i] : (f.instImm1[i] << (32 - w)) >> (32 - w);
  f.instImm1[i] = lo;
  f.instImm2[i] = lo < 0 ? -1 : 0;
}

/** Turn `i` into `iconst.T value` in place (its single result keeps its number). */
export function rewriteToConst(f: Function, i: Inst, t: Type, value: bigint): void {
  f.instOpcode[i] = ICONST;
  f.instType[i] = t;
  f.instArgLen[i] = 0;
  f.instImm0[i] = 0;
  f.setImm64(i, BigInt.asIntN(intWidth(t), value));
}

/** A new `iconst.T value` inserted before `before`; returns its result. */
export function makeConstBefore(f: Function, t: Type, value: bigint, before: Inst): Value {
  const k = f.makeInst(ICONST, t, []);
  f.setImm64(k, BigInt.asIntN(intWidth(t), value));
  const v = f.makeResult1(k, t);
  f.setSrcLoc(k, f.srcLoc(before));
  f.insertInstBefore(k, before);
  return v;
}

function replaceWith(f: Function, i: Inst, v: Value): Simplified {
  const r = f.result(i, 0);
  if (f.valueType[v] !== f.valueType[r]) return Simplified.None;
  f.replaceResultsWith(i, [v]);
  f.removeInst(i);
  return Simplified.Replaced;
}

function rewriteBinary(f: Function, i: Inst, op: number, a: Value, b: Value): Simplified {
  f.instOpcode[i] = op;
  f.instType[i] = f.valueType[a];
  f.setArgs(i, [a, b]);
  return Simplified.Rewritten;
}

function rewriteUnary(f: Function, i: Inst, op: number, a: Value): Simplified {
  f.instOpcode[i] = op;
  if (op !== UEXTEND && op !== SEXTEND) f.instType[i] = f.valueType[a];
  f.setArgs(i, [a]);
  return Simplified.Rewritten;
}

const signed = (w: number, x: bigint): bigint => BigInt.asIntN(w, x);
const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;

export function evalIntCC(cc: IntCC, w: number, a: bigint, b: bigint): boolean {
  switch (cc) {
    case IntCC.Eq: return a === b;
    case IntCC.Ne: return a !== b;
    case IntCC.Slt: return signed(w, a) < signed(w, b);
    case IntCC.Sge: return signed(w, a) >= signed(w, b);
    case IntCC.Sgt: return signed(w, a) > signed(w, b);
    case IntCC.Sle: return signed(w, a) <= signed(w, b);
    case IntCC.Ult: return a < b;
    case IntCC.Uge: return a >= b;
    case IntCC.Ugt: return a > b;
    case IntCC.Ule: return a <= b;
    default: throw new RangeError(`bad IntCC ${cc as number}`);
  }
}

/** Whether `cc` holds when both operands are the same value. */
function ccReflexive(cc: IntCC): boolean {
  return cc === IntCC.Eq || cc === IntCC.Sge || cc === IntCC.Sle || cc === IntCC.Uge || cc === IntCC.Ule;
}

function rotl(w: number, a: bigint, s: number): bigint {
  if (s === 0) return a;
  const n = BigInt(s);
  return BigInt.asUintN(w, (a << n) | (a >> BigInt(w - s)));
}

/** Binary operation on two constants (unsigned at width w); undefined when not folded. */
export function foldBinary(op: number, w: number, a: bigint, b: bigint): bigint | undefined {
  const W = BigInt(w);
  switch (op) {
    case IADD: case IADD_IMM: return BigInt.asUintN(w, a + b);
    case ISUB: return BigInt.asUintN(w, a - b);
    case IRSUB_IMM: return BigInt.asUintN(w, b - a);
    case IMUL: case IMUL_IMM: return BigInt.asUintN(w, a * b);
    case BAND: case BAND_IMM: return a & b;
    case BOR: case BOR_IMM: return a | b;
    case BXOR: case BXOR_IMM: return a ^ b;
    case BAND_NOT: return a & BigInt.asUintN(w, ~b);
    case BOR_NOT: return BigInt.asUintN(w, a | ~b);
    case BXOR_NOT: return BigInt.asUintN(w, a ^ ~b);
    case ISHL: case ISHL_IMM: return BigInt.asUintN(w, a << (b % W));
    case USHR: case USHR_IMM: return a >> (b % W);
    case SSHR: case SSHR_IMM: return BigInt.asUintN(w, signed(w, a) >> (b % W));
    case ROTL: case ROTL_IMM: return rotl(w, a, Number(b % W));
    case ROTR: case ROTR_IMM: return rotl(w, a, (w - Number(b % W)) % w);
    case SMIN: return signed(w, a) <= signed(w, b) ? a : b;
    case SMAX: return signed(w, a) >= signed(w, b) ? a : b;
    case UMIN: return a <= b ? a : b;
    case UMAX: return a >= b ? a : b;
    case UMULHI: return (a * b) >> W;
    case SMULHI: return BigInt.asUintN(w, (signed(w, a) * signed(w, b)) >> W);
    default: return undefined;
  }
}

/** Unary operation on a constant (unsigned at width w); undefined when not folded. */
export function foldUnary(op: number, w: number, a: bigint): bigint | undefined {
  switch (op) {
    case INEG: return BigInt.asUintN(w, -a);
    case BNOT: return BigInt.asUintN(w, ~a);
    case IABS: { const s = signed(w, a); return BigInt.asUintN(w, s < 0n ? -s : s); }
    case POPCNT: { let n = 0n; for (let x = a; x !== 0n; x >>= 1n) n += x & 1n; return n; }
    case CLZ: { let n = 0; for (let k = w - 1; k >= 0 && ((a >> BigInt(k)) & 1n) === 0n; k--) n++; return BigInt(n); }
    case CTZ: { let n = 0; for (let k = 0; k < w && ((a >> BigInt(k)) & 1n) === 0n; k++) n++; return BigInt(n); }
    case CLS: {
      const top = (a >> BigInt(w - 1)) & 1n;
      let n = 0;
      for (let k = w - 2; k >= 0 && ((a >> BigInt(k)) & 1n) === top; k--) n++;
      return BigInt(n);
    }
    case BITREV: { let r = 0n; for (let k = 0; k < w; k++) r = (r << 1n) | ((a >> BigInt(k)) & 1n); return r; }
    case BSWAP: {
      if (w === 8) return undefined;
      let r = 0n;
      for (let k = 0; k < w; k += 8) r = (r << 8n) | ((a >> BigInt(k)) & 0xffn);
      return r;
    }
    default: return undefined;
  }
}

function isPow2(x: bigint): boolean {
  return x > 1n && (x & (x - 1n)) === 0n;
}

function log2(x: bigint): number {
  let n = 0;
  while (x > 1n) { x >>= 1n; n++; }
  return n;
}

const COMMUTATIVE = new Set<number>([IADD, IMUL, BAND, BOR, BXOR, SMIN, SMAX, UMIN, UMAX, UMULHI, SMULHI]);

/** Integer opcodes whose operands may be swapped (floats excluded: NaN payloads depend on order). */
export function isCommutativeInt(op: number): boolean {
  return COMMUTATIVE.has(op);
}

const NARROWABLE = new Set<number>([IADD, ISUB, IMUL, BAND, BOR, BXOR]);
const REASSOCIATIVE = new Set<number>([IMUL, BAND, BOR, BXOR, SMIN, SMAX, UMIN, UMAX]);

/** `y` when `v` is `uextend`/`sextend` of a value `y` of type `t`, else NONE. */
function extendedFrom(f: Function, v: Value, t: Type): number {
  if (!isOp(f, v, UEXTEND) && !isOp(f, v, SEXTEND)) return NONE;
  const y = arg0(f, v);
  return f.valueType[y] === t ? y : NONE;
}

/** Whether `v` is the result of an instruction of opcode `op` in the layout. */
function isOp(f: Function, v: Value, op: number): boolean {
  if (f.valueKind[v] !== ValueKind.Result) return false;
  const d = f.valueDef[v];
  return f.instOpcode[d] === op && f.instBlock[d] !== NONE;
}

/** Operand 0 / 1 of the instruction defining `v`. */
function arg0(f: Function, v: Value): Value {
  return f.pool[f.instArgOff[f.valueDef[v]]] as Value;
}

function arg1(f: Function, v: Value): Value {
  return f.pool[f.instArgOff[f.valueDef[v]] + 1] as Value;
}

/**
 * For `x` and `y` computed by the same invertible operation with one operand in common
 * (`iadd`, `bxor` either way round; `isub` with the same minuend or subtrahend), the two other
 * operands: `x == y` exactly when they are equal. Null otherwise.
 */
function cancelCommon(f: Function, x: Value, y: Value): [Value, Value] | null {
  if (f.valueKind[x] !== ValueKind.Result || f.valueKind[y] !== ValueKind.Result) return null;
  const op = f.instOpcode[f.valueDef[x]];
  if (op !== f.instOpcode[f.valueDef[y]] || !isOp(f, x, op) || !isOp(f, y, op)) return null;
  if (op !== IADD && op !== BXOR && op !== ISUB) return null;
  const [x0, x1, y0, y1] = [arg0(f, x), arg1(f, x), arg0(f, y), arg1(f, y)];
  if (op === ISUB) {
    if (x0 === y0) return [x1, y1];
    if (x1 === y1) return [x0, y0];
    return null;
  }
  if (x0 === y0) return [x1, y1];
  if (x1 === y1) return [x0, y0];
  if (x0 === y1) return [x1, y0];
  if (x1 === y0) return [x0, y1];
  return null;
}

/** The instruction defining `v` when `v` is a result, else NONE. */
function defOf(f: Function, v: Value): number {
  return f.valueKind[v] === ValueKind.Result ? f.valueDef[v] : NONE;
}

/**
 * Simplify `i` (arguments already resolved through aliases). Returns what happened; on
 * `Rewritten` the caller may call again, on `Replaced` the instruction is gone.
 */
export function simplifyInst(f: Function, i: Inst): Simplified {
  const op = f.instOpcode[i];
  const nres = f.instResLen[i];
  if (nres !== 1) return Simplified.None;
  const res = f.result(i, 0);
  const rt = f.valueType[res] as Type;
  const w = intWidth(rt);
  const off = f.instArgOff[i];
  const pool = f.pool;

  switch (op) {
    case IADD: case ISUB: case IMUL: case BAND: case BOR: case BXOR: case BAND_NOT: case BOR_NOT: case BXOR_NOT:
    case SMIN: case SMAX: case UMIN: case UMAX: case UMULHI: case SMULHI: {
      if (w === 0) return Simplified.None;
      let x = pool[off] as Value;
      let y = pool[off + 1] as Value;
      let cx = isConst(f, x);
      let cy = isConst(f, y);
      if (cx && cy) {
        const r = foldBinary(op, w, constValue(f, x), constValue(f, y));
        if (r === undefined) return Simplified.None;
        rewriteToConst(f, i, rt, r);
        return Simplified.Rewritten;
      }
      // Constants go right for commutative operations.
      if (cx && COMMUTATIVE.has(op)) {
        pool[off] = y;
        pool[off + 1] = x;
        [x, y] = [y, x];
        [cx, cy] = [cy, cx];
      }
      if (x === y) {
        switch (op) {
          case ISUB: case BXOR: case BAND_NOT: rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten;
          case BOR_NOT: case BXOR_NOT: rewriteToConst(f, i, rt, mask(w)); return Simplified.Rewritten;
          case BAND: case BOR: case SMIN: case SMAX: case UMIN: case UMAX: return replaceWith(f, i, x);
          default: break;
        }
      }
      // x & ~x = 0, x | ~x = -1, x ^ ~x = -1.
      if ((op === BAND || op === BOR || op === BXOR) && ((isOp(f, y, BNOT) && arg0(f, y) === x) || (isOp(f, x, BNOT) && arg0(f, x) === y))) {
        rewriteToConst(f, i, rt, op === BAND ? 0n : mask(w));
        return Simplified.Rewritten;
      }
      if (cy) {
        const c = constValue(f, y);
        const all = mask(w);
        // (x op c1) op c2 = x op (c1 op c2) for the associative and commutative operations.
        if (REASSOCIATIVE.has(op) && isOp(f, x, op) && isConst(f, arg1(f, x))) {
          const r = foldBinary(op, w, constValue(f, arg1(f, x)), c);
          if (r !== undefined) return rewriteBinary(f, i, op, arg0(f, x), makeConstBefore(f, rt, r, i));
        }
        switch (op) {
          case IADD: case ISUB: case BOR: case BXOR:
            if (c === 0n) return replaceWith(f, i, x);
            if (op === BOR && c === all) { rewriteToConst(f, i, rt, all); return Simplified.Rewritten; }
            if (op === BXOR && c === all) return rewriteUnary(f, i, BNOT, x);
            if (op === IADD || op === ISUB) return reassociateAdd(f, i, op, x, c, w, rt);
            return Simplified.None;
          case IMUL:
            if (c === 0n) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; }
            if (c === 1n) return replaceWith(f, i, x);
            if (c === all) return rewriteUnary(f, i, INEG, x);
            if (c === 2n) return rewriteBinary(f, i, IADD, x, x);
            if (isPow2(c)) return rewriteBinary(f, i, ISHL, x, makeConstBefore(f, rt, BigInt(log2(c)), i));
            return Simplified.None;
          case BAND:
            if (c === 0n) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; }
            if (c === all) return replaceWith(f, i, x);
            return Simplified.None;
          case BAND_NOT:
            if (c === 0n) return replaceWith(f, i, x);
            if (c === all) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; }
            return Simplified.None;
          case UMIN: if (c === 0n) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; } return Simplified.None;
          case UMAX: if (c === 0n) return replaceWith(f, i, x); return Simplified.None;
          default: return Simplified.None;
        }
      }
      if (cx) {
        // Non-commutative with a constant on the left.
        const c = constValue(f, x);
        if (op === ISUB && c === 0n) return rewriteUnary(f, i, INEG, y);
      }
      // Negations: x + -y = x - y, -x + y = y - x, x - -y = x + y, -x * -y = x * y.
      if (op === IADD) {
        if (isOp(f, y, INEG)) return rewriteBinary(f, i, ISUB, x, arg0(f, y));
        if (isOp(f, x, INEG)) return rewriteBinary(f, i, ISUB, y, arg0(f, x));
      } else if (op === ISUB && isOp(f, y, INEG)) {
        return rewriteBinary(f, i, IADD, x, arg0(f, y));
      } else if (op === IMUL && isOp(f, x, INEG) && isOp(f, y, INEG)) {
        return rewriteBinary(f, i, IMUL, arg0(f, x), arg0(f, y));
      }
      return Simplified.None;
    }

    case ISHL: case USHR: case SSHR: case ROTL: case ROTR: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      const y = pool[off + 1] as Value;
      if (!isConst(f, y)) return Simplified.None;
      const s = constValue(f, y) % BigInt(w);
      if (isConst(f, x)) {
        const r = foldBinary(op, w, constValue(f, x), s);
        if (r === undefined) return Simplified.None;
        rewriteToConst(f, i, rt, r);
        return Simplified.Rewritten;
      }
      if (s === 0n) return replaceWith(f, i, x);
      return Simplified.None;
    }

    case IADD_IMM: case IMUL_IMM: case BAND_IMM: case BOR_IMM: case BXOR_IMM: case IRSUB_IMM:
    case ISHL_IMM: case USHR_IMM: case SSHR_IMM: case ROTL_IMM: case ROTR_IMM: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      const imm = BigInt.asUintN(w, f.imm64(i));
      if (isConst(f, x)) {
        const r = foldBinary(op, w, constValue(f, x), imm);
        if (r === undefined) return Simplified.None;
        rewriteToConst(f, i, rt, r);
        return Simplified.Rewritten;
      }
      const all = mask(w);
      switch (op) {
        case IADD_IMM:
          if (imm === 0n) return replaceWith(f, i, x);
          return reassociateAdd(f, i, IADD, x, imm, w, rt);
        case BOR_IMM: case BXOR_IMM: if (imm === 0n) return replaceWith(f, i, x); break;
        case IMUL_IMM:
          if (imm === 1n) return replaceWith(f, i, x);
          if (imm === 0n) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; }
          if (isPow2(imm)) {
            f.instOpcode[i] = ISHL_IMM;
            f.setImm64(i, BigInt(log2(imm)));
            return Simplified.Rewritten;
          }
          break;
        case BAND_IMM: if (imm === all) return replaceWith(f, i, x); if (imm === 0n) { rewriteToConst(f, i, rt, 0n); return Simplified.Rewritten; } break;
        case ISHL_IMM: case USHR_IMM: case SSHR_IMM: case ROTL_IMM: case ROTR_IMM:
          if (BigInt.asUintN(64, f.imm64(i)) % BigInt(w) === 0n) return replaceWith(f, i, x);
          break;
        default: break;
      }
      return Simplified.None;
    }

    case INEG: case BNOT: case IABS: case POPCNT: case CLZ: case CTZ: case CLS: case BITREV: case BSWAP: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      if (isConst(f, x)) {
        const r = foldUnary(op, w, constValue(f, x));
        if (r === undefined) return Simplified.None;
        rewriteToConst(f, i, rt, r);
        return Simplified.Rewritten;
      }
      // Involutions: ineg (ineg x), bnot (bnot x), bitrev/bswap twice.
      if (op === INEG || op === BNOT || op === BITREV || op === BSWAP) {
        if (isOp(f, x, op)) return replaceWith(f, i, arg0(f, x));
      }
      // -(a - b) = b - a; |-a| = |a|; ||a|| = |a|.
      if (op === INEG && isOp(f, x, ISUB)) return rewriteBinary(f, i, ISUB, arg1(f, x), arg0(f, x));
      if (op === IABS && isOp(f, x, INEG)) return rewriteUnary(f, i, IABS, arg0(f, x));
      if (op === IABS && isOp(f, x, IABS)) return replaceWith(f, i, x);
      return Simplified.None;
    }

    case UEXTEND: case SEXTEND: case IREDUCE: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      const xt = f.valueType[x];
      if (op === IREDUCE && f.valueKind[x] === ValueKind.Result) {
        const d = f.valueDef[x];
        const dop = f.instOpcode[d];
        // ireduce (uextend/sextend y) where y already has the result type.
        if ((dop === UEXTEND || dop === SEXTEND) && f.valueType[arg0(f, x)] === rt) return replaceWith(f, i, arg0(f, x));
        // The low bits of +, -, *, &, |, ^ depend on the low bits of the operands alone:
        // ireduce (op (ext a) (ext b)) = op a b when a and b have the result type.
        if (NARROWABLE.has(dop)) {
          const a = extendedFrom(f, arg0(f, x), rt);
          const b = extendedFrom(f, arg1(f, x), rt);
          if (a !== NONE && b !== NONE) return rewriteBinary(f, i, dop, a as Value, b as Value);
        }
      }
      const xw = intWidth(xt);
      if (xw === 0) return Simplified.None;
      if (isConst(f, x)) {
        const c = constValue(f, x);
        rewriteToConst(f, i, rt, op === SEXTEND ? BigInt.asUintN(w, signed(xw, c)) : BigInt.asUintN(w, c));
        return Simplified.Rewritten;
      }
      // Extending an extension: uextend (uextend y) and sextend (uextend y) are uextend y
      // (the inner extension leaves the sign bit clear), sextend (sextend y) is sextend y.
      if (op !== IREDUCE && isOp(f, x, UEXTEND)) return rewriteUnary(f, i, UEXTEND, arg0(f, x));
      if (op === SEXTEND && isOp(f, x, SEXTEND)) return rewriteUnary(f, i, SEXTEND, arg0(f, x));
      return Simplified.None;
    }

    case BMASK: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      if (!isConst(f, x)) return Simplified.None;
      rewriteToConst(f, i, rt, constValue(f, x) !== 0n ? mask(w) : 0n);
      return Simplified.Rewritten;
    }

    case ICMP: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      const y = pool[off + 1] as Value;
      const xw = intWidth(f.valueType[x]);
      if (xw === 0) return Simplified.None;
      const cc = f.instImm0[i] as IntCC;
      if (x === y) {
        rewriteToConst(f, i, rt, ccReflexive(cc) ? 1n : 0n);
        return Simplified.Rewritten;
      }
      const cx = isConst(f, x);
      const cy = isConst(f, y);
      if (cx && cy) {
        rewriteToConst(f, i, rt, evalIntCC(cc, xw, constValue(f, x), constValue(f, y)) ? 1n : 0n);
        return Simplified.Rewritten;
      }
      if (cx) {
        // Constant on the right: `icmp ugt 5, x` is `icmp ult x, 5`.
        f.instImm0[i] = swapIntCC(cc);
        return rewriteBinary(f, i, ICMP, y, x);
      }
      if (cc === IntCC.Eq || cc === IntCC.Ne) {
        // Both sides apply one bijection: (a + z == b + z) = (a == b), likewise z - a, a - z, a ^ z.
        const pair = cancelCommon(f, x, y);
        if (pair !== null) return rewriteBinary(f, i, ICMP, pair[0], pair[1]);
      }
      if (cy && constValue(f, y) === 0n && (cc === IntCC.Ult || cc === IntCC.Uge)) {
        rewriteToConst(f, i, rt, cc === IntCC.Uge ? 1n : 0n);
        return Simplified.Rewritten;
      }
      return Simplified.None;
    }

    case ICMP_IMM: {
      if (w === 0) return Simplified.None;
      const x = pool[off] as Value;
      const xw = intWidth(f.valueType[x]);
      if (xw === 0 || !isConst(f, x)) return Simplified.None;
      const cc = f.instImm0[i] as IntCC;
      rewriteToConst(f, i, rt, evalIntCC(cc, xw, constValue(f, x), BigInt.asUintN(xw, f.imm64(i))) ? 1n : 0n);
      return Simplified.Rewritten;
    }

    case FNEG: case FABS: {
      // Sign-bit operations, exact for every value including NaNs: -(-x) = x, |-x| = |x|, ||x|| = |x|.
      const x = pool[off] as Value;
      if (op === FNEG && isOp(f, x, FNEG)) return replaceWith(f, i, arg0(f, x));
      if (op === FABS && isOp(f, x, FNEG)) return rewriteUnary(f, i, FABS, arg0(f, x));
      if (op === FABS && isOp(f, x, FABS)) return replaceWith(f, i, x);
      return Simplified.None;
    }

    case SELECT: {
      const c = pool[off] as Value;
      const x = pool[off + 1] as Value;
      const y = pool[off + 2] as Value;
      if (x === y) return replaceWith(f, i, x);
      if (isConst(f, c)) return replaceWith(f, i, constValue(f, c) !== 0n ? x : y);
      // select (icmp ...), 1, 0 is the comparison itself (it is 0 or 1).
      if (f.valueType[c] === rt && w !== 0 && isOp(f, c, ICMP) && isConst(f, x) && isConst(f, y) && constValue(f, x) === 1n && constValue(f, y) === 0n) {
        return replaceWith(f, i, c);
      }
      return Simplified.None;
    }

    default:
      return Simplified.None;
  }
}

/**
 * `(x + c1) + c2` -> `x + (c1 + c2)` (and the `isub` forms), when the inner instruction is an
 * add or subtract of a constant: the chain then needs one instruction, and the inner one may die.
 */
function reassociateAdd(f: Function, i: Inst, op: number, x: Value, c: bigint, w: number, rt: Type): Simplified {
  const d = defOf(f, x);
  if (d === NONE || f.instBlock[d] === NONE) return Simplified.None;
  const dop = f.instOpcode[d];
  const inner = f.pool[f.instArgOff[d]] as Value;
  let c1: bigint;
  if (dop === IADD_IMM) {
    c1 = f.imm64(d as Inst);
  } else if (dop === IADD || dop === ISUB) {
    const k = f.pool[f.instArgOff[d] + 1] as Value;
    if (!isConst(f, k)) return Simplified.None;
    c1 = dop === IADD ? constValue(f, k) : -constValue(f, k);
  } else {
    return Simplified.None;
  }
  const c2 = op === IADD ? c : -c;
  const sum = BigInt.asUintN(w, c1 + c2);
  if (sum === 0n) return replaceWith(f, i, inner);
  if (f.instOpcode[i] === IADD_IMM) {
    f.setArgs(i, [inner]);
    f.setImm64(i, BigInt.asIntN(w, sum));
  } else {
    f.instOpcode[i] = IADD;
    f.setArgs(i, [inner, makeConstBefore(f, rt, sum, i)]);
  }
  return Simplified.Rewritten;
}
