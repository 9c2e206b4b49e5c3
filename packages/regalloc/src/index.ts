/** @windlass/regalloc: work in progress. */
export {};
