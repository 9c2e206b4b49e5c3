// The AArch64 encoder: one 32-bit word per instruction (pseudo-instructions are expanded before
// they reach it, see lower/expand.ts), written little-endian into a CodeSink. Register fields
// are checked against what the encoding means by 31 (sp or the zero register) and against the
// register file (general or v); immediates against their fields. Nothing is allocated per
// instruction.

import {
  ALU_EXT, ALU_IMM12, ALU_LOGIC_IMM, ALU_RRR, BITFIELD, CSEL, DP1, DP2, DP3, EXCL, FP1, FP2, FP3, LDST, LSE, MOV_WIDE, PAIR, SYS,
} from './tables';
import type { RelocKind } from '@windlass/codegen';
import { AddrMode, arrQ, arrSize, ftype } from './args';
import { A64EncodeError } from './errors';
import { type MInst, Op } from './mod';
import { NEON, VForm } from './neon';
import { printInst } from './print';
import { type Reg, isVreg, sp, xzr } from './regs';
import {
  type CodeSink, LABEL_ADR21, LABEL_BRANCH14, LABEL_BRANCH19, LABEL_BRANCH26, LABEL_LITERAL19,
} from './sink';

function fail(inst: MInst, msg: string): never {
  let where: string;
  try {
    where = printInst(inst);
  } catch {
    where = `op ${inst.op}`;
  }
  throw new A64EncodeError(msg, where);
}

/** A general register where 31 is the zero register. */
function gz(r: Reg, inst: MInst): number {
  if (r >= 0 && r < 32) return r;
  return fail(inst, r === sp ? 'sp in a field that means the zero register' : `not a general register: ${r}`);
}
/** A general register where 31 is sp. */
function gs(r: Reg, inst: MInst): number {
  if (r >= 0 && r < 31) return r;
  if (r === sp) return 31;
  return fail(inst, r === xzr ? 'xzr in a field that means sp' : `not a general register: ${r}`);
}
/** A v register. */
function vv(r: Reg, inst: MInst): number {
  if (isVreg(r)) return r & 31;
  return fail(inst, `not a v register: ${r}`);
}

function checkImm(inst: MInst, v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) fail(inst, `${what} ${v} out of range [${lo}, ${hi}]`);
  return v;
}

/** Relocations of `adrp` by its sub-kind: symbol page, GOT entry page, TLS GD page, Mach-O TLV page. */
const ADRP_RELOCS: readonly RelocKind[] = ['Aarch64AdrPrelPgHi21', 'Aarch64AdrGotPage21', 'Aarch64TlsGdAdrPage21', 'MachOAarch64TlsAdrPage21'];

/** Inverted-condition encodings of a conditional branch word (same length). */
function invertedWord(w: number): Uint8Array {
  const b = new Uint8Array(4);
  b[0] = w & 255;
  b[1] = (w >>> 8) & 255;
  b[2] = (w >>> 16) & 255;
  b[3] = (w >>> 24) & 255;
  return b;
}

/** Encodes one instruction into `sink`. */
export function emitInst(inst: MInst, sink: CodeSink): void {
  const at = sink.curOffset();
  const w = encode(inst, sink, at);
  if (w !== null) sink.put4(w >>> 0);
  if (inst.trap >= 0) sink.addTrap(at, inst.trap);
}

/** The word of `inst`; registers label uses and relocations at `at`. Null when it emitted itself. */
function encode(inst: MInst, sink: CodeSink, at: number): number | null {
  const sf = inst.sz & 1;
  switch (inst.op) {
    case Op.AluRRR: {
      const row = ALU_RRR[inst.sub];
      if (row === undefined) return fail(inst, 'bad ALU op');
      let w = row[0] | (sf << 31) | (gz(inst.rm, inst) << 16) | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
      if (inst.sub < 12) {
        const kind = inst.cond;
        if (kind < 0 || kind > 3 || (kind === 3 && inst.sub < 4)) fail(inst, `shift kind ${kind}`);
        w |= (kind << 22) | (checkImm(inst, inst.imm, 0, sf ? 63 : 31, 'shift amount') << 10);
      } else if (inst.imm !== 0) fail(inst, 'adc/sbc take no shift');
      return w;
    }
    case Op.AluRRImm12: {
      const base = ALU_IMM12[inst.sub];
      if (base === undefined) return fail(inst, 'bad add/sub immediate op');
      const imm = inst.imm;
      if (!Number.isInteger(imm) || imm < 0 || imm > 0x1fff) fail(inst, 'bad imm12');
      const setsFlags = inst.sub === 1 || inst.sub === 3;
      const rd = setsFlags ? gz(inst.rd, inst) : gs(inst.rd, inst);
      return base | (sf << 31) | ((imm >>> 12) << 22) | ((imm & 0xfff) << 10) | (gs(inst.rn, inst) << 5) | rd;
    }
    case Op.AluRRImmLogic: {
      const base = ALU_LOGIC_IMM[inst.sub];
      if (base === undefined) return fail(inst, 'bad logical immediate op');
      const enc = inst.imm;
      if (!Number.isInteger(enc) || enc < 0 || enc > 0x1fff || (!sf && enc >= 0x1000)) fail(inst, 'bad logical immediate');
      const rd = inst.sub === 5 ? gz(inst.rd, inst) : gs(inst.rd, inst);
      return base | (sf << 31) | ((enc >>> 12) << 22) | (((enc >>> 6) & 63) << 16) | ((enc & 63) << 10) | (gz(inst.rn, inst) << 5) | rd;
    }
    case Op.AluRRRExtend: {
      const base = ALU_EXT[inst.sub];
      if (base === undefined) return fail(inst, 'bad extended-register op');
      const setsFlags = inst.sub === 1 || inst.sub === 3;
      const rd = setsFlags ? gz(inst.rd, inst) : gs(inst.rd, inst);
      return base | (sf << 31) | (gz(inst.rm, inst) << 16) | ((inst.cond & 7) << 13) | (checkImm(inst, inst.imm, 0, 4, 'extend shift') << 10)
        | (gs(inst.rn, inst) << 5) | rd;
    }
    case Op.MovWide: {
      const row = MOV_WIDE[inst.sub];
      if (row === undefined || row[0] === 0) return fail(inst, 'bad move-wide op');
      checkImm(inst, inst.imm2, 0, sf ? 3 : 1, 'move-wide shift');
      return row[0] | (sf << 31) | (inst.imm2 << 21) | ((inst.imm & 0xffff) << 5) | gz(inst.rd, inst);
    }
    case Op.DataProc1: {
      const row = DP1[inst.sub];
      if (row === undefined) return fail(inst, 'bad data-processing op');
      let opc = row[0];
      if (inst.sub === 3 && !sf) opc = 2;
      if (inst.sub === 2 && !sf) fail(inst, 'rev32 needs a 64-bit register');
      return 0x5ac00000 | (sf << 31) | (opc << 10) | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.DataProc2: {
      const row = DP2[inst.sub];
      if (row === undefined) return fail(inst, 'bad data-processing op');
      return 0x1ac00000 | (sf << 31) | (gz(inst.rm, inst) << 16) | (row[0] << 10) | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.DataProc3: {
      const row = DP3[inst.sub];
      if (row === undefined) return fail(inst, 'bad multiply op');
      if (inst.sub >= 2 && !sf) fail(inst, 'long multiplies have 64-bit results');
      const ra = inst.sub === 4 || inst.sub === 7 ? 31 : gz(inst.ra, inst);
      return row[0] | (sf << 31) | (gz(inst.rm, inst) << 16) | (ra << 10) | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.Bitfield: {
      const row = BITFIELD[inst.sub];
      if (row === undefined) return fail(inst, 'bad bitfield op');
      const max = sf ? 63 : 31;
      return row[0] | (sf << 31) | (sf << 22) | (checkImm(inst, inst.imm, 0, max, 'immr') << 16) | (checkImm(inst, inst.imm2, 0, max, 'imms') << 10)
        | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.Extr:
      return 0x13800000 | (sf << 31) | (sf << 22) | (gz(inst.rm, inst) << 16) | (checkImm(inst, inst.imm, 0, sf ? 63 : 31, 'lsb') << 10)
        | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    case Op.CSel: {
      const row = CSEL[inst.sub];
      if (row === undefined) return fail(inst, 'bad conditional select');
      return row[0] | (sf << 31) | (gz(inst.rm, inst) << 16) | ((inst.cond & 15) << 12) | (gz(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.CCmp:
      return (inst.sub ? 0x3a400000 : 0x7a400000) | (sf << 31) | (gz(inst.rm, inst) << 16) | ((inst.cond & 15) << 12)
        | (gz(inst.rn, inst) << 5) | checkImm(inst, inst.imm, 0, 15, 'nzcv');
    case Op.CCmpImm:
      return (inst.sub ? 0x3a400800 : 0x7a400800) | (sf << 31) | (checkImm(inst, inst.imm2, 0, 31, 'imm5') << 16) | ((inst.cond & 15) << 12)
        | (gz(inst.rn, inst) << 5) | checkImm(inst, inst.imm, 0, 15, 'nzcv');
    case Op.LdSt:
      return encodeLdSt(inst, sink, at);
    case Op.LdStPair: {
      const row = PAIR[inst.sub];
      if (row === undefined) return fail(inst, 'bad pair op');
      const reg = row.v ? vv : gz;
      const off = inst.imm;
      if (off % row.bytes !== 0) fail(inst, `pair offset ${off} is not a multiple of ${row.bytes}`);
      const imm7 = checkImm(inst, off / row.bytes, -64, 63, 'pair offset (scaled)');
      const mode = inst.mode === AddrMode.PostIndex ? 1 : inst.mode === AddrMode.PreIndex ? 3 : inst.mode === AddrMode.Offset ? 2 : fail(inst, 'pair addressing mode');
      return (row.opc << 30) | 0x28000000 | (row.v << 26) | (mode << 23) | (row.l << 22) | ((imm7 & 0x7f) << 15)
        | (reg(inst.ra, inst) << 10) | (gs(inst.rn, inst) << 5) | reg(inst.rd, inst);
    }
    case Op.Excl: {
      const row = EXCL[inst.sub];
      if (row === undefined) return fail(inst, 'bad exclusive op');
      const size = inst.sz;
      if (row.pair && size < 2) fail(inst, 'exclusive pairs are 32 or 64 bits per register');
      let w = row.base | (size << 30) | (gs(inst.rn, inst) << 5) | gz(inst.rd, inst);
      if (row.status) w |= gz(inst.rm, inst) << 16;
      if (row.pair) w |= gz(inst.ra, inst) << 10;
      return w;
    }
    case Op.Lse: {
      const row = LSE[inst.sub];
      if (row === undefined) return fail(inst, 'bad LSE op');
      return 0x38200000 | (inst.sz << 30) | (((inst.cond >> 1) & 1) << 23) | ((inst.cond & 1) << 22) | (gz(inst.rm, inst) << 16)
        | (row[0] << 12) | (gs(inst.rn, inst) << 5) | gz(inst.rd, inst);
    }
    case Op.Cas:
      return 0x08a07c00 | (inst.sz << 30) | (((inst.cond >> 1) & 1) << 22) | ((inst.cond & 1) << 15) | (gz(inst.rm, inst) << 16)
        | (gs(inst.rn, inst) << 5) | gz(inst.rd, inst);
    case Op.Casp: {
      const rs = gz(inst.rm, inst);
      const rt = gz(inst.rd, inst);
      if ((rs & 1) || (rt & 1)) fail(inst, 'casp needs even-numbered register pairs');
      return 0x48207c00 | (((inst.cond >> 1) & 1) << 22) | ((inst.cond & 1) << 15) | (rs << 16) | (gs(inst.rn, inst) << 5) | rt;
    }
    case Op.Adr: {
      const d = inst.imm;
      sink.useLabel(at, inst.label, LABEL_ADR21);
      return 0x10000000 | ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5) | gz(inst.rd, inst);
    }
    case Op.Adrp:
      if (inst.sym === null) return fail(inst, 'adrp without a symbol');
      sink.addReloc(at, ADRP_RELOCS[inst.sub] ?? fail(inst, 'bad adrp kind'), inst.sym, inst.imm);
      return 0x90000000 | gz(inst.rd, inst);
    case Op.AddLo12:
      if (inst.sym === null) return fail(inst, 'add :lo12: without a symbol');
      sink.addReloc(at, inst.sub === 0 ? 'Aarch64AddAbsLo12Nc' : 'Aarch64TlsGdAddLo12Nc', inst.sym, inst.imm);
      return 0x91000000 | (gs(inst.rn, inst) << 5) | gs(inst.rd, inst);
    case Op.LdrLo12:
      if (inst.sym === null) return fail(inst, 'ldr :got_lo12: without a symbol');
      sink.addReloc(at, inst.sub === 0 ? 'Aarch64Ld64GotLo12Nc' : 'MachOAarch64TlsAdrPageOff12', inst.sym, 0);
      return 0xf9400000 | (gs(inst.rn, inst) << 5) | gz(inst.rd, inst);
    case Op.Sys: {
      const row = SYS[inst.sub];
      if (row === undefined) return fail(inst, 'bad system op');
      return row[0];
    }
    case Op.Udf:
      return checkImm(inst, inst.imm, 0, 0xffff, 'udf immediate');
    case Op.Brk:
      return 0xd4200000 | (checkImm(inst, inst.imm, 0, 0xffff, 'brk immediate') << 5);
    case Op.MrsTpidr:
      return 0xd53bd040 | gz(inst.rd, inst);
    case Op.B: {
      sink.useLabel(at, inst.label, LABEL_BRANCH26);
      sink.put4(0x14000000);
      sink.branch?.(at, at + 4, inst.label, undefined);
      return null;
    }
    case Op.BCond: {
      const c = inst.cond & 15;
      if (c >= 14) fail(inst, 'b.al / b.nv');
      sink.useLabel(at, inst.label, LABEL_BRANCH19);
      sink.put4(0x54000000 | c);
      sink.branch?.(at, at + 4, inst.label, invertedWord(0x54000000 | (c ^ 1)));
      return null;
    }
    case Op.Cbz: {
      const w = 0x34000000 | (sf << 31) | ((inst.sub & 1) << 24) | gz(inst.rn, inst);
      sink.useLabel(at, inst.label, LABEL_BRANCH19);
      sink.put4(w);
      sink.branch?.(at, at + 4, inst.label, invertedWord(w ^ (1 << 24)));
      return null;
    }
    case Op.Tbz: {
      const bit = checkImm(inst, inst.imm, 0, 63, 'bit number');
      const w = 0x36000000 | ((bit >>> 5) << 31) | ((inst.sub & 1) << 24) | ((bit & 31) << 19) | gz(inst.rn, inst);
      sink.useLabel(at, inst.label, LABEL_BRANCH14);
      sink.put4(w);
      sink.branch?.(at, at + 4, inst.label, invertedWord(w ^ (1 << 24)));
      return null;
    }
    case Op.Bl:
      if (inst.sym === null) return fail(inst, 'bl without a symbol');
      sink.addReloc(at, 'Arm64Call', inst.sym, inst.imm);
      return 0x94000000;
    case Op.BSym:
      if (inst.sym === null) return fail(inst, 'b without a symbol');
      sink.addReloc(at, 'Aarch64Jump26', inst.sym, inst.imm);
      return 0x14000000;
    case Op.Br:
      return 0xd61f0000 | (gz(inst.rn, inst) << 5);
    case Op.Blr:
      return 0xd63f0000 | (gz(inst.rn, inst) << 5);
    case Op.Ret:
      return inst.sub === 1 ? 0xd65f0bff : inst.sub === 2 ? 0xd65f0fff : 0xd65f0000 | (gz(inst.rn, inst) << 5);
    case Op.Word:
      return inst.imm;
    case Op.FpRR: {
      const row = FP1[inst.sub];
      if (row === undefined) return fail(inst, 'bad FP op');
      return 0x1e204000 | (fpType(inst, inst.sz) << 22) | (row[0] << 15) | (vv(inst.rn, inst) << 5) | vv(inst.rd, inst);
    }
    case Op.FpCvt: {
      const to = fpType(inst, inst.imm);
      if (inst.imm === inst.sz) fail(inst, 'fcvt to the same precision');
      return 0x1e204000 | (fpType(inst, inst.sz) << 22) | ((4 | to) << 15) | (vv(inst.rn, inst) << 5) | vv(inst.rd, inst);
    }
    case Op.FpRRR: {
      const row = FP2[inst.sub];
      if (row === undefined) return fail(inst, 'bad FP op');
      return 0x1e200800 | (fpType(inst, inst.sz) << 22) | (vv(inst.rm, inst) << 16) | (row[0] << 12) | (vv(inst.rn, inst) << 5) | vv(inst.rd, inst);
    }
    case Op.FpRRRR: {
      const row = FP3[inst.sub];
      if (row === undefined) return fail(inst, 'bad FP op');
      return row[0] | (fpType(inst, inst.sz) << 22) | (vv(inst.rm, inst) << 16) | (vv(inst.ra, inst) << 10) | (vv(inst.rn, inst) << 5) | vv(inst.rd, inst);
    }
    case Op.FpCmp: {
      const zero = inst.rm < 0;
      return 0x1e202000 | (fpType(inst, inst.sz) << 22) | ((zero ? 0 : vv(inst.rm, inst)) << 16) | (zero ? 8 : 0) | (inst.sub ? 16 : 0)
        | (vv(inst.rn, inst) << 5);
    }
    case Op.FpCsel:
      return 0x1e200c00 | (fpType(inst, inst.sz) << 22) | (vv(inst.rm, inst) << 16) | ((inst.cond & 15) << 12) | (vv(inst.rn, inst) << 5) | vv(inst.rd, inst);
    case Op.FpImm:
      return 0x1e201000 | (fpType(inst, inst.sz) << 22) | (checkImm(inst, inst.imm, 0, 255, 'fp imm8') << 13) | vv(inst.rd, inst);
    case Op.FpToInt:
      return (inst.sub ? 0x1e390000 : 0x1e380000) | ((inst.imm & 1) << 31) | (fpType(inst, inst.sz) << 22) | (vv(inst.rn, inst) << 5) | gz(inst.rd, inst);
    case Op.IntToFp:
      return (inst.sub ? 0x1e230000 : 0x1e220000) | ((inst.imm & 1) << 31) | (fpType(inst, inst.sz) << 22) | (gz(inst.rn, inst) << 5) | vv(inst.rd, inst);
    case Op.FMovToGpr:
      return fmovGprWord(inst, true) | (vv(inst.rn, inst) << 5) | gz(inst.rd, inst);
    case Op.FMovFromGpr:
      return fmovGprWord(inst, false) | (gz(inst.rn, inst) << 5) | vv(inst.rd, inst);
    case Op.Vec:
      return encodeVec(inst);
    default:
      return fail(inst, `op ${inst.op} is a pseudo-instruction (expand it before encoding)`);
  }
}

function fpType(inst: MInst, fs: number): number {
  if (fs < 1 || fs > 3) fail(inst, `scalar FP size ${fs}`);
  return ftype(fs);
}

function fmovGprWord(inst: MInst, toGpr: boolean): number {
  if (inst.imm === 1) {
    if (inst.sz !== 3) fail(inst, 'the high-half fmov moves 64 bits');
    return toGpr ? 0x9eae0000 : 0x9eaf0000;
  }
  switch (inst.sz) {
    case 1: return toGpr ? 0x1ee60000 : 0x1ee70000;
    case 2: return toGpr ? 0x1e260000 : 0x1e270000;
    case 3: return toGpr ? 0x9e660000 : 0x9e670000;
    default: return fail(inst, `fmov of FP size ${inst.sz}`);
  }
}

function encodeLdSt(inst: MInst, sink: CodeSink, at: number): number {
  const row = LDST[inst.sub];
  if (row === undefined) return fail(inst, 'bad load/store op');
  const rt = row.v ? vv(inst.rd, inst) : gz(inst.rd, inst);
  const fixed = (row.size << 30) | (row.v << 26) | (row.opc << 22) | rt;
  switch (inst.mode) {
    case AddrMode.Offset: {
      const off = inst.imm;
      const rn = gs(inst.rn, inst) << 5;
      if (off >= 0 && off % row.bytes === 0 && off / row.bytes < 4096) return 0x39000000 | fixed | ((off / row.bytes) << 10) | rn;
      if (off >= -256 && off <= 255) return 0x38000000 | fixed | ((off & 0x1ff) << 12) | rn;
      return fail(inst, `offset ${off} fits neither a scaled imm12 nor an imm9`);
    }
    case AddrMode.PreIndex:
    case AddrMode.PostIndex: {
      const off = checkImm(inst, inst.imm, -256, 255, 'index offset');
      return 0x38000000 | fixed | ((off & 0x1ff) << 12) | ((inst.mode === AddrMode.PreIndex ? 3 : 1) << 10) | (gs(inst.rn, inst) << 5);
    }
    case AddrMode.RegOffset: {
      const ext = inst.cond;
      if (ext !== 2 && ext !== 3 && ext !== 6 && ext !== 7) fail(inst, `index extend ${ext}`);
      return 0x38200800 | fixed | (gz(inst.rm, inst) << 16) | (ext << 13) | ((inst.imm2 & 1) << 12) | (gs(inst.rn, inst) << 5);
    }
    case AddrMode.Literal:
      if (row.literal === 0 || row.store) fail(inst, 'no literal form');
      sink.useLabel(at, inst.label, LABEL_LITERAL19);
      return (row.literal | rt) >>> 0;
    default:
      return fail(inst, `unresolved frame address (mode ${inst.mode})`);
  }
}

/** imm5 of the copy forms: lane `idx` of lane size 2^size bytes. */
function imm5(inst: MInst, size: number, idx: number): number {
  const lanes = 16 >> size;
  checkImm(inst, idx, 0, lanes - 1, 'lane index');
  return ((idx << (size + 1)) | (1 << size)) & 31;
}

function encodeVec(inst: MInst): number {
  const row = NEON[inst.sub];
  if (row === undefined) return fail(inst, 'bad vector op');
  const a = inst.sz;
  if (a < 0 || a > 7 || ((row.arrs >> a) & 1) === 0) fail(inst, `${row.name} has no arrangement ${a}`);
  const q = arrQ(a);
  const size = arrSize(a);
  const d = (): number => vv(inst.rd, inst);
  const n = (): number => vv(inst.rn, inst) << 5;
  const m = (): number => vv(inst.rm, inst) << 16;
  const base = row.base | (q << 30);
  switch (row.form) {
    case VForm.Same:
      if (a === 6) fail(inst, 'the 1D arrangement');
      return base | (size << 22) | m() | n() | d();
    case VForm.Mov: {
      const r = vv(inst.rn, inst);
      return base | (r << 16) | (r << 5) | d();
    }
    case VForm.SameBytes:
    case VForm.MiscBytes:
      if (size !== 0) fail(inst, 'byte arrangements only');
      return base | (row.form === VForm.SameBytes ? m() : 0) | n() | d();
    case VForm.SameF:
    case VForm.MiscF:
    case VForm.MiscFZero:
      if (size < 2 || a === 6) fail(inst, 'float arrangements are 2S, 4S and 2D');
      return base | ((size & 1) << 22) | (row.form === VForm.SameF ? m() : 0) | n() | d();
    case VForm.Long:
    case VForm.Wide:
      if (size === 3) fail(inst, 'no 64-bit source lanes');
      return base | (size << 22) | m() | n() | d();
    case VForm.Misc:
    case VForm.MiscZero:
    case VForm.Narrow:
    case VForm.PairLong:
      if (a === 6 || ((row.form === VForm.Narrow || row.form === VForm.PairLong) && size === 3)) fail(inst, 'arrangement');
      return base | (size << 22) | n() | d();
    case VForm.NarrowF:
      if (size !== 2) fail(inst, 'fcvtn narrows to 2S/4S');
      return base | n() | d();
    case VForm.LongF:
      if (size !== 2) fail(inst, 'fcvtl widens 2S/4S');
      return base | n() | d();
    case VForm.Across:
    case VForm.AcrossLong:
      if (size === 3 || a === 4) fail(inst, 'across-lanes arrangement');
      return base | (size << 22) | n() | d();
    case VForm.ShiftL:
    case VForm.ShiftR:
    case VForm.ShiftLL:
    case VForm.ShiftRN: {
      if (a === 6 && row.form !== VForm.ShiftL && row.form !== VForm.ShiftR) fail(inst, 'arrangement');
      const esize = 8 << size;
      const left = row.form === VForm.ShiftL || row.form === VForm.ShiftLL;
      if ((row.form === VForm.ShiftLL || row.form === VForm.ShiftRN) && size === 3) fail(inst, 'no 64-bit narrow lanes');
      const sh = left ? checkImm(inst, inst.imm, 0, esize - 1, 'shift') : checkImm(inst, inst.imm, 1, esize, 'shift');
      const f = left ? esize + sh : 2 * esize - sh;
      return base | (f << 16) | n() | d();
    }
    case VForm.DupElem:
      if (a === 6) fail(inst, 'arrangement');
      return base | (imm5(inst, size, inst.imm) << 16) | n() | d();
    case VForm.DupGen:
      if (a === 6) fail(inst, 'arrangement');
      return base | ((1 << size) << 16) | (gz(inst.rn, inst) << 5) | d();
    case VForm.InsGen:
      return row.base | (imm5(inst, size, inst.imm) << 16) | (gz(inst.rn, inst) << 5) | d();
    case VForm.InsElem:
      checkImm(inst, inst.imm2, 0, (16 >> size) - 1, 'source lane index');
      return row.base | (imm5(inst, size, inst.imm) << 16) | (((inst.imm2 << size) & 15) << 11) | n() | d();
    case VForm.MovToGen: {
      const x = inst.imm2 & 1;
      const smov = row.name === 'smov';
      if (smov ? size >= (x ? 3 : 2) : size === 3 ? !x : !!x) fail(inst, 'lane size / destination width');
      return (row.base | (x << 30)) | (imm5(inst, size, inst.imm) << 16) | n() | gz(inst.rd, inst);
    }
    case VForm.DupScalar:
      return row.base | (imm5(inst, size, inst.imm) << 16) | n() | d();
    case VForm.ModImm: {
      const imm8 = checkImm(inst, inst.imm, 0, 255, 'imm8');
      const opCmode = inst.imm2 & 31;
      return base | ((opCmode >> 4) << 29) | ((imm8 >>> 5) << 16) | ((opCmode & 15) << 12) | ((imm8 & 31) << 5) | d();
    }
    case VForm.Ext:
      if (size !== 0) fail(inst, 'ext takes byte arrangements');
      return base | m() | (checkImm(inst, inst.imm, 0, q ? 15 : 7, 'ext index') << 11) | n() | d();
    case VForm.Tbl: {
      if (size !== 0) fail(inst, 'tbl takes byte arrangements');
      const len = checkImm(inst, inst.imm, 0, 3, 'table length');
      const first = vv(inst.rn, inst);
      if (first + len > 31) fail(inst, 'table registers wrap around');
      return base | m() | (len << 13) | (first << 5) | d();
    }
    case VForm.Ld1R:
      return base | (size << 10) | (gs(inst.rn, inst) << 5) | d();
    case VForm.LdStLane: {
      const idx = checkImm(inst, inst.imm, 0, (16 >> size) - 1, 'lane index');
      let qq: number; let s: number; let sz: number; let opcode: number;
      if (size === 0) { qq = idx >> 3; s = (idx >> 2) & 1; sz = idx & 3; opcode = 0; }
      else if (size === 1) { qq = idx >> 2; s = (idx >> 1) & 1; sz = (idx & 1) << 1; opcode = 2; }
      else if (size === 2) { qq = idx >> 1; s = idx & 1; sz = 0; opcode = 4; }
      else { qq = idx; s = 0; sz = 1; opcode = 4; }
      return row.base | (qq << 30) | (opcode << 13) | (s << 12) | (sz << 10) | (gs(inst.rn, inst) << 5) | d();
    }
    case VForm.PairScalar:
      return row.base | n() | d();
    case VForm.Dot:
      if (size !== 2) fail(inst, 'dot products accumulate into 2S/4S');
      return base | m() | n() | d();
    default:
      return fail(inst, 'unknown vector form');
  }
}
