/// <reference types="node" />
// A large real module through the frontend: every function of sql.js (SQLite compiled by
// Emscripten, a root devDependency) translates to IR whose printed CLIF parses back equal.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CALL_INDIRECT } from '@windlass/ir';
import { describe, expect, it } from 'vitest';
import { parseModule, translateFunction } from './index';
import { TestEnvironment } from './test-support/environment';
import { roundTripProblem } from './test-support/round-trip';

const require = createRequire(import.meta.url);

describe('sql.js', () => {
  it('prints IR that parses back to an equal function, for every function', () => {
    const m = parseModule(new Uint8Array(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'))));
    const env = new TestEnvironment(m);
    const problems: string[] = [];
    let callIndirect = 0;
    for (let i = 0; i < m.bodies.length; i++) {
      const f = translateFunction(m, i, env);
      const problem = roundTripProblem(f);
      if (problem) problems.push(`function ${m.numImportedFuncs + i}: ${problem}`);
      for (let k = 0; k < f.instCount; k++) if (f.instOpcode[k] === CALL_INDIRECT) callIndirect++;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(m.bodies.length).toBeGreaterThan(1900);
    // The module calls through its table: the case that printed `call_indirect.INVALID`.
    expect(callIndirect).toBeGreaterThan(100);
  }, 120_000);
});
