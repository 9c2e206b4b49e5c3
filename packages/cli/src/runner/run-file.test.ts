import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClif } from '@windlass/ir';
import { runFile, applySettingOverrides } from './run-file';
import { captureIo } from '../test-support';
import { collectFiles, runTests } from './runner';
import { summaryLine } from './types';
import type { TestOptions } from './types';

const opts: TestOptions = { paths: [], interpret: true, targets: [], jobs: 1, verbose: false, filter: null };
const dir = mkdtempSync(join(tmpdir(), 'windlass-runner-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('runFile', () => {
  it('counts a malformed file as one failure located at the reader error', async () => {
    const p = write('bad.clif', 'test interpret\n\nfunction %f() -> i32 {\nblock0:\n    v0 = iconst.i32\n    return v0\n}\n');
    const r = await runFile(p, opts);
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]).toMatchObject({ status: 'fail', kind: 'parse', line: 6, name: 'parse error at column 5' });
    // The location is said once (the FAIL line prints file:line), the message is the reason alone.
    expect(r.cases[0].message).toBe("expected an integer immediate, found 'return'");
  });

  it('reports an unreadable file as a failure', async () => {
    const r = await runFile(join(dir, 'missing.clif'), opts);
    expect(r.cases[0]).toMatchObject({ status: 'fail', kind: 'file' });
  });

  it('runs cat files and skips kinds it does not support, with the reason', async () => {
    const p = write('cat.clif', 'test cat\ntest unwind\n\nfunction %f() {\nblock0:\n    return\n}\n; check: block0:\n; nextln: return\n');
    const r = await runFile(p, opts);
    expect(r.cases.map((c) => c.status)).toEqual(['pass', 'skip']);
    expect(r.cases[1].message).toMatch(/unwind/);
    expect(summaryLine([r])).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('checks `test optimize` output against check lines up to a renaming of values', async () => {
    const body = 'function %f(i32) -> i32 {\nblock0(v0: i32):\n    v1 = iconst.i32 0\n    v2 = iadd v0, v1\n    v3 = imul_imm v2, 8\n    return v3\n}\n';
    // Cranelift numbers the new shift amount v4 and the shift v5; ours may differ.
    const good = write('opt-good.clif', `test optimize\nset opt_level=speed\ntarget x86_64\n\n${body}; check: v5 = ishl_imm v0, 3\n; nextln: return v5\n`);
    expect((await runFile(good, opts)).cases).toEqual([expect.objectContaining({ status: 'pass', kind: 'optimize' })]);
    // Two names of the checks never stand for one value.
    const bad = write('opt-bad.clif', `test optimize\nset opt_level=speed\ntarget x86_64\n\n${body}; check: v5 = ishl_imm v7, 3\n; nextln: return v7\n`);
    expect((await runFile(bad, opts)).cases).toEqual([expect.objectContaining({ status: 'fail', kind: 'optimize' })]);
  });

  it('checks `precise-output` files by interpreter equivalence and instruction count', async () => {
    const fn = 'function %f(i32, i32) -> i32 fast {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    v3 = isub v2, v1\n    return v3\n}\n';
    const expected = (text: string) => text.trimEnd().split('\n').map((l) => `; ${l}`.trimEnd()).join('\n');
    const head = 'test optimize precise-output\nset opt_level=speed\ntarget x86_64\n\n';
    const exact = write('precise-exact.clif', `${head}${fn}\n${expected('function %f(i32, i32) -> i32 fast {\nblock0(v0: i32, v1: i32):\n    return v0\n}')}\n`);
    expect((await runFile(exact, opts)).cases[0]).toMatchObject({ status: 'pass', name: 'test optimize precise-output (1/1 exact)' });
    // Fewer instructions than the expected output and the same results: a pass, not exact.
    const longer = write('precise-longer.clif', `${head}${fn}\n${expected('function %f(i32, i32) -> i32 fast {\nblock0(v0: i32, v1: i32):\n    v4 = iconst.i32 0\n    v5 = iadd v0, v4\n    return v5\n}')}\n`);
    expect((await runFile(longer, opts)).cases[0]).toMatchObject({ status: 'pass', name: 'test optimize precise-output (0/1 exact)' });
    // An expected output shorter than what the mid-end makes fails, naming both counts.
    const short = write('precise-short.clif', `${head}function %g(i32) -> i32 fast {\nblock0(v0: i32):\n    v1 = popcnt v0\n    return v1\n}\n\n${expected('function %g(i32) -> i32 fast {\nblock0(v0: i32):\n    return v0\n}')}\n`);
    const r = (await runFile(short, opts)).cases[0];
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/2 instructions, the expected output has 1/);
    // `windlass test` sums the exact ones up through its Io (it wrote to process.stdout, around
    // the Io: a CLI fuzz finding), before the summary line.
    const io = captureIo();
    expect(await runTests({ ...opts, paths: [exact, longer] }, io)).toBe(0);
    expect(io.text.out).toBe('precise-output: 1 of 2 functions print exactly as the expected output (the rest pass or fail on equivalence and instruction count)\n2 passed, 0 failed, 0 skipped\n');
  });

  it('compiles every function of a `test compile` file for its targets', async () => {
    const p = write('compile.clif', 'test compile\ntarget x86_64\ntarget aarch64\n\nfunction %f(i32) -> i32 {\nblock0(v0: i32):\n    v1 = iadd_imm v0, 1\n    return v1\n}\n');
    const r = await runFile(p, opts);
    // One case per function and target: both backends compile it.
    expect(r.cases.map((c) => `${c.status} ${c.name}`)).toEqual(['pass f [x86_64]', 'pass f [aarch64]']);
  });

  it('runs a `; run:` line once even with both `test interpret` and `test run`', async () => {
    const p = write('both.clif', 'test interpret\ntest run\ntarget x86_64\n\nfunction %f() -> i8 {\nblock0:\n    v0 = iconst.i8 1\n    return v0\n}\n; run: %f() == 1\n');
    const r = await runFile(p, opts);
    expect(r.cases).toEqual([expect.objectContaining({ status: 'pass', line: 10 })]);
  });

  it('applies --set overrides after the file\'s own set lines, for every target', () => {
    const clif = parseClif('test run\nset opt_level=none\ntarget x86_64\nset enable_verifier=false\ntarget aarch64\n\nfunction %f() {\nblock0:\n    return\n}\n');
    applySettingOverrides(clif, ['opt_level=speed', 'enable_llvm_abi_extensions']);
    const last = (xs: { name: string; value: string | null }[], n: string) => xs.filter((x) => x.name === n).pop()?.value;
    expect(last(clif.settings, 'opt_level')).toBe('speed');
    for (const t of clif.targets) {
      expect(last(t.settings, 'opt_level')).toBe('speed');
      expect(t.settings.some((x) => x.name === 'enable_llvm_abi_extensions' && x.value === null)).toBe(true);
    }
    expect(last(clif.targets[1].settings, 'enable_verifier')).toBe('false');
  });

  it('collects .clif files of folders in sorted order', () => {
    expect(collectFiles([dir], null).map((f) => f.slice(dir.length + 1))).toEqual([
      'bad.clif', 'both.clif', 'cat.clif', 'compile.clif', 'opt-bad.clif', 'opt-good.clif', 'precise-exact.clif', 'precise-longer.clif', 'precise-short.clif',
    ]);
    expect(collectFiles([dir], 'cat')).toHaveLength(1);
  });

  it('walks a folder once however links lead back to it, and takes a folder given twice (a symlink loop hung: CLI fuzz finding)', () => {
    const top = mkdtempSync(join(tmpdir(), 'windlass-walk-'));
    mkdirSync(join(top, 'sub'));
    writeFileSync(join(top, 'sub', 'a.clif'), '');
    symlinkSync('..', join(top, 'sub', 'up')); // top/sub/up/sub/up/... without end
    symlinkSync(join(top, 'sub'), join(top, 'again'));
    expect(collectFiles([top], null)).toEqual([join(top, 'again', 'a.clif')]);
    expect(collectFiles([join(top, 'sub'), join(top, 'sub')], null)).toEqual([join(top, 'sub', 'a.clif')]);
  });
});
