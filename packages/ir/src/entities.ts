// Entity references: plain numbers indexing the dense tables of a Function.
// The brands keep a Value from being passed where a Block is expected; at run
// time they are just integers. -1 (`NONE`) means "no entity".

export type Value = number & { readonly __brand: 'Value' };
export type Inst = number & { readonly __brand: 'Inst' };
export type Block = number & { readonly __brand: 'Block' };
export type StackSlot = number & { readonly __brand: 'StackSlot' };
export type DynamicStackSlot = number & { readonly __brand: 'DynamicStackSlot' };
export type DynamicType = number & { readonly __brand: 'DynamicType' };
export type GlobalValue = number & { readonly __brand: 'GlobalValue' };
export type FuncRef = number & { readonly __brand: 'FuncRef' };
export type SigRef = number & { readonly __brand: 'SigRef' };
export type JumpTable = number & { readonly __brand: 'JumpTable' };
export type ExceptionTable = number & { readonly __brand: 'ExceptionTable' };
export type Constant = number & { readonly __brand: 'Constant' };
export type MemoryRegion = number & { readonly __brand: 'MemoryRegion' };
export type ExceptionTag = number & { readonly __brand: 'ExceptionTag' };

export const NONE = -1;

/** Text prefixes of entity names (`v0`, `block3`, `ss1`, ...). */
export const ENTITY_PREFIX = {
  value: 'v',
  block: 'block',
  stackSlot: 'ss',
  dynamicStackSlot: 'dss',
  dynamicType: 'dt',
  globalValue: 'gv',
  funcRef: 'fn',
  sigRef: 'sig',
  jumpTable: 'jt',
  exceptionTable: 'extable',
  constant: 'const',
  memoryRegion: 'region',
  exceptionTag: 'tag',
} as const;

/**
 * A block-call argument (branch argument). Plain values are encoded as the
 * value number (>= 0); the try_call-only forms `retN` (the N-th normal return
 * value of the call) and `exnN` (the N-th exception payload) are negative.
 */
export type BlockArg = number;

export function blockArgRet(n: number): BlockArg {
  return -2 * n - 1;
}
export function blockArgExn(n: number): BlockArg {
  return -2 * n - 2;
}
export function isValueArg(a: BlockArg): boolean {
  return a >= 0;
}
/** 'value' | 'ret' | 'exn' */
export function blockArgKind(a: BlockArg): 'value' | 'ret' | 'exn' {
  if (a >= 0) return 'value';
  return ((-a - 1) & 1) === 0 ? 'ret' : 'exn';
}
/** The value, or N for retN / exnN. */
export function blockArgIndex(a: BlockArg): number {
  return a >= 0 ? a : (-a - 1) >> 1;
}
export function blockArgToString(a: BlockArg): string {
  const k = blockArgKind(a);
  return k === 'value' ? `v${a}` : `${k}${blockArgIndex(a)}`;
}
