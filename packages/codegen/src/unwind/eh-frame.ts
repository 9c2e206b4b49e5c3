import { ByteWriter } from '../buffer/bytes';
import type { Endianness } from '../isa/types';
import { type CfiOp, type CieConventions, UnwindError, type UnwindInfo } from './cfi';

/** One function's entry in `.eh_frame`. */
export interface EhFrameFunction {
  /** Function start, as an offset in the code section. */
  readonly codeOffset: number;
  readonly codeSize: number;
  readonly unwind: UnwindInfo;
}

export interface EhFrameSection {
  readonly bytes: Uint8Array;
  /**
   * The 4-byte `pc_begin` field of each FDE, in function order: the object writer relocates it
   * with a 32-bit PC-relative relocation to (code section + `codeOffset`).
   */
  readonly pcBeginFields: ReadonlyArray<{ readonly fieldOffset: number; readonly codeOffset: number }>;
}

// DWARF call frame instruction opcodes (DWARF 5, section 6.4.2) and pointer encodings (LSB 4.1).
const DW_CFA_advance_loc = 0x40;
const DW_CFA_offset = 0x80;
const DW_CFA_restore = 0xc0;
const DW_CFA_advance_loc1 = 0x02;
const DW_CFA_advance_loc2 = 0x03;
const DW_CFA_advance_loc4 = 0x04;
const DW_CFA_offset_extended = 0x05;
const DW_CFA_restore_extended = 0x06;
const DW_CFA_same_value = 0x08;
const DW_CFA_remember_state = 0x0a;
const DW_CFA_restore_state = 0x0b;
const DW_CFA_def_cfa = 0x0c;
const DW_CFA_def_cfa_register = 0x0d;
const DW_CFA_def_cfa_offset = 0x0e;
const DW_CFA_offset_extended_sf = 0x11;
const DW_CFA_def_cfa_sf = 0x12;
const DW_CFA_def_cfa_offset_sf = 0x13;
const DW_CFA_AARCH64_negate_ra_state = 0x2d;
const DW_EH_PE_pcrel_sdata4 = 0x1b;

function factor(value: number, by: number, what: string): number {
  const f = value / by;
  if (!Number.isInteger(f)) {
    throw new UnwindError(`${what} ${value} is not a multiple of the data alignment factor ${by}`);
  }
  return f;
}

function checkOp(op: CfiOp): void {
  const bad = (what: string, v: number) => {
    throw new UnwindError(`CFI ${op.kind}: ${what} ${v} is not a ${what === 'register' ? 'DWARF register number' : 'safe integer'}`);
  };
  if ('reg' in op && (!Number.isInteger(op.reg) || op.reg < 0 || op.reg > 0xffff)) bad('register', op.reg);
  if ('offset' in op && !Number.isSafeInteger(op.offset)) bad('offset', op.offset);
  if ('cfaOffset' in op && !Number.isSafeInteger(op.cfaOffset)) bad('offset', op.cfaOffset);
}

export function encodeCfiOp(w: ByteWriter, op: CfiOp, cie: CieConventions): void {
  checkOp(op);
  const daf = cie.dataAlignmentFactor;
  switch (op.kind) {
    case 'def_cfa':
      if (op.offset >= 0) {
        w.u8(DW_CFA_def_cfa); w.uleb(op.reg); w.uleb(op.offset);
      } else {
        w.u8(DW_CFA_def_cfa_sf); w.uleb(op.reg); w.sleb(factor(op.offset, daf, 'CFA offset'));
      }
      return;
    case 'def_cfa_offset':
      if (op.offset >= 0) {
        w.u8(DW_CFA_def_cfa_offset); w.uleb(op.offset);
      } else {
        w.u8(DW_CFA_def_cfa_offset_sf); w.sleb(factor(op.offset, daf, 'CFA offset'));
      }
      return;
    case 'def_cfa_register':
      w.u8(DW_CFA_def_cfa_register); w.uleb(op.reg);
      return;
    case 'offset': {
      const f = factor(op.cfaOffset, daf, 'save slot offset');
      if (f >= 0 && op.reg < 64) {
        w.u8(DW_CFA_offset | op.reg); w.uleb(f);
      } else if (f >= 0) {
        w.u8(DW_CFA_offset_extended); w.uleb(op.reg); w.uleb(f);
      } else {
        w.u8(DW_CFA_offset_extended_sf); w.uleb(op.reg); w.sleb(f);
      }
      return;
    }
    case 'restore':
      if (op.reg < 64) w.u8(DW_CFA_restore | op.reg);
      else { w.u8(DW_CFA_restore_extended); w.uleb(op.reg); }
      return;
    case 'same_value':
      w.u8(DW_CFA_same_value); w.uleb(op.reg);
      return;
    case 'remember_state':
      w.u8(DW_CFA_remember_state);
      return;
    case 'restore_state':
      w.u8(DW_CFA_restore_state);
      return;
    case 'aarch64_negate_ra_state':
      w.u8(DW_CFA_AARCH64_negate_ra_state);
      return;
    case 'aarch64_b_key_frame':
      // Selects the function's CIE (see encodeEhFrame); no instruction.
      return;
  }
}

function encodeAdvance(w: ByteWriter, delta: number): void {
  if (delta === 0) return;
  if (delta < 0x40) w.u8(DW_CFA_advance_loc | delta);
  else if (delta < 0x100) { w.u8(DW_CFA_advance_loc1); w.u8(delta); }
  else if (delta < 0x10000) { w.u8(DW_CFA_advance_loc2); w.u16(delta); }
  else { w.u8(DW_CFA_advance_loc4); w.u32(delta); }
}

/** Pads a CIE/FDE with DW_CFA_nop (0) so its total size is a multiple of the pointer size. */
function closeRecord(w: ByteWriter, lengthAt: number, pointerBytes: number): void {
  w.align(pointerBytes, 0);
  w.patchU32(lengthAt, w.length - lengthAt - 4);
}

/** Writes a CIE with `cie`'s conventions and augmentation `aug` ("zR", or "zRB" for B-key frames). */
function writeCie(w: ByteWriter, cie: CieConventions, aug: string, pointerBytes: number): void {
  const start = w.length;
  w.u32(0);
  w.u32(0); // CIE id: 0 marks a CIE in .eh_frame
  w.u8(1); // version
  w.cstring(aug);
  w.uleb(cie.codeAlignmentFactor);
  w.sleb(cie.dataAlignmentFactor);
  w.u8(cie.returnAddressRegister);
  w.uleb(1); // augmentation data length (the R byte; B has none)
  w.u8(DW_EH_PE_pcrel_sdata4);
  for (const op of cie.initial) encodeCfiOp(w, op, cie);
  closeRecord(w, start, pointerBytes);
}

function usesBKey(f: EhFrameFunction): boolean {
  return f.unwind.rows.some((r) => r.op.kind === 'aarch64_b_key_frame');
}

/**
 * Encodes `.eh_frame` for a code section: one CIE with `cie`'s conventions ("zR" augmentation,
 * FDE pointers pc-relative signed 4-byte), a second one with augmentation "zRB" when some
 * function signs its return address with the AArch64 B key, then one FDE per function.
 */
export function encodeEhFrame(
  cie: CieConventions, functions: readonly EhFrameFunction[],
  endianness: Endianness = 'little', pointerBytes: 4 | 8 = 8,
): EhFrameSection {
  const w = new ByteWriter(endianness, 64 + functions.length * 32);
  writeCie(w, cie, 'zR', pointerBytes);
  let bKeyCie = -1;
  if (functions.some(usesBKey)) {
    bKeyCie = w.length;
    writeCie(w, cie, 'zRB', pointerBytes);
  }

  const fields: Array<{ fieldOffset: number; codeOffset: number }> = [];
  for (const f of functions) {
    const start = w.length;
    w.u32(0);
    // CIE pointer: distance back from this field to the function's CIE.
    w.u32(w.length - (bKeyCie >= 0 && usesBKey(f) ? bKeyCie : 0));
    fields.push({ fieldOffset: w.length, codeOffset: f.codeOffset });
    w.u32(0); // pc_begin, relocated
    w.u32(f.codeSize);
    w.uleb(0); // no augmentation data
    let at = 0;
    for (const row of f.unwind.rows) {
      if (!Number.isInteger(row.offset) || row.offset < at || row.offset > f.codeSize) {
        throw new UnwindError(
          `unwind row at offset ${row.offset} is out of order or past the function end (${f.codeSize})`,
          { offset: row.offset });
      }
      const delta = (row.offset - at) / cie.codeAlignmentFactor;
      if (!Number.isInteger(delta)) {
        throw new UnwindError(`unwind row offset ${row.offset} is not a multiple of the code alignment factor`,
          { offset: row.offset });
      }
      encodeAdvance(w, delta);
      at = row.offset;
      encodeCfiOp(w, row.op, cie);
    }
    closeRecord(w, start, pointerBytes);
  }
  return { bytes: w.finish(), pcBeginFields: fields };
}
