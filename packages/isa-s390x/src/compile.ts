// The s390x half of the shared compile pipeline (`MachineBackend` of @windlass/codegen): its
// lowering session (rules + per-function state), register environments, and frame layout +
// emission. The driver in codegen does the rest.

import type { Function } from '@windlass/ir';
import type { MachineBackend } from '@windlass/codegen';
import { Env, type MachineEnv } from '@windlass/regalloc';
import type { MInst } from './inst/mod';
import { V_SCRATCH, r0, vr } from './inst/regs';
import { emitFunction } from './abi/frame';
import { preservesR6 } from './abi/abi';
import { S390xBackend, S390xLower } from './lower/backend';
import type { S390xExtra } from './lower/state';
import type { S390xFeatures } from './settings';

/**
 * General registers: %r2..%r5 (volatile) first, then %r6..%r14 (the prologue saves them; %r14
 * holds the return address and is saved whenever it is written). %r0 is the allocator's
 * scratch, %r1 the emitter's, %r15 the stack pointer. Vector registers: the volatile ones first,
 * %v8..%v15 (whose FPR halves are callee-saved) last; %v7 is the allocator's scratch.
 */
function machineEnv(pinned: boolean, r6Saved: boolean): Env {
  const volatileV = [0, 1, 2, 3, 4, 5, 6, ...Array.from({ length: 16 }, (_, k) => 16 + k)].map(vr);
  const savedV = [8, 9, 10, 11, 12, 13, 14, 15].map(vr);
  // With `enable_pinned_reg`, %r13 holds the pinned value: never allocated. Under `tail`, %r6
  // is volatile.
  const savedG = [6, 7, 8, 9, 10, 11, 12, 13, 14].filter((r) => !(pinned && r === 13) && (r6Saved || r !== 6));
  const env: MachineEnv = {
    preferred: [r6Saved ? [2, 3, 4, 5] : [2, 3, 4, 5, 6], volatileV, []],
    nonPreferred: [savedG, savedV, []],
    scratch: [r0, V_SCRATCH, undefined],
    calleeSaved: [...savedG, ...savedV],
  };
  return new Env(env);
}
const ENVS = [machineEnv(false, true), machineEnv(true, true), machineEnv(false, false), machineEnv(true, false)];

export const s390xBackend: MachineBackend<MInst, S390xExtra, S390xFeatures, S390xBackend> = {
  name: 's390x',
  lowering(f: Function, features: S390xFeatures): S390xBackend {
    return new S390xBackend((c) => new S390xLower(c, f, features, f.blockCount + 1));
  },
  machineEnv(f, features): Env {
    return ENVS[(features.pinnedReg ? 1 : 0) + (preservesR6(f.signature.callConv) ? 0 : 2)];
  },
  emit({ session, vcode, alloc, facts, wantListing }) {
    const out = emitFunction({ vcode, alloc, L: session.state, wantListing, unwind: facts.unwindInfo });
    return { buf: out.buf, frameSize: out.frameSize, alignment: 4, listing: out.listing };
  },
};
