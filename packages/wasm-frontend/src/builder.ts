/**
 * Core modules written from code: `ModuleBuilder` collects types (deduplicated), imports,
 * functions with their bodies, memories, globals and exports, and writes the binary module;
 * `Code` writes one body, an instruction at a time (multi-memory memargs included). The
 * component compiler of `@windlass/linker` writes its adapters with it.
 */
import { ByteWriter } from './text/writer';
import { ExternKind, type FuncType, type GlobalType, type MemoryType, type TableType, type ValType } from './types';

const utf8 = new (globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array } }).TextEncoder();

/** Block types: empty, one value type, or a type index. */
export type BlockType = 'empty' | ValType | { type: number };

/** One function body. Locals are declared up front with `local`; the `end` is added by `finish`. */
export class Code {
  readonly w = new ByteWriter(256);
  private readonly locals: ValType[] = [];

  constructor(readonly numParams: number) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.numParams + this.locals.length - 1;
  }

  op(op: number): this {
    this.w.u8(op);
    return this;
  }
  /** A 0xFC-prefixed operator. */
  fc(sub: number): this {
    this.w.u8(0xfc);
    this.w.u32(sub);
    return this;
  }
  u32(v: number): this {
    this.w.u32(v);
    return this;
  }
  i32(v: number): this {
    this.w.u8(0x41);
    this.w.sleb(v | 0);
    return this;
  }
  i64(v: bigint): this {
    this.w.u8(0x42);
    this.w.s64(v);
    return this;
  }
  get(l: number): this {
    return this.op(0x20).u32(l);
  }
  set(l: number): this {
    return this.op(0x21).u32(l);
  }
  tee(l: number): this {
    return this.op(0x22).u32(l);
  }
  globalGet(g: number): this {
    return this.op(0x23).u32(g);
  }
  globalSet(g: number): this {
    return this.op(0x24).u32(g);
  }
  call(f: number): this {
    return this.op(0x10).u32(f);
  }
  private blockType(bt: BlockType): void {
    if (bt === 'empty') this.w.u8(0x40);
    else if (typeof bt === 'number') this.w.u8(bt);
    else this.w.sleb(bt.type);
  }
  block(bt: BlockType = 'empty'): this {
    this.op(0x02);
    this.blockType(bt);
    return this;
  }
  loop(bt: BlockType = 'empty'): this {
    this.op(0x03);
    this.blockType(bt);
    return this;
  }
  if(bt: BlockType = 'empty'): this {
    this.op(0x04);
    this.blockType(bt);
    return this;
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c).u32(depth);
  }
  brIf(depth: number): this {
    return this.op(0x0d).u32(depth);
  }
  /** A load or store `op` of memory `mem` with alignment exponent `align` and offset. */
  mem(op: number, mem: number, align: number, offset = 0): this {
    this.w.u8(op);
    if (mem === 0) this.w.u32(align);
    else {
      this.w.u32(align | 0x40);
      this.w.u32(mem);
    }
    this.w.u32(offset);
    return this;
  }
  memorySize(mem: number): this {
    return this.op(0x3f).u32(mem);
  }
  memoryGrow(mem: number): this {
    return this.op(0x40).u32(mem);
  }
  memoryCopy(dst: number, src: number): this {
    return this.fc(10).u32(dst).u32(src);
  }
  memoryFill(mem: number): this {
    return this.fc(11).u32(mem);
  }

  /** The body's bytes: locals (run-length), code, `end`. */
  finish(): Uint8Array {
    const out = new ByteWriter(this.w.length + 16);
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    out.u32(runs.length);
    for (const [n, t] of runs) {
      out.u32(n);
      out.u8(t);
    }
    out.append(this.w);
    out.u8(0x0b);
    return out.toBytes();
  }
}

type ImportDesc = { kind: ExternKind.Func; type: number } | { kind: ExternKind.Table; t: TableType } | { kind: ExternKind.Memory; t: MemoryType } | { kind: ExternKind.Global; t: GlobalType };

export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: { module: string; name: string; desc: ImportDesc }[] = [];
  private readonly funcs: { type: number; body?: Uint8Array }[] = [];
  private readonly memories: MemoryType[] = [];
  private readonly globals: { t: GlobalType; init: Uint8Array }[] = [];
  private readonly exports: { name: string; kind: ExternKind; index: number }[] = [];
  private numImportedFuncs = 0;
  private numImportedMemories = 0;
  private numImportedGlobals = 0;
  private startFunc: number | undefined;

  /** The index of function type `t` (added once). */
  type(t: FuncType): number {
    const key = `${t.params.join(',')}>${t.results.join(',')}`;
    let i = this.typeKeys.get(key);
    if (i === undefined) {
      i = this.types.length;
      this.types.push({ params: [...t.params], results: [...t.results] });
      this.typeKeys.set(key, i);
    }
    return i;
  }

  /** Imports come before definitions: call these first. */
  importFunc(module: string, name: string, t: FuncType): number {
    if (this.funcs.length > this.numImportedFuncs) throw new Error('function imports must come before defined functions');
    this.imports.push({ module, name, desc: { kind: ExternKind.Func, type: this.type(t) } });
    this.funcs.push({ type: this.type(t) });
    return this.numImportedFuncs++;
  }
  importMemory(module: string, name: string, t: MemoryType): number {
    this.imports.push({ module, name, desc: { kind: ExternKind.Memory, t } });
    this.memories.push(t);
    return this.numImportedMemories++;
  }
  importGlobal(module: string, name: string, t: GlobalType): number {
    this.imports.push({ module, name, desc: { kind: ExternKind.Global, t } });
    this.globals.push({ t, init: new Uint8Array(0) });
    return this.numImportedGlobals++;
  }

  /** A defined function; its body is given now or later with `define`. */
  func(t: FuncType, body?: Code | Uint8Array): number {
    this.funcs.push({ type: this.type(t), body: body instanceof Code ? body.finish() : body });
    return this.funcs.length - 1;
  }
  define(f: number, body: Code | Uint8Array): void {
    this.funcs[f].body = body instanceof Code ? body.finish() : body;
  }
  memory(t: MemoryType): number {
    this.memories.push(t);
    return this.memories.length - 1;
  }
  /** A defined global with an `i32.const` / `i64.const` initializer. */
  global(t: GlobalType, init: number | bigint = 0): number {
    const w = new ByteWriter(12);
    if (typeof init === 'bigint') {
      w.u8(0x42);
      w.s64(init);
    } else {
      w.u8(0x41);
      w.sleb(init | 0);
    }
    w.u8(0x0b);
    this.globals.push({ t, init: w.toBytes() });
    return this.globals.length - 1;
  }
  export(name: string, kind: ExternKind, index: number): void {
    this.exports.push({ name, kind, index });
  }
  start(f: number): void {
    this.startFunc = f;
  }

  finish(): Uint8Array {
    const out = new ByteWriter(1024);
    for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.u8(b);
    const section = (id: number, fill: (w: ByteWriter) => void): void => {
      const w = new ByteWriter();
      fill(w);
      out.u8(id);
      out.u32(w.length);
      out.append(w);
    };
    const limits = (w: ByteWriter, l: { min: number; max?: number }): void => {
      w.u8(l.max === undefined ? 0 : 1);
      w.u32(l.min);
      if (l.max !== undefined) w.u32(l.max);
    };
    const name = (w: ByteWriter, s: string): void => w.vec(utf8.encode(s));
    if (this.types.length) {
      section(1, (w) => {
        w.u32(this.types.length);
        for (const t of this.types) {
          w.u8(0x60);
          w.u32(t.params.length);
          for (const p of t.params) w.u8(p);
          w.u32(t.results.length);
          for (const r of t.results) w.u8(r);
        }
      });
    }
    if (this.imports.length) {
      section(2, (w) => {
        w.u32(this.imports.length);
        for (const imp of this.imports) {
          name(w, imp.module);
          name(w, imp.name);
          w.u8(imp.desc.kind);
          const d = imp.desc;
          if (d.kind === ExternKind.Func) w.u32(d.type);
          else if (d.kind === ExternKind.Table) {
            w.u8(d.t.elem);
            limits(w, d.t.limits);
          } else if (d.kind === ExternKind.Memory) limits(w, d.t.limits);
          else {
            w.u8(d.t.type);
            w.u8(d.t.mutable ? 1 : 0);
          }
        }
      });
    }
    const defined = this.funcs.slice(this.numImportedFuncs);
    if (defined.length) {
      section(3, (w) => {
        w.u32(defined.length);
        for (const f of defined) w.u32(f.type);
      });
    }
    const mems = this.memories.slice(this.numImportedMemories);
    if (mems.length) {
      section(5, (w) => {
        w.u32(mems.length);
        for (const m of mems) limits(w, m.limits);
      });
    }
    const globals = this.globals.slice(this.numImportedGlobals);
    if (globals.length) {
      section(6, (w) => {
        w.u32(globals.length);
        for (const g of globals) {
          w.u8(g.t.type);
          w.u8(g.t.mutable ? 1 : 0);
          w.bytes(g.init);
        }
      });
    }
    if (this.exports.length) {
      section(7, (w) => {
        w.u32(this.exports.length);
        for (const e of this.exports) {
          name(w, e.name);
          w.u8(e.kind);
          w.u32(e.index);
        }
      });
    }
    if (this.startFunc !== undefined) section(8, (w) => w.u32(this.startFunc!));
    if (defined.length) {
      section(10, (w) => {
        w.u32(defined.length);
        for (const f of defined) {
          if (!f.body) throw new Error('a function without a body');
          w.vec(f.body);
        }
      });
    }
    return out.toBytes();
  }
}
