// `windlass COMMAND ...`: finds the command, runs it, and turns what it throws into one line on
// standard error and an exit status (see the overview help).

import { CommandError, UsageError, overviewHelp, type Command, type Io } from './command';
import { COMMANDS } from './commands';

/** Runs the command line `argv` (without `node windlass`); returns the exit status. */
export async function main(argv: readonly string[], io: Io, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.out(overviewHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') return main([rest[0], '--help'], io, commands);
  const cmd = commands.find((c) => c.name === name);
  if (cmd === undefined) {
    io.err(`windlass: unknown command '${await oneLine(name)}' (commands: ${commands.map((c) => c.name).join(', ')}; see 'windlass --help')\n`);
    return 2;
  }
  try {
    return await cmd.invoke(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`windlass ${name}: ${await oneLine(e.message)} (see 'windlass ${name} --help')\n`);
      return 2;
    }
    if (e instanceof CommandError) {
      io.err(`windlass ${name}: ${await oneLine(e.message)}\n`);
      return e.status;
    }
    // A bug: one line all the same; the stack on request.
    const stack = process.env.WINDLASS_STACK ? `\n${e instanceof Error ? e.stack : ''}` : ' (WINDLASS_STACK=1 shows the stack)';
    io.err(`windlass ${name}: internal error: ${await oneLine(e instanceof Error ? `${e.name}: ${e.message}` : String(e))}${stack}\n`);
    return 3;
  }
}

/** Text from the input made safe for one line of a message (loaded only when an error occurs). */
async function oneLine(text: string): Promise<string> {
  const { excerpt } = await import('@windlass/ir');
  return excerpt(text);
}

/** The process's standard streams as an `Io`. */
export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    errIsTTY: process.stderr.isTTY === true,
  };
}

/** The `windlass` executable: runs `main` on the process's arguments and sets the exit status. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  // `windlass ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(argv, processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`windlass: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
