// Signatures, calling conventions, external names and the other
// function-preamble entities (stack slots, global values, ...). These are few
// per function, so they are small objects in arrays indexed by entity number.

import type { DynamicType, GlobalValue, SigRef } from './entities';
import type { Type } from './types';
import type { MemFlags } from './immediates';

/** Calling conventions accepted in signatures. */
export const CALL_CONVS = [
  'fast', 'cold', 'tail', 'system_v', 'windows_fastcall', 'apple_aarch64', 'probestack', 'winch',
  'preserve_all',
] as const;
export type CallConv = string;

export function isCallConv(s: string): boolean {
  return (CALL_CONVS as readonly string[]).includes(s);
}

export type ArgumentExtension = 'none' | 'uext' | 'sext';

/**
 * Parameter purpose: `normal`, `sret`, `vmctx`, `stack_limit`, or
 * `sarg(N)` (a struct passed by value on the stack, N bytes).
 */
export type ArgumentPurpose = 'normal' | 'sret' | 'vmctx' | 'stack_limit' | `sarg(${number})`;

export interface AbiParam {
  type: Type;
  extension: ArgumentExtension;
  purpose: ArgumentPurpose;
}

export interface Signature {
  params: AbiParam[];
  returns: AbiParam[];
  callConv: CallConv;
}

export function abiParam(type: Type, extension: ArgumentExtension = 'none', purpose: ArgumentPurpose = 'normal'): AbiParam {
  return { type, extension, purpose };
}

export function cloneSignature(s: Signature): Signature {
  return { params: s.params.map((p) => ({ ...p })), returns: s.returns.map((p) => ({ ...p })), callConv: s.callConv };
}

/** `%name` (a test-case name, also used for libcalls) or `uN:M` (user namespace N, index M). */
export type ExternalName =
  | { kind: 'testcase'; name: string }
  | { kind: 'user'; namespace: number; index: number };

export function externalNameToString(n: ExternalName): string {
  return n.kind === 'testcase' ? `%${n.name}` : `u${n.namespace}:${n.index}`;
}

export interface FuncRefData {
  name: ExternalName;
  signature: SigRef;
  colocated: boolean;
  patchable: boolean;
}

export interface StackSlotData {
  /** Always `explicit_slot` today. */
  kind: 'explicit_slot';
  size: number;
  /** Alignment in bytes as written (`align = N`), 0 if not given. */
  align: number;
  /** Opaque key (`key = N`), or null. */
  key: bigint | null;
}

export interface DynamicStackSlotData {
  kind: 'explicit_dynamic_slot';
  dynamicType: DynamicType;
}

export interface DynamicTypeData {
  /** The fixed vector type (e.g. i32x4) scaled by `scale`. */
  baseVectorType: Type;
  scale: GlobalValue;
}

export type GlobalValueData =
  | { kind: 'vmctx' }
  | { kind: 'load'; base: GlobalValue; offset: number; globalType: Type; flags: MemFlags }
  | { kind: 'iadd_imm'; base: GlobalValue; offset: bigint; globalType: Type }
  | { kind: 'symbol'; name: ExternalName; offset: bigint; colocated: boolean; tls: boolean }
  | { kind: 'dyn_scale_target_const'; vectorType: Type };

/** A named memory region for alias analysis: `region0 = 0 "heap"`. */
export interface MemoryRegionData {
  id: number;
  name: string;
}
