import { describe, expect, it } from 'vitest';
import { compiledCodeFrom, MachBuffer, MachBufferError } from './mach-buffer';
import type { LabelUseKind } from './label-use';

const rel8: LabelUseKind = {
  name: 'rel8', patchSize: 1, maxPosRange: 127, maxNegRange: 128,
  patch(bytes, use, label) {
    bytes[use] = (label - (use + 1)) & 0xff;
  },
};

describe('MachBuffer call sites', () => {
  it('records a plain call by its return offset', () => {
    const b = new MachBuffer();
    b.putBytes(new Uint8Array([0xe8, 0, 0, 0, 0]));
    b.addCallSite(b.curOffset());
    b.put1(0xc3);
    const code = compiledCodeFrom(b.finish(), { frameSize: 8, alignment: 16, listing: '' });
    expect(code.callSites).toEqual([{ returnOffset: 5 }]);
  });

  it('resolves a try_call site\'s handler labels to the offsets where they end up', () => {
    const b = new MachBuffer();
    const onTag = b.getLabel();
    const fallback = b.getLabel();
    const pad = b.getLabel();
    b.putBytes(new Uint8Array([0xe8, 0, 0, 0, 0]));
    b.addCallSite(b.curOffset(), { handlers: [{ tag: 7, label: onTag }, { tag: null, label: fallback }], spBelowFp: 40 });
    b.put1(0xc3);
    // A landing pad that is only a jump: its uses are threaded to the jump's target.
    b.bindLabel(fallback);
    b.put1(0xeb);
    b.useLabel(b.curOffset(), pad, rel8);
    b.put1(0);
    b.addUncondBranch(6, 8, pad);
    b.put1(0x90);
    b.bindLabel(pad);
    b.bindLabel(onTag);
    b.put1(0xc3);
    const fin = b.finish();
    const [site] = compiledCodeFrom(fin, { frameSize: 48, alignment: 16, listing: '' }).callSites;
    expect(site.returnOffset).toBe(5);
    expect(site.spBelowFp).toBe(40);
    expect(site.exceptionHandlers).toEqual([
      { tag: 7, offset: fin.labelOffsets[onTag] },
      { tag: null, offset: fin.labelOffsets[pad] },
    ]);
    expect(fin.bytes[site.exceptionHandlers![0].offset]).toBe(0xc3);
  });

  it('fails with a typed error when a handler label is never bound', () => {
    const b = new MachBuffer();
    const never = b.getLabel();
    b.putBytes(new Uint8Array([0xe8, 0, 0, 0, 0]));
    b.addCallSite(b.curOffset(), { handlers: [{ tag: null, label: never }], spBelowFp: 0 });
    expect(() => b.finish()).toThrow(MachBufferError);
  });
});
