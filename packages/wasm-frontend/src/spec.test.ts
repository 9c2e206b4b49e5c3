/// <reference types="node" />
// The decoder and validator against every module of the spec test suite's top-level scripts:
// each `assert_malformed` / `assert_invalid` binary module must be rejected with a typed error,
// every other module accepted. Then a fuzz pass mutates those modules' bytes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyFunction } from '@windlass/ir';
import { roundTripProblem } from './test-support/round-trip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmError, WasmUnsupportedError, checkModule, parseModule, translateFunction, type Module } from './index';
import { TestEnvironment } from './test-support/environment';

const corpus = fileURLToPath(new URL('../../../../shared/corpus/wasm-testsuite', import.meta.url));
const haveCorpus = existsSync(corpus);
function wabtInstalled(): boolean {
  try {
    execFileSync('wast2json', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const haveWabt = wabtInstalled();
const ready = haveCorpus && haveWabt;
const why = !haveCorpus ? `spec corpus not found at ${corpus}` : 'wast2json (Debian package wabt) not installed';

interface Case {
  script: string;
  line: number;
  type: string;
  bytes: Uint8Array;
}

const cases: Case[] = [];
let dir = '';

beforeAll(() => {
  if (!ready) return;
  dir = mkdtempSync(join(tmpdir(), 'wasm-frontend-spec-'));
  for (const f of readdirSync(corpus).filter((n) => n.endsWith('.wast'))) {
    const base = f.slice(0, -5);
    const json = join(dir, `${base}.json`);
    try {
      execFileSync('wast2json', [join(corpus, f), '-o', json], { stdio: 'ignore' });
    } catch {
      continue; // scripts wabt cannot parse are the runner's business, not the decoder's
    }
    const script = JSON.parse(readFileSync(json, 'utf8')) as {
      commands: { type: string; line: number; filename?: string; module_type?: string }[];
    };
    for (const c of script.commands) {
      if (!c.filename || c.module_type === 'text') continue;
      cases.push({ script: f, line: c.line, type: c.type, bytes: new Uint8Array(readFileSync(join(dir, c.filename))) });
    }
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)('spec modules', () => {
  it('rejects every assert_malformed / assert_invalid binary module with a typed error', () => {
    const bad = cases.filter((c) => c.type === 'assert_malformed' || c.type === 'assert_invalid');
    expect(bad.length).toBeGreaterThan(2000);
    const accepted: string[] = [];
    for (const c of bad) {
      const r = checkModule(c.bytes);
      if (!(r instanceof WasmError)) accepted.push(`${c.script}:${c.line}`);
      else expect(r.rule).not.toBe('internal decoder error');
    }
    expect(accepted).toEqual([]);
  });

  it('classifies assert_malformed as malformed', () => {
    const wrongKind: string[] = [];
    for (const c of cases.filter((c) => c.type === 'assert_malformed')) {
      const r = checkModule(c.bytes);
      if (r instanceof WasmError && r.kind !== 'malformed') wrongKind.push(`${c.script}:${c.line} ${r.message}`);
    }
    expect(wrongKind).toEqual([]);
  });

  it('accepts every other module', () => {
    const good = cases.filter((c) => c.type === 'module' || c.type === 'assert_unlinkable' || c.type === 'assert_uninstantiable');
    expect(good.length).toBeGreaterThan(1500);
    const rejected: string[] = [];
    for (const c of good) {
      const r = checkModule(c.bytes);
      if (r instanceof WasmError) rejected.push(`${c.script}:${c.line} ${r.message}`);
    }
    expect(rejected).toEqual([]);
  });
});

describe.runIf(ready)('translating spec modules', () => {
  it('translates every function of every valid module into IR the verifier accepts', () => {
    let functions = 0;
    const problems: string[] = [];
    for (const c of cases.filter((c) => c.type === 'module')) {
      const m = parseModule(c.bytes);
      const env = new TestEnvironment(m);
      for (let i = 0; i < m.bodies.length; i++) {
        functions++;
        try {
          for (const e of verifyFunction(translateFunction(m, i, env))) problems.push(`${c.script}:${c.line} function ${i}: ${e.message}`);
        } catch (e) {
          problems.push(`${c.script}:${c.line} function ${i}: ${String(e)}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(functions).toBeGreaterThan(5000);
  });

  it('prints IR that parses back to an equal function, for every function of every valid module', () => {
    let functions = 0;
    const problems: string[] = [];
    for (const c of cases.filter((c) => c.type === 'module')) {
      const m = parseModule(c.bytes);
      const env = new TestEnvironment(m);
      for (let i = 0; i < m.bodies.length; i++, functions++) {
        const problem = roundTripProblem(translateFunction(m, i, env));
        if (problem) problems.push(`${c.script}:${c.line} function ${i}: ${problem}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(functions).toBeGreaterThan(5000);
  });
});

describe.runIf(ready)('fuzzing spec modules', () => {
  // xorshift32: deterministic, so a failure reproduces.
  let seed = 0x9e3779b9;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };

  function mutate(src: Uint8Array): Uint8Array {
    let b = src.slice();
    const edits = 1 + rand(4);
    for (let e = 0; e < edits; e++) {
      const kind = rand(5);
      const at = rand(b.length);
      if (kind === 0) b[at] = rand(256);
      else if (kind === 1) b[at] ^= 1 << rand(8);
      else if (kind === 2) b = b.slice(0, at);
      else if (kind === 3) b[at] = [0x00, 0x7f, 0x80, 0xff, 0x0b, 0x40][rand(6)];
      else {
        const n = Math.min(1 + rand(8), b.length - at);
        const out = new Uint8Array(b.length + n);
        out.set(b.subarray(0, at));
        out.set(b.subarray(at, at + n), at + n);
        out.set(b.subarray(at, at + n), at);
        out.set(b.subarray(at + n), at + 2 * n);
        b = out;
      }
    }
    return b;
  }

  it('returns a module or a typed error for 20000 mutated modules', () => {
    const valid = cases.filter((c) => c.type === 'module' && c.bytes.length < 4096);
    let rejected = 0;
    for (let i = 0; i < 20000; i++) {
      const src = valid[rand(valid.length)].bytes;
      const input = mutate(src);
      try {
        parseModule(input);
      } catch (e) {
        expect(e).toBeInstanceOf(WasmError);
        expect((e as WasmError).rule).not.toBe('internal decoder error');
        rejected++;
      }
    }
    // Most mutations must be caught; if none were, the mutator is broken.
    expect(rejected).toBeGreaterThan(5000);
  });

  it('translates every mutated module that validates, or reports it unsupported', () => {
    const valid = cases.filter((c) => c.type === 'module' && c.bytes.length < 4096);
    let translated = 0;
    for (let i = 0; i < 5000; i++) {
      let m: Module;
      try {
        m = parseModule(mutate(valid[rand(valid.length)].bytes));
      } catch {
        continue;
      }
      const env = new TestEnvironment(m);
      for (let f = 0; f < m.bodies.length; f++) {
        try {
          translateFunction(m, f, env);
          translated++;
        } catch (e) {
          expect(e).toBeInstanceOf(WasmUnsupportedError);
          expect((e as WasmError).rule).not.toBe('internal translation error');
        }
      }
    }
    expect(translated).toBeGreaterThan(100);
  });
});

describe.skipIf(ready)('spec modules', () => {
  it.skip(`skipped: ${why}`, () => {});
});
