// DWARF register numbers for x86-64 (System V psABI, "DWARF Register Number Mapping"), which
// `.eh_frame` CFI rows use. The order differs from the hardware encoding for the first eight
// GPRs (rdx/rcx and rsi/rdi/rbp/rsp are permuted).

import { X64EncodeError } from './errors';
import { isPhysical, type PReg, pregClass, RegClass } from './regs';

const GPR_DWARF = Int8Array.of(0, 2, 1, 3, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15);

/** The return-address column. */
export const DWARF_RA = 16;

export function dwarfReg(r: PReg): number {
  if (!isPhysical(r)) throw new X64EncodeError(`register ${r} has no DWARF number`, 'unwind info');
  return pregClass(r) === RegClass.Int ? GPR_DWARF[r & 15] : 17 + (r & 15);
}
