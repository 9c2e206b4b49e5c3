import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printWasmIr } from './index';

const dir = mkdtempSync(join(tmpdir(), 'print-ir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('windlass wasm on text modules', () => {
  it('reads a .wat module and prints the IR of each function, named after its $name', () => {
    const path = file('add.wat', '(module (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
    const ir = printWasmIr(path);
    expect(ir).toMatch(/^; function 0: add\nfunction u0:0\(i64 vmctx, i32, i32\) -> i32 fast \{/);
    expect(ir).toContain('iadd v1, v2');
  });

  it('reports malformed and invalid text at its line:column', () => {
    expect(() => printWasmIr(file('bad.wat', '(module\n  (func (i32.konst 1)))'))).toThrow(/bad\.wat:2:10: unknown operator/);
    expect(() => printWasmIr(file('invalid.wat', '(module\n  (func (result i32)\n    (i64.const 1)))'))).toThrow(/invalid\.wat:3:18: invalid module: type mismatch/);
  });
});
