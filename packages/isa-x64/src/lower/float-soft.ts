// f16 and f128 scalar arithmetic, comparisons and conversions.
//
// f128 has no x86 instructions: everything goes through libgcc's soft-float routines
// (`__addtf3`, `__lttf2`, `__fixtfti`, ...) and, for sqrt/fma/rounding, glibc's libm
// (`sqrtf128`, `fmaf128`, `ceilf128`, ..., all in libm.so.6 since glibc 2.26), so the object
// links with a plain `cc ... -lm`. f128 values travel in one xmm register, as the System V ABI
// passes `__float128`.
//
// f16 values sit in the low 16 bits of an xmm register (the upper bits are not defined: a
// libgcc routine returning `_Float16` may leave anything there). Arithmetic widens to f32
// exactly (inline, `f16ToF32`), computes there and rounds back once with `__truncsfhf2`. That
// is correctly rounded for + - * / sqrt: f32 has 24 >= 2 * 11 + 2 significand bits, so the
// double rounding is innocuous. fma is different: a*b is exact in f64 (22 bits), the sum
// a*b + c spans at most 2^32 .. 2^-48 (81 bits) and is therefore exact in f128, and
// `__trunctfhf2` rounds it once. min/max work on the bits; compares widen to f32 (exact, so
// the ordering is the f16 ordering).
//
// Every libcall is a System V call (also from windows_fastcall functions, which then save
// xmm6-15, as `floatLibcall` does).

import {
  type Inst, type Type, F16, F32, F64, F128, I128, I16, I32, I64, I8, bytes, FloatCC,
  FADD, FSUB, FMUL, FDIV, SQRT, FMIN, FMAX, FMA, CEIL, FLOOR, TRUNC, NEAREST, FPROMOTE, FDEMOTE,
  FCVT_FROM_SINT, FCVT_FROM_UINT, FCVT_TO_SINT, FCVT_TO_UINT, FCVT_TO_SINT_SAT, FCVT_TO_UINT_SAT,
  TRAP_BAD_TOINT, TRAP_INT_OVF,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, CC, RegClass, ShiftOp, SseImmOp, SseOp, XmmMovOp, aluRI, aluRM, callSym, cmov, gprToXmm, jcc, movRR,
  movsx, movzx, rax, rcx, rdi, rdx, rsi, r8, r9, setcc, shiftImm, test, xmm, xmmCmove, xmmLoad, xmmMov, xmmRM,
  xmmRMImm, xmmToGpr,
} from '../inst';
import { VREG_BASE, type X64Lower } from './state';
import { SYSV_CALLER_SAVED } from '../abi/sysv';
import { cvtInto, fconst, toIntCore } from './float';
import type { Cond } from './cond';

const INT_ARGS = [rdi, rsi, rdx, rcx, r8, r9];

function isSoft(t: Type): boolean {
  return t === F16 || t === F128;
}
function resType(L: X64Lower, inst: Inst): Type {
  return L.f.valueType[L.f.result(inst, 0)] as Type;
}
function argType(L: X64Lower, inst: Inst, k = 0): Type {
  return L.f.valueType[L.f.resolveAliases(L.f.arg(inst, k))] as Type;
}

// ------------------------------------------------------------------ libcalls

/**
 * A System V call of `name`: float arguments in xmm0.., integer ones in rdi, rsi, ...
 * (registers with VREG_BASE); `defs` are (vreg, preg) results. A value passed twice is copied
 * first (one vreg cannot be fixed to two registers at one instruction).
 */
function softCall(L: X64Lower, name: string, xargs: readonly number[], gargs: readonly number[], defs: readonly [number, number][]): void {
  const uses: number[] = [];
  const seen = new Set<number>();
  const once = (r: number, cls: RegClass): number => {
    if (!seen.has(r)) {
      seen.add(r);
      return r;
    }
    const c = L.tmp(cls);
    if (cls === RegClass.Float) L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, c, r));
    else L.move(c, r);
    return c;
  };
  xargs.forEach((a, k) => uses.push(once(a, RegClass.Float) - VREG_BASE, xmm(k)));
  gargs.forEach((a, k) => uses.push(once(a, RegClass.Int) - VREG_BASE, INT_ARGS[k]));
  const win = L.f.signature.callConv === 'windows_fastcall';
  if (win) L.callsNonWindows = true;
  const fixedDefs: number[] = [];
  const defined = new Set<number>();
  for (const [v, p] of defs) {
    fixedDefs.push(v - VREG_BASE, p);
    defined.add(p);
  }
  const clobbers = SYSV_CALLER_SAVED.filter((r) => !defined.has(r) && !(win && r >= xmm(6)));
  L.emitWith(callSym(name, 0, true), { fixedUses: uses, fixedDefs, clobbers });
}
/** A call returning a float (in xmm0) into `dst` (a fresh register by default). */
function fcall(L: X64Lower, name: string, xargs: readonly number[], gargs: readonly number[] = [], dst = L.tmp(RegClass.Float)): number {
  softCall(L, name, xargs, gargs, [[dst, xmm(0)]]);
  return dst;
}
/** A call returning an `int` or 64-bit integer (in rax). */
function icall(L: X64Lower, name: string, xargs: readonly number[], gargs: readonly number[] = [], dst = L.tmp()): number {
  softCall(L, name, xargs, gargs, [[dst, rax]]);
  return dst;
}

// ------------------------------------------------------------------ constants and f16 widening

/** The f128 bit pattern of the integer n (exact: |n| is below 2^113 or a power of two). */
function f128OfInt(n: bigint): Uint8Array {
  const b = new Uint8Array(16);
  if (n === 0n) return b;
  const neg = n < 0n;
  const m = neg ? -n : n;
  const e = m.toString(2).length - 1;
  const mask = (1n << 112n) - 1n;
  const frac = (e <= 112 ? m << BigInt(112 - e) : m >> BigInt(e - 112)) & mask;
  let bits = (BigInt(e + 16383) << 112n) | frac;
  if (neg) bits |= 1n << 127n;
  for (let i = 0; i < 16; i++) b[i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  return b;
}
function f128Const(L: X64Lower, b: Uint8Array): number {
  const x = L.tmp(RegClass.Float);
  L.emit(xmmLoad(XmmMovOp.Movaps, x, L.constAmode(b, 16)));
  return x;
}
function f128Int(L: X64Lower, n: bigint): number {
  return f128Const(L, f128OfInt(n));
}
/** The canonical quiet NaN (positive, top fraction bit only) of f16 or f128. */
function canonNaN(L: X64Lower, t: Type): number {
  if (t === F16) return fconst(L, F32, 0x7e00, 0);
  const b = new Uint8Array(16);
  b[15] = 0x7f;
  b[14] = 0xff;
  b[13] = 0x80;
  return f128Const(L, b);
}

/**
 * The f16 in the low 16 bits of xmm `x` widened to f32 (exact). The magnitude shifted into
 * the f32 fields is the value times 2^-112 (f16's exponent bias is 15, f32's 127; a subnormal
 * lands on an f32 subnormal), so one multiply by 2^112 rescales normals and subnormals alike;
 * infinities and NaNs get the all-ones exponent (NaN payloads shift along); the sign is ORed in.
 */
export function f16ToF32(L: X64Lower, x: number): number {
  const g = L.tmp();
  L.emit(xmmToGpr(4, g, x));
  const m = L.tmp();
  L.emitMod(aluRI(AluOp.And, 4, m, 0x7fff), g);
  const s = L.tmp();
  L.emitMod(aluRI(AluOp.And, 4, s, 0x8000), g);
  const s2 = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shl, 4, s2, 16), s);
  const a = L.tmp();
  L.emitMod(shiftImm(ShiftOp.Shl, 4, a, 13), m);
  const xa = L.tmp(RegClass.Float);
  L.emit(gprToXmm(4, xa, a));
  const scale = fconst(L, F32, 0x77800000, 0); // 2^112
  const xm = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(SseOp.Mulss, xm, scale), xa);
  const b = L.tmp();
  L.emit(xmmToGpr(4, b, xm));
  const c = L.tmp();
  L.emitMod(aluRI(AluOp.Or, 4, c, 0x7f800000), a);
  L.emit(aluRI(AluOp.Cmp, 4, m, 0x7c00));
  const d = L.tmp();
  L.emitMod(cmov(CC.AE, 4, d, c), b);
  const e = L.tmp();
  L.emitMod(aluRM(AluOp.Or, 4, e, s2), d);
  const out = L.tmp(RegClass.Float);
  L.emit(gprToXmm(4, out, e));
  return out;
}
function f16ToF64(L: X64Lower, x: number): number {
  const s = f16ToF32(L, x);
  const d = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(SseOp.Cvtss2sd, d, s), s);
  return d;
}
/** Widens an f16/f32/f64/f128 register to f128 (exact). */
function toF128(L: X64Lower, t: Type, x: number): number {
  switch (t) {
    case F16: return fcall(L, '__extendhftf2', [x]);
    case F32: return fcall(L, '__extendsftf2', [x]);
    case F64: return fcall(L, '__extenddftf2', [x]);
  }
  return x;
}

// ------------------------------------------------------------------ arithmetic

const TF3 = new Map<number, string>([[FADD, '__addtf3'], [FSUB, '__subtf3'], [FMUL, '__multf3'], [FDIV, '__divtf3']]);
const SS = new Map<number, SseOp>([[FADD, SseOp.Addss], [FSUB, SseOp.Subss], [FMUL, SseOp.Mulss], [FDIV, SseOp.Divss], [SQRT, SseOp.Sqrtss]]);

function arith(L: X64Lower, inst: Inst): boolean {
  const t = resType(L, inst);
  if (!isSoft(t)) return false;
  const f = L.f;
  const op = f.instOpcode[inst];
  const unary = op === SQRT;
  const a = L.xmmOf(f.arg(inst, 0));
  const b = unary ? a : L.xmmOf(f.arg(inst, 1));
  if (t === F128) {
    if (unary) fcall(L, 'sqrtf128', [a], [], L.out());
    else fcall(L, TF3.get(op)!, [a, b], [], L.out());
    return true;
  }
  const x = f16ToF32(L, a);
  const y = unary ? x : f16ToF32(L, b);
  const r = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(SS.get(op)!, r, y), x);
  fcall(L, '__truncsfhf2', [r], [], L.out());
  return true;
}

function fma(L: X64Lower, inst: Inst): boolean {
  const t = resType(L, inst);
  if (!isSoft(t)) return false;
  const f = L.f;
  const [a, b, c] = [0, 1, 2].map((k) => L.xmmOf(f.arg(inst, k)));
  if (t === F128) {
    fcall(L, 'fmaf128', [a, b, c], [], L.out());
    return true;
  }
  // a*b exact in f64, a*b + c exact in f128, one rounding to f16 (see the top of the file).
  const x = f16ToF64(L, a);
  const y = f16ToF64(L, b);
  const p = L.tmp(RegClass.Float);
  L.emitMod(xmmRM(SseOp.Mulsd, p, y), x);
  const pq = fcall(L, '__extenddftf2', [p]);
  const cq = fcall(L, '__extendhftf2', [c]);
  const s = fcall(L, '__addtf3', [pq, cq]);
  fcall(L, '__trunctfhf2', [s], [], L.out());
  return true;
}

const ROUND = new Map<number, [number, string, string]>([
  [CEIL, [2, 'ceilf', 'ceilf128']], [FLOOR, [1, 'floorf', 'floorf128']], [TRUNC, [3, 'truncf', 'truncf128']],
  [NEAREST, [0, 'nearbyintf', 'roundevenf128']],
]);
function round(L: X64Lower, inst: Inst): boolean {
  const t = resType(L, inst);
  if (!isSoft(t)) return false;
  const [mode, name32, name128] = ROUND.get(L.f.instOpcode[inst])!;
  const a = L.xmmOf(L.f.arg(inst, 0));
  if (t === F128) {
    fcall(L, name128, [a], [], L.out());
    return true;
  }
  // An integral f32 of an f16's magnitude is an f16 (below 2^10 every integer is one, above
  // every f16 is integral): the conversion back is exact.
  const x = f16ToF32(L, a);
  let r: number;
  if (L.isaFlags.sse41) {
    r = L.tmp(RegClass.Float);
    L.emitMod(xmmRMImm(SseImmOp.Roundss, r, x, mode | 8), x);
  } else r = fcall(L, name32, [x]);
  fcall(L, '__truncsfhf2', [r], [], L.out());
  return true;
}

/**
 * CLIF fmin/fmax: a NaN operand gives the canonical NaN; -0 is below +0. f16 compares
 * integer keys (the sign-magnitude bits made two's complement: negative patterns have their
 * magnitude bits flipped, so -0 sorts just below +0). f128 asks libgcc: unordered, strictly
 * less (greater), equal; equal values are the same bits or zeros of either sign, where OR
 * (min) / AND (max) of the bits picks the right zero.
 */
function minmax(isMax: boolean) {
  return (L: X64Lower, inst: Inst): boolean => {
    const t = resType(L, inst);
    if (!isSoft(t)) return false;
    const a = L.xmmOf(L.f.arg(inst, 0));
    const b = L.xmmOf(L.f.arg(inst, 1));
    if (t === F16) {
      const ga = L.tmp();
      L.emit(xmmToGpr(4, ga, a));
      const gb = L.tmp();
      L.emit(xmmToGpr(4, gb, b));
      const key = (g: number): number => {
        const s = L.tmp();
        L.emit(movsx(2, 4, s, g));
        const m = L.tmp();
        L.emitMod(shiftImm(ShiftOp.Sar, 4, m, 31), s);
        const m2 = L.tmp();
        L.emitMod(aluRI(AluOp.And, 4, m2, 0x7fff), m);
        const k = L.tmp();
        L.emitMod(aluRM(AluOp.Xor, 4, k, m2), s);
        return k;
      };
      const ka = key(ga);
      const kb = key(gb);
      L.emit(aluRM(AluOp.Cmp, 4, ka, kb));
      const r = L.tmp();
      L.emitMod(cmov(isMax ? CC.L : CC.G, 4, r, gb), ga);
      const nan = L.constReg(0x7e00, 0, 4);
      const mag = (g: number): number => {
        const m = L.tmp();
        L.emitMod(aluRI(AluOp.And, 4, m, 0x7fff), g);
        return m;
      };
      const ma = mag(ga);
      const mb = mag(gb);
      L.emit(aluRI(AluOp.Cmp, 4, ma, 0x7c00));
      const r2 = L.tmp();
      L.emitMod(cmov(CC.A, 4, r2, nan), r);
      L.emit(aluRI(AluOp.Cmp, 4, mb, 0x7c00));
      const r3 = L.tmp();
      L.emitMod(cmov(CC.A, 4, r3, nan), r2);
      L.emit(gprToXmm(4, L.out(), r3));
      return true;
    }
    const u = icall(L, '__unordtf2', [a, b]);
    const l = icall(L, isMax ? '__gttf2' : '__lttf2', [a, b]);
    const e = icall(L, '__eqtf2', [a, b]);
    const both = L.tmp(RegClass.Float);
    L.emitMod(xmmRM(isMax ? SseOp.Andps : SseOp.Orps, both, b), a);
    L.emit(test(4, e, e));
    const r1 = L.tmp(RegClass.Float);
    L.emitMod(xmmCmove(CC.E, r1, both), b);
    L.emit(test(4, l, l));
    const r2 = L.tmp(RegClass.Float);
    L.emitMod(xmmCmove(isMax ? CC.G : CC.L, r2, a), r1);
    const nan = canonNaN(L, F128);
    L.emit(test(4, u, u));
    L.emitMod(xmmCmove(CC.NE, L.out(), nan), r2);
    return true;
  };
}

// ------------------------------------------------------------------ compares

/**
 * The condition `x cc y` for two f128 registers: libgcc's compare routines return an `int`
 * whose sign (or zero-ness) answers one predicate each, NaN included (`__lttf2` < 0 iff
 * ordered and less, `__getf2` < 0 iff unordered or less, ...); `one`/`ueq` combine
 * `__unordtf2` and `__eqtf2`.
 */
export function f128Cond(L: X64Lower, cc: FloatCC, x: number, y: number): Cond {
  const one = (name: string, c: CC): Cond => {
    const r = icall(L, name, [x, y]);
    L.emit(test(4, r, r));
    return { cc: c, cc2: -1, and: false };
  };
  switch (cc) {
    case FloatCC.Eq: return one('__eqtf2', CC.E);
    case FloatCC.Ne: return one('__netf2', CC.NE);
    case FloatCC.Lt: return one('__lttf2', CC.L);
    case FloatCC.Le: return one('__letf2', CC.LE);
    case FloatCC.Gt: return one('__gttf2', CC.G);
    case FloatCC.Ge: return one('__getf2', CC.GE);
    case FloatCC.Uno: return one('__unordtf2', CC.NE);
    case FloatCC.Ord: return one('__unordtf2', CC.E);
    case FloatCC.Ult: return one('__getf2', CC.L);
    case FloatCC.Ule: return one('__gttf2', CC.LE);
    case FloatCC.Ugt: return one('__letf2', CC.G);
    case FloatCC.Uge: return one('__lttf2', CC.GE);
  }
  // one = ordered and not equal; ueq is its negation.
  const u = icall(L, '__unordtf2', [x, y]);
  const e = icall(L, '__eqtf2', [x, y]);
  const ord = L.tmp();
  L.emit(test(4, u, u));
  L.emit(setcc(CC.E, ord));
  const ne = L.tmp();
  L.emit(test(4, e, e));
  L.emit(setcc(CC.NE, ne));
  L.emit(test(1, ord, ne));
  return { cc: cc === FloatCC.One ? CC.NE : CC.E, cc2: -1, and: false };
}

// ------------------------------------------------------------------ conversions

function promoteDemote(L: X64Lower, inst: Inst): boolean {
  const to = resType(L, inst);
  const from = argType(L, inst);
  if (!isSoft(to) && !isSoft(from)) return false;
  const a = L.xmmOf(L.f.arg(inst, 0));
  const out = L.out();
  const name = (t: Type): string => (t === F16 ? 'hf' : t === F32 ? 'sf' : t === F64 ? 'df' : 'tf');
  if (from === F16 && to === F32) {
    // Times 1.0: exact, and a signaling NaN comes out quiet (as from cvtss2sd for f64).
    L.emitMod(xmmRM(SseOp.Mulss, out, fconst(L, F32, 0x3f800000, 0)), f16ToF32(L, a));
  } else if (from === F16 && to === F64) {
    L.ctx.emitMove(xmmMov(XmmMovOp.Movaps, out, f16ToF64(L, a)));
  } else if (bytes(to) > bytes(from)) fcall(L, `__extend${name(from)}${name(to)}2`, [a], [], out);
  else if (bytes(to) < bytes(from)) fcall(L, `__trunc${name(from)}${name(to)}2`, [a], [], out);
  else return false;
  return true;
}

/** A GPR holding the i8/i16 in `r` extended to 32 bits. */
function ext32(L: X64Lower, it: Type, r: number, signed: boolean): number {
  if (it !== I8 && it !== I16) return r;
  const d = L.tmp();
  L.emit(signed ? movsx(bytes(it) as 1 | 2, 4, d, r) : movzx(bytes(it) as 1 | 2, 4, d, r));
  return d;
}

function fromInt(signed: boolean) {
  return (L: X64Lower, inst: Inst): boolean => {
    const t = resType(L, inst);
    const it = argType(L, inst);
    const v = L.f.arg(inst, 0);
    const u = signed ? '' : 'un';
    if (it === I128) {
      // Every float type from i128: one libgcc routine, one rounding.
      const [lo, hi] = L.pair(v);
      const suffix = t === F16 ? 'hf' : t === F32 ? 'sf' : t === F64 ? 'df' : 'tf';
      fcall(L, `__float${u}ti${suffix}`, [], [lo, hi], L.out());
      return true;
    }
    if (!isSoft(t)) return false;
    const r = L.gpr(v);
    if (t === F128) {
      if (it === I64) fcall(L, `__float${u}ditf`, [], [r], L.out());
      else fcall(L, signed ? '__floatsitf' : '__floatunsitf', [], [ext32(L, it, r, signed)], L.out());
      return true;
    }
    if (it === I64) {
      // Through i128 (`__floattihf`): a direct single rounding.
      let hi: number;
      if (signed) {
        hi = L.tmp();
        L.emitMod(shiftImm(ShiftOp.Sar, 8, hi, 63), r);
      } else hi = L.constReg(0, 0);
      fcall(L, `__float${u}tihf`, [], [r, hi], L.out());
      return true;
    }
    // i8..i32 are exact in f64; `__truncdfhf2` rounds once.
    let src: number;
    let size: 4 | 8;
    if (signed) {
      src = ext32(L, it, r, true);
      size = 4;
    } else {
      src = L.tmp();
      if (it === I32) L.emit(movRR(4, src, r));
      else L.emit(movzx(bytes(it) as 1 | 2, 4, src, r));
      size = 8;
    }
    const d = L.tmp(RegClass.Float);
    cvtInto(L, true, size, src, d);
    fcall(L, '__truncdfhf2', [d], [], L.out());
    return true;
  };
}

/** Integer constant as GPR halves for a 64-bit register. */
function constBig(L: X64Lower, n: bigint): number {
  const v = BigInt.asUintN(64, n);
  return L.constReg(Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
}

/**
 * dst(s) <- the f128 in x as a `bits`-wide integer: trapping (NaN: bad_toint; outside
 * (lo, hi): int_ovf) or saturating (NaN to 0).
 */
function f128ToInt(L: X64Lower, x: number, bits: number, signed: boolean, sat: boolean, outs: readonly number[]): void {
  const u = signed ? '' : 'uns';
  const fix = (): number[] => {
    if (bits === 128) {
      const lo = L.tmp();
      const hi = L.tmp();
      softCall(L, `__fix${u}tfti`, [x], [], [[lo, rax], [hi, rdx]]);
      return [lo, hi];
    }
    return [icall(L, bits === 64 ? `__fix${u}tfdi` : `__fix${u}tfsi`, [x])];
  };
  const ib = BigInt(bits);
  const hiBound = signed ? 1n << (ib - 1n) : 1n << ib;
  if (!sat) {
    const nan = icall(L, '__unordtf2', [x, x]);
    L.emit(test(4, nan, nan));
    L.emit(jcc(CC.NE, L.trapLabel(TRAP_BAD_TOINT)));
    const ovf = L.trapLabel(TRAP_INT_OVF);
    // Valid when lo < x < hi; -2^127 - 1 is not an f128: for i128 the bound is -2^127, inclusive.
    if (signed && bits === 128) {
      const r = icall(L, '__lttf2', [x, f128Int(L, -(1n << 127n))]);
      L.emit(test(4, r, r));
      L.emit(jcc(CC.L, ovf));
    } else {
      const lo = signed ? -(1n << (ib - 1n)) - 1n : -1n;
      const r = icall(L, '__letf2', [x, f128Int(L, lo)]);
      L.emit(test(4, r, r));
      L.emit(jcc(CC.LE, ovf));
    }
    const r = icall(L, '__getf2', [x, f128Int(L, hiBound)]);
    L.emit(test(4, r, r));
    L.emit(jcc(CC.GE, ovf));
    const v = fix();
    outs.forEach((o, k) => L.move(o, v[k]));
    return;
  }
  // Saturating: convert, then replace the result when x >= hi (max), x <= lo (min), NaN (0).
  let v = fix();
  const sel = (cc: CC, value: bigint): void => {
    const parts = bits === 128 ? [BigInt.asUintN(64, value), BigInt.asUintN(64, value >> 64n)] : [value];
    v = v.map((r, k) => {
      const c = constBig(L, parts[k]);
      const d = L.tmp();
      L.emitMod(cmov(cc, 8, d, c), r);
      return d;
    });
  };
  const maxV = signed ? (1n << (ib - 1n)) - 1n : (1n << ib) - 1n;
  const minV = signed ? -(1n << (ib - 1n)) : 0n;
  const ge = icall(L, '__getf2', [x, f128Int(L, hiBound)]);
  const le = icall(L, '__letf2', [x, f128Int(L, minV)]);
  const nan = icall(L, '__unordtf2', [x, x]);
  L.emit(test(4, ge, ge));
  sel(CC.GE, maxV);
  L.emit(test(4, le, le));
  sel(CC.LE, minV);
  L.emit(test(4, nan, nan));
  sel(CC.NE, 0n);
  outs.forEach((o, k) => L.move(o, v[k]));
}

function toInt(signed: boolean, sat: boolean) {
  return (L: X64Lower, inst: Inst): boolean => {
    const it = resType(L, inst);
    const t = argType(L, inst);
    const isFloat = t === F16 || t === F32 || t === F64 || t === F128;
    if (!isFloat || !(it === I8 || it === I16 || it === I32 || it === I64 || it === I128)) return false;
    if (!isSoft(t) && it !== I128) return false;
    const x = L.xmmOf(L.f.arg(inst, 0));
    if (t === F16 && it !== I128) {
      // f16 -> f32 is exact: the f32 conversion's checks and results are the f16 ones.
      toIntCore(L, F32, f16ToF32(L, x), it, signed, sat, L.out());
      return true;
    }
    // Every other case (f128, or i128 from any float) widens to f128, exactly.
    const q = toF128(L, t, x);
    f128ToInt(L, q, bytes(it) * 8, signed, sat, it === I128 ? L.outPair() : [L.out()]);
    return true;
  };
}

export function lowerSoftFloatRules(r: RuleTable<X64Lower>): void {
  r.add([FADD, FSUB, FMUL, FDIV, SQRT], 'f16/f128 arith', arith, 1);
  r.add(FMA, 'f16/f128 fma', fma, 2);
  r.add([CEIL, FLOOR, TRUNC, NEAREST], 'f16/f128 rounding', round, 2);
  r.add(FMIN, 'f16/f128 fmin', minmax(false), 1);
  r.add(FMAX, 'f16/f128 fmax', minmax(true), 1);
  r.add([FPROMOTE, FDEMOTE], 'f16/f128 promote/demote', promoteDemote, 1);
  r.add(FCVT_FROM_SINT, 'f16/f128/i128 from sint', fromInt(true), 1);
  r.add(FCVT_FROM_UINT, 'f16/f128/i128 from uint', fromInt(false), 1);
  r.add(FCVT_TO_SINT, 'f16/f128/i128 to sint', toInt(true, false), 1);
  r.add(FCVT_TO_UINT, 'f16/f128/i128 to uint', toInt(false, false), 1);
  r.add(FCVT_TO_SINT_SAT, 'f16/f128/i128 to sint sat', toInt(true, true), 1);
  r.add(FCVT_TO_UINT_SAT, 'f16/f128/i128 to uint sat', toInt(false, true), 1);
}
