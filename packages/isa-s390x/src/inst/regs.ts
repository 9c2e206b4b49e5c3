// s390x registers as the allocator and the encoder see them.
//
//   preg 0..15   general registers %r0..%r15
//   preg 16..47  vector registers %v0..%v31; %v0..%v15 overlap the floating-point registers
//                %f0..%f15 (an FPR is the leftmost 64 bits of its vector register)
//
// Register fields of an `MInst` hold a preg below `VREG_BASE` or a virtual register v written as
// v + VREG_BASE until the allocation is written back.
//
// Reserved: %r0 is the allocator's integer scratch (it can be moved, stored and loaded, but is
// never a base or index register, where 0 means "none"); %r1 is the emitter's temporary (literal
// addresses, long displacements); %r15 is the stack pointer; %v7 (%f7) is the allocator's vector
// scratch, which the emitter also borrows inside one instruction's expansion (an FPR-only
// instruction whose operand was allocated to %v16..%v31 goes through %f7).

export type PReg = number;

export const RegClass = { Int: 0, Float: 1 } as const;
export type RegClass = (typeof RegClass)[keyof typeof RegClass];

export const VREG_BASE = 64;
export const NO_REG = -1;

export const gpr = (n: number): PReg => n;
export const vr = (n: number): PReg => 16 + n;

export const r0 = 0, r1 = 1, r2 = 2, r3 = 3, r4 = 4, r5 = 5, r6 = 6, r7 = 7;
export const r8 = 8, r9 = 9, r10 = 10, r11 = 11, r12 = 12, r13 = 13, r14 = 14, r15 = 15;
/** %f7 / %v7: the allocator's vector scratch, borrowed by expansions. */
export const V_SCRATCH = vr(7);

export function isPhysical(r: number): boolean {
  return r >= 0 && r < VREG_BASE;
}
export function isGpr(p: PReg): boolean {
  return p >= 0 && p < 16;
}
export function isVr(p: PReg): boolean {
  return p >= 16 && p < 48;
}
/** Vector register number 0..31 of a VR preg. */
export function vrNum(p: PReg): number {
  return p - 16;
}

/** DWARF register numbers (s390x ELF ABI): r0-r15 = 0-15, f0-f15 = 16-31 in the order f0 f2 f4 f6 f1 f3 f5 f7 f8 f10 ... */
const FPR_DWARF = [16, 20, 17, 21, 18, 22, 19, 23, 24, 28, 25, 29, 26, 30, 27, 31];
export function dwarfReg(p: PReg): number {
  if (isGpr(p)) return p;
  const n = vrNum(p);
  if (n < 16) return FPR_DWARF[n];
  return 68 + (n - 16);
}

export function regName(p: number): string {
  if (p >= VREG_BASE) return `%vreg${p - VREG_BASE}`;
  if (isGpr(p)) return `%r${p}`;
  if (isVr(p)) return `%v${vrNum(p)}`;
  return `%?${p}`;
}
