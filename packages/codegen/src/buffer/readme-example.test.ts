import { describe, expect, it } from 'vitest';
import { MachBuffer, settingsBuilder, type LabelUseKind } from '../index';

// The README's example, kept true.
describe('README example', () => {
  it('runs as written', () => {
    const flags = settingsBuilder().set('opt_level', 'speed').enable('is_pic').finish();
    expect(flags.enumValue('opt_level')).toBe('speed');
    const rel32: LabelUseKind = {
      name: 'rel32', patchSize: 4, maxPosRange: 0x7fff_ffff, maxNegRange: 0x7fff_fffc,
      patch(bytes, use, label) {
        new DataView(bytes.buffer).setInt32(use, label - (use + 4), true);
      },
    };
    const buf = new MachBuffer('little');
    const done = buf.getLabel();
    const start = buf.curOffset();
    buf.put1(0xe9);
    buf.useLabel(buf.curOffset(), done, rel32);
    buf.put4(0);
    buf.addUncondBranch(start, buf.curOffset(), done);
    buf.bindLabel(done);
    buf.put1(0xc3);
    expect([...buf.finish().bytes]).toEqual([0xc3]);
  });
});
