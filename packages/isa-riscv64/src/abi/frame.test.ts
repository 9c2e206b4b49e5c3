// Frames: stack probes touching every page of a large frame, frames larger than 12-bit offsets
// reach, and leaf functions without a frame.
import { describe, expect, it } from 'vitest';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const FRAMES = `function %big_frame(i64) -> i64 {
    ss0 = explicit_slot 1000000
block0(v0: i64):
    v1 = stack_addr.i64 ss0
    store v0, v1+999992
    v2 = stack_load.i64 ss0+999992
    v3 = iadd_imm v2, 1
    return v3
}
function %three_pages(i64) -> i64 {
    ss0 = explicit_slot 12288
block0(v0: i64):
    stack_store v0, ss0+8
    v1 = stack_load.i64 ss0+8
    return v1
}
function %leaf(i64) -> i64 {
block0(v0: i64):
    v1 = iadd_imm v0, 1
    return v1
}`;

describe('frames', () => {
  it('probes every page of a large frame: a loop, or a few unrolled stores', () => {
    const codes = compileClif(FRAMES, 'riscv64', ['enable_probestack=true', 'probestack_strategy=inline']);
    expect(codes.get('big_frame')!.listing).toMatch(/add sp,sp,t5\n.*sd zero,0\(sp\)\n.*addi t6,t6,-1\n.*bne t6,zero/);
    expect(codes.get('three_pages')!.listing.match(/sd zero,0\(sp\)/g)).toHaveLength(3);
    expect(codes.get('leaf')!.listing).toBe('  0000:  addi a0,a0,1\n  0004:  jr ra');
    expect(codes.get('leaf')!.frameSize).toBe(0);
  });

  it.skipIf(!haveCross)('runs large probed frames under qemu', () => {
    const codes = compileClif(FRAMES, 'riscv64', ['enable_probestack=true', 'probestack_strategy=inline']);
    const main = `#include <stdio.h>
long big_frame(long); long three_pages(long); long leaf(long);
int main(void) { printf("%ld %ld %ld\\n", big_frame(41), three_pages(7), leaf(1)); return 0; }
`;
    const out = linkAndRun(objectOf(codes), main);
    expect(out.link).toBe('');
    expect(out.stdout).toBe('42 7 2\n');
  });
});
