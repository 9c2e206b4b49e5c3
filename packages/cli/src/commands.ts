// `windlass interpret`, `windlass cat`, `windlass verify`.

import { readFileSync } from 'node:fs';
import * as ir from '@windlass/ir';
import { parseClif, printFunction, ParseError, type ClifFile } from '@windlass/ir';
import { interpret, parseValue, formatValue, functionName, ValueSyntaxError, type Value } from '@windlass/interpreter';

class CommandError extends Error {}

function load(file: string | undefined, cmd: string): ClifFile {
  if (!file) throw new CommandError(`windlass ${cmd} needs a FILE`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommandError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parseClif(text, file);
  } catch (e) {
    if (e instanceof ParseError) throw new CommandError(e.message); // already `file:line:column: reason`
    throw e;
  }
}

function guarded(body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof CommandError || e instanceof ValueSyntaxError) {
      process.stderr.write(`windlass: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** `--fuel N`: a whole number of instructions, at least 1 (`abc`, `Infinity`, `-5` are no limit). */
function fuelLimit(text: string | undefined): number {
  const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new CommandError(`--fuel needs a whole number of instructions >= 1, got '${text ?? ''}'`);
  return n;
}

export function cmdInterpret(args: string[]): number {
  return guarded(() => {
    let fnName: string | null = null;
    let fuel: number | undefined;
    const rest: string[] = [];
    for (let k = 0; k < args.length; k++) {
      if (args[k] === '--fn') fnName = (args[++k] ?? '').replace(/^%/, '');
      else if (args[k] === '--fuel') fuel = fuelLimit(args[++k]);
      else rest.push(args[k]);
    }
    const [file, ...literals] = rest;
    const clif = load(file, 'interpret');
    if (clif.functions.length === 0) throw new CommandError(`${file} has no functions`);
    const functions = new Map(clif.functions.map((f) => [functionName(f.func), f.func]));
    const func = fnName === null ? clif.functions[0].func : functions.get(fnName);
    if (!func) throw new CommandError(`${file} has no function %${fnName}`);
    // Invalid IR has no defined result: refuse it, as `compile` does, rather than print one.
    const invalid = clif.functions.map((f) => ir.verifyFunction(f.func)[0]).find((e) => e !== undefined);
    if (invalid) throw new CommandError(`the IR does not verify: ${invalid.message}`);
    const params = func.signature.params;
    if (literals.length !== params.length) {
      throw new CommandError(`%${functionName(func)} takes ${params.length} argument(s), got ${literals.length}`);
    }
    const values: Value[] = literals.map((l, k) => parseValue(l, params[k].type));
    const r = interpret(func, values, { functions, fuel });
    switch (r.kind) {
      case 'return': {
        const types = func.signature.returns.map((p) => p.type);
        process.stdout.write(r.values.map((v, k) => formatValue(v, types[k])).join(', ') + '\n');
        return 0;
      }
      case 'trap':
        process.stdout.write(`trap: ${r.trapName}\n`);
        return 1;
      default:
        process.stderr.write(`windlass interpret: ${r.message}\n`);
        return 1;
    }
  });
}

export function cmdCat(args: string[]): number {
  return guarded(() => {
    const clif = load(args[0], 'cat');
    process.stdout.write(clif.functions.map((f) => printFunction(f.func)).join('\n'));
    return 0;
  });
}

type Verify = (f: ir.Function) => unknown[];

export function cmdVerify(args: string[]): number {
  return guarded(() => {
    const clif = load(args[0], 'verify');
    const verify = (ir as unknown as Record<string, unknown>).verifyFunction as Verify | undefined;
    if (typeof verify !== 'function') throw new CommandError('the verifier is not available in @windlass/ir yet');
    let errors = 0;
    for (const f of clif.functions) {
      for (const e of verify(f.func)) {
        errors++;
        // The verifier's messages name the function and instruction themselves.
        process.stdout.write(`${args[0]}: ${e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e)}\n`);
      }
    }
    if (errors === 0) process.stdout.write(`${args[0]}: ${clif.functions.length} function(s) verified\n`);
    return errors ? 1 : 0;
  });
}

