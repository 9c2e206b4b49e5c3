// The single entry point over both allocators.

import { analyzeWith } from './analysis';
import { checkAnalyzed } from './checker';
import { Env, type MachineEnv } from './env';
import { allocateFast } from './fast';
import type { RegAllocFunction } from './func';
import { allocateOptimized } from './optimize';
import type { RegAllocOutput } from './output';

export interface AllocateOptions {
  /** `fast` for unoptimized compiles, `optimizing` (default) for good code. */
  mode?: 'fast' | 'optimizing';
  /** Run the checker on the result (throws `CheckerError`); meant for tests and fuzzing. */
  check?: boolean;
  /**
   * Check the input against every rule of the interface first (default true), each violation a
   * typed error. A client whose input is known to be valid (a code generator's own lowering, in
   * production) may skip it: an invalid input may then fail with an internal error or be
   * allocated wrongly.
   */
  validate?: boolean;
}

/** Allocates registers for `f`. Throws a `RegAllocError` subclass for invalid input. */
export function allocate(f: RegAllocFunction, machine: MachineEnv | Env, opts: AllocateOptions = {}): RegAllocOutput {
  const env = machine instanceof Env ? machine : new Env(machine);
  // The analysis lives only as long as this call (its tables are reused by the next one).
  const a = analyzeWith(f, env, true, opts.validate !== false || opts.check === true);
  const out = opts.mode === 'fast' ? allocateFast(f, env, a) : allocateOptimized(f, env, a);
  if (opts.check) checkAnalyzed(f, env, out, a);
  return out;
}
