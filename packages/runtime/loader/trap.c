/*
 * Running compiled code: every call from the host into wasm runs on the wasm stack (a mapping
 * with a guard region below it) through an entry trampoline. A signal while wasm runs is
 * classified on the alternate signal stack:
 *   - a fault in the wasm stack's guard region: the trap "call stack exhausted";
 *   - a fault or trap instruction at an address of the trap table: that trap;
 *   - SIGALRM: the call's time limit;
 *   - anything else: a crash, reported as such and never as a result.
 * Traps raised by the runtime itself (libcalls, WASI) and proc_exit unwind the same way. The
 * backtrace walks the frame-pointer chain (arch.h) from the faulting frame.
 */
#include "wl.h"
#include "arch.h"
#include "component.h"
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

static uint8_t *stack_base;  /* lowest address of the mapping (guard region first) */
static size_t stack_size, guard_size;
static ucontext_t host_uc, wasm_uc;
static sigjmp_buf trap_jmp;
static volatile sig_atomic_t in_wasm;
static wl_outcome *cur;
static struct {
  void (*entry)(void *, void *, uint64_t *);
  void *vmctx, *callee;
  uint64_t *values;
} call;

const char *wl_trap_message(uint32_t code) {
  switch (code) {
  case WL_TRAP_HEAP_OOB: return "out of bounds memory access";
  case WL_TRAP_INT_OVF: return "integer overflow";
  case WL_TRAP_INT_DIVZ: return "integer divide by zero";
  case WL_TRAP_BAD_TOINT: return "invalid conversion to integer";
  case WL_TRAP_STK_OVF: return "call stack exhausted";
  case WL_TRAP_UNREACHABLE: return "unreachable";
  case WL_TRAP_TABLE_OOB: return "out of bounds table access";
  case WL_TRAP_INDIRECT_NULL: return "uninitialized element";
  case WL_TRAP_BAD_SIGNATURE: return "indirect call type mismatch";
  case WL_TRAP_UNDEFINED_ELEMENT: return "undefined element";
  default: {
    const char *c = wl_component_trap_message(code);
    return c ? c : "trap";
  }
  }
}

static inline int in_stack(uintptr_t p) { return p >= (uintptr_t)stack_base + guard_size && p < (uintptr_t)stack_base + stack_size; }

/* Frames from (pc, fp): wasm code only, ending at the entry trampoline. `lr`: the link
   register (0 where the ISA has none), which holds the caller of a leaf without a frame. */
static void backtrace_from(uintptr_t pc, uintptr_t fp, uintptr_t entry_ra, int have_entry_ra, uintptr_t lr) {
  wl_outcome *o = cur;
  o->nframes = 0;
  wl_artifact *a;
  const wl_code *c = wl_code_at(pc, &a);
  uintptr_t lo = (uintptr_t)stack_base + guard_size, hi = (uintptr_t)stack_base + stack_size;
  if (c && c->kind == WL_CODE_FUNCTION) {
    o->frames[o->nframes++] = pc;
    /* At a function's first instruction its frame does not exist yet: the caller is in the return register / slot. */
    if (have_entry_ra && pc == (uintptr_t)a->text + c->off) {
      const wl_code *cc = wl_code_at(entry_ra, NULL);
      if (!cc || cc->kind != WL_CODE_FUNCTION) return;
      o->frames[o->nframes++] = entry_ra - 1;
    }
  }
  uintptr_t ret;
  if (lr && o->nframes == 1) {
    /* The faulting function kept no frame if the link register points into another wasm
       function and the frame chain's first return address is not that one. */
    uintptr_t f = fp, first = 0;
    const wl_code *lc = wl_code_at(lr, NULL);
    if (lc && lc != c && lc->kind == WL_CODE_FUNCTION && (!wl_next_frame(&f, &first, lo, hi) || first != lr)) o->frames[o->nframes++] = lr - 1;
  }
  for (int steps = 0; steps < 4 * WL_MAX_FRAMES && o->nframes < WL_MAX_FRAMES && wl_next_frame(&fp, &ret, lo, hi); steps++) {
    const wl_code *cc = wl_code_at(ret, NULL);
    if (!cc) {
      /* A host frame (a libcall's) below the wasm ones: keep walking up to wasm code. */
      if (o->nframes == 0) continue;
      break;
    }
    if (cc->kind != WL_CODE_FUNCTION) break;
    /* A return address points after the call: look it up one byte back. */
    o->frames[o->nframes++] = ret - 1;
  }
}

/* The return address at a function's first instruction, read only where it is safe to read. */
static uintptr_t entry_ra(ucontext_t *uc) {
#if defined(__x86_64__)
  uintptr_t sp = WL_UC_SP(uc);
  return in_stack(sp) && in_stack(sp + 7) ? WL_UC_ENTRY_RA(uc) : 0;
#else
  return WL_UC_ENTRY_RA(uc);
#endif
}

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  if (!in_wasm) {
    /* A fault in the loader itself: die with the signal (the runtime reports the crash). */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  uintptr_t pc = wl_signal_pc(sig, si, uc), addr = (uintptr_t)si->si_addr;
  wl_outcome *o = cur;
  o->signal = sig;
  o->pc = pc;
  o->addr = addr;
  if (sig == SIGALRM) {
    o->status = WL_TIMEOUT;
  } else {
    wl_artifact *a;
    const wl_code *c = wl_code_at(pc, &a);
    uint32_t code;
    if ((sig == SIGSEGV || sig == SIGBUS) && addr >= (uintptr_t)stack_base && addr < (uintptr_t)stack_base + guard_size) {
      o->status = WL_TRAP;
      o->trap_code = WL_TRAP_STK_OVF;
    } else if (c && wl_trap_code_at(a, (uint32_t)(pc - (uintptr_t)a->text), &code)) {
      o->status = WL_TRAP;
      o->trap_code = code;
    } else {
      o->status = WL_CRASH;
    }
  }
#if defined(WL_UC_LR)
  backtrace_from(pc, WL_UC_FP(uc), entry_ra(uc), 1, WL_UC_LR(uc));
#else
  backtrace_from(pc, WL_UC_FP(uc), entry_ra(uc), 1, 0);
#endif
  in_wasm = 0;
  siglongjmp(trap_jmp, 1);
}

static void on_stack(void) {
  if (sigsetjmp(trap_jmp, 1) == 0) {
    in_wasm = 1;
    call.entry(call.vmctx, call.callee, call.values);
    in_wasm = 0;
    cur->status = WL_OK;
  }
  /* Returning resumes the host context (uc_link). */
}

void wl_signals_init(size_t bytes) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  guard_size = 2u << 20; /* wide enough that no frame steps over it in one go */
  stack_size = guard_size + ((bytes + pg - 1) / pg * pg);
  stack_base = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack_base == MAP_FAILED || mprotect(stack_base, guard_size, PROT_NONE) != 0) {
    fprintf(stderr, "windlass-loader: cannot map the wasm stack: %s\n", strerror(errno));
    exit(70);
  }
  static uint8_t altstack[1 << 16];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
}

int wl_call(void (*entry)(void *, void *, uint64_t *), void *vmctx, void *callee, uint64_t *values, unsigned timeout_ms, wl_outcome *out) {
  memset(out, 0, offsetof(wl_outcome, frames));
  out->message[0] = 0;
  if (in_wasm) {
    out->status = WL_ERROR;
    snprintf(out->message, sizeof out->message, "a call into wasm while wasm runs");
    return out->status;
  }
  cur = out;
  call.entry = entry;
  call.vmctx = vmctx;
  call.callee = callee;
  call.values = values;
  getcontext(&wasm_uc);
  wasm_uc.uc_stack.ss_sp = stack_base + guard_size;
  wasm_uc.uc_stack.ss_size = stack_size - guard_size;
  wasm_uc.uc_link = &host_uc;
  makecontext(&wasm_uc, on_stack, 0);
  if (timeout_ms) {
    struct itimerval t = {{0, 0}, {timeout_ms / 1000, (timeout_ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
  }
  swapcontext(&host_uc, &wasm_uc);
  if (timeout_ms) {
    struct itimerval t = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &t, NULL);
  }
  in_wasm = 0;
  return out->status;
}

/* A trap raised by the runtime while wasm runs (a libcall, a host function). */
_Noreturn void wl_trap(uint32_t code) {
  cur->status = WL_TRAP;
  cur->trap_code = code;
  backtrace_from(0, (uintptr_t)__builtin_frame_address(0), 0, 0, 0);
  in_wasm = 0;
  siglongjmp(trap_jmp, 1);
}

/* A trap raised by the runtime with a message of its own (numbers filled in). */
_Noreturn void wl_trap_msg(uint32_t code, const char *message) {
  snprintf(cur->message, sizeof cur->message, "%s", message);
  wl_trap(code);
}

/* WASI proc_exit. */
_Noreturn void wl_exit(int code) {
  cur->status = WL_EXIT;
  cur->exit_code = code;
  in_wasm = 0;
  siglongjmp(trap_jmp, 1);
}
