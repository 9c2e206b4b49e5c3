// The commands of `windlass`, one declarative entry each (see command.ts): options, operands,
// help, and a `run` that loads the implementation only when the command runs. To add a command,
// add an entry here (and its implementation under cmd/); `windlass --help`, `windlass NAME
// --help`, the parsing and the usage errors follow from the entry.

import { UsageError, defineCommand, positiveInt, type Command } from './command';
import type { BoundsChecks } from '@windlass/linker';

const BOUNDS_CHECKS = (text: string, option: string): BoundsChecks => {
  if (text !== 'explicit' && text !== 'guard') throw new UsageError(`${option} is explicit or guard, got '${text}'`);
  return text;
};

const set = {
  type: 'string',
  value: 'NAME=VALUE',
  multiple: true,
  help: "a shared setting (repeatable), after each file's own 'set' lines,\ne.g. --set opt_level=speed",
} as const;

export const COMMANDS: readonly Command[] = [
  defineCommand({
    name: 'test',
    summary: 'Run filetests: every .clif file under each PATH (files or folders).',
    operands: 'PATH...',
    description: [
      "One case is one '; run:' line (per target) or one whole file for the other test kinds (cat,",
      "verifier, domtree, print-cfg, compile). The last line is 'N passed, N failed, N skipped'; the",
      'exit status is 1 when anything failed. On a terminal, progress is shown on standard error.',
    ].join('\n'),
    options: {
      interpret: { type: 'boolean', help: "run every '; run:' case on the interpreter (ignore targets)" },
      target: {
        type: 'string', value: 'TARGET', multiple: true,
        help: "run the cases of this target only (an ISA or triple, repeatable); without a\nbackend for it the interpreter stands in",
      },
      jobs: { type: 'string', short: 'j', value: 'N', parse: positiveInt, help: 'run N files in parallel (worker threads; default: CPU count)' },
      verbose: { type: 'boolean', short: 'v', help: 'print every case, and the reason of every skip' },
      filter: { type: 'string', value: 'TEXT', help: 'only files whose path contains TEXT' },
      set: { ...set, help: `${set.help}; with --interpret the interpreter runs the\noptimized functions` },
    },
    async run({ values, operands }, io) {
      const { checkSettings, checkTargetFilter } = await import('./cmd/validate');
      values.target.forEach(checkTargetFilter);
      checkSettings(values.set);
      const { runTests } = await import('./runner/runner');
      return runTests({
        paths: operands, interpret: values.interpret, targets: values.target, jobs: values.jobs ?? 0, verbose: values.verbose,
        filter: values.filter ?? null, settings: values.set.length > 0 ? values.set : undefined,
      }, io);
    },
  }),
  defineCommand({
    name: 'interpret',
    summary: 'Run a function of a CLIF file on the interpreter and print its results.',
    operands: 'FILE',
    maxOperands: 1,
    rest: 'ARGS...',
    description: [
      "ARGS, everything after FILE, are the function's arguments, written as in '; run:' lines",
      '(42, -1, 0x1.8p3, +Inf, [1 2 3 4]). A trap prints `trap: NAME` and exits 1.',
    ].join('\n'),
    options: {
      fn: { type: 'string', value: 'NAME', help: "the function to run (default: the file's first)" },
      fuel: { type: 'string', value: 'N', parse: positiveInt, help: 'stop after N instructions (default 50000000)' },
    },
    async run({ values, operands, rest }, io) {
      const { runInterpret } = await import('./cmd/clif');
      return runInterpret({ file: operands[0], fn: values.fn, fuel: values.fuel, args: rest, optionNames: ['fn', 'fuel'] }, io);
    },
  }),
  defineCommand({
    name: 'cat',
    summary: 'Parse CLIF files and print every function in canonical form.',
    operands: 'FILE...',
    description: '',
    options: {},
    async run({ operands }, io) {
      return (await import('./cmd/clif')).runCat(operands, io);
    },
  }),
  defineCommand({
    name: 'verify',
    summary: 'Parse and verify CLIF files; print the errors (exit 1 if any).',
    operands: 'FILE...',
    description: '',
    options: {},
    async run({ operands }, io) {
      return (await import('./cmd/clif')).runVerify(operands, io);
    },
  }),
  defineCommand({
    name: 'compile',
    summary: 'Compile a wasm module into an AOT artifact (-o OUT.cwasm), or CLIF files into listings or an ELF object.',
    operands: 'FILE...',
    description: [
      'A wasm module (binary, or .wat text) is compiled ahead of time into one artifact: every',
      'function and the trampolines in one ELF file with its metadata, for `windlass run` and',
      '@windlass/runtime (default target x86_64; --set adds shared settings).',
      "For CLIF files, the file's 'set' lines apply, then --set. Without -o, the listing of every",
      'function of each FILE is printed; with -o, one relocatable ELF object exporting every',
      'function of the one FILE is written (link it with cc), and none when a function fails.',
      'Exit 1 if anything fails.',
    ].join('\n'),
    options: {
      target: { type: 'string', value: 'LINE', help: "a CLIF target line, e.g. 'x86_64 has_avx' (default: the file's first\ntarget, else x86_64)" },
      set,
      'bounds-checks': { type: 'string', value: 'MODE', parse: BOUNDS_CHECKS, help: 'wasm heap bounds checks: guard (default; the runtime reserves 4 GiB +\na guard region per memory) or explicit (a compare per access)' },
      output: { type: 'string', short: 'o', value: 'OUT', help: 'write the artifact (wasm) or ELF object (CLIF) here' },
    },
    async run({ values, operands }, io) {
      const { isWasmInput } = await import('./cmd/artifact-input');
      if (operands.length === 1 && isWasmInput(operands[0])) {
        const { runCompileWasm } = await import('./cmd/compile-wasm');
        return runCompileWasm({ file: operands[0], target: values.target ?? 'x86_64', settings: values.set, boundsChecks: values['bounds-checks'], output: values.output }, io);
      }
      if (values['bounds-checks'] !== undefined) throw new UsageError('--bounds-checks applies to wasm modules');
      const { runCompile } = await import('./cmd/compile');
      return runCompile({ files: operands, target: values.target, settings: values.set, output: values.output }, io);
    },
  }),
  defineCommand({
    name: 'run',
    summary: "Run an AOT artifact or a wasm module: a WASI command's _start, or one export (--invoke).",
    operands: 'FILE',
    maxOperands: 1,
    rest: 'ARGS...',
    description: [
      'FILE is an artifact (`windlass compile`) or a wasm module (compiled first, for the host).',
      "Everything after FILE goes to the program unparsed. Without --invoke, _start runs with",
      "ARGS as the program's arguments and windlass exits with its exit code. With --invoke, the",
      'export is called with ARGS parsed by its parameter types (integers decimal or 0x..., floats',
      'decimal, hex float, inf, nan, nan:0x...; v128 as a lane shape and lanes: i32x4 1 2 3 4) and',
      'each result is printed on its own line in the same syntax. A trap prints its message and',
      'the wasm backtrace on standard error and exits 134. The guest reaches only the directories',
      'given with --dir.',
    ].join('\n'),
    options: {
      invoke: { type: 'string', value: 'NAME', help: 'call this exported function instead of _start' },
      dir: { type: 'string', value: 'DIR', multiple: true, help: 'preopen host directory DIR for the guest (DIR or HOST::GUEST; repeatable)' },
      env: { type: 'string', value: 'NAME=VALUE', multiple: true, help: "an environment variable of the guest's (repeatable; none by default)" },
      target: { type: 'string', value: 'LINE', help: 'compile a wasm FILE for this target line (default x86_64; another ISA runs\nunder qemu-user, as an artifact of another ISA does)' },
      set: { ...set, help: 'a shared setting (repeatable): compiles a wasm FILE with it, or requires an\nartifact made with it' },
      'bounds-checks': { type: 'string', value: 'MODE', parse: BOUNDS_CHECKS, help: 'explicit or guard: as for compile (an artifact must match)' },
      timeout: { type: 'string', value: 'SECONDS', parse: positiveInt, help: 'stop the program after SECONDS' },
    },
    async run({ values, operands, rest }, io) {
      const { runRun } = await import('./cmd/run');
      return runRun({
        file: operands[0], args: rest, invoke: values.invoke, dirs: values.dir, env: values.env, target: values.target ?? 'x86_64',
        settings: values.set, boundsChecks: values['bounds-checks'], timeoutMs: values.timeout === undefined ? undefined : values.timeout * 1000,
      }, io);
    },
  }),
  defineCommand({
    name: 'inspect',
    summary: 'Describe AOT artifacts: kind, target, settings, modules, functions, trampolines, sections.',
    operands: 'FILE...',
    description: '',
    options: {},
    async run({ operands }, io) {
      return (await import('./cmd/inspect')).runInspect(operands, io);
    },
  }),
  defineCommand({
    name: 'wasm',
    summary: 'Read wasm modules (binary or .wat), validate, translate; print the IR of each function.',
    operands: 'FILE...',
    description: "Errors name the byte offset and the section of the offending bytes, or the text's line:column.",
    options: {
      'print-ir': { type: 'boolean', help: 'print the IR (what the command does; kept for old scripts)' },
    },
    async run({ operands }, io) {
      return (await import('./cmd/wasm')).runWasm(operands, io);
    },
  }),
  defineCommand({
    name: 'wast',
    summary: 'Run WebAssembly spec scripts (.wast), one case per assertion.',
    operands: 'FILE...',
    description: [
      "Scripts are read by the wasm frontend's text reader (--wast2json: by wabt's wast2json",
      'instead, the cross-check); modules are decoded, validated and translated by the wasm',
      "frontend and run on the interpreter (the default), or on Node's own WebAssembly engine",
      '(--node: the differential check of the harness), or compiled for a target into AOT',
      'artifacts, serialized, loaded back by @windlass/runtime and run natively (--target x86_64),',
      "or under qemu-user for the other ISAs (--target aarch64, 'riscv64 has_v', s390x). The last",
      "line is 'N passed, N failed, N skipped'; exit 1 when anything failed.",
    ].join('\n'),
    options: {
      interpret: { type: 'boolean', help: 'run on the interpreter (the default)' },
      node: { type: 'boolean', help: "run on Node's WebAssembly engine" },
      target: { type: 'string', value: 'LINE', help: 'compile for this CLIF target line into artifacts and run them (x86_64\nnatively; aarch64, riscv64, s390x under qemu-user)' },
      set: { ...set, help: 'a shared setting for --target (repeatable), e.g. --set opt_level=speed' },
      jobs: { type: 'string', short: 'j', value: 'N', parse: positiveInt, help: 'run N scripts at a time (default 2)' },
      verbose: { type: 'boolean', short: 'v', help: 'print why cases were skipped' },
      wast2json: { type: 'boolean', help: "read the scripts with wabt's wast2json instead of the text reader" },
      'bounds-checks': { type: 'string', value: 'MODE', parse: BOUNDS_CHECKS, help: 'heap bounds checks for --target: guard (the default: guard pages) or\nexplicit (compares)' },
    },
    async run({ values, operands }, io) {
      const { runWast } = await import('./cmd/wasm');
      return runWast({
        files: operands, interpret: values.interpret, node: values.node, target: values.target, settings: values.set,
        jobs: values.jobs, verbose: values.verbose, wast2json: values.wast2json, boundsChecks: values['bounds-checks'],
      }, io);
    },
  }),
];
