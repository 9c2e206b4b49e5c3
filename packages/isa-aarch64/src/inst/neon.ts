// Advanced SIMD (NEON) instructions as data: one row per instruction, its fixed encoding bits
// (Arm ARM, "Advanced SIMD" encoding classes, with Q, size, immediates and registers clear), the
// operand form that says how the arrangement, immediates and registers fill the rest, and
// whether it reads its destination. The encoder, the printer and the operand visitor all read
// these rows; lowering names rows through `V`.

/** How a row's operands are laid out (see the encoder's switch for the exact bits). */
export const VForm = {
  /** Vd.T, Vn.T, Vm.T: integer three-same, permutes (Q and size from the arrangement). */
  Same: 0,
  /** Vd.T, Vn.T, Vm.T with a fixed size field (byte arrangements only: and orr eor bsl ...). */
  SameBytes: 1,
  /** Vd.T, Vn.T, Vm.T float: sz (bit 22) from the arrangement (2S 4S 2D). */
  SameF: 2,
  /** Vd.<2x>, Vn.T, Vm.T: widening (smull, saddl, ...); Q = 1 is the "2" (upper half) form. */
  Long: 3,
  /** Vd.<2x>, Vn.<2x>, Vm.T: wide (saddw, uaddw). */
  Wide: 4,
  /** Vd.T, Vn.T: two-register misc. */
  Misc: 5,
  /** Vd.T, Vn.T with a fixed size field (not, rbit, cnt: bytes). */
  MiscBytes: 6,
  /** Vd.T, Vn.T: float two-register misc (sz from the arrangement). */
  MiscF: 7,
  /** Vd.T, Vn.T, #0: integer compare with zero. */
  MiscZero: 8,
  /** Vd.T, Vn.T, #0.0: float compare with zero. */
  MiscFZero: 9,
  /** Vd.<T/2>, Vn.T: narrowing (xtn, sqxtn ...); arrangement = the source's; Q=1 of the destination is the "2" form. */
  Narrow: 10,
  /** fcvtn: Vd.2S/4S, Vn.2D (arrangement = the destination's). */
  NarrowF: 11,
  /** fcvtl: Vd.2D, Vn.2S/4S (arrangement = the source's). */
  LongF: 12,
  /** Vd.<2x half lanes>, Vn.T: pairwise long add (saddlp, uaddlp). */
  PairLong: 13,
  /** Scalar Vd, Vn.T: across lanes (addv, umaxv ...). */
  Across: 14,
  /** Scalar Vd (double width), Vn.T: saddlv, uaddlv. */
  AcrossLong: 15,
  /** Vd.T, Vn.T, #shift: left shifts by immediate (imm = shift). */
  ShiftL: 16,
  /** Vd.T, Vn.T, #shift: right shifts by immediate (imm = shift, 1..esize). */
  ShiftR: 17,
  /** Vd.<2x>, Vn.T, #shift: sshll/ushll (Q = "2"). */
  ShiftLL: 18,
  /** Vd.<T/2>, Vn.T, #shift: shrn, sqshrn ... (arrangement = the source's; Q of the destination = "2"). */
  ShiftRN: 19,
  /** dup Vd.T, Vn.Ts[imm]. */
  DupElem: 20,
  /** dup Vd.T, Rn. */
  DupGen: 21,
  /** mov (ins) Vd.Ts[imm], Rn (arrangement gives the lane size). */
  InsGen: 22,
  /** mov (ins) Vd.Ts[imm], Vn.Ts[imm2]. */
  InsElem: 23,
  /** umov/smov Rd, Vn.Ts[imm] (imm2 = 1: a 64-bit destination). */
  MovToGen: 24,
  /** mov (dup) scalar Vd, Vn.Ts[imm]. */
  DupScalar: 25,
  /** movi/mvni/orr/bic/fmov Vd.T, #imm8 (imm = imm8, imm2 = op << 4 | cmode). */
  ModImm: 26,
  /** ext Vd.T, Vn.T, Vm.T, #imm. */
  Ext: 27,
  /** tbl/tbx Vd.T, {Vn.16b .. Vn+imm.16b}, Vm.T. */
  Tbl: 28,
  /** ld1r {Vt.T}, [Xn]. */
  Ld1R: 29,
  /** ld1/st1 {Vt.Ts}[imm], [Xn] (arrangement gives the lane size). */
  LdStLane: 30,
  /** Scalar Dd, Vn.2D: addp. */
  PairScalar: 31,
  /** Vd.2S/4S, Vn.8B/16B, Vm.8B/16B: dot products (arrangement = the destination's). */
  Dot: 32,
  /** mov Vd.T, Vn.T: `orr` with Vn in both source fields (one register operand). */
  Mov: 33,
} as const;
export type VForm = (typeof VForm)[keyof typeof VForm];

export interface VRow {
  readonly name: string;
  /** The encoding with Q, size, immediates and registers zero. */
  readonly base: number;
  readonly form: VForm;
  /** The instruction reads its destination register (accumulates, inserts, keeps half of it). */
  readonly acc: boolean;
  /** Loads (ld1r, ld1 lane) and stores (st1 lane) can fault: a trap site. */
  readonly mem?: 'load' | 'store';
  /** The arrangements (`Arr` values, as a bit mask) the instruction has. */
  readonly arrs: number;
}

// Arrangement masks (bit `Arr` set when the arrangement exists).
const ALL = 0xbf; // 8B..4S, 2D
const NO_D = 0x3f; // 8B..4S
const BYTES = 0x03;
const HS = 0x3c;
const F = 0xb0; // 2S 4S 2D
const S24 = 0x30;
const ACROSS = 0x2f; // 8B 16B 4H 8H 4S
const LANES = 0xaa; // the 128-bit arrangements: lane sizes 8..64
const ANY = 0xff;
const DEFAULT_ARRS: Record<number, number> = {
  0: ALL, 1: BYTES, 2: F, 3: NO_D, 4: NO_D, 5: ALL, 6: BYTES, 7: F, 8: ALL, 9: F, 10: NO_D, 11: S24, 12: S24, 13: NO_D,
  14: ACROSS, 15: ACROSS, 16: ALL, 17: ALL, 18: NO_D, 19: NO_D, 20: ALL, 21: ALL, 22: LANES, 23: LANES, 24: LANES, 25: LANES,
  26: ANY, 27: BYTES, 28: BYTES, 29: ANY, 30: LANES, 31: 0x80, 32: S24, 33: BYTES,
};

const rows: VRow[] = [];
/** Row numbers by name (`V.add`, `V.fcmgt0`, ...). */
export const V: Record<string, number> = {};
function r(key: string, name: string, base: number, form: VForm, acc = false, mem?: 'load' | 'store', arrs = DEFAULT_ARRS[form]): void {
  V[key] = rows.length;
  rows.push({ name, base, form, acc, mem, arrs });
}
/** A row with its own arrangement mask. */
function ra(key: string, name: string, base: number, form: VForm, arrs: number, acc = false): void {
  r(key, name, base, form, acc, undefined, arrs);
}

// Three same (integer): 0 Q U 01110 size 1 Rm opcode 1 Rn Rd.
r('add', 'add', 0x0e208400, VForm.Same);
r('sub', 'sub', 0x2e208400, VForm.Same);
ra('mul', 'mul', 0x0e209c00, VForm.Same, NO_D);
ra('mla', 'mla', 0x0e209400, VForm.Same, NO_D, true);
ra('mls', 'mls', 0x2e209400, VForm.Same, NO_D, true);
r('cmeq', 'cmeq', 0x2e208c00, VForm.Same);
r('cmtst', 'cmtst', 0x0e208c00, VForm.Same);
r('cmgt', 'cmgt', 0x0e203400, VForm.Same);
r('cmge', 'cmge', 0x0e203c00, VForm.Same);
r('cmhi', 'cmhi', 0x2e203400, VForm.Same);
r('cmhs', 'cmhs', 0x2e203c00, VForm.Same);
ra('smax', 'smax', 0x0e206400, VForm.Same, NO_D);
ra('umax', 'umax', 0x2e206400, VForm.Same, NO_D);
ra('smin', 'smin', 0x0e206c00, VForm.Same, NO_D);
ra('umin', 'umin', 0x2e206c00, VForm.Same, NO_D);
r('sqadd', 'sqadd', 0x0e200c00, VForm.Same);
r('uqadd', 'uqadd', 0x2e200c00, VForm.Same);
r('sqsub', 'sqsub', 0x0e202c00, VForm.Same);
r('uqsub', 'uqsub', 0x2e202c00, VForm.Same);
ra('urhadd', 'urhadd', 0x2e201400, VForm.Same, NO_D);
r('sshl', 'sshl', 0x0e204400, VForm.Same);
r('ushl', 'ushl', 0x2e204400, VForm.Same);
r('addp', 'addp', 0x0e20bc00, VForm.Same);
ra('umaxp', 'umaxp', 0x2e20a400, VForm.Same, NO_D);
ra('uminp', 'uminp', 0x2e20ac00, VForm.Same, NO_D);
ra('sqdmulh', 'sqdmulh', 0x0e20b400, VForm.Same, HS);
ra('sqrdmulh', 'sqrdmulh', 0x2e20b400, VForm.Same, HS);
// Three same, logical (the size field picks the operation): byte arrangements.
r('and', 'and', 0x0e201c00, VForm.SameBytes);
r('bic', 'bic', 0x0e601c00, VForm.SameBytes);
r('orr', 'orr', 0x0ea01c00, VForm.SameBytes);
r('orn', 'orn', 0x0ee01c00, VForm.SameBytes);
r('eor', 'eor', 0x2e201c00, VForm.SameBytes);
r('bsl', 'bsl', 0x2e601c00, VForm.SameBytes, true);
r('bit', 'bit', 0x2ea01c00, VForm.SameBytes, true);
r('bif', 'bif', 0x2ee01c00, VForm.SameBytes, true);
r('mov', 'mov', 0x0ea01c00, VForm.Mov);
// Three same (float): 0 Q U 01110 a sz 1 Rm opcode 1 Rn Rd.
r('fadd', 'fadd', 0x0e20d400, VForm.SameF);
r('fsub', 'fsub', 0x0ea0d400, VForm.SameF);
r('fmul', 'fmul', 0x2e20dc00, VForm.SameF);
r('fdiv', 'fdiv', 0x2e20fc00, VForm.SameF);
r('fmax', 'fmax', 0x0e20f400, VForm.SameF);
r('fmin', 'fmin', 0x0ea0f400, VForm.SameF);
r('fmaxnm', 'fmaxnm', 0x0e20c400, VForm.SameF);
r('fminnm', 'fminnm', 0x0ea0c400, VForm.SameF);
r('fmla', 'fmla', 0x0e20cc00, VForm.SameF, true);
r('fmls', 'fmls', 0x0ea0cc00, VForm.SameF, true);
r('fcmeq', 'fcmeq', 0x0e20e400, VForm.SameF);
r('fcmge', 'fcmge', 0x2e20e400, VForm.SameF);
r('fcmgt', 'fcmgt', 0x2ea0e400, VForm.SameF);
r('faddp', 'faddp', 0x2e20d400, VForm.SameF);
// Three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd.
r('saddl', 'saddl', 0x0e200000, VForm.Long);
r('uaddl', 'uaddl', 0x2e200000, VForm.Long);
r('ssubl', 'ssubl', 0x0e202000, VForm.Long);
r('usubl', 'usubl', 0x2e202000, VForm.Long);
r('smull', 'smull', 0x0e20c000, VForm.Long);
r('umull', 'umull', 0x2e20c000, VForm.Long);
r('smlal', 'smlal', 0x0e208000, VForm.Long, true);
r('umlal', 'umlal', 0x2e208000, VForm.Long, true);
r('saddw', 'saddw', 0x0e201000, VForm.Wide);
r('uaddw', 'uaddw', 0x2e201000, VForm.Wide);
// Two-register misc: 0 Q U 01110 size 10000 opcode 10 Rn Rd.
ra('rev64', 'rev64', 0x0e200800, VForm.Misc, NO_D);
ra('rev32', 'rev32', 0x2e200800, VForm.Misc, 0x0f);
ra('rev16', 'rev16', 0x0e201800, VForm.Misc, BYTES);
ra('cls', 'cls', 0x0e204800, VForm.Misc, NO_D);
ra('clz', 'clz', 0x2e204800, VForm.Misc, NO_D);
r('abs', 'abs', 0x0e20b800, VForm.Misc);
r('neg', 'neg', 0x2e20b800, VForm.Misc);
r('cnt', 'cnt', 0x0e205800, VForm.MiscBytes);
r('not', 'mvn', 0x2e205800, VForm.MiscBytes);
r('rbit', 'rbit', 0x2e605800, VForm.MiscBytes);
r('cmgt0', 'cmgt', 0x0e208800, VForm.MiscZero);
r('cmge0', 'cmge', 0x2e208800, VForm.MiscZero);
r('cmeq0', 'cmeq', 0x0e209800, VForm.MiscZero);
r('cmle0', 'cmle', 0x2e209800, VForm.MiscZero);
r('cmlt0', 'cmlt', 0x0e20a800, VForm.MiscZero);
r('xtn', 'xtn', 0x0e212800, VForm.Narrow);
r('sqxtn', 'sqxtn', 0x0e214800, VForm.Narrow);
r('uqxtn', 'uqxtn', 0x2e214800, VForm.Narrow);
r('sqxtun', 'sqxtun', 0x2e212800, VForm.Narrow);
r('saddlp', 'saddlp', 0x0e202800, VForm.PairLong);
r('uaddlp', 'uaddlp', 0x2e202800, VForm.PairLong);
// Two-register misc (float): sz = bit 22.
r('fabs', 'fabs', 0x0ea0f800, VForm.MiscF);
r('fneg', 'fneg', 0x2ea0f800, VForm.MiscF);
r('fsqrt', 'fsqrt', 0x2ea1f800, VForm.MiscF);
r('frintn', 'frintn', 0x0e218800, VForm.MiscF);
r('frintm', 'frintm', 0x0e219800, VForm.MiscF);
r('frintp', 'frintp', 0x0ea18800, VForm.MiscF);
r('frintz', 'frintz', 0x0ea19800, VForm.MiscF);
r('fcvtzs', 'fcvtzs', 0x0ea1b800, VForm.MiscF);
r('fcvtzu', 'fcvtzu', 0x2ea1b800, VForm.MiscF);
r('scvtf', 'scvtf', 0x0e21d800, VForm.MiscF);
r('ucvtf', 'ucvtf', 0x2e21d800, VForm.MiscF);
r('fcmeq0', 'fcmeq', 0x0ea0d800, VForm.MiscFZero);
r('fcmgt0', 'fcmgt', 0x0ea0c800, VForm.MiscFZero);
r('fcmge0', 'fcmge', 0x2ea0c800, VForm.MiscFZero);
r('fcmle0', 'fcmle', 0x2ea0d800, VForm.MiscFZero);
r('fcmlt0', 'fcmlt', 0x0ea0e800, VForm.MiscFZero);
r('fcvtn', 'fcvtn', 0x0e616800, VForm.NarrowF);
r('fcvtl', 'fcvtl', 0x0e617800, VForm.LongF);
// Across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd.
r('addv', 'addv', 0x0e31b800, VForm.Across);
r('smaxv', 'smaxv', 0x0e30a800, VForm.Across);
r('umaxv', 'umaxv', 0x2e30a800, VForm.Across);
r('sminv', 'sminv', 0x0e31a800, VForm.Across);
r('uminv', 'uminv', 0x2e31a800, VForm.Across);
r('saddlv', 'saddlv', 0x0e303800, VForm.AcrossLong);
r('uaddlv', 'uaddlv', 0x2e303800, VForm.AcrossLong);
// Shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd.
r('sshr', 'sshr', 0x0f000400, VForm.ShiftR);
r('ushr', 'ushr', 0x2f000400, VForm.ShiftR);
r('ssra', 'ssra', 0x0f001400, VForm.ShiftR, true);
r('usra', 'usra', 0x2f001400, VForm.ShiftR, true);
r('sri', 'sri', 0x2f004400, VForm.ShiftR, true);
r('shl', 'shl', 0x0f005400, VForm.ShiftL);
r('sli', 'sli', 0x2f005400, VForm.ShiftL, true);
r('sshll', 'sshll', 0x0f00a400, VForm.ShiftLL);
r('ushll', 'ushll', 0x2f00a400, VForm.ShiftLL);
r('shrn', 'shrn', 0x0f008400, VForm.ShiftRN);
r('rshrn', 'rshrn', 0x0f008c00, VForm.ShiftRN);
r('sqshrn', 'sqshrn', 0x0f009400, VForm.ShiftRN);
r('uqshrn', 'uqshrn', 0x2f009400, VForm.ShiftRN);
r('sqshrun', 'sqshrun', 0x2f008400, VForm.ShiftRN);
// Copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd.
r('dup', 'dup', 0x0e000400, VForm.DupElem);
r('dupg', 'dup', 0x0e000c00, VForm.DupGen);
r('insg', 'mov', 0x4e001c00, VForm.InsGen, true);
r('inse', 'mov', 0x6e000400, VForm.InsElem, true);
r('umov', 'umov', 0x0e003c00, VForm.MovToGen);
r('smov', 'smov', 0x0e002c00, VForm.MovToGen);
r('dups', 'mov', 0x5e000400, VForm.DupScalar);
// Modified immediate: 0 Q op 0111100000 abc cmode o2 1 defgh Rd.
r('movi', 'movi', 0x0f000400, VForm.ModImm);
r('orri', 'orr', 0x0f000400, VForm.ModImm, true);
r('bici', 'bic', 0x2f000400, VForm.ModImm, true);
// Permutes: 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd.
r('uzp1', 'uzp1', 0x0e001800, VForm.Same);
r('trn1', 'trn1', 0x0e002800, VForm.Same);
r('zip1', 'zip1', 0x0e003800, VForm.Same);
r('uzp2', 'uzp2', 0x0e005800, VForm.Same);
r('trn2', 'trn2', 0x0e006800, VForm.Same);
r('zip2', 'zip2', 0x0e007800, VForm.Same);
r('ext', 'ext', 0x2e000000, VForm.Ext);
r('tbl', 'tbl', 0x0e000000, VForm.Tbl);
r('tbx', 'tbx', 0x0e001000, VForm.Tbl, true);
// Loads and stores of single structures.
r('ld1r', 'ld1r', 0x0d40c000, VForm.Ld1R, false, 'load');
r('ld1lane', 'ld1', 0x0d400000, VForm.LdStLane, true, 'load');
r('st1lane', 'st1', 0x0d000000, VForm.LdStLane, false, 'store');
// Scalar pairwise and dot products.
r('addpd', 'addp', 0x5ef1b800, VForm.PairScalar);
r('sdot', 'sdot', 0x0e809400, VForm.Dot, true);
r('udot', 'udot', 0x2e809400, VForm.Dot, true);

/** All rows, by row number. */
export const NEON: readonly VRow[] = rows;
