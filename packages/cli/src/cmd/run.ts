// `windlass run FILE.cwasm|FILE.wasm [ARGS...]`: runs a WASI command's `_start` with ARGS as its
// arguments and exits with its exit code, or with --invoke calls one export with ARGS parsed by
// its parameter types and prints each result on its own line. A trap prints the trap's line and
// the wasm backtrace on standard error and exits 134, as a native abort would. A component
// (artifact or binary) runs only with --invoke: ARGS are component values in WAVE, one per
// parameter, and the result is printed in WAVE.
import { basename } from 'node:path';
import { deserialize, type Artifact } from '@windlass/linker';
import {
  ComponentValueError,
  LinkError,
  LoaderError,
  Runtime,
  RuntimeCrash,
  TimeoutError,
  Trap,
  WasiExit,
  WaveError,
  formatWave,
  parseWave,
  waveTypeName,
  type ComponentInstance,
  type ComponentItem,
  type Instance,
  type LoaderIsa,
} from '@windlass/runtime';
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
  let artifact: Artifact;
  try {
    artifact = deserialize(bytes);
  } catch (e) {
    throw artifactProblem(o.file, e) ?? e;
  }
  const isa = artifact.compat.isa as LoaderIsa;
  const runtime = new Runtime({ isa });
  if (artifact.kind === 'component') {
    try {
      return runComponent(runtime, bytes, compiled, o, io);
    } finally {
      runtime.close();
    }
  }
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

/** The exported functions of a component instance, by their dotted paths (`inst.f`). */
function componentFunctions(exports: Map<string, ComponentItem>, prefix = ''): string[] {
  return [...exports].flatMap(([n, it]) => (it.k === 'func' ? [`${prefix}${n}`] : it.k === 'instance' ? componentFunctions(it.exports, `${prefix}${n}.`) : []));
}

/**
 * `--invoke NAME` on a component: instantiated without imports (a component that imports
 * something cannot run on its own), NAME found among its exported functions (`inst.f` names a
 * function of an exported instance), ARGS read as WAVE by the parameter types.
 */
function runComponent(runtime: Runtime, bytes: Uint8Array, compiled: boolean, o: RunOptions, io: Io): number {
  if (o.invoke === undefined) throw new UsageError(`${o.file} is a component: call one of its exported functions with --invoke NAME (components have no _start)`);
  let module;
  try {
    module = runtime.loadComponent(bytes, compiled ? {} : { settings: o.settings.length > 0 ? o.settings : undefined, boundsChecks: o.boundsChecks });
  } catch (e) {
    throw artifactProblem(o.file, e) ?? e;
  }
  const needed = module.imports.filter((i) => !(i.t.k === 'type' || (i.t.k === 'instance' && i.t.t.exports.size === 0)));
  if (needed.length) throw new CommandError(`${o.file}: the component imports ${needed.map((i) => JSON.stringify(i.name)).join(', ')}: it cannot run on its own`);
  let instance: ComponentInstance;
  try {
    instance = runtime.instantiateComponent(module, { timeoutMs: o.timeoutMs });
  } catch (e) {
    return outcome(e, io);
  }
  const names = componentFunctions(instance.exports);
  // An export's own name may hold dots (`wasi:cli/run@0.2.0`): it wins over a path.
  const path = instance.exports.has(o.invoke) ? [o.invoke] : o.invoke.split('.');
  let f;
  try {
    f = instance.func(path);
  } catch (e) {
    if (e instanceof LinkError) throw new UsageError(`${o.file}: ${e.message} (functions: ${names.join(', ') || 'none'})`);
    throw e;
  }
  const params = f.t.params;
  if (o.args.length !== params.length) {
    throw new UsageError(`${o.invoke} takes ${params.length} argument${params.length === 1 ? '' : 's'} (${params.map((p) => `${p.name}: ${waveTypeName(p.t)}`).join(', ')}), given ${o.args.length}`);
  }
  const values = params.map((p, k) => {
    try {
      return parseWave(o.args[k], p.t);
    } catch (e) {
      if (e instanceof WaveError) throw new UsageError(`${o.invoke} argument ${p.name} (${waveTypeName(p.t)}): ${e.message}`);
      throw e;
    }
  });
  try {
    const result = instance.invoke(path, values, { timeoutMs: o.timeoutMs });
    if (f.t.result) io.out(`${formatWave(result!, f.t.result)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ComponentValueError) throw new UsageError(`${o.invoke}: ${e.message}`);
    return outcome(e, io);
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
