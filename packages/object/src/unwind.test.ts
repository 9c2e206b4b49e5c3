/// <reference types="node" />
// .eh_frame on all four ISAs, checked by the unwinder programs actually use: a C function
// called from generated gen_b (called from generated gen_a, called from main) walks the stack
// with libgcc's _Unwind_Backtrace and names each frame.
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionBody } from './module';
import { ObjectModule } from './module';
import { AARCH64, RISCV64, S390X } from './test-support/cross';
import { hasTool, nativeX86_64, Scratch } from './test-support/toolchain';
import { GEN_A, GEN_B } from './test-support/x86';

const scratches: Scratch[] = [];
afterAll(() => scratches.forEach((s) => s.dispose()));

const retarget = (f: FunctionBody, callee: string): FunctionBody =>
  ({ ...f, relocs: f.relocs!.map((r) => ({ ...r, target: { kind: 'symbol' as const, name: callee } })) });

interface Platform {
  readonly target: string;
  readonly gcc: string;
  /** Command prefix that runs a binary of this target. */
  readonly runner: string[];
  readonly genA: FunctionBody;
  readonly genB: FunctionBody;
  readonly available: boolean;
}

const platforms: Platform[] = [
  { target: 'x86_64', gcc: 'cc', runner: [], genA: GEN_A, genB: GEN_B, available: nativeX86_64 && hasTool('cc') },
  ...[AARCH64, RISCV64, S390X].map((c) => ({
    target: c.target, gcc: c.gcc, runner: [c.qemu, '-L', c.sysroot],
    genA: retarget(c.callHelper, 'gen_b'), genB: retarget(c.callHelper, 'c_stop'),
    available: hasTool(c.gcc) && hasTool(c.qemu),
  })),
];

const main = (aSize: number, bSize: number) => `
#include <stdio.h>
#include <unwind.h>
int gen_a(int);
int gen_b(int);
int main(void);
static int frames;
static const char *frame_name(unsigned long ip) {
  if (ip >= (unsigned long)gen_a && ip < (unsigned long)gen_a + ${aSize}) return "gen_a";
  if (ip >= (unsigned long)gen_b && ip < (unsigned long)gen_b + ${bSize}) return "gen_b";
  if (ip > (unsigned long)main && ip < (unsigned long)main + 512) return "main";
  return "?";
}
static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg) {
  (void)arg;
  if (frames++ > 0) printf("%s\\n", frame_name(_Unwind_GetIP(ctx) - 1)); /* frame 0: c_stop itself */
  return frames > 3 ? _URC_END_OF_STACK : _URC_NO_REASON;
}
int c_stop(int x) { _Unwind_Backtrace(step, 0); return x; }
int main(void) { gen_a(5); printf("done\\n"); return 0; }
`;

function walk(p: Platform, ehFrame: boolean): string {
  const m = new ObjectModule({ target: p.target, ehFrame });
  m.declareFunction('c_stop', 'import');
  m.defineFunction(m.declareFunction('gen_a', 'export'), p.genA);
  m.defineFunction(m.declareFunction('gen_b', 'export'), p.genB);
  const s = new Scratch();
  scratches.push(s);
  const files = [s.write('main.c', main(p.genA.bytes.length, p.genB.bytes.length)), s.write('gen.o', m.finish())];
  // RISC-V gcc emits no unwind tables by default; c_stop needs one for the walk to leave it.
  const link = s.tool(p.gcc, ['-O1', '-fasynchronous-unwind-tables', '-o', s.path('prog'), ...files]);
  expect(link.stderr).toBe('');
  const cmd = [...p.runner, s.path('prog')];
  return s.tool(cmd[0], cmd.slice(1)).stdout;
}

for (const p of platforms) {
  describe.skipIf(!p.available)(`unwinding through generated ${p.target} code (skipped unless ${[p.gcc, ...p.runner.slice(0, 1)].join(' and ')} are available${p.target === 'x86_64' ? ' on x86-64 Linux' : ''})`, () => {
    it('walks gen_b, gen_a, main with the .eh_frame', () => {
      expect(walk(p, true)).toBe('gen_b\ngen_a\nmain\ndone\n');
    });
    it('cannot without it (control)', () => {
      expect(walk(p, false)).not.toBe('gen_b\ngen_a\nmain\ndone\n');
    });
  });
}
