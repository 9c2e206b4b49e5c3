// Operand kinds of x86-64 machine instructions: operand sizes, condition codes, addressing
// modes and immediates.

import { NO_REG, type Reg } from './regs';

/** Operand size in bytes. */
export type OperandSize = 1 | 2 | 4 | 8;

/**
 * Condition codes, valued as their hardware encoding (the low nibble of Jcc/SETcc/CMOVcc).
 * Unsigned: B (below) / AE / BE / A; signed: L / GE / LE / G.
 */
export const CC = {
  O: 0, NO: 1, B: 2, AE: 3, E: 4, NE: 5, BE: 6, A: 7,
  S: 8, NS: 9, P: 10, NP: 11, L: 12, GE: 13, LE: 14, G: 15,
} as const;
export type CC = (typeof CC)[keyof typeof CC];

/** Mnemonic suffixes as objdump prints them (jb, setae, cmovne, ...). */
export const CC_NAMES: readonly string[] = [
  'o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g',
];

/** The condition that holds exactly when `cc` does not: flipping the low bit. */
export function invertCC(cc: CC): CC {
  return (cc ^ 1) as CC;
}

export const AmodeKind = {
  /** [base + index*scale + disp]; index and base may each be NO_REG (not both: see Abs). */
  Reg: 0,
  /** [rip + disp] with a fixed displacement. */
  RipDisp: 1,
  /** [rip + label + disp]: PC-relative to a label of the code buffer. */
  RipLabel: 2,
  /** [rip + symbol + addend] through a relocation (PC-relative or GOT). */
  RipSym: 3,
  /** An absolute 32-bit sign-extended address: [disp]. */
  Abs: 4,
} as const;
export type AmodeKind = (typeof AmodeKind)[keyof typeof AmodeKind];

/** Relocation kinds the encoder emits; names follow Cranelift's `Reloc` enum. */
export const Reloc = {
  /** 32-bit PC-relative: `R_X86_64_PC32`. */
  X86PCRel4: 'X86PCRel4',
  /** 32-bit PC-relative call through the PLT: `R_X86_64_PLT32`. */
  X86CallPLTRel4: 'X86CallPLTRel4',
  /** 32-bit PC-relative call to a symbol known to be near: `R_X86_64_PC32`. */
  X86CallPCRel4: 'X86CallPCRel4',
  /** 32-bit PC-relative GOT entry: `R_X86_64_GOTPCREL` (REX_GOTPCRELX with a REX). */
  X86GOTPCRel4: 'X86GOTPCRel4',
  /** 64-bit absolute: `R_X86_64_64`. */
  Abs8: 'Abs8',
  /** 32-bit absolute: `R_X86_64_32`. */
  Abs4: 'Abs4',
  /** General-dynamic TLS descriptor of `lea rdi, [rip+sym@tlsgd]`: `R_X86_64_TLSGD`. */
  ElfX86_64TlsGd: 'ElfX86_64TlsGd',
  /** COFF: 32-bit offset of the symbol from the start of its section: `IMAGE_REL_AMD64_SECREL`. */
  X86SecRel: 'X86SecRel',
  /** Mach-O: 32-bit PC-relative thread-local variable descriptor of a `movq`: `X86_64_RELOC_TLV`. */
  MachOX86_64Tlv: 'MachOX86_64Tlv',
} as const;
export type Reloc = (typeof Reloc)[keyof typeof Reloc];

/** Segment-override prefixes, valued as their prefix byte. */
export const Seg = { None: 0, Fs: 0x64, Gs: 0x65 } as const;
export type Seg = (typeof Seg)[keyof typeof Seg];

/**
 * A memory operand. One shape for every kind keeps property access monomorphic; the fields a
 * kind does not use hold NO_REG / 0 / null.
 */
export class Amode {
  constructor(
    public kind: AmodeKind,
    public base: Reg,
    public index: Reg,
    /** log2 of the index scale: 0..3 for *1, *2, *4, *8. */
    public shift: number,
    /** Signed 32-bit displacement (also the offset from a label, or the reloc addend). */
    public disp: number,
    /** Label number for RipLabel. */
    public label: number,
    /** Symbol for RipSym; in a Reg kind, a symbol whose relocated value is the displacement field. */
    public sym: string | number | null,
    /** Relocation kind for RipSym, and for a Reg-kind `sym` displacement. */
    public reloc: Reloc,
    /** Segment-override prefix byte (Seg.Fs, Seg.Gs), or Seg.None. */
    public seg: Seg = Seg.None,
  ) {}
}

/** [base + disp] */
export function amBase(base: Reg, disp = 0): Amode {
  return new Amode(AmodeKind.Reg, base, NO_REG, 0, disp, -1, null, Reloc.X86PCRel4);
}
/** [base + index << shift + disp]; base may be NO_REG. */
export function amIndex(base: Reg, index: Reg, shift: number, disp = 0): Amode {
  return new Amode(AmodeKind.Reg, base, index, shift, disp, -1, null, Reloc.X86PCRel4);
}
/** [rip + disp] */
export function amRip(disp: number): Amode {
  return new Amode(AmodeKind.RipDisp, NO_REG, NO_REG, 0, disp, -1, null, Reloc.X86PCRel4);
}
/** [rip + label + disp] */
export function amLabel(label: number, disp = 0): Amode {
  return new Amode(AmodeKind.RipLabel, NO_REG, NO_REG, 0, disp, label, null, Reloc.X86PCRel4);
}
/** [rip + sym + addend] via `reloc` (PC32 by default, or GOTPCREL for a GOT slot). */
export function amSym(sym: string | number, addend = 0, reloc: Reloc = Reloc.X86PCRel4): Amode {
  return new Amode(AmodeKind.RipSym, NO_REG, NO_REG, 0, addend, -1, sym, reloc);
}
/** [disp32] absolute (sign-extended to 64 bits). */
export function amAbs(addr: number): Amode {
  return new Amode(AmodeKind.Abs, NO_REG, NO_REG, 0, addr, -1, null, Reloc.X86PCRel4);
}
/**
 * [base + index << shift + sym + addend]: the 32-bit displacement is a relocated field (e.g.
 * `X86SecRel`, a COFF section offset); base and index may each be NO_REG.
 */
export function amBaseSym(base: Reg, sym: string | number, addend: number, reloc: Reloc, index: Reg = NO_REG, shift = 0): Amode {
  return new Amode(AmodeKind.Reg, base, index, shift, addend, -1, sym, reloc);
}
/** `m` with a segment override (`gs:[...]`): Windows thread data is reached through gs. */
export function amSeg(seg: Seg, m: Amode): Amode {
  m.seg = seg;
  return m;
}

export function fitsI8(v: number): boolean {
  return v >= -128 && v <= 127;
}
export function fitsI32(v: number): boolean {
  return v >= -0x80000000 && v <= 0x7fffffff && Number.isInteger(v);
}
