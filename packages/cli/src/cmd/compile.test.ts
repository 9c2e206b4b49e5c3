import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../test-support';

const examples = join(__dirname, '../../../../examples');
const dir = mkdtempSync(join(tmpdir(), 'windlass-compile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('windlass compile', () => {
  it('prints listings of every function of several files', async () => {
    const r = await cli('compile', join(examples, 'arith.clif'), join(examples, 'select.clif'));
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/function gcd/);
    expect(r.out).toMatch(/div\s+/);
    expect(r.out).toMatch(/function max/);
  });

  it('applies --set after the file\'s set lines, and rejects an unknown setting once', async () => {
    writeFileSync(join(dir, 'fold.clif'), 'function %f() -> i32 {\nblock0:\n    v0 = iconst.i32 2\n    v1 = iadd v0, v0\n    return v1\n}\n');
    const plain = await cli('compile', join(dir, 'fold.clif'));
    const opt = await cli('compile', '--set', 'opt_level=speed', join(dir, 'fold.clif'));
    expect(plain.out).toMatch(/add/);
    expect(opt.out).not.toMatch(/add/);
    expect(await cli('compile', '--set', 'frob=1', join(dir, 'fold.clif'))).toEqual({
      status: 2, out: '', err: "windlass compile: --set frob=1: unknown shared setting 'frob' (see 'windlass compile --help')\n",
    });
  });

  it('writes no object when a function fails to compile, and says why', async () => {
    writeFileSync(join(dir, 'p.clif'), 'function %ok(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n'
      + 'function %v(i32x2, i32x2) -> i32x2 {\nblock0(v0: i32x2, v1: i32x2):\n    v2 = iadd v0, v1\n    return v2\n}\n');
    const r = await cli('compile', join(dir, 'p.clif'), '-o', join(dir, 'p.o'));
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/v: .*unsupported: iadd on i32x2/);
    expect(r.err).toMatch(/p\.o not written: 1 function failed/);
    expect(r.err).not.toMatch(/never defined/);
    expect(existsSync(join(dir, 'p.o'))).toBe(false);
  });

  it('writes an object of one file with -o, and refuses -o with several files', async () => {
    const out = join(dir, 'arith.o');
    expect((await cli('compile', join(examples, 'arith.clif'), '-o', out)).status).toBe(0);
    expect(existsSync(out)).toBe(true);
    const r = await cli('compile', '-o', out, join(examples, 'arith.clif'), join(examples, 'select.clif'));
    expect(r).toMatchObject({ status: 2, err: "windlass compile: -o writes the object of one FILE, got 2 (see 'windlass compile --help')\n" });
  });

  it('compiles what `windlass wasm` prints, call_indirect included', async () => {
    writeFileSync(join(dir, 'ind.wat'), `(module (type $t (func (param i32) (result i32))) (table 1 funcref)
      (func $sq (type $t) (i32.mul (local.get 0) (local.get 0))) (elem (i32.const 0) $sq)
      (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))`);
    const ir = await cli('wasm', join(dir, 'ind.wat'));
    expect(ir).toMatchObject({ status: 0, err: '' });
    expect(ir.out).toMatch(/call_indirect sig\d+, v\d+\(/);
    writeFileSync(join(dir, 'ind.clif'), ir.out);
    expect(await cli('compile', join(dir, 'ind.clif'), '-o', join(dir, 'ind.o'))).toEqual({ status: 0, out: '', err: '' });
  });

  it('reports a file it cannot read or parse in one line and goes on with the others', async () => {
    writeFileSync(join(dir, 'bad.clif'), 'function %f() {\nblock0:\n    v1 = frob\n}\n');
    const r = await cli('compile', join(dir, 'missing.clif'), join(dir, 'bad.clif'), join(examples, 'arith.clif'));
    expect(r.status).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `windlass compile: cannot read ${join(dir, 'missing.clif')}: no such file`,
      `${join(dir, 'bad.clif')}:3:10: unknown opcode \`frob\``,
      '',
    ]);
    expect(r.out).toMatch(/function gcd/);
  });
});
