/**
 * @windlass/isa-riscv64: the RISC-V 64 backend (RV64GC, Zba/Zbb/Zbc/Zbs/Zbkb, Zfh, V).
 *
 *  ir.Function ──lower rules (src/lower)──> VCode<MInst> ──regalloc──> emit + frame (src/abi)
 *     ──> MachBuffer (compressed forms, branch islands and veneers) ──> CompiledCode
 *
 * Importing the package registers the `riscv64` ISA with `@windlass/codegen`'s registry.
 */
import { defineIsa, registerIsa, type IsaDescriptor, RISCV64_CIE } from '@windlass/codegen';
import { riscv64Backend } from './compile';
import { featuresOf, riscv64Settings } from './settings';

export { riscv64Settings, featuresOf, UNCHECKED_EXTENSIONS, type RvFeatures } from './settings';
export { riscv64Backend } from './compile';
export {
  assignArgs, assignReturns, assignSignature, callClobbers, isCalleePop, needsReturnArea, returnAreaLayout, passing,
} from './abi/abi';
export { symbolName } from './lower/names';
export { printInst } from './inst/print';
export { encode, compress } from './inst/encode';
export { MInst, mk } from './inst/mod';
export { allOps, opInfo, type OpInfo } from './inst/ops';
export { regName, a0, a1, fa0, fa1 } from './inst/regs';

export const riscv64Isa: IsaDescriptor = defineIsa({
  name: 'riscv64',
  aliases: ['riscv64gc', 'riscv64imac'],
  pointerBytes: 8,
  endianness: 'little',
  settings: riscv64Settings,
  cie: RISCV64_CIE,
  features: (isaFlags, facts) => featuresOf(isaFlags, facts),
  backend: riscv64Backend,
});

registerIsa(riscv64Isa);
