// The README's example, kept working.
import { describe, it, expect } from 'vitest';
import { parseFunction, printFunction, opcodeName } from './index';

describe('README example', () => {
  it('parses, walks and prints a function', () => {
    const text = `
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}`;
    const f = parseFunction(text);
    const seen: string[] = [];
    for (const block of f.blocks()) {
      for (const inst of f.blockInsts(block)) seen.push(`${opcodeName(f.opcode(inst))} ${f.instArgs(inst).join(',')}`);
    }
    expect(seen).toEqual(['iadd 0,1', 'return 2']);
    expect(printFunction(f)).toBe(
      'function %add(i32, i32) -> i32 fast {\nblock0(v0: i32, v1: i32):\n    v2 = iadd v0, v1\n    return v2\n}\n',
    );
  });
});
