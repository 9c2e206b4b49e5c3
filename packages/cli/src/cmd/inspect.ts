// `windlass inspect FILE.cwasm`: what an artifact holds. Kind, target, settings (those that
// differ from the defaults), modules with their imports and exports, every function with its
// code size, the trampolines, and the ELF sections.
import { CodeKind, artifactSections, codeSymbol, deserialize, type Artifact } from '@windlass/linker';
import { sharedSettings } from '@windlass/codegen';
import { valTypeName } from '@windlass/wasm-frontend';
import type { Io } from '../command';
import { artifactProblem, inputKind } from './artifact-input';
import { CommandError } from '../command';
import { readBytes } from './input';

const KINDS = ['func', 'table', 'memory', 'global'];

function sig(a: Artifact, id: number): string {
  const s = a.signatures[id];
  return `(${s.params.map(valTypeName).join(', ')}) -> (${s.results.map(valTypeName).join(', ')})`;
}

export function describeArtifact(a: Artifact, bytes: Uint8Array): string {
  const out: string[] = [];
  const c = a.compat;
  out.push(`kind: ${a.kind}`, `target: ${c.isa} (${c.triple}), format version ${c.formatVersion}, made by ${c.producer}`);
  const defaults = new Map(sharedSettings.defaults().entries().map(([n, v]) => [n, String(v)]));
  const changed = c.settings.filter(([n, v]) => defaults.get(n) !== v).map(([n, v]) => `${n}=${v}`);
  out.push(`settings: ${changed.length ? changed.join(' ') : '(defaults)'}`);
  out.push(`wasm settings: ${c.wasm.map(([n, v]) => `${n}=${v}`).join(' ')}`);
  const isaOn = c.isaFlags.filter(([, v]) => v === 'true').map(([n]) => n);
  out.push(`ISA flags: ${isaOn.length ? isaOn.join(' ') : '(none)'}`);
  a.modules.forEach((m, mi) => {
    out.push('', `module ${mi}${m.name ? ` ${m.name}` : ''}: ${m.funcTypes.length} functions (${m.numImportedFuncs} imported), ${m.tables.length} tables, ${m.memories.length} memories, ${m.globals.length} globals, ${m.elements.length} element and ${m.data.length} data segments${m.start !== undefined ? `, start function ${m.start}` : ''}`);
    for (const i of m.imports) out.push(`  import ${KINDS[i.desc.kind]} ${i.module}.${i.name}${i.desc.kind === 0 ? ` ${sig(a, m.types[i.desc.typeIndex])}` : ''}`);
    for (const e of m.exports) out.push(`  export ${KINDS[e.kind]} ${JSON.stringify(e.name)} = ${e.index}${e.kind === 0 ? ` ${sig(a, m.types[m.funcTypes[e.index]])}` : ''}`);
  });
  const fns = a.code.filter((r) => r.kind === CodeKind.Function);
  const total = fns.reduce((n, r) => n + r.size, 0);
  out.push('', `functions: ${fns.length}, ${total} bytes of code`);
  for (const r of fns) out.push(`  ${codeSymbol(a, r).padEnd(32)} ${String(r.size).padStart(8)} bytes at 0x${r.offset.toString(16)}`);
  const tramps = a.code.filter((r) => r.kind !== CodeKind.Function);
  out.push('', `trampolines: ${tramps.length}`);
  for (const r of tramps) out.push(`  ${codeSymbol(a, r).padEnd(32)} ${String(r.size).padStart(8)} bytes  ${sig(a, r.index)}`);
  out.push('', `relocations for the loader: ${a.relocations.length} (${[...new Set(a.relocations.map((r) => r.symbol))].join(', ') || 'none'})`, `trap sites: ${a.traps.offsets.length}, address map entries: ${a.addressMap.offsets.length}`);
  out.push('', 'sections:');
  for (const s of artifactSections(bytes)) out.push(`  ${s.name.padEnd(20)} ${String(s.size).padStart(10)} bytes at 0x${s.offset.toString(16)}`);
  out.push(`file: ${bytes.length} bytes`);
  return `${out.join('\n')}\n`;
}

export function runInspect(files: readonly string[], io: Io): number {
  for (const file of files) {
    const bytes = readBytes(file);
    if (inputKind(bytes, file) !== 'artifact') throw new CommandError(`${file}: not an artifact (compile it first: windlass compile ${file} -o OUT.cwasm)`);
    let a: Artifact;
    try {
      a = deserialize(bytes);
    } catch (e) {
      throw artifactProblem(file, e) ?? e;
    }
    if (files.length > 1) io.out(`${file}:\n`);
    io.out(describeArtifact(a, bytes));
  }
  return 0;
}
