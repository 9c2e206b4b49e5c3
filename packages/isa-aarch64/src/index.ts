/**
 * @windlass/isa-aarch64: the aarch64 backend of Windlass. Not implemented yet; see the README.
 */
export const ISA_STATUS = 'unimplemented' as const;
