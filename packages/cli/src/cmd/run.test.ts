// `windlass compile` (wasm to artifact), `windlass run --invoke` and `windlass inspect`, in
// process: values in and out in the command line's syntax, traps, and the usage errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliOnTerminal } from '../test-support';
import { artifactHostProblem } from '../wasm';

const canRun = process.platform === 'linux' && process.arch === 'x64';
const dir = mkdtempSync(join(tmpdir(), 'windlass-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WAT = `(module
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64) (result i64 i64) (i64.mul (local.get 0) (i64.const 2)) (i64.const -1))
  (func (export "floats") (param f32 f64) (result f64 f32) (f64.mul (local.get 1) (f64.const 2)) (local.get 0))
  (func (export "lanes") (param v128) (result v128) (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1)))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "outer") (param i32) (result i32) (call $div (i32.const 1) (local.get 0)))
)`;

const wat = join(dir, 'm.wat');
writeFileSync(wat, WAT);
const cwasm = join(dir, 'm.cwasm');

describe.runIf(canRun)('windlass compile / run / inspect', () => {
  it('compiles a .wat module into an artifact, and inspect describes it', async () => {
    expect(await cli('compile', wat, '-o', cwasm)).toEqual({ status: 0, out: '', err: '' });
    const r = await cli('inspect', cwasm);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^kind: module\ntarget: x86_64 /);
    expect(r.out).toContain('settings: enable_verifier=false');
    expect(r.out).toContain('export func "add" = 0 (i32, i32) -> (i32)');
    expect(r.out).toMatch(/functions: 6, \d+ bytes of code/);
    expect(r.out).toMatch(/entry_trampoline_sig\d+ +\d+ bytes {2}\(i64\) -> \(i64, i64\)/);
    expect(r.out).toMatch(/\.windlass\.compat +\d+ bytes/);
  }, 60_000);

  it('calls an export with arguments parsed by its types and prints each result on its own line', async () => {
    expect(await cli('run', '--invoke', 'add', cwasm, '-5', '4294967295')).toMatchObject({ status: 0, out: '-6\n' });
    expect(await cli('run', '--invoke', 'add', cwasm, '0x7fffffff', '1')).toMatchObject({ status: 0, out: '-2147483648\n' });
    expect(await cli('run', '--invoke', 'wide', cwasm, '-21')).toMatchObject({ status: 0, out: '-42\n-1\n' });
    expect(await cli('run', '--invoke', 'floats', cwasm, 'nan:0x200001', '0x1.8p1')).toMatchObject({ status: 0, out: '6\nnan:0x200001\n' });
    expect(await cli('run', '--invoke', 'floats', cwasm, '-inf', '-0')).toMatchObject({ status: 0, out: '-0\n-inf\n' });
    expect(await cli('run', '--invoke', 'floats', cwasm, '0.1', '1e-300')).toMatchObject({ status: 0, out: '2e-300\n0.1\n' });
    expect(await cli('run', '--invoke', 'lanes', cwasm, 'i32x4', '1', '-2', '0x10', '4294967295')).toMatchObject({ status: 0, out: 'i32x4 2 -1 17 0\n' });
    expect(await cli('run', '--invoke', 'lanes', cwasm, 'i8x16', ...Array.from({ length: 16 }, (_, k) => String(k)))).toMatchObject({ status: 0, out: 'i32x4 50462977 117835013 185207049 252579085\n' });
  }, 60_000);

  it('prints a trap and its wasm backtrace, and exits 134', async () => {
    const r = await cli('run', '--invoke', 'outer', cwasm, '0');
    expect(r.status).toBe(134);
    expect(r.out).toBe('');
    // Frames name the function (the text reader keeps $names); the caller's frame has its offset.
    expect(r.err).toMatch(/^wasm trap: integer divide by zero\nwasm backtrace:\n {2}0: .* - div \(func\[4\]\)\n {2}1: 0x[0-9a-f]+ - func\[5\]\n$/);
  }, 60_000);

  it('gives usage errors (exit 2) for bad arguments, and compiles a .wasm FILE first', async () => {
    expect((await cli('run', '--invoke', 'add', cwasm, '1')).status).toBe(2);
    expect((await cli('run', '--invoke', 'add', cwasm, '1', 'x')).err).toMatch(/argument 2 of add \(i32\): 'x' is not an integer/);
    expect((await cli('run', '--invoke', 'add', cwasm, '1', '2', '3')).err).toMatch(/add takes 2 arguments \(i32, i32\); extra: 3/);
    expect((await cli('run', '--invoke', 'add', cwasm, '1', '4294967296')).err).toMatch(/does not fit in 32 bits/);
    expect((await cli('run', '--invoke', 'nope', cwasm)).err).toMatch(/exports no function "nope"/);
    expect((await cli('run', cwasm)).err).toMatch(/no _start to run/);
    expect(await cli('run', '--invoke', 'add', wat, '20', '22')).toMatchObject({ status: 0, out: '42\n' });
  }, 60_000);

  it('shows the functions compiled so far on a terminal (compile, and run of a wasm module), erased after', async () => {
    const c = await cliOnTerminal('compile', wat, '-o', join(dir, 'tty.cwasm'));
    expect(c.status).toBe(0);
    const frames = c.err.split('\r\x1b[2K');
    expect(frames[0]).toBe('');
    expect(frames[1]).toMatch(/^\[#+ *\] 1\/6 functions /);
    expect(frames).toContainEqual(expect.stringMatching(/^\[#{24}\] 6\/6 functions /));
    expect(frames.at(-1)).toMatch(/: 6 functions, \d+ bytes, compiled in/);
    const r = await cliOnTerminal('run', '--invoke', 'add', wat, '20', '22');
    expect(r).toMatchObject({ status: 0, out: '42\n' });
    expect(r.err).toContain('6/6 functions');
    expect(r.err.endsWith('\r\x1b[2K')).toBe(true);
    // On a pipe (the tests above): nothing.
  }, 60_000);

  it('says in one line that a --dir cannot be opened (fuzz finding: it was an internal error)', async () => {
    const r = await cli('run', '--dir', join(dir, 'no-such-dir'), '--invoke', 'add', cwasm, '1', '2');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^windlass run: .*no-such-dir.*\n$/);
  }, 60_000);

  it('refuses an artifact made with other settings than asked for, and a CLIF object', async () => {
    const fast = join(dir, 'fast.cwasm');
    expect((await cli('compile', '--set', 'opt_level=speed', wat, '-o', fast)).status).toBe(0);
    const r = await cli('run', '--set', 'opt_level=none', '--invoke', 'add', fast, '1', '2');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/not loadable: .*setting opt_level: artifact has speed, expected none/);
    expect(await cli('run', '--set', 'opt_level=speed', '--invoke', 'add', fast, '1', '2')).toMatchObject({ status: 0, out: '3\n' });
    const clif = join(dir, 'f.clif');
    writeFileSync(clif, 'function %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n');
    expect((await cli('compile', clif, '-o', join(dir, 'f.o'))).status).toBe(0);
    const i = await cli('inspect', join(dir, 'f.o'));
    expect(i.status).toBe(1);
    expect(i.err).toMatch(/not a Windlass artifact/);
  }, 60_000);
});

const canRunS390x = canRun && ['qemu-s390x', 's390x-linux-gnu-gcc'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

describe.runIf(canRunS390x)('an artifact compiled on x86-64 for s390x (big-endian), run under qemu-s390x', () => {
  const s390x = join(dir, 'm-s390x.cwasm');
  it('compiles, loads and runs with the same results and traps', async () => {
    // With frame pointers kept, the loader's back-chain walk sees every frame of the backtrace
    // (a leaf function has no frame of its own otherwise).
    expect(await cli('compile', wat, '--target', 's390x', '--set', 'preserve_frame_pointers=true', '-o', s390x)).toEqual({ status: 0, out: '', err: '' });
    expect((await cli('inspect', s390x)).out).toMatch(/^kind: module\ntarget: s390x/);
    expect(await cli('run', '--invoke', 'add', s390x, '-5', '4294967295')).toMatchObject({ status: 0, out: '-6\n' });
    expect(await cli('run', '--invoke', 'wide', s390x, '-21')).toMatchObject({ status: 0, out: '-42\n-1\n' });
    expect(await cli('run', '--invoke', 'floats', s390x, 'nan:0x200001', '0x1.8p1')).toMatchObject({ status: 0, out: '6\nnan:0x200001\n' });
    expect(await cli('run', '--invoke', 'lanes', s390x, 'i8x16', ...Array.from({ length: 16 }, (_, k) => String(k)))).toMatchObject({ status: 0, out: 'i32x4 50462977 117835013 185207049 252579085\n' });
    const r = await cli('run', '--invoke', 'outer', s390x, '0');
    expect(r.status).toBe(134);
    expect(r.err).toMatch(/^wasm trap: integer divide by zero\nwasm backtrace:\n {2}0: .* - div \(func\[4\]\)\n {2}1: 0x[0-9a-f]+ - func\[5\]\n$/);
  }, 120_000);
});

describe.runIf(artifactHostProblem('riscv64') === null)('windlass run: a riscv64 artifact under qemu-riscv64', () => {
  it('compiles for riscv64 here and runs the artifact through the cross-built loader', async () => {
    const rv = join(dir, 'm.rv64.cwasm');
    expect(await cli('compile', '--target', 'riscv64 has_v has_c', wat, '-o', rv)).toEqual({ status: 0, out: '', err: '' });
    expect((await cli('inspect', rv)).out).toMatch(/^kind: module\ntarget: riscv64 /);
    expect(await cli('run', '--invoke', 'add', rv, '-5', '4294967295')).toMatchObject({ status: 0, out: '-6\n' });
    expect(await cli('run', '--invoke', 'wide', rv, '-21')).toMatchObject({ status: 0, out: '-42\n-1\n' });
    expect(await cli('run', '--invoke', 'lanes', rv, 'i32x4', '1', '-2', '0x10', '4294967295')).toMatchObject({ status: 0, out: 'i32x4 2 -1 17 0\n' });
    const r = await cli('run', '--invoke', 'outer', rv, '0');
    expect(r.status).toBe(134);
    expect(r.err).toMatch(/^wasm trap: integer divide by zero\nwasm backtrace:\n {2}0: .* - div \(func\[4\]\)\n/);
  }, 120_000);
});
