/// <reference types="node" />
// The README's example, run: compile, write an object, link with the cross compiler, run under qemu.
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import './index';
import { HAVE_QEMU, linkAndRun } from './test-support/qemu';

const f = parseClif(`function %mul_add(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = imul v0, v1
    v4 = iadd v3, v2
    return v4
}`).functions[0].func;

describe('the README example', () => {
  it('compiles to madd + ret', () => {
    const code = buildIsa('aarch64').compileFunction(f, { wantListing: true });
    expect(code.listing).toBe('  0000:  madd\tx0, x0, x1, x2\n  0004:  ret');
  });

  it.skipIf(!HAVE_QEMU)('links with aarch64-linux-gnu-gcc and runs under qemu-aarch64 (needs both)', () => {
    const code = buildIsa('aarch64').compileFunction(f, { wantListing: true });
    const m = new ObjectModule({ target: 'aarch64' });
    m.defineFunction(m.declareFunction('mul_add', 'export'), { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind });
    const r = linkAndRun([m.finish()], {
      'main.c': '#include <stdio.h>\nlong mul_add(long, long, long);\nint main(void) { printf("%ld\\n", mul_add(6, 7, -2)); return 0; }\n',
    });
    expect(r.link.stderr).toBe('');
    expect(r.stdout).toBe('40\n');
  });
});
