/**
 * A checking ELF64 reader, enough for artifacts: the header, the section headers and names,
 * and the symbols and RELA entries of `.rela.text`. Byte order follows `EI_DATA`; every offset
 * and size is checked against the file before it is used.
 */
import { ELF_MACHINES, elf as C, type ElfMachine } from '@windlass/object';
import { ArtifactError } from '../errors';

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
  /** Offset of this section's header in the file. */
  headerOffset: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  littleEndian: boolean;
  machine: ElfMachine;
  eFlags: number;
  sections: ElfSection[];
}

const HEADER = 'ELF header';

function fail(section: string, offset: number, reason: string, kind: 'not-artifact' | 'malformed' = 'malformed'): never {
  throw new ArtifactError(kind, section, offset, reason);
}

export function readElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < C.ELF_HEADER_SIZE) fail(HEADER, 0, `${bytes.length} bytes: too short for an ELF header`, 'not-artifact');
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail(HEADER, 0, 'not an ELF file (no \\x7fELF magic)', 'not-artifact');
  if (bytes[4] !== C.ELFCLASS64) fail(HEADER, 4, `ELF class ${bytes[4]}: artifacts are ELF64`, 'not-artifact');
  if (bytes[5] !== C.ELFDATA2LSB && bytes[5] !== C.ELFDATA2MSB) fail(HEADER, 5, `unknown ELF data encoding ${bytes[5]}`);
  if (bytes[6] !== C.EV_CURRENT) fail(HEADER, 6, `ELF version ${bytes[6]}`);
  const le = bytes[5] === C.ELFDATA2LSB;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => dv.getUint16(at, le);
  const u32 = (at: number): number => dv.getUint32(at, le);
  const u64 = (at: number, what: string): number => {
    const v = dv.getBigUint64(at, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(HEADER, at, `${what} ${v} is out of range`);
    return Number(v);
  };
  const type = u16(16);
  if (type !== C.ET_REL) fail(HEADER, 16, `ELF type ${type}: artifacts are relocatable objects (ET_REL)`, 'not-artifact');
  const eMachine = u16(18);
  const machine = Object.values(ELF_MACHINES).find((m) => m.eMachine === eMachine);
  if (!machine) fail(HEADER, 18, `ELF machine ${eMachine} is not one Windlass generates code for`, 'not-artifact');
  if ((machine.endianness === 'little') !== le) fail(HEADER, 5, `${machine.isa} is ${machine.endianness}-endian, the file says otherwise`);
  const eFlags = u32(48);
  const shoff = u64(40, 'section header offset');
  const shentsize = u16(58);
  const shnum = u16(60);
  const shstrndx = u16(62);
  if (u16(52) !== C.ELF_HEADER_SIZE) fail(HEADER, 52, `ELF header size ${u16(52)}`);
  if (shentsize !== C.SECTION_HEADER_SIZE) fail(HEADER, 58, `section header size ${shentsize}, expected ${C.SECTION_HEADER_SIZE}`);
  if (shnum === 0 || shoff + shnum * shentsize > bytes.length || shoff < C.ELF_HEADER_SIZE) fail(HEADER, 40, `${shnum} section headers at ${shoff} do not fit in the ${bytes.length}-byte file`);
  if (shstrndx === 0 || shstrndx >= shnum) fail(HEADER, 62, `section name table index ${shstrndx} out of range (${shnum} sections)`);
  const raw: Omit<ElfSection, 'name'>[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const s = {
      index: i, type: u32(h + 4), flags: u64(h + 8, 'section flags'), offset: u64(h + 24, 'section offset'),
      size: u64(h + 32, 'section size'), link: u32(h + 40), info: u32(h + 44), align: u64(h + 48, 'section alignment'),
      entsize: u64(h + 56, 'section entry size'), headerOffset: h,
    };
    if (i === 0) {
      if (s.type !== C.SHT_NULL) fail('section header 0', h, 'the first section header is not SHT_NULL');
    } else if (s.type !== C.SHT_NOBITS && (s.offset > bytes.length || s.size > bytes.length - s.offset)) {
      fail(`section header ${i}`, h, `section bytes ${s.offset}..${s.offset + s.size} leave the ${bytes.length}-byte file`);
    }
    raw.push(s);
  }
  const names = raw[shstrndx];
  if (names.type !== C.SHT_STRTAB) fail(`section header ${shstrndx}`, names.headerOffset, 'the section name table is not SHT_STRTAB');
  const sections: ElfSection[] = raw.map((s) => ({ ...s, name: s.index === 0 ? '' : cString(bytes, names.offset, names.size, u32(s.headerOffset), `name of section ${s.index}`, s.headerOffset) }));
  const seen = new Set<string>();
  for (const s of sections) {
    if (s.index === 0) continue;
    if (seen.has(s.name)) fail(s.name, s.headerOffset, 'the section appears twice');
    seen.add(s.name);
  }
  return { bytes, littleEndian: le, machine, eFlags, sections };
}

/** A NUL-terminated string at `at` of the string table at `base` (`size` bytes). */
export function cString(bytes: Uint8Array, base: number, size: number, at: number, what: string, where: number): string {
  if (at >= size) fail(what, where, `string offset ${at} outside the ${size}-byte string table`);
  let end = base + at;
  const limit = base + size;
  while (end < limit && bytes[end] !== 0) end++;
  if (end >= limit) fail(what, where, 'string not NUL-terminated inside its string table');
  let s = '';
  for (let i = base + at; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export function sectionBytes(f: ElfFile, s: ElfSection): Uint8Array {
  return f.bytes.subarray(s.offset, s.offset + s.size);
}

export interface ElfSymbol {
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: number;
  size: number;
}

export function readSymbols(f: ElfFile, symtab: ElfSection): ElfSymbol[] {
  const where = '.symtab';
  if (symtab.entsize !== C.SYMBOL_SIZE || symtab.size % C.SYMBOL_SIZE !== 0) fail(where, symtab.headerOffset, `symbol table of ${symtab.size} bytes, entries of ${symtab.entsize}`);
  const strtab = f.sections[symtab.link];
  if (!strtab || strtab.type !== C.SHT_STRTAB) fail(where, symtab.headerOffset, `sh_link ${symtab.link} is not a string table`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: ElfSymbol[] = [];
  for (let at = symtab.offset; at < symtab.offset + symtab.size; at += C.SYMBOL_SIZE) {
    const info = f.bytes[at + 4];
    out.push({
      name: cString(f.bytes, strtab.offset, strtab.size, dv.getUint32(at, f.littleEndian), 'symbol name', at),
      bind: info >> 4,
      type: info & 0xf,
      shndx: dv.getUint16(at + 6, f.littleEndian),
      value: Number(dv.getBigUint64(at + 8, f.littleEndian)),
      size: Number(dv.getBigUint64(at + 16, f.littleEndian)),
    });
  }
  return out;
}

export interface ElfRelaEntry {
  offset: number;
  symbol: number;
  type: number;
  addend: number;
  at: number;
}

export function readRela(f: ElfFile, rela: ElfSection): ElfRelaEntry[] {
  if (rela.entsize !== C.RELA_SIZE || rela.size % C.RELA_SIZE !== 0) fail(rela.name, rela.headerOffset, `relocation section of ${rela.size} bytes, entries of ${rela.entsize}`);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: ElfRelaEntry[] = [];
  for (let at = rela.offset; at < rela.offset + rela.size; at += C.RELA_SIZE) {
    const offset = dv.getBigUint64(at, f.littleEndian);
    const info = dv.getBigUint64(at + 8, f.littleEndian);
    const addend = dv.getBigInt64(at + 16, f.littleEndian);
    if (offset > 0xffffffffn) fail(rela.name, at, `relocation offset ${offset} out of range`);
    if (addend < -(2n ** 31n) || addend >= 2n ** 31n) fail(rela.name, at, `relocation addend ${addend} out of range`);
    out.push({ offset: Number(offset), symbol: Number(info >> 32n), type: Number(info & 0xffffffffn), addend: Number(addend), at });
  }
  return out;
}
