/**
 * Binary decoding of a module, section by section, with the module-level validation rules
 * (indices, limits, constant expressions, export names, start function, segment types).
 * Function bodies are only framed here (locals decoded, code kept as a byte range); their
 * operators are validated by `validateFunction`.
 */
import { WasmInvalidError, WasmMalformedError, WasmUnsupportedError } from './errors';
import { OperatorReader } from './operators';
import { ByteReader } from './reader';
import {
  ExternKind,
  F32,
  F64,
  FUNCREF,
  I32,
  I64,
  V128,
  isValType,
  valTypeName,
  type ConstExpr,
  type CustomSection,
  type DataSegment,
  type ElementSegment,
  type GlobalType,
  type Limits,
  type MemoryType,
  type Module,
  type NameSection,
  type TableType,
  type ValType,
  type WasmFeatures,
} from './types';

/** Position of each section id in the required order (custom sections excluded). */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];
const MAX_PAGES = 65536;

export function emptyModule(bytes: Uint8Array): Module {
  return {
    bytes,
    types: [],
    imports: [],
    funcTypes: [],
    numImportedFuncs: 0,
    tables: [],
    numImportedTables: 0,
    memories: [],
    numImportedMemories: 0,
    globals: [],
    numImportedGlobals: 0,
    globalInits: [],
    exports: [],
    elements: [],
    data: [],
    bodies: [],
    customs: [],
  };
}

class ModuleDecoder {
  readonly r: ByteReader;
  readonly m: Module;
  private numDeclaredFuncs = -1;
  /** Functions referenced outside function bodies: the only legal `ref.func` targets in code. */
  readonly declaredRefs = new Set<number>();

  constructor(
    bytes: Uint8Array,
    readonly features: WasmFeatures = {},
  ) {
    this.r = new ByteReader(bytes);
    this.m = emptyModule(bytes);
    if (features.multiMemory) this.m.features = { ...features };
  }

  invalid(rule: string, detail?: string, offset = this.r.pos): never {
    throw new WasmInvalidError(rule, { offset, section: this.r.section, func: this.r.func }, detail);
  }

  decode(): Module {
    const r = this.r;
    this.header();
    let lastRank = 0;
    let sawCode = false;
    let sawData = false;
    while (r.pos < r.bytes.length) {
      r.section = -1;
      r.end = r.bytes.length;
      const idPos = r.pos;
      const id = r.u8();
      if (id > 12) r.fail('malformed section id', `id ${id}`, idPos);
      r.section = id;
      const size = r.u32();
      if (size > r.bytes.length - r.pos) r.fail('section size mismatch', `size ${size} exceeds the module`, idPos);
      const start = r.pos;
      const end = start + size;
      r.end = end;
      if (id !== 0) {
        const rank = SECTION_RANK[id];
        if (rank <= lastRank) r.fail('unexpected content after last section', `section ${id} out of order`, idPos);
        lastRank = rank;
      }
      this.section(id, end);
      if (id === 10) sawCode = true;
      if (id === 11) sawData = true;
      if (r.pos !== end) r.fail('section size mismatch', `${end - r.pos} bytes left`, r.pos);
    }
    r.section = -1;
    const declared = Math.max(this.numDeclaredFuncs, 0);
    if (!sawCode && declared > 0)
      r.fail('function and code section have inconsistent lengths', `${declared} functions, no code`);
    if (this.m.dataCount !== undefined && !sawData && this.m.dataCount !== 0)
      r.fail('data count and data section have inconsistent lengths');
    return this.m;
  }

  private header(): void {
    const r = this.r;
    r.section = -1;
    if (r.bytes.length < 4) r.fail('unexpected end', 'missing magic number');
    const b = r.bytes;
    if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) r.fail('magic header not detected');
    r.pos = 4;
    if (b.length < 8) r.fail('unexpected end', 'missing version');
    if (b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) r.fail('unknown binary version', undefined, 4);
    r.pos = 8;
  }

  private section(id: number, end: number): void {
    switch (id) {
      case 0:
        return this.custom(end);
      case 1:
        return this.typeSection();
      case 2:
        return this.importSection();
      case 3:
        return this.functionSection();
      case 4:
        return this.tableSection();
      case 5:
        return this.memorySection();
      case 6:
        return this.globalSection();
      case 7:
        return this.exportSection();
      case 8:
        return this.startSection();
      case 9:
        return this.elementSection();
      case 10:
        return this.codeSection();
      case 11:
        return this.dataSection();
      case 12:
        this.m.dataCount = this.r.u32();
        return;
    }
  }

  private custom(end: number): void {
    const r = this.r;
    const name = r.name();
    const c: CustomSection = { name, start: r.pos, end };
    this.m.customs.push(c);
    r.pos = end;
    if (name === 'name') this.m.names = decodeNameSection(r.bytes, c.start, c.end);
  }

  valType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (!isValType(t)) r.fail('malformed value type', `0x${t.toString(16)}`, r.pos - 1);
    return t as ValType;
  }

  refType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (t !== 0x70 && t !== 0x6f) r.fail('malformed reference type', `0x${t.toString(16)}`, r.pos - 1);
    return t as ValType;
  }

  private typeSection(): void {
    const r = this.r;
    const n = r.count(3);
    for (let i = 0; i < n; i++) {
      const form = r.u8();
      if (form !== 0x60) r.fail('integer representation too long', `function type form 0x${form.toString(16)}`, r.pos - 1);
      const np = r.count(1);
      const params: ValType[] = [];
      for (let j = 0; j < np; j++) params.push(this.valType());
      const nr = r.count(1);
      const results: ValType[] = [];
      for (let j = 0; j < nr; j++) results.push(this.valType());
      this.m.types.push({ params, results });
    }
  }

  limits(maxBound: number, what: string): Limits {
    const r = this.r;
    const flagPos = r.pos;
    const flag = r.u8();
    if (what === 'memory' && flag === 3)
      throw new WasmUnsupportedError('shared memory (threads proposal)', { offset: flagPos, section: r.section, func: -1 });
    if (flag > 1) r.fail('integer too large', `limits flag 0x${flag.toString(16)}`, flagPos);
    const minPos = r.pos;
    const min = r.u32();
    const limits: Limits = { min };
    if (min > maxBound) this.invalid(`${what} size must be at most ${maxBound}`, undefined, minPos);
    if (flag === 1) {
      const maxPos = r.pos;
      const max = r.u32();
      if (max > maxBound) this.invalid(`${what} size must be at most ${maxBound}`, undefined, maxPos);
      if (max < min) this.invalid('size minimum must not be greater than maximum', undefined, maxPos);
      limits.max = max;
    }
    return limits;
  }

  tableType(): TableType {
    const elem = this.refType();
    return { elem, limits: this.limits(0xffffffff, 'table') };
  }

  memoryType(): MemoryType {
    return { limits: this.limits(MAX_PAGES, 'memory') };
  }

  globalType(): GlobalType {
    const type = this.valType();
    const r = this.r;
    const mut = r.u8();
    if (mut > 1) r.fail('malformed mutability', undefined, r.pos - 1);
    return { type, mutable: mut === 1 };
  }

  private typeIndex(): number {
    const pos = this.r.pos;
    const t = this.r.u32();
    if (t >= this.m.types.length) this.invalid('unknown type', `type ${t}`, pos);
    return t;
  }

  private importSection(): void {
    const r = this.r;
    const m = this.m;
    const n = r.count(4);
    for (let i = 0; i < n; i++) {
      const module = r.name();
      const name = r.name();
      const kindPos = r.pos;
      const kind = r.u8();
      switch (kind) {
        case ExternKind.Func: {
          const typeIndex = this.typeIndex();
          m.imports.push({ module, name, desc: { kind, typeIndex } });
          m.funcTypes.push(typeIndex);
          m.numImportedFuncs++;
          break;
        }
        case ExternKind.Table: {
          const table = this.tableType();
          m.imports.push({ module, name, desc: { kind, table } });
          m.tables.push(table);
          m.numImportedTables++;
          break;
        }
        case ExternKind.Memory: {
          const memory = this.memoryType();
          m.imports.push({ module, name, desc: { kind, memory } });
          m.memories.push(memory);
          m.numImportedMemories++;
          if (m.memories.length > 1 && !this.features.multiMemory) this.invalid('multiple memories', undefined, kindPos);
          break;
        }
        case ExternKind.Global: {
          const global = this.globalType();
          m.imports.push({ module, name, desc: { kind, global } });
          m.globals.push(global);
          m.numImportedGlobals++;
          break;
        }
        default:
          r.fail('malformed import kind', `0x${kind.toString(16)}`, kindPos);
      }
    }
  }

  private functionSection(): void {
    const r = this.r;
    const n = r.count(1);
    for (let i = 0; i < n; i++) this.m.funcTypes.push(this.typeIndex());
    this.numDeclaredFuncs = n;
  }

  private tableSection(): void {
    const n = this.r.count(3);
    for (let i = 0; i < n; i++) this.m.tables.push(this.tableType());
  }

  private memorySection(): void {
    const r = this.r;
    const n = r.count(2);
    for (let i = 0; i < n; i++) {
      const pos = r.pos;
      this.m.memories.push(this.memoryType());
      if (this.m.memories.length > 1 && !this.features.multiMemory) this.invalid('multiple memories', undefined, pos);
    }
  }

  private globalSection(): void {
    const r = this.r;
    const n = r.count(3);
    for (let i = 0; i < n; i++) {
      const type = this.globalType();
      const init = this.constExpr(type.type);
      this.m.globals.push(type);
      this.m.globalInits.push(init);
    }
  }

  /**
   * A constant expression of type `expected`: one constant instruction then `end`.
   * `global.get` may only name an immutable imported global (WebAssembly 2.0).
   */
  constExpr(expected: ValType): ConstExpr {
    const r = this.r;
    const ops = new OperatorReader(r);
    const start = r.pos;
    const op = ops.read();
    let e: ConstExpr;
    let t: ValType;
    switch (op) {
      case 0x41:
        e = { op: 'i32.const', value: ops.a };
        t = I32;
        break;
      case 0x42:
        e = { op: 'i64.const', value: ops.i64() };
        t = I64;
        break;
      case 0x43:
        e = { op: 'f32.const', bits: ops.a };
        t = F32;
        break;
      case 0x44: {
        const sub = new ByteReader(r.bytes, ops.immPos, ops.immPos + 8);
        e = { op: 'f64.const', bits: sub.f64Bits() };
        t = F64;
        break;
      }
      case 0x200 + 12:
        e = { op: 'v128.const', bytes: ops.immBytes(16).slice() };
        t = V128;
        break;
      case 0xd0:
        e = { op: 'ref.null', type: ops.a as ValType };
        t = ops.a as ValType;
        break;
      case 0xd2:
        if (ops.a >= this.m.funcTypes.length) this.invalid('unknown function', `function ${ops.a}`, ops.opPos);
        this.declaredRefs.add(ops.a);
        e = { op: 'ref.func', func: ops.a };
        t = FUNCREF;
        break;
      case 0x23: {
        if (ops.a >= this.m.numImportedGlobals) this.invalid('unknown global', `global ${ops.a}`, ops.opPos);
        const g = this.m.globals[ops.a];
        if (g.mutable) this.invalid('constant expression required', 'global.get of a mutable global', ops.opPos);
        e = { op: 'global.get', global: ops.a };
        t = g.type;
        break;
      }
      case 0x0b:
        return this.invalid('type mismatch', 'empty constant expression', start);
      default:
        return this.invalid('constant expression required', `operator 0x${op.toString(16)}`, ops.opPos);
    }
    const endPos = r.pos;
    const next = ops.read();
    if (next !== 0x0b) {
      if (next === 0x41 || next === 0x42 || next === 0x43 || next === 0x44 || next === 0xd0 || next === 0xd2 || next === 0x23)
        this.invalid('type mismatch', 'constant expression leaves more than one value', endPos);
      this.invalid('constant expression required', `operator 0x${next.toString(16)}`, endPos);
    }
    if (t !== expected)
      this.invalid('type mismatch', `constant expression of type ${valTypeName(t)}, expected ${valTypeName(expected)}`, start);
    return e;
  }

  private exportSection(): void {
    const r = this.r;
    const m = this.m;
    const n = r.count(3);
    const names = new Set<string>();
    for (let i = 0; i < n; i++) {
      const pos = r.pos;
      const name = r.name();
      const kindPos = r.pos;
      const kind = r.u8();
      const index = r.u32();
      if (names.has(name)) this.invalid('duplicate export name', JSON.stringify(name), pos);
      names.add(name);
      let count: number;
      let what: string;
      switch (kind) {
        case ExternKind.Func:
          count = m.funcTypes.length;
          what = 'function';
          if (index < count) this.declaredRefs.add(index);
          break;
        case ExternKind.Table:
          count = m.tables.length;
          what = 'table';
          break;
        case ExternKind.Memory:
          count = m.memories.length;
          what = 'memory';
          break;
        case ExternKind.Global:
          count = m.globals.length;
          what = 'global';
          break;
        default:
          return r.fail('malformed export kind', `0x${kind.toString(16)}`, kindPos);
      }
      if (index >= count) this.invalid(`unknown ${what}`, `${what} ${index}`, kindPos);
      m.exports.push({ name, kind, index });
    }
  }

  private startSection(): void {
    const pos = this.r.pos;
    const f = this.r.u32();
    const m = this.m;
    if (f >= m.funcTypes.length) this.invalid('unknown function', `start function ${f}`, pos);
    const t = m.types[m.funcTypes[f]];
    if (t.params.length !== 0 || t.results.length !== 0) this.invalid('start function', 'must have type [] -> []', pos);
    m.start = f;
  }

  private tableIndex(pos: number, t: number): void {
    if (t >= this.m.tables.length) this.invalid('unknown table', `table ${t}`, pos);
  }

  private elementSection(): void {
    const r = this.r;
    const n = r.count(1);
    for (let i = 0; i < n; i++) {
      const flagPos = r.pos;
      const flags = r.u32();
      if (flags > 7) r.fail('malformed elements segment kind', `flags ${flags}`, flagPos);
      const passiveOrDecl = (flags & 1) !== 0;
      const explicitTable = (flags & 2) !== 0;
      const usesExprs = (flags & 4) !== 0;
      const mode = passiveOrDecl ? (explicitTable ? 'declarative' : 'passive') : 'active';
      let table = 0;
      let offset: ConstExpr | undefined;
      if (mode === 'active') {
        const tpos = r.pos;
        if (explicitTable) table = r.u32();
        this.tableIndex(tpos, table);
        offset = this.constExpr(I32);
      }
      let type: ValType = FUNCREF;
      if (passiveOrDecl || explicitTable) {
        if (usesExprs) type = this.refType();
        else {
          const kind = r.u8();
          if (kind !== 0) r.fail('malformed element kind', `0x${kind.toString(16)}`, r.pos - 1);
        }
      }
      const count = r.count(1);
      const items: ConstExpr[] = [];
      for (let j = 0; j < count; j++) {
        if (usesExprs) items.push(this.constExpr(type));
        else {
          const pos = r.pos;
          const f = r.u32();
          if (f >= this.m.funcTypes.length) this.invalid('unknown function', `function ${f}`, pos);
          this.declaredRefs.add(f);
          items.push({ op: 'ref.func', func: f });
        }
      }
      if (mode === 'active' && this.m.tables[table].elem !== type)
        this.invalid('type mismatch', `${valTypeName(type)} segment for a ${valTypeName(this.m.tables[table].elem)} table`, flagPos);
      const seg: ElementSegment = { mode, table, offset, type, items };
      this.m.elements.push(seg);
    }
  }

  private codeSection(): void {
    const r = this.r;
    const m = this.m;
    const sectionStart = r.pos;
    const n = r.u32();
    if (n !== Math.max(this.numDeclaredFuncs, 0))
      r.fail('function and code section have inconsistent lengths', `${this.numDeclaredFuncs} functions, ${n} bodies`, sectionStart);
    for (let i = 0; i < n; i++) {
      r.func = m.numImportedFuncs + i;
      const sizePos = r.pos;
      const size = r.u32();
      if (size > r.end - r.pos) r.fail('unexpected end of section or function', `body of ${size} bytes`, sizePos);
      const start = r.pos;
      const end = start + size;
      const sectionEnd = r.end;
      r.end = end;
      const groups = r.count(2);
      const localCounts: number[] = [];
      const localTypes: ValType[] = [];
      let total = 0;
      for (let j = 0; j < groups; j++) {
        const cpos = r.pos;
        const c = r.u32();
        total += c;
        if (total > 0xffffffff) r.fail('too many locals', `${total}`, cpos);
        localCounts.push(c);
        localTypes.push(this.valType());
      }
      m.bodies.push({ start, end, codeStart: r.pos, localCounts, localTypes });
      r.end = sectionEnd;
      r.pos = end;
    }
    r.func = -1;
  }

  private dataSection(): void {
    const r = this.r;
    const m = this.m;
    const pos = r.pos;
    const n = r.count(1);
    if (m.dataCount !== undefined && m.dataCount !== n)
      r.fail('data count and data section have inconsistent lengths', `${m.dataCount} vs ${n}`, pos);
    for (let i = 0; i < n; i++) {
      const flagPos = r.pos;
      const flags = r.u32();
      if (flags > 2) r.fail('malformed data segment kind', `flags ${flags}`, flagPos);
      let memory = 0;
      let offset: ConstExpr | undefined;
      if (flags !== 1) {
        if (flags === 2) memory = r.u32();
        if (memory >= m.memories.length) this.invalid('unknown memory', `memory ${memory}`, flagPos);
        offset = this.constExpr(I32);
      }
      const lenPos = r.pos;
      const len = r.u32();
      if (len > r.end - r.pos) r.fail('unexpected end of section or function', `data of ${len} bytes`, lenPos);
      const start = r.pos;
      r.pos += len;
      const seg: DataSegment = { mode: flags === 1 ? 'passive' : 'active', memory, offset, start, end: start + len };
      m.data.push(seg);
    }
  }
}

/** The `name` custom section. Ill-formed name sections are ignored, as the spec allows. */
export function decodeNameSection(bytes: Uint8Array, start: number, end: number): NameSection | undefined {
  const names: NameSection = { functions: new Map(), locals: new Map() };
  const r = new ByteReader(bytes, start, end);
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.u32();
      if (size > r.remaining) return undefined;
      const subEnd = r.pos + size;
      const outer = r.end;
      r.end = subEnd;
      if (id === 0) names.module = r.name();
      else if (id === 1) readNameMap(r, names.functions);
      else if (id === 2) {
        const n = r.count(2);
        for (let i = 0; i < n; i++) {
          const f = r.u32();
          const map = new Map<number, string>();
          readNameMap(r, map);
          names.locals.set(f, map);
        }
      }
      r.pos = subEnd;
      r.end = outer;
    }
  } catch (e) {
    if (e instanceof WasmMalformedError) return undefined;
    throw e;
  }
  return names;
}

function readNameMap(r: ByteReader, into: Map<number, string>): void {
  const n = r.count(2);
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    into.set(idx, r.name());
  }
}

export interface DecodeResult {
  module: Module;
  /** Functions referenced outside bodies (legal `ref.func` targets inside bodies). */
  declaredRefs: Set<number>;
}

/** Decodes the sections of a module and checks its module-level rules; bodies stay unread. */
export function decodeModule(bytes: Uint8Array, features: WasmFeatures = {}): DecodeResult {
  const d = new ModuleDecoder(bytes, features);
  const module = d.decode();
  return { module, declaredRefs: d.declaredRefs };
}

