// `windlass interpret`, `windlass cat`, `windlass verify`: CLIF files through the reader, the
// printer, the verifier and the interpreter.

import { parseClif, printFunction, verifyFunction, ParseError, type ClifFile } from '@windlass/ir';
import { interpret, parseValue, formatValue, functionName, ValueSyntaxError, type Value } from '@windlass/interpreter';
import { CommandError, UsageError, type Io } from '../command';
import { readInput } from './input';

function load(file: string): ClifFile {
  const text = readInput(file);
  try {
    return parseClif(text, file);
  } catch (e) {
    if (e instanceof ParseError) throw new CommandError(e.message); // already `file:line:column: reason`
    throw e;
  }
}

/** Runs `body` for each file; a file that fails says so in one line and the others still run. */
function eachFile(cmd: string, files: readonly string[], io: Io, body: (file: string) => number): number {
  let status = 0;
  for (const file of files) {
    try {
      status = Math.max(status, body(file));
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      io.err(`windlass ${cmd}: ${e.message}\n`);
      status = Math.max(status, e.status);
    }
  }
  return status;
}

export interface InterpretOptions {
  file: string;
  /** The function to run (without `%`); default: the file's first. */
  fn?: string;
  fuel?: number;
  /** The arguments, as `; run:` literals. */
  args: readonly string[];
  /** The command's option names, to point out an option written after FILE. */
  optionNames?: readonly string[];
}

export function runInterpret(o: InterpretOptions, io: Io): number {
  const clif = load(o.file);
  if (clif.functions.length === 0) throw new CommandError(`${o.file} has no functions`);
  const functions = new Map(clif.functions.map((f) => [functionName(f.func), f.func]));
  const fnName = o.fn?.replace(/^%/, '');
  const func = fnName === undefined ? clif.functions[0].func : functions.get(fnName);
  if (!func) throw new CommandError(`${o.file} has no function %${fnName}`);
  // Invalid IR has no defined result: refuse it, as `compile` does, rather than print one.
  const invalid = clif.functions.map((f) => verifyFunction(f.func)[0]).find((e) => e !== undefined);
  if (invalid) throw new CommandError(`the IR does not verify: ${invalid.message}`);
  const params = func.signature.params;
  const misplaced = o.args.find((a) => o.optionNames?.some((n) => a === `--${n}` || a.startsWith(`--${n}=`)));
  if (misplaced !== undefined) throw new UsageError(`${misplaced} must come before FILE (the arguments after FILE are the function's)`);
  if (o.args.length !== params.length) {
    throw new UsageError(`%${functionName(func)} takes ${params.length} argument(s), got ${o.args.length}`);
  }
  let values: Value[];
  try {
    values = o.args.map((l, k) => parseValue(l, params[k].type));
  } catch (e) {
    if (e instanceof ValueSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const r = interpret(func, values, { functions, fuel: o.fuel });
  switch (r.kind) {
    case 'return': {
      const types = func.signature.returns.map((p) => p.type);
      io.out(r.values.map((v, k) => formatValue(v, types[k])).join(', ') + '\n');
      return 0;
    }
    case 'trap':
      io.out(`trap: ${r.trapName}\n`);
      return 1;
    default:
      throw new CommandError(r.message);
  }
}

export function runCat(files: readonly string[], io: Io): number {
  let printed = 0;
  return eachFile('cat', files, io, (file) => {
    const clif = load(file);
    // A blank line between functions, of one file or of the next.
    for (const f of clif.functions) io.out(`${printed++ > 0 ? '\n' : ''}${printFunction(f.func)}`);
    return 0;
  });
}

export function runVerify(files: readonly string[], io: Io): number {
  return eachFile('verify', files, io, (file) => {
    const clif = load(file);
    let errors = 0;
    for (const f of clif.functions) {
      for (const e of verifyFunction(f.func)) {
        errors++;
        // The verifier's messages name the function and instruction themselves.
        io.out(`${file}: ${e.message}\n`);
      }
    }
    if (errors === 0) io.out(`${file}: ${clif.functions.length} function(s) verified\n`);
    return errors ? 1 : 0;
  });
}
