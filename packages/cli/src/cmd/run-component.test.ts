// `windlass compile`, `run --invoke` and `inspect` on a component: WAVE values in (strings,
// lists, records, results), WAVE out, a trap, and the usage errors of component calls.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentBuilder, parseWat, type AValType } from '@windlass/wasm-frontend';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../test-support';

const canRun = process.platform === 'linux' && process.arch === 'x64';
const dir = mkdtempSync(join(tmpdir(), 'windlass-run-component-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Results of more than one core value come back through memory: the core functions write them
// at 32 and return that address.
const CORE = `(module
  (memory (export "mem") 1)
  (global $bump (mut i32) (i32.const 1024))
  (data (i32.const 512) "division by zero")
  (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (func (export "echo") (param i32 i32) (result i32)
    (i32.store (i32.const 32) (local.get 0)) (i32.store (i32.const 36) (local.get 1)) (i32.const 32))
  (func (export "sum") (param $p i32) (param $n i32) (result i64) (local $s i64)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $s))
  (func (export "div") (param $a i32) (param $b i32) (result i32)
    (if (i32.eqz (local.get $b)) (then
      (i32.store8 (i32.const 32) (i32.const 1)) (i32.store (i32.const 36) (i32.const 512)) (i32.store (i32.const 40) (i32.const 16))
      (return (i32.const 32))))
    (i32.store8 (i32.const 32) (i32.const 0))
    (i32.store (i32.const 36) (i32.div_s (local.get $a) (local.get $b)))
    (i32.const 32))
  (func (export "area") (param f64 f64) (result f64) (f64.mul (local.get 0) (local.get 1))))`;

function component(): Uint8Array {
  const c = new ComponentBuilder();
  const i = c.coreInstantiate(c.coreModule(parseWat(CORE)));
  const opts = { memory: c.aliasCoreExport(i, 'core memory', 'mem'), realloc: c.aliasCoreExport(i, 'core func', 'realloc'), encoding: 'utf8' as const };
  const s: AValType = { prim: 'string' };
  const s32: AValType = { prim: 's32' };
  const f64: AValType = { prim: 'f64' };
  const lift = (name: string, params: { name: string; t: AValType }[], result: AValType): void => {
    c.export(name, 'func', c.canonLift(c.aliasCoreExport(i, 'core func', name), c.type({ k: 'func', params, result }), opts));
  };
  lift('echo', [{ name: 's', t: s }], s);
  lift('sum', [{ name: 'xs', t: { idx: c.type({ k: 'list', t: { prim: 'u32' } }), at: 0 } }], { prim: 'u64' });
  lift('div', [{ name: 'a', t: s32 }, { name: 'b', t: s32 }], { idx: c.type({ k: 'result', ok: s32, err: s }), at: 0 });
  const rect = c.type({ k: 'record', fields: [{ name: 'width', t: f64 }, { name: 'height', t: f64 }] });
  lift('area', [{ name: 'r', t: { idx: rect, at: 0 } }], f64);
  return c.finish();
}

const wasm = join(dir, 'c.wasm');
writeFileSync(wasm, component());
const cwasm = join(dir, 'c.cwasm');

describe.runIf(canRun)('windlass compile / run / inspect on a component', () => {
  it('compiles a component into one artifact, and inspect lists its modules, adapters and exports', async () => {
    expect(await cli('compile', wasm, '-o', cwasm)).toEqual({ status: 0, out: '', err: '' });
    const r = await cli('inspect', cwasm);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^kind: component\ntarget: x86_64 /);
    expect(r.out).toMatch(/component: \d+ modules \(1 core modules, 0 fused adapters, 4 export adapters, /);
    expect(r.out).toContain('export "div": func(a: s32, b: s32) -> result<s32, string>');
    expect(r.out).toContain('export "area": func(r: record {width, height}) -> f64');
    expect(r.out).toMatch(/module 0 \(core module\): 5 functions/);
    expect(r.out).toContain('(export adapter: "div" of component instance 0: func(a: s32, b: s32) -> result<s32, string>)');
    expect(r.out).toMatch(/\.windlass\.component +\d+ bytes/);
  }, 60_000);

  it('calls exports with WAVE arguments and prints the result in WAVE', async () => {
    expect(await cli('run', '--invoke', 'echo', cwasm, '"héllo, \\"wörld\\"\\n"')).toMatchObject({ status: 0, out: '"héllo, \\"wörld\\"\\n"\n' });
    expect(await cli('run', '--invoke', 'sum', cwasm, '[1, 2, 4294967295]')).toMatchObject({ status: 0, out: '4294967298\n' });
    expect(await cli('run', '--invoke', 'div', cwasm, '7', '-2')).toMatchObject({ status: 0, out: 'ok(-3)\n' });
    expect(await cli('run', '--invoke', 'div', cwasm, '1', '0')).toMatchObject({ status: 0, out: 'err("division by zero")\n' });
    expect(await cli('run', '--invoke', 'area', cwasm, '{width: 1.5, height: 4}')).toMatchObject({ status: 0, out: '6\n' });
    // A component binary is compiled first, as a module is.
    expect(await cli('run', '--invoke', 'echo', wasm, '""')).toMatchObject({ status: 0, out: '""\n' });
  }, 60_000);

  it('prints a trap and exits 134', async () => {
    const r = await cli('run', '--invoke', 'div', cwasm, '-2147483648', '-1');
    expect(r.status).toBe(134);
    expect(r.err).toMatch(/integer overflow/);
  }, 60_000);

  it('gives usage errors for what a component call cannot take', async () => {
    expect(await cli('run', cwasm)).toMatchObject({ status: 2, err: expect.stringContaining('is a component: call one of its exported functions with --invoke NAME') });
    expect(await cli('run', '--invoke', 'nope', cwasm)).toMatchObject({ status: 2, err: expect.stringContaining('no export named "nope" (functions: echo, sum, div, area)') });
    expect(await cli('run', '--invoke', 'div', cwasm, '1')).toMatchObject({ status: 2, err: expect.stringContaining('div takes 2 arguments (a: s32, b: s32), given 1') });
    expect(await cli('run', '--invoke', 'sum', cwasm, '[1, -1]')).toMatchObject({ status: 2, err: expect.stringContaining('sum argument xs (list<u32>): at 4: -1 is out of range for u32 (0 to 4294967295)') });
    expect(await cli('run', '--invoke', 'area', cwasm, '{width: 1}')).toMatchObject({ status: 2, err: expect.stringContaining('field height is missing') });
  }, 60_000);
});
