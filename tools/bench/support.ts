// Shared by the benchmarks: command-line options, the corpus file walk, and loading the
// packages either as one esbuild bundle (as a release build ships them) or from source.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The value after `--name`, or `dflt`. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** Every `.clif` file under `p` (or `p` itself), sorted. */
export function files(p: string): string[] {
  if (statSync(p).isDirectory()) return readdirSync(p).sort().flatMap((e) => files(join(p, e)));
  return p.endsWith('.clif') ? [p] : [];
}

/**
 * Imports a module made of `exportLines` (`export ... from '@windlass/...'`): bundled with
 * esbuild by default, or straight from the TypeScript sources with `--source` (the entry is
 * then written beside this file, where the workspace packages resolve).
 */
export async function loadPackages<T>(exportLines: readonly string[]): Promise<T> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  if (process.argv.includes('--source')) {
    const entry = join(here, `.entry-${process.pid}.ts`);
    writeFileSync(entry, exportLines.join('\n'));
    try {
      return (await import(pathToFileURL(entry).href)) as T;
    } finally {
      rmSync(entry, { force: true });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'windlass-bench-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, exportLines.join('\n'));
  const outfile = join(dir, 'bundle.mjs');
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile, logLevel: 'error',
    conditions: ['windlass:source'], nodePaths: [join(here, '..', '..', 'node_modules')],
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}
