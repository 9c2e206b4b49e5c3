// The C programs of examples/wasi, built for wasm32-wasi with Debian's clang and wasi-libc,
// compiled ahead of time and run with `windlass run`: the same standard output and exit code as
// the same program built natively with gcc, and as under wasmtime (PyPI's `wasmtime`, where it
// is installed). sandbox.c shows what a guest cannot reach (natively it reaches everything).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@windlass/isa-x64';
import '@windlass/isa-aarch64';
import '@windlass/isa-riscv64';
import '@windlass/isa-s390x';
import { compileModule, serialize } from '@windlass/linker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const examples = join(root, 'examples', 'wasi');
const windlass = join(root, 'packages', 'cli', 'bin', 'windlass.mjs');
const wasmtimeRun = join(examples, 'wasmtime_run.py');

function tool(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
const wasiClang = (): boolean => spawnSync('clang', ['--target=wasm32-wasi', '-x', 'c', '-', '-o', '/dev/null'], { input: '#include <stdio.h>\nint main(void) { puts("x"); return 0; }\n' }).status === 0;
const haveToolchains = process.platform === 'linux' && process.arch === 'x64' && tool('gcc', ['--version']) && wasiClang();
const haveWasmtime = haveToolchains && tool('python3', ['-c', 'import wasmtime']);
const why = haveToolchains ? '' : 'clang, wasi-libc (Debian: clang lld wasi-libc libclang-rt-dev-wasm32) or gcc missing, or not an x86-64 Linux host';

interface Program {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  /** Runs in a fresh directory: its working directory natively, preopened as `.` under WASI. */
  dir?: boolean;
}

const PROGRAMS: Program[] = [
  { name: 'hello', args: ['one', 'two words', '-3', '--help', ''] },
  { name: 'exit_code', args: ['7'] },
  { name: 'atexit' },
  { name: 'files', dir: true },
  { name: 'dirs', dir: true },
  { name: 'sort' },
  { name: 'strings' },
  { name: 'math' },
  { name: 'alloc' },
  { name: 'env', env: { GREETING: 'hi there', COUNT: '7' } },
  { name: 'wc', stdin: 'the quick brown fox\njumps over\n\n  the lazy dog  \nno newline at the end' },
  { name: 'abort' },
];

interface Outcome {
  stdout: string;
  status: number;
}

function outcome(r: SpawnSyncReturns<string>): Outcome {
  if (r.error) throw r.error;
  // Status 3 is the CLI's own internal error, never a program's outcome: show what it said.
  if (r.status === 3 && r.stderr.includes('internal error')) throw new Error(r.stderr);
  // Killed by a signal: the status a shell reports (128 + signal number; SIGABRT is 134).
  const signals: Record<string, number> = { SIGABRT: 6, SIGSEGV: 11, SIGILL: 4, SIGFPE: 8 };
  return { stdout: r.stdout, status: r.status ?? 128 + (signals[r.signal ?? ''] ?? 0) };
}

let build = '';
const scratch: string[] = [];

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'windlass-wasi-run-'));
  scratch.push(d);
  return d;
}

beforeAll(() => {
  if (!haveToolchains) return;
  build = mkdtempSync(join(tmpdir(), 'windlass-wasi-'));
  for (const f of readdirSync(examples).filter((n) => n.endsWith('.c'))) {
    const name = f.slice(0, -2);
    for (const [cmd, args] of [
      ['clang', ['--target=wasm32-wasi', '-O2', '-o', join(build, `${name}.wasm`), join(examples, f)]],
      ['gcc', ['-O2', '-o', join(build, name), join(examples, f), '-lm']],
    ] as const) {
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${f}: ${r.stderr}`);
    }
    const wasm = new Uint8Array(spawnSync('cat', [join(build, `${name}.wasm`)], { encoding: 'buffer' }).stdout);
    writeFileSync(join(build, `${name}.cwasm`), serialize(compileModule(wasm, { target: 'x86_64' })));
  }
}, 600_000);

afterAll(() => {
  if (build) rmSync(build, { recursive: true, force: true });
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function native(p: Program): Outcome {
  const cwd = p.dir ? freshDir() : build;
  return outcome(spawnSync(join(build, p.name), p.args ?? [], { cwd, env: p.env ?? {}, input: p.stdin ?? '', encoding: 'utf8' }));
}

function runWindlass(p: Program, file = `${p.name}.cwasm`, dir?: string): Outcome {
  const opts = [...Object.entries(p.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]), ...(p.dir || dir ? ['--dir', `${dir ?? freshDir()}::.`] : [])];
  return outcome(spawnSync(process.execPath, [windlass, 'run', ...opts, join(build, file), ...(p.args ?? [])], { input: p.stdin ?? '', encoding: 'utf8' }));
}

function wasmtime(p: Program, dir?: string): Outcome {
  const opts = [...Object.entries(p.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]), ...(p.dir || dir ? ['--dir', `${dir ?? freshDir()}::.`] : [])];
  return outcome(spawnSync('python3', [wasmtimeRun, join(build, `${p.name}.wasm`), ...opts, '--argv0', `${p.name}.cwasm`, '--', ...(p.args ?? [])], { input: p.stdin ?? '', encoding: 'utf8' }));
}

describe.runIf(haveToolchains)('C programs for wasm32-wasi through `windlass run`', () => {
  it.each(PROGRAMS.map((p) => [p.name, p] as const))('%s: the same output and exit code as gcc natively', (_name, p) => {
    const want = native(p);
    const got = runWindlass(p);
    expect(got).toEqual(want);
    expect(want.stdout.length).toBeGreaterThan(0);
  }, 120_000);

  it.runIf(haveWasmtime).each(PROGRAMS.map((p) => [p.name, p] as const))('%s: the same output and exit code as under wasmtime', (_name, p) => {
    expect(runWindlass(p)).toEqual(wasmtime(p));
  }, 120_000);

  it('runs a .wasm directly (compiled first) as it runs its artifact', () => {
    const p = PROGRAMS[0];
    expect(runWindlass(p, `${p.name}.wasm`)).toEqual(runWindlass(p));
  }, 120_000);

  it('keeps the guest inside its preopened directory: .., absolute paths and escaping symlinks are refused', () => {
    const top = freshDir();
    const sandbox = join(top, 'root');
    mkdirSync(join(sandbox, 'sub'), { recursive: true });
    writeFileSync(join(top, 'secret.txt'), 'SECRET!\n');
    writeFileSync(join(sandbox, 'inside.txt'), 'inside\n');
    symlinkSync('../secret.txt', join(sandbox, 'link-out'));
    symlinkSync('../../secret.txt', join(sandbox, 'sub', 'link-up'));
    symlinkSync('inside.txt', join(sandbox, 'link-in'));
    const got = runWindlass({ name: 'sandbox' }, 'sandbox.cwasm', sandbox);
    expect(got.status).toBe(0);
    expect(got.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      'inside.txt OPENED (7 bytes: inside)',
      '../secret.txt refused',
      'sub/../../secret.txt refused',
      '/etc/passwd refused',
      'link-out refused',
      'sub/link-up refused',
      'link-in OPENED (7 bytes: inside)',
      'mkdir ../escape: refused',
      '',
    ]);
    expect(existsSync(join(top, 'escape'))).toBe(false);
    if (haveWasmtime) expect(got).toEqual(wasmtime({ name: 'sandbox' }, sandbox));
  }, 120_000);
});

/** Other ISAs, under qemu-user through the cross-built loader (s390x: a big-endian host). */
const CROSS: [string, string][] = [
  ['aarch64', 'aarch64'],
  ['riscv64', 'riscv64 has_v'],
  ['s390x', 's390x'],
];
const CROSS_PROGRAMS = ['files', 'math', 'strings'];

describe.runIf(haveToolchains)('C programs for wasm32-wasi on other ISAs', () => {
  for (const [isa, target] of CROSS) {
    const ready = tool(`${isa}-linux-gnu-gcc`, ['--version']) && tool(`qemu-${isa}`, ['--version']);
    it.runIf(ready)(`${target}: ${CROSS_PROGRAMS.join(', ')} print what gcc's native builds print`, () => {
      for (const name of CROSS_PROGRAMS) {
        const p = PROGRAMS.find((x) => x.name === name)!;
        const file = `${name}-${isa}.cwasm`;
        const wasm = new Uint8Array(spawnSync('cat', [join(build, `${name}.wasm`)], { encoding: 'buffer' }).stdout);
        writeFileSync(join(build, file), serialize(compileModule(wasm, { target })));
        expect(runWindlass(p, file)).toEqual(native(p));
      }
    }, 600_000);
  }
});

describe.skipIf(haveToolchains)('C programs for wasm32-wasi', () => {
  it.skip(`skipped: ${why}`, () => {});
});
