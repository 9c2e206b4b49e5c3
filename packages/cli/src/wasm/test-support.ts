// Shared set-up of the .wast runner's tests: where the spec suite is, whether wabt is
// installed, and a helper writing a script to a fresh temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const corpus = fileURLToPath(new URL('../../../../../shared/corpus/wasm-testsuite', import.meta.url));

function wabtInstalled(): boolean {
  try {
    execFileSync('wast2json', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const haveWabt = wabtInstalled();

/** Writes `text` as `case.wast` in a new temporary folder and returns its path. */
export function script(text: string, prefix = 'wast-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'case.wast');
  writeFileSync(path, text);
  return path;
}
