// The s390x profile of the generic native runner: code built with `s390x-linux-gnu-gcc` and run
// under `qemu-s390x -cpu max` (the named CPU models do not start under qemu-user 7.2). The
// driver is compiled for the z14 so that C passes vectors in vector registers (the vector ABI),
// as Windlass does.
//
// Values at the C boundary: integers as integers (the callee extends narrow returns, which C
// relies on), floats in the FPRs (f16 travels as the top half of a `float`), i128 and f128
// (`long double`) by reference, vectors as `vector_size(16)` values whose memory image is the
// register's: each lane big-endian, lane 0 first; `tail` functions keep lanes in reverse
// element order, so their image is the whole little-endian image reversed. Several return
// values in registers are captured by an assembly thunk.

import type { Signature, Type } from '@windlass/ir';
import { F16, I16, I32, I8, isVector, bytes } from '@windlass/ir';
import { isVec128, littleEndianLanes, needsRetArea } from '@windlass/isa-s390x';
import type { TargetSpec } from '../runner/backend';
import { type NativeProfile, type ReturnCapture, commonCType, swapLaneBytes } from './cross';
import { s390xExceptionRuntime } from './s390x-exceptions';

/**
 * Calls `wl_pop_target` with the caller's arguments untouched (no frame of its own), then stores
 * %r2..%r5 at wl_cap+0, %f0 %f2 %f4 %f6 at +32 and %v24..%v31 at +64. It also restores %r15 and
 * %r6, which a `tail` function does not preserve (it removes its stack arguments and may use %r6).
 */
const CAPTURE_THUNK = [
  '.section .bss', '.align 8', 'wl_saved_regs: .skip 24',
  '.text', '.globl wl_capture_thunk', 'wl_capture_thunk:',
  '  larl %r1,wl_saved_regs', '  stg %r6,0(%r1)', '  stg %r14,8(%r1)', '  stg %r15,16(%r1)',
  '  larl %r1,wl_pop_target', '  lg %r1,0(%r1)', '  basr %r14,%r1',
  '  larl %r1,wl_saved_regs', '  lg %r6,0(%r1)', '  lg %r15,16(%r1)',
  '  larl %r1,wl_cap', '  stmg %r2,%r5,0(%r1)',
  '  std %f0,32(%r1)', '  std %f2,40(%r1)', '  std %f4,48(%r1)', '  std %f6,56(%r1)',
  '  vstm %v24,%v31,64(%r1)',
  '  larl %r1,wl_saved_regs', '  lg %r14,8(%r1)', '  br %r14',
].join('\n');

/** %v24 %v26 %v28 %v30 %v25 ... as indexes into the stored %v24..%v31. */
const VEC_ORDER = [0, 2, 4, 6, 1, 3, 5, 7];

/** Calls C cannot make directly: several register returns, or any `tail` function. */
function capture(sig: Signature): ReturnCapture | null {
  if (needsRetArea(sig.returns) || (sig.returns.length < 2 && sig.callConv !== 'tail')) return null;
  let g = 0, f = 0, v = 0;
  const offsets = sig.returns.map((r) => {
    const t: Type = r.type;
    if (isVec128(t)) return 64 + 16 * VEC_ORDER[v++];
    if (isVector(t)) return -1;
    if (t === I8 || t === I16 || t === I32) return 8 * g++ + 8 - bytes(t);
    if (t === 7 || t === 8 || t === 6) return 32 + 8 * f++; // f32, f64, f16: the leftmost bytes of the FPR
    return 8 * g++;
  });
  return { offsets };
}

export const s390xProfile: NativeProfile = {
  isa: 's390x',
  objectTarget: 's390x',
  // An illegal instruction (opcode 0x0000): SIGILL.
  trapStub: Uint8Array.of(0, 0),
  cc: 's390x-linux-gnu-gcc',
  ccFlags: ['-O0', '-w', '-march=z14'],
  requires: ['s390x-linux-gnu-gcc', 'qemu-s390x'],
  runCommand: (exe) => ['qemu-s390x', ['-L', '/usr/s390x-linux-gnu', '-cpu', 'max', exe]],
  cType: (t) => (isVector(t) && !isVec128(t) ? null : commonCType(t, 'float', 'long double')),
  memberCType: (t) => (t === F16 ? 'uint16_t' : null),
  captureThunkAsm: CAPTURE_THUNK,
  captureBytes: 64 + 8 * 16,
  captureReturns: capture,
  runtimeSource: s390xExceptionRuntime,
  signatureProblem: (sig) => (sig.callConv === 'tail' && needsRetArea(sig.returns)
    ? 'a tail function returning through memory (C cannot restore the stack it pops)' : null),
  vectorBytes(b: Uint8Array, t: Type, callConv: string): Uint8Array {
    return littleEndianLanes(callConv) ? b.slice().reverse() : swapLaneBytes(b, t);
  },
  skipTarget(target: TargetSpec): string | null {
    return target.flags.some((f) => f === 'arch15' || f === 'z17' || f === 'has_mie4' || f === 'has_vxrs_ext3')
      ? `${['s390x', ...target.flags].join(' ')} asks for arch15 facilities, which qemu-s390x 7.2 does not emulate`
      : null;
  },
};
