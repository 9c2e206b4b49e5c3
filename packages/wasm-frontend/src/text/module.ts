/**
 * Module fields of the text format, encoded as a binary module.
 *
 * Two passes over the fields: the first declares every identifier (functions, tables, memories,
 * globals, segments, types; so any field may name any other, before or after it) and checks the
 * module-level rules (imports before definitions, one start); the second encodes each field,
 * expanding the abbreviations (inline exports and imports, inline type uses and the types they
 * imply, inline element and data segments, offset abbreviations) in text order.
 *
 * Encoding choices follow the common reading of the text (the same bytes as wabt's `wat2wasm`
 * where the format leaves a choice): element segments use the function-index form whenever all
 * items are `ref.func` of a funcref segment; a block type naming a type with no parameters and
 * at most one result is written in its short form. The data count section is written exactly
 * when a body uses `memory.init` / `data.drop` (which need it), even when there are no data
 * segments: the text module is well formed, so its encoding must be too (the validator then
 * reports the unknown segment; wabt leaves the section out there).
 */
import { Context, Space, type FuncSig } from './context';
import { InstrParser } from './instructions';
import { Tok, type Tokens } from './lexer';
import { ByteWriter } from './writer';

export interface EncodedModule {
  bytes: Uint8Array;
  /** Source map: pairs (byte offset, text offset). */
  marks: number[];
}

export interface EncodeOptions {
  /** Write a `name` section: the module's, functions' and locals' `$names` (without the `$`). */
  names?: boolean;
  /** The module's `$name`, for the name section. */
  moduleName?: string;
}

const enum Kind {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
}

const DEFINITIONS: Record<string, Space> = { func: Space.Func, table: Space.Table, memory: Space.Memory, global: Space.Global };
const FIELD_LIST = 'a module field (type, import, func, table, memory, global, export, start, elem, data)';

/** Encodes the module fields in tokens [from, end) (`end` is the `)` of `(module` or the end of input). */
export function encodeModule(t: Tokens, from: number, end: number, options: EncodeOptions = {}): EncodedModule {
  return new ModuleEncoder(t, options).encode(from, end);
}

class ModuleEncoder {
  private readonly p: Context;
  private readonly code: InstrParser;
  private readonly fields: number[] = [];
  private readonly imports = new ByteWriter();
  private importCount = 0;
  private readonly funcs = new ByteWriter();
  private funcCount = 0;
  private readonly tables = new ByteWriter();
  private tableCount = 0;
  private readonly memories = new ByteWriter();
  private memoryCount = 0;
  private readonly globals = new ByteWriter();
  private globalCount = 0;
  private readonly exports = new ByteWriter();
  private exportCount = 0;
  private readonly start = new ByteWriter();
  private readonly elems = new ByteWriter();
  private elemCount = 0;
  private readonly bodies = new ByteWriter();
  private bodyCount = 0;
  /** Scratch for one body at a time (its size goes before it). */
  private readonly body = new ByteWriter(256);
  private readonly datas = new ByteWriter();
  private dataCount = 0;
  /** Next index per space during the second pass. */
  private readonly next = [0, 0, 0, 0, 0, 0, 0];
  /** Text offset of the field that defined each type (or first used an inline one). */
  private readonly typeAt: number[] = [];
  /** With `names`: the `$names` of each defined function's locals. */
  private readonly localNames: [number, Map<string, number>][] = [];

  constructor(
    private readonly t: Tokens,
    private readonly options: EncodeOptions,
  ) {
    this.p = new Context(t);
    this.code = new InstrParser(this.p);
  }

  encode(from: number, end: number): EncodedModule {
    const p = this.p;
    const t = this.t;
    for (let i = from; i < end; i = t.match[i] + 1) {
      if (t.kind[i] !== Tok.LParen) throw p.unexpected(i, FIELD_LIST);
      this.fields.push(i);
    }
    for (const f of this.fields) this.declare(f);
    for (const f of this.fields) this.field(f);
    return this.assemble();
  }

  // --- pass 1 ---

  private firstDefinition: string | undefined;
  private starts = 0;

  private declare(f: number): void {
    const p = this.p;
    const t = this.t;
    const kw = t.kind[f + 1] === Tok.Atom ? t.str(f + 1) : '';
    p.pos = f + 2;
    switch (kw) {
      case 'type': {
        const idTok = p.pos;
        const id = p.optId();
        p.expectOpen('func');
        const sig: FuncSig = { params: [], results: [] };
        p.paramsAndResults(sig.params, sig.results, []);
        p.expectClose();
        p.expectClose();
        p.declare(Space.Type, id, idTok);
        p.addType(sig);
        this.typeAt.push(t.start[f]);
        return;
      }
      case 'import': {
        this.checkImportOrder(f);
        p.name();
        p.name();
        if (t.kind[p.pos] !== Tok.LParen) throw p.unexpected(p.pos, 'an import description: (func ...), (table ...), (memory ...) or (global ...)');
        const kindTok = p.pos + 1;
        const space = t.kind[kindTok] === Tok.Atom ? DEFINITIONS[t.str(kindTok)] : undefined;
        if (space === undefined) throw p.unexpected(kindTok, 'func, table, memory or global');
        p.pos += 2;
        const idTok = p.pos;
        p.declare(space, p.optId(), idTok);
        return;
      }
      case 'func':
      case 'table':
      case 'memory':
      case 'global': {
        const space = DEFINITIONS[kw];
        const idTok = p.pos;
        const id = p.optId();
        this.skipExports();
        if (p.isOpen('import')) this.checkImportOrder(f);
        else {
          this.firstDefinition ??= kw;
          if (kw === 'table' && t.kind[p.pos] === Tok.Atom && p.isOpen('elem', p.pos + 1)) p.declare(Space.Elem, undefined, f);
          if (kw === 'memory' && p.isOpen('data')) p.declare(Space.Data, undefined, f);
        }
        p.declare(space, id, idTok);
        return;
      }
      case 'elem':
      case 'data': {
        const idTok = p.pos;
        p.declare(kw === 'elem' ? Space.Elem : Space.Data, p.optId(), idTok);
        return;
      }
      case 'start':
        if (++this.starts > 1) throw p.err('multiple start sections', f, 'a module has at most one start function');
        return;
      case 'export':
        return;
      default:
        throw p.unexpected(f + 1, FIELD_LIST);
    }
  }

  private checkImportOrder(f: number): void {
    const def = this.firstDefinition;
    if (def !== undefined)
      throw this.p.err(`import after ${def === 'func' ? 'function' : def}`, f, `imports must come before the module's own functions, tables, memories and globals`);
  }

  /** Skips inline `(export "name")` abbreviations (pass 1). */
  private skipExports(): void {
    const p = this.p;
    while (p.isOpen('export')) p.skipList(p.pos);
  }

  // --- pass 2 ---

  private field(f: number): void {
    const p = this.p;
    const t = this.t;
    const kw = t.str(f + 1);
    p.pos = f + 2;
    switch (kw) {
      case 'type':
        return;
      case 'import':
        return this.importField(f);
      case 'func':
        return this.func(f);
      case 'table':
        return this.table(f);
      case 'memory':
        return this.memory(f);
      case 'global':
        return this.global(f);
      case 'export':
        return this.exportField(f);
      case 'start':
        this.start.mark(t.start[f]);
        this.start.u32(p.index(Space.Func));
        p.expectClose();
        return;
      case 'elem':
        return this.elem(f);
      case 'data':
        return this.data(f);
    }
  }

  /** `(export "name")*` after a definition's id: exports of entry `index` of `kind`. */
  private inlineExports(kind: Kind, index: number): void {
    const p = this.p;
    while (p.isOpen('export')) {
      const at = p.pos;
      p.pos += 2;
      this.exportEntry(at, p.nameBytes(), kind, index);
      p.expectClose();
    }
  }

  private exportEntry(at: number, name: Uint8Array, kind: Kind, index: number): void {
    const w = this.exports;
    w.mark(this.t.start[at]);
    w.vec(name);
    w.u8(kind);
    w.u32(index);
    this.exportCount++;
  }

  private exportField(f: number): void {
    const p = this.p;
    const t = this.t;
    const name = p.nameBytes();
    if (t.kind[p.pos] !== Tok.LParen) throw p.unexpected(p.pos, '(func x), (table x), (memory x) or (global x)');
    const space = t.kind[p.pos + 1] === Tok.Atom ? DEFINITIONS[t.str(p.pos + 1)] : undefined;
    if (space === undefined) throw p.unexpected(p.pos + 1, 'func, table, memory or global');
    p.pos += 2;
    const index = p.index(space);
    p.expectClose();
    p.expectClose();
    this.exportEntry(f, name, space as number as Kind, index);
  }

  /** An import `(import "m" "n" desc)` or the inline `(import "m" "n")` of a definition. */
  private importHeader(f: number): void {
    const p = this.p;
    const w = this.imports;
    w.mark(this.t.start[f]);
    w.vec(p.nameBytes());
    w.vec(p.nameBytes());
    this.importCount++;
  }

  private importField(f: number): void {
    const p = this.p;
    const t = this.t;
    this.importHeader(f);
    const kw = t.str(p.pos + 1);
    p.pos += 2;
    p.optId();
    this.importDesc(DEFINITIONS[kw]);
    p.expectClose();
    p.expectClose();
  }

  /** What an import brings in (cursor after the kind keyword and id): written to the import section. */
  private importDesc(space: Space): void {
    const w = this.imports;
    this.next[space]++;
    switch (space) {
      case Space.Func: {
        const type = this.typeUse({ params: [], results: [] });
        w.u8(Kind.Func);
        w.u32(type);
        break;
      }
      case Space.Table:
        w.u8(Kind.Table);
        this.tableType(w);
        break;
      case Space.Memory:
        w.u8(Kind.Memory);
        this.limits(w);
        break;
      default:
        w.u8(Kind.Global);
        this.globalType(w);
    }
  }

  /** A definition's `(import "m" "n")`, if present: the rest of the field describes the import. */
  private inlineImport(f: number, space: Space): boolean {
    const p = this.p;
    if (!p.isOpen('import')) return false;
    p.pos += 2;
    this.importHeader(f);
    p.expectClose();
    this.importDesc(space);
    p.expectClose();
    return true;
  }

  private typeUse(sig: FuncSig, paramIds?: (string | undefined)[], idAt?: number[]): number {
    const p = this.p;
    const before = p.types.length;
    const at = this.t.start[p.pos];
    const index = p.typeUse(sig, paramIds, idAt);
    for (let i = before; i < p.types.length; i++) this.typeAt.push(at);
    return index;
  }

  private func(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    const index = this.next[Space.Func];
    this.inlineExports(Kind.Func, index);
    if (this.inlineImport(f, Space.Func)) return;
    this.next[Space.Func]++;
    const sig: FuncSig = { params: [], results: [] };
    const ids: (string | undefined)[] = [];
    const idAt: number[] = [];
    const type = this.typeUse(sig, ids, idAt);
    this.funcs.mark(t.start[f]);
    this.funcs.u32(type);
    this.funcCount++;
    // Locals: the parameters' names, then `(local ...)` declarations.
    const locals = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) this.nameLocal(locals, ids[i], i, idAt[i]);
    const types: number[] = [];
    let n = ids.length;
    while (p.isOpen('local')) {
      p.pos += 2;
      const idTok = p.pos;
      const id = p.optId();
      if (id !== undefined) {
        this.nameLocal(locals, id, n++, idTok);
        types.push(p.valType());
      } else {
        while (p.isAtom()) {
          types.push(p.valType());
          n++;
        }
      }
      p.expectClose();
    }
    if (this.options.names && locals.size > 0) this.localNames.push([index, locals]);
    const body = this.body;
    body.reset();
    body.mark(t.start[f]);
    writeLocals(body, types);
    this.code.parse(body, locals, t.match[f]);
    body.mark(t.start[t.match[f]]);
    body.u8(0x0b);
    p.pos = t.match[f] + 1;
    this.bodies.u32(body.length);
    this.bodies.append(body);
    this.bodyCount++;
  }

  private nameLocal(locals: Map<string, number>, id: string | undefined, index: number, at: number): void {
    if (id === undefined) return;
    if (locals.has(id)) throw this.p.err('duplicate local', at, `${id} is already a parameter or local of this function`);
    locals.set(id, index);
  }

  private limits(w: ByteWriter): number {
    const p = this.p;
    const min = p.u32('the minimum size');
    const c = p.isAtom() ? p.text.charCodeAt(p.t.start[p.pos]) : 0;
    if (c >= 0x30 && c <= 0x39) {
      const max = p.u32('the maximum size');
      w.u8(1);
      w.u32(min);
      w.u32(max);
    } else {
      w.u8(0);
      w.u32(min);
    }
    return min;
  }

  private tableType(w: ByteWriter): void {
    const p = this.p;
    const limits = new ByteWriter(12);
    this.limits(limits);
    w.u8(p.refType());
    w.append(limits);
  }

  private globalType(w: ByteWriter): void {
    const p = this.p;
    if (p.isOpen('mut')) {
      p.pos += 2;
      w.u8(p.valType());
      w.u8(1);
      p.expectClose();
    } else {
      w.u8(p.valType());
      w.u8(0);
    }
  }

  private table(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    const index = this.next[Space.Table];
    this.inlineExports(Kind.Table, index);
    if (this.inlineImport(f, Space.Table)) return;
    this.next[Space.Table]++;
    const w = this.tables;
    w.mark(t.start[f]);
    this.tableCount++;
    if (t.kind[p.pos] === Tok.Atom && p.isOpen('elem', p.pos + 1)) {
      // (table reftype (elem ...)): a table exactly as large as its inline active segment.
      const type = p.refType();
      const open = p.expectOpen('elem');
      const items = new ByteWriter();
      let count = 0;
      let allFuncs = true;
      if (p.isIndex()) {
        while (p.isIndex()) {
          items.u8(0xd2);
          items.u32(p.index(Space.Func));
          items.u8(0x0b);
          count++;
        }
      } else {
        while (t.kind[p.pos] === Tok.LParen) {
          allFuncs = this.elemExpr(items) && allFuncs;
          count++;
        }
      }
      p.expectClose();
      p.expectClose();
      w.u8(type);
      w.u8(1);
      w.u32(count);
      w.u32(count);
      const offset = new ByteWriter(4);
      offset.u8(0x41);
      offset.u8(0);
      offset.u8(0x0b);
      this.next[Space.Elem]++;
      this.elemSegment(open, 'active', index, offset, type, items, count, allFuncs && type === 0x70);
      return;
    }
    this.tableType(w);
    p.expectClose();
  }

  private memory(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    const index = this.next[Space.Memory];
    this.inlineExports(Kind.Memory, index);
    if (this.inlineImport(f, Space.Memory)) return;
    this.next[Space.Memory]++;
    const w = this.memories;
    w.mark(t.start[f]);
    this.memoryCount++;
    if (p.isOpen('data')) {
      const open = p.pos;
      p.pos += 2;
      const bytes = this.dataStrings();
      p.expectClose();
      p.expectClose();
      const pages = Math.ceil(bytes.length / 65536);
      w.u8(1);
      w.u32(pages);
      w.u32(pages);
      const offset = new ByteWriter(4);
      offset.u8(0x41);
      offset.u8(0);
      offset.u8(0x0b);
      this.next[Space.Data]++;
      this.dataSegment(open, index, offset, bytes);
      return;
    }
    this.limits(w);
    p.expectClose();
  }

  private global(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    const index = this.next[Space.Global];
    this.inlineExports(Kind.Global, index);
    if (this.inlineImport(f, Space.Global)) return;
    this.next[Space.Global]++;
    const w = this.globals;
    w.mark(t.start[f]);
    this.globalCount++;
    this.globalType(w);
    this.code.parse(w, null, t.match[f]);
    w.u8(0x0b);
    p.pos = t.match[f] + 1;
  }

  /** Concatenated string literals up to the `)` at the cursor. */
  private dataStrings(): Uint8Array {
    const p = this.p;
    const parts: Uint8Array[] = [];
    let length = 0;
    while (p.kind() === Tok.String) {
      const b = p.bytes();
      parts.push(b);
      length += b.length;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(length);
    let o = 0;
    for (const b of parts) {
      out.set(b, o);
      o += b.length;
    }
    return out;
  }

  /** `(offset instr*)` or its abbreviation, one folded instruction, as a constant expression. */
  private offsetExpr(): ByteWriter {
    const p = this.p;
    const t = this.t;
    const w = new ByteWriter(8);
    if (p.isOpen('offset')) {
      const open = p.pos;
      p.pos += 2;
      this.code.parse(w, null, t.match[open]);
      p.pos = t.match[open] + 1;
    } else this.code.parseFolded(w, p.pos);
    w.u8(0x0b);
    return w;
  }

  /** One element expression `(item instr*)` or `(instr)`, written with its `end`; whether it is a `ref.func`. */
  private elemExpr(items: ByteWriter): boolean {
    const p = this.p;
    const t = this.t;
    const start = items.length;
    if (p.isOpen('item')) {
      const open = p.pos;
      p.pos += 2;
      this.code.parse(items, null, t.match[open]);
      p.pos = t.match[open] + 1;
    } else this.code.parseFolded(items, p.pos);
    items.u8(0x0b);
    // ref.func x end
    if (items.buf[start] !== 0xd2) return false;
    let q = start + 1;
    while (items.buf[q] & 0x80) q++;
    return q + 2 === items.length;
  }

  private elem(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    this.next[Space.Elem]++;
    let mode: 'active' | 'passive' | 'declarative' = 'passive';
    let table = 0;
    let offset: ByteWriter | undefined;
    if (t.is(p.pos, 'declare')) {
      mode = 'declarative';
      p.pos++;
    } else {
      let tableUse = false;
      if (p.isOpen('table')) {
        p.pos += 2;
        table = p.index(Space.Table);
        p.expectClose();
        tableUse = true;
      }
      if (t.kind[p.pos] === Tok.LParen) {
        mode = 'active';
        offset = this.offsetExpr();
      } else if (tableUse) throw p.unexpected(p.pos, 'an offset: (offset instr*) or one folded instruction');
    }
    const items = new ByteWriter();
    let count = 0;
    let type = 0x70;
    let allFuncs = true;
    if (t.is(p.pos, 'func') || (mode === 'active' && (p.isIndex() || t.kind[p.pos] === Tok.RParen))) {
      // `func x*`, or after an offset the bare `x*` of the legacy abbreviation.
      if (t.is(p.pos, 'func')) p.pos++;
      while (p.isIndex()) {
        items.u8(0xd2);
        items.u32(p.index(Space.Func));
        items.u8(0x0b);
        count++;
      }
    } else {
      type = p.refType();
      while (t.kind[p.pos] === Tok.LParen) {
        allFuncs = this.elemExpr(items) && allFuncs;
        count++;
      }
    }
    p.expectClose();
    this.elemSegment(f, mode, table, offset, type, items, count, allFuncs && type === 0x70);
  }

  /**
   * Writes one element segment. `items` holds each item as an expression with its `end`; when
   * `funcs`, every item is `ref.func x end` and the segment is written with function indices.
   */
  private elemSegment(at: number, mode: 'active' | 'passive' | 'declarative', table: number, offset: ByteWriter | undefined, type: number, items: ByteWriter, count: number, funcs: boolean): void {
    const w = this.elems;
    w.mark(this.t.start[at]);
    this.elemCount++;
    const flags = mode === 'active' ? (funcs ? (table === 0 ? 0 : 2) : table === 0 && type === 0x70 ? 4 : 6) : mode === 'passive' ? (funcs ? 1 : 5) : funcs ? 3 : 7;
    w.u8(flags);
    if (flags === 2 || flags === 6) w.u32(table);
    if (offset) w.append(offset);
    if (flags === 1 || flags === 2 || flags === 3) w.u8(0x00);
    else if (flags >= 5) w.u8(type);
    w.u32(count);
    if (!funcs) {
      w.append(items);
      return;
    }
    // Function indices: strip `ref.func` and `end` from each item.
    const b = items.buf;
    for (let q = 0; q < items.length; ) {
      q++; // 0xd2
      while (b[q] & 0x80) w.u8(b[q++]);
      w.u8(b[q++]);
      q++; // end
    }
  }

  private data(f: number): void {
    const p = this.p;
    const t = this.t;
    p.optId();
    this.next[Space.Data]++;
    let memory = 0;
    let memUse = false;
    if (p.isOpen('memory')) {
      p.pos += 2;
      memory = p.index(Space.Memory);
      p.expectClose();
      memUse = true;
    }
    let offset: ByteWriter | undefined;
    if (t.kind[p.pos] === Tok.LParen) offset = this.offsetExpr();
    else if (memUse) throw p.unexpected(p.pos, 'an offset: (offset instr*) or one folded instruction');
    const bytes = this.dataStrings();
    p.expectClose();
    this.dataSegment(f, memory, offset, bytes);
  }

  private dataSegment(at: number, memory: number, offset: ByteWriter | undefined, bytes: Uint8Array): void {
    const w = this.datas;
    w.mark(this.t.start[at]);
    this.dataCount++;
    if (!offset) w.u8(1);
    else if (memory === 0) {
      w.u8(0);
      w.append(offset);
    } else {
      w.u8(2);
      w.u32(memory);
      w.append(offset);
    }
    w.vec(bytes);
  }

  // --- assembly ---

  private assemble(): EncodedModule {
    const p = this.p;
    const out = new ByteWriter(256);
    out.bytes(HEADER);
    const types = new ByteWriter();
    types.u32(p.types.length);
    p.types.forEach((sig, i) => {
      types.mark(this.typeAt[i] ?? 0);
      types.u8(0x60);
      types.u32(sig.params.length);
      for (const ty of sig.params) types.u8(ty);
      types.u32(sig.results.length);
      for (const ty of sig.results) types.u8(ty);
    });
    if (p.types.length > 0) section(out, 1, types);
    vecSection(out, 2, this.importCount, this.imports);
    vecSection(out, 3, this.funcCount, this.funcs);
    vecSection(out, 4, this.tableCount, this.tables);
    vecSection(out, 5, this.memoryCount, this.memories);
    vecSection(out, 6, this.globalCount, this.globals);
    vecSection(out, 7, this.exportCount, this.exports);
    if (this.start.length > 0) section(out, 8, this.start);
    vecSection(out, 9, this.elemCount, this.elems);
    if (p.usesDataCount) {
      const dc = new ByteWriter(5);
      dc.u32(this.dataCount);
      section(out, 12, dc);
    }
    vecSection(out, 10, this.bodyCount, this.bodies);
    vecSection(out, 11, this.dataCount, this.datas);
    if (this.options.names) this.nameSection(out);
    return { bytes: out.toBytes(), marks: out.marks };
  }

  /** The `name` custom section: module name, function names, local names (ids without `$`). */
  private nameSection(out: ByteWriter): void {
    const names = new ByteWriter();
    names.vec(ascii('name'));
    const sub = (id: number, w: ByteWriter): void => {
      names.u8(id);
      names.u32(w.length);
      names.append(w);
    };
    if (this.options.moduleName !== undefined) {
      const w = new ByteWriter();
      w.vec(ascii(this.options.moduleName.slice(1)));
      sub(0, w);
    }
    const funcs = [...this.p.ids[Space.Func]].sort((a, b) => a[1] - b[1]);
    if (funcs.length > 0) {
      const w = new ByteWriter();
      w.u32(funcs.length);
      for (const [name, index] of funcs) {
        w.u32(index);
        w.vec(ascii(name.slice(1)));
      }
      sub(1, w);
    }
    if (this.localNames.length > 0) {
      const w = new ByteWriter();
      w.u32(this.localNames.length);
      for (const [func, locals] of this.localNames) {
        w.u32(func);
        const sorted = [...locals].sort((a, b) => a[1] - b[1]);
        w.u32(sorted.length);
        for (const [name, index] of sorted) {
          w.u32(index);
          w.vec(ascii(name.slice(1)));
        }
      }
      sub(2, w);
    }
    section(out, 0, names);
  }
}

const HEADER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function section(out: ByteWriter, id: number, body: ByteWriter): void {
  out.u8(id);
  out.u32(body.length);
  out.append(body);
}

function vecSection(out: ByteWriter, id: number, count: number, entries: ByteWriter): void {
  if (count === 0) return;
  const body = new ByteWriter(entries.length + 5);
  body.u32(count);
  body.append(entries);
  section(out, id, body);
}

/** Bytes of an identifier or keyword (idchars are ASCII). */
function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Local declarations as run-length groups of equal types. */
function writeLocals(w: ByteWriter, types: number[]): void {
  let groups = 0;
  for (let i = 0; i < types.length; i++) if (i === 0 || types[i] !== types[i - 1]) groups++;
  w.u32(groups);
  for (let i = 0; i < types.length; ) {
    let j = i + 1;
    while (j < types.length && types[j] === types[i]) j++;
    w.u32(j - i);
    w.u8(types[i]);
    i = j;
  }
}
