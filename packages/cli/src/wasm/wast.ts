/**
 * The `.wast` script runner: the wasm frontend's text reader (`parseWast`) turns a script into
 * commands and module bytes (or, with `reader: 'wast2json'`, wabt's `wast2json` into the same
 * commands as JSON plus module files); each command runs here. Malformed / invalid modules go
 * through Windlass's own text reader, decoder and validator; everything that executes goes to
 * an engine (Node's WebAssembly,
 * Windlass IR on the interpreter, or x86-64 code run natively). An engine that can run only
 * part of a script throws `WastUnsupported`: those cases count as skipped, with its reason.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve as resolvePath } from 'node:path';
import { WasmError, WatError, parseModule, parseWast, parseWat, type Module } from '@windlass/wasm-frontend';
import { normalizeWast } from './normalize';
import { WastExhaustion, WastLinkError, WastTrap, type WastEngine, type WastInstance } from './engine';
import { formatExpected, formatValue, parseValue, valueMatches, HostRef, type JsonValue, type WastValue } from './values';
import { WastUnsupported } from './unsupported';

export interface WastOptions {
  interpret?: boolean;
  node?: boolean;
  /** Run natively for this target (a CLIF target line: `x86_64`, `x86_64 has_avx2`). */
  target?: string;
  /** Shared settings for the native target (`opt_level=speed`). */
  settings?: string[];
  /** Bounds checks of the native target's heap accesses (default: the linker's, `guard`). */
  boundsChecks?: 'explicit' | 'guard';
  verbose?: boolean;
  jobs?: number;
  /** How scripts are read: Windlass's own text reader (the default), or wabt's `wast2json`. */
  reader?: 'windlass' | 'wast2json';
  /** Called as each script finishes (progress). */
  onScript?: (r: ScriptResult) => void;
}

export interface CaseFailure {
  line: number;
  command: string;
  message: string;
}

export interface ScriptResult {
  path: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Set when the script could not be run at all (its assertions all count as failed). */
  error?: string;
  failures: CaseFailure[];
  /** Why cases were skipped, with counts. */
  skipReasons: Record<string, number>;
  /** How the script was read, when not directly (e.g. rewritten for wast2json). */
  note?: string;
}

export interface WastSummary {
  passed: number;
  failed: number;
  skipped: number;
  perScript: ScriptResult[];
}

interface JsonAction {
  type: 'invoke' | 'get';
  module?: string;
  field: string;
  args?: JsonValue[];
}

interface JsonCommand {
  type: string;
  line: number;
  name?: string;
  as?: string;
  filename?: string;
  module_type?: 'binary' | 'text';
  text?: string;
  action?: JsonAction;
  expected?: JsonValue[];
  /** From the text reader: the module's bytes, or why the reader rejected it. */
  bytes?: Uint8Array;
  error?: WatError;
}

export type EngineFactory = () => WastEngine;

/** What an engine that runs only part of a script (the native engine) may add. */
interface PartialEngine extends WastEngine {
  /**
   * Batching: after a module instantiates, the runner hands the engine every command (`invoke`
   * or `get`, in script order) the rest of the script gives that instance, before running them
   * one by one as usual.
   */
  prepare?(inst: WastInstance, calls: { field: string; args: WastValue[]; kind: 'invoke' | 'get' }[]): void;
  /**
   * Why the engine cannot tell whether `module` links and instantiates (for
   * `assert_unlinkable` / `assert_uninstantiable`, which are then skipped), or undefined.
   */
  instantiationUnsupported?(module: Module): string | undefined;
}

/** A module the engine cannot run (`WastUnsupported` at instantiation): its cases are skipped. */
class UnsupportedInstance implements WastInstance {
  constructor(
    readonly module: Module,
    readonly reason: string,
  ) {}
}

const ASSERTIONS = new Set([
  'assert_return',
  'assert_trap',
  'assert_exhaustion',
  'assert_malformed',
  'assert_invalid',
  'assert_unlinkable',
  'assert_uninstantiable',
]);

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, timeout: 120_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      // A crash (wast2json overflows its stack on deeply nested scripts) says so, in one line.
      const why = err && (err.signal ? `${cmd} ${err.killed ? 'timed out' : `crashed (${err.signal})`}` : err.message.split('\n')[0]);
      resolve({ code, stderr: String(stderr || why || '') });
    });
    // Nothing is ever written to its standard input: a tool that reads it ends at once.
    child.stdin?.end();
  });
}

/**
 * Counts the top-level assertion commands of a script's text, for scripts wast2json cannot
 * read: they count as failed cases. Skips strings and (nested) comments.
 */
/** Whether a trap's message names the trap a script expects (see assert_trap above). */
export function trapMatches(actual: string, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  return actual.includes(expected) || (actual.length > 0 && expected.startsWith(actual));
}

export function countAssertions(text: string): number {
  let depth = 0;
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ';' && text[i + 1] === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      let nest = 1;
      i += 2;
      while (i < n && nest > 0) {
        if (text[i] === '(' && text[i + 1] === ';') {
          nest++;
          i += 2;
        } else if (text[i] === ';' && text[i + 1] === ')') {
          nest--;
          i += 2;
        } else i++;
      }
    } else if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      if (depth === 0) {
        const m = /^[a-z_]+/.exec(text.slice(i + 1, i + 40));
        if (m && ASSERTIONS.has(m[0])) count++;
      }
      depth++;
      i++;
    } else {
      if (c === ')') depth--;
      i++;
    }
  }
  return count;
}

class ScriptRunner {
  private readonly named = new Map<string, WastInstance>();
  private current: WastInstance | undefined;
  private readonly hostRefs = new Map<string, HostRef>();
  readonly result: ScriptResult;

  constructor(
    path: string,
    private readonly dir: string,
    private readonly engine: WastEngine,
  ) {
    this.result = { path, passed: 0, failed: 0, skipped: 0, failures: [], skipReasons: {} };
  }

  private pass(): void {
    this.result.passed++;
  }

  private fail(c: JsonCommand, message: string): void {
    this.result.failed++;
    this.result.failures.push({ line: c.line, command: c.type, message });
  }

  private skip(reason: string): void {
    this.result.skipped++;
    this.result.skipReasons[reason] = (this.result.skipReasons[reason] ?? 0) + 1;
  }

  private async bytes(c: JsonCommand): Promise<Uint8Array> {
    if (c.bytes) return c.bytes;
    if (c.error) throw c.error;
    return new Uint8Array(await readFile(join(this.dir, c.filename!)));
  }

  /**
   * The text reader's verdict on a text-format module: its bytes, or its error. From wast2json
   * the module is a `.wat` file of the quoted text, read here.
   */
  private async readText(c: JsonCommand): Promise<Uint8Array | WatError> {
    if (c.bytes) return c.bytes;
    if (c.error) return c.error;
    try {
      return parseWat(new Uint8Array(await readFile(join(this.dir, c.filename!))), c.filename);
    } catch (e) {
      if (e instanceof WatError) return e;
      throw e;
    }
  }

  /**
   * `assert_malformed` / `assert_invalid` of a text module: malformed means the text reader
   * rejects it; invalid means the reader accepts it and the validator rejects the bytes.
   */
  private async assertText(c: JsonCommand): Promise<void> {
    const r = await this.readText(c);
    if (c.type === 'assert_malformed') {
      if (r instanceof WatError && r.kind === 'malformed') this.pass();
      else if (r instanceof WatError) this.fail(c, `rejected as ${r.kind}, expected malformed "${c.text}": ${r.message}`);
      else this.fail(c, `the text reader accepted it, expected malformed "${c.text}"`);
      return;
    }
    if (r instanceof WatError) {
      this.fail(c, `the text reader rejected it, expected invalid "${c.text}": ${r.message}`);
      return;
    }
    try {
      parseModule(r);
      this.fail(c, `accepted, expected "${c.text}"`);
    } catch (e) {
      if (e instanceof WasmError && e.kind === 'invalid') this.pass();
      else this.fail(c, `rejected with ${String(e)}, expected invalid "${c.text}"`);
    }
  }

  private instance(name: string | undefined): WastInstance {
    const inst = name === undefined ? this.current : this.named.get(name);
    if (!inst) throw new Error(name ? `no module named ${name}` : 'no current module');
    return inst;
  }

  private act(a: JsonAction): WastValue[] {
    const inst = this.instance(a.module);
    if (inst instanceof UnsupportedInstance) throw new WastUnsupported(inst.reason);
    if (a.type === 'get') return [this.engine.get(inst, a.field)];
    const args = (a.args ?? []).map((v) => parseValue(v, this.hostRefs));
    return this.engine.invoke(inst, a.field, args);
  }

  /**
   * The invocations of `inst` in `commands` after `from`: actions naming the module, and
   * unnamed ones until the next module command.
   */
  private plannedCalls(commands: readonly JsonCommand[], from: number, name: string | undefined): { field: string; args: WastValue[]; kind: 'invoke' | 'get' }[] {
    const out: { field: string; args: WastValue[]; kind: 'invoke' | 'get' }[] = [];
    let current = true;
    for (let j = from + 1; j < commands.length; j++) {
      const c = commands[j];
      if (c.type === 'module') {
        current = false;
        if (name === undefined || c.name === name) break;
        continue;
      }
      const a = c.action;
      if (!a || (a.type !== 'invoke' && a.type !== 'get')) continue;
      if (a.module === undefined ? !current : a.module !== name) continue;
      try {
        out.push({ field: a.field, args: (a.args ?? []).map((v) => parseValue(v, this.hostRefs)), kind: a.type });
      } catch {
        // An argument the harness cannot build fails when the command runs.
      }
    }
    return out;
  }

  async command(c: JsonCommand, commands: readonly JsonCommand[] = [], index = 0): Promise<void> {
    switch (c.type) {
      case 'module': {
        this.current = undefined;
        let bytes: Uint8Array;
        let module: Module;
        try {
          bytes = await this.bytes(c);
          module = parseModule(bytes);
        } catch (e) {
          this.result.failures.push({ line: c.line, command: 'module', message: `rejected: ${(e as Error).message}` });
          return;
        }
        try {
          this.current = this.engine.instantiate(bytes, module);
          if (c.name) this.named.set(c.name, this.current);
        } catch (e) {
          if (e instanceof WastUnsupported) {
            this.current = new UnsupportedInstance(module, e.message);
            if (c.name) this.named.set(c.name, this.current);
          } else this.result.failures.push({ line: c.line, command: 'module', message: `instantiation failed: ${(e as Error).message}` });
          return;
        }
        const engine = this.engine as PartialEngine;
        if (engine.prepare) engine.prepare(this.current, this.plannedCalls(commands, index, c.name));
        return;
      }
      case 'register': {
        const inst = c.name ? this.named.get(c.name) : this.current;
        if (inst && !(inst instanceof UnsupportedInstance)) this.engine.register(c.as!, inst);
        return;
      }
      case 'action':
        try {
          this.act(c.action!);
        } catch (e) {
          if (!(e instanceof WastUnsupported)) this.result.failures.push({ line: c.line, command: 'action', message: (e as Error).message });
        }
        return;
      case 'assert_return':
        return this.assertReturn(c);
      case 'assert_trap':
      case 'assert_exhaustion': {
        const want = c.type === 'assert_trap' ? WastTrap : WastExhaustion;
        try {
          const r = this.act(c.action!);
          this.fail(c, `returned ${r.map(formatValue).join(' ')}, expected ${c.text}`);
        } catch (e) {
          // A trap must be the one the script names: its message contains the expected text, or
          // the expected text is the message plus a detail (bulk.wast: "uninitialized element 2").
          // Exhaustion has no message to compare.
          if (e instanceof want && (want !== WastTrap || this.engine.specTrapMessages !== true || trapMatches(e.message, c.text))) this.pass();
          else if (e instanceof want) this.fail(c, `trapped with "${e.message}", expected "${c.text}"`);
          else if (e instanceof WastUnsupported) this.skip(e.message);
          else this.fail(c, `threw ${(e as Error).name}: ${(e as Error).message}, expected ${c.text}`);
        }
        return;
      }
      case 'assert_malformed':
      case 'assert_invalid': {
        // A module in the text format (quoted, or one the text reader rejected): the reader judges.
        if (c.module_type === 'text' || c.error) return this.assertText(c);
        const bytes = await this.bytes(c);
        try {
          parseModule(bytes);
          this.fail(c, `accepted, expected "${c.text}"`);
        } catch (e) {
          if (e instanceof WasmError) this.pass();
          else this.fail(c, `untyped error ${String(e)}`);
        }
        return;
      }
      case 'assert_unlinkable':
      case 'assert_uninstantiable': {
        let bytes: Uint8Array;
        let module: Module;
        try {
          bytes = await this.bytes(c);
          module = parseModule(bytes);
        } catch (e) {
          this.fail(c, `rejected by the validator: ${(e as Error).message}`);
          return;
        }
        const unsupported = (this.engine as PartialEngine).instantiationUnsupported?.(module);
        if (unsupported !== undefined) {
          this.skip(unsupported);
          return;
        }
        const want = c.type === 'assert_unlinkable' ? WastLinkError : WastTrap;
        try {
          this.engine.instantiate(bytes, module);
          this.fail(c, `instantiated, expected "${c.text}"`);
        } catch (e) {
          // A trap must be the one the script names: its message contains the expected text, or
          // the expected text is the message plus a detail (bulk.wast: "uninitialized element 2").
          // Exhaustion has no message to compare.
          if (e instanceof want && (want !== WastTrap || this.engine.specTrapMessages !== true || trapMatches(e.message, c.text))) this.pass();
          else if (e instanceof want) this.fail(c, `trapped with "${e.message}", expected "${c.text}"`);
          else if (e instanceof WastUnsupported) this.skip(e.message);
          else this.fail(c, `threw ${(e as Error).name}: ${(e as Error).message}, expected "${c.text}"`);
        }
        return;
      }
      default:
        this.skip(`unknown command ${c.type}`);
    }
  }

  private assertReturn(c: JsonCommand): void {
    let got: WastValue[];
    try {
      got = this.act(c.action!);
    } catch (e) {
      if (e instanceof WastUnsupported) this.skip(e.message);
      else this.fail(c, `threw ${(e as Error).name}: ${(e as Error).message}`);
      return;
    }
    const expected = c.expected ?? [];
    const ok = got.length === expected.length && expected.every((x, i) => valueMatches(x, got[i]));
    if (ok) this.pass();
    else
      this.fail(
        c,
        `${c.action!.field}: got ${got.map(formatValue).join(' ')}, expected ${expected.map(formatExpected).join(' ')}`,
      );
  }
}

async function wast2json(path: string, json: string): Promise<string | undefined> {
  // An absolute path: a script named `-` is that file, not standard input.
  const { code, stderr } = await run('wast2json', [resolvePath(path), '-o', json]);
  return code === 0 ? undefined : stderr.split('\n')[0] || `wast2json exit ${code}`;
}

/**
 * Converts a script to JSON commands. Scripts wabt 1.0.32 rejects get one more try after the
 * project's own rewrite of the newer text forms it lacks (see normalize.ts).
 */
async function convert(path: string, dir: string): Promise<{ json: string; note?: string; error?: string }> {
  const json = join(dir, 'script.json');
  const first = await wast2json(path, json);
  if (first === undefined) return { json };
  let rewritten: string;
  try {
    const r = normalizeWast(await readFile(path, 'utf8'));
    if (r.rewrites === 0) return { json, error: `wast2json could not read the script: ${first}` };
    rewritten = r.text;
  } catch (e) {
    return { json, error: `wast2json could not read the script: ${first}; ${(e as Error).message}` };
  }
  const copy = join(dir, basename(path));
  await writeFile(copy, rewritten);
  const second = await wast2json(copy, json);
  if (second !== undefined) return { json, error: `wast2json could not read the script: ${first} (rewritten: ${second})` };
  return { json, note: `rewritten for wast2json (${first})` };
}

/** A script that could not be run at all: each of its assertions counts as failed. */
async function failedScript(path: string, error: string): Promise<ScriptResult> {
  let count = 1;
  try {
    count = Math.max(1, countAssertions(await readFile(path, 'utf8')));
  } catch {
    // unreadable file: one failure
  }
  return { path, passed: 0, failed: count, skipped: 0, error, failures: [], skipReasons: {} };
}

async function runScript(path: string, makeEngine: EngineFactory, reader: WastOptions['reader']): Promise<ScriptResult> {
  if (reader !== 'wast2json') {
    let commands: JsonCommand[];
    try {
      commands = parseWast(new Uint8Array(await readFile(path)), path).commands;
    } catch (e) {
      return failedScript(path, `the script does not read: ${(e as Error).message}`);
    }
    return runCommands(path, '', commands, makeEngine);
  }
  const dir = await mkdtemp(join(tmpdir(), 'windlass-wast-'));
  try {
    const { json, note, error } = await convert(path, dir);
    if (error !== undefined) return failedScript(path, error);
    let script: { commands: JsonCommand[] };
    try {
      script = JSON.parse(await readFile(json, 'utf8')) as { commands: JsonCommand[] };
    } catch (e) {
      // wabt 1.0.32 writes `[{...}{...}]` for the results of a multi-value assert_trap.
      return failedScript(path, `wast2json wrote JSON that does not parse (${(e as Error).message})`);
    }
    return await runCommands(path, dir, script.commands, makeEngine, note);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a script's commands (module files, if any, in `dir`). */
async function runCommands(path: string, dir: string, commands: JsonCommand[], makeEngine: EngineFactory, note?: string): Promise<ScriptResult> {
  const engine = makeEngine();
  const runner = new ScriptRunner(path, dir, engine);
  if (note) runner.result.note = note;
  try {
    for (const [i, c] of commands.entries()) {
      try {
        await runner.command(c, commands, i);
      } catch (e) {
        // A harness-level problem on one command still counts as that case failing.
        if (ASSERTIONS.has(c.type)) runner.result.failed++;
        runner.result.failures.push({ line: c.line, command: c.type, message: `harness: ${(e as Error).message}` });
      }
    }
  } finally {
    engine.dispose?.();
  }
  return runner.result;
}

/** Runs scripts with the given engine factory (one fresh engine per script). */
export async function runWastWithEngine(
  paths: string[],
  makeEngine: EngineFactory,
  opts: { verbose?: boolean; jobs?: number; reader?: WastOptions['reader']; onScript?: WastOptions['onScript'] } = {},
): Promise<WastSummary> {
  const results: ScriptResult[] = new Array(paths.length);
  let next = 0;
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, paths.length));
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < paths.length) {
        const i = next++;
        // One script that breaks the harness is one failed script, never the end of the run.
        results[i] = await runScript(paths[i], makeEngine, opts.reader).catch((e: unknown) =>
          failedScript(paths[i], `the script could not be run: ${e instanceof Error ? e.message : String(e)}`));
        opts.onScript?.(results[i]);
      }
    }),
  );
  const summary: WastSummary = { passed: 0, failed: 0, skipped: 0, perScript: results };
  for (const r of results) {
    summary.passed += r.passed;
    summary.failed += r.failed;
    summary.skipped += r.skipped;
  }
  return summary;
}
