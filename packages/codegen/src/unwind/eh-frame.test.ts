import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../buffer/bytes';
import { AARCH64_CIE, S390X_CIE, UnwindBuilder, UnwindError, X86_64_CIE } from './cfi';
import { encodeEhFrame } from './eh-frame';

describe('ByteWriter LEB128', () => {
  it('encodes the DWARF examples', () => {
    // DWARF 5, section 7.6, figures 22 and 23.
    const w = new ByteWriter();
    for (const v of [2, 127, 128, 129, 130, 12857]) w.uleb(v);
    expect([...w.finish()]).toEqual([2, 127, 0x80, 1, 0x81, 1, 0x82, 1, 0xb9, 0x64]);
    const s = new ByteWriter();
    for (const v of [2, -2, 127, -127, 128, -128, 129, -129]) s.sleb(v);
    expect([...s.finish()]).toEqual([2, 0x7e, 0xff, 0, 0x81, 0x7f, 0x80, 1, 0x80, 0x7f, 0x81, 1, 0xff, 0x7e]);
  });
});

describe('encodeEhFrame', () => {
  it('writes a CIE and one FDE per function', () => {
    const unwind = new UnwindBuilder()
      .add(1, { kind: 'def_cfa_offset', offset: 16 })
      .add(1, { kind: 'offset', reg: 6, cfaOffset: -16 })
      .add(4, { kind: 'def_cfa_register', reg: 6 })
      .add(300, { kind: 'def_cfa', reg: 7, offset: 8 })
      .finish();
    const eh = encodeEhFrame(X86_64_CIE, [{ codeOffset: 32, codeSize: 301, unwind }]);
    expect([...eh.bytes.subarray(0, 24)]).toEqual([
      20, 0, 0, 0, // CIE length
      0, 0, 0, 0, // CIE id
      1, 0x7a, 0x52, 0, // version, "zR"
      1, 0x78, 16, // code align 1, data align -8, return address column 16
      1, 0x1b, // augmentation data: FDE pointers pcrel sdata4
      0x0c, 7, 8, // def_cfa rsp+8
      0x90, 1, // offset r16 at cfa-8
      0, 0, // DW_CFA_nop padding to 8
    ]);
    expect([...eh.bytes.subarray(24)]).toEqual([
      28, 0, 0, 0, // FDE length
      28, 0, 0, 0, // CIE pointer
      0, 0, 0, 0, // pc_begin (relocated)
      45, 1, 0, 0, // pc_range 301
      0, // augmentation data length
      0x41, 0x0e, 16, // advance 1, def_cfa_offset 16
      0x86, 2, // offset rbp at cfa-16
      0x43, 0x0d, 6, // advance 3, def_cfa_register rbp
      0x03, 0x28, 0x01, 0x0c, 7, 8, // advance_loc2 296, def_cfa rsp+8
      0, // padding to 8
    ]);
    expect(eh.bytes.length % 8).toBe(0);
    expect(eh.pcBeginFields).toEqual([{ fieldOffset: 32, codeOffset: 32 }]);
  });

  it('writes big-endian fields for s390x', () => {
    const eh = encodeEhFrame(S390X_CIE, [{ codeOffset: 0, codeSize: 0x102, unwind: { rows: [] } }], 'big');
    const cieLength = new DataView(eh.bytes.buffer).getUint32(0, false);
    const pcRange = new DataView(eh.bytes.buffer).getUint32(cieLength + 4 + 12, false);
    expect(pcRange).toBe(0x102);
  });

  it('gives functions signing with the AArch64 B key a CIE with augmentation "zRB"', () => {
    const signed = (bkey: boolean) => ({
      codeOffset: 0, codeSize: 8,
      unwind: { rows: [...(bkey ? [{ offset: 0, op: { kind: 'aarch64_b_key_frame' as const } }] : []), { offset: 4, op: { kind: 'aarch64_negate_ra_state' as const } }] },
    });
    const eh = encodeEhFrame(AARCH64_CIE, [signed(false), signed(true)]);
    const dv = new DataView(eh.bytes.buffer);
    const cie1 = dv.getUint32(0, true) + 4;
    expect(new TextDecoder().decode(eh.bytes.subarray(9, 12))).toBe('zR\0');
    expect(new TextDecoder().decode(eh.bytes.subarray(cie1 + 9, cie1 + 13))).toBe('zRB\0');
    const fde1 = cie1 + dv.getUint32(cie1, true) + 4;
    const fde2 = fde1 + dv.getUint32(fde1, true) + 4;
    // Each FDE's CIE pointer leads back to its CIE: the A-key function to the first, the B-key one to the second.
    expect(fde1 + 4 - dv.getUint32(fde1 + 4, true)).toBe(0);
    expect(fde2 + 4 - dv.getUint32(fde2 + 4, true)).toBe(cie1);
    // The marker emits nothing: both FDEs hold advance 4 + negate_ra_state only.
    expect([...eh.bytes.subarray(fde2 + 17, fde2 + 19)]).toEqual([0x44, 0x2d]);
    expect([...eh.bytes.subarray(fde1 + 17, fde1 + 19)]).toEqual([0x44, 0x2d]);
  });

  it('rejects rows past the function end or out of order', () => {
    expect(() => encodeEhFrame(X86_64_CIE, [{ codeOffset: 0, codeSize: 4, unwind: { rows: [{ offset: 5, op: { kind: 'remember_state' } }] } }]))
      .toThrow(UnwindError);
    expect(() => new UnwindBuilder().add(4, { kind: 'restore_state' }).add(2, { kind: 'restore_state' })).toThrow(UnwindError);
    expect(() => encodeEhFrame(X86_64_CIE, [{ codeOffset: 0, codeSize: 8, unwind: { rows: [{ offset: 1, op: { kind: 'offset', reg: 3, cfaOffset: -12 } }] } }]))
      .toThrow(/not a multiple/);
    expect(() => encodeEhFrame(X86_64_CIE, [{ codeOffset: 0, codeSize: 8, unwind: { rows: [{ offset: 1, op: { kind: 'def_cfa', reg: -1, offset: 8 } }] } }]))
      .toThrow(UnwindError);
    expect(() => encodeEhFrame(X86_64_CIE, [{ codeOffset: 0, codeSize: 8, unwind: { rows: [{ offset: 1, op: { kind: 'def_cfa_offset', offset: NaN } }] } }]))
      .toThrow(UnwindError);
  });
});
