// Pieces of per-function lowering state that every backend needs in the same shape: the stack
// slot area, out-of-line trap stubs and the function's constant pool. A backend's lowering
// state owns one of each; the frame code reads them back at emission.

import type { Function } from '@windlass/ir';

/** Rounds up to a multiple of `a` without 32-bit bitwise operators, which would wrap large frames. */
export function alignTo(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/**
 * The stack slots of a function laid out in one area: each slot at an offset aligned to its
 * `align` (at least 8, 16 for slots of 16 bytes or more), the area a multiple of 16. Call return
 * areas are added to it while lowering (`addArea`).
 */
export class StackSlotArea {
  /** Offset of each stack slot (and added area) in the slot area, by slot id. */
  readonly offsets: number[] = [];
  size = 0;

  constructor(f: Function) {
    let off = 0;
    f.stackSlots.forEach((s, k) => {
      if (s === undefined) return;
      const align = Math.max(1, s.align || 1, Math.min(16, s.size >= 16 ? 16 : 8));
      off = alignTo(off, align);
      this.offsets[k] = off;
      off += s.size;
    });
    this.size = alignTo(off, 16);
  }

  /** Adds a 16-aligned area of `size` bytes (a call's return area); returns its slot id. */
  addArea(size: number): number {
    const id = this.offsets.length + 1_000_000;
    this.offsets[id] = this.size;
    this.size += alignTo(size, 16);
    return id;
  }
}

/** An out-of-line trap: code jumping to `label` traps with `code`. */
export interface TrapStub {
  readonly label: number;
  readonly code: number;
}

/** One trap stub per trap code, emitted after the function body. */
export class TrapStubs {
  readonly list: TrapStub[] = [];
  /** The label of the stub trapping with `code`; `newLabel` makes one for a new code. */
  labelFor(code: number, newLabel: () => number): number {
    for (const t of this.list) if (t.code === code) return t.label;
    const label = newLabel();
    this.list.push({ label, code });
    return label;
  }
}

/** A constant-pool entry: the label operands use, its bytes and alignment. */
export interface PoolConstant {
  readonly label: number;
  readonly bytes: Uint8Array;
  readonly align: number;
}

/** The function's constants (placed by the MachBuffer after the code, or in islands); equal ones shared. */
export class ConstantTable {
  readonly list: PoolConstant[] = [];
  private keys: Map<string, number> | null = null;
  /** The label of `bytes` (aligned to `align`); `newLabel` makes one for a new constant. */
  labelFor(bytes: Uint8Array, align: number, newLabel: () => number): number {
    const key = `${align}:${bytes.join(',')}`;
    const keys = (this.keys ??= new Map());
    let label = keys.get(key);
    if (label === undefined) {
      label = newLabel();
      keys.set(key, label);
      this.list.push({ label, bytes: bytes.slice(), align });
    }
    return label;
  }
}
