/**
 * The environment: everything runtime-specific the translation goes through. The translator
 * knows wasm semantics; the environment knows where memories, tables, globals and imported
 * functions live relative to `vmctx`, how bounds are checked, and which libcalls implement
 * `memory.grow` and the bulk operations.
 *
 * `StandardEnvironment` implements it for the documented `VmctxLayout` (see the package README);
 * a native runtime or the interpreter host lays out memory to match.
 */
import {
  CALL,
  CALL_INDIRECT,
  ENDIAN_LITTLE,
  F32,
  F64,
  I32,
  I64,
  I8,
  IADD,
  IADD_IMM,
  ICMP,
  INVALID,
  IREDUCE,
  IntCC,
  ISHL_IMM,
  LOAD,
  MEM_ALIGNED,
  MEM_READONLY,
  SELECT_SPECTRE_GUARD,
  STORE,
  TRAPNZ,
  TRAPZ,
  TRAP_HEAP_OOB,
  TRAP_NONE,
  UEXTEND,
  USHR_IMM,
  abiParam,
  memWithEndianness,
  memWithTrapCode,
  vectorOf,
  type ExternalName,
  type MemFlags,
  type SigRef,
  type Signature,
  type Type,
  type Value,
} from '@windlass/ir';
import type { Module, ValType } from '../types';
import type { SsaBuilder } from './ssa';
import { TRAP_BAD_SIGNATURE, TRAP_INDIRECT_NULL, TRAP_TABLE_OOB, TRAP_UNDEFINED_ELEMENT } from './trapcodes';

/** wasm's v128 is carried as i8x16 and reinterpreted per operation, as Cranelift does. */
export const I8X16 = vectorOf(I8, 16);

/** IR type of a wasm value type. References are pointers / handles (i64). */
export function irType(t: ValType | number): Type {
  switch (t) {
    case 0x7f:
      return I32;
    case 0x7e:
      return I64;
    case 0x7d:
      return F32;
    case 0x7c:
      return F64;
    case 0x7b:
      return I8X16;
    default:
      return I64;
  }
}

/** Memory flags of accesses to runtime structures that never trap. */
export const VM_FLAGS: MemFlags = memWithEndianness(memWithTrapCode(MEM_ALIGNED, TRAP_NONE), ENDIAN_LITTLE);
export const VM_READONLY_FLAGS: MemFlags = VM_FLAGS | MEM_READONLY;
/** Flags of wasm linear-memory accesses: little-endian, trapping `heap_oob`. */
export const HEAP_FLAGS: MemFlags = memWithEndianness(memWithTrapCode(0, TRAP_HEAP_OOB), ENDIAN_LITTLE);

/**
 * The `vmctx` layout for one module (all offsets in bytes, little-endian):
 *
 * ```
 *  0                      memory record pointer (i64; 0 without memory)
 *                           record: base (i64) @0, length in bytes (i64) @8
 *  tables   + 8 t          table record pointer of table t
 *                           record: elements base (i64) @0, length (i32) @8, max (i32) @12;
 *                           elements are i64: a VMFuncRef pointer (funcref) or a host handle
 *                           (externref), 0 = null
 *  globals  + 8 g          pointer to the 16-byte storage of global g (value @0)
 *  sigIds   + 4 i          runtime-canonical signature id of type i (i32)
 *  funcRefs + 24 f         VMFuncRef of function f: code pointer (i64) @0, callee vmctx (i64) @8,
 *                           signature id (i32) @16
 * ```
 *
 * Records are reached through pointers so imported memories, tables and globals are shared with
 * the exporting instance.
 */
export class VmctxLayout {
  readonly memory = 0;
  readonly tables: number;
  readonly globals: number;
  readonly sigIds: number;
  readonly funcRefs: number;
  readonly size: number;

  constructor(m: Module) {
    this.tables = 8;
    this.globals = this.tables + 8 * m.tables.length;
    this.sigIds = this.globals + 8 * m.globals.length;
    this.funcRefs = align8(this.sigIds + 4 * m.types.length);
    this.size = this.funcRefs + 24 * m.funcTypes.length;
  }

  table(t: number): number {
    return this.tables + 8 * t;
  }
  global(g: number): number {
    return this.globals + 8 * g;
  }
  sigId(type: number): number {
    return this.sigIds + 4 * type;
  }
  funcRef(f: number): number {
    return this.funcRefs + 24 * f;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export type BoundsChecks = 'explicit' | 'guard';

/** What the translator asks of the runtime. */
export interface FuncEnvironment {
  readonly module: Module;
  /** Called once in the entry block, before the body: a place for per-function values. */
  prologue?(b: SsaBuilder, vmctx: Value): void;
  /** IR signature of wasm type `typeIndex` (vmctx first). */
  signature(typeIndex: number): Signature;
  /** Name of function `index` (what `call` targets). */
  functionName(index: number): ExternalName;
  /** Native address of `size` bytes at `index + offset` in memory `mem`, bounds checked. */
  heapAddr(b: SsaBuilder, vmctx: Value, mem: number, index: Value, offset: number, size: number): Value;
  memorySize(b: SsaBuilder, vmctx: Value, mem: number): Value;
  memoryGrow(b: SsaBuilder, vmctx: Value, mem: number, delta: Value): Value;
  globalGet(b: SsaBuilder, vmctx: Value, g: number): Value;
  globalSet(b: SsaBuilder, vmctx: Value, g: number, v: Value): void;
  tableGet(b: SsaBuilder, vmctx: Value, t: number, index: Value): Value;
  tableSet(b: SsaBuilder, vmctx: Value, t: number, index: Value, v: Value): void;
  tableSize(b: SsaBuilder, vmctx: Value, t: number): Value;
  refFunc(b: SsaBuilder, vmctx: Value, f: number): Value;
  callDirect(b: SsaBuilder, vmctx: Value, f: number, args: Value[]): Value[];
  callIndirect(b: SsaBuilder, vmctx: Value, table: number, typeIndex: number, callee: Value, args: Value[]): Value[];
  /** Calls runtime function `name` (bulk memory / table operations, table.grow). */
  libcall(b: SsaBuilder, name: Libcall, args: Value[]): Value[];
}

/** Runtime functions the standard environment calls; each takes vmctx first. */
export const LIBCALLS = {
  wasm_memory_grow: { params: [I32, I32], results: [I32] }, // (mem, delta pages) -> old pages or -1
  wasm_memory_copy: { params: [I32, I32, I32, I32], results: [] }, // (mem, dst, src, len)
  wasm_memory_fill: { params: [I32, I32, I32, I32], results: [] }, // (mem, dst, byte, len)
  wasm_memory_init: { params: [I32, I32, I32, I32, I32], results: [] }, // (mem, seg, dst, src, len)
  wasm_data_drop: { params: [I32], results: [] }, // (seg)
  wasm_table_init: { params: [I32, I32, I32, I32, I32], results: [] }, // (table, seg, dst, src, len)
  wasm_elem_drop: { params: [I32], results: [] }, // (seg)
  wasm_table_copy: { params: [I32, I32, I32, I32, I32], results: [] }, // (dst table, src table, dst, src, len)
  wasm_table_grow: { params: [I32, I64, I32], results: [I32] }, // (table, init, delta) -> old size or -1
  wasm_table_fill: { params: [I32, I32, I64, I32], results: [] }, // (table, dst, value, len)
} as const satisfies Record<string, { params: Type[]; results: Type[] }>;
export type Libcall = keyof typeof LIBCALLS;

export interface StandardEnvironmentOptions {
  /** `explicit`: compare against the current length; `guard`: rely on a 4 GiB + guard reservation. */
  boundsChecks?: BoundsChecks;
  /** User namespace of this module's function names (`u<ns>:<index>`). */
  namespace?: number;
}

export class StandardEnvironment implements FuncEnvironment {
  readonly module: Module;
  readonly layout: VmctxLayout;
  readonly boundsChecks: BoundsChecks;
  readonly namespace: number;

  constructor(module: Module, opts: StandardEnvironmentOptions = {}) {
    this.module = module;
    this.layout = new VmctxLayout(module);
    this.boundsChecks = opts.boundsChecks ?? 'explicit';
    this.namespace = opts.namespace ?? 0;
  }

  signature(typeIndex: number): Signature {
    const t = this.module.types[typeIndex];
    return {
      params: [abiParam(I64, 'none', 'vmctx'), ...t.params.map((p) => abiParam(irType(p)))],
      returns: t.results.map((r) => abiParam(irType(r))),
      callConv: 'fast',
    };
  }

  functionName(index: number): ExternalName {
    return { kind: 'user', namespace: this.namespace, index };
  }

  private load(b: SsaBuilder, t: Type, base: Value, offset: number, flags: MemFlags = VM_FLAGS): Value {
    return b.ins1(LOAD, [base], t, flags, offset);
  }

  /** The memory record pointer never changes: load it once, with the zero of the bounds check. */
  prologue(b: SsaBuilder, vmctx: Value): void {
    if (this.module.memories.length === 0) return;
    b.entryValues.set('memory', this.load(b, I64, vmctx, this.layout.memory, VM_READONLY_FLAGS));
    if (this.boundsChecks === 'explicit') b.entryValues.set('zero', b.iconst(I64, 0, 0));
  }

  private memoryRecord(b: SsaBuilder, vmctx: Value): Value {
    return b.entryValues.get('memory') ?? this.load(b, I64, vmctx, this.layout.memory, VM_READONLY_FLAGS);
  }

  heapAddr(b: SsaBuilder, vmctx: Value, _mem: number, index: Value, offset: number, size: number): Value {
    const rec = this.memoryRecord(b, vmctx);
    const base = this.load(b, I64, rec, 0);
    const idx = b.ins1(UEXTEND, [index], I64);
    const addr = b.ins1(IADD, [base, idx]);
    const final = offset === 0 ? addr : b.insImm64(IADD_IMM, [addr], offset | 0, 0);
    if (this.boundsChecks === 'guard') return final;
    // Explicit check, Spectre-safe: an out-of-bounds access is redirected to address 0, which
    // faults, instead of a separate branch the CPU could speculate past.
    const len = this.load(b, I64, rec, 8);
    const end = b.insImm64(IADD_IMM, [idx], (offset + size) | 0, Math.floor((offset + size) / 2 ** 32));
    const oob = b.ins1(ICMP, [end, len], INVALID, IntCC.Ugt);
    const zero = b.entryValues.get('zero') ?? b.iconst(I64, 0, 0);
    return b.ins1(SELECT_SPECTRE_GUARD, [oob, zero, final]);
  }

  memorySize(b: SsaBuilder, vmctx: Value, _mem: number): Value {
    const rec = this.memoryRecord(b, vmctx);
    const len = this.load(b, I64, rec, 8);
    const pages = b.insImm64(USHR_IMM, [len], 16, 0);
    return b.ins1(IREDUCE, [pages], I32);
  }

  memoryGrow(b: SsaBuilder, vmctx: Value, mem: number, delta: Value): Value {
    return this.libcall(b, 'wasm_memory_grow', [vmctx, b.iconst(I32, mem), delta])[0];
  }

  private globalPtr(b: SsaBuilder, vmctx: Value, g: number): Value {
    return this.load(b, I64, vmctx, this.layout.global(g), VM_READONLY_FLAGS);
  }

  globalGet(b: SsaBuilder, vmctx: Value, g: number): Value {
    const t = irType(this.module.globals[g].type);
    return this.load(b, t, this.globalPtr(b, vmctx, g), 0);
  }

  globalSet(b: SsaBuilder, vmctx: Value, g: number, v: Value): void {
    b.ins(STORE, [v, this.globalPtr(b, vmctx, g)], INVALID, VM_FLAGS, 0);
  }

  /** Address of element `index` of table `t`, trapping when out of bounds. */
  private tableElem(b: SsaBuilder, vmctx: Value, t: number, index: Value, oobTrap: number = TRAP_TABLE_OOB): Value {
    const rec = this.load(b, I64, vmctx, this.layout.table(t), VM_READONLY_FLAGS);
    const len = this.load(b, I32, rec, 8);
    const oob = b.ins1(ICMP, [index, len], INVALID, IntCC.Uge);
    b.ins(TRAPNZ, [oob], INVALID, oobTrap);
    const base = this.load(b, I64, rec, 0);
    const idx = b.ins1(UEXTEND, [index], I64);
    const scaled = b.insImm64(ISHL_IMM, [idx], 3, 0);
    return b.ins1(IADD, [base, scaled]);
  }

  tableGet(b: SsaBuilder, vmctx: Value, t: number, index: Value): Value {
    return this.load(b, I64, this.tableElem(b, vmctx, t, index), 0);
  }

  tableSet(b: SsaBuilder, vmctx: Value, t: number, index: Value, v: Value): void {
    b.ins(STORE, [v, this.tableElem(b, vmctx, t, index)], INVALID, VM_FLAGS, 0);
  }

  tableSize(b: SsaBuilder, vmctx: Value, t: number): Value {
    const rec = this.load(b, I64, vmctx, this.layout.table(t), VM_READONLY_FLAGS);
    return this.load(b, I32, rec, 8);
  }

  refFunc(b: SsaBuilder, vmctx: Value, f: number): Value {
    return b.insImm64(IADD_IMM, [vmctx], this.layout.funcRef(f), 0);
  }

  private sigRef(b: SsaBuilder, typeIndex: number): number {
    const key = `sig:${typeIndex}`;
    let s = b.refs.get(key);
    if (s === undefined) b.refs.set(key, (s = b.func.addSigRef(this.signature(typeIndex))));
    return s;
  }

  callDirect(b: SsaBuilder, vmctx: Value, f: number, args: Value[]): Value[] {
    const m = this.module;
    const typeIndex = m.funcTypes[f];
    if (f < m.numImportedFuncs) {
      // Imported: through the VMFuncRef the instantiation filled in (code + callee vmctx).
      const rec = b.insImm64(IADD_IMM, [vmctx], this.layout.funcRef(f), 0);
      const code = this.load(b, I64, rec, 0, VM_READONLY_FLAGS);
      const calleeVmctx = this.load(b, I64, rec, 8, VM_READONLY_FLAGS);
      return b.call(CALL_INDIRECT, this.sigRef(b, typeIndex), [code, calleeVmctx, ...args]);
    }
    const key = `fn:${f}`;
    let ref = b.refs.get(key);
    if (ref === undefined) {
      const sig = this.sigRef(b, typeIndex);
      b.refs.set(key, (ref = b.func.addFuncRef({ name: this.functionName(f), signature: sig as SigRef, colocated: true, patchable: false })));
    }
    return b.call(CALL, ref, [vmctx, ...args]);
  }

  callIndirect(b: SsaBuilder, vmctx: Value, table: number, typeIndex: number, callee: Value, args: Value[]): Value[] {
    // Past the table's end is "undefined element" (table.get would say out of bounds).
    const fref = this.load(b, I64, this.tableElem(b, vmctx, table, callee, TRAP_UNDEFINED_ELEMENT), 0);
    b.ins(TRAPZ, [fref], INVALID, TRAP_INDIRECT_NULL);
    const actual = this.load(b, I32, fref, 16);
    const expected = this.load(b, I32, vmctx, this.layout.sigId(typeIndex), VM_READONLY_FLAGS);
    const bad = b.ins1(ICMP, [actual, expected], INVALID, IntCC.Ne);
    b.ins(TRAPNZ, [bad], INVALID, TRAP_BAD_SIGNATURE);
    const code = this.load(b, I64, fref, 0);
    const calleeVmctx = this.load(b, I64, fref, 8);
    return b.call(CALL_INDIRECT, this.sigRef(b, typeIndex), [code, calleeVmctx, ...args]);
  }

  libcall(b: SsaBuilder, name: Libcall, args: Value[]): Value[] {
    const key = `lib:${name}`;
    let ref = b.refs.get(key);
    if (ref === undefined) {
      const d = LIBCALLS[name];
      const sig = b.func.addSigRef({
        params: [abiParam(I64, 'none', 'vmctx'), ...d.params.map((t) => abiParam(t))],
        returns: d.results.map((t) => abiParam(t)),
        callConv: 'fast',
      });
      ref = b.func.addFuncRef({ name: { kind: 'testcase', name }, signature: sig, colocated: false, patchable: false });
      b.refs.set(key, ref);
    }
    return b.call(CALL, ref, args);
  }
}
