// The riscv64 profile of the cross runner: objects linked with `riscv64-linux-gnu-gcc` and run
// under `qemu-riscv64 -L /usr/riscv64-linux-gnu`, with `-cpu` options enabling what the target
// line asks for and qemu 7.2 has (V with vlen=128, Zba, Zbb, Zbc, Zbs, Zbkb, Zfh, Zfhmin). The
// extensions qemu 7.2 lacks (Zicond, Zfa, Zcb, Zvfh, Zvbb) are never used by the backend: their
// cases run without them, and `ranWithout` names them for the report.

import { type Signature, type Type, F16, I16, I32, I64, I8 } from '@windlass/ir';
import { assignReturns, isCalleePop, needsReturnArea, returnAreaLayout, assignSignature, UNCHECKED_EXTENSIONS } from '@windlass/isa-riscv64';
import { commonCType, crossBackend, type NativeProfile, type ReturnCapture } from './cross';
import type { TargetSpec } from '../runner/backend';
import { riscv64ExceptionRuntime } from './riscv64-exceptions';

/** Where `wl_capture_thunk` stores a0, a1, fa0, fa1 (a return area, when used, starts at 0 below it). */
const CAP_REGS = 4096;
const CAP_OFFSET: Record<number, number> = { 10: CAP_REGS, 11: CAP_REGS + 8, 42: CAP_REGS + 16, 43: CAP_REGS + 24 };

// Calls the function in wl_pop_target with the caller's arguments (registers and stack as they
// are), restores sp afterwards (a `tail` callee pops its stack arguments), and stores the return
// registers in wl_cap.
const THUNK = [
  '.pushsection .bss', '.balign 8', 'wl_pop_ret: .zero 8', 'wl_pop_sp: .zero 8', '.popsection',
  '.pushsection .text', '.globl wl_capture_thunk', 'wl_capture_thunk:',
  '  lla t0, wl_pop_ret', '  sd ra, 0(t0)', '  lla t0, wl_pop_sp', '  sd sp, 0(t0)',
  '  la t0, wl_pop_target', '  ld t0, 0(t0)', '  jalr ra, 0(t0)',
  '  lla t0, wl_pop_sp', '  ld sp, 0(t0)',
  '  la t0, wl_cap', `  li t1, ${CAP_REGS}`, '  add t0, t0, t1', '  sd a0, 0(t0)', '  sd a1, 8(t0)', '  fsd fa0, 16(t0)', '  fsd fa1, 24(t0)',
  '  lla t0, wl_pop_ret', '  ld ra, 0(t0)', '  ret', '.popsection', '',
].join('\n');

/** The qemu `-cpu` model for a target line's flags. */
export function riscv64Cpu(flags: readonly string[]): string {
  const on = new Set(flags.map((f) => f.replace(/=true$/, '')).filter((f) => !f.endsWith('=false')));
  const opts = ['rv64'];
  if (on.has('has_v')) {
    // The vector length the target line asks for (qemu 7.2 emulates at most 1024 bits).
    let vlen = 128;
    for (const f of on) {
      const m = /^has_zvl(\d+)b$/.exec(f) ?? /^zvl(\d+)b$/.exec(f);
      if (m) vlen = Math.max(vlen, Number(m[1]));
    }
    opts.push('v=true', `vlen=${Math.min(vlen, 1024)}`, 'elen=64', 'vext_spec=v1.0');
  }
  for (const e of ['zba', 'zbb', 'zbc', 'zbs', 'zbkb']) if (on.has(`has_${e}`)) opts.push(`${e}=true`);
  if (on.has('has_zfh')) opts.push('Zfh=true', 'Zfhmin=true');
  else if (on.has('has_zfhmin')) opts.push('Zfhmin=true');
  return opts.join(',');
}

/** The extensions a target line asks for that code was generated without (qemu 7.2 lacks them). */
export function ranWithout(flags: readonly string[]): string[] {
  return UNCHECKED_EXTENSIONS.filter((e) => flags.includes(`has_${e}`) || flags.includes(`has_${e}=true`));
}

function cType(t: Type): string | null {
  // Narrow integers travel as 64-bit values: their upper bits are not defined (the C ABI would
  // assume them extended), and only the type's bits are compared.
  if (t === I8 || t === I16 || t === I32 || t === I64) return 'uint64_t';
  // GCC 12 has no _Float16 for riscv64: an f16 travels as a float holding it NaN-boxed.
  if (t === F16) return 'float';
  return commonCType(t, 'float', 'long double');
}

function captureReturns(sig: Signature): ReturnCapture | null {
  if (needsReturnArea(sig.returns, sig.callConv)) return { offsets: returnAreaLayout(sig.returns).offsets, areaArgument: true };
  const pops = isCalleePop(sig.callConv) && assignSignature(sig).stackBytes > 0;
  if (sig.returns.length <= 1 && !pops) return null;
  const parts = assignReturns(sig.returns, sig.callConv);
  return {
    offsets: parts.map((p) => CAP_OFFSET[p[0].reg]),
    hiOffsets: parts.map((p) => (p.length > 1 ? CAP_OFFSET[p[1].reg] : undefined)),
  };
}

export const riscv64Profile: NativeProfile = {
  isa: 'riscv64',
  objectTarget: 'riscv64',
  trapStub: Uint8Array.of(0x73, 0x10, 0x00, 0xc0), // unimp
  cc: 'riscv64-linux-gnu-gcc',
  ccFlags: ['-O0', '-w'],
  // i128 atomics call libatomic's __atomic_*_16.
  libs: ['-latomic'],
  requires: ['riscv64-linux-gnu-gcc', 'qemu-riscv64'],
  runCommand: (exe: string, target: TargetSpec) => ['qemu-riscv64', ['-L', '/usr/riscv64-linux-gnu', '-cpu', riscv64Cpu(target.flags), exe]],
  cType,
  captureThunkAsm: THUNK,
  captureBytes: CAP_REGS + 64,
  captureReturns,
  runtimeSource: riscv64ExceptionRuntime,
};

export const riscv64Backend = crossBackend(riscv64Profile);
