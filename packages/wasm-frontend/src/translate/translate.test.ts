// Translation into IR, checked instruction by instruction and by the IR verifier. Every function
// of the spec suite's modules is translated and verified in spec.test.ts.
import { printFunction, verifyFunction, type Function } from '@windlass/ir';
import { describe, expect, it } from 'vitest';
import { StandardEnvironment, parseModule, translateFunction } from '../index';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
function section(id: number, payload: number[]): number[] {
  return [id, payload.length, ...payload];
}

/** (module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (local.get 0)))) */
const loadModule = new Uint8Array([
  ...header,
  ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, 1]),
  ...section(10, [1, 7, 0, 0x20, 0, 0x28, 2, 4, 0x0b]),
]);

function verifierErrors(f: Function): string[] {
  return verifyFunction(f).map((e) => e.message);
}

describe('translateFunction', () => {
  it('bounds-checks memory accesses explicitly, in the Spectre-safe form', () => {
    const m = parseModule(loadModule);
    const text = printFunction(translateFunction(m, 0, new StandardEnvironment(m)));
    expect(text).toContain('select_spectre_guard');
    expect(text).toMatch(/= load\.i32 little v\d+/);
    expect(verifierErrors(translateFunction(m, 0, new StandardEnvironment(m)))).toEqual([]);
  });

  it('relies on guard pages when asked, with no compare', () => {
    const m = parseModule(loadModule);
    const text = printFunction(translateFunction(m, 0, new StandardEnvironment(m, { boundsChecks: 'guard' })));
    expect(text).not.toContain('select_spectre_guard');
    expect(text).not.toContain('icmp');
  });

  it('passes vmctx first and names functions u<namespace>:<index>', () => {
    const m = parseModule(loadModule);
    const f = translateFunction(m, 0, new StandardEnvironment(m, { namespace: 7 }));
    expect(printFunction(f)).toMatch(/^function u7:0\(i64 vmctx, i32\) -> i32/);
  });

  it('reports a declaration of too many locals at the declaration', () => {
    // (func (result i32) (local i32) (local <2^32-2 x i64>) (i32.const 0))
    const body = [2, 1, 0x7f, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0x7e, 0x41, 0x00, 0x0b];
    const bytes = new Uint8Array([...header, ...section(1, [1, 0x60, 0, 1, 0x7f]), ...section(3, [1, 0]), ...section(10, [1, body.length, ...body])]);
    const second = bytes.length - body.length + 3; // after the count 2 and the first group
    const m = parseModule(bytes);
    expect(() => translateFunction(m, 0, new StandardEnvironment(m))).toThrow(
      `unsupported module: 4294967294 locals in one declaration at byte 0x${second.toString(16)} (code section, function 0)`,
    );
  });
});
