import { describe, expect, it } from 'vitest';
import { ObjectModule } from './index';

// The README's example, kept true.
describe('README example', () => {
  it('runs as written', () => {
    const m = new ObjectModule({ target: 'x86_64' });
    const add = m.declareFunction('add', 'export');
    m.defineFunction(add, { bytes: new Uint8Array([0x89, 0xf8, 0x01, 0xf0, 0xc3]) });
    const table = m.declareData('table', 'export');
    m.defineData(table, {
      bytes: new Uint8Array(8), align: 8,
      relocs: [{ offset: 0, kind: 'Abs8', target: { kind: 'symbol', name: 'add' }, addend: 0 }],
    });
    const elf: Uint8Array = m.finish();
    expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  });
});
