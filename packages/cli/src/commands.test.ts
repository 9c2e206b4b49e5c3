import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cmdInterpret } from './commands';

const dir = mkdtempSync(join(tmpdir(), 'windlass-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clif(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs a command in-process; returns its status and what it wrote. */
function capture(run: () => number): { status: number; out: string; err: string } {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { status: run(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('windlass interpret', () => {
  const add = clif('add.clif', 'function %add(i32, i32) -> i32 {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    return v2\n}\n');

  it('runs a function and prints its results', () => {
    expect(capture(() => cmdInterpret([add, '1', '2']))).toEqual({ status: 0, out: '3\n', err: '' });
  });

  it('rejects a --fuel that is not a whole number >= 1 (it would be no limit at all)', () => {
    for (const fuel of ['abc', 'Infinity', '-5', '0', '1.5', '']) {
      const r = capture(() => cmdInterpret(['--fuel', fuel, add, '1', '2']));
      expect(r.status, fuel).toBe(2);
      expect(r.err).toBe(`windlass: --fuel needs a whole number of instructions >= 1, got '${fuel}'\n`);
    }
    expect(capture(() => cmdInterpret(['--fuel', '1', add, '1', '2'])).status).toBe(1); // out of fuel: two instructions
  });
});
