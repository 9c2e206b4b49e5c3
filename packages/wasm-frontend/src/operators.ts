/**
 * Streaming operator reader and the operator tables (signatures, natural alignments, lane
 * counts) that the validator and the translator both consult.
 *
 * Operator numbering: one-byte opcodes are themselves; `0xFC n` is `0x100 + n`;
 * `0xFD n` (SIMD) is `0x200 + n`.
 */
import { WasmUnsupportedError } from './errors';
import { ByteReader } from './reader';
import { F32, F64, I32, I64, V128, type ValType } from './types';

export const OP_FC = 0x100;
export const OP_FD = 0x200;
export const OP_LIMIT = 0x300;

/** Signature of operators whose typing depends on nothing but the opcode. */
export const SIG_IN: (ValType[] | undefined)[] = new Array(OP_LIMIT).fill(undefined);
/** Result type of those operators, 0 when none. */
export const SIG_OUT = new Uint8Array(OP_LIMIT);
/** log2 of the natural alignment of memory operators, -1 otherwise. */
export const NATURAL_ALIGN = new Int8Array(OP_LIMIT).fill(-1);
/** Number of lanes addressed by a lane immediate, 0 when the operator has none. */
export const LANES = new Uint8Array(OP_LIMIT);

function sig(ops: number[] | [number, number], ins: ValType[], out: ValType | 0, range = false): void {
  const list = range ? seq(ops[0], ops[1]) : ops;
  for (const op of list) {
    SIG_IN[op] = ins;
    SIG_OUT[op] = out;
  }
}
function seq(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i <= b; i++) r.push(i);
  return r;
}

const i_i = [I32];
const ii_i = [I32, I32];
const l_l = [I64];
const ll_l = [I64, I64];
const f_ = [F32];
const ff_ = [F32, F32];
const d_ = [F64];
const dd_ = [F64, F64];
const v_ = [V128];
const vv_ = [V128, V128];
const vi_ = [V128, I32];

// Numeric MVP operators.
sig([0x45], i_i, I32);
sig([0x46, 0x4f], ii_i, I32, true);
sig([0x50], l_l, I32);
sig([0x51, 0x5a], ll_l, I32, true);
sig([0x5b, 0x60], ff_, I32, true);
sig([0x61, 0x66], dd_, I32, true);
sig([0x67, 0x69], i_i, I32, true);
sig([0x6a, 0x78], ii_i, I32, true);
sig([0x79, 0x7b], l_l, I64, true);
sig([0x7c, 0x8a], ll_l, I64, true);
sig([0x8b, 0x91], f_, F32, true);
sig([0x92, 0x98], ff_, F32, true);
sig([0x99, 0x9f], d_, F64, true);
sig([0xa0, 0xa6], dd_, F64, true);
sig([0xa7], l_l, I32);
sig([0xa8, 0xa9], f_, I32);
sig([0xaa, 0xab], d_, I32);
sig([0xac, 0xad], i_i, I64);
sig([0xae, 0xaf], f_, I64);
sig([0xb0, 0xb1], d_, I64);
sig([0xb2, 0xb3], i_i, F32);
sig([0xb4, 0xb5], l_l, F32);
sig([0xb6], d_, F32);
sig([0xb7, 0xb8], i_i, F64);
sig([0xb9, 0xba], l_l, F64);
sig([0xbb], f_, F64);
sig([0xbc], f_, I32);
sig([0xbd], d_, I64);
sig([0xbe], i_i, F32);
sig([0xbf], l_l, F64);
sig([0xc0, 0xc1], i_i, I32);
sig([0xc2, 0xc4], l_l, I64, true);
// Non-trapping float-to-int.
sig([OP_FC + 0, OP_FC + 1], f_, I32);
sig([OP_FC + 2, OP_FC + 3], d_, I32);
sig([OP_FC + 4, OP_FC + 5], f_, I64);
sig([OP_FC + 6, OP_FC + 7], d_, I64);

// Memory operators: [address (, value)] -> result, with natural alignment.
function mem(op: number, align: number, ins: ValType[], out: ValType | 0): void {
  sig([op], ins, out);
  NATURAL_ALIGN[op] = align;
}
mem(0x28, 2, i_i, I32);
mem(0x29, 3, i_i, I64);
mem(0x2a, 2, i_i, F32);
mem(0x2b, 3, i_i, F64);
mem(0x2c, 0, i_i, I32);
mem(0x2d, 0, i_i, I32);
mem(0x2e, 1, i_i, I32);
mem(0x2f, 1, i_i, I32);
mem(0x30, 0, i_i, I64);
mem(0x31, 0, i_i, I64);
mem(0x32, 1, i_i, I64);
mem(0x33, 1, i_i, I64);
mem(0x34, 2, i_i, I64);
mem(0x35, 2, i_i, I64);
mem(0x36, 2, ii_i, 0);
mem(0x37, 3, [I32, I64], 0);
mem(0x38, 2, [I32, F32], 0);
mem(0x39, 3, [I32, F64], 0);
mem(0x3a, 0, ii_i, 0);
mem(0x3b, 1, ii_i, 0);
mem(0x3c, 0, [I32, I64], 0);
mem(0x3d, 1, [I32, I64], 0);
mem(0x3e, 2, [I32, I64], 0);

// SIMD.
const S = OP_FD;
mem(S + 0, 4, i_i, V128);
for (let i = 1; i <= 6; i++) mem(S + i, 3, i_i, V128);
mem(S + 7, 0, i_i, V128);
mem(S + 8, 1, i_i, V128);
mem(S + 9, 2, i_i, V128);
mem(S + 10, 3, i_i, V128);
mem(S + 11, 4, [I32, V128], 0);
sig([S + 14], vv_, V128);
sig([S + 15, S + 17], i_i, V128, true);
sig([S + 18], l_l, V128);
sig([S + 19], f_, V128);
sig([S + 20], d_, V128);
function lane(op: number, lanes: number, ins: ValType[], out: ValType): void {
  sig([op], ins, out);
  LANES[op] = lanes;
}
lane(S + 21, 16, v_, I32);
lane(S + 22, 16, v_, I32);
lane(S + 23, 16, vi_, V128);
lane(S + 24, 8, v_, I32);
lane(S + 25, 8, v_, I32);
lane(S + 26, 8, vi_, V128);
lane(S + 27, 4, v_, I32);
lane(S + 28, 4, vi_, V128);
lane(S + 29, 2, v_, I64);
lane(S + 30, 2, [V128, I64], V128);
lane(S + 31, 4, v_, F32);
lane(S + 32, 4, [V128, F32], V128);
lane(S + 33, 2, v_, F64);
lane(S + 34, 2, [V128, F64], V128);
sig([S + 35, S + 76], vv_, V128, true); // comparisons
sig([S + 77], v_, V128);
sig([S + 78, S + 81], vv_, V128, true);
sig([S + 82], [V128, V128, V128], V128);
sig([S + 83], v_, I32);
for (let i = 0; i < 4; i++) {
  mem(S + 84 + i, i, [I32, V128], V128);
  LANES[S + 84 + i] = 16 >> i;
  mem(S + 88 + i, i, [I32, V128], 0);
  LANES[S + 88 + i] = 16 >> i;
}
mem(S + 92, 2, i_i, V128);
mem(S + 93, 3, i_i, V128);

const V_UNOPS = [
  94, 95, 96, 97, 98, 103, 104, 105, 106, 116, 117, 122, 124, 125, 126, 127, 128, 129, 135, 136, 137, 138, 148, 160,
  161, 167, 168, 169, 170, 192, 193, 199, 200, 201, 202, 224, 225, 227, 236, 237, 239, 248, 249, 250, 251, 252, 253,
  254, 255,
];
const V_BINOPS = [
  101, 102, 110, 111, 112, 113, 114, 115, 118, 119, 120, 121, 123, 130, 133, 134, 142, 143, 144, 145, 146, 147, 149,
  150, 151, 152, 153, 155, 156, 157, 158, 159, 174, 177, 181, 182, 183, 184, 185, 186, 188, 189, 190, 191, 206, 209,
  213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 228, 229, 230, 231, 232, 233, 234, 235, 240, 241, 242, 243,
  244, 245, 246, 247,
];
const V_TESTS = [99, 100, 131, 132, 163, 164, 195, 196]; // all_true / bitmask
const V_SHIFTS = [107, 108, 109, 139, 140, 141, 171, 172, 173, 203, 204, 205];
sig(
  V_UNOPS.map((n) => S + n),
  v_,
  V128,
);
sig(
  V_BINOPS.map((n) => S + n),
  vv_,
  V128,
);
sig(
  V_TESTS.map((n) => S + n),
  v_,
  I32,
);
sig(
  V_SHIFTS.map((n) => S + n),
  vi_,
  V128,
);

/** Immediate shapes, decided once per opcode. */
const enum Imm {
  Illegal = 0,
  None,
  BlockType,
  Index, // one u32
  BrTable,
  CallIndirect,
  MemArg,
  I32Const,
  I64Const,
  F32Const,
  F64Const,
  SelectT,
  RefNull,
  MemInit, // data index, zero byte
  TwoIndices,
  V128Const,
  Shuffle,
  Lane,
  MemArgLane,
  /** One memory index (`memory.size`, `memory.grow`, `memory.fill`). */
  MemIndex,
  /** Two memory indexes (`memory.copy`: destination, source). */
  TwoMemIndices,
}

const IMM = new Uint8Array(OP_LIMIT);
function imm(kind: Imm, ops: number[]): void {
  for (const op of ops) IMM[op] = kind;
}
for (let op = 0; op < OP_LIMIT; op++) if (SIG_IN[op]) IMM[op] = NATURAL_ALIGN[op] >= 0 ? Imm.MemArg : Imm.None;
imm(Imm.None, [0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b, 0xd1]);
imm(Imm.BlockType, [0x02, 0x03, 0x04]);
imm(Imm.Index, [0x0c, 0x0d, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xd2]);
imm(Imm.BrTable, [0x0e]);
imm(Imm.CallIndirect, [0x11]);
imm(Imm.MemIndex, [0x3f, 0x40, OP_FC + 11]);
imm(Imm.I32Const, [0x41]);
imm(Imm.I64Const, [0x42]);
imm(Imm.F32Const, [0x43]);
imm(Imm.F64Const, [0x44]);
imm(Imm.SelectT, [0x1c]);
imm(Imm.RefNull, [0xd0]);
imm(Imm.MemInit, [OP_FC + 8]);
imm(Imm.Index, [OP_FC + 9, OP_FC + 13, OP_FC + 15, OP_FC + 16, OP_FC + 17]);
imm(Imm.TwoMemIndices, [OP_FC + 10]);
imm(Imm.TwoIndices, [OP_FC + 12, OP_FC + 14]);
imm(Imm.V128Const, [S + 12]);
imm(Imm.Shuffle, [S + 13]);
imm(Imm.Lane, seq(S + 21, S + 34));
imm(Imm.MemArgLane, seq(S + 84, S + 91));

/**
 * Reads one operator at a time from a function body. Immediates land in fields (no allocation
 * per operator); `br_table` targets in a reused array.
 */
export class OperatorReader {
  readonly r: ByteReader;
  /** Operator number (see the module comment). */
  op = 0;
  /** Offset of the operator's first byte. */
  opPos = 0;
  /** First and second immediates (index, depth, block type, align / offset, lane, ...). */
  a = 0;
  b = 0;
  c = 0;
  /** Offset of a multi-byte constant immediate (i64 / f64 / v128 / shuffle). */
  immPos = 0;
  /** `br_table` targets (a = count, b = default). */
  targets: number[] = [];
  /**
   * Memory index of a memory operator (multi-memory: a memarg whose alignment field has bit 6
   * set carries one; `memory.size` / `grow` / `fill` / `init` one, `memory.copy` two: `mem` the
   * destination, `mem2` the source).
   */
  mem = 0;
  mem2 = 0;

  /** `multiMemory`: memory operators carry memory indexes (otherwise the 2.0 zero bytes). */
  constructor(
    r: ByteReader,
    readonly multiMemory = false,
  ) {
    this.r = r;
  }

  /** Reads the next operator; throws a typed malformed error on bad bytes. */
  read(): number {
    const r = this.r;
    this.opPos = r.pos;
    let op = r.u8();
    if (op === 0xfe)
      throw new WasmUnsupportedError('atomic operators (threads proposal)', { offset: this.opPos, section: r.section, func: r.func });
    if (op === 0xfc || op === 0xfd) {
      const sub = r.u32();
      if (sub >= 0x100) r.fail('illegal opcode', `0x${op.toString(16)} ${sub}`, this.opPos);
      op = (op === 0xfc ? OP_FC : OP_FD) + sub;
    }
    this.op = op;
    switch (IMM[op] as Imm) {
      case Imm.None:
        break;
      case Imm.BlockType:
        this.a = r.sN(33);
        break;
      case Imm.Index:
        this.a = r.u32();
        break;
      case Imm.BrTable: {
        const n = r.count(1);
        const t = this.targets;
        t.length = n;
        for (let i = 0; i < n; i++) t[i] = r.u32();
        this.a = n;
        this.b = r.u32();
        break;
      }
      case Imm.CallIndirect:
        this.a = r.u32();
        this.b = r.u32();
        break;
      case Imm.MemArg:
        this.memArg(r);
        break;
      case Imm.I32Const:
        this.a = r.s32();
        break;
      case Imm.I64Const:
        this.immPos = r.pos;
        r.skipS64();
        break;
      case Imm.F32Const:
        this.a = r.f32Bits();
        break;
      case Imm.F64Const:
        this.immPos = r.pos;
        r.skip(8);
        break;
      case Imm.SelectT: {
        const n = r.count(1);
        // Only one result type is allowed; anything else is reported by the validator.
        this.a = n;
        this.b = n > 0 ? r.u8() : 0;
        for (let i = 1; i < n; i++) r.u8();
        break;
      }
      case Imm.RefNull: {
        const t = r.u8();
        if (t !== 0x70 && t !== 0x6f) r.fail('malformed reference type', undefined, r.pos - 1);
        this.a = t;
        break;
      }
      case Imm.MemInit:
        this.a = r.u32();
        this.mem = this.memIndex(r);
        break;
      case Imm.MemIndex:
        this.mem = this.memIndex(r);
        break;
      case Imm.TwoMemIndices:
        this.mem = this.memIndex(r);
        this.mem2 = this.memIndex(r);
        break;
      case Imm.TwoIndices:
        this.a = r.u32();
        this.b = r.u32();
        break;
      case Imm.V128Const:
      case Imm.Shuffle:
        this.immPos = r.pos;
        r.skip(16);
        break;
      case Imm.Lane:
        this.c = r.u8();
        break;
      case Imm.MemArgLane:
        this.memArg(r);
        this.c = r.u8();
        break;
      default:
        r.fail('illegal opcode', `0x${op.toString(16)}`, this.opPos);
    }
    return op;
  }

  /**
   * A memarg: alignment exponent (`a`), then, when its bit 6 is set, a memory index (`mem`),
   * then the offset (`b`). Exponents of 128 and more stay as they are: the validator rejects them.
   */
  private memArg(r: ByteReader): void {
    const align = r.u32();
    if (this.multiMemory && align >= 64 && align < 128) {
      this.a = align - 64;
      this.mem = r.u32();
    } else {
      this.a = align;
      this.mem = 0;
    }
    this.b = r.u32();
  }

  /** A memory index: a u32 with multi-memory, the zero byte of WebAssembly 2.0 otherwise. */
  private memIndex(r: ByteReader): number {
    if (this.multiMemory) return r.u32();
    if (r.u8() !== 0) r.fail('zero byte expected', undefined, r.pos - 1);
    return 0;
  }

  /** The `i64.const` immediate (edge use: allocates a bigint). */
  i64(): bigint {
    const r = new ByteReader(this.r.bytes, this.immPos, this.r.end);
    return r.s64();
  }

  /** Raw little-endian bytes of an `f64.const` / `v128.const` / shuffle immediate. */
  immBytes(n: number): Uint8Array {
    return this.r.bytes.subarray(this.immPos, this.immPos + n);
  }
}
