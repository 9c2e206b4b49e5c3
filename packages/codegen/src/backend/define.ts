// `defineIsa`: an ISA package describes its backend once and gets the `IsaDescriptor` it
// registers; every `TargetIsa` made from it compiles through the shared driver.

import type { CieConventions } from '../unwind';
import type { Flags, SettingsTemplate } from '../settings';
import type { Endianness, IsaDescriptor, TargetIsa, Triple } from '../isa';
import { compileWith, type LoweringSession, type MachineBackend, type SharedFacts, sharedFacts } from './driver';

export interface IsaDefinition<I, X, F, S extends LoweringSession<I, X>> {
  /** Canonical name, as in target lines: `x86_64`, `aarch64`, `riscv64`, `s390x`. */
  readonly name: string;
  /** Triple architecture names that select this ISA (`arm64`, `riscv64gc`, ...). */
  readonly aliases?: readonly string[];
  readonly pointerBytes: 4 | 8;
  readonly endianness: Endianness;
  /** The ISA's own flags and presets (`has_lse`, `arch13`, ...). */
  readonly settings: SettingsTemplate;
  /** DWARF CFI conventions of the ISA's `.eh_frame`. */
  readonly cie: CieConventions;
  /**
   * The feature record the backend's rules read, derived once per `TargetIsa` from the ISA
   * flags of the target line, the shared settings and the triple (e.g. its default calling
   * convention). Reject combinations the backend cannot honour here, with a typed error.
   */
  features(isaFlags: Flags, facts: SharedFacts, triple: Triple): F;
  readonly backend: MachineBackend<I, X, F, S>;
}

/** Builds the `IsaDescriptor` of a backend (pass it to `registerIsa`). */
export function defineIsa<I, X, F, S extends LoweringSession<I, X>>(def: IsaDefinition<I, X, F, S>): IsaDescriptor {
  return {
    name: def.name,
    aliases: def.aliases,
    pointerBytes: def.pointerBytes,
    endianness: def.endianness,
    settings: def.settings,
    create(triple, flags, isaFlags): TargetIsa {
      const features = def.features(isaFlags, sharedFacts(flags), triple);
      return {
        name: def.name, triple, pointerBytes: def.pointerBytes, endianness: def.endianness, flags, isaFlags, cie: def.cie,
        compileFunction: (func, ctx) => compileWith(def.backend, func, flags, features, ctx),
      };
    },
  };
}
