/** @windlass/object: work in progress. */
export {};
