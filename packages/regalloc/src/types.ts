// Shared vocabulary of the allocator: entities, operand encoding, allocations, errors.
// Everything is a plain number so the hot tables can be typed arrays.

/** A virtual register: an index into the client's vreg table. */
export type VReg = number & { readonly __vreg?: unique symbol };
/** A physical register (or a fixed stack slot the client names like a register). */
export type PReg = number & { readonly __preg?: unique symbol };
/** Where a value lives: a `PReg` (below `SLOT_BASE`) or a spill slot (`SLOT_BASE + n`). */
export type Allocation = number & { readonly __alloc?: unique symbol };

export const RegClass = { Int: 0, Float: 1, Vector: 2 } as const;
export type RegClass = (typeof RegClass)[keyof typeof RegClass];
export const NUM_CLASSES = 3;
export const CLASS_NAMES = ['int', 'float', 'vector'] as const;

export const OperandKind = { Use: 0, Def: 1 } as const;
export type OperandKind = (typeof OperandKind)[keyof typeof OperandKind];

/** Early operands are read/written before the instruction's late ones (defs normally late). */
export const OperandPos = { Early: 0, Late: 1 } as const;
export type OperandPos = (typeof OperandPos)[keyof typeof OperandPos];

export const Constraint = {
  /** Any register of the operand's class. */
  Reg: 0,
  /** The physical register given as argument. */
  Fixed: 1,
  /** A def that must land in the register of use operand N (argument) of the same instruction. */
  Reuse: 2,
  /** A register or a stack slot. */
  Any: 3,
  /** A stack slot only. */
  Stack: 4,
} as const;
export type Constraint = (typeof Constraint)[keyof typeof Constraint];
export const CONSTRAINT_NAMES = ['reg', 'fixed', 'reuse', 'any', 'stack'] as const;

/** Instruction flags (`instFlags`). */
export const InstFlag = { Branch: 1, Ret: 2, Move: 4 } as const;

/**
 * Operand descriptor packed in 32 bits:
 *   bit 0 kind, bit 1 pos, bits 2-3 class, bits 4-6 constraint, bits 8-23 constraint argument.
 */
export type OperandInfo = number;

export function packOperand(kind: OperandKind, pos: OperandPos, cls: RegClass, c: Constraint, arg = 0): OperandInfo {
  return kind | (pos << 1) | (cls << 2) | (c << 4) | ((arg & 0xffff) << 8);
}
export const opKind = (info: OperandInfo): OperandKind => (info & 1) as OperandKind;
export const opPos = (info: OperandInfo): OperandPos => ((info >> 1) & 1) as OperandPos;
export const opClass = (info: OperandInfo): RegClass => ((info >> 2) & 3) as RegClass;
export const opConstraint = (info: OperandInfo): Constraint => ((info >> 4) & 7) as Constraint;
export const opArg = (info: OperandInfo): number => (info >>> 8) & 0xffff;

export const MAX_PREGS = 1 << 16;
export const SLOT_BASE = 1 << 16;
export const NO_ALLOC = -1;

export const isSlotAlloc = (a: Allocation): boolean => a >= SLOT_BASE;
export const isPRegAlloc = (a: Allocation): boolean => a >= 0 && a < SLOT_BASE;
export const slotAlloc = (slot: number): Allocation => SLOT_BASE + slot;
export const slotOf = (a: Allocation): number => a - SLOT_BASE;

/** Where in the program something went wrong, as precise as the error allows. */
export interface RegAllocLocation {
  inst?: number;
  block?: number;
  operand?: number;
  vreg?: number;
}

function describe(loc: RegAllocLocation): string {
  const parts: string[] = [];
  if (loc.block !== undefined) parts.push(`block ${loc.block}`);
  if (loc.inst !== undefined) parts.push(`inst ${loc.inst}`);
  if (loc.operand !== undefined) parts.push(`operand ${loc.operand}`);
  if (loc.vreg !== undefined) parts.push(`v${loc.vreg}`);
  return parts.join(', ');
}

/** Base of every error the package throws on purpose. */
export class RegAllocError extends Error {
  readonly location: RegAllocLocation;
  constructor(message: string, location: RegAllocLocation = {}) {
    const where = describe(location);
    super(where ? `${where}: ${message}` : message);
    this.name = new.target.name;
    this.location = location;
  }
}
/** The input breaks a structural rule of the interface (ranges, CFG, flags, operand encoding). */
export class InvalidInputError extends RegAllocError {}
/** A vreg is read on some path before any definition, or defined twice. */
export class UseBeforeDefError extends RegAllocError {}
/** An edge goes from a block with several successors to a block with several predecessors. */
export class CriticalEdgeError extends RegAllocError {}
/** Fixed-register constraints (and clobbers) that no assignment can satisfy. */
export class UnsatisfiableConstraintError extends RegAllocError {}
/** The machine environment is inconsistent (duplicate or unknown registers, empty class). */
export class InvalidEnvError extends RegAllocError {}
/** The checker found an allocation that does not preserve the program's values. */
export class CheckerError extends RegAllocError {}
