// `test cat`: every function prints back in canonical form. Functions with `; check:`-style
// directives are matched against them; the others must round-trip (print, parse, compare,
// print again to the same text).

import { type ClifFile, printFunction, parseFunction, functionsEqual, ParseError, fileCheck, isFileCheckDirective } from '@windlass/ir';
import type { CaseResult } from '../types';
import { functionName } from '@windlass/interpreter';

export function checkCat(clif: ClifFile, line: number): CaseResult {
  const problems: string[] = [];
  let firstLine = line;
  for (const fn of clif.functions) {
    const name = functionName(fn.func);
    const printed = printFunction(fn.func);
    const checks = fn.directives.filter((d) => isFileCheckDirective(d.kind));
    if (checks.length > 0) {
      const f = fileCheck(printed, checks);
      if (f) {
        if (problems.length === 0) firstLine = f.line;
        problems.push(`line ${f.line} (%${name}): ${f.message}`);
      }
      continue;
    }
    try {
      const again = parseFunction(printed, `${clif.fileName} (%${name} printed)`);
      if (!functionsEqual(fn.func, again)) problems.push(`line ${fn.startLine} (%${name}): printing then parsing gives a different function`);
      else if (printFunction(again) !== printed) problems.push(`line ${fn.startLine} (%${name}): printing is not a fixpoint`);
    } catch (e) {
      if (problems.length === 0) firstLine = fn.startLine;
      const msg = e instanceof ParseError ? `${e.line}:${e.column}: ${e.reason}` : e instanceof Error ? e.message : String(e);
      problems.push(`line ${fn.startLine} (%${name}): the printed text does not parse: ${msg}`);
    }
  }
  if (problems.length === 0) return { status: 'pass', kind: 'cat', line, name: 'test cat' };
  return { status: 'fail', kind: 'cat', line: firstLine, name: 'test cat', message: problems.join('\n    ') };
}
