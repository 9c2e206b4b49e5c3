/// <reference types="node" />
// `.eh_frame` for AArch64, proven by the unwinder C code uses: `_Unwind_Backtrace` called from
// C through two generated frames (each with a frame record and callee-saved registers) must
// walk middle -> outer -> main, under qemu. With return-address signing the unwinder must see
// the RA-sign state toggles (DW_CFA_AARCH64_negate_ra_state) to strip the signatures.
import { describe, expect, it } from 'vitest';
import { HAVE_QEMU, compileClif, linkAndRun } from '../test-support/qemu';

const CLIF = `
function %outer(i64) -> i64 {
    fn0 = %middle(i64) -> i64
block0(v0: i64):
    v1 = iadd_imm v0, 3
    v2 = call fn0(v1)
    v3 = iadd v2, v1
    return v3
}

function %middle(i64) -> i64 {
    fn0 = %c_callback(i64) -> i64
block0(v0: i64):
    v1 = imul_imm v0, 2
    v2 = call fn0(v1)
    v3 = iadd v2, v0
    v4 = iadd v3, v1
    return v4
}
`;

const DRIVER = `
#include <stdio.h>
#include <unwind.h>
extern char outer[], middle[];
extern long outer_fn(long) __asm__("outer");
int main(void);
static unsigned long ips[64];
static int n;
static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg) {
  (void)arg;
  if (n < 64) ips[n++] = _Unwind_GetIP(ctx);
  return _URC_NO_REASON;
}
long c_callback(long x) {
  _Unwind_Backtrace(step, 0);
  return x + 1;
}
static const char *where(unsigned long ip) {
  if (ip > (unsigned long)outer && ip <= (unsigned long)outer + OUTER_SIZE) return "outer";
  if (ip > (unsigned long)middle && ip <= (unsigned long)middle + MIDDLE_SIZE) return "middle";
  if (ip > (unsigned long)main && ip <= (unsigned long)main + 256) return "main";
  return "?";
}
int main(void) {
  long r = outer_fn(5);
  printf("%ld", r);
  for (int k = 0; k < n; k++) { const char *w = where(ips[k]); if (w[0] != '?') printf(" %s", w); }
  printf("\\n");
  return 0;
}
`;

describe.skipIf(!HAVE_QEMU)('_Unwind_Backtrace through generated frames under qemu (needs aarch64-linux-gnu-gcc and qemu-aarch64)', () => {
  for (const target of ['aarch64', 'aarch64 sign_return_address', 'aarch64 sign_return_address sign_return_address_with_bkey']) {
    it(`walks middle -> outer -> main (${target})`, () => {
      const { object, codes } = compileClif(CLIF, target);
      const sizes = `#define OUTER_SIZE ${codes.get('outer')!.bytes.length}\n#define MIDDLE_SIZE ${codes.get('middle')!.bytes.length}\n`;
      const r = linkAndRun([object], { 'driver.c': sizes + DRIVER });
      expect(r.link.stderr).toBe('');
      expect(r.stderr).toBe('');
      // outer(5): v1 = 8, middle(8): v1 = 16, c_callback(16) = 17, 17 + 8 + 16 = 41, 41 + 8 = 49.
      expect(r.stdout.trim()).toBe('49 middle outer main');
    });
  }
});
