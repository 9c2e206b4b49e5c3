/**
 * Fixed-width SIMD (`0xFD` operators) onto IR vector operations. Operands arrive as whatever
 * vector type produced them and are reinterpreted to the lane shape each operation needs.
 */
import {
  AVG_ROUND,
  BAND,
  BAND_NOT,
  BITSELECT,
  BNOT,
  BOR,
  BXOR,
  CEIL,
  EXTRACTLANE,
  F32,
  F64,
  FABS,
  FADD,
  FCMP,
  FCVT_FROM_SINT,
  FCVT_FROM_UINT,
  FCVT_TO_SINT_SAT,
  FCVT_TO_UINT_SAT,
  FDIV,
  FLOOR,
  FMAX,
  FMIN,
  FMUL,
  FNEG,
  FSUB,
  FVDEMOTE,
  FVPROMOTE_LOW,
  FloatCC,
  I16,
  I32,
  I64,
  I8,
  IABS,
  IADD,
  IADD_PAIRWISE,
  ICMP,
  IMUL,
  INEG,
  INSERTLANE,
  INVALID,
  IREDUCE,
  ISHL,
  ISUB,
  IntCC,
  LOAD,
  NEAREST,
  POPCNT,
  SADD_SAT,
  SCALAR_TO_VECTOR,
  SEXTEND,
  SHUFFLE,
  SLOAD16X4,
  SLOAD32X2,
  SLOAD8X8,
  SMAX,
  SMIN,
  SNARROW,
  SPLAT,
  SQMUL_ROUND_SAT,
  SQRT,
  SSHR,
  SSUB_SAT,
  STORE,
  SWIDEN_HIGH,
  SWIDEN_LOW,
  SWIZZLE,
  TRUNC,
  UADD_SAT,
  UEXTEND,
  ULOAD16X4,
  ULOAD32X2,
  ULOAD8X8,
  UMAX,
  UMIN,
  UNARROW,
  USHR,
  USUB_SAT,
  UUNARROW,
  UWIDEN_HIGH,
  UWIDEN_LOW,
  VALL_TRUE,
  VANY_TRUE,
  VCONST,
  VHIGH_BITS,
  vectorOf,
  type Opcode,
  type Type,
  type Value,
} from '@windlass/ir';
import { OP_FD } from '../operators';
import { HEAP_FLAGS, I8X16 } from './environ';
import type { FunctionTranslator } from './translate';

const I16X8 = vectorOf(I16, 8);
const I32X4 = vectorOf(I32, 4);
const I64X2 = vectorOf(I64, 2);
const F32X4 = vectorOf(F32, 4);
const F64X2 = vectorOf(F64, 2);
/** Integer shapes by log2 lane bytes. */
const INT_SHAPES = [I8X16, I16X8, I32X4, I64X2];
const LANE = [I8, I16, I32, I64];

const INT_CMP_10: IntCC[] = [IntCC.Eq, IntCC.Ne, IntCC.Slt, IntCC.Ult, IntCC.Sgt, IntCC.Ugt, IntCC.Sle, IntCC.Ule, IntCC.Sge, IntCC.Uge];
const I64_CMP: IntCC[] = [IntCC.Eq, IntCC.Ne, IntCC.Slt, IntCC.Sgt, IntCC.Sle, IntCC.Sge];
const FLOAT_CMP: FloatCC[] = [FloatCC.Eq, FloatCC.Ne, FloatCC.Lt, FloatCC.Gt, FloatCC.Le, FloatCC.Ge];

/** Per-shape integer operators at the same offset in each shape's opcode group. */
interface Simple {
  op: Opcode;
  t: Type;
  arity: 1 | 2;
}
const SIMPLE: (Simple | undefined)[] = [];
function s(sub: number, op: Opcode, t: Type, arity: 1 | 2): void {
  SIMPLE[sub] = { op, t, arity };
}
// i8x16
s(96, IABS, I8X16, 1);
s(97, INEG, I8X16, 1);
s(98, POPCNT, I8X16, 1);
s(101, SNARROW, I16X8, 2);
s(102, UNARROW, I16X8, 2);
s(110, IADD, I8X16, 2);
s(111, SADD_SAT, I8X16, 2);
s(112, UADD_SAT, I8X16, 2);
s(113, ISUB, I8X16, 2);
s(114, SSUB_SAT, I8X16, 2);
s(115, USUB_SAT, I8X16, 2);
s(118, SMIN, I8X16, 2);
s(119, UMIN, I8X16, 2);
s(120, SMAX, I8X16, 2);
s(121, UMAX, I8X16, 2);
s(123, AVG_ROUND, I8X16, 2);
// i16x8
s(128, IABS, I16X8, 1);
s(129, INEG, I16X8, 1);
s(130, SQMUL_ROUND_SAT, I16X8, 2);
s(133, SNARROW, I32X4, 2);
s(134, UNARROW, I32X4, 2);
s(135, SWIDEN_LOW, I8X16, 1);
s(136, SWIDEN_HIGH, I8X16, 1);
s(137, UWIDEN_LOW, I8X16, 1);
s(138, UWIDEN_HIGH, I8X16, 1);
s(142, IADD, I16X8, 2);
s(143, SADD_SAT, I16X8, 2);
s(144, UADD_SAT, I16X8, 2);
s(145, ISUB, I16X8, 2);
s(146, SSUB_SAT, I16X8, 2);
s(147, USUB_SAT, I16X8, 2);
s(149, IMUL, I16X8, 2);
s(150, SMIN, I16X8, 2);
s(151, UMIN, I16X8, 2);
s(152, SMAX, I16X8, 2);
s(153, UMAX, I16X8, 2);
s(155, AVG_ROUND, I16X8, 2);
// i32x4
s(160, IABS, I32X4, 1);
s(161, INEG, I32X4, 1);
s(167, SWIDEN_LOW, I16X8, 1);
s(168, SWIDEN_HIGH, I16X8, 1);
s(169, UWIDEN_LOW, I16X8, 1);
s(170, UWIDEN_HIGH, I16X8, 1);
s(174, IADD, I32X4, 2);
s(177, ISUB, I32X4, 2);
s(181, IMUL, I32X4, 2);
s(182, SMIN, I32X4, 2);
s(183, UMIN, I32X4, 2);
s(184, SMAX, I32X4, 2);
s(185, UMAX, I32X4, 2);
// i64x2
s(192, IABS, I64X2, 1);
s(193, INEG, I64X2, 1);
s(199, SWIDEN_LOW, I32X4, 1);
s(200, SWIDEN_HIGH, I32X4, 1);
s(201, UWIDEN_LOW, I32X4, 1);
s(202, UWIDEN_HIGH, I32X4, 1);
s(206, IADD, I64X2, 2);
s(209, ISUB, I64X2, 2);
s(213, IMUL, I64X2, 2);
// floats
s(94, FVDEMOTE, F64X2, 1);
s(95, FVPROMOTE_LOW, F32X4, 1);
s(103, CEIL, F32X4, 1);
s(104, FLOOR, F32X4, 1);
s(105, TRUNC, F32X4, 1);
s(106, NEAREST, F32X4, 1);
s(116, CEIL, F64X2, 1);
s(117, FLOOR, F64X2, 1);
s(122, TRUNC, F64X2, 1);
s(148, NEAREST, F64X2, 1);
s(224, FABS, F32X4, 1);
s(225, FNEG, F32X4, 1);
s(227, SQRT, F32X4, 1);
s(228, FADD, F32X4, 2);
s(229, FSUB, F32X4, 2);
s(230, FMUL, F32X4, 2);
s(231, FDIV, F32X4, 2);
s(232, FMIN, F32X4, 2);
s(233, FMAX, F32X4, 2);
s(236, FABS, F64X2, 1);
s(237, FNEG, F64X2, 1);
s(239, SQRT, F64X2, 1);
s(240, FADD, F64X2, 2);
s(241, FSUB, F64X2, 2);
s(242, FMUL, F64X2, 2);
s(243, FDIV, F64X2, 2);
s(244, FMIN, F64X2, 2);
s(245, FMAX, F64X2, 2);
// bitwise (any shape)
s(77, BNOT, I8X16, 1);
s(78, BAND, I8X16, 2);
s(79, BAND_NOT, I8X16, 2);
s(80, BOR, I8X16, 2);
s(81, BXOR, I8X16, 2);
s(14, SWIZZLE, I8X16, 2);

/** [opcode, IR load type or fixed result, bytes] of the v128 loads 0..10. */
const VLOADS: [Opcode, Type, number, Type][] = [
  [LOAD, I8X16, 16, INVALID],
  [SLOAD8X8, INVALID, 8, INVALID],
  [ULOAD8X8, INVALID, 8, INVALID],
  [SLOAD16X4, INVALID, 8, INVALID],
  [ULOAD16X4, INVALID, 8, INVALID],
  [SLOAD32X2, INVALID, 8, INVALID],
  [ULOAD32X2, INVALID, 8, INVALID],
  [LOAD, I8, 1, I8X16],
  [LOAD, I16, 2, I16X8],
  [LOAD, I32, 4, I32X4],
  [LOAD, I64, 8, I64X2],
];

export function translateSimd(t: FunctionTranslator, op: number): void {
  const sub = op - OP_FD;
  const b = t.b;
  const ops = t.ops;
  const env = t.env;
  const simple = SIMPLE[sub];
  if (simple) {
    if (simple.arity === 1) t.push(b.ins1(simple.op, [t.as(t.pop(), simple.t)]));
    else {
      const y = t.as(t.pop(), simple.t);
      const x = t.as(t.pop(), simple.t);
      t.push(b.ins1(simple.op, [x, y]));
    }
    return;
  }
  const addr = (size: number): Value => env.heapAddr(b, t.vmctx, ops.mem, t.pop(), ops.b, size);
  if (sub <= 10) {
    const [lop, lt, size, splat] = VLOADS[sub];
    const a = addr(size);
    const v = b.ins1(lop, [a], lt, HEAP_FLAGS, 0);
    t.push(splat === INVALID ? v : b.ins1(SPLAT, [v], splat));
    return;
  }
  if (sub >= 35 && sub <= 64) {
    const shape = INT_SHAPES[Math.floor((sub - 35) / 10)];
    const y = t.as(t.pop(), shape);
    const x = t.as(t.pop(), shape);
    t.push(b.ins1(ICMP, [x, y], INVALID, INT_CMP_10[(sub - 35) % 10]));
    return;
  }
  if (sub >= 214 && sub <= 219) {
    const y = t.as(t.pop(), I64X2);
    const x = t.as(t.pop(), I64X2);
    t.push(b.ins1(ICMP, [x, y], INVALID, I64_CMP[sub - 214]));
    return;
  }
  if (sub >= 65 && sub <= 76) {
    const shape = sub <= 70 ? F32X4 : F64X2;
    const y = t.as(t.pop(), shape);
    const x = t.as(t.pop(), shape);
    t.push(b.ins1(FCMP, [x, y], INVALID, FLOAT_CMP[(sub - 65) % 6]));
    return;
  }
  if (sub >= 21 && sub <= 34) return lane(t, sub);
  if (sub >= 84 && sub <= 91) return memLane(t, sub);
  switch (sub) {
    case 11: {
      const v = t.pop();
      b.ins(STORE, [v, addr(16)], INVALID, HEAP_FLAGS, 0);
      return;
    }
    case 12:
      t.push(b.ins1(VCONST, [], I8X16, t.f.addConstant(ops.immBytes(16).slice())));
      return;
    case 13: {
      const y = t.as(t.pop(), I8X16);
      const x = t.as(t.pop(), I8X16);
      t.push(b.ins1(SHUFFLE, [x, y], INVALID, t.f.addImmediate(ops.immBytes(16).slice())));
      return;
    }
    case 15:
    case 16: {
      const x = b.ins1(IREDUCE, [t.pop()], sub === 15 ? I8 : I16);
      t.push(b.ins1(SPLAT, [x], sub === 15 ? I8X16 : I16X8));
      return;
    }
    case 17:
    case 18:
    case 19:
    case 20:
      t.push(b.ins1(SPLAT, [t.pop()], [I32X4, I64X2, F32X4, F64X2][sub - 17]));
      return;
    case 82: {
      const c = t.as(t.pop(), I8X16);
      const y = t.as(t.pop(), I8X16);
      const x = t.as(t.pop(), I8X16);
      t.push(b.ins1(BITSELECT, [c, x, y]));
      return;
    }
    case 83:
      t.push(t.bool(b.ins1(VANY_TRUE, [t.as(t.pop(), I8X16)])));
      return;
    case 92:
    case 93: {
      const lt = sub === 92 ? I32 : I64;
      const v = b.ins1(LOAD, [addr(sub === 92 ? 4 : 8)], lt, HEAP_FLAGS, 0);
      t.push(b.ins1(SCALAR_TO_VECTOR, [v], sub === 92 ? I32X4 : I64X2));
      return;
    }
    case 99:
    case 131:
    case 163:
    case 195: {
      const shape = INT_SHAPES[[99, 131, 163, 195].indexOf(sub)];
      t.push(t.bool(b.ins1(VALL_TRUE, [t.as(t.pop(), shape)])));
      return;
    }
    case 100:
    case 132:
    case 164:
    case 196: {
      const shape = INT_SHAPES[[100, 132, 164, 196].indexOf(sub)];
      t.push(b.ins1(VHIGH_BITS, [t.as(t.pop(), shape)], I32));
      return;
    }
    case 107:
    case 108:
    case 109:
    case 139:
    case 140:
    case 141:
    case 171:
    case 172:
    case 173:
    case 203:
    case 204:
    case 205: {
      const group = [107, 139, 171, 203].findIndex((g) => sub >= g && sub < g + 3);
      const shift = [ISHL, SSHR, USHR][sub - [107, 139, 171, 203][group]];
      const amount = t.pop();
      t.push(b.ins1(shift, [t.as(t.pop(), INT_SHAPES[group]), amount]));
      return;
    }
    case 124:
    case 125:
    case 126:
    case 127: {
      const from = sub <= 125 ? I8X16 : I16X8;
      const signed = sub === 124 || sub === 126;
      const x = t.as(t.pop(), from);
      const lo = b.ins1(signed ? SWIDEN_LOW : UWIDEN_LOW, [x]);
      const hi = b.ins1(signed ? SWIDEN_HIGH : UWIDEN_HIGH, [x]);
      t.push(b.ins1(IADD_PAIRWISE, [lo, hi]));
      return;
    }
    case 156:
    case 157:
    case 158:
    case 159:
    case 188:
    case 189:
    case 190:
    case 191:
    case 220:
    case 221:
    case 222:
    case 223: {
      const base = sub >= 220 ? 220 : sub >= 188 ? 188 : 156;
      const from = base === 156 ? I8X16 : base === 188 ? I16X8 : I32X4;
      const k = sub - base;
      const widen = [SWIDEN_LOW, SWIDEN_HIGH, UWIDEN_LOW, UWIDEN_HIGH][k];
      const y = b.ins1(widen, [t.as(t.pop(), from)]);
      const x = b.ins1(widen, [t.as(t.pop(), from)]);
      t.push(b.ins1(IMUL, [x, y]));
      return;
    }
    case 186: {
      const y = t.as(t.pop(), I16X8);
      const x = t.as(t.pop(), I16X8);
      const lo = b.ins1(IMUL, [b.ins1(SWIDEN_LOW, [x]), b.ins1(SWIDEN_LOW, [y])]);
      const hi = b.ins1(IMUL, [b.ins1(SWIDEN_HIGH, [x]), b.ins1(SWIDEN_HIGH, [y])]);
      t.push(b.ins1(IADD_PAIRWISE, [lo, hi]));
      return;
    }
    case 234:
    case 235:
    case 246:
    case 247: {
      // pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a (no NaN or zero-sign fixups).
      const shape = sub <= 235 ? F32X4 : F64X2;
      const y = t.as(t.pop(), shape);
      const x = t.as(t.pop(), shape);
      const isMin = sub === 234 || sub === 246;
      const mask = b.ins1(FCMP, isMin ? [y, x] : [x, y], INVALID, FloatCC.Lt);
      t.push(b.ins1(BITSELECT, [t.as(mask, shape), y, x]));
      return;
    }
    case 248:
    case 249:
      t.push(b.ins1(sub === 248 ? FCVT_TO_SINT_SAT : FCVT_TO_UINT_SAT, [t.as(t.pop(), F32X4)], I32X4));
      return;
    case 250:
    case 251:
      t.push(b.ins1(sub === 250 ? FCVT_FROM_SINT : FCVT_FROM_UINT, [t.as(t.pop(), I32X4)], F32X4));
      return;
    case 252:
    case 253: {
      const wide = b.ins1(sub === 252 ? FCVT_TO_SINT_SAT : FCVT_TO_UINT_SAT, [t.as(t.pop(), F64X2)], I64X2);
      const zero = t.as(t.zero(0x7b), I64X2);
      t.push(b.ins1(sub === 252 ? SNARROW : UUNARROW, [wide, zero]));
      return;
    }
    case 254:
    case 255: {
      const x = t.as(t.pop(), I32X4);
      const wide = b.ins1(sub === 254 ? SWIDEN_LOW : UWIDEN_LOW, [x]);
      t.push(b.ins1(sub === 254 ? FCVT_FROM_SINT : FCVT_FROM_UINT, [wide], F64X2));
      return;
    }
  }
  t.unsupported(`SIMD operator 0xfd ${sub}`);
}

/** extract_lane / replace_lane (21..34). */
function lane(t: FunctionTranslator, sub: number): void {
  const b = t.b;
  const idx = t.ops.c;
  // [shape, extend (+1 sign, -1 zero, 0 none), is replace]
  const table: [Type, number, boolean][] = [
    [I8X16, 1, false],
    [I8X16, -1, false],
    [I8X16, 0, true],
    [I16X8, 1, false],
    [I16X8, -1, false],
    [I16X8, 0, true],
    [I32X4, 0, false],
    [I32X4, 0, true],
    [I64X2, 0, false],
    [I64X2, 0, true],
    [F32X4, 0, false],
    [F32X4, 0, true],
    [F64X2, 0, false],
    [F64X2, 0, true],
  ];
  const [shape, ext, replace] = table[sub - 21];
  if (replace) {
    let x = t.pop();
    if (shape === I8X16) x = b.ins1(IREDUCE, [x], I8);
    else if (shape === I16X8) x = b.ins1(IREDUCE, [x], I16);
    const v = t.as(t.pop(), shape);
    t.push(b.ins1(INSERTLANE, [v, x], INVALID, idx));
    return;
  }
  const e = b.ins1(EXTRACTLANE, [t.as(t.pop(), shape)], INVALID, idx);
  t.push(ext === 0 ? e : b.ins1(ext > 0 ? SEXTEND : UEXTEND, [e], I32));
}

/** load_lane / store_lane (84..91). */
function memLane(t: FunctionTranslator, sub: number): void {
  const b = t.b;
  const ops = t.ops;
  const k = (sub - 84) % 4;
  const shape = INT_SHAPES[k];
  const size = 1 << k;
  const v = t.as(t.pop(), shape);
  const a = t.env.heapAddr(b, t.vmctx, ops.mem, t.pop(), ops.b, size);
  if (sub < 88) {
    const x = b.ins1(LOAD, [a], LANE[k], HEAP_FLAGS, 0);
    t.push(b.ins1(INSERTLANE, [v, x], INVALID, ops.c));
    return;
  }
  const x = b.ins1(EXTRACTLANE, [v], INVALID, ops.c);
  b.ins(STORE, [x, a], INVALID, HEAP_FLAGS, 0);
}
