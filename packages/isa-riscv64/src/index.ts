/**
 * @windlass/isa-riscv64: the riscv64 backend of Windlass. Not implemented yet; see the README.
 */
export const ISA_STATUS = 'unimplemented' as const;
