// `windlass run FILE.cwasm|FILE.wasm [ARGS...]`: runs a WASI command's `_start` with ARGS as its
// arguments and exits with its exit code, or with --invoke calls one export with ARGS parsed by
// its parameter types and prints each result on its own line. A trap prints the trap's line and
// the wasm backtrace on standard error and exits 134, as a native abort would.
import { basename } from 'node:path';
import { deserialize } from '@windlass/linker';
import { LinkError, LoaderError, Runtime, RuntimeCrash, TimeoutError, Trap, WasiExit, type Instance, type LoaderIsa } from '@windlass/runtime';
import { CommandError, UsageError, type Io } from '../command';
import { artifactOf, artifactProblem, checkBuild, type ArtifactBuild } from './artifact-input';
import { formatValue, parseValues } from './wasm-values';

export const TRAP_STATUS = 134;

export interface RunOptions extends ArtifactBuild {
  file: string;
  args: string[];
  invoke?: string;
  /** `HOST` or `HOST::GUEST`. */
  dirs: string[];
  env: string[];
  timeoutMs?: number;
}

function preopens(dirs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of dirs) {
    const at = d.indexOf('::');
    const host = at < 0 ? d : d.slice(0, at);
    const guest = at < 0 ? d : d.slice(at + 2);
    if (host === '' || guest === '') throw new UsageError(`--dir ${d}: expected HOST or HOST::GUEST`);
    out[guest] = host;
  }
  return out;
}

export function runRun(o: RunOptions, io: Io): number {
  checkBuild(o);
  for (const e of o.env) if (!e.includes('=')) throw new UsageError(`--env ${e}: expected NAME=VALUE`);
  const pre = preopens(o.dirs);
  const { bytes, compiled } = artifactOf(o.file, o, io);
  // The artifact's ISA picks the loader: the host's, or another under qemu-user.
  let isa: LoaderIsa;
  try {
    isa = deserialize(bytes).compat.isa as LoaderIsa;
  } catch (e) {
    throw artifactProblem(o.file, e) ?? e;
  }
  const runtime = new Runtime({ isa });
  try {
    let module;
    try {
      // A compiled .wasm matches by construction; a given artifact must match what was asked.
      module = runtime.load(bytes, compiled ? {} : { settings: o.settings.length > 0 ? o.settings : undefined, boundsChecks: o.boundsChecks });
    } catch (e) {
      throw artifactProblem(o.file, e) ?? e;
    }
    const wasi = { args: [basename(o.file), ...o.args], env: o.env, preopens: pre };
    let instance: Instance;
    try {
      instance = runtime.instantiate(module, { wasi, timeoutMs: o.timeoutMs });
    } catch (e) {
      return outcome(e, io);
    }
    if (o.invoke === undefined) {
      if (!module.exports.some((e) => e.name === '_start' && e.kind === 'func')) throw new CommandError(`${o.file}: no _start to run (a WASI command exports one); call a function with --invoke NAME`);
      try {
        return instance.run({ timeoutMs: o.timeoutMs }) & 0xff;
      } catch (e) {
        return outcome(e, io);
      }
    }
    const ex = module.exports.find((e) => e.name === o.invoke);
    if (!ex || ex.kind !== 'func' || !ex.type) throw new UsageError(`${o.file} exports no function ${JSON.stringify(o.invoke)} (functions: ${module.exports.filter((e) => e.kind === 'func').map((e) => e.name).join(', ') || 'none'})`);
    const values = parseValues(ex.type.params, o.args, o.invoke);
    try {
      for (const v of instance.invoke(o.invoke, values, { timeoutMs: o.timeoutMs })) io.out(`${formatValue(v)}\n`);
      return 0;
    } catch (e) {
      return outcome(e, io);
    }
  } finally {
    runtime.close();
  }
}

/** What a run that did not return values ends in. */
function outcome(e: unknown, io: Io): number {
  if (e instanceof WasiExit) return e.code & 0xff;
  if (e instanceof Trap) {
    io.err(`${e.message}\n`);
    return TRAP_STATUS;
  }
  if (e instanceof LinkError) throw new CommandError(`cannot instantiate: ${e.message}`);
  // The loader refusing what the command line asked (a --dir it cannot open) is one line too.
  if (e instanceof TimeoutError || e instanceof RuntimeCrash || e instanceof LoaderError) throw new CommandError(e.message);
  throw e;
}
