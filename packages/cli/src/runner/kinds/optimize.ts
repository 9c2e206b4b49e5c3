// `test optimize` and `test alias-analysis`: each function is run through the mid-end
// (`optimize`, or for alias-analysis the redundant-load pass alone) and checked.
//
//  - Files with `check:`-style directives: the optimized function's text must match them with
//    value and block names matched up to a consistent renaming (the directives name
//    Cranelift's value numbers, which are not ours to reproduce).
//  - `precise-output` files: the comment block after each function is Cranelift's output. The
//    function passes when the optimized function computes what the input computes under the
//    interpreter on generated arguments (`equivalence.ts`) and has no more instructions than
//    that expected output. A text identical to it is counted apart (`exact`).
//
// One case per file: it passes when every function passes.

import { type ClifFile, type ClifFunction, type Function, printFunction, parseFunction, verifyFunction, fileCheck, isFileCheckDirective } from '@windlass/ir';
import { optimize, eliminateRedundantLoads } from '@windlass/codegen';
import { functionName } from '@windlass/interpreter';
import type { CaseResult } from '../types';
import { checkEquivalent } from './equivalence';

export function checkOptimizeFile(clif: ClifFile, kind: 'optimize' | 'alias-analysis', line: number, precise: boolean): CaseResult {
  const problems: string[] = [];
  let firstLine = line;
  let exact = 0;
  const functions = new Map(clif.functions.map((cf) => [functionName(cf.func), cf.func]));
  for (const cf of clif.functions) {
    const problem = checkFunction(cf, kind, precise, functions);
    if (problem === 'exact') exact++;
    else if (problem !== null) {
      if (problems.length === 0) firstLine = problem.line;
      problems.push(`line ${problem.line} (%${functionName(cf.func)}): ${problem.message}`);
    }
  }
  const name = `test ${kind}${precise ? ' precise-output' : ''}${precise ? ` (${exact}/${clif.functions.length} exact)` : ''}`;
  const counted = precise ? { exact: { matched: exact, of: clif.functions.length } } : {};
  if (problems.length === 0) return { status: 'pass', kind, line, name, ...counted };
  return { status: 'fail', kind, line: firstLine, name, message: problems.join('\n    '), ...counted };
}

type Problem = { line: number; message: string };

function checkFunction(cf: ClifFunction, kind: 'optimize' | 'alias-analysis', precise: boolean, functions: ReadonlyMap<string, Function>): Problem | 'exact' | null {
  const g = cf.func.clone();
  try {
    if (kind === 'optimize') optimize(g);
    else eliminateRedundantLoads(g);
  } catch (e) {
    return { line: cf.startLine, message: `the mid-end threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  const errors = verifyFunction(g);
  if (errors.length > 0) return { line: cf.startLine, message: `does not verify after ${kind}: ${errors[0].message}` };
  const text = printFunction(g);
  if (!precise) {
    const checks = cf.directives.filter((d) => isFileCheckDirective(d.kind));
    if (checks.length === 0) return null;
    const fail = fileCheck(text, checks, { renameEntities: true });
    return fail ? { line: fail.line, message: `${fail.message}\n${indent(text)}` } : null;
  }
  const expected = expectedOutput(cf);
  if (expected === undefined) return { line: cf.endLine, message: 'precise-output: no expected function text after the function' };
  if (expected.text.trim() === text.trim()) return 'exact';
  let want: Function;
  try {
    want = parseFunction(expected.text, `expected output at line ${expected.line}`);
  } catch (e) {
    return { line: expected.line, message: `the expected output does not parse: ${e instanceof Error ? e.message : String(e)}` };
  }
  const ours = g.countInsts();
  const theirs = want.countInsts();
  if (ours > theirs) return { line: expected.line, message: `${ours} instructions, the expected output has ${theirs}\n${indent(text)}` };
  const diff = checkEquivalent(cf.func, g, functions);
  return diff === null ? null : { line: cf.startLine, message: `${diff}\n${indent(text)}` };
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `      | ${l}`).join('\n');
}

/** The `; function ... ; }` comment block after a function (its comment prefix removed). */
function expectedOutput(cf: ClifFunction): { text: string; line: number } | undefined {
  const lines: string[] = [];
  let start = -1;
  for (const c of cf.comments) {
    if (c.line <= cf.endLine) continue;
    const body = c.text.replace(/^; ?/, '');
    if (start < 0) {
      if (!/^function\b/.test(body)) continue;
      start = c.line;
    }
    lines.push(body);
    if (body.trim() === '}') break;
  }
  return start < 0 ? undefined : { text: `${lines.join('\n')}\n`, line: start };
}
