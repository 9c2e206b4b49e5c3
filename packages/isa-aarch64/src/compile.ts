// The AArch64 half of the shared compile pipeline (`MachineBackend` of @windlass/codegen): its
// lowering session (rules + per-function state), register environments, and frame layout +
// emission. The driver in codegen does the rest.

import type { Function } from '@windlass/ir';
import type { MachineBackend, SharedFacts } from '@windlass/codegen';
import { Env, type MachineEnv } from '@windlass/regalloc';
import { type MInst, v31, vreg, x16, xreg } from './inst';
import { emitFunction } from './abi/frame';
import { A64Backend } from './lower/backend';
import { type A64Extra, A64Lower, type IsaFeatures } from './lower/state';
import { type TargetFeatures } from './settings';

const range = (from: number, to: number, f: (k: number) => number): number[] => Array.from({ length: to - from + 1 }, (_, k) => f(from + k));

function machineEnv(pinned: boolean): Env {
  // x16 is the allocator's scratch, x17 the emitter's (large offsets), x18 the platform
  // register, x29/x30 fp and lr; with `enable_pinned_reg`, x21 holds the pinned value.
  const savedInt = range(19, 28, xreg).filter((r) => !(pinned && r === 21));
  const savedV = range(8, 15, vreg);
  const env: MachineEnv = {
    preferred: [[...range(9, 15, xreg), ...range(0, 8, xreg)], [...range(0, 7, vreg), ...range(16, 30, vreg)], []],
    nonPreferred: [savedInt, savedV, []],
    scratch: [x16 as number, v31 as number, undefined],
    calleeSaved: [...savedInt, ...savedV],
  };
  return new Env(env);
}
const ENV = machineEnv(false);
const PINNED_ENV = machineEnv(true);

/** The rules' features: the target line's plus the shared settings they consult. */
export function withSharedFacts(t: TargetFeatures, facts: SharedFacts): IsaFeatures {
  const flags = facts.flags;
  return Object.freeze({
    ...t,
    pinnedReg: facts.pinnedReg,
    tlsModel: facts.tlsModel,
    stackSwitchModel: facts.stackSwitchModel,
    probestack: facts.probestack,
    probestackInline: facts.probestackStrategy === 'inline',
    probestackSizeLog2: facts.probestackSizeLog2,
    preserveFramePointers: facts.preserveFramePointers,
    isPic: facts.isPic,
    jumpTableSpectre: flags.bool('enable_table_access_spectre_mitigation'),
  });
}

export const aarch64Backend: MachineBackend<MInst, A64Extra, IsaFeatures, A64Backend> = {
  name: 'aarch64',
  lowering(f: Function, features: IsaFeatures): A64Backend {
    return new A64Backend((c) => new A64Lower(c, f, features, f.blockCount + 1));
  },
  machineEnv(_f, features): Env {
    return features.pinnedReg ? PINNED_ENV : ENV;
  },
  emit({ session, vcode, alloc, facts, wantListing }, features) {
    const L = session.state;
    const used = new Set<number>(alloc.usedCalleeSaved);
    for (const r of L.extraSaved) used.add(r);
    const saved = [...used].sort((a, b) => a - b);
    const out = emitFunction({
      vcode, alloc, state: L, features, wantListing, unwind: facts.unwindInfo,
      savedGprs: saved.filter((r) => r < 32), savedVregs: saved.filter((r) => r >= 32),
    });
    return { buf: out.buf, frameSize: out.frameSize, alignment: 4, listing: out.listing };
  },
};
