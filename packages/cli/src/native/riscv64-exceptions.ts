// The exception runtime of the riscv64 driver: `__cranelift_throw`, the function CLIF code calls
// to throw (Cranelift's filetest harness provides it under that name).
//
//   __cranelift_throw(entry_fp, exit_fp, exit_pc, tag, payload0, payload1)
//
// The stub takes the thrower's frame pointer (s0) and return address (ra) from the machine,
// then walks the frame-pointer chain of the psABI frame layout (the saved ra at fp - 8, the
// caller's fp at fp - 16): for each frame (pc, fp) it looks the return address up in the
// try_call sites of the compiled functions; the first handler of that site whose tag matches,
// or a `default`, catches. It resumes there with sp = fp - spBelowFp, s0 = fp, a0 = payload0,
// a1 = payload1. The walk stops at the frame whose fp is entry_fp, at a return address outside
// the compiled code, or at a broken chain; an uncaught exception ends the case like a trap.

import type { CompiledCode } from '@windlass/codegen';
import { UNCAUGHT_EXCEPTION, handlerTableSource } from './exception-table';

export function riscv64ExceptionRuntime(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): string {
  if (![...codes.values()].some((c) => c.callSites.some((s) => s.exceptionHandlers !== undefined))
    && ![...codes.values()].some((c) => c.relocations.some((r) => r.target.kind === 'symbol' && r.target.name === '__cranelift_throw'))) {
    return '';
  }
  const out = handlerTableSource(codes, symbolOf);
  out.push(
    'extern void wl_resume(uint64_t pc, uint64_t sp, uint64_t fp, uint64_t payload0, uint64_t payload1) __attribute__((noreturn));',
    '__attribute__((noreturn, used)) void wl_throw_walk(uint64_t entry_fp, uint64_t fp, uint64_t pc, uint32_t tag, uint64_t p0, uint64_t p1) {',
    '  for (long depth = 0; depth < (1L << 20); depth++) {',
    '    if (fp == 0 || (fp & 7) != 0 || fp == entry_fp || !wl_in_code(pc)) break;',
    '    for (const struct wl_handler *h = wl_handlers; h->ret; h++) {',
    '      if ((uint64_t)h->ret == pc && (h->is_default || h->tag == tag)) wl_resume((uint64_t)h->pad, fp - h->sp_below_fp, fp, p0, p1);',
    '    }',
    '    pc = ((const uint64_t *)fp)[-1];',
    '    fp = ((const uint64_t *)fp)[-2];',
    '  }',
    `  siglongjmp(env, ${UNCAUGHT_EXCEPTION});`,
    '}',
    '__asm__(',
    '  ".text\\n"',
    '  ".globl __cranelift_throw\\n"',
    '  ".type __cranelift_throw, @function\\n"',
    '  "__cranelift_throw:\\n"',
    // a0 (entry_fp), a3 (tag), a4, a5 (payload) pass through; a1/a2 become the real frame.
    '  "  mv a1, s0\\n"',
    '  "  mv a2, ra\\n"',
    '  "  j wl_throw_walk\\n"',
    '  ".type wl_resume, @function\\n"',
    '  "wl_resume:\\n"',
    '  "  mv sp, a1\\n"',
    '  "  mv s0, a2\\n"',
    '  "  mv t0, a0\\n"',
    '  "  mv a0, a3\\n"',
    '  "  mv a1, a4\\n"',
    '  "  jr t0\\n"',
    ');',
  );
  return out.join('\n');
}
