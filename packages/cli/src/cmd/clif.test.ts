import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../test-support';

const dir = mkdtempSync(join(tmpdir(), 'windlass-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clif(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const add = clif('add.clif', 'function %add(i32, i32) -> i32 {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    return v2\n}\n'
  + 'function %neg(i64) -> i64 {\nblock0(v0: i64):\n    v1 = ineg v0\n    return v1\n}\n');
const bad = clif('bad.clif', 'function %f() {\nblock0:\n    v1 = frob\n}\n');

describe('windlass interpret', () => {
  it('runs a function and prints its results; negative literals after FILE are arguments', async () => {
    expect(await cli('interpret', add, '1', '2')).toEqual({ status: 0, out: '3\n', err: '' });
    expect(await cli('interpret', '--fn', 'neg', add, '-5')).toEqual({ status: 0, out: '5\n', err: '' });
  });

  it('prints floats as people read them (the shortest decimal that reads back exactly)', async () => {
    const f = clif('f.clif', 'function %f(f32, f64) -> f32, f64, f64 {\nblock0(v0: f32, v1: f64):\n    v2 = fdiv v1, v1\n    return v0, v1, v2\n}\n');
    expect(await cli('interpret', f, '0.1', '-2.5')).toEqual({ status: 0, out: '0.1, -2.5, 1.0\n', err: '' });
    expect((await cli('interpret', f, '3.4028235e38', '0.0')).out).toBe('3.4028235e38, 0.0, +NaN\n');
  });

  it('takes --fuel as a whole number >= 1 (a NaN fuel was no limit at all)', async () => {
    expect(await cli('interpret', '--fuel', '1', add, '1', '2')).toEqual({
      status: 1, out: '', err: 'windlass interpret: out of fuel: the program ran longer than the fuel limit\n',
    });
    expect((await cli('interpret', '--fuel', 'abc', add, '1', '2')).status).toBe(2);
  });

  it('says where an option written after FILE must go', async () => {
    expect(await cli('interpret', add, '--fn', 'neg', '1')).toEqual({
      status: 2, out: '', err: "windlass interpret: --fn must come before FILE (the arguments after FILE are the function's) (see 'windlass interpret --help')\n",
    });
  });
});

describe('windlass cat and verify', () => {
  it('take several files; a bad one is one line and the others still run', async () => {
    const r = await cli('verify', add, bad, join(dir, 'none.clif'), add);
    expect(r.status).toBe(1);
    expect(r.out).toBe(`${add}: 2 function(s) verified\n${add}: 2 function(s) verified\n`);
    expect(r.err).toBe(`windlass verify: ${bad}:3:10: unknown opcode \`frob\`\nwindlass verify: cannot read ${join(dir, 'none.clif')}: no such file\n`);
    const c = await cli('cat', add, add);
    expect(c.status).toBe(0);
    expect(c.out.match(/^function %add/gm)).toHaveLength(2);
  });

  it('escape control bytes of binary input in their messages', async () => {
    const nul = clif('nul.clif', '\0asm\x01\0\0\0');
    expect(await cli('cat', nul)).toEqual({ status: 1, out: '', err: `windlass cat: ${nul}:1:1: unexpected character '\\x00'\n` });
  });
});
