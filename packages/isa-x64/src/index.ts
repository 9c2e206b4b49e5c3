/**
 * @windlass/isa-x64: the x86-64 backend.
 *
 *  ir.Function ──lower rules (src/lower)──> VCode<MInst> ──regalloc──> emit + frame (src/abi)
 *     ──> MachBuffer ──> CompiledCode (bytes, relocs, traps, unwind, listing)
 *
 * Importing the package registers the `x86_64` ISA with `@windlass/codegen`'s registry.
 */
import { registerIsa, type IsaDescriptor, type TargetIsa, X86_64_CIE } from '@windlass/codegen';
import { compileX64 } from './compile';
import { featuresOf, x64Settings } from './settings';

export * from './inst';
export { x64Settings, featuresOf } from './settings';
export { compileX64 } from './compile';
export {
  assignArgs, assignReturns, assignSignature, callClobbers, calleePopBytes, calleeSaved, isCalleePop, needsReturnArea, returnAreaLayout,
} from './abi/sysv';
export { symbolName } from './lower/rules';
export { isVec128 } from './lower/simd-types';

export const x64Isa: IsaDescriptor = {
  name: 'x86_64',
  aliases: ['x86-64', 'amd64'],
  pointerBytes: 8,
  endianness: 'little',
  settings: x64Settings,
  create(triple, flags, isaFlags): TargetIsa {
    const features = featuresOf(isaFlags);
    return {
      name: 'x86_64', triple, pointerBytes: 8, endianness: 'little', flags, isaFlags, cie: X86_64_CIE,
      compileFunction: (func, ctx) => compileX64(func, { flags, features }, ctx),
    };
  },
};

registerIsa(x64Isa);
