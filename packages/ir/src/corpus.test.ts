// The whole Cranelift filetest corpus: every file reads, every function
// survives parse -> print -> parse -> print, and functions printed by
// Cranelift itself (the `test optimize/inline precise-output` expectations)
// print back byte for byte.
import { describe, it, expect } from 'vitest';
import { CORPUS_PRESENT, corpusFiles } from './test-support/corpus';
import { type ClifFile, parseClif } from './reader/parser';
import { ParseError } from './reader/errors';
import { printFunction } from './writer';
import { functionDiff } from './equal';

const files = corpusFiles();
const itCorpus = CORPUS_PRESENT ? it : it.skip;
const why = CORPUS_PRESENT ? '' : ' (skipped: ../shared/corpus/cranelift-filetests is absent)';

/** Files whose `; error:` annotations are reader errors: those not run by the verifier. */
function expectsParseError(text: string): boolean {
  return /^; *error:/m.test(text) && !/^test verifier/m.test(text);
}

describe(`Cranelift corpus${why}`, () => {
  const parsed = new Map<string, ClifFile>();

  itCorpus('reads every file (1,216 files)', () => {
    const failures: string[] = [];
    for (const f of files) {
      try {
        parsed.set(f.name, parseClif(f.text, f.name));
        if (expectsParseError(f.text)) failures.push(`${f.name}: parsed, but an \`; error:\` annotation says it must not`);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        if (!expectsParseError(f.text)) failures.push(e.message);
        else {
          const line = f.text.split('\n').findIndex((l) => /; *error:/.test(l)) + 1;
          if (e.line !== line) failures.push(`${f.name}: error at line ${e.line}, annotated at ${line}`);
        }
      }
    }
    expect(files.length).toBe(1216);
    expect(failures).toEqual([]);
  });

  itCorpus('parse -> print -> parse -> print is a fixpoint for every function', () => {
    let functions = 0;
    const failures: string[] = [];
    for (const f of files) {
      const file = parsed.get(f.name) ?? parseClif(f.text, f.name);
      for (const fn of file.functions) {
        functions++;
        const p1 = printFunction(fn.func);
        const again = parseClif(p1, `${f.name} (printed)`).functions[0].func;
        const p2 = printFunction(again);
        const diff = functionDiff(fn.func, again);
        if (p1 !== p2 || diff !== null) failures.push(`${f.name}:${fn.startLine}: ${diff ?? 'printed text differs'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(functions).toBeGreaterThan(11000);
  });

  itCorpus("prints functions exactly as Cranelift's writer did (optimize/inline precise-output)", () => {
    let compared = 0;
    const failures: string[] = [];
    for (const f of files) {
      if (!/^test (optimize|inline) precise-output/m.test(f.text)) continue;
      const file = parsed.get(f.name) ?? parseClif(f.text, f.name);
      for (const fn of file.functions) {
        const lines = fn.comments.map((c) => c.text);
        const s = lines.findIndex((l) => l.startsWith('; function '));
        const e = lines.findIndex((l, k) => k > s && l === '; }');
        if (s < 0 || e < 0) continue;
        const expected = lines.slice(s, e + 1).map((l) => l.replace(/^; ?/, '')).join('\n') + '\n';
        let got: string;
        try {
          got = printFunction(parseClif(expected, f.name).functions[0].func);
        } catch {
          continue; // a few expectations are hand-trimmed and not valid CLIF on their own
        }
        compared++;
        if (got !== expected) failures.push(`${f.name}:${fn.startLine}`);
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(600);
  });
});
