// Encoding tables of the scalar instruction families: the fixed bits of each member (from the
// Arm Architecture Reference Manual, A64 "Data processing", "Loads and stores" and "Scalar
// floating-point" encoding classes) and the mnemonic the printer writes. Rows are indexed by the
// sub-op enums of mod.ts.

/** Add/sub/logical (shifted register) and add/sub with carry: base word and mnemonic, by AluOp. */
export const ALU_RRR: readonly (readonly [number, string])[] = [
  [0x0b000000, 'add'], [0x2b000000, 'adds'], [0x4b000000, 'sub'], [0x6b000000, 'subs'],
  [0x0a000000, 'and'], [0x6a000000, 'ands'], [0x2a000000, 'orr'], [0x4a000000, 'eor'],
  [0x0a200000, 'bic'], [0x6a200000, 'bics'], [0x2a200000, 'orn'], [0x4a200000, 'eon'],
  [0x1a000000, 'adc'], [0x3a000000, 'adcs'], [0x5a000000, 'sbc'], [0x7a000000, 'sbcs'],
];
/** Add/sub (immediate), by AluOp Add..Subs. */
export const ALU_IMM12 = [0x11000000, 0x31000000, 0x51000000, 0x71000000];
/** Logical (immediate), by AluOp: And, Ands, Orr, Eor. */
export const ALU_LOGIC_IMM: readonly number[] = [];
(ALU_LOGIC_IMM as number[])[4] = 0x12000000;
(ALU_LOGIC_IMM as number[])[5] = 0x72000000;
(ALU_LOGIC_IMM as number[])[6] = 0x32000000;
(ALU_LOGIC_IMM as number[])[7] = 0x52000000;
/** Add/sub (extended register), by AluOp Add..Subs. */
export const ALU_EXT = [0x0b200000, 0x2b200000, 0x4b200000, 0x6b200000];

/** Move wide, by MovWideOp (0 movn, 2 movz, 3 movk). */
export const MOV_WIDE: readonly (readonly [number, string])[] = [[0x12800000, 'movn'], [0, ''], [0x52800000, 'movz'], [0x72800000, 'movk']];

/** Data processing (1 source): opcode and mnemonic by Dp1Op (rev is 2 for W, 3 for X). */
export const DP1: readonly (readonly [number, string])[] = [[0, 'rbit'], [1, 'rev16'], [2, 'rev32'], [3, 'rev'], [4, 'clz'], [5, 'cls']];
/** Data processing (2 source): opcode and mnemonic by Dp2Op. */
export const DP2: readonly (readonly [number, string])[] = [[2, 'udiv'], [3, 'sdiv'], [8, 'lsl'], [9, 'lsr'], [10, 'asr'], [11, 'ror']];
/** Data processing (3 source), by Dp3Op; the long and high forms exist only for 64-bit results. */
export const DP3: readonly (readonly [number, string])[] = [
  [0x1b000000, 'madd'], [0x1b008000, 'msub'], [0x9b200000, 'smaddl'], [0x9b208000, 'smsubl'],
  [0x9b400000, 'smulh'], [0x9ba00000, 'umaddl'], [0x9ba08000, 'umsubl'], [0x9bc00000, 'umulh'],
];
/** Bitfield, by BfOp. */
export const BITFIELD: readonly (readonly [number, string])[] = [[0x13000000, 'sbfm'], [0x33000000, 'bfm'], [0x53000000, 'ubfm']];
/** Conditional select, by CSelOp. */
export const CSEL: readonly (readonly [number, string])[] = [[0x1a800000, 'csel'], [0x1a800400, 'csinc'], [0x5a800000, 'csinv'], [0x5a800400, 'csneg']];

/**
 * Loads and stores by LdStOp: size (bits 31:30), V (bit 26), opc (bits 23:22), access bytes,
 * whether the register is a v register, whether it is a store, the mnemonic (scaled form) and
 * the PC-relative literal opcode (0 when the form has none).
 */
export interface LdStRow {
  readonly size: number;
  readonly v: number;
  readonly opc: number;
  readonly bytes: number;
  readonly store: boolean;
  /** The register operand's width: 'w' or 'x' for general registers, the access bytes for v registers. */
  readonly reg: 'w' | 'x' | 'v';
  readonly name: string;
  readonly unscaled: string;
  readonly literal: number;
}
function row(size: number, v: number, opc: number, bytes: number, store: boolean, reg: 'w' | 'x' | 'v', name: string, unscaled: string, literal = 0): LdStRow {
  return { size, v, opc, bytes, store, reg, name, unscaled, literal };
}
export const LDST: readonly LdStRow[] = [
  row(0, 0, 1, 1, false, 'w', 'ldrb', 'ldurb'),
  row(1, 0, 1, 2, false, 'w', 'ldrh', 'ldurh'),
  row(2, 0, 1, 4, false, 'w', 'ldr', 'ldur', 0x18000000),
  row(3, 0, 1, 8, false, 'x', 'ldr', 'ldur', 0x58000000),
  row(0, 0, 3, 1, false, 'w', 'ldrsb', 'ldursb'),
  row(0, 0, 2, 1, false, 'x', 'ldrsb', 'ldursb'),
  row(1, 0, 3, 2, false, 'w', 'ldrsh', 'ldursh'),
  row(1, 0, 2, 2, false, 'x', 'ldrsh', 'ldursh'),
  row(2, 0, 2, 4, false, 'x', 'ldrsw', 'ldursw', 0x98000000),
  row(0, 0, 0, 1, true, 'w', 'strb', 'sturb'),
  row(1, 0, 0, 2, true, 'w', 'strh', 'sturh'),
  row(2, 0, 0, 4, true, 'w', 'str', 'stur'),
  row(3, 0, 0, 8, true, 'x', 'str', 'stur'),
  row(0, 1, 1, 1, false, 'v', 'ldr', 'ldur'),
  row(1, 1, 1, 2, false, 'v', 'ldr', 'ldur'),
  row(2, 1, 1, 4, false, 'v', 'ldr', 'ldur', 0x1c000000),
  row(3, 1, 1, 8, false, 'v', 'ldr', 'ldur', 0x5c000000),
  row(0, 1, 3, 16, false, 'v', 'ldr', 'ldur', 0x9c000000),
  row(0, 1, 0, 1, true, 'v', 'str', 'stur'),
  row(1, 1, 0, 2, true, 'v', 'str', 'stur'),
  row(2, 1, 0, 4, true, 'v', 'str', 'stur'),
  row(3, 1, 0, 8, true, 'v', 'str', 'stur'),
  row(0, 1, 2, 16, true, 'v', 'str', 'stur'),
];

/** Load/store pair by PairOp: opc (bits 31:30), V, L, access bytes per register, register kind. */
export const PAIR: readonly { readonly opc: number; readonly v: number; readonly l: number; readonly bytes: number; readonly reg: 'w' | 'x' | 'v' }[] = [
  { opc: 0, v: 0, l: 1, bytes: 4, reg: 'w' }, { opc: 2, v: 0, l: 1, bytes: 8, reg: 'x' },
  { opc: 0, v: 0, l: 0, bytes: 4, reg: 'w' }, { opc: 2, v: 0, l: 0, bytes: 8, reg: 'x' },
  { opc: 0, v: 1, l: 1, bytes: 4, reg: 'v' }, { opc: 1, v: 1, l: 1, bytes: 8, reg: 'v' }, { opc: 2, v: 1, l: 1, bytes: 16, reg: 'v' },
  { opc: 0, v: 1, l: 0, bytes: 4, reg: 'v' }, { opc: 1, v: 1, l: 0, bytes: 8, reg: 'v' }, { opc: 2, v: 1, l: 0, bytes: 16, reg: 'v' },
];

/**
 * Exclusive and ordered accesses by ExclOp: base word (size bits clear), mnemonic, whether it
 * writes a status register (Rs), whether it is a pair (Rt2), whether it loads.
 */
export const EXCL: readonly { readonly base: number; readonly name: string; readonly status: boolean; readonly pair: boolean; readonly load: boolean }[] = [
  { base: 0x085f7c00, name: 'ldxr', status: false, pair: false, load: true },
  { base: 0x085ffc00, name: 'ldaxr', status: false, pair: false, load: true },
  { base: 0x08007c00, name: 'stxr', status: true, pair: false, load: false },
  { base: 0x0800fc00, name: 'stlxr', status: true, pair: false, load: false },
  { base: 0x08dffc00, name: 'ldar', status: false, pair: false, load: true },
  { base: 0x089ffc00, name: 'stlr', status: false, pair: false, load: false },
  { base: 0x887f0000, name: 'ldxp', status: false, pair: true, load: true },
  { base: 0x887f8000, name: 'ldaxp', status: false, pair: true, load: true },
  { base: 0x88200000, name: 'stxp', status: true, pair: true, load: false },
  { base: 0x88208000, name: 'stlxp', status: true, pair: true, load: false },
];

/** LSE atomics by LseOp: o3:opc bits (15:12) and mnemonic stem. */
export const LSE: readonly (readonly [number, string])[] = [
  [0, 'ldadd'], [1, 'ldclr'], [2, 'ldeor'], [3, 'ldset'], [4, 'ldsmax'], [5, 'ldsmin'], [6, 'ldumax'], [7, 'ldumin'], [8, 'swp'],
];

/** Hints and barriers by SysOp: encoding and spelling. */
export const SYS: readonly (readonly [number, string])[] = [
  [0xd503201f, 'nop'], [0xd503229f, 'csdb'], [0xd5033bbf, 'dmb\tish'], [0xd503241f, 'bti'], [0xd503245f, 'bti\tc'],
  [0xd503249f, 'bti\tj'], [0xd50324df, 'bti\tjc'], [0xd503233f, 'paciasp'], [0xd50323bf, 'autiasp'], [0xd503237f, 'pacibsp'],
  [0xd50323ff, 'autibsp'], [0xd50320ff, 'xpaclri'], [0xd5033fdf, 'isb'], [0xd50339bf, 'dmb\tishld'], [0xd5033abf, 'dmb\tishst'],
];

/** Floating-point data processing (1 source): opcode (bits 20:15) by Fp1Op. */
export const FP1: readonly (readonly [number, string])[] = [
  [0, 'fmov'], [1, 'fabs'], [2, 'fneg'], [3, 'fsqrt'], [8, 'frintn'], [9, 'frintp'], [10, 'frintm'], [11, 'frintz'],
  [12, 'frinta'], [14, 'frintx'], [15, 'frinti'],
];
/** Floating-point data processing (2 source): opcode (bits 15:12) by Fp2Op. */
export const FP2: readonly (readonly [number, string])[] = [
  [0, 'fmul'], [1, 'fdiv'], [2, 'fadd'], [3, 'fsub'], [4, 'fmax'], [5, 'fmin'], [6, 'fmaxnm'], [7, 'fminnm'], [8, 'fnmul'],
];
/** Floating-point data processing (3 source), by Fp3Op. */
export const FP3: readonly (readonly [number, string])[] = [[0x1f000000, 'fmadd'], [0x1f008000, 'fmsub'], [0x1f200000, 'fnmadd'], [0x1f208000, 'fnmsub']];
