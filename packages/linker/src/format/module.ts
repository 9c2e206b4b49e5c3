/**
 * The module metadata (`.windlass.module`): per module, what instantiation needs. Little-endian.
 *
 * ```
 *  u32 modules
 *  per module:
 *   str name
 *   u32 n, n x u32                      signature id of each type index
 *   u32 n, n x import                   str module, str name, u8 kind, then
 *                                         func: u32 type | table: u8 elem, limits |
 *                                         memory: limits | global: u8 type, u8 mutable
 *   u32 n, n x u32                      type index of every function (imports first)
 *   u32 n, n x (u8 elem, limits)        defined tables
 *   u32 n, n x limits                   defined memories
 *   u32 n, n x (u8 type, u8 mut, const) defined globals
 *   u32 n, n x (str name, u8 kind, u32 index)   exports
 *   u32 start function, or 0xffffffff
 *   u32 n, n x element                  u8 mode (0 active, 1 passive, 2 declarative), u32 table,
 *                                         [const offset if active], u8 type, u32 n, n x const
 *   u32 n, n x data                     u8 mode (0 active, 1 passive), u32 memory,
 *                                         [const offset if active], u32 start, u32 end (in .rodata)
 *   u32 n, n x u32                      code range (`.windlass.funcs` index) of each defined function
 *   6 x u32                             vmctx layout: size, memories, tables, globals, sigIds, funcRefs
 *  limits: u8 has-max (0/1), u32 min, u32 max
 *  const:  u8 opcode (0x41 i32.const u32 | 0x42 i64.const u64 | 0x43 f32.const u32 |
 *          0x44 f64.const u64 | 0xfd v128.const 16 bytes | 0xd0 ref.null u8 type |
 *          0xd2 ref.func u32 | 0x23 global.get u32)
 * ```
 *
 * `decodeModules` checks every index against what it indexes, every limit, every export name's
 * uniqueness, the segment ranges and the layout, so that a loader given a decoded artifact has
 * nothing left to check.
 */
import { ExternKind, isValType, type ConstExpr, type GlobalType, type Import, type Limits, type ValType } from '@windlass/wasm-frontend';
import type { ArtifactElement, ArtifactData, ModuleInfo } from '../artifact';
import { VmctxLayout } from '../environ/layout';
import { LeReader, LeWriter } from './bytes';

const NONE = 0xffffffff;
const MAX_PAGES = 65536;

function limits(w: LeWriter, l: Limits): void {
  w.u8(l.max === undefined ? 0 : 1).u32(l.min).u32(l.max ?? 0);
}

function constExpr(w: LeWriter, e: ConstExpr): void {
  switch (e.op) {
    case 'i32.const':
      w.u8(0x41).u32(e.value);
      return;
    case 'i64.const':
      w.u8(0x42).u64(e.value);
      return;
    case 'f32.const':
      w.u8(0x43).u32(e.bits);
      return;
    case 'f64.const':
      w.u8(0x44).u64(e.bits);
      return;
    case 'v128.const':
      w.u8(0xfd).bytes(e.bytes.subarray(0, 16));
      return;
    case 'ref.null':
      w.u8(0xd0).u8(e.type);
      return;
    case 'ref.func':
      w.u8(0xd2).u32(e.func);
      return;
    case 'global.get':
      w.u8(0x23).u32(e.global);
  }
}

export function encodeModules(modules: readonly ModuleInfo[]): Uint8Array {
  const w = new LeWriter();
  w.u32(modules.length);
  for (const m of modules) {
    w.str(m.name);
    w.u32(m.types.length);
    for (const t of m.types) w.u32(t);
    w.u32(m.imports.length);
    for (const imp of m.imports) {
      w.str(imp.module).str(imp.name).u8(imp.desc.kind);
      const d = imp.desc;
      if (d.kind === ExternKind.Func) w.u32(d.typeIndex);
      else if (d.kind === ExternKind.Table) {
        w.u8(d.table.elem);
        limits(w, d.table.limits);
      } else if (d.kind === ExternKind.Memory) limits(w, d.memory.limits);
      else w.u8(d.global.type).u8(d.global.mutable ? 1 : 0);
    }
    w.u32(m.funcTypes.length);
    for (const t of m.funcTypes) w.u32(t);
    w.u32(m.tables.length - m.numImportedTables);
    for (const t of m.tables.slice(m.numImportedTables)) {
      w.u8(t.elem);
      limits(w, t.limits);
    }
    w.u32(m.memories.length - m.numImportedMemories);
    for (const mem of m.memories.slice(m.numImportedMemories)) limits(w, mem.limits);
    w.u32(m.globals.length - m.numImportedGlobals);
    m.globals.slice(m.numImportedGlobals).forEach((g, i) => {
      w.u8(g.type).u8(g.mutable ? 1 : 0);
      constExpr(w, m.globalInits[i]);
    });
    w.u32(m.exports.length);
    for (const e of m.exports) w.str(e.name).u8(e.kind).u32(e.index);
    w.u32(m.start ?? NONE);
    w.u32(m.elements.length);
    for (const e of m.elements) {
      w.u8(e.mode === 'active' ? 0 : e.mode === 'passive' ? 1 : 2).u32(e.table);
      if (e.mode === 'active') constExpr(w, e.offset ?? { op: 'i32.const', value: 0 });
      w.u8(e.type).u32(e.items.length);
      for (const it of e.items) constExpr(w, it);
    }
    w.u32(m.data.length);
    for (const d of m.data) {
      w.u8(d.mode === 'active' ? 0 : 1).u32(d.memory);
      if (d.mode === 'active') constExpr(w, d.offset ?? { op: 'i32.const', value: 0 });
      w.u32(d.start).u32(d.end);
    }
    w.u32(m.functions.length);
    for (const f of m.functions) w.u32(f);
    const L = m.layout;
    w.u32(L.size).u32(L.memory).u32(L.tables).u32(L.globals).u32(L.sigIds).u32(L.funcRefs);
  }
  return w.finish();
}

/** Limits to check a decoded module against. */
export interface ModuleBounds {
  signatures: number;
  codeRanges: number;
  rodataSize: number;
}

function readLimits(r: LeReader, what: string, maxMax: number): Limits {
  const at = r.pos;
  const has = r.u8(`${what} has-max flag`);
  if (has > 1) r.fail(`${what} has-max flag ${has} is neither 0 nor 1`, at);
  const min = r.u32(`${what} minimum`);
  const max = r.u32(`${what} maximum`);
  if (min > maxMax) r.fail(`${what} minimum ${min} exceeds ${maxMax}`, at);
  if (has === 1 && (max < min || max > maxMax)) r.fail(`${what} maximum ${max} is below the minimum ${min} or exceeds ${maxMax}`, at);
  return has === 1 ? { min, max } : { min };
}

function readValType(r: LeReader, what: string): ValType {
  const at = r.pos;
  const t = r.u8(what);
  if (!isValType(t)) r.fail(`${what} 0x${t.toString(16)} is not a value type`, at);
  return t as ValType;
}

function readRefType(r: LeReader, what: string): ValType {
  const at = r.pos;
  const t = r.u8(what);
  if (t !== 0x70 && t !== 0x6f) r.fail(`${what} 0x${t.toString(16)} is not a reference type`, at);
  return t as ValType;
}

interface ConstContext {
  funcs: number;
  /** Globals visible to `global.get` (imported ones for initializers and offsets). */
  globals: GlobalType[];
}

function readConst(r: LeReader, what: string, want: ValType, cx: ConstContext): ConstExpr {
  const at = r.pos;
  const op = r.u8(`${what} opcode`);
  let e: ConstExpr;
  let type: number;
  switch (op) {
    case 0x41:
      e = { op: 'i32.const', value: r.u32(what) | 0 };
      type = 0x7f;
      break;
    case 0x42:
      e = { op: 'i64.const', value: BigInt.asIntN(64, r.u64(what)) };
      type = 0x7e;
      break;
    case 0x43:
      e = { op: 'f32.const', bits: r.u32(what) };
      type = 0x7d;
      break;
    case 0x44:
      e = { op: 'f64.const', bits: r.u64(what) };
      type = 0x7c;
      break;
    case 0xfd:
      e = { op: 'v128.const', bytes: r.bytesOf(16, what).slice() };
      type = 0x7b;
      break;
    case 0xd0:
      type = readRefType(r, what);
      e = { op: 'ref.null', type: type as ValType };
      break;
    case 0xd2:
      e = { op: 'ref.func', func: r.index(`${what} function`, cx.funcs) };
      type = 0x70;
      break;
    case 0x23: {
      const g = r.index(`${what} global`, cx.globals.length);
      if (cx.globals[g].mutable) r.fail(`${what} reads mutable global ${g}`, at);
      e = { op: 'global.get', global: g };
      type = cx.globals[g].type;
      break;
    }
    default:
      return r.fail(`${what} opcode 0x${op.toString(16)} is not a constant instruction`, at);
  }
  if (type !== want) r.fail(`${what} has type 0x${type.toString(16)}, expected 0x${want.toString(16)}`, at);
  return e;
}

function readModule(r: LeReader, b: ModuleBounds): ModuleInfo {
  const name = r.str('module name');
  const nTypes = r.count('types', 4);
  const types: number[] = [];
  for (let i = 0; i < nTypes; i++) types.push(r.index('signature id', b.signatures));
  const nImports = r.count('imports', 9);
  const imports: Import[] = [];
  const importedGlobals: GlobalType[] = [];
  let nf = 0, nt = 0, nm = 0;
  const tables: { elem: ValType; limits: Limits }[] = [];
  const memories: { limits: Limits }[] = [];
  const importFuncTypes: number[] = [];
  for (let i = 0; i < nImports; i++) {
    const module = r.str('import module');
    const field = r.str('import name');
    const at = r.pos;
    const kind = r.u8('import kind');
    switch (kind) {
      case ExternKind.Func: {
        const typeIndex = r.index('import type index', nTypes);
        imports.push({ module, name: field, desc: { kind: ExternKind.Func, typeIndex } });
        importFuncTypes.push(typeIndex);
        nf++;
        break;
      }
      case ExternKind.Table: {
        const table = { elem: readRefType(r, 'table element type'), limits: readLimits(r, 'table limits', NONE) };
        imports.push({ module, name: field, desc: { kind: ExternKind.Table, table } });
        tables.push(table);
        nt++;
        break;
      }
      case ExternKind.Memory: {
        const memory = { limits: readLimits(r, 'memory limits', MAX_PAGES) };
        imports.push({ module, name: field, desc: { kind: ExternKind.Memory, memory } });
        memories.push(memory);
        nm++;
        break;
      }
      case ExternKind.Global: {
        const type = readValType(r, 'global type');
        const mAt = r.pos;
        const mut = r.u8('global mutability');
        if (mut > 1) r.fail(`global mutability ${mut} is neither 0 nor 1`, mAt);
        const global = { type, mutable: mut === 1 };
        imports.push({ module, name: field, desc: { kind: ExternKind.Global, global } });
        importedGlobals.push(global);
        break;
      }
      default:
        r.fail(`import kind ${kind} is not a function, table, memory or global`, at);
    }
  }
  const nFuncs = r.count('functions', 4);
  if (nFuncs < nf) r.fail(`${nFuncs} functions, fewer than the ${nf} imported`);
  const funcTypes: number[] = [];
  for (let i = 0; i < nFuncs; i++) {
    const at = r.pos;
    const t = r.index('function type index', nTypes);
    if (i < nf && t !== importFuncTypes[i]) r.fail(`function ${i} has type ${t}, its import says ${importFuncTypes[i]}`, at);
    funcTypes.push(t);
  }
  const nDefTables = r.count('tables', 10);
  for (let i = 0; i < nDefTables; i++) tables.push({ elem: readRefType(r, 'table element type'), limits: readLimits(r, 'table limits', NONE) });
  const nDefMems = r.count('memories', 9);
  for (let i = 0; i < nDefMems; i++) memories.push({ limits: readLimits(r, 'memory limits', MAX_PAGES) });
  const nDefGlobals = r.count('globals', 4);
  const globals = [...importedGlobals];
  const globalInits: ConstExpr[] = [];
  const initCx: ConstContext = { funcs: nFuncs, globals: importedGlobals };
  for (let i = 0; i < nDefGlobals; i++) {
    const type = readValType(r, 'global type');
    const at = r.pos;
    const mut = r.u8('global mutability');
    if (mut > 1) r.fail(`global mutability ${mut} is neither 0 nor 1`, at);
    globalInits.push(readConst(r, `initializer of global ${globals.length}`, type, initCx));
    globals.push({ type, mutable: mut === 1 });
  }
  const nExports = r.count('exports', 9);
  const exports: ModuleInfo['exports'] = [];
  const names = new Set<string>();
  for (let i = 0; i < nExports; i++) {
    const at = r.pos;
    const ename = r.str('export name');
    if (names.has(ename)) r.fail(`export name ${JSON.stringify(ename)} appears twice`, at);
    names.add(ename);
    const kAt = r.pos;
    const kind = r.u8('export kind');
    const limit = [nFuncs, tables.length, memories.length, globals.length][kind];
    if (limit === undefined) r.fail(`export kind ${kind} is not a function, table, memory or global`, kAt);
    exports.push({ name: ename, kind: kind as ExternKind, index: r.index(`export ${JSON.stringify(ename)} index`, limit) });
  }
  const sAt = r.pos;
  const startRaw = r.u32('start function');
  let start: number | undefined;
  if (startRaw !== NONE) {
    if (startRaw >= nFuncs) r.fail(`start function ${startRaw} out of range (${nFuncs} functions)`, sAt);
    start = startRaw;
  }
  const segCx: ConstContext = { funcs: nFuncs, globals: importedGlobals };
  const itemCx: ConstContext = { funcs: nFuncs, globals: importedGlobals };
  const nElems = r.count('element segments', 10);
  const elements: ArtifactElement[] = [];
  for (let i = 0; i < nElems; i++) {
    const at = r.pos;
    const modeByte = r.u8('element mode');
    if (modeByte > 2) r.fail(`element mode ${modeByte} is not active, passive or declarative`, at);
    const mode = (['active', 'passive', 'declarative'] as const)[modeByte];
    const tAt = r.pos;
    const table = r.u32('element table');
    if (mode === 'active' && table >= tables.length) r.fail(`element segment ${i} targets table ${table} (${tables.length} tables)`, tAt);
    const offset = mode === 'active' ? readConst(r, `offset of element segment ${i}`, 0x7f as ValType, segCx) : undefined;
    const type = readRefType(r, 'element type');
    if (mode === 'active' && tables[table].elem !== type) r.fail(`element segment ${i} of type 0x${type.toString(16)} targets a table of 0x${tables[table].elem.toString(16)}`, tAt);
    const n = r.count('element items', 2);
    const items: ConstExpr[] = [];
    for (let k = 0; k < n; k++) items.push(readConst(r, `item ${k} of element segment ${i}`, type, itemCx));
    elements.push(offset === undefined ? { mode, table, type, items } : { mode, table, offset, type, items });
  }
  const nData = r.count('data segments', 13);
  const data: ArtifactData[] = [];
  for (let i = 0; i < nData; i++) {
    const at = r.pos;
    const modeByte = r.u8('data mode');
    if (modeByte > 1) r.fail(`data mode ${modeByte} is neither active nor passive`, at);
    const mode = modeByte === 0 ? 'active' : 'passive';
    const mAt = r.pos;
    const memory = r.u32('data memory');
    if (mode === 'active' && memory >= memories.length) r.fail(`data segment ${i} targets memory ${memory} (${memories.length} memories)`, mAt);
    const offset = mode === 'active' ? readConst(r, `offset of data segment ${i}`, 0x7f as ValType, segCx) : undefined;
    const rAt = r.pos;
    const s = r.u32('data start');
    const e = r.u32('data end');
    if (s > e || e > b.rodataSize) r.fail(`data segment ${i} spans .rodata ${s}..${e}, outside its ${b.rodataSize} bytes`, rAt);
    data.push(offset === undefined ? { mode, memory, start: s, end: e } : { mode, memory, offset, start: s, end: e });
  }
  const nDefined = r.count('defined functions', 4);
  if (nDefined !== nFuncs - nf) r.fail(`${nDefined} function bodies for ${nFuncs - nf} defined functions`);
  const functions: number[] = [];
  for (let i = 0; i < nDefined; i++) functions.push(r.index('code range', b.codeRanges));
  const layoutAt = r.pos;
  const layout = { size: r.u32(), memory: r.u32(), tables: r.u32(), globals: r.u32(), sigIds: r.u32(), funcRefs: r.u32() };
  const want = new VmctxLayout({ memories, tables, globals, types, funcTypes });
  for (const k of ['size', 'memory', 'tables', 'globals', 'sigIds', 'funcRefs'] as const) {
    if (layout[k] !== want[k]) r.fail(`vmctx layout: ${k} at ${layout[k]}, this linker lays it at ${want[k]}`, layoutAt);
  }
  return {
    name, types, imports, funcTypes, numImportedFuncs: nf, tables, numImportedTables: nt, memories, numImportedMemories: nm,
    globals, numImportedGlobals: importedGlobals.length, globalInits, exports, start, elements, data, functions, layout,
  };
}

export function decodeModules(r: LeReader, b: ModuleBounds): ModuleInfo[] {
  const n = r.count('modules', 40);
  const out: ModuleInfo[] = [];
  for (let i = 0; i < n; i++) out.push(readModule(r, b));
  r.end();
  return out;
}
