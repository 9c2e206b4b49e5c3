/** @windlass/ir: work in progress. */
export {};
