/**
 * Trampolines between the host's C calling convention and compiled wasm code, built as IR
 * functions and compiled by the target's backend like any other function, so no trampoline is
 * hand-written machine code and every ISA gets them from its own backend (`runtime-abi.ts`
 * states the contract):
 *
 * ```
 *  entry (one per signature):  void (void *vmctx, void *callee, uint64_t *values)   C convention
 *      args = load values[k]  ->  results = call_indirect callee(vmctx, args...)  ->  store values[k]
 *
 *  exit (one per signature of an imported function):  the wasm signature (vmctx first, `fast`)
 *      store args into a stack array  ->  call (*(void **)ctx)(ctx, array)  ->  load the results
 * ```
 */
import {
  FunctionBuilder,
  Function as IrFunction,
  I64,
  MEM_ALIGNED,
  TRAP_NONE,
  abiParam,
  memWithTrapCode,
  type Value,
} from '@windlass/ir';
import { irType } from '@windlass/wasm-frontend';
import type { ArtifactSignature } from './artifact';
import { wasmSignature } from './environ/environment';
import { VALUE_SLOT_BYTES } from './runtime-abi';

/** Native byte order, aligned, cannot trap: the slot array and the host context are ours. */
const SLOT_FLAGS = memWithTrapCode(MEM_ALIGNED, TRAP_NONE);

export function entryTrampolineName(sig: number): string {
  return `wl_entry_sig${sig}`;
}
export function exitTrampolineName(sig: number): string {
  return `wl_exit_sig${sig}`;
}

/** The host-to-wasm trampoline of signature `id`. */
export function entryTrampoline(sig: Pick<ArtifactSignature, 'params' | 'results'>, id: number): IrFunction {
  const f = new IrFunction();
  f.name = { kind: 'testcase', name: entryTrampolineName(id) };
  f.signature = { params: [abiParam(I64), abiParam(I64), abiParam(I64)], returns: [], callConv: 'system_v' };
  const b = new FunctionBuilder(f);
  const block = b.createBlock();
  const [vmctx, callee, values] = b.appendBlockParamsForFunctionParams(block);
  b.switchToBlock(block);
  b.sealBlock(block);
  const wasmSig = f.addSigRef(wasmSignature(sig));
  const args = sig.params.map((t, k) => b.ins.load(irType(t), SLOT_FLAGS, values, VALUE_SLOT_BYTES * k));
  const results = b.ins.call_indirect(wasmSig, callee, [vmctx, ...args]);
  results.forEach((v, k) => b.ins.store(SLOT_FLAGS, v, values, VALUE_SLOT_BYTES * k));
  b.ins.return([]);
  return b.finalize();
}

/** The wasm-to-host trampoline of signature `id`. */
export function exitTrampoline(sig: Pick<ArtifactSignature, 'params' | 'results'>, id: number): IrFunction {
  const f = new IrFunction();
  f.name = { kind: 'testcase', name: exitTrampolineName(id) };
  f.signature = wasmSignature(sig);
  const b = new FunctionBuilder(f);
  const block = b.createBlock();
  const [ctx, ...args] = b.appendBlockParamsForFunctionParams(block);
  b.switchToBlock(block);
  b.sealBlock(block);
  const slots = Math.max(1, sig.params.length, sig.results.length);
  const area = f.addStackSlot({ kind: 'explicit_slot', size: slots * VALUE_SLOT_BYTES, align: 16, key: null });
  const values = b.ins.stack_addr(I64, area);
  args.forEach((v: Value, k: number) => b.ins.store(SLOT_FLAGS, v, values, VALUE_SLOT_BYTES * k));
  const host = b.ins.load(I64, SLOT_FLAGS, ctx, 0);
  const hostSig = f.addSigRef({ params: [abiParam(I64), abiParam(I64)], returns: [], callConv: 'system_v' });
  b.ins.call_indirect(hostSig, host, [ctx, values]);
  const results = sig.results.map((t, k) => b.ins.load(irType(t), SLOT_FLAGS, values, VALUE_SLOT_BYTES * k));
  b.ins.return(results);
  return b.finalize();
}
