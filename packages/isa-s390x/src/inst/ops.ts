// The s390x machine instructions Windlass emits, defined once as data: mnemonic, instruction
// format, opcode, assembler syntax and the role of each register field. The encoder, printer,
// operand collection and the GNU-as test all read this table.
//
// Opcodes and formats: IBM z/Architecture Principles of Operation (SA22-7832), chapter 5
// ("Instruction formats") and the instruction chapters; checked against `s390x-linux-gnu-as`
// (src/inst/gas.test.ts).
//
// Syntax templates are comma-separated operand tokens, a kind letter then a slot:
//   g1 g2 g3  general register in r1 / r2 / r3       f1 f2 f3  floating-point register (%fN)
//   v1 v2 v3 v4  vector register in r1..r4           a2  access register number in r2
//   ma mb mc md  mask / unsigned in m3 / m4 / m5 / m6
//   ui si  unsigned / signed immediate in imm        D  D(X,B) memory   d  D(B) memory
//   L  PC-relative target (label or symbol)   S  the two storage operands of an SS-a form
// Roles give one letter per register slot r1..r4: d def, u use, m modified (use tied to the def),
// e early def (written before the uses are read), - none.

export const enum Fmt {
  RR, RRE, RRFa, RRFc, RRFe, RX, RXY, RSY, RI, RIL, RIEa, RIEd, RIEf, RIEg,
  VRX, VRRa, VRRb, VRRc, VRRe, VRRf, VRIa, VRIb, VRIc, VRId, VRIe, VRSa, VRSb, VRSc,
  /** SS-a: `mvc d1(l,b1),d2(b2)` (b/d: the first operand, r2/imm: the second's base and displacement, m3: l - 1). */
  SSa,
  /** SI: `mvi d1(b1),i2`. */
  SI,
}

/** Operand kinds of a register slot, for the allocator. */
export const enum SlotClass { None = 0, Gpr = 1, Vr = 2 }
/** Roles of a register slot. */
export const enum Role { None = 0, Def = 1, Use = 2, Mod = 3, EarlyDef = 4 }

export interface OpInfo {
  /** Table name; the mnemonic is the part before a `.` (`risbg.z` is `risbg` with other roles). */
  readonly name: string;
  readonly mnemonic: string;
  readonly fmt: Fmt;
  readonly opcode: number;
  readonly syntax: string;
  /** Per register slot r1..r4: class and role. */
  readonly slotClass: readonly SlotClass[];
  readonly roles: readonly Role[];
  /** Reads memory through base/index registers. */
  readonly hasMem: boolean;
  /** Some register operand must be a floating-point register (%f0..%f15). */
  readonly fprOnly: boolean;
  /** The displacement range of the memory operand: 12-bit unsigned or 20-bit signed. */
  readonly longDisp: boolean;
  /** For a 12-bit-displacement form, the op with a 20-bit displacement (`l` -> `ly`), else -1. */
  alt: number;
  /** Template tokens parsed once. */
  readonly tokens: readonly string[];
  /** R1 names an even/odd register pair (`mlgr`, `dsgr`, `flogr`): r1 must be even. */
  readonly evenR1: boolean;
  /** The FPR operand is a floating-point register pair (f128): %f0, %f1, %f4, %f5, %f8, ... */
  readonly fprPair: boolean;
}

/** Ops whose R1 is the even register of a pair. */
const PAIR_OPS = new Set(['mlgr', 'mgrk', 'dlgr', 'dsgr', 'dlr', 'dsgfr', 'dr', 'flogr']);

const ROLE: Record<string, Role> = { '-': Role.None, d: Role.Def, u: Role.Use, m: Role.Mod, e: Role.EarlyDef };

const OPS_SRC: [string, Fmt, number, string, string, string?][] = [
  // ---- general-register moves and extensions
  ['lr', Fmt.RR, 0x18, 'g1,g2', 'du'], ['lgr', Fmt.RRE, 0xb904, 'g1,g2', 'du'],
  ['lgfr', Fmt.RRE, 0xb914, 'g1,g2', 'du'], ['llgfr', Fmt.RRE, 0xb916, 'g1,g2', 'du'],
  ['lgbr', Fmt.RRE, 0xb906, 'g1,g2', 'du'], ['lghr', Fmt.RRE, 0xb907, 'g1,g2', 'du'],
  ['llgcr', Fmt.RRE, 0xb984, 'g1,g2', 'du'], ['llghr', Fmt.RRE, 0xb985, 'g1,g2', 'du'],
  ['lbr', Fmt.RRE, 0xb926, 'g1,g2', 'du'], ['lhr', Fmt.RRE, 0xb927, 'g1,g2', 'du'],
  ['llcr', Fmt.RRE, 0xb994, 'g1,g2', 'du'], ['llhr', Fmt.RRE, 0xb995, 'g1,g2', 'du'],
  ['lrvgr', Fmt.RRE, 0xb90f, 'g1,g2', 'du'], ['lrvr', Fmt.RRE, 0xb91f, 'g1,g2', 'du'],
  ['ltgr', Fmt.RRE, 0xb902, 'g1,g2', 'du'], ['ltr', Fmt.RR, 0x12, 'g1,g2', 'du'],
  ['lcgr', Fmt.RRE, 0xb903, 'g1,g2', 'du'], ['lcr', Fmt.RR, 0x13, 'g1,g2', 'du'],
  ['lpgr', Fmt.RRE, 0xb900, 'g1,g2', 'du'], ['lpr', Fmt.RR, 0x10, 'g1,g2', 'du'],
  ['lngr', Fmt.RRE, 0xb901, 'g1,g2', 'du'],
  ['ear', Fmt.RRE, 0xb24f, 'g1,a2', 'd-'],
  // ---- immediates
  ['lhi', Fmt.RI, 0xa78, 'g1,si', 'd'], ['lghi', Fmt.RI, 0xa79, 'g1,si', 'd'],
  ['lgfi', Fmt.RIL, 0xc01, 'g1,si', 'd'], ['llilf', Fmt.RIL, 0xc0f, 'g1,ui', 'd'], ['llihf', Fmt.RIL, 0xc0e, 'g1,ui', 'd'],
  ['llill', Fmt.RI, 0xa5f, 'g1,ui', 'd'], ['llilh', Fmt.RI, 0xa5e, 'g1,ui', 'd'],
  ['llihl', Fmt.RI, 0xa5d, 'g1,ui', 'd'], ['llihh', Fmt.RI, 0xa5c, 'g1,ui', 'd'],
  ['iilf', Fmt.RIL, 0xc09, 'g1,ui', 'm'], ['iihf', Fmt.RIL, 0xc08, 'g1,ui', 'm'],
  ['iill', Fmt.RI, 0xa53, 'g1,ui', 'm'], ['iilh', Fmt.RI, 0xa52, 'g1,ui', 'm'],
  ['iihl', Fmt.RI, 0xa51, 'g1,ui', 'm'], ['iihh', Fmt.RI, 0xa50, 'g1,ui', 'm'],
  ['nilf', Fmt.RIL, 0xc0b, 'g1,ui', 'm'], ['nihf', Fmt.RIL, 0xc0a, 'g1,ui', 'm'],
  ['nill', Fmt.RI, 0xa57, 'g1,ui', 'm'], ['nilh', Fmt.RI, 0xa56, 'g1,ui', 'm'],
  ['nihl', Fmt.RI, 0xa55, 'g1,ui', 'm'], ['nihh', Fmt.RI, 0xa54, 'g1,ui', 'm'],
  ['oilf', Fmt.RIL, 0xc0d, 'g1,ui', 'm'], ['oihf', Fmt.RIL, 0xc0c, 'g1,ui', 'm'],
  ['oill', Fmt.RI, 0xa5b, 'g1,ui', 'm'], ['oilh', Fmt.RI, 0xa5a, 'g1,ui', 'm'],
  ['oihl', Fmt.RI, 0xa59, 'g1,ui', 'm'], ['oihh', Fmt.RI, 0xa58, 'g1,ui', 'm'],
  ['xilf', Fmt.RIL, 0xc07, 'g1,ui', 'm'], ['xihf', Fmt.RIL, 0xc06, 'g1,ui', 'm'],
  ['tmll', Fmt.RI, 0xa71, 'g1,ui', 'u'], ['tmlh', Fmt.RI, 0xa70, 'g1,ui', 'u'],
  ['tmhl', Fmt.RI, 0xa73, 'g1,ui', 'u'], ['tmhh', Fmt.RI, 0xa72, 'g1,ui', 'u'],
  // ---- arithmetic and logic, three operands (distinct-operands facility)
  ['agrk', Fmt.RRFa, 0xb9e8, 'g1,g2,g3', 'duu'], ['ark', Fmt.RRFa, 0xb9f8, 'g1,g2,g3', 'duu'],
  ['sgrk', Fmt.RRFa, 0xb9e9, 'g1,g2,g3', 'duu'], ['srk', Fmt.RRFa, 0xb9f9, 'g1,g2,g3', 'duu'],
  ['algrk', Fmt.RRFa, 0xb9ea, 'g1,g2,g3', 'duu'], ['alrk', Fmt.RRFa, 0xb9fa, 'g1,g2,g3', 'duu'],
  ['slgrk', Fmt.RRFa, 0xb9eb, 'g1,g2,g3', 'duu'], ['slrk', Fmt.RRFa, 0xb9fb, 'g1,g2,g3', 'duu'],
  ['ngrk', Fmt.RRFa, 0xb9e4, 'g1,g2,g3', 'duu'], ['nrk', Fmt.RRFa, 0xb9f4, 'g1,g2,g3', 'duu'],
  ['ogrk', Fmt.RRFa, 0xb9e6, 'g1,g2,g3', 'duu'], ['ork', Fmt.RRFa, 0xb9f6, 'g1,g2,g3', 'duu'],
  ['xgrk', Fmt.RRFa, 0xb9e7, 'g1,g2,g3', 'duu'], ['xrk', Fmt.RRFa, 0xb9f7, 'g1,g2,g3', 'duu'],
  ['msgrkc', Fmt.RRFa, 0xb9ed, 'g1,g2,g3', 'duu'], ['msrkc', Fmt.RRFa, 0xb9fd, 'g1,g2,g3', 'duu'],
  // miscellaneous-instruction-extensions facility 3 (z15)
  ['ncgrk', Fmt.RRFa, 0xb9e5, 'g1,g2,g3', 'duu'], ['ncrk', Fmt.RRFa, 0xb9f5, 'g1,g2,g3', 'duu'],
  ['ocgrk', Fmt.RRFa, 0xb965, 'g1,g2,g3', 'duu'], ['ocrk', Fmt.RRFa, 0xb975, 'g1,g2,g3', 'duu'],
  ['nngrk', Fmt.RRFa, 0xb964, 'g1,g2,g3', 'duu'], ['nnrk', Fmt.RRFa, 0xb974, 'g1,g2,g3', 'duu'],
  ['nogrk', Fmt.RRFa, 0xb966, 'g1,g2,g3', 'duu'], ['nork', Fmt.RRFa, 0xb976, 'g1,g2,g3', 'duu'],
  ['nxgrk', Fmt.RRFa, 0xb967, 'g1,g2,g3', 'duu'], ['nxrk', Fmt.RRFa, 0xb977, 'g1,g2,g3', 'duu'],
  ['selgr', Fmt.RRFa, 0xb9e3, 'g1,g2,g3,mb', 'duu'], ['selr', Fmt.RRFa, 0xb9f0, 'g1,g2,g3,mb', 'duu'],
  // two operands (the first is read and written)
  ['agr', Fmt.RRE, 0xb908, 'g1,g2', 'mu'], ['ar', Fmt.RR, 0x1a, 'g1,g2', 'mu'],
  ['sgr', Fmt.RRE, 0xb909, 'g1,g2', 'mu'], ['sr', Fmt.RR, 0x1b, 'g1,g2', 'mu'],
  ['ngr', Fmt.RRE, 0xb980, 'g1,g2', 'mu'], ['nr', Fmt.RR, 0x14, 'g1,g2', 'mu'],
  ['ogr', Fmt.RRE, 0xb981, 'g1,g2', 'mu'], ['or', Fmt.RR, 0x16, 'g1,g2', 'mu'],
  ['xgr', Fmt.RRE, 0xb982, 'g1,g2', 'mu'], ['xr', Fmt.RR, 0x17, 'g1,g2', 'mu'],
  ['algr', Fmt.RRE, 0xb90a, 'g1,g2', 'mu'], ['slgr', Fmt.RRE, 0xb90b, 'g1,g2', 'mu'],
  ['alcgr', Fmt.RRE, 0xb988, 'g1,g2', 'mu'], ['slbgr', Fmt.RRE, 0xb989, 'g1,g2', 'mu'],
  ['alcr', Fmt.RRE, 0xb998, 'g1,g2', 'mu'], ['slbr', Fmt.RRE, 0xb999, 'g1,g2', 'mu'],
  ['msgr', Fmt.RRE, 0xb90c, 'g1,g2', 'mu'], ['msr', Fmt.RRE, 0xb252, 'g1,g2', 'mu'],
  ['aghi', Fmt.RI, 0xa7b, 'g1,si', 'm'], ['ahi', Fmt.RI, 0xa7a, 'g1,si', 'm'],
  ['mghi', Fmt.RI, 0xa7d, 'g1,si', 'm'], ['mhi', Fmt.RI, 0xa7c, 'g1,si', 'm'],
  ['agfi', Fmt.RIL, 0xc28, 'g1,si', 'm'], ['afi', Fmt.RIL, 0xc29, 'g1,si', 'm'],
  ['algfi', Fmt.RIL, 0xc2a, 'g1,ui', 'm'], ['alfi', Fmt.RIL, 0xc2b, 'g1,ui', 'm'],
  ['slgfi', Fmt.RIL, 0xc24, 'g1,ui', 'm'], ['slfi', Fmt.RIL, 0xc25, 'g1,ui', 'm'],
  ['msgfi', Fmt.RIL, 0xc20, 'g1,si', 'm'], ['msfi', Fmt.RIL, 0xc21, 'g1,si', 'm'],
  ['aghik', Fmt.RIEd, 0xecd9, 'g1,g3,si', 'd-u'], ['ahik', Fmt.RIEd, 0xecd8, 'g1,g3,si', 'd-u'],
  // even/odd register pairs: fields hold physical registers (the lowering fixes them)
  ['mlgr', Fmt.RRE, 0xb986, 'g1,g2', '-u'], ['mgrk', Fmt.RRFa, 0xb9ec, 'g1,g2,g3', '-uu'],
  ['dlgr', Fmt.RRE, 0xb987, 'g1,g2', '-u'], ['dsgr', Fmt.RRE, 0xb90d, 'g1,g2', '-u'],
  ['dlr', Fmt.RRE, 0xb997, 'g1,g2', '-u'], ['dsgfr', Fmt.RRE, 0xb91d, 'g1,g2', '-u'],
  ['dr', Fmt.RR, 0x1d, 'g1,g2', '-u'], ['flogr', Fmt.RRE, 0xb983, 'g1,g2', '-u'],
  ['popcnt', Fmt.RRFc, 0xb9e1, 'g1,g2,ma', 'du'],
  // ---- shifts and rotates (RSY: shift amount = D(B), B may be a register)
  ['sllg', Fmt.RSY, 0xeb0d, 'g1,g3,d', 'd-u'], ['srlg', Fmt.RSY, 0xeb0c, 'g1,g3,d', 'd-u'],
  ['srag', Fmt.RSY, 0xeb0a, 'g1,g3,d', 'd-u'], ['sllk', Fmt.RSY, 0xebdf, 'g1,g3,d', 'd-u'],
  ['srlk', Fmt.RSY, 0xebde, 'g1,g3,d', 'd-u'], ['srak', Fmt.RSY, 0xebdc, 'g1,g3,d', 'd-u'],
  ['rllg', Fmt.RSY, 0xeb1c, 'g1,g3,d', 'd-u'], ['rll', Fmt.RSY, 0xeb1d, 'g1,g3,d', 'd-u'],
  ['risbg', Fmt.RIEf, 0xec55, 'g1,g2,ma,mb,mc', 'mu'], ['risbgn', Fmt.RIEf, 0xec59, 'g1,g2,ma,mb,mc', 'mu'],
  // `risbg` with the zero-remaining-bits flag (0x80 in I4): r1 is only written
  ['risbg.z', Fmt.RIEf, 0xec55, 'g1,g2,ma,mb,mc', 'du'],
  // ---- compares
  ['cgr', Fmt.RRE, 0xb920, 'g1,g2', 'uu'], ['cr', Fmt.RR, 0x19, 'g1,g2', 'uu'],
  ['clgr', Fmt.RRE, 0xb921, 'g1,g2', 'uu'], ['clr', Fmt.RR, 0x15, 'g1,g2', 'uu'],
  ['cgfr', Fmt.RRE, 0xb930, 'g1,g2', 'uu'], ['clgfr', Fmt.RRE, 0xb931, 'g1,g2', 'uu'],
  ['cghi', Fmt.RI, 0xa7f, 'g1,si', 'u'], ['chi', Fmt.RI, 0xa7e, 'g1,si', 'u'],
  ['cgfi', Fmt.RIL, 0xc2c, 'g1,si', 'u'], ['cfi', Fmt.RIL, 0xc2d, 'g1,si', 'u'],
  ['clgfi', Fmt.RIL, 0xc2e, 'g1,ui', 'u'], ['clfi', Fmt.RIL, 0xc2f, 'g1,ui', 'u'],
  ['cg', Fmt.RXY, 0xe320, 'g1,D', 'u'], ['clg', Fmt.RXY, 0xe321, 'g1,D', 'u'],
  ['c', Fmt.RX, 0x59, 'g1,D', 'u', 'cy'], ['cy', Fmt.RXY, 0xe359, 'g1,D', 'u'],
  ['cl', Fmt.RX, 0x55, 'g1,D', 'u', 'cly'], ['cly', Fmt.RXY, 0xe355, 'g1,D', 'u'],
  ['clgrt', Fmt.RRFc, 0xb961, 'g1,g2,ma', 'uu'], ['cgrt', Fmt.RRFc, 0xb960, 'g1,g2,ma', 'uu'],
  ['cgit', Fmt.RIEa, 0xec70, 'g1,si,ma', 'u'], ['clgit', Fmt.RIEa, 0xec71, 'g1,ui,ma', 'u'],
  // ---- conditional moves
  ['locgr', Fmt.RRFc, 0xb9e2, 'g1,g2,ma', 'mu'], ['locr', Fmt.RRFc, 0xb9f2, 'g1,g2,ma', 'mu'],
  ['locghi', Fmt.RIEg, 0xec46, 'g1,si,ma', 'm'], ['lochi', Fmt.RIEg, 0xec42, 'g1,si,ma', 'm'],
  // ---- loads and stores
  ['lg', Fmt.RXY, 0xe304, 'g1,D', 'd'], ['lgf', Fmt.RXY, 0xe314, 'g1,D', 'd'], ['llgf', Fmt.RXY, 0xe316, 'g1,D', 'd'],
  ['lgb', Fmt.RXY, 0xe377, 'g1,D', 'd'], ['lgh', Fmt.RXY, 0xe315, 'g1,D', 'd'],
  ['llgc', Fmt.RXY, 0xe390, 'g1,D', 'd'], ['llgh', Fmt.RXY, 0xe391, 'g1,D', 'd'],
  ['l', Fmt.RX, 0x58, 'g1,D', 'd', 'ly'], ['ly', Fmt.RXY, 0xe358, 'g1,D', 'd'],
  ['lh', Fmt.RX, 0x48, 'g1,D', 'd', 'lhy'], ['lhy', Fmt.RXY, 0xe378, 'g1,D', 'd'],
  ['llh', Fmt.RXY, 0xe395, 'g1,D', 'd'], ['llc', Fmt.RXY, 0xe394, 'g1,D', 'd'], ['lb', Fmt.RXY, 0xe376, 'g1,D', 'd'],
  ['lrvg', Fmt.RXY, 0xe30f, 'g1,D', 'd'], ['lrv', Fmt.RXY, 0xe31e, 'g1,D', 'd'], ['lrvh', Fmt.RXY, 0xe31f, 'g1,D', 'd'],
  ['stg', Fmt.RXY, 0xe324, 'g1,D', 'u'],
  ['st', Fmt.RX, 0x50, 'g1,D', 'u', 'sty'], ['sty', Fmt.RXY, 0xe350, 'g1,D', 'u'],
  ['sth', Fmt.RX, 0x40, 'g1,D', 'u', 'sthy'], ['sthy', Fmt.RXY, 0xe370, 'g1,D', 'u'],
  ['stc', Fmt.RX, 0x42, 'g1,D', 'u', 'stcy'], ['stcy', Fmt.RXY, 0xe372, 'g1,D', 'u'],
  ['strvg', Fmt.RXY, 0xe32f, 'g1,D', 'u'], ['strv', Fmt.RXY, 0xe33e, 'g1,D', 'u'], ['strvh', Fmt.RXY, 0xe33f, 'g1,D', 'u'],
  ['la', Fmt.RX, 0x41, 'g1,D', 'd', 'lay'], ['lay', Fmt.RXY, 0xe371, 'g1,D', 'd'],
  ['stmg', Fmt.RSY, 0xeb24, 'g1,g3,d', '---'], ['lmg', Fmt.RSY, 0xeb04, 'g1,g3,d', '---'],
  ['mvc', Fmt.SSa, 0xd2, 'S', ''],
  // PC-relative
  ['larl', Fmt.RIL, 0xc00, 'g1,L', 'd'], ['lgrl', Fmt.RIL, 0xc48, 'g1,L', 'd'],
  ['lrl', Fmt.RIL, 0xc4d, 'g1,L', 'd'], ['lgfrl', Fmt.RIL, 0xc4c, 'g1,L', 'd'], ['llgfrl', Fmt.RIL, 0xc4e, 'g1,L', 'd'],
  // ---- control flow
  ['brc', Fmt.RI, 0xa74, 'ma,L', ''], ['brcl', Fmt.RIL, 0xc04, 'ma,L', ''],
  ['bcr', Fmt.RR, 0x07, 'ma,g2', '-u'], ['basr', Fmt.RR, 0x0d, 'g1,g2', '-u'],
  ['brasl', Fmt.RIL, 0xc05, 'g1,L', ''], ['bras', Fmt.RI, 0xa75, 'g1,L', ''],
  ['brct', Fmt.RI, 0xa76, 'g1,L', '--'], ['mvi', Fmt.SI, 0x92, 'd,ui', ''],
  // ---- atomics (compare and swap, interlocked access)
  ['csg', Fmt.RSY, 0xeb30, 'g1,g3,d', 'm-u'], ['csy', Fmt.RSY, 0xeb14, 'g1,g3,d', 'm-u'],
  ['laag', Fmt.RSY, 0xebe8, 'g1,g3,d', 'd-u'], ['laa', Fmt.RSY, 0xebf8, 'g1,g3,d', 'd-u'],
  ['laalg', Fmt.RSY, 0xebea, 'g1,g3,d', 'd-u'], ['laal', Fmt.RSY, 0xebfa, 'g1,g3,d', 'd-u'],
  ['lang', Fmt.RSY, 0xebe4, 'g1,g3,d', 'd-u'], ['lan', Fmt.RSY, 0xebf4, 'g1,g3,d', 'd-u'],
  ['laog', Fmt.RSY, 0xebe6, 'g1,g3,d', 'd-u'], ['lao', Fmt.RSY, 0xebf6, 'g1,g3,d', 'd-u'],
  ['laxg', Fmt.RSY, 0xebe7, 'g1,g3,d', 'd-u'], ['lax', Fmt.RSY, 0xebf7, 'g1,g3,d', 'd-u'],
  // ---- floating point, classic (FPR only): conversions, bit moves, copysign
  ['ldgr', Fmt.RRE, 0xb3c1, 'f1,g2', 'du'], ['lgdr', Fmt.RRE, 0xb3cd, 'g1,f2', 'du'],
  ['ldr', Fmt.RR, 0x28, 'f1,f2', 'du'],
  ['cpsdr', Fmt.RRFa, 0xb372, 'f1,f3,f2', 'duu'],
  ['cgdbra', Fmt.RRFe, 0xb3a9, 'g1,ma,f2,mb', 'du'], ['cgebra', Fmt.RRFe, 0xb3a8, 'g1,ma,f2,mb', 'du'],
  ['cfdbra', Fmt.RRFe, 0xb399, 'g1,ma,f2,mb', 'du'], ['cfebra', Fmt.RRFe, 0xb398, 'g1,ma,f2,mb', 'du'],
  ['clgdbr', Fmt.RRFe, 0xb3ad, 'g1,ma,f2,mb', 'du'], ['clgebr', Fmt.RRFe, 0xb3ac, 'g1,ma,f2,mb', 'du'],
  ['clfdbr', Fmt.RRFe, 0xb39d, 'g1,ma,f2,mb', 'du'], ['clfebr', Fmt.RRFe, 0xb39c, 'g1,ma,f2,mb', 'du'],
  ['cdgbra', Fmt.RRFe, 0xb3a5, 'f1,ma,g2,mb', 'du'], ['cegbra', Fmt.RRFe, 0xb3a4, 'f1,ma,g2,mb', 'du'],
  ['cdfbra', Fmt.RRFe, 0xb395, 'f1,ma,g2,mb', 'du'], ['cefbra', Fmt.RRFe, 0xb394, 'f1,ma,g2,mb', 'du'],
  ['cdlgbr', Fmt.RRFe, 0xb3a1, 'f1,ma,g2,mb', 'du'], ['celgbr', Fmt.RRFe, 0xb3a0, 'f1,ma,g2,mb', 'du'],
  ['cdlfbr', Fmt.RRFe, 0xb391, 'f1,ma,g2,mb', 'du'], ['celfbr', Fmt.RRFe, 0xb390, 'f1,ma,g2,mb', 'du'],
  // f128 in a floating-point register pair (%fN high, %fN+2 low): the fields hold a pair's first register
  ['cgxbra', Fmt.RRFe, 0xb3aa, 'g1,ma,f2,mb', 'd-'], ['cfxbra', Fmt.RRFe, 0xb39a, 'g1,ma,f2,mb', 'd-'],
  ['clgxbr', Fmt.RRFe, 0xb3ae, 'g1,ma,f2,mb', 'd-'], ['clfxbr', Fmt.RRFe, 0xb39e, 'g1,ma,f2,mb', 'd-'],
  ['cxgbra', Fmt.RRFe, 0xb3a6, 'f1,ma,g2,mb', '-u'], ['cxfbra', Fmt.RRFe, 0xb396, 'f1,ma,g2,mb', '-u'],
  ['cxlgbr', Fmt.RRFe, 0xb3a2, 'f1,ma,g2,mb', '-u'], ['cxlfbr', Fmt.RRFe, 0xb392, 'f1,ma,g2,mb', '-u'],
  ['le', Fmt.RX, 0x78, 'f1,D', 'd', 'ley'], ['ley', Fmt.RXY, 0xed64, 'f1,D', 'd'],
  ['ld', Fmt.RX, 0x68, 'f1,D', 'd', 'ldy'], ['ldy', Fmt.RXY, 0xed65, 'f1,D', 'd'],
  ['ste', Fmt.RX, 0x70, 'f1,D', 'u', 'stey'], ['stey', Fmt.RXY, 0xed66, 'f1,D', 'u'],
  ['std', Fmt.RX, 0x60, 'f1,D', 'u', 'stdy'], ['stdy', Fmt.RXY, 0xed67, 'f1,D', 'u'],
  // ---- vector facility: loads and stores (12-bit displacements)
  ['vl', Fmt.VRX, 0xe706, 'v1,D,ma', 'd'], ['vst', Fmt.VRX, 0xe70e, 'v1,D,ma', 'u'],
  ['vleb', Fmt.VRX, 0xe700, 'v1,D,ma', 'm'], ['vleh', Fmt.VRX, 0xe701, 'v1,D,ma', 'm'],
  ['vlef', Fmt.VRX, 0xe703, 'v1,D,ma', 'm'], ['vleg', Fmt.VRX, 0xe702, 'v1,D,ma', 'm'],
  ['vsteb', Fmt.VRX, 0xe708, 'v1,D,ma', 'u'], ['vsteh', Fmt.VRX, 0xe709, 'v1,D,ma', 'u'],
  ['vstef', Fmt.VRX, 0xe70b, 'v1,D,ma', 'u'], ['vsteg', Fmt.VRX, 0xe70a, 'v1,D,ma', 'u'],
  ['vllez', Fmt.VRX, 0xe704, 'v1,D,ma', 'd'], ['vlrep', Fmt.VRX, 0xe705, 'v1,D,ma', 'd'],
  // element loads into a register whose other elements do not matter (a scalar float)
  ['vleb.d', Fmt.VRX, 0xe700, 'v1,D,ma', 'd'], ['vleh.d', Fmt.VRX, 0xe701, 'v1,D,ma', 'd'],
  ['vlef.d', Fmt.VRX, 0xe703, 'v1,D,ma', 'd'], ['vleg.d', Fmt.VRX, 0xe702, 'v1,D,ma', 'd'],
  // vector-enhancements facility 2 (z15): byte- and element-reversing loads and stores
  ['vlbr', Fmt.VRX, 0xe606, 'v1,D,ma', 'd'], ['vstbr', Fmt.VRX, 0xe60e, 'v1,D,ma', 'u'],
  ['vler', Fmt.VRX, 0xe607, 'v1,D,ma', 'd'], ['vster', Fmt.VRX, 0xe60f, 'v1,D,ma', 'u'],
  ['vlebrh', Fmt.VRX, 0xe601, 'v1,D,ma', 'm'], ['vlebrf', Fmt.VRX, 0xe603, 'v1,D,ma', 'm'],
  ['vlebrg', Fmt.VRX, 0xe602, 'v1,D,ma', 'm'], ['vllebrz', Fmt.VRX, 0xe604, 'v1,D,ma', 'd'],
  ['vlbrrep', Fmt.VRX, 0xe605, 'v1,D,ma', 'd'],
  ['vlebrh.d', Fmt.VRX, 0xe601, 'v1,D,ma', 'd'], ['vlebrf.d', Fmt.VRX, 0xe603, 'v1,D,ma', 'd'],
  ['vlebrg.d', Fmt.VRX, 0xe602, 'v1,D,ma', 'd'],
  ['vstebrh', Fmt.VRX, 0xe609, 'v1,D,ma', 'u'], ['vstebrf', Fmt.VRX, 0xe60b, 'v1,D,ma', 'u'],
  ['vstebrg', Fmt.VRX, 0xe60a, 'v1,D,ma', 'u'],
  // ---- vector moves, element access, constants
  ['vlr', Fmt.VRRa, 0xe756, 'v1,v2', 'du'],
  ['vlvg', Fmt.VRSb, 0xe722, 'v1,g3,d,mb', 'm-u'], ['vlgv', Fmt.VRSc, 0xe721, 'g1,v3,d,mb', 'd-u'],
  ['vlvg.d', Fmt.VRSb, 0xe722, 'v1,g3,d,mb', 'd-u'],
  ['vlvgp', Fmt.VRRf, 0xe762, 'v1,g2,g3', 'duu'],
  ['vgbm', Fmt.VRIa, 0xe744, 'v1,ui', 'd'], ['vgm', Fmt.VRIb, 0xe746, 'v1,ui,ma,mb', 'd'],
  ['vrepi', Fmt.VRIa, 0xe745, 'v1,si,ma', 'd'], ['vrep', Fmt.VRIc, 0xe74d, 'v1,v3,ui,mb', 'd-u'],
  ['vleib', Fmt.VRIa, 0xe740, 'v1,si,ma', 'm'], ['vleih', Fmt.VRIa, 0xe741, 'v1,si,ma', 'm'],
  ['vleif', Fmt.VRIa, 0xe743, 'v1,si,ma', 'm'], ['vleig', Fmt.VRIa, 0xe742, 'v1,si,ma', 'm'],
  ['vperm', Fmt.VRRe, 0xe78c, 'v1,v2,v3,v4', 'duuu'], ['vsel', Fmt.VRRe, 0xe78d, 'v1,v2,v3,v4', 'duuu'],
  ['vpdi', Fmt.VRRc, 0xe784, 'v1,v2,v3,mb', 'duu'], ['vsldb', Fmt.VRId, 0xe777, 'v1,v2,v3,ui', 'duu'],
  ['vmrh', Fmt.VRRc, 0xe761, 'v1,v2,v3,mb', 'duu'], ['vmrl', Fmt.VRRc, 0xe760, 'v1,v2,v3,mb', 'duu'],
  ['vpk', Fmt.VRRc, 0xe794, 'v1,v2,v3,mb', 'duu'],
  ['vpks', Fmt.VRRb, 0xe797, 'v1,v2,v3,mb,mc', 'duu'], ['vpkls', Fmt.VRRb, 0xe795, 'v1,v2,v3,mb,mc', 'duu'],
  ['vuph', Fmt.VRRa, 0xe7d7, 'v1,v2,ma', 'du'], ['vupl', Fmt.VRRa, 0xe7d6, 'v1,v2,ma', 'du'],
  ['vuplh', Fmt.VRRa, 0xe7d5, 'v1,v2,ma', 'du'], ['vupll', Fmt.VRRa, 0xe7d4, 'v1,v2,ma', 'du'],
  ['vseg', Fmt.VRRa, 0xe75f, 'v1,v2,ma', 'du'],
  ['vbperm', Fmt.VRRc, 0xe785, 'v1,v2,v3', 'duu'],
  // ---- vector integer
  ['va', Fmt.VRRc, 0xe7f3, 'v1,v2,v3,mb', 'duu'], ['vs', Fmt.VRRc, 0xe7f7, 'v1,v2,v3,mb', 'duu'],
  ['vacc', Fmt.VRRc, 0xe7f1, 'v1,v2,v3,mb', 'duu'], ['vscbi', Fmt.VRRc, 0xe7f5, 'v1,v2,v3,mb', 'duu'],
  ['vn', Fmt.VRRc, 0xe768, 'v1,v2,v3', 'duu'], ['vnc', Fmt.VRRc, 0xe769, 'v1,v2,v3', 'duu'],
  ['vo', Fmt.VRRc, 0xe76a, 'v1,v2,v3', 'duu'], ['vx', Fmt.VRRc, 0xe76d, 'v1,v2,v3', 'duu'],
  ['vno', Fmt.VRRc, 0xe76b, 'v1,v2,v3', 'duu'], ['vnn', Fmt.VRRc, 0xe76e, 'v1,v2,v3', 'duu'],
  ['vnx', Fmt.VRRc, 0xe76c, 'v1,v2,v3', 'duu'], ['voc', Fmt.VRRc, 0xe76f, 'v1,v2,v3', 'duu'],
  ['vmx', Fmt.VRRc, 0xe7ff, 'v1,v2,v3,mb', 'duu'], ['vmxl', Fmt.VRRc, 0xe7fd, 'v1,v2,v3,mb', 'duu'],
  ['vmn', Fmt.VRRc, 0xe7fe, 'v1,v2,v3,mb', 'duu'], ['vmnl', Fmt.VRRc, 0xe7fc, 'v1,v2,v3,mb', 'duu'],
  ['vavg', Fmt.VRRc, 0xe7f2, 'v1,v2,v3,mb', 'duu'], ['vavgl', Fmt.VRRc, 0xe7f0, 'v1,v2,v3,mb', 'duu'],
  ['vml', Fmt.VRRc, 0xe7a2, 'v1,v2,v3,mb', 'duu'], ['vmh', Fmt.VRRc, 0xe7a3, 'v1,v2,v3,mb', 'duu'],
  ['vmlh', Fmt.VRRc, 0xe7a1, 'v1,v2,v3,mb', 'duu'],
  ['vme', Fmt.VRRc, 0xe7a6, 'v1,v2,v3,mb', 'duu'], ['vmo', Fmt.VRRc, 0xe7a7, 'v1,v2,v3,mb', 'duu'],
  ['vmle', Fmt.VRRc, 0xe7a4, 'v1,v2,v3,mb', 'duu'], ['vmlo', Fmt.VRRc, 0xe7a5, 'v1,v2,v3,mb', 'duu'],
  ['vsum', Fmt.VRRc, 0xe764, 'v1,v2,v3,mb', 'duu'], ['vsumg', Fmt.VRRc, 0xe765, 'v1,v2,v3,mb', 'duu'],
  ['vsumq', Fmt.VRRc, 0xe767, 'v1,v2,v3,mb', 'duu'],
  ['vlc', Fmt.VRRa, 0xe7de, 'v1,v2,ma', 'du'], ['vlp', Fmt.VRRa, 0xe7df, 'v1,v2,ma', 'du'],
  ['vclz', Fmt.VRRa, 0xe753, 'v1,v2,ma', 'du'], ['vctz', Fmt.VRRa, 0xe752, 'v1,v2,ma', 'du'],
  ['vpopct', Fmt.VRRa, 0xe750, 'v1,v2,ma', 'du'],
  ['vceq', Fmt.VRRb, 0xe7f8, 'v1,v2,v3,mb,mc', 'duu'], ['vch', Fmt.VRRb, 0xe7fb, 'v1,v2,v3,mb,mc', 'duu'],
  ['vchl', Fmt.VRRb, 0xe7f9, 'v1,v2,v3,mb,mc', 'duu'],
  ['vec', Fmt.VRRa, 0xe7db, 'v1,v2,ma', 'uu'], ['vecl', Fmt.VRRa, 0xe7d9, 'v1,v2,ma', 'uu'],
  ['vtm', Fmt.VRRa, 0xe7d8, 'v1,v2', 'uu'],
  ['vesl', Fmt.VRSa, 0xe730, 'v1,v3,d,mb', 'd-u'], ['vesrl', Fmt.VRSa, 0xe738, 'v1,v3,d,mb', 'd-u'],
  ['vesra', Fmt.VRSa, 0xe73a, 'v1,v3,d,mb', 'd-u'], ['verll', Fmt.VRSa, 0xe733, 'v1,v3,d,mb', 'd-u'],
  ['veslv', Fmt.VRRc, 0xe770, 'v1,v2,v3,mb', 'duu'], ['vesrlv', Fmt.VRRc, 0xe778, 'v1,v2,v3,mb', 'duu'],
  ['vesrav', Fmt.VRRc, 0xe77a, 'v1,v2,v3,mb', 'duu'], ['verllv', Fmt.VRRc, 0xe773, 'v1,v2,v3,mb', 'duu'],
  ['vsl', Fmt.VRRc, 0xe774, 'v1,v2,v3', 'duu'], ['vsrl', Fmt.VRRc, 0xe77c, 'v1,v2,v3', 'duu'],
  ['vsra', Fmt.VRRc, 0xe77e, 'v1,v2,v3', 'duu'], ['vslb', Fmt.VRRc, 0xe775, 'v1,v2,v3', 'duu'],
  ['vsrlb', Fmt.VRRc, 0xe77d, 'v1,v2,v3', 'duu'], ['vsrab', Fmt.VRRc, 0xe77f, 'v1,v2,v3', 'duu'],
  // ---- vector floating point (W forms with m4/m5 bit 8 operate on element 0 only)
  ['vfa', Fmt.VRRc, 0xe7e3, 'v1,v2,v3,mb,mc', 'duu'], ['vfs', Fmt.VRRc, 0xe7e2, 'v1,v2,v3,mb,mc', 'duu'],
  ['vfm', Fmt.VRRc, 0xe7e7, 'v1,v2,v3,mb,mc', 'duu'], ['vfd', Fmt.VRRc, 0xe7e5, 'v1,v2,v3,mb,mc', 'duu'],
  ['vfmin', Fmt.VRRc, 0xe7ee, 'v1,v2,v3,mb,mc,md', 'duu'], ['vfmax', Fmt.VRRc, 0xe7ef, 'v1,v2,v3,mb,mc,md', 'duu'],
  ['vfce', Fmt.VRRc, 0xe7e8, 'v1,v2,v3,mb,mc,md', 'duu'], ['vfch', Fmt.VRRc, 0xe7eb, 'v1,v2,v3,mb,mc,md', 'duu'],
  ['vfche', Fmt.VRRc, 0xe7ea, 'v1,v2,v3,mb,mc,md', 'duu'],
  ['vfma', Fmt.VRRe, 0xe78f, 'v1,v2,v3,v4,mc,md', 'duuu'], ['vfms', Fmt.VRRe, 0xe78e, 'v1,v2,v3,v4,mc,md', 'duuu'],
  ['vfnma', Fmt.VRRe, 0xe79f, 'v1,v2,v3,v4,mc,md', 'duuu'], ['vfnms', Fmt.VRRe, 0xe79e, 'v1,v2,v3,v4,mc,md', 'duuu'],
  ['vfsq', Fmt.VRRa, 0xe7ce, 'v1,v2,ma,mb', 'du'], ['vfpso', Fmt.VRRa, 0xe7cc, 'v1,v2,ma,mb,mc', 'du'],
  ['wfc', Fmt.VRRa, 0xe7cb, 'v1,v2,ma,mb', 'uu'], ['wfk', Fmt.VRRa, 0xe7ca, 'v1,v2,ma,mb', 'uu'],
  ['vfi', Fmt.VRRa, 0xe7c7, 'v1,v2,ma,mb,mc', 'du'],
  ['vfll', Fmt.VRRa, 0xe7c4, 'v1,v2,ma,mb', 'du'], ['vflr', Fmt.VRRa, 0xe7c5, 'v1,v2,ma,mb,mc', 'du'],
  ['vcdg', Fmt.VRRa, 0xe7c3, 'v1,v2,ma,mb,mc', 'du'], ['vcdlg', Fmt.VRRa, 0xe7c1, 'v1,v2,ma,mb,mc', 'du'],
  ['vcgd', Fmt.VRRa, 0xe7c2, 'v1,v2,ma,mb,mc', 'du'], ['vclgd', Fmt.VRRa, 0xe7c0, 'v1,v2,ma,mb,mc', 'du'],
  ['vftci', Fmt.VRIe, 0xe74a, 'v1,v2,ui,mb,mc', 'du'],
];

function parse(src: (typeof OPS_SRC)[number]): OpInfo {
  const [name, fmt, opcode, syntax, roles] = src;
  const tokens = syntax.split(',');
  const slotClass: SlotClass[] = [SlotClass.None, SlotClass.None, SlotClass.None, SlotClass.None];
  let fprOnly = false;
  for (const t of tokens) {
    const k = t[0];
    const slot = t.charCodeAt(1) - 49; // '1' -> 0
    if (k === 'g') slotClass[slot] = SlotClass.Gpr;
    if (k === 'v') slotClass[slot] = SlotClass.Vr;
    if (k === 'f') {
      slotClass[slot] = SlotClass.Vr;
      fprOnly = true;
    }
  }
  const r: Role[] = [Role.None, Role.None, Role.None, Role.None];
  for (let k = 0; k < roles.length; k++) r[k] = ROLE[roles[k]];
  return {
    name, mnemonic: name.split('.')[0], fmt, opcode, syntax, slotClass, roles: r, tokens, fprOnly,
    hasMem: tokens.includes('D') || tokens.includes('d') || tokens.includes('S'),
    longDisp: fmt === Fmt.RXY || fmt === Fmt.RSY,
    alt: -1,
    evenR1: PAIR_OPS.has(name),
    fprPair: /^c(x|l?[gf]x)/.test(name),
  };
}

export const OPS: readonly OpInfo[] = OPS_SRC.map(parse);

const BY_NAME = new Map<string, number>();
OPS.forEach((o, k) => {
  if (BY_NAME.has(o.name)) throw new Error(`internal: s390x op ${o.name} listed twice`);
  BY_NAME.set(o.name, k);
});
OPS_SRC.forEach((s, k) => {
  if (s[5] !== undefined) (OPS[k] as { alt: number }).alt = opIndex(s[5]);
});

/** The table index of mnemonic `name` (a typo is an internal error at module load). */
export function opIndex(name: string): number {
  const k = BY_NAME.get(name);
  if (k === undefined) throw new Error(`internal: unknown s390x op ${name}`);
  return k;
}
