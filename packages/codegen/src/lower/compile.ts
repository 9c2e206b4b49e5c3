// `compile()`: the ISA-independent entry point, plus per-phase timing for benchmarks.

import type { CompileContext, CompiledCode, TargetIsa } from '../isa';

/** Accumulated time (milliseconds) per compile phase, across calls, for benchmarks. */
export interface PhaseTimes {
  /** The IR verifier (`enable_verifier`). */
  verify: number;
  /** The mid-end (`optimize`, opt_level=speed). */
  opt: number;
  lower: number;
  regalloc: number;
  emit: number;
  functions: number;
  /** IR instructions compiled (in the layout). */
  irInsts: number;
}

export const phaseTimes: PhaseTimes = { verify: 0, opt: 0, lower: 0, regalloc: 0, emit: 0, functions: 0, irInsts: 0 };

export function resetPhaseTimes(): void {
  phaseTimes.verify = 0;
  phaseTimes.opt = 0;
  phaseTimes.lower = 0;
  phaseTimes.regalloc = 0;
  phaseTimes.emit = 0;
  phaseTimes.functions = 0;
  phaseTimes.irInsts = 0;
}

/** A monotonic clock in milliseconds where one exists (browsers, Node), else Date. */
export function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p !== undefined ? p.now() : Date.now();
}

/** Compiles one IR function for `isa`: lowering, register allocation, emission. */
export function compile(func: unknown, isa: TargetIsa, ctx?: CompileContext): CompiledCode {
  return isa.compileFunction(func as never, ctx);
}
