// The x86-64 half of the shared compile pipeline (`MachineBackend` of @windlass/codegen): its
// lowering session (rules + per-function state), register environments per calling convention,
// and frame layout + emission. The driver in codegen does the rest.

import type { Function } from '@windlass/ir';
import {
  type CompileContext, type CompiledCode, type Flags, type MachineBackend, type SharedFacts, compileWith, sharedFacts,
} from '@windlass/codegen';
import { Env, type MachineEnv } from '@windlass/regalloc';
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

/** The rules' IsaFeatures: the ISA's target-line features plus the shared settings they consult. */
export function withSharedFacts(features: IsaFeatures, facts: SharedFacts): IsaFeatures {
  return Object.freeze({ ...features, pinnedReg: facts.pinnedReg, tlsModel: facts.tlsModel, stackSwitchModel: facts.stackSwitchModel });
}

export const x64Backend: MachineBackend<MInst, X64Extra, IsaFeatures, X64Backend> = {
  name: 'x86_64',
  lowering(f: Function, features: IsaFeatures): X64Backend {
    return new X64Backend((c) => new X64Lower(c, f, features, f.blockCount + 1));
  },
  machineEnv(f: Function, _features, facts): Env {
    const windows = isWindows(f.signature.callConv);
    return facts.pinnedReg ? (windows ? WIN_PINNED_ENV : SYSV_PINNED_ENV) : windows ? WIN_ENV : SYSV_ENV;
  },
  emit({ func, session, vcode, alloc, facts, wantListing }) {
    const L = session.state;
    const windows = isWindows(func.signature.callConv);
    // Plus what a try_call's exception edge clobbers (lower/exceptions.ts), in register order.
    // A Windows function calling System V code (a callee or a libcall) must also save rsi and rdi:
    // callee-saved for its own caller, clobbered by the call.
    const saved = savedGprs(alloc.usedCalleeSaved, L.exceptionSavedRegs(), windows && L.callsNonWindows);
    const out = emitFunction({
      vcode, alloc, slotAmodes: L.slotAmodes, slotAreaSize: L.slotArea.size, outgoingBytes: L.outgoingBytes,
      traps: L.traps, calleeSaved: saved, wantListing, unwind: facts.unwindInfo,
      saveXmm6to15: windows && L.callsNonWindows, constants: L.constants, argArea: L.argArea,
    });
    return { buf: out.buf, frameSize: out.frameSize, alignment: 16, listing: out.listing };
  },
};

export interface X64CompileOptions {
  readonly flags: Flags;
  readonly features: IsaFeatures;
}

/** The last (features, flags) pair seen by `compileX64` and the rules' features derived from it. */
const derived = new WeakMap<Flags, { src: IsaFeatures; features: IsaFeatures }>();

/**
 * Compiles one function for x86-64 with explicit flags and features (what a `TargetIsa` made by
 * `buildIsa('x86_64 ...')` does through the shared driver).
 */
export function compileX64(func: unknown, opts: X64CompileOptions, ctx?: CompileContext): CompiledCode {
  let d = derived.get(opts.flags);
  if (d === undefined || d.src !== opts.features) {
    d = { src: opts.features, features: withSharedFacts(opts.features, sharedFacts(opts.flags)) };
    derived.set(opts.flags, d);
  }
  return compileWith(x64Backend, func, opts.flags, d.features, ctx);
}
