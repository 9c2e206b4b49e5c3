import { describe, expect, it } from 'vitest';
import { ExternKind, I32, WasmError, WasmInvalidError, WasmMalformedError, checkModule, parseModule } from './index';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function section(id: number, payload: number[]): number[] {
  return [id, payload.length, ...payload];
}

/** (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
const addModule = [
  ...header,
  ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
  ...section(3, [1, 0]),
  ...section(7, [1, 3, 0x61, 0x64, 0x64, 0x00, 0]),
  ...section(10, [1, 7, 0, 0x20, 0, 0x20, 1, 0x6a, 0x0b]),
];

function withBody(code: number[], locals: number[] = [0]): Uint8Array {
  const body = [...locals, ...code];
  return new Uint8Array([
    ...header,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

describe('decodeModule / parseModule', () => {
  it('decodes types, functions, exports and keeps bodies as byte ranges', () => {
    const m = parseModule(new Uint8Array(addModule));
    expect(m.types).toEqual([{ params: [I32, I32], results: [I32] }]);
    expect(m.funcTypes).toEqual([0]);
    expect(m.exports).toEqual([{ name: 'add', kind: ExternKind.Func, index: 0 }]);
    const body = m.bodies[0];
    expect(m.bytes[body.end - 1]).toBe(0x0b);
  });

  it('reports the byte offset, section and rule of a malformed module', () => {
    const bytes = new Uint8Array(addModule);
    bytes[4] = 2; // version 2
    const e = checkModule(bytes);
    expect(e).toBeInstanceOf(WasmMalformedError);
    expect((e as WasmError).rule).toBe('unknown binary version');
    expect((e as WasmError).location.offset).toBe(4);
  });

  it('rejects a body that does not type-check, naming the function', () => {
    const good = checkModule(withBody([0x20, 0, 0x0b])); // local.get 0 leaves the i32 result
    expect(good).not.toBeInstanceOf(WasmError);
    const bad = checkModule(withBody([0x20, 0, 0x42, 0, 0x6a, 0x0b])); // i32.add of i32 and i64
    expect(bad).toBeInstanceOf(WasmInvalidError);
    expect((bad as WasmError).rule).toBe('type mismatch');
    expect((bad as WasmError).location.func).toBe(0);
  });

  it('accepts polymorphic stacks after unreachable', () => {
    expect(checkModule(withBody([0x00, 0x6a, 0x0b]))).not.toBeInstanceOf(WasmError);
  });

  it('checks the unused bits of a LEB128', () => {
    // i32.const with a 5-byte LEB whose top bits are not a sign extension
    const e = checkModule(withBody([0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0b]));
    expect((e as WasmError).rule).toBe('integer too large');
    const ok = checkModule(withBody([0x41, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x0b]));
    expect(ok).not.toBeInstanceOf(WasmError);
  });

  it('never trusts a count longer than the bytes left', () => {
    // type section claiming 2^32-1 types
    const e = checkModule(new Uint8Array([...header, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(e).toBeInstanceOf(WasmMalformedError);
  });

  it('reads the name section', () => {
    const name = [4, 0x6e, 0x61, 0x6d, 0x65];
    const funcNames = [1, 6, 1, 0, 3, 0x61, 0x64, 0x64];
    const m = parseModule(new Uint8Array([...addModule, ...section(0, [...name, ...funcNames])]));
    expect(m.names?.functions.get(0)).toBe('add');
    expect(m.customs.map((c) => c.name)).toEqual(['name']);
  });
});
