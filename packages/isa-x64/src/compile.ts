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

/** The settings `compileX64` reads, looked up once per (immutable) Flags object. */
interface FlagFacts {
  readonly verifier: boolean;
  readonly midEnd: boolean;
  readonly pinned: boolean;
  readonly fast: boolean;
  readonly checker: boolean;
  readonly unwind: boolean;
  readonly tlsModel: string;
  readonly stackSwitchModel: string;
  /** The last `features` seen with these flags and the IsaFeatures derived from them. */
  srcFeatures: IsaFeatures | null;
  features: IsaFeatures | null;
}
const flagFacts = new WeakMap<Flags, FlagFacts>();

function factsOf(flags: Flags): FlagFacts {
  let facts = flagFacts.get(flags);
  if (facts === undefined) {
    const optLevel = flags.enumValue('opt_level');
    facts = {
      verifier: flags.bool('enable_verifier'),
      midEnd: optLevel === 'speed' || optLevel === 'speed_and_size',
      pinned: flags.bool('enable_pinned_reg'),
      fast: flags.enumValue('regalloc_algorithm') === 'single_pass',
      checker: flags.bool('regalloc_checker'),
      unwind: flags.bool('unwind_info'),
      tlsModel: flags.enumValue('tls_model'),
      stackSwitchModel: flags.enumValue('stack_switch_model'),
      srcFeatures: null,
      features: null,
    };
    flagFacts.set(flags, facts);
  }
  return facts;
}

/** The rules' IsaFeatures: the ISA's features plus the shared settings they consult (shared between functions). */
function featuresOf(facts: FlagFacts, src: IsaFeatures): IsaFeatures {
  if (facts.srcFeatures !== src || facts.features === null) {
    facts.features = Object.freeze({ ...src, pinnedReg: facts.pinned, tlsModel: facts.tlsModel, stackSwitchModel: facts.stackSwitchModel });
    facts.srcFeatures = src;
  }
  return facts.features;
}

/** Callee-saved GPRs the prologue saves, ascending, without duplicates. */
function savedGprs(used: readonly number[], extra: ReadonlySet<number>, winSysv: boolean): PReg[] {
  if (extra.size === 0 && !winSysv) {
    let sortedUnique = true;
    for (let k = 0; k < used.length; k++) {
      if (used[k] >= 16 || (k > 0 && used[k] <= used[k - 1])) {
        sortedUnique = false;
        break;
      }
    }
    if (sortedUnique) return used.slice() as unknown as PReg[];
  }
  const all = new Set<number>(used);
  for (const r of extra) all.add(r);
  if (winSysv) {
    all.add(rsi);
    all.add(rdi);
  }
  return [...all].filter((r) => r < 16).sort((a, b) => a - b) as unknown as PReg[];
}

export function compileX64(func: unknown, opts: X64CompileOptions, ctx?: CompileContext): CompiledCode {
  if (!(func instanceof IrFunction)) throw new CodegenError('compileFunction expects an @windlass/ir Function');
  const src = func as Function;
  const facts = factsOf(opts.flags);
  let f = src;
  if (facts.verifier) {
    const errors = verifyFunction(f);
    if (errors.length > 0) {
      throw new CodegenError(`the IR does not verify: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, { func: nameOf(f) });
    }
  }
  // The mid-end works on a copy: the caller's Function is never changed.
  if (facts.midEnd) f = runMidEnd(src);
  const t0 = now();
  const pinned = facts.pinned;
  const features = featuresOf(facts, opts.features);
  const backend = new X64Backend((c) => new X64Lower(c, f, features, f.blockCount + 1));
  const lctx = new LowerCtx<MInst, X64Extra>(f, backend);
  backend.bind(lctx);
  const vcode = lctx.run();
  const L = backend.state;
  const t1 = now();
  const windows = isWindows(f.signature.callConv);
  let alloc;
  try {
    const env = pinned ? (windows ? WIN_PINNED_ENV : SYSV_PINNED_ENV) : windows ? WIN_ENV : SYSV_ENV;
    alloc = allocate(vcode.toRegAlloc(), env, {
      mode: facts.fast ? 'fast' : 'optimizing', check: facts.checker,
    });
  } catch (e) {
    if (e instanceof RegAllocError) throw new CodegenError(`register allocation failed: ${e.message}`, lctx.loc());
    throw e;
  }
  const t2 = now();
  // Plus what a try_call's exception edge clobbers (lower/exceptions.ts), in register order.
  // A Windows function calling System V code (a callee or a libcall) must also save rsi and rdi:
  // callee-saved for its own caller, clobbered by the call.
  const saved = savedGprs(alloc.usedCalleeSaved, L.exceptionSavedRegs(), windows && L.callsNonWindows);
  const unwind = facts.unwind;
  const out = emitFunction({
    vcode, alloc, slotAmodes: L.slotAmodes, slotAreaSize: L.slotAreaSize, outgoingBytes: L.outgoingBytes,
    traps: L.traps, calleeSaved: saved, wantListing: ctx?.wantListing === true, unwind,
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
