import {
  type CompiledCode, type EhFrameFunction, encodeEhFrame, type Reloc, type RelocKind, UnwindError, type UnwindInfo,
} from '@windlass/codegen';
import * as C from './elf/constants';
import { ELF_MACHINES, type ElfMachine } from './elf/machines';
import { type ElfRela, type ElfSectionInput, type ElfSymbolInput, writeElfRelocatable } from './elf/writer';
import { ObjectError } from './errors';

/**
 * - `export`: defined here, visible to other objects.
 * - `hidden`: defined here, visible to the other objects of the same link but not exported from it.
 * - `local`: defined here, visible only inside this object.
 * - `import`: defined elsewhere.
 */
export type Linkage = 'export' | 'hidden' | 'local' | 'import';

export type FuncId = number & { readonly __brand: 'FuncId' };
export type DataId = number & { readonly __brand: 'DataId' };

/** A function body when it does not come from `compile()`. */
export interface FunctionBody {
  readonly bytes: Uint8Array;
  readonly relocs?: readonly Reloc[];
  readonly unwind?: UnwindInfo;
  readonly alignment?: number;
}

export type DataDefinition = {
  readonly align?: number;
  /** Overrides the declaration's `writable`. */
  readonly writable?: boolean;
  /** Relocations inside the data (an `Abs8` for a pointer to a function or other data ...). */
  readonly relocs?: readonly Reloc[];
} & ({ readonly bytes: Uint8Array; readonly zeroInit?: undefined } | { readonly zeroInit: number; readonly bytes?: undefined });

export interface DataDeclarationOptions {
  /** Writable data goes to `.data` / `.bss`, the rest to `.rodata` (or `.data.rel.ro` if relocated). */
  readonly writable?: boolean;
  /** Thread-local: one copy per thread, in `.tdata` / `.tbss` (always writable). */
  readonly tls?: boolean;
}

export interface ObjectModuleOptions {
  /** `x86_64`, `aarch64`, `riscv64` or `s390x`. */
  readonly target: string;
  /** Recorded as the object's STT_FILE symbol. */
  readonly name?: string;
  /** Minimum alignment of every function; default: the machine's usual (16 on x86-64). */
  readonly functionAlignment?: number;
  /** Emit `.eh_frame` for functions with unwind info (default true). */
  readonly ehFrame?: boolean;
  /**
   * AArch64 only: the GNU property note (`.note.gnu.property`) saying that the code has BTI
   * landing pads (`aarch64Bti`, code compiled with `use_bti`) and signs return addresses
   * (`aarch64Pac`). A linker keeps a feature in the executable only when every input object
   * has it, and a loader then enforces it (guarded pages for BTI).
   */
  readonly gnuProperty?: { readonly aarch64Bti?: boolean; readonly aarch64Pac?: boolean };
}

interface Declaration {
  readonly name: string;
  readonly kind: 'function' | 'data';
  linkage: Linkage;
  writable: boolean;
  readonly tls: boolean;
  func: FunctionBody | undefined;
  data: DataDefinition | undefined;
}

const LINKAGE_RANK: Record<Linkage, number> = { import: 0, local: 1, hidden: 2, export: 3 };
/** Relocation kinds of other object formats: this writer only makes ELF. */
const OTHER_FORMAT_RELOCS: Partial<Record<RelocKind, string>> = {
  X86SecRel: 'COFF', MachOX86_64Tlv: 'Mach-O', MachOAarch64TlsAdrPage21: 'Mach-O', MachOAarch64TlsAdrPageOff12: 'Mach-O',
};
/** Relocation kinds whose target is a thread-local symbol. */
const TLS_RELOCS: ReadonlySet<RelocKind> = new Set<RelocKind>([
  'ElfX86_64TlsGd', 'Aarch64TlsGdAdrPage21', 'Aarch64TlsGdAddLo12Nc', 'RiscvTlsGdHi20', 'S390xTlsGd64', 'S390xTlsGdCall',
]);

/**
 * Collects function and data definitions for one relocatable object and writes it as ELF64.
 *
 *   const m = new ObjectModule({ target: 'x86_64' });
 *   const f = m.declareFunction('add', 'export');
 *   m.defineFunction(f, { bytes: new Uint8Array([0x8d, 0x04, 0x37, 0xc3]) });
 *   const elf: Uint8Array = m.finish();
 */
export class ObjectModule {
  readonly machine: ElfMachine;
  private readonly decls: Declaration[] = [];
  private readonly byName = new Map<string, number>();
  private finished = false;

  constructor(readonly options: ObjectModuleOptions) {
    const m = ELF_MACHINES[options.target];
    if (m === undefined) {
      throw new ObjectError('unsupported-target',
        `no ELF writer for target '${options.target}' (supported: ${Object.keys(ELF_MACHINES).join(', ')})`);
    }
    this.machine = m;
  }

  declareFunction(name: string, linkage: Linkage): FuncId {
    return this.declare(name, 'function', linkage, false, false) as FuncId;
  }

  declareData(name: string, linkage: Linkage, options: DataDeclarationOptions = {}): DataId {
    const tls = options.tls ?? false;
    return this.declare(name, 'data', linkage, tls || (options.writable ?? false), tls) as DataId;
  }

  /**
   * Declaring a name again returns the same id. Linkages merge toward the more visible one
   * (an import later exported becomes an export); `local` and a global linkage do not mix.
   */
  private declare(name: string, kind: 'function' | 'data', linkage: Linkage, writable: boolean, tls: boolean): number {
    if (name.length === 0 || name.includes('\0')) {
      throw new ObjectError('bad-definition', `symbol name ${JSON.stringify(name)} is empty or contains NUL`);
    }
    const known = this.byName.get(name);
    if (known === undefined) {
      this.decls.push({ name, kind, linkage, writable, tls, func: undefined, data: undefined });
      this.byName.set(name, this.decls.length - 1);
      return this.decls.length - 1;
    }
    const d = this.decls[known];
    if (d.kind !== kind) {
      throw new ObjectError('duplicate-declaration', `already declared as ${d.kind}`, { symbol: name });
    }
    if (d.tls !== tls) {
      throw new ObjectError('duplicate-declaration', 'declared both thread-local and not', { symbol: name });
    }
    if (d.kind === 'data' && d.writable !== writable && linkage !== 'import' && d.linkage !== 'import') {
      throw new ObjectError('duplicate-declaration', 'declared both writable and read-only', { symbol: name });
    }
    if ((d.linkage === 'local') !== (linkage === 'local') && d.linkage !== 'import' && linkage !== 'import') {
      throw new ObjectError('duplicate-declaration', `declared both ${d.linkage} and ${linkage}`, { symbol: name });
    }
    // An import turned definition takes the defining declaration's mutability.
    if (d.linkage === 'import' && linkage !== 'import') d.writable = writable;
    if ((d.linkage === 'local' && linkage === 'import') || (d.linkage === 'import' && linkage === 'local')) {
      d.linkage = 'local';
    } else if (LINKAGE_RANK[linkage] > LINKAGE_RANK[d.linkage]) {
      d.linkage = linkage;
    }
    return known;
  }

  /**
   * `externalNames[i]` names the symbol of relocation targets `{ kind: 'user', index: i }` (the
   * function's external-name table), for code whose relocations were not resolved to names.
   */
  defineFunction(id: FuncId, code: CompiledCode | FunctionBody, options: { externalNames?: readonly string[] } = {}): void {
    const d = this.decl(id, 'function');
    this.checkDefinable(d);
    let body: FunctionBody = 'relocations' in code
      ? { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind, alignment: code.alignment }
      : code;
    const names = options.externalNames;
    if (names !== undefined && body.relocs !== undefined) {
      body = {
        ...body,
        relocs: body.relocs.map((r) => {
          if (r.target.kind !== 'user') return r;
          const name = names[r.target.index];
          return name === undefined ? r : { ...r, target: { kind: 'symbol' as const, name } };
        }),
      };
    }
    const align = body.alignment ?? 1;
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) {
      throw new ObjectError('bad-definition', `function alignment ${align} is not a power of two`, { symbol: d.name });
    }
    this.checkRelocs(d.name, body.bytes.length, body.relocs ?? []);
    if (body.unwind !== undefined) this.checkUnwind(d.name, body.bytes.length, body.unwind);
    d.func = body;
  }

  defineData(id: DataId, def: DataDefinition): void {
    const d = this.decl(id, 'data');
    this.checkDefinable(d);
    const align = def.align ?? 1;
    if (align <= 0 || (align & (align - 1)) !== 0) {
      throw new ObjectError('bad-definition', `alignment ${align} is not a power of two`, { symbol: d.name });
    }
    if (def.bytes === undefined && (!Number.isInteger(def.zeroInit) || def.zeroInit < 0)) {
      throw new ObjectError('bad-definition', `zeroInit size ${def.zeroInit} is not a non-negative integer`, { symbol: d.name });
    }
    const size = def.bytes !== undefined ? def.bytes.length : def.zeroInit;
    this.checkRelocs(d.name, size, def.relocs ?? []);
    if (def.bytes === undefined && (def.relocs ?? []).length > 0) {
      throw new ObjectError('bad-definition', 'zero-initialized data cannot carry relocations; give its bytes', { symbol: d.name });
    }
    if (def.writable !== undefined && !d.tls) d.writable = def.writable;
    d.data = def;
  }

  private decl(id: number, kind: 'function' | 'data'): Declaration {
    const d = this.decls[id];
    if (!Number.isInteger(id) || d === undefined || d.kind !== kind) {
      throw new ObjectError('bad-id', `${id} is not a ${kind} id of this module`);
    }
    if (this.finished) throw new ObjectError('bad-id', 'the module is already finished', { symbol: d.name });
    return d;
  }

  private checkDefinable(d: Declaration): void {
    if (d.func !== undefined || d.data !== undefined) {
      throw new ObjectError('duplicate-definition', `${d.kind} is defined twice`, { symbol: d.name });
    }
    if (d.linkage === 'import') {
      throw new ObjectError('define-import', `${d.kind} is declared as an import; declare it export, hidden or local to define it`,
        { symbol: d.name });
    }
  }

  private checkUnwind(symbol: string, codeSize: number, unwind: UnwindInfo): void {
    try {
      encodeEhFrame(this.machine.cie, [{ codeOffset: 0, codeSize, unwind }], this.machine.endianness);
    } catch (e) {
      if (!(e instanceof UnwindError)) throw e;
      throw new ObjectError('bad-definition', `bad unwind info: ${e.message}`, { symbol, offset: e.location.offset });
    }
  }

  private checkRelocs(symbol: string, size: number, relocs: readonly Reloc[]): void {
    for (const r of relocs) {
      if (r.target.kind === 'user') {
        throw new ObjectError('unsupported-relocation',
          `relocation ${r.kind} targets external name #${r.target.index}, which has no symbol name: pass externalNames`,
          { symbol, offset: r.offset });
      }
      if ((r.target.kind === 'pcrel_hi') !== (r.kind === 'RiscvPCRelLo12I')) {
        throw new ObjectError('bad-definition', r.kind === 'RiscvPCRelLo12I'
          ? 'RiscvPCRelLo12I must target its auipc ({ kind: \'pcrel_hi\', offset })'
          : `a pcrel_hi target only goes with RiscvPCRelLo12I, not ${r.kind}`, { symbol, offset: r.offset });
      }
      if (r.target.kind === 'pcrel_hi' && (!Number.isInteger(r.target.offset) || r.target.offset < 0 || r.target.offset + 4 > size)) {
        throw new ObjectError('bad-definition', `pcrel_hi offset ${r.target.offset} is outside the definition`, { symbol, offset: r.offset });
      }
      const info = this.machine.relocs[r.kind];
      if (info === undefined) {
        const format = OTHER_FORMAT_RELOCS[r.kind];
        throw new ObjectError('unsupported-relocation', format !== undefined
          ? `relocation ${r.kind} is a ${format} relocation, which ELF objects cannot express (for thread-local variables compile with tls_model=elf_gd)`
          : `relocation ${r.kind} is not supported for ${this.machine.isa} ELF objects`, { symbol, offset: r.offset });
      }
      if (!Number.isInteger(r.offset) || r.offset < 0 || r.offset + info.size > size) {
        throw new ObjectError('bad-definition', `relocation ${r.kind} field at ${r.offset} does not fit in ${size} bytes`,
          { symbol, offset: r.offset });
      }
      if (!Number.isSafeInteger(r.addend)) {
        throw new ObjectError('bad-definition', `relocation addend ${r.addend} is not a safe integer`, { symbol, offset: r.offset });
      }
    }
  }

  /** Writes the object. Every `export`, `hidden` and `local` declaration must be defined. */
  finish(): Uint8Array {
    if (this.finished) throw new ObjectError('bad-id', 'the module is already finished');
    for (const d of this.decls) {
      if (d.linkage !== 'import' && d.func === undefined && d.data === undefined) {
        throw new ObjectError('undefined-symbol', `${d.kind} is declared ${d.linkage} but never defined`, { symbol: d.name });
      }
    }
    // Finished only once written: a module whose writing failed reports that error again.
    const elf = new ElfLayout(this.machine, this.options, this.decls, this.byName).write();
    this.finished = true;
    return elf;
  }
}

/** Sections in the order they appear in the object. */
const TEXT = 0, RODATA = 1, DATA_REL_RO = 2, DATA = 3, BSS = 4, TDATA = 5, TBSS = 6;
const SECTION_SPECS: ReadonlyArray<{ name: string; flags: number; nobits?: boolean }> = [
  { name: '.text', flags: C.SHF_ALLOC | C.SHF_EXECINSTR },
  { name: '.rodata', flags: C.SHF_ALLOC },
  { name: '.data.rel.ro', flags: C.SHF_ALLOC | C.SHF_WRITE },
  { name: '.data', flags: C.SHF_ALLOC | C.SHF_WRITE },
  { name: '.bss', flags: C.SHF_ALLOC | C.SHF_WRITE, nobits: true },
  { name: '.tdata', flags: C.SHF_ALLOC | C.SHF_WRITE | C.SHF_TLS },
  { name: '.tbss', flags: C.SHF_ALLOC | C.SHF_WRITE | C.SHF_TLS, nobits: true },
];

class SectionBuilder {
  chunks: Uint8Array[] = [];
  size = 0;
  /** Definitions placed here (a zero-size one still needs the section for its symbol). */
  count = 0;
  align = 1;
  relocs: Array<{ offset: number; reloc: Reloc; owner: string }> = [];

  place(bytes: Uint8Array | number, align: number, fill: number): number {
    this.count++;
    this.align = Math.max(this.align, align);
    const at = Math.ceil(this.size / align) * align;
    if (at > this.size) {
      this.chunks.push(new Uint8Array(at - this.size).fill(fill));
    }
    if (typeof bytes === 'number') {
      this.size = at + bytes;
    } else {
      this.chunks.push(bytes);
      this.size = at + bytes.length;
    }
    return at;
  }
  contents(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

interface OutputSection {
  readonly input: Omit<ElfSectionInput, 'relocs'>;
  readonly relocs: ElfRela[];
}

/** Turns declarations into ELF sections and symbols. */
class ElfLayout {
  private readonly sections = SECTION_SPECS.map(() => new SectionBuilder());
  private readonly placed = new Map<number, { section: number; offset: number; size: number }>();
  private readonly unwound: EhFrameFunction[] = [];
  private readonly symbols: ElfSymbolInput[] = [];
  private readonly output: OutputSection[] = [];
  /** Output index of each SECTION_SPECS entry (-1: absent) and of its section symbol. */
  private readonly outIndex = new Int32Array(SECTION_SPECS.length).fill(-1);
  private readonly sectionSymbol = new Int32Array(SECTION_SPECS.length).fill(-1);
  private readonly symbolOf: Int32Array;
  private readonly libcallSymbols = new Map<string, number>();
  private pcrelLabels = 0;

  constructor(
    private readonly machine: ElfMachine,
    private readonly options: ObjectModuleOptions,
    private readonly decls: readonly Declaration[],
    private readonly byName: ReadonlyMap<string, number>,
  ) {
    this.symbolOf = new Int32Array(decls.length).fill(-1);
  }

  write(): Uint8Array {
    this.placeDefinitions();
    if (this.options.name !== undefined) {
      this.symbols.push({ name: this.options.name, bind: C.STB_LOCAL, type: C.STT_FILE, visibility: 0, section: 'abs', value: 0, size: 0 });
    }
    this.addSections();
    this.addDeclarationSymbols();
    this.addRelocations();
    this.addEhFrame();
    this.addGnuProperty();
    // An empty .note.GNU-stack says the code needs no executable stack.
    this.output.push({ input: { name: '.note.GNU-stack', type: C.SHT_PROGBITS, flags: 0, align: 1, data: new Uint8Array(0) }, relocs: [] });
    return writeElfRelocatable({
      machine: this.machine,
      sections: this.output.map((s) => ({ ...s.input, relocs: s.relocs })),
      symbols: this.symbols,
    });
  }

  private placeDefinitions(): void {
    const minAlign = this.options.functionAlignment ?? this.machine.functionAlignment;
    this.decls.forEach((d, i) => {
      if (d.func !== undefined) {
        const f = d.func;
        const offset = this.sections[TEXT].place(f.bytes, Math.max(minAlign, f.alignment ?? 1), this.machine.codePadding);
        this.placed.set(i, { section: TEXT, offset, size: f.bytes.length });
        for (const r of f.relocs ?? []) this.sections[TEXT].relocs.push({ offset: offset + r.offset, reloc: r, owner: d.name });
        if (f.unwind !== undefined && (this.options.ehFrame ?? true)) {
          this.unwound.push({ codeOffset: offset, codeSize: f.bytes.length, unwind: f.unwind });
        }
      } else if (d.data !== undefined) {
        const def = d.data;
        const hasRelocs = (def.relocs ?? []).length > 0;
        const s = d.tls ? (def.bytes === undefined ? TBSS : TDATA)
          : d.writable ? (def.bytes === undefined ? BSS : DATA) : hasRelocs ? DATA_REL_RO : RODATA;
        const contents = def.bytes ?? (SECTION_SPECS[s].nobits ? def.zeroInit! : new Uint8Array(def.zeroInit!));
        const offset = this.sections[s].place(contents, def.align ?? 1, 0);
        this.placed.set(i, { section: s, offset, size: typeof contents === 'number' ? contents : contents.length });
        for (const r of def.relocs ?? []) this.sections[s].relocs.push({ offset: offset + r.offset, reloc: r, owner: d.name });
      }
    });
  }

  /** The used sections among SECTION_SPECS (.text always), each with its section symbol. */
  private addSections(): void {
    SECTION_SPECS.forEach((spec, i) => {
      const b = this.sections[i];
      if (i !== TEXT && b.count === 0) return;
      this.outIndex[i] = this.output.length;
      this.output.push({
        input: {
          name: spec.name, type: spec.nobits ? C.SHT_NOBITS : C.SHT_PROGBITS, flags: spec.flags, align: b.align,
          data: spec.nobits ? { nobits: b.size } : b.contents(),
        },
        relocs: [],
      });
      this.sectionSymbol[i] = this.symbols.length;
      this.symbols.push({ name: '', bind: C.STB_LOCAL, type: C.STT_SECTION, visibility: 0, section: this.outIndex[i], value: 0, size: 0 });
    });
  }

  private addDeclarationSymbols(): void {
    const tlsTargets = this.tlsRelocationTargets();
    this.decls.forEach((d, i) => {
      const p = this.placed.get(i);
      // An undefined symbol that a TLS relocation names is thread-local (as assemblers mark
      // `sym@tlsgd` references), whatever it was declared as: linkers reject a non-TLS
      // reference to a TLS definition.
      const tls = d.tls || (p === undefined && tlsTargets.has(d.name));
      if (p !== undefined && !d.tls && tlsTargets.has(d.name)) {
        throw new ObjectError('bad-definition', `a thread-local relocation refers to it, but it is defined as a ${d.kind}, not thread-local data`,
          { symbol: d.name });
      }
      this.symbolOf[i] = this.symbols.length;
      this.symbols.push({
        name: d.name,
        bind: d.linkage === 'local' ? C.STB_LOCAL : C.STB_GLOBAL,
        type: tls ? C.STT_TLS : p === undefined ? C.STT_NOTYPE : d.kind === 'function' ? C.STT_FUNC : C.STT_OBJECT,
        visibility: d.linkage === 'hidden' ? C.STV_HIDDEN : C.STV_DEFAULT,
        section: p === undefined ? 'undef' : this.outIndex[p.section],
        value: p?.offset ?? 0,
        size: p?.size ?? 0,
      });
    });
  }

  /** Names of the symbols that thread-local relocations (R_X86_64_TLSGD) refer to. */
  private tlsRelocationTargets(): Set<string> {
    const out = new Set<string>();
    for (const b of this.sections) {
      for (const { reloc } of b.relocs) if (TLS_RELOCS.has(reloc.kind) && reloc.target.kind === 'symbol') out.add(reloc.target.name);
    }
    return out;
  }

  private addRelocations(): void {
    this.sections.forEach((b, s) => {
      if (this.outIndex[s] < 0) return;
      const out = this.output[this.outIndex[s]].relocs;
      for (const { offset, reloc, owner } of b.relocs) {
        out.push({ offset, symbol: this.symbolFor(reloc, owner, offset, s), type: this.machine.relocs[reloc.kind]!.type, addend: reloc.addend });
      }
    });
  }

  /** The symbol a relocation at section offset `offset` of section `section` refers to. */
  private symbolFor(r: Reloc, owner: string, offset: number, section: number): number {
    const t = r.target;
    if (t.kind === 'user') {
      throw new ObjectError('unsupported-relocation',
        `relocation ${r.kind} targets external name #${t.index}, not a symbol name: resolve it before writing objects`,
        { symbol: owner, offset });
    }
    if (t.kind === 'pcrel_hi') {
      // A local label at the auipc, as assemblers make for `%pcrel_lo(label)`.
      this.symbols.push({
        name: `.Lpcrel_hi${this.pcrelLabels++}`, bind: C.STB_LOCAL, type: C.STT_NOTYPE, visibility: C.STV_DEFAULT,
        section: this.outIndex[section], value: offset - r.offset + t.offset, size: 0,
      });
      return this.symbols.length - 1;
    }
    const i = this.byName.get(t.name);
    if (i !== undefined) return this.symbolOf[i];
    if (t.kind === 'symbol') {
      throw new ObjectError('undeclared-symbol',
        `relocation ${r.kind} refers to '${t.name}', which is not declared in this module`, { symbol: owner, offset });
    }
    // Libcalls are imported on first use unless the module declares them.
    let sym = this.libcallSymbols.get(t.name);
    if (sym === undefined) {
      sym = this.symbols.length;
      this.libcallSymbols.set(t.name, sym);
      this.symbols.push({ name: t.name, bind: C.STB_GLOBAL, type: C.STT_NOTYPE, visibility: C.STV_DEFAULT, section: 'undef', value: 0, size: 0 });
    }
    return sym;
  }

  /** `.note.gnu.property` with GNU_PROPERTY_AARCH64_FEATURE_1_AND (BTI = bit 0, PAC = bit 1). */
  private addGnuProperty(): void {
    const g = this.options.gnuProperty;
    if (g === undefined || !(g.aarch64Bti || g.aarch64Pac)) return;
    if (this.machine.isa !== 'aarch64') {
      throw new ObjectError('bad-definition', `gnuProperty names AArch64 features, but the target is ${this.machine.isa}`);
    }
    const note = new Uint8Array(32);
    const v = new DataView(note.buffer);
    const le = true;
    v.setUint32(0, 4, le); // namesz
    v.setUint32(4, 16, le); // descsz
    v.setUint32(8, 5, le); // NT_GNU_PROPERTY_TYPE_0
    note.set([0x47, 0x4e, 0x55, 0], 12); // "GNU"
    v.setUint32(16, 0xc0000000, le); // GNU_PROPERTY_AARCH64_FEATURE_1_AND
    v.setUint32(20, 4, le); // pr_datasz
    v.setUint32(24, (g.aarch64Bti ? 1 : 0) | (g.aarch64Pac ? 2 : 0), le);
    this.output.push({ input: { name: '.note.gnu.property', type: C.SHT_NOTE, flags: C.SHF_ALLOC, align: 8, data: note }, relocs: [] });
  }

  private addEhFrame(): void {
    if (this.unwound.length === 0) return;
    const eh = encodeEhFrame(this.machine.cie, this.unwound, this.machine.endianness, 8);
    this.output.push({
      input: {
        name: '.eh_frame', type: this.machine.isa === 'x86_64' ? C.SHT_X86_64_UNWIND : C.SHT_PROGBITS,
        flags: C.SHF_ALLOC, align: 8, data: eh.bytes,
      },
      relocs: eh.pcBeginFields.map((f) => ({
        offset: f.fieldOffset, symbol: this.sectionSymbol[TEXT], type: this.machine.ehFramePcRel, addend: f.codeOffset,
      })),
    });
  }
}
