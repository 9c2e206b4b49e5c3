import { describe, it, expect } from 'vitest';
import { parseClif, parseFunction } from '../reader/parser';
import { CORPUS_PRESENT, corpusFiles } from '../test-support/corpus';
import { sourceLines } from '../analysis/source-lines';
import { I32 } from '../types';
import { VerificationFailed, VerifierError } from './errors';
import { assertVerified, verifyFunction } from './verify';
import { checkVerifierFile, targetPointerType, verifyClifFunction } from './filetests';

/** The reasons the verifier gives for one function. */
function reasons(text: string): string[] {
  return verifyFunction(parseFunction(text)).map((e) => e.reason);
}

describe('verifyFunction', () => {
  it('accepts a well-formed function', () => {
    expect(reasons(`
function %ok(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    v2 = iadd v0, v1
    brif v2, block1(v2), block2
block1(v3: i32):
    return v3
block2:
    return v0
}`)).toEqual([]);
  });

  it('names the function, instruction, rule and line', () => {
    const file = parseClif(`function %bad(i32, i8) -> i32 {
block0(v0: i32, v1: i8):
    v2 = iadd v0, v1
    return v2
}`);
    const cf = file.functions[0];
    const [e] = verifyFunction(cf.func, { lines: sourceLines(cf.func, cf.source, cf.startLine) });
    expect(e).toBeInstanceOf(VerifierError);
    expect(e.func).toBe('%bad');
    expect(e.entity).toBe('inst0');
    expect(e.instText).toBe('v2 = iadd v0, v1');
    expect(e.rule).toBe('operand-type');
    expect(e.line).toBe(3);
    expect(e.message).toBe('%bad, inst0 (v2 = iadd v0, v1), line 3: arg 1 (v1) has type i8, expected i32 [operand-type]');
  });

  it('checks SSA dominance, with uses in unreachable blocks exempt', () => {
    expect(reasons(`
function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block2
block1:
    v1 = iconst.i32 1
    jump block2
block2:
    return v1
block3:
    return v1
}`)).toEqual(['uses value v1 from non-dominating inst1']);
  });

  it('checks terminators', () => {
    expect(reasons(`
function %f() {
block0:
    v0 = iconst.i32 1
}`)).toEqual(['block0 does not end in a terminator instruction']);
  });

  it('checks branch arguments and calls', () => {
    expect(reasons(`
function %f(i64) {
    sig0 = (i32) -> i32
block0(v0: i64):
    v1 = call_indirect sig0, v0(v0)
    jump block1(v0)
block1(v2: i32):
    return
}`)).toEqual(['arg 0 (v0) has type i64, expected i32', 'arg v0 has type i64, expected i32']);
  });

  it('checks immediates and result types', () => {
    expect(reasons(`
function %f(i32x4) {
block0(v0: i32x4):
    v1 = extractlane v0, 7
    return
}`)).toEqual(['The lane 7 does not index into the type i32x4']);
  });

  it('checks that integer constants fit their type', () => {
    expect(reasons(`
function %f() {
block0:
    v0 = iconst.i8 -128
    v1 = iconst.i8 -129
    v2 = iconst.i8 255
    v3 = iconst.i8 256
    v4 = iconst.i32 4294967295
    v5 = iconst.i32 -2147483648
    v6 = iconst.i32 4294967296
    v7 = iconst.i64 -1
    return
}`)).toEqual([
      'constant immediate -129 is out of bounds for i8',
      'constant immediate 256 is out of bounds for i8',
      'constant immediate 4294967296 is out of bounds for i32',
    ]);
  });

  it('checks address widths against the target pointer type', () => {
    const f = parseFunction(`
function %f(i64) {
block0(v0: i64):
    v1 = load.i32 v0
    return
}`);
    expect(verifyFunction(f)).toEqual([]);
    expect(verifyFunction(f, { pointerType: I32 }).map((e) => e.reason)).toEqual(['invalid pointer width (got 64, expected 32) encountered v0']);
  });

  it('assertVerified throws VerificationFailed with every error', () => {
    const f = parseFunction(`
function %f() -> i32 {
block0:
    return
}`);
    expect(() => assertVerified(f)).toThrow(VerificationFailed);
    try {
      assertVerified(f);
    } catch (e) {
      expect((e as VerificationFailed).errors.map((x) => x.reason)).toEqual(['arguments of return must match function signature']);
    }
  });
});

describe('checkVerifierFile', () => {
  it('matches `; error:` annotations by line and text', () => {
    const file = parseClif(`test verifier
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd.i32 v1, v0 ; error: uses value v1 from itself
    return v1
}
function %g(i32) -> i32 {
block0(v0: i32):
    return v0 ; error: something that does not happen
}`);
    const [f, g] = checkVerifierFile(file);
    expect(f.ok).toBe(true);
    expect(g.ok).toBe(false);
    expect(g.message).toContain('expected error "something that does not happen"');
  });
});

const itCorpus = CORPUS_PRESENT ? it : it.skip;
describe(`verifier over the corpus${CORPUS_PRESENT ? '' : ' (skipped: ../shared/corpus is absent)'}`, () => {
  const files = corpusFiles();

  itCorpus('every `test verifier` file: each annotation is reported where annotated, nothing else', () => {
    const failures: string[] = [];
    let count = 0;
    for (const file of files.filter((x) => /^test verifier/m.test(x.text))) {
      for (const r of checkVerifierFile(parseClif(file.text, file.name))) {
        count++;
        if (!r.ok) failures.push(`${file.name} ${r.name}: ${r.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBe(115); // 101 in verifier/, the rest in parser/ and cfg/
  });

  itCorpus('runtests/ and isa/: every function verifies clean', () => {
    const failures: string[] = [];
    let count = 0;
    for (const file of files.filter((x) => x.name.startsWith('runtests/') || x.name.startsWith('isa/'))) {
      const clif = parseClif(file.text, file.name);
      // The pointer-width rule needs an ISA; Cranelift's interpreter runs verify without one.
      const usesIsa = clif.testCommands.some((t) => t.name === 'compile' || t.name === 'verifier');
      const ptr = usesIsa ? targetPointerType(clif) : undefined;
      for (const cf of clif.functions) {
        count++;
        for (const e of verifyClifFunction(cf, ptr)) failures.push(`${file.name}: ${e.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBe(9785);
  });
});
