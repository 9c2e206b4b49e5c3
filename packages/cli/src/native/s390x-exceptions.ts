// The exception runtime of the s390x driver: `__cranelift_throw`, the function CLIF code calls to
// throw (as Cranelift's filetest harness names it), as C and a little assembly.
//
//   __cranelift_throw(entry_fp, exit_fp, exit_pc, tag, payload0, payload1)
//
// The stub takes the thrower's stack pointer and return address from the machine (%r15 and %r14
// at entry; the arguments' exit_fp/exit_pc are not trusted) and walks the back chain: the
// frame whose %r15 is sp returns to pc; its caller's %r15 is 0(sp) and the caller's return
// address is what this frame's prologue saved, 112 bytes above the caller's %r15. For each
// frame it looks pc up in the try_call sites of the compiled functions (CompiledCode.callSites):
// the first handler whose tag matches, or a `default`, catches, resumed with %r15 = sp (the
// call sites' spBelowFp is 0 on s390x) and the payload in %r2 and %r3. The walk stops at the
// frame whose sp is entry_fp, at a return address outside the compiled code, or at a broken
// chain; an uncaught exception ends the case like a trap.

import type { CompiledCode } from '@windlass/codegen';
import { UNCAUGHT_EXCEPTION, handlerTableSource } from './exception-table';

/** C source of the runtime (needs the driver's `env`); empty when no function throws or catches. */
export function s390xExceptionRuntime(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): string {
  if (![...codes.values()].some((c) => c.callSites.some((s) => s.exceptionHandlers !== undefined))
    && ![...codes.values()].some((c) => c.relocations.some((r) => r.target.kind === 'symbol' && r.target.name === '__cranelift_throw'))) {
    return '';
  }
  const out = handlerTableSource(codes, symbolOf);
  out.push(
    'extern void wl_resume(uint64_t pad, uint64_t sp, uint64_t payload0, uint64_t payload1) __attribute__((noreturn));',
    '__attribute__((noreturn, used)) void wl_throw_walk(uint64_t entry_fp, uint64_t sp, uint64_t pc, uint32_t tag, uint64_t p0, uint64_t p1) {',
    '  for (long depth = 0; depth < (1L << 20); depth++) {',
    '    if (sp == 0 || (sp & 7) != 0 || sp == entry_fp || !wl_in_code(pc)) break;',
    '    for (const struct wl_handler *h = wl_handlers; h->ret; h++) {',
    '      if ((uint64_t)h->ret == pc && (h->is_default || h->tag == tag)) wl_resume((uint64_t)h->pad, sp - h->sp_below_fp, p0, p1);',
    '    }',
    '    uint64_t caller = ((const uint64_t *)sp)[0];',
    '    if (caller == 0 || (caller & 7) != 0) break;',
    '    pc = ((const uint64_t *)caller)[14];',
    '    sp = caller;',
    '  }',
    `  siglongjmp(env, ${UNCAUGHT_EXCEPTION});`,
    '}',
    '__asm__(',
    '  ".text\\n"',
    '  ".globl __cranelift_throw\\n"',
    '  ".type __cranelift_throw, @function\\n"',
    '  "__cranelift_throw:\\n"',
    // %r2 (entry_fp), %r5 (tag), %r6 (payload0) and payload1 at 160(%r15) pass through.
    '  "  lgr %r3,%r15\\n"',
    '  "  lgr %r4,%r14\\n"',
    '  "  jg wl_throw_walk\\n"',
    '  ".type wl_resume, @function\\n"',
    '  "wl_resume:\\n"',
    '  "  lgr %r15,%r3\\n"',
    '  "  lgr %r1,%r2\\n"',
    '  "  lgr %r2,%r4\\n"',
    '  "  lgr %r3,%r5\\n"',
    '  "  br %r1\\n"',
    ');',
  );
  return out.join('\n');
}
