// `windlass inspect FILE.cwasm`: what an artifact holds. Kind, target, settings (those that
// differ from the defaults), for a component its imports, exports and instantiation steps,
// modules (a component's: core modules, adapters, shims) with their imports and exports, every
// function with its code size, the trampolines, and the ELF sections.
import { CodeKind, ModuleRole, artifactSections, codeSymbol, deserialize, type Artifact, type ComponentPlan, type PlanExport } from '@windlass/linker';
import { waveTypeName } from '@windlass/runtime';
import type { ExternT, FuncT } from '@windlass/wasm-frontend';
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

const ROLES: Record<ModuleRole, string> = {
  [ModuleRole.Core]: 'core module',
  [ModuleRole.Adapter]: 'fused adapter',
  [ModuleRole.ExportAdapter]: 'export adapter',
  [ModuleRole.ImportAdapter]: 'import adapter',
  [ModuleRole.DropShim]: 'resource.drop shim',
};

function roleOf(m: ComponentPlan['modules'][number]): string {
  const role = ROLES[m.role];
  return m.description.startsWith(role) ? m.description : m.description ? `${role}: ${m.description}` : role;
}

function funcType(t: FuncT): string {
  return `func(${t.params.map((p) => `${p.name}: ${waveTypeName(p.t)}`).join(', ')})${t.result ? ` -> ${waveTypeName(t.result)}` : ''}`;
}

function externType(t: ExternT): string {
  switch (t.k) {
    case 'func':
      return funcType(t.t);
    case 'type':
      return t.t.k === 'resource' ? 'resource' : 'type';
    default:
      return t.k;
  }
}

function exportLines(e: PlanExport, name: string, indent: string, out: string[]): void {
  if (e.k === 'instance') {
    out.push(`${indent}export instance ${JSON.stringify(name)}`);
    for (const x of e.exports) exportLines(x.item, x.name, `${indent}  `, out);
  } else if (e.k === 'func') out.push(`${indent}export ${JSON.stringify(name)}: ${funcType(e.t)}`);
  else out.push(`${indent}export ${e.k === 'type' && e.t.k === 'resource' ? 'resource' : e.k} ${JSON.stringify(name)}`);
}

/** A component's imports, exports and instantiation steps. */
function describePlan(p: ComponentPlan, out: string[]): void {
  const counts = [ModuleRole.Core, ModuleRole.Adapter, ModuleRole.ExportAdapter, ModuleRole.ImportAdapter, ModuleRole.DropShim].map((r) => `${p.modules.filter((m) => m.role === r).length} ${ROLES[r]}s`);
  out.push('', `component: ${p.modules.length} modules (${counts.join(', ')}), ${p.components.length} component instances, ${p.resources.length} resource types, ${p.steps.length} instantiation steps`);
  for (const i of p.imports.root) out.push(`  import ${JSON.stringify(i.name)}: ${externType(i.t)}`);
  for (const e of p.exports) exportLines(e.item, e.name, '  ', out);
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
  if (a.component) describePlan(a.component, out);
  a.modules.forEach((m, mi) => {
    const role = a.component ? ` (${roleOf(a.component.modules[mi])})` : '';
    out.push('', `module ${mi}${m.name ? ` ${m.name}` : ''}${role}: ${m.funcTypes.length} functions (${m.numImportedFuncs} imported), ${m.tables.length} tables, ${m.memories.length} memories, ${m.globals.length} globals, ${m.elements.length} element and ${m.data.length} data segments${m.start !== undefined ? `, start function ${m.start}` : ''}`);
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
