/**
 * The environment: everything runtime-specific the translation goes through. The translator
 * knows wasm semantics; the environment knows where memories, tables, globals and imported
 * functions live relative to `vmctx`, how bounds are checked, and which libcalls implement
 * `memory.grow` and the bulk operations.
 *
 * `@windlass/linker`'s `StandardEnvironment` implements it for its documented `VmctxLayout`:
 * the artifact runtime and the test tools' interpreter host lay instances out to match.
 */
import {
  ENDIAN_LITTLE,
  F32,
  F64,
  I32,
  I64,
  I8,
  ALIAS_HEAP,
  ALIAS_VMCTX,
  MEM_ALIGNED,
  MEM_READONLY,
  TRAP_HEAP_OOB,
  TRAP_NONE,
  memWithAliasClass,
  memWithEndianness,
  memWithTrapCode,
  vectorOf,
  type ExternalName,
  type MemFlags,
  type Signature,
  type Type,
  type Value,
} from '@windlass/ir';
import type { Module, ValType } from '../types';
import type { SsaBuilder } from './ssa';

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

/**
 * Flags of accesses to runtime structures (vmctx, memory and table records, global storage,
 * table elements): in the target's own byte order, since the runtime of the same machine writes
 * them. Only wasm linear memory is little-endian on every target (`HEAP_FLAGS`). They never trap
 * and are in the `vmctx` alias class: linear-memory stores never change them, so the mid-end
 * keeps what it loaded across such stores.
 */
export const VM_FLAGS: MemFlags = memWithAliasClass(memWithTrapCode(MEM_ALIGNED, TRAP_NONE), ALIAS_VMCTX);
export const VM_READONLY_FLAGS: MemFlags = VM_FLAGS | MEM_READONLY;
/** Flags of wasm linear-memory accesses: little-endian, trapping `heap_oob`, the `heap` alias class. */
export const HEAP_FLAGS: MemFlags = memWithAliasClass(memWithEndianness(memWithTrapCode(0, TRAP_HEAP_OOB), ENDIAN_LITTLE), ALIAS_HEAP);

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
  wasm_memory_copy: { params: [I32, I32, I32, I32, I32], results: [] }, // (dst mem, src mem, dst, src, len)
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
