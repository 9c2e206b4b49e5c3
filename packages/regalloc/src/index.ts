/**
 * @windlass/regalloc: register allocation over a small ISA-neutral interface.
 *
 * ```
 *  client (a backend's VCode, a test, the generator)
 *      │  RegAllocFunction: blocks, succs/preds, block params + branch args,
 *      │  operands (vreg, class, use/def, early/late, constraint), clobbers, flags
 *      ▼
 *  analyze ── validation (typed errors), RPO, dominators, loop depth
 *      │
 *      ├─ fast:       every vreg in a slot, per-instruction registers
 *      └─ optimizing: liveness → live ranges → bundles (merged over moves and block params)
 *                     → priority queue: assign / evict / split / spill → move elimination
 *      ▼
 *  resolve: segment boundaries, CFG edges, operand copies → parallel moves → sequenced edits
 *      ▼
 *  RegAllocOutput: location per operand, edits before/after each instruction,
 *                  spill slots, used callee-saved registers     ──▶  checkAllocation (symbolic)
 * ```
 */
export * from './types';
export * from './func';
export * from './env';
export * from './output';
export { analyze, type Analysis } from './analysis';
export { checkAllocation } from './checker';
export { allocate, type AllocateOptions } from './allocate';
export { generateFunction, testEnv, Rng, type GenerateOptions } from './generate';
