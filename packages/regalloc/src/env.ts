// The machine as the allocator sees it: registers per class in preference order, optional
// scratch registers, and fixed stack slots (incoming stack arguments named like registers).

import { InvalidEnvError, MAX_PREGS, NUM_CLASSES, type PReg, type RegClass } from './types';

export interface MachineEnv {
  /** Per class (index `RegClass`): allocatable registers, tried first, caller-saved first. */
  readonly preferred: readonly (readonly PReg[])[];
  /** Per class: allocatable registers used only when the preferred ones are taken. */
  readonly nonPreferred: readonly (readonly PReg[])[];
  /**
   * Per class: a register the client reserves for the allocator's own use (never allocated);
   * used to break move cycles and to move stack-to-stack. Without one, the allocator goes
   * through an extra spill slot and saves/restores a register around stack-to-stack moves.
   */
  readonly scratch?: readonly (PReg | undefined)[];
  /** PRegs that denote stack locations (e.g. incoming stack arguments); usable in `Fixed`. */
  readonly fixedStackSlots?: readonly PReg[];
  /** Registers a function must preserve; defaults to all `nonPreferred`. */
  readonly calleeSaved?: readonly PReg[];
}

/** `MachineEnv` digested into dense tables. */
export class Env {
  readonly numPRegs: number;
  /** Per preg: class, or -1 if the preg is unknown or a stack slot. */
  readonly pregClass: Int8Array;
  readonly pregIsStack: Uint8Array;
  readonly pregAllocatable: Uint8Array;
  readonly pregCalleeSaved: Uint8Array;
  /** Per class: allocation order (preferred then non-preferred). */
  readonly order: Int32Array[];
  readonly scratch: Int32Array;

  constructor(readonly source: MachineEnv) {
    let max = 0;
    const all: number[] = [];
    for (let c = 0; c < NUM_CLASSES; c++) {
      all.push(...(source.preferred[c] ?? []), ...(source.nonPreferred[c] ?? []));
      const s = source.scratch?.[c];
      if (s !== undefined) all.push(s);
    }
    all.push(...(source.fixedStackSlots ?? []));
    for (const p of all) {
      if (!Number.isInteger(p) || p < 0 || p >= MAX_PREGS) throw new InvalidEnvError(`register ${p} is not an integer in [0, ${MAX_PREGS})`);
      max = Math.max(max, p + 1);
    }
    this.numPRegs = max;
    this.pregClass = new Int8Array(max).fill(-1);
    this.pregIsStack = new Uint8Array(max);
    this.pregAllocatable = new Uint8Array(max);
    this.pregCalleeSaved = new Uint8Array(max);
    this.scratch = new Int32Array(NUM_CLASSES).fill(-1);
    const seen = new Uint8Array(max);
    const claim = (p: number, what: string): void => {
      if (seen[p]) throw new InvalidEnvError(`register ${p} is listed twice (${what})`);
      seen[p] = 1;
    };
    this.order = [];
    for (let c = 0; c < NUM_CLASSES; c++) {
      const list = [...(source.preferred[c] ?? []), ...(source.nonPreferred[c] ?? [])];
      for (const p of list) {
        claim(p, `allocatable ${c}`);
        this.pregClass[p] = c;
        this.pregAllocatable[p] = 1;
      }
      this.order.push(Int32Array.from(list));
      const s = source.scratch?.[c];
      if (s !== undefined) {
        claim(s, `scratch ${c}`);
        this.pregClass[s] = c;
        this.scratch[c] = s;
      }
    }
    for (const p of source.fixedStackSlots ?? []) {
      claim(p, 'fixed stack slot');
      this.pregIsStack[p] = 1;
    }
    for (const p of source.calleeSaved ?? source.nonPreferred.flat()) {
      if (p >= 0 && p < max) this.pregCalleeSaved[p] = 1;
    }
  }

  classHasRegs(c: RegClass): boolean {
    return this.order[c].length > 0;
  }

  /** A register of class `c` the move sequencer may borrow (saving and restoring it). */
  emergencyReg(c: RegClass): number {
    return this.order[c].length > 0 ? this.order[c][0] : -1;
  }
}
