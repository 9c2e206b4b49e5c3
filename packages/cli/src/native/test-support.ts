// Builds the typed run cases of a parsed file, as the runner does (for tests of the backend).
import type { ClifFile, Function } from '@windlass/ir';
import { functionName } from '@windlass/interpreter';
import { buildCase, runLines } from '../runner/run-cases';
import type { RunCase } from '../runner/backend';

export function buildRunCases(clif: ClifFile): RunCase[] {
  const byName = new Map<string, Function>();
  for (const f of clif.functions) byName.set(functionName(f.func), f.func);
  const out: RunCase[] = [];
  for (const l of runLines(clif)) {
    const c = buildCase(clif, l, byName);
    if (!('status' in c)) out.push(c);
  }
  return out;
}
