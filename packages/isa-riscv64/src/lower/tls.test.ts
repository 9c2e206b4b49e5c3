// tls_value (general-dynamic TLS) and the pinned register, linked with C and run under qemu.
import { describe, expect, it } from 'vitest';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const TLS = `set tls_model=elf_gd
function %tls_inc() -> i64 {
    gv0 = symbol colocated tls %counter
block0:
    v0 = tls_value.i64 gv0
    v1 = load.i64 v0
    v2 = iadd_imm v1, 1
    store v2, v0
    return v2
}
function %pinned(i64) -> i64 {
block0(v0: i64):
    set_pinned_reg v0
    v1 = get_pinned_reg.i64
    v2 = iadd_imm v1, 5
    return v2
}`;

describe('thread-local storage and the pinned register', () => {
  it('compiles tls_value to the general-dynamic sequence with its relocations', () => {
    const codes = compileClif(TLS, 'riscv64', ['enable_pinned_reg=true']);
    const kinds = codes.get('tls_inc')!.relocations.map((r) => r.kind);
    expect(kinds).toEqual(['RiscvTlsGdHi20', 'RiscvPCRelLo12I', 'RiscvCallPlt']);
    expect(codes.get('pinned')!.listing).toContain('addi s11,');
  });

  it.skipIf(!haveCross)('runs: each thread sees its own variable', () => {
    const codes = compileClif(TLS, 'riscv64', ['enable_pinned_reg=true']);
    const main = `#include <stdio.h>
#include <pthread.h>
__thread long counter = 10;
long tls_inc(void);
long pinned(long);
static void *worker(void *arg) { (void)arg; long a = tls_inc(); long b = tls_inc(); return (void *)(a * 100 + b); }
int main(void) {
  pthread_t t; void *r;
  tls_inc();
  pthread_create(&t, 0, worker, 0); pthread_join(t, &r);
  printf("%ld %ld %ld\\n", tls_inc(), (long)r, pinned(37));
  return 0;
}
`;
    const out = linkAndRun(objectOf(codes), main, 'rv64', ['-lpthread']);
    expect(out.link).toBe('');
    expect(out.stdout).toBe('12 1112 42\n');
  });
});
