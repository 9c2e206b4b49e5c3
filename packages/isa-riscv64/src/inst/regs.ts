// RISC-V registers as the allocator and the encoder see them: one number space for the three
// register files. x0-x31 are 0-31, f0-f31 are 32-63, v0-v31 are 64-95. A register field of an
// instruction holds such a number (a physical register) or a virtual register + VREG_BASE.

import { RegClass } from '@windlass/regalloc';

export type PReg = number;

/** Register fields at or above this hold virtual registers (vreg + VREG_BASE) until allocation. */
export const VREG_BASE = 128;
/** An unused register field. */
export const NO_REG = -1;

export const X = (n: number): PReg => n;
export const F = (n: number): PReg => 32 + n;
export const V = (n: number): PReg => 64 + n;

export const zero = 0;
export const ra = 1;
export const sp = 2;
export const gp = 3;
export const tp = 4;
export const t0 = 5;
export const t1 = 6;
export const t2 = 7;
/** s0, the frame pointer. */
export const fp = 8;
export const s1 = 9;
export const a0 = 10;
export const a1 = 11;
export const a2 = 12;
export const a7 = 17;
export const t3 = 28;
export const t4 = 29;
/** Reserved: never allocated; the emitter's temporary (large offsets, veneers, frame code). */
export const t5 = 30;
/** Reserved: the allocator's scratch register for the int class. */
export const t6 = 31;
export const fa0 = F(10);
export const fa1 = F(11);
/** The allocator's scratch register for the float class. */
export const ft11 = F(31);
/** The mask register of masked vector instructions: never allocated. */
export const v0 = V(0);
/** The allocator's scratch register for the vector class. */
export const v31 = V(31);

/** Argument registers a0-a7 and fa0-fa7. */
export const ARG_GPRS: readonly PReg[] = [10, 11, 12, 13, 14, 15, 16, 17];
export const ARG_FPRS: readonly PReg[] = [F(10), F(11), F(12), F(13), F(14), F(15), F(16), F(17)];

const X_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
const F_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

/** The ABI name of a physical register (`a0`, `fs1`, `v8`), or `%vN` for a virtual one. */
export function regName(r: number): string {
  if (r >= VREG_BASE) return `%v${r - VREG_BASE}`;
  if (r < 32) return X_NAMES[r];
  if (r < 64) return F_NAMES[r - 32];
  if (r < 96) return `v${r - 64}`;
  return `?${r}`;
}

/** The register class of a physical register. */
export function regClass(r: PReg): RegClass {
  return r < 32 ? RegClass.Int : r < 64 ? RegClass.Float : RegClass.Vector;
}

/** The 5-bit encoding of a physical register within its file. */
export function regNum(r: PReg): number {
  return r & 31;
}

/** DWARF register numbers of the RISC-V psABI: x 0-31, f 32-63, v 96-127. */
export function dwarfReg(r: PReg): number {
  return r < 64 ? r : r + 32;
}

/** Callee-saved registers of the LP64D ABI: s0-s11 and fs0-fs11. */
export const CALLEE_SAVED_GPRS: readonly PReg[] = [8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
export const CALLEE_SAVED_FPRS: readonly PReg[] = [F(8), F(9), F(18), F(19), F(20), F(21), F(22), F(23), F(24), F(25), F(26), F(27)];
