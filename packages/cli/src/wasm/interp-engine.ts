/**
 * Runs wasm modules as Windlass IR on `@windlass/interpreter`: the modules are translated by
 * `@windlass/wasm-frontend` with its `StandardEnvironment`, and this host implements that
 * environment's `vmctx` layout and libcalls in TypeScript over the interpreter's memory.
 *
 * Store layout: one arena (the interpreter's linear memory, kept across calls) holds every
 * instance's vmctx, memory / table records, table elements, global storage and linear memories.
 * Interpreter frames live above the arena's floor; a memory or table that outgrows its
 * reservation moves to the top of the arena (its record's base pointer is updated, and the
 * translated code reloads base pointers from the record on every access).
 */
import {
  Function as IrFunction,
  I64,
  CALL,
  CALL_INDIRECT,
  RETURN,
  TRAP_HEAP_OOB,
  TRAP_STK_OVF,
  abiParam,
  type Signature,
} from '@windlass/ir';
import {
  FUNC_BASE,
  LinearMemory,
  MEMORY_BASE,
  TrapSignal,
  interpret,
  type Exec,
  type Libcall,
  type Value as IValue,
} from '@windlass/interpreter';
import {
  ExternKind,
  SsaBuilder,
  TRAP_TABLE_OOB,
  WASM_TRAP_MESSAGES,
  irType,
  translateFunction,
  type ConstExpr,
  type FuncType,
  type Module,
} from '@windlass/wasm-frontend';
import { StandardEnvironment, VmctxLayout } from '@windlass/linker';
import { WastExhaustion, WastLinkError, WastTrap, type WastEngine, type WastInstance } from './engine';
import { HarnessError, valTypeOf, type WastValue } from './values';

const PAGE = 65536;

/** The interpreter's memory, kept across calls; frames never release below `floor`. */
class ArenaMemory extends LinearMemory {
  floor = 0;

  constructor() {
    super();
    this.bytes = new Uint8Array(1 << 20);
  }

  override alloc(size: number, align: number): number {
    const a = Math.max(align, 1);
    const start = Math.ceil(Math.max(this.top, this.floor) / a) * a;
    const end = start + size;
    if (end > 1 << 30) return -1;
    this.ensure(end);
    this.bytes.fill(0, start, end);
    this.top = end;
    return MEMORY_BASE + start;
  }

  override release(mark: number): void {
    this.top = Math.max(mark, this.floor);
  }

  ensure(end: number): void {
    if (end <= this.bytes.length) return;
    let n = this.bytes.length;
    while (n < end) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.bytes);
    this.bytes = b;
  }

  /** Host allocation: zeroed, 16-aligned, never reused by frames; -1 when the arena is full. */
  tryHostAlloc(size: number): number {
    const addr = this.alloc(size, 16);
    if (addr >= 0) this.floor = this.top;
    return addr;
  }

  hostAlloc(size: number): number {
    const addr = this.tryHostAlloc(size);
    if (addr < 0) throw new TrapSignal(TRAP_HEAP_OOB);
    return addr;
  }

  off(addr: number): number {
    return addr - MEMORY_BASE;
  }
  u32(addr: number): number {
    const o = this.off(addr);
    const b = this.bytes;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }
  setU32(addr: number, v: number): void {
    const o = this.off(addr);
    const b = this.bytes;
    b[o] = v;
    b[o + 1] = v >>> 8;
    b[o + 2] = v >>> 16;
    b[o + 3] = v >>> 24;
  }
  /** 64-bit fields hold addresses and handles, all below 2^53. */
  u64(addr: number): number {
    return this.u32(addr) + this.u32(addr + 4) * 2 ** 32;
  }
  setU64(addr: number, v: number): void {
    this.setU32(addr, v >>> 0);
    this.setU32(addr + 4, Math.floor(v / 2 ** 32));
  }
}

interface MemoryObj {
  rec: number;
  pages: number;
  capacity: number;
  max: number;
}
interface TableObj {
  rec: number;
  len: number;
  capacity: number;
  max: number;
  elem: number;
}
interface GlobalObj {
  addr: number;
  type: number;
  mutable: boolean;
}
type Extern =
  | { kind: ExternKind.Func; rec: number; type: FuncType }
  | { kind: ExternKind.Table; table: TableObj }
  | { kind: ExternKind.Memory; memory: MemoryObj }
  | { kind: ExternKind.Global; global: GlobalObj };

interface Instance extends WastInstance {
  vmctx: number;
  layout: VmctxLayout;
  memories: MemoryObj[];
  tables: TableObj[];
  globals: GlobalObj[];
  /** Element segments as resolved values; empty once dropped. */
  elems: number[][];
  /** Data segments as byte ranges of the module; length 0 once dropped. */
  data: Uint8Array[];
  exports: Map<string, Extern>;
}

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

export class InterpreterEngine implements WastEngine {
  readonly name = 'interpreter';
  readonly specTrapMessages = true;
  private readonly arena = new ArenaMemory();
  private readonly functions = new Map<string, IrFunction>();
  private readonly targets: ({ kind: 'function'; func: IrFunction } | { kind: 'libcall'; name: string })[] = [];
  private readonly sigIds = new Map<string, number>();
  private readonly byVmctx = new Map<number, Instance>();
  private readonly registry = new Map<string, Map<string, Extern>>();
  private readonly handles: unknown[] = [null];
  private readonly handleOf = new Map<unknown, number>();
  private readonly trampolines = new Map<string, IrFunction>();
  private readonly libcalls: Record<string, Libcall>;
  private namespace = 0;

  constructor() {
    this.libcalls = this.makeLibcalls();
    this.registry.set('spectest', this.spectest());
  }

  // ------------------------------------------------------------------ store helpers

  private sigId(t: FuncType): number {
    const key = `${t.params.join(',')}>${t.results.join(',')}`;
    let id = this.sigIds.get(key);
    if (id === undefined) this.sigIds.set(key, (id = this.sigIds.size + 1));
    return id;
  }

  private addTarget(t: { kind: 'function'; func: IrFunction } | { kind: 'libcall'; name: string }): number {
    this.targets.push(t);
    return FUNC_BASE + 16 * (this.targets.length - 1);
  }

  private newMemory(min: number, max: number | undefined): MemoryObj {
    const a = this.arena;
    const rec = a.hostAlloc(16);
    const base = a.hostAlloc(min * PAGE);
    a.setU64(rec, base);
    a.setU64(rec + 8, min * PAGE);
    return { rec, pages: min, capacity: min, max: max ?? 65536 };
  }

  private growMemory(m: MemoryObj, delta: number): number {
    const old = m.pages;
    const want = old + delta;
    if (want > m.max) return -1;
    const a = this.arena;
    if (want > m.capacity) {
      const cap = Math.min(m.max, Math.max(want, m.capacity * 2, 1));
      // The spec lets memory.grow fail: it does when the arena cannot hold the new size.
      const base = a.tryHostAlloc(cap * PAGE);
      if (base < 0) return -1;
      const oldBase = a.u64(m.rec);
      a.bytes.copyWithin(a.off(base), a.off(oldBase), a.off(oldBase) + old * PAGE);
      a.setU64(m.rec, base);
      m.capacity = cap;
    }
    m.pages = want;
    a.setU64(m.rec + 8, want * PAGE);
    return old;
  }

  private newTable(elem: number, min: number, max: number | undefined): TableObj {
    const a = this.arena;
    const rec = a.hostAlloc(16);
    const base = a.hostAlloc(Math.max(min, 1) * 8);
    a.setU64(rec, base);
    a.setU32(rec + 8, min);
    a.setU32(rec + 12, max ?? 0xffffffff);
    return { rec, len: min, capacity: Math.max(min, 1), max: max ?? 0xffffffff, elem };
  }

  private growTable(t: TableObj, delta: number, init: number): number {
    const old = t.len;
    const want = old + delta;
    if (want > t.max || want > 10_000_000) return -1;
    const a = this.arena;
    if (want > t.capacity) {
      const cap = Math.max(want, t.capacity * 2);
      const base = a.tryHostAlloc(cap * 8);
      if (base < 0) return -1;
      const oldBase = a.u64(t.rec);
      a.bytes.copyWithin(a.off(base), a.off(oldBase), a.off(oldBase) + old * 8);
      a.setU64(t.rec, base);
      t.capacity = cap;
    }
    const base = a.u64(t.rec);
    for (let i = old; i < want; i++) a.setU64(base + 8 * i, init);
    t.len = want;
    a.setU32(t.rec + 8, want);
    return old;
  }

  private tableBase(t: TableObj): number {
    return this.arena.u64(t.rec);
  }

  private memBase(m: MemoryObj): number {
    return this.arena.u64(m.rec);
  }

  private newGlobal(type: number, mutable: boolean): GlobalObj {
    return { addr: this.arena.hostAlloc(16), type, mutable };
  }

  private handle(obj: unknown): number {
    if (obj === null) return 0;
    let h = this.handleOf.get(obj);
    if (h === undefined) {
      h = this.handles.length;
      this.handles.push(obj);
      this.handleOf.set(obj, h);
    }
    return h;
  }

  // ------------------------------------------------------------------ spectest

  private spectest(): Map<string, Extern> {
    const ex = new Map<string, Extern>();
    const prints: [string, number[]][] = [
      ['print', []],
      ['print_i32', [0x7f]],
      ['print_i64', [0x7e]],
      ['print_f32', [0x7d]],
      ['print_f64', [0x7c]],
      ['print_i32_f32', [0x7f, 0x7d]],
      ['print_f64_f64', [0x7c, 0x7c]],
    ];
    for (const [name, params] of prints) {
      const type = { params, results: [] } as unknown as FuncType;
      const rec = this.arena.hostAlloc(24);
      this.libcalls[`spectest_${name}`] = () => [];
      this.arena.setU64(rec, this.addTarget({ kind: 'libcall', name: `spectest_${name}` }));
      this.arena.setU32(rec + 16, this.sigId(type));
      ex.set(name, { kind: ExternKind.Func, rec, type });
    }
    ex.set('table', { kind: ExternKind.Table, table: this.newTable(0x70, 10, 20) });
    ex.set('memory', { kind: ExternKind.Memory, memory: this.newMemory(1, 2) });
    const g = (type: number, write: (addr: number) => void): Extern => {
      const global = this.newGlobal(type, false);
      write(global.addr);
      return { kind: ExternKind.Global, global };
    };
    const a = this.arena;
    ex.set('global_i32', g(0x7f, (p) => a.setU32(p, 666)));
    ex.set('global_i64', g(0x7e, (p) => a.setU64(p, 666)));
    ex.set('global_f32', g(0x7d, (p) => a.setU32(p, new Uint32Array(new Float32Array([666.6]).buffer)[0])));
    ex.set(
      'global_f64',
      g(0x7c, (p) => {
        const w = new Uint32Array(new Float64Array([666.6]).buffer);
        a.setU32(p, w[0]);
        a.setU32(p + 4, w[1]);
      }),
    );
    return ex;
  }

  // ------------------------------------------------------------------ instantiation

  private resolveImports(m: Module): Extern[] {
    const out: Extern[] = [];
    for (const imp of m.imports) {
      const ex = this.registry.get(imp.module)?.get(imp.name);
      const what = `${imp.module}.${imp.name}`;
      if (!ex) throw new WastLinkError(`unknown import ${what}`);
      const d = imp.desc;
      if (ex.kind !== d.kind) throw new WastLinkError(`incompatible import type for ${what}`);
      switch (d.kind) {
        case ExternKind.Func:
          if (!sameType((ex as { type: FuncType }).type, m.types[d.typeIndex]))
            throw new WastLinkError(`incompatible import type for ${what}: signature`);
          break;
        case ExternKind.Table: {
          const t = (ex as { table: TableObj }).table;
          const lim = d.table.limits;
          if (t.elem !== d.table.elem || t.len < lim.min || (lim.max !== undefined && (t.max === 0xffffffff || t.max > lim.max)))
            throw new WastLinkError(`incompatible import type for ${what}: table`);
          break;
        }
        case ExternKind.Memory: {
          const mm = (ex as { memory: MemoryObj }).memory;
          const lim = d.memory.limits;
          if (mm.pages < lim.min || (lim.max !== undefined && (mm.max === 65536 || mm.max > lim.max)))
            throw new WastLinkError(`incompatible import type for ${what}: memory`);
          break;
        }
        case ExternKind.Global: {
          const g = (ex as { global: GlobalObj }).global;
          if (g.type !== d.global.type || g.mutable !== d.global.mutable)
            throw new WastLinkError(`incompatible import type for ${what}: global`);
          break;
        }
      }
      out.push(ex);
    }
    return out;
  }

  private constValue(inst: Instance, e: ConstExpr): { lo: number; hi: number; bytes?: Uint8Array } {
    const a = this.arena;
    switch (e.op) {
      case 'i32.const':
        return { lo: e.value >>> 0, hi: 0 };
      case 'i64.const':
        return { lo: Number(BigInt.asUintN(32, e.value)), hi: Number(BigInt.asUintN(32, e.value >> 32n)) };
      case 'f32.const':
        return { lo: e.bits, hi: 0 };
      case 'f64.const':
        return { lo: Number(e.bits & 0xffffffffn), hi: Number(e.bits >> 32n) };
      case 'v128.const':
        return { lo: 0, hi: 0, bytes: e.bytes };
      case 'ref.null':
        return { lo: 0, hi: 0 };
      case 'ref.func': {
        const addr = inst.vmctx + inst.layout.funcRef(e.func);
        return { lo: addr >>> 0, hi: Math.floor(addr / 2 ** 32) };
      }
      case 'global.get': {
        const g = inst.globals[e.global];
        const o = a.off(g.addr);
        return { lo: a.u32(g.addr), hi: a.u32(g.addr + 4), bytes: a.bytes.slice(o, o + 16) };
      }
    }
  }

  private writeGlobal(g: GlobalObj, v: { lo: number; hi: number; bytes?: Uint8Array }): void {
    const a = this.arena;
    if (g.type === 0x7b && v.bytes) a.bytes.set(v.bytes.subarray(0, 16), a.off(g.addr));
    else {
      a.setU32(g.addr, v.lo);
      a.setU32(g.addr + 4, v.hi);
    }
  }

  instantiate(_bytes: Uint8Array, m: Module): WastInstance {
    const imports = this.resolveImports(m);
    const a = this.arena;
    const layout = new VmctxLayout(m);
    const vmctx = a.hostAlloc(layout.size);
    const inst: Instance = {
      module: m,
      vmctx,
      layout,
      memories: [],
      tables: [],
      globals: [],
      elems: [],
      data: [],
      exports: new Map(),
    };
    this.byVmctx.set(vmctx, inst);
    const ns = ++this.namespace;
    const env = new StandardEnvironment(m, { namespace: ns });
    // Functions: imported records are copied; defined ones are translated now.
    let importedFunc = 0;
    imports.forEach((ex, i) => {
      const d = m.imports[i].desc;
      if (d.kind === ExternKind.Func) {
        const src = (ex as { rec: number }).rec;
        const dst = vmctx + layout.funcRef(importedFunc++);
        a.bytes.copyWithin(a.off(dst), a.off(src), a.off(src) + 24);
      } else if (d.kind === ExternKind.Table) inst.tables.push((ex as { table: TableObj }).table);
      else if (d.kind === ExternKind.Memory) inst.memories.push((ex as { memory: MemoryObj }).memory);
      else inst.globals.push((ex as { global: GlobalObj }).global);
    });
    for (let i = 0; i < m.bodies.length; i++) {
      let f: IrFunction;
      try {
        f = translateFunction(m, i, env);
      } catch (e) {
        throw new HarnessError(`translation failed: ${(e as Error).message}`);
      }
      const index = m.numImportedFuncs + i;
      this.functions.set(`u${ns}:${index}`, f);
      const rec = vmctx + layout.funcRef(index);
      a.setU64(rec, this.addTarget({ kind: 'function', func: f }));
      a.setU64(rec + 8, vmctx);
      a.setU32(rec + 16, this.sigId(m.types[m.funcTypes[index]]));
    }
    m.types.forEach((t, i) => a.setU32(vmctx + layout.sigId(i), this.sigId(t)));
    for (let i = m.numImportedTables; i < m.tables.length; i++) {
      const t = m.tables[i];
      inst.tables.push(this.newTable(t.elem, t.limits.min, t.limits.max));
    }
    for (let i = m.numImportedMemories; i < m.memories.length; i++) {
      const mm = m.memories[i];
      inst.memories.push(this.newMemory(mm.limits.min, mm.limits.max));
    }
    inst.memories.forEach((mem, i) => a.setU64(vmctx + layout.memoryAt(i), mem.rec));
    inst.tables.forEach((t, i) => a.setU64(vmctx + layout.table(i), t.rec));
    for (let i = m.numImportedGlobals; i < m.globals.length; i++) {
      const gt = m.globals[i];
      const g = this.newGlobal(gt.type, gt.mutable);
      this.writeGlobal(g, this.constValue(inst, m.globalInits[i - m.numImportedGlobals]));
      inst.globals.push(g);
    }
    inst.globals.forEach((g, i) => a.setU64(vmctx + layout.global(i), g.addr));
    for (const e of m.exports) inst.exports.set(e.name, this.externOf(inst, e.kind, e.index));
    // Segments, in order; a failing active segment traps the instantiation (earlier effects stay).
    inst.elems = m.elements.map((seg) => seg.items.map((it) => this.constValue(inst, it).lo + this.constValue(inst, it).hi * 2 ** 32));
    inst.data = m.data.map((d) => m.bytes.subarray(d.start, d.end));
    try {
      m.elements.forEach((seg, i) => {
        if (seg.mode === 'passive') return;
        if (seg.mode === 'active') {
          const off = this.constValue(inst, seg.offset!).lo;
          this.tableInit(inst, seg.table, i, off, 0, inst.elems[i].length);
        }
        inst.elems[i] = [];
      });
      m.data.forEach((d, i) => {
        if (d.mode !== 'active') return;
        const off = this.constValue(inst, d.offset!).lo;
        this.memoryInit(inst, d.memory, i, off, 0, inst.data[i].length);
        inst.data[i] = new Uint8Array(0);
      });
    } catch (e) {
      if (e instanceof TrapSignal) throw new WastTrap(WASM_TRAP_MESSAGES[e.code] ?? `trap ${e.code}`);
      throw e;
    }
    if (m.start !== undefined) this.call(inst.vmctx + layout.funcRef(m.start), m.types[m.funcTypes[m.start]], []);
    return inst;
  }

  private externOf(inst: Instance, kind: ExternKind, index: number): Extern {
    const m = inst.module;
    switch (kind) {
      case ExternKind.Func:
        return { kind, rec: inst.vmctx + inst.layout.funcRef(index), type: m.types[m.funcTypes[index]] };
      case ExternKind.Table:
        return { kind, table: inst.tables[index] };
      case ExternKind.Memory:
        return { kind, memory: inst.memories[index] };
      default:
        return { kind: ExternKind.Global, global: inst.globals[index] };
    }
  }

  register(name: string, inst: WastInstance): void {
    this.registry.set(name, (inst as Instance).exports);
  }

  // ------------------------------------------------------------------ bulk operations

  private memoryInit(inst: Instance, memIndex: number, seg: number, dst: number, src: number, n: number): void {
    const data = inst.data[seg];
    const mem = inst.memories[memIndex];
    if (src + n > data.length || dst + n > mem.pages * PAGE) throw new TrapSignal(TRAP_HEAP_OOB);
    const a = this.arena;
    a.bytes.set(data.subarray(src, src + n), a.off(this.memBase(mem)) + dst);
  }

  private tableInit(inst: Instance, table: number, seg: number, dst: number, src: number, n: number): void {
    const items = inst.elems[seg];
    const t = inst.tables[table];
    if (src + n > items.length || dst + n > t.len) throw new TrapSignal(TRAP_TABLE_OOB);
    const base = this.tableBase(t);
    for (let i = 0; i < n; i++) this.arena.setU64(base + 8 * (dst + i), items[src + i]);
  }

  private makeLibcalls(): Record<string, Libcall> {
    const u = (v: IValue): number => (typeof v === 'bigint' ? Number(v) : (v as number));
    const instOf = (v: IValue): Instance => {
      const inst = this.byVmctx.get(u(v));
      if (!inst) throw new Error(`libcall with unknown vmctx ${String(v)}`);
      return inst;
    };
    const a = this.arena;
    return {
      wasm_enter: (_args, x) => {
        this.enter(x);
        return [];
      },
      wasm_memory_grow: ([vm, mi, delta]) => {
        const r = this.growMemory(instOf(vm).memories[u(mi)], u(delta));
        return [r >>> 0];
      },
      wasm_memory_copy: ([vm, dm, sm, d, s, n]) => {
        const dst = instOf(vm).memories[u(dm)];
        const src = instOf(vm).memories[u(sm)];
        if (u(s) + u(n) > src.pages * PAGE || u(d) + u(n) > dst.pages * PAGE) throw new TrapSignal(TRAP_HEAP_OOB);
        const db = a.off(this.memBase(dst));
        const sb = a.off(this.memBase(src));
        a.bytes.copyWithin(db + u(d), sb + u(s), sb + u(s) + u(n));
        return [];
      },
      wasm_memory_fill: ([vm, mi, d, v, n]) => {
        const mem = instOf(vm).memories[u(mi)];
        if (u(d) + u(n) > mem.pages * PAGE) throw new TrapSignal(TRAP_HEAP_OOB);
        const base = a.off(this.memBase(mem));
        a.bytes.fill(u(v) & 0xff, base + u(d), base + u(d) + u(n));
        return [];
      },
      wasm_memory_init: ([vm, mi, seg, d, s, n]) => {
        this.memoryInit(instOf(vm), u(mi), u(seg), u(d), u(s), u(n));
        return [];
      },
      wasm_data_drop: ([vm, seg]) => {
        instOf(vm).data[u(seg)] = new Uint8Array(0);
        return [];
      },
      wasm_table_init: ([vm, table, seg, d, s, n]) => {
        this.tableInit(instOf(vm), u(table), u(seg), u(d), u(s), u(n));
        return [];
      },
      wasm_elem_drop: ([vm, seg]) => {
        instOf(vm).elems[u(seg)] = [];
        return [];
      },
      wasm_table_copy: ([vm, dt, st, d, s, n]) => {
        const inst = instOf(vm);
        const dst = inst.tables[u(dt)];
        const src = inst.tables[u(st)];
        if (u(s) + u(n) > src.len || u(d) + u(n) > dst.len) throw new TrapSignal(TRAP_TABLE_OOB);
        const sb = a.off(this.tableBase(src)) + 8 * u(s);
        const db = a.off(this.tableBase(dst)) + 8 * u(d);
        a.bytes.copyWithin(db, sb, sb + 8 * u(n));
        return [];
      },
      wasm_table_grow: ([vm, table, init, n]) => {
        return [this.growTable(instOf(vm).tables[u(table)], u(n), u(init)) >>> 0];
      },
      wasm_table_fill: ([vm, table, d, v, n]) => {
        const t = instOf(vm).tables[u(table)];
        if (u(d) + u(n) > t.len) throw new TrapSignal(TRAP_TABLE_OOB);
        const base = this.tableBase(t);
        for (let i = 0; i < u(n); i++) a.setU64(base + 8 * (u(d) + i), u(v));
        return [];
      },
    };
  }

  /**
   * Points a fresh interpreter `Exec` at the store: its memory becomes the arena and its
   * function-address table the store's, so addresses stay valid from call to call.
   */
  private enter(x: Exec): void {
    const ex = x as unknown as { memory: LinearMemory; addressTargets: unknown[] };
    ex.memory = this.arena;
    ex.addressTargets = this.targets;
    this.arena.top = this.arena.floor;
  }

  // ------------------------------------------------------------------ calls

  /** Entry trampoline for a signature: (code, callee vmctx, params...) -> results. */
  private trampoline(t: FuncType): IrFunction {
    const key = `${t.params.join(',')}>${t.results.join(',')}`;
    let f = this.trampolines.get(key);
    if (f) return f;
    f = new IrFunction();
    f.name = { kind: 'testcase', name: `wasm_entry_${this.trampolines.size}` };
    const params = t.params.map((p) => abiParam(irType(p)));
    const returns = t.results.map((r) => abiParam(irType(r)));
    f.signature = { params: [abiParam(I64), abiParam(I64, 'none', 'vmctx'), ...params], returns, callConv: 'fast' };
    const callee: Signature = { params: [abiParam(I64, 'none', 'vmctx'), ...params], returns, callConv: 'fast' };
    const enterSig = f.addSigRef({ params: [], returns: [], callConv: 'fast' });
    const enter = f.addFuncRef({ name: { kind: 'testcase', name: 'wasm_enter' }, signature: enterSig, colocated: false, patchable: false });
    const sig = f.addSigRef(callee);
    const b = new SsaBuilder(f);
    const entry = b.createBlock();
    const args = f.signature.params.map((p) => b.appendBlockParam(entry, p.type));
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.call(CALL, enter, []);
    const results = b.call(CALL_INDIRECT, sig, args);
    b.terminate(RETURN, results);
    b.finish();
    this.trampolines.set(key, f);
    return f;
  }

  private call(rec: number, type: FuncType, args: IValue[]): IValue[] {
    const a = this.arena;
    const code = a.u64(rec);
    const vm = a.u64(rec + 8);
    const tramp = this.trampoline(type);
    const r = interpret(tramp, [BigInt(code), BigInt(vm), ...args], {
      functions: this.functions,
      libcalls: this.libcalls,
      fuel: 200_000_000,
    });
    this.arena.top = this.arena.floor;
    switch (r.kind) {
      case 'return':
        return r.values;
      case 'trap':
        if (r.trap === TRAP_STK_OVF) throw new WastExhaustion('call stack exhausted');
        throw new WastTrap(WASM_TRAP_MESSAGES[r.trap] ?? r.trapName);
      default:
        throw new HarnessError(`interpreter: ${r.message}`);
    }
  }

  private toInterp(v: WastValue): IValue {
    if (v.type === 'funcref' || v.type === 'externref') {
      const ref = (v as { ref: unknown }).ref;
      return BigInt(v.type === 'externref' ? this.handle(ref) : ref === null ? 0 : (ref as number));
    }
    const bytes = (v as { bytes: Uint8Array }).bytes;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (v.type) {
      case 'i32':
      case 'f32':
        return dv.getUint32(0, true);
      case 'i64':
      case 'f64':
        return dv.getBigUint64(0, true);
      default:
        return bytes.slice();
    }
  }

  private fromInterp(t: number, v: IValue): WastValue {
    const type = valTypeOf(t);
    if (type === 'funcref' || type === 'externref') {
      const n = Number(v as bigint);
      if (n === 0) return { type, ref: null };
      return { type, ref: type === 'externref' ? this.handles[n] : n };
    }
    if (type === 'v128') return { type, bytes: (v as Uint8Array).slice() };
    const size = type === 'i32' || type === 'f32' ? 4 : 8;
    const bytes = new Uint8Array(size);
    const dv = new DataView(bytes.buffer);
    if (size === 4) dv.setUint32(0, Number(v), true);
    else dv.setBigUint64(0, BigInt.asUintN(64, BigInt(v as bigint)), true);
    return { type, bytes };
  }

  invoke(instance: WastInstance, field: string, args: WastValue[]): WastValue[] {
    const inst = instance as Instance;
    const ex = inst.exports.get(field);
    if (!ex || ex.kind !== ExternKind.Func) throw new HarnessError(`no exported function ${JSON.stringify(field)}`);
    const values = this.call(ex.rec, ex.type, args.map((v) => this.toInterp(v)));
    return values.map((v, i) => this.fromInterp(ex.type.results[i], v));
  }

  get(instance: WastInstance, field: string): WastValue {
    const inst = instance as Instance;
    const ex = inst.exports.get(field);
    if (!ex || ex.kind !== ExternKind.Global) throw new HarnessError(`no exported global ${JSON.stringify(field)}`);
    const g = ex.global;
    const a = this.arena;
    const o = a.off(g.addr);
    const bytes = a.bytes.slice(o, o + 16);
    const type = valTypeOf(g.type);
    if (type === 'funcref' || type === 'externref') return this.fromInterp(g.type, BigInt(a.u64(g.addr)));
    const size = type === 'v128' ? 16 : type === 'i32' || type === 'f32' ? 4 : 8;
    return { type, bytes: bytes.slice(0, size) };
  }
}

