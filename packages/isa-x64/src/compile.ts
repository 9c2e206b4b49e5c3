// compileFunction for x86-64: lower (rules) -> VCode -> regalloc -> emit (frame, MachBuffer).

import { type Function, Function as IrFunction, verifyFunction } from '@windlass/ir';
import {
  type CompileContext, type CompiledCode, type Flags, CodegenError, LowerCtx, compiledCodeFrom, now, phaseTimes,
  optimize,
} from '@windlass/codegen';
import { allocate, Env, RegAllocError, type MachineEnv } from '@windlass/regalloc';
import {
  type MInst, type PReg, r8, r9, r10, r11, r15, rax, rcx, rdi, rdx, rsi, xmm,
} from './inst';
import { calleeSaved, isWindows } from './abi/sysv';
import { emitFunction } from './abi/frame';
import { X64Backend } from './lower/backend';
import { type IsaFeatures, type X64Extra, X64Lower } from './lower/state';

const XMM = Array.from({ length: 15 }, (_, k) => xmm(k));

function machineEnv(windows: boolean, pinned: boolean): Env {
  // With `enable_pinned_reg`, r15 is the pinned register: never allocated, saved or restored.
  const saved: number[] = calleeSaved(windows ? 'windows_fastcall' : 'system_v').filter((r) => r < 16 && !(pinned && r === r15));
  const intCallerSaved: number[] = windows ? [rax, rcx, rdx, r8, r9, r10] : [rax, rcx, rdx, rsi, rdi, r8, r9, r10];
  const env: MachineEnv = {
    preferred: [intCallerSaved, (windows ? XMM.slice(0, 6) : XMM) as number[], []],
    nonPreferred: [saved, [], []],
    // r11 and xmm15 are the allocator's scratch registers: never allocated.
    scratch: [r11 as number, xmm(15) as number, undefined],
    calleeSaved: saved,
  };
  return new Env(env);
}
const SYSV_ENV = machineEnv(false, false);
const WIN_ENV = machineEnv(true, false);
const SYSV_PINNED_ENV = machineEnv(false, true);
const WIN_PINNED_ENV = machineEnv(true, true);

export interface X64CompileOptions {
  readonly flags: Flags;
  readonly features: IsaFeatures;
}

export function compileX64(func: unknown, opts: X64CompileOptions, ctx?: CompileContext): CompiledCode {
  if (!(func instanceof IrFunction)) throw new CodegenError('compileFunction expects an @windlass/ir Function');
  const src = func as Function;
  let f = src;
  if (opts.flags.bool('enable_verifier')) {
    const errors = verifyFunction(f);
    if (errors.length > 0) {
      throw new CodegenError(`the IR does not verify: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, { func: nameOf(f) });
    }
  }
  // The mid-end works on a copy: the caller's Function is never changed.
  const optLevel = opts.flags.enumValue('opt_level');
  if (optLevel === 'speed' || optLevel === 'speed_and_size') f = runMidEnd(src);
  const t0 = now();
  const pinned = opts.flags.bool('enable_pinned_reg');
  const features: IsaFeatures = { ...opts.features, pinnedReg: pinned, tlsModel: opts.flags.enumValue('tls_model'),
    stackSwitchModel: opts.flags.enumValue('stack_switch_model') };
  const backend = new X64Backend((c) => new X64Lower(c, f, features, f.blockCount + 1));
  const lctx = new LowerCtx<MInst, X64Extra>(f, backend);
  backend.bind(lctx);
  const vcode = lctx.run();
  const L = backend.state;
  const t1 = now();
  const windows = isWindows(f.signature.callConv);
  const fast = opts.flags.enumValue('regalloc_algorithm') === 'single_pass';
  let alloc;
  try {
    const env = pinned ? (windows ? WIN_PINNED_ENV : SYSV_PINNED_ENV) : windows ? WIN_ENV : SYSV_ENV;
    alloc = allocate(vcode.toRegAlloc(), env, {
      mode: fast ? 'fast' : 'optimizing', check: opts.flags.bool('regalloc_checker'),
    });
  } catch (e) {
    if (e instanceof RegAllocError) throw new CodegenError(`register allocation failed: ${e.message}`, lctx.loc());
    throw e;
  }
  const t2 = now();
  // Plus what a try_call's exception edge clobbers (lower/exceptions.ts), in register order.
  // A Windows function calling System V code (a callee or a libcall) must also save rsi and rdi:
  // callee-saved for its own caller, clobbered by the call.
  const winSysv = windows && L.callsNonWindows ? [rsi as number, rdi as number] : [];
  const saved = [...new Set([...alloc.usedCalleeSaved, ...L.exceptionSaved, ...winSysv])].filter((r) => r < 16).sort((a, b) => a - b) as unknown as PReg[];
  const unwind = opts.flags.bool('unwind_info');
  const out = emitFunction({
    vcode, alloc, slotAmodes: L.slotAmodes, slotAreaSize: L.slotAreaSize, outgoingBytes: L.outgoingBytes,
    traps: L.traps, calleeSaved: saved, wantListing: ctx?.wantListing ?? true, unwind,
    saveXmm6to15: windows && L.callsNonWindows, constants: L.constants, argArea: L.argArea,
  });
  const fin = out.buf.finish();
  const code = compiledCodeFrom(fin, { frameSize: out.frameSize, alignment: 16, listing: out.listing(fin), unwindInfo: unwind });
  const t3 = now();
  phaseTimes.lower += t1 - t0;
  phaseTimes.regalloc += t2 - t1;
  phaseTimes.emit += t3 - t2;
  phaseTimes.functions++;
  phaseTimes.irInsts += vcode.numInsts > 0 ? src.countInsts() : 0;
  return code;
}

/** `optimize` on a clone of `src`, timed as the "opt" phase; an internal failure becomes a CodegenError. */
function runMidEnd(src: Function): Function {
  const t = now();
  const f = src.clone();
  try {
    optimize(f);
  } catch (e) {
    if (e instanceof CodegenError) throw e;
    throw new CodegenError(`mid-end failed: ${e instanceof Error ? e.message : String(e)}`, { func: nameOf(src) });
  }
  phaseTimes.opt += now() - t;
  return f;
}

function nameOf(f: Function): string {
  return f.name.kind === 'testcase' ? `%${f.name.name}` : `u${f.name.namespace}:${f.name.index}`;
}
