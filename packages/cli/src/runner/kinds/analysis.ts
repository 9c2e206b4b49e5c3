// `test verifier`, `test domtree`, `test print-cfg`: the checks live in `@windlass/ir` next to
// the verifier and analyses (`checkVerifierFile`, `checkDomtreeFile`, `checkCfgFile`); this
// module adapts their per-function results to one case per file.

import * as ir from '@windlass/ir';
import type { ClifFile } from '@windlass/ir';
import type { CaseResult } from '../types';

/** What the IR's file checkers return, per function (the shape the runner accepts). */
interface FunctionCheck {
  ok?: boolean;
  pass?: boolean;
  passed?: boolean;
  message?: string;
  messages?: string[];
  errors?: unknown[];
  line?: number;
  name?: string;
  function?: string;
}

type FileChecker = (file: ClifFile) => unknown;

const CHECKERS: Record<string, string[]> = {
  verifier: ['checkVerifierFile'],
  domtree: ['checkDomtreeFile'],
  'print-cfg': ['checkCfgFile', 'checkPrintCfgFile'],
};

export function checkWithAnalysis(clif: ClifFile, kind: string, line: number): CaseResult {
  const lib = ir as unknown as Record<string, unknown>;
  const name = CHECKERS[kind]?.find((n) => typeof lib[n] === 'function');
  if (!name) return { status: 'fail', kind, line, name: `test ${kind}`, message: `@windlass/ir provides no ${CHECKERS[kind]?.[0] ?? kind} yet` };
  const raw = (lib[name] as FileChecker)(clif);
  const items: FunctionCheck[] = Array.isArray(raw) ? (raw as FunctionCheck[]) : raw && typeof raw === 'object' && Array.isArray((raw as { functions?: unknown }).functions) ? (raw as { functions: FunctionCheck[] }).functions : [raw as FunctionCheck];
  const problems: string[] = [];
  let firstLine = line;
  for (const it of items) {
    if (!it || typeof it !== 'object') continue;
    const ok = it.ok ?? it.pass ?? it.passed ?? (it.errors ? it.errors.length === 0 : it.messages ? it.messages.length === 0 : true);
    if (ok) continue;
    if (problems.length === 0 && typeof it.line === 'number') firstLine = it.line;
    const who = it.name ?? it.function ?? '';
    const msg = it.message ?? it.messages?.join('; ') ?? (it.errors ?? []).map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    problems.push(`${who ? `${who}: ` : ''}${msg}`);
  }
  if (problems.length === 0) return { status: 'pass', kind, line, name: `test ${kind}` };
  return { status: 'fail', kind, line: firstLine, name: `test ${kind}`, message: problems.join('\n    ') };
}
