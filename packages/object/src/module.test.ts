import { describe, expect, it } from 'vitest';
import { ObjectError } from './errors';
import { ObjectModule } from './module';
import { ADD, CALL_TWICE, GET_ANSWER, TLS_INC } from './test-support/x86';

/** TLS_INC with its variable `tls_var` and `__tls_get_addr` as plain symbol targets. */
const TLS_INC_BY_NAME = {
  ...TLS_INC,
  relocs: TLS_INC.relocs!.map((r, k) => ({ ...r, target: { kind: 'symbol' as const, name: k === 0 ? 'tls_var' : '__tls_get_addr' } })),
};

/** Just enough ELF reading to check what the writer produced without external tools. */
function readElf(bytes: Uint8Array) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[5] === 1;
  const u16 = (o: number) => v.getUint16(o, little);
  const u32 = (o: number) => v.getUint32(o, little);
  const u64 = (o: number) => Number(v.getBigUint64(o, little));
  const shoff = u64(0x28), shnum = u16(0x3c), shstrndx = u16(0x3e);
  const headers = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * 64;
    return { nameOff: u32(o), type: u32(o + 4), flags: u64(o + 8), offset: u64(o + 24), size: u64(o + 32), link: u32(o + 40), info: u32(o + 44) };
  });
  const str = (sec: number, off: number) => {
    let s = '';
    for (let p = headers[sec].offset + off; bytes[p] !== 0; p++) s += String.fromCharCode(bytes[p]);
    return s;
  };
  const sections = headers.map((h) => ({ ...h, name: str(shstrndx, h.nameOff) }));
  const symtab = sections.findIndex((s) => s.name === '.symtab');
  const symbols = [];
  for (let i = 0; i < sections[symtab].size / 24; i++) {
    const o = sections[symtab].offset + i * 24;
    symbols.push({ name: str(sections[symtab].link, u32(o)), bind: bytes[o + 4] >> 4, type: bytes[o + 4] & 15, shndx: u16(o + 6), value: u64(o + 8), size: u64(o + 16) });
  }
  return { machine: u16(0x12), type: u16(0x10), sections, symbols, firstGlobal: sections[symtab].info };
}

describe('ObjectModule', () => {
  it('writes an ELF64 relocatable object with the code, symbols and sections', () => {
    const m = new ObjectModule({ target: 'x86_64', name: 'unit.clif' });
    const add = m.declareFunction('add', 'export');
    m.defineFunction(add, ADD);
    const answer = m.declareData('answer', 'local');
    m.defineData(answer, { bytes: new Uint8Array([42, 0, 0, 0]), align: 4 });
    const get = m.declareFunction('get_answer', 'hidden');
    m.defineFunction(get, GET_ANSWER);
    const elf = readElf(m.finish());
    expect(elf.type).toBe(1);
    expect(elf.machine).toBe(62);
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.rodata', '.note.GNU-stack', '.rela.text', '.symtab', '.strtab', '.shstrtab']);
    const names = elf.symbols.map((s) => s.name);
    // Locals (null, file, section symbols, `answer`) come before the globals.
    expect(names.slice(elf.firstGlobal)).toEqual(['add', 'get_answer']);
    expect(names.slice(0, elf.firstGlobal)).toContain('answer');
    expect(elf.symbols.find((s) => s.name === 'get_answer')).toMatchObject({ value: 16, size: 7, type: 2 });
  });

  it('puts data where its mutability and relocations say', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    const f = m.declareFunction('f', 'export');
    m.defineFunction(f, ADD);
    const table = m.declareData('table', 'export');
    m.defineData(table, { bytes: new Uint8Array(8), align: 8, relocs: [{ offset: 0, kind: 'Abs8', target: { kind: 'symbol', name: 'f' }, addend: 0 }] });
    const counter = m.declareData('counter', 'export', { writable: true });
    m.defineData(counter, { zeroInit: 64, align: 16 });
    const init = m.declareData('init', 'local');
    m.defineData(init, { bytes: new Uint8Array([1, 2, 3]), writable: true });
    const empty = m.declareData('empty', 'export', { writable: true });
    m.defineData(empty, { zeroInit: 0 });
    const elf = readElf(m.finish());
    const names = elf.sections.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['.data.rel.ro', '.rela.data.rel.ro', '.data', '.bss']));
    expect(names).not.toContain('.rodata');
    // A zero-size object is still defined, in .bss.
    expect(elf.sections[elf.symbols.find((s) => s.name === 'empty')!.shndx].name).toBe('.bss');
  });

  it('declares idempotently and merges import into export', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    const a = m.declareFunction('a', 'import');
    expect(m.declareFunction('a', 'export')).toBe(a);
    m.defineFunction(a, ADD);
    expect(() => m.declareData('a', 'export')).toThrow(expect.objectContaining({ kind: 'duplicate-declaration' }));
    expect(() => m.declareFunction('a', 'local')).toThrow(ObjectError);
    const v = m.declareData('v', 'import');
    expect(m.declareData('v', 'export', { writable: true })).toBe(v);
    m.defineData(v, { bytes: new Uint8Array([1]) });
    expect(readElf(m.finish()).sections.map((s) => s.name)).toContain('.data');
  });

  it('reports misuse with typed errors', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    const f = m.declareFunction('f', 'export');
    m.defineFunction(f, ADD);
    expect(() => m.defineFunction(f, ADD)).toThrow(expect.objectContaining({ kind: 'duplicate-definition' }));
    const imp = m.declareFunction('imp', 'import');
    expect(() => m.defineFunction(imp, ADD)).toThrow(expect.objectContaining({ kind: 'define-import' }));
    expect(() => m.defineFunction(m.declareFunction('g', 'local'), {
      bytes: new Uint8Array(4), relocs: [{ offset: 0, kind: 'Arm64Call', target: { kind: 'symbol', name: 'f' }, addend: 0 }],
    })).toThrow(expect.objectContaining({ kind: 'unsupported-relocation' }));
    expect(() => m.defineFunction(m.declareFunction('h', 'local'), {
      bytes: new Uint8Array(4), relocs: [{ offset: 2, kind: 'X86PCRel4', target: { kind: 'symbol', name: 'f' }, addend: -4 }],
    })).toThrow(/does not fit/);
    expect(() => m.defineFunction(m.declareFunction('u', 'local'), {
      bytes: new Uint8Array(4), unwind: { rows: [{ offset: 9, op: { kind: 'def_cfa_offset', offset: 16 } }] },
    })).toThrow(expect.objectContaining({ kind: 'bad-definition', location: { symbol: 'u', offset: 9 } }));
    m.declareFunction('never', 'local');
    expect(() => m.finish()).toThrow(expect.objectContaining({ kind: 'undefined-symbol', location: { symbol: 'g' } }));
    expect(() => new ObjectModule({ target: 'mips' })).toThrow(expect.objectContaining({ kind: 'unsupported-target' }));
  });

  it('rejects relocations to undeclared symbols but imports libcalls', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    m.defineFunction(m.declareFunction('call_twice', 'export'), CALL_TWICE);
    m.defineFunction(m.declareFunction('add', 'local'), ADD);
    expect(() => m.finish()).toThrow(expect.objectContaining({ kind: 'undeclared-symbol' }));
    const ok = new ObjectModule({ target: 'x86_64' });
    ok.defineFunction(ok.declareFunction('f', 'export'), {
      bytes: new Uint8Array([0xe8, 0, 0, 0, 0, 0xc3]),
      relocs: [{ offset: 1, kind: 'X86CallPLTRel4', target: { kind: 'libcall', name: 'ceilf' }, addend: -4 }],
    });
    const elf = readElf(ok.finish());
    expect(elf.symbols.find((s) => s.name === 'ceilf')).toMatchObject({ shndx: 0, bind: 1 });
  });

  it('marks symbols that TLS relocations name as thread-local, however they were declared', () => {
    // A backend's relocations name the variable; a client that only knows names declares it
    // like any other import. Linkers reject a non-TLS reference to a __thread definition.
    const m = new ObjectModule({ target: 'x86_64' });
    m.declareFunction('tls_var', 'import');
    m.declareFunction('__tls_get_addr', 'import');
    m.defineFunction(m.declareFunction('tls_inc', 'export'), TLS_INC_BY_NAME);
    const syms = readElf(m.finish()).symbols;
    const STT_TLS = 6, STT_NOTYPE = 0;
    expect(syms.find((x) => x.name === 'tls_var')).toMatchObject({ type: STT_TLS, shndx: 0 });
    expect(syms.find((x) => x.name === '__tls_get_addr')).toMatchObject({ type: STT_NOTYPE, shndx: 0 });

    // A TLS relocation to something this module defines as ordinary data is an error.
    const bad = new ObjectModule({ target: 'x86_64' });
    bad.defineData(bad.declareData('tls_var', 'export', { writable: true }), { zeroInit: 8 });
    bad.declareFunction('__tls_get_addr', 'import');
    bad.defineFunction(bad.declareFunction('tls_inc', 'export'), TLS_INC_BY_NAME);
    let err: unknown;
    try {
      bad.finish();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ObjectError);
    expect((err as ObjectError).message).toMatch(/tls_var: a thread-local relocation refers to it/);
    // The failed finish() left the module unfinished: asking again gives the same error.
    expect(() => bad.finish()).toThrow(/tls_var: a thread-local relocation refers to it/);
  });

  it('marks the symbol of a RISC-V general-dynamic TLS relocation (R_RISCV_TLS_GD_HI20) as thread-local', () => {
    const m = new ObjectModule({ target: 'riscv64' });
    m.declareFunction('tls_var', 'import');
    // auipc a0, %tls_gd_pcrel_hi(tls_var); addi a0, a0, %pcrel_lo(.); ret
    m.defineFunction(m.declareFunction('tls_addr', 'export'), {
      bytes: new Uint8Array([0x17, 0x05, 0, 0, 0x13, 0x05, 0x05, 0, 0x67, 0x80, 0, 0]),
      relocs: [
        { offset: 0, kind: 'RiscvTlsGdHi20', target: { kind: 'symbol', name: 'tls_var' }, addend: 0 },
        { offset: 4, kind: 'RiscvPCRelLo12I', target: { kind: 'pcrel_hi', offset: 0 }, addend: 0 },
      ],
    });
    const elf = readElf(m.finish());
    expect(elf.symbols.find((x) => x.name === 'tls_var')).toMatchObject({ type: 6, shndx: 0 });
  });

  it('rejects the COFF and Mach-O thread-local relocations with typed errors naming the kind', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    m.declareData('tls_var', 'import', { tls: true });
    // lea rax, [rax+tls_var@secrel32]; ret  and  mov rdi, [rip+tls_var@tlvp]; call [rdi]; ret
    const secrel = { bytes: new Uint8Array([0x48, 0x8d, 0x80, 0, 0, 0, 0, 0xc3]), relocs: [{ offset: 3, kind: 'X86SecRel' as const, target: { kind: 'symbol' as const, name: 'tls_var' }, addend: 0 }] };
    const tlv = { bytes: new Uint8Array([0x48, 0x8b, 0x3d, 0, 0, 0, 0, 0xff, 0x17, 0xc3]), relocs: [{ offset: 3, kind: 'MachOX86_64Tlv' as const, target: { kind: 'symbol' as const, name: 'tls_var' }, addend: -4 }] };
    for (const [name, body, kind, format] of [['coff_tls', secrel, 'X86SecRel', 'COFF'], ['macho_tls', tlv, 'MachOX86_64Tlv', 'Mach-O']] as const) {
      let err: unknown;
      try {
        m.defineFunction(m.declareFunction(name, 'export'), body);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ObjectError);
      expect(err).toMatchObject({ kind: 'unsupported-relocation', location: { symbol: name, offset: 3 } });
      expect((err as ObjectError).message).toBe(`${name}+3: relocation ${kind} is a ${format} relocation, which ELF objects cannot express (for thread-local variables compile with tls_model=elf_gd)`);
    }
  });

  it('rejects unresolved external-name targets and unpaired pcrel_lo relocations', () => {
    const m = new ObjectModule({ target: 'riscv64' });
    const f = m.declareFunction('f', 'export');
    expect(() => m.defineFunction(f, {
      bytes: new Uint8Array(8), relocs: [{ offset: 0, kind: 'RiscvCallPlt', target: { kind: 'user', index: 3 }, addend: 0 }],
    })).toThrow(/external name #3/);
    m.defineFunction(m.declareFunction('g', 'local'), {
      bytes: new Uint8Array(8), relocs: [{ offset: 0, kind: 'RiscvCallPlt', target: { kind: 'user', index: 1 }, addend: 0 }],
    }, { externalNames: ['x', 'f'] });
    expect(() => m.defineFunction(f, {
      bytes: new Uint8Array(8), relocs: [{ offset: 4, kind: 'RiscvPCRelLo12I', target: { kind: 'symbol', name: 'f' }, addend: 0 }],
    })).toThrow(/must target its auipc/);
    expect(() => m.defineFunction(f, {
      bytes: new Uint8Array(8), relocs: [{ offset: 4, kind: 'RiscvPCRelLo12I', target: { kind: 'pcrel_hi', offset: 8 }, addend: 0 }],
    })).toThrow(/outside the definition/);
  });

  it('writes big-endian objects for s390x', () => {
    const m = new ObjectModule({ target: 's390x' });
    m.defineFunction(m.declareFunction('f', 'export'), {
      bytes: new Uint8Array([0x07, 0xfe]), // br %r14
      unwind: { rows: [] },
    });
    const bytes = m.finish();
    expect(bytes[5]).toBe(2);
    const elf = readElf(bytes);
    expect(elf.machine).toBe(22);
    expect(elf.sections.map((s) => s.name)).toContain('.eh_frame');
    expect(elf.symbols.find((s) => s.name === 'f')).toMatchObject({ size: 2, type: 2 });
  });
});
