// AArch64 physical registers.
//
// A `PReg` is a plain number: x0..x30 are 0..30, 31 is the zero register (xzr/wzr), v0..v31
// are 32..63 and the stack pointer is 95. The low five bits are the hardware number every
// encoding field holds (sp and xzr both encode as 31; which one an instruction means depends
// on the field, and the encoder checks that the register fits it). Numbers from VREG_BASE on
// are virtual registers: lowering writes `vreg + VREG_BASE` into instruction fields and the
// allocation replaces them before emission.

export type PReg = number & { readonly __preg: unique symbol };

/** A register field of a machine instruction: a `PReg` or, before allocation, a virtual one. */
export type Reg = number;

/** Register classes as @windlass/regalloc numbers them: integer, and float/vector (the v registers). */
export const RegClass = { Int: 0, Float: 1 } as const;
export type RegClass = (typeof RegClass)[keyof typeof RegClass];

/** Virtual register v sits in a field as v + VREG_BASE. */
export const VREG_BASE = 128;
/** Marks an absent optional register. */
export const NO_REG = -1;

export const xzr = 31 as PReg;
export const sp = 95 as PReg;
/** The frame pointer (x29) and link register (x30). */
export const fp = 29 as PReg;
export const lr = 30 as PReg;

export function xreg(n: number): PReg {
  return n as PReg;
}
export function vreg(n: number): PReg {
  return (32 + n) as PReg;
}

/** IP0 / IP1: never allocated. x16 is the allocator's scratch, x17 the emitter's (large offsets, veneers of frames). */
export const x16 = 16 as PReg;
export const x17 = 17 as PReg;
/** The platform register: never touched. */
export const x18 = 18 as PReg;
/** `enable_pinned_reg`: the pinned register. */
export const x21 = 21 as PReg;
/** The indirect-result register (return areas). */
export const x8 = 8 as PReg;
/** v31: the allocator's float/vector scratch register. */
export const v31 = vreg(31);

export function isVirtual(r: Reg): boolean {
  return r >= VREG_BASE;
}
export function isPhysical(r: Reg): r is PReg {
  return r >= 0 && r < VREG_BASE;
}
/** A general-purpose register, xzr or sp (not a v register). */
export function isGpr(r: Reg): boolean {
  return (r >= 0 && r < 32) || r === sp;
}
export function isVreg(r: Reg): boolean {
  return r >= 32 && r < 64;
}
/** The five-bit number an encoding field holds. */
export function hw(r: Reg): number {
  return r & 31;
}

/** `x5` / `w5`, `xzr`/`wzr`, `sp`/`wsp` (64-bit when `x`). */
export function gprName(r: Reg, x: boolean): string {
  if (r === sp) return x ? 'sp' : 'wsp';
  if (r === xzr) return x ? 'xzr' : 'wzr';
  if (r >= 0 && r < 31) return `${x ? 'x' : 'w'}${r}`;
  if (r >= VREG_BASE) return `%${x ? 'x' : 'w'}v${r - VREG_BASE}`;
  return `?${r}`;
}

/** `v3` (or a virtual register's name). */
export function vName(r: Reg): string {
  if (r >= 32 && r < 64) return `v${r - 32}`;
  if (r >= VREG_BASE) return `%v${r - VREG_BASE}`;
  return `?${r}`;
}

/** Scalar FP/SIMD register name by access size in bytes: b h s d q. */
export function fpName(r: Reg, bytes: number): string {
  const p = bytes === 1 ? 'b' : bytes === 2 ? 'h' : bytes === 4 ? 's' : bytes === 8 ? 'd' : 'q';
  if (r >= 32 && r < 64) return `${p}${r - 32}`;
  if (r >= VREG_BASE) return `%${p}v${r - VREG_BASE}`;
  return `?${r}`;
}
