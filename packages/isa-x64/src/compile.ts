// compileFunction for x86-64: lower (rules) -> VCode -> regalloc -> emit (frame, MachBuffer).

import { type Function, Function as IrFunction, verifyFunction } from '@windlass/ir';
import {
  type CompileContext, type CompiledCode, type Flags, CodegenError, LowerCtx, compiledCodeFrom, now, phaseTimes,
} from '@windlass/codegen';
import { allocate, Env, RegAllocError, type MachineEnv } from '@windlass/regalloc';
import {
  type MInst, type PReg, r8, r9, r10, r11, rax, rcx, rdi, rdx, rsi, xmm,
} from './inst';
import { calleeSaved, isWindows } from './abi/sysv';
import { emitFunction } from './abi/frame';
import { X64Backend } from './lower/backend';
import { type IsaFeatures, type X64Extra, X64Lower } from './lower/state';

const XMM = Array.from({ length: 15 }, (_, k) => xmm(k));

function machineEnv(windows: boolean): Env {
  const saved: number[] = calleeSaved(windows ? 'windows_fastcall' : 'system_v').filter((r) => r < 16);
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
const SYSV_ENV = machineEnv(false);
const WIN_ENV = machineEnv(true);

export interface X64CompileOptions {
  readonly flags: Flags;
  readonly features: IsaFeatures;
}

export function compileX64(func: unknown, opts: X64CompileOptions, ctx?: CompileContext): CompiledCode {
  if (!(func instanceof IrFunction)) throw new CodegenError('compileFunction expects an @windlass/ir Function');
  const f = func as Function;
  if (opts.flags.bool('enable_verifier')) {
    const errors = verifyFunction(f);
    if (errors.length > 0) {
      throw new CodegenError(`the IR does not verify: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, { func: nameOf(f) });
    }
  }
  const t0 = now();
  const backend = new X64Backend((c) => new X64Lower(c, f, opts.features, f.blockCount + 1));
  const lctx = new LowerCtx<MInst, X64Extra>(f, backend);
  backend.bind(lctx);
  const vcode = lctx.run();
  const L = backend.state;
  const t1 = now();
  const windows = isWindows(f.signature.callConv);
  const fast = opts.flags.enumValue('regalloc_algorithm') === 'single_pass';
  let alloc;
  try {
    alloc = allocate(vcode.toRegAlloc(), windows ? WIN_ENV : SYSV_ENV, {
      mode: fast ? 'fast' : 'optimizing', check: opts.flags.bool('regalloc_checker'),
    });
  } catch (e) {
    if (e instanceof RegAllocError) throw new CodegenError(`register allocation failed: ${e.message}`, lctx.loc());
    throw e;
  }
  const t2 = now();
  const saved = alloc.usedCalleeSaved.filter((r) => r < 16) as unknown as PReg[];
  const unwind = opts.flags.bool('unwind_info');
  const out = emitFunction({
    vcode, alloc, slotAmodes: L.slotAmodes, slotAreaSize: L.slotAreaSize, outgoingBytes: L.outgoingBytes,
    traps: L.traps, calleeSaved: saved, wantListing: ctx?.wantListing ?? true, unwind,
    saveXmm6to15: windows && L.callsNonWindows,
  });
  const fin = out.buf.finish();
  const code = compiledCodeFrom(fin, { frameSize: out.frameSize, alignment: 16, listing: out.listing, unwindInfo: unwind });
  const t3 = now();
  phaseTimes.lower += t1 - t0;
  phaseTimes.regalloc += t2 - t1;
  phaseTimes.emit += t3 - t2;
  phaseTimes.functions++;
  phaseTimes.irInsts += vcode.numInsts > 0 ? f.countInsts() : 0;
  return code;
}

function nameOf(f: Function): string {
  return f.name.kind === 'testcase' ? `%${f.name.name}` : `u${f.name.namespace}:${f.name.index}`;
}
