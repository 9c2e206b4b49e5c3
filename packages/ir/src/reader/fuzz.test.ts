// The reader on damaged input: random truncations and mutations of corpus
// files must give a result or a ParseError (never another exception, never a
// hang), and whatever reads must print, read back equal, and print the same.
import { describe, it, expect } from 'vitest';
import { CORPUS_PRESENT, corpusFiles } from '../test-support/corpus';
import { ParseError } from './errors';
import { parseClif } from './parser';
import { printFunction } from '../writer';
import { functionDiff } from '../equal';

const PIECES = [
  'v1', 'block1', ',', '(', ')', '[', ']', '=', '.i32', ' ', '\n', '}', '{', '-', '+', '0x', 'ss0', 'gv0', 'fn0',
  'sig0', '%', '"', '->', 'i8x16', '@', '<', '>', 'iadd', 'dt0', 'ret0', 'exn0', ':', '99999999999999999999', 'NaN',
  'const0', 'region0', 'tag0', 'v4294967296', 'block99999999999', ';', 'cold', '*',
];

/** Small deterministic PRNG (LCG), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function mutate(text: string, rnd: () => number): string {
  if (rnd() < 0.3) return text.slice(0, Math.floor(rnd() * text.length));
  let t = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rnd() * t.length);
    const r = rnd();
    if (r < 0.4) t = t.slice(0, pos) + PIECES[Math.floor(rnd() * PIECES.length)] + t.slice(pos);
    else if (r < 0.7) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rnd() * 5));
    else {
      const q = Math.floor(rnd() * t.length);
      t = t.slice(0, pos) + t.slice(q, q + 10) + t.slice(pos);
    }
  }
  return t;
}

describe('reader robustness', () => {
  const files = corpusFiles();
  (CORPUS_PRESENT ? it : it.skip)('gives a result or a ParseError for 600 damaged corpus files', () => {
    const rnd = rng(20261124);
    let parsed = 0;
    let rejected = 0;
    const bad: string[] = [];
    for (let it = 0; it < 600; it++) {
      const f = files[Math.floor(rnd() * files.length)];
      const text = mutate(f.text, rnd);
      let file;
      try {
        file = parseClif(text, f.name);
      } catch (e) {
        if (e instanceof ParseError && !e.message.includes('internal reader error')) rejected++;
        else bad.push(`${f.name} (iteration ${it}): ${String(e)}`);
        continue;
      }
      parsed++;
      for (const fn of file.functions) {
        const printed = printFunction(fn.func);
        try {
          const again = parseClif(printed, 'printed').functions[0].func;
          const diff = functionDiff(fn.func, again);
          if (diff !== null || printFunction(again) !== printed) bad.push(`${f.name} (iteration ${it}): no fixpoint: ${diff}`);
        } catch (e) {
          bad.push(`${f.name} (iteration ${it}): printed text does not read back: ${String(e)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });

  it('rejects pathological inputs quickly', () => {
    const deep = 'function %f() {\nblock0:\n' + '    v1 = iadd v1, v1\n'.repeat(3) + '}';
    expect(() => parseClif(deep)).toThrow(ParseError);
    expect(() => parseClif('function %f() {\nblock0:\n  v1 -> v2\n  v2 -> v1\n  return v1\n}')).toThrow(/alias/);
    expect(() => parseClif('function %f(' + 'i32, '.repeat(10000))).toThrow(ParseError);
    expect(() => parseClif('"unterminated')).toThrow(/unterminated string/);
    expect(() => parseClif('\u0000')).toThrow(/unexpected character/);
  });
});
