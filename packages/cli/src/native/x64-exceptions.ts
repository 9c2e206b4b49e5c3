// The exception runtime of the native x86_64 driver: `__cranelift_throw`, the function CLIF code
// calls to throw (Cranelift's filetest harness provides it under that name), as C and a little
// assembly in the generated driver.
//
//   __cranelift_throw(entry_fp, exit_fp, exit_pc, tag, payload0, payload1)
//
// The stub takes the thrower's frame pointer and return address from the machine (rbp and the
// return address on the stack; the arguments' exit_fp/exit_pc are not trusted), then walks the
// frame-pointer chain: for each frame (pc, fp) it looks the return address up in the try_call
// sites of the compiled functions (CompiledCode.callSites); the first handler of that site
// whose tag matches, or a `default`, catches. It resumes there with rsp = fp - spBelowFp,
// rbp = fp, rax = payload0, rdx = payload1. The walk stops at the frame whose fp is entry_fp
// (that frame is not searched), at a return address outside the compiled code, or at a broken
// chain; an uncaught exception ends the case like a trap (see UNCAUGHT_EXCEPTION).

import type { CompiledCode } from '@windlass/codegen';
import { UNCAUGHT_EXCEPTION, handlerTableSource } from './exception-table';

export { UNCAUGHT_EXCEPTION, handlerRows, type HandlerRow } from './exception-table';

/** The machine-specific part of the runtime: the two assembly stubs, and how a saved return address reads. */
export interface ThrowStubs {
  /** Assembly lines (C string literals' contents) defining `__cranelift_throw` and `wl_resume`. */
  readonly asm: readonly string[];
  /** A C expression turning the saved return address `pc` into a code address (strip pointer signatures). */
  readonly pcOf: string;
}

/** x86-64: the thrower's rbp and its return address on the stack; resume with rsp, rbp, rax/rdx. */
export const X64_THROW_STUBS: ThrowStubs = {
  asm: [
    '.text\\n', '.globl __cranelift_throw\\n', '.type __cranelift_throw, @function\\n', '__cranelift_throw:\\n',
    // rdi (entry_fp), ecx (tag), r8, r9 (payload) pass through; rsi/rdx become the real frame.
    '  movq %rbp, %rsi\\n', '  movq (%rsp), %rdx\\n', '  jmp wl_throw_walk\\n',
    '.type wl_resume, @function\\n', 'wl_resume:\\n',
    '  movq %rsi, %rsp\\n', '  movq %rdx, %rbp\\n', '  movq %rcx, %rax\\n', '  movq %r8, %rdx\\n', '  jmp *%rdi\\n',
  ],
  pcOf: 'pc',
};

/**
 * C source of the runtime for a machine whose frames chain as (saved fp, return address) at
 * the frame pointer: declarations of the code symbols, the code ranges and handler table, the
 * walker and the two assembly stubs. Needs `env` (the driver's sigjmp_buf).
 */
export function exceptionRuntimeSource(
  codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string, stubs: ThrowStubs = X64_THROW_STUBS,
): string {
  const out = handlerTableSource(codes, symbolOf);
  out.push(
    'extern void wl_resume(uint64_t pc, uint64_t sp, uint64_t fp, uint64_t payload0, uint64_t payload1) __attribute__((noreturn));',
    // entry_fp, then the thrower's fp and pc as the stub found them, then the tag and payload.
    '__attribute__((noreturn, used)) void wl_throw_walk(uint64_t entry_fp, uint64_t fp, uint64_t pc, uint32_t tag, uint64_t p0, uint64_t p1) {',
    '  for (long depth = 0; depth < (1L << 20); depth++) {',
    '    if (fp == 0 || (fp & 7) != 0 || fp == entry_fp || !wl_in_code(pc)) break;',
    '    for (const struct wl_handler *h = wl_handlers; h->ret; h++) {',
    '      if ((uint64_t)h->ret == pc && (h->is_default || h->tag == tag)) wl_resume((uint64_t)h->pad, fp - h->sp_below_fp, fp, p0, p1);',
    '    }',
    `    pc = ((const uint64_t *)fp)[1]; pc = ${stubs.pcOf};`,
    '    fp = ((const uint64_t *)fp)[0];',
    '  }',
    `  siglongjmp(env, ${UNCAUGHT_EXCEPTION});`,
    '}',
    '__asm__(',
    ...stubs.asm.map((l) => `  "${l}"`),
    ');',
  );
  return out.join('\n');
}
