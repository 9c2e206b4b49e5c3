// Small immediate kinds: condition codes, trap codes, memory flags, atomic
// read-modify-write operations. Each is a plain number so it fits one
// immediate slot of the instruction tables.

// ---------------------------------------------------------------- IntCC

export enum IntCC {
  Eq = 0, Ne, Slt, Sge, Sgt, Sle, Ult, Uge, Ugt, Ule,
}
export const INT_CC_NAMES = ['eq', 'ne', 'slt', 'sge', 'sgt', 'sle', 'ult', 'uge', 'ugt', 'ule'] as const;

export function parseIntCC(s: string): IntCC | -1 {
  return INT_CC_NAMES.indexOf(s as (typeof INT_CC_NAMES)[number]) as IntCC | -1;
}

/** The condition with swapped operands (`a < b` <=> `b > a`). */
export function swapIntCC(cc: IntCC): IntCC {
  const swapped = [0, 1, 4, 5, 2, 3, 8, 9, 6, 7];
  return swapped[cc] as IntCC;
}

/** The negated condition (`!(a < b)` <=> `a >= b`). */
export function invertIntCC(cc: IntCC): IntCC {
  const inverted = [1, 0, 3, 2, 5, 4, 7, 6, 9, 8];
  return inverted[cc] as IntCC;
}

// ---------------------------------------------------------------- FloatCC

export enum FloatCC {
  Ord = 0, Uno, Eq, Ne, One, Ueq, Lt, Le, Gt, Ge, Ult, Ule, Ugt, Uge,
}
export const FLOAT_CC_NAMES = ['ord', 'uno', 'eq', 'ne', 'one', 'ueq', 'lt', 'le', 'gt', 'ge', 'ult', 'ule', 'ugt', 'uge'] as const;

export function parseFloatCC(s: string): FloatCC | -1 {
  return FLOAT_CC_NAMES.indexOf(s as (typeof FLOAT_CC_NAMES)[number]) as FloatCC | -1;
}

// ---------------------------------------------------------------- TrapCode

/**
 * A trap code: 1..250 are user codes (`user1`..`user250`), the top of the byte
 * holds the named codes. 0 means "no trap code" (used by `notrap` memory flags).
 */
export type TrapCode = number;

export const TRAP_NONE = 0;
export const TRAP_STK_OVF = 255;
export const TRAP_HEAP_OOB = 254;
export const TRAP_INT_OVF = 253;
export const TRAP_INT_DIVZ = 252;
export const TRAP_BAD_TOINT = 251;
export const MAX_USER_TRAP = 250;

const NAMED_TRAPS: Record<string, TrapCode> = {
  stk_ovf: TRAP_STK_OVF,
  heap_oob: TRAP_HEAP_OOB,
  int_ovf: TRAP_INT_OVF,
  int_divz: TRAP_INT_DIVZ,
  bad_toint: TRAP_BAD_TOINT,
};
const TRAP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(NAMED_TRAPS).map(([k, v]) => [v, k]));

/** Parse `heap_oob`, `user7`...; -1 if not a trap code. */
export function parseTrapCode(s: string): TrapCode | -1 {
  const named = NAMED_TRAPS[s];
  if (named !== undefined) return named;
  const m = /^user(\d+)$/.exec(s);
  if (m) {
    const n = Number(m[1]);
    if (n >= 1 && n <= MAX_USER_TRAP) return n;
  }
  return -1;
}

export function trapCodeName(code: TrapCode): string {
  return TRAP_NAMES[code] ?? `user${code}`;
}

// ---------------------------------------------------------------- MemFlags

/**
 * Memory flags, packed in 32 bits:
 *
 *   bits 0..7   boolean flags (MEM_* below)
 *   bits 8..15  trap code when the access faults (0 with `notrap`); default heap_oob
 *   bits 16..17 endianness (0 native, 1 little, 2 big)
 *   bits 18..19 alias class (0 none, 1 heap, 2 table, 3 vmctx)
 *   bits 20..31 memory region + 1 (`regionN`), 0 for none
 */
export type MemFlags = number;

export const MEM_ALIGNED = 1 << 0;
export const MEM_READONLY = 1 << 1;
export const MEM_CHECKED = 1 << 2;
export const MEM_CAN_MOVE = 1 << 3;

export const ENDIAN_NATIVE = 0;
export const ENDIAN_LITTLE = 1;
export const ENDIAN_BIG = 2;

export const ALIAS_NONE = 0;
export const ALIAS_HEAP = 1;
export const ALIAS_TABLE = 2;
export const ALIAS_VMCTX = 3;

export const MEMFLAGS_DEFAULT: MemFlags = TRAP_HEAP_OOB << 8;

export function memTrapCode(f: MemFlags): TrapCode {
  return (f >>> 8) & 0xff;
}
export function memWithTrapCode(f: MemFlags, code: TrapCode): MemFlags {
  return ((f & ~0xff00) | (code << 8)) >>> 0;
}
export function memEndianness(f: MemFlags): number {
  return (f >>> 16) & 3;
}
export function memWithEndianness(f: MemFlags, e: number): MemFlags {
  return ((f & ~(3 << 16)) | (e << 16)) >>> 0;
}
export function memAliasClass(f: MemFlags): number {
  return (f >>> 18) & 3;
}
export function memWithAliasClass(f: MemFlags, a: number): MemFlags {
  return ((f & ~(3 << 18)) | (a << 18)) >>> 0;
}
/** Memory region index, or -1 if none. */
export function memRegion(f: MemFlags): number {
  return ((f >>> 20) & 0xfff) - 1;
}
export function memWithRegion(f: MemFlags, region: number): MemFlags {
  return ((f & 0xfffff) | ((region + 1) << 20)) >>> 0;
}
export function memNoTrap(f: MemFlags): boolean {
  return memTrapCode(f) === TRAP_NONE;
}

const ALIAS_NAMES = ['', 'heap', 'table', 'vmctx'];
const ENDIAN_NAMES = ['', 'little', 'big'];

/** Cranelift's text form: `notrap aligned readonly little heap region0`, `user1 aligned` (empty for defaults). */
export function memFlagsToString(f: MemFlags): string {
  const parts: string[] = [];
  const trap = memTrapCode(f);
  if (trap === TRAP_NONE) parts.push('notrap');
  else if (trap !== TRAP_HEAP_OOB) parts.push(trapCodeName(trap));
  if (f & MEM_ALIGNED) parts.push('aligned');
  if (f & MEM_READONLY) parts.push('readonly');
  if (f & MEM_CHECKED) parts.push('checked');
  if (f & MEM_CAN_MOVE) parts.push('can_move');
  const e = memEndianness(f);
  if (e) parts.push(ENDIAN_NAMES[e]);
  const a = memAliasClass(f);
  if (a) parts.push(ALIAS_NAMES[a]);
  const r = memRegion(f);
  if (r >= 0) parts.push(`region${r}`);
  return parts.join(' ');
}

/**
 * Apply one flag word to `f`; returns the new flags or -1 if `word` is not a
 * memory flag. Region words (`regionN`) are handled by the caller, which owns
 * the region table.
 */
export function applyMemFlagWord(f: MemFlags, word: string): MemFlags | -1 {
  switch (word) {
    case 'notrap': return memWithTrapCode(f, TRAP_NONE);
    case 'aligned': return (f | MEM_ALIGNED) >>> 0;
    case 'readonly': return (f | MEM_READONLY) >>> 0;
    case 'checked': return (f | MEM_CHECKED) >>> 0;
    case 'can_move': return (f | MEM_CAN_MOVE) >>> 0;
    case 'little': return memWithEndianness(f, ENDIAN_LITTLE);
    case 'big': return memWithEndianness(f, ENDIAN_BIG);
    case 'heap': return memWithAliasClass(f, ALIAS_HEAP);
    case 'table': return memWithAliasClass(f, ALIAS_TABLE);
    case 'vmctx': return memWithAliasClass(f, ALIAS_VMCTX);
  }
  const code = parseTrapCode(word);
  if (code !== -1) return memWithTrapCode(f, code);
  return -1;
}

// ---------------------------------------------------------------- AtomicRmwOp

export const ATOMIC_RMW_OPS = ['add', 'sub', 'and', 'nand', 'or', 'xor', 'xchg', 'umin', 'umax', 'smin', 'smax'] as const;
export type AtomicRmwOp = number;

export function parseAtomicRmwOp(s: string): AtomicRmwOp | -1 {
  return ATOMIC_RMW_OPS.indexOf(s as (typeof ATOMIC_RMW_OPS)[number]);
}
