// The compile driver every ISA shares: one `compileFunction` pipeline, with the machine-specific
// parts behind the small `MachineBackend` interface.
//
//   ir.Function ──verify──> mid-end ──> lower (backend.lowering: rules + per-function state)
//      ──> VCode ──regalloc (backend.machineEnv: registers per calling convention)──>
//      ──> emit (backend.emit: frame layout, prologue/epilogue, encoder) ──> MachBuffer
//      ──finish──> CompiledCode
//
// The driver owns what is the same on every machine: the instance check, the verifier, the
// mid-end on a copy of the function, the lowering context, register allocation and its error
// mapping, per-phase timing, and the packaging of the finished buffer.

import { type Function, Function as IrFunction, verifyFunction } from '@windlass/ir';
import { allocate, type Env, type RegAllocOutput, RegAllocError } from '@windlass/regalloc';
import type { MachBuffer, MachBufferFinalized } from '../buffer';
import { compiledCodeFrom } from '../buffer';
import type { CompileContext, CompiledCode } from '../isa';
import { CodegenError } from '../lower/errors';
import { type LowerBackend, LowerCtx } from '../lower/lower';
import type { VCode } from '../lower/vcode';
import { now, phaseTimes } from '../lower/compile';
import { optimize } from '../opt';
import type { Flags } from '../settings';

/**
 * The shared settings the pipeline and the backends consult, read once per (immutable) `Flags`
 * object: looking a setting up by name on every function would cost more than a small
 * function's lowering.
 */
export interface SharedFacts {
  /** `enable_verifier`. */
  readonly verifier: boolean;
  /** `opt_level` is `speed` or `speed_and_size`: the mid-end runs. */
  readonly midEnd: boolean;
  /** `enable_pinned_reg`. */
  readonly pinnedReg: boolean;
  /** `regalloc_algorithm=single_pass`: the fast allocator. */
  readonly fastRegalloc: boolean;
  /** `regalloc_checker`. */
  readonly regallocChecker: boolean;
  /** `unwind_info`. */
  readonly unwindInfo: boolean;
  /** `tls_model`: `none`, `elf_gd`, `macho`, `coff`. */
  readonly tlsModel: string;
  /** `stack_switch_model`: `none`, `basic`, `update_windows_tib`. */
  readonly stackSwitchModel: string;
  /** `enable_probestack`. */
  readonly probestack: boolean;
  /** `probestack_strategy`: `outline` or `inline`. */
  readonly probestackStrategy: string;
  /** log2 of the guard size stack probes step by (`probestack_size_log2`). */
  readonly probestackSizeLog2: number;
  /** `preserve_frame_pointers`. */
  readonly preserveFramePointers: boolean;
  /** `is_pic`: position-independent code (calls and data through the PLT/GOT). */
  readonly isPic: boolean;
  /** `use_colocated_libcalls`: libcalls are near (direct PC-relative calls). */
  readonly colocatedLibcalls: boolean;
  /** `enable_jump_tables`. */
  readonly jumpTables: boolean;
  /** `libcall_call_conv`. */
  readonly libcallCallConv: string;
  /** The flags themselves, for anything else a backend reads (rarely, and not per instruction). */
  readonly flags: Flags;
}

const factsCache = new WeakMap<Flags, SharedFacts>();

/** The `SharedFacts` of `flags` (computed once per Flags object). */
export function sharedFacts(flags: Flags): SharedFacts {
  let facts = factsCache.get(flags);
  if (facts === undefined) {
    const optLevel = flags.enumValue('opt_level');
    facts = Object.freeze({
      verifier: flags.bool('enable_verifier'),
      midEnd: optLevel === 'speed' || optLevel === 'speed_and_size',
      pinnedReg: flags.bool('enable_pinned_reg'),
      fastRegalloc: flags.enumValue('regalloc_algorithm') === 'single_pass',
      regallocChecker: flags.bool('regalloc_checker'),
      unwindInfo: flags.bool('unwind_info'),
      tlsModel: flags.enumValue('tls_model'),
      stackSwitchModel: flags.enumValue('stack_switch_model'),
      probestack: flags.bool('enable_probestack'),
      probestackStrategy: flags.enumValue('probestack_strategy'),
      probestackSizeLog2: flags.num('probestack_size_log2'),
      preserveFramePointers: flags.bool('preserve_frame_pointers'),
      isPic: flags.bool('is_pic'),
      colocatedLibcalls: flags.bool('use_colocated_libcalls'),
      jumpTables: flags.bool('enable_jump_tables'),
      libcallCallConv: flags.enumValue('libcall_call_conv'),
      flags,
    });
    factsCache.set(flags, facts);
  }
  return facts;
}

/**
 * The per-function lowering of a backend: the `LowerBackend` hooks the lowering mechanism calls
 * (rules, arguments, branches), plus `bind`, called once the `LowerCtx` exists and before
 * anything is lowered.
 */
export interface LoweringSession<I, X> extends LowerBackend<I, X> {
  bind?(ctx: LowerCtx<I, X>): void;
}

/** What the driver hands to `MachineBackend.emit`. */
export interface EmitRequest<I, X, S> {
  readonly func: Function;
  readonly session: S;
  readonly vcode: VCode<I, X>;
  readonly alloc: RegAllocOutput;
  readonly facts: SharedFacts;
  /** Build a listing (`CompiledCode.listing`). */
  readonly wantListing: boolean;
}

/** What `MachineBackend.emit` returns: the filled buffer and the frame facts. */
export interface EmittedFunction {
  readonly buf: MachBuffer;
  /** Bytes of stack the function allocates below its return address. */
  readonly frameSize: number;
  /** Required alignment of the function start (the buffer may raise it for its constants). */
  readonly alignment: number;
  /** The listing, resolved once the buffer is finished ('' unless asked for). */
  listing(fin: MachBufferFinalized): string;
}

/**
 * One ISA's machine-specific half of the pipeline. `F` is the ISA's feature record (derived from
 * its target-line flags and the shared facts once per `TargetIsa`), `S` its per-function
 * lowering session.
 */
export interface MachineBackend<I, X, F, S extends LoweringSession<I, X> = LoweringSession<I, X>> {
  /** The ISA name (`x86_64`, `aarch64`, ...), for messages. */
  readonly name: string;
  /** The lowering session for `func`: its rule table and per-function state. */
  lowering(func: Function, features: F, facts: SharedFacts): S;
  /** The register environment for `func` (its calling convention, pinned register, ...). */
  machineEnv(func: Function, features: F, facts: SharedFacts, session: S): Env;
  /** Frame layout and emission of the allocated code. */
  emit(req: EmitRequest<I, X, S>, features: F): EmittedFunction;
}

/** Names a function in messages as CLIF writes it (`%f`, `u0:1`). */
export function functionName(f: Function): string {
  return f.name.kind === 'testcase' ? `%${f.name.name}` : `u${f.name.namespace}:${f.name.index}`;
}

/**
 * Compiles one IR function with `backend`: verify (when `enable_verifier`), mid-end (at
 * `opt_level=speed`, on a copy: the caller's function is never changed), lower, allocate
 * registers, emit. Every failure is a `CodegenError`.
 */
export function compileWith<I, X, F, S extends LoweringSession<I, X>>(
  backend: MachineBackend<I, X, F, S>, func: unknown, flags: Flags, features: F, ctx?: CompileContext,
): CompiledCode {
  if (!(func instanceof IrFunction)) throw new CodegenError('compileFunction expects an @windlass/ir Function');
  const src = func as Function;
  const facts = sharedFacts(flags);
  let f = src;
  if (facts.verifier) {
    const tv = now();
    const errors = verifyFunction(f);
    phaseTimes.verify += now() - tv;
    if (errors.length > 0) {
      throw new CodegenError(`the IR does not verify: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, { func: functionName(f) });
    }
  }
  if (facts.midEnd) f = runMidEnd(src);
  const t0 = now();
  const session = backend.lowering(f, features, facts);
  const lctx = new LowerCtx<I, X>(f, session);
  session.bind?.(lctx);
  const vcode = lctx.run();
  const t1 = now();
  let alloc: RegAllocOutput;
  try {
    alloc = allocate(vcode.toRegAlloc(), backend.machineEnv(f, features, facts, session), {
      mode: facts.fastRegalloc ? 'fast' : 'optimizing', check: facts.regallocChecker,
      // The allocator's own input checks go with the IR verifier: on by default, off on the
      // wasm path (which trusts its frontend as it trusts this lowering).
      validate: facts.verifier,
    });
  } catch (e) {
    if (e instanceof RegAllocError) throw new CodegenError(`register allocation failed: ${e.message}`, lctx.loc());
    throw e;
  }
  const t2 = now();
  const out = backend.emit({ func: f, session, vcode, alloc, facts, wantListing: ctx?.wantListing === true }, features);
  const fin = out.buf.finish();
  const code = compiledCodeFrom(fin, {
    frameSize: out.frameSize, alignment: out.alignment, listing: out.listing(fin), unwindInfo: facts.unwindInfo,
  });
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
    throw new CodegenError(`mid-end failed: ${e instanceof Error ? e.message : String(e)}`, { func: functionName(src) });
  }
  phaseTimes.opt += now() - t;
  return f;
}
