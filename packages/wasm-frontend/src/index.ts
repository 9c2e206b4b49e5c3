/** @windlass/wasm-frontend: work in progress. */
export {};
