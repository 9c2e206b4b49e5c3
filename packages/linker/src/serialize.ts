/**
 * `serialize`: an `Artifact` as one ELF64 relocatable object for its target (byte order and
 * `e_machine` of the target, `e_flags` with the module/component bit), sealed with the
 * integrity hash. See the README for the sections.
 */
import { ELF_MACHINES, elf as C, writeElfRelocatable, type ElfRela, type ElfSectionInput, type ElfSymbolInput } from '@windlass/object';
import { CodeKind, EF_WINDLASS_COMPONENT, EF_WINDLASS_MODULE, type Artifact, type CodeRange } from './artifact';
import { ArtifactBuildError } from './errors';
import { encodeCompat } from './format/compat';
import { readElf } from './format/elf';
import { xxh32 } from './format/hash';
import { encodeModules } from './format/module';
import { encodeCode, encodeNames, encodeOffsetTable, encodeSignatures } from './format/tables';
import { encodePlan } from './component/format';

/** The instantiation plan of a component artifact. */
export const COMPONENT_SECTION = '.windlass.component';

export interface SerializeOptions {
  /**
   * One module of the artifact on its own (by index or name). Only a module artifact's module
   * can be: a component artifact's metadata describes the component, not its modules.
   */
  module?: number | string;
}

export const HASH_SECTION = '.windlass.hash';
/** XXH32, seed 0, over the file with the hash field zeroed. */
export const HASH_ALGORITHM_XXH32 = 1;

const META = { type: C.SHT_PROGBITS, flags: 0, align: 4 };

/** The symbol name of a code range, as `objdump -d` shows it. */
export function codeSymbol(a: Pick<Artifact, 'names' | 'modules'>, c: CodeRange): string {
  if (c.kind === CodeKind.Entry) return `entry_trampoline_sig${c.index}`;
  if (c.kind === CodeKind.Exit) return `exit_trampoline_sig${c.index}`;
  const prefix = a.modules.length > 1 ? `m${c.module}_f${c.index}` : `f${c.index}`;
  const named = a.names.find((n) => n.module === c.module && n.func === c.index);
  return named ? `${prefix}:${named.name}` : prefix;
}

export function serialize(a: Artifact, opts: SerializeOptions = {}): Uint8Array {
  if (opts.module !== undefined) {
    const which = typeof opts.module === 'number' ? `module ${opts.module}` : `module ${JSON.stringify(opts.module)}`;
    if (a.kind === 'component') {
      throw new ArtifactBuildError(`${which} of a component cannot be serialized on its own: the artifact's metadata (its instantiation plan, its adapters, its shared signatures and .text) describes the component, not the module; compile the module by itself with compileModule`);
    }
    const found = typeof opts.module === 'number' ? opts.module === 0 : a.modules[0]?.name === opts.module;
    if (!found) throw new ArtifactBuildError(`the artifact has no ${which}`);
  }
  if ((a.kind === 'component') !== (a.component !== undefined)) throw new ArtifactBuildError(`a ${a.kind} artifact ${a.component ? 'with' : 'without'} an instantiation plan`);
  const base = ELF_MACHINES[a.compat.isa];
  if (!base) throw new ArtifactBuildError(`no ELF machine for ISA ${a.compat.isa}`);
  const machine = { ...base, eFlags: base.eFlags | (a.kind === 'module' ? EF_WINDLASS_MODULE : EF_WINDLASS_COMPONENT) };
  const symbols: ElfSymbolInput[] = a.code.map((c) => ({
    name: codeSymbol(a, c), bind: C.STB_LOCAL, type: C.STT_FUNC, visibility: C.STV_DEFAULT, section: 0, value: c.offset, size: c.size,
  }));
  const runtimeSymbol = new Map<string, number>();
  const relocs: ElfRela[] = a.relocations.map((r) => {
    let sym = runtimeSymbol.get(r.symbol);
    if (sym === undefined) {
      sym = symbols.length;
      runtimeSymbol.set(r.symbol, sym);
      symbols.push({ name: r.symbol, bind: C.STB_GLOBAL, type: C.STT_NOTYPE, visibility: C.STV_DEFAULT, section: 'undef', value: 0, size: 0 });
    }
    const t = machine.relocs[r.kind];
    if (!t) throw new ArtifactBuildError(`relocation ${r.kind} has no ELF type on ${machine.isa}`);
    return { offset: r.offset, symbol: sym, type: t.type, addend: r.addend };
  });
  const hash = new Uint8Array(8);
  new DataView(hash.buffer).setUint32(0, HASH_ALGORITHM_XXH32, true);
  const sections: ElfSectionInput[] = [
    { name: '.text', type: C.SHT_PROGBITS, flags: C.SHF_ALLOC | C.SHF_EXECINSTR, align: 16, data: a.text, relocs },
    { name: '.rodata', type: C.SHT_PROGBITS, flags: C.SHF_ALLOC, align: 16, data: a.rodata },
    { name: '.windlass.compat', ...META, data: encodeCompat(a.compat) },
    { name: '.windlass.sigs', ...META, data: encodeSignatures(a.signatures) },
    { name: '.windlass.funcs', ...META, data: encodeCode(a.code) },
    { name: '.windlass.module', ...META, data: encodeModules(a.modules) },
    { name: '.windlass.traps', ...META, data: encodeOffsetTable(a.traps) },
    { name: '.windlass.addrmap', ...META, data: encodeOffsetTable(a.addressMap) },
    { name: '.windlass.names', ...META, data: encodeNames(a.names) },
    ...(a.component ? [{ name: COMPONENT_SECTION, ...META, data: encodePlan(a.component) }] : []),
    { name: HASH_SECTION, ...META, data: hash },
  ];
  const bytes = writeElfRelocatable({ machine, sections, symbols });
  seal(bytes);
  return bytes;
}

/** Where the hash value is: the file offset of its 4 bytes. */
export function hashFieldOffset(bytes: Uint8Array): number | undefined {
  const s = readElf(bytes).sections.find((x) => x.name === HASH_SECTION);
  return s && s.size === 8 ? s.offset + 4 : undefined;
}

/** The hash of `bytes` with the field at `at` zeroed. */
export function artifactHash(bytes: Uint8Array, at: number): number {
  const saved = bytes.slice(at, at + 4);
  bytes.fill(0, at, at + 4);
  const h = xxh32(bytes);
  bytes.set(saved, at);
  return h;
}

/**
 * (Re)computes the integrity hash in place. `serialize` calls it; the artifact fuzzer calls it
 * after mutating bytes so that every check behind the hash is reached. Returns false when the
 * hash section cannot be found.
 */
export function seal(bytes: Uint8Array): boolean {
  let at: number | undefined;
  try {
    at = hashFieldOffset(bytes);
  } catch {
    return false;
  }
  if (at === undefined) return false;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, artifactHash(bytes, at), true);
  return true;
}
