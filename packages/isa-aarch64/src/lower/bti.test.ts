/// <reference types="node" />
// Branch Target Identification, enforced: a static, freestanding program (no libc, whose
// objects carry no BTI property) linked from C compiled with `-mbranch-protection=bti`, a tiny
// `_start`, and Windlass objects with the GNU BTI property note. The linker then marks the
// executable BTI, and qemu-aarch64 (7.2) maps its code as guarded pages: an indirect branch to
// anything but a landing pad raises SIGILL. So the code compiled with `use_bti` must run, and
// the same code without its landing pads must die, both at a function entered through `blr`
// (`bti c`) and at a jump-table target reached through `br` (`bti j`).
import { describe, expect, it } from 'vitest';
import { HAVE_QEMU, compileClif, linkAndRun } from '../test-support/qemu';

const CALLS = `
function %inc(i64) -> i64 {
block0(v0: i64):
    v1 = iadd_imm v0, 1
    return v1
}

function %apply(i64, i64) -> i64 {
    sig0 = (i64) -> i64
block0(v0: i64, v1: i64):
    v2 = call_indirect sig0, v1(v0)
    v3 = iadd_imm v2, 10
    return v3
}
`;

const TABLE = `
function %table(i32) -> i32 {
block0(v0: i32):
    br_table v0, block4, [block1, block2, block3]
block1:
    v1 = iconst.i32 11
    return v1
block2:
    v2 = iconst.i32 22
    return v2
block3:
    v3 = iconst.i32 33
    return v3
block4:
    v4 = iconst.i32 44
    return v4
}
`;

/**
 * The C half: `inc` and `apply` are entered through function pointers (blr: their entries
 * need `bti c`); `table` is called directly (bl needs no landing pad), so only its jump
 * table's targets (reached through br) are checked there.
 */
const DRIVER = `
typedef long (*fn1)(long);
typedef long (*fn2)(long, long);
extern long inc(long);
extern long apply(long, long);
extern int table(int);
static volatile fn1 p_inc = inc;
static volatile fn2 p_apply = apply;
int cmain(void) {
  if (table(0) != 11 || table(1) != 22 || table(2) != 33 || table(7) != 44) return 3;
  if (p_inc(41) != 42) return 1;
  if (p_apply(5, (long)p_inc) != 16) return 2;
  return 0;
}
`;

/** _start: calls cmain and exits with its result; carries the BTI property note like the C object. */
const START = `
    .section .note.gnu.property, "a"
    .p2align 3
    .word 4, 16, 5
    .asciz "GNU"
    .word 0xc0000000, 4, 1, 0
    .text
    .globl _start
    .type _start, %function
_start:
    bti c
    bl cmain
    mov x8, #93
    svc #0
`;

const FLAGS = ['-static', '-nostdlib', '-ffreestanding', '-mbranch-protection=bti', '-fno-stack-protector'];

/** Links the two halves, each compiled for its own target line, both objects marked BTI. */
function run(callsTarget: string, tableTarget = callsTarget) {
  const calls = compileClif(CALLS, callsTarget, { gnuProperty: { aarch64Bti: true } });
  const table = compileClif(TABLE, tableTarget, { gnuProperty: { aarch64Bti: true } });
  const codes = new Map([...calls.codes, ...table.codes]);
  return { r: linkAndRun([calls.object, table.object], { 'driver.c': DRIVER, 'start.s': START }, FLAGS), codes };
}

describe.skipIf(!HAVE_QEMU)('BTI landing pads under qemu-aarch64 (needs aarch64-linux-gnu-gcc and qemu-aarch64)', () => {
  it('runs code compiled with use_bti in a BTI-enforcing executable', () => {
    const { r, codes } = run('aarch64 use_bti');
    expect(r.link.stderr).toBe('');
    expect(r.link.status).toBe(0);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    // bti c at each entry, bti j at each jump-table target.
    expect(codes.get('inc')!.listing.split('\n')[0]).toMatch(/bti\tc/);
    expect(codes.get('table')!.listing.match(/bti\tj/g)?.length).toBe(3);
  });

  it('dies with SIGILL when a function entered through blr has no bti c', () => {
    const { r } = run('aarch64', 'aarch64 use_bti');
    expect(r.link.status).toBe(0);
    expect(r.signal).toBe('SIGILL');
  });

  it('dies with SIGILL when a jump-table target has no bti j', () => {
    const { r } = run('aarch64 use_bti', 'aarch64');
    expect(r.link.status).toBe(0);
    expect(r.signal).toBe('SIGILL');
  });

  it('signs return addresses with use_bti (paciasp is the entry landing pad) and still runs', () => {
    const { r, codes } = run('aarch64 use_bti sign_return_address sign_return_address_all');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(codes.get('inc')!.listing.split('\n')[0]).toMatch(/paciasp/);
  });
});
