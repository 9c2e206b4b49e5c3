/* Shared by the benchmark kernels: each defines `unsigned run(unsigned n)`, exported as `run`
 * from wasm32 (clang --target=wasm32, no libc) and called by the native harness (gcc). */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>
#ifdef __wasm__
#define KERNEL __attribute__((export_name("run"))) unsigned run(unsigned n)
#else
#define KERNEL unsigned run(unsigned n)
#endif
/* A sqrt that compiles to the instruction on both targets (no libm on wasm32). */
static inline double ksqrt(double x) { return __builtin_sqrt(x); }
/* The bits of a double folded to 32 bits: results compare exactly across engines. */
static inline unsigned fbits(double d) {
  union { double d; uint64_t u; } v = { d };
  return (unsigned)(v.u ^ (v.u >> 32));
}
#endif
