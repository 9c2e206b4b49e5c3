/**
 * @windlass/isa-s390x: the s390x backend (big-endian, with the vector facility).
 *
 *  ir.Function ──lower rules (src/lower)──> VCode<MInst> ──regalloc──> emit + frame (src/abi)
 *     ──> MachBuffer (big-endian) ──> CompiledCode (bytes, relocs, traps, unwind, listing)
 *
 * Importing the package registers the `s390x` ISA with `@windlass/codegen`'s registry.
 */
import { defineIsa, registerIsa, type IsaDescriptor, S390X_CIE } from '@windlass/codegen';
import { s390xBackend } from './compile';
import { featuresOf, s390xSettings } from './settings';

export { s390xSettings, featuresOf, type S390xFeatures } from './settings';
export { s390xBackend } from './compile';
export { MInst, Pseudo } from './inst/mod';
export { OPS, opIndex, type OpInfo } from './inst/ops';
export { encode, emitOp, PCREL16, PCREL32 } from './inst/emit';
export { printInst } from './inst/print';
export { dwarfReg, gpr, vr } from './inst/regs';
export {
  assignSignature, needsRetArea, retAreaLayout, littleEndianLanes, isVec128, type ArgLoc, type SigAssignment,
} from './abi/abi';
export { symbolName } from './lower/symbols';

export const s390xIsa: IsaDescriptor = defineIsa({
  name: 's390x',
  pointerBytes: 8,
  endianness: 'big',
  settings: s390xSettings,
  cie: S390X_CIE,
  features: (isaFlags, facts, triple) => featuresOf(isaFlags, facts, triple),
  backend: s390xBackend,
});

registerIsa(s390xIsa);
