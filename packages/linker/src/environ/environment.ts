/**
 * The standard translation environment: how compiled wasm code reaches its instance's state
 * through `vmctx` as `VmctxLayout` lays it out, how heap accesses are bounds-checked, and which
 * runtime functions (`LIBCALLS` of the frontend, C functions of the loader) implement
 * `memory.grow` and the bulk operations. `@windlass/wasm-frontend` translates operators; this
 * class decides what they touch.
 */
import {
  CALL,
  CALL_INDIRECT,
  I32,
  I64,
  IADD,
  IADD_IMM,
  ICMP,
  INVALID,
  IREDUCE,
  IntCC,
  ISHL_IMM,
  LOAD,
  MEM_CAN_MOVE,
  SELECT_SPECTRE_GUARD,
  STORE,
  TRAPNZ,
  TRAPZ,
  UEXTEND,
  USHR_IMM,
  abiParam,
  type ExternalName,
  type MemFlags,
  type SigRef,
  type Signature,
  type Type,
  type Value,
} from '@windlass/ir';
import {
  LIBCALLS,
  TRAP_BAD_SIGNATURE,
  TRAP_INDIRECT_NULL,
  TRAP_TABLE_OOB,
  TRAP_UNDEFINED_ELEMENT,
  VM_FLAGS,
  VM_READONLY_FLAGS,
  irType,
  type FuncEnvironment,
  type Libcall,
  type Module,
  type SsaBuilder,
} from '@windlass/wasm-frontend';
import { VmctxLayout } from './layout';

/**
 * How heap accesses are bounds-checked: `explicit` compares `index + offset + size` with the
 * memory's current length; `guard` emits no check and relies on the runtime reserving 4 GiB plus
 * a guard region after every memory base.
 */
export type BoundsChecks = 'explicit' | 'guard';

/**
 * The default of `compileModule` (artifacts): `guard`. Every Windlass target is a 64-bit
 * machine where `@windlass/runtime` reserves 8 GiB per 32-bit memory (any index plus any
 * static offset lands in the memory or its guard region), so no access needs a length check.
 * A `StandardEnvironment` alone defaults to `explicit`, which needs no reservation (the
 * interpreter runs it).
 */
export const DEFAULT_BOUNDS_CHECKS: BoundsChecks = 'guard';

/** Loads of what never changes while the instance lives (the memory record, its base): hoistable. */
const VM_INVARIANT_FLAGS: MemFlags = VM_READONLY_FLAGS | MEM_CAN_MOVE;

export interface StandardEnvironmentOptions {
  boundsChecks?: BoundsChecks;
  /** User namespace of this module's function names (`u<ns>:<index>`), when `functionName` is not given. */
  namespace?: number;
  /** The external name of function `index` (default: `u<namespace>:<index>`). */
  functionName?: (index: number) => ExternalName;
}

/** The IR signature of a wasm function type: vmctx first, the `fast` convention. */
export function wasmSignature(t: { params: readonly number[]; results: readonly number[] }): Signature {
  return {
    params: [abiParam(I64, 'none', 'vmctx'), ...t.params.map((p) => abiParam(irType(p)))],
    returns: t.results.map((r) => abiParam(irType(r))),
    callConv: 'fast',
  };
}

export class StandardEnvironment implements FuncEnvironment {
  readonly module: Module;
  readonly layout: VmctxLayout;
  readonly boundsChecks: BoundsChecks;
  readonly namespace: number;
  private readonly nameOf: ((index: number) => ExternalName) | undefined;

  constructor(module: Module, opts: StandardEnvironmentOptions = {}) {
    this.module = module;
    this.layout = new VmctxLayout(module);
    this.boundsChecks = opts.boundsChecks ?? 'explicit';
    this.namespace = opts.namespace ?? 0;
    this.nameOf = opts.functionName;
  }

  signature(typeIndex: number): Signature {
    return wasmSignature(this.module.types[typeIndex]);
  }

  functionName(index: number): ExternalName {
    return this.nameOf ? this.nameOf(index) : { kind: 'user', namespace: this.namespace, index };
  }

  private load(b: SsaBuilder, t: Type, base: Value, offset: number, flags: MemFlags = VM_FLAGS): Value {
    return b.ins1(LOAD, [base], t, flags, offset);
  }

  /**
   * A memory record pointer never changes: memory 0's is loaded once, with the zero of the
   * bounds check (further memories, of multi-memory modules, at each access).
   */
  prologue(b: SsaBuilder, vmctx: Value): void {
    if (this.module.memories.length === 0) return;
    b.entryValues.set('memory', this.load(b, I64, vmctx, this.layout.memoryAt(0), VM_INVARIANT_FLAGS));
    if (this.boundsChecks === 'explicit') b.entryValues.set('zero', b.iconst(I64, 0, 0));
  }

  private memoryRecord(b: SsaBuilder, vmctx: Value, mem: number): Value {
    return (mem === 0 ? b.entryValues.get('memory') : undefined) ?? this.load(b, I64, vmctx, this.layout.memoryAt(mem), VM_INVARIANT_FLAGS);
  }

  heapAddr(b: SsaBuilder, vmctx: Value, mem: number, index: Value, offset: number, size: number): Value {
    const rec = this.memoryRecord(b, vmctx, mem);
    // The base never moves (the runtime reserves the memory's whole range up front).
    const base = this.load(b, I64, rec, 0, VM_INVARIANT_FLAGS);
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

  memorySize(b: SsaBuilder, vmctx: Value, mem: number): Value {
    const rec = this.memoryRecord(b, vmctx, mem);
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
        // The C functions take uint32_t: a 32-bit argument is zero-extended, as the C ABIs
        // that pass it in a 64-bit register (s390x, RISC-V) require of the caller.
        params: [abiParam(I64, 'none', 'vmctx'), ...d.params.map((t) => abiParam(t, t === I32 ? 'uext' : 'none'))],
        returns: d.results.map((t) => abiParam(t)),
        // The loader's C functions: the platform's C calling convention on every target.
        callConv: 'system_v',
      });
      ref = b.func.addFuncRef({ name: { kind: 'testcase', name }, signature: sig, colocated: false, patchable: false });
      b.refs.set(key, ref);
    }
    return b.call(CALL, ref, args);
  }
}
