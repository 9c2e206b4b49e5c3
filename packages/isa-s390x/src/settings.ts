// s390x ISA flags as target lines write them (`s390x has_mie3`, `s390x arch13`). The baseline
// is the z14 (the twelfth edition of the z/Architecture, `arch12`): the vector facility with
// vector-enhancements facility 1 and miscellaneous-instruction-extensions facility 2, as
// Cranelift assumes. The flags add the z15 facilities (arch13) the rules use when enabled;
// the arch15 (z17) facilities are accepted and recorded, and the rules then emit z15 code.

import { SettingsTemplate, type Flags, type SharedFacts, type Triple } from '@windlass/codegen';

const FLAGS: [string, string][] = [
  ['has_mie3', 'Miscellaneous-instruction-extensions facility 3 (z15): and/or with complement, select, full popcount.'],
  ['has_vxrs_ext2', 'Vector-enhancements facility 2 (z15): byte- and element-reversing vector loads and stores.'],
  ['has_mie4', 'Miscellaneous-instruction-extensions facility 4 (z17).'],
  ['has_vxrs_ext3', 'Vector-enhancements facility 3 (z17).'],
];

export const s390xSettings = new SettingsTemplate('s390x', FLAGS.map(([name, doc]) => ({
  kind: 'bool' as const, name, default: false, doc,
})), [
  { name: 'arch13', doc: 'The thirteenth edition of the z/Architecture (z15).', enables: ['has_mie3', 'has_vxrs_ext2'] },
  { name: 'arch14', doc: 'The fourteenth edition (z16): the arch13 facilities.', enables: ['arch13'] },
  { name: 'arch15', doc: 'The fifteenth edition (z17).', enables: ['arch14', 'has_mie4', 'has_vxrs_ext3'] },
  { name: 'z15', doc: 'IBM z15.', enables: ['arch13'] },
  { name: 'z16', doc: 'IBM z16.', enables: ['arch14'] },
  { name: 'z17', doc: 'IBM z17.', enables: ['arch15'] },
]);

/** What the rules consult, derived once per `TargetIsa`. */
export interface S390xFeatures {
  /** Miscellaneous-instruction-extensions facility 3. */
  readonly mie3: boolean;
  /** Vector-enhancements facility 2. */
  readonly vxe2: boolean;
  /** The arch15 facilities were asked for (recorded; the rules emit z15 code). */
  readonly arch15: boolean;
  /** `enable_pinned_reg`. */
  readonly pinnedReg: boolean;
  readonly tlsModel: string;
  readonly probestack: boolean;
  readonly probestackInline: boolean;
  readonly probestackSizeLog2: number;
  readonly isPic: boolean;
  /** `preserve_frame_pointers`: every function allocates a frame with the back chain and saves %r14. */
  readonly preserveFramePointers: boolean;
}

export function featuresOf(isaFlags: Flags, facts: SharedFacts, _triple?: Triple): S390xFeatures {
  return Object.freeze({
    mie3: isaFlags.bool('has_mie3'),
    vxe2: isaFlags.bool('has_vxrs_ext2'),
    arch15: isaFlags.bool('has_mie4') || isaFlags.bool('has_vxrs_ext3'),
    pinnedReg: facts.pinnedReg,
    tlsModel: facts.tlsModel,
    probestack: facts.probestack,
    probestackInline: facts.probestackStrategy === 'inline',
    probestackSizeLog2: facts.probestackSizeLog2,
    isPic: facts.isPic,
    preserveFramePointers: facts.preserveFramePointers,
  });
}
