/**
 * @windlass/isa-s390x: the s390x backend of Windlass. Not implemented yet; see the README.
 */
export const ISA_STATUS = 'unimplemented' as const;
