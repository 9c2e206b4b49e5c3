// The riscv64 half of the shared compile pipeline (`MachineBackend` of @windlass/codegen): its
// lowering session (rules + per-function state), register environments per calling convention,
// and frame layout + emission. The driver in codegen does the rest.

import type { Function } from '@windlass/ir';
import type { MachineBackend } from '@windlass/codegen';
import { Env, type MachineEnv } from '@windlass/regalloc';
import { CALLEE_SAVED_FPRS, CALLEE_SAVED_GPRS, F, V, ft11, t6, v31, type PReg } from './inst/regs';
import type { MInst } from './inst/mod';
import { emitFunction } from './abi/frame';
import { CALLER_SAVED, assignReturns, needsReturnArea } from './abi/abi';
import { RvBackend } from './lower/backend';
import { type RvExtra, RvLower } from './lower/state';
import { PINNED_REG } from './lower/tls';
import type { RvFeatures } from './settings';

// Allocation order: the registers compressed instructions reach (a0-a5, then s1) first.
const INT_CALLER_SAVED: PReg[] = [10, 11, 12, 13, 14, 15, 16, 17, 5, 6, 7, 28, 29];
const FLOAT_CALLER_SAVED: PReg[] = [10, 11, 12, 13, 14, 15, 16, 17, 0, 1, 2, 3, 4, 5, 6, 7, 28, 29, 30].map(F);
// v0 is the mask register of masked instructions (allocated last, and read there as a fixed
// operand), v31 the allocator's scratch register.
const VECTORS: PReg[] = [...Array.from({ length: 30 }, (_, k) => V(k + 1)), V(0)];

function machineEnv(conv: string, pinned: boolean): Env {
  // s0 is the frame pointer; t5 the emitter's temporary; t6, ft11, v31 the allocator's scratch;
  // s11 the pinned register when there is one.
  const savedInt = CALLEE_SAVED_GPRS.filter((r) => r !== 8 && !(pinned && r === PINNED_REG));
  const env: MachineEnv = {
    preferred: conv === 'preserve_all' ? [[], [], VECTORS] : [INT_CALLER_SAVED, FLOAT_CALLER_SAVED, VECTORS],
    nonPreferred: conv === 'preserve_all'
      ? [[...INT_CALLER_SAVED, ...savedInt], [...FLOAT_CALLER_SAVED, ...CALLEE_SAVED_FPRS], []]
      : [savedInt, CALLEE_SAVED_FPRS.slice(), []],
    scratch: [t6, ft11, v31],
    calleeSaved: conv === 'preserve_all' ? [...INT_CALLER_SAVED, ...savedInt, ...FLOAT_CALLER_SAVED, ...CALLEE_SAVED_FPRS]
      : [...savedInt, ...CALLEE_SAVED_FPRS],
  };
  return new Env(env);
}
const ENVS = [machineEnv('system_v', false), machineEnv('system_v', true), machineEnv('preserve_all', false), machineEnv('preserve_all', true)];

/**
 * The registers the prologue saves: the callee-saved ones the allocator used (never fp, nor the
 * pinned register). A `preserve_all` function keeps every register for its caller: also what
 * its own calls overwrite, but not the registers it returns values in.
 */
function savedRegs(f: Function, used: readonly number[], hasCalls: boolean, pinned: boolean): PReg[] {
  const all = new Set<number>(used);
  const conv = f.signature.callConv;
  if (conv === 'preserve_all') {
    if (hasCalls) for (const r of CALLER_SAVED) if (r < 64 && r !== t6 && r !== ft11) all.add(r);
    if (!needsReturnArea(f.signature.returns, conv)) for (const parts of assignReturns(f.signature.returns, conv)) for (const p of parts) all.delete(p.reg);
  }
  all.delete(8);
  if (pinned) all.delete(PINNED_REG);
  return [...all].filter((r) => r < 64).sort((a, b) => a - b);
}

export const riscv64Backend: MachineBackend<MInst, RvExtra, RvFeatures, RvBackend> = {
  name: 'riscv64',
  lowering(f: Function, features: RvFeatures): RvBackend {
    return new RvBackend((c) => new RvLower(c, f, features, f.blockCount + 1));
  },
  machineEnv(f: Function, features: RvFeatures): Env {
    return ENVS[(f.signature.callConv === 'preserve_all' ? 2 : 0) + (features.pinnedReg ? 1 : 0)];
  },
  emit({ func, session, vcode, alloc, wantListing }, features) {
    const L = session.state;
    const saved = savedRegs(func, [...alloc.usedCalleeSaved, ...L.exceptionSavedRegs()], L.hasCalls, features.pinnedReg);
    const out = emitFunction({
      vcode, alloc, slotRefs: L.slotRefs, slotAreaSize: L.slotArea.size, outgoingBytes: L.outgoingBytes,
      traps: L.traps, constants: L.constants, calleeSaved: saved, argArea: L.argArea, needsFrame: L.needsFrame,
      hasCalls: L.hasCalls, spillSlotBytes: L.usesVectors ? Math.max(16, L.maxVectorBytes) : 8, features, wantListing,
    });
    return { buf: out.buf, frameSize: out.frameSize, alignment: 4, listing: out.listing };
  },
};
