// Integer semantics on one lane: `bits` is the lane width, operands are canonical unsigned
// scalars (numbers up to 32 bits, bigints above). Traps are thrown as `TrapSignal` and turned
// into results by the interpreter.

import { TRAP_INT_DIVZ, TRAP_INT_OVF, IntCC } from '@windlass/ir';
import { type Scalar, TrapSignal, signed, toBig, fromBig, wrap } from './value';

export type BinOp = (bits: number, a: Scalar, b: Scalar) => Scalar;
export type UnOp = (bits: number, a: Scalar) => Scalar;

const big = toBig;

function smin(bits: number): bigint {
  return -(1n << BigInt(bits - 1));
}
function smax(bits: number): bigint {
  return (1n << BigInt(bits - 1)) - 1n;
}
function umax(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

export const iadd: BinOp = (bits, a, b) =>
  typeof a === 'number' ? wrap(bits, a + (b as number)) : BigInt.asUintN(bits, a + (b as bigint));

export const isub: BinOp = (bits, a, b) =>
  typeof a === 'number' ? wrap(bits, a - (b as number)) : BigInt.asUintN(bits, a - (b as bigint));

export const imul: BinOp = (bits, a, b) =>
  typeof a === 'number' ? wrap(bits, Math.imul(a, b as number)) : BigInt.asUintN(bits, a * (b as bigint));

export const umulhi: BinOp = (bits, a, b) => fromBig(bits, (big(a) * big(b)) >> BigInt(bits));

export const smulhi: BinOp = (bits, a, b) =>
  fromBig(bits, (big(signed(bits, a)) * big(signed(bits, b))) >> BigInt(bits));

export const udiv: BinOp = (bits, a, b) => {
  if (typeof a === 'number') {
    if (b === 0) throw new TrapSignal(TRAP_INT_DIVZ);
    return Math.floor(a / (b as number));
  }
  if (b === 0n) throw new TrapSignal(TRAP_INT_DIVZ);
  return a / (b as bigint);
};

export const sdiv: BinOp = (bits, a, b) => {
  const x = big(signed(bits, a));
  const y = big(signed(bits, b));
  if (y === 0n) throw new TrapSignal(TRAP_INT_DIVZ);
  if (y === -1n && x === smin(bits)) throw new TrapSignal(TRAP_INT_OVF);
  return fromBig(bits, x / y);
};

export const urem: BinOp = (bits, a, b) => {
  if (typeof a === 'number') {
    if (b === 0) throw new TrapSignal(TRAP_INT_DIVZ);
    return a % (b as number);
  }
  if (b === 0n) throw new TrapSignal(TRAP_INT_DIVZ);
  return a % (b as bigint);
};

export const srem: BinOp = (bits, a, b) => {
  const x = big(signed(bits, a));
  const y = big(signed(bits, b));
  if (y === 0n) throw new TrapSignal(TRAP_INT_DIVZ);
  if (y === -1n) return fromBig(bits, 0n);
  return fromBig(bits, x % y);
};

export const band: BinOp = (bits, a, b) =>
  typeof a === 'number' ? (a & (b as number)) >>> 0 : a & (b as bigint);
export const bor: BinOp = (bits, a, b) =>
  typeof a === 'number' ? (a | (b as number)) >>> 0 : a | (b as bigint);
export const bxor: BinOp = (bits, a, b) =>
  typeof a === 'number' ? (a ^ (b as number)) >>> 0 : a ^ (b as bigint);
export const bnot: UnOp = (bits, a) =>
  typeof a === 'number' ? wrap(bits, ~a) : BigInt.asUintN(bits, ~a);
export const bandNot: BinOp = (bits, a, b) => band(bits, a, bnot(bits, b));
export const borNot: BinOp = (bits, a, b) => bor(bits, a, bnot(bits, b));
export const bxorNot: BinOp = (bits, a, b) => bxor(bits, a, bnot(bits, b));

/** Shift amount: the low bits of `b` (whatever its width) modulo the lane width. */
function amount(bits: number, b: Scalar): number {
  return Number(typeof b === 'number' ? b % bits : b % BigInt(bits));
}

export const ishl: BinOp = (bits, a, b) => {
  const s = amount(bits, b);
  return typeof a === 'number' ? wrap(bits, s >= 32 ? 0 : a << s) : BigInt.asUintN(bits, a << BigInt(s));
};
export const ushr: BinOp = (bits, a, b) => {
  const s = amount(bits, b);
  return typeof a === 'number' ? (s >= 32 ? 0 : a >>> s) : a >> BigInt(s);
};
export const sshr: BinOp = (bits, a, b) => {
  const s = amount(bits, b);
  const x = signed(bits, a);
  return typeof x === 'number' ? wrap(bits, x >> s) : BigInt.asUintN(bits, x >> BigInt(s));
};
export const rotl: BinOp = (bits, a, b) => {
  const s = amount(bits, b);
  if (s === 0) return a;
  return bor(bits, ishl(bits, a, s), ushr(bits, a, bits - s));
};
export const rotr: BinOp = (bits, a, b) => {
  const s = amount(bits, b);
  if (s === 0) return a;
  return bor(bits, ushr(bits, a, s), ishl(bits, a, bits - s));
};

const cmpBig = (bits: number, a: Scalar, b: Scalar, sign: boolean): number => {
  const x = sign ? signed(bits, a) : a;
  const y = sign ? signed(bits, b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
};

export const sminOp: BinOp = (bits, a, b) => (cmpBig(bits, a, b, true) <= 0 ? a : b);
export const smaxOp: BinOp = (bits, a, b) => (cmpBig(bits, a, b, true) >= 0 ? a : b);
export const uminOp: BinOp = (bits, a, b) => (a <= b ? a : b);
export const umaxOp: BinOp = (bits, a, b) => (a >= b ? a : b);

function clampS(bits: number, x: bigint): Scalar {
  return fromBig(bits, x < smin(bits) ? smin(bits) : x > smax(bits) ? smax(bits) : x);
}
function clampU(bits: number, x: bigint): Scalar {
  return fromBig(bits, x < 0n ? 0n : x > umax(bits) ? umax(bits) : x);
}

export const uaddSat: BinOp = (bits, a, b) => clampU(bits, big(a) + big(b));
export const saddSat: BinOp = (bits, a, b) => clampS(bits, big(signed(bits, a)) + big(signed(bits, b)));
export const usubSat: BinOp = (bits, a, b) => clampU(bits, big(a) - big(b));
export const ssubSat: BinOp = (bits, a, b) => clampS(bits, big(signed(bits, a)) - big(signed(bits, b)));
export const avgRound: BinOp = (bits, a, b) => fromBig(bits, (big(a) + big(b) + 1n) >> 1n);
/** Q15/Q31 rounding saturating multiply (`sqmul_round_sat`). */
export const sqmulRoundSat: BinOp = (bits, a, b) => {
  const p = big(signed(bits, a)) * big(signed(bits, b));
  return clampS(bits, (p + (1n << BigInt(bits - 2))) >> BigInt(bits - 1));
};

export const ineg: UnOp = (bits, a) => isub(bits, typeof a === 'number' ? 0 : 0n, a);
export const iabs: UnOp = (bits, a) => {
  const x = signed(bits, a);
  return x < 0 ? ineg(bits, a) : a;
};

export const popcnt: UnOp = (bits, a) => {
  let n = 0;
  if (typeof a === 'number') {
    let x = a;
    while (x) {
      x &= x - 1;
      n++;
    }
    return n;
  }
  for (const c of a.toString(2)) if (c === '1') n++;
  return fromBig(bits, BigInt(n));
};

export const clz: UnOp = (bits, a) => {
  const n = typeof a === 'number' ? Math.clz32(a) - (32 - bits) : a === 0n ? bits : bits - a.toString(2).length;
  return typeof a === 'number' ? n : BigInt(n);
};

export const cls: UnOp = (bits, a) => {
  const x = big(signed(bits, a));
  const y = x < 0n ? ~x : x;
  const n = (y === 0n ? bits : bits - y.toString(2).length) - 1;
  return typeof a === 'number' ? n : BigInt(n);
};

export const ctz: UnOp = (bits, a) => {
  if (typeof a === 'number') {
    if (a === 0) return bits;
    return 31 - Math.clz32(a & -a);
  }
  if (a === 0n) return BigInt(bits);
  let n = 0n;
  let x = a;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
};

export const bitrev: UnOp = (bits, a) => {
  const s = big(a).toString(2).padStart(bits, '0');
  return fromBig(bits, BigInt('0b' + [...s].reverse().join('')));
};

export const bswap: UnOp = (bits, a) => {
  let x = big(a);
  let r = 0n;
  for (let i = 0; i < bits; i += 8) {
    r = (r << 8n) | (x & 0xffn);
    x >>= 8n;
  }
  return fromBig(bits, r);
};

export function icmp(cc: IntCC, bits: number, a: Scalar, b: Scalar): boolean {
  switch (cc) {
    case IntCC.Eq: return a === b;
    case IntCC.Ne: return a !== b;
    case IntCC.Ult: return a < b;
    case IntCC.Ule: return a <= b;
    case IntCC.Ugt: return a > b;
    case IntCC.Uge: return a >= b;
  }
  const x = signed(bits, a);
  const y = signed(bits, b);
  switch (cc) {
    case IntCC.Slt: return x < y;
    case IntCC.Sle: return x <= y;
    case IntCC.Sgt: return x > y;
    default: return x >= y;
  }
}

/** Overflow flag of the exact result of `op` (`*_overflow` opcodes). */
export function overflows(kind: 'add' | 'sub' | 'mul', sign: boolean, bits: number, a: Scalar, b: Scalar): boolean {
  const x = big(sign ? signed(bits, a) : a);
  const y = big(sign ? signed(bits, b) : b);
  const r = kind === 'add' ? x + y : kind === 'sub' ? x - y : x * y;
  return sign ? r < smin(bits) || r > smax(bits) : r < 0n || r > umax(bits);
}

export function extendTo(bits: number, toBits: number, a: Scalar, sign: boolean): Scalar {
  const x = sign ? big(signed(bits, a)) : big(a);
  if (toBits <= 32 && typeof a === 'number') return wrap(toBits, sign ? (signed(bits, a) as number) : a);
  return fromBig(toBits, x);
}
