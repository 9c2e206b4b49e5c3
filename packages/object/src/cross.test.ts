/// <reference types="node" />
// The ELF writer for the other three ISAs: objects linked by the Debian cross compilers and
// run under qemu-user, so machine numbers, relocation tables, byte order and .eh_frame are
// checked by the real tools.
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectModule } from './module';
import { AARCH64, type CrossSample, RISCV64, S390X } from './test-support/cross';
import { hasTool, readelf, Scratch } from './test-support/toolchain';

const scratches: Scratch[] = [];
afterAll(() => scratches.forEach((s) => s.dispose()));

function build(sample: CrossSample): Uint8Array {
  const m = new ObjectModule({ target: sample.target, name: 'cross' });
  m.defineFunction(m.declareFunction('add', 'export'), sample.add);
  m.declareFunction('c_helper', 'import');
  m.defineFunction(m.declareFunction('call_helper', 'export'), sample.callHelper);
  m.defineData(m.declareData('answer', 'local'), { bytes: sample.target === 's390x' ? new Uint8Array([0, 0, 0, 42]) : new Uint8Array([42, 0, 0, 0]), align: 4 });
  m.defineFunction(m.declareFunction('get_answer', 'export'), sample.getAnswer);
  m.defineData(m.declareData('fn_table', 'export'), {
    bytes: new Uint8Array(8), align: 8, relocs: [{ offset: 0, kind: 'Abs8', target: { kind: 'symbol', name: 'add' }, addend: 0 }],
  });
  return m.finish();
}

const MAIN = `
#include <stdio.h>
int add(int, int);
int call_helper(int);
int get_answer(void);
extern int (*const fn_table[1])(int, int);
int c_helper(int x) { return x * 3; }
int main(void) {
  printf("%d %d %d %d\\n", add(2, 3), call_helper(5), get_answer(), fn_table[0](4, 5));
  return 0;
}
`;

for (const sample of [AARCH64, RISCV64, S390X]) {
  const available = hasTool(sample.gcc) && hasTool(sample.qemu) && hasTool('readelf');
  describe.skipIf(!available)(`${sample.target} objects (skipped unless ${sample.gcc}, ${sample.qemu} and readelf are installed)`, () => {
    it('link without warnings and run', () => {
      const s = new Scratch();
      scratches.push(s);
      const obj = build(sample);
      const files = [s.write('main.c', MAIN), s.write('gen.o', obj)];
      const link = s.tool(sample.gcc, ['-O1', '-o', s.path('prog'), ...files]);
      expect(link.stderr).toBe('');
      expect(link.status).toBe(0);
      const run = s.tool(sample.qemu, ['-L', sample.sysroot, s.path('prog')]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('5 16 42 9\n');
    });

    it('satisfy readelf, including the .eh_frame', () => {
      const s = new Scratch();
      scratches.push(s);
      const r = readelf(s, s.write('gen.o', build(sample)), ['-a', '-W', '--debug-dump=frames']);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(/warning|error|corrupt|\(unknown\)\s*$/im);
      expect(r.stdout).toMatch(/FDE cie=00000000/);
    });
  });
}

describe.skipIf(!hasTool('readelf'))('the AArch64 GNU property note (needs readelf)', () => {
  it('marks BTI and PAC for the linker, and only on aarch64', () => {
    const s = new Scratch();
    scratches.push(s);
    const m = new ObjectModule({ target: 'aarch64', gnuProperty: { aarch64Bti: true, aarch64Pac: true } });
    m.defineFunction(m.declareFunction('add', 'export'), AARCH64.add);
    const r = readelf(s, s.write('bti.o', m.finish()), ['-n', '-W']);
    expect(r.stdout).toMatch(/AArch64 feature: BTI, PAC/);
    expect(() => new ObjectModule({ target: 'x86_64', gnuProperty: { aarch64Bti: true } }).finish()).toThrow(/AArch64 features/);
  });
});
