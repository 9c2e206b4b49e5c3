/** @windlass/isa-x64: work in progress. */
export {};
