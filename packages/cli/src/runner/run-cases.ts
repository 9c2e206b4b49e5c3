// `test run` / `test interpret`: every `; run:` line becomes a case per execution target.
//
//   --interpret            each line once, on the interpreter
//   `test interpret`       each line once, on the interpreter
//   `test run`             each line once per target of the file (filtered by --target) that has
//                          a backend; targets of the four Windlass ISAs without a backend yet
//                          fall back to the interpreter (once per line); other ISAs (pulley)
//                          are skipped with the reason

import type { ClifFile, Function } from '@windlass/ir';
import { verifyFunction } from '@windlass/ir';
import { parseValue, functionName, ValueSyntaxError, type Value } from '@windlass/interpreter';
import { parseRunDirective, splitExpected, DirectiveError } from './directive';
import { interpreterBackend, backendFor, type RunCase, type TargetSpec, type ExecutionBackend } from './backend';
import type { CaseResult, TestOptions } from './types';
import './backends';

const WINDLASS_ISAS = new Set(['x86_64', 'aarch64', 'riscv64', 's390x']);
/** Cranelift targets Windlass does not generate code for (Cranelift's own bytecode, 32-bit). */
const OTHER_CRANELIFT_ISAS = new Set(['pulley32', 'pulley32be', 'pulley64', 'pulley64be', 'i686', 'riscv32', 'riscv64gc']);

export interface Line {
  line: number;
  text: string;
  /** The function the line follows (callee of a bare `; run`). */
  owner: Function;
}

export function runLines(clif: ClifFile): Line[] {
  const out: Line[] = [];
  for (const fn of clif.functions) {
    for (const c of fn.comments) {
      const m = /^;+\s*run\s*(?::(.*))?$/.exec(c.text.trim());
      if (m) out.push({ line: c.line, text: stripComment(m[1] ?? ''), owner: fn.func });
    }
  }
  return out;
}

/** A `;` after the directive starts a comment (`== [0 -1] ; note ...`). */
function stripComment(s: string): string {
  const k = s.indexOf(';');
  return (k < 0 ? s : s.slice(0, k)).trim();
}

/** Turn one line into a typed case, or a failing case saying where the text is wrong. */
export function buildCase(clif: ClifFile, l: Line, byName: ReadonlyMap<string, Function>): RunCase | CaseResult {
  const fail = (message: string): CaseResult => ({ status: 'fail', kind: 'run', line: l.line, name: l.text || 'run', message });
  try {
    const d = parseRunDirective(l.text, l.line);
    // Like Cranelift, a `; run:` line runs the function it follows; the name it writes is
    // informative only (the corpus has lines whose name is stale), unless it follows none.
    const callee = l.owner ?? (d.fn === null ? undefined : byName.get(d.fn));
    if (!callee) return fail(`no function %${d.fn} in ${clif.fileName}`);
    const params = callee.signature.params;
    if (d.args.length !== params.length) {
      return fail(`%${functionName(callee)} takes ${params.length} argument(s), the directive gives ${d.args.length}`);
    }
    const args: Value[] = d.args.map((a, k) => parseValue(a, params[k].type));
    let expected: Value[] | null = null;
    if (d.expected !== null) {
      const returns = callee.signature.returns;
      const parts = splitExpected(d.expected, returns.length);
      if (parts.length !== returns.length) {
        return fail(`%${functionName(callee)} returns ${returns.length} value(s), the directive expects ${parts.length}`);
      }
      expected = parts.map((p, k) => parseValue(p, returns[k].type));
    }
    return { line: l.line, text: l.text || `%${functionName(callee)}()`, callee, args, cmp: d.cmp, expected };
  } catch (e) {
    if (e instanceof DirectiveError || e instanceof ValueSyntaxError) return fail(e.message);
    throw e;
  }
}

function matchesTarget(t: TargetSpec, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => f === t.isa || f.split('-')[0] === t.isa || (f === 'x86-64' && t.isa === 'x86_64'));
}

export async function runCases(clif: ClifFile, opts: TestOptions, kinds: ReadonlySet<string>): Promise<CaseResult[]> {
  const byName = new Map<string, Function>();
  for (const f of clif.functions) byName.set(functionName(f.func), f.func);
  const functions = clif.functions.map((f) => f.func);
  const results: CaseResult[] = [];
  const cases: RunCase[] = [];
  for (const l of runLines(clif)) {
    const c = buildCase(clif, l, byName);
    if ('status' in c) results.push(c);
    else cases.push(c);
  }
  if (cases.length === 0) return results;
  // Invalid IR has no defined behaviour: its cases fail with the verifier's error instead of
  // passing by chance (Cranelift verifies a filetest's functions before running them).
  const invalid = functions.map((f) => verifyFunction(f)[0]).find((e) => e !== undefined);
  if (invalid) {
    for (const c of cases) results.push({ status: 'fail', kind: 'run', line: c.line, name: c.text, message: `invalid IR: ${invalid.message}` });
    return results;
  }

  const plan: { backend: ExecutionBackend; target: TargetSpec; label: string }[] = [];
  const skips: { label: string; reason: string }[] = [];
  const fails: { label: string; reason: string }[] = [];
  let interpreterPlanned = false;
  const useInterpreter = (label: string) => {
    if (interpreterPlanned) return;
    interpreterPlanned = true;
    plan.push({ backend: interpreterBackend, target: { isa: 'interpreter', flags: [] }, label });
  };
  if (opts.interpret || kinds.has('interpret')) useInterpreter('interpreter');
  if (!opts.interpret && kinds.has('run')) {
    const targets: TargetSpec[] = clif.targets.length ? clif.targets.map((t) => ({ isa: t.isa, flags: t.flags })) : [{ isa: 'x86_64', flags: [] }];
    for (const t of targets) {
      const label = [t.isa, ...t.flags].join(' ');
      if (!matchesTarget(t, opts.targets)) {
        skips.push({ label, reason: `target ${label} not selected by --target` });
        continue;
      }
      const b = backendFor(t);
      if (typeof b !== 'string') plan.push({ backend: b, target: t, label });
      else if (WINDLASS_ISAS.has(t.isa)) useInterpreter(`interpreter (for ${t.isa}: ${b})`);
      else if (OTHER_CRANELIFT_ISAS.has(t.isa)) skips.push({ label, reason: `target ${label} is not a Windlass ISA` });
      else fails.push({ label, reason: `unknown target ISA '${t.isa}' (known: ${[...WINDLASS_ISAS, ...OTHER_CRANELIFT_ISAS].join(', ')})` });
    }
  }
  for (const p of plan) {
    const outcomes = await p.backend.compileAndRun(clif, functions, cases, p.target);
    cases.forEach((c, k) => {
      const o = outcomes[k] ?? { status: 'fail', message: `backend ${p.backend.name} returned no outcome` };
      results.push({ status: o.status, kind: 'run', line: c.line, name: `${c.text} [${p.label}]`, message: o.message });
    });
  }
  for (const s of fails) {
    for (const c of cases) results.push({ status: 'fail', kind: 'run', line: c.line, name: `${c.text} [${s.label}]`, message: s.reason });
  }
  for (const s of skips) {
    for (const c of cases) results.push({ status: 'skip', kind: 'run', line: c.line, name: `${c.text} [${s.label}]`, message: s.reason });
  }
  return results;
}
