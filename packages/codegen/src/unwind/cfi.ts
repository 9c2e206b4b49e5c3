/**
 * ISA-neutral unwind description: how the canonical frame address (CFA, the caller's stack
 * pointer at the call) and the saved registers change at code offsets in a function. Registers
 * are DWARF register numbers (each ISA maps its registers). The object writer turns it into
 * `.eh_frame` CIE/FDE records (DWARF CFI); other formats can be derived from the same data.
 */
export type CfiOp =
  /** CFA = reg + offset. */
  | { readonly kind: 'def_cfa'; readonly reg: number; readonly offset: number }
  /** CFA = (current CFA register) + offset. */
  | { readonly kind: 'def_cfa_offset'; readonly offset: number }
  /** CFA = reg + (current CFA offset). */
  | { readonly kind: 'def_cfa_register'; readonly reg: number }
  /** `reg` is saved at CFA + cfaOffset (cfaOffset is usually negative). */
  | { readonly kind: 'offset'; readonly reg: number; readonly cfaOffset: number }
  /** `reg` is back to its value at entry (restored by an epilogue). */
  | { readonly kind: 'restore'; readonly reg: number }
  | { readonly kind: 'same_value'; readonly reg: number }
  /** Save / restore the whole rule set, around an epilogue in the middle of a function. */
  | { readonly kind: 'remember_state' }
  | { readonly kind: 'restore_state' }
  /** AArch64 pointer authentication: the return address sign state toggles. */
  | { readonly kind: 'aarch64_negate_ra_state' }
  /**
   * AArch64: this function signs its return address with the B key. Not an instruction: the
   * function's FDE refers to a CIE with augmentation `B` (GNU as' `.cfi_b_key_frame`), which
   * tells the unwinder which key authenticates the saved return addresses.
   */
  | { readonly kind: 'aarch64_b_key_frame' };

export interface UnwindRow {
  /** Code offset from the function start where the op takes effect (after the instruction ending there). */
  readonly offset: number;
  readonly op: CfiOp;
}

export interface UnwindInfo {
  /** Rows in non-decreasing offset order. */
  readonly rows: readonly UnwindRow[];
}

/** Per-ISA DWARF conventions: what a CIE says and what holds at function entry. */
export interface CieConventions {
  readonly codeAlignmentFactor: number;
  readonly dataAlignmentFactor: number;
  readonly returnAddressRegister: number;
  /** Rules at function entry, before any prologue instruction. */
  readonly initial: readonly CfiOp[];
}

/** System V x86-64: CFA = rsp + 8 at entry, return address at CFA - 8 (DWARF regs: rsp 7, RA 16). */
export const X86_64_CIE: CieConventions = {
  codeAlignmentFactor: 1,
  dataAlignmentFactor: -8,
  returnAddressRegister: 16,
  initial: [{ kind: 'def_cfa', reg: 7, offset: 8 }, { kind: 'offset', reg: 16, cfaOffset: -8 }],
};
/** AAPCS64: CFA = sp at entry, return address in x30 (DWARF sp 31). */
export const AARCH64_CIE: CieConventions = {
  codeAlignmentFactor: 1,
  dataAlignmentFactor: -8,
  returnAddressRegister: 30,
  initial: [{ kind: 'def_cfa', reg: 31, offset: 0 }],
};
/** RISC-V psABI: CFA = sp (x2) at entry, return address in ra (x1). */
export const RISCV64_CIE: CieConventions = {
  codeAlignmentFactor: 1,
  dataAlignmentFactor: -8,
  returnAddressRegister: 1,
  initial: [{ kind: 'def_cfa', reg: 2, offset: 0 }],
};
/** s390x ELF ABI: CFA = r15 + 160 (the register save area), return address in r14. */
export const S390X_CIE: CieConventions = {
  codeAlignmentFactor: 1,
  dataAlignmentFactor: -8,
  returnAddressRegister: 14,
  initial: [{ kind: 'def_cfa', reg: 15, offset: 160 }],
};

export class UnwindError extends Error {
  override readonly name = 'UnwindError';
  constructor(message: string, readonly location: { readonly offset?: number } = {}) {
    super(message);
  }
}

/**
 * Collects unwind rows while a prologue/epilogue is emitted. Offsets must not decrease.
 */
export class UnwindBuilder {
  private readonly rows: UnwindRow[] = [];

  add(offset: number, op: CfiOp): this {
    const last = this.rows.length > 0 ? this.rows[this.rows.length - 1].offset : 0;
    if (offset < last || !Number.isInteger(offset) || offset < 0) {
      throw new UnwindError(`unwind row at offset ${offset} comes before the previous row at ${last}`, { offset });
    }
    this.rows.push({ offset, op });
    return this;
  }
  finish(): UnwindInfo {
    return { rows: this.rows.slice() };
  }
}
