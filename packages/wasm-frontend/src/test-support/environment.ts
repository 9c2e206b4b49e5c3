/**
 * A translation environment for this package's own tests: the translator must produce IR the
 * verifier accepts for every operator, whatever environment it runs with. This one keeps every
 * choice simple (one flat vmctx: memory base and length, then one record pointer per table and
 * per global, then VMFuncRefs). The real one, with its documented layout, is `@windlass/linker`'s
 * `StandardEnvironment`; `windlass wast --target x86_64` runs every spec module through it.
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
  STORE,
  TRAPNZ,
  TRAPZ,
  UEXTEND,
  USHR_IMM,
  abiParam,
  type ExternalName,
  type SigRef,
  type Signature,
  type Type,
  type Value,
} from '@windlass/ir';
import { LIBCALLS, VM_FLAGS, irType, type FuncEnvironment, type Libcall } from '../translate/environ';
import type { SsaBuilder } from '../translate/ssa';
import { TRAP_BAD_SIGNATURE, TRAP_INDIRECT_NULL, TRAP_TABLE_OOB } from '../translate/trapcodes';
import type { Module } from '../types';

export class TestEnvironment implements FuncEnvironment {
  constructor(readonly module: Module) {}

  signature(typeIndex: number): Signature {
    const t = this.module.types[typeIndex];
    return { params: [abiParam(I64, 'none', 'vmctx'), ...t.params.map((p) => abiParam(irType(p)))], returns: t.results.map((r) => abiParam(irType(r))), callConv: 'fast' };
  }

  functionName(index: number): ExternalName {
    return { kind: 'user', namespace: 0, index };
  }

  private load(b: SsaBuilder, t: Type, base: Value, offset: number): Value {
    return b.ins1(LOAD, [base], t, VM_FLAGS, offset);
  }

  private tableRecord(b: SsaBuilder, vmctx: Value, t: number): Value {
    return this.load(b, I64, vmctx, 16 + 8 * t);
  }

  private globalPtr(b: SsaBuilder, vmctx: Value, g: number): Value {
    return this.load(b, I64, vmctx, 16 + 8 * (this.module.tables.length + g));
  }

  private funcRef(f: number): number {
    return 16 + 8 * (this.module.tables.length + this.module.globals.length) + 24 * f;
  }

  heapAddr(b: SsaBuilder, vmctx: Value, _mem: number, index: Value, offset: number): Value {
    const addr = b.ins1(IADD, [this.load(b, I64, vmctx, 0), b.ins1(UEXTEND, [index], I64)]);
    return offset === 0 ? addr : b.insImm64(IADD_IMM, [addr], offset | 0, 0);
  }

  memorySize(b: SsaBuilder, vmctx: Value): Value {
    return b.ins1(IREDUCE, [b.insImm64(USHR_IMM, [this.load(b, I64, vmctx, 8)], 16, 0)], I32);
  }

  memoryGrow(b: SsaBuilder, vmctx: Value, mem: number, delta: Value): Value {
    return this.libcall(b, 'wasm_memory_grow', [vmctx, b.iconst(I32, mem), delta])[0];
  }

  globalGet(b: SsaBuilder, vmctx: Value, g: number): Value {
    return this.load(b, irType(this.module.globals[g].type), this.globalPtr(b, vmctx, g), 0);
  }

  globalSet(b: SsaBuilder, vmctx: Value, g: number, v: Value): void {
    b.ins(STORE, [v, this.globalPtr(b, vmctx, g)], INVALID, VM_FLAGS, 0);
  }

  private elem(b: SsaBuilder, vmctx: Value, t: number, index: Value): Value {
    const rec = this.tableRecord(b, vmctx, t);
    b.ins(TRAPNZ, [b.ins1(ICMP, [index, this.load(b, I32, rec, 8)], INVALID, IntCC.Uge)], INVALID, TRAP_TABLE_OOB);
    return b.ins1(IADD, [this.load(b, I64, rec, 0), b.insImm64(ISHL_IMM, [b.ins1(UEXTEND, [index], I64)], 3, 0)]);
  }

  tableGet(b: SsaBuilder, vmctx: Value, t: number, index: Value): Value {
    return this.load(b, I64, this.elem(b, vmctx, t, index), 0);
  }

  tableSet(b: SsaBuilder, vmctx: Value, t: number, index: Value, v: Value): void {
    b.ins(STORE, [v, this.elem(b, vmctx, t, index)], INVALID, VM_FLAGS, 0);
  }

  tableSize(b: SsaBuilder, vmctx: Value, t: number): Value {
    return this.load(b, I32, this.tableRecord(b, vmctx, t), 8);
  }

  refFunc(b: SsaBuilder, vmctx: Value, f: number): Value {
    return b.insImm64(IADD_IMM, [vmctx], this.funcRef(f), 0);
  }

  private sigRef(b: SsaBuilder, typeIndex: number): SigRef {
    return b.func.addSigRef(this.signature(typeIndex));
  }

  callDirect(b: SsaBuilder, vmctx: Value, f: number, args: Value[]): Value[] {
    const ref = b.func.addFuncRef({ name: this.functionName(f), signature: this.sigRef(b, this.module.funcTypes[f]), colocated: true, patchable: false });
    return b.call(CALL, ref, [vmctx, ...args]);
  }

  callIndirect(b: SsaBuilder, vmctx: Value, table: number, typeIndex: number, callee: Value, args: Value[]): Value[] {
    const fref = this.load(b, I64, this.elem(b, vmctx, table, callee), 0);
    b.ins(TRAPZ, [fref], INVALID, TRAP_INDIRECT_NULL);
    b.ins(TRAPNZ, [b.ins1(ICMP, [this.load(b, I32, fref, 16), b.iconst(I32, typeIndex)], INVALID, IntCC.Ne)], INVALID, TRAP_BAD_SIGNATURE);
    return b.call(CALL_INDIRECT, this.sigRef(b, typeIndex), [this.load(b, I64, fref, 0), this.load(b, I64, fref, 8), ...args]);
  }

  libcall(b: SsaBuilder, name: Libcall, args: Value[]): Value[] {
    const d = LIBCALLS[name];
    const sig = b.func.addSigRef({ params: [abiParam(I64, 'none', 'vmctx'), ...d.params.map((t) => abiParam(t))], returns: d.results.map((t) => abiParam(t)), callConv: 'system_v' });
    const ref = b.func.addFuncRef({ name: { kind: 'testcase', name }, signature: sig, colocated: false, patchable: false });
    return b.call(CALL, ref, args);
  }
}
