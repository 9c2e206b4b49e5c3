/** @windlass/codegen: work in progress. */
export {};
