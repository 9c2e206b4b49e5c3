// The API the compile benchmark loads (bundled by tools/bench/compile.ts); a type source only.
export * from '../../packages/ir/src/index';
export { buildIsa, settingsBuilder, phaseTimes, resetPhaseTimes, registerIsa, registeredIsas, optimize } from '../../packages/codegen/src/index';
export { x64Isa } from '../../packages/isa-x64/src/index';
export { aarch64Isa } from '../../packages/isa-aarch64/src/index';
export { riscv64Isa } from '../../packages/isa-riscv64/src/index';
export { s390xIsa } from '../../packages/isa-s390x/src/index';
