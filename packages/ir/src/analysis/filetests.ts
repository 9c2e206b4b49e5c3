// The corpus checks of `test domtree` and `test print-cfg`, as library
// functions the filetest runner calls with a parsed file.

import type { Block, Inst } from '../entities';
import type { ClifFile, ClifFunction } from '../reader/parser';
import { computeCfg } from './cfg';
import { computeDomtree } from './domtree';
import { fileCheck, isFileCheckDirective } from './filecheck';
import { printCfg, printDomtree } from './print';
import { annotatedLine, sourceLines } from './source-lines';

/** The outcome for one function of a test file. */
export interface FunctionCheckResult {
  /** Function name as written (`%foo`). */
  name: string;
  /** Line of the function header, or of the first failing check. */
  line: number;
  ok: boolean;
  /** One message per failure (empty when ok). */
  messages: string[];
  /** The messages joined with '; ' (empty when ok). */
  message: string;
  /** What the test printed (domtree / cfg text), for diagnostics. */
  output?: string;
}

function funcName(cf: ClifFunction): string {
  const n = cf.func.name;
  return n.kind === 'testcase' ? `%${n.name}` : `u${n.namespace}:${n.index}`;
}

function result(cf: ClifFunction, messages: string[], line: number, output?: string): FunctionCheckResult {
  return { name: funcName(cf), line, ok: messages.length === 0, messages, message: messages.join('; '), output };
}

/** The instruction on each source line of a function. */
function instsByLine(cf: ClifFunction): Map<number, Inst> {
  const out = new Map<number, Inst>();
  for (const [key, line] of sourceLines(cf.func, cf.source, cf.startLine)) {
    if (key.startsWith('inst')) out.set(line, Number(key.slice(4)) as Inst);
  }
  return out;
}

/**
 * `test domtree`: every `; dominates: blockA blockB` comment on an instruction
 * says that the instruction's block is the immediate dominator of the listed
 * blocks (and every block with an immediate dominator must be listed); the
 * `check:` directives match `printDomtree`.
 */
export function checkDomtreeFile(file: ClifFile): FunctionCheckResult[] {
  return file.functions.map((cf) => {
    const f = cf.func;
    const cfg = computeCfg(f);
    const dt = computeDomtree(f, cfg);
    const problems: string[] = [];
    let failLine = cf.startLine;
    const byLine = instsByLine(cf);
    const annotated = new Set<number>();
    for (const c of cf.comments) {
      const m = /^;\s*dominates:(.*)$/.exec(c.text);
      if (!m) continue;
      const inst = byLine.get(annotatedLine(cf.source, cf.startLine, c.line));
      if (inst === undefined) {
        problems.push(`line ${c.line}: \`dominates:\` annotation is not on an instruction`);
        continue;
      }
      const dom = f.instBlock[inst];
      for (const word of m[1].trim().split(/\s+/).filter((w) => w !== '')) {
        const bm = /^block(\d+)$/.exec(word);
        if (!bm) {
          problems.push(`line ${c.line}: expected a block name, found ${word}`);
          continue;
        }
        const b = Number(bm[1]);
        annotated.add(b);
        const got = b < f.blockCount ? dt.idom(b as Block) : -1;
        if (got !== dom) {
          if (problems.length === 0) failLine = c.line;
          problems.push(`line ${c.line}: expected block${dom} (inst${inst}) to be the immediate dominator of ${word}, got ${got === -1 ? 'none' : `block${got}`}`);
        }
      }
    }
    for (let b = 0; b < f.blockCount; b++) {
      if (dt.idom(b as Block) !== -1 && !annotated.has(b)) {
        problems.push(`block${b} has immediate dominator block${dt.idom(b as Block)}, which no \`dominates:\` annotation states`);
      }
    }
    const output = printDomtree(dt);
    const fail = fileCheck(output, cf.directives.filter((d) => isFileCheckDirective(d.kind)));
    if (fail) {
      if (problems.length === 0) failLine = fail.line;
      problems.push(`line ${fail.line}: ${fail.message}`);
    }
    return result(cf, problems, failLine, output);
  });
}

/** `test print-cfg`: the `check:` / `unordered:` directives match `printCfg`. */
export function checkCfgFile(file: ClifFile): FunctionCheckResult[] {
  return file.functions.map((cf) => {
    const output = printCfg(cf.func, computeCfg(cf.func));
    const fail = fileCheck(output, cf.directives.filter((d) => isFileCheckDirective(d.kind)));
    return fail ? result(cf, [`line ${fail.line}: ${fail.message}`], fail.line, output) : result(cf, [], cf.startLine, output);
  });
}
