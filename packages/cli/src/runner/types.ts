// Results the runner collects: one `CaseResult` per case (a `; run:` line on one target, or a
// whole file for the other test kinds). Plain data, so worker threads can send them back.

export type CaseStatus = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  status: CaseStatus;
  /** Test kind: `run`, `interpret`, `cat`, `verifier`, `domtree`, `print-cfg`, ... */
  kind: string;
  /** 1-based line of the case in the file (the `; run:` line, or the `test` line). */
  line: number;
  /** What the case is (`%f(1, 2) == 3 [interpreter]`). */
  name: string;
  /** Why it failed or was skipped. */
  message?: string;
  /** `precise-output` optimize files: functions whose output is textually the expected one. */
  exact?: { matched: number; of: number };
}

export interface FileResult {
  file: string;
  cases: CaseResult[];
}

export interface TestOptions {
  paths: string[];
  /** Run every `; run:` case once on the interpreter, whatever the file's targets. */
  interpret: boolean;
  /** `--target` filters (ISA names or triples); empty = every target of the file. */
  targets: string[];
  /** Parallel files; 0 = number of CPUs. */
  jobs: number;
  verbose: boolean;
  filter: string | null;
  /** `--set NAME=VALUE` overrides, applied after each file's own `set` lines (e.g. `opt_level=speed`). */
  settings?: string[];
}

export function summaryLine(results: readonly FileResult[]): string {
  let p = 0;
  let f = 0;
  let s = 0;
  for (const r of results) {
    for (const c of r.cases) {
      if (c.status === 'pass') p++;
      else if (c.status === 'fail') f++;
      else s++;
    }
  }
  return `${p} passed, ${f} failed, ${s} skipped`;
}
