// The AArch64 profile of the generic native runner: objects compiled by @windlass/isa-aarch64,
// a C driver built with `aarch64-linux-gnu-gcc`, run under `qemu-aarch64 -L /usr/aarch64-linux-gnu`
// (its default CPU model, `max`, has LSE, FP16, pointer authentication and BTI).
//
// Multi-value returns, returns through a return area (x8) and `tail` functions that pop their
// own stack arguments go through `wl_capture_thunk`: it saves sp and the link register, points
// x8 at a return area inside `wl_cap`, calls the function, restores sp, and stores x0-x7 and
// q0-q7 into `wl_cap` (x registers at 0..63, q registers at 64..191, the return area at 256).

import { type Signature, type Type, bytes, isVector } from '@windlass/ir';
import '@windlass/isa-aarch64';
import { assignArgs, assignReturns, isVType, needsReturnArea, returnAreaLayout } from '@windlass/isa-aarch64';
import { commonCType, type NativeProfile, type ReturnCapture } from './cross';
import { exceptionRuntimeSource, type ThrowStubs } from './x64-exceptions';

/**
 * The exception runtime's AArch64 half: `__cranelift_throw` takes the thrower's frame pointer
 * (x29) and return address (x30) and walks the frame records; `wl_resume` sets sp and fp,
 * puts the payload in x0/x1 and branches to the landing pad (through x16, which a BTI landing
 * pad accepts). Saved return addresses may carry a pointer signature: its bits are stripped.
 */
const A64_THROW_STUBS: ThrowStubs = {
  asm: [
    '.text\\n', '.globl __cranelift_throw\\n', '.type __cranelift_throw, %function\\n', '__cranelift_throw:\\n',
    '  hint #34\\n', '  mov x1, x29\\n', '  mov x2, x30\\n', '  b wl_throw_walk\\n',
    '.type wl_resume, %function\\n', 'wl_resume:\\n',
    '  mov sp, x1\\n', '  mov x29, x2\\n', '  mov x16, x0\\n', '  mov x0, x3\\n', '  mov x1, x4\\n', '  br x16\\n',
  ],
  pcOf: '(pc & 0x0000ffffffffffffull)',
};

const AREA = 256;

const THUNK = [
  '.pushsection .text',
  '.globl wl_capture_thunk',
  '.type wl_capture_thunk, %function',
  'wl_capture_thunk:',
  '  hint #34', // bti c: a landing pad when the driver runs with BTI enforced
  '  adrp x16, wl_saved',
  '  add x16, x16, :lo12:wl_saved',
  '  str x30, [x16]',
  '  mov x17, sp',
  '  str x17, [x16, #8]',
  '  adrp x8, wl_cap',
  '  add x8, x8, :lo12:wl_cap',
  `  add x8, x8, #${AREA}`,
  '  adrp x16, wl_pop_target',
  '  ldr x16, [x16, :lo12:wl_pop_target]',
  '  blr x16',
  '  adrp x16, wl_saved',
  '  add x16, x16, :lo12:wl_saved',
  '  ldr x17, [x16, #8]',
  '  mov sp, x17',
  '  ldr x30, [x16]',
  '  adrp x16, wl_cap',
  '  add x16, x16, :lo12:wl_cap',
  '  stp x0, x1, [x16]',
  '  stp x2, x3, [x16, #16]',
  '  stp x4, x5, [x16, #32]',
  '  stp x6, x7, [x16, #48]',
  '  stp q0, q1, [x16, #64]',
  '  stp q2, q3, [x16, #96]',
  '  stp q4, q5, [x16, #128]',
  '  stp q6, q7, [x16, #160]',
  '  ret',
  '.popsection',
  '.pushsection .bss',
  '.balign 16',
  'wl_saved: .zero 16',
  '.popsection',
].join('\n');

function needsCapture(sig: Signature): boolean {
  return sig.returns.length > 1 || needsReturnArea(sig.returns) || sig.callConv === 'tail';
}

export const aarch64Profile: NativeProfile = {
  isa: 'aarch64',
  objectTarget: 'aarch64',
  trapStub: Uint8Array.of(0x1f, 0xc1, 0x00, 0x00), // udf #0xc11f
  cc: 'aarch64-linux-gnu-gcc',
  ccFlags: ['-O0', '-w'],
  requires: ['aarch64-linux-gnu-gcc', 'qemu-aarch64'],
  runCommand: (exe) => ['qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', exe]],
  cType(t: Type): string | null {
    // GCC passes 2- and 4-byte generic vectors in general registers; Windlass in v registers.
    if (isVector(t) && bytes(t) < 8) return null;
    return commonCType(t, '_Float16', 'long double');
  },
  signatureProblem(sig) {
    // C on Linux follows AAPCS64: an apple_aarch64 function is callable from it only when
    // Apple's packing of stack arguments puts them where AAPCS64 does (narrow register
    // arguments need no extension: Windlass code never reads their upper bits).
    if (sig.callConv === 'apple_aarch64') {
      const apple = assignArgs(sig.params, 'apple_aarch64').params;
      const aapcs = assignArgs(sig.params, 'system_v').params;
      if (apple.some((parts, k) => parts.some((p, j) => p.reg !== aapcs[k][j].reg || p.stackOffset !== aapcs[k][j].stackOffset))) {
        return 'apple_aarch64 stack arguments packed differently from AAPCS64: callable from Windlass code only on this host';
      }
    }
    for (const p of [...sig.params, ...sig.returns]) if (!isVType(p.type) && bytes(p.type) > 16) return 'a type wider than 128 bits';
    return null;
  },
  runtimeSource: (codes, symbolOf) => exceptionRuntimeSource(codes, symbolOf, A64_THROW_STUBS),
  captureThunkAsm: THUNK,
  captureBytes: 1024,
  captureReturns(sig): ReturnCapture | null {
    if (!needsCapture(sig)) return null;
    if (needsReturnArea(sig.returns)) {
      const { offsets } = returnAreaLayout(sig.returns);
      return { offsets: offsets.map((o) => AREA + o), hiOffsets: offsets.map((o) => AREA + o + 8) };
    }
    const parts = assignReturns(sig.returns, sig.callConv);
    const at = (reg: number): number => (reg < 32 ? 8 * reg : 64 + 16 * (reg - 32));
    return { offsets: parts.map((p) => at(p[0].reg)), hiOffsets: parts.map((p) => (p.length > 1 ? at(p[1].reg) : undefined)) };
  },
};
