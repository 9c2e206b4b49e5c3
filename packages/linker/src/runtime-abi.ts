/**
 * The contract between artifacts and the loader that runs them (`@windlass/runtime`'s C loader),
 * besides the vmctx layout (`VmctxLayout`):
 *
 * - Entry trampolines (host to wasm), one per signature: `void entry(void *vmctx, void *callee,
 *   uint64_t *values)` in the platform's C convention. `values` is an array of 16-byte slots,
 *   argument k in slot k, each in the target's byte order at the slot's start (v128: its 16
 *   bytes as a `store` writes them); the results come back in slots 0.. of the same array, which
 *   holds max(params, results, 1) slots.
 * - Exit trampolines (wasm to host), one per signature of an imported function: the wasm
 *   signature; they call `void host(void *ctx, uint64_t *values)` (C convention), where `ctx` is
 *   the callee vmctx of the import's VMFuncRef and the host function pointer is the first word
 *   of `*ctx`. Arguments and results travel in 16-byte slots as above.
 * - Relocations the artifact leaves in `.rela.text` name `RUNTIME_SYMBOLS` only: the libcalls of
 *   the wasm translation (vmctx first, C convention) and C library routines the backends call.
 */
import { LIBCALLS } from '@windlass/wasm-frontend';

/** Size of one value slot of the trampolines' `values` array. */
export const VALUE_SLOT_BYTES = 16;

/** C library routines that compiled code may call (Cranelift's libcall names map to these). */
export const C_LIBRARY_SYMBOLS = [
  'ceilf', 'ceil', 'floorf', 'floor', 'truncf', 'trunc', 'nearbyintf', 'nearbyint', 'fmaf', 'fma',
  'memcpy', 'memset', 'memmove', 'memcmp',
] as const;

/** Every symbol an artifact's relocations may name: the loader provides exactly these. */
export const RUNTIME_SYMBOLS: readonly string[] = [...Object.keys(LIBCALLS), ...C_LIBRARY_SYMBOLS];
