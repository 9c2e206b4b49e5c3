/**
 * @windlass/isa-x64: the x86-64 backend.
 *
 *  ir.Function ──lower rules (src/lower)──> VCode<MInst> ──regalloc──> emit + frame (src/abi)
 *     ──> MachBuffer ──> CompiledCode (bytes, relocs, traps, unwind, listing)
 *
 * Importing the package registers the `x86_64` ISA with `@windlass/codegen`'s registry.
 */
import { defineIsa, registerIsa, type IsaDescriptor, X86_64_CIE } from '@windlass/codegen';
import { withSharedFacts, x64Backend } from './compile';
import { featuresOf, x64Settings } from './settings';

export * from './inst';
export { x64Settings, featuresOf } from './settings';
export { compileX64, x64Backend, type X64CompileOptions } from './compile';
export {
  assignArgs, assignReturns, assignSignature, callClobbers, calleePopBytes, calleeSaved, isCalleePop, needsReturnArea, returnAreaLayout,
} from './abi/sysv';
export { symbolName } from './lower/rules';
export { isVec128 } from './lower/simd-types';

export const x64Isa: IsaDescriptor = defineIsa({
  name: 'x86_64',
  aliases: ['x86-64', 'amd64'],
  pointerBytes: 8,
  endianness: 'little',
  settings: x64Settings,
  cie: X86_64_CIE,
  features: (isaFlags, facts) => withSharedFacts(featuresOf(isaFlags), facts),
  backend: x64Backend,
});

registerIsa(x64Isa);
