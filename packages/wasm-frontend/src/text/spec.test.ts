/// <reference types="node" />
// The text reader on every script of the spec test suite: each script reads; each module it
// defines encodes and validates; each quoted module the suite calls malformed is rejected, with
// the rule the suite names; each module it calls invalid encodes and fails validation only.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmError, checkModule } from '../index';
import { parseWast, type WastScript } from './index';

const corpus = fileURLToPath(new URL('../../../../../shared/corpus/wasm-testsuite', import.meta.url));
const haveCorpus = existsSync(corpus);
const scripts = new Map<string, WastScript>();

beforeAll(() => {
  if (!haveCorpus) return;
  for (const f of readdirSync(corpus).filter((n) => n.endsWith('.wast'))) scripts.set(f, parseWast(readFileSync(join(corpus, f)), f));
}, 120_000);

function* commands(type: string) {
  for (const [file, s] of scripts) for (const c of s.commands) if (c.type === type) yield { file, c };
}

/** Whether a reader's rule says what the suite's expected text says (which may add words). */
function sameRule(rule: string, expected: string): boolean {
  return rule === expected || expected.startsWith(rule + ' ') || rule.startsWith(expected + ' ');
}

describe.runIf(haveCorpus)('spec scripts through the text reader', () => {
  it('reads every top-level script, including the ones wast2json cannot', () => {
    expect(scripts.size).toBeGreaterThanOrEqual(147);
    for (const f of ['comments.wast', 'if.wast', 'table_size.wast']) expect(scripts.get(f)!.commands.length, f).toBeGreaterThan(0);
  });

  it('encodes every module the scripts define, and the validator accepts each', () => {
    const problems: string[] = [];
    let n = 0;
    for (const { file, c } of commands('module')) {
      n++;
      if (!c.bytes) problems.push(`${file}:${c.line}: ${c.error!.message}`);
      else {
        const r = checkModule(c.bytes);
        if (r instanceof WasmError) problems.push(`${file}:${c.line}: ${r.message}`);
      }
    }
    expect(n).toBeGreaterThan(1500);
    expect(problems).toEqual([]);
  });

  it('rejects all 1,091 quoted malformed modules, each for the reason the suite names', () => {
    const accepted: string[] = [];
    const otherRule: string[] = [];
    let n = 0;
    for (const { file, c } of commands('assert_malformed')) {
      if (c.module_type !== 'text') continue;
      n++;
      if (!c.error) accepted.push(`${file}:${c.line}`);
      else if (!sameRule(c.error.rule, c.text!)) otherRule.push(`${file}:${c.line}: expected "${c.text}", got ${c.error.message}`);
    }
    expect(n).toBe(1091);
    expect(accepted).toEqual([]);
    expect(otherRule).toEqual([]);
  });

  it('encodes every module the suite calls invalid, and only the validator rejects it', () => {
    const problems: string[] = [];
    let n = 0;
    for (const { file, c } of commands('assert_invalid')) {
      n++;
      if (!c.bytes) problems.push(`${file}:${c.line}: the reader rejected it: ${c.error!.message}`);
      else {
        const r = checkModule(c.bytes);
        if (!(r instanceof WasmError)) problems.push(`${file}:${c.line}: accepted`);
        else if (r.kind !== 'invalid') problems.push(`${file}:${c.line}: ${r.message}`);
      }
    }
    expect(n).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it('encodes the modules of assert_unlinkable / assert_uninstantiable as valid modules', () => {
    const problems: string[] = [];
    for (const type of ['assert_unlinkable', 'assert_uninstantiable'])
      for (const { file, c } of commands(type)) {
        const r = c.bytes ? checkModule(c.bytes) : c.error!;
        if (r instanceof WasmError) problems.push(`${file}:${c.line}: ${r.message}`);
      }
    expect(problems).toEqual([]);
  });
});
