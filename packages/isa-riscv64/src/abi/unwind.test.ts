// `.eh_frame` for generated code: libgcc's `_Unwind_Backtrace`, called from C below two
// generated frames, walks through both (their CFI rows describe every prologue) into `main`.
import { describe, expect, it } from 'vitest';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const FRAMES = `function %inner(i64) -> i64 {
    fn0 = %backtrace(i64) -> i64
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = iadd_imm v1, 1
    return v2
}
function %outer(i64, i64) -> i64 {
    fn0 = %inner(i64) -> i64
block0(v0: i64, v1: i64):
    v2 = imul v0, v1
    v3 = call fn0(v0)
    v4 = iadd v3, v2
    return v4
}`;

describe('unwind info', () => {
  it('describes each prologue with CFI rows', () => {
    const codes = compileClif(FRAMES);
    const ops = codes.get('outer')!.unwind!.rows.map((r) => r.op.kind);
    expect(ops.slice(0, 4)).toEqual(['def_cfa_offset', 'offset', 'offset', 'def_cfa']);
  });

  it.skipIf(!haveCross)('lets _Unwind_Backtrace walk from C through two generated frames into main', () => {
    const codes = compileClif(FRAMES);
    const size = (n: string): number => codes.get(n)!.bytes.length;
    const main = `#include <stdio.h>
#include <stdint.h>
#include <unwind.h>
extern char inner_code[] __asm__("inner"), outer_code[] __asm__("outer");
long outer(long, long);
int main(void);
static const char *where(uintptr_t pc) {
  if (pc > (uintptr_t)inner_code && pc <= (uintptr_t)inner_code + ${size('inner')}) return "inner";
  if (pc > (uintptr_t)outer_code && pc <= (uintptr_t)outer_code + ${size('outer')}) return "outer";
  return 0;
}
static int depth, after_outer;
static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg) {
  (void)arg;
  uintptr_t pc = _Unwind_GetIP(ctx);
  const char *w = where(pc);
  if (w) printf("%s ", w);
  else if (after_outer) after_outer++;
  if (w && w[0] == 'o') after_outer = 1;
  if (depth++ > 64) return _URC_END_OF_STACK;
  return _URC_NO_REASON;
}
long backtrace(long x) { _Unwind_Backtrace(step, 0); return x * 2; }
int main(void) {
  long r = outer(7, 3);
  /* The walk went on past the generated frames, into main and libc. */
  printf("| %ld %d\\n", r, after_outer > 1);
  return 0;
}
`;
    // The C side needs unwind tables of its own (riscv64 GCC does not emit them by default).
    const out = linkAndRun(objectOf(codes), main, 'rv64', [], ['-funwind-tables']);
    expect(out.link).toBe('');
    expect(out.stdout).toBe('inner outer | 36 1\n');
  });
});
