/// <reference types="node" />
// The README quick starts, tested as written: each package's README begins with a TypeScript
// block that is, word for word, the package's `src/test-support/readme-example.ts`; its readme
// test compares the two and runs the file, checking what it prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** The README's first TypeScript block and the example file's text. */
export function quickStart(packageDir: string): { readme: string | undefined; example: string } {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return { readme: /```ts\n([\s\S]*?)```/.exec(readme)?.[1], example: readFileSync(exampleFile(packageDir), 'utf8') };
}

function exampleFile(packageDir: string): string {
  return join(packageDir, 'src', 'test-support', 'readme-example.ts');
}

/** Runs the example (in `cwd` when given: it may write files); returns the lines it logged. */
export async function runQuickStart(packageDir: string, cwd?: string): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  const here = process.cwd();
  console.log = (...args: unknown[]) => void lines.push(format(...args));
  if (cwd !== undefined) process.chdir(cwd);
  try {
    await import(exampleFile(packageDir));
  } finally {
    console.log = log;
    if (cwd !== undefined) process.chdir(here);
  }
  return lines;
}
