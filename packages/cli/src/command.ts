// The command-line framework. A command is one declarative `defineCommand({...})` entry: its
// name, a one-line summary, its options (type, value name, help, a checker), its operands, and a
// `run` function receiving the checked, typed values. From that entry come the argument parsing
// (Node's `util.parseArgs`), `windlass CMD --help`, the line in `windlass --help`, and the
// usage errors (exit status 2) for unknown options, missing or bad values and wrong operands.
// Entries load their implementation lazily (`await import(...)` inside `run`), so
// `windlass --help` loads no compiler.

import { parseArgs } from 'node:util';

/** Where a command writes. `main` gives process.stdout/stderr; tests and the fuzzer capture. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal: progress is drawn there only then. */
  readonly errIsTTY: boolean;
}

/** The command line is wrong (unknown option, bad value, missing operand): exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The command ran and failed for a reason it can state in one line (an unreadable or malformed
 * input, a failed check): `windlass CMD: message`, exit `status` (default 1).
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

interface OptionBase {
  /** One line (or a few) of help. */
  readonly help: string;
  /** A one-letter alias (`-j`). */
  readonly short?: string;
}

export interface BooleanOption extends OptionBase {
  readonly type: 'boolean';
}

export interface StringOption<T = string> extends OptionBase {
  readonly type: 'string';
  /** The value's name in help: `N`, `NAME=VALUE`, `FILE`. */
  readonly value: string;
  /** Repeatable: the values are collected in order. */
  readonly multiple?: boolean;
  /** Checks and converts the text; throws `UsageError` (see `positiveInt`). */
  readonly parse?: (text: string, option: string) => T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptionSpec = BooleanOption | StringOption<any>;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionValue<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { parse: (text: string, option: string) => infer T }
    ? S extends { multiple: true } ? T[] : T | undefined
    : S extends { multiple: true } ? string[] : string | undefined;

/** The values of a command's options: booleans, strings or checked values, arrays when repeatable. */
export type OptionValues<O> = { -readonly [K in keyof O]: OptionValue<O[K]> };

export interface ParsedArgs<O> {
  values: OptionValues<O>;
  /** The operands (files, folders), in order. */
  operands: string[];
  /** For a command with `rest`: every argument after its first operand, unparsed. */
  rest: string[];
}

export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  /** One line for `windlass --help`. */
  summary: string;
  /** The operands in the usage line: `PATH...`, `FILE`. */
  operands: string;
  /** How many operands (default 1 to unlimited). */
  minOperands?: number;
  maxOperands?: number;
  /**
   * The command hands the arguments after its first operand to what that operand runs: they are
   * passed on unparsed (`windlass interpret f.clif -1 2`), named `rest` in the usage line.
   */
  rest?: string;
  /** Paragraphs of `windlass CMD --help`, after the usage line. */
  description: string;
  options: O;
  run(args: ParsedArgs<O>, io: Io): number | Promise<number>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The declaration (options, operands), for tools that generate command lines (the fuzzer). */
  readonly spec: CommandSpec<OptionSpecs>;
  /** `windlass CMD --help`. */
  help(): string;
  /** Parses `argv` (the arguments after the command name) and runs; returns the exit status. */
  invoke(argv: readonly string[], io: Io): Promise<number>;
}

/** One command from its declaration (see the top of this file). */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    spec: spec as unknown as CommandSpec<OptionSpecs>,
    help: () => commandHelp(spec),
    async invoke(argv, io) {
      const parsed = parseCommandLine(spec, argv);
      if (parsed === 'help') {
        io.out(commandHelp(spec));
        return 0;
      }
      return spec.run(parsed, io);
    },
  };
}

const HELP_OPTION: BooleanOption = { type: 'boolean', short: 'h', help: 'show this help' };

function flag(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value}` : ''}`;
}

/** Parses a command's arguments, or returns 'help' for `--help` / `-h`. Throws `UsageError`. */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): ParsedArgs<O> | 'help' {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
  // Not strict: the tokens are checked below, with messages naming the command.
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = o.type === 'boolean' ? false : o.multiple ? [] : undefined;
  const operands: string[] = [];
  let rest: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      operands.push(t.value);
      if (spec.rest !== undefined) {
        rest = argv.slice(t.index + 1);
        break;
      }
      continue;
    }
    const o = options[t.name];
    if (o === undefined) throw new UsageError(`unknown option '${t.rawName}'`);
    if (o === HELP_OPTION) return 'help';
    if (o.type === 'boolean') {
      if (t.inlineValue) throw new UsageError(`${t.rawName} takes no value`);
      values[t.name] = true;
      continue;
    }
    if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value (${o.value})`);
    const v = o.parse ? o.parse(t.value, t.rawName) : t.value;
    if (o.multiple) (values[t.name] as unknown[]).push(v);
    else if (values[t.name] !== undefined) throw new UsageError(`${flag(t.name, o)} is given twice`);
    else values[t.name] = v;
  }
  const min = spec.minOperands ?? 1;
  const max = spec.maxOperands ?? Infinity;
  if (operands.length < min) throw new UsageError(`needs ${min === 1 && max === 1 ? '' : 'at least '}${min === 1 ? 'one' : min} ${spec.operands.replace(/\.\.\.$/, '')}`);
  if (operands.length > max) throw new UsageError(`takes ${max === 1 ? 'one' : `at most ${max}`} ${spec.operands.replace(/\.\.\.$/, '')}, got ${operands.length}: ${operands.map((x) => `'${x}'`).join(' ')}`);
  return { values: values as OptionValues<O>, operands, rest };
}

function usageLine(spec: CommandSpec<OptionSpecs>): string {
  const opts = Object.keys(spec.options).length > 0 ? ' [options]' : '';
  return `windlass ${spec.name}${opts} ${spec.operands}${spec.rest ? ` [${spec.rest}]` : ''}`;
}

function commandHelp(spec: CommandSpec<OptionSpecs>): string {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary, ''];
  if (spec.description) lines.push(spec.description.trimEnd(), '');
  lines.push('Options:');
  const entries: [string, OptionSpec][] = [...Object.entries(spec.options), ['help', HELP_OPTION]];
  const width = Math.max(...entries.map(([n, o]) => flag(n, o).length)) + 2;
  for (const [name, o] of entries) {
    const [first, ...more] = o.help.split('\n');
    lines.push(`  ${flag(name, o).padEnd(width)}${first}`);
    for (const m of more) lines.push(`  ${' '.repeat(width)}${m}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `windlass --help`: every command with its summary. */
export function overviewHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'windlass: the Windlass code generator command line',
    '',
    'Usage: windlass COMMAND [options] [operands]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'windlass COMMAND --help' for a command's options. Exit status: 0 success, 1 a failed",
    'check or a bad input, 2 a usage error, 3 an internal error.',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ value checkers

/** A whole number >= 1 (`--jobs`, `--fuel`): `abc`, `Infinity`, `-5`, `0`, `1.5` are usage errors. */
export function positiveInt(text: string, option: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} needs a whole number >= 1, got '${text}'`);
  return n;
}
