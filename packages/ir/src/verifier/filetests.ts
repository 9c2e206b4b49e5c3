// `test verifier` over a parsed file: each `; error: text` annotation must be
// reported (an error whose reason contains the text) on the entity of the
// annotated line; any other error fails the function.

import { annotatedLine, sourceLines } from '../analysis/source-lines';
import type { FunctionCheckResult } from '../analysis/filetests';
import type { ClifFile, ClifFunction } from '../reader/parser';
import { I32, I64, type Type } from '../types';
import { verifyFunction } from './verify';

/** Pointer type of the file's (first) target; undefined without a target. */
export function targetPointerType(file: ClifFile): Type | undefined {
  const isa = file.targets[0]?.isa;
  if (isa === undefined) return undefined;
  return /32$/.test(isa) ? I32 : I64;
}

function nameOf(cf: ClifFunction): string {
  const n = cf.func.name;
  return n.kind === 'testcase' ? `%${n.name}` : `u${n.namespace}:${n.index}`;
}

/** Verify one function of a parsed file, with source lines and the file's pointer type. */
export function verifyClifFunction(cf: ClifFunction, pointerType?: Type) {
  return verifyFunction(cf.func, { pointerType, lines: sourceLines(cf.func, cf.source, cf.startLine) });
}

export function checkVerifierFile(file: ClifFile): FunctionCheckResult[] {
  const ptr = targetPointerType(file);
  return file.functions.map((cf) => {
    const errors = verifyClifFunction(cf, ptr);
    const expected = cf.directives
      .filter((d) => d.kind === 'error')
      .map((d) => ({ line: annotatedLine(cf.source, cf.startLine, d.line), text: d.text.trim(), at: d.line }));
    const used = new Set<number>();
    const problems: string[] = [];
    let failLine = cf.startLine;
    for (const x of expected) {
      const k = errors.findIndex((e, j) => !used.has(j) && e.line === x.line && e.reason.includes(x.text));
      if (k >= 0) {
        used.add(k);
        continue;
      }
      if (problems.length === 0) failLine = x.at;
      const near = errors.filter((e) => e.line === x.line).map((e) => e.reason);
      problems.push(`line ${x.at}: expected error "${x.text}"${near.length ? `, got: ${near.join(' | ')}` : ''}`);
    }
    errors.forEach((e, j) => {
      if (used.has(j)) return;
      if (problems.length === 0 && e.line !== undefined) failLine = e.line;
      problems.push(`unexpected error: ${e.message}`);
    });
    return { name: nameOf(cf), line: failLine, ok: problems.length === 0, messages: problems, message: problems.join('; ') };
  });
}
