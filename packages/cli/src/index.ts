/**
 * The `windlass` command line as a library: `main(argv, io)` runs a command line in-process
 * with its output captured by `io` (tests, the fuzz harness and other tools use this), `runCli()`
 * is the executable, and `COMMANDS` the declared commands (see command.ts to add one).
 */
export { main, runCli, processIo } from './main';
export { COMMANDS } from './commands';
export {
  defineCommand, parseCommandLine, overviewHelp, positiveInt, UsageError, CommandError,
  type Command, type CommandSpec, type Io, type OptionSpec, type OptionSpecs, type OptionValues, type ParsedArgs,
} from './command';
export { Progress, progressLine } from './progress';
