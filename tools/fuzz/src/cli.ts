// Robustness fuzzing of the `windlass` command line, in-process through `main(argv, io)`: every
// command of `COMMANDS` (so a new command is fuzzed as soon as it is declared) gets random and
// malformed command lines, built from its own declaration (its options, good and bad values,
// unknown options, `--`), and input files: mutated corpus CLIF, wasm binaries and text,
// random bytes, empty files, folders, missing paths.
//
// A command must answer with exit status 0, 1 or 2 and typed one-line messages: a finding is
// status 3 (an internal error) or anything else, a stack trace or an internal-error message in
// its output, an error line that is not one (a line that names neither `windlass` nor an input),
// output written around the command's Io (to process.stdout or process.stderr), a run over the
// time budget (CPU time of the process; three times it of wall time), or a process over the
// memory budget.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, main, type Command, type Io, type OptionSpec } from '@windlass/cli';
import type { Finding } from './clif';
import { mutateText } from './clif';
import type { Rng } from './rng';
import { mutateBytes } from './wasm';
import { mutateWat, randomWat } from './wat';

export interface CliSeeds {
  clif: readonly string[];
  wasm: readonly Uint8Array[];
  wat: readonly string[];
}

export interface CliInput {
  command: string;
  argv: string[];
  /** Files written before the run: name (in the work folder) -> contents. */
  files: Map<string, string | Uint8Array>;
}

export interface CliOutcome {
  status: number;
  /** Wall time, and the CPU time of this process (all its threads) the input took. */
  ms: number;
  cpuMs: number;
  finding?: Finding;
}

/** Values an option of this name is given: plausible ones and malformed ones. */
const VALUES: Record<string, readonly string[]> = {
  jobs: ['1', '1', '1', '0', '-1', 'abc', '1.5', '1e3', '', '99999999999999999999', ' 1', '0x2'],
  fuel: ['1', '10', '1000', '100000', '0', '-5', 'abc', 'Infinity', 'NaN', '1e3', '', '2.5'],
  target: ['aarch64', 'riscv64', 's390x', 'pulley64', 'frob', '', 'x86-64', 'x86_64-', 'x86_64 has_frob', 'aarch64-apple-darwin', '-', 'x86_64 opt_level=speed'],
  set: ['opt_level=speed', 'opt_level=none', 'opt_level=speed_and_size', 'enable_verifier=false', 'frob=1', 'opt_level', 'opt_level=fast', '=', '', 'regalloc_checker', 'log2_min_function_alignment=99'],
  fn: ['f', 'main', '%f', '', 'no_such', '%', 'u0:0'],
  // Never `/`: a value can land as an operand (`--filter --filter X`), and `windlass test /` walks
  // the whole file system (`/in` is a path that does not exist).
  filter: ['', '.clif', 'a', 'zz', 'w/', '/in'],
  output: ['out.o', 'sub/none/out.o', '.', ''],
};
const JUNK = ['', '-', '--', '---x', '-\u0000', 'a'.repeat(300), '\u202e', '%', '=', '-1', '0x', ' '];
const LITERALS = ['0', '1', '-1', '0x10', '1.5', '-0.0', '+Inf', 'NaN', 'NaN:0x1', '-sNaN:0x1', '[1 2 3 4]', '[1', 'true', 'abc', '', '9'.repeat(60), '0x1p3', '--fn'];

/** A random command line (and its files) for `cmd`. */
export function randomCliInput(cmd: Command, rng: Rng, seeds: CliSeeds): CliInput {
  const spec = cmd.spec;
  const files = new Map<string, string | Uint8Array>();
  const argv: string[] = [];
  const optionNames = Object.keys(spec.options);
  const nOptions = rng.int(4);
  for (let k = 0; k < nOptions; k++) {
    if (optionNames.length === 0 || rng.chance(0.08)) {
      argv.push(rng.pick(['--frob', '-x', '--', '-', '--help=1', `--${rng.pick(JUNK)}`, '-vvv', '--verbose=']));
      continue;
    }
    const name = rng.pick(optionNames);
    argv.push(...optionArgs(cmd.name, name, spec.options[name], rng));
  }
  if (rng.chance(0.01)) argv.push(rng.pick(['--help', '-h']));
  // `test` runs a file's `target x86_64` cases natively (a C compiler per file): sampled rarely,
  // the other inputs run on the interpreter. The native path has a fuzzer of its own (--mode diff).
  if (cmd.name === 'test' && !argv.includes('--interpret') && rng.chance(0.98)) argv.push('--interpret');
  // Without -j, `test` runs several files in worker threads (each loads the compiler): rarely.
  if (cmd.name === 'test' && !argv.some((a) => a.startsWith('-j') || a.startsWith('--jobs')) && rng.chance(0.98)) argv.push('-j', '1');
  const nOperands = rng.chance(0.05) ? 0 : 1 + (spec.maxOperands === 1 ? 0 : rng.int(3));
  for (let k = 0; k < nOperands; k++) argv.push(operand(cmd.name, k, rng, seeds, files));
  if (spec.rest !== undefined) {
    const n = rng.int(4);
    for (let k = 0; k < n; k++) argv.push(rng.chance(0.85) ? rng.pick(LITERALS) : rng.pick(JUNK));
  }
  // Options may also come after the operands (where the command parses them).
  if (spec.rest === undefined && rng.chance(0.3) && optionNames.length > 0) {
    const name = rng.pick(optionNames);
    argv.push(...optionArgs(cmd.name, name, spec.options[name], rng));
  }
  return { command: cmd.name, argv: [cmd.name, ...argv], files };
}

function optionArgs(command: string, name: string, o: OptionSpec, rng: Rng): string[] {
  const flag = o.short && rng.chance(0.3) ? `-${o.short}` : `--${name}`;
  if (o.type === 'boolean') return rng.chance(0.05) ? [`${flag}=yes`] : [flag];
  let value = rng.chance(0.85) ? rng.pick(VALUES[name] ?? JUNK) : rng.pick(JUNK);
  // Running natively (a C compiler or the loader per input) and worker threads are sampled
  // rarely: they are slow, and covered by their own tests.
  if (name === 'target' && rng.chance(command === 'compile' ? 0.5 : 0.003)) value = rng.pick(['x86_64', 'x86_64 has_avx2', 'x86_64-unknown-linux-gnu']);
  if (name === 'jobs' && rng.chance(0.002)) value = '2';
  if (name === 'output' && value !== '' && !value.startsWith('.')) value = `@work/${value}`;
  if (rng.chance(0.04)) return [flag];
  return rng.chance(0.3) && flag.startsWith('--') ? [`${flag}=${value}`] : [flag, value];
}

/** One operand: a file of a kind the command reads (mostly), or something else entirely. */
function operand(command: string, k: number, rng: Rng, seeds: CliSeeds, files: Map<string, string | Uint8Array>): string {
  const r = rng.int(100);
  if (r < 3) return '@work/missing.clif';
  if (r < 5) return '@work';
  if (r < 6) return rng.pick(JUNK);
  const name = `in${k}`;
  const want = command === 'wasm' ? (rng.chance(0.5) ? 'wasm' : 'wat') : command === 'wast' ? 'wast' : 'clif';
  const kind = rng.chance(0.9) ? want : rng.pick(['clif', 'wasm', 'wat', 'wast', 'bytes', 'empty']);
  let contents: string | Uint8Array;
  let ext: string;
  switch (kind) {
    case 'clif': {
      ext = '.clif';
      const seed = seeds.clif.length ? rng.pick(seeds.clif) : 'function %f() {\nblock0:\n    return\n}\n';
      contents = rng.chance(0.3) ? seed : mutateText(seed, rng);
      break;
    }
    case 'wasm': {
      ext = '.wasm';
      const seed = seeds.wasm.length ? rng.pick(seeds.wasm) : new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
      contents = rng.chance(0.3) ? seed : mutateBytes(seed, rng);
      break;
    }
    case 'wat':
    case 'wast': {
      ext = kind === 'wat' ? '.wat' : '.wast';
      const seed = seeds.wat.length ? rng.pick(seeds.wat) : '(module)';
      contents = rng.chance(0.1) ? randomWat(rng) : rng.chance(0.3) ? seed : mutateWat(seed, rng);
      break;
    }
    case 'bytes': {
      ext = rng.pick(['.clif', '.wasm', '.wast', '']);
      const b = new Uint8Array(rng.int(200));
      for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
      contents = b;
      break;
    }
    default:
      ext = rng.pick(['.clif', '.wasm', '.wast']);
      contents = '';
  }
  files.set(name + ext, contents);
  return `@work/${name}${ext}`;
}

/** Commands whose exit status is the program's they run. */
const PROGRAM_STATUS = new Set(['run']);
const STACK_LINE = /^\s+at .*(:\d+:\d+\)?|\(native\))$/m;
const INTERNAL = /internal error|internal (reader|interpreter|decoder|translation|verifier|compiler) error|runner error|worker crashed|runner crashed|Maximum call stack|is not a function|Cannot read propert|undefined is not|harness: (?!no (module|exported))/i;

/** Runs one command line in-process in `work` (a folder of its own); classifies the outcome. */
export async function runCliInput(input: CliInput, work: string, budgetMs: number, commands: readonly Command[] = COMMANDS): Promise<CliOutcome> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const [name, contents] of input.files) writeFileSync(join(work, name), contents);
  const argv = input.argv.map((a) => a.replace(/^@work/, work).replace(/=@work/, `=${work}`));
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), errIsTTY: false };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let status: number;
  // In the work folder: whatever a command line writes by a relative name lands there.
  const cwd = process.cwd();
  process.chdir(work);
  // A command writes through its Io only: what reaches the process's own streams went around it.
  const around = bypassed();
  try {
    status = await main(argv, io, commands);
  } catch (e) {
    return { status: -1, ms: performance.now() - t0, cpuMs: 0, finding: finding(input, 'crash', `main threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`) };
  } finally {
    process.chdir(cwd);
    around.restore();
  }
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  // The budget is CPU time: on a shared machine the wall clock measures the neighbours too. A run
  // that waits instead of computing (a child process, a read that never ends) is caught by the
  // wall clock at three times the budget.
  const cpuMs = (used.user + used.system) / 1000;
  const slow = cpuMs > budgetMs || ms > 3 * budgetMs;
  // `run` exits with the program's own status (134 for a trap); its internal errors still say so.
  const statusOk = [0, 1, 2].includes(status) || (PROGRAM_STATUS.has(input.command) && status >= 0 && status !== 3);
  const problem =
    !statusOk ? `exit status ${status}: ${firstLine(err)}`
    : STACK_LINE.test(err) || STACK_LINE.test(out) ? `a stack trace: ${firstLine(err || out)}`
    : INTERNAL.test(err) || INTERNAL.test(out) ? `an internal error: ${firstLine((INTERNAL.exec(err) ? err : out).split('\n').find((l) => INTERNAL.test(l)) ?? '')}`
    : around.text !== '' ? `wrote around its Io, to the process's own streams: ${firstLine(around.text)}`
    : slow ? `took ${(cpuMs / 1000).toFixed(1)} s of CPU (${(ms / 1000).toFixed(1)} s)`
    : notOneLine(err, argv, work);
  return { status, ms, cpuMs, finding: problem ? finding(input, slow ? 'slow' : 'bad-output', problem) : undefined };
}

/** Captures what is written to process.stdout and process.stderr until `restore()`. */
function bypassed(): { text: string; restore(): void } {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  const r = {
    text: '',
    restore: () => streams.forEach((s, k) => (s.write = writes[k])),
  };
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array) => {
      r.text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      return true;
    }) as typeof s.write;
  }
  return r;
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

/**
 * An error line that is neither `windlass ...: message` nor about one of the inputs (a program's
 * trap, `wasm trap: ...` and its backtrace, is the program's output).
 */
function notOneLine(err: string, argv: readonly string[], work: string): string | undefined {
  const lines = err.split('\n');
  const trap = lines.findIndex((l) => l.startsWith('wasm trap: '));
  for (const line of trap >= 0 ? lines.slice(0, trap) : lines) {
    if (line === '' || line.startsWith('windlass') || line.startsWith(work) || argv.some((a) => a !== '' && line.startsWith(`${a}:`))) continue;
    return `an error line that is not one message: ${line.slice(0, 200)}`;
  }
  return undefined;
}

function finding(input: CliInput, kind: string, message: string): Finding {
  const files = [...input.files].map(([name, c]) => `--- ${name} (${c.length} ${typeof c === 'string' ? 'chars' : 'bytes'})\n${typeof c === 'string' ? c.slice(0, 2000) : hex(c)}`);
  return { stage: 'cli', kind, message: `windlass ${input.command}: ${message}`, input: [`windlass ${input.argv.slice(1).map((a) => JSON.stringify(a)).join(' ')}`, ...files].join('\n') };
}

function hex(b: Uint8Array): string {
  return Array.from(b.subarray(0, 512), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

export { COMMANDS };
