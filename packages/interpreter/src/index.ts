/** @windlass/interpreter: work in progress. */
export {};
