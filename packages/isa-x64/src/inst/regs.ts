// x86-64 physical registers.
//
// A `PReg` is a plain number: `class * 16 + hw`, where `hw` is the 4-bit register number the
// encoder splits into ModRM/SIB bits and a REX/VEX extension bit. GPRs are 0..15, XMM registers
// 16..31. Any number >= PREG_COUNT in an instruction's register field is a virtual register
// (see `isVirtual`); lowering creates those and register allocation rewrites them to PRegs
// before emission.

export type PReg = number & { readonly __preg: unique symbol };

/** A register field of a machine instruction: a `PReg` or, before allocation, a virtual one. */
export type Reg = number;

export const RegClass = { Int: 0, Float: 1 } as const;
export type RegClass = (typeof RegClass)[keyof typeof RegClass];

export const PREG_COUNT = 32;
/** Marks an absent optional register (no base, no index). */
export const NO_REG = -1;

export function preg(cls: RegClass, hw: number): PReg {
  return (cls * 16 + hw) as PReg;
}
export function isVirtual(r: Reg): boolean {
  return r >= PREG_COUNT;
}
export function isPhysical(r: Reg): r is PReg {
  return r >= 0 && r < PREG_COUNT;
}
export function pregClass(r: PReg): RegClass {
  return (r >> 4) as RegClass;
}
/** The 4-bit hardware number (what ModRM, SIB, REX and VEX encode). */
export function hwEnc(r: Reg): number {
  return r & 15;
}

export const rax = preg(RegClass.Int, 0);
export const rcx = preg(RegClass.Int, 1);
export const rdx = preg(RegClass.Int, 2);
export const rbx = preg(RegClass.Int, 3);
export const rsp = preg(RegClass.Int, 4);
export const rbp = preg(RegClass.Int, 5);
export const rsi = preg(RegClass.Int, 6);
export const rdi = preg(RegClass.Int, 7);
export const r8 = preg(RegClass.Int, 8);
export const r9 = preg(RegClass.Int, 9);
export const r10 = preg(RegClass.Int, 10);
export const r11 = preg(RegClass.Int, 11);
export const r12 = preg(RegClass.Int, 12);
export const r13 = preg(RegClass.Int, 13);
export const r14 = preg(RegClass.Int, 14);
export const r15 = preg(RegClass.Int, 15);

export function gpr(hw: number): PReg {
  return preg(RegClass.Int, hw);
}
export function xmm(n: number): PReg {
  return preg(RegClass.Float, n);
}

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];

function buildNames(): string[][] {
  // Indexed [sizeLog2][hw]; the r8..r15 suffixes follow objdump's Intel syntax.
  const out: string[][] = [[], [], [], []];
  for (let hw = 0; hw < 16; hw++) {
    if (hw < 8) {
      out[0].push(GPR8[hw]);
      out[1].push(GPR16[hw]);
      out[2].push(GPR32[hw]);
      out[3].push(GPR64[hw]);
    } else {
      out[0].push(`r${hw}b`);
      out[1].push(`r${hw}w`);
      out[2].push(`r${hw}d`);
      out[3].push(`r${hw}`);
    }
  }
  return out;
}
const GPR_NAMES = buildNames();

function sizeLog2(size: number): number {
  return size === 8 ? 3 : size === 4 ? 2 : size === 2 ? 1 : 0;
}

/** Name of a GPR at an operand size of 1, 2, 4 or 8 bytes. */
export function gprName(r: Reg, size: number): string {
  if (!isPhysical(r)) return `%v${r}`;
  return GPR_NAMES[sizeLog2(size)][r & 15];
}

export function xmmName(r: Reg): string {
  if (!isPhysical(r)) return `%v${r}`;
  return `xmm${r & 15}`;
}

/** Name of any register; GPRs are shown at `size` bytes. */
export function regName(r: Reg, size = 8): string {
  if (!isPhysical(r)) return `%v${r}`;
  return pregClass(r) === RegClass.Int ? gprName(r, size) : xmmName(r);
}

/**
 * Byte registers spl/bpl/sil/dil exist only with a REX prefix (without one, hw 4..7 mean
 * ah/ch/dh/bh, which Windlass never uses).
 */
export function byteRegNeedsRex(r: Reg): boolean {
  const hw = r & 15;
  return hw >= 4 && hw < 8;
}
