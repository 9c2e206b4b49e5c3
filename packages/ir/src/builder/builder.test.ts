import { describe, it, expect } from 'vitest';
import type { Block } from '../entities';
import { Function } from '../function';
import { MEMFLAGS_DEFAULT } from '../immediates';
import { opcodeName } from '../opcodes';
import { abiParam } from '../signature';
import { I8, I32, I64, type Type } from '../types';
import { printFunction } from '../writer';
import { parseFunction } from '../reader/parser';
import { functionsEqual } from '../equal';
import { verifyFunction } from '../verifier/verify';
import { BuilderError } from './errors';
import { FunctionBuilder } from './builder';
import { Switch } from './switch';

function newFunction(name: string, params: Type[], returns: Type[]): Function {
  const f = new Function();
  f.name = { kind: 'testcase', name };
  f.signature = { params: params.map((t) => abiParam(t)), returns: returns.map((t) => abiParam(t)), callConv: 'fast' };
  return f;
}

/** Every block parameter must receive at least two distinct values other than itself. */
function redundantParams(f: Function): string[] {
  const out: string[] = [];
  const incoming = new Map<number, Set<number>>();
  for (const b of f.blocks()) {
    const last = f.lastInst(b);
    if (last === -1) continue;
    for (const bc of f.branchDestinations(last)) {
      const to = f.blockCallBlock(bc);
      f.blockCallArgs(bc).forEach((a, k) => {
        const p = f.blockParamsOf(to)[k];
        if (a === p) return;
        const s = incoming.get(p) ?? new Set<number>();
        s.add(a);
        incoming.set(p, s);
      });
    }
  }
  for (const [p, s] of incoming) if (s.size < 2) out.push(`v${p}`);
  return out;
}

function check(f: Function): string {
  if (process.env.SHOW_BUILT) console.log(printFunction(f));
  expect(verifyFunction(f).map((e) => e.message)).toEqual([]);
  expect(redundantParams(f)).toEqual([]);
  const text = printFunction(f);
  // What the builder made reads back as the same function.
  expect(functionsEqual(parseFunction(text), f)).toBe(true);
  return text;
}

describe('FunctionBuilder', () => {
  it('builds a loop with variables (sum of 0..n)', () => {
    const f = newFunction('sum', [I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const header = b.createBlock();
    const body = b.createBlock();
    const exit = b.createBlock();
    const [n] = b.appendBlockParamsForFunctionParams(entry);
    const i = b.declareVar(I32);
    const sum = b.declareVar(I32);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.defVar(i, b.ins.iconst(I32, 0));
    b.defVar(sum, b.ins.iconst(I32, 0));
    b.ins.jump(header);

    b.switchToBlock(header); // not sealed: the back edge is not known yet
    const more = b.ins.icmp('ult', b.useVar(i), n);
    b.ins.brif(more, body, [], exit, []);

    b.switchToBlock(body);
    b.sealBlock(body);
    b.defVar(sum, b.ins.iadd(b.useVar(sum), b.useVar(i)));
    b.defVar(i, b.ins.iadd_imm(b.useVar(i), 1));
    b.ins.jump(header);
    b.sealBlock(header);

    b.switchToBlock(exit);
    b.sealBlock(exit);
    b.ins.return([b.useVar(sum)]);
    b.finalize();

    const text = check(f);
    // The header carries exactly the two loop-carried variables.
    expect(f.blockParamsOf(header).length).toBe(2);
    expect(f.blockParamsOf(body).length).toBe(0);
    expect(text).toContain('brif v');
  });

  it('removes the parameters of variables no path changes (nested ifs)', () => {
    const f = newFunction('nested', [I32, I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [x, y] = b.appendBlockParamsForFunctionParams(entry);
    const kept = b.declareVar(I32);
    const changed = b.declareVar(I32);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.defVar(kept, x);
    b.defVar(changed, y);
    const [then1, else1, then2, join2, join1] = [0, 1, 2, 3, 4].map(() => b.createBlock());
    b.ins.brif(x, then1, [], else1, []);

    b.switchToBlock(then1);
    b.sealBlock(then1);
    b.ins.brif(y, then2, [], join2, []);
    b.switchToBlock(then2);
    b.sealBlock(then2);
    b.defVar(changed, b.ins.iadd(b.useVar(changed), b.useVar(kept)));
    b.ins.jump(join2);
    b.switchToBlock(join2);
    b.sealBlock(join2);
    b.ins.jump(join1);

    b.switchToBlock(else1);
    b.sealBlock(else1);
    b.ins.jump(join1);

    b.switchToBlock(join1);
    b.sealBlock(join1);
    b.ins.return([b.ins.iadd(b.useVar(kept), b.useVar(changed))]);
    b.finalize();

    check(f);
    expect(f.blockParamsOf(join2).length).toBe(1); // `changed` merges
    expect(f.blockParamsOf(join1).length).toBe(1); // `kept` does not
  });

  it('removes parameters that only become trivial later (a loop nest that does not change a variable)', () => {
    const f = newFunction('loopinv', [I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [n] = b.appendBlockParamsForFunctionParams(entry);
    const inv = b.declareVar(I32);
    const i = b.declareVar(I32);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.defVar(inv, n);
    b.defVar(i, n);
    const [outer, inner, latch, exit] = [0, 1, 2, 3].map(() => b.createBlock());
    b.ins.jump(outer);
    b.switchToBlock(outer); // unsealed until the latch branches back
    b.ins.jump(inner);
    b.switchToBlock(inner); // unsealed until its own back edge
    b.defVar(i, b.ins.iadd_imm(b.useVar(i), -1));
    b.ins.brif(b.useVar(i), inner, [], latch, []);
    b.sealBlock(inner);
    b.switchToBlock(latch);
    b.sealBlock(latch);
    b.ins.brif(b.useVar(inv), outer, [], exit, []);
    b.sealBlock(outer);
    b.switchToBlock(exit);
    b.sealBlock(exit);
    b.ins.return([b.useVar(inv)]);
    b.finalize();
    check(f);
    // `inv` flows through both loops unchanged: only `i` is carried, once per header.
    expect(f.blockParamsOf(outer).length).toBe(1);
    expect(f.blockParamsOf(inner).length).toBe(1);
    expect(f.instArgs(f.lastInst(exit) as never)).toEqual([n]);
  });

  it('reads through long block chains and diamond sequences without recursion', () => {
    const f = newFunction('deep', [I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [x] = b.appendBlockParamsForFunctionParams(entry);
    const v = b.declareVar(I32);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.defVar(v, x);
    // 12k straight-line blocks, then 4k if/else diamonds, none touching `v` (a recursive
    // reader would need tens of thousands of frames here).
    for (let k = 0; k < 12_000; k++) {
      const next = b.createBlock();
      b.ins.jump(next);
      b.switchToBlock(next);
      b.sealBlock(next);
    }
    for (let k = 0; k < 4_000; k++) {
      const [t, e, join] = [b.createBlock(), b.createBlock(), b.createBlock()];
      b.ins.brif(x, t, [], e, []);
      for (const arm of [t, e]) {
        b.switchToBlock(arm);
        b.sealBlock(arm);
        b.ins.jump(join);
      }
      b.switchToBlock(join);
      b.sealBlock(join);
    }
    b.ins.return([b.useVar(v)]);
    b.finalize();
    expect(f.instArgs(f.lastInst(b.currentBlock() as Block) as never)).toEqual([x]);
    expect([...f.blocks()].every((blk) => f.blockParamsOf(blk).length === (blk === entry ? 1 : 0))).toBe(true);
    expect(verifyFunction(f)).toEqual([]);
  });

  it('keeps exactly the loop-carried variables among many (sequential loops)', () => {
    const f = newFunction('many', [I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [x] = b.appendBlockParamsForFunctionParams(entry);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    const vars = Array.from({ length: 40 }, () => b.declareVar(I32));
    for (const v of vars) b.defVar(v, x);
    const headers: Block[] = [];
    for (let l = 0; l < 30; l++) {
      const header = b.createBlock();
      const exit = b.createBlock();
      headers.push(header);
      b.ins.jump(header);
      b.switchToBlock(header);
      let acc = b.useVar(vars[0]);
      for (const v of vars) acc = b.ins.iadd(acc, b.useVar(v));
      for (let k = 0; k < 3; k++) b.defVar(vars[(l * 7 + k) % 40], acc); // three variables change per loop
      b.ins.brif(acc, header, [], exit, []);
      b.sealBlock(header);
      b.switchToBlock(exit);
      b.sealBlock(exit);
    }
    b.ins.return([b.useVar(vars[5])]);
    b.finalize();
    check(f);
    expect(headers.every((h) => f.blockParamsOf(h).length === 3)).toBe(true);
  });

  it('reads an unassigned variable as zero', () => {
    const f = newFunction('undef', [], [I64]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    b.switchToBlock(entry);
    b.sealBlock(entry);
    const v = b.declareVar(I64);
    b.ins.return([b.useVar(v)]);
    b.finalize();
    expect(check(f)).toContain('iconst.i64 0');
  });

  it('reports misuse with BuilderError', () => {
    const f = newFunction('bad', [], []);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const other = b.createBlock();
    b.switchToBlock(entry);
    b.sealBlock(entry);
    b.ins.iconst(I32, 1);
    expect(() => b.switchToBlock(other)).toThrow(BuilderError);
    b.ins.return();
    expect(() => b.ins.iconst(I32, 2)).toThrow(/already ends in a terminator/);
    expect(() => b.ins.unary('uextend', b.useVar(b.declareVar(I32)))).toThrow(/needs a controlling type/);
    const v = b.declareVar(I8);
    b.switchToBlock(other);
    expect(() => b.defVar(v, b.ins.iconst(I32, 0))).toThrow(/has type i8/);
    b.sealBlock(other);
    expect(() => b.ins.jump(other)).toThrow(/is sealed/);
  });
});

describe('Switch', () => {
  function buildSwitch(cases: number[], t: Type): Function {
    const f = newFunction('sw', [t], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [x] = b.appendBlockParamsForFunctionParams(entry);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    const sw = new Switch();
    const targets = cases.map((c) => {
      const blk = b.createBlock();
      sw.setEntry(c, blk);
      return blk;
    });
    const otherwise = b.createBlock();
    sw.emit(b, x, otherwise);
    targets.forEach((blk: Block, k) => {
      b.switchToBlock(blk);
      b.sealBlock(blk);
      b.ins.return([b.ins.iconst(I32, k + 1)]);
    });
    b.switchToBlock(otherwise);
    b.sealBlock(otherwise);
    b.ins.return([b.ins.iconst(I32, 0)]);
    b.finalize();
    return f;
  }

  const opcodes = (f: Function) => [...f.blocks()].flatMap((b) => [...f.blockInsts(b)].map((i) => opcodeName(f.opcode(i))));

  it('lowers dense cases to br_table', () => {
    const f = buildSwitch([3, 4, 5, 7, 8], I32);
    const text = check(f);
    expect(opcodes(f)).toContain('br_table');
    expect(text).toContain('iadd_imm v0, -3');
  });

  it('range-checks a 64-bit value before br_table', () => {
    const f = buildSwitch([0, 1, 2, 3], I64);
    check(f);
    expect(opcodes(f).slice(0, 4)).toEqual(['icmp_imm', 'brif', 'ireduce', 'br_table']);
  });

  it('lowers sparse cases to a compare tree', () => {
    const f = buildSwitch([1, 100, 1000, 10000, 100000, 7], I32);
    check(f);
    const ops = opcodes(f);
    expect(ops).not.toContain('br_table');
    expect(ops.filter((o) => o === 'icmp_imm').length).toBe(7); // one ult split + six eq tests
  });

  it('rejects duplicate cases', () => {
    const sw = new Switch();
    sw.setEntry(1, 0 as Block);
    expect(() => sw.setEntry(1, 1 as Block)).toThrow(BuilderError);
  });
});

describe('InstBuilder', () => {
  it('covers the float, atomic and trapping constructors a wasm frontend needs', () => {
    const f = newFunction('wasmish', [I64, I32], [I32]);
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [p, x] = b.appendBlockParamsForFunctionParams(entry);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    const a = b.ins.f64const(2.5);
    const m = b.ins.fmin(b.ins.floor(a), b.ins.fcopysign(a, b.ins.f64const(-1)));
    const i = b.ins.fcvt_to_sint_sat(I32, m);
    const old = b.ins.atomic_rmw(I32, MEMFLAGS_DEFAULT, 'add', p, i);
    const cas = b.ins.atomic_cas(MEMFLAGS_DEFAULT, p, old, x);
    b.ins.atomic_store(MEMFLAGS_DEFAULT, cas, p);
    b.ins.fence();
    const sum = b.ins.uadd_overflow_trap(cas, b.ins.atomic_load(I32, MEMFLAGS_DEFAULT, p), 1);
    b.ins.trapz(sum, 2);
    const pick = b.ins.select(b.ins.icmp_imm('eq', sum, 0), x, b.ins.rotl_imm(sum, 3));
    b.ins.return([pick]);
    b.finalize();
    const text = check(f);
    expect(text).toContain('atomic_rmw.i32 add v0, v');
    expect(text).toContain('uadd_overflow_trap');
  });


  it('builds memory, conversion and call instructions that verify', () => {
    const f = newFunction('mem', [I64], [I64]);
    const sig = f.addSigRef({ params: [abiParam(I32)], returns: [abiParam(I32)], callConv: 'fast' });
    const callee = f.addFuncRef({ name: { kind: 'testcase', name: 'g' }, signature: sig, colocated: true, patchable: false });
    const b = new FunctionBuilder(f);
    const entry = b.createBlock();
    const [p] = b.appendBlockParamsForFunctionParams(entry);
    b.switchToBlock(entry);
    b.sealBlock(entry);
    const v = b.ins.load(I32, MEMFLAGS_DEFAULT, p, 8);
    const [r] = b.ins.call(callee, [v]);
    b.ins.store(MEMFLAGS_DEFAULT, r, p, 16);
    const wide = b.ins.uextend(I64, r);
    const fl = b.ins.f64const(1.5);
    const back = b.ins.fcvt_to_sint(I64, fl);
    b.ins.return([b.ins.iadd(wide, back)]);
    b.finalize();
    const text = check(f);
    expect(text).toContain('v1 = load.i32 v0+8');
    expect(text).toContain('call fn0(v1)');
  });
});
