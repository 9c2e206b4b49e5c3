/**
 * `deserialize`: checks bytes before anything of them can run, and returns the artifact. In
 * order: ELF structure and every section bound; that it is a Windlass artifact at all; the
 * integrity hash; the format version; target and settings against the caller's expectation;
 * module vs component; then every metadata section, every index and every relocation. Any
 * failure is an `ArtifactError` naming the section and byte offset.
 */
import { ELF_MACHINES, elf as C, type ElfMachine } from '@windlass/object';
import type { RelocKind } from '@windlass/codegen';
import { ExternKind } from '@windlass/wasm-frontend';
import { CodeKind, EF_WINDLASS_COMPONENT, EF_WINDLASS_MODULE, type Artifact, type ArtifactReloc, type ArtifactSignature, type ModuleInfo } from './artifact';
import { ArtifactError } from './errors';
import { LeReader } from './format/bytes';
import { checkCompat, decodeCompat, type ArtifactExpectation } from './format/compat';
import { readElf, readRela, readSymbols, sectionBytes, type ElfFile, type ElfSection } from './format/elf';
import { decodeModules } from './format/module';
import { decodeCode, decodeNames, decodeOffsetTable, decodeSignatures } from './format/tables';
import { RUNTIME_SYMBOLS } from './runtime-abi';
import { COMPONENT_SECTION, HASH_ALGORITHM_XXH32, HASH_SECTION, artifactHash } from './serialize';
import { decodePlan } from './component/format';

const META_SECTIONS = ['.windlass.compat', '.windlass.sigs', '.windlass.funcs', '.windlass.module', '.windlass.traps', '.windlass.addrmap', '.windlass.names', HASH_SECTION];

function section(f: ElfFile, name: string): ElfSection {
  const s = f.sections.find((x) => x.name === name);
  if (!s) throw new ArtifactError('malformed', name, 0, 'the section is missing');
  return s;
}

function reader(f: ElfFile, s: ElfSection): LeReader {
  return new LeReader(sectionBytes(f, s), s.name, s.offset);
}

/** The canonical relocation kind of each ELF relocation type of a machine (the first listed). */
function kindsOfTypes(m: ElfMachine): Map<number, RelocKind> {
  const out = new Map<number, RelocKind>();
  for (const [k, v] of Object.entries(m.relocs)) if (v && !out.has(v.type)) out.set(v.type, k as RelocKind);
  return out;
}

/** Relocation field sizes, for the bounds check. */
function fieldSize(m: ElfMachine, kind: RelocKind): number {
  return m.relocs[kind]?.size ?? 8;
}

/**
 * Reads and checks an artifact. `expected` says what the caller can run (omitted: any target,
 * settings and kind, for tools that only look, such as `windlass inspect`; given, its `kind`
 * defaults to module).
 */
export function deserialize(bytes: Uint8Array, expected?: ArtifactExpectation): Artifact {
  const f = readElf(bytes);
  const compatSection = f.sections.find((s) => s.name === '.windlass.compat');
  if (!compatSection) {
    throw new ArtifactError('not-artifact', 'ELF header', 0,
      `a ${f.machine.isa} relocatable ELF object without a .windlass.compat section: not a Windlass artifact (an object written by 'windlass compile' from CLIF, or by another compiler?)`);
  }
  for (const name of META_SECTIONS) {
    const s = section(f, name);
    if (s.type !== C.SHT_PROGBITS) throw new ArtifactError('malformed', name, s.headerOffset, `section type ${s.type}, expected SHT_PROGBITS`);
  }

  // Integrity first: past this point, a failed check means a producer bug or a deliberate edit.
  const hs = section(f, HASH_SECTION);
  const hr = reader(f, hs);
  const algorithm = hr.u32('hash algorithm');
  if (algorithm !== HASH_ALGORITHM_XXH32) hr.fail(`hash algorithm ${algorithm} is unknown (1: XXH32)`, 0);
  const stored = hr.u32('hash');
  hr.end();
  const actual = artifactHash(bytes, hs.offset + 4);
  if (actual !== stored) throw new ArtifactError('corrupt', HASH_SECTION, hs.offset + 4, `integrity hash 0x${stored.toString(16)} does not match the contents (0x${actual.toString(16)}): the file is damaged or truncated`);

  const compat = decodeCompat(reader(f, compatSection));
  if (expected) checkCompat(compat, expected, '.windlass.compat', compatSection.offset);
  if (ELF_MACHINES[compat.isa]?.eMachine !== f.machine.eMachine) {
    throw new ArtifactError('malformed', 'ELF header', 18, `e_machine says ${f.machine.isa}, the compatibility record ${compat.isa}`);
  }
  const kindBits = f.eFlags & (EF_WINDLASS_MODULE | EF_WINDLASS_COMPONENT);
  if (kindBits !== EF_WINDLASS_MODULE && kindBits !== EF_WINDLASS_COMPONENT) {
    throw new ArtifactError('malformed', 'ELF header', 48, `e_flags 0x${f.eFlags.toString(16)} marks neither a module (0x${EF_WINDLASS_MODULE.toString(16)}) nor a component (0x${EF_WINDLASS_COMPONENT.toString(16)})`);
  }
  if ((f.eFlags & ~(EF_WINDLASS_MODULE | EF_WINDLASS_COMPONENT)) !== f.machine.eFlags) {
    throw new ArtifactError('target', 'ELF header', 48, `e_flags 0x${f.eFlags.toString(16)}: the ${f.machine.isa} bits are 0x${(f.eFlags & 0xffffff).toString(16)}, expected 0x${f.machine.eFlags.toString(16)}`);
  }
  const kind = kindBits === EF_WINDLASS_MODULE ? 'module' : 'component';
  const wantKind = expected ? (expected.kind ?? 'module') : kind;
  if (kind !== wantKind) throw new ArtifactError('kind', 'ELF header', 48, `the artifact holds a ${kind}, expected a ${wantKind}`);

  const textSection = section(f, '.text');
  if (textSection.type !== C.SHT_PROGBITS || textSection.flags !== (C.SHF_ALLOC | C.SHF_EXECINSTR)) {
    throw new ArtifactError('malformed', '.text', textSection.headerOffset, 'not an allocated, executable PROGBITS section');
  }
  const rodataSection = section(f, '.rodata');
  if (rodataSection.type !== C.SHT_PROGBITS || rodataSection.flags !== C.SHF_ALLOC) {
    throw new ArtifactError('malformed', '.rodata', rodataSection.headerOffset, 'not an allocated, read-only PROGBITS section');
  }
  const text = sectionBytes(f, textSection).slice();
  const rodata = sectionBytes(f, rodataSection).slice();
  const code = decodeCode(reader(f, section(f, '.windlass.funcs')), text.length);
  const signatures = decodeSignatures(reader(f, section(f, '.windlass.sigs')), code);
  const modules = decodeModules(reader(f, section(f, '.windlass.module')), { signatures: signatures.length, codeRanges: code.length, rodataSize: rodata.length });
  checkCode(f, code, signatures, modules);
  const traps = decodeOffsetTable(reader(f, section(f, '.windlass.traps')), 'trap', text.length);
  const addressMap = decodeOffsetTable(reader(f, section(f, '.windlass.addrmap')), 'address map', text.length);
  const names = decodeNames(reader(f, section(f, '.windlass.names')), (m) => modules[m]?.funcTypes.length);
  const relocations = readRelocations(f, textSection, text.length);
  const planSection = f.sections.find((x) => x.name === COMPONENT_SECTION);
  if (kind === 'module') {
    if (planSection) throw new ArtifactError('malformed', COMPONENT_SECTION, planSection.headerOffset, 'a module artifact with an instantiation plan');
    return { kind, compat, signatures, code, text, relocations, rodata, modules, traps, addressMap, names };
  }
  if (!planSection) throw new ArtifactError('malformed', COMPONENT_SECTION, 0, 'a component artifact without its instantiation plan');
  if (planSection.type !== C.SHT_PROGBITS) throw new ArtifactError('malformed', COMPONENT_SECTION, planSection.headerOffset, `section type ${planSection.type}, expected SHT_PROGBITS`);
  const component = decodePlan(reader(f, planSection), { moduleImports: modules.map((m) => m.imports.length) });
  return { kind, compat, signatures, code, text, relocations, rodata, modules, traps, addressMap, names, component };
}

/** Every code range belongs to exactly one function or trampoline, and every function has code. */
function checkCode(f: ElfFile, code: Artifact['code'], sigs: ArtifactSignature[], modules: ModuleInfo[]): void {
  const s = section(f, '.windlass.funcs');
  const owner = new Int32Array(code.length).fill(-1);
  const claim = (i: number, what: string): void => {
    if (owner[i] >= 0) throw new ArtifactError('malformed', '.windlass.funcs', s.offset + 4 + 20 * i, `code range ${i} is claimed twice (${what})`);
    owner[i] = 1;
  };
  sigs.forEach((g, i) => {
    if (g.entry >= 0) claim(g.entry, `entry trampoline of signature ${i}`);
    if (g.exit >= 0) claim(g.exit, `exit trampoline of signature ${i}`);
  });
  const ms = section(f, '.windlass.module');
  modules.forEach((m, mi) => {
    m.functions.forEach((ci, d) => {
      const c = code[ci];
      const fn = m.numImportedFuncs + d;
      if (c.kind !== CodeKind.Function || c.module !== mi || c.index !== fn) {
        throw new ArtifactError('malformed', '.windlass.module', ms.offset, `module ${mi} function ${fn}: code range ${ci} belongs to something else`);
      }
      claim(ci, `function ${fn} of module ${mi}`);
    });
    const used = new Set(m.funcTypes.map((t) => m.types[t]));
    for (const sig of used) {
      if (sigs[sig].entry < 0) throw new ArtifactError('malformed', '.windlass.sigs', section(f, '.windlass.sigs').offset, `signature ${sig} (used by module ${mi}) has no entry trampoline`);
    }
    for (const imp of m.imports) {
      if (imp.desc.kind === ExternKind.Func && sigs[m.types[imp.desc.typeIndex]].exit < 0) {
        throw new ArtifactError('malformed', '.windlass.sigs', section(f, '.windlass.sigs').offset, `signature ${m.types[imp.desc.typeIndex]} (imported by module ${mi}) has no exit trampoline`);
      }
    }
    if (m.start !== undefined) {
      const g = sigs[m.types[m.funcTypes[m.start]]];
      if (g.params.length !== 0 || g.results.length !== 0) throw new ArtifactError('malformed', '.windlass.module', ms.offset, `module ${mi}: the start function ${m.start} takes or returns values`);
    }
  });
  const unowned = owner.indexOf(-1);
  if (unowned >= 0) throw new ArtifactError('malformed', '.windlass.funcs', s.offset + 4 + 20 * unowned, `code range ${unowned} belongs to no function or trampoline`);
}

const MAX_ADDEND = 64;

function readRelocations(f: ElfFile, text: ElfSection, textSize: number): ArtifactReloc[] {
  const relaSections = f.sections.filter((s) => s.type === C.SHT_RELA);
  const out: ArtifactReloc[] = [];
  for (const rela of relaSections) {
    if (rela.info !== text.index || rela.name !== '.rela.text') throw new ArtifactError('malformed', rela.name, rela.headerOffset, 'relocations for a section other than .text');
    const symtab = f.sections[rela.link];
    if (!symtab || symtab.type !== C.SHT_SYMTAB) throw new ArtifactError('malformed', rela.name, rela.headerOffset, `sh_link ${rela.link} is not the symbol table`);
    const symbols = readSymbols(f, symtab);
    const kinds = kindsOfTypes(f.machine);
    for (const r of readRela(f, rela)) {
      const sym = symbols[r.symbol];
      if (!sym || r.symbol === 0) throw new ArtifactError('malformed', rela.name, r.at, `relocation names symbol ${r.symbol} (${symbols.length} symbols)`);
      const kind = kinds.get(r.type);
      if (!kind) throw new ArtifactError('malformed', rela.name, r.at, `relocation type ${r.type} is not one the ${f.machine.isa} loader applies`);
      if (r.offset + fieldSize(f.machine, kind) > textSize) throw new ArtifactError('malformed', rela.name, r.at, `relocation at ${r.offset} leaves .text (${textSize} bytes)`);
      // The targets are runtime functions: an addend is only the field's bias (x86 rel32: -4).
      if (Math.abs(r.addend) > MAX_ADDEND) throw new ArtifactError('malformed', rela.name, r.at, `relocation addend ${r.addend} is not a bias of a few bytes (a relocation to a runtime function)`);
      if (sym.shndx !== C.SHN_UNDEF || sym.bind !== C.STB_GLOBAL || !RUNTIME_SYMBOLS.includes(sym.name)) {
        throw new ArtifactError('malformed', rela.name, r.at, `relocation to ${JSON.stringify(sym.name)}, which is not a runtime symbol the loader provides`);
      }
      out.push({ offset: r.offset, kind, symbol: sym.name, addend: r.addend });
    }
  }
  return out;
}

/** The sections of an artifact (or any ELF64 object) as `readelf -S` lists them. Throws `ArtifactError`. */
export function artifactSections(bytes: Uint8Array): { name: string; type: number; flags: number; offset: number; size: number }[] {
  return readElf(bytes).sections.filter((s) => s.index > 0).map((s) => ({ name: s.name, type: s.type, flags: s.flags, offset: s.offset, size: s.size }));
}
