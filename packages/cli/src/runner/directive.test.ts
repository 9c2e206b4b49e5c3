import { describe, it, expect } from 'vitest';
import { parseRunDirective, splitExpected, splitTopLevel, DirectiveError } from './directive';

describe('; run: directives', () => {
  it('reads a call compared with ==', () => {
    expect(parseRunDirective('%f(1, 2) == 3', 7)).toEqual({ fn: 'f', args: ['1', '2'], cmp: '==', expected: '3', line: 7, text: '%f(1, 2) == 3' });
  });

  it('reads != and calls without arguments', () => {
    const d = parseRunDirective('%g() != -1', 1);
    expect([d.fn, d.args, d.cmp, d.expected]).toEqual(['g', [], '!=', '-1']);
  });

  it('reads a bare `; run` and a call without comparison', () => {
    expect(parseRunDirective('', 3)).toMatchObject({ fn: null, args: [], cmp: null, expected: null });
    expect(parseRunDirective('%h(0)', 3)).toMatchObject({ fn: 'h', args: ['0'], cmp: null, expected: null });
  });

  it('keeps vector literals whole inside the argument list', () => {
    const d = parseRunDirective('%v([1 2 3 4], [0x1.0 -NaN], 5) == [2 3 4 5]', 1);
    expect(d.args).toEqual(['[1 2 3 4]', '[0x1.0 -NaN]', '5']);
    expect(d.expected).toBe('[2 3 4 5]');
  });

  it('keeps hexadecimal and special float literals as text', () => {
    const d = parseRunDirective('%f(0x1.8p3, +Inf, -NaN, +sNaN:0x1, NaN:0x42, -0x0.0) == 0x1.0p-126', 1);
    expect(d.args).toEqual(['0x1.8p3', '+Inf', '-NaN', '+sNaN:0x1', 'NaN:0x42', '-0x0.0']);
    expect(d.expected).toBe('0x1.0p-126');
  });

  it('keeps i128 literals as text', () => {
    const d = parseRunDirective('%w(170141183460469231731687303715884105727, 0xffffffff_ffffffff_ffffffff_ffffffff) == -1', 1);
    expect(d.args).toEqual(['170141183460469231731687303715884105727', '0xffffffff_ffffffff_ffffffff_ffffffff']);
  });

  it('splits several results, and keeps one vector result whole', () => {
    expect(splitExpected('[1, 2]', 2)).toEqual(['1', '2']);
    expect(splitExpected('[[1 2], 3]', 2)).toEqual(['[1 2]', '3']);
    expect(splitExpected('[0 1]', 2)).toEqual(['0', '1']);
    expect(splitExpected('[1 2 3 4]', 1)).toEqual(['[1 2 3 4]']);
    expect(splitExpected('true', 1)).toEqual(['true']);
  });

  it('locates malformed directives', () => {
    expect(() => parseRunDirective('f(1) == 2', 9)).toThrow(DirectiveError);
    expect(() => parseRunDirective('%f(1 == 2', 9)).toThrow(/unbalanced/);
    expect(() => parseRunDirective('%f(1) = 2', 9)).toThrow(/expected '==' or '!='/);
    expect(() => parseRunDirective('%f(1,, 2) == 2', 9)).toThrow(/empty argument/);
    try {
      parseRunDirective('%f(1) ==', 12);
    } catch (e) {
      expect(e instanceof DirectiveError && e.line).toBe(12);
    }
  });

  it('splits only at the top level', () => {
    expect(splitTopLevel('a, [b, c], (d, e)', ',')).toEqual(['a', '[b, c]', '(d, e)']);
  });
});
