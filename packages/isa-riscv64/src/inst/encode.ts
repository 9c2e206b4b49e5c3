// Instruction words: the 32-bit encoding of a table instruction (inst/ops.ts), its 16-bit
// compressed form when one exists (the C extension), and the label-use kinds of PC-relative
// fields with their veneers.
//
// Compressed encodings: The RISC-V Instruction Set Manual, Volume I, "C" Standard Extension
// (RVC instruction formats, quadrants 0-2; rd'/rs1'/rs2' are x8-x15 / f8-f15).

import { CodegenError, type LabelUseKind } from '@windlass/codegen';
import type { MInst } from './mod';
import { Fmt, opInfo } from './ops';
import * as O from './ops';
import { VREG_BASE, sp } from './regs';

/** The 5-bit field of register `r` (0 for an unused field). */
function reg(r: number, inst: MInst): number {
  if (r < 0) return 0;
  if (r >= VREG_BASE) throw new CodegenError(`internal: virtual register left in ${opInfo(inst.op).name}`);
  return r & 31;
}

function checkImm(ok: boolean, inst: MInst, what: string): void {
  if (!ok) throw new CodegenError(`internal: ${what} ${inst.imm} out of range in ${opInfo(inst.op).name}`);
}

export const fitsImm12 = (v: number): boolean => v >= -2048 && v <= 2047;

/** The 32-bit encoding of table instruction `i` (PC-relative fields zero: label uses patch them). */
export function encode(i: MInst): number {
  const info = opInfo(i.op);
  const m = info.match;
  const rd = reg(i.rd, i);
  const rs1 = reg(i.rs1, i);
  // An empty rs2 where the format has one repeats rs1 (fmv.d is fsgnj.d rd, rs, rs).
  const rs2 = i.rs2 < 0 && info.files[2] !== '-' && info.fmt === Fmt.R ? rs1 : reg(i.rs2, i);
  switch (info.fmt) {
    case Fmt.R: case Fmt.VMM:
      return (m | (rs2 << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.R1:
      return (m | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.RM:
      return (m | (rs2 << 20) | (rs1 << 15) | ((i.aux & 7) << 12) | (rd << 7)) >>> 0;
    case Fmt.R1M:
      return (m | (rs1 << 15) | ((i.aux & 7) << 12) | (rd << 7)) >>> 0;
    case Fmt.R4:
      return (m | (reg(i.rs3, i) << 27) | (rs2 << 20) | (rs1 << 15) | ((i.aux & 7) << 12) | (rd << 7)) >>> 0;
    case Fmt.I: case Fmt.Load: case Fmt.Jalr:
      checkImm(fitsImm12(i.imm), i, 'immediate');
      return (m | ((i.imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.Sh: {
      const wide = (m & 0x7f) === 0x13;
      checkImm(i.imm >= 0 && i.imm < (wide ? 64 : 32), i, 'shift amount');
      return (m | (i.imm << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    }
    case Fmt.Store:
      checkImm(fitsImm12(i.imm), i, 'offset');
      return (m | (((i.imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | ((i.imm & 0x1f) << 7)) >>> 0;
    case Fmt.U:
      checkImm(i.imm >= -0x80000 && i.imm <= 0xfffff, i, 'upper immediate');
      return (m | ((i.imm & 0xfffff) << 12) | (rd << 7)) >>> 0;
    case Fmt.B:
      return (m | (rs2 << 20) | (rs1 << 15)) >>> 0;
    case Fmt.J:
      return (m | (rd << 7)) >>> 0;
    case Fmt.Amo:
      return (m | ((i.aux & 3) << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.Lr:
      return (m | ((i.aux & 3) << 25) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.Fence:
      return (m | ((i.imm & 0xff) << 20)) >>> 0;
    case Fmt.None:
      return m;
    case Fmt.Csr:
      return (m | ((i.imm & 0xfff) << 20) | (rd << 7)) >>> 0;
    case Fmt.CsrW:
      return (m | ((i.imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.CsrWI:
      return (m | ((i.imm & 0xfff) << 20) | ((i.aux & 31) << 15) | (rd << 7)) >>> 0;
    case Fmt.V: case Fmt.VMa: case Fmt.VMerge:
      return (vm(m, i) | (rs2 << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.VI: case Fmt.VMergeI:
      checkImm(i.imm >= -16 && i.imm <= 31, i, 'vector immediate');
      return (vm(m, i) | (rs2 << 20) | ((i.imm & 31) << 15) | (rd << 7)) >>> 0;
    case Fmt.VMvR:
      return (m | (rs2 << 20) | (rd << 7)) >>> 0;
    case Fmt.VU:
      return (vm(m, i) | (rs2 << 20) | (rd << 7)) >>> 0;
    case Fmt.VToS:
      return (vm(m, i) | (rs2 << 20) | (rd << 7)) >>> 0;
    case Fmt.SToV:
      return (m | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.VImm:
      checkImm(i.imm >= -16 && i.imm <= 15, i, 'vector immediate');
      return (m | ((i.imm & 31) << 15) | (rd << 7)) >>> 0;
    case Fmt.VD:
      return (vm(m, i) | (rd << 7)) >>> 0;
    case Fmt.VLoad: case Fmt.VStore:
      return (vm(m, i) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.VLoadS:
      return (vm(m, i) | (rs2 << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    case Fmt.VSetI:
      return (m | ((i.aux & 0x3ff) << 20) | ((i.imm & 31) << 15) | (rd << 7)) >>> 0;
    case Fmt.VSetVl:
      return (m | ((i.aux & 0x7ff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
    default:
      throw new CodegenError(`internal: no encoding for format ${info.fmt}`);
  }
}

/** The vm bit: 1 unmasked, 0 masked by v0 (`aux` = 1 on a vector arithmetic op). */
function vm(m: number, i: MInst): number {
  return i.aux === 1 ? m & ~(1 << 25) : m;
}

// ---------------------------------------------------------------- compressed forms

/** x8-x15 (f8-f15): the registers of 3-bit fields. */
const creg = (r: number): number => ((r & 31) >= 8 && (r & 31) <= 15 && r >= 0 && r < 64 ? (r & 31) - 8 : -1);
const cimm6 = (v: number): boolean => v >= -32 && v <= 31;
const b = (v: number, hi: number, lo: number): number => (v >> lo) & ((1 << (hi - lo + 1)) - 1);

/**
 * The 16-bit compressed form of `i`, or -1 when it has none. `zcd`: the double-precision loads
 * and stores (c.fld/c.fsd/c.fldsp/c.fsdsp) may be used. Branches, jumps and instructions carrying
 * relocations are never compressed (their fields are patched later).
 */
export function compress(i: MInst, zcd: boolean): number {
  if (i.op >= O.TABLE_SIZE || i.label >= 0 || i.sym !== null) return -1;
  const rd = i.rd, rs1 = i.rs1, rs2 = i.rs2, imm = i.imm;
  const rdN = rd & 31;
  switch (i.op) {
    case O.ADDI:
      if (rd === 0 || rs1 < 0) return -1;
      if (imm === 0 && rs1 !== 0) return 0x8002 | (rdN << 7) | ((rs1 & 31) << 2); // c.mv
      if (rs1 === 0 && cimm6(imm)) return 0x4001 | (b(imm, 5, 5) << 12) | (rdN << 7) | (b(imm, 4, 0) << 2); // c.li
      if (rs1 === rd && imm !== 0 && cimm6(imm)) return 0x0001 | (b(imm, 5, 5) << 12) | (rdN << 7) | (b(imm, 4, 0) << 2); // c.addi
      if (rd === sp && rs1 === sp && imm !== 0 && (imm & 15) === 0 && imm >= -512 && imm <= 496) { // c.addi16sp
        return 0x6101 | (b(imm, 9, 9) << 12) | (b(imm, 4, 4) << 6) | (b(imm, 6, 6) << 5) | (b(imm, 8, 7) << 3) | (b(imm, 5, 5) << 2);
      }
      if (rs1 === sp && creg(rd) >= 0 && imm > 0 && (imm & 3) === 0 && imm <= 1020) { // c.addi4spn
        return (b(imm, 5, 4) << 11) | (b(imm, 9, 6) << 7) | (b(imm, 2, 2) << 6) | (b(imm, 3, 3) << 5) | (creg(rd) << 2);
      }
      return -1;
    case O.ADDIW:
      if (rd !== 0 && rs1 === rd && cimm6(imm)) return 0x2001 | (b(imm, 5, 5) << 12) | (rdN << 7) | (b(imm, 4, 0) << 2);
      return -1;
    case O.LUI_:
      if (rd !== 0 && rd !== sp && imm !== 0 && (cimm6(imm) || (imm >= 0xfffe0 && imm <= 0xfffff))) {
        return 0x6001 | (b(imm, 5, 5) << 12) | (rdN << 7) | (b(imm, 4, 0) << 2);
      }
      return -1;
    case O.SLLI:
      if (rd !== 0 && rs1 === rd && imm !== 0) return 0x0002 | (b(imm, 5, 5) << 12) | (rdN << 7) | (b(imm, 4, 0) << 2);
      return -1;
    case O.SRLI: case O.SRAI:
      if (rs1 === rd && creg(rd) >= 0 && imm !== 0) {
        return 0x8001 | (b(imm, 5, 5) << 12) | ((i.op === O.SRAI ? 1 : 0) << 10) | (creg(rd) << 7) | (b(imm, 4, 0) << 2);
      }
      return -1;
    case O.ANDI:
      if (rs1 === rd && creg(rd) >= 0 && cimm6(imm)) return 0x8801 | (b(imm, 5, 5) << 12) | (creg(rd) << 7) | (b(imm, 4, 0) << 2);
      return -1;
    case O.ADD:
      if (rd === 0) return -1;
      if (rs1 === rd && rs2 !== 0) return 0x9002 | (rdN << 7) | ((rs2 & 31) << 2); // c.add
      if (rs1 === 0 && rs2 !== 0) return 0x8002 | (rdN << 7) | ((rs2 & 31) << 2); // c.mv
      return -1;
    case O.SUB: case O.XOR: case O.OR: case O.AND: case O.SUBW: case O.ADDW: {
      if (rs1 !== rd || creg(rd) < 0 || creg(rs2) < 0) return -1;
      const [hi, f2] = i.op === O.SUB ? [0, 0] : i.op === O.XOR ? [0, 1] : i.op === O.OR ? [0, 2] : i.op === O.AND ? [0, 3] : i.op === O.SUBW ? [1, 0] : [1, 1];
      return 0x8c01 | (hi << 12) | (creg(rd) << 7) | (f2 << 5) | (creg(rs2) << 2);
    }
    case O.LW: case O.LD: case O.FP_D.load:
      return compressLoad(i, zcd);
    case O.SW: case O.SD: case O.FP_D.store:
      return compressStore(i, zcd);
    case O.JALR_:
      if (imm !== 0 || rs1 <= 0) return -1;
      if (rd === 0) return 0x8002 | ((rs1 & 31) << 7); // c.jr
      if (rd === 1) return 0x9002 | ((rs1 & 31) << 7); // c.jalr
      return -1;
    case O.EBREAK:
      return 0x9002;
    default:
      return -1;
  }
}

function compressLoad(i: MInst, zcd: boolean): number {
  const { rd, rs1, imm } = i;
  const isD = i.op === O.FP_D.load;
  if (isD && !zcd) return -1;
  const word = i.op === O.LW;
  if (rs1 === sp) {
    if (!isD && rd === 0) return -1;
    if (word) {
      if (imm < 0 || imm > 252 || (imm & 3) !== 0) return -1;
      return 0x4002 | (b(imm, 5, 5) << 12) | ((rd & 31) << 7) | (b(imm, 4, 2) << 4) | (b(imm, 7, 6) << 2);
    }
    if (imm < 0 || imm > 504 || (imm & 7) !== 0) return -1;
    return (isD ? 0x2002 : 0x6002) | (b(imm, 5, 5) << 12) | ((rd & 31) << 7) | (b(imm, 4, 3) << 5) | (b(imm, 8, 6) << 2);
  }
  if (creg(rd) < 0 || creg(rs1) < 0) return -1;
  if (word) {
    if (imm < 0 || imm > 124 || (imm & 3) !== 0) return -1;
    return 0x4000 | (b(imm, 5, 3) << 10) | (creg(rs1) << 7) | (b(imm, 2, 2) << 6) | (b(imm, 6, 6) << 5) | (creg(rd) << 2);
  }
  if (imm < 0 || imm > 248 || (imm & 7) !== 0) return -1;
  return (isD ? 0x2000 : 0x6000) | (b(imm, 5, 3) << 10) | (creg(rs1) << 7) | (b(imm, 7, 6) << 5) | (creg(rd) << 2);
}

function compressStore(i: MInst, zcd: boolean): number {
  const { rs1, rs2, imm } = i;
  const isD = i.op === O.FP_D.store;
  if (isD && !zcd) return -1;
  const word = i.op === O.SW;
  if (rs1 === sp) {
    if (word) {
      if (imm < 0 || imm > 252 || (imm & 3) !== 0) return -1;
      return 0xc002 | (b(imm, 5, 2) << 9) | (b(imm, 7, 6) << 7) | ((rs2 & 31) << 2);
    }
    if (imm < 0 || imm > 504 || (imm & 7) !== 0) return -1;
    return (isD ? 0xa002 : 0xe002) | (b(imm, 5, 3) << 10) | (b(imm, 8, 6) << 7) | ((rs2 & 31) << 2);
  }
  if (creg(rs2) < 0 || creg(rs1) < 0) return -1;
  if (word) {
    if (imm < 0 || imm > 124 || (imm & 3) !== 0) return -1;
    return 0xc000 | (b(imm, 5, 3) << 10) | (creg(rs1) << 7) | (b(imm, 2, 2) << 6) | (b(imm, 6, 6) << 5) | (creg(rs2) << 2);
  }
  if (imm < 0 || imm > 248 || (imm & 7) !== 0) return -1;
  return (isD ? 0xa000 : 0xe000) | (b(imm, 5, 3) << 10) | (creg(rs1) << 7) | (b(imm, 7, 6) << 5) | (creg(rs2) << 2);
}

// ---------------------------------------------------------------- PC-relative fields

function get32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}
function set32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v & 255;
  bytes[at + 1] = (v >>> 8) & 255;
  bytes[at + 2] = (v >>> 16) & 255;
  bytes[at + 3] = (v >>> 24) & 255;
}

/** Offset bits of a B-type instruction (imm[12|10:5] in 31:25, imm[4:1|11] in 11:7). */
export function bOffset(d: number): number {
  return ((b(d, 12, 12) << 31) | (b(d, 10, 5) << 25) | (b(d, 4, 1) << 8) | (b(d, 11, 11) << 7)) >>> 0;
}
/** Offset bits of a J-type instruction (imm[20|10:1|11|19:12] in 31:12). */
export function jOffset(d: number): number {
  return ((b(d, 20, 20) << 31) | (b(d, 10, 1) << 21) | (b(d, 11, 11) << 20) | (b(d, 19, 12) << 12)) >>> 0;
}
/** hi20 / lo12 of a 32-bit PC-relative distance, as auipc + a 12-bit signed immediate use them. */
export function hiLo(d: number): [number, number] {
  const lo = ((d & 0xfff) << 20) >> 20;
  return [((d - lo) / 4096) & 0xfffff, lo];
}

const B_MASK = 0x01fff07f; // everything but the offset bits
const J_MASK = 0x00000fff;
/** `auipc t5, 0` and `jalr x0, 0(t5)`: the far jump of a veneer (t5 is never allocated). */
const AUIPC_T5 = 0x00000f17;
const JALR_X0_T5 = 0x000f0067;

/** auipc + jalr (±2 GiB) in a veneer. */
export const FAR_JUMP: LabelUseKind = {
  name: 'auipc+jalr', patchSize: 8, maxPosRange: 0x7fff_f7ff, maxNegRange: 0x8000_0800,
  patch(bytes, use, label) {
    const [hi, lo] = hiLo(label - use);
    set32(bytes, use, ((get32(bytes, use) & 0xfff) | (hi << 12)) >>> 0);
    set32(bytes, use + 4, ((get32(bytes, use + 4) & 0xfffff) | ((lo & 0xfff) << 20)) >>> 0);
  },
};

/** `jal` (±1 MiB); a veneer is a far jump through t5. */
export const JAL_LABEL: LabelUseKind = {
  name: 'jal', patchSize: 4, maxPosRange: 0xffffe, maxNegRange: 0x100000,
  patch(bytes, use, label) {
    set32(bytes, use, ((get32(bytes, use) & J_MASK) | jOffset(label - use)) >>> 0);
  },
  veneer: {
    size: 8,
    emit(bytes, at) {
      set32(bytes, at, AUIPC_T5);
      set32(bytes, at + 4, JALR_X0_T5);
      return { useOffset: at, kind: FAR_JUMP };
    },
  },
};

/** A conditional branch (±4 KiB); a veneer is a `jal x0` (whose own veneer is a far jump). */
export const BRANCH_LABEL: LabelUseKind = {
  name: 'branch', patchSize: 4, maxPosRange: 0xffe, maxNegRange: 0x1000,
  patch(bytes, use, label) {
    set32(bytes, use, ((get32(bytes, use) & B_MASK) | bOffset(label - use)) >>> 0);
  },
  veneer: {
    size: 4,
    emit(bytes, at) {
      set32(bytes, at, 0x0000006f);
      return { useOffset: at, kind: JAL_LABEL };
    },
  },
};

/** auipc + an I-type instruction (load, addi) addressing a label (constants, jump tables). */
export const PCREL_PAIR: LabelUseKind = FAR_JUMP;

/** The same branch with the opposite condition (beq <-> bne, blt <-> bge, bltu <-> bgeu). */
export function invertBranchWord(word: number): number {
  return (word ^ (1 << 12)) >>> 0;
}

/** Little-endian bytes of a 32-bit word. */
export function wordBytes(w: number): Uint8Array {
  return Uint8Array.of(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, (w >>> 24) & 255);
}

