/// <reference types="node" />
// Locating the shared Cranelift corpus from tests (Node only; test-support is
// excluded from the core-package import rules).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** `<repo>/../shared/corpus/cranelift-filetests` */
export const CORPUS_DIR = resolve(here, '../../../../../shared/corpus/cranelift-filetests');
export const CORPUS_PRESENT = existsSync(CORPUS_DIR);

export interface CorpusFile {
  /** Path relative to the corpus root. */
  name: string;
  text: string;
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.clif')) out.push(p);
  }
  return out;
}

/** Every `.clif` file of the corpus, sorted by name (empty when the corpus is absent). */
export function corpusFiles(): CorpusFile[] {
  if (!CORPUS_PRESENT) return [];
  return walk(CORPUS_DIR, [])
    .sort()
    .map((p) => ({ name: relative(CORPUS_DIR, p), text: readFileSync(p, 'utf8') }));
}
