import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommandLine, positiveInt, UsageError, type CommandSpec, type OptionSpecs } from './command';
import { COMMANDS } from './commands';
import { cli } from './test-support';

const names = COMMANDS.map((c) => c.name);

describe('windlass --help', () => {
  it('lists every command with its summary; no command at all is a usage error', async () => {
    const r = await cli('--help');
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(`  ${c.name.padEnd(11)}${c.summary}\n`);
    expect(await cli()).toMatchObject({ status: 2, out: r.out });
    expect(await cli('help')).toEqual(r);
  });

  it('gives every command a --help (and -h, and `help CMD`) with its usage and options', async () => {
    for (const name of names) {
      const r = await cli(name, '--help');
      expect(r, name).toMatchObject({ status: 0, err: '' });
      expect(r.out).toMatch(new RegExp(`^Usage: windlass ${name} `));
      expect(r.out).toContain('-h, --help');
      expect(await cli(name, '-h')).toEqual(r);
      expect(await cli('help', name)).toEqual(r);
    }
    expect((await cli('test', '--help')).out).toMatch(/-j, --jobs N +run N files in parallel/);
  });

  it('answers an unknown command with exit 2 and the list of commands', async () => {
    expect(await cli('frob')).toEqual({ status: 2, out: '', err: `windlass: unknown command 'frob' (commands: ${names.join(', ')}; see 'windlass --help')\n` });
  });
});

describe('usage errors (exit 2, one line on standard error)', () => {
  const cases: [string[], string][] = [
    [['test', '--target', 'frob', 'x.clif'], "windlass test: --target frob: unknown ISA 'frob'"],
    [['test', '--set', 'frob=1', 'x.clif'], "windlass test: --set frob=1: unknown shared setting 'frob'"],
    [['test', '--jobs', '0', 'x.clif'], "windlass test: --jobs needs a whole number >= 1, got '0'"],
    [['test', '-j', 'abc', 'x.clif'], "windlass test: -j needs a whole number >= 1, got 'abc'"],
    [['test'], 'windlass test: needs at least one PATH'],
    [['test', 'x.clif', '--jobs'], 'windlass test: --jobs needs a value (N)'],
    [['test', '--verbose=yes', 'x.clif'], 'windlass test: --verbose takes no value'],
    [['verify', '--nope', 'x.clif'], "windlass verify: unknown option '--nope'"],
    [['cat', '-x', 'x.clif'], "windlass cat: unknown option '-x'"],
    [['interpret', '--fuel', 'abc', 'x.clif'], "windlass interpret: --fuel needs a whole number >= 1, got 'abc'"],
    [['interpret', '--fuel', 'Infinity', 'x.clif'], "windlass interpret: --fuel needs a whole number >= 1, got 'Infinity'"],
    [['interpret', '--fuel', '-5', 'x.clif'], "windlass interpret: --fuel needs a whole number >= 1, got '-5'"],
    [['interpret', '--fuel', '0', 'x.clif'], "windlass interpret: --fuel needs a whole number >= 1, got '0'"],
    [['interpret', '--bogus', 'x.clif'], "windlass interpret: unknown option '--bogus'"],
    [['compile', '--target', 'a', '--target', 'b', 'x.clif'], 'windlass compile: --target LINE is given twice'],
    [['wast', '--node', '--interpret', 'x.wast'], 'windlass wast: --interpret and --node are two different engines: choose one'],
    [['wast', '--set', 'opt_level=speed', 'x.wast'], 'windlass wast: --set applies to --target only'],
    [['wasm'], 'windlass wasm: needs at least one FILE'],
  ];
  it.each(cases)('windlass %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r).toEqual({ status: 2, out: '', err: expect.stringContaining(message) });
    expect(r.err.endsWith(`(see 'windlass ${argv[0]} --help')\n`)).toBe(true);
    expect(r.err.split('\n')).toHaveLength(2);
  });
});

describe('the parser', () => {
  const spec: CommandSpec<OptionSpecs> = {
    name: 'demo', summary: 'A demo.', operands: 'FILE', maxOperands: 1, rest: 'ARGS...', description: '',
    options: {
      n: { type: 'string', short: 'n', value: 'N', parse: positiveInt, help: 'a number' },
      all: { type: 'boolean', short: 'a', help: 'all' },
      tag: { type: 'string', value: 'T', multiple: true, help: 'tags' },
    },
    run: () => 0,
  };

  it('passes everything after the input operand on unparsed', () => {
    expect(parseCommandLine(spec, ['-an3', '--tag', 'x', '--tag=y', 'prog', '--n', '-1', '--help', 'z'])).toEqual({
      values: { n: 3, all: true, tag: ['x', 'y'] }, operands: ['prog'], rest: ['--n', '-1', '--help', 'z'],
    });
    expect(parseCommandLine(spec, ['--', '-prog'])).toMatchObject({ operands: ['-prog'], rest: [] });
    expect(parseCommandLine(spec, ['--help', 'prog'])).toBe('help');
    expect(() => parseCommandLine(spec, [])).toThrow(new UsageError('needs one FILE'));
  });

  it('builds a command from one declaration, with typed values', async () => {
    let seen: unknown;
    const c = defineCommand({
      name: 'sum', summary: 'Adds.', operands: 'X...', description: '',
      options: { times: { type: 'string', value: 'N', parse: positiveInt, help: 'repeat' } },
      run({ values, operands }, io) {
        const times: number = values.times ?? 1;
        seen = operands.reduce((a, x) => a + Number(x), 0) * times;
        io.out(`${String(seen)}\n`);
        return 0;
      },
    });
    const io = { out: () => {}, err: () => {}, errIsTTY: false };
    expect(await c.invoke(['--times', '2', '1', '2'], io)).toBe(0);
    expect(seen).toBe(6);
    expect(c.help()).toMatch(/^Usage: windlass sum \[options\] X\.\.\.\n\nAdds\.\n\nOptions:\n {2}--times N +repeat\n/);
  });
});
