import { describe, it, expect } from 'vitest';
import { HELP, parseTestArgs, UsageError } from './main';

describe('windlass command line', () => {
  it('documents every subcommand in --help', () => {
    for (const cmd of ['test', 'interpret', 'cat', 'verify', 'wast', 'wasm', 'compile']) expect(HELP).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    for (const opt of ['--interpret', '--target', '--jobs', '--verbose', '--fn']) expect(HELP).toContain(opt);
  });

  it('parses test options', () => {
    expect(parseTestArgs(['--interpret', '-j', '2', '--target', 'x86_64', '--target=aarch64', '-v', 'a', 'b'])).toEqual({
      paths: ['a', 'b'], interpret: true, targets: ['x86_64', 'aarch64'], jobs: 2, verbose: true, filter: null,
    });
  });

  it('collects --set overrides in order', () => {
    expect(parseTestArgs(['--set', 'opt_level=speed', '--set=enable_verifier=false', 'a']).settings).toEqual(['opt_level=speed', 'enable_verifier=false']);
    expect(parseTestArgs(['a']).settings).toBeUndefined();
    expect(() => parseTestArgs(['a', '--set'])).toThrow(/needs a value/);
  });

  it('rejects bad options with a usage error', () => {
    expect(() => parseTestArgs([])).toThrow(UsageError);
    expect(() => parseTestArgs(['--jobs', '0', 'x'])).toThrow(/positive integer/);
    expect(() => parseTestArgs(['--nope', 'x'])).toThrow(/unknown option/);
    expect(() => parseTestArgs(['x', '--target'])).toThrow(/needs a value/);
  });
});
