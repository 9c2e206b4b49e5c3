// The AArch64 machine instruction representation.
//
// Every instruction is one `MInst` record of a single shape (V8 keeps one hidden class), with
// an `op` naming an encoding family and `sub` the member of the family (a row of the family's
// table in tables.ts or neon.ts). Field conventions shared by every op:
//
// - `rd` `rn` `rm` `ra` are register fields, named after the encoding fields they fill (Rd/Rt,
//   Rn, Rm/Rs, Ra/Rt2). They hold a PReg, `vreg + VREG_BASE` before allocation, or -1.
// - `sz`: 0 = 32-bit (W), 1 = 64-bit (X) for integer ops; an `FpSize` (B H S D Q) for scalar FP
//   and loads/stores of v registers; an `Arr` arrangement for vector ops.
// - `imm`, `imm2`: immediates (shift amounts, encoded immediates, offsets, lane indexes).
// - `cond`: a condition code, a shift kind or an extend option, per op.
// - `mode`: the addressing mode of a load or store (`AddrMode`).
// - `label`: a code label (branches, literal loads, adr), else -1.
// - `sym`: a symbol for relocated forms (bl, adrp, add :lo12:), else null.
// - `trap` >= 0 records a trap site at the instruction (a load that may fault, udf).
//
// Constructors below fill the record; lowering code uses them rather than `new MInst`.

import { type Cond, AddrMode, type Extend, type Shift } from './args';
import { NO_REG, type Reg } from './regs';

export const Op = {
  // ---- integer data processing
  /** rd <- rn op (rm shifted by `cond` kind `imm` bits) (sub = AluOp; adc/sbc take no shift). */
  AluRRR: 0,
  /** rd <- rn op imm12 (sub = Add/Adds/Sub/Subs; `imm` = imm12 | shifted-by-12 flag 0x1000). */
  AluRRImm12: 1,
  /** rd <- rn op bitmask (sub = And/Ands/Orr/Eor; `imm` = N:immr:imms). */
  AluRRImmLogic: 2,
  /** rd <- rn op extend(rm) << imm (sub = Add/Adds/Sub/Subs; `cond` = Extend). */
  AluRRRExtend: 3,
  /** movn/movz/movk rd, #imm16, lsl #(16 * imm2) (sub = MovWideOp; movk reads rd). */
  MovWide: 4,
  /** rd <- f(rn) (sub = Dp1Op: rbit rev16 rev32 rev clz cls). */
  DataProc1: 5,
  /** rd <- f(rn, rm) (sub = Dp2Op: udiv sdiv lslv lsrv asrv rorv). */
  DataProc2: 6,
  /** rd <- f(rn, rm, ra) (sub = Dp3Op: madd msub smaddl smsubl smulh umaddl umsubl umulh). */
  DataProc3: 7,
  /** sbfm/bfm/ubfm rd, rn, #immr (imm), #imms (imm2) (sub = BfOp; bfm reads rd). */
  Bitfield: 8,
  /** extr rd, rn, rm, #imm. */
  Extr: 9,
  /** csel/csinc/csinv/csneg rd, rn, rm, cond (sub = CSelOp). */
  CSel: 10,
  /** ccmp/ccmn rn, rm, #nzcv (imm), cond (sub 0 = ccmp, 1 = ccmn). */
  CCmp: 11,
  /** ccmp/ccmn rn, #imm5 (imm2), #nzcv (imm), cond. */
  CCmpImm: 12,
  // ---- memory
  /** Load or store rd (sub = LdStOp) at the address of `mode`, rn, rm, imm, cond (extend), imm2 (scaled). */
  LdSt: 13,
  /** ldp/stp rd, ra (sub = PairOp) at [rn, #imm] with `mode` Offset, PreIndex or PostIndex. */
  LdStPair: 14,
  /** Exclusive and acquire/release accesses (sub = ExclOp; sz = log2 bytes): rd = Rt, rn = base, rm = Rs (status), ra = Rt2. */
  Excl: 15,
  /** LSE atomic (sub = LseOp; sz = log2 bytes; cond bit 1 = acquire, bit 0 = release): rm = Rs, rd = Rt (old value), rn = base. */
  Lse: 16,
  /** cas{a}{l} rm (compare; receives the old value), rd (new value), [rn] (sz = log2 bytes; cond as Lse). */
  Cas: 17,
  /** casp{a}{l} rm:rm+1, rd:rd+1, [rn] (64-bit pairs; cond as Lse). */
  Casp: 18,
  // ---- addresses and system
  /** adr rd, label + imm. */
  Adr: 19,
  /** adrp rd, sym (sub 0 = page of sym, 1 = page of its GOT entry, 2 = its TLS GD page, 3 = its Mach-O TLV page). */
  Adrp: 20,
  /** add rd, rn, #:lo12:sym (sub 0), or the TLS descriptor's :tlsdesc_lo12: (sub 1). */
  AddLo12: 21,
  /** ldr rd, [rn, #:got_lo12:sym] (sub 0), or the Mach-O TLV page offset (sub 1). */
  LdrLo12: 22,
  /** A hint or barrier with a fixed encoding (sub = SysOp). */
  Sys: 23,
  /** udf #imm (a trap; `trap` holds the trap code). */
  Udf: 24,
  /** brk #imm. */
  Brk: 25,
  /** mrs rd, tpidr_el0. */
  MrsTpidr: 26,
  // ---- control flow
  /** b label. */
  B: 27,
  /** b.cond label. */
  BCond: 28,
  /** cbz/cbnz rn, label (sub 0 = cbz, 1 = cbnz). */
  Cbz: 29,
  /** tbz/tbnz rn, #imm, label (sub 0 = tbz, 1 = tbnz). */
  Tbz: 30,
  /** bl sym + imm (R_AARCH64_CALL26). */
  Bl: 31,
  /** b sym + imm (a tail call, R_AARCH64_JUMP26). */
  BSym: 32,
  /** br rn. */
  Br: 33,
  /** blr rn. */
  Blr: 34,
  /** ret (sub 0), retaa (1), retab (2). */
  Ret: 35,
  /** blr with pointer authentication is not used; a `.word` of data: imm (jump tables). */
  Word: 36,
  // ---- scalar floating point
  /** rd <- f(rn) (sub = Fp1Op: fmov fabs fneg fsqrt frint*), sz = FpSize. */
  FpRR: 37,
  /** fcvt rd (FpSize imm), rn (FpSize sz). */
  FpCvt: 38,
  /** rd <- rn op rm (sub = Fp2Op), sz = FpSize. */
  FpRRR: 39,
  /** rd <- f(rn, rm, ra) (sub = Fp3Op: fmadd fmsub fnmadd fnmsub). */
  FpRRRR: 40,
  /** fcmp (sub 0) / fcmpe (1) rn, rm; with #0.0 when rm is -1. */
  FpCmp: 41,
  /** fcsel rd, rn, rm, cond. */
  FpCsel: 42,
  /** fmov rd, #imm8 (sz = FpSize). */
  FpImm: 43,
  /** fcvtzs/fcvtzu (sub) gpr rd (imm: 0 = W, 1 = X) <- fp rn (sz = FpSize). */
  FpToInt: 44,
  /** scvtf/ucvtf (sub) fp rd (sz = FpSize) <- gpr rn (imm: 0 = W, 1 = X). */
  IntToFp: 45,
  /** fmov gpr rd <- fp rn (sz = H, S or D; imm 1: the high 64 bits of a q register). */
  FMovToGpr: 46,
  /** fmov fp rd <- gpr rn (sz = H, S or D; imm 1: into the high 64 bits, keeping the low ones). */
  FMovFromGpr: 47,
  // ---- vector (Advanced SIMD)
  /** A vector instruction: sub = row of NEON (neon.ts), sz = arrangement, imm/imm2 per the row's form. */
  Vec: 48,
  // ---- pseudo-instructions (expanded at emission)
  /** Defines the function arguments (fixed defs); no code. */
  Args: 49,
  /** Binds `label` here: a branch target inside one IR instruction's code. */
  BindLabel: 50,
  /**
   * Jump table: `rn` the index (already bounds-checked, zero-extended), `rd`/`ra` temporaries
   * (early defs), `imm` the index of the label list in the lowering state's jump tables.
   */
  JumpTable: 51,
  /** Load of a 64-bit constant into rd: movz/movn + movk (imm = lo, imm2 = hi). */
  LoadConst: 52,
  /** A return (sub as Ret): the frame's epilogue, then the return. */
  Return: 53,
  /** A tail call: epilogue, then `b sym` (sym set) or `br rn`. */
  TailCall: 54,
  /** An atomic read-modify-write LL/SC loop (see lower/atomics.ts). */
  AtomicLoop: 55,
  /** An atomic compare-and-swap LL/SC loop. */
  AtomicCasLoop: 56,
  /** A branch-free marker ending a block whose real terminator came before (br_table): no code. */
  EndBlock: 57,
  /** Address of a stack location (`mode` Slot/IncomingArg, imm offset) into rd, resolved at emission. */
  StackAddr: 58,
  /** `stack_switch` (see lower/stack-switch.ts). */
  StackSwitch: 59,
  /** A call with the calls' bookkeeping (sub 0 = bl sym, 1 = blr rn). */
  Call: 60,
  /** Address of thread-local `sym` into x0 (sub 0 = ELF general dynamic, 1 = Mach-O): a call. */
  Tls: 61,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export const AluOp = {
  Add: 0, Adds: 1, Sub: 2, Subs: 3, And: 4, Ands: 5, Orr: 6, Eor: 7, Bic: 8, Bics: 9, Orn: 10, Eon: 11,
  Adc: 12, Adcs: 13, Sbc: 14, Sbcs: 15,
} as const;
export type AluOp = (typeof AluOp)[keyof typeof AluOp];

export const MovWideOp = { Movn: 0, Movz: 2, Movk: 3 } as const;
export const Dp1Op = { Rbit: 0, Rev16: 1, Rev32: 2, Rev: 3, Clz: 4, Cls: 5 } as const;
export const Dp2Op = { Udiv: 0, Sdiv: 1, Lslv: 2, Lsrv: 3, Asrv: 4, Rorv: 5 } as const;
export const Dp3Op = { Madd: 0, Msub: 1, Smaddl: 2, Smsubl: 3, Smulh: 4, Umaddl: 5, Umsubl: 6, Umulh: 7 } as const;
export const BfOp = { Sbfm: 0, Bfm: 1, Ubfm: 2 } as const;
export const CSelOp = { Csel: 0, Csinc: 1, Csinv: 2, Csneg: 3 } as const;

/**
 * Loads and stores by register kind and size (rows of LDST in tables.ts). `Ld`/`St` of general
 * registers: B H W X (loads zero-extend), `Lds*` sign-extend into W or X; `Fp` rows access b h s
 * d q registers.
 */
export const LdStOp = {
  LdB: 0, LdH: 1, LdW: 2, LdX: 3, LdsBW: 4, LdsBX: 5, LdsHW: 6, LdsHX: 7, LdsWX: 8,
  StB: 9, StH: 10, StW: 11, StX: 12,
  LdFpB: 13, LdFpH: 14, LdFpS: 15, LdFpD: 16, LdFpQ: 17,
  StFpB: 18, StFpH: 19, StFpS: 20, StFpD: 21, StFpQ: 22,
} as const;
export type LdStOp = (typeof LdStOp)[keyof typeof LdStOp];

export const PairOp = { LdpW: 0, LdpX: 1, StpW: 2, StpX: 3, LdpS: 4, LdpD: 5, LdpQ: 6, StpS: 7, StpD: 8, StpQ: 9 } as const;
export type PairOp = (typeof PairOp)[keyof typeof PairOp];

export const ExclOp = {
  Ldxr: 0, Ldaxr: 1, Stxr: 2, Stlxr: 3, Ldar: 4, Stlr: 5, Ldxp: 6, Ldaxp: 7, Stxp: 8, Stlxp: 9,
} as const;
export type ExclOp = (typeof ExclOp)[keyof typeof ExclOp];

export const LseOp = { Ldadd: 0, Ldclr: 1, Ldeor: 2, Ldset: 3, Ldsmax: 4, Ldsmin: 5, Ldumax: 6, Ldumin: 7, Swp: 8 } as const;
export type LseOp = (typeof LseOp)[keyof typeof LseOp];

export const SysOp = {
  Nop: 0, Csdb: 1, DmbIsh: 2, Bti: 3, BtiC: 4, BtiJ: 5, BtiJC: 6, Paciasp: 7, Autiasp: 8, Pacibsp: 9, Autibsp: 10,
  Xpaclri: 11, Isb: 12, DmbIshld: 13, DmbIshst: 14,
} as const;
export type SysOp = (typeof SysOp)[keyof typeof SysOp];

export const Fp1Op = {
  Fmov: 0, Fabs: 1, Fneg: 2, Fsqrt: 3, Frintn: 4, Frintp: 5, Frintm: 6, Frintz: 7, Frinta: 8, Frintx: 9, Frinti: 10,
} as const;
export const Fp2Op = { Fmul: 0, Fdiv: 1, Fadd: 2, Fsub: 3, Fmax: 4, Fmin: 5, Fmaxnm: 6, Fminnm: 7, Fnmul: 8 } as const;
export const Fp3Op = { Fmadd: 0, Fmsub: 1, Fnmadd: 2, Fnmsub: 3 } as const;
export const FpIntOp = { Fcvtzs: 0, Fcvtzu: 1 } as const;
export const IntFpOp = { Scvtf: 0, Ucvtf: 1 } as const;

/** One machine instruction (see the field conventions above). */
export class MInst {
  constructor(
    public op: number,
    public sub: number,
    public sz: number,
    public rd: Reg,
    public rn: Reg,
    public rm: Reg,
    public ra: Reg,
    public imm: number,
    public imm2: number,
    public cond: number,
    public mode: number,
    public label: number,
    public sym: string | null,
    public trap: number,
  ) {}
}

function mk(op: number, sub: number, sz: number, rd: Reg, rn: Reg, rm: Reg, ra: Reg, imm: number, imm2 = 0, cond = 0): MInst {
  return new MInst(op, sub, sz, rd, rn, rm, ra, imm, imm2, cond, 0, -1, null, -1);
}

/** 1 for a 64-bit operation, 0 for 32-bit. */
export type Sf = 0 | 1;

// ---------------------------------------------------------------- integer

export function aluRRR(sub: number, sf: Sf, rd: Reg, rn: Reg, rm: Reg, shift: Shift = 0, amount = 0): MInst {
  return mk(Op.AluRRR, sub, sf, rd, rn, rm, NO_REG, amount, 0, shift);
}
/** `imm` an encoded imm12 (see `encodeImm12`). */
export function aluRRImm12(sub: number, sf: Sf, rd: Reg, rn: Reg, imm: number): MInst {
  return mk(Op.AluRRImm12, sub, sf, rd, rn, NO_REG, NO_REG, imm);
}
/** `enc` an encoded logical immediate (see `encodeLogicalImm`). */
export function aluRRImmLogic(sub: number, sf: Sf, rd: Reg, rn: Reg, enc: number): MInst {
  return mk(Op.AluRRImmLogic, sub, sf, rd, rn, NO_REG, NO_REG, enc);
}
export function aluRRRExtend(sub: number, sf: Sf, rd: Reg, rn: Reg, rm: Reg, ext: Extend, shift = 0): MInst {
  return mk(Op.AluRRRExtend, sub, sf, rd, rn, rm, NO_REG, shift, 0, ext);
}
export function movWide(sub: number, sf: Sf, rd: Reg, imm16: number, hw: number): MInst {
  return mk(Op.MovWide, sub, sf, rd, NO_REG, NO_REG, NO_REG, imm16 & 0xffff, hw);
}
export function dp1(sub: number, sf: Sf, rd: Reg, rn: Reg): MInst {
  return mk(Op.DataProc1, sub, sf, rd, rn, NO_REG, NO_REG, 0);
}
export function dp2(sub: number, sf: Sf, rd: Reg, rn: Reg, rm: Reg): MInst {
  return mk(Op.DataProc2, sub, sf, rd, rn, rm, NO_REG, 0);
}
export function dp3(sub: number, sf: Sf, rd: Reg, rn: Reg, rm: Reg, ra: Reg): MInst {
  return mk(Op.DataProc3, sub, sf, rd, rn, rm, ra, 0);
}
export function bitfield(sub: number, sf: Sf, rd: Reg, rn: Reg, immr: number, imms: number): MInst {
  return mk(Op.Bitfield, sub, sf, rd, rn, NO_REG, NO_REG, immr, imms);
}
export function extr(sf: Sf, rd: Reg, rn: Reg, rm: Reg, lsb: number): MInst {
  return mk(Op.Extr, 0, sf, rd, rn, rm, NO_REG, lsb);
}
export function csel(sub: number, sf: Sf, rd: Reg, rn: Reg, rm: Reg, cond: Cond): MInst {
  return mk(Op.CSel, sub, sf, rd, rn, rm, NO_REG, 0, 0, cond);
}
export function ccmp(sf: Sf, rn: Reg, rm: Reg, nzcv: number, cond: Cond, cmn = false): MInst {
  return mk(Op.CCmp, cmn ? 1 : 0, sf, NO_REG, rn, rm, NO_REG, nzcv, 0, cond);
}
export function ccmpImm(sf: Sf, rn: Reg, imm5: number, nzcv: number, cond: Cond, cmn = false): MInst {
  return mk(Op.CCmpImm, cmn ? 1 : 0, sf, NO_REG, rn, NO_REG, NO_REG, nzcv, imm5, cond);
}

// ---------------------------------------------------------------- memory

/** [rn, #off] (scaled imm12 when it fits, otherwise unscaled imm9). */
export function ldst(sub: number, rt: Reg, rn: Reg, off = 0): MInst {
  const i = mk(Op.LdSt, sub, 0, rt, rn, NO_REG, NO_REG, off);
  i.mode = AddrMode.Offset;
  return i;
}
/** [rn, #off]! (pre) or [rn], #off (post). */
export function ldstIndexed(sub: number, rt: Reg, rn: Reg, off: number, pre: boolean): MInst {
  const i = mk(Op.LdSt, sub, 0, rt, rn, NO_REG, NO_REG, off);
  i.mode = pre ? AddrMode.PreIndex : AddrMode.PostIndex;
  return i;
}
/** [rn, rm{, ext {#scale}}]: `scaled` shifts the index by the access size. */
export function ldstReg(sub: number, rt: Reg, rn: Reg, rm: Reg, ext: Extend = 3, scaled = false): MInst {
  const i = mk(Op.LdSt, sub, 0, rt, rn, rm, NO_REG, 0, scaled ? 1 : 0, ext);
  i.mode = AddrMode.RegOffset;
  return i;
}
/** ldr rt, label (PC-relative literal). */
export function ldrLiteral(sub: number, rt: Reg, label: number): MInst {
  const i = mk(Op.LdSt, sub, 0, rt, NO_REG, NO_REG, NO_REG, 0);
  i.mode = AddrMode.Literal;
  i.label = label;
  return i;
}
/** A load or store of a frame location (`mode` Slot, Spill or IncomingArg) resolved at emission. */
export function ldstFrame(sub: number, rt: Reg, mode: number, off: number): MInst {
  const i = mk(Op.LdSt, sub, 0, rt, NO_REG, NO_REG, NO_REG, off);
  i.mode = mode;
  return i;
}
export function ldstPair(sub: number, rt: Reg, rt2: Reg, rn: Reg, off: number, mode: number = AddrMode.Offset): MInst {
  const i = mk(Op.LdStPair, sub, 0, rt, rn, NO_REG, rt2, off);
  i.mode = mode;
  return i;
}
/** Exclusive / acquire-release access of 2^size bytes. */
export function excl(sub: number, size: number, rt: Reg, rn: Reg, rs: Reg = NO_REG, rt2: Reg = NO_REG): MInst {
  return mk(Op.Excl, sub, size, rt, rn, rs, rt2, 0);
}
/** LSE read-modify-write: rt <- [rn]; [rn] <- [rn] op rs. `order` bit 1 acquire, bit 0 release. */
export function lse(sub: number, size: number, rs: Reg, rt: Reg, rn: Reg, order = 3): MInst {
  return mk(Op.Lse, sub, size, rt, rn, rs, NO_REG, 0, 0, order);
}
export function cas(size: number, rs: Reg, rt: Reg, rn: Reg, order = 3): MInst {
  return mk(Op.Cas, 0, size, rt, rn, rs, NO_REG, 0, 0, order);
}
export function casp(rs: Reg, rt: Reg, rn: Reg, order = 3): MInst {
  return mk(Op.Casp, 0, 3, rt, rn, rs, NO_REG, 0, 0, order);
}

// ---------------------------------------------------------------- addresses, system, control

export function adr(rd: Reg, label: number, addend = 0): MInst {
  const i = mk(Op.Adr, 0, 1, rd, NO_REG, NO_REG, NO_REG, addend);
  i.label = label;
  return i;
}
export function adrp(rd: Reg, sym: string, kind: 0 | 1 | 2 | 3 = 0, addend = 0): MInst {
  const i = mk(Op.Adrp, kind, 1, rd, NO_REG, NO_REG, NO_REG, addend);
  i.sym = sym;
  return i;
}
export function addLo12(rd: Reg, rn: Reg, sym: string, kind: 0 | 1 = 0, addend = 0): MInst {
  const i = mk(Op.AddLo12, kind, 1, rd, rn, NO_REG, NO_REG, addend);
  i.sym = sym;
  return i;
}
export function ldrLo12(rd: Reg, rn: Reg, sym: string, kind: 0 | 1 = 0): MInst {
  const i = mk(Op.LdrLo12, kind, 1, rd, rn, NO_REG, NO_REG, 0);
  i.sym = sym;
  return i;
}
export function sys(sub: number): MInst {
  return mk(Op.Sys, sub, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0);
}
export function udf(trapCode: number, imm = 0xc11f): MInst {
  const i = mk(Op.Udf, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, imm);
  i.trap = trapCode;
  return i;
}
export function brk(imm = 0): MInst {
  return mk(Op.Brk, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, imm);
}
export function mrsTpidr(rd: Reg): MInst {
  return mk(Op.MrsTpidr, 0, 1, rd, NO_REG, NO_REG, NO_REG, 0);
}
export function b(label: number): MInst {
  const i = mk(Op.B, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0);
  i.label = label;
  return i;
}
export function bcond(cond: Cond, label: number): MInst {
  const i = mk(Op.BCond, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0, 0, cond);
  i.label = label;
  return i;
}
export function cbz(nonzero: boolean, sf: Sf, rn: Reg, label: number): MInst {
  const i = mk(Op.Cbz, nonzero ? 1 : 0, sf, NO_REG, rn, NO_REG, NO_REG, 0);
  i.label = label;
  return i;
}
export function tbz(nonzero: boolean, rn: Reg, bit: number, label: number): MInst {
  const i = mk(Op.Tbz, nonzero ? 1 : 0, bit >= 32 ? 1 : 0, NO_REG, rn, NO_REG, NO_REG, bit);
  i.label = label;
  return i;
}
export function bl(sym: string, addend = 0): MInst {
  const i = mk(Op.Bl, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, addend);
  i.sym = sym;
  return i;
}
export function bSym(sym: string, addend = 0): MInst {
  const i = mk(Op.BSym, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, addend);
  i.sym = sym;
  return i;
}
export function br(rn: Reg): MInst {
  return mk(Op.Br, 0, 1, NO_REG, rn, NO_REG, NO_REG, 0);
}
export function blr(rn: Reg): MInst {
  return mk(Op.Blr, 0, 1, NO_REG, rn, NO_REG, NO_REG, 0);
}
/** ret (0), retaa (1), retab (2). */
export function ret(kind = 0): MInst {
  return mk(Op.Ret, kind, 1, NO_REG, 30, NO_REG, NO_REG, 0);
}
export function word(v: number): MInst {
  return mk(Op.Word, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, v | 0);
}

// ---------------------------------------------------------------- scalar floating point

export function fpRR(sub: number, fs: number, rd: Reg, rn: Reg): MInst {
  return mk(Op.FpRR, sub, fs, rd, rn, NO_REG, NO_REG, 0);
}
/** fcvt from FpSize `from` to FpSize `to`. */
export function fpCvt(from: number, to: number, rd: Reg, rn: Reg): MInst {
  return mk(Op.FpCvt, 0, from, rd, rn, NO_REG, NO_REG, to);
}
export function fpRRR(sub: number, fs: number, rd: Reg, rn: Reg, rm: Reg): MInst {
  return mk(Op.FpRRR, sub, fs, rd, rn, rm, NO_REG, 0);
}
export function fpRRRR(sub: number, fs: number, rd: Reg, rn: Reg, rm: Reg, ra: Reg): MInst {
  return mk(Op.FpRRRR, sub, fs, rd, rn, rm, ra, 0);
}
/** fcmp rn, rm (rm = -1: with #0.0); `e` for fcmpe. */
export function fpCmp(fs: number, rn: Reg, rm: Reg, e = false): MInst {
  return mk(Op.FpCmp, e ? 1 : 0, fs, NO_REG, rn, rm, NO_REG, 0);
}
export function fpCsel(fs: number, rd: Reg, rn: Reg, rm: Reg, cond: Cond): MInst {
  return mk(Op.FpCsel, 0, fs, rd, rn, rm, NO_REG, 0, 0, cond);
}
export function fpImm(fs: number, rd: Reg, imm8: number): MInst {
  return mk(Op.FpImm, 0, fs, rd, NO_REG, NO_REG, NO_REG, imm8);
}
export function fpToInt(sub: number, fs: number, sf: Sf, rd: Reg, rn: Reg): MInst {
  return mk(Op.FpToInt, sub, fs, rd, rn, NO_REG, NO_REG, sf);
}
export function intToFp(sub: number, fs: number, sf: Sf, rd: Reg, rn: Reg): MInst {
  return mk(Op.IntToFp, sub, fs, rd, rn, NO_REG, NO_REG, sf);
}
/** fmov gpr <- fp of FpSize `fs` (H S D); `high` reads v.d[1]. */
export function fmovToGpr(fs: number, rd: Reg, rn: Reg, high = false): MInst {
  return mk(Op.FMovToGpr, 0, fs, rd, rn, NO_REG, NO_REG, high ? 1 : 0);
}
/** fmov fp <- gpr (the rest of the v register is zeroed; `high` writes v.d[1], keeping d[0]: rd is read). */
export function fmovFromGpr(fs: number, rd: Reg, rn: Reg, high = false): MInst {
  return mk(Op.FMovFromGpr, 0, fs, rd, rn, NO_REG, NO_REG, high ? 1 : 0);
}

// ---------------------------------------------------------------- vector

/** A NEON instruction of row `row` (neon.ts), arrangement `arr`. */
export function vec(row: number, arr: number, rd: Reg, rn: Reg, rm: Reg = NO_REG, imm = 0, imm2 = 0): MInst {
  return mk(Op.Vec, row, arr, rd, rn, rm, NO_REG, imm, imm2);
}

// ---------------------------------------------------------------- pseudo-instructions

export function argsPseudo(): MInst {
  return mk(Op.Args, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0);
}
export function bindLabel(label: number): MInst {
  const i = mk(Op.BindLabel, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0);
  i.label = label;
  return i;
}
export function endBlock(): MInst {
  return mk(Op.EndBlock, 0, 0, NO_REG, NO_REG, NO_REG, NO_REG, 0);
}
/** rd <- the 64-bit constant (lo, hi) (sf 0: a 32-bit constant, lo only). */
export function loadConst(sf: Sf, rd: Reg, lo: number, hi: number): MInst {
  return mk(Op.LoadConst, 0, sf, rd, NO_REG, NO_REG, NO_REG, lo | 0, hi | 0);
}
export function stackAddr(rd: Reg, mode: number, off: number): MInst {
  const i = mk(Op.StackAddr, 0, 1, rd, NO_REG, NO_REG, NO_REG, off);
  i.mode = mode;
  return i;
}
