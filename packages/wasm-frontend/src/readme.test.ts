/// <reference types="node" />
// Keeps the README examples true: the quick start runs as written (tools/readme-example.ts), the
// same bytes decode to what it prints, and the text examples read as shown.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickStart, runQuickStart } from '../../../tools/readme-example';
import { ComponentBuilder, WatError, parseComponent, parseWat, parseWatModule } from './index';

const dir = join(__dirname, '..');

describe('README example', () => {
  it('is, in its quick start, test-support/readme-example.ts word for word', () => {
    const { readme, example } = quickStart(dir);
    expect(readme).toBe(example);
  });

  it('runs the quick start, which decodes and validates the load example', async () => {
    expect(await runQuickStart(dir)).toEqual(['[ { params: [ 127 ], results: [ 127 ] } ] [ { limits: { min: 1 } } ]']);
  });

  it('reads the text of the example into the same bytes, and reports text errors as shown', () => {
    const bytes = parseWat('(module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (local.get 0))))');
    expect(Array.from(bytes)).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00,
      0x28, 0x02, 0x04, 0x0b,
    ]);
    expect(() => parseWatModule('(module (func $f (result i32) (i64.const 1)))', 'f.wat', { names: true })).toThrow(
      'f.wat:1:44: invalid module: type mismatch: expected i32, found i64',
    );
    let message = '';
    try {
      parseWat('(module\n  (func (i32.konst 1)))', 'g.wat');
    } catch (e) {
      if (e instanceof WatError) message = e.message;
    }
    expect(message).toBe('g.wat:2:10: unknown operator: "i32.konst"; expected an instruction name');
  });

  it('builds, validates and flattens the component of the Components section', () => {
    const c = new ComponentBuilder();
    const m = c.coreModule(parseWat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'));
    const add = c.aliasCoreExport(c.coreInstantiate(m), 'core func', 'add');
    const t = c.type({ k: 'func', params: [{ name: 'a', t: { prim: 'u32' } }, { name: 'b', t: { prim: 'u32' } }], result: { prim: 'u32' } });
    c.export('add', 'func', c.canonLift(add, t));
    const { flat } = parseComponent(c.finish());
    expect([flat.instances.length, flat.exports[0].name]).toEqual([1, 'add']);
  });
});
