import { describe, it, expect } from 'vitest';
import type { Block, Inst, Value } from './entities';
import { Function, ValueKind } from './function';
import { BRIF, IADD, ICONST, JUMP, RETURN, opcodeName } from './opcodes';
import { abiParam } from './signature';
import { I32, I8, INVALID } from './types';
import { resultTypes } from './typing';
import { printFunction } from './writer';
import { parseFunction } from './reader/parser';
import { functionDiff, functionsEqual } from './equal';

/** Build `add5(x) = x + 5` with the low-level API. */
function buildAdd5(): Function {
  const f = new Function();
  f.name = { kind: 'testcase', name: 'add5' };
  f.signature = { params: [abiParam(I32)], returns: [abiParam(I32)], callConv: 'fast' };
  const b0 = f.makeBlock();
  f.appendBlock(b0);
  const x = f.appendBlockParam(b0, I32);
  const k = f.makeInst(ICONST, I32, []);
  f.setImm64(k, 5n);
  const [five] = f.makeResults(k, resultTypes(f, k));
  f.appendInst(k, b0);
  const add = f.makeInst(IADD, I32, [x, five]);
  const [sum] = f.makeResults(add, resultTypes(f, add));
  f.appendInst(add, b0);
  f.appendInst(f.makeInst(RETURN, INVALID, [sum]), b0);
  return f;
}

describe('Function', () => {
  it('builds a function that prints as CLIF and reads back equal', () => {
    const f = buildAdd5();
    const text = printFunction(f);
    expect(text).toBe(
      'function %add5(i32) -> i32 fast {\n' +
      'block0(v0: i32):\n' +
      '    v1 = iconst.i32 5\n' +
      '    v2 = iadd v0, v1  ; v1 = 5\n' +
      '    return v2\n' +
      '}\n',
    );
    expect(functionDiff(f, parseFunction(text))).toBeNull();
  });

  it('iterates blocks and instructions in layout order', () => {
    const f = buildAdd5();
    const seen: string[] = [];
    for (const b of f.blocks()) for (const i of f.blockInsts(b)) seen.push(opcodeName(f.opcode(i)));
    expect(seen).toEqual(['iconst', 'iadd', 'return']);
    expect(f.countInsts()).toBe(3);
  });

  it('inserts and removes instructions and blocks in O(1) linked lists', () => {
    const f = buildAdd5();
    const b0 = f.entryBlock() as Block;
    const add = f.nextInst(f.firstInst(b0) as Inst) as Inst;
    const k2 = f.makeInst(ICONST, I32, []);
    f.makeResults(k2, [I32]);
    f.insertInstBefore(k2, add);
    expect(f.prevInst(add)).toBe(k2);
    f.removeInst(k2);
    expect(f.instBlockOf(k2)).toBe(-1);
    expect(f.countInsts()).toBe(3);

    const b1 = f.makeBlock();
    const b2 = f.makeBlock();
    f.appendBlock(b2);
    f.insertBlockBefore(b1, b2);
    expect([...f.blocks()]).toEqual([b0, b1, b2]);
    f.removeBlock(b1);
    expect([...f.blocks()]).toEqual([b0, b2]);
  });

  it('edits operands, branch arguments and aliases', () => {
    const f = buildAdd5();
    const b0 = f.entryBlock() as Block;
    const b1 = f.makeBlock();
    f.appendBlock(b1);
    const p = f.appendBlockParam(b1, I32);
    const ret = f.lastInst(b0) as Inst;
    f.removeInst(ret);
    const sum = f.arg(ret, 0);
    const bc = f.makeBlockCall(b1, []);
    const j = f.makeInst(JUMP, INVALID, []);
    f.setImm0(j, bc);
    f.appendInst(j, b0);
    f.appendBlockCallArg(bc, sum);
    f.appendInst(f.makeInst(RETURN, INVALID, [p]), b1);
    expect(f.branchDestinations(j)).toEqual([bc]);
    expect(f.blockCallArgs(bc)).toEqual([sum]);

    // Alias: the iadd result now means the block parameter x.
    const x = f.blockParamsOf(b0)[0];
    const add = f.prevInst(j) as Inst;
    f.removeInst(add);
    f.replaceResultsWith(add, [x]);
    expect(f.valueKind[sum]).toBe(ValueKind.Alias);
    expect(f.resolveAliases(sum)).toBe(x);
    const text = printFunction(f);
    expect(text).toContain('jump block1(v2)');
    f.resolveAllAliases();
    expect(f.blockCallArgs(bc)).toEqual([x]);
  });

  it('clones deeply and compares structurally', () => {
    const f = buildAdd5();
    const g = f.clone();
    expect(functionsEqual(f, g)).toBe(true);
    const k = f.firstInst(f.entryBlock() as Block) as Inst;
    g.setImm64(k, 6n);
    expect(functionsEqual(f, g)).toBe(false);
    expect(functionDiff(f, g)).toContain('immediates differ');
    expect(f.imm64(k)).toBe(5n);
  });

  it('derives result types from the opcode table', () => {
    const f = parseFunction(`
function %t(i32, i64) {
block0(v0: i32, v1: i64):
    v2 = icmp eq v0, v0
    v3, v4 = uadd_overflow v1, v1
    brif v2, block1, block1
block1:
    return
}`);
    expect(f.valueTypeOf(2 as Value)).toBe(I8);
    expect(f.valueTypeOf(4 as Value)).toBe(I8);
    const brif = f.lastInst(f.entryBlock() as Block) as Inst;
    expect(f.opcode(brif)).toBe(BRIF);
    expect(f.branchDestinations(brif).map((bc) => f.blockCallBlock(bc))).toEqual([1, 1]);
  });
});

describe('Function.reserve', () => {
  it('pre-sizes the tables without changing the function', () => {
    const f = new Function();
    f.reserve(1000, 1500, 10);
    expect(f.instOpcode.length).toBeGreaterThanOrEqual(1000);
    expect(f.valueType.length).toBeGreaterThanOrEqual(1500);
    expect(f.instCount).toBe(0);
    const b = f.makeBlock();
    f.appendBlock(b);
    expect(printFunction(f)).toBe('function %() fast {\nblock0:\n}\n');
  });
});
