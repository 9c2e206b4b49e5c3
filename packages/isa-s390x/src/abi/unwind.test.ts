/// <reference types="node" />
// The unwind info of generated s390x code, checked by the real unwinder: C calls %outer, which
// calls %inner, which calls back into C; there `_Unwind_Backtrace` (libgcc, reading the
// `.eh_frame` Windlass wrote) must walk through both generated frames back to main. Linked
// with s390x-linux-gnu-gcc (no warnings) and run under qemu-s390x.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { buildIsa, defaultFlags } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import '../index';

const hasTools = ['s390x-linux-gnu-gcc', 'qemu-s390x'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

// %outer keeps values in callee-saved registers across its call and has stack slots; %inner
// is a small frame. Both save %r14 (the return address) in their caller's register save area.
const CLIF = `
function %inner(i64) -> i64 {
  fn0 = %wl_backtrace(i64) -> i64
block0(v0: i64):
  v1 = call fn0(v0)
  v2 = iadd_imm v1, 1
  return v2
}
function %outer(i64) -> i64 {
  ss0 = explicit_slot 64
  fn0 = %inner(i64) -> i64
block0(v0: i64):
  v1 = iadd_imm v0, 10
  v2 = iadd_imm v0, 20
  v3 = iadd_imm v0, 30
  stack_store v3, ss0
  v4 = call fn0(v0)
  v5 = iadd v4, v1
  v6 = iadd v5, v2
  v7 = stack_load.i64 ss0
  v8 = iadd v6, v7
  return v8
}
`;

const MAIN = `
#include <stdio.h>
#include <stdint.h>
#include <unwind.h>
extern long outer(long);
extern char outer_start[] __asm__("outer");
extern char inner_start[] __asm__("inner");
static uintptr_t pcs[64];
static int n;
static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg) {
  (void)arg;
  if (n < 64) pcs[n++] = _Unwind_GetIP(ctx);
  return _URC_NO_REASON;
}
long wl_backtrace(long x) { n = 0; _Unwind_Backtrace(step, 0); return x; }
int main(void) {
  long r = outer(5);
  printf("result %ld\\n", r);
  printf("inner %lu outer %lu main %lu\\n", (unsigned long)inner_start, (unsigned long)outer_start, (unsigned long)main);
  for (int k = 0; k < n; k++) printf("pc %lu\\n", (unsigned long)pcs[k]);
  return 0;
}
`;

describe('s390x unwind info', () => {
  it.skipIf(!hasTools)('lets _Unwind_Backtrace walk from C through two generated frames back to main (qemu)', () => {
    const isa = buildIsa('s390x', defaultFlags());
    const m = new ObjectModule({ target: 's390x' });
    const sizes = new Map<string, number>();
    const file = parseClif(CLIF, 'unwind.clif');
    m.declareFunction('wl_backtrace', 'import');
    for (const { func } of file.functions) {
      const name = func.name.kind === 'testcase' ? func.name.name : '';
      const code = isa.compileFunction(func);
      expect(code.unwind?.rows.length ?? 0).toBeGreaterThan(0);
      sizes.set(name, code.bytes.length);
      m.defineFunction(m.declareFunction(name, 'export'), code);
    }
    const dir = mkdtempSync(join(tmpdir(), 'wl-s390x-unwind-'));
    try {
      writeFileSync(join(dir, 'gen.o'), m.finish());
      writeFileSync(join(dir, 'main.c'), MAIN);
      const link = spawnSync('s390x-linux-gnu-gcc', ['-O1', '-o', join(dir, 'prog'), join(dir, 'main.c'), join(dir, 'gen.o')], { encoding: 'utf8' });
      expect(link.stderr).toBe('');
      expect(link.status).toBe(0);
      const run = spawnSync('qemu-s390x', ['-L', '/usr/s390x-linux-gnu', '-cpu', 'max', join(dir, 'prog')], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toBe(`result ${5 + 1 + 15 + 25 + 35}`);
      const [, inner, , outer, , main] = lines[1].split(' ').map(Number);
      const pcs = lines.slice(2).map((l) => Number(l.split(' ')[1]));
      const where = (pc: number): string => {
        if (pc > inner && pc <= inner + sizes.get('inner')!) return 'inner';
        if (pc > outer && pc <= outer + sizes.get('outer')!) return 'outer';
        if (pc > main && pc < main + 4096) return 'main';
        return '?';
      };
      // After the C frames (wl_backtrace's own, which may lie near main), the two generated
      // frames and main, in order.
      const trail = pcs.map(where);
      const k = trail.indexOf('inner');
      expect(k).toBeGreaterThan(0);
      expect(trail.slice(k, k + 3)).toEqual(['inner', 'outer', 'main']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
