/*
 * The only per-ISA C of the loader: where a signal context keeps the pc, stack pointer, frame
 * pointer and return address, how to step from one frame to its caller, and the relocation
 * types of reloc.c. Everything else is ISA-neutral: trampolines are compiled by each backend.
 *
 * Frame walking follows the backends' frame layouts: x86-64 `push rbp; mov rbp, rsp` and
 * AArch64 `stp x29, x30, [sp, #-16]!; mov x29, sp` leave [fp] = caller's fp and [fp + 8] = the
 * return address; RISC-V points fp at the CFA, with the return address at [fp - 8] and the
 * caller's fp at [fp - 16]; s390x keeps a back chain: the word at 0(%r15) is the caller's stack
 * pointer, and the caller's register save area holds the return address (%r14) at 112.
 * On the ISAs with a link register a leaf function may keep no frame at all: its caller is then
 * found in the link register (trap.c).
 */
#ifndef WL_ARCH_H
#define WL_ARCH_H
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#if defined(__x86_64__)
#define WL_ARCH "x86_64"
#define WL_UC_PC(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RIP])
#define WL_UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RSP])
#define WL_UC_FP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RBP])
/* At a function's first instruction the return address is on top of the stack. */
#define WL_UC_ENTRY_RA(uc) (*(uintptr_t *)WL_UC_SP(uc))
#elif defined(__aarch64__)
#define WL_ARCH "aarch64"
#define WL_UC_PC(uc) ((uintptr_t)(uc)->uc_mcontext.pc)
#define WL_UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.sp)
#define WL_UC_FP(uc) ((uintptr_t)(uc)->uc_mcontext.regs[29])
#define WL_UC_ENTRY_RA(uc) ((uintptr_t)(uc)->uc_mcontext.regs[30])
#define WL_UC_LR(uc) ((uintptr_t)(uc)->uc_mcontext.regs[30])
#elif defined(__riscv) && __riscv_xlen == 64
#define WL_ARCH "riscv64"
#define WL_UC_PC(uc) ((uintptr_t)(uc)->uc_mcontext.__gregs[0])
#define WL_UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.__gregs[2])
#define WL_UC_FP(uc) ((uintptr_t)(uc)->uc_mcontext.__gregs[8])
#define WL_UC_ENTRY_RA(uc) ((uintptr_t)(uc)->uc_mcontext.__gregs[1])
#define WL_UC_LR(uc) ((uintptr_t)(uc)->uc_mcontext.__gregs[1])
#elif defined(__s390x__)
#define WL_ARCH "s390x"
#define WL_UC_PC(uc) ((uintptr_t)(uc)->uc_mcontext.psw.addr)
#define WL_UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[15])
/* The back chain starts at the stack pointer. */
#define WL_UC_FP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[15])
#define WL_UC_ENTRY_RA(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[14])
#define WL_UC_LR(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[14])
#else
#error "the Windlass loader supports x86_64, aarch64, riscv64 and s390x"
#endif

/*
 * The address of the instruction a signal is about. On s390x a program check for an illegal
 * instruction or a fixed-point divide leaves the PSW after the instruction; the kernel reports
 * the instruction's own address in si_addr. Faults on memory leave the PSW at the instruction.
 */
static inline uintptr_t wl_signal_pc(int sig, const siginfo_t *si, ucontext_t *uc) {
#if defined(__s390x__)
  if (sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) return (uintptr_t)si->si_addr;
#else
  (void)sig;
  (void)si;
#endif
  return WL_UC_PC(uc);
}

/*
 * One step of the frame walk: from frame `*fp`, the caller's return address and frame. Returns
 * 0 when the words it would read are outside [lo, hi) (the wasm stack) or misaligned.
 */
static inline int wl_next_frame(uintptr_t *fp, uintptr_t *ret, uintptr_t lo, uintptr_t hi) {
  uintptr_t f = *fp;
  if (f < lo || f + 16 > hi || (f & 7) != 0) return 0;
#if defined(__s390x__)
  uintptr_t caller = *(uintptr_t *)f;
  if (caller < lo || caller + 128 > hi || (caller & 7) != 0) return 0;
  *ret = *(uintptr_t *)(caller + 112);
  *fp = caller;
#elif defined(__riscv)
  if (f < lo + 16) return 0;
  *ret = *(uintptr_t *)(f - 8);
  *fp = *(uintptr_t *)(f - 16);
#else
  *ret = *(uintptr_t *)(f + 8);
  *fp = *(uintptr_t *)f;
#endif
  return 1;
}

#endif
