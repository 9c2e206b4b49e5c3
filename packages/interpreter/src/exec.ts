// Execution state shared by the interpreter loop and the opcode handlers.

import type { Function } from '@windlass/ir';
import type { FrameLayout } from './frame';
import { LinearMemory } from './memory';
import type { Value } from './value';

/** A host function the interpreted code can call by name (`%CeilF32`, ...). */
export type Libcall = (args: Value[], x: Exec) => Value[];

/** Something `func_addr` / `symbol_value` can point to. */
export type AddressTarget = { kind: 'function'; func: Function } | { kind: 'libcall'; name: string };

export class Exec {
  /** Register file of the current frame, indexed by value number. */
  regs: Value[] = [];
  /** Alias-resolved value numbers of the current function (its layout's `canon`). */
  canon: Int32Array = new Int32Array(0);
  /** Frame layout of the current function. */
  layout: FrameLayout = { canon: new Int32Array(0), slotOffsets: [], dynSlotOffsets: [], slotBytes: 0 };
  /** Address of the current frame (its stack slots start here). */
  frameBase = 0;
  pinned: Value | undefined = undefined;
  fuel: number;
  depth = 0;
  readonly memory = new LinearMemory();
  /** Targets of `func_addr`, by index: address FUNC_BASE + 16 * index. */
  readonly addressTargets: AddressTarget[] = [];
  readonly addressIndex = new Map<string, number>();
  readonly symbols = new Map<string, number>();

  constructor(
    readonly functions: ReadonlyMap<string, Function>,
    readonly libcalls: Readonly<Record<string, Libcall>>,
    fuel: number,
    readonly maxDepth: number,
    readonly bigEndian: boolean,
  ) {
    this.fuel = fuel;
  }
}

/** An exception in flight (`__cranelift_throw`), caught by the nearest `try_call` handling its tag. */
export class ThrowSignal {
  constructor(readonly tag: number, readonly payload: Value[]) {}
}
