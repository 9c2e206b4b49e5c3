// The RISC-V instructions Windlass emits, as data: one row per machine instruction with its
// format, fixed encoding bits, register files of its operands and the extension it belongs to.
// The encoder, the printer, the compressor and the GNU-as test all read this table.
//
// Encodings: The RISC-V Instruction Set Manual, Volume I (Unprivileged ISA): RV32I/RV64I base
// opcode map, "M", "A", "F", "D", "Zfh" chapters, "B" (Zba, Zbb, Zbc, Zbs), Zbkb (scalar
// crypto), and the "V" extension 1.0 (vector instruction formats and funct6 tables).

/** Instruction formats: which fields an instruction has and where they go. */
export const Fmt = {
  /** rd, rs1, rs2. */
  R: 0,
  /** rd, rs1 (the rs2 field is part of the opcode). */
  R1: 1,
  /** rd, rs1, rs2 with a rounding mode in funct3 (`aux`). */
  RM: 2,
  /** rd, rs1 with a rounding mode (fsqrt, fcvt). */
  R1M: 3,
  /** rd, rs1, rs2, rs3 with a rounding mode (fmadd family). */
  R4: 4,
  /** rd, rs1, imm12. */
  I: 5,
  /** rd, rs1, shamt (6 bits; the W forms 5). */
  Sh: 6,
  /** rd, imm12(rs1). */
  Load: 7,
  /** rs2, imm12(rs1). */
  Store: 8,
  /** rd, imm20. */
  U: 9,
  /** rs1, rs2, label (13-bit PC-relative). */
  B: 10,
  /** rd, label (21-bit PC-relative). */
  J: 11,
  /** rd, rs2, (rs1) with aq/rl bits in `aux`. */
  Amo: 12,
  /** rd, (rs1) with aq/rl bits in `aux` (lr). */
  Lr: 13,
  /** pred, succ in imm (pred << 4 | succ). */
  Fence: 14,
  /** No operands. */
  None: 15,
  /** rd, imm12(rs1) (jalr). */
  Jalr: 16,
  /** Vector: vd, vs2, vs1 (vs1 may be a GPR / FPR per the operand classes), optional mask. */
  V: 17,
  /** Vector with a 5-bit immediate in place of vs1: vd, vs2, imm. */
  VI: 18,
  /** Vector multiply-add order: vd, vs1, vs2 (vd is also read). */
  VMa: 19,
  /** Vector unary: vd, vs2 (vs1 field is part of the opcode). */
  VU: 20,
  /** Scalar from vector: rd, vs2 (vmv.x.s, vfmv.f.s, vcpop.m, vfirst.m). */
  VToS: 21,
  /** Vector from scalar: vd, rs1 (vmv.s.x, vmv.v.x, vfmv.s.f, vfmv.v.f, and vmv.v.v as vd, vs1). */
  SToV: 22,
  /** vmv.v.i vd, imm. */
  VImm: 23,
  /** vmerge: vd, vs2, vs1/rs1, v0. */
  VMerge: 24,
  /** vmerge.vim vd, vs2, imm, v0. */
  VMergeI: 25,
  /** Vector load: vd, (rs1). */
  VLoad: 26,
  /** Vector store: vs3 (in rd's field), (rs1). */
  VStore: 27,
  /** vsetivli rd, uimm, vtype. */
  VSetI: 28,
  /** vsetvli rd, rs1, vtype. */
  VSetVl: 29,
  /** vd only (vid.v). */
  VD: 30,
  /** Whole-register move vmv<n>r.v vd, vs2. */
  VMvR: 31,
  /** Mask-register logical: vd, vs2, vs1 printed as `vmand.mm vd, vs2, vs1`. */
  VMM: 32,
  /** Strided vector load: vd, (rs1), rs2. */
  VLoadS: 33,
  /** CSR read: rd, csr in imm (csrrs rd, csr, x0). */
  Csr: 34,
  /** CSR swap with a register: rd, csr in imm, rs1 (csrrw). */
  CsrW: 35,
  /** CSR swap with a 5-bit immediate: rd, csr in imm, uimm in aux (csrrwi). */
  CsrWI: 36,
} as const;
export type Fmt = (typeof Fmt)[keyof typeof Fmt];

/** Register files of operands, by field: `-` none, `x` GPR, `f` FPR, `v` vector. */
type Files = string;

/** ISA extension an instruction belongs to (`i` the base), for -march and feature checks. */
export type Ext = 'i' | 'm' | 'a' | 'f' | 'd' | 'zfh' | 'zfhmin' | 'zba' | 'zbb' | 'zbc' | 'zbs' | 'zbkb' | 'v' | 'zicsr';

export interface OpInfo {
  readonly name: string;
  readonly fmt: Fmt;
  /** The fixed bits of the encoding. */
  readonly match: number;
  /** Register files of rd, rs1, rs2, rs3 (four characters). */
  readonly files: Files;
  readonly ext: Ext;
  /** rd is read as well as written (vector accumulators and merges with tail-undisturbed). */
  readonly readsRd: boolean;
  /**
   * The destination may not overlap a source register (V 1.0: gathers, slide-ups, compress,
   * widening ops and extensions): the allocator must give it a register no input uses.
   */
  readonly earlyDef: boolean;
}

const NO_OVERLAP = /^(vrgather|vslideup|vslide1up|vfslide1up|vcompress|vw|vfw|vzext|vsext)/;

const OPS: OpInfo[] = [];
function def(name: string, fmt: Fmt, match: number, files: Files, ext: Ext, readsRd = false): number {
  OPS.push({ name, fmt, match: match >>> 0, files, ext, readsRd, earlyDef: NO_OVERLAP.test(name) });
  return OPS.length - 1;
}

// Major opcodes.
const LOAD = 0x03, LOAD_FP = 0x07, MISC_MEM = 0x0f, OP_IMM = 0x13, AUIPC = 0x17, OP_IMM_32 = 0x1b, STORE = 0x23;
const STORE_FP = 0x27, AMO = 0x2f, OP = 0x33, LUI = 0x37, OP_32 = 0x3b, MADD = 0x43, MSUB = 0x47, NMSUB = 0x4b;
const NMADD = 0x4f, OP_FP = 0x53, OP_V = 0x57, BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73;

const r = (f7: number, f3: number, opc: number): number => (f7 << 25) | (f3 << 12) | opc;
const i3 = (f3: number, opc: number): number => (f3 << 12) | opc;
/** A unary op whose rs2 field is fixed: funct7, rs2, funct3. */
const u = (f7: number, rs2: number, f3: number, opc: number): number => (f7 << 25) | (rs2 << 20) | (f3 << 12) | opc;
/** A 12-bit funct field in imm12 (clz, rev8, ...). */
const f12 = (f12v: number, f3: number, opc: number): number => (f12v << 20) | (f3 << 12) | opc;

// ---------------------------------------------------------------- RV64I
export const LUI_ = def('lui', Fmt.U, LUI, 'x---', 'i');
export const AUIPC_ = def('auipc', Fmt.U, AUIPC, 'x---', 'i');
export const JAL_ = def('jal', Fmt.J, JAL, 'x---', 'i');
export const JALR_ = def('jalr', Fmt.Jalr, i3(0, JALR), 'xx--', 'i');
export const BEQ = def('beq', Fmt.B, i3(0, BRANCH), '-xx-', 'i');
export const BNE = def('bne', Fmt.B, i3(1, BRANCH), '-xx-', 'i');
export const BLT = def('blt', Fmt.B, i3(4, BRANCH), '-xx-', 'i');
export const BGE = def('bge', Fmt.B, i3(5, BRANCH), '-xx-', 'i');
export const BLTU = def('bltu', Fmt.B, i3(6, BRANCH), '-xx-', 'i');
export const BGEU = def('bgeu', Fmt.B, i3(7, BRANCH), '-xx-', 'i');
export const LB = def('lb', Fmt.Load, i3(0, LOAD), 'xx--', 'i');
export const LH = def('lh', Fmt.Load, i3(1, LOAD), 'xx--', 'i');
export const LW = def('lw', Fmt.Load, i3(2, LOAD), 'xx--', 'i');
export const LD = def('ld', Fmt.Load, i3(3, LOAD), 'xx--', 'i');
export const LBU = def('lbu', Fmt.Load, i3(4, LOAD), 'xx--', 'i');
export const LHU = def('lhu', Fmt.Load, i3(5, LOAD), 'xx--', 'i');
export const LWU = def('lwu', Fmt.Load, i3(6, LOAD), 'xx--', 'i');
export const SB = def('sb', Fmt.Store, i3(0, STORE), '-xx-', 'i');
export const SH = def('sh', Fmt.Store, i3(1, STORE), '-xx-', 'i');
export const SW = def('sw', Fmt.Store, i3(2, STORE), '-xx-', 'i');
export const SD = def('sd', Fmt.Store, i3(3, STORE), '-xx-', 'i');
export const ADDI = def('addi', Fmt.I, i3(0, OP_IMM), 'xx--', 'i');
export const SLTI = def('slti', Fmt.I, i3(2, OP_IMM), 'xx--', 'i');
export const SLTIU = def('sltiu', Fmt.I, i3(3, OP_IMM), 'xx--', 'i');
export const XORI = def('xori', Fmt.I, i3(4, OP_IMM), 'xx--', 'i');
export const ORI = def('ori', Fmt.I, i3(6, OP_IMM), 'xx--', 'i');
export const ANDI = def('andi', Fmt.I, i3(7, OP_IMM), 'xx--', 'i');
export const SLLI = def('slli', Fmt.Sh, i3(1, OP_IMM), 'xx--', 'i');
export const SRLI = def('srli', Fmt.Sh, i3(5, OP_IMM), 'xx--', 'i');
export const SRAI = def('srai', Fmt.Sh, (0x10 << 26) | i3(5, OP_IMM), 'xx--', 'i');
export const ADD = def('add', Fmt.R, r(0, 0, OP), 'xxx-', 'i');
export const SUB = def('sub', Fmt.R, r(0x20, 0, OP), 'xxx-', 'i');
export const SLL = def('sll', Fmt.R, r(0, 1, OP), 'xxx-', 'i');
export const SLT = def('slt', Fmt.R, r(0, 2, OP), 'xxx-', 'i');
export const SLTU = def('sltu', Fmt.R, r(0, 3, OP), 'xxx-', 'i');
export const XOR = def('xor', Fmt.R, r(0, 4, OP), 'xxx-', 'i');
export const SRL = def('srl', Fmt.R, r(0, 5, OP), 'xxx-', 'i');
export const SRA = def('sra', Fmt.R, r(0x20, 5, OP), 'xxx-', 'i');
export const OR = def('or', Fmt.R, r(0, 6, OP), 'xxx-', 'i');
export const AND = def('and', Fmt.R, r(0, 7, OP), 'xxx-', 'i');
export const ADDIW = def('addiw', Fmt.I, i3(0, OP_IMM_32), 'xx--', 'i');
export const SLLIW = def('slliw', Fmt.Sh, i3(1, OP_IMM_32), 'xx--', 'i');
export const SRLIW = def('srliw', Fmt.Sh, i3(5, OP_IMM_32), 'xx--', 'i');
export const SRAIW = def('sraiw', Fmt.Sh, r(0x20, 5, OP_IMM_32), 'xx--', 'i');
export const ADDW = def('addw', Fmt.R, r(0, 0, OP_32), 'xxx-', 'i');
export const SUBW = def('subw', Fmt.R, r(0x20, 0, OP_32), 'xxx-', 'i');
export const SLLW = def('sllw', Fmt.R, r(0, 1, OP_32), 'xxx-', 'i');
export const SRLW = def('srlw', Fmt.R, r(0, 5, OP_32), 'xxx-', 'i');
export const SRAW = def('sraw', Fmt.R, r(0x20, 5, OP_32), 'xxx-', 'i');
export const FENCE = def('fence', Fmt.Fence, i3(0, MISC_MEM), '----', 'i');
export const ECALL = def('ecall', Fmt.None, SYSTEM, '----', 'i');
export const EBREAK = def('ebreak', Fmt.None, (1 << 20) | SYSTEM, '----', 'i');
/** The canonical 32-bit illegal instruction (`csrrw x0, cycle, x0`), GNU as's `unimp`. */
export const UNIMP = def('unimp', Fmt.None, 0xc0001073, '----', 'i');
export const CSRR = def('csrr', Fmt.Csr, i3(2, SYSTEM), 'x---', 'zicsr');
export const CSRRW = def('csrrw', Fmt.CsrW, i3(1, SYSTEM), 'xx--', 'zicsr');
export const CSRRWI = def('csrrwi', Fmt.CsrWI, i3(5, SYSTEM), 'x---', 'zicsr');
/** The floating-point rounding-mode CSR. */
export const CSR_FRM = 0x002;

// ---------------------------------------------------------------- M
export const MUL = def('mul', Fmt.R, r(1, 0, OP), 'xxx-', 'm');
export const MULH = def('mulh', Fmt.R, r(1, 1, OP), 'xxx-', 'm');
export const MULHSU = def('mulhsu', Fmt.R, r(1, 2, OP), 'xxx-', 'm');
export const MULHU = def('mulhu', Fmt.R, r(1, 3, OP), 'xxx-', 'm');
export const DIV = def('div', Fmt.R, r(1, 4, OP), 'xxx-', 'm');
export const DIVU = def('divu', Fmt.R, r(1, 5, OP), 'xxx-', 'm');
export const REM = def('rem', Fmt.R, r(1, 6, OP), 'xxx-', 'm');
export const REMU = def('remu', Fmt.R, r(1, 7, OP), 'xxx-', 'm');
export const MULW = def('mulw', Fmt.R, r(1, 0, OP_32), 'xxx-', 'm');
export const DIVW = def('divw', Fmt.R, r(1, 4, OP_32), 'xxx-', 'm');
export const DIVUW = def('divuw', Fmt.R, r(1, 5, OP_32), 'xxx-', 'm');
export const REMW = def('remw', Fmt.R, r(1, 6, OP_32), 'xxx-', 'm');
export const REMUW = def('remuw', Fmt.R, r(1, 7, OP_32), 'xxx-', 'm');

// ---------------------------------------------------------------- A (funct5 << 2 in funct7; aq/rl from aux)
const amo = (f5: number, w: 2 | 3): number => r(f5 << 2, w, AMO);
export const LR_W = def('lr.w', Fmt.Lr, amo(0x02, 2), 'xx--', 'a');
export const SC_W = def('sc.w', Fmt.Amo, amo(0x03, 2), 'xxx-', 'a');
export const LR_D = def('lr.d', Fmt.Lr, amo(0x02, 3), 'xx--', 'a');
export const SC_D = def('sc.d', Fmt.Amo, amo(0x03, 3), 'xxx-', 'a');
/** AMO ops in `AmoOp` order, per width. */
const AMO_F5 = [0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c];
const AMO_NAMES = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
export const AmoOp = { Swap: 0, Add: 1, Xor: 2, And: 3, Or: 4, Min: 5, Max: 6, Minu: 7, Maxu: 8 } as const;
export type AmoOp = (typeof AmoOp)[keyof typeof AmoOp];
export const AMO_W: readonly number[] = AMO_F5.map((f5, k) => def(`${AMO_NAMES[k]}.w`, Fmt.Amo, amo(f5, 2), 'xxx-', 'a'));
export const AMO_D: readonly number[] = AMO_F5.map((f5, k) => def(`${AMO_NAMES[k]}.d`, Fmt.Amo, amo(f5, 3), 'xxx-', 'a'));

// ---------------------------------------------------------------- F, D, Zfh (per format: s, d, h)
/** Floating-point formats in the fmt field: S = 0, D = 1, H = 2. */
export const FpFmt = { S: 0, D: 1, H: 2 } as const;
export type FpFmt = (typeof FpFmt)[keyof typeof FpFmt];
const FSUFFIX = ['s', 'd', 'h'];
const FEXT: Ext[] = ['f', 'd', 'zfh'];

export interface FpOps {
  readonly load: number; readonly store: number;
  readonly add: number; readonly sub: number; readonly mul: number; readonly div: number; readonly sqrt: number;
  readonly sgnj: number; readonly sgnjn: number; readonly sgnjx: number; readonly min: number; readonly max: number;
  readonly eq: number; readonly lt: number; readonly le: number; readonly fclass: number;
  readonly madd: number; readonly msub: number; readonly nmsub: number; readonly nmadd: number;
  /** fcvt.{w,wu,l,lu}.fmt (to integer), indexed by `CvtInt`. */
  readonly toInt: readonly number[];
  /** fcvt.fmt.{w,wu,l,lu} (from integer). */
  readonly fromInt: readonly number[];
  /** fmv.x.{w,d,h} and fmv.{w,d,h}.x. */
  readonly mvToX: number; readonly mvFromX: number;
}
/** Integer sides of fcvt: w (i32), wu (u32), l (i64), lu (u64). */
export const CvtInt = { W: 0, WU: 1, L: 2, LU: 3 } as const;
const CVT_INT = ['w', 'wu', 'l', 'lu'];

function fpOps(fmt: FpFmt): FpOps {
  const s = FSUFFIX[fmt];
  const e = FEXT[fmt];
  const f7 = (f5: number): number => (f5 << 2) | fmt;
  const width = fmt === FpFmt.S ? 2 : fmt === FpFmt.D ? 3 : 1;
  const mvName = fmt === FpFmt.S ? 'w' : s;
  const minExt: Ext = fmt === FpFmt.H ? 'zfhmin' : e;
  return {
    load: def(`fl${fmt === FpFmt.S ? 'w' : s}`, Fmt.Load, i3(width, LOAD_FP), 'fx--', minExt),
    store: def(`fs${fmt === FpFmt.S ? 'w' : s}`, Fmt.Store, i3(width, STORE_FP), '-xf-', minExt),
    add: def(`fadd.${s}`, Fmt.RM, r(f7(0x00), 0, OP_FP), 'fff-', e),
    sub: def(`fsub.${s}`, Fmt.RM, r(f7(0x01), 0, OP_FP), 'fff-', e),
    mul: def(`fmul.${s}`, Fmt.RM, r(f7(0x02), 0, OP_FP), 'fff-', e),
    div: def(`fdiv.${s}`, Fmt.RM, r(f7(0x03), 0, OP_FP), 'fff-', e),
    sqrt: def(`fsqrt.${s}`, Fmt.R1M, u(f7(0x0b), 0, 0, OP_FP), 'ff--', e),
    sgnj: def(`fsgnj.${s}`, Fmt.R, r(f7(0x04), 0, OP_FP), 'fff-', e),
    sgnjn: def(`fsgnjn.${s}`, Fmt.R, r(f7(0x04), 1, OP_FP), 'fff-', e),
    sgnjx: def(`fsgnjx.${s}`, Fmt.R, r(f7(0x04), 2, OP_FP), 'fff-', e),
    min: def(`fmin.${s}`, Fmt.R, r(f7(0x05), 0, OP_FP), 'fff-', e),
    max: def(`fmax.${s}`, Fmt.R, r(f7(0x05), 1, OP_FP), 'fff-', e),
    eq: def(`feq.${s}`, Fmt.R, r(f7(0x14), 2, OP_FP), 'xff-', e),
    lt: def(`flt.${s}`, Fmt.R, r(f7(0x14), 1, OP_FP), 'xff-', e),
    le: def(`fle.${s}`, Fmt.R, r(f7(0x14), 0, OP_FP), 'xff-', e),
    fclass: def(`fclass.${s}`, Fmt.R1, u(f7(0x1c), 0, 1, OP_FP), 'xf--', e),
    madd: def(`fmadd.${s}`, Fmt.R4, (fmt << 25) | MADD, 'ffff', e),
    msub: def(`fmsub.${s}`, Fmt.R4, (fmt << 25) | MSUB, 'ffff', e),
    nmsub: def(`fnmsub.${s}`, Fmt.R4, (fmt << 25) | NMSUB, 'ffff', e),
    nmadd: def(`fnmadd.${s}`, Fmt.R4, (fmt << 25) | NMADD, 'ffff', e),
    toInt: CVT_INT.map((n, k) => def(`fcvt.${n}.${s}`, Fmt.R1M, u(f7(0x18), k, 0, OP_FP), 'xf--', e)),
    // int -> double from 32 bits is exact: no rounding-mode operand (encoded as 0, as GNU as does).
    fromInt: CVT_INT.map((n, k) => def(`fcvt.${s}.${n}`, fmt === FpFmt.D && k < 2 ? Fmt.R1 : Fmt.R1M, u(f7(0x1a), k, 0, OP_FP), 'fx--', e)),
    mvToX: def(`fmv.x.${mvName}`, Fmt.R1, u(f7(0x1c), 0, 0, OP_FP), 'xf--', minExt),
    mvFromX: def(`fmv.${mvName}.x`, Fmt.R1, u(f7(0x1e), 0, 0, OP_FP), 'fx--', minExt),
  };
}
export const FP_S = fpOps(FpFmt.S);
export const FP_D = fpOps(FpFmt.D);
export const FP_H = fpOps(FpFmt.H);
/** Per FpFmt. */
export const FP: readonly FpOps[] = [FP_S, FP_D, FP_H];
/** Precision rank of FpFmt S, D, H: widening conversions are exact (no rounding-mode operand). */
const RANK = [1, 2, 0];
/** fcvt between float formats: [to][from] (the diagonal is unused). */
export const FCVT_FF: readonly (readonly number[])[] = [0, 1, 2].map((to) => [0, 1, 2].map((from) => (to === from ? -1
  : def(`fcvt.${FSUFFIX[to]}.${FSUFFIX[from]}`, RANK[to] > RANK[from] ? Fmt.R1 : Fmt.R1M, u((0x08 << 2) | to, from, 0, OP_FP), 'ff--',
    to === 2 || from === 2 ? 'zfhmin' : 'd'))));

// ---------------------------------------------------------------- Zba, Zbb, Zbc, Zbs, Zbkb
export const SH1ADD = def('sh1add', Fmt.R, r(0x10, 2, OP), 'xxx-', 'zba');
export const SH2ADD = def('sh2add', Fmt.R, r(0x10, 4, OP), 'xxx-', 'zba');
export const SH3ADD = def('sh3add', Fmt.R, r(0x10, 6, OP), 'xxx-', 'zba');
export const ADD_UW = def('add.uw', Fmt.R, r(0x04, 0, OP_32), 'xxx-', 'zba');
export const SH1ADD_UW = def('sh1add.uw', Fmt.R, r(0x10, 2, OP_32), 'xxx-', 'zba');
export const SH2ADD_UW = def('sh2add.uw', Fmt.R, r(0x10, 4, OP_32), 'xxx-', 'zba');
export const SH3ADD_UW = def('sh3add.uw', Fmt.R, r(0x10, 6, OP_32), 'xxx-', 'zba');
export const SLLI_UW = def('slli.uw', Fmt.Sh, (0x02 << 26) | i3(1, OP_IMM_32), 'xx--', 'zba');
export const ANDN = def('andn', Fmt.R, r(0x20, 7, OP), 'xxx-', 'zbb');
export const ORN = def('orn', Fmt.R, r(0x20, 6, OP), 'xxx-', 'zbb');
export const XNOR = def('xnor', Fmt.R, r(0x20, 4, OP), 'xxx-', 'zbb');
export const MAX = def('max', Fmt.R, r(0x05, 6, OP), 'xxx-', 'zbb');
export const MAXU = def('maxu', Fmt.R, r(0x05, 7, OP), 'xxx-', 'zbb');
export const MIN = def('min', Fmt.R, r(0x05, 4, OP), 'xxx-', 'zbb');
export const MINU = def('minu', Fmt.R, r(0x05, 5, OP), 'xxx-', 'zbb');
export const ROL = def('rol', Fmt.R, r(0x30, 1, OP), 'xxx-', 'zbb');
export const ROR = def('ror', Fmt.R, r(0x30, 5, OP), 'xxx-', 'zbb');
export const ROLW = def('rolw', Fmt.R, r(0x30, 1, OP_32), 'xxx-', 'zbb');
export const RORW = def('rorw', Fmt.R, r(0x30, 5, OP_32), 'xxx-', 'zbb');
export const RORI = def('rori', Fmt.Sh, (0x18 << 26) | i3(5, OP_IMM), 'xx--', 'zbb');
export const RORIW = def('roriw', Fmt.Sh, r(0x30, 5, OP_IMM_32), 'xx--', 'zbb');
export const CLZ_ = def('clz', Fmt.R1, f12(0x600, 1, OP_IMM), 'xx--', 'zbb');
export const CTZ_ = def('ctz', Fmt.R1, f12(0x601, 1, OP_IMM), 'xx--', 'zbb');
export const CPOP = def('cpop', Fmt.R1, f12(0x602, 1, OP_IMM), 'xx--', 'zbb');
export const CLZW = def('clzw', Fmt.R1, f12(0x600, 1, OP_IMM_32), 'xx--', 'zbb');
export const CTZW = def('ctzw', Fmt.R1, f12(0x601, 1, OP_IMM_32), 'xx--', 'zbb');
export const CPOPW = def('cpopw', Fmt.R1, f12(0x602, 1, OP_IMM_32), 'xx--', 'zbb');
export const SEXT_B = def('sext.b', Fmt.R1, f12(0x604, 1, OP_IMM), 'xx--', 'zbb');
export const SEXT_H = def('sext.h', Fmt.R1, f12(0x605, 1, OP_IMM), 'xx--', 'zbb');
export const ZEXT_H = def('zext.h', Fmt.R1, u(0x04, 0, 4, OP_32), 'xx--', 'zbb');
export const ORC_B = def('orc.b', Fmt.R1, f12(0x287, 5, OP_IMM), 'xx--', 'zbb');
export const REV8 = def('rev8', Fmt.R1, f12(0x6b8, 5, OP_IMM), 'xx--', 'zbb');
export const CLMUL = def('clmul', Fmt.R, r(0x05, 1, OP), 'xxx-', 'zbc');
export const CLMULR = def('clmulr', Fmt.R, r(0x05, 2, OP), 'xxx-', 'zbc');
export const CLMULH = def('clmulh', Fmt.R, r(0x05, 3, OP), 'xxx-', 'zbc');
export const BCLR = def('bclr', Fmt.R, r(0x24, 1, OP), 'xxx-', 'zbs');
export const BEXT = def('bext', Fmt.R, r(0x24, 5, OP), 'xxx-', 'zbs');
export const BINV = def('binv', Fmt.R, r(0x34, 1, OP), 'xxx-', 'zbs');
export const BSET = def('bset', Fmt.R, r(0x14, 1, OP), 'xxx-', 'zbs');
export const BCLRI = def('bclri', Fmt.Sh, (0x12 << 26) | i3(1, OP_IMM), 'xx--', 'zbs');
export const BEXTI = def('bexti', Fmt.Sh, (0x12 << 26) | i3(5, OP_IMM), 'xx--', 'zbs');
export const BINVI = def('binvi', Fmt.Sh, (0x1a << 26) | i3(1, OP_IMM), 'xx--', 'zbs');
export const BSETI = def('bseti', Fmt.Sh, (0x0a << 26) | i3(1, OP_IMM), 'xx--', 'zbs');
export const PACK = def('pack', Fmt.R, r(0x04, 4, OP), 'xxx-', 'zbkb');
export const PACKH = def('packh', Fmt.R, r(0x04, 7, OP), 'xxx-', 'zbkb');
export const PACKW = def('packw', Fmt.R, r(0x04, 4, OP_32), 'xxx-', 'zbkb');
export const BREV8 = def('brev8', Fmt.R1, f12(0x687, 5, OP_IMM), 'xx--', 'zbkb');

// ---------------------------------------------------------------- V (1.0)
const OPIVV = 0, OPFVV = 1, OPMVV = 2, OPIVI = 3, OPIVX = 4, OPFVF = 5, OPMVX = 6, OPCFG = 7;
/** funct6 | vm=1 | funct3 | OP-V: an unmasked vector arithmetic instruction (the encoder clears vm for masked forms). */
const va = (f6: number, f3: number): number => (f6 << 26) | (1 << 25) | (f3 << 12) | OP_V;
/** A vector unary op whose vs1 field selects it. */
const vu = (f6: number, vs1: number, f3: number): number => va(f6, f3) | (vs1 << 15);

/** Vector operand kinds of a binary op: .vv, .vx, .vi, .vf; -1 where the form does not exist. */
export interface VBin {
  readonly vv: number; readonly vx: number; readonly vi: number; readonly vf: number;
}
function vbin(name: string, f6: number, forms: string, kind: 'i' | 'm' | 'f', readsRd = false, narrowing = false): VBin {
  const has = (c: string): boolean => forms.includes(c);
  // Narrowing ops read a double-width vs2: `.wv`, `.wx`, `.wi`.
  const p = narrowing ? 'w' : 'v';
  const f3vv = kind === 'i' ? OPIVV : kind === 'm' ? OPMVV : OPFVV;
  const f3vx = kind === 'i' ? OPIVX : OPMVX;
  const fmt = readsRd ? Fmt.VMa : Fmt.V;
  return {
    vv: has('v') ? def(`${name}.${p}v`, fmt, va(f6, f3vv), 'vvv-', 'v', readsRd) : -1,
    vx: has('x') ? def(`${name}.${p}x`, fmt, va(f6, f3vx), 'vxv-', 'v', readsRd) : -1,
    vi: has('i') ? def(`${name}.${p}i`, Fmt.VI, va(f6, OPIVI), 'v-v-', 'v', readsRd) : -1,
    vf: has('f') ? def(`${name}.vf`, fmt, va(f6, OPFVF), 'vfv-', 'v', readsRd) : -1,
  };
}
export const VADD = vbin('vadd', 0x00, 'vxi', 'i');
export const VSUB = vbin('vsub', 0x02, 'vx', 'i');
export const VRSUB = vbin('vrsub', 0x03, 'xi', 'i');
export const VMINU = vbin('vminu', 0x04, 'vx', 'i');
export const VMIN = vbin('vmin', 0x05, 'vx', 'i');
export const VMAXU = vbin('vmaxu', 0x06, 'vx', 'i');
export const VMAX = vbin('vmax', 0x07, 'vx', 'i');
export const VAND = vbin('vand', 0x09, 'vxi', 'i');
export const VOR = vbin('vor', 0x0a, 'vxi', 'i');
export const VXOR = vbin('vxor', 0x0b, 'vxi', 'i');
export const VRGATHER = vbin('vrgather', 0x0c, 'vxi', 'i');
export const VSLIDEUP = vbin('vslideup', 0x0e, 'xi', 'i');
export const VRGATHEREI16 = vbin('vrgatherei16', 0x0e, 'v', 'i');
export const VSLIDEDOWN = vbin('vslidedown', 0x0f, 'xi', 'i');
export const VMSEQ = vbin('vmseq', 0x18, 'vxi', 'i');
export const VMSNE = vbin('vmsne', 0x19, 'vxi', 'i');
export const VMSLTU = vbin('vmsltu', 0x1a, 'vx', 'i');
export const VMSLT = vbin('vmslt', 0x1b, 'vx', 'i');
export const VMSLEU = vbin('vmsleu', 0x1c, 'vxi', 'i');
export const VMSLE = vbin('vmsle', 0x1d, 'vxi', 'i');
export const VMSGTU = vbin('vmsgtu', 0x1e, 'xi', 'i');
export const VMSGT = vbin('vmsgt', 0x1f, 'xi', 'i');
export const VSADDU = vbin('vsaddu', 0x20, 'vxi', 'i');
export const VSADD = vbin('vsadd', 0x21, 'vxi', 'i');
export const VSSUBU = vbin('vssubu', 0x22, 'vx', 'i');
export const VSSUB = vbin('vssub', 0x23, 'vx', 'i');
export const VSLL = vbin('vsll', 0x25, 'vxi', 'i');
export const VSMUL = vbin('vsmul', 0x27, 'vx', 'i');
export const VSRL = vbin('vsrl', 0x28, 'vxi', 'i');
export const VSRA = vbin('vsra', 0x29, 'vxi', 'i');
export const VNSRL = vbin('vnsrl', 0x2c, 'vxi', 'i', false, true);
export const VNSRA = vbin('vnsra', 0x2d, 'vxi', 'i', false, true);
export const VNCLIPU = vbin('vnclipu', 0x2e, 'vxi', 'i', false, true);
export const VNCLIP = vbin('vnclip', 0x2f, 'vxi', 'i', false, true);
export const VREDSUM_VS = def('vredsum.vs', Fmt.V, va(0x00, OPMVV), 'vvv-', 'v');
export const VREDAND_VS = def('vredand.vs', Fmt.V, va(0x01, OPMVV), 'vvv-', 'v');
export const VREDOR_VS = def('vredor.vs', Fmt.V, va(0x02, OPMVV), 'vvv-', 'v');
export const VREDMINU_VS = def('vredminu.vs', Fmt.V, va(0x04, OPMVV), 'vvv-', 'v');
export const VREDMIN_VS = def('vredmin.vs', Fmt.V, va(0x05, OPMVV), 'vvv-', 'v');
export const VREDMAXU_VS = def('vredmaxu.vs', Fmt.V, va(0x06, OPMVV), 'vvv-', 'v');
export const VREDMAX_VS = def('vredmax.vs', Fmt.V, va(0x07, OPMVV), 'vvv-', 'v');
export const VAADDU = vbin('vaaddu', 0x08, 'vx', 'm');
export const VAADD = vbin('vaadd', 0x09, 'vx', 'm');
export const VSLIDE1UP_VX = def('vslide1up.vx', Fmt.V, va(0x0e, OPMVX), 'vxv-', 'v');
export const VSLIDE1DOWN_VX = def('vslide1down.vx', Fmt.V, va(0x0f, OPMVX), 'vxv-', 'v');
export const VMV_X_S = def('vmv.x.s', Fmt.VToS, vu(0x10, 0x00, OPMVV), 'x-v-', 'v');
export const VCPOP_M = def('vcpop.m', Fmt.VToS, vu(0x10, 0x10, OPMVV), 'x-v-', 'v');
export const VFIRST_M = def('vfirst.m', Fmt.VToS, vu(0x10, 0x11, OPMVV), 'x-v-', 'v');
/** vmv.s.x writes element 0 only: the others stay (tail-undisturbed) as the reused vd says. */
export const VMV_S_X = def('vmv.s.x', Fmt.SToV, va(0x10, OPMVX), 'vx--', 'v', true);
export const VZEXT_VF2 = def('vzext.vf2', Fmt.VU, vu(0x12, 0x06, OPMVV), 'v-v-', 'v');
export const VSEXT_VF2 = def('vsext.vf2', Fmt.VU, vu(0x12, 0x07, OPMVV), 'v-v-', 'v');
export const VZEXT_VF4 = def('vzext.vf4', Fmt.VU, vu(0x12, 0x04, OPMVV), 'v-v-', 'v');
export const VSEXT_VF4 = def('vsext.vf4', Fmt.VU, vu(0x12, 0x05, OPMVV), 'v-v-', 'v');
export const VZEXT_VF8 = def('vzext.vf8', Fmt.VU, vu(0x12, 0x02, OPMVV), 'v-v-', 'v');
export const VSEXT_VF8 = def('vsext.vf8', Fmt.VU, vu(0x12, 0x03, OPMVV), 'v-v-', 'v');
export const VID_V = def('vid.v', Fmt.VD, vu(0x14, 0x11, OPMVV), 'v---', 'v');
export const VCOMPRESS_VM = def('vcompress.vm', Fmt.VMM, va(0x17, OPMVV), 'vvv-', 'v');
export const VMANDN_MM = def('vmandn.mm', Fmt.VMM, va(0x18, OPMVV), 'vvv-', 'v');
export const VMAND_MM = def('vmand.mm', Fmt.VMM, va(0x19, OPMVV), 'vvv-', 'v');
export const VMOR_MM = def('vmor.mm', Fmt.VMM, va(0x1a, OPMVV), 'vvv-', 'v');
export const VMXOR_MM = def('vmxor.mm', Fmt.VMM, va(0x1b, OPMVV), 'vvv-', 'v');
export const VMORN_MM = def('vmorn.mm', Fmt.VMM, va(0x1c, OPMVV), 'vvv-', 'v');
export const VMNAND_MM = def('vmnand.mm', Fmt.VMM, va(0x1d, OPMVV), 'vvv-', 'v');
export const VMNOR_MM = def('vmnor.mm', Fmt.VMM, va(0x1e, OPMVV), 'vvv-', 'v');
export const VMXNOR_MM = def('vmxnor.mm', Fmt.VMM, va(0x1f, OPMVV), 'vvv-', 'v');
export const VDIVU = vbin('vdivu', 0x20, 'vx', 'm');
export const VDIV = vbin('vdiv', 0x21, 'vx', 'm');
export const VREMU = vbin('vremu', 0x22, 'vx', 'm');
export const VREM = vbin('vrem', 0x23, 'vx', 'm');
export const VMULHU = vbin('vmulhu', 0x24, 'vx', 'm');
export const VMUL = vbin('vmul', 0x25, 'vx', 'm');
export const VMULHSU = vbin('vmulhsu', 0x26, 'vx', 'm');
export const VMULH = vbin('vmulh', 0x27, 'vx', 'm');
export const VMACC = vbin('vmacc', 0x2d, 'vx', 'm', true);
export const VNMSAC = vbin('vnmsac', 0x2f, 'vx', 'm', true);
export const VWADDU = vbin('vwaddu', 0x30, 'vx', 'm');
export const VWADD = vbin('vwadd', 0x31, 'vx', 'm');
export const VWSUBU = vbin('vwsubu', 0x32, 'vx', 'm');
export const VWSUB = vbin('vwsub', 0x33, 'vx', 'm');
export const VWMULU = vbin('vwmulu', 0x38, 'vx', 'm');
export const VWMULSU = vbin('vwmulsu', 0x3a, 'vx', 'm');
export const VWMUL = vbin('vwmul', 0x3b, 'vx', 'm');
export const VMERGE_VVM = def('vmerge.vvm', Fmt.VMerge, va(0x17, OPIVV) & ~(1 << 25), 'vvv-', 'v');
export const VMERGE_VXM = def('vmerge.vxm', Fmt.VMerge, va(0x17, OPIVX) & ~(1 << 25), 'vxv-', 'v');
export const VMERGE_VIM = def('vmerge.vim', Fmt.VMergeI, va(0x17, OPIVI) & ~(1 << 25), 'v-v-', 'v');
/** vmv.v.v vd, vs1 (SToV with a vector source). */
export const VMV_V_V = def('vmv.v.v', Fmt.SToV, va(0x17, OPIVV), 'vv--', 'v');
export const VMV_V_X = def('vmv.v.x', Fmt.SToV, va(0x17, OPIVX), 'vx--', 'v');
export const VMV_V_I = def('vmv.v.i', Fmt.VImm, va(0x17, OPIVI), 'v---', 'v');
export const VMV1R_V = def('vmv1r.v', Fmt.VMvR, va(0x27, OPIVI), 'v-v-', 'v');
// Floating point.
export const VFADD = vbin('vfadd', 0x00, 'vf', 'f');
export const VFSUB = vbin('vfsub', 0x02, 'vf', 'f');
export const VFMIN = vbin('vfmin', 0x04, 'vf', 'f');
export const VFMAX = vbin('vfmax', 0x06, 'vf', 'f');
export const VFSGNJ = vbin('vfsgnj', 0x08, 'vf', 'f');
export const VFSGNJN = vbin('vfsgnjn', 0x09, 'vf', 'f');
export const VFSGNJX = vbin('vfsgnjx', 0x0a, 'vf', 'f');
export const VFMV_F_S = def('vfmv.f.s', Fmt.VToS, vu(0x10, 0x00, OPFVV), 'f-v-', 'v');
export const VFMV_S_F = def('vfmv.s.f', Fmt.SToV, va(0x10, OPFVF), 'vf--', 'v', true);
export const VFMV_V_F = def('vfmv.v.f', Fmt.SToV, va(0x17, OPFVF), 'vf--', 'v');
export const VFMERGE_VFM = def('vfmerge.vfm', Fmt.VMerge, va(0x17, OPFVF) & ~(1 << 25), 'vfv-', 'v');
/** VFUNARY0 conversions, by vs1 code. */
const vfu0 = (name: string, code: number): number => def(name, Fmt.VU, vu(0x12, code, OPFVV), 'v-v-', 'v');
export const VFCVT_XU_F_V = vfu0('vfcvt.xu.f.v', 0x00);
export const VFCVT_X_F_V = vfu0('vfcvt.x.f.v', 0x01);
export const VFCVT_F_XU_V = vfu0('vfcvt.f.xu.v', 0x02);
export const VFCVT_F_X_V = vfu0('vfcvt.f.x.v', 0x03);
export const VFCVT_RTZ_XU_F_V = vfu0('vfcvt.rtz.xu.f.v', 0x06);
export const VFCVT_RTZ_X_F_V = vfu0('vfcvt.rtz.x.f.v', 0x07);
export const VFWCVT_F_XU_V = vfu0('vfwcvt.f.xu.v', 0x0a);
export const VFWCVT_F_X_V = vfu0('vfwcvt.f.x.v', 0x0b);
export const VFWCVT_F_F_V = vfu0('vfwcvt.f.f.v', 0x0c);
export const VFWCVT_RTZ_XU_F_V = vfu0('vfwcvt.rtz.xu.f.v', 0x0e);
export const VFWCVT_RTZ_X_F_V = vfu0('vfwcvt.rtz.x.f.v', 0x0f);
export const VFNCVT_F_XU_W = vfu0('vfncvt.f.xu.w', 0x12);
export const VFNCVT_F_X_W = vfu0('vfncvt.f.x.w', 0x13);
export const VFNCVT_F_F_W = vfu0('vfncvt.f.f.w', 0x14);
export const VFNCVT_RTZ_XU_F_W = vfu0('vfncvt.rtz.xu.f.w', 0x16);
export const VFNCVT_RTZ_X_F_W = vfu0('vfncvt.rtz.x.f.w', 0x17);
export const VFSQRT_V = def('vfsqrt.v', Fmt.VU, vu(0x13, 0x00, OPFVV), 'v-v-', 'v');
export const VFCLASS_V = def('vfclass.v', Fmt.VU, vu(0x13, 0x10, OPFVV), 'v-v-', 'v');
export const VMFEQ = vbin('vmfeq', 0x18, 'vf', 'f');
export const VMFLE = vbin('vmfle', 0x19, 'vf', 'f');
export const VMFLT = vbin('vmflt', 0x1b, 'vf', 'f');
export const VMFNE = vbin('vmfne', 0x1c, 'vf', 'f');
export const VMFGT = vbin('vmfgt', 0x1d, 'f', 'f');
export const VMFGE = vbin('vmfge', 0x1f, 'f', 'f');
export const VFDIV = vbin('vfdiv', 0x20, 'vf', 'f');
export const VFMUL = vbin('vfmul', 0x24, 'vf', 'f');
export const VFMACC = vbin('vfmacc', 0x2c, 'vf', 'f', true);
export const VFNMACC = vbin('vfnmacc', 0x2d, 'vf', 'f', true);
export const VFMSAC = vbin('vfmsac', 0x2e, 'vf', 'f', true);
export const VFNMSAC = vbin('vfnmsac', 0x2f, 'vf', 'f', true);
export const VFWADD = vbin('vfwadd', 0x30, 'vf', 'f');
export const VFWSUB = vbin('vfwsub', 0x32, 'vf', 'f');
export const VFREDUSUM_VS = def('vfredusum.vs', Fmt.V, va(0x01, OPFVV), 'vvv-', 'v');
export const VFREDMIN_VS = def('vfredmin.vs', Fmt.V, va(0x05, OPFVV), 'vvv-', 'v');
export const VFREDMAX_VS = def('vfredmax.vs', Fmt.V, va(0x07, OPFVV), 'vvv-', 'v');
// Configuration.
export const VSETIVLI = def('vsetivli', Fmt.VSetI, (3 << 30) | (OPCFG << 12) | OP_V, 'x---', 'v');
export const VSETVLI = def('vsetvli', Fmt.VSetVl, (OPCFG << 12) | OP_V, 'xx--', 'v');
// Loads and stores (unit stride, by element width; the width field: 8 -> 0, 16 -> 5, 32 -> 6, 64 -> 7).
const VW = [0, 5, 6, 7];
/** vle{8,16,32,64}.v by log2(bytes). */
export const VLE: readonly number[] = [8, 16, 32, 64].map((e, k) => def(`vle${e}.v`, Fmt.VLoad, (1 << 25) | (VW[k] << 12) | LOAD_FP, 'vx--', 'v'));
export const VSE: readonly number[] = [8, 16, 32, 64].map((e, k) => def(`vse${e}.v`, Fmt.VStore, (1 << 25) | (VW[k] << 12) | STORE_FP, 'vx--', 'v'));
/** vlse{8,...}.v vd, (rs1), rs2: strided loads (mop = 10). */
export const VLSE: readonly number[] = [8, 16, 32, 64].map((e, k) => def(`vlse${e}.v`, Fmt.VLoadS, (2 << 26) | (1 << 25) | (VW[k] << 12) | LOAD_FP, 'vxx-', 'v'));
/** vlm.v / vsm.v: mask loads and stores (lumop 01011). */
export const VLM_V = def('vlm.v', Fmt.VLoad, (1 << 25) | (0x0b << 20) | LOAD_FP, 'vx--', 'v');

// Pseudo-instruction numbers start here; nothing above is a table row.
export const TABLE_SIZE = OPS.length;

/** The table row of machine opcode `op`. */
export function opInfo(op: number): OpInfo {
  return OPS[op];
}

/** All table rows (for tests and documentation). */
export function allOps(): readonly OpInfo[] {
  return OPS;
}
