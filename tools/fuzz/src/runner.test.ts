// `windlass test` on a folder of broken filetests: each broken file must count as a failure with
// a located message (`FAIL file:line: ...`), and the runner must carry on to the next file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../../packages/cli/bin/windlass.mjs', import.meta.url));

const fn = (body: string, sig = '(i32) -> i32', params = 'v0: i32') => `function %f${sig} {\nblock0(${params}):\n${body}\n}\n`;

/** Broken files: name -> text. Each must yield at least one located FAIL line. */
const BROKEN: Record<string, string> = {
  'syntax.clif': `test interpret\n${fn('    v1 = iadd v0,\n    return v1')}; run: %f(1) == 1\n`,
  'unknown-setting.clif': `test run\nset not_a_setting=1\ntarget x86_64\n${fn('    return v0')}; run: %f(1) == 1\n`,
  'bad-literal.clif': `test interpret\n${fn('    return v0')}; run: %f(zz) == 1\n`,
  'arg-count.clif': `test interpret\n${fn('    return v0')}; run: %f(1, 2) == 1\n`,
  'no-expected.clif': `test interpret\n${fn('    return v0')}; run: %f(1) ==\n`,
  'verifier-unannotated.clif': `test verifier\n${fn('    v1 = iadd.i64 v0, v0\n    return v1')}`,
  'garbage.clif': 'test interpret\n\u0000\u00ff\u00fe function %f() {\n',
  'infinite-loop.clif': `test interpret\n${fn('    jump block0(v0)')}; run: %f(1) == 1\n`,
  'truncated.clif': `test run\ntarget x86_64\nfunction %f(i32) -> i32 {\nblock0(v0: i32):\n    v1 = iadd v0, v0\n`,
  // Fixed finding: invalid IR used to run (interpreter and x86_64) and pass by chance.
  'invalid-ir-interpret.clif': `test interpret\n${fn('    v1 = iadd.i64 v0, v0\n    return v1')}; run: %f(1) == 2\n`,
  'invalid-ir-run.clif': `test run\ntarget x86_64\n${fn('    v1 = iadd.i64 v0, v0\n    return v1')}; run: %f(1) == 2\n`,
  'wrong-result.clif': `test interpret\n${fn('    return v0')}; run: %f(1) == 2\n`,
  'trap.clif': `test interpret\n${fn('    trap user1')}; run: %f(1) == 2\n`,
  'deep-recursion.clif': `test interpret\nfunction %f(i32) -> i32 {\n    fn0 = %f(i32) -> i32\nblock0(v0: i32):\n    v1 = call fn0(v0)\n    return v1\n}\n; run: %f(1) == 1\n`,
  // Fixed findings: these used to be skipped, hiding the whole file behind a typo.
  'unknown-kind.clif': `test nosuchkind\n${fn('    return v0')}`,
  'unknown-isa.clif': `test run\ntarget nosuchisa\n${fn('    return v0')}; run: %f(1) == 1\n`,
  'empty.clif': '',
};

const GOOD = `test interpret\n${fn('    v1 = iadd v0, v0\n    return v1')}; run: %f(1) == 2\n`;

const dir = mkdtempSync(join(tmpdir(), 'windlass-fuzz-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('windlass test on broken files', () => {
  it('fails each broken file with a located message and carries on', () => {
    for (const [name, text] of Object.entries(BROKEN)) writeFileSync(join(dir, name), text);
    // Named to sort last, so that "carries on" is checked after every broken file.
    writeFileSync(join(dir, 'zz-good.clif'), GOOD);
    const r = spawnSync(process.execPath, [bin, 'test', dir, '-j', '1', '-v'], { encoding: 'utf8', timeout: 120_000 });
    const out = r.stdout;
    expect(r.status, r.stderr).toBe(1);
    for (const name of Object.keys(BROKEN)) {
      const fail = new RegExp(`^FAIL ${join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:([1-9]\\d*): .+`, 'm');
      expect(out, name).toMatch(fail);
    }
    expect(out).toMatch(/^ok {3}\S*zz-good\.clif:\d+: /m);
    const summary = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(out);
    expect(summary).not.toBeNull();
    expect(Number(summary![1])).toBe(1);
  });
});

describe('windlass interpret on invalid IR', () => {
  // Fixed finding: `windlass interpret` ran a function that fails verification and printed a result.
  it('refuses it with the verifier message', () => {
    const file = join(dir, 'invalid-interpret.clif');
    writeFileSync(file, `test interpret\n${fn('    v1 = iadd.i64 v0, v0\n    return v1')}`);
    const r = spawnSync(process.execPath, [bin, 'interpret', file, '1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/does not verify: %f, inst0 .*\[result-type\]/);
    expect(r.stdout).toBe('');
  });
});
