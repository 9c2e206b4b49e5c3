// External names as the object writer sees them.

import type { ExternalName } from '@windlass/ir';

/** Cranelift's libcall names (as `%CeilF32` in CLIF) and the C functions they are. */
const LIBCALLS = new Map<string, string>([
  ['CeilF32', 'ceilf'], ['CeilF64', 'ceil'], ['FloorF32', 'floorf'], ['FloorF64', 'floor'],
  ['TruncF32', 'truncf'], ['TruncF64', 'trunc'], ['NearestF32', 'nearbyintf'], ['NearestF64', 'nearbyint'],
  ['FmaF32', 'fmaf'], ['FmaF64', 'fma'], ['Memcpy', 'memcpy'], ['Memset', 'memset'], ['Memmove', 'memmove'],
  ['Memcmp', 'memcmp'], ['Probestack', '__cranelift_probestack'],
]);

/** External name of a function or symbol: `u1_2` for `u1:2`, a libcall's C name, else the test-case name. */
export function symbolName(n: ExternalName): string {
  if (n.kind === 'user') return `u${n.namespace}_${n.index}`;
  return LIBCALLS.get(n.name) ?? n.name;
}
