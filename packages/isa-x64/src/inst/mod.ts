// The x86-64 machine instruction representation.
//
// Every instruction is one `MInst` record of a single shape (V8 keeps one hidden class), with
// an `op` saying which fields matter. Conventions shared by every op:
//
// - `mem` non-null means the r/m operand is memory; otherwise the r/m operand is the register
//   field named in the op's comment (`dst` when the form writes it, `src` when it only reads).
// - `src2` is the second register source: the ModRM.reg operand of forms whose r/m is the first
//   operand (`test`, `bt`, `xchg`, ...), or VEX.vvvv of three-operand VEX forms.
// - `size` is the operand size in bytes; `size2` a second size (movzx source, int width of a
//   conversion).
// - `imm` is a signed 32-bit immediate (for `MovAbs`, the low half; `immHi` the high half).
// - `trap` >= 0 records a trap site at the instruction's first byte (a load that may fault, ud2).
//
// Constructors below fill the record; lowering code should use them rather than `new MInst`.

import { type Amode, type CC, CC as CCs, type OperandSize } from './args';
import { X64EncodeError } from './errors';
import { NO_REG, type Reg, RegClass } from './regs';

export const Op = {
  // ---- integer moves
  /** dst <- src (89 /r). */
  MovRR: 0,
  /** dst <- imm (sign-extended imm32 at size 8). */
  MovImm: 1,
  /** dst <- 64-bit immHi:imm (movabs). */
  MovAbs: 2,
  /** dst <- [mem], size 1..8 (size 4 zero-extends; sizes 1/2 keep the upper bits). */
  Load: 3,
  /** [mem] <- src. */
  Store: 4,
  /** [mem] <- imm. */
  StoreImm: 5,
  /** dst <- zero-extend(src|mem) from size2 (1/2) to size. */
  Movzx: 6,
  /** dst <- sign-extend(src|mem) from size2 (1/2/4) to size. */
  Movsx: 7,
  /** dst <- address of mem. */
  Lea: 8,
  // ---- integer arithmetic (sub = AluOp)
  /** dst <- dst op (src|mem); cmp only sets flags. */
  AluRM: 9,
  /** dst <- dst op imm. */
  AluRI: 10,
  /** [mem] <- [mem] op src2 (lock-able). */
  AluMR: 11,
  /** [mem] <- [mem] op imm (lock-able). */
  AluMI: 12,
  /** flags <- (src|mem) & src2. */
  Test: 13,
  /** flags <- (src|mem) & imm. */
  TestImm: 14,
  /** dst <- dst * (src|mem). */
  Imul: 15,
  /** dst <- (src|mem) * imm. */
  ImulImm: 16,
  /** dst|mem <- not/neg (sub = UnaryOp). */
  Unary: 17,
  /** rdx:rax <- mul/imul/div/idiv by (src|mem) (sub = MulDivOp). */
  MulDiv: 18,
  /** dst|mem <- shift(dst|mem, imm) (sub = ShiftOp). */
  ShiftImm: 19,
  /** dst|mem <- shift(dst|mem, cl). */
  ShiftCl: 20,
  /** shld/shrd dst|mem, src2, imm (sub 0 = shld, 1 = shrd). */
  DShiftImm: 21,
  /** shld/shrd dst|mem, src2, cl. */
  DShiftCl: 22,
  /** CF <- bit src2 of (src|mem). */
  Bt: 23,
  /** CF <- bit imm of (src|mem). */
  BtImm: 24,
  /** dst|mem (byte) <- cc ? 1 : 0. */
  Setcc: 25,
  /** dst <- cc ? (src|mem) : dst. */
  Cmov: 26,
  /** rdx <- sign of rax (cwd/cdq/cqo by size). */
  SignExtendRax: 27,
  /** dst <- bsf/bsr/lzcnt/tzcnt/popcnt(src|mem) (sub = BitOp). */
  BitScan: 28,
  /** BMI three-operand VEX ops (sub = BmiOp): dst <- f(src|mem, src2). */
  Bmi: 29,
  /** BMI1 blsi/blsr/blsmsk (sub = BlsOp): dst <- f(src|mem). */
  Bls: 30,
  /** dst <- rotate-right(src|mem, imm) without flags (BMI2 rorx). */
  Rorx: 31,
  /** dst <- byte-swap(dst), size 4/8. */
  Bswap: 32,
  /** swap dst|mem and src2 (memory forms are implicitly locked). */
  Xchg: 33,
  /** cmpxchg dst|mem, src2 (implicit rax); `lock` for atomics. */
  Cmpxchg: 34,
  /** cmpxchg16b [mem] (implicit rdx:rax, rcx:rbx). */
  Cmpxchg16b: 35,
  /** xadd dst|mem, src2. */
  Xadd: 36,
  /** mfence / lfence / sfence (sub 0 / 1 / 2). */
  Fence: 37,
  // ---- control flow
  /** jmp label (sub 0 = rel32, 1 = rel8). */
  Jmp: 38,
  /** jcc label (sub 0 = rel32, 1 = rel8). */
  Jcc: 39,
  /** jmp src|mem. */
  JmpInd: 40,
  /** call sym + imm via relocation (sub 0 = PLT32, 1 = PC32). */
  CallSym: 41,
  /** call src|mem. */
  CallInd: 42,
  /** ret, popping imm extra bytes. */
  Ret: 43,
  /** push src (64-bit). */
  Push: 44,
  /** pop dst (64-bit). */
  Pop: 45,
  /** ud2, with the trap code in `trap`. */
  Ud2: 46,
  Int3: 47,
  /** imm bytes of the recommended multi-byte nops. */
  Nop: 48,
  /** call label (rel32; a function in the same buffer). */
  CallLabel: 49,
  // ---- SSE
  /** dst <- src between xmm registers (sub = XmmMovOp). */
  XmmMov: 50,
  /** dst <- [mem] (sub = XmmMovOp). */
  XmmLoad: 51,
  /** [mem] <- src2 (sub = XmmMovOp). */
  XmmStore: 52,
  /** xmm dst <- gpr (src|mem) (movd/movq by size). */
  GprToXmm: 53,
  /** gpr dst|mem <- xmm src2 (movd/movq by size). */
  XmmToGpr: 54,
  /** dst <- dst op (src|mem) (sub = SseOp; ucomiss, comiss and friends only set flags). */
  XmmRM: 55,
  /** dst <- op(src|mem, imm) (sub = SseImmOp: roundss/roundsd). */
  XmmRMImm: 56,
  /** xmm dst <- convert int (src|mem) of size2 bytes (sub 0 = cvtsi2ss, 1 = cvtsi2sd). */
  CvtIntToFloat: 57,
  /** gpr dst (size) <- convert (src|mem) (sub = CvtToIntOp). */
  CvtFloatToInt: 58,
  /** VEX dst <- op(src2, src|mem) (sub = AvxOp; FMA ops also read dst). */
  XmmRVM: 59,
  /**
   * Jump through an inline table of 32-bit offsets: `lea dst, [rip+table]; movsxd src2,
   * [dst+src*4]; add dst, src2; jmp dst; table`. `src` is the (bounds-checked) index, `dst`
   * and `src2` are temporaries, `targets` the labels.
   */
  JumpTable: 60,
  /** dst <- address of sym + imm through a 64-bit absolute relocation (movabs, non-PIC). */
  MovAbsSym: 61,
  /** jmp sym + imm via relocation, for direct tail calls (sub 0 = PLT32, 1 = PC32). */
  JmpSym: 62,
  /**
   * General-dynamic TLS access: the fixed 16-byte `lea rdi, [rip+sym@tlsgd]; call
   * __tls_get_addr@PLT` sequence the linker may relax; the address arrives in rax.
   */
  TlsGd: 63,
  /** dst <- src when cc holds (sub = XmmMovOp), as a short branch over the move. */
  XmmCmove: 64,
  /**
   * CLIF fmin/fmax on dst (lhs, also the result) and src (rhs), sub = MinMaxOp: NaN if either
   * is NaN, -0 < +0. A branching sequence with internal labels.
   */
  XmmMinMax: 65,
  // ---- packed SSE forms the table-driven XmmRM does not cover
  /** dst <- op(src|mem, imm), or op(dst, src|mem, imm) when the table says so (sub = PackedImmOp). */
  XmmRMImmP: 66,
  /** dst <- packed shift of dst by imm (sub = XmmShiftOp). */
  XmmShiftImm: 67,
  /** GPR dst <- lane imm (or the sign mask) of xmm src (sub = XmmExtractOp); registers only. */
  XmmExtract: 68,
  /** xmm dst <- dst with lane imm replaced by GPR src (sub = XmmInsertOp); registers only. */
  XmmInsert: 69,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** x86 ALU ops, valued as their /digit (and opcode row). */
export const AluOp = { Add: 0, Or: 1, Adc: 2, Sbb: 3, And: 4, Sub: 5, Xor: 6, Cmp: 7 } as const;
export type AluOp = (typeof AluOp)[keyof typeof AluOp];
export const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

export const UnaryOp = { Not: 2, Neg: 3 } as const;
export type UnaryOp = (typeof UnaryOp)[keyof typeof UnaryOp];
export const MulDivOp = { Mul: 4, Imul: 5, Div: 6, Idiv: 7 } as const;
export type MulDivOp = (typeof MulDivOp)[keyof typeof MulDivOp];
/** F6/F7 group names indexed by /digit. */
export const GRP3_NAMES = ['test', '', 'not', 'neg', 'mul', 'imul', 'div', 'idiv'];

/** Shift/rotate ops valued as their /digit in the C0/C1/D0-D3 groups. */
export const ShiftOp = { Rol: 0, Ror: 1, Rcl: 2, Rcr: 3, Shl: 4, Shr: 5, Sar: 7 } as const;
export type ShiftOp = (typeof ShiftOp)[keyof typeof ShiftOp];
export const SHIFT_NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', '', 'sar'];

export const BitOp = { Bsf: 0, Bsr: 1, Lzcnt: 2, Tzcnt: 3, Popcnt: 4 } as const;
export type BitOp = (typeof BitOp)[keyof typeof BitOp];

export const BmiOp = { Andn: 0, Bextr: 1, Bzhi: 2, Shlx: 3, Shrx: 4, Sarx: 5, Pdep: 6, Pext: 7, Mulx: 8 } as const;
export type BmiOp = (typeof BmiOp)[keyof typeof BmiOp];

/** Valued as their /digit in VEX.0F38 F3. */
export const BlsOp = { Blsr: 1, Blsmsk: 2, Blsi: 3 } as const;
export type BlsOp = (typeof BlsOp)[keyof typeof BlsOp];

export const XmmMovOp = {
  Movss: 0, Movsd: 1, Movaps: 2, Movapd: 3, Movups: 4, Movupd: 5, Movdqa: 6, Movdqu: 7, Movq: 8,
} as const;
export type XmmMovOp = (typeof XmmMovOp)[keyof typeof XmmMovOp];

export const SseOp = {
  Addss: 0, Addsd: 1, Subss: 2, Subsd: 3, Mulss: 4, Mulsd: 5, Divss: 6, Divsd: 7,
  Sqrtss: 8, Sqrtsd: 9, Minss: 10, Minsd: 11, Maxss: 12, Maxsd: 13,
  Ucomiss: 14, Ucomisd: 15, Comiss: 16, Comisd: 17, Cvtss2sd: 18, Cvtsd2ss: 19,
  Andps: 20, Andpd: 21, Andnps: 22, Andnpd: 23, Orps: 24, Orpd: 25, Xorps: 26, Xorpd: 27,
  Pand: 28, Pandn: 29, Por: 30, Pxor: 31,
  Paddb: 32, Paddw: 33, Paddd: 34, Paddq: 35, Psubb: 36, Psubw: 37, Psubd: 38, Psubq: 39, Pmullw: 40,
  Pmulld: 41, Pmuludq: 42, Paddsb: 43, Paddsw: 44, Paddusb: 45, Paddusw: 46, Psubsb: 47, Psubsw: 48,
  Psubusb: 49, Psubusw: 50, Pavgb: 51, Pavgw: 52, Pcmpeqb: 53, Pcmpeqw: 54, Pcmpeqd: 55, Pcmpeqq: 56,
  Pcmpgtb: 57, Pcmpgtw: 58, Pcmpgtd: 59, Pcmpgtq: 60, Pminsb: 61, Pminsw: 62, Pminsd: 63, Pminub: 64,
  Pminuw: 65, Pminud: 66, Pmaxsb: 67, Pmaxsw: 68, Pmaxsd: 69, Pmaxub: 70, Pmaxuw: 71, Pmaxud: 72, Psllw: 73,
  Pslld: 74, Psllq: 75, Psrlw: 76, Psrld: 77, Psrlq: 78, Psraw: 79, Psrad: 80, Pabsb: 81, Pabsw: 82,
  Pabsd: 83, Punpcklbw: 84, Punpcklwd: 85, Punpckldq: 86, Punpcklqdq: 87, Punpckhbw: 88, Punpckhwd: 89,
  Punpckhdq: 90, Punpckhqdq: 91, Packsswb: 92, Packssdw: 93, Packuswb: 94, Packusdw: 95, Pshufb: 96,
  Pmovsxbw: 97, Pmovsxwd: 98, Pmovsxdq: 99, Pmovzxbw: 100, Pmovzxwd: 101, Pmovzxdq: 102, Phaddw: 103,
  Phaddd: 104, Pmaddwd: 105, Pmulhrsw: 106, Addps: 107, Addpd: 108, Subps: 109, Subpd: 110, Mulps: 111,
  Mulpd: 112, Divps: 113, Divpd: 114, Sqrtps: 115, Sqrtpd: 116, Minps: 117, Minpd: 118, Maxps: 119,
  Maxpd: 120, Cvtdq2ps: 121, Cvttps2dq: 122, Cvtdq2pd: 123, Cvttpd2dq: 124, Cvtps2pd: 125, Cvtpd2ps: 126,
  Unpcklps: 127, Unpcklpd: 128, Unpckhps: 129, Unpckhpd: 130,
} as const;
export type SseOp = (typeof SseOp)[keyof typeof SseOp];

/**
 * roundss/roundsd (SSE4.1; the immediate is the rounding control: 0 nearest, 1 floor, 2 ceil,
 * 3 trunc) and cmpss/cmpsd (the immediate is the predicate 0..7: eq lt le unord neq nlt nle ord;
 * the destination becomes an all-ones or all-zeros mask).
 */
export const SseImmOp = { Roundss: 0, Roundsd: 1, Cmpss: 2, Cmpsd: 3 } as const;
export type SseImmOp = (typeof SseImmOp)[keyof typeof SseImmOp];

export const PackedImmOp = {
  Pshufd: 0, Pshuflw: 1, Pshufhw: 2, Shufps: 3, Shufpd: 4, Cmpps: 5, Cmppd: 6, Palignr: 7, Pblendw: 8,
  Roundps: 9, Roundpd: 10, Blendps: 11, Blendpd: 12,
} as const;
export type PackedImmOp = (typeof PackedImmOp)[keyof typeof PackedImmOp];

export const XmmShiftOp = {
  Psrlw: 0, Psraw: 1, Psllw: 2, Psrld: 3, Psrad: 4, Pslld: 5, Psrlq: 6, Psllq: 7, Psrldq: 8, Pslldq: 9,
} as const;
export type XmmShiftOp = (typeof XmmShiftOp)[keyof typeof XmmShiftOp];

export const XmmExtractOp = { Pextrb: 0, Pextrw: 1, Pextrd: 2, Pextrq: 3, Movmskps: 4, Movmskpd: 5, Pmovmskb: 6 } as const;
export type XmmExtractOp = (typeof XmmExtractOp)[keyof typeof XmmExtractOp];

export const XmmInsertOp = { Pinsrb: 0, Pinsrw: 1, Pinsrd: 2, Pinsrq: 3 } as const;
export type XmmInsertOp = (typeof XmmInsertOp)[keyof typeof XmmInsertOp];

export const CvtToIntOp = { Cvttss2si: 0, Cvttsd2si: 1, Cvtss2si: 2, Cvtsd2si: 3 } as const;
export type CvtToIntOp = (typeof CvtToIntOp)[keyof typeof CvtToIntOp];

export const AvxOp = {
  Vaddss: 0, Vaddsd: 1, Vsubss: 2, Vsubsd: 3, Vmulss: 4, Vmulsd: 5, Vdivss: 6, Vdivsd: 7,
  Vminss: 8, Vminsd: 9, Vmaxss: 10, Vmaxsd: 11, Vsqrtss: 12, Vsqrtsd: 13,
  Vandps: 14, Vandpd: 15, Vandnps: 16, Vandnpd: 17, Vorps: 18, Vorpd: 19, Vxorps: 20, Vxorpd: 21,
  Vcvtss2sd: 22, Vcvtsd2ss: 23,
  Vfmadd132ss: 24, Vfmadd213ss: 25, Vfmadd231ss: 26,
  Vfmadd132sd: 27, Vfmadd213sd: 28, Vfmadd231sd: 29,
  Vfmsub132ss: 30, Vfmsub213ss: 31, Vfmsub231ss: 32,
  Vfmsub132sd: 33, Vfmsub213sd: 34, Vfmsub231sd: 35,
  Vfnmadd132ss: 36, Vfnmadd213ss: 37, Vfnmadd231ss: 38,
  Vfnmadd132sd: 39, Vfnmadd213sd: 40, Vfnmadd231sd: 41,
  Vfnmsub132ss: 42, Vfnmsub213ss: 43, Vfnmsub231ss: 44,
  Vfnmsub132sd: 45, Vfnmsub213sd: 46, Vfnmsub231sd: 47,
  // Packed 128-bit FMA (VEX.128).
  Vfmadd213ps: 48, Vfmadd213pd: 49,
} as const;
export type AvxOp = (typeof AvxOp)[keyof typeof AvxOp];
/** First FMA op: these read `dst` as a third source. */
export const AVX_FIRST_FMA = AvxOp.Vfmadd132ss;

export const FLAG_LOCK = 1;
/** Use the VEX (AVX) encoding of an SSE form; see `withVex`. */
export const FLAG_VEX = 2;

export class MInst {
  constructor(
    public op: Op,
    public size: OperandSize,
    public sub: number,
    public dst: Reg,
    public src: Reg,
    public src2: Reg,
    public mem: Amode | null,
    public imm: number,
    public immHi: number,
    public cc: CC,
    /** Label for Jmp/Jcc/CallLabel. */
    public label: number,
    /** Symbol for CallSym. */
    public sym: string | number | null,
    public size2: number,
    public flags: number,
    public trap: number,
    /** Branch targets of a JumpTable. */
    public targets: Int32Array | null,
  ) {}
}

function mk(op: Op, size: OperandSize, sub: number, dst: Reg, src: Reg, src2: Reg,
  mem: Amode | null, imm: number): MInst {
  // Immediates are 32-bit patterns (signed or unsigned); the encoder checks the form's range.
  if (!Number.isInteger(imm) || imm < -0x80000000 || imm > 0xffffffff) {
    throw new X64EncodeError(`immediate ${imm} is not a 32-bit integer (use movAbs for 64-bit values)`,
      `op ${op}`);
  }
  return new MInst(op, size, sub, dst, src, src2, mem, imm, 0, CCs.O, -1, null, 0, 0, -1, null);
}

// ---- constructors. `rm` parameters take a register or an Amode.

type RM = Reg | Amode;
function rmReg(rm: RM): Reg {
  return typeof rm === 'number' ? rm : NO_REG;
}
function rmMem(rm: RM): Amode | null {
  return typeof rm === 'number' ? null : rm;
}

export function movRR(size: OperandSize, dst: Reg, src: Reg): MInst {
  return mk(Op.MovRR, size, 0, dst, src, NO_REG, null, 0);
}
/** At size 8 the immediate is sign-extended from 32 bits; use movAbs for other values. */
export function movImm(size: OperandSize, dst: Reg, imm: number): MInst {
  return mk(Op.MovImm, size, 0, dst, NO_REG, NO_REG, null, imm);
}
/**
 * The shortest move of the 64-bit constant hi:lo into a GPR: a 32-bit mov when the upper half
 * is zero (it zero-extends), a sign-extended imm32 when that reproduces the value, else movabs.
 */
export function movConst(dst: Reg, lo: number, hi: number): MInst {
  const l = lo | 0, h = hi | 0;
  if (h === 0) return movImm(4, dst, l >>> 0);
  if (h === (l >> 31)) return movImm(8, dst, l);
  return movAbs(dst, l, h);
}
/** 64-bit immediate as two 32-bit halves (so no bigint on the hot path). */
export function movAbs(dst: Reg, lo: number, hi: number): MInst {
  const i = mk(Op.MovAbs, 8, 0, dst, NO_REG, NO_REG, null, lo);
  i.immHi = hi | 0;
  return i;
}
export function load(size: OperandSize, dst: Reg, mem: Amode): MInst {
  return mk(Op.Load, size, 0, dst, NO_REG, NO_REG, mem, 0);
}
export function store(size: OperandSize, src: Reg, mem: Amode): MInst {
  return mk(Op.Store, size, 0, NO_REG, NO_REG, src, mem, 0);
}
export function storeImm(size: OperandSize, mem: Amode, imm: number): MInst {
  return mk(Op.StoreImm, size, 0, NO_REG, NO_REG, NO_REG, mem, imm);
}
export function movzx(fromSize: 1 | 2, toSize: OperandSize, dst: Reg, src: RM): MInst {
  const i = mk(Op.Movzx, toSize, 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
  i.size2 = fromSize;
  return i;
}
export function movsx(fromSize: 1 | 2 | 4, toSize: OperandSize, dst: Reg, src: RM): MInst {
  const i = mk(Op.Movsx, toSize, 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
  i.size2 = fromSize;
  return i;
}
export function lea(size: OperandSize, dst: Reg, mem: Amode): MInst {
  return mk(Op.Lea, size, 0, dst, NO_REG, NO_REG, mem, 0);
}
export function aluRM(op: AluOp, size: OperandSize, dst: Reg, src: RM): MInst {
  return mk(Op.AluRM, size, op, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
export function aluRI(op: AluOp, size: OperandSize, dst: Reg, imm: number): MInst {
  return mk(Op.AluRI, size, op, dst, NO_REG, NO_REG, null, imm);
}
export function aluMR(op: AluOp, size: OperandSize, mem: Amode, src: Reg, lock = false): MInst {
  const i = mk(Op.AluMR, size, op, NO_REG, NO_REG, src, mem, 0);
  i.flags = lock ? FLAG_LOCK : 0;
  return i;
}
export function aluMI(op: AluOp, size: OperandSize, mem: Amode, imm: number, lock = false): MInst {
  const i = mk(Op.AluMI, size, op, NO_REG, NO_REG, NO_REG, mem, imm);
  i.flags = lock ? FLAG_LOCK : 0;
  return i;
}
export function test(size: OperandSize, a: RM, b: Reg): MInst {
  return mk(Op.Test, size, 0, NO_REG, rmReg(a), b, rmMem(a), 0);
}
export function testImm(size: OperandSize, a: RM, imm: number): MInst {
  return mk(Op.TestImm, size, 0, NO_REG, rmReg(a), NO_REG, rmMem(a), imm);
}
export function imul(size: OperandSize, dst: Reg, src: RM): MInst {
  return mk(Op.Imul, size, 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
export function imulImm(size: OperandSize, dst: Reg, src: RM, imm: number): MInst {
  return mk(Op.ImulImm, size, 0, dst, rmReg(src), NO_REG, rmMem(src), imm);
}
export function unary(op: UnaryOp, size: OperandSize, dst: RM): MInst {
  return mk(Op.Unary, size, op, rmReg(dst), NO_REG, NO_REG, rmMem(dst), 0);
}
export function mulDiv(op: MulDivOp, size: OperandSize, src: RM): MInst {
  return mk(Op.MulDiv, size, op, NO_REG, rmReg(src), NO_REG, rmMem(src), 0);
}
export function shiftImm(op: ShiftOp, size: OperandSize, dst: RM, imm: number): MInst {
  return mk(Op.ShiftImm, size, op, rmReg(dst), NO_REG, NO_REG, rmMem(dst), imm);
}
export function shiftCl(op: ShiftOp, size: OperandSize, dst: RM): MInst {
  return mk(Op.ShiftCl, size, op, rmReg(dst), NO_REG, NO_REG, rmMem(dst), 0);
}
/** shld (right = false) or shrd: dst <- dst shifted, filling from src. */
export function dshiftImm(right: boolean, size: OperandSize, dst: RM, src: Reg, imm: number): MInst {
  return mk(Op.DShiftImm, size, right ? 1 : 0, rmReg(dst), NO_REG, src, rmMem(dst), imm);
}
export function dshiftCl(right: boolean, size: OperandSize, dst: RM, src: Reg): MInst {
  return mk(Op.DShiftCl, size, right ? 1 : 0, rmReg(dst), NO_REG, src, rmMem(dst), 0);
}
export function bt(size: OperandSize, a: RM, bit: Reg): MInst {
  return mk(Op.Bt, size, 0, NO_REG, rmReg(a), bit, rmMem(a), 0);
}
export function btImm(size: OperandSize, a: RM, bit: number): MInst {
  return mk(Op.BtImm, size, 0, NO_REG, rmReg(a), NO_REG, rmMem(a), bit);
}
export function setcc(cc: CC, dst: RM): MInst {
  const i = mk(Op.Setcc, 1, 0, rmReg(dst), NO_REG, NO_REG, rmMem(dst), 0);
  i.cc = cc;
  return i;
}
export function cmov(cc: CC, size: OperandSize, dst: Reg, src: RM): MInst {
  const i = mk(Op.Cmov, size, 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
  i.cc = cc;
  return i;
}
/** cwd / cdq / cqo. */
export function signExtendRax(size: 2 | 4 | 8): MInst {
  return mk(Op.SignExtendRax, size, 0, NO_REG, NO_REG, NO_REG, null, 0);
}
export function bitScan(op: BitOp, size: OperandSize, dst: Reg, src: RM): MInst {
  return mk(Op.BitScan, size, op, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
/**
 * andn dst = ~a & b; bextr dst = extract(b, control a); bzhi dst = zero-high(b, index a);
 * shlx/shrx/sarx dst = b shifted by a; pdep/pext dst = deposit/extract(a, mask b); mulx
 * dst:a = rdx * b (high half in dst, low half written to `a`). `a` goes in VEX.vvvv, `b` is
 * the r/m operand.
 */
export function bmi(op: BmiOp, size: 4 | 8, dst: Reg, a: Reg, b: RM): MInst {
  return mk(Op.Bmi, size, op, dst, rmReg(b), a, rmMem(b), 0);
}
export function bls(op: BlsOp, size: 4 | 8, dst: Reg, src: RM): MInst {
  return mk(Op.Bls, size, op, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
export function rorx(size: 4 | 8, dst: Reg, src: RM, imm: number): MInst {
  return mk(Op.Rorx, size, 0, dst, rmReg(src), NO_REG, rmMem(src), imm);
}
export function bswap(size: 4 | 8, dst: Reg): MInst {
  return mk(Op.Bswap, size, 0, dst, NO_REG, NO_REG, null, 0);
}
export function xchg(size: OperandSize, a: RM, b: Reg): MInst {
  return mk(Op.Xchg, size, 0, rmReg(a), NO_REG, b, rmMem(a), 0);
}
export function cmpxchg(size: OperandSize, a: RM, src: Reg, lock = true): MInst {
  const i = mk(Op.Cmpxchg, size, 0, rmReg(a), NO_REG, src, rmMem(a), 0);
  i.flags = lock ? FLAG_LOCK : 0;
  return i;
}
export function cmpxchg16b(mem: Amode, lock = true): MInst {
  const i = mk(Op.Cmpxchg16b, 8, 0, NO_REG, NO_REG, NO_REG, mem, 0);
  i.flags = lock ? FLAG_LOCK : 0;
  return i;
}
export function xadd(size: OperandSize, a: RM, src: Reg, lock = true): MInst {
  const i = mk(Op.Xadd, size, 0, rmReg(a), NO_REG, src, rmMem(a), 0);
  i.flags = lock ? FLAG_LOCK : 0;
  return i;
}
export const FenceKind = { Mfence: 0, Lfence: 1, Sfence: 2 } as const;
export type FenceKind = (typeof FenceKind)[keyof typeof FenceKind];
export function fence(kind: FenceKind = FenceKind.Mfence): MInst {
  return mk(Op.Fence, 8, kind, NO_REG, NO_REG, NO_REG, null, 0);
}
export function jmp(label: number, short = false): MInst {
  const i = mk(Op.Jmp, 8, short ? 1 : 0, NO_REG, NO_REG, NO_REG, null, 0);
  i.label = label;
  return i;
}
export function jcc(cc: CC, label: number, short = false): MInst {
  const i = mk(Op.Jcc, 8, short ? 1 : 0, NO_REG, NO_REG, NO_REG, null, 0);
  i.cc = cc;
  i.label = label;
  return i;
}
export function jmpInd(target: RM): MInst {
  return mk(Op.JmpInd, 8, 0, NO_REG, rmReg(target), NO_REG, rmMem(target), 0);
}
/** Direct call through a relocation; `plt` picks R_X86_64_PLT32 over PC32. */
export function callSym(sym: string | number, addend = 0, plt = true): MInst {
  const i = mk(Op.CallSym, 8, plt ? 0 : 1, NO_REG, NO_REG, NO_REG, null, addend);
  i.sym = sym;
  return i;
}
export function callLabel(label: number): MInst {
  const i = mk(Op.CallLabel, 8, 0, NO_REG, NO_REG, NO_REG, null, 0);
  i.label = label;
  return i;
}
export function callInd(target: RM): MInst {
  return mk(Op.CallInd, 8, 0, NO_REG, rmReg(target), NO_REG, rmMem(target), 0);
}
export function ret(popBytes = 0): MInst {
  return mk(Op.Ret, 8, 0, NO_REG, NO_REG, NO_REG, null, popBytes);
}
export function push(src: Reg): MInst {
  return mk(Op.Push, 8, 0, NO_REG, src, NO_REG, null, 0);
}
export function pop(dst: Reg): MInst {
  return mk(Op.Pop, 8, 0, dst, NO_REG, NO_REG, null, 0);
}
export function ud2(trapCode: number): MInst {
  const i = mk(Op.Ud2, 8, 0, NO_REG, NO_REG, NO_REG, null, 0);
  i.trap = trapCode;
  return i;
}
export function int3(): MInst {
  return mk(Op.Int3, 8, 0, NO_REG, NO_REG, NO_REG, null, 0);
}
/** `len` (0..4096) bytes of padding as the fewest recommended multi-byte nops. */
export function nop(len: number): MInst {
  return mk(Op.Nop, 8, 0, NO_REG, NO_REG, NO_REG, null, len);
}
export function xmmMov(op: XmmMovOp, dst: Reg, src: Reg): MInst {
  return mk(Op.XmmMov, 8, op, dst, src, NO_REG, null, 0);
}
export function xmmLoad(op: XmmMovOp, dst: Reg, mem: Amode): MInst {
  return mk(Op.XmmLoad, 8, op, dst, NO_REG, NO_REG, mem, 0);
}
export function xmmStore(op: XmmMovOp, src: Reg, mem: Amode): MInst {
  return mk(Op.XmmStore, 8, op, NO_REG, NO_REG, src, mem, 0);
}
/** movd (size 4) / movq (size 8) from a GPR or memory into an xmm register. */
export function gprToXmm(size: 4 | 8, dst: Reg, src: RM): MInst {
  return mk(Op.GprToXmm, size, 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
/** movd / movq from an xmm register to a GPR or memory. */
export function xmmToGpr(size: 4 | 8, dst: RM, src: Reg): MInst {
  return mk(Op.XmmToGpr, size, 0, rmReg(dst), NO_REG, src, rmMem(dst), 0);
}
export function xmmRM(op: SseOp, dst: Reg, src: RM): MInst {
  return mk(Op.XmmRM, 8, op, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
export function xmmRMImm(op: SseImmOp, dst: Reg, src: RM, imm: number): MInst {
  return mk(Op.XmmRMImm, 8, op, dst, rmReg(src), NO_REG, rmMem(src), imm);
}
/** cvtsi2ss (toDouble = false) / cvtsi2sd from a `intSize`-byte integer. */
export function cvtIntToFloat(toDouble: boolean, intSize: 4 | 8, dst: Reg, src: RM): MInst {
  const i = mk(Op.CvtIntToFloat, 8, toDouble ? 1 : 0, dst, rmReg(src), NO_REG, rmMem(src), 0);
  i.size2 = intSize;
  return i;
}
export function cvtFloatToInt(op: CvtToIntOp, intSize: 4 | 8, dst: Reg, src: RM): MInst {
  return mk(Op.CvtFloatToInt, intSize, op, dst, rmReg(src), NO_REG, rmMem(src), 0);
}
/** VEX `op dst, a, b`: `a` in VEX.vvvv, `b` the r/m operand (Intel operand order). */
export function xmmRVM(op: AvxOp, dst: Reg, a: Reg, b: RM): MInst {
  return mk(Op.XmmRVM, 8, op, dst, rmReg(b), a, rmMem(b), 0);
}

/** Packed op with an immediate: pshufd/pshuflw/pshufhw/roundps/roundpd define dst; the others also read it. */
export function xmmRMImmP(op: PackedImmOp, dst: Reg, src: RM, imm: number): MInst {
  return mk(Op.XmmRMImmP, 8, op, dst, rmReg(src), NO_REG, rmMem(src), imm);
}
/** Packed shift of dst by an immediate. */
export function xmmShiftImm(op: XmmShiftOp, dst: Reg, imm: number): MInst {
  return mk(Op.XmmShiftImm, 8, op, dst, NO_REG, NO_REG, null, imm);
}
/** pextr* (lane `imm`) or movmskps/movmskpd/pmovmskb (imm unused) into GPR dst. */
export function xmmExtract(op: XmmExtractOp, dst: Reg, src: Reg, imm = 0): MInst {
  return mk(Op.XmmExtract, op === XmmExtractOp.Pextrq ? 8 : 4, op, dst, src, NO_REG, null, imm);
}
/** pinsr*: lane `imm` of dst <- GPR src. */
export function xmmInsert(op: XmmInsertOp, dst: Reg, src: Reg, imm: number): MInst {
  return mk(Op.XmmInsert, op === XmmInsertOp.Pinsrq ? 8 : 4, op, dst, src, NO_REG, null, imm);
}

export const MinMaxOp = { MinF32: 0, MaxF32: 1, MinF64: 2, MaxF64: 3 } as const;
export type MinMaxOp = (typeof MinMaxOp)[keyof typeof MinMaxOp];

/** Direct jump to a symbol (tail call); `plt` picks R_X86_64_PLT32 over PC32. */
export function jmpSym(sym: string | number, addend = 0, plt = true): MInst {
  const i = mk(Op.JmpSym, 8, plt ? 0 : 1, NO_REG, NO_REG, NO_REG, null, addend);
  i.sym = sym;
  return i;
}
/** Address of thread-local `sym` into rax (clobbers what a call clobbers). */
export function tlsGd(sym: string | number): MInst {
  const i = mk(Op.TlsGd, 8, 0, NO_REG, NO_REG, NO_REG, null, 0);
  i.sym = sym;
  return i;
}
/** Conditional move between xmm registers (`movaps` by default: copies the whole register). */
export function xmmCmove(cc: CC, dst: Reg, src: Reg, mov: XmmMovOp = XmmMovOp.Movaps): MInst {
  const i = mk(Op.XmmCmove, 8, mov, dst, src, NO_REG, null, 0);
  i.cc = cc;
  return i;
}
export function xmmMinMax(op: MinMaxOp, dst: Reg, src: Reg): MInst {
  return mk(Op.XmmMinMax, 8, op, dst, src, NO_REG, null, 0);
}

/** 64-bit absolute address of a symbol (R_X86_64_64), for non-PIC code. */
export function movAbsSym(dst: Reg, sym: string | number, addend = 0): MInst {
  const i = mk(Op.MovAbsSym, 8, 0, dst, NO_REG, NO_REG, null, addend);
  i.sym = sym;
  return i;
}

/** Indirect jump to `targets[index]`; `tmp1`/`tmp2` are scratch GPRs distinct from `index`. */
export function jumpTable(index: Reg, tmp1: Reg, tmp2: Reg, targets: ArrayLike<number>): MInst {
  const i = mk(Op.JumpTable, 8, 0, tmp1, index, tmp2, null, 0);
  i.targets = Int32Array.from(targets);
  return i;
}

/** SSE forms whose VEX encoding takes an extra source (VEX.vvvv) for the upper lanes. */
function vexHasUpperSource(i: MInst): boolean {
  return (i.op === Op.XmmMov && (i.sub === XmmMovOp.Movss || i.sub === XmmMovOp.Movsd))
    || i.op === Op.XmmRMImm || i.op === Op.CvtIntToFloat;
}

/**
 * Switch an SSE instruction to its AVX (VEX) encoding: XmmMov/XmmLoad/XmmStore, GprToXmm,
 * XmmToGpr, the compares of XmmRM, XmmRMImm, CvtIntToFloat and CvtFloatToInt. Forms that merge
 * into the destination's upper lanes (movss/movsd between registers, roundss, cmpss,
 * cvtsi2ss) take those lanes from `upper` instead, which breaks the false dependency on the
 * old destination; it defaults to the destination itself (the SSE behaviour). For the other
 * arithmetic use `xmmRVM`.
 */
export function withVex(i: MInst, upper: Reg = NO_REG): MInst {
  i.flags |= FLAG_VEX;
  if (vexHasUpperSource(i)) i.src2 = upper === NO_REG ? i.dst : upper;
  return i;
}
/** Whether a VEX-encoded instruction reads `src2` as its upper-lane source. */
export function vexUpperSource(i: MInst): boolean {
  return (i.flags & FLAG_VEX) !== 0 && vexHasUpperSource(i);
}

/** Attach a trap code: the instruction's first byte becomes a trap site (e.g. a faulting load). */
export function withTrap(i: MInst, code: number): MInst {
  i.trap = code;
  return i;
}

// ---- moves the register allocator inserts

/** A full-register copy: 64-bit mov for GPRs, movaps for xmm (never a partial-lane merge). */
export function genMove(cls: RegClass, dst: Reg, src: Reg): MInst {
  return cls === RegClass.Int ? movRR(8, dst, src) : xmmMov(XmmMovOp.Movaps, dst, src);
}
/** Store a register to a spill slot: 8 bytes for GPRs, `bytes` (8 or 16) for xmm. */
export function genSpill(cls: RegClass, src: Reg, slot: Amode, bytes: 8 | 16 = 16): MInst {
  if (cls === RegClass.Int) return store(8, src, slot);
  return xmmStore(bytes === 8 ? XmmMovOp.Movsd : XmmMovOp.Movups, src, slot);
}
/** Reload a register from a spill slot (the inverse of genSpill). */
export function genReload(cls: RegClass, dst: Reg, slot: Amode, bytes: 8 | 16 = 16): MInst {
  if (cls === RegClass.Int) return load(8, dst, slot);
  return xmmLoad(bytes === 8 ? XmmMovOp.Movsd : XmmMovOp.Movups, dst, slot);
}
