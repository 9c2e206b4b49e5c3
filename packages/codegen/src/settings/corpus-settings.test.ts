/// <reference types="node" />
// Every `set` line of the Cranelift corpus must parse with the shared settings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySetLine, settingsBuilder } from './shared';

const corpus = resolve(__dirname, '../../../../../shared/corpus/cranelift-filetests');

function clifFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) clifFiles(p, out);
    else if (name.endsWith('.clif')) out.push(p);
  }
  return out;
}

describe('shared settings on the corpus', () => {
  const present = existsSync(corpus);
  it.skipIf(!present)(`parse every set line of the corpus (skipped when ${corpus} is absent)`, () => {
    const failures: string[] = [];
    let lines = 0;
    for (const file of clifFiles(corpus)) {
      readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
        const line = text.replace(/;.*$/, '').trim();
        if (!line.startsWith('set ')) return;
        lines++;
        try {
          applySetLine(settingsBuilder(), line, { file, line: i + 1 });
        } catch (e) {
          failures.push((e as Error).message);
        }
      });
    }
    expect(failures).toEqual([]);
    expect(lines).toBeGreaterThan(500);
  });
});
