// The `windlass` command line. Each subcommand is a small function; `main` only dispatches.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runTests, type TestOptions } from './runner/runner';
import { cmdInterpret, cmdCat, cmdVerify } from './commands';
import { cmdCompile } from './native/compile-cmd';

export const HELP = `windlass: the Windlass code generator command line

Usage: windlass <command> [options] [arguments]

Commands:
  test [options] PATH...          Run filetests (files or folders of .clif files).
        --interpret                 run every '; run:' case on the interpreter (ignore targets)
        --target TRIPLE_OR_ISA      run 'test run' cases for this target (repeatable); cases of
                                    other targets are skipped; without a backend for the target
                                    the interpreter stands in
        --jobs N, -j N              run N files in parallel (worker threads; default: CPU count)
        --verbose, -v               print every case, and the reason of every skip
        --filter TEXT               only files whose path contains TEXT
        --set NAME=VALUE            a shared setting applied after every file's own 'set' lines
                                    (repeatable), e.g. --set opt_level=speed to run the corpus
                                    through the mid-end; with --interpret the interpreter runs
                                    the optimized functions
      One case is one '; run:' line (per target) or one whole file for the other test kinds
      (cat, verifier, domtree, print-cfg). The last line is 'N passed, N failed, N skipped';
      the exit status is 1 when anything failed.

  interpret FILE [--fn NAME] [ARGS...]
                                  Run a function of FILE on the interpreter and print its
                                  results. Without --fn: the first function. ARGS are literals
                                  as in '; run:' lines (42, -1, 0x1.8p3, +Inf, [1 2 3 4]).
        --fuel N                    stop after N instructions (default 50000000)

  cat FILE                        Parse FILE and print every function in canonical form.
  verify FILE                     Parse and verify FILE; print the errors (exit 1 if any).
  wast [--interpret|--node|--target x86_64 [--set NAME=VALUE]] [--wast2json] [-j N] [-v] FILE...
                                  Run WebAssembly spec scripts (.wast): scripts are read by the
                                  wasm frontend's text reader (--wast2json: by wabt's wast2json
                                  instead, the cross-check), modules are decoded,
                                  validated and translated by the wasm frontend and run on the
                                  interpreter (--interpret, the default), or run on Node's own
                                  WebAssembly engine (--node: the differential check of the
                                  harness), or compiled by the x86-64 backend and run natively
                                  (--target x86_64, a CLIF target line; --set adds a shared
                                  setting such as opt_level=speed): only the functions that need
                                  no wasm runtime run, the rest is skipped with the reason. One
                                  case per assertion; last line 'N passed, N failed, N skipped'.
  wasm [--print-ir] FILE...       Decode (binary) or read (.wat text), validate and translate
                                  wasm modules; print the IR of every function (errors name the
                                  byte offset and section, or the text's line:column).
  compile [--target LINE] FILE [-o OUT.o]
                                  Compile every function of FILE for the target (a CLIF target line,
                                  e.g. 'x86_64 has_avx'; default: the file's first target) and print
                                  the machine code listings, or with -o write one relocatable ELF
                                  object exporting every function (link it with cc). The file's
                                  'set' lines apply. Exit 1 if any function fails to compile.
  help, --help, -h                Show this help.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return cmd === undefined ? 2 : 0;
    case 'test':
      return runTests(parseTestArgs(rest));
    case 'interpret':
      return cmdInterpret(rest);
    case 'cat':
      return cmdCat(rest);
    case 'verify':
      return cmdVerify(rest);
    case 'wast':
    case 'wasm':
      return runWasmCommand(cmd, rest);
    case 'compile':
      return cmdCompile(rest);
    default:
      process.stderr.write(`windlass: unknown command '${cmd}' (see 'windlass --help')\n`);
      return 2;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseTestArgs(args: string[]): TestOptions {
  const o: TestOptions = { paths: [], interpret: false, targets: [], jobs: 0, verbose: false, filter: null };
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const value = (): string => {
      const v = args[++k];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--interpret') o.interpret = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--target') o.targets.push(value());
    else if (a.startsWith('--target=')) o.targets.push(a.slice(9));
    else if (a === '--jobs' || a === '-j') o.jobs = positiveInt(a, value());
    else if (a.startsWith('--jobs=')) o.jobs = positiveInt('--jobs', a.slice(7));
    else if (a === '--filter') o.filter = value();
    else if (a === '--set') (o.settings ??= []).push(value());
    else if (a.startsWith('--set=')) (o.settings ??= []).push(a.slice(6));
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}' for 'windlass test'`);
    else o.paths.push(a);
  }
  if (o.paths.length === 0) throw new UsageError(`'windlass test' needs at least one file or folder`);
  return o;
}

function positiveInt(opt: string, s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${opt} needs a positive integer, got '${s}'`);
  return n;
}

interface WastScript {
  path: string;
  error?: string;
  failures: { line: number; command: string; message: string }[];
  skipReasons: Record<string, number>;
}
interface WasmTools {
  runWastFiles(paths: string[], opts?: { interpret?: boolean; node?: boolean; target?: string; settings?: string[]; verbose?: boolean; jobs?: number; reader?: 'windlass' | 'wast2json' }): Promise<{
    passed: number;
    failed: number;
    skipped: number;
    perScript: WastScript[];
  }>;
  printWasmIr(path: string): string;
  nativeTargetProblem(target: string, settings?: string[]): string | undefined;
}

async function runWasmCommand(cmd: 'wast' | 'wasm', args: string[]): Promise<number> {
  let tools: WasmTools;
  try {
    // Imported lazily: the wasm tools are optional and must not break the other commands.
    const spec = './wasm/index';
    tools = (await import(spec)) as WasmTools;
  } catch (e) {
    process.stderr.write(`windlass ${cmd}: the wasm tools are not available (${e instanceof Error ? e.message : String(e)})\n`);
    return 2;
  }
  const files: string[] = [];
  let verbose = false, interpret = false, node = false, jobs: number | undefined, target: string | undefined;
  let reader: 'wast2json' | undefined;
  const settings: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--interpret' && cmd === 'wast') interpret = true;
    else if (a === '--print-ir' && cmd === 'wasm') continue; // printing the IR is what `wasm` does
    else if (a === '--node' && cmd === 'wast') node = true;
    else if (a === '--wast2json' && cmd === 'wast') reader = 'wast2json';
    else if (a === '--target' && cmd === 'wast') {
      target = args[++i];
      if (target === undefined) throw new UsageError(`${a} needs a target (x86_64)`);
    } else if (a.startsWith('--target=') && cmd === 'wast') target = a.slice(9);
    else if (a === '--set' && cmd === 'wast' && args[i + 1] !== undefined) settings.push(args[++i]!);
    else if (a.startsWith('--set=') && cmd === 'wast') settings.push(a.slice(6));
    else if ((a === '--jobs' || a === '-j') && cmd === 'wast') {
      jobs = Number(args[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`${a} needs a positive whole number`);
    } else if (a.startsWith('-')) throw new UsageError(`windlass ${cmd}: unknown option '${a}' (see 'windlass --help')`);
    else files.push(a);
  }
  if (files.length === 0) throw new UsageError(`windlass ${cmd} needs a FILE`);
  if (cmd === 'wasm') {
    let status = 0;
    for (const f of files) {
      try {
        process.stdout.write(tools.printWasmIr(f) + '\n');
      } catch (e) {
        // The frontend's errors carry their byte offset and section in the message; text errors
        // start with their own file:line:column.
        const message = e instanceof Error ? e.message : String(e);
        process.stderr.write(message.startsWith(`${f}:`) ? `${message}\n` : `${f}: ${message}\n`);
        status = 1;
      }
    }
    return status;
  }
  if (target !== undefined && (interpret || node)) throw new UsageError('windlass wast: --target cannot be combined with --interpret or --node');
  if (settings.length > 0 && target === undefined) throw new UsageError('windlass wast: --set applies to --target only');
  const targetProblem = target === undefined ? undefined : tools.nativeTargetProblem(target, settings);
  if (targetProblem !== undefined) throw new UsageError(`wast --target ${target}: ${targetProblem}`);
  const s = await tools.runWastFiles(files, { interpret: interpret || !node, node, target, settings, verbose, jobs, reader });
  for (const script of s.perScript) {
    if (script.error) process.stdout.write(`${script.path}: ${script.error}\n`);
    for (const f of script.failures) process.stdout.write(`${script.path}:${f.line}: ${f.command}: ${f.message}\n`);
    if (verbose) for (const [why, n] of Object.entries(script.skipReasons)) process.stdout.write(`${script.path}: skipped ${n}: ${why}\n`);
  }
  process.stdout.write(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
  return s.failed > 0 ? 1 : 0;
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const isEntry = import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  // `windlass ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`windlass: ${e.message}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`windlass: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 3;
      }
    },
  );
}
