// Built-in libcalls: the runtime functions Cranelift code may call by name (`%CeilF32`, ...).
// Floats arrive and leave as bit patterns (see value.ts).

import { type Libcall, ThrowSignal } from './exec';
import * as F from './floatops';
import type { Scalar } from './value';

function round1(kind: F.FRound, w: F.FW): Libcall {
  return (args) => [F.fround(kind, w, args[0] as Scalar)];
}

export const DEFAULT_LIBCALLS: Record<string, Libcall> = {
  CeilF32: round1('ceil', 32),
  CeilF64: round1('ceil', 64),
  FloorF32: round1('floor', 32),
  FloorF64: round1('floor', 64),
  TruncF32: round1('trunc', 32),
  TruncF64: round1('trunc', 64),
  NearestF32: round1('nearest', 32),
  NearestF64: round1('nearest', 64),
  FmaF32: (a) => [F.fma(32, a[0] as Scalar, a[1] as Scalar, a[2] as Scalar)],
  FmaF64: (a) => [F.fma(64, a[0] as Scalar, a[1] as Scalar, a[2] as Scalar)],
  // Cranelift's throw runtime: (vmctx, fp, caller fp, tag, payload0, payload1). The interpreter
  // unwinds to the nearest try_call handling the tag; the frame pointers are not needed.
  __cranelift_throw: (a) => {
    throw new ThrowSignal(Number(a[3]), a.slice(4));
  },
};
