// Seeds for the fuzzers, read from the shared corpus (`../shared/corpus` from the repo root).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClif } from '@windlass/ir';

export const corpusRoot = fileURLToPath(new URL('../../../../shared/corpus', import.meta.url));
export const clifCorpus = join(corpusRoot, 'cranelift-filetests');
export const wasmCorpus = join(corpusRoot, 'wasm-testsuite');

function walk(dir: string, ext: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, ext, out);
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** One fuzz seed: a file's header (`test`, `set`, `target` lines) and one of its functions. */
export interface ClifSeed {
  file: string;
  text: string;
}

/** Every function of every corpus file that parses, as header + function text, up to `maxChars` long. */
export function loadClifSeeds(maxChars = 3000, keep: (relPath: string, index: number) => boolean = () => true): ClifSeed[] {
  if (!existsSync(clifCorpus)) return [];
  const seeds: ClifSeed[] = [];
  const paths = walk(clifCorpus, '.clif', []).filter((p, i) => keep(p.slice(clifCorpus.length + 1), i));
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    let file;
    try {
      file = parseClif(text, path);
    } catch {
      continue;
    }
    const lines = text.split('\n');
    const first = file.functions[0]?.startLine ?? lines.length + 1;
    const header = lines.slice(0, first - 1).filter((l) => /^\s*(test|set|target)\b/.test(l)).join('\n');
    for (const cf of file.functions) {
      const unit = `${header}\n${cf.source}`;
      if (unit.length <= maxChars) seeds.push({ file: path.slice(clifCorpus.length + 1), text: unit });
    }
  }
  return seeds;
}

export function haveWast2json(): boolean {
  try {
    execFileSync('wast2json', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The binary modules of the spec scripts (`module` commands only, i.e. valid modules),
 * converted with wabt's wast2json. `scripts` limits which `.wast` files are read.
 */
export function loadWasmSeeds(scripts?: readonly string[], maxBytes = 4096): { script: string; bytes: Uint8Array }[] {
  if (!existsSync(wasmCorpus) || !haveWast2json()) return [];
  const dir = mkdtempSync(join(tmpdir(), 'windlass-fuzz-wasm-'));
  const out: { script: string; bytes: Uint8Array }[] = [];
  try {
    const names = readdirSync(wasmCorpus).filter((n) => n.endsWith('.wast') && (!scripts || scripts.includes(n.slice(0, -5)))).sort();
    for (const f of names) {
      const base = f.slice(0, -5);
      const json = join(dir, `${base}.json`);
      try {
        execFileSync('wast2json', [join(wasmCorpus, f), '-o', json], { stdio: 'ignore' });
      } catch {
        continue; // syntax newer than this wabt
      }
      const spec = JSON.parse(readFileSync(json, 'utf8')) as { commands: { type: string; filename?: string; module_type?: string }[] };
      for (const c of spec.commands) {
        if (c.type !== 'module' || !c.filename || c.module_type === 'text') continue;
        const bytes = new Uint8Array(readFileSync(join(dir, c.filename)));
        if (bytes.length <= maxBytes) out.push({ script: base, bytes });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * The top-level forms (modules, assertions, ...) of the spec scripts as text, up to `maxChars`
 * long: seeds for the text reader. Strings and comments are skipped when matching parentheses.
 */
export function loadWatSeeds(maxChars = 4000): { script: string; text: string }[] {
  if (!existsSync(wasmCorpus)) return [];
  const out: { script: string; text: string }[] = [];
  for (const f of readdirSync(wasmCorpus).filter((n) => n.endsWith('.wast')).sort()) {
    const text = readFileSync(join(wasmCorpus, f), 'utf8');
    let depth = 0;
    let start = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === ';' && text[i + 1] === ';') while (i < text.length && text[i] !== '\n') i++;
      else if (c === '(' && text[i + 1] === ';') {
        let nest = 1;
        for (i += 2; i < text.length && nest > 0; i++) {
          if (text[i] === '(' && text[i + 1] === ';') {
            nest++;
            i++;
          } else if (text[i] === ';' && text[i + 1] === ')') {
            nest--;
            i++;
          }
        }
        i--;
      } else if (c === '"') {
        for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      } else if (c === '(') {
        if (depth++ === 0) start = i;
      } else if (c === ')' && --depth === 0 && i + 1 - start <= maxChars) out.push({ script: f, text: text.slice(start, i + 1) });
    }
  }
  return out;
}
