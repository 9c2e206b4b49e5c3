import { ByteWriter } from '@windlass/codegen';
import * as C from './constants';
import type { ElfMachine } from './machines';

export interface ElfRela {
  readonly offset: number;
  /** Index into `ElfObject.symbols`. */
  readonly symbol: number;
  readonly type: number;
  readonly addend: number;
}

export interface ElfSectionInput {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly align: number;
  /** Contents, or the size of a NOBITS section. */
  readonly data: Uint8Array | { readonly nobits: number };
  readonly relocs?: readonly ElfRela[];
}

export interface ElfSymbolInput {
  readonly name: string;
  readonly bind: number;
  readonly type: number;
  readonly visibility: number;
  /** Index into `ElfObject.sections`, or 'undef' / 'abs'. */
  readonly section: number | 'undef' | 'abs';
  readonly value: number;
  readonly size: number;
}

export interface ElfObject {
  readonly machine: ElfMachine;
  readonly sections: readonly ElfSectionInput[];
  readonly symbols: readonly ElfSymbolInput[];
}

class StringTable {
  private readonly w = new ByteWriter('little', 256);
  private readonly seen = new Map<string, number>();
  constructor() {
    this.w.u8(0);
  }
  add(s: string): number {
    if (s === '') return 0;
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const at = this.w.length;
    this.w.cstring(s);
    this.seen.set(s, at);
    return at;
  }
  finish(): Uint8Array {
    return this.w.finish();
  }
}

interface OutSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly align: number;
  readonly data: Uint8Array | undefined;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

/**
 * Writes an ELF64 relocatable object: the given sections, a symbol table (null symbol, then
 * locals, then globals, as the gABI requires), one `.rela<name>` per section with relocations,
 * `.strtab` and `.shstrtab`.
 */
export function writeElfRelocatable(obj: ElfObject): Uint8Array {
  const m = obj.machine;
  const nIn = obj.sections.length;
  // Section header indices: 0 null, 1..n inputs, then rela sections, symtab, strtab, shstrtab.
  const relaOf = obj.sections.map((s) => (s.relocs !== undefined && s.relocs.length > 0 ? 1 : 0));
  const nRela = relaOf.reduce((a: number, b) => a + b, 0);
  const symtabIndex = 1 + nIn + nRela;
  const strtabIndex = symtabIndex + 1;
  const shstrtabIndex = strtabIndex + 1;

  // Symbols: locals first. `order[i]` is the output index of input symbol i.
  const strtab = new StringTable();
  const order = new Int32Array(obj.symbols.length);
  const sorted: number[] = [];
  obj.symbols.forEach((s, i) => { if (s.bind === C.STB_LOCAL) sorted.push(i); });
  const firstGlobal = sorted.length + 1;
  obj.symbols.forEach((s, i) => { if (s.bind !== C.STB_LOCAL) sorted.push(i); });
  sorted.forEach((inIdx, outIdx) => { order[inIdx] = outIdx + 1; });

  const sym = new ByteWriter(m.endianness, (sorted.length + 1) * C.SYMBOL_SIZE);
  sym.zeros(C.SYMBOL_SIZE);
  for (const i of sorted) {
    const s = obj.symbols[i];
    sym.u32(s.type === C.STT_SECTION ? 0 : strtab.add(s.name));
    sym.u8((s.bind << 4) | s.type);
    sym.u8(s.visibility);
    sym.u16(s.section === 'undef' ? C.SHN_UNDEF : s.section === 'abs' ? C.SHN_ABS : s.section + 1);
    sym.u64(s.value);
    sym.u64(s.size);
  }

  const out: OutSection[] = [];
  for (const s of obj.sections) {
    const isData = s.data instanceof Uint8Array;
    out.push({
      name: s.name, type: s.type, flags: s.flags, align: s.align,
      data: isData ? s.data as Uint8Array : undefined,
      size: isData ? (s.data as Uint8Array).length : (s.data as { nobits: number }).nobits,
      link: 0, info: 0, entsize: 0,
    });
  }
  obj.sections.forEach((s, i) => {
    if (relaOf[i] === 0) return;
    const w = new ByteWriter(m.endianness, s.relocs!.length * C.RELA_SIZE);
    for (const r of s.relocs!) {
      w.u64(r.offset);
      const symIndex = order[r.symbol];
      w.u64Halves(r.type, symIndex); // r_info = sym << 32 | type
      w.u64(r.addend);
    }
    out.push({
      name: `.rela${s.name}`, type: C.SHT_RELA, flags: C.SHF_INFO_LINK, align: 8, data: w.finish(),
      size: s.relocs!.length * C.RELA_SIZE, link: symtabIndex, info: i + 1, entsize: C.RELA_SIZE,
    });
  });
  const symData = sym.finish();
  out.push({
    name: '.symtab', type: C.SHT_SYMTAB, flags: 0, align: 8, data: symData, size: symData.length,
    link: strtabIndex, info: firstGlobal, entsize: C.SYMBOL_SIZE,
  });
  const strData = strtab.finish();
  out.push({ name: '.strtab', type: C.SHT_STRTAB, flags: 0, align: 1, data: strData, size: strData.length, link: 0, info: 0, entsize: 0 });
  const shstr = new StringTable();
  const names = out.map((s) => shstr.add(s.name));
  const shstrName = shstr.add('.shstrtab');
  const shstrData = shstr.finish();
  out.push({ name: '.shstrtab', type: C.SHT_STRTAB, flags: 0, align: 1, data: shstrData, size: shstrData.length, link: 0, info: 0, entsize: 0 });
  names.push(shstrName);

  const w = new ByteWriter(m.endianness, 4096);
  w.zeros(C.ELF_HEADER_SIZE);
  const offsets: number[] = [];
  for (const s of out) {
    if (s.data === undefined) {
      offsets.push(w.length);
      continue;
    }
    w.align(Math.max(1, s.align));
    offsets.push(w.length);
    w.bytesFrom(s.data);
  }
  w.align(8);
  const shoff = w.length;
  w.zeros(C.SECTION_HEADER_SIZE);
  out.forEach((s, i) => {
    w.u32(names[i]);
    w.u32(s.type);
    w.u64(s.flags);
    w.u64(0);
    w.u64(offsets[i]);
    w.u64(s.size);
    w.u32(s.link);
    w.u32(s.info);
    w.u64(s.align);
    w.u64(s.entsize);
  });
  const shnum = out.length + 1;
  if (shstrtabIndex !== shnum - 1) throw new Error('internal: section index bookkeeping is off');

  const header = new ByteWriter(m.endianness, C.ELF_HEADER_SIZE);
  header.bytesFrom(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, C.ELFCLASS64,
    m.endianness === 'little' ? C.ELFDATA2LSB : C.ELFDATA2MSB, C.EV_CURRENT, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  header.u16(C.ET_REL);
  header.u16(m.eMachine);
  header.u32(C.EV_CURRENT);
  header.u64(0); // entry
  header.u64(0); // phoff
  header.u64(shoff);
  header.u32(m.eFlags);
  header.u16(C.ELF_HEADER_SIZE);
  header.u16(0); // phentsize
  header.u16(0); // phnum
  header.u16(C.SECTION_HEADER_SIZE);
  header.u16(shnum);
  header.u16(shstrtabIndex);
  const bytes = w.finish();
  bytes.set(header.finish(), 0);
  return bytes;
}
