// One test file: parse it, then run each of its `test` commands. A file that does not parse
// is one failing case with the reader's location; the runner carries on with the next file.

import { readFileSync } from 'node:fs';
import { parseClif, ParseError, type ClifFile } from '@windlass/ir';
import type { CaseResult, FileResult, TestOptions } from './types';
import { runCases } from './run-cases';
import { checkCat } from './kinds/cat';
import { checkWithAnalysis } from './kinds/analysis';
import { checkOptimizeFile } from './kinds/optimize';
import { checkCompile } from '../native/test-compile';

export async function runFile(file: string, opts: TestOptions): Promise<FileResult> {
  const cases: CaseResult[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    cases.push({ status: 'fail', kind: 'file', line: 0, name: file, message: `cannot read: ${errorText(e)}` });
    return { file, cases };
  }
  let clif: ClifFile;
  try {
    clif = parseClif(text, file);
  } catch (e) {
    // The FAIL line already names file:line; the message adds the column and the reason.
    if (e instanceof ParseError) cases.push({ status: 'fail', kind: 'parse', line: e.line, name: `parse error at column ${e.column}`, message: e.reason });
    else cases.push({ status: 'fail', kind: 'parse', line: 1, name: 'parse error', message: errorText(e) });
    return { file, cases };
  }
  applySettingOverrides(clif, opts.settings ?? []);
  if (clif.testCommands.length === 0) {
    cases.push({ status: 'fail', kind: 'none', line: 1, name: file, message: 'no `test` line: a filetest starts with `test KIND` (cat, verifier, run, interpret, compile, ...)' });
    return { file, cases };
  }
  const kinds = new Set(clif.testCommands.map((t) => t.name));
  const runDone = { value: false };
  for (const cmd of clif.testCommands) {
    try {
      switch (cmd.name) {
        case 'run':
        case 'interpret':
          // With both `test interpret` and `test run`, a `; run:` line is run once per
          // execution target, not once per test line.
          if (runDone.value) break;
          runDone.value = true;
          cases.push(...(await runCases(clif, opts, kinds)));
          break;
        case 'cat':
          cases.push(checkCat(clif, cmd.line));
          break;
        case 'verifier':
        case 'domtree':
        case 'print-cfg':
          cases.push(checkWithAnalysis(clif, cmd.name, cmd.line));
          break;
        case 'optimize':
        case 'alias-analysis':
          cases.push(checkOptimizeFile(clif, cmd.name, cmd.line, cmd.options.includes('precise-output')));
          break;
        case 'compile':
          // Every function must compile for each target with a backend (Cranelift's exact
          // machine code in `check:` lines is not compared).
          cases.push(...checkCompile(clif, opts.targets.map((t) => t.split(/\s+/)[0]!), cmd.options.includes('expect-fail')));
          break;
        default:
          // Cranelift's other test kinds are skipped with the reason; a name Cranelift does not
          // know is a mistake in the file.
          if (KNOWN_TEST_KINDS.has(cmd.name)) cases.push({ status: 'skip', kind: cmd.name, line: cmd.line, name: `test ${cmd.name}`, message: `test kind '${cmd.name}' is not supported by the runner yet` });
          else cases.push({ status: 'fail', kind: cmd.name, line: cmd.line, name: `test ${cmd.name}`, message: `unknown test kind '${cmd.name}' (known: ${[...KNOWN_TEST_KINDS].sort().join(', ')})` });
      }
    } catch (e) {
      cases.push({ status: 'fail', kind: cmd.name, line: cmd.line, name: `test ${cmd.name}`, message: `runner error: ${errorText(e)}` });
    }
  }
  return { file, cases };
}

/** Every test kind Cranelift's filetest runner knows (the runner implements a subset). */
const KNOWN_TEST_KINDS = new Set([
  'cat', 'verifier', 'domtree', 'print-cfg', 'interpret', 'run', 'compile', 'optimize', 'inline',
  'alias-analysis', 'legalizer', 'licm', 'preopt', 'safepoint', 'simple-gvn', 'simple_gvn',
  'simple-preopt', 'unwind', 'dce', 'postopt', 'rodata', 'shrink', 'stack_maps', 'wasm',
]);

/** `--set` overrides: appended to the file's settings and to every target's, so they win. */
export function applySettingOverrides(clif: ClifFile, overrides: readonly string[]): void {
  for (const o of overrides) {
    const eq = o.indexOf('=');
    const s = { name: eq < 0 ? o : o.slice(0, eq), value: eq < 0 ? null : o.slice(eq + 1), line: 0 };
    clif.settings.push(s);
    for (const t of clif.targets) t.settings.push(s);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
