// Execution backends for `test run` / `test interpret` cases.
//
// A backend turns (file, functions, cases, target) into one outcome per case. The interpreter
// is always present; native or emulated backends register themselves with `registerBackend`
// once a code generator exists for their target (x86_64 natively, the others under qemu).

import type { ClifFile, Function } from '@windlass/ir';
import { interpret, valuesEqual, formatValue, functionName, type Value } from '@windlass/interpreter';
import type { Type } from '@windlass/ir';
import { optimize } from '@windlass/codegen';

export interface TargetSpec {
  /** ISA name as the file writes it: `x86_64`, `aarch64`, `riscv64`, `s390x`, `pulley64`, ... */
  isa: string;
  flags: string[];
}

/** One `; run:` line with its literals already typed against the callee's signature. */
export interface RunCase {
  line: number;
  text: string;
  callee: Function;
  args: Value[];
  /** `==`, `!=`, or null: every result must be non-zero. */
  cmp: '==' | '!=' | null;
  expected: Value[] | null;
}

export interface RunOutcome {
  status: 'pass' | 'fail' | 'skip';
  message?: string;
}

export interface ExecutionBackend {
  readonly name: string;
  /** True if this backend runs code for `target` on this host; a string says why not. */
  supports(target: TargetSpec): true | string;
  /**
   * Compile `functions` (all of `file`'s, so calls between them resolve) for `target`, run every
   * case and return one outcome per case, in order.
   */
  compileAndRun(file: ClifFile, functions: readonly Function[], cases: readonly RunCase[], target: TargetSpec): Promise<RunOutcome[]> | RunOutcome[];
}

const backends: ExecutionBackend[] = [];

export function registerBackend(b: ExecutionBackend): void {
  backends.push(b);
}

/** The first registered backend that supports `target`, or the reasons none does. */
export function backendFor(target: TargetSpec): ExecutionBackend | string {
  const reasons: string[] = [];
  for (const b of backends) {
    const ok = b.supports(target);
    if (ok === true) return b;
    reasons.push(`${b.name}: ${ok}`);
  }
  return reasons.length ? reasons.join('; ') : `no code generation backend for ${target.isa} yet`;
}

/** Fuel per case: far above what any corpus case needs, low enough to stop a runaway loop quickly. */
const CASE_FUEL = 20_000_000;

export const interpreterBackend: ExecutionBackend = {
  name: 'interpreter',
  supports: () => true,
  compileAndRun(file, functions, cases) {
    // The interpreter runs the functions as written (as Cranelift's `test interpret` does), unless
    // `--set opt_level=speed` asks for what the mid-end makes of them: the interpreter then checks
    // the optimizer on every `; run:` line. `--set` overrides are the settings with line 0.
    const level = file.settings.filter((s) => s.name === 'opt_level' && s.line === 0).pop()?.value;
    const opt = level === 'speed' || level === 'speed_and_size';
    const byName = new Map<string, Function>();
    for (const f of functions) {
      let g = f;
      if (opt) {
        g = f.clone();
        optimize(g);
      }
      byName.set(functionName(f), g);
    }
    return cases.map((c) => runOnInterpreter(byName, { ...c, callee: byName.get(functionName(c.callee)) ?? c.callee }));
  },
};

function runOnInterpreter(functions: ReadonlyMap<string, Function>, c: RunCase): RunOutcome {
  const r = interpret(c.callee, c.args, { functions, fuel: CASE_FUEL });
  const returns = c.callee.signature.returns.map((p) => p.type);
  switch (r.kind) {
    case 'trap':
      return { status: 'fail', message: `trapped: ${r.trapName}` };
    case 'out-of-fuel':
      return { status: 'fail', message: r.message };
    case 'error':
      return { status: 'fail', message: `interpreter: ${r.message}` };
  }
  return compareResults(c, r.values, returns);
}

export function compareResults(c: RunCase, got: Value[], types: readonly Type[]): RunOutcome {
  const show = (vs: readonly Value[]) => (vs.length === 1 ? formatValue(vs[0], types[0]) : `[${vs.map((v, k) => formatValue(v, types[k])).join(', ')}]`);
  if (c.cmp === null || c.expected === null) {
    const ok = got.every((v) => (v instanceof Uint8Array ? v.some((b) => b !== 0) : v !== 0 && v !== 0n));
    return ok ? { status: 'pass' } : { status: 'fail', message: `expected a true (non-zero) result, got ${show(got)}` };
  }
  const same = got.length === c.expected.length && got.every((v, k) => valuesEqual(v, c.expected![k]));
  if (c.cmp === '==' ? same : !same) return { status: 'pass' };
  return {
    status: 'fail',
    message: c.cmp === '==' ? `expected ${show(c.expected)}, got ${show(got)}` : `expected a result other than ${show(c.expected)}, got it`,
  };
}
