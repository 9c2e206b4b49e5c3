// Deterministic (seeded) sample of the command-line fuzzer: every command, random and malformed
// command lines and inputs, in-process; only typed one-line messages and exit statuses 0-2.
// The long version is `tools/fuzz/cli.ts` (50,000 inputs per command).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineCommand, type Io } from '@windlass/cli';
import { COMMANDS, randomCliInput, runCliInput, type CliSeeds } from './cli';
import { signature } from './clif';
import { loadClifSeeds, loadWasmSeeds, loadWatSeeds } from './corpus';
import { Rng } from './rng';

const PER_COMMAND = 60;
const seeds: CliSeeds = {
  clif: loadClifSeeds(2000, (p) => p.startsWith('runtests/') || p.startsWith('verifier/')).map((s) => s.text),
  wasm: loadWasmSeeds(['i32', 'br_table', 'call_indirect', 'memory', 'global'], 2048).map((s) => s.bytes),
  wat: loadWatSeeds(2000).filter((_, k) => k % 20 === 0).map((s) => s.text),
};
const work = mkdtempSync(join(tmpdir(), 'windlass-fuzz-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('what the command-line fuzzer counts as a finding', () => {
  const fake = (name: string, run: (io: Io) => number) => defineCommand({ name, summary: '', operands: 'X', minOperands: 0, description: '', options: {}, run: (_a, io) => run(io) });
  const commands = [
    fake('crash', () => {
      throw new TypeError('x is undefined');
    }),
    fake('trace', (io) => (io.err('windlass trace: oops\n    at f (/x/y.ts:1:2)\n'), 1)),
    fake('lines', (io) => (io.err('windlass lines: first\nsecond line\n'), 1)),
    fake('internal', (io) => (io.out('FAIL a.clif:1: x: runner error: boom\n'), 1)),
    fake('around', () => (process.stdout.write('a line the Io never saw\n'), 0)),
    fake('fine', (io) => (io.err('windlass fine: cannot read x: no such file\n'), 1)),
  ];
  it.each([
    ['crash', /exit status 3: windlass crash: internal error: TypeError: x is undefined/],
    ['trace', /a stack trace/],
    ['lines', /an error line that is not one message: second line/],
    ['internal', /an internal error: FAIL a.clif:1: x: runner error: boom/],
    ['around', /wrote around its Io, to the process's own streams: a line the Io never saw/],
  ])('%s', async (name, message) => {
    const r = await runCliInput({ command: name, argv: [name], files: new Map() }, join(work, 'fake'), 60_000, commands);
    expect(r.finding?.message).toMatch(message);
  });
  it('a typed one-line error is no finding', async () => {
    expect((await runCliInput({ command: 'fine', argv: ['fine'], files: new Map() }, join(work, 'fake'), 60_000, commands)).finding).toBeUndefined();
  });
});

describe('the command line under random and malformed input', () => {
  it('has every command to fuzz', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(expect.arrayContaining(['test', 'interpret', 'cat', 'verify', 'compile', 'wasm', 'wast']));
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(`windlass %s: ${PER_COMMAND} inputs, typed one-line errors only`, async (_name, cmd) => {
    const findings: string[] = [];
    const statuses = new Set<number>();
    for (let i = 0; i < PER_COMMAND; i++) {
      const input = randomCliInput(cmd, new Rng(1_000_003 + i * 7919 + cmd.name.length), seeds);
      const r = await runCliInput(input, join(work, cmd.name), 60_000);
      statuses.add(r.status);
      if (r.finding) findings.push(`${signature(r.finding)}\n${r.finding.input.slice(0, 1500)}`);
    }
    expect(findings).toEqual([]);
    // The sample reaches past the parser: usage errors (2) and runs (0 or 1) both occur.
    expect(statuses.has(2) && (statuses.has(0) || statuses.has(1))).toBe(true);
  }, 300_000);
});
