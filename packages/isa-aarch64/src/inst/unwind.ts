// DWARF register numbers for AArch64 ("DWARF for the Arm 64-bit Architecture"): x0-x30 are
// 0-30, sp is 31, v0-v31 are 64-95. `.eh_frame` CFI rows use them; the return address column
// is x30.

import { A64EncodeError } from './errors';
import { isVreg, sp } from './regs';

export const DWARF_SP = 31;
export const DWARF_LR = 30;
export const DWARF_FP = 29;

export function dwarfReg(r: number): number {
  if (r >= 0 && r < 31) return r;
  if (r === sp) return DWARF_SP;
  if (isVreg(r)) return 64 + (r & 31);
  throw new A64EncodeError(`register ${r} has no DWARF number`, 'unwind info');
}
