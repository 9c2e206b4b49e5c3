// Translation into IR, checked by the IR verifier and instruction by instruction. Every function
// of the spec suite's modules is translated and verified in spec.test.ts; the standard
// environment's choices (bounds checks, names) are tested in @windlass/linker.
import { LOAD, printFunction, verifyFunction } from '@windlass/ir';
import { describe, expect, it } from 'vitest';
import { parseModule, translateFunction } from '../index';
import { TestEnvironment } from '../test-support/environment';

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

describe('translateFunction', () => {
  it('produces IR the verifier accepts, vmctx first', () => {
    const m = parseModule(loadModule);
    const f = translateFunction(m, 0, new TestEnvironment(m));
    expect(verifyFunction(f).map((e) => e.message)).toEqual([]);
    expect(printFunction(f)).toMatch(/^function u0:0\(i64 vmctx, i32\) -> i32 fast/);
  });

  it('gives every instruction of an operator that operator\'s byte offset in the module', () => {
    const m = parseModule(loadModule);
    const f = translateFunction(m, 0, new TestEnvironment(m));
    const loadAt = loadModule.indexOf(0x28); // the i32.load opcode
    const loads = [...f.blocks()].flatMap((b) => [...f.blockInsts(b)]).filter((i) => f.opcode(i) === LOAD);
    expect(loads.length).toBeGreaterThan(0);
    for (const i of loads) expect(f.srcLoc(i)).toBe(loadAt);
    expect(printFunction(f)).toContain(`@${loadAt.toString(16).padStart(4, '0')}`);
  });

  it('reports a declaration of too many locals at the declaration', () => {
    // (func (result i32) (local i32) (local <2^32-2 x i64>) (i32.const 0))
    const body = [2, 1, 0x7f, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0x7e, 0x41, 0x00, 0x0b];
    const bytes = new Uint8Array([...header, ...section(1, [1, 0x60, 0, 1, 0x7f]), ...section(3, [1, 0]), ...section(10, [1, body.length, ...body])]);
    const second = bytes.length - body.length + 3; // after the count 2 and the first group
    const m = parseModule(bytes);
    expect(() => translateFunction(m, 0, new TestEnvironment(m))).toThrow(
      `unsupported module: 4294967294 locals in one declaration at byte 0x${second.toString(16)} (code section, function 0)`,
    );
  });
});
