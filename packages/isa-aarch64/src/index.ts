/**
 * @windlass/isa-aarch64: the AArch64 backend.
 *
 *  ir.Function ──lower rules (src/lower)──> VCode<MInst> ──regalloc──> emit + frame (src/abi)
 *     ──> MachBuffer (islands: constants, veneers) ──> CompiledCode (bytes, relocs, traps, unwind, listing)
 *
 * Importing the package registers the `aarch64` ISA (alias `arm64`) with `@windlass/codegen`'s
 * registry.
 */
import { AARCH64_CIE, defineIsa, type IsaDescriptor, registerIsa } from '@windlass/codegen';
import { aarch64Backend, withSharedFacts } from './compile';
import { aarch64Settings, targetFeaturesOf } from './settings';

export * from './inst';
export { aarch64Settings, targetFeaturesOf } from './settings';
export { aarch64Backend } from './compile';
export {
  assignArgs, assignReturns, assignSignature, needsReturnArea, returnAreaLayout, isCalleePop, isVType,
} from './abi/aapcs';
export { constSequence } from './abi/frame';
export { symbolName } from './lower/names';

export const aarch64Isa: IsaDescriptor = defineIsa({
  name: 'aarch64',
  aliases: ['arm64'],
  pointerBytes: 8,
  endianness: 'little',
  settings: aarch64Settings,
  cie: AARCH64_CIE,
  features: (isaFlags, facts) => withSharedFacts(targetFeaturesOf(isaFlags), facts),
  backend: aarch64Backend,
});

registerIsa(aarch64Isa);
